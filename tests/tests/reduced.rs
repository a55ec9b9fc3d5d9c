//! The reduced strategic form of trees (`redline_models::reduced`) and the CLI around it.
//!
//! Oracles: brute force over every *unreduced* pure strategy profile of random trees with chance (each
//! full profile's expected payoff, computed by walking the tree, must be the payoff of the reduced
//! profile it maps to, and the reduced strategies must be exactly the distinct masked full
//! strategies), Gambit's own reduced forms (labels and payoffs of the conformance corpus are checked
//! in `conformance.rs`), a hand-computed tree, round trips between `.ron`, `.json` and `.nfg`, and CLI
//! goldens in `tests/golden/strategic/`.

use std::collections::BTreeSet;

use proptest::prelude::*;
use redline_models::format::game::Syntax;
use redline_models::format::{efg, game, matrix, nfg};
use redline_models::number::Q;
use redline_models::reduced::{self, EXCLUDED};
use redline_models::tree::{NodeKind, Tree};
use redline_tests::{Shape, golden, random_tree, workspace_root};

/// Every full pure strategy of player `i`: one action per information set (in player order).
fn full_strategies(t: &Tree, i: usize) -> Vec<Vec<u32>> {
    let sets = t.player_infosets(i);
    let mut out = vec![Vec::new()];
    for &h in sets {
        let m = t.actions(h).len() as u32;
        out = out.into_iter().flat_map(|s| (0..m).map(move |a| [s.clone(), vec![a]].concat())).collect();
    }
    out
}

/// The expected payoffs of a full pure profile, by an explicit-stack walk over the tree.
fn walk(t: &Tree, profile: &[Vec<u32>]) -> Vec<Q> {
    let mut total = vec![Q::zero(); t.n_players()];
    let mut stack = vec![(0u32, Q::one())];
    while let Some((x, p)) = stack.pop() {
        match t.kind(x) {
            NodeKind::Terminal => {
                for (v, u) in total.iter_mut().zip(t.payoffs(x)) {
                    *v = &*v + &(&p * u);
                }
            }
            NodeKind::Chance => {
                for (c, q) in t.children(x).zip(t.chance_probs(x)) {
                    stack.push((c, &p * q));
                }
            }
            NodeKind::Decision => {
                let h = t.infoset_of(x);
                let i = t.player_of(x);
                let a = profile[i][t.infoset_index_in_player(h)];
                stack.push((t.child(x, a as usize), p));
            }
        }
    }
    total
}

/// A full strategy with the information sets its own moves exclude masked by [`EXCLUDED`].
fn masked(t: &Tree, i: usize, full: &[u32]) -> Vec<u32> {
    let mut out = vec![EXCLUDED; full.len()];
    let mut stack = vec![0u32];
    while let Some(x) = stack.pop() {
        match t.kind(x) {
            NodeKind::Terminal => {}
            NodeKind::Decision if t.player_of(x) == i => {
                let k = t.infoset_index_in_player(t.infoset_of(x));
                out[k] = full[k];
                stack.push(t.child(x, full[k] as usize));
            }
            _ => stack.extend(t.children(x)),
        }
    }
    out
}

fn check_against_brute_force(t: &Tree) -> Result<(), TestCaseError> {
    let r = reduced::reduce(t).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let g = &r.game;
    let n = t.n_players();
    let fulls: Vec<Vec<Vec<u32>>> = (0..n).map(|i| full_strategies(t, i)).collect();
    // Reduced strategies are exactly the distinct masked full strategies.
    let mut index_of = Vec::new();
    for (i, list) in fulls.iter().enumerate() {
        let plans: Vec<Vec<u32>> = (0..g.strategies(i).len()).map(|s| r.plan(i, s).to_vec()).collect();
        let distinct: BTreeSet<Vec<u32>> = list.iter().map(|f| masked(t, i, f)).collect();
        prop_assert_eq!(distinct.len(), plans.len());
        let map: Vec<usize> = list
            .iter()
            .map(|f| {
                plans.iter().position(|p| *p == masked(t, i, f)).expect("every masked strategy is listed")
            })
            .collect();
        index_of.push(map);
    }
    // Every full profile's payoff is its reduced profile's.
    let mut digits = vec![0usize; n];
    loop {
        let profile: Vec<Vec<u32>> = (0..n).map(|i| fulls[i][digits[i]].clone()).collect();
        let reduced_profile: Vec<usize> = (0..n).map(|i| index_of[i][digits[i]]).collect();
        prop_assert_eq!(walk(t, &profile), g.payoffs_at(g.profile_index(&reduced_profile)).to_vec());
        let Some(i) = (0..n).find(|&i| digits[i] + 1 < fulls[i].len()) else { break };
        digits[i] += 1;
        digits[..i].fill(0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn reduced_form_matches_brute_force(seed in any::<u64>(), players in 1usize..=3, chance in 0u64..=40) {
        let shape = Shape {
            internal_nodes: 7,
            min_children: 1,
            max_children: 3,
            n_players: players,
            chance_percent: chance,
            payoffs: -5..=5,
            max_profiles: 2_000,
        };
        check_against_brute_force(&random_tree(seed, &shape))?;
    }
}

/// Gambit's 2smp (two-stage matching pennies, imperfect information): the reduced form by brute force.
#[test]
fn imperfect_information_corpus_games_match_brute_force() {
    let dir = workspace_root().join("../shared/conformance/gambit-games/contrib");
    for name in ["2smp.efg", "e05.efg", "montyhal.efg", "bayes1a.efg"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("the corpus is present");
        let t = efg::read(&text, &Default::default()).expect("it loads");
        check_against_brute_force(&t).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn strategic_ron_json_nfg_round_trips() {
    let text = std::fs::read_to_string(workspace_root().join("examples/strategic/inspection.ron")).unwrap();
    let g = matrix::read(&text).unwrap();
    for syntax in [Syntax::Ron, Syntax::Json] {
        assert_eq!(matrix::read(&matrix::write(&g, syntax)).unwrap(), g);
    }
    // ron -> nfg -> ron: the same matrix (the .nfg holds the values, not the expressions).
    let back = nfg::read(&nfg::write(&g)).unwrap();
    let again = matrix::read(&matrix::write(&back, Syntax::Ron)).unwrap();
    assert_eq!(again.players(), g.players());
    for k in 0..g.n_profiles() {
        assert_eq!(again.payoffs_at(k), g.payoffs_at(k));
    }
    // A tree's reduced form through .nfg keeps Gambit's labels and the payoffs.
    let tree = game::read(
        &std::fs::read_to_string(workspace_root().join("examples/imperfect-matching.ron")).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let r = reduced::reduce(&tree).unwrap().game;
    let via = nfg::read(&nfg::write(&r)).unwrap();
    assert_eq!((via.strategies(0), via.strategies(1)), (r.strategies(0), r.strategies(1)));
    assert!((0..r.n_profiles()).all(|k| via.payoffs_at(k) == r.payoffs_at(k)));
}

fn run(args: &[&str]) -> (i32, String, String) {
    redline_tests::run_redline(args)
}

#[test]
fn cli_goldens() {
    for (file, args) in [
        (
            "imperfect-matching.strategic.txt",
            &["solve", "examples/imperfect-matching.ron", "--strategic"][..],
        ),
        ("imperfect-matching.enum.txt", &["solve", "examples/imperfect-matching.ron", "--method", "enum"]),
        (
            "imperfect-matching.strategic.json.txt",
            &[
                "solve",
                "examples/imperfect-matching.ron",
                "--strategic",
                "--method",
                "enum",
                "--format",
                "json",
            ],
        ),
        ("inspection-matrix.txt", &["solve", "examples/strategic/inspection.ron", "--set", "g=4"]),
        (
            "deg1.components.txt",
            &[
                "solve",
                "../shared/conformance/gambit-games/contrib/deg1.nfg",
                "--method",
                "enum",
                "--components",
            ],
        ),
        (
            "deg1.components.json.txt",
            &[
                "solve",
                "../shared/conformance/gambit-games/contrib/deg1.nfg",
                "--method",
                "enum",
                "--components",
                "--format",
                "json",
            ],
        ),
        ("inspection-matrix.nfg.txt", &["convert", "examples/strategic/inspection.ron", "-"]),
    ] {
        let (code, stdout, stderr) = run(args);
        assert!(code == 0, "{args:?}: {stderr}");
        golden(&format!("golden/strategic/{file}"), &stdout);
    }
}

#[test]
fn cli_refusals() {
    let (code, _, err) =
        run(&["solve", "examples/imperfect-matching.ron", "--strategic", "--method", "lp", "--components"]);
    assert_eq!(code, 2);
    assert!(err.contains("--method enum"), "{err}");
    let big = workspace_root().join("../shared/conformance/gambit-games/contrib/ttt.efg");
    let (code, _, err) = run(&["solve", big.to_str().unwrap(), "--method", "pure"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("--method lcp") && err.contains("over the limit of 1000000"), "{err}");
    let forgetful =
        workspace_root().join("../shared/conformance/gambit-games/test_games/not_perfect_recall.efg");
    let (code, _, err) = run(&["convert", forgetful.to_str().unwrap(), "-"]);
    assert_eq!(code, 0, "a tree still converts to .ron: {err}");
    let (code, _, err) = run(&["solve", forgetful.to_str().unwrap(), "--strategic"]);
    assert_eq!(code, 2);
    assert!(err.contains("perfect recall") && err.contains("information set #1"), "{err}");
}
