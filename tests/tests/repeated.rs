//! The repeated ceasefire (MODELS.md Game D): the exact oracles D1–D3 for grim trigger, k-period
//! punishment and tit-for-tat, the closed forms at random stage payoffs, and the knife edge.

use proptest::prelude::*;
use redline_models::library;
use redline_models::number::Q;
use redline_models::repeated::RepeatedGame;
use redline_solver::poly::Root;
use redline_solver::repeated::{self, Analysis, Interval, Options};

fn q(s: &str) -> Q {
    s.parse().expect("a rational")
}

fn game(model: &str, stage: [i64; 4], k: Option<i64>) -> RepeatedGame {
    let mut sets: Vec<(String, Q)> =
        ["T", "R", "P", "S"].iter().zip(stage).map(|(n, v)| (n.to_string(), Q::from_int(v))).collect();
    if let Some(k) = k {
        sets.push(("k".into(), Q::from_int(k)));
    }
    library::find_repeated(model).expect("a repeated model").instantiate(&sets).expect("valid parameters")
}

fn analyze(g: &RepeatedGame) -> Analysis {
    repeated::analyze(g, &Options::default()).expect("analysis")
}

/// `[a, 1)` with a rational `a`.
fn from_exact(a: &str) -> Vec<Interval> {
    vec![Interval {
        lower: Root::Exact(q(a)),
        lower_closed: true,
        upper: Root::Exact(Q::one()),
        upper_closed: false,
    }]
}

fn point(a: &str) -> Vec<Interval> {
    vec![Interval {
        lower: Root::Exact(q(a)),
        lower_closed: true,
        upper: Root::Exact(q(a)),
        upper_closed: true,
    }]
}

/// `(0, a]`.
fn up_to(a: &str) -> Vec<Interval> {
    vec![Interval {
        lower: Root::Exact(Q::zero()),
        lower_closed: false,
        upper: Root::Exact(q(a)),
        upper_closed: true,
    }]
}

/// The set is `[r, 1)` where `r` is the only root in (0, 1) of `f`, increasing there.
fn assert_from_root(set: &[Interval], f: impl Fn(&Q) -> Q) {
    assert_eq!(set.len(), 1, "{set:?}");
    let iv = &set[0];
    assert!(iv.lower_closed && !iv.upper_closed);
    assert_eq!(iv.upper, Root::Exact(Q::one()));
    match &iv.lower {
        Root::Interval { lower, upper, .. } => {
            assert!(f(lower).is_negative() && f(upper).is_positive(), "{lower} {upper}");
            assert!((upper - lower) <= q("1e-12"));
        }
        Root::Exact(r) => assert!(f(r).is_zero()),
    }
}

#[test]
fn grim_trigger_d1_d2_d3() {
    for (stage, d) in [([5, 3, 1, 0], "1/2"), ([4, 3, 1, 0], "1/3"), ([3, 2, 0, -2], "1/3")] {
        let a = analyze(&game("ceasefire", stage, Some(0)));
        assert_eq!(a.subgame_perfect, from_exact(d), "{stage:?}");
        assert_eq!(a.nash, from_exact(d), "{stage:?}");
    }
}

#[test]
fn one_period_punishment_d1_d2_d3() {
    assert!(analyze(&game("ceasefire", [5, 3, 1, 0], Some(1))).subgame_perfect.is_empty());
    assert_eq!(analyze(&game("ceasefire", [4, 3, 1, 0], Some(1))).subgame_perfect, from_exact("1/2"));
    assert_eq!(analyze(&game("ceasefire", [3, 2, 0, -2], Some(1))).subgame_perfect, from_exact("1/2"));
}

#[test]
fn two_and_three_period_punishment_are_irrational() {
    // D1: δ + δ² = 1, (√5 − 1)/2.
    let a = analyze(&game("ceasefire", [5, 3, 1, 0], Some(2)));
    assert_from_root(&a.subgame_perfect, |d| &(d + &(d * d)) - &Q::one());
    let Root::Interval { lower, .. } = &a.subgame_perfect[0].lower else { panic!("irrational") };
    assert_eq!(lower.to_decimal(5), "0.61803");
    // D2 and D3: 2(δ + δ²) = 1, (√3 − 1)/2.
    for stage in [[4, 3, 1, 0], [3, 2, 0, -2]] {
        let a = analyze(&game("ceasefire", stage, Some(2)));
        assert_from_root(&a.subgame_perfect, |d| &(&Q::from_int(2) * &(d + &(d * d))) - &Q::one());
    }
    // D1, 3 periods: δ + δ² + δ³ = 1, about 0.54369.
    let a = analyze(&game("ceasefire", [5, 3, 1, 0], Some(3)));
    assert_from_root(&a.subgame_perfect, |d| &(&(d + &(d * d)) + &(&(d * d) * d)) - &Q::one());
    assert_eq!(a.subgame_perfect[0].lower.decimal(5), "0.54369");
}

#[test]
fn tit_for_tat_nash_and_spe_d1_d2_d3() {
    let d1 = analyze(&game("ceasefire-tft", [5, 3, 1, 0], None));
    assert_eq!(d1.nash, from_exact("2/3"));
    assert!(d1.subgame_perfect.is_empty());
    // The knife edge: D2 is subgame perfect at δ = 1/3 only.
    let d2 = analyze(&game("ceasefire-tft", [4, 3, 1, 0], None));
    assert_eq!(d2.nash, from_exact("1/3"));
    assert_eq!(d2.subgame_perfect, point("1/3"));
    let d3 = analyze(&game("ceasefire-tft", [3, 2, 0, -2], None));
    assert_eq!(d3.nash, from_exact("1/3"));
    assert!(d3.subgame_perfect.is_empty());
}

#[test]
fn tit_for_tat_four_one_shot_conditions() {
    let g = game("ceasefire-tft", [5, 3, 1, 0], None);
    let a = analyze(&g);
    let of = |state: &str| {
        let s = g.states().iter().position(|x| x.name == state).expect("a state") as u32;
        a.conditions.iter().find(|c| c.state == s && c.player == 0).expect("a condition").holds.clone()
    };
    // (T−R)/(R−S) = 2/3 and (P−S)/(T−P) = 1/4.
    assert_eq!(of("(c,c)"), from_exact("2/3"));
    assert_eq!(of("(p,c)"), up_to("2/3"));
    assert_eq!(of("(c,p)"), from_exact("1/4"));
    assert_eq!(of("(p,p)"), up_to("1/4"));
    assert_eq!(a.reachable.len(), 4);
}

#[test]
fn evaluation_at_a_discount_factor_is_checked() {
    let mut g = game("ceasefire", [5, 3, 1, 0], Some(0));
    let a = analyze(&g);
    let e = repeated::evaluate(&g, &a, &q("9/10")).expect("verified");
    assert!(e.subgame_perfect && e.nash);
    assert_eq!(e.payoffs, [Q::from_int(3), Q::from_int(3)]);
    // At the ceasefire: conform 3, strike once 5/10 + 9/10 * 1 = 7/5: slack 8/5.
    assert_eq!(e.slacks[0], q("8/5"));
    g.set_parameters(&[("delta".into(), q("1/4"))]).expect("in range");
    let e = repeated::evaluate(&g, &a, &q("1/4")).expect("verified");
    assert!(!e.subgame_perfect && !e.nash);
    // The knife edge, evaluated exactly at δ = 1/3 and just off it.
    let g = game("ceasefire-tft", [4, 3, 1, 0], None);
    let a = analyze(&g);
    assert!(repeated::evaluate(&g, &a, &q("1/3")).expect("verified").subgame_perfect);
    let off = repeated::evaluate(&g, &a, &(&q("1/3") + &q("1/1000000"))).expect("verified");
    assert!(!off.subgame_perfect && off.nash);
}

#[test]
fn path_after_a_violation() {
    let g = game("ceasefire", [5, 3, 1, 0], Some(2));
    let l = repeated::after_violation(&g, 0, 1);
    let states: Vec<&str> = l.periods.iter().map(|&(s, _)| g.states()[s as usize].name.as_str()).collect();
    assert_eq!(states, ["ceasefire", "punishment 1 of 2", "punishment 2 of 2", "ceasefire"]);
    assert_eq!(l.cycle_start, 3);
    // Tit-for-tat echoes forever: (strike, hold), (hold, strike), (strike, hold), …
    let g = game("ceasefire-tft", [5, 3, 1, 0], None);
    let l = repeated::after_violation(&g, 0, 1);
    let profiles: Vec<usize> = l.periods.iter().map(|&(_, k)| k).collect();
    assert_eq!(profiles, [1, 2, 1]);
    assert_eq!(l.cycle_start, 1);
}

#[test]
fn format_reference_and_example_repeated_games_read_and_solve() {
    use redline_models::format::repeated::read;
    let root = redline_tests::workspace_root();
    let doc = std::fs::read_to_string(root.join("docs/format.md")).expect("docs/format.md");
    let block = doc
        .split("## Repeated games")
        .nth(1)
        .and_then(|s| s.split("```ron\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("a ron block in the repeated-games section");
    let g = read(block).expect("the reference example reads");
    assert_eq!(analyze(&g).subgame_perfect, from_exact("1/2"));
    let text = std::fs::read_to_string(root.join("examples/repeated/two-strike.ron")).expect("example");
    let g = read(&text).expect("the example reads");
    let a = analyze(&g);
    // One answered strike, then grim trigger on probation: (T−R)/(R−P) = 1/2 and (T−R)/(T−P) = 1/3.
    assert_eq!(a.subgame_perfect, from_exact("1/2"));
    assert!(repeated::evaluate(&g, &a, g.delta()).expect("verified").subgame_perfect);
}

/// The rational endpoint `num/den` when it lies in (0, 1), else none.
fn endpoint(num: i64, den: i64) -> Option<Q> {
    let r = Q::ratio(num, den)?;
    (r.is_positive() && r < Q::one()).then_some(r)
}

fn from_q(r: Option<Q>) -> Vec<Interval> {
    match r {
        Some(r) => {
            vec![Interval {
                lower: Root::Exact(r),
                lower_closed: true,
                upper: Root::Exact(Q::one()),
                upper_closed: false,
            }]
        }
        None => Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn closed_forms_at_random_prisoners_dilemmas(s in -20i64..20, gaps in proptest::array::uniform3(1i64..12)) {
        let (p, r, t) = (s + gaps[0], s + gaps[0] + gaps[1], s + gaps[0] + gaps[1] + gaps[2]);
        let stage = [t, r, p, s];
        // Grim trigger: δ >= (T − R)/(T − P) (always < 1).
        let grim = analyze(&game("ceasefire", stage, Some(0)));
        prop_assert_eq!(&grim.subgame_perfect, &from_q(endpoint(t - r, t - p)));
        // One period: δ >= (T − R)/(R − P), never when that is 1 or more.
        let one = analyze(&game("ceasefire", stage, Some(1)));
        prop_assert_eq!(&one.subgame_perfect, &from_q(endpoint(t - r, r - p)));
        // Two periods: (R − P)(δ + δ²) >= T − R.
        let two = analyze(&game("ceasefire", stage, Some(2)));
        let f = |d: &Q| &(&Q::from_int(r - p) * &(d + &(d * d))) - &Q::from_int(t - r);
        if 2 * (r - p) > t - r {
            assert_from_root(&two.subgame_perfect, f);
        } else {
            prop_assert!(two.subgame_perfect.is_empty());
        }
        // Tit-for-tat: Nash iff δ >= max{(T−R)/(R−S), (T−R)/(T−P)}; SPE only on the knife edge.
        let tft = analyze(&game("ceasefire-tft", stage, None));
        let a = Q::ratio(t - r, r - s).unwrap();
        let b = Q::ratio(t - r, t - p).unwrap();
        let m = a.clone().max(b);
        prop_assert_eq!(&tft.nash, &from_q((m < Q::one()).then_some(m)));
        let c = Q::ratio(p - s, t - p).unwrap();
        if a == c && a < Q::one() {
            let pt = vec![Interval { lower: Root::Exact(a.clone()), lower_closed: true, upper: Root::Exact(a), upper_closed: true }];
            prop_assert_eq!(&tft.subgame_perfect, &pt);
        } else {
            prop_assert!(tft.subgame_perfect.is_empty());
        }
    }

    #[test]
    fn evaluation_agrees_with_the_intervals(s in -5i64..5, gaps in proptest::array::uniform3(1i64..6), k in 0i64..4, dn in 1i64..40) {
        let stage = [s + gaps[0] + gaps[1] + gaps[2], s + gaps[0] + gaps[1], s + gaps[0], s];
        let delta = Q::ratio(dn, 40).unwrap();
        for g in [game("ceasefire", stage, Some(k)), game("ceasefire-tft", stage, None)] {
            let a = analyze(&g);
            // `evaluate` recomputes everything in plain rationals and fails on any disagreement.
            let e = repeated::evaluate(&g, &a, &delta).expect("verified");
            prop_assert_eq!(e.subgame_perfect, repeated::contains(&a.subgame_perfect, &delta));
        }
    }
}

mod cli {
    use redline_tests::workspace_root;

    fn run(args: &[&str]) -> (i32, String, String) {
        redline_tests::run_redline(args)
    }

    #[test]
    fn solve_verdict_and_exit_codes() {
        let (code, out, _) = run(&["solve", "ceasefire", "--set", "k=2"]);
        assert_eq!(code, 0);
        assert!(out.contains("At delta = 9/10 the doctrine is subgame perfect."), "{out}");
        assert!(out.contains("Subgame perfect for delta in: [≈0.618034, 1)"), "{out}");
        assert!(out.contains("4       ceasefire          hold    hold    3, 3"), "{out}");
        // One-period punishment never works with D1's payoffs: exit 1 (no equilibrium of the kind).
        let (code, out, _) = run(&["solve", "ceasefire", "--set", "k=1"]);
        assert_eq!(code, 1);
        assert!(out.contains("Subgame perfect for delta in: never"), "{out}");
        let (code, out, _) = run(&["solve", "ceasefire-tft", "--format", "json"]);
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["schema"], "redline/repeated/1");
        assert_eq!(v["nash"], true);
        assert_eq!(v["subgame_perfect"], false);
        assert_eq!(v["nash_for"][0]["from"]["value"], "2/3");
        // The echo: strike, then the other strikes back, forever.
        assert_eq!(v["violations"][0]["cycle_start"], 1);
    }

    #[test]
    fn thresholds_are_exact() {
        let (code, out, _) =
            run(&["threshold", "ceasefire", "--param", "delta", "--set", "k=2", "--format", "json"]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["schema"], "redline/threshold/1");
        let t = &v["thresholds"][0];
        assert_eq!(t["exact"], false);
        assert_eq!(t["decimal"], "0.618034");
        let (code, out, _) = run(&["threshold", "ceasefire-tft", "--param", "delta", "--set", "T=4"]);
        assert_eq!(code, 0);
        assert!(out.contains("delta = 1/3      subgame perfect"), "{out}");
        let (code, _, err) = run(&["threshold", "ceasefire", "--param", "T"]);
        assert_eq!(code, 2);
        assert!(err.contains("--param delta"), "{err}");
    }

    #[test]
    fn malformed_files_give_exit_2_with_a_position() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let good = std::fs::read_to_string(workspace_root().join("examples/repeated/two-strike.ron"))
            .expect("example");
        let cases = [
            (
                good.replace(r#"(["_", "_"], "answer")"#, r#"(["_", "_"], "answr")"#),
                ":31:26: unknown state `answr` (did you mean `answer`?)",
            ),
            (
                good.replace(
                    r#"play: ["strike", "strike"], next: [(["_""#,
                    r#"play: ["strike", "strik"], next: [(["_""#,
                ),
                ":41:40: `Side B` has no action `strik` (did you mean `strike`?)",
            ),
            (
                good.replace(r#""delta": (default: "3/4""#, r#""delta": (default: "3/2""#),
                ":17:18: parameter `delta` = 3/2 is out of range",
            ),
            (
                good.replace("        (name: \"war\"", "        (nam: \"war\""),
                ":41:10: unknown field `nam` in a state (did you mean `name`?)",
            ),
            (good.replace("    ],\n    initial", "    \n    initial"), ":43:12: expected `,` or `]`"),
        ];
        for (k, (text, expected)) in cases.iter().enumerate() {
            let path = dir.path().join(format!("bad{k}.ron"));
            std::fs::write(&path, text).expect("writable");
            let (code, _, err) = run(&["solve", path.to_str().expect("UTF-8 path")]);
            assert_eq!(code, 2, "{err}");
            assert!(err.contains(expected), "case {k}: {err}");
        }
    }
}
