//! MODELS.md Game F through the built-in `inspection` models: the exact oracles F-gs and F-zs, at the
//! defaults and at random parameters against the closed forms.

use proptest::prelude::*;
use redline_models::library;
use redline_models::number::Q;
use redline_solver::strategic::{enumeration, lemke_howson, lp};

fn q(s: &str) -> Q {
    s.parse().unwrap()
}

fn qs(v: &[&str]) -> Vec<Q> {
    v.iter().map(|s| q(s)).collect()
}

fn game(name: &str, set: &[(&str, Q)]) -> redline_models::strategic::StrategicGame {
    let sets: Vec<(String, Q)> = set.iter().map(|(n, v)| ((*n).to_string(), v.clone())).collect();
    library::find(name).unwrap().instantiate_strategic(&sets).expect("a strategic model").unwrap()
}

#[test]
fn general_sum_oracle_f_gs() {
    let g = game("inspection", &[]);
    let all = enumeration::solve(&g).unwrap();
    assert!(all.complete);
    assert_eq!(all.equilibria.len(), 1, "the unique equilibrium is mixed");
    let e = &all.equilibria[0];
    assert_eq!(e.strategies, vec![qs(&["1/5", "4/5"]), qs(&["2/5", "3/5"])]);
    assert_eq!(e.payoffs, qs(&["0", "-1"]));
    let one =
        lemke_howson::solve(&g, &lemke_howson::Options { start_label: None, all: false, max_pivots: 1000 })
            .unwrap();
    assert_eq!(one.equilibria[0].strategies, e.strategies);
}

#[test]
fn zero_sum_oracle_f_zs() {
    let g = game("inspection-zero-sum", &[]);
    let e = &lp::solve(&g).unwrap().equilibria[0];
    assert_eq!(e.strategies, vec![qs(&["1/6", "5/6"]), qs(&["1/3", "2/3"])]);
    assert_eq!(e.payoffs, qs(&["1/3", "-1/3"]));
}

proptest! {
    #[test]
    fn closed_forms_hold(g in 1i64..20, c in 1i64..20, h in 2i64..20, e in 0i64..20, v in 1i64..20) {
        prop_assume!(h > e);
        let (gq, cq, hq, eq, vq) = (Q::from_int(g), Q::from_int(c), Q::from_int(h), Q::from_int(e), Q::from_int(v));
        let gs = game("inspection", &[("g", gq.clone()), ("c", cq.clone()), ("h", hq.clone()), ("e", eq.clone()), ("v", vq.clone())]);
        let sol = enumeration::solve(&gs).unwrap();
        prop_assert_eq!(sol.equilibria.len(), 1);
        let x = vq.checked_div(&(&(&hq - &eq) + &vq)).unwrap();
        let y = gq.checked_div(&(&gq + &cq)).unwrap();
        prop_assert_eq!(&sol.equilibria[0].strategies[0][0], &x);
        prop_assert_eq!(&sol.equilibria[0].strategies[1][0], &y);
        prop_assert_eq!(&sol.equilibria[0].payoffs[1], &-(&hq * &x));
        let zs = game("inspection-zero-sum", &[("g", gq.clone()), ("c", cq.clone()), ("v", vq.clone())]);
        let total = &(&cq + &gq) + &vq;
        let e = &lp::solve(&zs).unwrap().equilibria[0];
        prop_assert_eq!(&e.strategies[0][0], &vq.checked_div(&total).unwrap());
        prop_assert_eq!(&e.strategies[1][0], &gq.checked_div(&total).unwrap());
        prop_assert_eq!(&e.payoffs[0], &(&gq * &vq).checked_div(&total).unwrap());
    }
}

#[test]
fn cli_prints_the_mixed_equilibrium() {
    use redline_tests::{golden, redline_bin, workspace_root};
    for (file, args) in [
        ("inspection.txt", vec!["solve", "inspection"]),
        ("inspection-zero-sum.txt", vec!["solve", "inspection-zero-sum"]),
        ("inspection.json.txt", vec!["solve", "inspection", "--format", "json"]),
    ] {
        let out = std::process::Command::new(redline_bin())
            .args(&args)
            .current_dir(workspace_root())
            .output()
            .expect("the redline binary runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        golden(&format!("golden/strategic/{file}"), &String::from_utf8(out.stdout).expect("UTF-8"));
    }
}
