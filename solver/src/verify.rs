//! Exact verification of equilibria before they are reported.
//!
//! Every solver calls into this module on each result; a failed check becomes
//! [`crate::Error::VerificationFailed`], never an answer. The checks recompute values from the
//! profile alone (not from the solver's bookkeeping) and compare exactly.

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};

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
    let n = tree.n_players();
    // values[x] is only materialised for chance nodes; other nodes point at a leaf row or a chance row.
    #[derive(Clone, Copy)]
    enum Ref {
        Leaf(u32),
        Chance(u32),
    }
    let mut refs: Vec<Ref> = vec![Ref::Leaf(0); tree.len()];
    let mut rows: Vec<Q> = Vec::new();
    let mut regret = Q::zero();
    let mut at = None;
    for x in (0..tree.len() as NodeId).rev() {
        refs[x as usize] = match tree.kind(x) {
            NodeKind::Terminal => Ref::Leaf(tree.leaf_row(x)),
            NodeKind::Chance => {
                let mut acc = vec![Q::zero(); n];
                for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                    let v = get(tree, &rows, refs[c as usize]);
                    for (a, vi) in acc.iter_mut().zip(v) {
                        *a = &*a + &(p * vi);
                    }
                }
                let r = (rows.len() / n) as u32;
                rows.extend(acc);
                Ref::Chance(r)
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                let i = tree.player_of(x);
                let k = pure[h as usize] as usize;
                assert!(k < tree.n_children(x), "the profile names an action that exists");
                let chosen = refs[tree.child(x, k) as usize];
                let mine = get(tree, &rows, chosen)[i].clone();
                for c in tree.children(x) {
                    let gain = &get(tree, &rows, refs[c as usize])[i] - &mine;
                    if gain > regret {
                        regret = gain;
                        at = Some(x);
                    }
                }
                chosen
            }
        };
    }
    let payoffs = get(tree, &rows, refs[0]).to_vec();
    return Check { regret, node: at, payoffs };

    fn get<'a>(tree: &'a Tree, rows: &'a [Q], r: Ref) -> &'a [Q] {
        let n = tree.n_players();
        match r {
            Ref::Leaf(row) => &tree.payoff_table()[row as usize * n..(row as usize + 1) * n],
            Ref::Chance(row) => &rows[row as usize * n..(row as usize + 1) * n],
        }
    }
}
