use super::*;
use redline_models::expr::Expr;
use redline_models::tree::TreeBuilder;

fn q(s: &str) -> Q {
    s.parse().unwrap()
}

/// Matching pennies as a tree: B does not see A's move.
fn pennies() -> Tree {
    let mut b = TreeBuilder::new("MP", vec!["A".into(), "B".into()]);
    let ht = b.actions(&["h", "t"]).unwrap();
    let hb = b.infoset(1, "B", ht).unwrap();
    b.decision_new(0, ht).unwrap();
    for (first, second) in [(["1", "-1"], ["-1", "1"]), (["-1", "1"], ["1", "-1"])] {
        b.decision(hb).unwrap();
        b.terminal_values(&[q(first[0]), q(first[1])]).unwrap();
        b.terminal_values(&[q(second[0]), q(second[1])]).unwrap();
    }
    b.finish().unwrap()
}

fn behavior(e: &Equilibrium) -> &Vec<Vec<Q>> {
    let Profile::Behavior(b) = &e.profile else { panic!("behaviour profile") };
    b
}

#[test]
fn sequence_form_of_pennies() {
    let t = pennies();
    let f = SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").unwrap();
    assert_eq!(f.n_seq, [3, 3]);
    assert_eq!(f.entries.len(), 4);
    assert_eq!(f.entries[0], Entry { s1: 1, s2: 1, a: q("1"), b: q("-1") });
}

#[test]
fn lp_and_lcp_solve_pennies() {
    let t = pennies();
    for sol in [solve_lp(&t, &Options::default()).unwrap(), solve_lcp(&t, &Options::default()).unwrap()] {
        let e = &sol.equilibria[0];
        assert_eq!(e.payoffs, vec![q("0"), q("0")]);
        let half = vec![q("1/2"), q("1/2")];
        assert_eq!(behavior(e), &vec![half.clone(), half]);
    }
}

#[test]
fn lp_refuses_general_sum() {
    let mut b = TreeBuilder::new("G", vec!["A".into(), "B".into()]);
    let ab = b.actions(&["a", "b"]).unwrap();
    b.decision_new(0, ab).unwrap();
    b.terminal_values(&[q("1"), q("1")]).unwrap();
    b.terminal_values(&[q("0"), q("3")]).unwrap();
    let t = b.finish().unwrap();
    let err = solve_lp(&t, &Options::default()).unwrap_err();
    assert!(err.to_string().contains("lcp"), "{err}");
    let e = &solve_lcp(&t, &Options::default()).unwrap().equilibria[0];
    assert_eq!(e.payoffs, vec![q("1"), q("1")]);
}

#[test]
fn zero_probability_chance_branch() {
    // Chance picks a game of pennies (probability 1) or a branch never played (probability 0)
    // where A's information set still needs a behaviour.
    let mut b = TreeBuilder::new("Z", vec!["A".into(), "B".into()]);
    let ht = b.actions(&["h", "t"]).unwrap();
    let hb = b.infoset(1, "B", ht).unwrap();
    b.chance(vec![("live".into(), Expr::parse("1").unwrap()), ("dead".into(), Expr::parse("0").unwrap())])
        .unwrap();
    b.decision_new(0, ht).unwrap();
    for (first, second) in [(["2", "-2"], ["-1", "1"]), (["-1", "1"], ["1", "-1"])] {
        b.decision(hb).unwrap();
        b.terminal_values(&[q(first[0]), q(first[1])]).unwrap();
        b.terminal_values(&[q(second[0]), q(second[1])]).unwrap();
    }
    b.decision_new(0, ht).unwrap();
    b.terminal_values(&[q("5"), q("-5")]).unwrap();
    b.terminal_values(&[q("0"), q("0")]).unwrap();
    let t = b.finish().unwrap();
    let e = &solve_lp(&t, &Options::default()).unwrap().equilibria[0];
    // Value of [[2, -1], [-1, 1]]: (2·1 − 1)/(2 + 1 + 1 + 1) = 1/5.
    assert_eq!(e.payoffs[0], q("1/5"));
    assert!(e.regret.is_zero());
}

#[test]
fn refuses_imperfect_recall() {
    // A forgets her first move.
    let mut b = TreeBuilder::new("R", vec!["A".into(), "B".into()]);
    let ab = b.actions(&["l", "r"]).unwrap();
    let h = b.infoset(0, "forget", ab).unwrap();
    b.decision_new(0, ab).unwrap();
    for _ in 0..2 {
        b.decision(h).unwrap();
        b.terminal_values(&[q("1"), q("0")]).unwrap();
        b.terminal_values(&[q("0"), q("1")]).unwrap();
    }
    b.allow_absent_mindedness();
    let t = b.finish().unwrap();
    let err = solve_lcp(&t, &Options::default()).unwrap_err();
    assert!(err.to_string().contains("`forget`"), "{err}");
}
