//! Thresholds of strategic-form games (mixed equilibria): grid, bisection and the exact boundary
//! polynomials of the supports, against MODELS.md Game F and hand-solved games.

use redline_models::expr::Expr;
use redline_models::library;
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_models::tree::Parameter;
use redline_solver::poly::Root;
use redline_solver::threshold_mixed::{Options, analyze};

fn q(s: &str) -> Q {
    s.parse().unwrap()
}

fn opts(from: &str, to: &str) -> Options {
    Options { from: q(from), to: q(to), precision: q("1e-12"), grid: 32, max_thresholds: 100 }
}

fn model(name: &str) -> StrategicGame {
    library::find(name).unwrap().instantiate_strategic(&[]).unwrap().unwrap()
}

fn exact_values(a: &redline_solver::threshold_mixed::Analysis) -> Vec<String> {
    a.thresholds
        .iter()
        .map(|t| {
            assert!(t.confirmed, "{t:?}");
            match &t.value {
                Root::Exact(v) => v.to_string(),
                other => panic!("expected an exact threshold, got {other:?}"),
            }
        })
        .collect()
}

#[test]
fn zero_sum_inspection_stays_mixed_and_exact() {
    // MODELS.md F-zs: x* = v/(c+g+v), y* = g/(c+g+v) for every g > 0 (the support changes only at
    // the end of g's range, g = 0).
    let a = analyze(&model("inspection-zero-sum"), "g", &opts("0", "4")).unwrap();
    assert!(a.thresholds.is_empty());
    let r = &a.regions[0];
    let (c, v, g) = (q("3"), q("1"), r.sample.clone());
    let total = &(&c + &g) + &v;
    assert_eq!(r.equilibria.len(), 1);
    let eq = &r.equilibria[0];
    assert_eq!(eq.strategies[0][0], v.checked_div(&total).unwrap());
    assert_eq!(eq.strategies[1][0], g.checked_div(&total).unwrap());
}

#[test]
fn general_sum_inspection_thresholds() {
    // x* = v/(h - e + v) needs h > e = 1: below, relaxing dominates and the challenger probes.
    let a = analyze(&model("inspection"), "h", &opts("0", "10")).unwrap();
    assert_eq!(exact_values(&a), ["1"]);
    assert_eq!(a.regions[0].equilibria[0].strategies, vec![vec![q("1"), q("0")], vec![q("0"), q("1")]]);
    // Raising e past h does the same from the other side: the threshold is e = h = 5.
    assert_eq!(exact_values(&analyze(&model("inspection"), "e", &opts("0", "8")).unwrap()), ["5"]);
    // Within (2, 10) nothing changes: the equilibrium stays completely mixed.
    let a = analyze(&model("inspection"), "h", &opts("2", "10")).unwrap();
    assert!(a.thresholds.is_empty());
    assert_eq!(a.regions.len(), 1);
}

/// Zero-sum, row player's payoffs [[t^2 - 2, 1], [-1, 0]]: mixed for t^2 < 1, the saddle point
/// (R1, C1) for 1 < t^2 < 3, and (R1, C2) for t^2 > 3.
fn quadratic_game() -> StrategicGame {
    let mut g = StrategicGame::new(
        "quadratic",
        vec!["Row".into(), "Column".into()],
        vec![vec!["R1".into(), "R2".into()], vec!["C1".into(), "C2".into()]],
    )
    .unwrap();
    g.add_parameter(Parameter::new("t", Q::zero(), "")).unwrap();
    for (profile, a) in [([0, 0], "t*t - 2"), ([0, 1], "1"), ([1, 0], "-1"), ([1, 1], "0")] {
        let minus = format!("-({a})");
        g.set_payoff_exprs(&profile, vec![Expr::parse(a).unwrap(), Expr::parse(&minus).unwrap()]).unwrap();
    }
    g
}

#[test]
fn irrational_threshold_is_isolated_and_confirmed() {
    let a = analyze(&quadratic_game(), "t", &opts("0", "3")).unwrap();
    assert_eq!(a.thresholds.len(), 2, "{:?}", a.thresholds);
    assert_eq!(a.thresholds[0].value, Root::Exact(q("1")));
    let second = &a.thresholds[1];
    assert!(second.confirmed);
    let (lo, hi) = (second.value.lower().clone(), second.value.upper().clone());
    assert!(matches!(second.value, Root::Interval { .. }));
    assert!(&hi - &lo <= q("1e-12"));
    // sqrt(3) lies inside: lo^2 < 3 < hi^2.
    assert!(&lo * &lo < q("3") && &hi * &hi > q("3"));
    assert_eq!(a.regions.len(), 3);
    // Each region's equilibria were computed exactly at its sample and have zero regret.
    assert!(a.regions.iter().all(|r| r.equilibria.iter().all(|e| e.regret.is_zero())));
}

#[test]
fn refuses_games_it_cannot_scan() {
    assert!(analyze(&model("inspection"), "nope", &opts("0", "1")).is_err());
    assert!(analyze(&model("inspection"), "h", &opts("1", "1")).is_err());
    assert!(analyze(&model("inspection"), "h", &opts("-1", "1")).is_err(), "below the parameter's range");
}

#[test]
fn cli_output_is_pinned() {
    use redline_tests::{golden, redline_bin, workspace_root};
    let cases: [(&str, &[&str]); 2] = [
        ("inspection-h.txt", &["threshold", "inspection", "--param", "h"]),
        ("inspection-e.json.txt", &["threshold", "inspection", "--param", "e", "--format", "json"]),
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
