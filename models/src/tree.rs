//! Extensive-form game trees in a flat arena.
//!
//! A [`Tree`] stores its nodes in depth-first pre-order (node 0 is the root; every node's descendants
//! follow it contiguously), as a struct of arrays: the kind, the parent, the end of the subtree, and
//! one `u32` of payload (the leaf's payoff row, the decision node's information set, or the chance
//! node's first outcome). Children of `x` are `x + 1`, then `end(x + 1)`, and so on. Reverse node
//! order therefore visits children before parents, which is all backward induction needs, and the
//! subtree of `x` is the index range `x..end(x)`, which is all subgame detection needs. No traversal
//! in redline recurses on the tree's depth.
//!
//! Payoffs and chance probabilities are exact [`Q`] values. When the game has parameters, the tree also
//! keeps the [`Expr`] behind every payoff and probability, so it can be re-evaluated under another
//! assignment ([`Tree::set_parameters`]) and read symbolically by the threshold analysis.
//!
//! Trees are made with a [`TreeBuilder`], which validates as it goes and on [`TreeBuilder::finish`].
//!
//! Next: [`crate::format`] (files to trees) or `redline_solver::backward_induction`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::error::{Error, closest};
use crate::expr::Expr;
use crate::number::Q;

/// A node's index in depth-first pre-order; the root is 0.
pub type NodeId = u32;

/// Marks "no node" in parent links.
pub const NO_NODE: NodeId = u32::MAX;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A leaf with a payoff for every player.
    Terminal,
    /// A move of nature with labelled outcomes and probabilities.
    Chance,
    /// A move of a player at an information set.
    Decision,
}

/// An index into [`Tree::infosets`].
pub type InfosetId = u32;

/// A node as [`Tree::view`] shows it: its kind with the data a sweep needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeView {
    /// A leaf, with its row in [`Tree::payoff_table`].
    Terminal {
        /// The payoff row ([`Tree::leaf_row`]).
        row: u32,
    },
    /// A move of nature.
    Chance,
    /// A move of a player.
    Decision {
        /// The mover ([`Tree::player_of`]).
        player: usize,
        /// The information set ([`Tree::infoset_of`]).
        infoset: InfosetId,
    },
}

/// Per-node tags: a terminal, a chance node, or a decision node of player `tag - TAG_DECISION`; the
/// last tag stands for every player from `u8::MAX - TAG_DECISION` on, whose index is then read from
/// the information set. One byte gives the kind and (for up to 253 players) the mover, so backward
/// induction and its verification never load an [`Infoset`] on their hot paths.
const TAG_TERMINAL: u8 = 0;
const TAG_CHANCE: u8 = 1;
const TAG_DECISION: u8 = 2;

/// An index into the tree's interned action-label lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActionSetId(u32);

/// An information set: one player's decision nodes that the player cannot tell apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Infoset {
    /// The player who moves, as an index into [`Tree::players`].
    pub player: u32,
    /// The interned action labels.
    actions: ActionSetId,
    /// The label, or empty.
    pub label: Box<str>,
    /// The identifier shown in output: Gambit's information set number for `.efg` input, otherwise
    /// the 1-based position among the player's information sets in depth-first order.
    pub number: u32,
}

/// Sets `values` (parallel to `parameters`) by name, checking each value against its parameter's
/// range; shared by trees and strategic-form games.
///
/// # Errors
/// An unknown name (with the closest existing one) or a value out of range.
pub(crate) fn assign_values(
    parameters: &[Parameter],
    values: &mut [Q],
    assignments: &[(String, Q)],
) -> Result<(), Error> {
    for (name, value) in assignments {
        let Some(i) = parameters.iter().position(|p| &p.name == name) else {
            return Err(Error::UnknownParameter {
                name: name.clone(),
                suggestion: closest(name, parameters.iter().map(|p| p.name.as_str())),
            });
        };
        parameters[i].check(value)?;
        values[i] = value.clone();
    }
    Ok(())
}

/// A named parameter with its default and documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// The name used in expressions and in `--set NAME=VALUE`.
    pub name: String,
    /// The default value.
    pub default: Q,
    /// What it means.
    pub description: String,
    /// The smallest valid value, if bounded.
    pub min: Option<Q>,
    /// The largest valid value, if bounded.
    pub max: Option<Q>,
    /// True when only integer values are valid (structural parameters such as a number of stages).
    pub integer: bool,
}

impl Parameter {
    /// A parameter with a default and a description, unbounded.
    #[must_use]
    pub fn new(name: &str, default: Q, description: &str) -> Parameter {
        Parameter {
            name: name.into(),
            default,
            description: description.into(),
            min: None,
            max: None,
            integer: false,
        }
    }

    /// The same parameter restricted to `[min, max]` (either bound optional).
    #[must_use]
    pub fn range(mut self, min: Option<Q>, max: Option<Q>) -> Parameter {
        self.min = min;
        self.max = max;
        self
    }

    /// The same parameter restricted to integers.
    #[must_use]
    pub fn integer(mut self) -> Parameter {
        self.integer = true;
        self
    }

    /// Checks `value` against the parameter's bounds.
    ///
    /// # Errors
    /// [`Error::ParameterOutOfRange`] when the value is outside `[min, max]`.
    pub fn check(&self, value: &Q) -> Result<(), Error> {
        let out = |reason: String| Error::ParameterOutOfRange {
            name: self.name.clone(),
            value: value.clone(),
            reason,
        };
        if self.integer && !value.is_integer() {
            return Err(out("it must be a whole number".into()));
        }
        if let Some(min) = &self.min
            && value < min
        {
            return Err(out(format!("it must be at least {min}")));
        }
        if let Some(max) = &self.max
            && value > max
        {
            return Err(out(format!("it must be at most {max}")));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default)]
struct Exprs {
    payoffs: Vec<Expr>,
    probs: Vec<Expr>,
}

/// An extensive-form game: players, parameters and a tree in a flat arena.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The title shown in output.
    pub title: String,
    /// A longer description, or empty.
    pub description: String,
    players: Vec<String>,
    parameters: Vec<Parameter>,
    values: Vec<Q>,
    /// One tag per node (`TAG_TERMINAL`, `TAG_CHANCE`, or `TAG_DECISION` plus the player).
    kind: Vec<u8>,
    parent: Vec<NodeId>,
    end: Vec<NodeId>,
    /// Bit `x % 64` of word `x / 64` is set when node `x` is a decision node.
    decision_bits: Vec<u64>,
    /// The same for decision and chance nodes (every node but the leaves).
    internal_bits: Vec<u64>,
    data: Vec<u32>,
    n_children: Vec<u32>,
    infosets: Vec<Infoset>,
    action_sets: Vec<Vec<String>>,
    player_infosets: Vec<Vec<InfosetId>>,
    payoffs: Vec<Q>,
    /// `payoffs` as `i32`, when every payoff is an integer that fits (see [`Tree::small_payoffs`]):
    /// built on first use, cleared whenever the payoffs change.
    small_payoffs: OnceLock<Option<Box<[i32]>>>,
    /// `payoffs` as `i16` on a tree with chance nodes, when every payoff is an integer that fits (see
    /// [`Tree::chance_small_payoffs`]): built on first use, cleared whenever the payoffs change.
    chance_small_payoffs: OnceLock<Option<Box<[i16]>>>,
    probs: Vec<Q>,
    /// `probs` as integer weights over one denominator per chance node (see
    /// [`Tree::chance_weights`]): built on first use, cleared whenever the probabilities change.
    chance_weights: OnceLock<Option<Box<[u32]>>>,
    /// Whether every payoff is a `Q` stored inline ([`Tree::inline_payoffs`]): found on first use,
    /// cleared whenever the payoffs change.
    inline_payoffs: OnceLock<bool>,
    chance_labels: Vec<Box<str>>,
    node_labels: NodeLabels,
    exprs: Option<Box<Exprs>>,
}

/// The labels of the labelled nodes in one string: node ids in increasing order and where each
/// label ends (no allocation per label; most nodes of a large tree have none).
#[derive(Clone, Debug, Default)]
struct NodeLabels {
    nodes: Vec<NodeId>,
    ends: Vec<usize>,
    text: String,
}

impl NodeLabels {
    fn get(&self, x: NodeId) -> &str {
        match self.nodes.binary_search(&x) {
            Ok(i) => &self.text[if i == 0 { 0 } else { self.ends[i - 1] }..self.ends[i]],
            Err(_) => "",
        }
    }

    /// Adds a label; the last one given for a node wins (see [`NodeLabels::sort`]).
    fn push(&mut self, x: NodeId, label: &str) {
        self.nodes.push(x);
        self.text.push_str(label);
        self.ends.push(self.text.len());
    }

    /// Orders labels given out of node order, keeping the last label given to each node.
    fn sort(&mut self) {
        if self.nodes.windows(2).all(|w| w[0] < w[1]) {
            return;
        }
        let mut order: Vec<usize> = (0..self.nodes.len()).collect();
        // Stable: labels of one node stay in the order given, so the last is the one kept.
        order.sort_by_key(|&i| self.nodes[i]);
        let mut sorted = NodeLabels::default();
        for (k, &i) in order.iter().enumerate() {
            if order.get(k + 1).is_some_and(|&j| self.nodes[j] == self.nodes[i]) {
                continue;
            }
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            sorted.push(self.nodes[i], &self.text[start..self.ends[i]]);
        }
        *self = sorted;
    }

    fn heap_bytes(&self) -> usize {
        self.nodes.len() * std::mem::size_of::<NodeId>()
            + self.ends.len() * std::mem::size_of::<usize>()
            + self.text.len()
    }
}

/// The decision nodes up to a given node, in decreasing order ([`Tree::decision_nodes_rev`]).
#[derive(Clone, Debug)]
pub struct DecisionNodesRev<'a> {
    bits: &'a [u64],
    /// The index of the word `current` came from.
    word: usize,
    /// The bits of that word not yet returned.
    current: u64,
}

impl<'a> DecisionNodesRev<'a> {
    /// The nodes `x ≤ from` whose bit is set in `bits`, a bit set over a tree of `len` nodes.
    #[inline]
    fn new(bits: &'a [u64], from: NodeId, len: usize) -> DecisionNodesRev<'a> {
        let from = (from as usize).min(len.saturating_sub(1));
        let word = from / 64;
        // The bits of nodes `64 * word ..= from`.
        let keep = u64::MAX >> (63 - from % 64);
        DecisionNodesRev { bits, word, current: bits[word] & keep }
    }
}

impl Iterator for DecisionNodesRev<'_> {
    type Item = NodeId;
    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        while self.current == 0 {
            if self.word == 0 {
                return None;
            }
            self.word -= 1;
            self.current = self.bits[self.word];
        }
        let b = 63 - self.current.leading_zeros();
        self.current &= !(1u64 << b);
        Some((self.word * 64) as NodeId + b)
    }
}

/// The integer chance weights of a tree ([`Tree::chance_weights`]).
#[derive(Clone, Copy, Debug)]
pub struct ChanceWeights<'a> {
    tree: &'a Tree,
    table: &'a [u32],
}

impl<'a> ChanceWeights<'a> {
    /// The weights of chance node `x`, in child order; probability `k` is `of(x)[k]` over their sum.
    #[must_use]
    #[inline]
    pub fn of(&self, x: NodeId) -> &'a [u32] {
        debug_assert_eq!(self.tree.kind(x), NodeKind::Chance, "weights are asked of chance nodes only");
        let start = self.tree.data[x as usize] as usize;
        &self.table[start..start + self.tree.n_children(x)]
    }
}

/// The children of a node, in action order.
#[derive(Clone, Debug)]
pub struct Children<'a> {
    end: &'a [NodeId],
    next: NodeId,
    stop: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        if self.next >= self.stop {
            return None;
        }
        let c = self.next;
        self.next = self.end[c as usize];
        Some(c)
    }
}

impl Tree {
    /// The player names, in index order.
    #[must_use]
    pub fn players(&self) -> &[String] {
        &self.players
    }

    /// The number of players.
    #[must_use]
    #[inline]
    pub fn n_players(&self) -> usize {
        self.players.len()
    }

    /// The number of nodes.
    #[must_use]
    #[inline]
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// Always false: a finished tree has a root.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// The bytes the arena holds on the heap, counted from the vectors' lengths (not capacities).
    ///
    /// Counts the per-node arrays, information sets, action lists, payoffs, probabilities and labels.
    /// Leaves out the digits of payoffs too big for `Q`'s inline form, the node-label map's
    /// bookkeeping and the expressions of a parametric game, so it is a lower bound for those; for a
    /// tree of small numeric payoffs it is exact up to allocator overhead. Used by the benchmarks to
    /// report memory per node.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let n = self.kind.len();
        let per_node = size_of::<u8>() + 3 * size_of::<NodeId>() + size_of::<u32>();
        let strings = |v: &[String]| v.iter().map(|s| size_of::<String>() + s.len()).sum::<usize>();
        n * per_node
            + (self.decision_bits.len() + self.internal_bits.len()) * size_of::<u64>()
            + self.infosets.iter().map(|h| size_of::<Infoset>() + h.label.len()).sum::<usize>()
            + self.action_sets.iter().map(|a| size_of::<Vec<String>>() + strings(a)).sum::<usize>()
            + self.player_infosets.iter().map(|l| size_of::<Vec<InfosetId>>() + 4 * l.len()).sum::<usize>()
            + (self.payoffs.len() + self.probs.len()) * size_of::<Q>()
            + self.small_payoffs.get().and_then(Option::as_ref).map_or(0, |t| t.len() * size_of::<i32>())
            + self
                .chance_small_payoffs
                .get()
                .and_then(Option::as_ref)
                .map_or(0, |t| t.len() * size_of::<i16>())
            + self.chance_weights.get().and_then(Option::as_ref).map_or(0, |t| t.len() * size_of::<u32>())
            + self.chance_labels.iter().map(|l| size_of::<Box<str>>() + l.len()).sum::<usize>()
            + self.node_labels.heap_bytes()
            + strings(&self.players)
    }

    /// The parameters with their defaults.
    #[must_use]
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The value each parameter currently has (parallel to [`Tree::parameters`]).
    #[must_use]
    pub fn parameter_values(&self) -> &[Q] {
        &self.values
    }

    /// The kind of node `x`.
    #[must_use]
    #[inline]
    pub fn kind(&self, x: NodeId) -> NodeKind {
        match self.kind[x as usize] {
            TAG_TERMINAL => NodeKind::Terminal,
            TAG_CHANCE => NodeKind::Chance,
            _ => NodeKind::Decision,
        }
    }

    /// The parent of `x`, or `None` for the root.
    #[must_use]
    #[inline]
    pub fn parent(&self, x: NodeId) -> Option<NodeId> {
        let p = self.parent[x as usize];
        (p != NO_NODE).then_some(p)
    }

    /// One past the last node of the subtree of `x`: the subtree is `x..end(x)`.
    #[must_use]
    #[inline]
    pub fn end(&self, x: NodeId) -> NodeId {
        self.end[x as usize]
    }

    /// The number of children of `x`.
    #[must_use]
    #[inline]
    pub fn n_children(&self, x: NodeId) -> usize {
        self.n_children[x as usize] as usize
    }

    /// The children of `x` in action order.
    #[must_use]
    #[inline]
    pub fn children(&self, x: NodeId) -> Children<'_> {
        Children { end: &self.end, next: x + 1, stop: self.end[x as usize] }
    }

    /// The `k`-th child of `x` (O(k)).
    ///
    /// # Panics
    /// When `x` has fewer than `k + 1` children.
    #[must_use]
    pub fn child(&self, x: NodeId, k: usize) -> NodeId {
        self.children(x).nth(k).expect("child index is below the number of children")
    }

    /// The position of `x` among its parent's children (0 for the root).
    #[must_use]
    pub fn child_index(&self, x: NodeId) -> usize {
        match self.parent(x) {
            None => 0,
            Some(p) => self.children(p).position(|c| c == x).expect("a node is among its parent's children"),
        }
    }

    /// The information set of decision node `x`.
    ///
    /// # Panics
    /// When `x` is not a decision node.
    #[must_use]
    #[inline]
    pub fn infoset_of(&self, x: NodeId) -> InfosetId {
        assert_eq!(self.kind(x), NodeKind::Decision, "infoset_of is asked of decision nodes only");
        self.data[x as usize]
    }

    /// The player who moves at decision node `x`.
    #[must_use]
    #[inline]
    pub fn player_of(&self, x: NodeId) -> usize {
        let tag = self.kind[x as usize];
        assert!(tag >= TAG_DECISION, "player_of is asked of decision nodes only");
        if tag < u8::MAX {
            usize::from(tag - TAG_DECISION)
        } else {
            self.infosets[self.data[x as usize] as usize].player as usize
        }
    }

    /// What node `x` is, with what a sweep over the tree reads at it: [`Tree::kind`] together with
    /// [`Tree::leaf_row`], or [`Tree::player_of`] and [`Tree::infoset_of`], from two loads and no
    /// checks beyond bounds.
    #[must_use]
    #[inline]
    pub fn view(&self, x: NodeId) -> NodeView {
        let tag = self.kind[x as usize];
        let data = self.data[x as usize];
        match tag {
            TAG_TERMINAL => NodeView::Terminal { row: data },
            TAG_CHANCE => NodeView::Chance,
            u8::MAX => {
                NodeView::Decision { player: self.infosets[data as usize].player as usize, infoset: data }
            }
            _ => NodeView::Decision { player: usize::from(tag - TAG_DECISION), infoset: data },
        }
    }

    /// The decision nodes `x ≤ from`, in decreasing order: children before parents, as
    /// backward induction visits them, but without a branch on each node's kind (they are read from
    /// a bit set, 64 nodes per word).
    #[must_use]
    #[inline]
    pub fn decision_nodes_rev(&self, from: NodeId) -> DecisionNodesRev<'_> {
        DecisionNodesRev::new(&self.decision_bits, from, self.len())
    }

    /// The decision and chance nodes `x ≤ from` (every node but the leaves), in decreasing order, from a
    /// bit set as [`Tree::decision_nodes_rev`].
    #[must_use]
    #[inline]
    pub fn internal_nodes_rev(&self, from: NodeId) -> DecisionNodesRev<'_> {
        DecisionNodesRev::new(&self.internal_bits, from, self.len())
    }

    /// All information sets; index them with [`InfosetId`].
    #[must_use]
    pub fn infosets(&self) -> &[Infoset] {
        &self.infosets
    }

    /// Player `i`'s information sets, in output order (Gambit's numbering for `.efg` input, otherwise
    /// depth-first order of first visit).
    #[must_use]
    pub fn player_infosets(&self, i: usize) -> &[InfosetId] {
        &self.player_infosets[i]
    }

    /// The position of information set `h` in its player's list ([`Tree::player_infosets`]).
    #[must_use]
    pub fn infoset_index_in_player(&self, h: InfosetId) -> usize {
        let p = self.infosets[h as usize].player as usize;
        self.player_infosets[p].iter().position(|&g| g == h).expect("every infoset is listed for its player")
    }

    /// The action labels of information set `h`.
    #[must_use]
    pub fn actions(&self, h: InfosetId) -> &[String] {
        &self.action_sets[self.infosets[h as usize].actions.0 as usize]
    }

    /// The index of information set `h`'s interned action list (information sets with the same labels
    /// in the same order share it), below [`Tree::n_action_sets`].
    #[must_use]
    pub fn action_set_index(&self, h: InfosetId) -> usize {
        self.infosets[h as usize].actions.0 as usize
    }

    /// How many distinct action lists the tree's information sets use.
    #[must_use]
    pub fn n_action_sets(&self) -> usize {
        self.action_sets.len()
    }

    /// The payoff vector of terminal node `x`.
    ///
    /// # Panics
    /// When `x` is not terminal.
    #[must_use]
    #[inline]
    pub fn payoffs(&self, x: NodeId) -> &[Q] {
        assert_eq!(self.kind(x), NodeKind::Terminal, "payoffs are asked of terminal nodes only");
        let n = self.players.len();
        let row = self.data[x as usize] as usize;
        &self.payoffs[row * n..(row + 1) * n]
    }

    /// The leaf row of terminal node `x` (index into the payoff table).
    #[must_use]
    #[inline]
    pub fn leaf_row(&self, x: NodeId) -> u32 {
        self.data[x as usize]
    }

    /// All payoffs, `n_players` per leaf row.
    #[must_use]
    #[inline]
    pub fn payoff_table(&self) -> &[Q] {
        &self.payoffs
    }

    /// The payoff table ([`Tree::payoff_table`]) as plain `i32`, entry for entry, when every payoff is
    /// an integer in `i32`'s range (the common case of small-integer games) and the tree has no chance
    /// nodes; `None` otherwise. (Expected values at chance nodes are fractions, so the solvers that
    /// would read the table cannot use it there, and it would only cost memory.)
    ///
    /// Solvers that only compare payoffs (backward induction and its verification) run on this table
    /// when it exists: four bytes per payoff and one machine comparison instead of `Q`'s sixteen bytes
    /// and tag checks. It is built on the first call (trees that no such solver reads never pay
    /// for it) and rebuilt after the payoffs change ([`Tree::set_parameters`]).
    #[must_use]
    #[inline]
    pub fn small_payoffs(&self) -> Option<&[i32]> {
        self.small_payoffs.get_or_init(|| self.small_table()).as_deref()
    }

    /// The payoff table ([`Tree::payoff_table`]) as plain `i16`, entry for entry, when the tree has
    /// chance nodes and every payoff is an integer in `i16`'s range; `None` otherwise (in particular
    /// for a tree without chance nodes, which has [`Tree::small_payoffs`] instead).
    ///
    /// Backward induction on trees with chance nodes reads leaf values from this table when it exists
    /// (two bytes per payoff, denominator 1, no tag to test), together with
    /// [`Tree::chance_weights`]. It is `i16` rather than `i32` to keep the memory of a solve under 64
    /// bytes per node. Built on the first call, rebuilt after the payoffs change
    /// ([`Tree::set_parameters`]).
    #[must_use]
    #[inline]
    pub fn chance_small_payoffs(&self) -> Option<&[i16]> {
        self.chance_small_payoffs.get_or_init(|| self.chance_small_table()).as_deref()
    }

    /// True when every payoff is stored inline in its [`Q`] (numerator and denominator in `i64`, see
    /// [`Q::to_i64_ratio`]): backward induction on trees with chance nodes then reads the payoff table
    /// as machine integers, together with [`Tree::chance_weights`]. Found on the first call, again
    /// after the payoffs change.
    #[must_use]
    #[inline]
    pub fn inline_payoffs(&self) -> bool {
        *self.inline_payoffs.get_or_init(|| self.payoffs.iter().all(|q| q.to_i64_ratio().is_some()))
    }

    /// The chance probabilities as integer weights, when every chance node's probabilities have a
    /// common denominator that fits `u32` (small fractions such as `w / 12`, the common case); `None`
    /// otherwise, and for a tree without chance nodes.
    ///
    /// At chance node `x` the weights are [`ChanceWeights::of`]`(x)`, in child order: probability
    /// `k` is `weights[k] / W` with `W` the sum of the node's weights (the lcm of its probabilities'
    /// denominators), so no denominator is stored. Built on the first call, rebuilt after the
    /// probabilities change ([`Tree::set_parameters`]).
    #[must_use]
    pub fn chance_weights(&self) -> Option<ChanceWeights<'_>> {
        let table = self.chance_weights.get_or_init(|| self.weight_table()).as_deref()?;
        Some(ChanceWeights { tree: self, table })
    }

    /// True when the tree has at least one chance node.
    #[must_use]
    #[inline]
    pub fn has_chance_nodes(&self) -> bool {
        // Every chance node has at least one outcome, with its probability in `probs`.
        !self.probs.is_empty()
    }

    /// The outcome probabilities of chance node `x`, in child order.
    #[must_use]
    #[inline]
    pub fn chance_probs(&self, x: NodeId) -> &[Q] {
        assert_eq!(self.kind(x), NodeKind::Chance, "chance_probs is asked of chance nodes only");
        let start = self.data[x as usize] as usize;
        &self.probs[start..start + self.n_children(x)]
    }

    /// The outcome labels of chance node `x`, in child order.
    #[must_use]
    pub fn chance_labels(&self, x: NodeId) -> &[Box<str>] {
        let start = self.data[x as usize] as usize;
        &self.chance_labels[start..start + self.n_children(x)]
    }

    /// The expression behind each payoff of terminal `x`, when the game has expressions.
    #[must_use]
    pub fn payoff_exprs(&self, x: NodeId) -> Option<&[Expr]> {
        let e = self.exprs.as_ref()?;
        let n = self.players.len();
        let row = self.data[x as usize] as usize;
        Some(&e.payoffs[row * n..(row + 1) * n])
    }

    /// The expression behind each outcome probability of chance node `x`, when the game has expressions.
    #[must_use]
    pub fn prob_exprs(&self, x: NodeId) -> Option<&[Expr]> {
        let e = self.exprs.as_ref()?;
        let start = self.data[x as usize] as usize;
        Some(&e.probs[start..start + self.n_children(x)])
    }

    /// True when payoffs or probabilities are expressions over parameters.
    #[must_use]
    pub fn has_expressions(&self) -> bool {
        self.exprs.is_some()
    }

    /// The label of node `x`, or the empty string.
    #[must_use]
    pub fn node_label(&self, x: NodeId) -> &str {
        self.node_labels.get(x)
    }

    /// The label of the edge into `x`: the action or chance outcome that leads to it ("" for the root).
    #[must_use]
    pub fn edge_label(&self, x: NodeId) -> &str {
        let Some(p) = self.parent(x) else { return "" };
        let k = self.child_index(x);
        match self.kind(p) {
            NodeKind::Decision => &self.actions(self.infoset_of(p))[k],
            NodeKind::Chance => &self.chance_labels(p)[k],
            NodeKind::Terminal => unreachable!("terminal nodes have no children"),
        }
    }

    /// The actions from the root to `x`, joined by ` > `, for messages.
    #[must_use]
    pub fn path_to(&self, x: NodeId) -> String {
        let mut labels = Vec::new();
        let mut y = x;
        while let Some(p) = self.parent(y) {
            labels.push(self.edge_label(y).to_string());
            y = p;
        }
        labels.reverse();
        labels.join(" > ")
    }

    /// True when every information set has exactly one node (chance nodes allowed).
    #[must_use]
    pub fn is_perfect_information(&self) -> bool {
        // One popcount per 64 nodes, from the bit set the builder keeps.
        let decisions: usize = self.decision_bits.iter().map(|w| w.count_ones() as usize).sum();
        decisions == self.infosets.len()
    }

    /// The nodes of every information set, in node order.
    #[must_use]
    pub fn infoset_members(&self) -> Vec<Vec<NodeId>> {
        let mut members = vec![Vec::new(); self.infosets.len()];
        for x in 0..self.len() as NodeId {
            if self.kind(x) == NodeKind::Decision {
                members[self.infoset_of(x) as usize].push(x);
            }
        }
        members
    }

    /// Checks perfect recall: every player remembers their own earlier information sets and actions.
    ///
    /// # Errors
    /// A message naming the information set where recall fails.
    pub fn check_perfect_recall(&self) -> Result<(), String> {
        // For each decision node: the player's own last (infoset, action) on the path from the root.
        // Perfect recall holds iff all nodes of an infoset share that history. Comparing the last
        // own move suffices, by induction over the player's infosets in tree order.
        let n = self.len();
        let mut last_own: Vec<Vec<Option<(InfosetId, u32)>>> = Vec::with_capacity(n);
        let mut own_at: Vec<Option<(InfosetId, u32)>> = vec![None; self.infosets.len()];
        let mut seen = vec![false; self.infosets.len()];
        // last_own[x][i]: player i's last own move on the path to x. Stored per node, sized
        // n_players; acceptable because perfect recall is checked for games of modest size.
        for x in 0..n as NodeId {
            let mut v = match self.parent(x) {
                None => vec![None; self.n_players()],
                Some(p) => {
                    let mut v = last_own[p as usize].clone();
                    if self.kind(p) == NodeKind::Decision {
                        let h = self.infoset_of(p);
                        v[self.player_of(p)] = Some((h, self.child_index(x) as u32));
                    }
                    v
                }
            };
            if self.kind(x) == NodeKind::Decision {
                let h = self.infoset_of(x);
                let mine = v[self.player_of(x)];
                if seen[h as usize] {
                    if own_at[h as usize] != mine {
                        let inf = &self.infosets[h as usize];
                        return Err(format!(
                            "{}'s information set {} forgets what the player knew or did before it (node {x} is reached by a different history of the player's own moves)",
                            self.players[inf.player as usize],
                            self.infoset_name(h)
                        ));
                    }
                } else {
                    seen[h as usize] = true;
                    own_at[h as usize] = mine;
                }
            }
            v.shrink_to_fit();
            last_own.push(v);
        }
        Ok(())
    }

    /// How an information set is named in messages: its label, or its number.
    #[must_use]
    pub fn infoset_name(&self, h: InfosetId) -> String {
        let inf = &self.infosets[h as usize];
        if inf.label.is_empty() { format!("#{}", inf.number) } else { format!("`{}`", inf.label) }
    }

    /// Sets parameters by name (others keep their current value) and re-evaluates every payoff and
    /// probability.
    ///
    /// # Errors
    /// An unknown name (with a suggestion), a value out of range, or an evaluation that fails
    /// (division by zero, probabilities that no longer sum to 1).
    pub fn set_parameters(&mut self, assignments: &[(String, Q)]) -> Result<(), Error> {
        assign_values(&self.parameters, &mut self.values, assignments)?;
        self.evaluate()
    }

    /// The payoffs as `i32` for [`Tree::small_payoffs`]: when the tree has no chance nodes and every
    /// payoff is an integer that fits, else `None`.
    fn small_table(&self) -> Option<Box<[i32]>> {
        if self.has_chance_nodes() {
            return None;
        }
        self.payoffs.iter().map(Q::to_i32).collect()
    }

    /// The payoffs as `i16` for [`Tree::chance_small_payoffs`]: when the tree has chance nodes and
    /// every payoff is an integer that fits, else `None`.
    fn chance_small_table(&self) -> Option<Box<[i16]>> {
        if !self.has_chance_nodes() {
            return None;
        }
        self.payoffs.iter().map(|q| q.to_i32().and_then(|v| i16::try_from(v).ok())).collect()
    }

    /// The weights of [`Tree::chance_weights`]: per chance node, the lcm `L` of its probabilities'
    /// denominators and each probability times `L`; `None` when a tree has no chance nodes, a
    /// probability is not inline, or some `L` exceeds `u32`.
    fn weight_table(&self) -> Option<Box<[u32]>> {
        if !self.has_chance_nodes() {
            return None;
        }
        let mut table = vec![0u32; self.probs.len()];
        for x in 0..self.len() as NodeId {
            if self.kind(x) != NodeKind::Chance {
                continue;
            }
            let start = self.data[x as usize] as usize;
            let probs = self.chance_probs(x);
            let mut lcm: u64 = 1;
            for p in probs {
                let (_, d) = p.to_i64_ratio()?;
                let d = d.unsigned_abs();
                lcm = lcm.checked_div(num_integer::gcd(lcm, d))?.checked_mul(d)?;
                if lcm > u64::from(u32::MAX) {
                    return None;
                }
            }
            for (w, p) in table[start..start + probs.len()].iter_mut().zip(probs) {
                let (a, d) = p.to_i64_ratio()?;
                // 0 ≤ a / d ≤ 1 (checked when the tree was built), so a · (L / d) ≤ L fits.
                *w = u32::try_from(u64::try_from(a).ok()? * (lcm / d.unsigned_abs())).ok()?;
            }
        }
        Some(table.into_boxed_slice())
    }

    fn lookup(&self, name: &str) -> Option<Q> {
        self.parameters.iter().position(|p| p.name == name).map(|i| self.values[i].clone())
    }

    fn node_error(&self, x: NodeId, message: String) -> Error {
        Error::AtNode { node: x, path: self.path_to(x), message }
    }

    /// Re-evaluates expressions under the current parameter values and validates probabilities.
    fn evaluate(&mut self) -> Result<(), Error> {
        if let Some(exprs) = self.exprs.take() {
            let result = self.evaluate_from(&exprs);
            self.exprs = Some(exprs);
            // Payoffs may have been written before an evaluation failed: the tables follow them.
            self.small_payoffs.take();
            self.chance_small_payoffs.take();
            self.inline_payoffs.take();
            self.chance_weights.take();
            result?;
        }
        self.check_probabilities()
    }

    fn evaluate_from(&mut self, exprs: &Exprs) -> Result<(), Error> {
        let n = self.players.len();
        let mut payoffs = Vec::with_capacity(exprs.payoffs.len());
        let mut probs = Vec::with_capacity(exprs.probs.len());
        for x in 0..self.len() as NodeId {
            match self.kind(x) {
                NodeKind::Terminal => {
                    let row = self.data[x as usize] as usize;
                    for (i, e) in exprs.payoffs[row * n..(row + 1) * n].iter().enumerate() {
                        let v = e.eval(|name| self.lookup(name)).map_err(|err| {
                            self.node_error(x, format!("payoff of {}: {err}", self.players[i]))
                        })?;
                        payoffs.push((row * n + i, v));
                    }
                }
                NodeKind::Chance => {
                    let start = self.data[x as usize] as usize;
                    for (k, e) in exprs.probs[start..start + self.n_children(x)].iter().enumerate() {
                        let v = e.eval(|name| self.lookup(name)).map_err(|err| {
                            self.node_error(
                                x,
                                format!("probability of `{}`: {err}", self.chance_labels[start + k]),
                            )
                        })?;
                        probs.push((start + k, v));
                    }
                }
                NodeKind::Decision => {}
            }
        }
        for (i, v) in payoffs {
            self.payoffs[i] = v;
        }
        for (i, v) in probs {
            self.probs[i] = v;
        }
        Ok(())
    }

    fn check_probabilities(&self) -> Result<(), Error> {
        for x in 0..self.len() as NodeId {
            if self.kind(x) != NodeKind::Chance {
                continue;
            }
            let probs = self.chance_probs(x);
            for (k, p) in probs.iter().enumerate() {
                if p.is_negative() || p > &Q::one() {
                    return Err(self.node_error(
                        x,
                        format!(
                            "chance probability of `{}` is {}, outside [0, 1]",
                            self.chance_labels(x)[k],
                            p.for_message()
                        ),
                    ));
                }
            }
            let sum: Q = probs.iter().sum();
            if !sum.is_one() {
                return Err(
                    self.node_error(x, format!("chance probabilities sum to {}, not 1", sum.for_message()))
                );
            }
        }
        Ok(())
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeKind::Terminal => "terminal",
            NodeKind::Chance => "chance",
            NodeKind::Decision => "decision",
        })
    }
}

/// Builds a [`Tree`] node by node in depth-first pre-order.
///
/// Each node is attached as the next child of the deepest node that still expects children, so a
/// recursive description of a tree is built by emitting nodes in the order a depth-first walk meets
/// them. [`TreeBuilder::finish`] checks that every node got all its children and evaluates the
/// expressions under the parameters' defaults.
///
/// # Examples
/// ```
/// use redline_models::tree::TreeBuilder;
/// use redline_models::number::Q;
/// let mut b = TreeBuilder::new("Entry", vec!["Entrant".into(), "Incumbent".into()]);
/// let ab = b.actions(&["enter", "stay out"]).unwrap();
/// let fa = b.actions(&["fight", "accommodate"]).unwrap();
/// b.decision_new(0, ab).unwrap();
/// b.decision_new(1, fa).unwrap();
/// b.terminal_values(&[Q::from_int(-1), Q::from_int(-1)]).unwrap();
/// b.terminal_values(&[Q::from_int(1), Q::from_int(2)]).unwrap();
/// b.terminal_values(&[Q::from_int(0), Q::from_int(4)]).unwrap();
/// let tree = b.finish().unwrap();
/// assert_eq!(tree.len(), 5);
/// assert_eq!(tree.edge_label(3), "accommodate");
/// ```
#[derive(Debug)]
pub struct TreeBuilder {
    tree: Tree,
    open: Vec<(NodeId, u32)>,
    action_index: HashMap<Vec<String>, ActionSetId>,
    max_nodes: usize,
    number_infosets: bool,
    absent_minded_ok: bool,
    infoset_count: Vec<u32>,
}

impl TreeBuilder {
    /// Starts a game with a title and its players (in index order).
    #[must_use]
    pub fn new(title: impl Into<String>, players: Vec<String>) -> TreeBuilder {
        let n = players.len();
        TreeBuilder {
            tree: Tree {
                title: title.into(),
                description: String::new(),
                players,
                parameters: Vec::new(),
                values: Vec::new(),
                kind: Vec::new(),
                parent: Vec::new(),
                end: Vec::new(),
                decision_bits: Vec::new(),
                internal_bits: Vec::new(),
                data: Vec::new(),
                n_children: Vec::new(),
                infosets: Vec::new(),
                action_sets: Vec::new(),
                player_infosets: vec![Vec::new(); n],
                payoffs: Vec::new(),
                probs: Vec::new(),
                chance_labels: Vec::new(),
                node_labels: NodeLabels::default(),
                small_payoffs: OnceLock::new(),
                chance_small_payoffs: OnceLock::new(),
                chance_weights: OnceLock::new(),
                inline_payoffs: OnceLock::new(),
                exprs: None,
            },
            open: Vec::new(),
            action_index: HashMap::new(),
            max_nodes: usize::MAX,
            number_infosets: true,
            absent_minded_ok: false,
            infoset_count: vec![0; n],
        }
    }

    /// Makes room for `nodes` more nodes, `leaves` of them terminal (and as many node labels), without
    /// adding any: a reader that can estimate the size of the tree (from the length of its input)
    /// spares the arena's growth, its copies and the page faults of the memory it leaves behind. The
    /// estimate may be wrong either way; room that is never used is address space, not memory. A
    /// reservation the allocator refuses is skipped (the arena then grows as it is filled).
    pub fn reserve(&mut self, nodes: usize, leaves: usize) {
        /// Bytes of label text reserved per leaf.
        const LABEL_BYTES_HINT: usize = 8;
        let t = &mut self.tree;
        let _ = t.kind.try_reserve(nodes);
        let _ = t.parent.try_reserve(nodes);
        let _ = t.data.try_reserve(nodes);
        let _ = t.n_children.try_reserve(nodes);
        let _ = t.payoffs.try_reserve(leaves.saturating_mul(t.players.len()));
        let _ = t.node_labels.nodes.try_reserve(leaves);
        let _ = t.node_labels.ends.try_reserve(leaves);
        // Labels of a few bytes (`o12`): growing the text by doubling copied it and faulted in
        // twice its pages.
        let _ = t.node_labels.text.try_reserve(leaves.saturating_mul(LABEL_BYTES_HINT));
    }

    /// The payoffs of terminal node `x`, added earlier.
    ///
    /// # Panics
    /// If `x` is not a terminal node added so far.
    #[must_use]
    pub fn terminal_payoffs(&self, x: NodeId) -> &[Q] {
        self.tree.payoffs(x)
    }

    /// Refuses to grow beyond `limit` nodes.
    pub fn set_max_nodes(&mut self, limit: usize) {
        self.max_nodes = limit;
    }

    /// Sets the description.
    pub fn set_description(&mut self, text: impl Into<String>) {
        self.tree.description = text.into();
    }

    /// Accepts information sets that contain a node and one of its descendants (absent-minded
    /// players, as Gambit's files allow). Such games fail the perfect-recall check, so every method
    /// that needs perfect recall refuses them with that reason.
    pub fn allow_absent_mindedness(&mut self) {
        self.absent_minded_ok = true;
    }

    /// Keeps the information set numbers given to [`TreeBuilder::infoset_numbered`] and orders each
    /// player's information sets by them (as Gambit files do), instead of numbering in
    /// depth-first order.
    pub fn keep_infoset_numbers(&mut self) {
        self.number_infosets = false;
    }

    /// The number of nodes so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tree.kind.len()
    }

    /// True before the root is added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tree.kind.is_empty()
    }

    /// The number of players.
    #[must_use]
    pub fn n_players(&self) -> usize {
        self.tree.players.len()
    }

    /// The name of player `i`.
    #[must_use]
    pub fn player_name(&self, i: usize) -> &str {
        &self.tree.players[i]
    }

    /// Declares a parameter.
    ///
    /// # Errors
    /// A duplicate name or a default outside the parameter's own range.
    pub fn add_parameter(&mut self, p: Parameter) -> Result<(), Error> {
        if self.tree.parameters.iter().any(|q| q.name == p.name) {
            return Err(Error::Invalid(format!("parameter `{}` is declared twice", p.name)));
        }
        p.check(&p.default)?;
        self.tree.values.push(p.default.clone());
        self.tree.parameters.push(p);
        Ok(())
    }

    /// The parameters declared so far.
    #[must_use]
    pub fn parameters(&self) -> &[Parameter] {
        &self.tree.parameters
    }

    /// Interns a list of action labels.
    ///
    /// # Errors
    /// An empty list or a repeated label.
    pub fn actions<S: AsRef<str>>(&mut self, labels: &[S]) -> Result<ActionSetId, Error> {
        if labels.is_empty() {
            return Err(Error::Invalid("a decision needs at least one action".into()));
        }
        let owned: Vec<String> = labels.iter().map(|s| s.as_ref().to_string()).collect();
        if let Some(&id) = self.action_index.get(&owned) {
            return Ok(id);
        }
        for (i, a) in owned.iter().enumerate() {
            if owned[..i].contains(a) {
                return Err(Error::Invalid(format!("action label `{a}` is used twice at one decision")));
            }
        }
        let id = ActionSetId(self.tree.action_sets.len() as u32);
        self.tree.action_sets.push(owned.clone());
        self.action_index.insert(owned, id);
        Ok(id)
    }

    /// The labels of an interned action list.
    #[must_use]
    pub fn action_labels(&self, id: ActionSetId) -> &[String] {
        &self.tree.action_sets[id.0 as usize]
    }

    /// Creates an information set of `player` with the given actions.
    ///
    /// # Errors
    /// A player index out of range.
    pub fn infoset(&mut self, player: usize, label: &str, actions: ActionSetId) -> Result<InfosetId, Error> {
        let number = self.infoset_count.get(player).map_or(1, |c| c + 1);
        self.infoset_numbered(player, label, actions, number)
    }

    /// Creates an information set with an explicit number (Gambit's).
    ///
    /// # Errors
    /// A player index out of range.
    pub fn infoset_numbered(
        &mut self,
        player: usize,
        label: &str,
        actions: ActionSetId,
        number: u32,
    ) -> Result<InfosetId, Error> {
        if player >= self.tree.players.len() {
            return Err(Error::Invalid(format!(
                "player {} does not exist (the game has {} players)",
                player + 1,
                self.tree.players.len()
            )));
        }
        let id = self.tree.infosets.len() as InfosetId;
        self.infoset_count[player] += 1;
        self.tree.infosets.push(Infoset { player: player as u32, actions, label: label.into(), number });
        Ok(id)
    }

    /// The player and actions of an information set made earlier.
    #[must_use]
    pub fn infoset_info(&self, h: InfosetId) -> (usize, ActionSetId) {
        let inf = &self.tree.infosets[h as usize];
        (inf.player as usize, inf.actions)
    }

    fn push(&mut self, kind: NodeKind, data: u32, n_children: u32) -> Result<NodeId, Error> {
        let x = self.tree.kind.len();
        if x >= self.max_nodes {
            return Err(Error::TooManyNodes { limit: self.max_nodes });
        }
        if x >= NO_NODE as usize - 1 {
            return Err(Error::TooManyNodes { limit: NO_NODE as usize - 1 });
        }
        while let Some(&(_, 0)) = self.open.last() {
            self.open.pop();
        }
        let parent = match self.open.last_mut() {
            Some((p, remaining)) => {
                *remaining -= 1;
                *p
            }
            None if x == 0 => NO_NODE,
            None => return Err(Error::Invalid("the tree is already complete; extra nodes follow it".into())),
        };
        let x = x as NodeId;
        let tag = match kind {
            NodeKind::Terminal => TAG_TERMINAL,
            NodeKind::Chance => TAG_CHANCE,
            NodeKind::Decision => {
                let player = self.tree.infosets[data as usize].player;
                u8::try_from(player).map_or(u8::MAX, |p| p.saturating_add(TAG_DECISION))
            }
        };
        self.tree.kind.push(tag);
        self.tree.parent.push(parent);
        self.tree.data.push(data);
        self.tree.n_children.push(n_children);
        if n_children > 0 {
            self.open.push((x, n_children));
        }
        Ok(x)
    }

    /// Adds a decision node at information set `h`; its children follow.
    ///
    /// # Errors
    /// Too many nodes, or a tree that is already complete.
    pub fn decision(&mut self, h: InfosetId) -> Result<NodeId, Error> {
        let inf = &self.tree.infosets[h as usize];
        let n = self.tree.action_sets[inf.actions.0 as usize].len() as u32;
        self.push(NodeKind::Decision, h, n)
    }

    /// Adds a decision node of `player` in a new information set of its own.
    ///
    /// # Errors
    /// As [`TreeBuilder::decision`] and [`TreeBuilder::infoset`].
    pub fn decision_new(&mut self, player: usize, actions: ActionSetId) -> Result<NodeId, Error> {
        let h = self.infoset(player, "", actions)?;
        self.decision(h)
    }

    /// Adds a chance node with labelled outcomes and their probabilities; its children follow.
    ///
    /// # Errors
    /// No outcomes, a repeated label, too many nodes.
    pub fn chance(&mut self, outcomes: Vec<(String, Expr)>) -> Result<NodeId, Error> {
        if outcomes.is_empty() {
            return Err(Error::Invalid("a chance node needs at least one outcome".into()));
        }
        for (i, (a, _)) in outcomes.iter().enumerate() {
            if outcomes[..i].iter().any(|(b, _)| b == a) {
                return Err(Error::Invalid(format!("chance outcome label `{a}` is used twice at one node")));
            }
        }
        let start = self.tree.probs.len() as u32;
        let n = outcomes.len() as u32;
        let x = self.push(NodeKind::Chance, start, n)?;
        let constant = outcomes.iter().all(|(_, e)| e.as_constant().is_some());
        if !constant {
            self.ensure_exprs();
        }
        for (label, e) in outcomes {
            self.tree.chance_labels.push(label.into());
            self.tree.probs.push(e.as_constant().unwrap_or_default());
            if let Some(ex) = self.tree.exprs.as_mut() {
                ex.probs.push(e);
            }
        }
        Ok(x)
    }

    fn ensure_exprs(&mut self) {
        if self.tree.exprs.is_none() {
            self.tree.exprs = Some(Box::new(Exprs {
                payoffs: self.tree.payoffs.iter().map(|q| Expr::number(q.clone())).collect(),
                probs: self.tree.probs.iter().map(|q| Expr::number(q.clone())).collect(),
            }));
        }
    }

    /// Adds a terminal node whose payoffs are expressions (one per player).
    ///
    /// # Errors
    /// The wrong number of payoffs, too many nodes.
    pub fn terminal(&mut self, payoffs: Vec<Expr>) -> Result<NodeId, Error> {
        self.check_arity(payoffs.len())?;
        if payoffs.iter().any(|e| e.as_constant().is_none()) {
            self.ensure_exprs();
        }
        let row = (self.tree.payoffs.len() / self.n_players().max(1)) as u32;
        let x = self.push(NodeKind::Terminal, row, 0)?;
        for e in payoffs {
            self.tree.payoffs.push(e.as_constant().unwrap_or_default());
            if let Some(ex) = self.tree.exprs.as_mut() {
                ex.payoffs.push(e);
            }
        }
        Ok(x)
    }

    /// Adds a terminal node with numeric payoffs (one per player).
    ///
    /// # Errors
    /// The wrong number of payoffs, too many nodes.
    pub fn terminal_values(&mut self, payoffs: &[Q]) -> Result<NodeId, Error> {
        self.check_arity(payoffs.len())?;
        let row = (self.tree.payoffs.len() / self.n_players().max(1)) as u32;
        let x = self.push(NodeKind::Terminal, row, 0)?;
        self.tree.payoffs.extend_from_slice(payoffs);
        if let Some(ex) = self.tree.exprs.as_mut() {
            ex.payoffs.extend(payoffs.iter().map(|q| Expr::number(q.clone())));
        }
        Ok(x)
    }

    fn check_arity(&self, got: usize) -> Result<(), Error> {
        let n = self.n_players();
        if got != n {
            return Err(Error::Invalid(format!(
                "a terminal node needs {n} payoff{} (one per player), found {got}",
                if n == 1 { "" } else { "s" }
            )));
        }
        Ok(())
    }

    /// Labels node `x`.
    pub fn set_label(&mut self, x: NodeId, label: &str) {
        if !label.is_empty() {
            self.tree.node_labels.push(x, label);
        }
    }

    /// Checks that the tree is complete and valid, and evaluates it under the parameter defaults.
    ///
    /// # Errors
    /// No players, no root, nodes still missing children, an unknown parameter in an expression,
    /// chance probabilities outside [0, 1] or not summing to 1, an information set mixing players
    /// or spanning one node's subtree twice.
    pub fn finish(mut self) -> Result<Tree, Error> {
        if self.tree.players.is_empty() {
            return Err(Error::Invalid("a game needs at least one player".into()));
        }
        for (i, p) in self.tree.players.iter().enumerate() {
            if self.tree.players[..i].contains(p) {
                return Err(Error::Invalid(format!("player name `{p}` is used twice")));
            }
        }
        if self.tree.kind.is_empty() {
            return Err(Error::Invalid("the game has no nodes".into()));
        }
        while let Some(&(_, 0)) = self.open.last() {
            self.open.pop();
        }
        if let Some(&(x, remaining)) = self.open.last() {
            let t = &self.tree;
            let expected = t.n_children[x as usize];
            return Err(Error::AtNode {
                node: x,
                path: String::new(),
                message: format!(
                    "the node expects {expected} children but only {} were given",
                    expected - remaining
                ),
            });
        }
        let n = self.tree.kind.len();
        let mut end: Vec<NodeId> = (1..=n as NodeId).collect();
        for x in (1..n).rev() {
            let p = self.tree.parent[x] as usize;
            if end[x] > end[p] {
                end[p] = end[x];
            }
        }
        self.tree.end = end;
        // Bit `x % 64` of word `x / 64` for the nodes whose kind tag passes `keep`.
        let bits_of = |keep: fn(u8) -> bool| -> Vec<u64> {
            self.tree
                .kind
                .chunks(64)
                .map(|tags| tags.iter().enumerate().fold(0, |w, (b, &tag)| w | u64::from(keep(tag)) << b))
                .collect()
        };
        self.tree.decision_bits = bits_of(|tag| tag >= TAG_DECISION);
        self.tree.internal_bits = bits_of(|tag| tag != TAG_TERMINAL);
        self.tree.node_labels.sort();
        // Each player's information sets in output order.
        let mut seen = vec![false; self.tree.infosets.len()];
        let mut lists: Vec<Vec<InfosetId>> = vec![Vec::new(); self.tree.players.len()];
        for x in 0..n {
            if self.tree.kind[x] >= TAG_DECISION {
                let h = self.tree.data[x] as usize;
                if !seen[h] {
                    seen[h] = true;
                    lists[self.tree.infosets[h].player as usize].push(h as InfosetId);
                }
            }
        }
        if let Some(h) = seen.iter().position(|s| !s) {
            return Err(Error::Invalid(format!(
                "information set {} has no nodes",
                self.tree.infoset_name(h as InfosetId)
            )));
        }
        if self.number_infosets {
            for list in &lists {
                for (k, &h) in list.iter().enumerate() {
                    self.tree.infosets[h as usize].number = k as u32 + 1;
                }
            }
        } else {
            for list in &mut lists {
                list.sort_by_key(|&h| self.tree.infosets[h as usize].number);
            }
        }
        self.tree.player_infosets = lists;
        // A node and one of its descendants in the same information set is not a game tree a player
        // can face (the player would know they had moved).
        if !self.absent_minded_ok {
            check_infosets_not_nested(&self.tree)?;
        }
        self.tree.evaluate()?;
        Ok(self.tree)
    }
}

fn check_infosets_not_nested(t: &Tree) -> Result<(), Error> {
    if t.is_perfect_information() {
        return Ok(());
    }
    let members = t.infoset_members();
    for (h, nodes) in members.iter().enumerate() {
        if nodes.len() < 2 {
            continue;
        }
        // Nodes are sorted by pre-order, so a nested pair appears as consecutive members
        // where the second lies inside the first's subtree range, or a chain of such.
        let mut outer_end = 0;
        for &x in nodes {
            if x < outer_end {
                return Err(Error::AtNode {
                    node: x,
                    path: t.path_to(x),
                    message: format!(
                        "information set {} contains both this node and one of its ancestors",
                        t.infoset_name(h as InfosetId)
                    ),
                });
            }
            outer_end = outer_end.max(t.end(x));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    fn entry() -> Tree {
        let mut b = TreeBuilder::new("Entry", vec!["Entrant".into(), "Incumbent".into()]);
        b.add_parameter(Parameter::new("c", q("3"), "cost of fighting")).unwrap();
        let ab = b.actions(&["enter", "stay out"]).unwrap();
        let fa = b.actions(&["fight", "accommodate"]).unwrap();
        b.decision_new(0, ab).unwrap();
        b.decision_new(1, fa).unwrap();
        b.terminal(vec![Expr::parse("-1").unwrap(), Expr::parse("-c").unwrap()]).unwrap();
        b.terminal_values(&[q("1"), q("2")]).unwrap();
        b.terminal_values(&[q("0"), q("4")]).unwrap();
        b.finish().unwrap()
    }

    #[test]
    fn arena_navigation() {
        let t = entry();
        assert_eq!(t.len(), 5);
        assert_eq!(t.children(0).collect::<Vec<_>>(), vec![1, 4]);
        assert_eq!(t.children(1).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(t.end(1), 4);
        assert_eq!(t.parent(3), Some(1));
        assert_eq!(t.path_to(3), "enter > accommodate");
        assert_eq!(t.edge_label(4), "stay out");
        assert_eq!(t.payoffs(2), &[q("-1"), q("-3")]);
        assert!(t.is_perfect_information());
        assert_eq!(t.check_perfect_recall(), Ok(()));
    }

    #[test]
    fn parameters_reevaluate() {
        let mut t = entry();
        t.set_parameters(&[("c".into(), q("1/2"))]).unwrap();
        assert_eq!(t.payoffs(2)[1], q("-1/2"));
        let err = t.set_parameters(&[("cc".into(), q("1"))]).unwrap_err();
        assert_eq!(err.to_string(), "unknown parameter `cc` (did you mean `c`?)");
    }

    #[test]
    fn small_payoffs_follow_the_payoffs() {
        let mut t = entry();
        let ints = |v: &[i64]| v.iter().map(|&x| Q::from_int(x)).collect::<Vec<Q>>();
        assert_eq!(t.payoff_table(), ints(&[-1, -3, 1, 2, 0, 4]));
        assert_eq!(t.small_payoffs(), Some(&[-1, -3, 1, 2, 0, 4][..]));
        t.set_parameters(&[("c".into(), q("1/2"))]).unwrap();
        assert_eq!(t.small_payoffs(), None, "a fraction");
        t.set_parameters(&[("c".into(), q("-7"))]).unwrap();
        assert_eq!(t.small_payoffs(), Some(&[-1, 7, 1, 2, 0, 4][..]));
        t.set_parameters(&[("c".into(), q("-2147483648"))]).unwrap();
        assert_eq!(t.small_payoffs(), None, "2^31 does not fit i32");
        t.set_parameters(&[("c".into(), q("2147483648"))]).unwrap();
        assert_eq!(t.small_payoffs().unwrap()[1], i32::MIN);
        // With a chance node there is no table, integer payoffs or not.
        let mut b = TreeBuilder::new("C", vec!["A".into()]);
        b.chance(vec![("h".into(), Expr::parse("1/2").unwrap()), ("t".into(), Expr::parse("1/2").unwrap())])
            .unwrap();
        b.terminal_values(&[q("1")]).unwrap();
        b.terminal_values(&[q("2")]).unwrap();
        let c = b.finish().unwrap();
        assert!(c.has_chance_nodes() && c.small_payoffs().is_none());
        assert!(!t.has_chance_nodes());
        assert!(c.inline_payoffs() && t.inline_payoffs());
    }

    #[test]
    fn chance_small_payoffs_follow_the_payoffs() {
        // A chance move before entry deterrence, with the fighting cost a parameter.
        let mut b = TreeBuilder::new("C", vec!["Entrant".into(), "Incumbent".into()]);
        b.add_parameter(Parameter::new("c", q("3"), "cost of fighting")).unwrap();
        let ab = b.actions(&["enter", "stay out"]).unwrap();
        let fa = b.actions(&["fight", "accommodate"]).unwrap();
        b.chance(vec![("h".into(), Expr::parse("1/3").unwrap()), ("t".into(), Expr::parse("2/3").unwrap())])
            .unwrap();
        b.terminal_values(&[q("5"), q("-5")]).unwrap();
        b.decision_new(0, ab).unwrap();
        b.decision_new(1, fa).unwrap();
        b.terminal(vec![Expr::parse("-1").unwrap(), Expr::parse("-c").unwrap()]).unwrap();
        b.terminal_values(&[q("1"), q("2")]).unwrap();
        b.terminal_values(&[q("0"), q("4")]).unwrap();
        let mut t = b.finish().unwrap();
        assert!(t.has_chance_nodes() && t.small_payoffs().is_none());
        assert_eq!(t.chance_small_payoffs(), Some(&[5, -5, -1, -3, 1, 2, 0, 4][..]));
        t.set_parameters(&[("c".into(), q("1/2"))]).unwrap();
        assert_eq!(t.chance_small_payoffs(), None, "a fraction");
        t.set_parameters(&[("c".into(), q("-7"))]).unwrap();
        assert_eq!(t.chance_small_payoffs(), Some(&[5, -5, -1, 7, 1, 2, 0, 4][..]));
        t.set_parameters(&[("c".into(), q("-32768"))]).unwrap();
        assert_eq!(t.chance_small_payoffs(), None, "2^15 does not fit i16");
        t.set_parameters(&[("c".into(), q("32768"))]).unwrap();
        assert_eq!(t.chance_small_payoffs().unwrap()[3], i16::MIN);
        // The table counts in the arena's bytes once built.
        let mut u = t.clone();
        u.set_parameters(&[("c".into(), q("1/2"))]).unwrap();
        assert!(u.chance_small_payoffs().is_none());
        assert_eq!(t.heap_bytes(), u.heap_bytes() + 8 * 2);
        // Without chance nodes there is no `i16` table (the `i32` one serves).
        let e = entry();
        assert!(e.chance_small_payoffs().is_none() && e.small_payoffs().is_some());
    }

    #[test]
    fn chance_weights_are_probabilities_over_a_common_denominator() {
        let chance = |probs: &[&str]| {
            let mut b = TreeBuilder::new("C", vec!["A".into()]);
            b.chance(
                probs.iter().enumerate().map(|(k, p)| (format!("o{k}"), Expr::parse(p).unwrap())).collect(),
            )
            .unwrap();
            for k in 0..probs.len() {
                b.terminal_values(&[Q::from_int(k as i64)]).unwrap();
            }
            b.finish().unwrap()
        };
        let t = chance(&["1/6", "1/2", "0", "1/3"]);
        let w = t.chance_weights().unwrap();
        assert_eq!(w.of(0), &[1, 3, 0, 2]);
        for (p, &k) in t.chance_probs(0).iter().zip(w.of(0)) {
            assert_eq!(*p, Q::ratio(i64::from(k), 6).unwrap());
        }
        assert_eq!(chance(&["1"]).chance_weights().unwrap().of(0), &[1]);
        // A common denominator beyond u32: 1/65537 and 1/65539 are coprime (lcm about 2^32.0).
        let big = chance(&["1/65537", "1/65539", "1 - 1/65537 - 1/65539"]);
        assert!(big.chance_weights().is_none());
        assert!(entry().chance_weights().is_none(), "no chance nodes");
    }

    #[test]
    fn decision_nodes_rev_matches_the_kinds() {
        // A chain of 150 decision nodes, each with a leaf first: decisions at even nodes, across words.
        let mut b = TreeBuilder::new("Chain", vec!["A".into(), "B".into()]);
        let acts = b.actions(&["stop", "go"]).unwrap();
        for k in 0..150 {
            b.decision_new(k % 2, acts).unwrap();
            b.terminal_values(&[q("0"), q("0")]).unwrap();
        }
        b.terminal_values(&[q("1"), q("1")]).unwrap();
        let t = b.finish().unwrap();
        assert_eq!(t.len(), 301);
        for from in [0, 1, 62, 63, 64, 65, 127, 128, 200, 299, 300, 5000] {
            let want: Vec<NodeId> =
                (0..=from.min(300)).rev().filter(|&x| t.kind(x) == NodeKind::Decision).collect();
            assert_eq!(t.decision_nodes_rev(from).collect::<Vec<_>>(), want, "from {from}");
        }
        let leaf = TreeBuilder::new("Leaf", vec!["A".into()]);
        let mut leaf = leaf;
        leaf.terminal_values(&[q("1")]).unwrap();
        assert_eq!(leaf.finish().unwrap().decision_nodes_rev(0).count(), 0);
    }

    #[test]
    fn internal_nodes_rev_matches_the_kinds() {
        // A chain of 150 internal nodes, every third a chance node, each with a leaf first.
        let mut b = TreeBuilder::new("Chain", vec!["A".into(), "B".into()]);
        let acts = b.actions(&["stop", "go"]).unwrap();
        let half = || Expr::parse("1/2").unwrap();
        for k in 0..150 {
            if k % 3 == 0 {
                b.chance(vec![("h".into(), half()), ("t".into(), half())]).unwrap();
            } else {
                b.decision_new(k % 2, acts).unwrap();
            }
            b.terminal_values(&[q("0"), q("0")]).unwrap();
        }
        b.terminal_values(&[q("1"), q("1")]).unwrap();
        let t = b.finish().unwrap();
        for from in [0, 1, 62, 63, 64, 65, 127, 128, 200, 299, 300, 5000] {
            let want: Vec<NodeId> =
                (0..=from.min(300)).rev().filter(|&x| t.kind(x) != NodeKind::Terminal).collect();
            assert_eq!(t.internal_nodes_rev(from).collect::<Vec<_>>(), want, "from {from}");
        }
    }

    #[test]
    fn chance_probabilities_are_checked() {
        let mut b = TreeBuilder::new("C", vec!["A".into()]);
        b.chance(vec![("h".into(), Expr::parse("1/2").unwrap()), ("t".into(), Expr::parse("2/5").unwrap())])
            .unwrap();
        b.terminal_values(&[q("1")]).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        let err = b.finish().unwrap_err();
        assert_eq!(err.to_string(), "node 0: chance probabilities sum to 9/10, not 1");
    }

    #[test]
    fn structural_errors() {
        let mut b = TreeBuilder::new("E", vec!["A".into(), "B".into()]);
        assert_eq!(
            b.terminal_values(&[q("1")]).unwrap_err().to_string(),
            "a terminal node needs 2 payoffs (one per player), found 1"
        );
        assert_eq!(
            b.actions(&["x", "x"]).unwrap_err().to_string(),
            "action label `x` is used twice at one decision"
        );
        let ab = b.actions(&["l", "r"]).unwrap();
        b.decision_new(0, ab).unwrap();
        b.terminal_values(&[q("1"), q("1")]).unwrap();
        assert_eq!(
            b.finish().unwrap_err().to_string(),
            "node 0: the node expects 2 children but only 1 were given"
        );
    }

    #[test]
    fn imperfect_recall_is_reported() {
        // A forgets its own first move: both second-stage nodes share one information set.
        let mut b = TreeBuilder::new("Forgetful", vec!["A".into()]);
        let lr = b.actions(&["l", "r"]).unwrap();
        let h = b.infoset(0, "second", lr).unwrap();
        b.decision_new(0, lr).unwrap();
        b.decision(h).unwrap();
        b.terminal_values(&[q("1")]).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        b.decision(h).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        b.terminal_values(&[q("1")]).unwrap();
        let t = b.finish().unwrap();
        assert!(!t.is_perfect_information());
        let msg = t.check_perfect_recall().unwrap_err();
        assert!(msg.starts_with("A's information set `second` forgets"), "{msg}");
    }

    #[test]
    fn movers_beyond_the_tag_range() {
        // Players from 253 on share the last node tag and are read from the information set.
        let players: Vec<String> = (0..300).map(|i| format!("P{i}")).collect();
        let mut b = TreeBuilder::new("Many", players);
        let ab = b.actions(&["a", "b"]).unwrap();
        let movers = [0, 252, 253, 254, 299];
        for &p in &movers {
            b.decision_new(p, ab).unwrap();
            b.terminal_values(&vec![Q::zero(); 300]).unwrap();
        }
        b.terminal_values(&vec![Q::one(); 300]).unwrap();
        let t = b.finish().unwrap();
        let deciders: Vec<usize> = (0..t.len() as NodeId)
            .filter(|&x| t.kind(x) == NodeKind::Decision)
            .map(|x| t.player_of(x))
            .collect();
        assert_eq!(deciders, movers);
        assert!(t.is_perfect_information());
        assert_eq!(t.kind(1), NodeKind::Terminal);
    }

    #[test]
    fn deep_chain_builds_without_recursion() {
        let depth = 1_000_000;
        let mut b = TreeBuilder::new("Chain", vec!["A".into()]);
        let acts = b.actions(&["stop", "go"]).unwrap();
        for _ in 0..depth {
            b.decision_new(0, acts).unwrap();
            b.terminal_values(&[Q::zero()]).unwrap();
        }
        b.terminal_values(&[Q::one()]).unwrap();
        let t = b.finish().unwrap();
        assert_eq!(t.len(), 2 * depth + 1);
        assert_eq!(t.end(0) as usize, t.len());
    }
}
