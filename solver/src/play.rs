//! What a profile does from the root: its deterministic path and its distribution over outcomes.

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};

use crate::equilibrium::Profile;

/// One step of the path: a decision node and the action taken there with probability one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The decision node.
    pub node: NodeId,
    /// The player who moves.
    pub player: usize,
    /// The action index.
    pub action: u32,
}

/// The actions taken with probability one from the root, while play is deterministic: a chance node,
/// a mixed move or a leaf ends it.
#[must_use]
pub fn path(tree: &Tree, profile: &Profile) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut x: NodeId = 0;
    while tree.kind(x) == NodeKind::Decision {
        let h = tree.infoset_of(x);
        let Some(a) = (0..tree.n_children(x) as u32).find(|&a| profile.prob(h, a).is_one()) else { break };
        steps.push(Step { node: x, player: tree.player_of(x), action: a });
        x = tree.child(x, a as usize);
    }
    steps
}

/// Every terminal node reached with positive probability, in node order, with its probability.
#[must_use]
pub fn outcomes(tree: &Tree, profile: &Profile) -> Vec<(NodeId, Q)> {
    let mut out = Vec::new();
    let mut stack: Vec<(NodeId, Q)> = vec![(0, Q::one())];
    while let Some((x, p)) = stack.pop() {
        match tree.kind(x) {
            NodeKind::Terminal => out.push((x, p)),
            NodeKind::Chance => {
                for (c, pc) in tree.children(x).zip(tree.chance_probs(x)) {
                    if !pc.is_zero() {
                        stack.push((c, &p * pc));
                    }
                }
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                for (a, c) in tree.children(x).enumerate() {
                    let pa = profile.prob(h, a as u32);
                    if !pa.is_zero() {
                        stack.push((c, &p * &pa));
                    }
                }
            }
        }
    }
    out.sort_by_key(|(x, _)| *x);
    out
}

/// The expected payoff vector of every node's subgame under `profile` (children before parents, no
/// recursion). Memory is O(nodes × players): meant for explanations and drawings, not for huge trees.
#[must_use]
pub fn node_values(tree: &Tree, profile: &Profile) -> Vec<Vec<Q>> {
    let n = tree.n_players();
    let mut values: Vec<Vec<Q>> = vec![Vec::new(); tree.len()];
    for x in (0..tree.len() as NodeId).rev() {
        let v = match tree.kind(x) {
            NodeKind::Terminal => tree.payoffs(x).to_vec(),
            NodeKind::Chance => {
                weighted(tree.children(x).zip(tree.chance_probs(x).iter().cloned()), &values, n)
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                let probs = (0..tree.n_children(x) as u32).map(|a| profile.prob(h, a));
                weighted(tree.children(x).zip(probs), &values, n)
            }
        };
        values[x as usize] = v;
    }
    return values;

    fn weighted(kids: impl Iterator<Item = (NodeId, Q)>, values: &[Vec<Q>], n: usize) -> Vec<Q> {
        let mut acc = vec![Q::zero(); n];
        for (c, p) in kids {
            if p.is_zero() {
                continue;
            }
            for (a, v) in acc.iter_mut().zip(&values[c as usize]) {
                *a = &*a + &(&p * v);
            }
        }
        acc
    }
}

/// Decision and chance nodes in the order a teacher explains backward induction: every node after
/// all of its descendants, subtrees left to right (post-order).
#[must_use]
pub fn explanation_order(tree: &Tree) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> =
        (0..tree.len() as NodeId).filter(|&x| tree.kind(x) != NodeKind::Terminal).collect();
    nodes.sort_by_key(|&x| (tree.end(x), std::cmp::Reverse(x)));
    nodes
}
