//! Subgame-perfect equilibria of perfect-information trees (with chance) by backward induction.
//!
//! **Class:** extensive-form games where every information set is a single node; chance nodes are
//! allowed. **Returns:** one pure SPE chosen by a stated tie-break rule, or with
//! [`Options::all`] every pure SPE (up to [`Options::max_equilibria`]).
//! **Complexity:** O(N) exact operations for one SPE; O(N) per further SPE when enumerating.
//! **Reference:** Zermelo/Kuhn; Selten (1965, 1975) for subgame perfection.
//!
//! Nodes are visited in reverse pre-order, so children always come before their parent, with no
//! recursion. A node's value is not copied: each node stores a reference to a payoff row (a leaf's,
//! or a row computed at a chance node), so a decision node costs one comparison per child and one
//! `u32` store whatever the number of players.
//!
//! Ties are first-class: every decision node where several actions are optimal is reported with its
//! tie set. Enumeration of all pure SPE is a backtracking "odometer" over tie nodes in reverse
//! pre-order: when a tie node advances to its next optimal action, only the nodes before it in
//! pre-order (its ancestors and the subtrees to its left) are recomputed. Every complete assignment
//! is an SPE and every SPE is reached once, because at each node the set of optimal actions is
//! determined by the already fixed choices below it.
//!
//! Next: [`crate::verify`], which checks every result before it leaves the solver.

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId, NodeView, Tree};

use crate::equilibrium::{Equilibrium, Kind, Profile, Tie};
use crate::error::Error;
use crate::scaled::{self, Frac, Overflow, Rows};
use crate::verify;

/// How to choose among optimal actions in the default single-SPE mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TieBreak {
    /// The first optimal action in the listed order (the documented default).
    #[default]
    First,
    /// Among the mover's optimal actions, the one best for this player (then the first).
    Favor(usize),
    /// Among the mover's optimal actions, the one worst for this player (then the first): e.g. for
    /// "robust deterrence", resolve ties against the defender.
    Against(usize),
}

/// Options for [`solve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The tie-break rule for the first (or only) equilibrium.
    pub tie_break: TieBreak,
    /// Enumerate every pure SPE instead of one.
    pub all: bool,
    /// Stop enumerating after this many equilibria (the result is then marked incomplete).
    pub max_equilibria: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { tie_break: TieBreak::First, all: false, max_equilibria: 10_000 }
    }
}

/// The result of [`solve`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// The equilibria found, the tie-break's choice first.
    pub equilibria: Vec<Equilibrium>,
    /// True when `equilibria` is every pure SPE (always true without ties).
    pub complete: bool,
}

/// Flags a value reference as a computed (chance-node) row rather than a leaf row.
const COMPUTED: u32 = scaled::COMPUTED;

/// How an engine holds values (the `MODE` of its sweeps).
/// Every value a [`Q`]: leaf rows of the tree's table, chance rows in `Engine::computed`.
const MODE_Q: u8 = 0;
/// No chance nodes and small integer payoffs: every value is a leaf row of the `i32` table.
const MODE_I32: u8 = 1;
/// Chance nodes, small integer payoffs and small chance denominators: integer numerators over a
/// denominator ([`crate::scaled`]), chance rows in `Engine::scaled`.
const MODE_SCALED: u8 = 2;
/// `MODE_SCALED` reading leaves from the `i16` table ([`scaled::Rows::int_leaves`]): only as the
/// `MODE` of [`Engine::decide`]; the engine's `mode` is then still `MODE_SCALED`.
const MODE_SCALED_INT: u8 = 3;

/// A tie node met by a sweep, with its optimal actions as a bit set (bit `k` for action `k`), or 0
/// when the node has more than 64 actions (its tie set is then recomputed from the children).
type TieMask = (NodeId, u64);

struct Engine<'t> {
    tree: &'t Tree,
    n: usize,
    /// The leaf payoff rows of the tree.
    table: &'t [Q],
    /// The same rows as `i32` ([`Tree::small_payoffs`]) when every payoff is a small integer and the
    /// tree has no chance nodes, so that every value reference names a leaf row: sweeps then compare
    /// machine integers (the values themselves are still reported from `table`).
    small: Option<&'t [i32]>,
    /// The chosen action at each information set (each is one decision node): the pure profile.
    choice: Vec<u32>,
    /// The value reference of each node: a leaf row, or `COMPUTED | row` for chance nodes.
    val: Vec<u32>,
    /// Rows of expected payoffs at chance nodes (`MODE_Q`).
    computed: Vec<Q>,
    /// The leaf table and chance rows as integers over a denominator (`MODE_SCALED`).
    scaled: Option<Rows<'t>>,
    /// `MODE_Q`, `MODE_I32` or `MODE_SCALED`.
    mode: u8,
    /// True during the first sweep, which visits every node and gives each chance node its row;
    /// later sweeps overwrite those rows in place.
    fresh: bool,
    tie_break: TieBreak,
}

impl<'t> Engine<'t> {
    /// An engine on the fastest exact representation the tree allows; with `exact_q`, on [`Q`]
    /// values whatever the tree (the fallback when the integers of `MODE_SCALED` overflow).
    fn new(tree: &'t Tree, tie_break: TieBreak, exact_q: bool) -> Engine<'t> {
        let table = tree.payoff_table();
        assert!(
            table.len() / tree.n_players().max(1) < COMPUTED as usize,
            "a tree has fewer than 2^31 leaves"
        );
        let small = if exact_q { None } else { tree.small_payoffs() };
        let scaled = if exact_q || small.is_some() { None } else { Rows::new(tree, Vec::new()) };
        let mode = if small.is_some() {
            MODE_I32
        } else if scaled.is_some() {
            MODE_SCALED
        } else {
            MODE_Q
        };
        Engine {
            tree,
            n: tree.n_players(),
            table,
            small,
            scaled,
            mode,
            // Zeroed vectors come from fresh zero pages: no initialising pass, and every entry read
            // is written first (children before parents; every information set has a node).
            choice: vec![0; tree.infosets().len()],
            val: vec![0; tree.len()],
            computed: Vec::new(),
            fresh: true,
            tie_break,
        }
    }

    /// The payoff row a value reference names.
    fn value(&self, r: u32) -> Vec<Q> {
        let n = self.n;
        let row = (r & !COMPUTED) as usize;
        if r & COMPUTED == 0 {
            self.table[row * n..(row + 1) * n].to_vec()
        } else if let Some(rows) = &self.scaled {
            rows.payoffs(r)
        } else {
            self.computed[row * n..(row + 1) * n].to_vec()
        }
    }

    /// The scaled rows (`MODE_SCALED` only).
    #[inline(always)]
    fn rows(&self) -> &Rows<'t> {
        self.scaled.as_ref().expect("MODE_SCALED engines have scaled rows")
    }

    /// Do the values `a` and `b` name agree for player `i`?
    fn same_value(&self, a: u32, b: u32, i: usize) -> bool {
        match &self.scaled {
            Some(rows) => rows.at::<false>(a, i) == rows.at::<false>(b, i),
            None => self.at(a, i) == self.at(b, i),
        }
    }

    /// The expected payoffs at chance node `x` as scaled integers (`MODE_SCALED`).
    #[inline]
    fn chance_value_scaled<const INT: bool>(&mut self, x: NodeId) -> Result<(), Overflow> {
        let dst = if self.fresh { None } else { Some((self.val[x as usize] & !COMPUTED) as usize) };
        let rows = self.scaled.as_mut().expect("MODE_SCALED engines have scaled rows");
        let (t, val) = (self.tree, &self.val);
        self.val[x as usize] = rows.chance::<INT>(t, x, |c| scaled::child_ref_opaque(t, val, c), dst)?;
        Ok(())
    }

    /// Player `i`'s entry of the payoff row a value reference names.
    #[inline]
    fn at(&self, r: u32, i: usize) -> &Q {
        let k = (r & !COMPUTED) as usize * self.n + i;
        // Pick the slice first, then index once: a select and one bounds check, no branch.
        let rows: &[Q] = if r & COMPUTED == 0 { self.table } else { &self.computed };
        &rows[k]
    }

    /// The expected payoffs at chance node `x`: one [`Q::sum_of_products`] per player (common
    /// denominator, one reduction), written straight into the node's row.
    fn chance_value(&mut self, x: NodeId) {
        let t = self.tree;
        let n = self.n;
        let row = if self.fresh {
            let row = self.computed.len() / n.max(1);
            self.computed.resize((row + 1) * n, Q::zero());
            row
        } else {
            (self.val[x as usize] & !COMPUTED) as usize
        };
        for i in 0..n {
            let terms =
                t.children(x).zip(t.chance_probs(x)).map(|(c, p)| (p, self.at(self.val[c as usize], i)));
            let v = Q::sum_of_products(terms);
            self.computed[row * n + i] = v;
        }
        self.val[x as usize] = COMPUTED | row as u32;
    }

    /// The value reference of node `x`: its row for a leaf (which [`Engine::sweep_small_first`] does
    /// not store in `val`), else `val[x]`.
    #[inline]
    fn node_ref(&self, x: NodeId) -> u32 {
        match self.tree.view(x) {
            NodeView::Terminal { row } => row,
            _ => self.val[x as usize],
        }
    }

    /// Decides node `x`. Returns `None` when the mover has one optimal action, otherwise the bit set
    /// of optimal actions (0 beyond 64 actions), gathered while the children's values are in cache.
    ///
    /// `FIRST` is `tie_break == TieBreak::First`, as a constant so that the default rule's loop has
    /// no secondary comparison in it at all. `MODE` says how values are held.
    #[inline(always)]
    fn decide<const FIRST: bool, const MODE: u8>(
        &mut self,
        x: NodeId,
        i: usize,
        h: InfosetId,
    ) -> Option<u64> {
        let found = match MODE {
            MODE_I32 => {
                let table = self.small.expect("MODE_I32 sweeps run only when the i32 table exists");
                let n = self.n;
                self.argmax::<FIRST, _>(x, i, |r, j| table[r as usize * n + j])
            }
            MODE_SCALED => {
                let rows = self.rows();
                self.argmax::<FIRST, _>(x, i, |r, j| rows.at::<false>(r, j))
            }
            MODE_SCALED_INT => {
                let rows = self.rows();
                self.argmax::<FIRST, _>(x, i, |r, j| rows.at::<true>(r, j))
            }
            _ => self.argmax::<FIRST, _>(x, i, |r, j| self.at(r, j)),
        };
        let Best { best_ref, best_k, mask, tied, last } = found;
        self.choice[h as usize] = best_k;
        self.val[x as usize] = best_ref;
        if !tied {
            return None;
        }
        Some(if last < 64 { mask } else { 0 })
    }

    /// Mover `i`'s best child at `x` under the values `key` gives to value references (`key(r, j)`
    /// is player `j`'s value of reference `r`).
    #[inline(always)]
    fn argmax<const FIRST: bool, K: Ord>(&self, x: NodeId, i: usize, key: impl Fn(u32, usize) -> K) -> Best {
        let t = self.tree;
        let mut children = t.children(x);
        let first = children.next().expect("a decision node has at least one action");
        // The incumbent is kept as its value reference, so each further child costs one exact
        // comparison and no lookups of the best.
        // Leaves are read in place (sweeps of `MODE_SCALED` do not store them in `val`).
        let mut best_ref = scaled::child_ref(t, &self.val, first);
        let mut vb = key(best_ref, i);
        let mut best_k = 0u32;
        let mut mask = 1u64;
        let mut tied = false;
        let mut k = 0u32;
        for c in children {
            k += 1;
            let r = scaled::child_ref(t, &self.val, c);
            let bit = if k < 64 { 1u64 << k } else { 0 };
            let vc = key(r, i);
            // Payoff comparisons are as unpredictable as the payoffs, so the update is written as
            // selects (compiled to conditional moves) rather than branches on the outcome.
            let ord = vc.cmp(&vb);
            let (gt, eq) = (ord.is_gt(), ord.is_eq());
            // Among equal mover values, the tie-break's player's value decides.
            let take = gt
                || (!FIRST
                    && eq
                    && match self.tie_break {
                        TieBreak::First => false,
                        TieBreak::Favor(j) => key(r, j) > key(best_ref, j),
                        TieBreak::Against(j) => key(r, j) < key(best_ref, j),
                    });
            mask = if gt { bit } else { mask | if eq { bit } else { 0 } };
            tied = !gt && (tied || eq);
            best_ref = if take { r } else { best_ref };
            vb = if take { vc } else { vb };
            best_k = if take { k } else { best_k };
        }
        Best { best_ref, best_k, mask, tied, last: k }
    }

    /// The optimal actions at `x`, the current choice first, then the rest in action order.
    fn optimal_actions(&self, x: NodeId) -> Vec<u32> {
        let t = self.tree;
        let i = t.player_of(x);
        let best = self.node_ref(x);
        let chosen = self.choice[t.infoset_of(x) as usize];
        let mut acts = vec![chosen];
        for (k, c) in t.children(x).enumerate() {
            if k as u32 != chosen && self.same_value(self.node_ref(c), best, i) {
                acts.push(k as u32);
            }
        }
        acts
    }

    /// [`Engine::optimal_actions`] of a tie met by a sweep, from its bit set when it has one.
    fn tie_actions(&self, (x, mask): TieMask) -> Vec<u32> {
        if mask == 0 {
            return self.optimal_actions(x);
        }
        let chosen = self.choice[self.tree.infoset_of(x) as usize];
        let mut acts = Vec::with_capacity(mask.count_ones() as usize);
        acts.push(chosen);
        acts.extend(bits(mask).filter(|&k| k != chosen));
        acts
    }

    fn set_choice(&mut self, x: NodeId, k: u32) {
        let c = self.tree.child(x, k as usize);
        self.choice[self.tree.infoset_of(x) as usize] = k;
        self.val[x as usize] = self.node_ref(c);
    }

    /// Evaluates nodes `from, from - 1, …, 0`; returns the tie nodes met, in that order.
    ///
    /// # Errors
    /// [`Overflow`] when a value of `MODE_SCALED` does not fit its integers (the engine is then of
    /// no further use: solve again on `MODE_Q`).
    fn sweep(&mut self, from: usize) -> Result<Vec<TieMask>, Overflow> {
        let first = self.tie_break == TieBreak::First;
        match (self.mode, first) {
            (MODE_I32, true) => Ok(self.sweep_small_first(from)),
            (MODE_I32, false) => self.sweep_with::<false, MODE_I32>(from),
            (MODE_SCALED, true) if self.rows().int_leaves() => match self.n {
                2 => self.sweep_scaled_first::<true, 2>(from),
                _ => self.sweep_scaled_first::<true, 0>(from),
            },
            (MODE_SCALED, false) if self.rows().int_leaves() => self.sweep_scaled::<false, true>(from),
            (MODE_SCALED, true) => self.sweep_scaled_first::<false, 0>(from),
            (MODE_SCALED, false) => self.sweep_scaled::<false, false>(from),
            (_, true) => self.sweep_with::<true, MODE_Q>(from),
            (_, false) => self.sweep_with::<false, MODE_Q>(from),
        }
    }

    /// [`Engine::sweep`] for a tie-break rule and value representation known at compile time (see
    /// [`Engine::decide`]).
    fn sweep_with<const FIRST: bool, const MODE: u8>(
        &mut self,
        from: usize,
    ) -> Result<Vec<TieMask>, Overflow> {
        debug_assert!(MODE != MODE_SCALED, "MODE_SCALED has its own sweep");
        let t = self.tree;
        let mut ties = Vec::new();
        for x in (0..from as NodeId + 1).rev() {
            match t.view(x) {
                NodeView::Terminal { row } => self.val[x as usize] = row,
                NodeView::Chance => self.chance_value(x),
                NodeView::Decision { player, infoset } => {
                    if let Some(mask) = self.decide::<FIRST, MODE>(x, player, infoset) {
                        ties.push((x, mask));
                    }
                }
            }
        }
        self.fresh = false;
        Ok(ties)
    }

    /// [`Engine::sweep`] for `MODE_SCALED`: internal nodes only, from the tree's bit set (leaves are
    /// read in place, see [`scaled::child_ref`]); with `INT`, from the `i16` table.
    fn sweep_scaled<const FIRST: bool, const INT: bool>(
        &mut self,
        from: usize,
    ) -> Result<Vec<TieMask>, Overflow> {
        let t = self.tree;
        let mut ties = Vec::new();
        for x in t.internal_nodes_rev(from as NodeId) {
            match t.view(x) {
                NodeView::Decision { player, infoset } => {
                    let found = if INT {
                        self.decide::<FIRST, MODE_SCALED_INT>(x, player, infoset)
                    } else {
                        self.decide::<FIRST, MODE_SCALED>(x, player, infoset)
                    };
                    if let Some(mask) = found {
                        ties.push((x, mask));
                    }
                }
                NodeView::Chance => self.chance_value_scaled::<INT>(x)?,
                NodeView::Terminal { .. } => unreachable!("internal_nodes_rev gives internal nodes"),
            }
        }
        self.fresh = false;
        Ok(ties)
    }

    /// [`Engine::sweep`] for `MODE_SCALED` and the default tie-break: [`Engine::sweep_scaled`] written
    /// out as [`Engine::sweep_small_first`] is, with the buffers in locals and every decision about
    /// values as arithmetic on masks ([`Frac::cmp_masks`]); `INT` and `N` as in [`Rows::at_n`].
    fn sweep_scaled_first<const INT: bool, const N: usize>(
        &mut self,
        from: usize,
    ) -> Result<Vec<TieMask>, Overflow> {
        let t = self.tree;
        let fresh = self.fresh;
        let rows = self.scaled.as_mut().expect("MODE_SCALED engines have scaled rows");
        let val = &mut self.val[..];
        let choice = &mut self.choice[..];
        let mut ties = Vec::new();
        for x in t.internal_nodes_rev(from as NodeId) {
            let (i, h) = match t.view(x) {
                NodeView::Decision { player, infoset } => (player, infoset),
                NodeView::Chance => {
                    let dst = if fresh { None } else { Some((val[x as usize] & !COMPUTED) as usize) };
                    val[x as usize] =
                        rows.chance::<INT>(t, x, |c| scaled::child_ref_opaque(t, val, c), dst)?;
                    continue;
                }
                NodeView::Terminal { .. } => unreachable!("internal_nodes_rev gives internal nodes"),
            };
            let stop = t.end(x);
            let mut c = x + 1;
            let mut best_ref = scaled::child_ref(t, val, c);
            let mut vb = rows.at_n::<INT, N>(best_ref, i);
            let (mut best_k, mut k, mut mask, mut tied) = (0u32, 0u32, 1u64, 0u64);
            c = t.end(c);
            while c < stop {
                k += 1;
                let r = scaled::child_ref_opaque(t, val, c);
                let vc = rows.at_n::<INT, N>(r, i);
                // All ones when the child is strictly better, or as good; the first optimal action
                // stays chosen, so only a strictly better child takes over. Hidden from the optimizer,
                // which would otherwise turn the selects below into branches on the outcome.
                let (gt, eq) = vc.cmp_masks(vb);
                let gt = std::hint::black_box(gt);
                let (gt, eq) = (gt as u64, eq as u64);
                let bit = if k < 64 { 1u64 << k } else { 0 };
                mask = (mask & !gt) | (bit & (gt | eq));
                tied = (tied | eq) & !gt;
                let take = gt as u32;
                best_ref = (r & take) | (best_ref & !take);
                best_k = (k & take) | (best_k & !take);
                vb = Frac::select(gt as i64, vc, vb);
                c = t.end(c);
            }
            choice[h as usize] = best_k;
            val[x as usize] = best_ref;
            if tied != 0 {
                ties.push((x, if k < 64 { mask } else { 0 }));
            }
        }
        self.fresh = false;
        Ok(ties)
    }

    /// [`Engine::sweep`] for the default tie-break on the `i32` table: the common case, written out
    /// with the buffers in locals and every decision about payoffs as arithmetic on masks. Decision
    /// nodes come from the tree's bit set and leaves are read in place (see [`Engine::node_ref`]), so
    /// the only branch left whose outcome varies is the end of a node's children.
    fn sweep_small_first(&mut self, from: usize) -> Vec<TieMask> {
        let t = self.tree;
        let table = self.small.expect("sweep_small_first runs only when the i32 table exists");
        let n = self.n;
        let val = &mut self.val[..];
        let choice = &mut self.choice[..];
        let mut ties = Vec::new();
        // Leaves are not visited: a child's reference is its row when it is a leaf, else its entry
        // in `val` ([`scaled::child_ref`]).
        let child_ref = |val: &[u32], c: NodeId| scaled::child_ref(t, val, c);
        for x in t.decision_nodes_rev(from as NodeId) {
            let NodeView::Decision { player: i, infoset: h } = t.view(x) else {
                unreachable!("decision_nodes_rev gives decision nodes")
            };
            let stop = t.end(x);
            let mut c = x + 1;
            let mut best_ref = child_ref(val, c);
            let mut vb = table[best_ref as usize * n + i];
            let (mut best_k, mut k, mut mask, mut tied) = (0u32, 0u32, 1u64, 0u64);
            c = t.end(c);
            while c < stop {
                k += 1;
                let r = child_ref(val, c);
                let vc = table[r as usize * n + i];
                // All-ones when the child is strictly better, or as good; the first optimal action
                // stays chosen, so only a strictly better child takes over.
                let gt = u64::from(vc > vb).wrapping_neg();
                let eq = u64::from(vc == vb).wrapping_neg();
                let bit = if k < 64 { 1u64 << k } else { 0 };
                mask = (mask & !gt) | (bit & (gt | eq));
                tied = (tied | eq) & !gt;
                let take = gt as u32;
                best_ref = (r & take) | (best_ref & !take);
                best_k = (k & take) | (best_k & !take);
                vb = vb.max(vc);
                c = t.end(c);
            }
            choice[h as usize] = best_k;
            val[x as usize] = best_ref;
            if tied != 0 {
                ties.push((x, if k < 64 { mask } else { 0 }));
            }
        }
        self.fresh = false;
        ties
    }

    /// The reported ties, in node order, from tie nodes in decreasing node order.
    fn ties_now(&self, tie_nodes: &[TieMask]) -> Vec<Tie> {
        debug_assert!(tie_nodes.windows(2).all(|w| w[0].0 > w[1].0), "sweeps meet ties in reverse order");
        tie_nodes
            .iter()
            .rev()
            .map(|&(x, mask)| {
                let chosen = self.choice[self.tree.infoset_of(x) as usize];
                let actions = if mask == 0 {
                    let mut a = self.optimal_actions(x);
                    a.sort_unstable();
                    a
                } else {
                    bits(mask).collect()
                };
                Tie { node: x, actions, chosen }
            })
            .collect()
    }

    /// The current equilibrium, verified. With `last`, the engine's buffers are handed on (the
    /// profile becomes the result, and the value references become the verifier's scratch space)
    /// instead of copied.
    fn emit(&mut self, tie_nodes: &[TieMask], last: bool) -> Result<Equilibrium, Error> {
        let payoffs = self.value(self.node_ref(0));
        let ties = self.ties_now(tie_nodes);
        let (pure, check) = if last {
            let pure = std::mem::take(&mut self.choice);
            let rows = self.scaled.take().map(|r| r.rows).unwrap_or_default();
            let check = verify::perfect_information_regret_lent(
                self.tree,
                &pure,
                std::mem::take(&mut self.val),
                rows,
            );
            (pure, check)
        } else {
            let check = verify::perfect_information_regret(self.tree, &self.choice);
            (self.choice.clone(), check)
        };
        if !check.regret.is_zero() || check.payoffs != payoffs {
            return Err(Error::VerificationFailed(format!(
                "backward induction gave regret {} at node {:?}",
                check.regret, check.node
            )));
        }
        Ok(Equilibrium {
            kind: Kind::SubgamePerfect,
            payoffs,
            profile: Profile::Pure(pure),
            regret: check.regret,
            ties,
        })
    }
}

/// What [`Engine::argmax`] finds at a decision node.
struct Best {
    /// The value reference of the chosen child.
    best_ref: u32,
    /// The chosen action.
    best_k: u32,
    /// The optimal actions as a bit set (meaningful up to 64 actions).
    mask: u64,
    /// True when several actions are optimal.
    tied: bool,
    /// The index of the last action.
    last: u32,
}

/// The positions of the set bits of `mask`, in increasing order.
fn bits(mut mask: u64) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let k = mask.trailing_zeros();
            mask &= mask - 1;
            k
        })
    })
}

/// Checks that `tree` is in the class backward induction handles.
///
/// # Errors
/// [`Error::Unsupported`] for a tree with an information set of more than one node.
pub fn check_class(tree: &Tree) -> Result<(), Error> {
    if !tree.is_perfect_information() {
        return Err(Error::Unsupported {
            method: "backward induction",
            reason: "the game has information sets with several nodes (imperfect information); \
                     use subgame decomposition (`--method spe` once available), `lcp` or `lp`"
                .into(),
        });
    }
    Ok(())
}

/// Solves a perfect-information tree by backward induction.
///
/// # Errors
/// [`Error::Unsupported`] for imperfect information; [`Error::VerificationFailed`] if a result fails
/// the exact check (a bug).
///
/// # Examples
/// ```
/// use redline_models::tree::TreeBuilder;
/// use redline_models::number::Q;
/// use redline_solver::backward_induction::{solve, Options};
/// let mut b = TreeBuilder::new("Entry", vec!["Entrant".into(), "Incumbent".into()]);
/// let ab = b.actions(&["enter", "stay out"]).unwrap();
/// let fa = b.actions(&["fight", "accommodate"]).unwrap();
/// b.decision_new(0, ab).unwrap();
/// b.decision_new(1, fa).unwrap();
/// b.terminal_values(&[Q::from_int(-1), Q::from_int(-1)]).unwrap();
/// b.terminal_values(&[Q::from_int(1), Q::from_int(2)]).unwrap();
/// b.terminal_values(&[Q::from_int(0), Q::from_int(4)]).unwrap();
/// let tree = b.finish().unwrap();
/// let sol = solve(&tree, &Options::default()).unwrap();
/// assert_eq!(sol.equilibria[0].payoffs, vec![Q::from_int(1), Q::from_int(2)]);
/// ```
pub fn solve(tree: &Tree, options: &Options) -> Result<Solution, Error> {
    check_class(tree)?;
    match solve_on(Engine::new(tree, options.tie_break, false), options) {
        Ok(solution) => solution,
        // Integers too small for this tree's values: the same solve on exact rationals.
        Err(Overflow) => {
            solve_on(Engine::new(tree, options.tie_break, true), options).expect("Q values do not overflow")
        }
    }
}

/// [`solve`] on a given engine; [`Overflow`] when its integer values overflow (`MODE_SCALED`).
fn solve_on(mut engine: Engine<'_>, options: &Options) -> Result<Result<Solution, Error>, Overflow> {
    let tree = engine.tree;
    let last = tree.len() - 1;
    let first_ties = engine.sweep(last)?;
    if !options.all || first_ties.is_empty() {
        let equilibria = match engine.emit(&first_ties, true) {
            Ok(e) => vec![e],
            Err(e) => return Ok(Err(e)),
        };
        return Ok(Ok(Solution { equilibria, complete: first_ties.is_empty() || options.all }));
    }
    let mut equilibria = match engine.emit(&first_ties, false) {
        Ok(e) => vec![e],
        Err(e) => return Ok(Err(e)),
    };
    // Odometer over tie nodes. `stack` holds, for each tie node in the order met (decreasing node
    // index), its optimal actions and the position of the current one. Advancing the entry with the
    // smallest node index first keeps every recomputation to the nodes below that index.
    let mut stack: Vec<(NodeId, Vec<u32>, usize)> =
        first_ties.iter().map(|&t| (t.0, engine.tie_actions(t), 0)).collect();
    let mut current_ties = first_ties;
    loop {
        if equilibria.len() >= options.max_equilibria {
            return Ok(Ok(Solution { equilibria, complete: false }));
        }
        // Drop exhausted entries from the top (smallest node index).
        while let Some((_, acts, pos)) = stack.last() {
            if pos + 1 < acts.len() {
                break;
            }
            stack.pop();
        }
        let Some(top) = stack.last_mut() else { break };
        top.2 += 1;
        let (x, k) = (top.0, top.1[top.2]);
        engine.set_choice(x, k);
        // Ties above `x` in the stack stay; ties below are recomputed by the sweep.
        current_ties.retain(|&(y, _)| y >= x);
        if x > 0 {
            let new_ties = engine.sweep(x as usize - 1)?;
            for &t in &new_ties {
                stack.push((t.0, engine.tie_actions(t), 0));
            }
            current_ties.extend(new_ties);
        }
        match engine.emit(&current_ties, false) {
            Ok(e) => equilibria.push(e),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(Solution { equilibria, complete: true }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use redline_models::expr::Expr;
    use redline_models::tree::TreeBuilder;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    /// A 2-player tree from a compact description: `D(player, [children])`, `L(a, b)`.
    enum Spec {
        D(usize, Vec<Spec>),
        C(Vec<(&'static str, Spec)>),
        L(&'static str, &'static str),
    }

    fn build(spec: Spec) -> Tree {
        let mut b = TreeBuilder::new("t", vec!["A".into(), "B".into()]);
        let mut stack = vec![spec];
        while let Some(s) = stack.pop() {
            match s {
                Spec::D(p, kids) => {
                    let labels: Vec<String> = (0..kids.len()).map(|k| format!("a{k}")).collect();
                    let acts = b.actions(&labels).unwrap();
                    b.decision_new(p, acts).unwrap();
                    stack.extend(kids.into_iter().rev());
                }
                Spec::C(kids) => {
                    let outs = kids
                        .iter()
                        .enumerate()
                        .map(|(k, (p, _))| (format!("o{k}"), Expr::parse(p).unwrap()))
                        .collect();
                    b.chance(outs).unwrap();
                    stack.extend(kids.into_iter().rev().map(|(_, s)| s));
                }
                Spec::L(x, y) => {
                    b.terminal_values(&[q(x), q(y)]).unwrap();
                }
            }
        }
        b.finish().unwrap()
    }

    use Spec::{C, D, L};

    #[test]
    fn entry_deterrence() {
        let t = build(D(0, vec![D(1, vec![L("-1", "-1"), L("1", "2")]), L("0", "4")]));
        let sol = solve(&t, &Options::default()).unwrap();
        assert_eq!(sol.equilibria.len(), 1);
        assert!(sol.complete);
        let e = &sol.equilibria[0];
        assert_eq!(e.payoffs, vec![q("1"), q("2")]);
        assert_eq!(e.profile, Profile::Pure(vec![0, 1]));
    }

    #[test]
    fn chance_expectation() {
        let t = build(C(vec![("1/3", D(0, vec![L("3", "0"), L("1", "1")])), ("2/3", L("0", "3"))]));
        let e = &solve(&t, &Options::default()).unwrap().equilibria[0];
        assert_eq!(e.payoffs, vec![q("1"), q("2")]);
    }

    #[test]
    fn ties_are_reported_and_enumerated() {
        // B is indifferent (2 vs 2) and A's best reply depends on B's choice.
        let t = build(D(0, vec![D(1, vec![L("5", "2"), L("0", "2")]), L("1", "0")]));
        let one = solve(&t, &Options::default()).unwrap();
        assert!(!one.complete);
        assert_eq!(one.equilibria[0].ties, vec![Tie { node: 1, actions: vec![0, 1], chosen: 0 }]);
        assert_eq!(one.equilibria[0].payoffs, vec![q("5"), q("2")]);
        let all = solve(&t, &Options { all: true, ..Options::default() }).unwrap();
        assert!(all.complete);
        let pays: Vec<_> = all.equilibria.iter().map(|e| e.payoffs.clone()).collect();
        assert_eq!(pays, vec![vec![q("5"), q("2")], vec![q("1"), q("0")]]);
    }

    #[test]
    fn favor_tie_break() {
        let t = build(D(0, vec![D(1, vec![L("5", "2"), L("0", "2")]), L("1", "0")]));
        let opts = Options { tie_break: TieBreak::Against(0), ..Options::default() };
        let e = &solve(&t, &opts).unwrap().equilibria[0];
        assert_eq!(e.payoffs, vec![q("1"), q("0")]);
        assert_eq!(e.ties[0].chosen, 1);
    }

    #[test]
    fn counts_independent_ties() {
        let tie = || D(1, vec![L("1", "1"), L("0", "1")]);
        let t = build(D(0, vec![D(0, vec![tie(), tie()]), L("-5", "0")]));
        let all = solve(&t, &Options { all: true, ..Options::default() }).unwrap();
        // B is indifferent at both of its nodes (4 combinations). A at node 1 is indifferent when
        // both B nodes give A the same value (2 options) and strict otherwise: 2 + 1 + 1 + 2 = 6.
        assert!(all.complete);
        let distinct: std::collections::BTreeSet<_> =
            all.equilibria.iter().map(|e| format!("{:?}", e.profile)).collect();
        assert_eq!(distinct.len(), all.equilibria.len(), "no profile twice");
        assert_eq!(all.equilibria.len(), 6);
    }

    #[test]
    fn ties_beyond_64_actions() {
        // Tie sets are bit sets up to 64 actions and recomputed beyond; both must agree.
        let best = [3usize, 65, 69];
        let kids = (0..70)
            .map(|k| if best.contains(&k) { L("2", if k == 65 { "1" } else { "0" }) } else { L("1", "5") })
            .collect();
        let t = build(D(0, kids));
        let one = solve(&t, &Options::default()).unwrap();
        assert_eq!(one.equilibria[0].ties, vec![Tie { node: 0, actions: vec![3, 65, 69], chosen: 3 }]);
        let favor = solve(&t, &Options { tie_break: TieBreak::Favor(1), ..Options::default() }).unwrap();
        assert_eq!(favor.equilibria[0].ties[0].chosen, 65);
        let all = solve(&t, &Options { all: true, ..Options::default() }).unwrap();
        let chosen: Vec<u32> = all.equilibria.iter().map(|e| e.ties[0].chosen).collect();
        assert_eq!(chosen, vec![3, 65, 69]);
        // A strict best beyond 64 actions is no tie.
        let kids = (0..70).map(|k| if k == 66 { L("3", "0") } else { L("1", "0") }).collect();
        let strict = solve(&build(D(0, kids)), &Options::default()).unwrap();
        assert!(strict.complete);
        assert_eq!(strict.equilibria[0].profile, Profile::Pure(vec![66]));
    }

    /// All of [`solve`]'s option combinations for `n` players.
    fn all_options(n: usize) -> Vec<Options> {
        let mut rules = vec![TieBreak::First];
        rules.extend((0..n).flat_map(|j| [TieBreak::Favor(j), TieBreak::Against(j)]));
        rules
            .into_iter()
            .flat_map(|tie_break| [false, true].map(|all| Options { tie_break, all, ..Options::default() }))
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The integer path on trees with chance nodes gives exactly what the `Q` path gives:
        /// equilibria (payoffs, profiles, ties, regrets), their order and completeness, for every
        /// tie-break, one or all.
        #[test]
        fn scaled_path_equals_q_path((t, n, leaves) in scaled::chance_trees()) {
            for options in all_options(n) {
                let fast = Engine::new(&t, options.tie_break, false);
                if t.has_chance_nodes() {
                    proptest::prop_assert_eq!(fast.mode, MODE_SCALED);
                    // Integer leaves take the `i16` table (`INT` sweeps), the others the `Q` table.
                    let ints = matches!(leaves, scaled::Leaves::Ints);
                    proptest::prop_assert!(!ints || fast.rows().int_leaves());
                }
                let fast = solve_on(fast, &options).expect("small values").unwrap();
                let exact = Engine::new(&t, options.tie_break, true);
                proptest::prop_assert_eq!(exact.mode, MODE_Q);
                let exact = solve_on(exact, &options).expect("Q does not overflow").unwrap();
                proptest::prop_assert_eq!(&fast, &exact, "{:?}", options);
                proptest::prop_assert_eq!(&solve(&t, &options).unwrap(), &exact);
            }
        }
    }

    #[test]
    fn overflow_falls_back_to_exact_rationals() {
        // A chain of chance nodes: 1/3 to a leaf paying 2 (k % 2), 2/3 on, 2 at the end. The value at
        // the top has denominator 3^45 > 2^63, which no i64 representation holds; the root compares
        // it with 1.
        let depth = 45;
        let mut b = TreeBuilder::new("t", vec!["A".into()]);
        let acts = b.actions(&["chain", "safe"]).unwrap();
        b.decision_new(0, acts).unwrap();
        let out = |p: &str| Expr::parse(p).unwrap();
        for k in 0..depth {
            b.chance(vec![("stop".into(), out("1/3")), ("go".into(), out("2/3"))]).unwrap();
            b.terminal_values(&[Q::from_int(2 * (k % 2))]).unwrap();
        }
        b.terminal_values(&[Q::from_int(2)]).unwrap();
        b.terminal_values(&[Q::one()]).unwrap();
        let t = b.finish().unwrap();
        // The chain's value, from the bottom up.
        let (third, two_thirds) = (q("1/3"), q("2/3"));
        let mut v = Q::from_int(2);
        for k in (0..depth).rev() {
            v = &(&third * &Q::from_int(2 * (k % 2))) + &(&two_thirds * &v);
        }
        assert!(v.to_i64_ratio().is_none(), "the value is beyond i64");
        let expected = v.clone().max(Q::one());
        let mut fast = Engine::new(&t, TieBreak::First, false);
        assert_eq!(fast.mode, MODE_SCALED);
        assert_eq!(fast.sweep(t.len() - 1).unwrap_err(), Overflow, "the integers overflow");
        for options in all_options(1) {
            let sol = solve(&t, &options).unwrap();
            assert_eq!(sol.equilibria.len(), 1);
            let e = &sol.equilibria[0];
            assert_eq!(e.payoffs, vec![expected.clone()]);
            assert!(e.regret.is_zero());
            assert_eq!(e.profile, Profile::Pure(vec![u32::from(v < Q::one())]));
        }
    }

    #[test]
    fn deep_chain_does_not_overflow() {
        let depth = 1_000_000;
        let mut b = TreeBuilder::new("Chain", vec!["A".into(), "B".into()]);
        let acts = b.actions(&["stop", "go"]).unwrap();
        for k in 0..depth {
            b.decision_new(k % 2, acts).unwrap();
            b.terminal_values(&[Q::from_int(k as i64), Q::from_int(k as i64)]).unwrap();
        }
        b.terminal_values(&[Q::from_int(depth as i64 + 1), Q::zero()]).unwrap();
        let t = b.finish().unwrap();
        let sol = solve(&t, &Options::default()).unwrap();
        // Everyone continues (later stops pay more) until the last mover, B, who stops.
        assert_eq!(
            sol.equilibria[0].payoffs,
            vec![Q::from_int(depth as i64 - 1), Q::from_int(depth as i64 - 1)]
        );
    }
}
