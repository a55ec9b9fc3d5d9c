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

/// A zero-sum matrix game as a tree: A picks a row, B a column without seeing it.
fn matrix_tree(rows: &[Vec<i64>]) -> Tree {
    let mut b = TreeBuilder::new("M", vec!["A".into(), "B".into()]);
    let labels = |n: usize| (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>();
    let ra = b.actions(&labels(rows.len())).unwrap();
    let ca = b.actions(&labels(rows[0].len())).unwrap();
    let hb = b.infoset(1, "B", ca).unwrap();
    b.decision_new(0, ra).unwrap();
    for row in rows {
        b.decision(hb).unwrap();
        for &u in row {
            b.terminal_values(&[Q::from_int(u), Q::from_int(-u)]).unwrap();
        }
    }
    b.finish().unwrap()
}

/// The interior-point guess alone (microlp switched off) answers exactly: pennies, the game with a
/// zero-probability branch, and random matrix games, degenerate ones (payoffs in -1..=1, ties and
/// dominated rows) included; the value is the exact path's.
#[test]
fn interior_point_guess_alone_is_exact() {
    let mut trees = vec![pennies()];
    let mut state = 11u64;
    let mut next = |m: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % m) as i64
    };
    for (n, range) in [(3usize, 3), (4, 2), (5, 10), (6, 2), (3, 1)] {
        let m = 2 + next(4) as usize;
        let rows: Vec<Vec<i64>> =
            (0..n).map(|_| (0..m).map(|_| next(range) - range as i64 / 2).collect()).collect();
        trees.push(matrix_tree(&rows));
    }
    let exact = Options { float: false, ..Options::default() };
    for (i, t) in trees.iter().enumerate() {
        let form = SequenceForm::new(t, 0, [0, 1], &|_| None, "lp").unwrap();
        let tol = fast::Tolerances::new(&Options::default());
        let e = fast::lp_first(&form, tol, 0, &mut |plans| verified(t, &form, plans))
            .unwrap_or_else(|| panic!("tree {i}: the interior-point guess failed"));
        let slow = solve_lp(t, &exact).unwrap();
        assert_eq!(e.payoffs, slow.equilibria[0].payoffs, "tree {i}");
    }
}

#[test]
fn luby_sequence() {
    let terms: Vec<u64> = (1..=15).map(luby).collect();
    assert_eq!(terms, vec![1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]);
}

#[test]
fn is_equilibrium_checks_plans_exactly() {
    let t = pennies();
    let f = SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").unwrap();
    let half = || vec![q("1"), q("1/2"), q("1/2")];
    assert!(f.is_equilibrium(&[half(), half()]));
    // A pure plan against the mixed one is a best response for A, but B then gains by deviating.
    assert!(!f.is_equilibrium(&[vec![q("1"), q("1"), q("0")], half()]));
    // Not a realisation plan: the entries do not add up to the parent's.
    assert!(!f.is_equilibrium(&[vec![q("1"), q("1"), q("1/2")], half()]));
    assert!(!f.is_equilibrium(&[vec![q("1"), q("3/2"), q("-1/2")], half()]));
}

/// `spe`'s two-player subgames: the float path answers within its cap; with no float pivots at all
/// the exact path from the uniform prior answers (the clean fallback), with the same plans here.
#[test]
fn subgame_float_cap_falls_back_to_exact() {
    let t = pennies();
    let f = SequenceForm::new(&t, 0, [0, 1], &|_| None, "spe").unwrap();
    let exact = lemke::solve(&f, &Options::default()).unwrap();
    assert_eq!(solve_form_lcp(&f, SPE_FLOAT_PIVOTS).unwrap(), exact);
    assert_eq!(solve_form_lcp(&f, 0).unwrap(), exact);
}

/// Without restarts only the given prior's path is followed; one float run is reported.
#[test]
fn lcp_report_without_restarts() {
    let t = pennies();
    let options = Options { prior: Prior::Random(4), restarts: false, ..Options::default() };
    let (s, r) = solve_lcp_report(&t, &options).unwrap();
    assert!(s.equilibria[0].regret.is_zero());
    assert_eq!((r.route, r.prior, r.attempts.len()), (Route::Float, Prior::Random(4), 1));
    assert_eq!(r.attempts[0].end, AttemptEnd::Verified);
    let off = Options { float: false, ..options };
    let (_, r) = solve_lcp_report(&t, &off).unwrap();
    assert_eq!((r.route, r.prior, r.attempts.len()), (Route::Exact, Prior::Random(4), 0));
}
