//! The exact Nash check of a behaviour profile in the subgame at a node: for each player, the value
//! of a best response (a backward pass over the player's own information sets, perfect recall
//! assumed) against the value the profile gives. Independent of how the profile was computed.

use std::collections::HashMap;

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};

use crate::equilibrium::Profile;

/// The result of [`nash_regret`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The largest gain any player gets by deviating to a best response in the subgame.
    pub regret: Q,
    /// The player with that gain, when it is positive.
    pub player: Option<usize>,
    /// Each player's expected payoff in the subgame.
    pub payoffs: Vec<Q>,
}

/// No own move yet on the path.
const EMPTY: u64 = u64::MAX;

/// The regret of `profile` in the subgame rooted at `root` (the whole game for node 0).
///
/// Cost O(players × subgame nodes). The tree must have perfect recall (the methods that produce
/// behaviour profiles check it).
#[must_use]
pub fn nash_regret(tree: &Tree, root: NodeId, profile: &Profile) -> Check {
    let base = root as usize;
    let end = tree.end(root);
    let len = end as usize - base;
    let n = tree.n_players();
    let mut regret = Q::zero();
    let mut player = None;
    let mut payoffs = vec![Q::zero(); n];
    // Per node: probability of reaching it by chance and the other players, the player's own
    // probability, and the player's last (information set, action) as h·2^32 + a.
    let mut others: Vec<Q> = vec![Q::zero(); len];
    let mut own: Vec<Q> = vec![Q::zero(); len];
    let mut last: Vec<u64> = vec![EMPTY; len];
    for (i, payoff) in payoffs.iter_mut().enumerate() {
        others[0] = Q::one();
        own[0] = Q::one();
        last[0] = EMPTY;
        // Sequence payoffs, and the player's information sets in order of first visit with the
        // sequence leading to them.
        let mut g: HashMap<u64, Q> = HashMap::new();
        let mut order: Vec<(InfosetId, u64)> = Vec::new();
        let mut seen: HashMap<InfosetId, ()> = HashMap::new();
        for x in root..end {
            let k = x as usize - base;
            match tree.kind(x) {
                NodeKind::Terminal => {
                    let u = &tree.payoffs(x)[i];
                    let w = &others[k] * u;
                    if !w.is_zero() {
                        let e = g.entry(last[k]).or_insert_with(Q::zero);
                        *e = &*e + &w;
                        *payoff = &*payoff + &(&w * &own[k]);
                    }
                }
                NodeKind::Chance => {
                    for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                        let c = c as usize - base;
                        others[c] = &others[k] * p;
                        own[c] = own[k].clone();
                        last[c] = last[k];
                    }
                }
                NodeKind::Decision => {
                    let h = tree.infoset_of(x);
                    let mine = tree.player_of(x) == i;
                    if mine && seen.insert(h, ()).is_none() {
                        order.push((h, last[k]));
                    }
                    for (a, c) in tree.children(x).enumerate() {
                        let c = c as usize - base;
                        let p = profile.prob(h, a as u32);
                        if mine {
                            others[c] = others[k].clone();
                            own[c] = &own[k] * &p;
                            last[c] = (u64::from(h) << 32) | a as u64;
                        } else {
                            others[c] = &others[k] * &p;
                            own[c] = own[k].clone();
                            last[c] = last[k];
                        }
                    }
                }
            }
        }
        // Best-response values, information sets after those they follow.
        let mut below: HashMap<u64, Q> = HashMap::new();
        for &(h, parent) in order.iter().rev() {
            let mut best: Option<Q> = None;
            for a in 0..tree.actions(h).len() as u64 {
                let s = (u64::from(h) << 32) | a;
                let v = g.get(&s).cloned().unwrap_or_else(Q::zero);
                let v = below.get(&s).map_or(v.clone(), |b| &v + b);
                if best.as_ref().is_none_or(|b| v > *b) {
                    best = Some(v);
                }
            }
            let best = best.unwrap_or_else(Q::zero);
            let e = below.entry(parent).or_insert_with(Q::zero);
            *e = &*e + &best;
        }
        let br = &g.get(&EMPTY).cloned().unwrap_or_else(Q::zero)
            + &below.get(&EMPTY).cloned().unwrap_or_else(Q::zero);
        let gain = &br - &*payoff;
        if gain > regret {
            regret = gain;
            player = Some(i);
        }
    }
    Check { regret, player, payoffs }
}
