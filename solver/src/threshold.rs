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

use redline_models::expr::BinOp;
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
    let values: Vec<(&str, &Q)> =
        tree.parameters().iter().map(|p| p.name.as_str()).zip(tree.parameter_values()).collect();
    e.fold(
        |q| Ok(Poly::constant(q.clone())),
        |name| {
            if name == theta {
                Ok(Poly::theta())
            } else {
                values.iter().find(|(n, _)| *n == name).map(|(_, v)| Poly::constant((*v).clone())).ok_or_else(|| {
                    Error::Unsupported { method: "threshold", reason: format!("unknown parameter `{name}`") }
                })
            }
        },
        |p| p.scale(&-Q::one()),
        |op, a, b| match op {
            BinOp::Add => Ok(a.add(&b)),
            BinOp::Sub => Ok(a.sub(&b)),
            BinOp::Mul => Ok(a.mul(&b)),
            BinOp::Div => match b.as_constant() {
                Some(c) if !c.is_zero() => Ok(a.scale(&c.recip().expect("nonzero"))),
                Some(_) => Err(Error::Unsupported {
                    method: "threshold",
                    reason: format!("`{}` divides by zero", e.text()),
                }),
                None => Err(Error::Unsupported {
                    method: "threshold",
                    reason: format!(
                        "`{}` divides by an expression in `{theta}`; thresholds need payoffs and probabilities that are polynomials in the parameter",
                        e.text()
                    ),
                }),
            },
        },
    )
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
    let dec = if tree.is_perfect_information() { None } else { Some(Decomposition::new(&sym)?) };
    let eval = |at: &Q, choice: &mut Vec<u32>| {
        choice.fill(u32::MAX);
        match &dec {
            None => evaluate(&sym, at, choice),
            Some(d) => evaluate_decomposed(&sym, d, at, choice),
        }
    };
    let n_nodes = tree.len();
    let mut choice = vec![u32::MAX; n_nodes];
    let mut at = opts.from.clone();
    let mut start = Root::Exact(opts.from.clone());
    let mut vals = eval(&at, &mut choice);
    let mut diffs = differences(&sym, dec.as_ref(), &vals, &choice);
    let mut thresholds = Vec::new();
    let mut regions = Vec::new();
    loop {
        let event = next_event(&diffs, &at, opts);
        let Some(mut r) = event else {
            regions.push(region(tree, &vals, &choice, start, Root::Exact(opts.to.clone()), &at, &opts.to));
            return Ok(Analysis { parameter: theta.into(), thresholds, regions, complete: true });
        };
        // The plan just right of the event, computed at a rational point: the root itself when exact;
        // for a bracket, its upper end once no other event lies between the root and it.
        let mut new_choice = vec![u32::MAX; n_nodes];
        let mut new_vals;
        loop {
            let point = r.upper().clone();
            new_vals = eval(&point, &mut new_choice);
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
            let before = region(tree, &vals, &choice, start.clone(), r.clone(), &at, &point);
            let after_path = path_of(tree, &new_choice);
            let after_payoffs = new_vals.get(0).to_vec();
            let changes_outcome = after_path != path_of(tree, &choice) || after_payoffs != vals.get(0);
            regions.push(before);
            thresholds.push(Threshold { value: r.clone(), changes_outcome, indifferences });
            start = r.clone();
            if thresholds.len() >= opts.max_thresholds {
                let last = region(
                    tree,
                    &new_vals,
                    &new_choice,
                    start,
                    Root::Exact(opts.to.clone()),
                    &point,
                    &opts.to,
                );
                regions.push(last);
                return Ok(Analysis { parameter: theta.into(), thresholds, regions, complete: false });
            }
        }
        choice = new_choice;
        vals = new_vals;
        diffs = differences(&sym, dec.as_ref(), &vals, &choice);
        at = point;
    }
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

fn region(tree: &Tree, vals: &Values, choice: &[u32], from: Root, to: Root, lo: &Q, hi: &Q) -> Region {
    let sample = &(lo + hi) * &Q::ratio(1, 2).expect("nonzero");
    Region { from, to, plan: infoset_plan(tree, choice), payoffs: vals.get(0).to_vec(), sample }
}
