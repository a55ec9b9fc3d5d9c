//! The Kreps–Wilson closed form of MODELS.md B.2 (salami slicing as a probe of resolve), exact: a
//! test oracle for `salami-probes` (B1) and, where MODELS.md says they coincide, `salami-reputation`
//! (B2).
//!
//! Written from MODELS.md's formulas alone, independently of the model library: thresholds
//! `t_k = b_1 ⋯ b_k`, the challenger's hold probability, the normal defender's retaliation
//! probability `β_k`, the public belief after any history (by Bayes' rule where it applies), and the
//! expected payoffs by a forward pass over the public histories. Stage `k` counts the slices
//! *remaining*: slice `j = 1 … n` is played at stage `k = n − j + 1`. Histories are strings over
//! `H` (hold), `R` (probe, retaliated) and `A` (probe, accepted), one letter per slice played.
//!
//! [`Kw::assessment`] puts the closed form on a tree that `salami-reputation` or `salami-probes`
//! built (behaviour and beliefs at every information set, off the path too), reading each node's
//! public history from the tree's shape ([`public_histories`]), not from its labels.

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};

/// One instance of the game: `n` slices, the normal defender's gain `a`, the challengers' gain
/// ratios per stage and the resolve prior `pi`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kw {
    /// The number of slices.
    pub n: u32,
    /// The normal defender's stage payoff when the challenger holds.
    pub a: Q,
    /// `gains[k - 1]` is `b_k`, the gain ratio at stage `k`.
    pub gains: Vec<Q>,
    /// The prior probability that the defender is resolute.
    pub pi: Q,
}

/// The expected payoffs of the Kreps–Wilson profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The defender's ex-ante payoff (the resolute type receiving the normal type's stage payoffs).
    pub defender: Q,
    /// The normal ("weak") defender's expected payoff.
    pub normal: Q,
    /// The resolute defender's expected payoff (normal stage payoffs).
    pub resolute: Q,
    /// `challengers[j - 1]`: the expected stage payoff of the challenger at slice `j`.
    pub challengers: Vec<Q>,
}

impl Outcome {
    /// The sum of the challengers' payoffs (B2's long-lived challenger's total).
    #[must_use]
    pub fn challenger_total(&self) -> Q {
        self.challengers.iter().sum()
    }
}

fn div(a: &Q, b: &Q) -> Q {
    a.checked_div(b).expect("the closed form divides by positive numbers only")
}

impl Kw {
    /// An instance without erosion: every stage's gain ratio is `b`.
    #[must_use]
    pub fn new(n: u32, a: Q, b: &Q, pi: Q) -> Kw {
        Kw { n, a, gains: vec![b.clone(); n as usize], pi }
    }

    /// An instance with erosion: `gains[k - 1] = b_k`.
    #[must_use]
    pub fn with_gains(a: Q, gains: Vec<Q>, pi: Q) -> Kw {
        Kw { n: gains.len() as u32, a, gains, pi }
    }

    /// The stage (slices remaining) of slice `j`.
    #[must_use]
    pub fn stage(&self, j: u32) -> u32 {
        self.n + 1 - j
    }

    /// The gain ratio `b_k` of stage `k`.
    #[must_use]
    pub fn gain(&self, k: u32) -> &Q {
        &self.gains[k as usize - 1]
    }

    /// The threshold `t_k = b_1 ⋯ b_k` (`t_0 = 1`).
    #[must_use]
    pub fn threshold(&self, k: u32) -> Q {
        self.gains[..k as usize].iter().fold(Q::one(), |t, b| &t * b)
    }

    /// The challenger's probability of holding at stage `k` when the public belief is `p`.
    #[must_use]
    pub fn hold_probability(&self, k: u32, p: &Q) -> Q {
        let t = self.threshold(k);
        match p.cmp(&t) {
            std::cmp::Ordering::Less => Q::zero(),
            std::cmp::Ordering::Greater => Q::one(),
            std::cmp::Ordering::Equal => self.a.recip().expect("a > 0"),
        }
    }

    /// The normal defender's probability `β_k` of retaliating against a probe at stage `k` when the
    /// public belief is `p`.
    #[must_use]
    pub fn retaliation_probability(&self, k: u32, p: &Q) -> Q {
        if k == 1 {
            return Q::zero();
        }
        let t = self.threshold(k - 1);
        if p >= &t {
            return Q::one();
        }
        div(&(p * &(Q::one() - &t)), &(&(Q::one() - p) * &t))
    }

    /// The probability that a probe at stage `k` meets retaliation: `p + (1 − p) β_k`.
    #[must_use]
    pub fn probe_success(&self, k: u32, p: &Q) -> Q {
        p + &(&(Q::one() - p) * &self.retaliation_probability(k, p))
    }

    /// A probe's expected stage payoff to the challenger at stage `k`: `b_k − P(retaliation)`.
    #[must_use]
    pub fn probe_value(&self, k: u32, p: &Q) -> Q {
        self.gain(k) - &self.probe_success(k, p)
    }

    /// The public belief after stage `k` ended with `outcome` (`H`, `R` or `A`), from belief `p`:
    /// Bayes' rule when the outcome has positive probability, and otherwise MODELS.md's
    /// conventions (a revealed normal type stays revealed).
    #[must_use]
    pub fn posterior(&self, k: u32, p: &Q, outcome: char) -> Q {
        match outcome {
            'H' => p.clone(),
            'A' => Q::zero(),
            _ => {
                let normal = &(Q::one() - p) * &self.retaliation_probability(k, p);
                let total = p + &normal;
                if total.is_zero() { Q::zero() } else { div(p, &total) }
            }
        }
    }

    /// The public belief at the start of the slice after `history`.
    #[must_use]
    pub fn belief(&self, history: &str) -> Q {
        let mut p = self.pi.clone();
        for (j, c) in history.chars().enumerate() {
            p = self.posterior(self.stage(j as u32 + 1), &p, c);
        }
        p
    }

    /// MODELS.md's closed form of the normal defender's value: `a·m`, plus 1 when the prior equals
    /// the threshold of the first stage it does not deter, where `m` counts the stages (from the
    /// first slice on) with `pi > t_k`.
    #[must_use]
    pub fn weak_value_formula(&self) -> Q {
        let mut m = 0;
        for k in (1..=self.n).rev() {
            let t = self.threshold(k);
            if self.pi > t {
                m += 1;
                continue;
            }
            let bonus = if self.pi == t { Q::one() } else { Q::zero() };
            return &(&self.a * &Q::from_int(m)) + &bonus;
        }
        &self.a * &Q::from_int(m)
    }

    /// The expected payoffs of the Kreps–Wilson profile, by a forward pass over the public
    /// histories with the probability of each history for each type.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        let zero = Q::zero;
        let mut challengers = vec![zero(); self.n as usize];
        let (mut normal, mut resolute) = (zero(), zero());
        // (history, probability given resolute, probability given normal)
        let mut states: Vec<(String, Q, Q)> = vec![(String::new(), Q::one(), Q::one())];
        for j in 1..=self.n {
            let k = self.stage(j);
            let mut next = Vec::with_capacity(states.len() * 3);
            for (history, res, nor) in states {
                let p = self.belief(&history);
                let hold = self.hold_probability(k, &p);
                let probe = Q::one() - &hold;
                let beta = self.retaliation_probability(k, &p);
                let b = self.gain(k);
                // Hold: the defender gains a, the challenger 0.
                normal = &normal + &(&(&nor * &hold) * &self.a);
                resolute = &resolute + &(&(&res * &hold) * &self.a);
                // Probe: the resolute type retaliates, the normal one with probability beta.
                let res_r = &res * &probe;
                let nor_r = &(&nor * &probe) * &beta;
                let nor_a = &(&nor * &probe) * &(Q::one() - &beta);
                normal = &normal - &nor_r;
                resolute = &resolute - &res_r;
                let reach_r = &(&self.pi * &res_r) + &(&(Q::one() - &self.pi) * &nor_r);
                let reach_a = &(Q::one() - &self.pi) * &nor_a;
                let c = &mut challengers[j as usize - 1];
                *c = &*c + &(&(&reach_r * &(b - &Q::one())) + &(&reach_a * b));
                next.push((format!("{history}H"), &res * &hold, &nor * &hold));
                next.push((format!("{history}R"), res_r, nor_r));
                next.push((format!("{history}A"), zero(), nor_a));
            }
            states = next;
        }
        let defender = &(&self.pi * &resolute) + &(&(Q::one() - &self.pi) * &normal);
        Outcome { defender, normal, resolute, challengers }
    }
}

/// The closed form's assessment on a tree: per information set (indexed by `InfosetId`), the
/// action probabilities and the belief over its member nodes (in [`Tree::infoset_members`] order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Per information set: hold/probe or retaliate/accept probabilities.
    pub behavior: Vec<Vec<Q>>,
    /// Per information set: the probability of each member node (the resolute node gets the public
    /// belief `p`, the normal node `1 − p`; a singleton gets 1).
    pub beliefs: Vec<Vec<Q>>,
}

/// The public history of every node of a reputation-model tree, read from its shape: a
/// challenger's `hold` adds `H`; its `probe` adds `R` where the resolute defender retaliates by
/// itself, or leads to the normal defender (player 0), whose `retaliate` adds `R` and `accept` `A`.
#[must_use]
pub fn public_histories(tree: &Tree) -> Vec<String> {
    let mut h = vec![String::new(); tree.len()];
    for x in 0..tree.len() as NodeId {
        if tree.kind(x) != NodeKind::Decision {
            continue;
        }
        let defender = tree.player_of(x) == 0;
        for (a, c) in tree.children(x).enumerate() {
            let to_defender = tree.kind(c) == NodeKind::Decision && tree.player_of(c) == 0;
            let letter = match (defender, a) {
                (true, 0) => "R",
                (true, _) => "A",
                (false, 0) => "H",
                (false, _) if to_defender => "",
                (false, _) => "R",
            };
            h[c as usize] = format!("{}{letter}", h[x as usize]);
        }
    }
    h
}

/// True when node `x` lies below the root's first (resolute) branch.
fn is_resolute(tree: &Tree, x: NodeId) -> bool {
    let r = tree.child(0, 0);
    (r..tree.end(r)).contains(&x)
}

impl Kw {
    /// The closed form's behaviour and beliefs at every information set of `tree` (built by
    /// `salami-reputation` or `salami-probes` with this instance's parameters).
    ///
    /// # Panics
    /// When two nodes of one information set have different public histories (not such a tree).
    #[must_use]
    pub fn assessment(&self, tree: &Tree) -> Assessment {
        let hist = public_histories(tree);
        let mut behavior = Vec::new();
        let mut beliefs = Vec::new();
        for members in tree.infoset_members() {
            let history = &hist[members[0] as usize];
            assert!(members.iter().all(|&x| &hist[x as usize] == history), "one history per information set");
            let k = self.stage(history.len() as u32 + 1);
            let p = self.belief(history);
            let first = if tree.player_of(members[0]) == 0 {
                self.retaliation_probability(k, &p)
            } else {
                self.hold_probability(k, &p)
            };
            behavior.push(vec![first.clone(), Q::one() - &first]);
            beliefs.push(if members.len() == 1 {
                vec![Q::one()]
            } else {
                members
                    .iter()
                    .map(|&x| if is_resolute(tree, x) { p.clone() } else { Q::one() - &p })
                    .collect()
            });
        }
        Assessment { behavior, beliefs }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    #[test]
    fn thresholds_are_products() {
        let kw = Kw::with_gains(q("2"), vec![q("2/3"), q("1/2"), q("1/3")], q("1/5"));
        assert_eq!(
            [kw.threshold(0), kw.threshold(1), kw.threshold(2), kw.threshold(3)],
            [q("1"), q("2/3"), q("1/3"), q("1/9")]
        );
    }

    #[test]
    fn bayes_gives_the_max_rule_after_retaliation() {
        let kw = Kw::new(4, q("3"), &q("1/3"), q("1/20"));
        for k in 2..=4 {
            for p in ["1/20", "1/9", "1/3", "1/2", "0"] {
                let p = q(p);
                let want = if p.is_zero() { Q::zero() } else { p.clone().max(kw.threshold(k - 1)) };
                assert_eq!(kw.posterior(k, &p, 'R'), want, "k = {k}, p = {p}");
            }
        }
    }
}
