//! Random two-player trees with information sets and perfect recall, for the sequence-form
//! benchmarks and property tests.
//!
//! A decision node's information set is keyed by its player, its depth, the player's own last
//! (information set, action) and what the player observes of the opponent's last action (nothing
//! at odd depths): nodes with equal keys share the set. Equal own histories give perfect recall,
//! and equal depths keep a node and its descendants apart. Chance moves are never observed.

use std::collections::HashMap;

use redline_models::expr::Expr;
use redline_models::number::Q;
use redline_models::tree::{InfosetId, Tree, TreeBuilder};

use crate::SplitMix64;

/// A random two-player tree with about `internal` internal nodes (decision or chance), at most
/// `max_actions` actions per information set, payoffs in `-9..=9` (zero-sum when `zero_sum`) and
/// chance at `chance_percent`% of the internal nodes (outcomes of probability zero included).
///
/// # Panics
/// When `max_actions < 2`.
#[must_use]
pub fn imperfect_tree(
    seed: u64,
    internal: usize,
    max_actions: usize,
    chance_percent: u64,
    zero_sum: bool,
) -> Tree {
    imperfect_tree_payoffs(seed, internal, max_actions, chance_percent, zero_sum, 9)
}

/// [`imperfect_tree`] with payoffs in `-max_payoff..=max_payoff`: small ranges give many ties
/// (degenerate games, faces of optimal strategies), `max_payoff = 0` a game of zeros.
///
/// # Panics
/// When `max_actions < 2` or `max_payoff` is negative or above `i64::MAX / 2`.
#[must_use]
pub fn imperfect_tree_payoffs(
    seed: u64,
    internal: usize,
    max_actions: usize,
    chance_percent: u64,
    zero_sum: bool,
    max_payoff: i64,
) -> Tree {
    assert!((0..=i64::MAX / 2).contains(&max_payoff), "a payoff range that fits");
    assert!(max_actions >= 2, "at least two actions");
    let mut rng = SplitMix64::new(seed);
    let mut b = TreeBuilder::new(format!("imperfect {seed}"), vec!["P1".into(), "P2".into()]);
    let acts: Vec<_> = (1..=max_actions)
        .map(|k| {
            let labels: Vec<String> = (0..k).map(|a| format!("a{a}")).collect();
            b.actions(&labels).expect("distinct labels")
        })
        .collect();
    // (player, depth, own last move, observed opponent move) → (information set, actions)
    let mut sets: HashMap<(usize, u32, u64, u64), (InfosetId, usize)> = HashMap::new();
    const NONE: u64 = u64::MAX;
    // Stack entries: budget, depth, each player's last own move, each player's last move (seen by
    // the other).
    let mut stack: Vec<(usize, u32, [u64; 2])> = vec![(internal, 0, [NONE, NONE])];
    let mut parts = Vec::new();
    while let Some((budget, depth, last)) = stack.pop() {
        if budget == 0 {
            let u = rng.in_range(&(-max_payoff..=max_payoff));
            let v = if zero_sum { -u } else { rng.in_range(&(-max_payoff..=max_payoff)) };
            b.terminal_values(&[Q::from_int(u), Q::from_int(v)]).expect("two payoffs");
            continue;
        }
        let children: Vec<[u64; 2]> = if rng.below(100) < chance_percent {
            let k = 2;
            let w = rng.below(4) as i64;
            let outcomes = vec![
                ("o0".to_string(), Expr::number(Q::ratio(w, 3).expect("positive"))),
                ("o1".to_string(), Expr::number(Q::ratio(3 - w, 3).expect("positive"))),
            ];
            b.chance(outcomes).expect("valid outcomes");
            vec![last; k]
        } else {
            let player = (depth % 2) as usize;
            let observed = if depth % 4 < 2 { last[1 - player] } else { NONE };
            let key = (player, depth, last[player], observed);
            let k = match sets.get(&key) {
                Some(&(h, k)) => {
                    b.decision(h).expect("the set exists");
                    k
                }
                None => {
                    let k = 2 + rng.below(max_actions as u64 - 1) as usize;
                    let h = b.infoset(player, "", acts[k - 1]).expect("the player exists");
                    b.decision(h).expect("the set exists");
                    sets.insert(key, (h, k));
                    k
                }
            };
            let h = u64::from(sets[&key].0);
            (0..k as u64)
                .map(|a| {
                    let mut l = last;
                    l[player] = (h << 8) | a;
                    l
                })
                .collect()
        };
        parts.clear();
        parts.resize(children.len(), 0usize);
        for _ in 1..budget {
            parts[rng.below(children.len() as u64) as usize] += 1;
        }
        for (p, l) in parts.iter().zip(&children).rev() {
            stack.push((*p, depth + 1, *l));
        }
    }
    b.finish().expect("a generated tree is complete and valid")
}
