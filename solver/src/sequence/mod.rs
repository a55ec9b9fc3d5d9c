//! The sequence form of two-player extensive games, and the `lp` and `lcp` methods on trees.
//!
//! **Class:** two-player trees (with chance) with perfect recall; `lp` also needs constant-sum
//! payoffs. Used by [`crate::spe`] for two-player subgames with imperfect information.
//! **Returns:** one Nash equilibrium in behaviour strategies, verified exactly
//! ([`regret::nash_regret`]).
//! **Complexity:** the sequence form is O(N); Lemke's algorithm works on a dense dictionary of
//! (n₁ + n₂ − 1)² exact rationals (n_i = number of sequences of player i), each pivot O((n₁ + n₂)²).
//! **Reference:** Koller, Megiddo & von Stengel (1996), GEB 14:247–259; von Stengel, van den Elzen &
//! Talman (2002), Econometrica 70:693–715; ALGORITHMS.md §11.
//!
//! A sequence is a player's own path of (information set, action) pairs; sequence 0 is the empty one
//! and information set `h` owns the consecutive sequences `first(h) + a`. Realisation plans `x`
//! satisfy `x(∅) = 1` and `Σ_a x(σ_h a) = x(σ_h)`. The payoff of a leaf, times the chance
//! probability of reaching it, is added to the entry of the pair of sequences that leads to it;
//! leaves behind zero-probability chance moves add nothing, but their information sets keep their
//! sequences (so their behaviour is still defined and checked).
//!
//! `lp` runs the same complementary pivoting as `lcp`: for constant-sum games the sequence-form LCP
//! is exactly the optimality system (primal and dual feasibility, complementary slackness) of the
//! sequence-form LP, so its solution is a pair of optimal strategies and its payoff the value.

pub mod beliefs;
mod fast;
mod float_lemke;
mod ipm;
pub mod lemke;
pub mod regret;
pub mod sparse;

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};

use crate::backward_induction::Solution;
use crate::equilibrium::{Equilibrium, Kind, Profile};
use crate::error::Error;

/// Marks information sets absent from a sequence form.
pub const ABSENT: u32 = u32::MAX;

/// One information set of a player in the sequence form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InfosetSeq {
    /// The information set in the tree.
    pub h: InfosetId,
    /// The player's sequence leading to it (0 is the empty sequence).
    pub parent: u32,
    /// Its first sequence: action `a` extends `parent` to `first + a`.
    pub first: u32,
    /// The number of actions.
    pub n_actions: u32,
}

/// A non-zero entry of the payoff matrices: the chance-weighted payoffs of the leaves reached by
/// the sequence pair `(s1, s2)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Player 1's sequence.
    pub s1: u32,
    /// Player 2's sequence.
    pub s2: u32,
    /// Player 1's payoff entry `A[s1, s2]`.
    pub a: Q,
    /// Player 2's payoff entry `B[s1, s2]`.
    pub b: Q,
}

/// The sequence form of a two-player (sub)game.
#[derive(Clone, Debug)]
pub struct SequenceForm {
    /// The tree's indices of the two players.
    pub players: [usize; 2],
    /// Each player's information sets, a set before every set that follows it.
    pub infosets: [Vec<InfosetSeq>; 2],
    /// The number of sequences of each player (the empty one included).
    pub n_seq: [usize; 2],
    /// For each tree information set, its index in its player's list ([`ABSENT`] if not in the game).
    pub local: Vec<u32>,
    /// The payoff entries, sorted by `(s1, s2)`, one per pair.
    pub entries: Vec<Entry>,
}

impl SequenceForm {
    /// The sequence form of the subgame at `root` between `players`, where a node `x != root` for
    /// which `leaf(x)` gives a payoff vector is a leaf (an inner subgame already solved).
    ///
    /// # Errors
    /// [`Error::Unsupported`] naming `method` when a third player moves, or when recall fails
    /// (naming the information set).
    pub fn new(
        tree: &Tree,
        root: NodeId,
        players: [usize; 2],
        leaf: &dyn Fn(NodeId) -> Option<Vec<Q>>,
        method: &'static str,
    ) -> Result<SequenceForm, Error> {
        let base = root as usize;
        let end = tree.end(root);
        let len = end as usize - base;
        // Per node of the subgame: each player's sequence and the chance probability of reaching it.
        let mut seq: Vec<[u32; 2]> = vec![[0, 0]; len];
        let mut weight: Vec<Q> = vec![Q::zero(); len];
        weight[0] = Q::one();
        let mut local = vec![ABSENT; tree.infosets().len()];
        let mut infosets: [Vec<InfosetSeq>; 2] = [Vec::new(), Vec::new()];
        let mut n_seq = [1usize, 1];
        let mut entries: Vec<Entry> = Vec::new();
        let mut x = root;
        while x < end {
            let i = x as usize - base;
            let inner = if x == root { None } else { leaf(x) };
            let payoffs = match inner {
                Some(v) => Some(v),
                None if tree.kind(x) == NodeKind::Terminal => Some(tree.payoffs(x).to_vec()),
                None => None,
            };
            if let Some(v) = payoffs {
                if !weight[i].is_zero() {
                    let [s1, s2] = seq[i];
                    let a = &weight[i] * &v[players[0]];
                    let b = &weight[i] * &v[players[1]];
                    entries.push(Entry { s1, s2, a, b });
                }
                x = tree.end(x);
                continue;
            }
            match tree.kind(x) {
                NodeKind::Chance => {
                    for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                        let ci = c as usize - base;
                        seq[ci] = seq[i];
                        weight[ci] = &weight[i] * p;
                    }
                }
                _ => {
                    let p = tree.player_of(x);
                    let Some(k) = players.iter().position(|&q| q == p) else {
                        return Err(Error::Unsupported {
                            method,
                            reason: format!(
                                "{} moves at node {x} but the sequence form is for two players ({} and {})",
                                tree.players()[p],
                                tree.players()[players[0]],
                                tree.players()[players[1]]
                            ),
                        });
                    };
                    let h = tree.infoset_of(x);
                    let n_actions = tree.actions(h).len() as u32;
                    if local[h as usize] == ABSENT {
                        local[h as usize] = infosets[k].len() as u32;
                        infosets[k].push(InfosetSeq {
                            h,
                            parent: seq[i][k],
                            first: n_seq[k] as u32,
                            n_actions,
                        });
                        n_seq[k] += n_actions as usize;
                    } else if infosets[k][local[h as usize] as usize].parent != seq[i][k] {
                        return Err(Error::Unsupported {
                            method,
                            reason: format!(
                                "the game lacks perfect recall: {}'s information set {} is reached after \
                                 different moves of the player's own (node {x}); the sequence form needs \
                                 perfect recall (try `--method pure`)",
                                tree.players()[p],
                                tree.infoset_name(h)
                            ),
                        });
                    }
                    let first = infosets[k][local[h as usize] as usize].first;
                    for (a, c) in tree.children(x).enumerate() {
                        let ci = c as usize - base;
                        seq[ci] = seq[i];
                        seq[ci][k] = first + a as u32;
                        weight[ci] = weight[i].clone();
                    }
                }
            }
            x += 1;
        }
        entries.sort_by_key(|e| (e.s1, e.s2));
        let mut merged: Vec<Entry> = Vec::with_capacity(entries.len());
        for e in entries {
            match merged.last_mut() {
                Some(m) if m.s1 == e.s1 && m.s2 == e.s2 => {
                    m.a = &m.a + &e.a;
                    m.b = &m.b + &e.b;
                }
                _ => merged.push(e),
            }
        }
        Ok(SequenceForm { players, infosets, n_seq, local, entries: merged })
    }

    /// True when `A + B` is the same multiple of the chance weight for every leaf: the game is
    /// constant-sum, hence strategically zero-sum.
    fn constant_sum(tree: &Tree, root: NodeId, players: [usize; 2]) -> bool {
        let mut sum: Option<Q> = None;
        for x in root..tree.end(root) {
            if tree.kind(x) == NodeKind::Terminal {
                let v = tree.payoffs(x);
                let s = &v[players[0]] + &v[players[1]];
                match &sum {
                    None => sum = Some(s),
                    Some(t) if *t == s => {}
                    Some(_) => return false,
                }
            }
        }
        true
    }

    /// Behaviour strategies from realisation plans `plans[k]` (indexed by sequence): at an
    /// information set the player's own earlier moves reach with probability zero, where the plan
    /// says nothing, the player's first best action against the opponent's plan. Returned per tree
    /// information set in `behavior` (entries of other information sets are left as they are).
    pub fn behavior(&self, plans: &[Vec<Q>; 2], behavior: &mut [Vec<Q>]) {
        for k in 0..2 {
            let best = self.best_actions(k, &plans[1 - k]);
            for (j, inf) in self.infosets[k].iter().enumerate() {
                let reach = &plans[k][inf.parent as usize];
                let probs: Vec<Q> = (0..inf.n_actions)
                    .map(|a| {
                        if reach.is_zero() {
                            if a == best[j] { Q::one() } else { Q::zero() }
                        } else {
                            plans[k][(inf.first + a) as usize].checked_div(reach).expect("reach is positive")
                        }
                    })
                    .collect();
                behavior[inf.h as usize] = probs;
            }
        }
    }

    /// Player `k`'s payoff per own sequence against the opponent's plan: `(A y)_σ` or `(Bᵀ x)_τ`.
    pub fn sequence_payoffs(&self, k: usize, other: &[Q]) -> Vec<Q> {
        let mut g = vec![Q::zero(); self.n_seq[k]];
        for e in &self.entries {
            let (mine, theirs, u) = if k == 0 { (e.s1, e.s2, &e.a) } else { (e.s2, e.s1, &e.b) };
            let w = &other[theirs as usize];
            if !w.is_zero() {
                g[mine as usize] = &g[mine as usize] + &(u * w);
            }
        }
        g
    }

    /// For each of player `k`'s information sets, the first action of a best response to the
    /// opponent's plan, and the best-response values per information set (backward over the
    /// player's own information sets).
    pub fn best_response(&self, k: usize, g: &[Q]) -> (Vec<u32>, Vec<Q>) {
        let infos = &self.infosets[k];
        let mut below = vec![Q::zero(); self.n_seq[k]];
        let mut best = vec![0u32; infos.len()];
        let mut value = vec![Q::zero(); infos.len()];
        for (j, inf) in infos.iter().enumerate().rev() {
            let mut b = 0;
            let mut v: Option<Q> = None;
            for a in 0..inf.n_actions {
                let s = (inf.first + a) as usize;
                let va = &g[s] + &below[s];
                if v.as_ref().is_none_or(|v| va > *v) {
                    v = Some(va);
                    b = a;
                }
            }
            let v = v.unwrap_or_else(Q::zero);
            below[inf.parent as usize] = &below[inf.parent as usize] + &v;
            best[j] = b;
            value[j] = v;
        }
        (best, value)
    }

    fn best_actions(&self, k: usize, other: &[Q]) -> Vec<u32> {
        self.best_response(k, &self.sequence_payoffs(k, other)).0
    }

    /// Children of each sequence: the player's information sets that directly follow it.
    pub(crate) fn following(&self, k: usize) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); self.n_seq[k]];
        for (j, inf) in self.infosets[k].iter().enumerate() {
            out[inf.parent as usize].push(j as u32);
        }
        out
    }

    /// Both players' prior realisation plans (completely mixed) for `prior`.
    #[must_use]
    pub fn priors(&self, prior: Prior) -> [Vec<Q>; 2] {
        match prior {
            Prior::Uniform => [self.uniform_plan(0), self.uniform_plan(1)],
            Prior::Random(seed) => [self.random_plan(0, seed), self.random_plan(1, seed)],
        }
    }

    /// A random completely mixed realisation plan of player `k`: at each information set, weights
    /// 1 to 16 per action (from a SplitMix64 stream of `seed` and the player), normalised.
    #[must_use]
    pub fn random_plan(&self, k: usize, seed: u64) -> Vec<Q> {
        let mut state = seed ^ (0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(k as u64 + 1));
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut r = vec![Q::zero(); self.n_seq[k]];
        r[0] = Q::one();
        for inf in &self.infosets[k] {
            let w: Vec<i64> = (0..inf.n_actions).map(|_| 1 + (next() % 16) as i64).collect();
            let total = Q::from_int(w.iter().sum());
            for (a, &wa) in w.iter().enumerate() {
                let share = Q::from_int(wa).checked_div(&total).expect("weights are positive");
                r[inf.first as usize + a] = &r[inf.parent as usize] * &share;
            }
        }
        r
    }

    /// The uniform behaviour strategy of player `k` as a realisation plan (a completely mixed prior).
    #[must_use]
    pub fn uniform_plan(&self, k: usize) -> Vec<Q> {
        let mut r = vec![Q::zero(); self.n_seq[k]];
        r[0] = Q::one();
        for inf in &self.infosets[k] {
            let share = r[inf.parent as usize]
                .checked_div(&Q::from_int(i64::from(inf.n_actions)))
                .expect("information sets have actions");
            for a in 0..inf.n_actions {
                r[(inf.first + a) as usize] = share.clone();
            }
        }
        r
    }
}

/// Options of the sequence-form methods.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The most pivots Lemke's algorithm may take before giving up with [`Error::Limit`].
    pub max_pivots: usize,
    /// Try the float-first path (float LP or float Lemke, then an exact solve of the supports or
    /// basis found, verified exactly) before the exact rational path.
    pub float: bool,
    /// The tolerance of the float path's support and tightness tests (relative). A wrong value
    /// costs only a fallback to the exact path, never a wrong answer.
    pub float_tolerance: f64,
    /// The completely mixed starting pair of Lemke's algorithm (`lcp`).
    pub prior: Prior,
}

/// The float path's default tolerance (see [`Options::float_tolerance`]).
pub const FLOAT_TOLERANCE: f64 = 1e-9;

impl Default for Options {
    fn default() -> Options {
        Options {
            max_pivots: 1_000_000,
            float: true,
            float_tolerance: FLOAT_TOLERANCE,
            prior: Prior::Uniform,
        }
    }
}

/// The starting pair of Lemke's algorithm on the sequence form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prior {
    /// Every action of every information set equally likely.
    Uniform,
    /// Random positive rational behaviour (weights 1 to 16 per action, normalised), determined by
    /// the seed.
    Random(u64),
}

/// How a sequence-form solve reached its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The float path's guess, solved and verified exactly.
    Float,
    /// The exact rational path, the float path having been switched off.
    Exact,
    /// The exact rational path after the float path's guess failed the exact checks.
    Fallback,
}

fn two_players(tree: &Tree, method: &'static str) -> Result<[usize; 2], Error> {
    if tree.n_players() != 2 {
        return Err(Error::Unsupported {
            method,
            reason: format!(
                "the sequence form is for two-player games and this one has {} players (use `--method spe` or `pure`)",
                tree.n_players()
            ),
        });
    }
    Ok([0, 1])
}

/// The exact equilibrium with behaviour strategies from realisation plans, or `None` when the pair
/// does not have zero regret.
fn verified(tree: &Tree, form: &SequenceForm, plans: &[Vec<Q>; 2]) -> Option<Equilibrium> {
    let mut behavior: Vec<Vec<Q>> = tree.infosets().iter().map(|_| Vec::new()).collect();
    form.behavior(plans, &mut behavior);
    let profile = Profile::Behavior(behavior);
    let check = regret::nash_regret(tree, 0, &profile);
    check.regret.is_zero().then(|| Equilibrium {
        kind: Kind::Nash,
        payoffs: check.payoffs,
        profile,
        regret: check.regret,
        ties: Vec::new(),
    })
}

/// A Nash equilibrium of the whole tree from the sequence form, with behaviour strategies, verified
/// exactly: the float path first (when `options.float`), Lemke's algorithm in exact rationals
/// otherwise or when the float answer fails the checks.
fn solve_tree(tree: &Tree, method: &'static str, options: &Options) -> Result<(Solution, Route), Error> {
    let players = two_players(tree, method)?;
    let form = SequenceForm::new(tree, 0, players, &|_| None, method)?;
    let priors = form.priors(options.prior);
    let mut route = Route::Exact;
    if options.float {
        let tol = fast::Tolerances::new(options);
        let found = if method == "lp" {
            fast::lp_first(&form, tol, fast::MICROLP_MAX_SEQUENCES, &mut |plans| verified(tree, &form, plans))
        } else {
            fast::lcp_plans(&form, &priors, options).and_then(|plans| verified(tree, &form, &plans))
        };
        if let Some(e) = found {
            return Ok((Solution { equilibria: vec![e], complete: false }, Route::Float));
        }
        route = Route::Fallback;
    }
    let plans = lemke::solve_from(&form, &priors, options)?;
    let Some(e) = verified(tree, &form, &plans) else {
        let mut behavior: Vec<Vec<Q>> = tree.infosets().iter().map(|_| Vec::new()).collect();
        form.behavior(&plans, &mut behavior);
        let check = regret::nash_regret(tree, 0, &Profile::Behavior(behavior));
        return Err(Error::VerificationFailed(format!(
            "sequence-form {method} gave regret {} for {}",
            check.regret,
            tree.players()[check.player.unwrap_or(0)]
        )));
    };
    Ok((Solution { equilibria: vec![e], complete: false }, route))
}

/// `lcp` on a tree: one Nash equilibrium of a two-player game with perfect recall, by Lemke's
/// algorithm on the sequence form from the uniform prior (the linear tracing procedure), so the
/// equilibrium is normal-form perfect in non-degenerate games.
///
/// # Errors
/// [`Error::Unsupported`] for other than two players or without perfect recall; [`Error::Limit`]
/// after `max_pivots` pivots; [`Error::VerificationFailed`] if the result fails the exact check.
pub fn solve_lcp(tree: &Tree, options: &Options) -> Result<Solution, Error> {
    solve_lcp_routed(tree, options).map(|(s, _)| s)
}

/// [`solve_lcp`], also saying whether the float path gave the answer.
///
/// # Errors
/// As [`solve_lcp`].
pub fn solve_lcp_routed(tree: &Tree, options: &Options) -> Result<(Solution, Route), Error> {
    solve_tree(tree, "lcp", options)
}

/// `lp` on a tree: optimal behaviour strategies and the value of a two-player constant-sum game
/// with perfect recall (see the module docs for how the sequence-form LP is solved).
///
/// # Errors
/// As [`solve_lcp`], and [`Error::Unsupported`] (naming `lcp`) when the game is not constant-sum.
pub fn solve_lp(tree: &Tree, options: &Options) -> Result<Solution, Error> {
    solve_lp_routed(tree, options).map(|(s, _)| s)
}

/// [`solve_lp`], also saying whether the float path gave the answer.
///
/// # Errors
/// As [`solve_lp`].
pub fn solve_lp_routed(tree: &Tree, options: &Options) -> Result<(Solution, Route), Error> {
    let players = two_players(tree, "lp")?;
    if !SequenceForm::constant_sum(tree, 0, players) {
        return Err(Error::Unsupported {
            method: "lp",
            reason: "the payoffs are not zero-sum (or constant-sum) at every leaf; use `--method lcp` for \
                     general-sum two-player games"
                .into(),
        });
    }
    solve_tree(tree, "lp", options)
}

#[cfg(test)]
mod tests;
