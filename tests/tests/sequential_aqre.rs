//! `--method sequential` on n players (`sequential::aqre`) over Gambit's extensive-form games in
//! `../shared/conformance/gambit-games/`: on every tree with perfect recall and a modest size the
//! trace runs without error, and the answer is either an exactly certified sequential equilibrium or
//! a float profile whose regret is small (marked approximate). On Gambit's 119 perfect-recall trees
//! 117 polish exactly; `jury_un` (an irrational equilibrium) and `large_payoff_game` (payoffs ±1
//! beside ±10¹⁹, an equilibrium probability of 10⁻¹⁹) stay approximate.

// The per-game summary goes to stderr for whoever runs the test with --nocapture.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

use redline_models::format::efg;
use redline_models::format::game::ReadOptions;
use redline_solver::sequential::aqre::{self, Options, Outcome};
use redline_solver::sequential::certify;
use redline_tests::workspace_root;

/// Trees up to this many free action probabilities are traced (all of Gambit's perfect-recall games
/// have at most 132; the whole test takes about a second in a debug build).
const MAX_UNKNOWNS: usize = 200;
/// The float regret (payoff units, relative to the payoff range) an approximate answer may keep.
const APPROX_REGRET: f64 = 1e-3;

fn efg_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "efg") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn gambit_trees_give_certified_or_near_equilibria() {
    let dir = workspace_root().join("../shared/conformance/gambit-games");
    let (mut exact, mut approximate, mut skipped) = (0, 0, 0);
    for path in efg_files(&dir) {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(tree) = efg::read(&text, &ReadOptions::default()) else {
            skipped += 1;
            continue;
        };
        let unknowns: usize =
            tree.infosets().iter().enumerate().map(|(h, _)| tree.actions(h as u32).len() - 1).sum();
        if tree.check_perfect_recall().is_err() || unknowns > MAX_UNKNOWNS {
            skipped += 1;
            continue;
        }
        let name = path.strip_prefix(&dir).unwrap_or(&path).display().to_string();
        match aqre::solve(&tree, &Options::default()) {
            Ok(Outcome::Exact(s)) => {
                assert!(certify(&tree, s.assessment.clone()).is_ok(), "{name}");
                exact += 1;
                eprintln!(
                    "{name}: exact {:?}",
                    s.equilibrium.payoffs.iter().map(ToString::to_string).collect::<Vec<_>>()
                );
            }
            Ok(Outcome::Approximate { regret, lambda, .. }) => {
                let range = payoff_range(&tree);
                eprintln!("{name}: approximate, regret {regret:e} at λ {lambda:e}");
                assert!(regret <= APPROX_REGRET * range, "{name}: regret {regret} at λ {lambda}");
                approximate += 1;
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    eprintln!("{exact} exact, {approximate} approximate, {skipped} skipped");
    assert!(exact >= 110, "only {exact} games polished exactly");
    assert!(approximate <= 5, "{approximate} games left approximate");
}

fn payoff_range(tree: &redline_models::tree::Tree) -> f64 {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in 0..tree.len() as u32 {
        if tree.kind(x) == redline_models::tree::NodeKind::Terminal {
            for u in tree.payoffs(x) {
                lo = lo.min(u.to_f64());
                hi = hi.max(u.to_f64());
            }
        }
    }
    (hi - lo).max(1.0)
}
