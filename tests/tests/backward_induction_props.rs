//! Property tests of backward induction against an independent brute-force oracle.
//!
//! On random small trees (2–3 players, up to 12 internal nodes, chance nodes with random exact
//! probabilities, payoffs in -2..=2 so ties are frequent) the oracle enumerates every pure strategy
//! profile, evaluates it recursively and keeps the subgame-perfect ones (no mover gains by changing
//! the action at one node, which for finite trees is equivalent to subgame perfection). Then:
//! - `solve` with `all: true` returns exactly that set, complete, each with its true payoffs;
//! - the default solve (and every `Favor`/`Against` tie-break) returns a member of the set, whose
//!   `ties` are exactly the nodes where the mover has several optimal actions under that profile, and
//!   whose choice at each tie follows the tie-break rule.
//!
//! A scale test checks a 10^6-node random tree against `verify::perfect_information_regret`.

use std::collections::BTreeSet;

use proptest::prelude::*;
use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree, TreeBuilder};
use redline_solver::backward_induction::{Options, TieBreak, solve};
use redline_solver::{Equilibrium, Kind, Profile, Tie, verify};
use redline_tests::{Shape, random_tree};

/// The most pure profiles a generated tree may have, so the oracle stays quick in debug builds.
const MAX_PROFILES: u64 = 2_000;

fn small_tree(seed: u64, internal_nodes: usize, n_players: usize, chance_percent: u64) -> Tree {
    let shape = Shape {
        internal_nodes,
        min_children: 1,
        max_children: 3,
        n_players,
        chance_percent,
        payoffs: -2..=2,
        max_profiles: MAX_PROFILES,
    };
    random_tree(seed, &shape)
}

/// The value of every node under `pure`, by plain recursion (the trees are tiny).
fn values(tree: &Tree, pure: &[u32]) -> Vec<Vec<Q>> {
    fn eval(tree: &Tree, pure: &[u32], x: NodeId, out: &mut Vec<Vec<Q>>) -> Vec<Q> {
        let v = match tree.kind(x) {
            NodeKind::Terminal => tree.payoffs(x).to_vec(),
            NodeKind::Chance => {
                let mut acc = vec![Q::zero(); tree.n_players()];
                let kids: Vec<NodeId> = tree.children(x).collect();
                for (c, p) in kids.into_iter().zip(tree.chance_probs(x).to_vec()) {
                    let vc = eval(tree, pure, c, out);
                    for (a, b) in acc.iter_mut().zip(&vc) {
                        *a = &*a + &(&p * b);
                    }
                }
                acc
            }
            NodeKind::Decision => {
                let chosen = pure[tree.infoset_of(x) as usize] as usize;
                let kids: Vec<NodeId> = tree.children(x).collect();
                let mut mine = Vec::new();
                for (k, c) in kids.into_iter().enumerate() {
                    let vc = eval(tree, pure, c, out);
                    if k == chosen {
                        mine = vc;
                    }
                }
                mine
            }
        };
        out[x as usize] = v.clone();
        v
    }
    let mut out = vec![Vec::new(); tree.len()];
    eval(tree, pure, 0, &mut out);
    out
}

/// The optimal actions of the mover at each decision node under `pure`, given the node values.
fn optimal_actions(tree: &Tree, vals: &[Vec<Q>], x: NodeId) -> Vec<u32> {
    let i = tree.player_of(x);
    let best = tree.children(x).map(|c| vals[c as usize][i].clone()).max().expect("at least one action");
    tree.children(x)
        .enumerate()
        .filter(|(_, c)| vals[*c as usize][i] == best)
        .map(|(k, _)| k as u32)
        .collect()
}

fn decision_nodes(tree: &Tree) -> Vec<NodeId> {
    (0..tree.len() as NodeId).filter(|&x| tree.kind(x) == NodeKind::Decision).collect()
}

/// Every subgame-perfect pure profile, by enumerating all profiles.
fn brute_force_spe(tree: &Tree) -> BTreeSet<Vec<u32>> {
    let nodes = decision_nodes(tree);
    let radix: Vec<u32> = nodes.iter().map(|&x| tree.n_children(x) as u32).collect();
    let mut pure = vec![0u32; tree.infosets().len()];
    let mut found = BTreeSet::new();
    loop {
        let vals = values(tree, &pure);
        let perfect = nodes
            .iter()
            .all(|&x| optimal_actions(tree, &vals, x).contains(&pure[tree.infoset_of(x) as usize]));
        if perfect {
            found.insert(pure.clone());
        }
        // Advance the mixed-radix counter over the decision nodes' actions.
        let mut d = 0;
        loop {
            if d == nodes.len() {
                return found;
            }
            let h = tree.infoset_of(nodes[d]) as usize;
            pure[h] += 1;
            if pure[h] < radix[d] {
                break;
            }
            pure[h] = 0;
            d += 1;
        }
    }
}

fn pure_of(e: &Equilibrium) -> Vec<u32> {
    match &e.profile {
        Profile::Pure(p) => p.clone(),
        Profile::Behavior(_) => panic!("backward induction returns pure profiles"),
    }
}

/// Checks one returned equilibrium against the oracle: a member of `spe`, true payoffs, zero regret,
/// and exactly the ties of its profile, each resolved as `rule` says.
fn check_member(
    tree: &Tree,
    spe: &BTreeSet<Vec<u32>>,
    e: &Equilibrium,
    rule: TieBreak,
) -> Result<(), TestCaseError> {
    let pure = pure_of(e);
    prop_assert!(spe.contains(&pure), "{pure:?} is not subgame perfect");
    let vals = values(tree, &pure);
    prop_assert_eq!(&e.payoffs, &vals[0]);
    prop_assert_eq!(e.kind, Kind::SubgamePerfect);
    prop_assert!(e.regret.is_zero());
    let mut expected = Vec::new();
    for x in decision_nodes(tree) {
        let actions = optimal_actions(tree, &vals, x);
        let chosen = pure[tree.infoset_of(x) as usize];
        if actions.len() > 1 {
            // The tie-break: the first optimal action, or the first that is best (worst) for j.
            let value_for = |k: u32, j: usize| vals[tree.child(x, k as usize) as usize][j].clone();
            let want = match rule {
                TieBreak::First => actions[0],
                TieBreak::Favor(j) => {
                    let top = actions.iter().map(|&k| value_for(k, j)).max().expect("nonempty");
                    *actions.iter().find(|&&k| value_for(k, j) == top).expect("the max is attained")
                }
                TieBreak::Against(j) => {
                    let low = actions.iter().map(|&k| value_for(k, j)).min().expect("nonempty");
                    *actions.iter().find(|&&k| value_for(k, j) == low).expect("the min is attained")
                }
            };
            prop_assert_eq!(chosen, want, "tie-break {:?} at node {}", rule, x);
            expected.push(Tie { node: x, actions, chosen });
        }
    }
    prop_assert_eq!(&e.ties, &expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn all_spe_match_brute_force(
        seed in any::<u64>(),
        internal in 1usize..=12,
        players in 2usize..=3,
        chance in prop_oneof![Just(0u64), 0u64..=40],
    ) {
        let tree = small_tree(seed, internal, players, chance);
        let spe = brute_force_spe(&tree);
        prop_assert!(!spe.is_empty(), "finite perfect-information games have a pure SPE");

        let all = solve(&tree, &Options { all: true, ..Options::default() }).unwrap();
        prop_assert!(all.complete);
        let got: Vec<Vec<u32>> = all.equilibria.iter().map(pure_of).collect();
        let got_set: BTreeSet<Vec<u32>> = got.iter().cloned().collect();
        prop_assert_eq!(got_set.len(), got.len(), "no profile twice");
        prop_assert_eq!(&got_set, &spe);
        for e in &all.equilibria {
            prop_assert_eq!(&e.payoffs, &values(&tree, &pure_of(e))[0]);
            prop_assert!(e.regret.is_zero());
        }

        let mut rules = vec![TieBreak::First];
        for j in 0..players {
            rules.extend([TieBreak::Favor(j), TieBreak::Against(j)]);
        }
        for rule in rules {
            let one = solve(&tree, &Options { tie_break: rule, ..Options::default() }).unwrap();
            prop_assert_eq!(one.equilibria.len(), 1);
            let e = &one.equilibria[0];
            check_member(&tree, &spe, e, rule)?;
            // Without ties the SPE is unique (Kuhn), and the solver says the answer is complete.
            prop_assert_eq!(one.complete, e.ties.is_empty());
            prop_assert_eq!(one.complete, spe.len() == 1);
        }
    }
}

/// A copy of a tree without chance nodes with every payoff shifted by 1/3: the same game up to the
/// payoffs (order and ties are kept), but with fractional payoffs, so the solver cannot use the `i32`
/// payoff table and runs on `Q`.
fn shifted_by_a_third(tree: &Tree) -> Tree {
    let third = Q::ratio(1, 3).unwrap();
    let mut b = TreeBuilder::new("shifted", tree.players().to_vec());
    let max_children = (0..tree.len() as NodeId).map(|x| tree.n_children(x)).max().unwrap_or(0);
    let acts: Vec<_> = (1..=max_children)
        .map(|k| b.actions(&(0..k).map(|a| format!("a{a}")).collect::<Vec<_>>()).unwrap())
        .collect();
    // Node ids are depth-first pre-order, the order a builder takes nodes in.
    for x in 0..tree.len() as NodeId {
        match tree.kind(x) {
            NodeKind::Decision => {
                b.decision_new(tree.player_of(x), acts[tree.n_children(x) - 1]).unwrap();
            }
            NodeKind::Terminal => {
                let row: Vec<Q> = tree.payoffs(x).iter().map(|v| v + &third).collect();
                b.terminal_values(&row).unwrap();
            }
            NodeKind::Chance => panic!("only trees without chance nodes are shifted"),
        }
    }
    b.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The `i32` fast path and the `Q` path give the same equilibria, ties and completeness, for every
    /// tie-break and for enumeration; only the payoffs differ, by the shift.
    #[test]
    fn small_integer_path_matches_rational_path(
        seed in any::<u64>(),
        internal in 1usize..=12,
        players in 2usize..=3,
    ) {
        let tree = small_tree(seed, internal, players, 0);
        let shifted = shifted_by_a_third(&tree);
        prop_assert!(tree.small_payoffs().is_some());
        prop_assert!(shifted.small_payoffs().is_none());
        let third = Q::ratio(1, 3).unwrap();
        let mut options = vec![Options { all: true, ..Options::default() }];
        for j in 0..players {
            options.extend([TieBreak::Favor(j), TieBreak::Against(j)].map(|tie_break| Options { tie_break, ..Options::default() }));
        }
        options.push(Options::default());
        for o in options {
            let (a, b) = (solve(&tree, &o).unwrap(), solve(&shifted, &o).unwrap());
            prop_assert_eq!(a.complete, b.complete);
            prop_assert_eq!(a.equilibria.len(), b.equilibria.len());
            for (ea, eb) in a.equilibria.iter().zip(&b.equilibria) {
                prop_assert_eq!(&ea.profile, &eb.profile);
                prop_assert_eq!(&ea.ties, &eb.ties);
                prop_assert_eq!(&ea.regret, &eb.regret);
                let moved: Vec<Q> = ea.payoffs.iter().map(|v| v + &third).collect();
                prop_assert_eq!(&moved, &eb.payoffs);
            }
        }
    }
}

#[test]
fn million_node_tree_passes_exact_verification() {
    let shape = Shape {
        internal_nodes: 400_000,
        min_children: 2,
        max_children: 3,
        n_players: 2,
        chance_percent: 10,
        payoffs: -10..=10,
        max_profiles: u64::MAX,
    };
    let tree = random_tree(2024, &shape);
    assert!(tree.len() > 1_000_000, "{} nodes", tree.len());
    let sol = solve(&tree, &Options::default()).unwrap();
    let e = &sol.equilibria[0];
    let pure = pure_of(e);
    let check = verify::perfect_information_regret(&tree, &pure);
    assert!(check.regret.is_zero());
    assert_eq!(check.payoffs, e.payoffs);
    // The check is not vacuous: at a decision node without a tie every other action is strictly worse
    // for the mover, so switching to one of them must be caught.
    let ties: BTreeSet<NodeId> = e.ties.iter().map(|t| t.node).collect();
    let x = (0..tree.len() as NodeId)
        .find(|&x| tree.kind(x) == NodeKind::Decision && !ties.contains(&x))
        .expect("a random tree has a strict decision");
    let h = tree.infoset_of(x) as usize;
    let mut deviant = pure.clone();
    deviant[h] = (deviant[h] + 1) % tree.n_children(x) as u32;
    let caught = verify::perfect_information_regret(&tree, &deviant);
    assert!(caught.regret.is_positive());
}
