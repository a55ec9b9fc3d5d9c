//! Exact solution of a sparse linear system over `Q` by Gaussian elimination with a Markowitz-style
//! pivot order (the shortest active row first, in it the column with the fewest active rows).
//!
//! **Used by:** `sequence::fast` (the exact step of the float paths of `lp` and `lcp`).
//! **Complexity:** for the systems of a tree's sequence form (each row a sequence's or an
//! information set's few neighbours) elimination in this order creates little fill, so the cost is
//! close to linear in the number of non-zeros; the worst case is cubic.
//! **Reference:** Duff, Erisman & Reid, *Direct Methods for Sparse Matrices* (1986), ch. 7 (the
//! Markowitz criterion).
//!
//! The system may be over- or underdetermined: rows that reduce to `0 = 0` are dropped, a row that
//! reduces to `0 = c ≠ 0` makes the system inconsistent (`None`), and columns left without a pivot
//! are set to zero. The answer is a candidate for its caller's exact checks.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use redline_models::number::Q;

/// A sparse system `Σ_j a_ij·v_j = rhs_i`; each row's entries sorted by column, without zeros.
#[derive(Clone, Debug, Default)]
pub struct System {
    /// The number of unknowns.
    pub n_cols: usize,
    /// The rows: `(column, coefficient)` pairs.
    pub rows: Vec<Vec<(u32, Q)>>,
    /// The right-hand sides.
    pub rhs: Vec<Q>,
}

impl System {
    /// An empty system of `n_cols` unknowns.
    #[must_use]
    pub fn new(n_cols: usize) -> System {
        System { n_cols, rows: Vec::new(), rhs: Vec::new() }
    }

    /// Adds the row `Σ coefficient·v_column = rhs`; repeated columns are summed, zeros dropped.
    pub fn push(&mut self, mut entries: Vec<(u32, Q)>, rhs: Q) {
        entries.sort_by_key(|e| e.0);
        let mut row: Vec<(u32, Q)> = Vec::with_capacity(entries.len());
        for (c, v) in entries {
            match row.last_mut() {
                Some(last) if last.0 == c => last.1 = &last.1 + &v,
                _ => row.push((c, v)),
            }
        }
        row.retain(|e| !e.1.is_zero());
        self.rows.push(row);
        self.rhs.push(rhs);
    }

    /// A solution, or `None` when the system is inconsistent; unknowns the system leaves free are
    /// zero.
    #[must_use]
    pub fn solve(self) -> Option<Vec<Q>> {
        self.solve_with(&|_| Q::zero())
    }

    /// A solution, or `None` when the system is inconsistent; each unknown `j` the system leaves
    /// free (no pivot in its column) is `free(j)`.
    #[must_use]
    pub fn solve_with(mut self, free: &dyn Fn(usize) -> Q) -> Option<Vec<Q>> {
        let n_rows = self.rows.len();
        // Column → rows that may hold it (stale entries are skipped when read).
        let mut col_rows: Vec<Vec<u32>> = vec![Vec::new(); self.n_cols];
        for (i, row) in self.rows.iter().enumerate() {
            for &(c, _) in row {
                col_rows[c as usize].push(i as u32);
            }
        }
        let mut active = vec![true; n_rows];
        let mut heap: BinaryHeap<Reverse<(usize, u32)>> =
            self.rows.iter().enumerate().map(|(i, r)| Reverse((r.len(), i as u32))).collect();
        let mut pivots: Vec<(u32, u32)> = Vec::new();
        while let Some(Reverse((len, r))) = heap.pop() {
            let ri = r as usize;
            if !active[ri] || self.rows[ri].len() != len {
                continue;
            }
            active[ri] = false;
            if len == 0 {
                if self.rhs[ri].is_zero() {
                    continue;
                }
                return None;
            }
            // The column of this row with the fewest other active rows.
            let (pc, _) = self.rows[ri]
                .iter()
                .map(|&(c, _)| (c, col_rows[c as usize].len()))
                .min_by_key(|&(c, n)| (n, c))
                .expect("the row is not empty");
            pivots.push((r, pc));
            let pivot_row = std::mem::take(&mut self.rows[ri]);
            let pivot_rhs = self.rhs[ri].clone();
            let piv = pivot_row.iter().find(|e| e.0 == pc).expect("the pivot column is in the row").1.clone();
            let targets = std::mem::take(&mut col_rows[pc as usize]);
            for &t in &targets {
                let ti = t as usize;
                if ti == ri || !active[ti] {
                    continue;
                }
                let Some(f) = self.rows[ti].iter().find(|e| e.0 == pc).map(|e| e.1.clone()) else {
                    continue;
                };
                // row_t −= (f / piv)·pivot_row
                let m = f.checked_div(&piv).expect("the pivot is not zero");
                let old = std::mem::take(&mut self.rows[ti]);
                let mut merged: Vec<(u32, Q)> = Vec::with_capacity(old.len() + pivot_row.len());
                let (mut a, mut b) = (old.into_iter().peekable(), pivot_row.iter().peekable());
                loop {
                    match (a.peek(), b.peek()) {
                        (Some(x), Some(y)) if x.0 < y.0 => merged.push(a.next().expect("peeked")),
                        (Some(x), Some(y)) if x.0 > y.0 => {
                            let (c, v) = b.next().expect("peeked");
                            col_rows[*c as usize].push(t);
                            merged.push((*c, -(&m * v)));
                        }
                        (Some(_), Some(_)) => {
                            let (c, v) = a.next().expect("peeked");
                            let (_, w) = b.next().expect("peeked");
                            let s = &v - &(&m * w);
                            if !s.is_zero() {
                                merged.push((c, s));
                            }
                        }
                        (Some(_), None) => merged.push(a.next().expect("peeked")),
                        (None, Some(_)) => {
                            let (c, v) = b.next().expect("peeked");
                            col_rows[*c as usize].push(t);
                            merged.push((*c, -(&m * v)));
                        }
                        (None, None) => break,
                    }
                }
                merged.retain(|e| e.0 != pc);
                self.rhs[ti] = &self.rhs[ti] - &(&m * &pivot_rhs);
                heap.push(Reverse((merged.len(), t)));
                self.rows[ti] = merged;
            }
            self.rows[ri] = pivot_row;
        }
        // Back substitution: a pivot row holds its pivot column and columns pivoted after it.
        let mut pivoted = vec![false; self.n_cols];
        for &(_, c) in &pivots {
            pivoted[c as usize] = true;
        }
        let mut value: Vec<Q> =
            (0..self.n_cols).map(|j| if pivoted[j] { Q::zero() } else { free(j) }).collect();
        for &(r, c) in pivots.iter().rev() {
            let row = &self.rows[r as usize];
            let mut acc = self.rhs[r as usize].clone();
            let mut piv = Q::one();
            for (j, v) in row {
                if *j == c {
                    piv = v.clone();
                } else if !value[*j as usize].is_zero() {
                    acc = &acc - &(v * &value[*j as usize]);
                }
            }
            value[c as usize] = acc.checked_div(&piv).expect("the pivot is not zero");
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    #[test]
    fn solves_square_over_and_underdetermined() {
        // 2x + y = 5, x − 3y = −1: x = 2, y = 1.
        let mut s = System::new(2);
        s.push(vec![(0, q("2")), (1, q("1"))], q("5"));
        s.push(vec![(0, q("1")), (1, q("-3"))], q("-1"));
        let mut over = s.clone();
        assert_eq!(s.solve().unwrap(), vec![q("2"), q("1")]);
        // A consistent extra row, then an inconsistent one.
        over.push(vec![(0, q("1")), (1, q("1"))], q("3"));
        let mut bad = over.clone();
        assert_eq!(over.solve().unwrap(), vec![q("2"), q("1")]);
        bad.push(vec![(0, q("1"))], q("7"));
        assert!(bad.solve().is_none());
        // x + y = 1 with y free: y = 0 or x = 0, either way a solution.
        let mut under = System::new(2);
        under.push(vec![(0, q("1")), (1, q("1"))], q("1"));
        let v = under.solve().unwrap();
        assert_eq!(&v[0] + &v[1], q("1"));
    }

    #[test]
    fn agrees_with_dense_elimination_on_random_systems() {
        let mut state = 5u64;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as i64
        };
        for n in [3usize, 8, 20] {
            let mut s = System::new(n);
            let mut dense = vec![vec![Q::zero(); n]; n];
            let x: Vec<Q> = (0..n).map(|_| Q::from_int(next() % 7 - 3)).collect();
            for (i, row) in dense.iter_mut().enumerate() {
                // A diagonal that dominates keeps the matrix regular.
                let mut entries = vec![(i as u32, Q::from_int(50))];
                for _ in 0..3 {
                    let j = (next() as usize) % n;
                    entries.push((j as u32, Q::from_int(next() % 9 - 4)));
                }
                let mut rhs = Q::zero();
                for (j, v) in &entries {
                    row[*j as usize] = &row[*j as usize] + v;
                    rhs = &rhs + &(v * &x[*j as usize]);
                }
                s.push(entries, rhs);
            }
            assert_eq!(s.solve().unwrap(), x, "n = {n}");
        }
    }
}
