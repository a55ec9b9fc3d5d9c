//! Game generators shared by the criterion benchmarks (and usable from tests).
//!
//! The generators build perfect-information trees through [`TreeBuilder`] in depth-first pre-order,
//! iteratively (no recursion, so a generated tree of any size or depth cannot overflow the stack), with
//! small-integer payoffs by default. They are deterministic: the same arguments give the same tree on
//! every machine, because randomness comes from the tiny [`SplitMix64`] generator rather than a crate
//! (the workspace has no `rand`).
//!
//! - [`random_tree`]: a random tree of about a given number of nodes, with optional chance nodes.
//! - [`uniform_tree`]: a full tree of given branching and depth.
//! - [`memory_per_node`]: the bytes a solve holds per node (tree arena plus solver scratch).
//!
//! This crate does not time anything itself; the benchmarks are in `benches/backward_induction.rs`.

pub mod imperfect;

use std::ops::RangeInclusive;

use redline_models::expr::Expr;
use redline_models::number::Q;
use redline_models::tree::{ActionSetId, NodeKind, Tree, TreeBuilder};

/// The default payoff range of the generated trees: small integers, so ties occur and every value stays
/// on `Q`'s inline fast path.
pub const SMALL_PAYOFFS: RangeInclusive<i64> = -10..=10;

/// A deterministic 64-bit pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Good enough for shaping test and benchmark inputs; not for anything that needs statistical
/// quality or unpredictability.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`.
    #[must_use]
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by Lemire's multiply-shift; the bias is below `n / 2^64`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in the inclusive range `r` (which must not be empty).
    pub fn in_range(&mut self, r: &RangeInclusive<i64>) -> i64 {
        let width = r.end().abs_diff(*r.start()) + 1;
        r.start().wrapping_add(self.below(width) as i64)
    }

    /// True with probability `p` (to 2^-53).
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) < p * (1u64 << 53) as f64
    }
}

/// The player names `P1`, `P2`, ….
fn player_names(n_players: usize) -> Vec<String> {
    (1..=n_players).map(|i| format!("P{i}")).collect()
}

/// Interned action lists `a0..a{k-1}` for every `k` in `0..=branching` (index 0 and 1 unused).
fn action_lists(b: &mut TreeBuilder, branching: usize) -> Vec<Option<ActionSetId>> {
    (0..=branching)
        .map(|k| {
            let labels: Vec<String> = (0..k).map(|a| format!("a{a}")).collect();
            (k > 0).then(|| b.actions(&labels).expect("generated labels are distinct and nonempty"))
        })
        .collect()
}

/// Random outcome weights in `1..=4`, as exact probabilities summing to 1.
fn chance_outcomes(rng: &mut SplitMix64, labels: &[String], k: usize) -> Vec<(String, Expr)> {
    let weights: Vec<i64> = (0..k).map(|_| 1 + rng.below(4) as i64).collect();
    let total: i64 = weights.iter().sum();
    labels
        .iter()
        .zip(weights)
        .map(|(l, w)| (l.clone(), Expr::number(Q::ratio(w, total).expect("the total weight is positive"))))
        .collect()
}

/// A random perfect-information tree of about `n_nodes_target` nodes.
///
/// Every internal node has between 2 and `branching` children (uniformly, as far as the remaining
/// budget allows) and is a chance node with probability `chance_fraction` (outcome probabilities are
/// random small fractions summing to exactly 1), otherwise a decision node of a uniformly random
/// player among `n_players`, with a one-node information set. Leaf payoffs are integers drawn
/// uniformly from `payoff_range` ([`SMALL_PAYOFFS`] is a good default).
///
/// The shape comes from splitting a node budget: a node with budget `m` becomes a leaf when `m ≤ 2`,
/// otherwise it takes one node and splits the other `m - 1` among its `k` children in random
/// proportions (each child at least one); a leaf given a budget of 2 passes the spare node on to the next
/// subtree. The result has `n_nodes_target` nodes, or one fewer when the very last subtree had a budget
/// of 2; read the exact count from [`Tree::len`]. Depth is logarithmic in the size for typical seeds.
///
/// # Panics
/// When `branching < 2`, `n_players == 0` or `payoff_range` is empty.
///
/// # Examples
/// ```
/// use redline_benches::{random_tree, SMALL_PAYOFFS};
/// let t = random_tree(7, 1000, 3, 2, 0.1, SMALL_PAYOFFS);
/// assert!(t.len() == 1000 || t.len() == 999);
/// assert!(t.is_perfect_information());
/// ```
#[must_use]
pub fn random_tree(
    seed: u64,
    n_nodes_target: usize,
    branching: usize,
    n_players: usize,
    chance_fraction: f64,
    payoff_range: RangeInclusive<i64>,
) -> Tree {
    assert!(branching >= 2, "a random tree needs branching of at least 2");
    assert!(n_players > 0, "a game needs at least one player");
    assert!(!payoff_range.is_empty(), "the payoff range must not be empty");
    let mut rng = SplitMix64::new(seed);
    let mut b = TreeBuilder::new(format!("random tree (seed {seed})"), player_names(n_players));
    let acts = action_lists(&mut b, branching);
    let labels: Vec<String> = (0..branching).map(|k| format!("o{k}")).collect();
    let mut row = vec![Q::zero(); n_players];
    // Budgets of the subtrees still to be built, the next one on top.
    let mut stack: Vec<usize> = vec![n_nodes_target.max(1)];
    let mut parts: Vec<usize> = Vec::with_capacity(branching);
    let mut weights: Vec<u64> = Vec::with_capacity(branching);
    while let Some(budget) = stack.pop() {
        if budget <= 2 {
            // A budget of 2 cannot be a node with two or more children; the spare node goes to the
            // next subtree still to be built, so the total stays on target.
            if budget == 2
                && let Some(next) = stack.last_mut()
            {
                *next += 1;
            }
            for v in &mut row {
                *v = Q::from_int(rng.in_range(&payoff_range));
            }
            b.terminal_values(&row).expect("a leaf row has one payoff per player");
            continue;
        }
        let k_max = branching.min(budget - 1);
        let k = 2 + rng.below(k_max as u64 - 1) as usize;
        if rng.chance(chance_fraction) {
            b.chance(chance_outcomes(&mut rng, &labels, k)).expect("generated outcomes are valid");
        } else {
            let player = rng.below(n_players as u64) as usize;
            let a = acts[k].expect("action lists exist for every k ≥ 1");
            b.decision_new(player, a).expect("the player exists");
        }
        // Split the other `budget - 1` nodes among the k children: one each, the rest in random
        // proportions (the rounding remainder to a random child).
        let rest = (budget - 1 - k) as u64;
        weights.clear();
        weights.extend((0..k).map(|_| 1 + rng.below(8)));
        let total: u64 = weights.iter().sum();
        parts.clear();
        parts.extend(
            weights.iter().map(|&w| 1 + (u128::from(rest) * u128::from(w) / u128::from(total)) as usize),
        );
        let given: usize = parts.iter().sum();
        let lucky = rng.below(k as u64) as usize;
        parts[lucky] += budget - 1 - given;
        // Reversed, so that the first child is popped (built) first.
        stack.extend(parts.iter().rev());
    }
    b.finish().expect("a generated tree is complete and valid")
}

/// A full tree: every internal node has `branching` children and every leaf is at `depth`.
///
/// Internal nodes are decision nodes (one-node information sets) of player `level % n_players`, so
/// players alternate by level; leaf payoffs are drawn uniformly from [`SMALL_PAYOFFS`] by `seed`. The
/// tree has `(branching^(depth+1) - 1) / (branching - 1)` nodes (`depth + 1` for `branching == 1`).
///
/// # Panics
/// When `branching == 0` or `n_players == 0`.
///
/// # Examples
/// ```
/// let t = redline_benches::uniform_tree(3, 4, 2, 1);
/// assert_eq!(t.len(), 121);
/// ```
#[must_use]
pub fn uniform_tree(branching: usize, depth: usize, n_players: usize, seed: u64) -> Tree {
    assert!(branching > 0, "a uniform tree needs at least one action per node");
    assert!(n_players > 0, "a game needs at least one player");
    let mut rng = SplitMix64::new(seed);
    let mut b = TreeBuilder::new(format!("uniform tree {branching}^{depth}"), player_names(n_players));
    let acts = action_lists(&mut b, branching)[branching].expect("branching is at least 1");
    let mut row = vec![Q::zero(); n_players];
    // Levels of the subtrees still to be built, the next one on top.
    let mut stack: Vec<usize> = vec![0];
    while let Some(level) = stack.pop() {
        if level == depth {
            for v in &mut row {
                *v = Q::from_int(rng.in_range(&SMALL_PAYOFFS));
            }
            b.terminal_values(&row).expect("a leaf row has one payoff per player");
        } else {
            b.decision_new(level % n_players, acts).expect("the player exists");
            stack.extend(std::iter::repeat_n(level + 1, branching));
        }
    }
    b.finish().expect("a generated tree is complete and valid")
}

/// A tree for the threshold sweep with exactly `breakpoints` thresholds of `t` in `(0, breakpoints)`:
/// P1 picks one of `breakpoints + 1` branches at the root, branch `k` paying P1 `k*t - k^2/2` (the
/// tangents of `t^2/2`, so the best branch switches at every `t = k + 1/2`), and each branch is a full
/// binary tree of P2 decisions of the given `depth` with small constant P2 payoffs (no threshold of
/// its own). Its size is `1 + (breakpoints + 1) * (2^(depth + 1) - 1)`.
#[must_use]
pub fn threshold_tree(breakpoints: usize, depth: usize, seed: u64) -> Tree {
    let mut rng = SplitMix64::new(seed);
    let mut b = TreeBuilder::new(format!("threshold comb {breakpoints}x{depth}"), player_names(2));
    b.add_parameter(redline_models::tree::Parameter::new("t", Q::zero(), "the swept parameter"))
        .expect("a fresh parameter");
    let lists = action_lists(&mut b, (breakpoints + 1).max(2));
    b.decision_new(0, lists[breakpoints + 1].expect("at least two branches")).expect("player 1");
    let two = lists[2].expect("binary");
    for k in 0..=breakpoints {
        let line = Expr::parse(&format!("{k}*t - {}/2", k * k)).expect("a valid expression");
        let mut stack: Vec<usize> = vec![0];
        while let Some(level) = stack.pop() {
            if level == depth {
                let p2 = Expr::parse(&rng.in_range(&SMALL_PAYOFFS).to_string()).expect("an integer");
                b.terminal(vec![line.clone(), p2]).expect("two payoffs");
            } else {
                b.decision_new(1, two).expect("player 2");
                stack.extend([level + 1, level + 1]);
            }
        }
    }
    b.finish().expect("a generated tree is complete and valid")
}

/// Counts of each node kind: `(terminal, chance, decision)`.
#[must_use]
pub fn kind_counts(tree: &Tree) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for x in 0..tree.len() as u32 {
        match tree.kind(x) {
            NodeKind::Terminal => counts.0 += 1,
            NodeKind::Chance => counts.1 += 1,
            NodeKind::Decision => counts.2 += 1,
        }
    }
    counts
}

/// The bytes one default [`solve`](redline_solver::backward_induction::solve) holds besides the tree,
/// estimated from the solver's data structures (kept in step with `backward_induction.rs` and
/// `verify.rs` by hand).
///
/// The engine keeps a `u32` value reference per node and a `u32` chosen action per information set
/// (which becomes the returned profile), plus one expected payoff row per chance node. The
/// verification reuses the engine's value references as its scratch space once the engine is done
/// with them. A chance row is `n_players + 1` `i64`s (a shared denominator and a numerator per player) when
/// the tree's payoffs are inline and it has chance weights ([`Tree::inline_payoffs`],
/// [`Tree::chance_weights`]), and the verification then reuses the engine's rows too; otherwise it is
/// `n_players` [`Q`]s and the verification adds its own. Tie lists are left out (they are output, proportional to the number of
/// ties).
#[must_use]
pub fn solver_bytes(tree: &Tree) -> usize {
    let (_, chance, _) = kind_counts(tree);
    let u32s = tree.len() + tree.infosets().len();
    let n = tree.n_players();
    let rows = if tree.inline_payoffs() && tree.chance_weights().is_some() {
        chance * (n + 1) * size_of::<i64>()
    } else {
        2 * chance * n * size_of::<Q>()
    };
    u32s * size_of::<u32>() + rows
}

/// Bytes per node held during a default solve: the tree arena ([`Tree::heap_bytes`]) plus
/// [`solver_bytes`], divided by the number of nodes.
#[must_use]
pub fn memory_per_node(tree: &Tree) -> f64 {
    // The solve builds the tree's integer payoff and chance weight tables on first use: count them.
    let _ = (tree.small_payoffs(), tree.chance_small_payoffs(), tree.chance_weights());
    (tree.heap_bytes() + solver_bytes(tree)) as f64 / tree.len() as f64
}
