//! Exact deterrence thresholds: every value of one parameter θ at which the subgame-perfect plan of
//! a tree changes, on or off the equilibrium path.
//!
//! **Class:** the trees [`crate::spe`] solves exactly by pure choices: perfect information (with
//! chance), and subgame decompositions whose regions are either all singleton information sets or a
//! one-player decision problem (perfect recall), as in `credibility`; payoffs and chance
//! probabilities must be polynomials in θ (θ may not appear in a denominator). A decision
//! problem's information set compares its actions by chance-weighted totals over its nodes, the
//! weights being polynomials too, so the sweep below applies unchanged. **Returns:** the thresholds in the open range `(from, to)`,
//! each exact (a rational) or bracketed (an isolating interval of width at most `precision` for an
//! irrational root), and the regions between them with their plan, path and payoffs as polynomials
//! in θ. **Complexity:** O(N · (breakpoints + 1)) polynomial operations.
//! **Method:** the exact parametric sweep of ALGORITHMS.md §16.1: fix the plan that is optimal just
//! right of the current θ (children compared by the sign of their value difference just to the right,
//! so ties resolve by the slope, then higher derivatives), compute every node's value as a polynomial
//! under that plan, find the smallest root beyond θ of every "chosen minus alternative" difference at
//! every decision node, step there, and recompute the plan just right of it. Because every possible
//! change of the plan is a root of one of those differences while the plan is fixed, no threshold
//! between two steps can be missed; nothing is sampled.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};

use crate::error::Error;
use crate::poly::{Poly, Root};

/// Options for [`analyze`].
#[derive(Clone, Debug)]
pub struct Options {
    /// The lower end of the range.
    pub from: Q,
    /// The upper end of the range.
    pub to: Q,
    /// The largest width of an isolating interval for an irrational threshold.
    pub precision: Q,
    /// Stop after this many thresholds.
    pub max_thresholds: usize,
}

/// A decision node where the mover is indifferent at a threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indifference {
    /// The node.
    pub node: NodeId,
    /// The mover.
    pub player: usize,
    /// The tied actions (indices, in action order).
    pub actions: Vec<u32>,
    /// The action chosen just below the threshold.
    pub before: u32,
    /// The action chosen just above.
    pub after: u32,
}

/// A value of θ where the subgame-perfect plan changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// Where: exact, or bracketed.
    pub value: Root,
    /// True when the equilibrium path or payoffs change there (false: only off-path play changes).
    pub changes_outcome: bool,
    /// The nodes whose choice changes.
    pub indifferences: Vec<Indifference>,
}

/// An interval of θ with one subgame-perfect plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The lower end (the range's start or a threshold).
    pub from: Root,
    /// The upper end.
    pub to: Root,
    /// The chosen action at every information set (as `Profile::Pure`).
    pub plan: Vec<u32>,
    /// Each player's equilibrium payoff as a polynomial in θ.
    pub payoffs: Vec<Poly>,
    /// A rational point inside the region.
    pub sample: Q,
}

/// The result of [`analyze`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// The parameter.
    pub parameter: String,
    /// The thresholds, in increasing order.
    pub thresholds: Vec<Threshold>,
    /// The regions: one more than the thresholds, in order.
    pub regions: Vec<Region>,
    /// True when the sweep reached the end of the range (false when `max_thresholds` stopped it).
    pub complete: bool,
}

/// The tree read as polynomials in θ.
struct Symbolic<'t> {
    tree: &'t Tree,
    /// Leaf payoffs, `n_players` per leaf row.
    payoffs: Vec<Poly>,
    /// Chance probabilities, per chance node, in child order (indexed by node).
    probs: Vec<Vec<Poly>>,
}

fn to_poly(tree: &Tree, e: &redline_models::expr::Expr, theta: &str) -> Result<Poly, Error> {
    let lookup = |name: &str| {
        tree.parameters().iter().position(|p| p.name == name).map(|k| tree.parameter_values()[k].clone())
    };
    crate::threshold_mixed::expr_poly(e, theta, &lookup)
}

impl<'t> Symbolic<'t> {
    fn new(tree: &'t Tree, theta: &str) -> Result<Symbolic<'t>, Error> {
        let mut payoffs = Vec::with_capacity(tree.payoff_table().len());
        let mut probs = vec![Vec::new(); tree.len()];
        let mut rows: Vec<(u32, Vec<Poly>)> = Vec::new();
        for x in 0..tree.len() as NodeId {
            match tree.kind(x) {
                NodeKind::Terminal => {
                    let polys = match tree.payoff_exprs(x) {
                        Some(es) => {
                            es.iter().map(|e| to_poly(tree, e, theta)).collect::<Result<Vec<_>, _>>()?
                        }
                        None => tree.payoffs(x).iter().cloned().map(Poly::constant).collect(),
                    };
                    rows.push((tree.leaf_row(x), polys));
                }
                NodeKind::Chance => {
                    probs[x as usize] = match tree.prob_exprs(x) {
                        Some(es) => {
                            es.iter().map(|e| to_poly(tree, e, theta)).collect::<Result<Vec<_>, _>>()?
                        }
                        None => tree.chance_probs(x).iter().cloned().map(Poly::constant).collect(),
                    };
                }
                NodeKind::Decision => {}
            }
        }
        rows.sort_by_key(|(r, _)| *r);
        for (_, polys) in rows {
            payoffs.extend(polys);
        }
        debug_assert_eq!(payoffs.len(), tree.payoff_table().len(), "one polynomial per payoff");
        Ok(Symbolic { tree, payoffs, probs })
    }
}

/// Node values under a plan: leaves and chance nodes own rows; decision nodes point at a child's.
struct Values {
    /// Row of each node.
    node_row: Vec<usize>,
    /// Rows of polynomials, `n_players` each. Rows `0..leaves` are the leaves' payoffs.
    rows: Vec<Poly>,
    n: usize,
}

impl Values {
    fn get(&self, x: NodeId) -> &[Poly] {
        let r = self.node_row[x as usize];
        &self.rows[r * self.n..(r + 1) * self.n]
    }
}

/// Node values under the plan that is optimal just right of `at` (ties: the first action), which
/// is written into `choice`.
fn evaluate(sym: &Symbolic, at: &Q, choice: &mut [u32]) -> Values {
    let t = sym.tree;
    let n = t.n_players();
    let mut rows = sym.payoffs.clone();
    let mut node_row = vec![0usize; t.len()];
    for x in (0..t.len() as NodeId).rev() {
        match t.kind(x) {
            NodeKind::Terminal => node_row[x as usize] = t.leaf_row(x) as usize,
            NodeKind::Chance => {
                let mut acc = vec![Poly::zero(); n];
                for (c, p) in t.children(x).zip(&sym.probs[x as usize]) {
                    let r = node_row[c as usize];
                    for (i, a) in acc.iter_mut().enumerate() {
                        *a = a.add(&p.mul(&rows[r * n + i]));
                    }
                }
                node_row[x as usize] = rows.len() / n;
                rows.extend(acc);
            }
            NodeKind::Decision => {
                let k = best_child(t, x, &rows, &node_row, n, at);
                choice[x as usize] = k as u32;
                node_row[x as usize] = node_row[t.child(x, k) as usize];
            }
        }
    }
    Values { node_row, rows, n }
}

/// The mover's best child of decision node `x` just right of `at` (ties: the first).
fn best_child(t: &Tree, x: NodeId, rows: &[Poly], node_row: &[usize], n: usize, at: &Q) -> usize {
    let i = t.player_of(x);
    let mut k = 0usize;
    let mut rb = node_row[t.child(x, 0) as usize];
    for (j, c) in t.children(x).enumerate().skip(1) {
        let rj = node_row[c as usize];
        if rows[rj * n + i].sub(&rows[rb * n + i]).sign_right_of(at) > 0 {
            k = j;
            rb = rj;
        }
    }
    k
}

/// How an imperfect-information tree decomposes, as `spe` solves it: subgames innermost first,
/// each either a region of singleton information sets (backward induction) or a decision problem
/// of one player (with chance), whose information sets are compared by chance-weighted values.
struct Decomposition {
    /// The regions, innermost first.
    regions: Vec<RegionPlan>,
    /// Chance-reach weight of each node from its region's root (decision-problem regions only).
    weight: Vec<Poly>,
}

struct RegionPlan {
    root: NodeId,
    /// Region nodes in pre-order (inner subgame roots included, their insides excluded).
    nodes: Vec<NodeId>,
    /// The region's own decision nodes (not those of inner subgames).
    deciders: Vec<NodeId>,
    /// For a decision problem: the player and its information sets' nodes, deepest set first.
    problem: Option<(usize, Vec<Vec<NodeId>>)>,
}

impl Decomposition {
    fn new(sym: &Symbolic) -> Result<Decomposition, Error> {
        let t = sym.tree;
        let roots = crate::spe::subgame_roots(t);
        let mut regions = Vec::new();
        let mut weight = vec![Poly::zero(); t.len()];
        let mut recall_checked = false;
        for r in (0..t.len() as NodeId).rev() {
            if !roots[r as usize] || t.kind(r) == NodeKind::Terminal {
                continue;
            }
            let (mut nodes, mut players, mut sets) = (Vec::new(), Vec::new(), Vec::new());
            let (mut x, end) = (r, t.end(r));
            while x < end {
                nodes.push(x);
                if x != r && roots[x as usize] && t.kind(x) != NodeKind::Terminal {
                    x = t.end(x);
                    continue;
                }
                if t.kind(x) == NodeKind::Decision {
                    if !players.contains(&t.player_of(x)) {
                        players.push(t.player_of(x));
                    }
                    sets.push((t.infoset_of(x), x));
                }
                x += 1;
            }
            let deciders: Vec<NodeId> = sets.iter().map(|&(_, x)| x).collect();
            sets.sort_unstable();
            let singletons = sets.windows(2).all(|w| w[0].0 != w[1].0);
            let problem = if singletons {
                None
            } else if players.len() == 1 {
                if !recall_checked {
                    t.check_perfect_recall()
                        .map_err(|reason| Error::Unsupported { method: "threshold", reason })?;
                    recall_checked = true;
                }
                let mut members: Vec<Vec<NodeId>> = Vec::new();
                for w in sets.chunk_by(|a, b| a.0 == b.0) {
                    members.push(w.iter().map(|&(_, x)| x).collect());
                }
                // Deepest first: with perfect recall, a set below a node of h has a larger first node.
                members.sort_by_key(|m| std::cmp::Reverse(m[0]));
                weight[r as usize] = Poly::constant(Q::one());
                for &x in &nodes {
                    if (x != r && roots[x as usize]) || t.kind(x) == NodeKind::Terminal {
                        continue;
                    }
                    let w = weight[x as usize].clone();
                    for (k, c) in t.children(x).enumerate() {
                        weight[c as usize] = match t.kind(x) {
                            NodeKind::Chance => w.mul(&sym.probs[x as usize][k]),
                            _ => w.clone(),
                        };
                    }
                }
                Some((players[0], members))
            } else {
                let names: Vec<&str> = players.iter().map(|&p| t.players()[p].as_str()).collect();
                return Err(Error::Unsupported {
                    method: "threshold",
                    reason: format!(
                        "in the subgame at node {r}, {} move and one of them cannot observe everything \
                         before its move; exact thresholds cover perfect information and one-player \
                         information sets",
                        names.join(" and ")
                    ),
                });
            };
            regions.push(RegionPlan { root: r, nodes, deciders, problem });
        }
        Ok(Decomposition { regions, weight })
    }

    /// The chance-weighted value of action `k` over the nodes of one information set.
    fn action_total(&self, t: &Tree, vals: &Values, nodes: &[NodeId], i: usize, k: usize) -> Poly {
        let mut total = Poly::zero();
        for &x in nodes {
            total = total.add(&self.weight[x as usize].mul(&vals.get(t.child(x, k))[i]));
        }
        total
    }
}

/// [`evaluate`] for imperfect-information trees, following the decomposition.
fn evaluate_decomposed(sym: &Symbolic, dec: &Decomposition, at: &Q, choice: &mut [u32]) -> Values {
    let t = sym.tree;
    let n = t.n_players();
    let mut vals = Values { node_row: vec![usize::MAX; t.len()], rows: sym.payoffs.clone(), n };
    for x in 0..t.len() as NodeId {
        if t.kind(x) == NodeKind::Terminal {
            vals.node_row[x as usize] = t.leaf_row(x) as usize;
        }
    }
    for region in &dec.regions {
        match &region.problem {
            None => {
                for &x in region.nodes.iter().rev() {
                    if vals.node_row[x as usize] == usize::MAX {
                        settle(sym, &mut vals, x, choice, at);
                    }
                }
            }
            Some((i, members)) => {
                for nodes in members {
                    let n_actions = t.children(nodes[0]).count();
                    for &x in nodes {
                        for c in t.children(x) {
                            fill(sym, &mut vals, c, choice);
                        }
                    }
                    let mut best = 0;
                    let mut best_total = dec.action_total(t, &vals, nodes, *i, 0);
                    for k in 1..n_actions {
                        let total = dec.action_total(t, &vals, nodes, *i, k);
                        if total.sub(&best_total).sign_right_of(at) > 0 {
                            best = k;
                            best_total = total;
                        }
                    }
                    for &x in nodes {
                        choice[x as usize] = best as u32;
                    }
                }
                fill(sym, &mut vals, region.root, choice);
            }
        }
    }
    vals
}

/// Gives node `x` its value once its children have theirs: chance nodes average, decision nodes
/// take their chosen child (choosing first at singleton nodes, by [`best_child`]).
fn settle(sym: &Symbolic, vals: &mut Values, x: NodeId, choice: &mut [u32], at: &Q) {
    let t = sym.tree;
    let n = vals.n;
    match t.kind(x) {
        NodeKind::Terminal => vals.node_row[x as usize] = t.leaf_row(x) as usize,
        NodeKind::Chance => {
            let mut acc = vec![Poly::zero(); n];
            for (c, p) in t.children(x).zip(&sym.probs[x as usize]) {
                let r = vals.node_row[c as usize];
                for (i, a) in acc.iter_mut().enumerate() {
                    *a = a.add(&p.mul(&vals.rows[r * n + i]));
                }
            }
            vals.node_row[x as usize] = vals.rows.len() / n;
            vals.rows.extend(acc);
        }
        NodeKind::Decision => {
            if choice[x as usize] == u32::MAX {
                choice[x as usize] = best_child(t, x, &vals.rows, &vals.node_row, n, at) as u32;
            }
            vals.node_row[x as usize] = vals.node_row[t.child(x, choice[x as usize] as usize) as usize];
        }
    }
}

/// Values the not yet valued part of the subtree of `x` under decided choices (post-order with an
/// explicit stack: no recursion on the tree's depth).
fn fill(sym: &Symbolic, vals: &mut Values, x: NodeId, choice: &mut [u32]) {
    let t = sym.tree;
    let mut stack = vec![(x, false)];
    while let Some((y, expanded)) = stack.pop() {
        if vals.node_row[y as usize] != usize::MAX {
            continue;
        }
        if expanded {
            debug_assert!(t.kind(y) != NodeKind::Decision || choice[y as usize] != u32::MAX);
            // Decided choices only: the point is irrelevant.
            settle(sym, vals, y, choice, &Q::zero());
        } else {
            stack.push((y, true));
            stack.extend(
                t.children(y).filter(|&c| vals.node_row[c as usize] == usize::MAX).map(|c| (c, false)),
            );
        }
    }
}

/// One alternative to the current plan: at a decision point (a node, or the first node of a
/// decision problem's information set), the mover's value of the chosen action minus action
/// `action`'s.
struct Diff {
    node: NodeId,
    player: usize,
    action: u32,
    poly: Poly,
}

/// Every alternative to the current plan, with its value difference as a polynomial in θ.
fn differences(sym: &Symbolic, dec: Option<&Decomposition>, vals: &Values, choice: &[u32]) -> Vec<Diff> {
    let t = sym.tree;
    let mut out = Vec::new();
    let at_node = |x: NodeId, out: &mut Vec<Diff>| {
        let i = t.player_of(x);
        let chosen = t.child(x, choice[x as usize] as usize);
        for (k, c) in t.children(x).enumerate() {
            if c != chosen {
                let poly = vals.get(chosen)[i].sub(&vals.get(c)[i]);
                out.push(Diff { node: x, player: i, action: k as u32, poly });
            }
        }
    };
    match dec {
        None => {
            for x in (0..t.len() as NodeId).filter(|&x| t.kind(x) == NodeKind::Decision) {
                at_node(x, &mut out);
            }
        }
        Some(dec) => {
            for region in &dec.regions {
                match &region.problem {
                    None => {
                        for &x in &region.deciders {
                            at_node(x, &mut out);
                        }
                    }
                    Some((i, members)) => {
                        for nodes in members {
                            let chosen = choice[nodes[0] as usize] as usize;
                            let base = dec.action_total(t, vals, nodes, *i, chosen);
                            for k in (0..t.children(nodes[0]).count()).filter(|&k| k != chosen) {
                                let poly = base.sub(&dec.action_total(t, vals, nodes, *i, k));
                                out.push(Diff { node: nodes[0], player: *i, action: k as u32, poly });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The smallest root in `(at, to)` of any chosen-minus-alternative difference.
fn next_event(diffs: &[Diff], at: &Q, opts: &Options) -> Option<Root> {
    let mut best: Option<Root> = None;
    for d in diffs.iter().map(|d| &d.poly).filter(|p| p.degree().unwrap_or(0) > 0) {
        let upper_bound = best.as_ref().map_or(&opts.to, |b| b.upper());
        if let Some(r) = d.smallest_root_in(at, upper_bound, &opts.precision) {
            if r.upper() == &opts.to && matches!(r, Root::Exact(_)) {
                continue;
            }
            best = Some(match best {
                None => r,
                Some(b) => choose_smaller(b, r),
            });
        }
    }
    best
}

/// The smaller of two roots; brackets are refined until they separate (or shown to be equal).
fn choose_smaller(a: Root, b: Root) -> Root {
    match (&a, &b) {
        (Root::Exact(x), Root::Exact(y)) => {
            if x <= y {
                a
            } else {
                b
            }
        }
        _ => {
            if a.upper() <= b.lower() {
                return a;
            }
            if b.upper() <= a.lower() {
                return b;
            }
            // Overlapping brackets of one root (of two polynomials) never separate: keep the first.
            if let (
                Root::Interval { poly: pa, lower: la, upper: ua },
                Root::Interval { poly: pb, lower: lb, upper: ub },
            ) = (&a, &b)
                && pa.shares_root_in(pb, la.max(lb), ua.min(ub))
            {
                return a;
            }
            // Overlapping: refine both.
            let refine = |r: &Root| -> Root {
                match r {
                    Root::Exact(_) => r.clone(),
                    Root::Interval { poly, lower, upper } => {
                        let width = upper - lower;
                        let finer = &width * &Q::ratio(1, 1024).expect("nonzero");
                        poly.smallest_root_in(lower, upper, &finer).unwrap_or_else(|| r.clone())
                    }
                }
            };
            let (ra, rb) = (refine(&a), refine(&b));
            if ra == a && rb == b {
                // Cannot separate further: the same root (or both exact). Keep the first.
                return a;
            }
            choose_smaller(ra, rb)
        }
    }
}

fn path_of(t: &Tree, choice: &[u32]) -> Vec<(NodeId, u32)> {
    let mut out = Vec::new();
    let mut x = 0;
    while t.kind(x) == NodeKind::Decision {
        let k = choice[x as usize];
        out.push((x, k));
        x = t.child(x, k as usize);
    }
    out
}

fn infoset_plan(t: &Tree, choice: &[u32]) -> Vec<u32> {
    let mut plan = vec![0; t.infosets().len()];
    for x in 0..t.len() as NodeId {
        if t.kind(x) == NodeKind::Decision {
            plan[t.infoset_of(x) as usize] = choice[x as usize];
        }
    }
    plan
}

/// Finds every threshold of parameter `theta` in `(from, to)`.
///
/// # Errors
/// [`Error::Unsupported`] for subgames where several players move at non-singleton information
/// sets, imperfect recall in a decision problem, an unknown parameter, θ in a denominator, or an
/// empty range.
///
/// # Examples
/// ```
/// use redline_models::tree::{TreeBuilder, Parameter};
/// use redline_models::expr::Expr;
/// use redline_models::number::Q;
/// use redline_solver::threshold::{analyze, Options};
/// let mut b = TreeBuilder::new("Entry", vec!["Entrant".into(), "Incumbent".into()]);
/// b.add_parameter(Parameter::new("c", Q::from_int(3), "cost of a fight")).unwrap();
/// let ab = b.actions(&["enter", "stay out"]).unwrap();
/// let fa = b.actions(&["fight", "accommodate"]).unwrap();
/// b.decision_new(0, ab).unwrap();
/// b.decision_new(1, fa).unwrap();
/// b.terminal(vec![Expr::parse("-1").unwrap(), Expr::parse("2 - c").unwrap()]).unwrap();
/// b.terminal_values(&[Q::from_int(1), Q::from_int(1)]).unwrap();
/// b.terminal_values(&[Q::from_int(0), Q::from_int(4)]).unwrap();
/// let tree = b.finish().unwrap();
/// let opts = Options { from: Q::zero(), to: Q::from_int(10), precision: "1e-12".parse().unwrap(), max_thresholds: 100 };
/// let a = analyze(&tree, "c", &opts).unwrap();
/// assert_eq!(a.thresholds.len(), 1); // fighting stops being credible at c = 1
/// assert_eq!(a.thresholds[0].value.lower(), &Q::from_int(1));
/// ```
pub fn analyze(tree: &Tree, theta: &str, opts: &Options) -> Result<Analysis, Error> {
    if !tree.parameters().iter().any(|p| p.name == theta) {
        let names: Vec<&str> = tree.parameters().iter().map(|p| p.name.as_str()).collect();
        return Err(Error::Unsupported {
            method: "threshold",
            reason: format!(
                "the game has no parameter `{theta}` (its parameters: {})",
                if names.is_empty() { "none".to_string() } else { names.join(", ") }
            ),
        });
    }
    if opts.from >= opts.to {
        return Err(Error::Unsupported {
            method: "threshold",
            reason: format!("the range [{}, {}] is empty", opts.from, opts.to),
        });
    }
    let sym = Symbolic::new(tree, theta)?;
    let mut rec = Recorder::new(opts);
    if tree.is_perfect_information() {
        Kinetic::new(&sym, opts.from.clone(), opts).sweep(&mut rec);
    } else {
        let dec = Decomposition::new(&sym)?;
        full_sweep(&sym, Some(&dec), opts, &mut rec);
    }
    Ok(Analysis {
        parameter: theta.into(),
        thresholds: rec.thresholds,
        regions: rec.regions,
        complete: rec.complete,
    })
}

/// The thresholds and regions found so far.
struct Recorder<'a> {
    opts: &'a Options,
    thresholds: Vec<Threshold>,
    regions: Vec<Region>,
    /// Where the current region starts.
    start: Root,
    complete: bool,
}

impl<'a> Recorder<'a> {
    fn new(opts: &'a Options) -> Recorder<'a> {
        Recorder {
            opts,
            thresholds: Vec::new(),
            regions: Vec::new(),
            start: Root::Exact(opts.from.clone()),
            complete: false,
        }
    }

    /// Closes the sweep with the last region, from the last threshold (sample between `lo` and the
    /// range's end); `complete` says whether the range's end was reached.
    fn last(&mut self, plan: Vec<u32>, payoffs: Vec<Poly>, lo: &Q, complete: bool) {
        let to = Root::Exact(self.opts.to.clone());
        let from = std::mem::replace(&mut self.start, to.clone());
        self.regions.push(Region { from, to, plan, payoffs, sample: midpoint(lo, &self.opts.to) });
        self.complete = complete;
    }

    /// Records a threshold at `r` and the region before it (plan and payoffs, sample between `lo`
    /// and `hi`); true when `max_thresholds` is reached.
    fn threshold(&mut self, th: Threshold, plan: Vec<u32>, payoffs: Vec<Poly>, lo: &Q, hi: &Q) -> bool {
        let from = std::mem::replace(&mut self.start, th.value.clone());
        self.regions.push(Region { from, to: th.value.clone(), plan, payoffs, sample: midpoint(lo, hi) });
        self.thresholds.push(th);
        self.thresholds.len() >= self.opts.max_thresholds
    }
}

fn midpoint(lo: &Q, hi: &Q) -> Q {
    &(lo + hi) * &Q::ratio(1, 2).expect("nonzero")
}

/// The full sweep's state just right of `at`: the plan and every node's value under it.
struct Full {
    at: Q,
    choice: Vec<u32>,
    vals: Values,
}

impl Full {
    fn new(sym: &Symbolic, dec: Option<&Decomposition>, at: Q) -> Full {
        let mut choice = vec![u32::MAX; sym.tree.len()];
        let vals = evaluate_any(sym, dec, &at, &mut choice);
        Full { at, choice, vals }
    }
}

fn evaluate_any(sym: &Symbolic, dec: Option<&Decomposition>, at: &Q, choice: &mut [u32]) -> Values {
    choice.fill(u32::MAX);
    match dec {
        None => evaluate(sym, at, choice),
        Some(d) => evaluate_decomposed(sym, d, at, choice),
    }
}

/// The sweep that recomputes everything at every step (O(N) per step): the decomposed
/// (imperfect-information) path, and the reference the incremental one is tested against.
fn full_sweep(sym: &Symbolic, dec: Option<&Decomposition>, opts: &Options, rec: &mut Recorder) {
    let mut st = Full::new(sym, dec, opts.from.clone());
    while let Some(next) = full_step(sym, dec, opts, rec, st) {
        st = next;
    }
}

/// One step of the full sweep: finds the next event beyond `st.at`, records the threshold there
/// (if the plan changes) and returns the state just right of it, or `None` once the sweep is over.
fn full_step(
    sym: &Symbolic,
    dec: Option<&Decomposition>,
    opts: &Options,
    rec: &mut Recorder,
    st: Full,
) -> Option<Full> {
    let tree = sym.tree;
    let Full { at, choice, vals } = st;
    let diffs = differences(sym, dec, &vals, &choice);
    let Some(mut r) = next_event(&diffs, &at, opts) else {
        rec.last(infoset_plan(tree, &choice), vals.get(0).to_vec(), &at, true);
        return None;
    };
    // The plan just right of the event, computed at a rational point: the root itself when exact;
    // for a bracket, its upper end once no other event lies between the root and it.
    let mut new_choice = vec![u32::MAX; tree.len()];
    let mut new_vals;
    loop {
        let point = r.upper().clone();
        new_vals = evaluate_any(sym, dec, &point, &mut new_choice);
        match &r {
            Root::Exact(_) => break,
            Root::Interval { poly, lower, upper } => {
                let check = next_event(&diffs, lower, opts);
                let clear = check.as_ref().is_none_or(|c| c.upper() >= upper || c == &r);
                if clear {
                    break;
                }
                let finer = &(upper - lower) * &Q::ratio(1, 16).expect("nonzero");
                match poly.smallest_root_in(lower, upper, &finer) {
                    Some(s) if s != r => r = s,
                    _ => break,
                }
            }
        }
    }
    let point = r.upper().clone();
    if new_choice != choice {
        // Decision points whose choice changes (for an information set, its first node).
        let mut indifferences: Vec<Indifference> = Vec::new();
        for d in &diffs {
            let x = d.node;
            if new_choice[x as usize] == choice[x as usize] {
                continue;
            }
            if indifferences.last().is_none_or(|last| last.node != x) {
                indifferences.push(Indifference {
                    node: x,
                    player: d.player,
                    actions: vec![choice[x as usize]],
                    before: choice[x as usize],
                    after: new_choice[x as usize],
                });
            }
            if at_root(&r, &d.poly) {
                indifferences.last_mut().expect("pushed").actions.push(d.action);
            }
        }
        for ind in &mut indifferences {
            ind.actions.sort_unstable();
        }
        indifferences.sort_by_key(|ind| ind.node);
        let after_payoffs = new_vals.get(0);
        let changes_outcome =
            path_of(tree, &new_choice) != path_of(tree, &choice) || after_payoffs != vals.get(0);
        let th = Threshold { value: r, changes_outcome, indifferences };
        if rec.threshold(th, infoset_plan(tree, &choice), vals.get(0).to_vec(), &at, &point) {
            rec.last(infoset_plan(tree, &new_choice), new_vals.get(0).to_vec(), &point, false);
            return None;
        }
    }
    Some(Full { at: point, choice: new_choice, vals: new_vals })
}

/// The incremental (kinetic) sweep for perfect-information trees. Between steps it keeps every
/// node's value (decision nodes point at a leaf's or chance node's row; chance rows are updated in
/// place), the plan, and each decision node's next event: the smallest root beyond the current θ
/// of its chosen-minus-alternative differences, in a min-heap keyed by the event's lower end
/// (stale entries are skipped by a per-node stamp). At an exact event θ*, only the nodes whose
/// event is θ* can change their choice just right of θ* (every other node's differences keep their
/// signs), and then only their ancestors' values: those are re-chosen, re-valued and given new
/// events bottom-up, so a step costs the paths to the root, not the tree. An irrational event
/// (a bracket) takes one step of [`full_step`], which refines the bracket against every other
/// event, and the state is rebuilt after it.
struct Kinetic<'s, 't> {
    sym: &'s Symbolic<'t>,
    opts: &'s Options,
    /// Players.
    n: usize,
    /// Leaf payoff rows (rows below this index are `sym.payoffs` rows, the others chance rows).
    leaf_rows: u32,
    /// The row of each node's value.
    row: Vec<u32>,
    /// The rows of chance nodes, `n` polynomials each, in node order.
    chance: Vec<Poly>,
    at: Q,
    choice: Vec<u32>,
    /// The chosen action per information set.
    plan: Vec<u32>,
    /// The next event of each decision node (beyond `at`).
    event: Vec<Option<Root>>,
    stamp: Vec<u32>,
    heap: BinaryHeap<Reverse<(Q, NodeId, u32)>>,
    /// Scratch flags: in the current step's update set; value changed in this step.
    in_set: Vec<bool>,
    changed: Vec<bool>,
}

impl<'s, 't> Kinetic<'s, 't> {
    fn new(sym: &'s Symbolic<'t>, at: Q, opts: &'s Options) -> Kinetic<'s, 't> {
        let t = sym.tree;
        let n = t.n_players();
        let len = t.len();
        let leaf_rows = (sym.payoffs.len() / n.max(1)) as u32;
        let mut row = vec![0u32; len];
        let mut next_slot = leaf_rows;
        for x in 0..len as NodeId {
            if t.kind(x) == NodeKind::Chance {
                row[x as usize] = next_slot;
                next_slot += 1;
            }
        }
        let mut k = Kinetic {
            sym,
            opts,
            n,
            leaf_rows,
            row,
            chance: vec![Poly::zero(); (next_slot - leaf_rows) as usize * n],
            at,
            choice: vec![u32::MAX; len],
            plan: vec![0; t.infosets().len()],
            event: vec![None; len],
            stamp: vec![0; len],
            heap: BinaryHeap::new(),
            in_set: vec![false; len],
            changed: vec![false; len],
        };
        for x in (0..len as NodeId).rev() {
            match t.kind(x) {
                NodeKind::Terminal => k.row[x as usize] = t.leaf_row(x),
                NodeKind::Chance => k.value_chance(x),
                NodeKind::Decision => {
                    k.choose(x);
                    k.schedule(x);
                }
            }
        }
        k
    }

    fn value(&self, x: NodeId) -> &[Poly] {
        let (r, n) = (self.row[x as usize], self.n);
        if r < self.leaf_rows {
            &self.sym.payoffs[r as usize * n..(r as usize + 1) * n]
        } else {
            let s = (r - self.leaf_rows) as usize;
            &self.chance[s * n..(s + 1) * n]
        }
    }

    /// Recomputes chance node `x`'s row from its children's values.
    fn value_chance(&mut self, x: NodeId) {
        let (t, n) = (self.sym.tree, self.n);
        let mut acc = vec![Poly::zero(); n];
        for (c, p) in t.children(x).zip(&self.sym.probs[x as usize]) {
            for (a, v) in acc.iter_mut().zip(self.value(c)) {
                *a = a.add(&p.mul(v));
            }
        }
        let s = (self.row[x as usize] - self.leaf_rows) as usize;
        for (slot, a) in self.chance[s * n..(s + 1) * n].iter_mut().zip(acc) {
            *slot = a;
        }
    }

    /// Chooses at decision node `x` the mover's best child just right of `at` (ties: the first);
    /// returns the previous choice.
    fn choose(&mut self, x: NodeId) -> u32 {
        let t = self.sym.tree;
        let i = t.player_of(x);
        let (mut k, mut best) = (0usize, t.child(x, 0));
        for (j, c) in t.children(x).enumerate().skip(1) {
            if right_cmp(&self.value(c)[i], &self.value(best)[i], &self.at) == Ordering::Greater {
                k = j;
                best = c;
            }
        }
        let old = std::mem::replace(&mut self.choice[x as usize], k as u32);
        self.plan[t.infoset_of(x) as usize] = k as u32;
        self.row[x as usize] = self.row[best as usize];
        old
    }

    /// Computes decision node `x`'s next event beyond `at` and queues it.
    fn schedule(&mut self, x: NodeId) {
        let t = self.sym.tree;
        let i = t.player_of(x);
        let chosen = t.child(x, self.choice[x as usize] as usize);
        let v = &self.value(chosen)[i];
        let mut best: Option<Root> = None;
        for c in t.children(x).filter(|&c| c != chosen) {
            let bound = best.as_ref().map_or(&self.opts.to, |b| b.upper());
            let Some(r) = first_crossing(v, &self.value(c)[i], &self.at, bound, self.opts) else {
                continue;
            };
            best = Some(match best {
                None => r,
                Some(b) => choose_smaller(b, r),
            });
        }
        self.stamp[x as usize] = self.stamp[x as usize].wrapping_add(1);
        if let Some(e) = &best {
            self.heap.push(Reverse((e.lower().clone(), x, self.stamp[x as usize])));
        }
        self.event[x as usize] = best;
    }

    /// The smallest event beyond `at` and the nodes whose events were taken off the heap to find
    /// it (all of them with events at or before its upper end).
    fn next_event(&mut self) -> (Option<Root>, Vec<NodeId>) {
        let mut best: Option<Root> = None;
        let mut taken = Vec::new();
        while let Some(Reverse((key, x, s))) = self.heap.peek() {
            let x = *x;
            if *s != self.stamp[x as usize] {
                self.heap.pop();
                continue;
            }
            if best.as_ref().is_some_and(|b| key > b.upper()) {
                break;
            }
            self.heap.pop();
            taken.push(x);
            let e = self.event[x as usize].clone().expect("a queued node has an event");
            best = Some(match best {
                None => e,
                Some(b) => choose_smaller(b, e),
            });
        }
        (best, taken)
    }

    fn sweep(mut self, rec: &mut Recorder) {
        let t = self.sym.tree;
        loop {
            let (event, taken) = self.next_event();
            let p = match event {
                None => {
                    rec.last(self.plan.clone(), self.value(0).to_vec(), &self.at, true);
                    return;
                }
                Some(Root::Exact(p)) => p,
                Some(Root::Interval { .. }) => {
                    let st = Full::new(self.sym, None, self.at.clone());
                    match full_step(self.sym, None, self.opts, rec, st) {
                        None => return,
                        Some(st) => {
                            self = Kinetic::new(self.sym, st.at, self.opts);
                            continue;
                        }
                    }
                }
            };
            // The nodes whose event is p, then their ancestors, deepest (largest id) first.
            let mut set = Vec::new();
            for x in taken {
                let mut y = Some(x);
                while let Some(z) = y.filter(|&z| !self.in_set[z as usize]) {
                    self.in_set[z as usize] = true;
                    set.push(z);
                    y = t.parent(z);
                }
            }
            set.sort_unstable_by(|a, b| b.cmp(a));
            // Before updating: the outcome, and each decision node's alternatives tied at p.
            let old_payoffs = self.value(0).to_vec();
            let old_path = path_of(t, &self.choice);
            let tied: Vec<Vec<u32>> = set
                .iter()
                .map(|&x| {
                    if t.kind(x) != NodeKind::Decision {
                        return Vec::new();
                    }
                    let i = t.player_of(x);
                    let k = self.choice[x as usize];
                    let v = self.value(t.child(x, k as usize))[i].eval(&p);
                    (0..t.n_children(x) as u32)
                        .filter(|&j| j != k && self.value(t.child(x, j as usize))[i].eval(&p) == v)
                        .collect()
                })
                .collect();
            // Re-choose, re-value and re-schedule bottom-up, just right of p.
            let prev = std::mem::replace(&mut self.at, p.clone());
            let mut switches: Vec<(usize, u32)> = Vec::new();
            for (idx, &x) in set.iter().enumerate() {
                match t.kind(x) {
                    NodeKind::Terminal => {}
                    NodeKind::Chance => {
                        if t.children(x).any(|c| self.changed[c as usize]) {
                            self.value_chance(x);
                            self.changed[x as usize] = true;
                        }
                    }
                    NodeKind::Decision => {
                        let old = self.choose(x);
                        let k = self.choice[x as usize];
                        if old != k {
                            switches.push((idx, old));
                        }
                        self.changed[x as usize] = old != k || self.changed[t.child(x, k as usize) as usize];
                        self.schedule(x);
                    }
                }
            }
            for &x in &set {
                self.in_set[x as usize] = false;
                self.changed[x as usize] = false;
            }
            if switches.is_empty() {
                continue;
            }
            let mut before_plan = self.plan.clone();
            let mut indifferences = Vec::with_capacity(switches.len());
            for &(idx, old) in &switches {
                let x = set[idx];
                before_plan[t.infoset_of(x) as usize] = old;
                let mut actions = tied[idx].clone();
                actions.push(old);
                actions.sort_unstable();
                indifferences.push(Indifference {
                    node: x,
                    player: t.player_of(x),
                    actions,
                    before: old,
                    after: self.choice[x as usize],
                });
            }
            indifferences.sort_by_key(|ind| ind.node);
            let changes_outcome = path_of(t, &self.choice) != old_path || self.value(0) != old_payoffs;
            let th = Threshold { value: Root::Exact(p.clone()), changes_outcome, indifferences };
            if rec.threshold(th, before_plan, old_payoffs, &prev, &p) {
                rec.last(self.plan.clone(), self.value(0).to_vec(), &p, false);
                return;
            }
        }
    }
}

/// The coefficient of θ^`i` in `p`.
fn coef(p: &Poly, i: usize) -> Q {
    p.coeffs().get(i).cloned().unwrap_or_else(Q::zero)
}

/// Compares `a` and `b` just right of `at` (constants and affine functions without allocating).
fn right_cmp(a: &Poly, b: &Poly, at: &Q) -> Ordering {
    let (da, db) = (a.coeffs().len(), b.coeffs().len());
    if da <= 1 && db <= 1 {
        return coef(a, 0).cmp(&coef(b, 0));
    }
    if da <= 2 && db <= 2 {
        let (a1, b1) = (coef(a, 1), coef(b, 1));
        let va = &coef(a, 0) + &(&a1 * at);
        let vb = &coef(b, 0) + &(&b1 * at);
        return va.cmp(&vb).then_with(|| a1.cmp(&b1));
    }
    a.sub(b).sign_right_of(at).cmp(&0)
}

/// The smallest root in `(at, bound]` of `a - b`, other than an exact root at the range's end:
/// `None` for a constant difference (affine differences are solved without allocating).
fn first_crossing(a: &Poly, b: &Poly, at: &Q, bound: &Q, opts: &Options) -> Option<Root> {
    let (da, db) = (a.coeffs().len(), b.coeffs().len());
    if da <= 1 && db <= 1 {
        return None;
    }
    let r = if da <= 2 && db <= 2 {
        let slope = &coef(a, 1) - &coef(b, 1);
        if slope.is_zero() {
            return None;
        }
        let r = (&coef(b, 0) - &coef(a, 0)).checked_div(&slope).expect("a nonzero slope");
        (&r > at && &r <= bound).then_some(Root::Exact(r))?
    } else {
        let d = a.sub(b);
        if d.degree().unwrap_or(0) == 0 {
            return None;
        }
        d.smallest_root_in(at, bound, &opts.precision)?
    };
    (!(matches!(r, Root::Exact(_)) && r.upper() == &opts.to)).then_some(r)
}

/// True when `d` vanishes at the root `r`.
fn at_root(r: &Root, d: &Poly) -> bool {
    match r {
        Root::Exact(q) => d.eval(q).is_zero(),
        // The bracket holds exactly one root of `poly`; `d` vanishes there iff the two share a
        // factor with a root in the bracket.
        Root::Interval { poly, lower, upper } => d.is_zero() || poly.shares_root_in(d, lower, upper),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use redline_models::expr::Expr;
    use redline_models::tree::{Parameter, TreeBuilder};

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    /// The full sweep (everything recomputed at every step) on any tree.
    fn reference(tree: &Tree, opts: &Options) -> Analysis {
        let sym = Symbolic::new(tree, "t").unwrap();
        let mut rec = Recorder::new(opts);
        full_sweep(&sym, None, opts, &mut rec);
        Analysis {
            parameter: "t".into(),
            thresholds: rec.thresholds,
            regions: rec.regions,
            complete: rec.complete,
        }
    }

    /// A random perfect-information tree with chance nodes (some with probabilities affine in
    /// `t`) and payoffs of degree up to 2 in `t` with small integer coefficients: many ties,
    /// identical leaves and irrational crossings.
    fn tree(seed: &[i8]) -> Tree {
        let mut b = TreeBuilder::new("r", vec!["A".into(), "B".into()]);
        b.add_parameter(Parameter::new("t", Q::zero(), "")).unwrap();
        let two = b.actions(&["l", "r"]).unwrap();
        let three = b.actions(&["l", "m", "r"]).unwrap();
        let mut it = seed.iter().cycle().copied();
        let mut next = move || it.next().unwrap();
        let mut stack = vec![3u8];
        while let Some(depth) = stack.pop() {
            let v = next().rem_euclid(8);
            if depth == 0 || v == 0 {
                let pay: Vec<Expr> = (0..2)
                    .map(|_| {
                        let (a, b, c) =
                            (next().rem_euclid(5) - 2, next().rem_euclid(3) - 1, next().rem_euclid(5));
                        let c = if c == 0 {
                            1
                        } else if c == 1 {
                            -1
                        } else {
                            0
                        };
                        Expr::parse(&format!("{a} + {b}*t + {c}*t*t")).unwrap()
                    })
                    .collect();
                b.terminal(pay).unwrap();
            } else if v == 1 {
                let probs = if next() % 2 == 0 { ["1/3", "2/3"] } else { ["1/2 + t/4", "1/2 - t/4"] };
                b.chance(
                    probs
                        .iter()
                        .zip(["x", "y"])
                        .map(|(p, o)| (o.to_string(), Expr::parse(p).unwrap()))
                        .collect(),
                )
                .unwrap();
                stack.extend([depth - 1, depth - 1]);
            } else {
                let k = if v == 2 { 3 } else { 2 };
                b.decision_new(usize::from(v % 2 == 0), if k == 3 { three } else { two }).unwrap();
                stack.extend(std::iter::repeat_n(depth - 1, k));
            }
        }
        b.finish().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// The incremental sweep gives exactly what the full one does: thresholds (exact or
        /// bracketed), indifferences, regions, samples.
        #[test]
        fn kinetic_sweep_equals_full_sweep(seed in proptest::collection::vec(any::<i8>(), 96), max in 1usize..12) {
            let t = tree(&seed);
            let opts = Options { from: q("-2"), to: q("2"), precision: q("1/1000"), max_thresholds: max };
            prop_assert_eq!(analyze(&t, "t", &opts).unwrap(), reference(&t, &opts));
        }
    }

    /// The benchmark's comb in small: branch k pays `k*t - k^2/2`, so the best branch switches at
    /// every `k + 1/2`; the binary subtrees below have no thresholds of their own.
    #[test]
    fn comb_switches_at_every_half() {
        let mut b = TreeBuilder::new("comb", vec!["A".into(), "B".into()]);
        b.add_parameter(Parameter::new("t", Q::zero(), "")).unwrap();
        let six = b.actions(&["0", "1", "2", "3", "4", "5"]).unwrap();
        let two = b.actions(&["l", "r"]).unwrap();
        b.decision_new(0, six).unwrap();
        for k in 0..6 {
            b.decision_new(1, two).unwrap();
            for p2 in [1, 2] {
                b.terminal(vec![
                    Expr::parse(&format!("{k}*t - {}/2", k * k)).unwrap(),
                    Expr::parse(&p2.to_string()).unwrap(),
                ])
                .unwrap();
            }
        }
        let t = b.finish().unwrap();
        let opts = Options { from: q("0"), to: q("10"), precision: q("1e-12"), max_thresholds: 100 };
        let a = analyze(&t, "t", &opts).unwrap();
        let got: Vec<String> = a.thresholds.iter().map(|th| th.value.lower().to_string()).collect();
        assert_eq!(got, ["1/2", "3/2", "5/2", "7/2", "9/2"]);
        assert!(a.complete && a.thresholds.iter().all(|th| th.changes_outcome));
        assert_eq!(a, reference(&t, &opts));
    }
}
