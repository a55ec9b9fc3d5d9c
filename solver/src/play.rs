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
