//! The float-first paths of the sequence-form `lp` and `lcp` (float guess, exact solve, exact
//! verification, exact fallback) against the exact rational path and the reduced strategic form.

use proptest::prelude::*;
use redline_benches::imperfect::{imperfect_tree, imperfect_tree_payoffs};
use redline_models::reduced;
use redline_solver::sequence::{self, Options, Prior, Route};
use redline_solver::strategic::lp;

fn exact() -> Options {
    Options { float: false, ..Options::default() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The fast `lp` value equals the exact path's and the reduced strategic form's (strategic `lp`).
    #[test]
    fn fast_lp_value_equals_exact_and_reduced(seed in 0u64..1_000_000, internal in 1usize..12, chance in 0u64..40) {
        let t = imperfect_tree(seed, internal, 3, chance, true);
        let (fast, _) = sequence::solve_lp_routed(&t, &Options::default()).unwrap();
        let slow = sequence::solve_lp(&t, &exact()).unwrap();
        let f = &fast.equilibria[0];
        prop_assert!(f.regret.is_zero());
        prop_assert_eq!(&f.payoffs[0], &slow.equilibria[0].payoffs[0]);
        let r = reduced::reduce(&t).unwrap();
        let s = lp::solve(&r.game).unwrap();
        prop_assert_eq!(&f.payoffs[0], &s.equilibria[0].payoffs[0]);
    }

    /// Degenerate zero-sum games (payoffs in -1..=1 or all zero: ties, faces of optimal
    /// strategies, information sets no optimal play reaches): the fast `lp` (interior-point guess
    /// first) still answers exactly with the exact path's value.
    #[test]
    fn fast_lp_value_equals_exact_on_degenerate_trees(
        seed in 0u64..1_000_000, internal in 1usize..16, chance in 0u64..40, max_payoff in 0i64..2,
    ) {
        let t = imperfect_tree_payoffs(seed, internal, 3, chance, true, max_payoff);
        let (fast, _) = sequence::solve_lp_routed(&t, &Options::default()).unwrap();
        let slow = sequence::solve_lp(&t, &exact()).unwrap();
        let f = &fast.equilibria[0];
        prop_assert!(f.regret.is_zero());
        prop_assert_eq!(&f.payoffs[0], &slow.equilibria[0].payoffs[0]);
    }

    /// The fast `lcp` answer has zero regret, and when the float path did not fall back it is the
    /// exact Lemke path's end point from the same prior (without restarts: the given one).
    #[test]
    fn fast_lcp_matches_exact_lemke(seed in 0u64..1_000_000, internal in 1usize..14, chance in 0u64..40, random in 0u64..3) {
        let t = imperfect_tree(seed, internal, 3, chance, false);
        let prior = if random == 0 { Prior::Uniform } else { Prior::Random(seed ^ random) };
        let options = Options { prior, restarts: false, ..Options::default() };
        let (fast, report) = sequence::solve_lcp_report(&t, &options).unwrap();
        prop_assert!(fast.equilibria[0].regret.is_zero());
        prop_assert_eq!(report.prior, prior);
        prop_assert_eq!(report.attempts.len(), 1);
        if report.route == Route::Float {
            let slow = sequence::solve_lcp(&t, &Options { float: false, ..options }).unwrap();
            prop_assert_eq!(&fast.equilibria[0].profile, &slow.equilibria[0].profile);
        }
    }

    /// With restarts (the default) on trees of up to a few hundred nodes: the answer has zero
    /// regret, the same game gives the same answer, and a float answer is the exact Lemke path's
    /// end point from the prior the report names.
    #[test]
    fn restarted_lcp_matches_exact_lemke_from_reported_prior(seed in 0u64..1_000_000, internal in 10usize..60) {
        let t = imperfect_tree(seed, internal, 3, 10, false);
        let (fast, report) = sequence::solve_lcp_report(&t, &Options::default()).unwrap();
        prop_assert!(fast.equilibria[0].regret.is_zero());
        let (again, _) = sequence::solve_lcp_report(&t, &Options::default()).unwrap();
        prop_assert_eq!(&fast.equilibria[0].profile, &again.equilibria[0].profile);
        if report.route == Route::Float {
            let exact = Options { float: false, restarts: false, prior: report.prior, ..Options::default() };
            let slow = sequence::solve_lcp(&t, &exact).unwrap();
            prop_assert_eq!(&fast.equilibria[0].profile, &slow.equilibria[0].profile);
        }
    }

    /// `spe` on random general-sum trees with information sets (two-player subgames by the float
    /// Lemke path with its pivot cap, exact fallback): it answers, and its own exact check passes.
    #[test]
    fn spe_solves_random_two_player_trees(seed in 0u64..1_000_000, internal in 1usize..40) {
        let t = imperfect_tree(seed, internal, 3, 10, false);
        let s = redline_solver::spe::solve(&t, &redline_solver::backward_induction::Options::default()).unwrap();
        prop_assert!(s.equilibria[0].regret.is_zero());
    }
}

/// A tree whose path from the uniform prior is long (3,877 float pivots against a first budget cut
/// to one unit, 256): the solve restarts, names the prior that answered, and that prior's exact
/// path ends at the same equilibrium.
#[test]
fn restarts_on_a_long_uniform_path() {
    let t = imperfect_tree(8, 100, 3, 10, false);
    let short = Options { first_run_units: 1, ..Options::default() };
    let (fast, report) = sequence::solve_lcp_report(&t, &short).unwrap();
    assert_eq!(report.route, Route::Float);
    assert!(report.attempts.len() > 1, "{report:?}");
    assert_eq!(report.attempts[0].prior, Prior::Uniform);
    assert_eq!(report.attempts[0].end, sequence::AttemptEnd::Budget);
    assert_ne!(report.prior, Prior::Uniform);
    assert!(fast.equilibria[0].regret.is_zero());
    let exact = Options { float: false, restarts: false, prior: report.prior, ..Options::default() };
    let slow = sequence::solve_lcp(&t, &exact).unwrap();
    assert_eq!(fast.equilibria[0].profile, slow.equilibria[0].profile);
}

/// An absurd tolerance makes the float guesses fail; the exact fallback still answers, verified.
#[test]
fn forced_fallback_still_verifies() {
    let bad = Options { float_tolerance: 1e6, ..Options::default() };
    for seed in 0..6 {
        let t = imperfect_tree(seed, 10, 3, 10, true);
        let (lp_sol, lp_route) = sequence::solve_lp_routed(&t, &bad).unwrap();
        assert_eq!(lp_route, Route::Fallback, "seed {seed}");
        assert!(lp_sol.equilibria[0].regret.is_zero());
        let exact_value = sequence::solve_lp(&t, &exact()).unwrap().equilibria[0].payoffs[0].clone();
        assert_eq!(lp_sol.equilibria[0].payoffs[0], exact_value);
        let t = imperfect_tree(seed, 10, 3, 10, false);
        let (lcp_sol, lcp_route) = sequence::solve_lcp_routed(&t, &bad).unwrap();
        assert_eq!(lcp_route, Route::Fallback, "seed {seed}");
        assert!(lcp_sol.equilibria[0].regret.is_zero());
    }
}

/// The float paths answer on small random trees (they are the default route there).
#[test]
fn float_route_taken_on_small_trees() {
    let mut float = [0, 0];
    for seed in 0..10 {
        let t = imperfect_tree(seed, 30, 3, 10, true);
        float[0] +=
            usize::from(sequence::solve_lp_routed(&t, &Options::default()).unwrap().1 == Route::Float);
        let t = imperfect_tree(seed, 30, 3, 10, false);
        float[1] +=
            usize::from(sequence::solve_lcp_routed(&t, &Options::default()).unwrap().1 == Route::Float);
    }
    assert!(float[0] >= 5 && float[1] >= 5, "float answers (lp, lcp) out of 10: {float:?}");
}

/// Random priors are completely mixed realisation plans, the same for the same seed.
#[test]
fn random_priors_are_completely_mixed_plans() {
    let t = imperfect_tree(3, 40, 3, 10, false);
    let form = sequence::SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").unwrap();
    for k in 0..2 {
        let p = form.random_plan(k, 9);
        assert_eq!(p, form.random_plan(k, 9));
        assert_ne!(p, form.random_plan(k, 10));
        assert!(p.iter().all(redline_models::number::Q::is_positive));
        for inf in &form.infosets[k] {
            let sum: redline_models::number::Q =
                (0..inf.n_actions).map(|a| &p[(inf.first + a) as usize]).sum();
            assert_eq!(sum, p[inf.parent as usize]);
        }
    }
}

/// `--prior` and `--all` on `solve --method lcp` for trees; bad priors and other methods refused
/// with exit code 2.
#[test]
fn cli_prior_and_all() {
    use redline_tests::run_redline;
    let game = "examples/imperfect-matching.ron";
    let (code, out, _) = run_redline(&["solve", game, "--method", "lcp", "--prior", "random:3", "--explain"]);
    assert_eq!(code, 0);
    assert!(out.contains("traced from random strategies (seed 3)"), "{out}");
    assert!(out.contains("route:"), "{out}");
    let (code, out, _) = run_redline(&["solve", game, "--method", "lcp", "--all", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["complete"], false);
    assert!(!v["equilibria"].as_array().unwrap().is_empty());
    for (args, needle) in [
        (vec!["--method", "lcp", "--prior", "random:x"], "expected `uniform` or `random:SEED`"),
        (vec!["--method", "lp", "--prior", "uniform"], "--prior applies only to --method lcp"),
    ] {
        let mut all = vec!["solve", game];
        all.extend(args);
        let (code, _, err) = run_redline(&all);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

/// Medium trees (a few hundred sequences, up to ~1,000 nodes): the interior-point guess gives the
/// answer, the value is the exact path's where that is quick, and the degenerate variants too.
#[test]
fn lp_float_route_on_medium_trees() {
    for seed in 0..4 {
        for max_payoff in [1, 9] {
            let t = imperfect_tree_payoffs(seed, 120, 3, 10, true, max_payoff);
            let (sol, route) = sequence::solve_lp_routed(&t, &Options::default()).unwrap();
            assert_eq!(route, Route::Float, "seed {seed}, payoffs to {max_payoff}");
            assert!(sol.equilibria[0].regret.is_zero());
        }
    }
}

/// The uniform path of this tree is long (3,877 float pivots) but within the first run's budget:
/// the default answers from the uniform strategies with no restarts line, as `--prior uniform` does
/// (restarts only follow a first path that does not end; their wording is unit-tested in the CLI).
#[test]
fn cli_follows_a_long_uniform_path_to_its_end() {
    use redline_tests::run_redline;
    let t = imperfect_tree(8, 100, 3, 10, false);
    let dir = std::env::temp_dir().join(format!("redline-seqlcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("long-uniform-path.efg");
    std::fs::write(&path, redline_models::format::efg::write(&t)).unwrap();
    let file = path.to_str().unwrap();
    for extra in [&[][..], &["--prior", "uniform"][..]] {
        let mut args = vec!["solve", file, "--method", "lcp"];
        args.extend_from_slice(extra);
        let (code, out, err) = run_redline(&args);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("traced from the uniform strategies"), "{out}");
        assert!(!out.contains("restarts:"), "{out}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
