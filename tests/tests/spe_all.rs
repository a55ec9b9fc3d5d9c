//! `spe --all` on trees with information sets: every subgame-perfect equilibrium the subgame methods
//! enumerate. Oracle: when the whole game is the only subgame, its SPEs are its Nash equilibria, so
//! the payoffs must be exactly those of `enum` on the game's reduced strategic form (a separate code
//! path: the tree's own reduced form, not the region rebuilt by `spe`). Every equilibrium is also
//! checked inside the solver (a Nash equilibrium in every subgame) before it is returned.

use std::collections::BTreeSet;
use std::path::PathBuf;

use proptest::prelude::*;
use redline_benches::imperfect::imperfect_tree;
use redline_models::format::efg;
use redline_models::format::game::ReadOptions;
use redline_models::number::Q;
use redline_models::reduced;
use redline_models::tree::{NodeId, NodeKind, Tree};
use redline_solver::backward_induction::{Options, TieBreak};
use redline_solver::spe::{solve_with_report, subgame_roots};
use redline_solver::strategic::enumeration;

fn all() -> Options {
    Options { tie_break: TieBreak::First, all: true, max_equilibria: 10_000 }
}

/// Checks `spe --all` on `t`; returns None when the reduced form is too large to compare (`enum`
/// on degenerate forms of a few hundred profiles, such as `tim.efg`'s 6 × 64, can take minutes).
/// Otherwise `Some(true)` when the game had no proper subgame, so the payoffs were compared with
/// `enum`'s.
fn check(t: &Tree, name: &str) -> Option<bool> {
    let Ok(rf) = reduced::reduce_with_limit(t, 100) else { return None };
    let (sol, _) = solve_with_report(t, &all()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!sol.equilibria.is_empty(), "{name}: an SPE exists");
    assert!(sol.equilibria.iter().all(|e| e.regret.is_zero()), "{name}");
    let roots = subgame_roots(t);
    let proper = (1..t.len() as NodeId).any(|x| roots[x as usize] && t.kind(x) != NodeKind::Terminal);
    if !proper {
        let ours: BTreeSet<Vec<Q>> = sol.equilibria.iter().map(|e| e.payoffs.clone()).collect();
        let nash = enumeration::solve(&rf.game).unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs: BTreeSet<Vec<Q>> = nash.equilibria.iter().map(|e| e.payoffs.clone()).collect();
        assert_eq!(ours, theirs, "{name}: SPE payoffs against enum on the reduced strategic form");
        assert_eq!(sol.complete, nash.complete, "{name}");
    }
    Some(!proper)
}

#[test]
fn gambit_two_player_trees() {
    let dir = redline_tests::workspace_root().join("../shared/conformance/gambit-games");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "efg") {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut checked, mut compared) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        let Ok(t) = efg::read(&text, &ReadOptions::default()) else { continue };
        if t.n_players() != 2 || t.is_perfect_information() || t.check_perfect_recall().is_err() {
            continue;
        }
        if let Some(whole) = check(&t, &f.display().to_string()) {
            checked += 1;
            compared += usize::from(whole);
        }
    }
    assert!(
        checked >= 30 && compared >= 10,
        "enough Gambit trees: {checked} solved, {compared} compared with enum"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn random_two_player_trees(seed in 0u64..1_000_000, internal in 3usize..14, zero_sum in any::<bool>()) {
        let t = imperfect_tree(seed, internal, 3, 20, zero_sum);
        check(&t, &format!("imperfect_tree({seed}, {internal}, 3, 20, {zero_sum})"));
    }
}
