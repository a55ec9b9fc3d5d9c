//! The float step of `lcp`: Lemke–Howson pivoted in `f64`, then the final supports solved and
//! verified exactly (or a report that this failed, and the caller runs the exact tableaux).
//!
//! **Used by:** [`super::lemke_howson`] (one equilibrium; `--all` keeps the exact path).
//! **Complexity:** O(rows·k) float operations per pivot for a support of size k (revised
//! tableaux: the entering column and the live columns of the basis inverse), then two
//! k × k multi-modular solves ([`super::modular`]) for supports of size k; big-integer Bareiss
//! elimination when the payoffs do not fit a machine word. **Reference:** Lemke & Howson (1964);
//! von Stengel (2002), Handbook of Game Theory vol. 3, ch. 45 §2.6; ALGORITHMS.md §12; the same
//! float-guess-then-exact-repair scheme as `float_lp` (Applegate, Cook, Dash & Espinoza 2007).
//!
//! The tableaux are those of [`super::lemke_howson::polytopes`] with the payoffs scaled into
//! (0, 1] (a positive scale moves no vertex's labels), in revised form ([`Revised`]: the
//! constraint matrix as it is and the basis inverse, whose columns are the slacks' current columns,
//! so the lexicographic rule reads its rows; only the columns of non-basic slacks are live). The
//! path uses the same start label, the same alternation between
//! `P` and `Q` and the same lexicographic minimum-ratio rule as the exact path (ratios and the rows
//! of `B⁻¹` compared within [`TIE_TOLERANCE`]), so on a nondegenerate game it visits the same bases
//! and ends at the same equilibrium. Degenerate ties are common (integer payoffs repeat), so the
//! float step only runs when it can see them: every integer payoff must be exact in `f64`
//! (at most 2⁵³), and a comparison whose relative difference lies between [`TIE_TOLERANCE`] and
//! [`SEPARATION_TOLERANCE`] (neither clearly a tie nor clearly not) abandons the float step.
//!
//! At the end, with `S` the row strategies basic in `P` and `T` the column strategies basic in `Q`
//! (always `|S| = |T|` at a completely labelled pair of bases), the exact equilibrium solves
//! `A[S,T]·y = 1` and `B[S,T]ᵀ·x = 1` (every strategy in a support is a best reply). These two
//! systems are solved exactly and the pair is checked by [`Bimatrix::verified`] (non-negative
//! weights, exact zero regret). A singular block, a negative weight, a positive regret, a column
//! without a positive entry or a path longer than the pivot limit returns `None`: every answer is
//! exact and verified, whatever the floats did.

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use redline_models::number::Q;

use super::float_lp::solve_exact;
use super::tableau::Int;
use super::{Bimatrix, MixedEquilibrium, modular};

/// An entry of the entering column counts as positive in the ratio test above this (payoffs are
/// scaled into (0, 1], so entries of the tableaux are of order 1 to 1/m).
pub(crate) const PIVOT_TOLERANCE: f64 = 1e-9;

/// Two ratios (or two entries of the lexicographic rows) count as tied within this, relative to the
/// larger of their magnitudes and 1.
pub(crate) const TIE_TOLERANCE: f64 = 1e-9;

/// Two ratios count as different beyond this (relative, as [`TIE_TOLERANCE`]); a difference between
/// the two tolerances is too close to call in floats, and the float step gives up.
pub(crate) const SEPARATION_TOLERANCE: f64 = 1e-7;

/// The largest integer payoff the float step takes: every integer up to 2⁵³ is exact in `f64`, so
/// ties in the payoffs stay ties; beyond, the exact path runs.
const EXACT_F64_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A dense normalised tableau `T·v = rhs` in compact form: one column per non-basic variable (a
/// basic variable's column is a unit vector and is not stored), as in a simplex dictionary. The
/// path's first implementation, kept as the oracle of [`Revised`] in the tests.
#[cfg(test)]
struct FloatTableau {
    rows: usize,
    cols: usize,
    /// Row-major, `rows × cols`: the entries of the non-basic columns.
    t: Vec<f64>,
    rhs: Vec<f64>,
    /// The basic variable of each row.
    basis: Vec<usize>,
    /// The non-basic variable of each stored column.
    nonbasic: Vec<usize>,
    /// The row of each basic variable.
    row_of: Vec<Option<usize>>,
    /// The stored column of each non-basic variable.
    col_of: Vec<Option<usize>>,
    /// The initial basic variables, in row order (their columns hold `B⁻¹`).
    lex: Vec<usize>,
}

/// A float comparison too close to call (see [`SEPARATION_TOLERANCE`]).
#[derive(Debug)]
struct TooClose;

/// `Some(a < b)` for clearly different values, `None` for a tie, `Err` in between.
fn compare(a: f64, b: f64) -> Result<Option<bool>, TooClose> {
    let scale = a.abs().max(b.abs()).max(1.0);
    let d = (a - b).abs();
    if d <= TIE_TOLERANCE * scale {
        Ok(None)
    } else if d >= SEPARATION_TOLERANCE * scale {
        Ok(Some(a < b))
    } else {
        Err(TooClose)
    }
}

#[cfg(test)]
impl FloatTableau {
    /// The tableau `[M | I]·v = 1` with the slacks (`basis`) basic: `t` holds `M`, row-major, its
    /// columns the variables `nonbasic`.
    fn new(t: Vec<f64>, basis: Vec<usize>, nonbasic: Vec<usize>) -> FloatTableau {
        let (rows, cols) = (basis.len(), nonbasic.len());
        let mut row_of = vec![None; rows + cols];
        let mut col_of = vec![None; rows + cols];
        for (i, &v) in basis.iter().enumerate() {
            row_of[v] = Some(i);
        }
        for (c, &v) in nonbasic.iter().enumerate() {
            col_of[v] = Some(c);
        }
        FloatTableau {
            rows,
            cols,
            t,
            rhs: vec![1.0; rows],
            lex: basis.clone(),
            basis,
            nonbasic,
            row_of,
            col_of,
        }
    }

    /// The entry of the full tableau at row `i`, variable `v`.
    fn at(&self, i: usize, v: usize) -> f64 {
        match (self.row_of[v], self.col_of[v]) {
            (Some(r), _) => f64::from(u8::from(r == i)),
            (None, Some(c)) => self.t[i * self.cols + c],
            (None, None) => unreachable!("every variable is basic or non-basic"),
        }
    }

    /// The lexicographic minimum-ratio row for entering variable `s` (see the module docs):
    /// `Ok(None)` when no entry is positive, `Err` when a comparison is too close to call.
    fn lex_min_ratio(&self, s: usize) -> Result<Option<usize>, TooClose> {
        let Some(c) = self.col_of[s] else { return Ok(None) };
        let mut best: Option<usize> = None;
        for i in 0..self.rows {
            if self.t[i * self.cols + c] <= PIVOT_TOLERANCE {
                continue;
            }
            best = Some(match best {
                Some(k) if !self.lex_less(i, k, c)? => k,
                _ => i,
            });
        }
        Ok(best)
    }

    /// True when row `i`'s ratio vector is lexicographically below row `k`'s (entering column `c`).
    fn lex_less(&self, i: usize, k: usize, c: usize) -> Result<bool, TooClose> {
        let (pi, pk) = (self.t[i * self.cols + c], self.t[k * self.cols + c]);
        if let Some(less) = compare(self.rhs[i] / pi, self.rhs[k] / pk)? {
            return Ok(less);
        }
        for &v in &self.lex {
            if let Some(less) = compare(self.at(i, v) / pi, self.at(k, v) / pk)? {
                return Ok(less);
            }
        }
        // Rows of B⁻¹ are independent: a complete tie means the floats have lost the path.
        Err(TooClose)
    }

    /// Exchanges basic variable of row `r` and non-basic variable `s` (Gauss–Jordan on the compact
    /// form: the leaving variable takes over `s`'s column); returns the leaving variable.
    fn pivot(&mut self, r: usize, s: usize, scratch: &mut Vec<f64>) -> usize {
        let (cols, c) = (self.cols, self.col_of[s].expect("the entering variable is non-basic"));
        let inv = 1.0 / self.t[r * cols + c];
        scratch.clear();
        scratch.extend(self.t[r * cols..(r + 1) * cols].iter().map(|v| v * inv));
        scratch[c] = inv;
        self.t[r * cols..(r + 1) * cols].copy_from_slice(scratch);
        self.rhs[r] *= inv;
        let rhs_r = self.rhs[r];
        for i in (0..self.rows).filter(|&i| i != r) {
            let row = &mut self.t[i * cols..(i + 1) * cols];
            let f = row[c];
            if f != 0.0 {
                for (x, p) in row.iter_mut().zip(scratch.iter()) {
                    *x -= f * p;
                }
                row[c] = -f * inv;
                self.rhs[i] -= f * rhs_r;
            }
        }
        let leave = self.basis[r];
        self.basis[r] = s;
        self.nonbasic[c] = leave;
        self.row_of[leave] = None;
        self.col_of[leave] = Some(c);
        self.row_of[s] = Some(r);
        self.col_of[s] = None;
        leave
    }
}

/// The two operations a Lemke–Howson path needs from a polytope's tableau.
trait Path {
    /// The lexicographic minimum-ratio row for entering variable `s`: `Ok(None)` when no entry of
    /// its column is positive, `Err` when a comparison is too close to call.
    fn ratio_row(&mut self, s: usize) -> Result<Option<usize>, TooClose>;
    /// Pivots `s` into row `r`; returns the leaving variable.
    fn exchange(&mut self, r: usize, s: usize) -> usize;
    /// True when variable `v` is basic.
    fn basic(&self, v: usize) -> bool;
}

#[cfg(test)]
impl Path for FloatTableau {
    fn ratio_row(&mut self, s: usize) -> Result<Option<usize>, TooClose> {
        self.lex_min_ratio(s)
    }
    fn exchange(&mut self, r: usize, s: usize) -> usize {
        let mut scratch = Vec::new();
        self.pivot(r, s, &mut scratch)
    }
    fn basic(&self, v: usize) -> bool {
        self.row_of[v].is_some()
    }
}

/// The same tableau in revised form: the system `[M | I]·v = 1` is kept as it was (`M` by columns)
/// with the basis inverse `B⁻¹`, and a pivot computes only the entering column `B⁻¹·a_s`.
///
/// Column `j` of `B⁻¹` is the current column of slack `j` (the starting basis is the slacks), so
/// while slack `j` is basic it is the unit vector of its row and is neither stored anew nor read;
/// only the columns of the non-basic slacks are live, as many as the structural variables in the
/// basis (the support, k). Computing the entering column and updating `B⁻¹` then cost O(rows · k)
/// instead of the O(rows · columns) of a dense tableau pivot, and touch k columns that stay in cache
/// (k ≈ 18 on average, 26 at most, on the 100 × 100 compare.py game against 100 columns). The
/// ratio test and the lexicographic rule are those of the dense form: the rows of `B⁻¹` are the
/// entries of the lexicographic columns.
struct Revised {
    rows: usize,
    /// `M` by columns: column `c` (the structural variable `structural[c]`) is
    /// `m[c·rows..(c+1)·rows]`.
    m: Vec<f64>,
    /// `B⁻¹` by columns (`rows × rows`); only the columns of non-basic slacks are meaningful.
    binv: Vec<f64>,
    /// Values of the basic variables, by row.
    rhs: Vec<f64>,
    basis: Vec<usize>,
    row_of: Vec<Option<usize>>,
    /// The slack variable of each row (the starting basis, also the lexicographic columns).
    slack: Vec<usize>,
    /// For each variable: `Ok(j)` for the slack of row `j`, `Err(c)` for structural column `c`.
    kind: Vec<Result<usize, usize>>,
    /// The entering column `B⁻¹·a_s` of the last ratio test, and its variable.
    d: Vec<f64>,
    d_of: usize,
}

impl Revised {
    /// As `FloatTableau::new`: `t` holds `M` row-major, its columns the variables `structural`,
    /// and the slacks `basis` are basic.
    fn new(t: &[f64], basis: Vec<usize>, structural: &[usize]) -> Revised {
        let (rows, cols) = (basis.len(), structural.len());
        let mut m = vec![0.0; rows * cols];
        for i in 0..rows {
            for c in 0..cols {
                m[c * rows + i] = t[i * cols + c];
            }
        }
        let mut binv = vec![0.0; rows * rows];
        for j in 0..rows {
            binv[j * rows + j] = 1.0;
        }
        let mut row_of = vec![None; rows + cols];
        let mut kind = vec![Err(0); rows + cols];
        for (i, &v) in basis.iter().enumerate() {
            row_of[v] = Some(i);
            kind[v] = Ok(i);
        }
        for (c, &v) in structural.iter().enumerate() {
            kind[v] = Err(c);
        }
        Revised {
            rows,
            m,
            binv,
            rhs: vec![1.0; rows],
            slack: basis.clone(),
            basis,
            row_of,
            kind,
            d: vec![0.0; rows],
            d_of: usize::MAX,
        }
    }

    /// Column `j` of `B⁻¹` (slack `j` non-basic).
    fn binv_col(&self, j: usize) -> &[f64] {
        &self.binv[j * self.rows..(j + 1) * self.rows]
    }

    /// `d = B⁻¹·a_s`, the current column of variable `s` (non-basic).
    fn column(&mut self, s: usize) {
        let rows = self.rows;
        let mut d = std::mem::take(&mut self.d);
        d.clear();
        match self.kind[s] {
            Ok(j) => d.extend_from_slice(self.binv_col(j)),
            Err(c) => {
                d.resize(rows, 0.0);
                for j in 0..rows {
                    let a = self.m[c * rows + j];
                    if a == 0.0 {
                        continue;
                    }
                    match self.row_of[self.slack[j]] {
                        Some(r) => d[r] += a,
                        None => {
                            for (x, b) in d.iter_mut().zip(self.binv_col(j)) {
                                *x += a * b;
                            }
                        }
                    }
                }
            }
        }
        self.d = d;
        self.d_of = s;
    }

    /// The entry of `B⁻¹` at row `i`, column `j`.
    fn binv_at(&self, i: usize, j: usize) -> f64 {
        match self.row_of[self.slack[j]] {
            Some(r) => f64::from(u8::from(r == i)),
            None => self.binv[j * self.rows + i],
        }
    }

    /// As `FloatTableau::lex_less`, on the entering column `d`, given the two rows' ratios
    /// `rhs / d` (computed once per row by the caller).
    fn lex_less(&self, (i, ratio_i): (usize, f64), (k, ratio_k): (usize, f64)) -> Result<bool, TooClose> {
        if let Some(less) = compare(ratio_i, ratio_k)? {
            return Ok(less);
        }
        let (pi, pk) = (self.d[i], self.d[k]);
        for j in 0..self.rows {
            if let Some(less) = compare(self.binv_at(i, j) / pi, self.binv_at(k, j) / pk)? {
                return Ok(less);
            }
        }
        Err(TooClose)
    }
}

impl Path for Revised {
    fn ratio_row(&mut self, s: usize) -> Result<Option<usize>, TooClose> {
        if self.row_of[s].is_some() {
            return Ok(None);
        }
        self.column(s);
        let mut best: Option<(usize, f64)> = None;
        for (i, &di) in self.d.iter().enumerate() {
            if di <= PIVOT_TOLERANCE {
                continue;
            }
            let row = (i, self.rhs[i] / di);
            best = Some(match best {
                Some(k) if !self.lex_less(row, k)? => k,
                _ => row,
            });
        }
        Ok(best.map(|(i, _)| i))
    }

    fn exchange(&mut self, r: usize, s: usize) -> usize {
        if self.d_of != s {
            self.column(s);
        }
        let rows = self.rows;
        let d = std::mem::take(&mut self.d);
        let inv = 1.0 / d[r];
        let leave = self.basis[r];
        self.rhs[r] *= inv;
        let rhs_r = self.rhs[r];
        for (i, (v, &di)) in self.rhs.iter_mut().zip(&d).enumerate() {
            if i != r {
                *v -= di * rhs_r;
            }
        }
        // The live columns of B⁻¹ (non-basic slacks other than the entering one), and the leaving
        // slack's unit column, which becomes live.
        for j in 0..rows {
            let v = self.slack[j];
            if v == s {
                continue;
            }
            let col = &mut self.binv[j * rows..(j + 1) * rows];
            if v == leave {
                for (x, &di) in col.iter_mut().zip(&d) {
                    *x = -di * inv;
                }
                col[r] = inv;
            } else if self.row_of[v].is_none() {
                let g = col[r] * inv;
                if g != 0.0 {
                    for (x, &di) in col.iter_mut().zip(&d) {
                        *x -= g * di;
                    }
                    col[r] = g;
                }
            }
        }
        self.d = d;
        self.d_of = usize::MAX;
        self.basis[r] = s;
        self.row_of[leave] = None;
        self.row_of[s] = Some(r);
        leave
    }

    fn basic(&self, v: usize) -> bool {
        self.row_of[v].is_some()
    }
}

/// The equilibrium at the end of the Lemke–Howson path dropping `label`, found in floats and
/// verified exactly; `None` when any step fails (the caller then runs the exact path).
pub(crate) fn solve<Z: Int>(game: &Bimatrix<Z>, label: usize, max_pivots: usize) -> Option<MixedEquilibrium> {
    let (m, n) = (game.m, game.n);
    if m == 0 || n == 0 || label >= m + n {
        return None;
    }
    let a = scaled(&game.a.entries)?;
    let b = scaled(&game.b.entries)?;
    // P: Bᵀx + r = 1 (rows: columns j; variable l < m is x_l, m + j is r_j; the x are non-basic).
    let mut bt = vec![0.0; n * m];
    for j in 0..n {
        for i in 0..m {
            bt[j * m + i] = b[i * n + j];
        }
    }
    let structural: Vec<usize> = (0..m).collect();
    let mut p = Revised::new(&bt, (m..m + n).collect(), &structural);
    // Q: s + A·y = 1 (rows: rows i; variable l < m is s_l, m + j is y_j; the y are non-basic).
    let structural: Vec<usize> = (m..m + n).collect();
    let mut q = Revised::new(&a, (0..m).collect(), &structural);
    follow(&mut p, &mut q, label, max_pivots)?;
    let s: Vec<usize> = (0..m).filter(|&i| p.basic(i)).collect();
    let t: Vec<usize> = (0..n).filter(|&j| q.basic(m + j)).collect();
    equalize(game, &s, &t)
}

/// Follows the complementary path from the artificial equilibrium, as the exact `follow` does.
fn follow<T: Path>(p: &mut T, q: &mut T, k: usize, max_pivots: usize) -> Option<()> {
    let mut in_p = !p.basic(k);
    let mut entering = k;
    for _ in 0..max_pivots {
        let t = if in_p { &mut *p } else { &mut *q };
        let r = t.ratio_row(entering).ok()??;
        let leaving = t.exchange(r, entering);
        if leaving == k {
            return Some(());
        }
        in_p = !in_p;
        entering = leaving;
    }
    None
}

/// The integer matrix in floats, row-major, scaled into (0, 1]; `None` unless every entry is an
/// integer of at most [`EXACT_F64_INTEGER`] (so exact in `f64`).
fn scaled<Z: Int>(entries: &[Vec<Z>]) -> Option<Vec<f64>> {
    let mut flat = Vec::with_capacity(entries.len() * entries.first().map_or(0, Vec::len));
    for v in entries.iter().flatten() {
        let v = v.to_q().to_parts().0.to_i64()? as f64;
        if v.abs() > EXACT_F64_INTEGER {
            return None;
        }
        flat.push(v);
    }
    let max = flat.iter().fold(0.0_f64, |acc, &v| acc.max(v));
    if max <= 0.0 {
        return None;
    }
    for v in &mut flat {
        *v /= max;
    }
    Some(flat)
}

/// The pair with row support `s` and column support `t` making every supported strategy a best
/// reply, solved and verified exactly.
fn equalize<Z: Int>(game: &Bimatrix<Z>, s: &[usize], t: &[usize]) -> Option<MixedEquilibrium> {
    if s.len() != t.len() || s.is_empty() {
        return None;
    }
    // y on T from A[S,T]·y = 1; x on S from B[S,T]ᵀ·x = 1.
    let y = solve_block(&game.a.entries, s, t, false)?;
    let x = solve_block(&game.b.entries, s, t, true)?;
    let mut xs = vec![Z::zero(); game.m];
    let mut ys = vec![Z::zero(); game.n];
    for (k, &i) in s.iter().enumerate() {
        xs[i] = x[k].clone();
    }
    for (k, &j) in t.iter().enumerate() {
        ys[j] = y[k].clone();
    }
    game.verified(&xs, &ys).ok()
}

/// A positive multiple of the solution of `M·z = 1` for `M = entries[S, T]` (or its transpose).
fn solve_block<Z: Int>(entries: &[Vec<Z>], s: &[usize], t: &[usize], transpose: bool) -> Option<Vec<Z>> {
    let block: Vec<Vec<Z>> = s.iter().map(|&i| t.iter().map(|&j| entries[i][j].clone()).collect()).collect();
    let small: Option<Vec<Vec<i64>>> = block
        .iter()
        .map(|r| r.iter().map(|z| z.to_q().to_parts().0.to_i64()).collect::<Option<Vec<i64>>>())
        .collect();
    if let Some(small) = small {
        let (w, u) = modular::solve_both(&small)?;
        let v: Vec<BigInt> = if transpose { u } else { w };
        return Some(v.into_iter().map(|b| Z::from_integral_q(&Q::from(b))).collect());
    }
    let k = s.len();
    let ones = vec![Z::from_i64(1); k];
    if transpose {
        let tr: Vec<Vec<Z>> = (0..k).map(|c| block.iter().map(|r| r[c].clone()).collect()).collect();
        solve_exact(tr, &ones)
    } else {
        solve_exact(block, &ones)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tableau::witness;
    use super::*;
    use redline_models::number::Q;

    fn game<Z: Int>(_w: &Z, a: &[&[&str]], b: &[&[&str]]) -> Bimatrix<Z> {
        let parse = |m: &[&[&str]]| -> Vec<Vec<Q>> {
            m.iter().map(|r| r.iter().map(|v| Q::parse_exact(v).unwrap()).collect()).collect()
        };
        Bimatrix::new(&parse(a), &parse(b))
    }

    fn q(n: i64, d: i64) -> Q {
        Q::ratio(n, d).unwrap()
    }

    #[test]
    fn game_f_from_every_label() {
        let w = witness();
        let g = game(&w, &[&["-3", "2"], &["0", "0"]], &[&["-1", "-5"], &["-1", "0"]]);
        for k in 0..4 {
            let e = solve(&g, k, 100).unwrap();
            assert_eq!(e.strategies, vec![vec![q(1, 5), q(4, 5)], vec![q(2, 5), q(3, 5)]]);
            assert_eq!(e.payoffs, vec![Q::zero(), Q::from_int(-1)]);
        }
    }

    #[test]
    fn battle_of_the_sexes_takes_the_exact_paths_turns() {
        // As the exact path: row label 0 ends at (r0, c0), column label c1 at (r1, c1).
        let w = witness();
        let g = game(&w, &[&["2", "0"], &["0", "1"]], &[&["1", "0"], &["0", "2"]]);
        let one = |k| solve(&g, k, 100).unwrap().strategies;
        assert_eq!(one(0), vec![vec![Q::one(), Q::zero()], vec![Q::one(), Q::zero()]]);
        assert_eq!(one(3), vec![vec![Q::zero(), Q::one()], vec![Q::zero(), Q::one()]]);
    }

    /// Every way the float step can fail returns `None` (the caller then runs the exact path).
    #[test]
    fn forced_fallbacks() {
        let w = witness();
        let g = game(
            &w,
            &[&["1", "3", "0"], &["0", "0", "2"], &["2", "1", "1"]],
            &[&["2", "1", "0"], &["1", "3", "1"], &["0", "0", "3"]],
        );
        assert!(solve(&g, 0, 100).is_some());
        // The path is longer than the pivot limit.
        assert!(solve(&g, 0, 1).is_none());
        // Out-of-range label.
        assert!(solve(&g, 6, 100).is_none());
        // Supports that are not an equilibrium's fail the exact check; unequal supports are refused.
        assert!(equalize(&g, &[0], &[2]).is_none());
        assert!(equalize(&g, &[0, 1], &[2]).is_none());
        // Payoffs whose integer form exceeds 2⁵³ never enter floats.
        let huge = game(&w, &[&["1e30", "1"], &["3", "1e29"]], &[&["2", "7"], &["5", "1"]]);
        assert!(solve(&huge, 0, 100).is_none());
        // Payoffs a double cannot tell apart are fine: the integer form (scaled, then shifted to a
        // minimum of 1) is [[2, 3], [1, 2]], exact in floats: row 0 dominates, column 1 replies.
        let near = game(
            &w,
            &[&["1", "1.00000000000000000001"], &["0.99999999999999999999", "1"]],
            &[&["0", "1"], &["1", "0"]],
        );
        let e = solve(&near, 0, 100).unwrap();
        assert_eq!(e.strategies, vec![vec![Q::one(), Q::zero()], vec![Q::zero(), Q::one()]]);
    }

    /// On random games (deterministic seeds) the float step itself answers, from every label, and
    /// its answer is the exact path's: the fast path is taken, not only the fallback.
    #[test]
    fn float_step_answers_and_matches_the_exact_path() {
        use super::super::lemke_howson::{Options, solve_tableau};
        use super::super::test_games::bimatrix;
        fn run<Z: Int>(_w: Z) {
            let mut state = 0x5EED_u64;
            let mut next = |range: i64| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                i64::try_from(state >> 33).unwrap() % (2 * range + 1) - range
            };
            for (size, range) in [(4, 1_000_000), (9, 1_000_000), (15, 1000), (25, 50)] {
                let mut matrix = || -> Vec<Vec<i64>> {
                    (0..size).map(|_| (0..size).map(|_| next(range)).collect()).collect()
                };
                let (a, b) = (matrix(), matrix());
                let rows = |m: &[Vec<i64>]| -> Vec<Vec<Q>> {
                    m.iter().map(|r| r.iter().map(|&v| Q::from_int(v)).collect()).collect()
                };
                let g = Bimatrix::<Z>::new(&rows(&a), &rows(&b));
                let (sa, sb): (Vec<&[i64]>, Vec<&[i64]>) =
                    (a.iter().map(Vec::as_slice).collect(), b.iter().map(Vec::as_slice).collect());
                let game = bimatrix(&sa, &sb);
                for k in 0..2 * size {
                    let fast = solve(&g, k, 100_000).unwrap_or_else(|| panic!("{size}×{size}: label {k}"));
                    let o = Options { start_label: Some(k), ..Options::default() };
                    let exact = solve_tableau(&game, &o).unwrap().equilibria.remove(0);
                    assert_eq!(fast, exact, "{size}×{size}, label {k}");
                }
            }
        }
        run(witness());
    }

    /// The revised tableaux walk the dense tableaux' path: the same bases after every pivot, from
    /// every label, on random games of many shapes (degenerate ones included: small payoff ranges).
    #[test]
    fn revised_form_follows_the_dense_form() {
        let mut state = 0xD1CE_u64;
        let mut next = |range: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % range
        };
        for (m, n, range) in [(3, 3, 3), (4, 7, 5), (7, 4, 5), (12, 12, 1000), (20, 15, 100), (30, 30, 21)] {
            let mut matrix = |rows: usize, cols: usize| -> Vec<f64> {
                (0..rows * cols).map(|_| (next(range) + 1) as f64 / range as f64).collect()
            };
            let (a, bt) = (matrix(m, n), matrix(n, m));
            for label in 0..m + n {
                let mut dense = (
                    FloatTableau::new(bt.clone(), (m..m + n).collect(), (0..m).collect()),
                    FloatTableau::new(a.clone(), (0..m).collect(), (m..m + n).collect()),
                );
                let structural_p: Vec<usize> = (0..m).collect();
                let structural_q: Vec<usize> = (m..m + n).collect();
                let mut revised = (
                    Revised::new(&bt, (m..m + n).collect(), &structural_p),
                    Revised::new(&a, (0..m).collect(), &structural_q),
                );
                // Row labels start in P (x enters), column labels in Q (y enters).
                let mut in_p = label < m;
                let mut entering = label;
                let mut steps = 0;
                loop {
                    let (d, r) = if in_p {
                        (&mut dense.0 as &mut dyn Path, &mut revised.0 as &mut dyn Path)
                    } else {
                        (&mut dense.1 as &mut dyn Path, &mut revised.1 as &mut dyn Path)
                    };
                    let (rd, rr) = (d.ratio_row(entering), r.ratio_row(entering));
                    match (rd, rr) {
                        (Ok(Some(x)), Ok(Some(y))) => {
                            assert_eq!(x, y, "{m}×{n}, label {label}, step {steps}");
                            let (ld, lr) = (d.exchange(x, entering), r.exchange(y, entering));
                            assert_eq!(ld, lr);
                            steps += 1;
                            if ld == label || steps > 10_000 {
                                break;
                            }
                            entering = ld;
                            in_p = !in_p;
                        }
                        (Ok(None), Ok(None)) | (Err(_), Err(_)) => break,
                        other => panic!("{m}×{n}, label {label}, step {steps}: {other:?}"),
                    }
                }
                assert!(steps > 0);
                assert_eq!(dense.0.basis, revised.0.basis);
                assert_eq!(dense.1.basis, revised.1.basis);
            }
        }
    }

    #[test]
    fn comparisons_between_the_tolerances_are_too_close_to_call() {
        assert!(matches!(compare(1.0, 1.0 + 1e-12), Ok(None)));
        assert!(matches!(compare(1.0, 1.5), Ok(Some(true))));
        assert!(matches!(compare(2.0, 1.0), Ok(Some(false))));
        assert!(compare(1.0, 1.0 + 1e-8).is_err());
    }
}
