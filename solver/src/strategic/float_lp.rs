//! The float step of `lp`: a floating-point LP guesses the supports of optimal strategies, and exact
//! integer algebra turns the guess into a verified answer (or reports that it cannot).
//!
//! **Used by:** [`super::lp`]. **Complexity:** one dense float simplex run on the m × n game
//! (O(m·n) per pivot; microlp through good_lp as a second opinion when its guess fails), then one k × k multi-modular solve
//! ([`super::modular`]) for supports of size k: O(k³) word operations per prime, with as many
//! primes as the Cramer numerators need (Hadamard's bound); big-integer Bareiss elimination when
//! the payoffs do not fit a machine word. **Reference:**
//! ALGORITHMS.md §10; Applegate, Cook, Dash & Espinoza (2007), QSopt_ex (float LP, exact repair);
//! Bareiss (1968).
//!
//! With the row player's payoffs made positive integers `A`, the column player's LP is
//! `max 1ᵀw s.t. A·w ≤ 1, w ≥ 0`. The dense float simplex gives `w` and the dual `u` (the row
//! player's `min 1ᵀu s.t. Aᵀu ≥ 1`) at once; their supports are the first guess. Failing that,
//! microlp solves the column player's LP: its support `T` (entries above [`SUPPORT_TOLERANCE`] of the
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
    let floats = scaled_floats(game)?;
    if let Some((w, u)) = dense_simplex(&floats) {
        if let Some(e) = candidate(game, &support(&u), &support(&w)) {
            return Some(e);
        }
    }
    // A second opinion from microlp.
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

/// The row player's integer payoffs in floats, scaled into (0, 1] (supports do not depend on the
/// scale).
fn scaled_floats<Z: Int>(game: &Bimatrix<Z>) -> Option<Vec<Vec<f64>>> {
    let floats: Vec<Vec<f64>> =
        game.a.entries.iter().map(|row| row.iter().map(|v| v.to_q().to_f64()).collect()).collect();
    let max = floats.iter().flatten().fold(0.0_f64, |acc, &v| acc.max(v));
    if !(max.is_finite() && max > 0.0) {
        return None;
    }
    Some(floats.iter().map(|r| r.iter().map(|v| v / max).collect()).collect())
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

/// A pivot element must exceed this in the dense float simplex (the matrix is scaled into (0, 1]).
pub(crate) const PIVOT_TOLERANCE: f64 = 1e-11;

/// A reduced cost below minus this lets a column enter in the dense float simplex.
pub(crate) const COST_TOLERANCE: f64 = 1e-12;

/// The column player's LP `max 1ᵀw s.t. A·w ≤ 1, w ≥ 0` by a dense float simplex on the compact
/// (Tucker) tableau, m × n, with Dantzig's rule; returns `w` and the dual `u` (the row player's
/// `min 1ᵀu s.t. Aᵀu ≥ 1`), or `None` after too many pivots (degenerate cycling) or on a column
/// without a positive entry.
///
/// Dense games are the common input, and microlp's sparse LU machinery spends most of the time of
/// a 200 × 200 game on bookkeeping (measured: about 0.45 s of 0.75 s); this loop does one
/// O(m·n) row operation per pivot. Its answer is only a guess for the exact step.
fn dense_simplex(a: &[Vec<f64>]) -> Option<(Vec<f64>, Vec<f64>)> {
    let (m, n) = (a.len(), a[0].len());
    // Row i: x_B(i) + Σ_j t[i][j]·x_N(j) = b[i]; objective: z + Σ_j d[j]·x_N(j) = z0.
    let mut t: Vec<f64> = a.iter().flatten().copied().collect();
    let mut b = vec![1.0_f64; m];
    let mut d = vec![-1.0_f64; n];
    // Variables 0..n are w, n..n+m the slacks.
    let mut row_var: Vec<usize> = (n..n + m).collect();
    let mut col_var: Vec<usize> = (0..n).collect();
    let mut pivot_row = vec![0.0; n];
    for _ in 0..20 * (m + n) + 100 {
        let (s, ds) = d.iter().copied().enumerate().min_by(|x, y| x.1.total_cmp(&y.1))?;
        if ds >= -COST_TOLERANCE {
            let mut w = vec![0.0; n];
            let mut u = vec![0.0; m];
            for (i, &v) in row_var.iter().enumerate() {
                if v < n {
                    w[v] = b[i];
                }
            }
            for (j, &v) in col_var.iter().enumerate() {
                if v >= n {
                    u[v - n] = d[j];
                }
            }
            return Some((w, u));
        }
        let mut leave: Option<(usize, f64)> = None;
        for i in 0..m {
            let v = t[i * n + s];
            if v > PIVOT_TOLERANCE {
                let ratio = b[i] / v;
                if leave.is_none_or(|(_, best)| ratio < best) {
                    leave = Some((i, ratio));
                }
            }
        }
        let (r, _) = leave?;
        let inv = 1.0 / t[r * n + s];
        for (x, p) in t[r * n..(r + 1) * n].iter_mut().zip(pivot_row.iter_mut()) {
            *x *= inv;
            *p = *x;
        }
        pivot_row[s] = inv;
        t[r * n + s] = inv;
        b[r] *= inv;
        let br = b[r];
        for i in (0..m).filter(|&i| i != r) {
            let row = &mut t[i * n..(i + 1) * n];
            let f = row[s];
            if f != 0.0 {
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= f * p;
                }
                row[s] = -f * inv;
                b[i] -= f * br;
            }
        }
        let f = d[s];
        for (x, p) in d.iter_mut().zip(&pivot_row) {
            *x -= f * p;
        }
        d[s] = -f * inv;
        std::mem::swap(&mut row_var[r], &mut col_var[s]);
    }
    None
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

    #[test]
    fn dense_simplex_guess_verifies_on_generic_games() {
        fn run<Z: Int>(_w: Z) {
            for (n, seed) in [(8, 11_u64), (30, 12), (60, 13)] {
                let mut state = seed;
                let a: Vec<Vec<Q>> = (0..n)
                    .map(|_| {
                        (0..n)
                            .map(|_| {
                                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                                Q::from_int(i64::try_from(state >> 40).unwrap() % 101 - 50)
                            })
                            .collect()
                    })
                    .collect();
                let b: Vec<Vec<Q>> = a.iter().map(|r| r.iter().map(|v| -v).collect()).collect();
                let bm = Bimatrix::<Z>::new(&a, &b);
                let (w, u) = dense_simplex(&scaled_floats(&bm).unwrap()).unwrap();
                assert!(candidate(&bm, &support(&u), &support(&w)).is_some(), "n = {n}");
            }
        }
        run(witness());
    }
}
