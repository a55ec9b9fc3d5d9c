//! `--method sequential` on two-player trees (a quasi-perfect equilibrium by the perturbed
//! sequence form): every result certifies (sequentially rational under its consistent beliefs,
//! and Nash), on Gambit's two-player games with perfect recall and on random trees with
//! information sets.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use redline_benches::imperfect::imperfect_tree;
use redline_models::format::efg;
use redline_models::format::game::ReadOptions;
use redline_models::number::Q;
use redline_models::tree::Tree;
use redline_solver::sequence::regret::nash_regret;
use redline_solver::sequential::{self, Options, assessment};
use redline_solver::{Error, Kind};

/// Trees above this size are left out of the corpus run (they take long in a debug build).
const MAX_NODES: usize = 3000;

/// The two-player path's answer, which is always exact.
fn exact(t: &redline_models::tree::Tree) -> Result<redline_solver::sequential::Sequential, Error> {
    sequential::solve(t, &Options::default()).map(|o| match o {
        sequential::Outcome::Exact(s) => s,
        sequential::Outcome::Approximate { .. } => panic!("two players are solved exactly"),
    })
}

fn efg_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "efg") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The exact checks a sequential equilibrium must pass, done again from outside the solver.
fn recheck(t: &Tree, s: &sequential::Sequential) {
    assert_eq!(s.equilibrium.kind, Kind::Sequential);
    let c = assessment::check(t, &s.assessment).expect("a well-formed assessment");
    assert!(c.regret.is_zero(), "a gain of {} at {:?}", c.regret, c.infoset);
    assert_eq!(c.payoffs, s.equilibrium.payoffs);
    assert!(nash_regret(t, 0, &s.equilibrium.profile).regret.is_zero());
}

#[test]
fn gambit_two_player_games_with_perfect_recall() {
    let root = redline_tests::workspace_root().join("../shared/conformance/gambit-games");
    let mut solved = 0;
    let mut failures = Vec::new();
    for path in efg_files(&root) {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(t) = efg::read(&text, &ReadOptions::default()) else { continue };
        if t.n_players() != 2 || t.len() > MAX_NODES || t.check_perfect_recall().is_err() {
            continue;
        }
        match exact(&t) {
            Ok(s) => {
                recheck(&t, &s);
                solved += 1;
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(solved >= 30, "the conformance corpus is present ({solved} two-player games solved)");
}

#[test]
fn refusals_name_the_reason() {
    // Three players go to the agent-QRE path (tested in the solver's own tests), not refused.
    let root = redline_tests::workspace_root().join("../shared/conformance/gambit-games");
    let three = efg_files(&root).into_iter().find_map(|p| {
        let t = efg::read(&std::fs::read_to_string(p).ok()?, &ReadOptions::default()).ok()?;
        (t.n_players() == 3 && t.check_perfect_recall().is_ok()).then_some(t)
    });
    let t = three.expect("a three-player game in the corpus");
    assert!(sequential::solve(&t, &Options::default()).is_ok());
    // Imperfect recall: player 1 forgets its own first move.
    let text = r#"EFG 2 R "forgetful" { "P1" "P2" }
p "" 1 1 "" { "L" "R" } 0
p "" 1 2 "" { "a" "b" } 0
t "" 1 "" { 1, 0 }
t "" 2 "" { 0, 1 }
p "" 1 2 "" { "a" "b" } 0
t "" 3 "" { 0, 0 }
t "" 4 "" { 2, 2 }
"#;
    let t = efg::read(text, &ReadOptions::default()).expect("a valid game");
    let e = exact(&t).unwrap_err();
    assert!(matches!(&e, Error::Unsupported { reason, .. } if reason.contains("perfect recall")), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_trees_certify(seed in any::<u64>(), internal in 1usize..48, actions in 2usize..4, chance in 0u64..40) {
        let t = imperfect_tree(seed, internal, actions, chance, false);
        let s = exact(&t);
        prop_assert!(s.is_ok(), "seed {seed}: {:?}", s.err());
        recheck(&t, &s.unwrap());
    }

    #[test]
    fn random_zero_sum_trees_certify_at_the_value(seed in any::<u64>(), internal in 1usize..20) {
        let t = imperfect_tree(seed, internal, 3, 20, true);
        let s = exact(&t).expect("certified");
        recheck(&t, &s);
        // Every equilibrium of a zero-sum game pays the value; compare with the sequence-form LP.
        let lp = redline_solver::sequence::solve_lp(&t, &redline_solver::sequence::Options::default())
            .expect("the LP solves it");
        prop_assert_eq!(&s.equilibrium.payoffs, &lp.equilibria[0].payoffs);
        prop_assert_eq!(&s.equilibrium.payoffs[0] + &s.equilibrium.payoffs[1], Q::zero());
    }
}

#[test]
fn cli_b2_text_json_and_explain() {
    use redline_tests::{golden, run_redline};
    let game = "tests/games/salami-b2-n2.ron";
    let (code, out, err) = run_redline(&["solve", game, "--method", "sequential"]);
    assert_eq!(code, 0, "{err}");
    // MODELS.md B2-2: Challenger 7/10, Defender -1/20.
    assert!(out.contains("payoffs:  Defender -1/20, Challenger 7/10"), "{out}");
    assert!(out.contains("off the path"), "{out}");
    assert!(out.contains("from the trembles"), "{out}");
    golden("golden/sequential/salami-b2-n2.solve.txt", &out);
    let (code, out, _) =
        run_redline(&["solve", game, "--method", "sequential", "--set", "pi=1/3", "--explain"]);
    assert_eq!(code, 0);
    // MODELS.md B2-1: Challenger 1/6, Defender 5/3.
    assert!(out.contains("payoffs:  Defender 5/3, Challenger 1/6"), "{out}");
    golden("golden/sequential/salami-b2-n2.pi-third.explain.txt", &out);
    let (code, out, _) = run_redline(&["solve", game, "--method", "sequential", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["method"], "sequential");
    let e = &v["equilibria"][0];
    assert_eq!(e["kind"], "sequential");
    assert_eq!(e["payoffs"], serde_json::json!(["-1/20", "7/10"]));
    // The challenger's set after a hold is off the path; its beliefs come from the trembles.
    let after_hold = &e["beliefs"][1][1];
    assert_eq!(after_hold["on_path"], false);
    assert_eq!(after_hold["probabilities"], serde_json::json!(["1/10", "9/10"]));
    golden("golden/sequential/salami-b2-n2.solve.json", &out);
}

#[test]
fn cli_refusals_exit_2() {
    use redline_tests::run_redline;
    for (game, words) in [
        ("tests/games/forgetful.efg", "perfect recall"),
        ("examples/strategic/inspection.ron", "extensive-form"),
        ("examples/repeated/two-strike.ron", "repeated game"),
    ] {
        let (code, _, err) = run_redline(&["solve", game, "--method", "sequential"]);
        assert_eq!(code, 2, "{game}: {err}");
        assert!(err.contains(words), "{game}: {err}");
    }
}

#[test]
fn three_players_by_the_agent_qre_path() {
    // Perfect information: the sequential equilibrium is the SPE (refrain; resist, join off the path).
    let (code, out, err) =
        redline_tests::run_redline(&["solve", "examples/three-player.ron", "--method", "sequential"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("agent-QRE limit") && out.contains("payoffs:  Challenger 0, Defender 2, Ally 1"),
        "{out}"
    );
    assert!(out.contains("verified: exact regret 0"), "{out}");
}

#[test]
fn one_player_and_trivial_trees() {
    use redline_models::tree::TreeBuilder;
    // One player: refused with a pointer to `spe`.
    let mut b = TreeBuilder::new("decision", vec!["P".into()]);
    let a = b.actions(&["x", "y"]).expect("labels");
    b.decision_new(0, a).expect("a node");
    b.terminal_values(&[Q::one()]).expect("a leaf");
    b.terminal_values(&[Q::zero()]).expect("a leaf");
    let t = b.finish().expect("a tree");
    let e = exact(&t).unwrap_err();
    assert!(matches!(&e, Error::Unsupported { reason, .. } if reason.contains("spe")), "{e}");
    // Two players, no decision at all: the empty profile, paid the leaf.
    let mut b = TreeBuilder::new("leaf", vec!["P1".into(), "P2".into()]);
    b.terminal_values(&[Q::one(), Q::from_int(2)]).expect("a leaf");
    let t = b.finish().expect("a tree");
    let s = exact(&t).expect("certified");
    assert_eq!(s.equilibrium.payoffs, vec![Q::one(), Q::from_int(2)]);
}

#[test]
fn b2_nash_equilibria_with_incredible_threats_are_not_returned() {
    use redline_tests::run_redline;
    // MODELS.md B.3: B2-1 has Nash equilibria with three payoff pairs; only (D, C) = (5/3, 1/6)
    // is sequential. The others rest on threats the defender would not carry out.
    let game = "tests/games/salami-b2-n2.ron";
    let payoffs = |args: &[&str]| -> Vec<(String, String)> {
        let (code, out, err) = run_redline(args);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let mut p: Vec<(String, String)> = v["equilibria"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|e| (e["payoffs"][0].as_str().unwrap().into(), e["payoffs"][1].as_str().unwrap().into()))
            .collect();
        p.sort();
        p.dedup();
        p
    };
    let nash = payoffs(&["solve", game, "--method", "enum", "--set", "pi=1/3", "--format", "json"]);
    let pair = |d: &str, c: &str| (d.to_string(), c.to_string());
    assert_eq!(nash, vec![pair("-1/6", "0"), pair("4", "0"), pair("5/3", "1/6")]);
    let seq = payoffs(&["solve", game, "--method", "sequential", "--set", "pi=1/3", "--format", "json"]);
    assert_eq!(seq, vec![pair("5/3", "1/6")]);
}
