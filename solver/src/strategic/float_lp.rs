//! The float step of `lp`: a floating-point LP guesses the supports of optimal strategies, and exact
//! integer algebra turns the guess into a verified answer (or reports that it cannot).
//!
//! **Used by:** [`super::lp`]. **Complexity:** one float simplex run (microlp through good_lp) on the
//! m × n game (two when the first guess fails), then one k × k multi-modular solve
//! ([`super::modular`]) for supports of size k: O(k³) word operations per prime, with as many
//! primes as the Cramer numerators need (Hadamard's bound); big-integer Bareiss elimination when
//! the payoffs do not fit a machine word. **Reference:**
//! ALGORITHMS.md §10; Applegate, Cook, Dash & Espinoza (2007), QSopt_ex (float LP, exact repair);
//! Bareiss (1968).
//!
//! With the row player's payoffs made positive integers `A`, the column player's LP is
//! `max 1ᵀw s.t. A·w ≤ 1, w ≥ 0`; its support `T` (entries above [`SUPPORT_TOLERANCE`] of the
//! largest) and its tight rows `S` (within [`TIGHT_TOLERANCE`]) are the float guess, and if that
//! fails, `S` is the support of the row player's `min 1ᵀu s.t. Aᵀu ≥ 1, u ≥ 0`. When `|S| = |T|`,
//! the square block `M = A[S, T]` gives the exact candidates `M·w = 1` and `Mᵀ·u = 1` (the
//! equalizer systems: every strategy in one player's support earns the same against the other's),
//! solved as integer numerators over `det M`. The candidate pair is
//! then checked by [`Bimatrix::verified`]: non-negative weights and exact zero regret, which for a
//! zero-sum game means both strategies are optimal. Any failure (a float error, unequal support
//! sizes in degenerate games, a singular block, a negative weight, a positive regret) returns `None`
//! and the caller runs the exact simplex instead.

use good_lp::{Expression, ProblemVariables, Solution as _, SolverModel, Variable, microlp, variable};

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use redline_models::number::Q;

use super::tableau::Int;
use super::{Bimatrix, MixedEquilibrium, modular};

/// A float LP value counts as positive when it exceeds this fraction of the largest value of the
/// same solution. microlp works to 1e-10 absolute on a matrix scaled into (0, 1]; a wrong support
/// is caught by the exact check, so this only trades fallbacks against nothing.
pub(crate) const SUPPORT_TOLERANCE: f64 = 1e-9;

/// A row counts as tight at the column player's float solution `w` when `(A·w)_i` reaches
/// `1 − TIGHT_TOLERANCE` (the matrix is scaled into (0, 1], the right-hand side is 1).
pub(crate) const TIGHT_TOLERANCE: f64 = 1e-7;

/// The exact optimal pair from the float supports, or `None` when the float guess does not verify.
///
/// The column player's LP alone gives both supports in the common case: its support `T`, and the
/// rows tight at its solution as `S` (complementary slackness; in a generic game the tight rows
/// are exactly the row player's support). Only when that guess fails is the row player's LP run
/// for `S`.
pub(crate) fn equalize<Z: Int>(game: &Bimatrix<Z>) -> Option<MixedEquilibrium> {
    let (m, n) = (game.m, game.n);
    if m == 0 || n == 0 {
        return None;
    }
    // The matrix in floats, scaled into (0, 1] (supports do not depend on the scale).
    let floats: Vec<Vec<f64>> =
        game.a.entries.iter().map(|row| row.iter().map(|v| v.to_q().to_f64()).collect()).collect();
    let max = floats.iter().flatten().fold(0.0_f64, |acc, &v| acc.max(v));
    if !(max.is_finite() && max > 0.0) {
        return None;
    }
    let floats: Vec<Vec<f64>> = floats.iter().map(|r| r.iter().map(|v| v / max).collect()).collect();
    let w = float_lp(&floats, false)?;
    let t = support(&w);
    let tight: Vec<usize> = (0..m)
        .filter(|&i| floats[i].iter().zip(&w).map(|(a, x)| a * x).sum::<f64>() >= 1.0 - TIGHT_TOLERANCE)
        .collect();
    if let Some(e) = candidate(game, &tight, &t) {
        return Some(e);
    }
    let s = support(&float_lp(&floats, true)?);
    candidate(game, &s, &t)
}

/// The pair equalizing on row support `s` and column support `t` (equal sizes), verified exactly.
fn candidate<Z: Int>(game: &Bimatrix<Z>, s: &[usize], t: &[usize]) -> Option<MixedEquilibrium> {
    if s.len() != t.len() || s.is_empty() {
        return None;
    }
    let block: Vec<Vec<Z>> =
        s.iter().map(|&i| t.iter().map(|&j| game.a.entries[i][j].clone()).collect()).collect();
    let small: Option<Vec<Vec<i64>>> = block
        .iter()
        .map(|r| r.iter().map(|z| z.to_q().to_parts().0.to_i64()).collect::<Option<Vec<i64>>>())
        .collect();
    let (w, u) = if let Some(small) = small {
        // Word-size entries: the multi-modular solver, much faster than big-integer elimination.
        let (w, u) = modular::solve_both(&small)?;
        let z =
            |v: Vec<BigInt>| -> Vec<Z> { v.into_iter().map(|b| Z::from_integral_q(&Q::from(b))).collect() };
        (z(w), z(u))
    } else {
        let transposed: Vec<Vec<Z>> =
            (0..t.len()).map(|c| block.iter().map(|r| r[c].clone()).collect()).collect();
        let ones = vec![Z::from_i64(1); s.len()];
        (solve_exact(block, &ones)?, solve_exact(transposed, &ones)?)
    };
    let mut xs = vec![Z::zero(); game.m];
    let mut ys = vec![Z::zero(); game.n];
    for (k, &i) in s.iter().enumerate() {
        xs[i] = u[k].clone();
    }
    for (k, &j) in t.iter().enumerate() {
        ys[j] = w[k].clone();
    }
    game.verified(&xs, &ys).ok()
}

/// The column player's LP `max 1ᵀw s.t. A·w ≤ 1, w ≥ 0`, or with `row` the row player's
/// `min 1ᵀu s.t. Aᵀu ≥ 1, u ≥ 0`, in floats; `None` when microlp reports an error.
fn float_lp(a: &[Vec<f64>], row: bool) -> Option<Vec<f64>> {
    let (m, n) = (a.len(), a[0].len());
    let count = if row { m } else { n };
    let mut vars = ProblemVariables::new();
    let z: Vec<Variable> = vars.add_vector(variable().min(0.0), count);
    let objective: Expression = z.iter().copied().sum();
    let solution = if row {
        let mut model = vars.minimise(objective).using(microlp);
        let columns: Vec<Expression> = (0..n).map(|j| (0..m).map(|i| a[i][j] * z[i]).sum()).collect();
        for e in columns {
            model = model.with(e.geq(1.0));
        }
        model.solve().ok()?
    } else {
        let mut model = vars.maximise(objective).using(microlp);
        for row in a {
            let e: Expression = row.iter().zip(&z).map(|(&c, &v)| c * v).sum();
            model = model.with(e.leq(1.0));
        }
        model.solve().ok()?
    };
    let values: Vec<f64> = z.iter().map(|&v| solution.value(v)).collect();
    values.iter().all(|v| v.is_finite()).then_some(values)
}

/// The indices whose value exceeds [`SUPPORT_TOLERANCE`] times the largest value.
fn support(values: &[f64]) -> Vec<usize> {
    let max = values.iter().fold(0.0_f64, |acc, &v| acc.max(v));
    (0..values.len()).filter(|&k| values[k] > SUPPORT_TOLERANCE * max).collect()
}

/// Solves the square system `M·z = rhs` exactly by fraction-free (Bareiss) elimination with row
/// pivoting; returns the integers `D·z` for a positive multiple `D = |det M|`, or `None` when `M` is
/// singular.
///
/// Every entry produced during the elimination is a minor of `[M | rhs]` (Sylvester's identity), so
/// each division is exact; the back substitution divides `D·rhs_i − Σ_{j>i} u_ij·(D·z_j)` by the
/// diagonal entry `u_ii`, exact because `D·z_i` is an integer (Cramer's rule).
pub(crate) fn solve_exact<Z: Int>(mut a: Vec<Vec<Z>>, rhs: &[Z]) -> Option<Vec<Z>> {
    let k = a.len();
    for (row, b) in a.iter_mut().zip(rhs) {
        row.push(b.clone());
    }
    let mut prev = Z::from_i64(1);
    for s in 0..k {
        let p = (s..k).find(|&i| !a[i][s].is_zero())?;
        a.swap(s, p);
        let (top, below) = a.split_at_mut(s + 1);
        let pivot_row = &top[s];
        let piv = &pivot_row[s];
        for row in below.iter_mut() {
            let f = row[s].clone();
            for j in s + 1..=k {
                row[j] = if f.is_zero() {
                    row[j].mul(piv).div_exact(&prev)
                } else {
                    row[j].mul_sub_div(piv, &f, &pivot_row[j], &prev)
                };
            }
            row[s] = Z::zero();
        }
        prev = piv.clone();
    }
    let d = prev;
    let mut z = vec![Z::zero(); k];
    for i in (0..k).rev() {
        let mut acc = d.mul(&a[i][k]);
        for j in i + 1..k {
            if !a[i][j].is_zero() {
                acc = acc.sub(&a[i][j].mul(&z[j]));
            }
        }
        z[i] = acc.div_exact(&a[i][i]);
    }
    if d.is_negative() {
        for v in &mut z {
            *v = Z::zero().sub(v);
        }
    }
    Some(z)
}

#[cfg(test)]
mod tests {
    use super::super::tableau::witness;
    use super::*;

    #[test]
    fn bareiss_solves_and_detects_singular() {
        fn run<Z: Int>(_w: Z) {
            let z = |v: i64| Z::from_i64(v);
            // 2x + y = 5, x − 3y = −1 (rows swapped by the pivoting): x = 2, y = 1; det = −7.
            let m = vec![vec![z(0), z(0)], vec![z(0), z(0)]];
            assert!(solve_exact(m, &[z(1), z(1)]).is_none());
            let m = vec![vec![z(0), z(7)], vec![z(2), z(1)]];
            // 7y = 7, 2x + y = 5: x = 2, y = 1; |det| = 14.
            let v = solve_exact(m, &[z(7), z(5)]).unwrap();
            assert_eq!(v, vec![z(28), z(14)]);
            let m = vec![vec![z(2), z(1)], vec![z(1), z(-3)]];
            let v = solve_exact(m, &[z(5), z(-1)]).unwrap();
            assert_eq!(v, vec![z(14), z(7)]);
        }
        run(witness());
    }
}
