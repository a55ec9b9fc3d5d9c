//! Tests of the agent-QRE trace and its exact polish, on games built by hand.

use super::*;
use crate::equilibrium::Kind;
use redline_models::expr::Expr;
use redline_models::tree::{InfosetId, TreeBuilder};
use std::collections::HashMap;

fn q(s: &str) -> Q {
    s.parse().unwrap()
}

fn qs(v: &[&str]) -> Vec<Q> {
    v.iter().map(|s| q(s)).collect()
}

fn exact(t: &Tree) -> Sequential {
    match solve(t, &Options::default()).unwrap() {
        Outcome::Exact(s) => s,
        Outcome::Approximate { behavior, regret, lambda } => {
            panic!("not polished: {behavior:?}, regret {regret}, λ {lambda}")
        }
    }
}

/// MODELS.md B.2 (B1): chance draws a resolute defender (π) or a normal one; at stage k (k slices
/// left) challenger n − k + 1 holds or probes at an information set pairing the two types' nodes
/// with the same public history; after a probe the resolute type retaliates (no decision), the normal
/// one retaliates or accepts. Stage payoffs are summed: challenger hold 0, accepted b, retaliated
/// b − 1; defender hold a, accept 0, retaliate −1 (the resolute type's payoffs counted as the normal
/// type's). Player 0 is the defender, player j the j-th challenger.
fn salami_probes(n: usize, a: &str, b: &str, pi: &str) -> Tree {
    let (a, b, pi) = (q(a), q(b), q(pi));
    let mut players = vec!["Defender".to_string()];
    players.extend((1..=n).map(|j| format!("Challenger {j}")));
    let mut t = TreeBuilder::new("salami-probes", players);
    let c_acts = t.actions(&["hold", "probe"]).unwrap();
    let d_acts = t.actions(&["retaliate", "accept"]).unwrap();
    t.chance(vec![
        ("resolute".into(), Expr::number(pi.clone())),
        ("normal".into(), Expr::number(&Q::one() - &pi)),
    ])
    .unwrap();
    let mut c_sets: HashMap<String, InfosetId> = HashMap::new();
    let mut d_sets: HashMap<String, InfosetId> = HashMap::new();
    struct Ctx<'a> {
        t: &'a mut TreeBuilder,
        c_sets: &'a mut HashMap<String, InfosetId>,
        d_sets: &'a mut HashMap<String, InfosetId>,
        n: usize,
        a: Q,
        b: Q,
        c_acts: redline_models::tree::ActionSetId,
        d_acts: redline_models::tree::ActionSetId,
    }
    // Test-sized depth (n ≤ 5): recursion is fine here.
    fn stage(cx: &mut Ctx, resolute: bool, history: &str, payoffs: Vec<Q>) {
        let j = history.len() + 1;
        if j > cx.n {
            cx.t.terminal_values(&payoffs).unwrap();
            return;
        }
        let h = match cx.c_sets.get(history) {
            Some(&h) => h,
            None => {
                let h = cx.t.infoset(j, &format!("C{j} {history}"), cx.c_acts).unwrap();
                cx.c_sets.insert(history.to_string(), h);
                h
            }
        };
        cx.t.decision(h).unwrap();
        let mut hold = payoffs.clone();
        hold[0] = &hold[0] + &cx.a;
        stage(cx, resolute, &format!("{history}H"), hold);
        let mut ret = payoffs.clone();
        ret[0] = &ret[0] - &Q::one();
        ret[j] = &ret[j] + &(&cx.b - &Q::one());
        if resolute {
            stage(cx, resolute, &format!("{history}R"), ret);
        } else {
            let d = match cx.d_sets.get(history) {
                Some(&d) => d,
                None => {
                    let d = cx.t.infoset(0, &format!("D {history}"), cx.d_acts).unwrap();
                    cx.d_sets.insert(history.to_string(), d);
                    d
                }
            };
            cx.t.decision(d).unwrap();
            stage(cx, resolute, &format!("{history}R"), ret);
            let mut acc = payoffs;
            acc[j] = &acc[j] + &cx.b;
            stage(cx, resolute, &format!("{history}A"), acc);
        }
    }
    let mut cx = Ctx { t: &mut t, c_sets: &mut c_sets, d_sets: &mut d_sets, n, a, b, c_acts, d_acts };
    stage(&mut cx, true, "", vec![Q::zero(); n + 1]);
    stage(&mut cx, false, "", vec![Q::zero(); n + 1]);
    t.finish().unwrap()
}

/// The information set of `tree` with this label.
fn set(tree: &Tree, label: &str) -> usize {
    (0..tree.infosets().len()).find(|&h| tree.infosets()[h].label.as_ref() == label).unwrap()
}

fn totals(s: &Sequential) -> (Q, Q) {
    let p = &s.equilibrium.payoffs;
    (p[0].clone(), p[1..].iter().sum())
}

#[test]
fn jacobian_matches_finite_differences() {
    let tree = salami_probes(2, "2", "1/2", "1/10");
    let g = Game::new(&tree);
    let y: Vec<f64> = (0..g.m).map(|j| ((j * 7 % 5) as f64 - 2.0) * 0.7).collect();
    let lambda = 3.5;
    let e = g.eval(&y);
    let jac = g.jacobian(lambda, &e);
    // Central differences; the step and the tolerance are for functions of size ~λ.
    const H: f64 = 1e-6;
    const TOL: f64 = 1e-6;
    for c in 0..=g.m {
        let (mut yp, mut ym, mut lp, mut lm) = (y.clone(), y.clone(), lambda, lambda);
        if c < g.m {
            yp[c] += H;
            ym[c] -= H;
        } else {
            lp += H;
            lm -= H;
        }
        let rp = g.residual(&yp, lp, &g.eval(&yp));
        let rm = g.residual(&ym, lm, &g.eval(&ym));
        for r in 0..g.m {
            let fd = (rp[r] - rm[r]) / (2.0 * H);
            assert!((fd - jac[(r, c)]).abs() < TOL, "entry ({r}, {c}): analytic {} vs {fd}", jac[(r, c)]);
        }
    }
}

#[test]
fn two_by_two_coordination_selects_the_risk_dominant_equilibrium() {
    // (A, A) = (9, 9) is payoff dominant, (B, B) = (7, 7) risk dominant: (9 − 8)² < (7 − 0)².
    let mut b = TreeBuilder::new("stag", vec!["P0".into(), "P1".into()]);
    let acts = b.actions(&["A", "B"]).unwrap();
    let h0 = b.infoset(0, "", acts).unwrap();
    let h1 = b.infoset(1, "", acts).unwrap();
    b.decision(h0).unwrap();
    for row in [[[9, 9], [0, 8]], [[8, 0], [7, 7]]] {
        b.decision(h1).unwrap();
        for u in row {
            b.terminal_values(&[Q::from_int(u[0]), Q::from_int(u[1])]).unwrap();
        }
    }
    let s = exact(&b.finish().unwrap());
    assert_eq!(s.equilibrium.kind, Kind::Sequential);
    assert_eq!(s.assessment.behavior, vec![qs(&["0", "1"]), qs(&["0", "1"])]);
    assert_eq!(s.equilibrium.payoffs, qs(&["7", "7"]));
}

#[test]
fn b1_one_challenger_probes_below_b() {
    // π = 1/3 < b = 1/2: the challenger probes, the normal defender accepts (last stage).
    let t = salami_probes(1, "2", "1/2", "1/3");
    let s = exact(&t);
    assert_eq!(s.assessment.behavior[set(&t, "C1 ")], qs(&["0", "1"]));
    assert_eq!(s.assessment.behavior[set(&t, "D ")], qs(&["0", "1"]));
    assert_eq!(totals(&s), (q("-1/3"), q("1/6")));
}

#[test]
fn b1_two_challengers_match_the_closed_form() {
    // (2, 2, 1/2, 1/10): probe at k = 2, β_2 = 1/9; the posterior after retaliation is 1/2 = b, where
    // the second challenger holds with probability 1/a = 1/2; totals (−1/20; 7/10) (MODELS.md B2-2).
    let t = salami_probes(2, "2", "1/2", "1/10");
    let s = exact(&t);
    assert_eq!(s.assessment.behavior[set(&t, "C1 ")], qs(&["0", "1"]));
    assert_eq!(s.assessment.behavior[set(&t, "D ")], qs(&["1/9", "8/9"]));
    assert_eq!(s.assessment.behavior[set(&t, "C2 R")], qs(&["1/2", "1/2"]));
    assert_eq!(s.beliefs[set(&t, "C2 R")], Some(qs(&["1/2", "1/2"])));
    assert_eq!(s.assessment.behavior[set(&t, "D R")], qs(&["0", "1"]));
    assert_eq!(totals(&s), (q("-1/20"), q("7/10")));
    // (2, 2, 1/2, 1/3): hold, then probe; the normal defender accepts (B2-1).
    let t = salami_probes(2, "2", "1/2", "1/3");
    let s = exact(&t);
    assert_eq!(s.assessment.behavior[set(&t, "C1 ")], qs(&["1", "0"]));
    assert_eq!(s.assessment.behavior[set(&t, "C2 H")], qs(&["0", "1"]));
    assert_eq!(totals(&s), (q("5/3"), q("1/6")));
}

#[test]
fn b1_1_three_challengers() {
    // (3, 2, 1/2, 1/3): hold, hold, probe; P(retaliation) = 1/3 at the last stage; off the path
    // β_3 = 1 and β_2 = 1/2; totals (11/3; 1/6).
    let t = salami_probes(3, "2", "1/2", "1/3");
    let s = exact(&t);
    assert_eq!(s.assessment.behavior[set(&t, "C1 ")], qs(&["1", "0"]));
    assert_eq!(s.assessment.behavior[set(&t, "C2 H")], qs(&["1", "0"]));
    assert_eq!(s.assessment.behavior[set(&t, "C3 HH")], qs(&["0", "1"]));
    assert_eq!(s.assessment.behavior[set(&t, "D HH")], qs(&["0", "1"]));
    assert_eq!(s.assessment.behavior[set(&t, "D ")], qs(&["1", "0"]));
    assert_eq!(s.assessment.behavior[set(&t, "D H")], qs(&["1/2", "1/2"]));
    assert_eq!(totals(&s), (q("11/3"), q("1/6")));
}

#[test]
fn b1_2_three_challengers() {
    // (3, 2, 1/2, 1/10): probe at k = 3 with β_3 = 1/3; posterior 1/4 = b²: hold w.p. 1/2, β_2 = 1/3;
    // posterior 1/2 = b: hold w.p. 1/2, the normal defender accepts; totals (−3/40; 4/5).
    let t = salami_probes(3, "2", "1/2", "1/10");
    let s = exact(&t);
    assert_eq!(s.assessment.behavior[set(&t, "C1 ")], qs(&["0", "1"]));
    assert_eq!(s.assessment.behavior[set(&t, "D ")], qs(&["1/3", "2/3"]));
    assert_eq!(s.beliefs[set(&t, "C2 R")], Some(qs(&["1/4", "3/4"])));
    assert_eq!(s.assessment.behavior[set(&t, "C2 R")], qs(&["1/2", "1/2"]));
    assert_eq!(s.assessment.behavior[set(&t, "D R")], qs(&["1/3", "2/3"]));
    assert_eq!(s.beliefs[set(&t, "C3 RR")], Some(qs(&["1/2", "1/2"])));
    assert_eq!(s.assessment.behavior[set(&t, "C3 RR")], qs(&["1/2", "1/2"]));
    assert_eq!(s.assessment.behavior[set(&t, "D RR")], qs(&["0", "1"]));
    assert_eq!(totals(&s), (q("-3/40"), q("4/5")));
}

#[test]
fn b1_3_four_challengers() {
    // (4, 3, 1/3, 1/20): hold, hold, then probe at k = 2 with β_2 = 2/19; posterior 1/3 = b: hold
    // w.p. 1/a = 1/3; totals (179/30; 7/15).
    let t = salami_probes(4, "3", "1/3", "1/20");
    let s = exact(&t);
    assert_eq!(s.assessment.behavior[set(&t, "C3 HH")], qs(&["0", "1"]));
    assert_eq!(s.assessment.behavior[set(&t, "D HH")], qs(&["2/19", "17/19"]));
    assert_eq!(s.beliefs[set(&t, "C4 HHR")], Some(qs(&["1/3", "2/3"])));
    assert_eq!(s.assessment.behavior[set(&t, "C4 HHR")], qs(&["1/3", "2/3"]));
    assert_eq!(totals(&s), (q("179/30"), q("7/15")));
}

/// Selten's horse: player 0 plays C (on to player 1) or D; player 1 plays c (payoffs (1, 1, 1)) or
/// d; player 2, not knowing whether D or C·d happened, plays L or R. After D: L (3, 3, 2), R (0, 0,
/// 0); after C·d: L (4, 4, 0), R (1, 1, 1).
fn horse() -> Tree {
    let mut b = TreeBuilder::new("horse", vec!["P1".into(), "P2".into(), "P3".into()]);
    let a0 = b.actions(&["C", "D"]).unwrap();
    let a1 = b.actions(&["c", "d"]).unwrap();
    let a2 = b.actions(&["L", "R"]).unwrap();
    let h0 = b.infoset(0, "1", a0).unwrap();
    let h1 = b.infoset(1, "2", a1).unwrap();
    let h2 = b.infoset(2, "3", a2).unwrap();
    let leaf = |b: &mut TreeBuilder, u: [i64; 3]| {
        b.terminal_values(&u.map(Q::from_int)).unwrap();
    };
    b.decision(h0).unwrap();
    b.decision(h1).unwrap();
    leaf(&mut b, [1, 1, 1]);
    b.decision(h2).unwrap();
    leaf(&mut b, [4, 4, 0]);
    leaf(&mut b, [1, 1, 1]);
    b.decision(h2).unwrap();
    leaf(&mut b, [3, 3, 2]);
    leaf(&mut b, [0, 0, 0]);
    b.finish().unwrap()
}

#[test]
fn selten_horse_gives_a_sequential_equilibrium_not_the_incredible_one() {
    let t = horse();
    let s = exact(&t);
    // (D, c, L) is a Nash equilibrium in which player 1's c is not optimal: never returned.
    let incredible = vec![qs(&["0", "1"]), qs(&["1", "0"]), qs(&["1", "0"])];
    assert_ne!(s.assessment.behavior, incredible);
    assert!(certify(&t, Assessment::with_unit_trembles(incredible)).is_err());
    // Every sequential equilibrium has payoffs (1, 1, 1) or (3, 3, 2); recheck independently.
    let c = super::super::assessment::check(&t, &s.assessment).unwrap();
    assert!(c.regret.is_zero());
    assert!(s.equilibrium.payoffs == qs(&["1", "1", "1"]) || s.equilibrium.payoffs == qs(&["3", "3", "2"]));
}

#[test]
fn malformed_and_trivial_games() {
    // One player, one action: nothing to trace, the profile certifies as it is.
    let mut b = TreeBuilder::new("one", vec!["P".into()]);
    let a = b.actions(&["only"]).unwrap();
    let h = b.infoset(0, "", a).unwrap();
    b.decision(h).unwrap();
    b.terminal_values(&[Q::one()]).unwrap();
    let s = exact(&b.finish().unwrap());
    assert_eq!(s.equilibrium.payoffs, qs(&["1"]));
    // All payoffs equal: every profile is an equilibrium; the uniform one is returned.
    let mut b = TreeBuilder::new("flat", vec!["P".into()]);
    let a = b.actions(&["x", "y", "z"]).unwrap();
    let h = b.infoset(0, "", a).unwrap();
    b.decision(h).unwrap();
    for _ in 0..3 {
        b.terminal_values(&[Q::one()]).unwrap();
    }
    let s = exact(&b.finish().unwrap());
    assert_eq!(s.assessment.behavior, vec![qs(&["1/3", "1/3", "1/3"])]);
}

#[test]
fn rational_reconstruction() {
    assert_eq!(rational_near(1.0 / 3.0 + 1e-9, 1e-6), Some(q("1/3")));
    assert_eq!(rational_near(-0.125, 1e-12), Some(q("-1/8")));
    assert_eq!(rational_near(2.0_f64.sqrt(), 1e-4), Some(q("99/70")));
    assert_eq!(rational_near(f64::NAN, 1e-4), None);
}

#[test]
fn an_irrational_equilibrium_falls_back_to_the_float_profile() {
    // Three players choose 0 or 1 at once (player 1 sees nothing, player 2 and 3 see nothing either).
    // Action 0 pays 0; action 1 pays Δ_i of the others' choices:
    //   Δ_1(q, r) = 1 − 2q + r − 3qr, Δ_2(p, r) = 1 + p − 2r − pr, Δ_3(p, q) = 1 − 2p + q − pq,
    // with p, q, r the probabilities of action 1. No pure or partly mixed profile is an equilibrium,
    // and the completely mixed one solves a quadratic with an irrational root (r ≈ 0.6134), so no
    // exact polish exists: the float profile must come back, marked approximate.
    let d1 = |q: f64, r: f64| 1.0 - 2.0 * q + r - 3.0 * q * r;
    let d2 = |p: f64, r: f64| 1.0 + p - 2.0 * r - p * r;
    let d3 = |p: f64, q: f64| 1.0 - 2.0 * p + q - p * q;
    let mut b = TreeBuilder::new("irrational", vec!["P1".into(), "P2".into(), "P3".into()]);
    let acts = b.actions(&["0", "1"]).unwrap();
    let h: Vec<_> = (0..3).map(|i| b.infoset(i, "", acts).unwrap()).collect();
    b.decision(h[0]).unwrap();
    for x1 in 0..2 {
        b.decision(h[1]).unwrap();
        for x2 in 0..2 {
            b.decision(h[2]).unwrap();
            for x3 in 0..2 {
                let (p, q, r) = (f64::from(x1), f64::from(x2), f64::from(x3));
                let u = [p * d1(q, r), q * d2(p, r), r * d3(p, q)];
                b.terminal_values(&u.map(|v| Q::from_int(v as i64))).unwrap();
            }
        }
    }
    let t = b.finish().unwrap();
    let Outcome::Approximate { behavior, regret, lambda } = solve(&t, &Options::default()).unwrap() else {
        panic!("an irrational equilibrium cannot certify")
    };
    // The logit profile at λ is within O(1/λ) of the equilibrium; λ ≥ 10⁶ / range here.
    const CLOSE: f64 = 1e-4;
    assert!(lambda >= 1e5 && regret < CLOSE, "λ {lambda}, regret {regret}");
    let (p, q, r) = (behavior[0][1], behavior[1][1], behavior[2][1]);
    assert!((0.5..0.7).contains(&p) && (0.3..0.5).contains(&q) && (0.5..0.7).contains(&r));
    for gap in [d1(q, r), d2(p, r), d3(p, q)] {
        assert!(gap.abs() < CLOSE, "not indifferent: {gap}");
    }
}

#[test]
fn progress_reports_a_rising_lambda() {
    let t = horse();
    let mut seen = Vec::new();
    solve_with_progress(&t, &Options::default(), &mut |l| seen.push(l)).unwrap();
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    // The payoff range is 4: λ_max = 10⁶ / 4 in payoff units.
    assert!(seen.last().is_some_and(|&l| l >= 2.5e5));
}

#[test]
fn imperfect_recall_is_refused() {
    // Player 0 forgets its first move: its second set pairs nodes after different own actions.
    let mut b = TreeBuilder::new("forgetful", vec!["P".into()]);
    let acts = b.actions(&["x", "y"]).unwrap();
    let h0 = b.infoset(0, "first", acts).unwrap();
    let h1 = b.infoset(0, "second", acts).unwrap();
    b.decision(h0).unwrap();
    for _ in 0..2 {
        b.decision(h1).unwrap();
        b.terminal_values(&[Q::one()]).unwrap();
        b.terminal_values(&[Q::zero()]).unwrap();
    }
    let t = b.finish().unwrap();
    assert!(matches!(solve(&t, &Options::default()), Err(Error::Unsupported { method: "sequential", .. })));
}

#[test]
fn trembles_from_the_trace_where_unit_trembles_fail() {
    // Selten's horse with player 1 getting 0 after C·d·R: now c is strictly better for player 1, so
    // player 2's information set is off the path and its beliefs come from the trembles of D and of
    // C·d, both one payoff unit costly. R is optimal only if the belief on D is at most 1/3; equal
    // unit trembles give 1/2, so the polish must take the trembles' weights from the trace.
    let mut b = TreeBuilder::new("horse variant", vec!["P1".into(), "P2".into(), "P3".into()]);
    let a0 = b.actions(&["C", "D"]).unwrap();
    let a1 = b.actions(&["c", "d"]).unwrap();
    let a2 = b.actions(&["L", "R"]).unwrap();
    let h0 = b.infoset(0, "1", a0).unwrap();
    let h1 = b.infoset(1, "2", a1).unwrap();
    let h2 = b.infoset(2, "3", a2).unwrap();
    let leaf = |b: &mut TreeBuilder, u: [i64; 3]| {
        b.terminal_values(&u.map(Q::from_int)).unwrap();
    };
    b.decision(h0).unwrap();
    b.decision(h1).unwrap();
    leaf(&mut b, [1, 1, 1]);
    b.decision(h2).unwrap();
    leaf(&mut b, [4, 4, 0]);
    leaf(&mut b, [1, 0, 1]);
    b.decision(h2).unwrap();
    leaf(&mut b, [3, 3, 2]);
    leaf(&mut b, [0, 0, 0]);
    let t = b.finish().unwrap();
    let s = exact(&t);
    let profile = vec![qs(&["1", "0"]), qs(&["1", "0"]), qs(&["0", "1"])];
    assert_eq!(s.assessment.behavior, profile);
    assert!(certify(&t, Assessment::with_unit_trembles(profile)).is_err());
    // Members in node order: after C·d, after D.
    let belief = s.beliefs[2].clone().unwrap();
    assert!(belief[1] <= q("1/3"), "{belief:?}");
    assert_eq!(s.equilibrium.payoffs, qs(&["1", "1", "1"]));
}

/// The Kreps–Wilson equilibrium of B1 (MODELS.md B.2) followed along every history: the ex-ante
/// defender payoff and the challengers' total, for generic π.
fn b1_closed_form(n: usize, a: &Q, b: &Q, pi: &Q) -> (Q, Q) {
    let pow = |k: usize| (0..k).fold(Q::one(), |acc, _| &acc * b);
    // Stage by stage from k = n over the reachable (belief, probability of the history for the
    // resolute type, for the normal type) triples, accumulating expected stage payoffs.
    let mut states = vec![(pi.clone(), pi.clone(), &Q::one() - pi)];
    let (mut defender, mut challengers) = (Q::zero(), Q::zero());
    for k in (1..=n).rev() {
        let mut next = Vec::new();
        for (p, wr, wn) in states {
            let t = pow(k);
            let hold = match p.cmp(&t) {
                std::cmp::Ordering::Greater => Q::one(),
                std::cmp::Ordering::Less => Q::zero(),
                std::cmp::Ordering::Equal => a.recip().unwrap(),
            };
            let probe = &Q::one() - &hold;
            let beta = if k == 1 {
                Q::zero()
            } else if p >= pow(k - 1) {
                Q::one()
            } else {
                (&p * &(&Q::one() - &pow(k - 1))).checked_div(&(&(&Q::one() - &p) * &pow(k - 1))).unwrap()
            };
            let reach = &wr + &wn;
            let p_ret = &p + &(&(&Q::one() - &p) * &beta);
            // Challenger k's stage payoff, and the defender's (either type, normal stage payoffs).
            challengers = &challengers + &(&(&reach * &probe) * &(b - &p_ret));
            defender = &defender + &(&(&reach * &hold) * a);
            defender = &defender - &(&(&probe * &(&wr + &(&wn * &beta))) * &Q::one());
            next.push((p.clone(), &wr * &hold, &wn * &hold));
            let (rr, rn) = (&wr * &probe, &(&wn * &probe) * &beta);
            if !(&rr + &rn).is_zero() {
                next.push((rr.checked_div(&(&rr + &rn)).unwrap(), rr, rn));
            }
            let an = &(&wn * &probe) * &(&Q::one() - &beta);
            if !an.is_zero() {
                next.push((Q::zero(), Q::zero(), an));
            }
        }
        states = next;
    }
    (defender, challengers)
}

#[test]
fn b1_closed_form_matches_the_models_table() {
    let (a, b) = (q("2"), q("1/2"));
    assert_eq!(b1_closed_form(3, &a, &b, &q("1/3")), (q("11/3"), q("1/6")));
    assert_eq!(b1_closed_form(3, &a, &b, &q("1/10")), (q("-3/40"), q("4/5")));
    assert_eq!(b1_closed_form(4, &q("3"), &q("1/3"), &q("1/20")), (q("179/30"), q("7/15")));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn b1_at_random_parameters_matches_kreps_wilson(
        n in 1_usize..=3,
        a in proptest::sample::select(vec!["3/2", "2", "3", "5"]),
        b in proptest::sample::select(vec!["1/3", "1/2", "2/3", "3/4"]),
        pi in 1_i64..100,
    ) {
        let (a, b, pi) = (q(a), q(b), Q::ratio(pi, 100).unwrap());
        // Generic π: not on a first-stage threshold b^k.
        let mut t = Q::one();
        for _ in 0..n {
            t = &t * &b;
            proptest::prop_assume!(t != pi);
        }
        let tree = salami_probes(n, &a.to_string(), &b.to_string(), &pi.to_string());
        let s = exact(&tree);
        proptest::prop_assert_eq!(totals(&s), b1_closed_form(n, &a, &b, &pi));
    }
}

#[test]
fn games_beyond_the_trace_are_refused() {
    // A payoff beyond f64: no trace, a clear refusal.
    let mut b = TreeBuilder::new("huge", vec!["P".into()]);
    let a = b.actions(&["x", "y"]).unwrap();
    let h = b.infoset(0, "", a).unwrap();
    b.decision(h).unwrap();
    b.terminal_values(&[q("1e400")]).unwrap();
    b.terminal_values(&[q("0")]).unwrap();
    let t = b.finish().unwrap();
    assert!(matches!(solve(&t, &Options::default()), Err(Error::Unsupported { method: "sequential", .. })));
    // More free action probabilities than the dense Jacobian takes.
    let mut b = TreeBuilder::new("wide", vec!["P".into()]);
    let labels: Vec<String> = (0..=MAX_UNKNOWNS + 1).map(|k| format!("a{k}")).collect();
    let a = b.actions(&labels).unwrap();
    let h = b.infoset(0, "", a).unwrap();
    b.decision(h).unwrap();
    for k in 0..labels.len() {
        b.terminal_values(&[Q::from_int(k as i64)]).unwrap();
    }
    let t = b.finish().unwrap();
    assert!(matches!(solve(&t, &Options::default()), Err(Error::Limit { what: "size", .. })));
}
