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
mod dense_lemke;
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

    /// Whether `plans` (realisation plans of both players) are an equilibrium of the sequence form:
    /// each player's expected payoff equals the best-response value against the other's plan.
    /// Exact; plans that are not realisation plans (a negative entry, a plan constraint off) fail.
    #[must_use]
    pub fn is_equilibrium(&self, plans: &[Vec<Q>; 2]) -> bool {
        for (k, plan) in plans.iter().enumerate() {
            if plan.len() != self.n_seq[k] || !plan[0].is_one() || plan.iter().any(Q::is_negative) {
                return false;
            }
            for inf in &self.infosets[k] {
                let sum: Q = (0..inf.n_actions).map(|a| &plan[(inf.first + a) as usize]).sum();
                if sum != plan[inf.parent as usize] {
                    return false;
                }
            }
        }
        (0..2).all(|k| {
            let g = self.sequence_payoffs(k, &plans[1 - k]);
            let (_, value) = self.best_response(k, &g);
            let mut best = g[0].clone();
            for (j, inf) in self.infosets[k].iter().enumerate() {
                if inf.parent == 0 {
                    best = &best + &value[j];
                }
            }
            let got: Q = g.iter().zip(&plans[k]).map(|(a, b)| a * b).sum();
            got == best
        })
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
    /// When the float Lemke path from `prior` is long, restart it from other priors (`lcp` only;
    /// see [`solve_lcp_report`]). Off, the float path follows the path from `prior` alone, as the
    /// exact path does, up to `max_pivots`.
    pub restarts: bool,
    /// With `restarts`, the first run's (the path from `prior`'s) budget in units of
    /// [`restart_unit`]; later runs get the unit times Luby's sequence.
    pub first_run_units: usize,
}

/// The default [`Options::first_run_units`]. Measured (docs/performance.md): restarting never beat
/// following the uniform path to its end when that path ends, so the first path gets a long
/// budget (paths of 2,500–18,000 pivots at 470–500 nodes end within it) and restarts are the cure
/// for the paths the float pivots do not bring to an end.
pub const FIRST_RUN_UNITS: usize = 64;

/// The float path's default tolerance (see [`Options::float_tolerance`]).
pub const FLOAT_TOLERANCE: f64 = 1e-9;

impl Default for Options {
    fn default() -> Options {
        Options {
            max_pivots: 1_000_000,
            float: true,
            float_tolerance: FLOAT_TOLERANCE,
            prior: Prior::Uniform,
            restarts: true,
            first_run_units: FIRST_RUN_UNITS,
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

/// The error for realisation plans that [`verified`] rejected: which player gains, and how much.
fn failed_check(tree: &Tree, form: &SequenceForm, plans: &[Vec<Q>; 2], method: &str) -> Error {
    let mut behavior: Vec<Vec<Q>> = tree.infosets().iter().map(|_| Vec::new()).collect();
    form.behavior(plans, &mut behavior);
    let check = regret::nash_regret(tree, 0, &Profile::Behavior(behavior));
    Error::VerificationFailed(format!(
        "sequence-form {method} gave regret {} for {}",
        check.regret,
        tree.players()[check.player.unwrap_or(0)]
    ))
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
            fast::lcp_plans(&form, &priors, options.max_pivots, options.float_tolerance)
                .plans
                .and_then(|plans| verified(tree, &form, &plans))
        };
        if let Some(e) = found {
            return Ok((Solution { equilibria: vec![e], complete: false }, Route::Float));
        }
        route = Route::Fallback;
    }
    let plans = lemke::solve_from(&form, &priors, options)?;
    let Some(e) = verified(tree, &form, &plans) else {
        return Err(failed_check(tree, &form, &plans, method));
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
    solve_lcp_report(tree, options).map(|(s, r)| (s, r.route))
}

/// [`solve_lcp`], also reporting the float runs of Lemke's path and which prior's path gave the
/// equilibrium.
///
/// **Restarts.** The length of Lemke's path depends heavily on its starting point (from the
/// uniform prior: 133 pivots on a 102-node tree, over 23,000 on a 458-node one), and its
/// distribution over starting points is heavy-tailed. With `options.restarts` (and the float path
/// on), the float path from `options.prior` gets a budget of `options.first_run_units` (default
/// [`FIRST_RUN_UNITS`]) times [`restart_unit`] pivots; when it runs out, the path is traced afresh from the random priors `Prior::Random(1)`, `Random(2)`, … (a
/// seed equal to `options.prior`'s is skipped), the i-th run (i ≥ 2) with the unit times the i-th term of
/// Luby's sequence (1, 1, 2, 1, 1, 2, 4, …) as its budget, until one run's end point passes the
/// exact checks, `options.max_pivots` float pivots are spent in all, or [`MAX_FLOAT_FAILURES`]
/// runs reached an end that failed the checks (or a ray). Everything is
/// deterministic, so the same game gives the same equilibrium, and that equilibrium is the end
/// of the exact path from the reported prior whenever the float path followed it faithfully
/// (which the exact checks do not prove: they prove it is an equilibrium). Without restarts the
/// float path follows `options.prior`'s path alone, like the exact path.
///
/// **Fallback.** When no float run gives a verified equilibrium, the exact path runs from the
/// prior of the first float run that reached its end (its guess having failed the exact checks),
/// else from `options.prior`, with `options.max_pivots` pivots.
///
/// # Errors
/// As [`solve_lcp`].
pub fn solve_lcp_report(tree: &Tree, options: &Options) -> Result<(Solution, LcpReport), Error> {
    let players = two_players(tree, "lcp")?;
    let form = SequenceForm::new(tree, 0, players, &|_| None, "lcp")?;
    let mut report = LcpReport { route: Route::Exact, prior: options.prior, attempts: Vec::new() };
    let mut exact_prior = options.prior;
    if options.float {
        let (found, attempts, ended) =
            float_restarts(&form, options, options.max_pivots, |plans| verified(tree, &form, plans));
        report.attempts = attempts;
        if let Some((e, prior)) = found {
            report.route = Route::Float;
            report.prior = prior;
            return Ok((Solution { equilibria: vec![e], complete: false }, report));
        }
        report.route = Route::Fallback;
        exact_prior = ended.unwrap_or(options.prior);
        report.prior = exact_prior;
    }
    let plans = lemke::solve_from(&form, &form.priors(exact_prior), options)?;
    let Some(e) = verified(tree, &form, &plans) else {
        return Err(failed_check(tree, &form, &plans, "lcp"));
    };
    Ok((Solution { equilibria: vec![e], complete: false }, report))
}

/// Realisation plans of an equilibrium of `form` (a two-player subgame of `spe`, inner subgames
/// as leaves): the float path with restarts first, within `float_pivots` float pivots in all
/// (`spe` passes [`SPE_FLOAT_PIVOTS`]), each guess checked exactly on the sequence form ([`SequenceForm::is_equilibrium`]); then
/// the exact path (from the uniform prior, or from the prior of the first float run that ended).
///
/// # Errors
/// As [`lemke::solve`].
pub(crate) fn solve_form_lcp(form: &SequenceForm, float_pivots: usize) -> Result<[Vec<Q>; 2], Error> {
    let options = Options::default();
    let (found, _, ended) = float_restarts(form, &options, float_pivots, |plans| {
        form.is_equilibrium(plans).then(|| plans.clone())
    });
    if let Some((plans, _)) = found {
        return Ok(plans);
    }
    lemke::solve_from(form, &form.priors(ended.unwrap_or(options.prior)), &options)
}

/// The most float pivots `spe` spends on one two-player subgame (all restarts together) before
/// the exact path takes over.
pub const SPE_FLOAT_PIVOTS: usize = 200_000;

/// After this many float runs that reached an end the exact checks reject (or a ray), the float
/// path is taken not to work on the game and the exact path takes over (runs that spend their
/// budget do not count: restarting is the cure for them).
pub const MAX_FLOAT_FAILURES: usize = 4;

/// The smallest [`restart_unit`].
pub const RESTART_UNIT_MIN: usize = 256;

/// The first float run's budget, and the unit of later ones (see [`solve_lcp_report`]): the
/// number of sequences of both players, at least [`RESTART_UNIT_MIN`].
#[must_use]
pub fn restart_unit(form: &SequenceForm) -> usize {
    (form.n_seq[0] + form.n_seq[1]).max(RESTART_UNIT_MIN)
}

/// The i-th term (from 1) of Luby's sequence 1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8, …
#[must_use]
pub fn luby(mut i: u64) -> u64 {
    loop {
        // The smallest k with i ≤ 2^k − 1.
        let k = 64 - i.leading_zeros();
        if i == (1u64 << k) - 1 {
            return 1u64 << (k - 1);
        }
        i -= (1u64 << (k - 1)) - 1;
    }
}

/// The float runs of `lcp`: each run's guess goes to `accept`; the first accepted one is returned
/// with its prior, along with every run and the prior of the first run that reached its end
/// without being accepted.
#[allow(clippy::type_complexity)]
fn float_restarts<T>(
    form: &SequenceForm,
    options: &Options,
    total: usize,
    mut accept: impl FnMut(&[Vec<Q>; 2]) -> Option<T>,
) -> (Option<(T, Prior)>, Vec<Attempt>, Option<Prior>) {
    let unit = restart_unit(form);
    let mut attempts = Vec::new();
    let mut ended: Option<Prior> = None;
    let mut spent = 0usize;
    let mut failures = 0usize;
    let mut seed = 0u64;
    for i in 1u64.. {
        let prior = if i == 1 {
            options.prior
        } else {
            seed += 1;
            if options.prior == Prior::Random(seed) {
                seed += 1;
            }
            Prior::Random(seed)
        };
        let units =
            if i == 1 { options.first_run_units } else { usize::try_from(luby(i)).unwrap_or(usize::MAX) };
        let budget = if options.restarts { units.saturating_mul(unit).min(total - spent) } else { total };
        let guess = fast::lcp_plans(form, &form.priors(prior), budget, options.float_tolerance);
        spent += guess.pivots;
        let accepted = guess.plans.as_ref().and_then(&mut accept);
        let end = match (&accepted, guess.ended) {
            (Some(_), _) => AttemptEnd::Verified,
            (None, true) => AttemptEnd::Unverified,
            (None, false) if guess.pivots >= budget => AttemptEnd::Budget,
            (None, false) => AttemptEnd::Ray,
        };
        attempts.push(Attempt { prior, budget, pivots: guess.pivots, end });
        if let Some(t) = accepted {
            return (Some((t, prior)), attempts, ended);
        }
        if end == AttemptEnd::Unverified && ended.is_none() {
            ended = Some(prior);
        }
        failures += usize::from(matches!(end, AttemptEnd::Unverified | AttemptEnd::Ray));
        if !options.restarts || spent >= total || failures >= MAX_FLOAT_FAILURES {
            break;
        }
    }
    (None, attempts, ended)
}

/// What an `lcp` solve did (see [`solve_lcp_report`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LcpReport {
    /// Which route gave the answer.
    pub route: Route,
    /// The prior whose path gave the equilibrium (for [`Route::Fallback`], the exact path's).
    pub prior: Prior,
    /// The float runs, in order.
    pub attempts: Vec<Attempt>,
}

/// One float run of Lemke's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// Its starting prior.
    pub prior: Prior,
    /// Its pivot budget.
    pub budget: usize,
    /// The pivots it took.
    pub pivots: usize,
    /// How it ended.
    pub end: AttemptEnd,
}

/// How a float run of Lemke's path ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptEnd {
    /// It reached the end of the path and its end point passed the exact checks.
    Verified,
    /// It reached the end of the path but its end point failed the exact checks.
    Unverified,
    /// It spent its pivot budget.
    Budget,
    /// It ended on a ray (rounding: the exact path never does).
    Ray,
}

/// The length of the float Lemke path of `form` from `prior`, and whether it reached its end
/// within `max_pivots` pivots (for benchmarks and diagnostics; nothing is verified).
#[must_use]
pub fn float_path_length(form: &SequenceForm, prior: Prior, max_pivots: usize) -> (usize, bool) {
    let g = fast::lcp_plans(form, &form.priors(prior), max_pivots, FLOAT_TOLERANCE);
    (g.pivots, g.ended)
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
