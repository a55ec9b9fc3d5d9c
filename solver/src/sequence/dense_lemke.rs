//! Lemke's algorithm on the sequence-form LCP in floats, on a dense dictionary: the same start
//! dictionary ([`super::float_lemke::start`]), covering vector and lexicographic ratio test as
//! [`super::lemke`], so that it follows the same path; only its final basis is used (as a guess for
//! the exact step of [`super::fast`], whose answer is verified exactly).
//!
//! **Why dense.** The rows of the sparse dictionary ([`super::float_lemke`]) fill in along a long
//! path, and then its sorted-vector merges cost several times a dense row update. Here a pivot
//! updates only the rows whose entry in the entering column is non-zero, and in each only the
//! columns where the pivot row is non-zero, over a contiguous row-major array.
//! **Complexity:** O(rows · cols) memory, capped at [`MAX_ENTRIES`] (the caller uses the sparse
//! dictionary beyond it); each pivot O(rows · cols) at worst.
//! **Reference:** as [`super::lemke`].

use redline_models::number::Q;

use super::SequenceForm;
use super::float_lemke::{Basis, Start, start};

/// The largest dictionary (rows × columns) held densely: 2^24 entries, 128 MiB of `f64`.
pub(crate) const MAX_ENTRIES: usize = 1 << 24;

/// Whether the dense dictionary of `form` fits in [`MAX_ENTRIES`].
pub(crate) fn fits(form: &SequenceForm) -> bool {
    // Rows: z₀ and one per non-empty sequence; columns: t and one per non-empty sequence.
    let side = form.n_seq[0] + form.n_seq[1] - 1;
    side.checked_mul(side).is_some_and(|n| n <= MAX_ENTRIES)
}

/// How a float Lemke run ended.
pub(crate) struct Run {
    /// The final basis, or `None` when the run hit its pivot budget or a ray.
    pub basis: Option<Basis>,
    /// The pivots taken.
    pub pivots: usize,
}

/// The final basis of Lemke's path from `priors` within `max_pivots` pivots (see [`Run`]).
///
/// Two ratios (or lexicographic entries) within `tolerance` (relative) count as equal; an entering
/// column's entry counts as negative below −`tolerance` times the column's largest magnitude (at
/// least 1). The threshold is relative because entries that are zero in exact arithmetic carry
/// rounding noise proportional to the column's size: with the sparse path's absolute threshold
/// (1e-11) the float path left the exact path on trees of 100 nodes (over 50,000 pivots where the
/// exact path takes 400–800).
pub(crate) fn solve(form: &SequenceForm, priors: &[Vec<Q>; 2], max_pivots: usize, tolerance: f64) -> Run {
    let Start { vars, row_var: start_rows, rows: sparse } = start(form, priors);
    let nv = vars.count();
    let konst = nv as u32;
    let n_rows = sparse.len();
    // Columns: the nonbasic variables, in variable order.
    let mut row_of: Vec<Option<usize>> = vec![None; nv];
    for (i, &v) in start_rows.iter().enumerate() {
        row_of[v] = Some(i);
    }
    let mut col_of: Vec<Option<usize>> = vec![None; nv];
    let mut col_var: Vec<usize> = Vec::with_capacity(nv - n_rows);
    for v in 0..nv {
        if row_of[v].is_none() {
            col_of[v] = Some(col_var.len());
            col_var.push(v);
        }
    }
    let n_cols = col_var.len();
    let mut d = vec![0.0f64; n_rows * n_cols];
    let mut cst = vec![0.0f64; n_rows];
    for (i, row) in sparse.iter().enumerate() {
        for &(v, c) in row {
            if v == konst {
                cst[i] = c;
            } else {
                let j = col_of[v as usize].expect("start rows hold nonbasic variables only");
                d[i * n_cols + j] = c;
            }
        }
    }
    drop(sparse);
    let mut row_var = start_rows.clone();
    // Lexicographic reference: the start basis in row order (`start_rows`).
    let mut entering = vars.t();
    let mut pivots = 0usize;
    let mut cands: Vec<(usize, f64, f64)> = Vec::new(); // (row, −d, ratio)
    let mut nz: Vec<usize> = Vec::with_capacity(n_cols);
    let mut pivot_row: Vec<f64> = vec![0.0; n_cols];
    loop {
        let j = col_of[entering].expect("the entering variable is nonbasic");
        cands.clear();
        let mut scale = 1.0f64;
        for i in 0..n_rows {
            scale = scale.max(d[i * n_cols + j].abs());
        }
        let threshold = tolerance * scale;
        for i in 0..n_rows {
            let a = d[i * n_cols + j];
            if a < -threshold {
                cands.push((i, -a, cst[i].max(0.0) / -a));
            }
        }
        let min = cands.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
        if !min.is_finite() {
            return Run { basis: None, pivots };
        }
        let mut best: Option<(usize, f64)> = None;
        for c in cands.iter().filter(|c| c.2 <= min + tolerance * (1.0 + min)) {
            best = Some(match best {
                None => (c.0, c.1),
                Some(b) => {
                    let lex =
                        Lex { d: &d, n_cols, row_of: &row_of, col_of: &col_of, start_rows: &start_rows };
                    if lex.less(tolerance, (c.0, c.1), b) { (c.0, c.1) } else { b }
                }
            });
        }
        let (r, _) = best.expect("a finite minimum has a candidate");
        if pivots == max_pivots {
            return Run { basis: None, pivots };
        }
        pivots += 1;
        let leaving = row_var[r];
        // Row r solved for the entering variable; the leaving one takes column j.
        let row = &mut d[r * n_cols..(r + 1) * n_cols];
        let inv = 1.0 / row[j];
        nz.clear();
        for (k, v) in row.iter_mut().enumerate() {
            if k == j {
                *v = inv;
            } else if *v != 0.0 {
                *v *= -inv;
            }
            if *v != 0.0 {
                nz.push(k);
            }
            pivot_row[k] = *v;
        }
        cst[r] *= -inv;
        let pc = cst[r];
        for i in 0..n_rows {
            if i == r {
                continue;
            }
            let row = &mut d[i * n_cols..(i + 1) * n_cols];
            let f = row[j];
            if f == 0.0 {
                continue;
            }
            row[j] = 0.0;
            for &k in &nz {
                row[k] += f * pivot_row[k];
            }
            cst[i] += f * pc;
        }
        row_var[r] = entering;
        col_var[j] = leaving;
        row_of[entering] = Some(r);
        col_of[entering] = None;
        row_of[leaving] = None;
        col_of[leaving] = Some(j);
        if leaving == vars.z0() {
            break;
        }
        if leaving == vars.t() {
            return Run { basis: None, pivots };
        }
        entering = vars.complement(leaving);
    }
    Run { basis: Some(Basis::new(form, &vars, |v| row_of[v].is_some())), pivots }
}

/// The dense dictionary as the lexicographic ratio test reads it.
struct Lex<'a> {
    d: &'a [f64],
    n_cols: usize,
    row_of: &'a [Option<usize>],
    col_of: &'a [Option<usize>],
    start_rows: &'a [usize],
}

impl Lex<'_> {
    /// The entry of variable `v` in row `i` of the perturbation (as in `lemke::lex_less`): 1 for
    /// the row's own basic variable, 0 for other basic ones, minus the coefficient for nonbasic ones.
    fn entry(&self, i: usize, v: usize) -> f64 {
        match (self.row_of[v], self.col_of[v]) {
            (Some(r), _) => f64::from(u8::from(r == i)),
            (None, Some(c)) => -self.d[i * self.n_cols + c],
            (None, None) => unreachable!("every variable is basic or nonbasic"),
        }
    }

    /// Whether candidate row `i` (with `−d` its entering coefficient's negation) is
    /// lexicographically below `k`: the first start-basis variable on which their scaled entries
    /// differ by more than the tolerance decides; rows never tie throughout in exact arithmetic,
    /// and the lower index is taken if they do here.
    fn less(&self, tolerance: f64, (i, di): (usize, f64), (k, dk): (usize, f64)) -> bool {
        for &v in self.start_rows {
            let (a, b) = (self.entry(i, v) / di, self.entry(k, v) / dk);
            if (a - b).abs() > tolerance * (1.0 + a.abs().max(b.abs())) {
                return a < b;
            }
        }
        i < k
    }
}
