//! The value and optimal strategies of a two-player zero-sum (or constant-sum) game, by an exact LP.
//!
//! **Class:** two players, payoffs summing to the same constant in every profile. **Returns:** one
//! optimal strategy pair (a vertex of each player's optimal set) with the value; `complete` is
//! false, since optimal strategy sets can be polytopes (`enum` lists their vertices).
//! **Complexity:** a simplex run on an m × n fraction-free integer tableau: O(m·n) big-integer
//! operations per pivot; the number of pivots is typically a small multiple of the support size.
//! **Reference:** von Neumann (1928); Dantzig (1951); ALGORITHMS.md §10; the lexicographic rule of
//! Dantzig, Orden & Wolfe (1955) against cycling.
//!
//! With the row player's payoffs made positive integers `A` (a positive affine map, so optimal
//! strategies are unchanged), the column player's problem `max 1ᵀw s.t. A·w ≤ 1, w ≥ 0` starts
//! feasible at `w = 0`. Its optimum is `1/v` for the value `v` of `A`; `y = w / 1ᵀw`. The row player's
//! strategy comes from the same final tableau: the reduced costs of the slack columns are the dual
//! solution `u` of `min 1ᵀu s.t. Aᵀu ≥ 1`, and `x = u / 1ᵀu`. Entering columns are chosen by the
//! largest reduced cost (Dantzig), leaving rows by the lexicographic ratio test, which cannot cycle.
//!
//! Next: [`super::lemke_howson`] for general-sum games.

use redline_models::strategic::StrategicGame;

use super::tableau::{Int, Tableau, witness};
use super::{Bimatrix, Solution, two_player};
use crate::error::Error;

/// An optimal strategy pair and the value of a two-player constant-sum game.
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
    let (a, b) = two_player(game, "lp")?;
    if !game.is_constant_sum() {
        return Err(Error::Unsupported {
            method: "lp",
            reason: "the game is not zero-sum; use `lcp` (one equilibrium) or `enum` (all)".into(),
        });
    }
    let equilibrium = run(&Bimatrix::new(&a, &b), witness())?;
    Ok(Solution { equilibria: vec![equilibrium], complete: false })
}

/// The simplex run on the integer form; `_w` fixes the integer type.
fn run<Z: Int>(game: &Bimatrix<Z>, _w: Z) -> Result<super::MixedEquilibrium, Error> {
    let (m, n) = (game.m, game.n);
    // Columns: w_0..w_{n−1}, then slacks s_0..s_{m−1}; rows: one per row strategy, then the objective
    // row z − 1ᵀw = 0.
    let mut rows: Vec<Vec<Z>> = (0..m)
        .map(|i| {
            let mut row = game.a.entries[i].clone();
            row.extend((0..m).map(|k| Z::from_i64(i64::from(k == i))));
            row
        })
        .collect();
    let mut objective = vec![Z::from_i64(-1); n];
    objective.extend((0..m).map(|_| Z::zero()));
    rows.push(objective);
    let mut rhs = vec![Z::from_i64(1); m];
    rhs.push(Z::zero());
    let mut t = Tableau::new(rows, rhs, (n..n + m).collect());
    loop {
        // Every reduced cost is over the same positive det, so the integers compare directly.
        let entering = (0..n + m)
            .filter(|&j| t.row_of(j).is_none() && t.at(m, j).is_negative())
            .min_by(|&j, &k| t.at(m, j).cmp(t.at(m, k)).then(j.cmp(&k)));
        let Some(s) = entering else { break };
        let Some(r) = t.lex_min_ratio(s) else {
            // A positive matrix bounds A·w ≤ 1, so the column always has a positive entry.
            return Err(Error::VerificationFailed("the zero-sum LP is unbounded".into()));
        };
        t.pivot(r, s);
    }
    // y ∝ w (basic values), x ∝ u (reduced costs of the slacks); the common det cancels.
    let ys: Vec<Z> = (0..n).map(|j| t.value(j)).collect();
    let xs: Vec<Z> = (0..m).map(|i| t.at(m, n + i).clone()).collect();
    game.verified(&xs, &ys)
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
}
