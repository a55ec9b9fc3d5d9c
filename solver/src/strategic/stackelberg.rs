//! The leader's optimal mixed commitment in a two-player game (strong Stackelberg equilibrium).
//!
//! **Class:** two players, any payoffs; one player is the leader, who commits to a mixed strategy
//! that the follower observes before choosing a pure reply. **Returns:** the commitment, the
//! follower's reply (ties broken in the leader's favour: the strong Stackelberg assumption) and both
//! payoffs; for a leader with two strategies, also the exact range of commitments under which that
//! reply is a best reply (the deterrence threshold). **Complexity:** one exact LP per follower
//! strategy, each an m × n simplex (module `simplex`). **Reference:** Conitzer & Sandholm (2006),
//! "Computing the optimal strategy to commit to"; ALGORITHMS.md §15; MODELS.md Game F.
//!
//! For each follower strategy `j`, the LP is `max Σ_i x_i·L(i, j)` over leader strategies `x` for
//! which `j` is a best reply: `Σ_i x_i·(F(i, j') − F(i, j)) ≤ 0` for every `j'`. With the leader's
//! payoffs made positive integers and the simplex constraint relaxed to `Σ x ≤ 1`, the origin is a
//! feasible start (no phase 1): the constraints are homogeneous, so any feasible `x ≠ 0` scales up
//! to `Σ x = 1` with a larger objective, and an optimum of 0 means no commitment makes `j` a best
//! reply. The best LP wins (the smallest `j` among equals).
//!
//! **Verification, exact:** every LP's optimum carries a primal–dual certificate (feasible solutions
//! with equal objectives), so no other reply gives the leader more; the winner's commitment is a
//! probability vector, its reply is a best reply to it, and the payoffs are recomputed from the
//! game's own payoffs.

use redline_models::number::Q;
use redline_models::strategic::{Matrix, StrategicGame};

use super::tableau::{Int, IntMatrix, witness};
use super::{MixedEquilibrium, simplex, two_player};
use crate::error::Error;

/// The leader's optimal commitment and the follower's reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitment {
    /// The leader (0 or 1).
    pub leader: usize,
    /// The leader's mixed strategy, by strategy index.
    pub commitment: Vec<Q>,
    /// The follower's pure reply.
    pub reply: usize,
    /// Both players' payoffs, in player order.
    pub payoffs: Vec<Q>,
    /// For a leader with two strategies: the closed range `[lo, hi]` of probabilities of the
    /// leader's first strategy under which `reply` is a best reply of the follower.
    pub reply_range: Option<(Q, Q)>,
}

impl Commitment {
    /// The follower (the player who is not the leader).
    #[must_use]
    pub fn follower(&self) -> usize {
        1 - self.leader
    }

    /// The commitment and the reply as a mixed profile (the reply with probability 1); `regret` is
    /// the follower's, 0 since the reply is a best reply.
    #[must_use]
    pub fn to_mixed(&self, follower_strategies: usize) -> MixedEquilibrium {
        let reply: Vec<Q> =
            (0..follower_strategies).map(|k| if k == self.reply { Q::one() } else { Q::zero() }).collect();
        let strategies = if self.leader == 0 {
            vec![self.commitment.clone(), reply]
        } else {
            vec![reply, self.commitment.clone()]
        };
        MixedEquilibrium { strategies, payoffs: self.payoffs.clone(), regret: Q::zero() }
    }
}

/// The strong Stackelberg commitment of `leader` (0 or 1) in a two-player game.
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::stackelberg;
/// // Game F: the defender (player 1) commits to an alert probability.
/// let mut g = StrategicGame::new("F", vec!["C".into(), "D".into()],
///     vec![vec!["probe".into(), "not".into()], vec!["alert".into(), "relax".into()]]).unwrap();
/// for (p, u) in [([0, 0], [-3, -1]), ([0, 1], [2, -5]), ([1, 0], [0, -1]), ([1, 1], [0, 0])] {
///     g.set_payoffs(&p, &u.map(Q::from_int)).unwrap();
/// }
/// let c = stackelberg::solve(&g, 1).unwrap();
/// let two_fifths = Q::ratio(2, 5).unwrap();
/// assert_eq!(c.commitment, vec![two_fifths.clone(), Q::ratio(3, 5).unwrap()]);
/// assert_eq!(c.reply, 1); // not: deterred
/// assert_eq!(c.payoffs[1], -two_fifths.clone());
/// assert_eq!(c.reply_range, Some((two_fifths, Q::one())));
/// ```
///
/// # Errors
/// [`Error::Unsupported`] for games without exactly two players (naming `pure`) or a leader other
/// than 0 or 1; [`Error::VerificationFailed`] if a result fails the exact checks (a bug).
pub fn solve(game: &StrategicGame, leader: usize) -> Result<Commitment, Error> {
    let (a, b) = two_player(game, "stackelberg")?;
    if leader > 1 {
        return Err(Error::Unsupported {
            method: "stackelberg",
            reason: format!("player {leader} cannot lead a two-player game (the leader is player 0 or 1)"),
        });
    }
    let transpose = |m: &Matrix| -> Matrix {
        let cols = m.first().map_or(0, Vec::len);
        (0..cols).map(|j| m.iter().map(|r| r[j].clone()).collect()).collect()
    };
    // Rows: the leader's strategies; columns: the follower's.
    let (l, f) = if leader == 0 { (a, b) } else { (transpose(&b), transpose(&a)) };
    run(&l, &f, leader, witness())
}

fn run<Z: Int>(l: &Matrix, f: &Matrix, leader: usize, _w: Z) -> Result<Commitment, Error> {
    let (m, n) = (l.len(), l.first().map_or(0, Vec::len));
    let lz = IntMatrix::<Z>::positive(l);
    let fz = IntMatrix::<Z>::positive(f);
    let mut b = vec![Z::zero(); n.saturating_sub(1)];
    b.push(Z::from_i64(1));
    // The best LP so far: (value in the leader's integer units, reply, leader weights over det).
    let mut best: Option<(Q, usize, Vec<Z>, Z)> = None;
    for j in 0..n {
        let mut rows: Vec<Vec<Z>> = (0..n)
            .filter(|&k| k != j)
            .map(|k| (0..m).map(|i| fz.entries[i][k].sub(&fz.entries[i][j])).collect())
            .collect();
        rows.push(vec![Z::from_i64(1); m]);
        let c: Vec<Z> = (0..m).map(|i| lz.entries[i][j].clone()).collect();
        let o = simplex::maximize(&rows, &b, &c)?;
        o.certify(&rows, &b, &c)?;
        if o.objective.is_zero() {
            continue; // no commitment makes j a best reply
        }
        let value = o.objective.to_q().checked_div(&o.det.to_q()).expect("det is positive");
        if best.as_ref().is_none_or(|(v, ..)| value > *v) {
            best = Some((value, j, o.primal, o.det));
        }
    }
    let Some((_, reply, weights, det)) = best else {
        return Err(Error::VerificationFailed("no follower reply is a best reply to any commitment".into()));
    };
    let d = det.to_q();
    let commitment: Vec<Q> =
        weights.iter().map(|w| w.to_q().checked_div(&d).expect("det is positive")).collect();
    // Independent checks in the game's own payoffs.
    if commitment.iter().any(Q::is_negative) || commitment.iter().sum::<Q>() != Q::one() {
        return Err(Error::VerificationFailed("the commitment is not a probability vector".into()));
    }
    let against = |mat: &Matrix, k: usize| -> Q { (0..m).map(|i| &commitment[i] * &mat[i][k]).sum() };
    let follower_values: Vec<Q> = (0..n).map(|k| against(f, k)).collect();
    if follower_values.iter().any(|v| *v > follower_values[reply]) {
        return Err(Error::VerificationFailed("the follower's reply is not a best reply".into()));
    }
    let (leader_payoff, follower_payoff) = (against(l, reply), follower_values[reply].clone());
    let payoffs =
        if leader == 0 { vec![leader_payoff, follower_payoff] } else { vec![follower_payoff, leader_payoff] };
    let reply_range = (m == 2).then(|| reply_range(f, reply));
    Ok(Commitment { leader, commitment, reply, payoffs, reply_range })
}

/// For a leader with two strategies, the range of `p` (the probability of the first) under which
/// `reply` is a best reply: the intersection over `k` of `p·d0 + (1 − p)·d1 ≥ 0`, with
/// `d = F(·, reply) − F(·, k)`. Non-empty, since the caller found a commitment inside it.
fn reply_range(f: &Matrix, reply: usize) -> (Q, Q) {
    let (mut lo, mut hi) = (Q::zero(), Q::one());
    for k in 0..f[0].len() {
        let d0 = &f[0][reply] - &f[0][k];
        let d1 = &f[1][reply] - &f[1][k];
        // d1 + p·(d0 − d1) ≥ 0.
        let slope = &d0 - &d1;
        if slope.is_zero() {
            continue; // d1 ≥ 0 holds at the found commitment, so everywhere
        }
        let root = (-&d1).checked_div(&slope).expect("the slope is non-zero");
        if slope.is_positive() {
            lo = lo.max(root);
        } else {
            hi = hi.min(root);
        }
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::super::enumeration;
    use super::super::test_games::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn game_f_defender_commits_to_two_fifths() {
        let c = solve(&game_f(), 1).unwrap();
        assert_eq!(c.commitment, vec![q(2, 5), q(3, 5)]);
        assert_eq!(c.reply, 1);
        assert_eq!(c.payoffs, vec![Q::zero(), q(-2, 5)]);
        assert_eq!(c.reply_range, Some((q(2, 5), Q::one())));
        // Better for the defender than the Nash equilibrium's −1.
        assert!(c.payoffs[1] > Q::from_int(-1));
        let e = c.to_mixed(2);
        assert_eq!(e.strategies, vec![vec![Q::zero(), Q::one()], vec![q(2, 5), q(3, 5)]]);
    }

    #[test]
    fn game_f_challenger_leads() {
        // The challenger commits to a probe probability x; alert pays the defender −1, relax −5x, so
        // relax is a best reply iff x ≤ 1/5, and gives the challenger 2x (alert gives −3x ≤ 0).
        // Best: x = 1/5 with relax (the tie goes the leader's way), 2/5.
        let c = solve(&game_f(), 0).unwrap();
        assert_eq!(c.commitment, vec![q(1, 5), q(4, 5)]);
        assert_eq!(c.reply, 1);
        assert_eq!(c.payoffs, vec![q(2, 5), Q::from_int(-1)]);
        assert_eq!(c.reply_range, Some((Q::zero(), q(1, 5))));
    }

    #[test]
    fn pure_commitment_when_it_is_best() {
        // A dominant-strategy game: the leader's best commitment is pure.
        let g = bimatrix(&[&[3, 1], &[2, 0]], &[&[1, 0], &[0, 1]]);
        let c = solve(&g, 0).unwrap();
        assert_eq!((c.commitment.clone(), c.reply), (vec![Q::one(), Q::zero()], 0));
        assert_eq!(c.payoffs, vec![Q::from_int(3), Q::one()]);
    }

    #[test]
    fn three_by_three_hand_computed() {
        // Follower's best replies: 0 when the leader plays r0, 1 against r1, 2 against r2; the leader
        // wants reply 2 (payoff 5 in column 2) but only gets it when x2 is the largest.
        // Leader payoffs: column 2 pays 5 on r0 and r1, 0 on r2; the follower's payoff is 1 on the
        // diagonal. Reply 2 needs x2 ≥ x0 and x2 ≥ x1: best is x = (1/3, 1/3, 1/3) giving 10/3.
        let g = bimatrix(&[&[0, 0, 5], &[0, 0, 5], &[0, 0, 0]], &[&[1, 0, 0], &[0, 1, 0], &[0, 0, 1]]);
        let c = solve(&g, 0).unwrap();
        assert_eq!(c.reply, 2);
        assert_eq!(c.commitment, vec![q(1, 3), q(1, 3), q(1, 3)]);
        assert_eq!(c.payoffs, vec![q(10, 3), q(1, 3)]);
        assert_eq!(c.reply_range, None);
    }

    #[test]
    fn more_players_are_refused() {
        let g = StrategicGame::new("3", vec!["a".into(), "b".into(), "c".into()], vec![vec!["x".into()]; 3])
            .unwrap();
        let err = solve(&g, 0).unwrap_err();
        assert!(err.to_string().contains("`pure`"), "{err}");
        assert!(solve(&game_f(), 2).is_err());
    }

    fn game(m: usize, n: usize, cells: &[(i64, i64)]) -> StrategicGame {
        let a: Vec<Vec<i64>> = (0..m).map(|i| (0..n).map(|j| cells[i * n + j].0).collect()).collect();
        let b: Vec<Vec<i64>> = (0..m).map(|i| (0..n).map(|j| cells[i * n + j].1).collect()).collect();
        let a: Vec<&[i64]> = a.iter().map(Vec::as_slice).collect();
        let b: Vec<&[i64]> = b.iter().map(Vec::as_slice).collect();
        bimatrix(&a, &b)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The leader's Stackelberg payoff is at least her payoff in every Nash equilibrium (committing
        /// to the Nash strategy is always possible, and ties go the leader's way); small payoff ranges
        /// make degenerate games common.
        #[test]
        fn commitment_beats_every_nash_equilibrium(
            (m, n, cells) in (1usize..=4, 1usize..=4).prop_flat_map(|(m, n)| {
                (Just(m), Just(n), proptest::collection::vec((-3i64..=3, -3i64..=3), m * n))
            }),
            leader in 0usize..=1,
        ) {
            let g = game(m, n, &cells);
            let c = solve(&g, leader).unwrap();
            let nash = enumeration::solve(&g).unwrap();
            prop_assert!(!nash.equilibria.is_empty());
            for e in &nash.equilibria {
                prop_assert!(c.payoffs[leader] >= e.payoffs[leader], "{:?} vs {:?}", c, e);
            }
            // The reply is a best reply: the follower's regret in the profile is zero.
            let (a, b) = g.bimatrix().unwrap();
            let x = &c.commitment;
            let follower = if leader == 0 { b } else { a };
            let value = |k: usize| -> Q {
                (0..x.len()).map(|i| if leader == 0 { &x[i] * &follower[i][k] } else { &x[i] * &follower[k][i] }).sum()
            };
            let count = if leader == 0 { n } else { m };
            for k in 0..count {
                prop_assert!(value(k) <= value(c.reply));
            }
        }
    }
}
