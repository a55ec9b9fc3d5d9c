//! Nash equilibria of strategic-form (normal-form) games, in exact arithmetic.
//!
//! | method | module | games | returns |
//! |---|---|---|---|
//! | `pure` | [`pure`] | any number of players | every pure equilibrium |
//! | `lp` | [`lp`] | two players, constant-sum | the value and one optimal strategy pair |
//! | `lcp` | [`lemke_howson`] | two players | one equilibrium, or every one reachable by Lemke–Howson paths |
//! | `enum` | [`enumeration`] | two players | every extreme equilibrium (degenerate games included) |
//! | `stackelberg` | [`stackelberg`] | two players | the leader's optimal mixed commitment (strong Stackelberg) |
//!
//! Each method refuses a game outside its class with [`Error::Unsupported`], naming the method to
//! use instead. Every equilibrium returned has been checked exactly, with regret 0, before it leaves
//! the solver: [`regret`] for `pure`, and the same computation on the integer form of the bimatrix
//! (common denominators, no gcd) for the two-player methods, where a failed check becomes
//! [`Error::VerificationFailed`].
//!
//! Two-player methods work on the payoff matrices made positive integers by a positive affine map per
//! player, which leaves equilibria unchanged, and pivot fraction-free integer tableaux (the private
//! `tableau` module); payoffs are reported in the game's units.
//!
//! Next: [`lemke_howson`] for the pivoting machinery, [`crate::verify`] for trees.

pub mod enumeration;
pub(crate) mod faces;
pub(crate) mod float_lh;
pub(crate) mod float_lp;
pub mod lemke_howson;
pub mod lp;
pub(crate) mod modular;
pub mod pure;
pub(crate) mod simplex;
pub mod stackelberg;
pub(crate) mod tableau;

use redline_models::number::Q;
use redline_models::strategic::{Matrix, StrategicGame};

use crate::error::Error;
use tableau::{Int, IntMatrix};

/// A mixed-strategy Nash equilibrium of a strategic-form game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixedEquilibrium {
    /// `strategies[i][s]`: the probability that player `i` plays strategy `s`.
    pub strategies: Vec<Vec<Q>>,
    /// Each player's expected payoff.
    pub payoffs: Vec<Q>,
    /// The largest gain any player gets from a pure deviation (0: verified exactly).
    pub regret: Q,
}

/// What a strategic-form method found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// The equilibria, in a deterministic order.
    pub equilibria: Vec<MixedEquilibrium>,
    /// True when the list is every equilibrium of the kind the method looks for (all pure equilibria,
    /// all extreme equilibria); false for methods that find some of them (`lp`, `lcp`).
    pub complete: bool,
}

/// The regret and the expected payoffs of a mixed profile, exactly.
///
/// The regret is the largest gain over players `i` and pure strategies `s` of
/// `u_i(s, σ_−i) − u_i(σ)`; it is 0 exactly when the profile is a Nash equilibrium. Costs one pass
/// over the profiles with positive probability, times the number of players.
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::regret;
/// let mut g = StrategicGame::new("Pennies", vec!["A".into(), "B".into()],
///     vec![vec!["h".into(), "t".into()], vec!["h".into(), "t".into()]]).unwrap();
/// for (p, v) in [([0, 0], 1), ([1, 0], -1), ([0, 1], -1), ([1, 1], 1)] {
///     g.set_payoffs(&p, &[Q::from_int(v), Q::from_int(-v)]).unwrap();
/// }
/// let half = Q::ratio(1, 2).unwrap();
/// let (r, payoffs) = regret(&g, &[vec![half.clone(), half.clone()], vec![half.clone(), half]]);
/// assert!(r.is_zero());
/// assert_eq!(payoffs, vec![Q::zero(), Q::zero()]);
/// let (r, _) = regret(&g, &[vec![Q::one(), Q::zero()], vec![Q::zero(), Q::one()]]);
/// assert_eq!(r, Q::from_int(2));
/// ```
///
/// # Panics
/// When `strategies` does not give one probability per strategy of every player.
#[must_use]
pub fn regret(game: &StrategicGame, strategies: &[Vec<Q>]) -> (Q, Vec<Q>) {
    let shape = game.shape();
    let n = shape.len();
    assert!(
        strategies.len() == n && strategies.iter().zip(&shape).all(|(s, &m)| s.len() == m),
        "a profile gives one probability per strategy of every player"
    );
    // against[i][s] = u_i(s, σ_−i).
    let mut against: Vec<Vec<Q>> = shape.iter().map(|&m| vec![Q::zero(); m]).collect();
    let mut profile = vec![0usize; n];
    let mut prefix = vec![Q::one(); n + 1];
    for index in 0..game.n_profiles() {
        // `profile` is the odometer for `index` (player 0 fastest).
        if index > 0 {
            for (i, p) in profile.iter_mut().enumerate() {
                *p += 1;
                if *p < shape[i] {
                    break;
                }
                *p = 0;
            }
        }
        // The probability of the others' strategies, for each player, by prefix and suffix products;
        // a profile is skipped when two or more strategies have probability zero.
        let zeros = (0..n).filter(|&i| strategies[i][profile[i]].is_zero()).count();
        if zeros > 1 {
            continue;
        }
        for i in 0..n {
            prefix[i + 1] = &prefix[i] * &strategies[i][profile[i]];
        }
        let payoffs = game.payoffs_at(index);
        let mut suffix = Q::one();
        for i in (0..n).rev() {
            let others = &prefix[i] * &suffix;
            if !others.is_zero() {
                let cell = &mut against[i][profile[i]];
                *cell = &*cell + &(&others * &payoffs[i]);
            }
            suffix = &suffix * &strategies[i][profile[i]];
        }
    }
    let mut worst = Q::zero();
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        let value: Q = against[i].iter().zip(&strategies[i]).map(|(u, p)| u * p).sum();
        let best = against[i].iter().max().cloned().unwrap_or_else(Q::zero);
        let gain = &best - &value;
        if gain > worst {
            worst = gain;
        }
        values.push(value);
    }
    (worst, values)
}

/// The pure profile as a mixed one (probability 1 on each chosen strategy).
pub(crate) fn pure_profile(shape: &[usize], profile: &[usize]) -> Vec<Vec<Q>> {
    shape
        .iter()
        .zip(profile)
        .map(|(&m, &s)| (0..m).map(|k| if k == s { Q::one() } else { Q::zero() }).collect())
        .collect()
}

/// The bimatrix of a two-player game, or `Unsupported` naming `pure` for more players.
pub(crate) fn two_player(game: &StrategicGame, method: &'static str) -> Result<(Matrix, Matrix), Error> {
    game.bimatrix().ok_or_else(|| Error::Unsupported {
        method,
        reason: format!(
            "the game has {} players and `{method}` handles two; use `pure` (all pure equilibria)",
            game.n_players()
        ),
    })
}

/// A two-player game in positive integer form, shared by the two-player methods.
pub(crate) struct Bimatrix<Z> {
    /// The row player's payoffs, made positive integers.
    pub(crate) a: IntMatrix<Z>,
    /// The column player's payoffs, made positive integers.
    pub(crate) b: IntMatrix<Z>,
    /// The number of row strategies.
    pub(crate) m: usize,
    /// The number of column strategies.
    pub(crate) n: usize,
}

impl<Z: Int> Bimatrix<Z> {
    /// The integer form of a game's bimatrix.
    pub(crate) fn new(a: &[Vec<Q>], b: &[Vec<Q>]) -> Bimatrix<Z> {
        let (m, n) = (a.len(), a.first().map_or(0, Vec::len));
        Bimatrix { a: IntMatrix::positive(a), b: IntMatrix::positive(b), m, n }
    }

    /// Checks that `x ∝ xs` and `y ∝ ys` (non-negative integer weights, not all zero) is a Nash
    /// equilibrium exactly, and returns it with probabilities and payoffs in the game's units.
    ///
    /// With `X = Σ xs`, `Y = Σ ys` and integer payoffs, `X·Y` times each deviation gain is an integer,
    /// so the check needs no fractions: every strategy in a support must reach the best reply value.
    pub(crate) fn verified(&self, xs: &[Z], ys: &[Z]) -> Result<MixedEquilibrium, Error> {
        let fail = |why: &str| Err(Error::VerificationFailed(why.to_string()));
        if xs.len() != self.m || ys.len() != self.n || xs.iter().chain(ys).any(Int::is_negative) {
            return fail("a strategy has negative or missing weights");
        }
        let sum = |v: &[Z]| v.iter().fold(Z::zero(), |acc, w| acc.add(w));
        let (sx, sy) = (sum(xs), sum(ys));
        if !sx.is_positive() || !sy.is_positive() {
            return fail("a strategy has no positive weight");
        }
        // Row player: (A ys)_i for each row; column player: (xs^T B)_j for each column.
        let row_values: Vec<Z> = (0..self.m).map(|i| dot(&self.a.entries[i], ys)).collect();
        let col_values: Vec<Z> = (0..self.n)
            .map(|j| (0..self.m).fold(Z::zero(), |acc, i| acc.add(&self.b.entries[i][j].mul(&xs[i]))))
            .collect();
        let (gain_a, total_a) = gain(&row_values, xs, &sx);
        let (gain_b, total_b) = gain(&col_values, ys, &sy);
        let denominator = sx.mul(&sy);
        if Z::overflowed() {
            // Machine words overflowed (here or before): the values are void, and so is the
            // attempt (`in_words` discards this answer); dividing by them could divide by 0.
            return fail("machine words overflowed");
        }
        if !gain_a.is_zero() || !gain_b.is_zero() {
            let d = denominator.to_q();
            let a = gain_a.to_q().checked_div(&self.a.scale).and_then(|g| g.checked_div(&d));
            let b = gain_b.to_q().checked_div(&self.b.scale).and_then(|g| g.checked_div(&d));
            let worst = a.zip(b).map(|(a, b)| a.max(b)).unwrap_or_else(Q::zero);
            return Err(Error::VerificationFailed(format!("a player gains {worst} by deviating")));
        }
        let probabilities = |v: &[Z], s: &Z| -> Vec<Q> {
            let s = s.to_q();
            v.iter().map(|w| w.to_q().checked_div(&s).expect("the sum is positive")).collect()
        };
        Ok(MixedEquilibrium {
            strategies: vec![probabilities(xs, &sx), probabilities(ys, &sy)],
            payoffs: vec![self.a.original(&total_a, &denominator), self.b.original(&total_b, &denominator)],
            regret: Q::zero(),
        })
    }
}

/// `Σ_k a_k·b_k`.
fn dot<Z: Int>(a: &[Z], b: &[Z]) -> Z {
    a.iter().zip(b).fold(Z::zero(), |acc, (u, v)| if v.is_zero() { acc } else { acc.add(&u.mul(v)) })
}

/// For pure-strategy values `values` against the opponent and own weights `w` summing to `s`:
/// `(s·max(values) − Σ w·values, Σ w·values)`.
fn gain<Z: Int>(values: &[Z], w: &[Z], s: &Z) -> (Z, Z) {
    let total = dot(values, w);
    let best = values.iter().max().cloned().unwrap_or_else(Z::zero);
    (s.mul(&best).sub(&total), total)
}

/// Sorts equilibria by their strategies (exact order) and drops repeats.
pub(crate) fn sort_dedup(equilibria: &mut Vec<MixedEquilibrium>) {
    equilibria.sort_by(|p, q| p.strategies.cmp(&q.strategies));
    equilibria.dedup_by(|p, q| p.strategies == q.strategies);
}

#[cfg(test)]
pub(crate) mod test_games {
    //! Small games shared by the unit tests of the strategic methods.

    use redline_models::number::Q;
    use redline_models::strategic::StrategicGame;

    /// A two-player game from integer matrices.
    pub(crate) fn bimatrix(a: &[&[i64]], b: &[&[i64]]) -> StrategicGame {
        let (m, n) = (a.len(), a[0].len());
        let mut g = StrategicGame::new(
            "test",
            vec!["1".into(), "2".into()],
            vec![(0..m).map(|i| format!("r{i}")).collect(), (0..n).map(|j| format!("c{j}")).collect()],
        )
        .unwrap();
        for i in 0..m {
            for j in 0..n {
                g.set_payoffs(&[i, j], &[Q::from_int(a[i][j]), Q::from_int(b[i][j])]).unwrap();
            }
        }
        g
    }

    /// A zero-sum game from the row player's matrix.
    pub(crate) fn zero_sum(a: &[&[i64]]) -> StrategicGame {
        let b: Vec<Vec<i64>> = a.iter().map(|r| r.iter().map(|v| -v).collect()).collect();
        let b: Vec<&[i64]> = b.iter().map(Vec::as_slice).collect();
        bimatrix(a, &b)
    }

    /// `n/d`.
    pub(crate) fn q(n: i64, d: i64) -> Q {
        Q::ratio(n, d).unwrap()
    }

    /// Game F, general-sum, at its defaults: (challenger, defender).
    pub(crate) fn game_f() -> StrategicGame {
        bimatrix(&[&[-3, 2], &[0, 0]], &[&[-1, -5], &[-1, 0]])
    }
}

#[cfg(test)]
mod tests {
    use super::test_games::*;
    use super::*;

    #[test]
    fn regret_of_game_f_equilibrium_is_zero() {
        let g = game_f();
        let (r, p) = regret(&g, &[vec![q(1, 5), q(4, 5)], vec![q(2, 5), q(3, 5)]]);
        assert_eq!((r, p), (Q::zero(), vec![Q::zero(), Q::from_int(-1)]));
        let (r, _) = regret(&g, &[vec![q(1, 2), q(1, 2)], vec![q(2, 5), q(3, 5)]]);
        assert!(r.is_positive());
    }

    #[test]
    fn regret_three_players_pure() {
        let mut g = StrategicGame::new(
            "3",
            vec!["a".into(), "b".into(), "c".into()],
            vec![vec!["x".into(), "y".into()]; 3],
        )
        .unwrap();
        // Everyone gets 1 when all three match, else 0.
        for k in 0..8 {
            let p = g.profile_at(k);
            let v = i64::from(p.iter().all(|&s| s == p[0]));
            g.set_payoffs(&p, &[Q::from_int(v), Q::from_int(v), Q::from_int(v)]).unwrap();
        }
        let (r, p) = regret(&g, &pure_profile(&g.shape(), &[1, 1, 1]));
        assert_eq!((r, p), (Q::zero(), vec![Q::one(); 3]));
        let (r, _) = regret(&g, &pure_profile(&g.shape(), &[1, 0, 0]));
        assert_eq!(r, Q::one());
    }

    #[test]
    fn verification_rejects_a_non_equilibrium() {
        fn run<Z: Int>(_w: Z) {
            let (a, b) = game_f().bimatrix().unwrap();
            let bm = Bimatrix::<Z>::new(&a, &b);
            let z = |v: i64| Z::from_i64(v);
            let e = bm.verified(&[z(1), z(4)], &[z(2), z(3)]).unwrap();
            assert_eq!(e.payoffs, vec![Q::zero(), Q::from_int(-1)]);
            assert!(matches!(bm.verified(&[z(1), z(1)], &[z(2), z(3)]), Err(Error::VerificationFailed(_))));
            assert!(matches!(bm.verified(&[z(0), z(0)], &[z(2), z(3)]), Err(Error::VerificationFailed(_))));
        }
        run(tableau::witness());
    }
}
