//! Beliefs at information sets: Bayes' rule on the probabilities a profile gives to reaching each
//! node. Information sets reached with probability zero (off the path) have none.

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};

use crate::equilibrium::Profile;

/// For each information set (by id), the probability of each of its nodes (in node order) given
/// that the set is reached, or `None` when the profile reaches it with probability zero.
#[must_use]
pub fn beliefs(tree: &Tree, profile: &Profile) -> Vec<Option<Vec<Q>>> {
    let mut reach = vec![Q::zero(); tree.len()];
    if reach.is_empty() {
        return Vec::new();
    }
    reach[0] = Q::one();
    let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); tree.infosets().len()];
    for x in 0..tree.len() as NodeId {
        let r = reach[x as usize].clone();
        match tree.kind(x) {
            NodeKind::Terminal => {}
            NodeKind::Chance => {
                for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                    reach[c as usize] = &r * p;
                }
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                members[h as usize].push(x);
                for (a, c) in tree.children(x).enumerate() {
                    reach[c as usize] = &r * &profile.prob(h, a as u32);
                }
            }
        }
    }
    members
        .iter()
        .map(|nodes| {
            let total: Q = nodes.iter().map(|&x| &reach[x as usize]).sum();
            (!total.is_zero()).then(|| {
                nodes
                    .iter()
                    .map(|&x| reach[x as usize].checked_div(&total).expect("total is positive"))
                    .collect()
            })
        })
        .collect()
}
