//! Every extreme equilibrium of a bimatrix game by enumerating the vertices of one best-response
//! polytope and, for each, the vertices of the face of the other polytope that completes its labels
//! (the scheme of lrsnash).
//!
//! **Used by:** [`super::enumeration`]. **Complexity:** one lexicographic search over the bases of
//! `P` (the polytope of the player with fewer strategies), then per vertex `x` of `P` one phase-1
//! simplex run and one search over the bases of the face `F(x)` of `Q`; each pivot costs
//! O(rows × columns) integer operations. **Reference:** Avis, Rosenberg, Savani & von Stengel (2010),
//! "Enumeration of Nash equilibria for two-player games", Economic Theory 42, §4 (lrsnash);
//! ALGORITHMS.md §13.
//!
//! With `P = {x ≥ 0 : Bᵀx ≤ 1}` and `Q = {y ≥ 0 : A·y ≤ 1}` (payoffs positive integers), a vertex
//! pair `(x, y) ≠ (0, 0)` is completely labelled exactly when `y` lies in the face
//! `F(x) = {y ∈ Q : (A·y)_i = 1 for x_i > 0, y_j = 0 for (Bᵀx)_j < 1}`. A face of a polytope is a
//! polytope whose vertices are vertices of the polytope, so the extreme equilibria are the pairs
//! `(x, y)` with `x` a vertex of `P` and `y` a vertex of `F(x)`. This never visits the vertices of
//! `Q` that complete no vertex of `P`: in degenerate games with many strategies for one player (the
//! reduced strategic forms of trees), `Q` has vastly more bases than `P`.
//!
//! Both searches run over the bases that are feasible for the right-hand side perturbed
//! lexicographically (relative to the starting basis): they are the vertices of a simple polytope
//! with a connected graph, so a graph search by lexicographic ratio-test pivots reaches all of
//! them, and every vertex of the unperturbed polytope is the image of at least one (Avis & Fukuda's
//! argument; lrs). The face's starting basis comes from a phase-1 simplex minimising the sum of the
//! slacks that must vanish; slacks left basic at zero are pivoted out on any non-zero entry (the
//! tableau is then negated to keep its determinant positive), or their rows are dropped when
//! redundant.

use std::ops::Range;

use foldhash::{HashMap, HashSet};

use super::Bimatrix;
use super::tableau::Int;
use crate::error::Error;

/// An extreme equilibrium as unnormalised non-negative integer weights `(x, y)`.
pub(crate) type Pair<Z> = (Vec<Z>, Vec<Z>);

/// "No row": the variable is non-basic.
const NONE: usize = usize::MAX;

/// A fraction-free tableau (as in [`super::tableau`]: every row is `det·B⁻¹` times the system, basic
/// columns hold `det` in their own row) with an optional objective row after the constraint rows,
/// a starting `det` other than 1, and pivots on negative elements.
#[derive(Debug)]
struct Tab<Z> {
    /// Constraint rows (taking part in ratio tests).
    rows: usize,
    /// Total rows, the objective row (if any) last.
    all_rows: usize,
    cols: usize,
    /// Column-major, `cols` columns of `all_rows` entries: the ratio tests read one column and
    /// the right-hand side, both contiguous.
    t: Vec<Z>,
    rhs: Vec<Z>,
    det: Z,
    basis: Vec<usize>,
    row_of: Vec<usize>,
    /// The columns of the starting basis, in row order: they hold `det·B⁻¹·B₀` for the
    /// lexicographic rule.
    lex: Vec<usize>,
}

impl<Z: Clone> Clone for Tab<Z> {
    fn clone(&self) -> Self {
        Tab {
            rows: self.rows,
            all_rows: self.all_rows,
            cols: self.cols,
            t: self.t.clone(),
            rhs: self.rhs.clone(),
            det: self.det.clone(),
            basis: self.basis.clone(),
            row_of: self.row_of.clone(),
            lex: self.lex.clone(),
        }
    }

    /// Field by field, reusing this tableau's buffers (the search copies a parent into a freed
    /// slot for each edge that is not the parent's last; a derived `clone_from` would allocate).
    fn clone_from(&mut self, o: &Self) {
        (self.rows, self.all_rows, self.cols) = (o.rows, o.all_rows, o.cols);
        self.t.clone_from(&o.t);
        self.rhs.clone_from(&o.rhs);
        self.det.clone_from(&o.det);
        self.basis.clone_from(&o.basis);
        self.row_of.clone_from(&o.row_of);
        self.lex.clone_from(&o.lex);
    }
}

impl<Z: Int> Tab<Z> {
    /// A tableau from flat rows (`all_rows × cols`, row-major) whose basic columns hold `det` in
    /// their rows.
    fn new(all_rows: usize, cols: usize, rows: &[Z], rhs: Vec<Z>, det: Z, basis: Vec<usize>) -> Tab<Z> {
        let mut row_of = vec![NONE; cols];
        for (i, &b) in basis.iter().enumerate() {
            row_of[b] = i;
        }
        let t = (0..cols).flat_map(|j| (0..all_rows).map(move |i| rows[i * cols + j].clone())).collect();
        Tab { rows: basis.len(), all_rows, cols, t, rhs, det, lex: basis.clone(), basis, row_of }
    }

    fn at(&self, i: usize, j: usize) -> &Z {
        &self.t[j * self.all_rows + i]
    }

    /// Column `j` over all rows.
    fn column(&self, j: usize) -> &[Z] {
        &self.t[j * self.all_rows..(j + 1) * self.all_rows]
    }

    /// `det` times the value of variable `v`.
    fn value(&self, v: usize) -> Z {
        match self.row_of[v] {
            NONE => Z::zero(),
            r => self.rhs[r].clone(),
        }
    }

    fn is_basic(&self, v: usize) -> bool {
        self.row_of[v] != NONE
    }

    /// True when this basis's vertex (its point with the unperturbed right-hand side) is not in
    /// `seen`, the zero sets of the degenerate vertices met so far; adds it. A vertex without a
    /// basic variable at zero is met through this basis only (any basis of it has its non-basic
    /// variables among the zeros, which are exactly this basis's non-basic ones), so it is new and
    /// is not stored.
    fn new_vertex<K: Key>(&self, seen: &mut HashSet<K>) -> bool {
        if !self.rhs[..self.rows].iter().any(Int::is_zero) {
            return true;
        }
        seen.insert(K::of(self.cols, (0..self.cols).filter(|&v| self.value(v).is_zero())))
    }

    /// The row of the lexicographic minimum-ratio test for entering column `s`, if any entry of the
    /// column is positive: the smallest ratio `rhs_i / t_is` over rows with `t_is > 0` by
    /// cross-multiplication, the lex columns compared only on exact ties ([`Tab::lex_tie_less`]).
    fn lex_min_ratio(&self, s: usize) -> Option<usize> {
        let rows = self.rows;
        match Z::min_ratio(&self.column(s)[..rows], &self.rhs[..rows]) {
            (best, false) => best,
            (_, true) => self.lex_min_ratio_tied(s),
        }
    }

    /// [`Tab::lex_min_ratio`] when the smallest ratio is tied: every tie broken by the lex columns.
    fn lex_min_ratio_tied(&self, s: usize) -> Option<usize> {
        // The best row so far with its rhs and pivot-column entry.
        let mut best: Option<(usize, &Z, &Z)> = None;
        let rows = self.rows;
        for (i, (p, rhs)) in self.column(s)[..rows].iter().zip(&self.rhs[..rows]).enumerate() {
            if !p.is_positive() {
                continue;
            }
            let better = match best {
                None => true,
                Some((k, rk, pk)) => match rhs.cmp_products(pk, rk, p) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Greater => false,
                    std::cmp::Ordering::Equal => self.lex_tie_less(i, k, s),
                },
            };
            if better {
                best = Some((i, rhs, p));
            }
        }
        best.map(|(i, _, _)| i)
    }

    /// For rows `i` and `k` whose ratios `rhs / t_is` tie (both entries positive), true when row
    /// `i`'s lex columns divided by `t_is` are lexicographically below row `k`'s.
    fn lex_tie_less(&self, i: usize, k: usize, s: usize) -> bool {
        let (pi, pk) = (self.at(i, s), self.at(k, s));
        for &c in &self.lex {
            let (a, b) = (self.at(i, c), self.at(k, c));
            if a.is_zero() && b.is_zero() {
                continue;
            }
            match a.cmp_products(pk, b, pi) {
                std::cmp::Ordering::Less => return true,
                std::cmp::Ordering::Greater => return false,
                std::cmp::Ordering::Equal => {}
            }
        }
        // The lex columns are independent, so this is unreachable; the smaller index is safe.
        i < k
    }

    /// Pivots on `(r, s)` (`t_rs ≠ 0`; when negative, the tableau is negated afterwards so that
    /// `det` stays positive).
    fn pivot(&mut self, r: usize, s: usize, scratch: &mut Scratch<Z>) {
        let (all_rows, rows) = (self.all_rows, self.rows);
        let piv = self.at(r, s).clone();
        let leave = self.basis[r];
        let one = self.det == Z::from_i64(1);
        let Scratch { column: pivot_column } = scratch;
        pivot_column.clear();
        pivot_column.extend_from_slice(self.column(s));
        // Every entry of this pivot is divided by the same `det`: prepared once.
        let det = self.det.prepare();
        // Row r is unchanged; every other row i becomes (t_ij·piv − t_is·t_rj) / det. Basic columns
        // other than the leaving one stay unit columns (times det, set below): only the non-basic
        // columns other than `s`, the leaving one, and the right-hand side change.
        let update = |column: &mut [Z]| {
            let prj = column[r].clone();
            let entries = column.iter_mut().zip(pivot_column.iter()).enumerate().filter(|(i, _)| *i != r);
            if one {
                for (_, (v, f)) in entries {
                    *v = if f.is_zero() { v.mul(&piv) } else { v.mul_sub(&piv, f, &prj) };
                }
            } else {
                for (_, (v, f)) in entries {
                    *v = if f.is_zero() {
                        v.mul(&piv).div_prepared(&det)
                    } else {
                        v.mul_sub_div_prepared(&piv, f, &prj, &det)
                    };
                }
            }
        };
        for (j, column) in self.t.chunks_exact_mut(all_rows).enumerate() {
            if j != s && (self.row_of[j] == NONE || j == leave) {
                update(column);
            }
        }
        update(&mut self.rhs);
        // Column s becomes piv times the unit column of row r; the other basic columns hold the
        // new det in their rows.
        let column_s = &mut self.t[s * all_rows..(s + 1) * all_rows];
        for (i, v) in column_s.iter_mut().enumerate() {
            if i != r {
                *v = Z::zero();
            }
        }
        for (i, &b) in self.basis[..rows].iter().enumerate() {
            if i != r {
                self.t[b * all_rows + i] = piv.clone();
            }
        }
        self.det = piv;
        self.basis[r] = s;
        self.row_of[leave] = NONE;
        self.row_of[s] = r;
        if self.det.is_negative() {
            let neg = |v: &mut Z| *v = Z::zero().sub(v);
            self.t.iter_mut().for_each(neg);
            self.rhs.iter_mut().for_each(neg);
            neg(&mut self.det);
        }
    }
}

/// Scratch space of [`Tab::pivot`], reused across pivots.
struct Scratch<Z> {
    /// A copy of the pivot column.
    column: Vec<Z>,
}

impl<Z> Scratch<Z> {
    fn new() -> Scratch<Z> {
        Scratch { column: Vec::new() }
    }
}

/// A set of column indices, the key of the visited sets: a `u128` when the tableau has at most 128
/// columns (no allocation per basis), boxed words beyond.
trait Key: Clone + Eq + std::hash::Hash {
    /// The empty set for a tableau of `cols` columns.
    fn empty(cols: usize) -> Self;
    /// Adds `v` if absent, removes it if present.
    fn flip(&mut self, v: usize);
    /// True when `v` is in the set.
    fn contains(&self, v: usize) -> bool;
    /// The set of the distinct indices `vars`.
    fn of(cols: usize, vars: impl Iterator<Item = usize>) -> Self {
        let mut k = Self::empty(cols);
        for v in vars {
            k.flip(v);
        }
        k
    }
}

impl Key for u128 {
    fn empty(cols: usize) -> Self {
        debug_assert!(cols <= 128, "a u128 key holds 128 columns");
        0
    }
    fn flip(&mut self, v: usize) {
        *self ^= 1 << v;
    }
    fn contains(&self, v: usize) -> bool {
        *self & (1 << v) != 0
    }
}

impl Key for Box<[u64]> {
    fn empty(cols: usize) -> Self {
        vec![0u64; cols.div_ceil(64)].into_boxed_slice()
    }
    fn flip(&mut self, v: usize) {
        self[v / 64] ^= 1 << (v % 64);
    }
    fn contains(&self, v: usize) -> bool {
        self[v / 64] & (1 << (v % 64)) != 0
    }
}

/// Calls `visit` on every basis feasible for the lexicographically perturbed right-hand side that
/// is reachable from `start` (all of them: see the module docs), depth first. The stack holds
/// edges (a parent tableau's slot, the pivot row and column), not pivoted tableaux: a tableau is
/// kept only while edges out of it wait, and its last edge pivots it in place. Each basis costs
/// one pivot (and a tableau copy unless it is its parent's last edge). On the 10 × 10 compare.py
/// game (1,407 bases) a depth-first stack of pivoted tableaux held up to 949 of them at once, a
/// breadth-first queue of edges 457 and this stack of edges 278; taking the newest edge first also
/// pivots a tableau that is still in cache (about 10 % faster than breadth first there).
fn search<Z: Int, K: Key>(start: Tab<Z>, mut visit: impl FnMut(&Tab<Z>)) {
    let cols = start.cols;
    // Every basis seen, with the entering columns known to lead from it to a seen basis: the edge
    // back to where it was first reached from, and each edge found from its other end when both
    // ends were already seen. (On the perturbed, simple polytope an edge is the lexicographic pivot
    // from both of its ends, so each edge's ratio test runs once; a set bit only skips a test.)
    let mut seen: HashMap<K, K> = HashMap::default();
    seen.insert(K::of(cols, start.basis.iter().copied()), K::empty(cols));
    // Tableaux with waiting edges, how many edges wait on each, and the free slots.
    let mut slab: Vec<Tab<Z>> = vec![start];
    let mut pending: Vec<usize> = vec![0];
    let mut free: Vec<usize> = Vec::new();
    let mut stack: Vec<(usize, usize, usize)> = Vec::new();
    let mut scratch = Scratch::new();
    let mut slot = 0;
    loop {
        if Z::overflowed() {
            return;
        }
        // `slab[slot]` is a basis not yet visited: visit it and push the edges to unseen bases.
        let t = &slab[slot];
        visit(t);
        let mut basis = K::of(cols, t.basis.iter().copied());
        let known = seen.get(&basis).cloned().unwrap_or_else(|| K::empty(cols));
        let mut edges = 0;
        for s in 0..t.cols {
            if t.is_basic(s) || known.contains(s) {
                continue;
            }
            let Some(r) = t.lex_min_ratio(s) else { continue };
            let leave = t.basis[r];
            basis.flip(leave);
            basis.flip(s);
            // From the neighbour, entering `leave` leads back here.
            if let Some(back) = seen.get_mut(&basis) {
                if !back.contains(leave) {
                    back.flip(leave);
                }
            } else {
                let mut back = K::empty(cols);
                back.flip(leave);
                seen.insert(basis.clone(), back);
                stack.push((slot, r, s));
                edges += 1;
            }
            basis.flip(leave);
            basis.flip(s);
        }
        pending[slot] = edges;
        if edges == 0 {
            free.push(slot);
        }
        let Some((parent, r, s)) = stack.pop() else { return };
        pending[parent] -= 1;
        slot = if pending[parent] == 0 {
            // The parent's last edge: pivot it in place.
            parent
        } else if let Some(f) = free.pop() {
            let (a, b) = if f < parent {
                let (lo, hi) = slab.split_at_mut(parent);
                (&mut lo[f], &hi[0])
            } else {
                let (lo, hi) = slab.split_at_mut(f);
                (&mut hi[0], &lo[parent])
            };
            a.clone_from(b);
            f
        } else {
            slab.push(slab[parent].clone());
            pending.push(0);
            slab.len() - 1
        };
        slab[slot].pivot(r, s, &mut scratch);
    }
}

/// The extreme equilibria of `game` as pairs of non-negative integer weight vectors `(x, y)`
/// (unnormalised), each completely labelled; the caller verifies them.
pub(crate) fn extreme_pairs<Z: Int>(game: &Bimatrix<Z>) -> Result<Vec<Pair<Z>>, Error> {
    let (m, n) = (game.m, game.n);
    // P has m dimensions, Q has n: search the smaller one, over the transposed game if need be.
    if m <= n {
        let b_cols: Vec<Vec<Z>> =
            (0..n).map(|j| (0..m).map(|i| game.b.entries[i][j].clone()).collect()).collect();
        if m + n <= 128 {
            pairs::<Z, u128>(m, n, &b_cols, &game.a.entries)
        } else {
            pairs::<Z, Box<[u64]>>(m, n, &b_cols, &game.a.entries)
        }
    } else {
        // The column player's polytope {y ≥ 0 : A·y ≤ 1} is searched; the faces are of
        // {x ≥ 0 : Bᵀx ≤ 1}.
        let b_t: Vec<Vec<Z>> =
            (0..n).map(|j| (0..m).map(|i| game.b.entries[i][j].clone()).collect()).collect();
        let out = if m + n <= 128 {
            pairs::<Z, u128>(n, m, &game.a.entries, &b_t)?
        } else {
            pairs::<Z, Box<[u64]>>(n, m, &game.a.entries, &b_t)?
        };
        Ok(out.into_iter().map(|(y, x)| (x, y)).collect())
    }
}

/// The completely labelled pairs of `P = {x ∈ ℝᵐ : x ≥ 0, bt·x ≤ 1}` (`bt`: n rows of length m) and
/// `Q = {y ∈ ℝⁿ : y ≥ 0, a·y ≤ 1}` (`a`: m rows of length n); `K` holds sets of `m + n` columns.
fn pairs<Z: Int, K: Key>(m: usize, n: usize, bt: &[Vec<Z>], a: &[Vec<Z>]) -> Result<Vec<Pair<Z>>, Error> {
    // P's tableau: row j is bt_j·x + r_j = 1; columns x_0..x_{m−1}, r_0..r_{n−1}.
    let cols = m + n;
    let mut t = Vec::with_capacity(n * cols);
    for (j, row) in bt.iter().enumerate() {
        t.extend(row.iter().cloned());
        t.extend((0..n).map(|k| Z::from_i64(i64::from(k == j))));
    }
    let p = Tab::new(n, cols, &t, vec![Z::from_i64(1); n], Z::from_i64(1), (m..cols).collect());
    let mut seen: HashSet<K> = HashSet::default();
    // The vertices x ≠ 0 found, flat: per vertex its m coordinates, then for each column j 1 when
    // it is a best reply after x (r_j = 0) and 0 otherwise.
    let mut vertices: Vec<Z> = Vec::new();
    search::<Z, K>(p, |t| {
        if t.new_vertex(&mut seen) && (0..m).any(|v| t.value(v).is_positive()) {
            vertices.extend((0..m).map(|v| t.value(v)));
            vertices
                .extend((0..n).map(|j| if t.value(m + j).is_zero() { Z::from_i64(1) } else { Z::zero() }));
        }
    });
    let mut out = Vec::new();
    let mut scratch = Scratch::new();
    let mut work = Elimination::new();
    let mut support: Vec<bool> = Vec::with_capacity(m);
    let mut replies: Vec<usize> = Vec::with_capacity(n);
    for v in vertices.chunks_exact(cols) {
        let (x, best) = v.split_at(m);
        support.clear();
        support.extend(x.iter().map(Int::is_positive));
        replies.clear();
        replies.extend((0..n).filter(|&j| best[j].is_positive()));
        match unique_point(a, &support, &replies, &mut work) {
            Some(point) => out.extend(point.map(|y| (x.to_vec(), y))),
            None => {
                for y in face_vertices::<Z, K>(a, &support, &replies, &mut scratch)? {
                    out.push((x.to_vec(), y));
                }
            }
        }
    }
    Ok(out)
}

/// Scratch space of [`unique_point`], reused across calls.
struct Elimination<Z> {
    /// The k × (k + 1) system, row-major.
    work: Vec<Z>,
    /// The row each column was pivoted in.
    row_of: Vec<usize>,
    /// Rows already pivoted in.
    used: Vec<bool>,
    /// A copy of the pivot row's entries right of the pivot.
    row: Vec<Z>,
}

impl<Z> Elimination<Z> {
    fn new() -> Elimination<Z> {
        Elimination { work: Vec::new(), row_of: Vec::new(), used: Vec::new(), row: Vec::new() }
    }
}

/// The face of [`face_vertices`] when the block `a[S, R]` (rows in the support `S`, columns the
/// replies `R`) is square and non-singular, the usual case: the equations `(a·y)_i = 1` for `i ∈ S`
/// with `y_j = 0` for `j ∉ R` then have exactly one solution `y*`, so the face is `{y*}` when `y*`
/// lies in `Q` (`y* ≥ 0`, `a·y* ≤ 1`) and empty otherwise. `Some(Some(y*))` (weights over all `n`
/// columns) or `Some(None)` for those two answers; `None` when the block is not square or is
/// singular, and the caller runs the face search. One fraction-free Gauss–Jordan elimination of the
/// k × (k + 1) system (k = |S|), O(k³) operations, against a phase-1 simplex and a search on an
/// (m + 1) × (m + k) tableau. `scratch` is reused space.
fn unique_point<Z: Int>(
    a: &[Vec<Z>],
    support: &[bool],
    replies: &[usize],
    scratch: &mut Elimination<Z>,
) -> Option<Option<Vec<Z>>> {
    let n = a.first().map_or(0, Vec::len);
    let k = replies.len();
    if k == 0 || support.iter().filter(|&&s| s).count() != k {
        return None;
    }
    let w = k + 1;
    let Elimination { work, row_of, used, row: prow } = scratch;
    work.clear();
    for (row, _) in a.iter().zip(support).filter(|(_, s)| **s) {
        work.extend(replies.iter().map(|&j| row[j].clone()));
        work.push(Z::from_i64(1));
    }
    // As a fraction-free tableau (`det·B⁻¹` times the system, see `Tab`): column c is pivoted in a
    // row not used before; pivoted columns stay `det` times unit columns and are not stored anew.
    let mut det = Z::from_i64(1);
    row_of.clear();
    row_of.resize(k, NONE);
    used.clear();
    used.resize(k, false);
    for c in 0..k {
        let r = (0..k).find(|&r| !used[r] && !work[r * w + c].is_zero())?;
        used[r] = true;
        row_of[c] = r;
        let piv = work[r * w + c].clone();
        // Every entry of this step is divided by the same `det`: prepared once.
        let d = det.prepare();
        prow.clear();
        prow.extend_from_slice(&work[r * w + c + 1..(r + 1) * w]);
        for (i, row) in work.chunks_exact_mut(w).enumerate() {
            if i == r {
                continue;
            }
            let (f, rest) = (row[c].clone(), &mut row[c + 1..]);
            for (v, p) in rest.iter_mut().zip(prow.iter()) {
                *v = v.mul_sub_div_prepared(&piv, &f, p, &d);
            }
        }
        det = piv;
        if Z::overflowed() {
            // Words have overflowed: the attempt is void whatever this returns.
            return Some(None);
        }
    }
    // y*_c = rhs / det for the column pivoted in each row; make the denominator positive.
    let negative = det.is_negative();
    let fix = |v: &Z| if negative { Z::zero().sub(v) } else { v.clone() };
    let det = fix(&det);
    let y_of = |c: usize| fix(&work[row_of[c] * w + k]);
    if (0..k).any(|c| y_of(c).is_negative()) {
        return Some(None);
    }
    // Rows outside the support must not exceed 1: (a·y*)_i ≤ det.
    for (row, _) in a.iter().zip(support).filter(|(_, s)| !**s) {
        let value = replies.iter().enumerate().fold(Z::zero(), |acc, (c, &j)| acc.add(&row[j].mul(&y_of(c))));
        if value > det {
            return Some(None);
        }
    }
    let mut y = vec![Z::zero(); n];
    for (c, &j) in replies.iter().enumerate() {
        y[j] = y_of(c);
    }
    Some(Some(y))
}

/// The vertices of `F = {y ≥ 0 : a·y ≤ 1, (a·y)_i = 1 where support[i], y_j = 0 for j ∉ replies}`,
/// as weight vectors over all `n` columns.
fn face_vertices<Z: Int, K: Key>(
    a: &[Vec<Z>],
    support: &[bool],
    replies: &[usize],
    scratch: &mut Scratch<Z>,
) -> Result<Vec<Vec<Z>>, Error> {
    let m = a.len();
    let n = a.first().map_or(0, Vec::len);
    let k = replies.len();
    // Columns: s_0..s_{m−1}, then y_j for j in replies; rows: s_i + a_i·y = 1, then the phase-1
    // objective row.
    let cols = m + k;
    let mut t = Vec::with_capacity((m + 1) * cols);
    for (i, row) in a.iter().enumerate() {
        t.extend((0..m).map(|c| Z::from_i64(i64::from(c == i))));
        t.extend(replies.iter().map(|&j| row[j].clone()));
    }
    // Maximise obj = −Σ_{support} s_i = −|S| + Σ_j (Σ_{i∈S} a_ij)·y_j: the row reads
    // obj − Σ_j c_j·y_j = −|S|.
    t.extend((0..m).map(|_| Z::zero()));
    for &j in replies {
        let c = (0..m).filter(|&i| support[i]).fold(Z::zero(), |acc, i| acc.add(&a[i][j]));
        t.push(Z::zero().sub(&c));
    }
    let size = support.iter().filter(|&&s| s).count();
    let mut rhs = vec![Z::from_i64(1); m];
    rhs.push(Z::from_i64(-i64::try_from(size).unwrap_or(i64::MAX)));
    let mut tab = Tab::new(m + 1, cols, &t, rhs, Z::from_i64(1), (0..m).collect());
    // Phase 1: Dantzig's rule, lexicographic ratio test (no cycling), until the sum of the slacks
    // in the support is 0 (rhs of the objective row 0) or optimal above 0 (the face is empty).
    while !tab.rhs[m].is_zero() && !Z::overflowed() {
        let entering = (0..cols)
            .filter(|&j| !tab.is_basic(j) && tab.at(m, j).is_negative())
            .min_by(|&j, &l| tab.at(m, j).cmp(tab.at(m, l)).then(j.cmp(&l)));
        let Some(s) = entering else { return Ok(Vec::new()) };
        let Some(r) = tab.lex_min_ratio(s) else {
            return Err(Error::VerificationFailed("vertex enumeration: an unbounded phase-1 LP".into()));
        };
        tab.pivot(r, s, scratch);
    }
    // Slacks of the support left basic (at 0): pivot them out on any entry in a kept column, or
    // drop their row when it has none (the equation is implied by the others).
    let kept = |c: usize| c >= m || !support[c];
    let mut drop = vec![false; m];
    for (r, dropped) in drop.iter_mut().enumerate() {
        if kept(tab.basis[r]) {
            continue;
        }
        match (0..cols).find(|&c| kept(c) && !tab.is_basic(c) && !tab.at(r, c).is_zero()) {
            Some(c) => tab.pivot(r, c, scratch),
            None => *dropped = true,
        }
    }
    // The face's own tableau: kept rows and columns, the current basis as the lexicographic start.
    let keep_cols: Vec<usize> = (0..cols).filter(|&c| kept(c)).collect();
    let mut new_index = vec![NONE; cols];
    for (k, &c) in keep_cols.iter().enumerate() {
        new_index[c] = k;
    }
    let rows: Vec<usize> = (0..m).filter(|&r| !drop[r]).collect();
    let fcols = keep_cols.len();
    let mut ft = Vec::with_capacity(rows.len() * fcols);
    for &r in &rows {
        ft.extend(keep_cols.iter().map(|&c| tab.at(r, c).clone()));
    }
    let frhs: Vec<Z> = rows.iter().map(|&r| tab.rhs[r].clone()).collect();
    let fbasis: Vec<usize> = rows.iter().map(|&r| new_index[tab.basis[r]]).collect();
    debug_assert!(fbasis.iter().all(|&b| b != NONE), "every kept row has a kept basic column");
    let face = Tab::new(rows.len(), fcols, &ft, frhs, tab.det.clone(), fbasis);
    let y_cols: Range<usize> = (fcols - k)..fcols;
    let mut seen: HashSet<K> = HashSet::default();
    let mut out = Vec::new();
    search::<Z, K>(face, |t| {
        if t.new_vertex(&mut seen) {
            let mut y = vec![Z::zero(); n];
            for (c, &j) in y_cols.clone().zip(replies) {
                y[j] = t.value(c);
            }
            out.push(y);
        }
    });
    Ok(out)
}
