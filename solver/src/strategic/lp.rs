//! The value and optimal strategies of a two-player zero-sum (or constant-sum) game, by an exact LP.
//!
//! **Class:** two players, payoffs summing to the same constant in every profile. **Returns:** one
//! optimal strategy pair (a vertex of each player's optimal set) with the value; `complete` is
//! false, since optimal strategy sets can be polytopes (`enum` lists their vertices).
//! **Complexity:** two float simplex runs plus O(k³) exact integer operations for supports of size
//! k; the fallback is a simplex run on an m × n fraction-free integer tableau, O(m·n) big-integer
//! operations per pivot. **Reference:** von Neumann (1928); Dantzig (1951); ALGORITHMS.md §10;
//! the lexicographic rule of Dantzig, Orden & Wolfe (1955) against cycling; Applegate, Cook, Dash &
//! Espinoza (2007) for float-then-exact LP.
//!
//! **Fast path:** a float LP (microlp, through good_lp) guesses the supports of optimal strategies
//! and exact integer algebra turns them into the answer, verified with exact zero regret
//! (module `float_lp`). When the guess does not verify (float trouble, or a degenerate game whose
//! float vertices have supports of different sizes) the exact simplex below runs instead, so the
//! answer never depends on floating point.
//!
//! **Which optimal pair is returned:** the value is the same either way. When each player's optimal
//! strategy is unique (every generic game) so is the pair. Otherwise the fast path returns the pair
//! whose supports are those of microlp's vertex solutions, and the fallback the pair read from the
//! simplex's final tableau; both are vertices of the optimal sets (`enum` lists them all).
//! [`solve_simplex`] runs the exact simplex alone.
//!
//! **Exact simplex:** with the row player's payoffs made positive integers `A` (a positive affine
//! map, so optimal strategies are unchanged), the column player's problem
//! `max 1ᵀw s.t. A·w ≤ 1, w ≥ 0` starts feasible at `w = 0`. Its optimum is `1/v` for the value `v`
//! of `A`; `y = w / 1ᵀw`. The row player's strategy comes from the same final tableau: the reduced
//! costs of the slack columns are the dual solution `u` of `min 1ᵀu s.t. Aᵀu ≥ 1`, and
//! `x = u / 1ᵀu` (module `simplex`).
//!
//! Next: [`super::lemke_howson`] for general-sum games.

use redline_models::strategic::StrategicGame;

use super::tableau::{Int, witness};
use super::{Bimatrix, Solution, float_lp, simplex, two_player};
use crate::error::Error;

/// An optimal strategy pair and the value of a two-player constant-sum game: the float fast path,
/// then the exact simplex when the fast path's answer does not verify (see the module docs).
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::lp;
/// // Game F, zero-sum version: value 1/3.
/// let mut g = StrategicGame::new("F", vec!["C".into(), "D".into()],
///     vec![vec!["probe".into(), "not".into()], vec!["alert".into(), "relax".into()]]).unwrap();
/// for (p, v) in [([0, 0], -3), ([0, 1], 2), ([1, 0], 1), ([1, 1], 0)] {
///     g.set_payoffs(&p, &[Q::from_int(v), Q::from_int(-v)]).unwrap();
/// }
/// let e = &lp::solve(&g).unwrap().equilibria[0];
/// assert_eq!(e.payoffs[0], Q::ratio(1, 3).unwrap());
/// assert_eq!(e.strategies[0], vec![Q::ratio(1, 6).unwrap(), Q::ratio(5, 6).unwrap()]);
/// ```
///
/// # Errors
/// [`Error::Unsupported`] for games that are not two-player constant-sum (naming `lcp` and `enum`, or
/// `pure` for more players); [`Error::VerificationFailed`] if the result fails the exact check (a bug).
pub fn solve(game: &StrategicGame) -> Result<Solution, Error> {
    solve_with(game, true)
}

/// The same as [`solve`] with the exact simplex alone (no float step).
///
/// # Errors
/// As [`solve`].
pub fn solve_simplex(game: &StrategicGame) -> Result<Solution, Error> {
    solve_with(game, false)
}

fn solve_with(game: &StrategicGame, float: bool) -> Result<Solution, Error> {
    let (a, b) = two_player(game, "lp")?;
    if !game.is_constant_sum() {
        return Err(Error::Unsupported {
            method: "lp",
            reason: "the game is not zero-sum; use `lcp` (one equilibrium) or `enum` (all)".into(),
        });
    }
    let equilibrium = run(&Bimatrix::new(&a, &b), float, witness())?;
    Ok(Solution { equilibria: vec![equilibrium], complete: false })
}

/// The float step (when asked), then the simplex on the integer form; `_w` fixes the integer type.
fn run<Z: Int>(game: &Bimatrix<Z>, float: bool, _w: Z) -> Result<super::MixedEquilibrium, Error> {
    if float {
        if let Some(e) = float_lp::equalize(game) {
            return Ok(e);
        }
    }
    let ones = vec![Z::from_i64(1); game.m];
    let costs = vec![Z::from_i64(1); game.n];
    let o = simplex::maximize(&game.a.entries, &ones, &costs)?;
    // y ∝ w (the primal), x ∝ u (the dual); the common det cancels.
    game.verified(&o.dual, &o.primal)
}

#[cfg(test)]
mod tests {
    use super::super::test_games::*;
    use super::*;
    use redline_models::number::Q;

    fn check(a: &[&[i64]], x: &[Q], y: &[Q], value: Q) {
        let s = solve(&zero_sum(a)).unwrap();
        let e = &s.equilibria[0];
        assert_eq!((&e.strategies[0][..], &e.strategies[1][..]), (x, y));
        assert_eq!(e.payoffs, vec![value.clone(), -value]);
        assert!(!s.complete);
    }

    #[test]
    fn game_f_zero_sum() {
        check(&[&[-3, 2], &[1, 0]], &[q(1, 6), q(5, 6)], &[q(1, 3), q(2, 3)], q(1, 3));
    }

    #[test]
    fn matching_pennies() {
        check(&[&[1, -1], &[-1, 1]], &[q(1, 2), q(1, 2)], &[q(1, 2), q(1, 2)], Q::zero());
    }

    #[test]
    fn rock_paper_scissors() {
        let third = [q(1, 3), q(1, 3), q(1, 3)];
        check(&[&[0, -1, 1], &[1, 0, -1], &[-1, 1, 0]], &third, &third, Q::zero());
    }

    #[test]
    fn saddle_point() {
        check(&[&[3, 1], &[4, 2]], &[Q::zero(), Q::one()], &[Q::zero(), Q::one()], Q::from_int(2));
    }

    #[test]
    fn degenerate_all_equal() {
        // Every strategy is optimal; the LP must stop at a vertex.
        let s = solve(&zero_sum(&[&[5, 5, 5], &[5, 5, 5]])).unwrap();
        assert_eq!(s.equilibria[0].payoffs[0], Q::from_int(5));
    }

    #[test]
    fn constant_sum_is_accepted() {
        let g = bimatrix(&[&[1, 3], &[2, 0]], &[&[4, 2], &[3, 5]]);
        let e = &solve(&g).unwrap().equilibria[0];
        assert_eq!(&e.payoffs[0] + &e.payoffs[1], Q::from_int(5));
    }

    #[test]
    fn general_sum_is_refused() {
        let err = solve(&game_f()).unwrap_err();
        assert!(err.to_string().contains("`lcp`") && err.to_string().contains("`enum`"), "{err}");
    }

    /// A random zero-sum game with payoffs in `-r..=r` from a simple deterministic generator.
    fn random_zero_sum(n: usize, r: i64, seed: u64) -> StrategicGame {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            i64::try_from(state >> 33).unwrap() % (2 * r + 1) - r
        };
        let a: Vec<Vec<i64>> = (0..n).map(|_| (0..n).map(|_| next()).collect()).collect();
        let a: Vec<&[i64]> = a.iter().map(Vec::as_slice).collect();
        zero_sum(&a)
    }

    #[test]
    fn float_step_succeeds_on_generic_games() {
        // The fast path must actually be taken (not silently fall back) on generic games.
        for (n, seed) in [(5, 1), (20, 2), (40, 3)] {
            let g = random_zero_sum(n, 50, seed);
            let fast = fast_only(&g, witness());
            let exact = solve_simplex(&g).unwrap().equilibria.remove(0);
            assert_eq!(fast, Some(exact.strategies), "n = {n}");
        }
    }

    /// The float step's strategies alone (`None` when it would fall back).
    fn fast_only<Z: Int>(g: &StrategicGame, _w: Z) -> Option<Vec<Vec<Q>>> {
        let (a, b) = g.bimatrix().unwrap();
        float_lp::equalize(&Bimatrix::<Z>::new(&a, &b)).map(|e| e.strategies)
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// With and without the float step the value is identical and both pairs are optimal (exact
        /// zero regret); small payoff ranges make degenerate games (non-unique optimal strategies)
        /// common, and the pairs are then allowed to differ.
        #[test]
        fn float_step_changes_nothing_exact(
            (m, n, cells) in (1usize..=6, 1usize..=6).prop_flat_map(|(m, n)| {
                (Just(m), Just(n), proptest::collection::vec(-2i64..=2, m * n))
            }),
        ) {
            let a: Vec<Vec<i64>> = (0..m).map(|i| cells[i * n..(i + 1) * n].to_vec()).collect();
            let a: Vec<&[i64]> = a.iter().map(Vec::as_slice).collect();
            let g = zero_sum(&a);
            let fast = solve(&g).unwrap().equilibria.remove(0);
            let slow = solve_simplex(&g).unwrap().equilibria.remove(0);
            prop_assert_eq!(&fast.payoffs, &slow.payoffs);
            for e in [&fast, &slow] {
                let (r, p) = super::super::regret(&g, &e.strategies);
                prop_assert!(r.is_zero());
                prop_assert_eq!(&p, &e.payoffs);
            }
        }
    }
}
