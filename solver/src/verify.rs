//! Exact verification of equilibria before they are reported.
//!
//! Every solver calls into this module on each result; a failed check becomes
//! [`crate::Error::VerificationFailed`], never an answer. The checks recompute values from the
//! profile alone (not from the solver's bookkeeping) and compare exactly.

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, NodeView, Tree};

use crate::scaled::{self, Frac, Overflow, Rows};

/// The outcome of a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The largest gain from a one-step deviation at any decision node, over all subgames
    /// (0 for a subgame-perfect profile).
    pub regret: Q,
    /// A node where that gain is available, if the regret is positive.
    pub node: Option<NodeId>,
    /// The expected payoffs of the profile from the root.
    pub payoffs: Vec<Q>,
}

/// Checks a pure profile (one action per information set) of a perfect-information tree.
///
/// By the one-shot deviation principle for finite trees, a profile is subgame perfect iff no mover
/// gains by changing the action at a single node while everything else stays, so the regret is the
/// largest `value(best child) - value(chosen child)` for the mover over all decision nodes.
///
/// # Panics
/// When `pure` is shorter than the number of information sets, or names an action that does not exist.
#[must_use]
pub fn perfect_information_regret(tree: &Tree, pure: &[u32]) -> Check {
    perfect_information_regret_with(tree, pure, Vec::new())
}

/// [`perfect_information_regret`] with a caller's buffer as scratch space for the per-node value
/// references, so a solver that is done with a `u32`-per-node vector can lend it instead of the check
/// allocating (and faulting in) another. The buffer's contents are ignored: every entry is written
/// before it is read, so the check still depends on nothing but the tree and `pure`.
///
/// # Panics
/// As [`perfect_information_regret`].
#[must_use]
pub fn perfect_information_regret_with(tree: &Tree, pure: &[u32], scratch: Vec<u32>) -> Check {
    perfect_information_regret_lent(tree, pure, scratch, Vec::new())
}

/// [`perfect_information_regret_with`] with a second lent buffer, for the integer rows of the check
/// on a tree with chance nodes (see the `scaled` module): backward induction hands on its own. Its
/// contents are ignored too.
///
/// # Panics
/// As [`perfect_information_regret`].
#[must_use]
pub fn perfect_information_regret_lent(
    tree: &Tree,
    pure: &[u32],
    scratch: Vec<u32>,
    rows: Vec<i64>,
) -> Check {
    if let Some(table) = tree.small_payoffs() {
        return small_regret(tree, table, pure, scratch);
    }
    let scratch = match Rows::new(tree, rows) {
        Some(rows) => {
            let check = match (rows.int_leaves(), rows.n_players()) {
                (true, 2) => scaled_regret::<true, 2>(tree, rows, pure, scratch),
                (true, _) => scaled_regret::<true, 0>(tree, rows, pure, scratch),
                _ => scaled_regret::<false, 0>(tree, rows, pure, scratch),
            };
            match check {
                Ok(check) => return check,
                // The integers are too small for this tree's values: check on `Q` (below).
                Err(Overflow) => Vec::new(),
            }
        }
        None => scratch,
    };
    q_regret(tree, pure, scratch)
}

/// The check on [`Q`] values, for any tree.
fn q_regret(tree: &Tree, pure: &[u32], scratch: Vec<u32>) -> Check {
    let n = tree.n_players();
    // refs[x] names the payoff row of x's value: a leaf row of the tree, or (with the CHANCE bit) a
    // row of `rows`, which holds the values computed at chance nodes. Values are never copied, so
    // this costs four bytes per node whatever the number of players.
    const CHANCE: u32 = scaled::COMPUTED;
    let table = tree.payoff_table();
    assert!(table.len() / n.max(1) < CHANCE as usize, "a tree has fewer than 2^31 leaves");
    let mut refs = scratch;
    if refs.len() < tree.len() {
        // Fresh zero pages when the buffer is empty: no initialising pass.
        refs = vec![0; tree.len()];
    }
    let mut rows: Vec<Q> = Vec::new();
    let mut regret = Q::zero();
    let mut at = None;
    for x in (0..tree.len() as NodeId).rev() {
        refs[x as usize] = match tree.view(x) {
            NodeView::Terminal { row } => row,
            NodeView::Chance => {
                // The new row follows the rows of the children it reads.
                let base = rows.len();
                for i in 0..n {
                    let terms = tree
                        .children(x)
                        .zip(tree.chance_probs(x))
                        .map(|(c, p)| (p, entry(table, &rows[..base], n, refs[c as usize], i)));
                    let v = Q::sum_of_products(terms);
                    rows.push(v);
                }
                CHANCE | (base / n) as u32
            }
            NodeView::Decision { player: i, infoset } => {
                let k = pure[infoset as usize];
                // One pass over the children finds the chosen child and the mover's best value; the
                // gain of the best one-node deviation is their difference.
                let mut children = tree.children(x);
                let first = children.next().expect("a decision node has at least one action");
                let mut chosen = refs[first as usize];
                let mut best = entry(table, &rows, n, chosen, i);
                let mut a = 0;
                for c in children {
                    a += 1;
                    let r = refs[c as usize];
                    chosen = if a == k { r } else { chosen };
                    // A select rather than a branch: the outcome is as unpredictable as the payoffs.
                    let v = entry(table, &rows, n, r, i);
                    best = if v > best { v } else { best };
                }
                assert!(k <= a, "the profile names an action that exists");
                let mine = entry(table, &rows, n, chosen, i);
                if best > mine {
                    let gain = best - mine;
                    if gain > regret {
                        regret = gain;
                        at = Some(x);
                    }
                }
                chosen
            }
        };
    }
    let payoffs = get(table, &rows, n, refs[0]).to_vec();
    return Check { regret, node: at, payoffs };

    /// Player `i`'s entry of the payoff row a reference names.
    #[inline]
    fn entry<'a>(table: &'a [Q], rows: &'a [Q], n: usize, r: u32, i: usize) -> &'a Q {
        let k = (r & !CHANCE) as usize * n + i;
        // Pick the slice first, then index once: a select and one bounds check, no branch.
        let src = if r & CHANCE == 0 { table } else { rows };
        &src[k]
    }

    /// The payoff row a reference names.
    fn get<'a>(table: &'a [Q], rows: &'a [Q], n: usize, r: u32) -> &'a [Q] {
        let row = (r & !CHANCE) as usize;
        if r & CHANCE == 0 { &table[row * n..(row + 1) * n] } else { &rows[row * n..(row + 1) * n] }
    }
}

/// [`perfect_information_regret_with`] for a tree with chance nodes whose payoffs are small integers and
/// whose chance probabilities have small denominators: the same one-pass check on integer numerators
/// over a denominator per value ([`crate::scaled`]), compared by cross-multiplication. Gains, which
/// are positive only for a wrong plan, are computed in [`Q`].
///
/// # Errors
/// [`Overflow`] when a chance node's value does not fit the integers.
#[inline(never)]
fn scaled_regret<const INT: bool, const N: usize>(
    tree: &Tree,
    mut rows: Rows<'_>,
    pure: &[u32],
    scratch: Vec<u32>,
) -> Result<Check, Overflow> {
    let mut refs = scratch;
    if refs.len() < tree.len() {
        refs = vec![0; tree.len()];
    }
    let mut regret = Q::zero();
    let mut at = None;
    // Internal nodes only; leaves are read in place.
    for x in tree.internal_nodes_rev(tree.len() as NodeId - 1) {
        refs[x as usize] = match tree.view(x) {
            NodeView::Terminal { .. } => unreachable!("internal_nodes_rev gives internal nodes"),
            // The new row follows the rows of the children it reads.
            NodeView::Chance => {
                rows.chance::<INT>(tree, x, |c| scaled::child_ref_opaque(tree, &refs, c), None)?
            }
            NodeView::Decision { player: i, infoset } => {
                let k = pure[infoset as usize];
                // One pass over the children finds the chosen child's value and the mover's best,
                // with masks rather than branches (the outcomes are as unpredictable as the values).
                let stop = tree.end(x);
                let mut c = x + 1;
                let mut chosen = scaled::child_ref(tree, &refs, c);
                let mut best: Frac = rows.at_n::<INT, N>(chosen, i);
                let mut mine = best;
                let mut a = 0;
                c = tree.end(c);
                while c < stop {
                    a += 1;
                    let r = scaled::child_ref_opaque(tree, &refs, c);
                    let v = rows.at_n::<INT, N>(r, i);
                    let pick = i64::from(a == k).wrapping_neg();
                    chosen = (r & pick as u32) | (chosen & !pick as u32);
                    mine = Frac::select(pick, v, mine);
                    best = Frac::select(std::hint::black_box(v.cmp_masks(best).0), v, best);
                    c = tree.end(c);
                }
                assert!(k <= a, "the profile names an action that exists");
                if best > mine {
                    let gain = &best.to_q() - &mine.to_q();
                    if gain > regret {
                        regret = gain;
                        at = Some(x);
                    }
                }
                chosen
            }
        };
    }
    Ok(Check { regret, node: at, payoffs: rows.payoffs(scaled::child_ref(tree, &refs, 0)) })
}

/// [`perfect_information_regret_with`] for a tree without chance nodes whose payoffs are all small
/// integers: the same one-pass check on the `i32` table ([`Tree::small_payoffs`]), where every value
/// is a leaf row, so a reference is a row number and a comparison is one machine comparison. Gains
/// are differences of two `i32` values, computed in `i64`.
// Kept out of line so that the `Q` check it branches off from compiles as before.
#[inline(never)]
fn small_regret(tree: &Tree, table: &[i32], pure: &[u32], scratch: Vec<u32>) -> Check {
    let n = tree.n_players();
    let mut refs = scratch;
    if refs.len() < tree.len() {
        refs = vec![0; tree.len()];
    }
    let refs = &mut refs[..tree.len()];
    // Decision nodes only, children before parents; a child's reference is its row when it is a
    // leaf, else its entry in `refs` ([`scaled::child_ref`]).
    let child_ref = |refs: &[u32], c: NodeId| scaled::child_ref(tree, refs, c);
    let mut regret = 0i64;
    let mut at = None;
    for x in tree.decision_nodes_rev(tree.len() as NodeId - 1) {
        let NodeView::Decision { player: i, infoset } = tree.view(x) else {
            unreachable!("decision_nodes_rev gives decision nodes")
        };
        let k = pure[infoset as usize];
        // One pass over the children finds the chosen child and the mover's best value, with selects
        // (the outcomes are as unpredictable as the payoffs).
        let stop = tree.end(x);
        let mut c = x + 1;
        let mut chosen = child_ref(refs, c);
        let mut best = table[chosen as usize * n + i];
        let mut a = 0;
        c = tree.end(c);
        while c < stop {
            a += 1;
            let r = child_ref(refs, c);
            chosen = if a == k { r } else { chosen };
            best = best.max(table[r as usize * n + i]);
            c = tree.end(c);
        }
        assert!(k <= a, "the profile names an action that exists");
        let gain = i64::from(best) - i64::from(table[chosen as usize * n + i]);
        if gain > regret {
            regret = gain;
            at = Some(x);
        }
        refs[x as usize] = chosen;
    }
    let row = child_ref(refs, 0) as usize;
    let payoffs = tree.payoff_table()[row * n..(row + 1) * n].to_vec();
    Check { regret: Q::from_int(regret), node: at, payoffs }
}

/// Checks a pure profile of any tree with perfect recall for subgame perfection by one-shot
/// deviations: at a singleton information set the mover must not gain by switching action; at a
/// larger one, the chance-weighted value of the chosen action over its nodes (weights from the
/// smallest subgame containing it; with perfect recall the mover's own earlier moves are common to
/// all its nodes) must be maximal. This is the criterion for the subgame classes
/// [`crate::spe`] solves: perfect-information parts and one-player decision problems.
///
/// # Panics
/// When `pure` is shorter than the number of information sets, or `roots` than the tree.
#[must_use]
pub fn subgame_regret(tree: &Tree, pure: &[u32], roots: &[bool]) -> Check {
    let n = tree.n_players();
    let len = tree.len();
    let mut vals: Vec<Vec<Q>> = vec![Vec::new(); len];
    for x in (0..len as NodeId).rev() {
        vals[x as usize] = match tree.kind(x) {
            NodeKind::Terminal => tree.payoffs(x).to_vec(),
            NodeKind::Chance => {
                let mut acc = vec![Q::zero(); n];
                for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                    for (a, v) in acc.iter_mut().zip(&vals[c as usize]) {
                        *a = &*a + &(p * v);
                    }
                }
                acc
            }
            NodeKind::Decision => {
                let k = pure[tree.infoset_of(x) as usize] as usize;
                vals[tree.child(x, k) as usize].clone()
            }
        };
    }
    // Chance-reach weight of each node from its nearest enclosing subgame root.
    let mut weight: Vec<Q> = vec![Q::one(); len];
    for x in 1..len as NodeId {
        let p = tree.parent(x).expect("non-root nodes have parents");
        weight[x as usize] = if roots[x as usize] {
            Q::one()
        } else if tree.kind(p) == NodeKind::Chance {
            &weight[p as usize] * &tree.chance_probs(p)[tree.child_index(x)]
        } else {
            weight[p as usize].clone()
        };
    }
    let h_count = tree.infosets().len();
    let mut gains: Vec<Vec<Q>> =
        (0..h_count).map(|h| vec![Q::zero(); tree.actions(h as u32).len()]).collect();
    let mut singleton_regret = Q::zero();
    let mut at = None;
    let members = tree.infoset_members();
    for (h, nodes) in members.iter().enumerate() {
        let chosen = pure[h] as usize;
        for &x in nodes {
            let i = tree.player_of(x);
            let mine = vals[tree.child(x, chosen) as usize][i].clone();
            for (k, c) in tree.children(x).enumerate() {
                let d = &vals[c as usize][i] - &mine;
                if nodes.len() == 1 {
                    if d > singleton_regret {
                        singleton_regret = d;
                        at = Some(x);
                    }
                } else {
                    gains[h][k] = &gains[h][k] + &(&weight[x as usize] * &d);
                }
            }
        }
    }
    let mut regret = singleton_regret;
    for (h, g) in gains.iter().enumerate() {
        for d in g {
            if d > &regret {
                regret = d.clone();
                at = members[h].first().copied();
            }
        }
    }
    Check { regret, node: at, payoffs: vals[0].clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redline_models::tree::TreeBuilder;

    /// Entry deterrence with every payoff shifted by `shift`: a shift of 0 keeps the payoffs small
    /// integers (the `i32` check), 1/2 makes them fractions (the `Q` check).
    fn entry(shift: &str) -> Tree {
        let s: Q = shift.parse().unwrap();
        let row = |a: i64, b: i64| [&Q::from_int(a) + &s, &Q::from_int(b) + &s];
        let mut b = TreeBuilder::new("Entry", vec!["Entrant".into(), "Incumbent".into()]);
        let ab = b.actions(&["enter", "stay out"]).unwrap();
        let fa = b.actions(&["fight", "accommodate"]).unwrap();
        b.decision_new(0, ab).unwrap();
        b.decision_new(1, fa).unwrap();
        b.terminal_values(&row(-1, -1)).unwrap();
        b.terminal_values(&row(1, 2)).unwrap();
        b.terminal_values(&row(0, 4)).unwrap();
        b.finish().unwrap()
    }

    /// Checks `pure` on both payoff representations: the same regret, node and (shifted) payoffs.
    fn check(pure: &[u32], regret: i64, node: Option<NodeId>, payoffs: [i64; 2]) {
        let half = Q::ratio(1, 2).unwrap();
        let (small, big) = (entry("0"), entry("1/2"));
        assert!(small.small_payoffs().is_some() && big.small_payoffs().is_none(), "one tree per path");
        for (tree, shift) in [(&small, Q::zero()), (&big, half)] {
            let c = perfect_information_regret(tree, pure);
            assert_eq!(c.regret, Q::from_int(regret), "{pure:?}");
            assert_eq!(c.node, node, "{pure:?}");
            assert_eq!(c.payoffs, payoffs.map(|v| &Q::from_int(v) + &shift).to_vec(), "{pure:?}");
            // A lent buffer with stale contents changes nothing.
            let lent = perfect_information_regret_with(tree, pure, vec![7; tree.len()]);
            assert_eq!(lent, c);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// On trees with chance nodes, the integer check ([`scaled_regret`]) gives exactly the `Q`
        /// check's regret, node and payoffs for any plan, right or wrong.
        #[test]
        fn scaled_check_equals_q_check(
            (t, n, leaves) in crate::scaled::chance_trees(),
            picks in proptest::collection::vec(0u32..3, 40),
        ) {
            let pure: Vec<u32> = (0..t.infosets().len())
                .map(|h| picks[h % picks.len()] % t.actions(h as u32).len() as u32)
                .collect();
            let exact = q_regret(&t, &pure, Vec::new());
            if let Some(rows) = Rows::new(&t, Vec::new()) {
                if matches!(leaves, crate::scaled::Leaves::Ints) {
                    proptest::prop_assert!(rows.int_leaves(), "integer leaves are read from the i16 table");
                    let fast = scaled_regret::<true, 0>(&t, rows, &pure, vec![9; t.len()]).expect("small values");
                    proptest::prop_assert_eq!(&fast, &exact);
                    if n == 2 {
                        let rows = Rows::new(&t, Vec::new()).expect("as above");
                        let fast = scaled_regret::<true, 2>(&t, rows, &pure, vec![9; t.len()]).expect("small");
                        proptest::prop_assert_eq!(&fast, &exact);
                    }
                }
                let rows = Rows::new(&t, vec![5; 7]).expect("as above");
                let fast = scaled_regret::<false, 0>(&t, rows, &pure, vec![9; t.len()]).expect("small values");
                proptest::prop_assert_eq!(&fast, &exact);
            }
            proptest::prop_assert_eq!(perfect_information_regret(&t, &pure), exact);
        }
    }

    #[test]
    fn corrupted_plans_are_caught_with_chance_nodes() {
        // Entry deterrence behind a chance move: with 1/3 the incumbent is "tough" (fighting pays
        // it 3 > 2), with 2/3 the game is the usual one; the entrant decides after chance.
        let mut b = TreeBuilder::new("Entry", vec!["Entrant".into(), "Incumbent".into()]);
        let ab = b.actions(&["enter", "stay out"]).unwrap();
        let fa = b.actions(&["fight", "accommodate"]).unwrap();
        let p = |s: &str| redline_models::expr::Expr::parse(s).unwrap();
        b.chance(vec![("tough".into(), p("1/3")), ("weak".into(), p("2/3"))]).unwrap();
        for fight in [3, -1] {
            b.decision_new(0, ab).unwrap();
            b.decision_new(1, fa).unwrap();
            b.terminal_values(&[Q::from_int(-1), Q::from_int(fight)]).unwrap();
            b.terminal_values(&[Q::from_int(1), Q::from_int(2)]).unwrap();
            b.terminal_values(&[Q::from_int(0), Q::from_int(4)]).unwrap();
        }
        let t = b.finish().unwrap();
        assert!(Rows::new(&t, Vec::new()).is_some(), "the integer check applies");
        // Information sets in order: entrant (tough), incumbent (tough), entrant (weak), incumbent (weak).
        let ok = perfect_information_regret(&t, &[1, 0, 0, 1]);
        assert!(ok.regret.is_zero());
        assert_eq!(ok.payoffs, vec![Q::ratio(2, 3).unwrap(), Q::ratio(8, 3).unwrap()]);
        // The weak incumbent fights (an empty threat, gain 3) and the entrant stays out there.
        let bad = perfect_information_regret(&t, &[1, 0, 1, 0]);
        assert_eq!((bad.regret, bad.node), (Q::from_int(3), Some(7)));
        assert_eq!(bad.payoffs, vec![Q::zero(), Q::from_int(4)]);
        // The tough entrant enters although staying out pays more (0 > -1).
        let bad = perfect_information_regret(&t, &[0, 0, 0, 1]);
        assert_eq!((bad.regret, bad.node), (Q::one(), Some(1)));
        for pure in [[1, 0, 0, 1], [1, 0, 1, 0], [0, 0, 0, 1], [0, 1, 1, 1]] {
            assert_eq!(perfect_information_regret(&t, &pure), q_regret(&t, &pure, Vec::new()));
        }
    }

    #[test]
    fn subgame_perfect_plan_passes() {
        check(&[0, 1], 0, None, [1, 2]);
    }

    #[test]
    fn corrupted_plans_are_caught() {
        // The incumbent fights: -1 instead of 2 off the path (an empty threat), and the entrant's
        // staying out is then a best reply, but the incumbent's node still shows the gain of 3.
        check(&[1, 0], 3, Some(1), [0, 4]);
        // The entrant stays out although entering pays 1 > 0 against accommodation.
        check(&[1, 1], 1, Some(0), [0, 4]);
        // Both wrong: the largest gain (3, at the incumbent) is reported.
        check(&[0, 0], 3, Some(1), [-1, -1]);
    }
}
