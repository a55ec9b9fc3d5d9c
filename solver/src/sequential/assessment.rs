//! Assessments (a behaviour profile with beliefs) and the exact check of sequential rationality.
//!
//! **Consistency by construction.** An [`Assessment`] carries no beliefs of its own. It names, for
//! every action the profile plays with probability zero, a [`Tremble`]: the action is played with
//! probability `weight·ε^order` in a sequence of completely mixed profiles that converges to the
//! profile as ε → 0. The beliefs are the limits of Bayes' rule along that sequence, so they are
//! consistent in the sense of Kreps & Wilson (1982) by construction. They are computed exactly from
//! leading terms: a node is reached with probability `c·ε^d + o(ε^d)`, where `d` sums the orders of
//! the trembling actions on its path and `c` multiplies the probabilities of the others (actions
//! played, chance) and the weights of the trembles. At an information set only the nodes of the
//! smallest `d` keep belief, in proportion to their `c`.
//!
//! **Sequential rationality.** With perfect recall and consistent beliefs, an assessment is
//! sequentially rational iff no player gains by changing the action at one information set only,
//! keeping the rest of the profile (the one-shot deviation principle for sequential rationality,
//! Hendon, Jacobsen & Sloth 1996, GEB 12:274–282). [`check`] therefore values every action at every
//! information set under the beliefs and the profile's continuation play, in exact arithmetic.

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};

use crate::error::Error;

/// How an action the profile never plays is approached: with probability `weight·ε^order` as ε → 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tremble {
    /// The order of the tremble (positive; rational orders are allowed).
    pub order: Q,
    /// Its weight (positive).
    pub weight: Q,
}

impl Tremble {
    /// The tremble `ε` (order 1, weight 1).
    #[must_use]
    pub fn unit() -> Tremble {
        Tremble { order: Q::one(), weight: Q::one() }
    }
}

/// A behaviour profile with the trembles that define its beliefs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// A probability per action at each information set, indexed by [`InfosetId`].
    pub behavior: Vec<Vec<Q>>,
    /// For each action at each information set: `Some` exactly when the action has probability zero.
    pub trembles: Vec<Vec<Option<Tremble>>>,
}

impl Assessment {
    /// `behavior` with every unplayed action trembling at order 1 and weight 1 (all mistakes equally
    /// likely and independent).
    #[must_use]
    pub fn with_unit_trembles(behavior: Vec<Vec<Q>>) -> Assessment {
        let trembles = behavior
            .iter()
            .map(|row| row.iter().map(|p| p.is_zero().then(Tremble::unit)).collect())
            .collect();
        Assessment { behavior, trembles }
    }
}

/// The result of [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The largest gain from changing the play at one information set, given the beliefs there
    /// (0 for a sequential equilibrium).
    pub regret: Q,
    /// An information set where that gain is available, when it is positive.
    pub infoset: Option<InfosetId>,
    /// The consistent beliefs: for each information set, a probability per member node (in node
    /// order), or `None` when no completely mixed profile reaches the set (a chance probability of
    /// zero on every path to it).
    pub beliefs: Vec<Option<Vec<Q>>>,
    /// Each player's expected payoff from the root.
    pub payoffs: Vec<Q>,
}

/// A node's probability of being reached as ε → 0: `coef·ε^order`, or zero for every ε.
#[derive(Clone, Debug)]
enum Lead {
    Zero,
    Term { order: Q, coef: Q },
}

/// Checks that `assessment` is well formed for `tree`.
fn validate(tree: &Tree, a: &Assessment) -> Result<(), Error> {
    let bad = |m: String| Err(Error::VerificationFailed(m));
    let n = tree.infosets().len();
    if a.behavior.len() != n || a.trembles.len() != n {
        return bad(format!("the assessment has {} information sets, the game {n}", a.behavior.len()));
    }
    for h in 0..n {
        let k = tree.actions(h as InfosetId).len();
        let (row, tr) = (&a.behavior[h], &a.trembles[h]);
        let name = || tree.infoset_name(h as InfosetId);
        if row.len() != k || tr.len() != k {
            return bad(format!("wrong number of actions at information set {}", name()));
        }
        if row.iter().any(Q::is_negative) || row.iter().sum::<Q>() != Q::one() {
            return bad(format!("the probabilities at information set {} are not a distribution", name()));
        }
        for (p, t) in row.iter().zip(tr) {
            match t {
                None if p.is_zero() => {
                    return bad(format!("an unplayed action at information set {} has no tremble", name()));
                }
                Some(_) if !p.is_zero() => {
                    return bad(format!("a played action at information set {} has a tremble", name()));
                }
                Some(t) if !t.order.is_positive() || !t.weight.is_positive() => {
                    return bad(format!("a tremble at information set {} is not positive", name()));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The consistent beliefs of `assessment`: for each information set, a probability per member node
/// (in node order), `None` where no completely mixed profile reaches the set.
///
/// # Errors
/// [`Error::VerificationFailed`] when the assessment does not fit the tree (wrong sizes, rows that are
/// not distributions, an unplayed action without a positive tremble or a played one with one).
pub fn consistent_beliefs(tree: &Tree, assessment: &Assessment) -> Result<Vec<Option<Vec<Q>>>, Error> {
    validate(tree, assessment)?;
    Ok(beliefs_unchecked(tree, assessment))
}

fn beliefs_unchecked(tree: &Tree, a: &Assessment) -> Vec<Option<Vec<Q>>> {
    let len = tree.len();
    let mut lead = vec![Lead::Zero; len];
    if len == 0 {
        return Vec::new();
    }
    lead[0] = Lead::Term { order: Q::zero(), coef: Q::one() };
    let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); tree.infosets().len()];
    for x in 0..len as NodeId {
        let Lead::Term { order, coef } = lead[x as usize].clone() else {
            if tree.kind(x) == NodeKind::Decision {
                members[tree.infoset_of(x) as usize].push(x);
            }
            continue;
        };
        match tree.kind(x) {
            NodeKind::Terminal => {}
            NodeKind::Chance => {
                for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                    if !p.is_zero() {
                        lead[c as usize] = Lead::Term { order: order.clone(), coef: &coef * p };
                    }
                }
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x) as usize;
                members[h].push(x);
                for (k, c) in tree.children(x).enumerate() {
                    lead[c as usize] = match &a.trembles[h][k] {
                        None => Lead::Term { order: order.clone(), coef: &coef * &a.behavior[h][k] },
                        Some(t) => Lead::Term { order: &order + &t.order, coef: &coef * &t.weight },
                    };
                }
            }
        }
    }
    members
        .iter()
        .map(|nodes| {
            let least = nodes
                .iter()
                .filter_map(|&x| match &lead[x as usize] {
                    Lead::Term { order, .. } => Some(order),
                    Lead::Zero => None,
                })
                .min()?
                .clone();
            let weight = |x: NodeId| match &lead[x as usize] {
                Lead::Term { order, coef } if *order == least => coef.clone(),
                _ => Q::zero(),
            };
            let total: Q = nodes.iter().map(|&x| weight(x)).sum();
            Some(
                nodes
                    .iter()
                    .map(|&x| weight(x).checked_div(&total).expect("a positive leading term"))
                    .collect(),
            )
        })
        .collect()
}

/// Checks sequential rationality of `assessment` exactly, under its consistent beliefs.
///
/// Cost O(players × nodes) exact operations. The tree must have perfect recall (the methods that
/// produce assessments check it).
///
/// # Errors
/// As [`consistent_beliefs`].
pub fn check(tree: &Tree, assessment: &Assessment) -> Result<Check, Error> {
    let (values, beliefs, payoffs) = evaluate(tree, assessment)?;
    let mut regret = Q::zero();
    let mut at = None;
    for (h, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let best = v.iter().max().cloned().unwrap_or_else(Q::zero);
        let played: Q = assessment.behavior[h].iter().zip(v).map(|(p, v)| p * v).sum();
        let gain = &best - &played;
        if gain > regret {
            regret = gain;
            at = Some(h as InfosetId);
        }
    }
    Ok(Check { regret, infoset: at, beliefs, payoffs })
}

/// The value of each action to the mover at each information set, under the consistent beliefs
/// there and the profile's play afterwards (`None` where the set has no beliefs): what [`check`]
/// compares. A tie between actions is an exact equality of these values.
///
/// # Errors
/// As [`consistent_beliefs`].
pub fn action_values(tree: &Tree, assessment: &Assessment) -> Result<Vec<Option<Vec<Q>>>, Error> {
    Ok(evaluate(tree, assessment)?.0)
}

/// Per information set the action values, the beliefs, and the payoffs from the root.
type Evaluation = (Vec<Option<Vec<Q>>>, Vec<Option<Vec<Q>>>, Vec<Q>);

fn evaluate(tree: &Tree, assessment: &Assessment) -> Result<Evaluation, Error> {
    validate(tree, assessment)?;
    let beliefs = beliefs_unchecked(tree, assessment);
    let n = tree.n_players();
    let len = tree.len();
    // values[x·n + i]: player i's expected payoff from node x under the profile.
    let mut values = vec![Q::zero(); len * n];
    for x in (0..len as NodeId).rev() {
        let base = x as usize * n;
        match tree.kind(x) {
            NodeKind::Terminal => values[base..base + n].clone_from_slice(tree.payoffs(x)),
            NodeKind::Chance => {
                for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                    add_scaled(&mut values, base, c as usize * n, p, n);
                }
            }
            NodeKind::Decision => {
                let row = &assessment.behavior[tree.infoset_of(x) as usize];
                for (c, p) in tree.children(x).zip(row) {
                    add_scaled(&mut values, base, c as usize * n, p, n);
                }
            }
        }
    }
    let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); tree.infosets().len()];
    for x in 0..len as NodeId {
        if tree.kind(x) == NodeKind::Decision {
            members[tree.infoset_of(x) as usize].push(x);
        }
    }
    let action_values = members
        .iter()
        .enumerate()
        .map(|(h, nodes)| {
            let mu = beliefs[h].as_ref()?;
            let &first = nodes.first()?;
            let i = tree.player_of(first);
            Some(
                (0..assessment.behavior[h].len())
                    .map(|k| {
                        nodes
                            .iter()
                            .zip(mu)
                            .filter(|(_, m)| !m.is_zero())
                            .map(|(&x, m)| m * &values[tree.child(x, k) as usize * n + i])
                            .sum()
                    })
                    .collect(),
            )
        })
        .collect();
    let payoffs = if len == 0 { vec![Q::zero(); n] } else { values[..n].to_vec() };
    Ok((action_values, beliefs, payoffs))
}

/// `values[to..to+n] += p · values[from..from+n]` (`from` > `to`).
fn add_scaled(values: &mut [Q], to: usize, from: usize, p: &Q, n: usize) {
    if p.is_zero() {
        return;
    }
    let (head, tail) = values.split_at_mut(from);
    for (t, f) in head[to..to + n].iter_mut().zip(&tail[..n]) {
        *t = &*t + &(p * f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redline_models::expr::Expr;
    use redline_models::tree::TreeBuilder;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    fn leaf(b: &mut TreeBuilder, u: [i64; 2]) {
        b.terminal_values(&[Q::from_int(u[0]), Q::from_int(u[1])]).unwrap();
    }

    /// Player 0 chooses `out` (payoffs (2, 2)) or one of `l`, `r`; player 1 then chooses `a`/`b`
    /// without seeing which. Payoffs after l: a (3, 1), b (0, 0); after r: a (0, 0), b (1, 3).
    fn entry_game() -> Tree {
        let mut b = TreeBuilder::new("entry", vec!["P0".into(), "P1".into()]);
        let a0 = b.actions(&["out", "l", "r"]).unwrap();
        let a1 = b.actions(&["a", "b"]).unwrap();
        let h0 = b.infoset(0, "", a0).unwrap();
        let h1 = b.infoset(1, "", a1).unwrap();
        b.decision(h0).unwrap();
        leaf(&mut b, [2, 2]);
        b.decision(h1).unwrap();
        leaf(&mut b, [3, 1]);
        leaf(&mut b, [0, 0]);
        b.decision(h1).unwrap();
        leaf(&mut b, [0, 0]);
        leaf(&mut b, [1, 3]);
        b.finish().unwrap()
    }

    fn row(v: &[&str]) -> Vec<Q> {
        v.iter().map(|s| q(s)).collect()
    }

    #[test]
    fn off_path_beliefs_follow_the_trembles() {
        let t = entry_game();
        let behavior = vec![row(&["1", "0", "0"]), row(&["0", "1"])];
        // Equal trembles: beliefs 1/2, 1/2 at player 1's set, where b is then optimal (3/2 > 1/2).
        let a = Assessment::with_unit_trembles(behavior.clone());
        let c = check(&t, &a).unwrap();
        assert_eq!(c.beliefs[1], Some(row(&["1/2", "1/2"])));
        assert_eq!(c.regret, Q::zero());
        assert_eq!(c.payoffs, row(&["2", "2"]));
        // l trembles at a lower order than r: the belief is all on l, where a is optimal, so the
        // assessment (out, b) fails with a gain of 1 at player 1's set.
        let mut a = a;
        a.trembles[0][2] = Some(Tremble { order: q("2"), weight: q("1") });
        let c = check(&t, &a).unwrap();
        assert_eq!(c.beliefs[1], Some(row(&["1", "0"])));
        assert_eq!(c.regret, q("1"));
        assert_eq!(c.infoset, Some(1));
        // Same order, weights 3 : 1 towards l: beliefs 3/4, 1/4; a is worth 3/4, b 3/4: a tie.
        a.trembles[0][2] = Some(Tremble { order: q("1"), weight: q("1") });
        a.trembles[0][1] = Some(Tremble { order: q("1"), weight: q("3") });
        let c = check(&t, &a).unwrap();
        assert_eq!(c.beliefs[1], Some(row(&["3/4", "1/4"])));
        assert_eq!(c.regret, Q::zero());
    }

    #[test]
    fn gains_anywhere_count() {
        // (l, b): on the path (belief 1 on l) player 1 gains 1 by a; player 0 gains 2 by out.
        let t = entry_game();
        let a = Assessment::with_unit_trembles(vec![row(&["0", "1", "0"]), row(&["0", "1"])]);
        let c = check(&t, &a).unwrap();
        assert_eq!(c.beliefs[1], Some(row(&["1", "0"])));
        assert_eq!((c.regret, c.infoset), (q("2"), Some(0)));
        // (l, a) is sequential: beliefs by Bayes' rule, no trembles needed.
        let a = Assessment::with_unit_trembles(vec![row(&["0", "1", "0"]), row(&["1", "0"])]);
        assert_eq!(check(&t, &a).unwrap().regret, Q::zero());
    }

    #[test]
    fn malformed_assessments_are_refused() {
        let t = entry_game();
        let mut a = Assessment::with_unit_trembles(vec![row(&["1", "0", "0"]), row(&["0", "1"])]);
        a.trembles[0][1] = None;
        assert!(matches!(check(&t, &a), Err(Error::VerificationFailed(_))));
        let a = Assessment::with_unit_trembles(vec![row(&["1/2", "0", "0"]), row(&["0", "1"])]);
        assert!(consistent_beliefs(&t, &a).is_err());
        let mut a = Assessment::with_unit_trembles(vec![row(&["1", "0", "0"]), row(&["0", "1"])]);
        a.trembles[1][0] = Some(Tremble { order: q("0"), weight: q("1") });
        assert!(check(&t, &a).is_err());
    }

    #[test]
    fn zero_probability_chance_leaves_a_set_without_beliefs() {
        let mut b = TreeBuilder::new("chance", vec!["P0".into()]);
        let a = b.actions(&["x", "y"]).unwrap();
        b.chance(vec![("on".into(), Expr::number(q("1"))), ("off".into(), Expr::number(q("0")))]).unwrap();
        let h = b.infoset(0, "on", a).unwrap();
        b.decision(h).unwrap();
        b.terminal_values(&[q("1")]).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        let g = b.infoset(0, "off", a).unwrap();
        b.decision(g).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        b.terminal_values(&[q("5")]).unwrap();
        let t = b.finish().unwrap();
        let a = Assessment::with_unit_trembles(vec![row(&["1", "0"]), row(&["1", "0"])]);
        let c = check(&t, &a).unwrap();
        assert_eq!(c.beliefs, vec![Some(row(&["1"])), None]);
        assert_eq!(c.regret, Q::zero());
    }
}
