//! Exact thresholds of the built-in models against MODELS.md's tables, and the sweep against a
//! brute-force scan on random trees with payoffs affine in θ.

use redline_models::library;
use redline_models::number::Q;
use redline_solver::poly::Root;
use redline_solver::threshold::{Options, analyze};

fn q(s: &str) -> Q {
    s.parse().unwrap()
}

fn thresholds(model: &str, param: &str, from: &str, to: &str) -> Vec<(Q, bool)> {
    let tree = library::find(model).unwrap().instantiate(&[]).unwrap();
    let opts = Options { from: q(from), to: q(to), precision: q("1e-12"), max_thresholds: 1000 };
    let a = analyze(&tree, param, &opts).unwrap();
    assert!(a.complete);
    assert_eq!(a.regions.len(), a.thresholds.len() + 1);
    a.thresholds
        .iter()
        .map(|t| match &t.value {
            Root::Exact(v) => (v.clone(), t.changes_outcome),
            other => panic!("{model}/{param}: expected exact thresholds, got {other:?}"),
        })
        .collect()
}

fn values(ts: &[(Q, bool)]) -> Vec<String> {
    ts.iter().map(|(v, _)| v.to_string()).collect()
}

#[test]
fn commitment_thresholds_match_models_md() {
    assert_eq!(values(&thresholds("commitment", "rho", "0", "10")), ["1", "3"]);
    assert_eq!(values(&thresholds("commitment", "r_A", "0", "10")), ["4"]);
    assert_eq!(values(&thresholds("commitment", "x", "0", "10")), ["1", "3", "5"]);
}

#[test]
fn reciprocity_thresholds_match_models_md() {
    assert_eq!(values(&thresholds("reciprocity", "lambda", "0", "1")), ["2/3"]);
    assert_eq!(values(&thresholds("reciprocity", "rho", "0", "20")), ["3/2", "9/2", "13"]);
    assert_eq!(values(&thresholds("reciprocity", "mu", "1/2", "6")), ["1", "4/3", "4"]);
}

#[test]
fn volatile_commitment_threshold_is_seven_eighths() {
    let ts = thresholds("commitment-volatile", "q", "0", "1");
    assert!(ts.iter().any(|(v, changes)| v == &q("7/8") && *changes), "{ts:?}");
}

#[test]
fn credibility_threshold_through_subgame_decomposition() {
    // MODELS.md E1: the challenger cannot tell a hard defender from a soft one; initiating pays
    // 2 - 6 p_D against 0, so it stops at p_D* = 1/3.
    let ts = thresholds("credibility", "p_D", "0", "1");
    assert_eq!(ts, vec![(q("1/3"), true)]);
    let tree = library::find("credibility").unwrap().instantiate(&[]).unwrap();
    let opts = Options { from: q("0"), to: q("1"), precision: q("1e-12"), max_thresholds: 10 };
    let a = analyze(&tree, "p_D", &opts).unwrap();
    let ind = &a.thresholds[0].indifferences;
    assert_eq!(ind.len(), 1, "{ind:?}");
    assert_eq!(tree.players()[ind[0].player], "Challenger");
    assert_eq!((ind[0].before, ind[0].after, ind[0].actions.clone()), (1, 0, vec![0, 1]));
}

mod random_imperfect {
    use super::*;
    use proptest::prelude::*;
    use redline_models::expr::Expr;
    use redline_models::tree::{Parameter, Tree, TreeBuilder};
    use redline_solver::Profile;
    use redline_solver::backward_induction::Options as BiOptions;

    /// Chance picks one of `k` states; player A chooses at one information set spanning them; then
    /// B and A alternate at singleton nodes. Payoffs `a + b*t`.
    fn tree(seed: &[i8]) -> Tree {
        let mut b = TreeBuilder::new("r", vec!["A".into(), "B".into()]);
        b.add_parameter(Parameter::new("t", Q::zero(), "")).unwrap();
        let two = b.actions(&["l", "r"]).unwrap();
        let h = b.infoset(0, "h", two).unwrap();
        let mut it = seed.iter().cycle().copied();
        let mut next = move || it.next().unwrap();
        let k = 2 + next().rem_euclid(2) as usize;
        let probs: Vec<(String, Expr)> = match k {
            2 => vec![("x".into(), Expr::parse("1/3").unwrap()), ("y".into(), Expr::parse("2/3").unwrap())],
            _ => ["x", "y", "z"].iter().map(|n| (n.to_string(), Expr::parse("1/3").unwrap())).collect(),
        };
        b.chance(probs).unwrap();
        for _ in 0..k {
            b.decision(h).unwrap();
            let mut stack = vec![(2u8, 1usize); 2];
            while let Some((depth, mover)) = stack.pop() {
                if depth == 0 || next().rem_euclid(3) == 0 {
                    let pay: Vec<Expr> = (0..2)
                        .map(|_| {
                            Expr::parse(&format!(
                                "{} + {}*t",
                                next().rem_euclid(7) - 3,
                                next().rem_euclid(5) - 2
                            ))
                            .unwrap()
                        })
                        .collect();
                    b.terminal(pay).unwrap();
                } else {
                    b.decision_new(mover, two).unwrap();
                    stack.push((depth - 1, 1 - mover));
                    stack.push((depth - 1, 1 - mover));
                }
            }
        }
        b.finish().unwrap()
    }

    /// The plan `spe` finds at `t`, or `None` where some mover is indifferent (a tie point).
    fn plan_at(tree: &Tree, t: &Q) -> Option<Vec<u32>> {
        let mut tr = tree.clone();
        tr.set_parameters(&[("t".into(), t.clone())]).unwrap();
        let solution = redline_solver::spe::solve(&tr, &BiOptions::default()).unwrap();
        let e = &solution.equilibria[0];
        match &e.profile {
            Profile::Pure(p) => e.ties.is_empty().then(|| p.clone()),
            Profile::Behavior(_) => unreachable!("spe by decomposition is pure"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Every region's plan is the one `spe` finds inside it, on a fine grid: a missed threshold
        /// would show as a grid point whose plan differs from its region's.
        #[test]
        fn regions_agree_with_spe_on_a_fine_grid(seed in proptest::collection::vec(any::<i8>(), 96)) {
            let t = tree(&seed);
            let opts = Options { from: q("-4"), to: q("4"), precision: q("1e-12"), max_thresholds: 1000 };
            let a = analyze(&t, "t", &opts).unwrap();
            prop_assert!(a.complete);
            for w in a.regions.windows(2) {
                prop_assert_ne!(&w[0].plan, &w[1].plan);
            }
            for k in 0..=320 {
                let x = &q("-4") + &Q::ratio(k, 40).unwrap();
                if a.thresholds.iter().any(|th| th.value.lower() == &x) {
                    continue;
                }
                let r = a.regions.iter().find(|r| r.from.lower() <= &x && &x <= r.to.lower()).unwrap();
                if let Some(plan) = plan_at(&t, &x) {
                    prop_assert_eq!(&r.plan, &plan, "at t = {}", x);
                }
            }
        }
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;
    use redline_models::expr::Expr;
    use redline_models::tree::{Parameter, Tree, TreeBuilder};
    use redline_solver::Profile;
    use redline_solver::backward_induction::{Options as BiOptions, solve};

    /// A random perfect-information tree, no chance, payoffs `a + b*t` with small integers.
    fn tree(seed: &[i8]) -> Tree {
        let mut b = TreeBuilder::new("r", vec!["A".into(), "B".into()]);
        b.add_parameter(Parameter::new("t", Q::zero(), "")).unwrap();
        let two = b.actions(&["l", "r"]).unwrap();
        let three = b.actions(&["l", "m", "r"]).unwrap();
        let mut it = seed.iter().cycle().copied();
        let mut next = move || it.next().unwrap();
        // Stack of remaining depth for nodes to emit in pre-order.
        let mut stack = vec![3u8];
        let mut mover = 0usize;
        while let Some(depth) = stack.pop() {
            let v = next();
            if depth == 0 || v.rem_euclid(4) == 0 {
                let pay: Vec<Expr> = (0..2)
                    .map(|_| {
                        Expr::parse(&format!("{} + {}*t", next().rem_euclid(7) - 3, next().rem_euclid(7) - 3))
                            .unwrap()
                    })
                    .collect();
                b.terminal(pay).unwrap();
            } else {
                let k = if v.rem_euclid(3) == 0 { 3 } else { 2 };
                b.decision_new(mover, if k == 3 { three } else { two }).unwrap();
                mover = 1 - mover;
                for _ in 0..k {
                    stack.push(depth - 1);
                }
            }
        }
        b.finish().unwrap()
    }

    fn plan_at(tree: &Tree, t: &Q) -> Vec<u32> {
        let mut tr = tree.clone();
        tr.set_parameters(&[("t".into(), t.clone())]).unwrap();
        match &solve(&tr, &BiOptions::default()).unwrap().equilibria[0].profile {
            Profile::Pure(p) => p.clone(),
            Profile::Behavior(_) => unreachable!("backward induction is pure"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn sweep_equals_brute_force_over_leaf_crossings(seed in proptest::collection::vec(any::<i8>(), 64)) {
            let t = tree(&seed);
            let (from, to) = (q("-5"), q("5"));
            // Every node value is some leaf's payoff line, so the plan can change only where two leaf
            // lines of one player cross.
            let mut lines: Vec<(Q, Q)> = Vec::new();
            for x in 0..t.len() as u32 {
                if t.kind(x) == redline_models::tree::NodeKind::Terminal {
                    for (i, e) in t.payoff_exprs(x).unwrap().iter().enumerate() {
                        let a = e.eval(|_| Some(Q::zero())).unwrap();
                        let b = &e.eval(|_| Some(Q::one())).unwrap() - &a;
                        lines.push((Q::from_int(i as i64), a));
                        lines.push((Q::from_int(i as i64), b));
                    }
                }
            }
            let mut cands: Vec<Q> = Vec::new();
            let pairs: Vec<(Q, Q, Q)> = lines.chunks(2).map(|c| (c[0].0.clone(), c[0].1.clone(), c[1].1.clone())).collect();
            for (k, (i, a1, b1)) in pairs.iter().enumerate() {
                for (j, a2, b2) in &pairs[k + 1..] {
                    if i == j && b1 != b2 {
                        let x = (a2 - a1).checked_div(&(b1 - b2)).unwrap();
                        if x > from && x < to && !cands.contains(&x) {
                            cands.push(x);
                        }
                    }
                }
            }
            cands.sort();
            let mut points = vec![from.clone()];
            points.extend(cands.iter().cloned());
            points.push(to.clone());
            let half = q("1/2");
            let mids: Vec<Q> = points.windows(2).map(|w| &(&w[0] + &w[1]) * &half).collect();
            let mut expected: Vec<Q> = Vec::new();
            for (k, c) in cands.iter().enumerate() {
                if plan_at(&t, &mids[k]) != plan_at(&t, &mids[k + 1]) {
                    expected.push(c.clone());
                }
            }
            let opts = Options { from, to, precision: q("1e-12"), max_thresholds: 1000 };
            let a = analyze(&t, "t", &opts).unwrap();
            let got: Vec<Q> = a.thresholds.iter().map(|th| th.value.lower().clone()).collect();
            prop_assert_eq!(got, expected);
            for r in &a.regions {
                prop_assert_eq!(&r.plan, &plan_at(&t, &r.sample));
            }
        }
    }
}

#[test]
fn irrational_threshold_with_theta_in_two_chance_nodes() {
    use redline_models::format::game::{ReadOptions, read};
    // Nature draws twice with probability q; A gets 1 only if both succeed (q^2), else 0; its outside
    // option pays 1/2. A prefers to gamble iff q^2 > 1/2, i.e. q > 1/sqrt(2) ≈ 0.7071067812.
    let text = r#"Game(players: ["A"], parameters: {"q": (default: "1/2")},
        root: Decision(player: "A", actions: {
            "safe": Leaf(["1/2"]),
            "gamble": Chance(outcomes: {
                "win": ("q", Chance(outcomes: {"win": ("q", Leaf([1])), "lose": ("1 - q", Leaf([0]))})),
                "lose": ("1 - q", Leaf([0])),
            }),
        }))"#;
    let t = read(text, &ReadOptions::default()).unwrap();
    let opts = Options { from: q("0"), to: q("1"), precision: q("1e-12"), max_thresholds: 10 };
    let a = analyze(&t, "q", &opts).unwrap();
    assert_eq!(a.thresholds.len(), 1);
    let th = &a.thresholds[0];
    let Root::Interval { lower, upper, .. } = &th.value else { panic!("an irrational threshold") };
    assert!(upper - lower <= q("1e-12"));
    assert!(lower < &q("0.70710678118655") && upper > &q("0.70710678118654"));
    assert!(th.changes_outcome);
    assert_eq!(th.indifferences.len(), 1);
    assert_eq!(th.indifferences[0].actions, vec![0, 1], "both actions tie at the irrational root");
    assert_eq!((th.indifferences[0].before, th.indifferences[0].after), (0, 1));
    assert_eq!(a.regions[0].plan, vec![0]);
    assert_eq!(a.regions[1].plan, vec![1]);
    assert_eq!(a.regions[1].payoffs[0].render("q"), "q^2");
}

#[test]
fn salami_thresholds_follow_the_red_line() {
    // With n = 4, s = 1/4, c_D = 1/5: L* = p + 1/5 crosses the slice levels 1/4, 1/2, 3/4, 1
    // at p = 1/20, 3/10, 11/20, 4/5 (the defender starts accepting one more slice), and the
    // challenger's war value p - 1/10 crosses m*s where war beats peace.
    let ts = thresholds("salami", "p", "0", "1");
    for v in ["1/20", "3/10", "11/20"] {
        assert!(ts.iter().any(|(x, _)| x == &q(v)), "{v} missing from {ts:?}");
    }
    let ts = thresholds("salami", "c_D", "0", "1");
    // L* = 1/2 + c_D reaches 3/4 at c_D = 1/4 and 1 at c_D = 1/2.
    for v in ["1/4", "1/2"] {
        assert!(ts.iter().any(|(x, _)| x == &q(v)), "{v} missing from {ts:?}");
    }
}

#[test]
fn cli_threshold_output_is_pinned() {
    use redline_tests::{golden, redline_bin, workspace_root};
    let cases: [(&str, &[&str]); 5] = [
        ("commitment-rho.txt", &["threshold", "commitment", "--param", "rho"]),
        (
            "reciprocity-lambda.json.txt",
            &["threshold", "reciprocity", "--param", "lambda", "--format", "json"],
        ),
        ("salami-c_D.txt", &["threshold", "salami", "--param", "c_D", "--from", "0", "--to", "1"]),
        ("entry-c.txt", &["threshold", "examples/entry.ron", "--param", "c"]),
        ("credibility-p_D.txt", &["threshold", "credibility", "--param", "p_D"]),
    ];
    for (file, args) in cases {
        let out = std::process::Command::new(redline_bin())
            .args(args)
            .current_dir(workspace_root())
            .output()
            .expect("the redline binary runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        golden(&format!("golden/threshold/{file}"), &String::from_utf8(out.stdout).expect("UTF-8"));
    }
}
