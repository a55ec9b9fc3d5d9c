//! Lemke's algorithm on the sequence-form LCP in floats, on a sparse dictionary: the same system,
//! start basis, covering vector and lexicographic ratio test as [`super::lemke`], so that it
//! follows the same path; only its final basis is used (as a guess for the exact step of
//! [`super::fast`]).
//!
//! **Complexity:** each pivot touches the rows holding the entering variable; rows are sorted
//! sparse vectors holding their non-zero entries (only exact zeros are dropped: dropping rounding
//! noise below 1e-13 made the path end on a false ray on a 468-node tree). The tree's sequence form keeps
//! most rows short, so a pivot costs far less than the dense (n₁ + n₂)² of the exact dictionary.
//! **Reference:** as [`super::lemke`].

use redline_models::number::Q;

use super::SequenceForm;
use super::lemke::Vars;

/// A coefficient counts as negative in the ratio test below minus this times the float tolerance
/// ([`super::Options::float_tolerance`], default 1e-9: so below −1e-11).
pub(crate) const PIVOT_FACTOR: f64 = 1e-2;

/// A sparse expression: `(variable, coefficient)` sorted by variable; the constant is the variable
/// `konst` (one past the last).
pub(crate) type Expr = Vec<(u32, f64)>;

/// The final basis of the float path.
pub(crate) struct Basis {
    /// Per player and sequence: the plan entry is basic (the empty sequence counts as basic).
    pub plan_basic: [Vec<bool>; 2],
    /// Per player and sequence: the slack is nonbasic, so the sequence's constraint is tight (the
    /// empty sequence's always is).
    pub tight: [Vec<bool>; 2],
}

/// A dense accumulator with the list of touched slots.
struct Acc {
    v: Vec<f64>,
    touched: Vec<u32>,
    mark: Vec<bool>,
}

impl Acc {
    fn new(n: usize) -> Acc {
        Acc { v: vec![0.0; n], touched: Vec::new(), mark: vec![false; n] }
    }
    fn add(&mut self, f: f64, e: &[(u32, f64)]) {
        for &(i, c) in e {
            let iu = i as usize;
            if !self.mark[iu] {
                self.mark[iu] = true;
                self.touched.push(i);
            }
            self.v[iu] += f * c;
        }
    }
    fn take(&mut self) -> Expr {
        self.touched.sort_unstable();
        let out: Expr =
            self.touched.iter().map(|&i| (i, self.v[i as usize])).filter(|e| e.1 != 0.0).collect();
        for &i in &self.touched {
            self.v[i as usize] = 0.0;
            self.mark[i as usize] = false;
        }
        self.touched.clear();
        out
    }
}

fn coef(e: &[(u32, f64)], v: u32) -> Option<f64> {
    e.binary_search_by_key(&v, |x| x.0).ok().map(|i| e[i].1)
}

/// The start dictionary of Lemke's path in floats, as sparse rows: `row_var[i] = constant +
/// rows[i]·nonbasic` (the constant is the variable `vars.count()`), rows in the order of
/// [`super::lemke`]'s start basis (which is also the lexicographic reference).
pub(crate) struct Start {
    pub vars: Vars,
    pub row_var: Vec<usize>,
    pub rows: Vec<Expr>,
}

/// The start dictionary for `priors` (see [`super::lemke`] for how it is written down).
pub(crate) fn start(form: &SequenceForm, priors: &[Vec<Q>; 2]) -> Start {
    let vars = Vars { n: [form.n_seq[0] - 1, form.n_seq[1] - 1] };
    let nv = vars.count();
    let konst = nv as u32;
    let unit = |v: usize| -> Expr { vec![(v as u32, 1.0)] };
    let cover_q = [form.sequence_payoffs(0, &priors[1]), form.sequence_payoffs(1, &priors[0])];
    let br = [form.best_response(0, &cover_q[0]).0, form.best_response(1, &cover_q[1]).0];
    let cover: [Vec<f64>; 2] = [0, 1].map(|k| cover_q[k].iter().map(Q::to_f64).collect());
    let z0: Expr = vec![(vars.t() as u32, -1.0), (konst, 1.0)];
    let mut acc = Acc::new(nv + 1);
    let mut basic_plan: [Vec<Option<Expr>>; 2] = [vec![None; form.n_seq[0]], vec![None; form.n_seq[1]]];
    let plan_expr = |basic: &[Option<Expr>], k: usize, s: u32| -> Expr {
        if s == 0 {
            unit(vars.t())
        } else if let Some(e) = &basic[s as usize] {
            e.clone()
        } else {
            unit(vars.plan(k, s))
        }
    };
    for k in 0..2 {
        for (j, inf) in form.infosets[k].iter().enumerate() {
            let chosen = inf.first + br[k][j];
            acc.add(1.0, &plan_expr(&basic_plan[k], k, inf.parent));
            for a in 0..inf.n_actions {
                if a != br[k][j] {
                    acc.add(-1.0, &unit(vars.plan(k, inf.first + a)));
                }
            }
            basic_plan[k][chosen as usize] = Some(acc.take());
        }
    }
    let mut by_own: [Vec<Vec<usize>>; 2] = [vec![Vec::new(); form.n_seq[0]], vec![Vec::new(); form.n_seq[1]]];
    for (i, e) in form.entries.iter().enumerate() {
        by_own[0][e.s1 as usize].push(i);
        by_own[1][e.s2 as usize].push(i);
    }
    let mut row_var: Vec<usize> = vec![vars.z0()];
    let mut rows: Vec<Expr> = vec![z0.clone()];
    for (k, plans) in basic_plan.iter().enumerate() {
        for (s, e) in plans.iter().enumerate() {
            if let Some(e) = e {
                row_var.push(vars.plan(k, s as u32));
                rows.push(e.clone());
            }
        }
    }
    for k in 0..2 {
        let following = form.following(k);
        let mut owner = vec![0u32; form.n_seq[k]];
        for (j, inf) in form.infosets[k].iter().enumerate() {
            for a in 0..inf.n_actions {
                owner[(inf.first + a) as usize] = j as u32;
            }
        }
        let rest = |acc: &mut Acc, f: f64, s: u32, p: &[Expr]| {
            for &h in &following[s as usize] {
                acc.add(f, &p[h as usize]);
            }
            for &i in &by_own[k][s as usize] {
                let en = &form.entries[i];
                let (u, other) = if k == 0 { (&en.a, en.s2) } else { (&en.b, en.s1) };
                acc.add(f * u.to_f64(), &plan_expr(&basic_plan[1 - k], 1 - k, other));
            }
            acc.add(f * cover[k][s as usize], &z0);
        };
        let mut p: Vec<Expr> = vec![Vec::new(); form.infosets[k].len()];
        for j in (0..form.infosets[k].len()).rev() {
            let inf = &form.infosets[k][j];
            let chosen = inf.first + br[k][j];
            rest(&mut acc, 1.0, chosen, &p);
            acc.add(1.0, &unit(vars.slack(k, chosen)));
            p[j] = acc.take();
        }
        for s in 1..form.n_seq[k] as u32 {
            if basic_plan[k][s as usize].is_some() {
                continue;
            }
            acc.add(1.0, &p[owner[s as usize] as usize]);
            rest(&mut acc, -1.0, s, &p);
            row_var.push(vars.slack(k, s));
            rows.push(acc.take());
        }
    }
    Start { vars, row_var, rows }
}

/// The final basis of Lemke's path from `priors`, or `None` after `max_pivots` pivots or on a ray;
/// also the number of pivots taken.
///
/// Two ratios (or lexicographic entries) within `tolerance` (relative) count as equal.
pub(crate) fn solve(
    form: &SequenceForm,
    priors: &[Vec<Q>; 2],
    max_pivots: usize,
    tolerance: f64,
) -> (Option<Basis>, usize) {
    let pivot_tolerance = PIVOT_FACTOR * tolerance;
    let Start { vars, mut row_var, mut rows } = start(form, priors);
    let nv = vars.count();
    let konst = nv as u32;
    // Where each variable is: its row, or nonbasic.
    let mut row_of: Vec<Option<usize>> = vec![None; nv];
    for (i, &v) in row_var.iter().enumerate() {
        row_of[v] = Some(i);
    }
    let mut col_rows: Vec<Vec<u32>> = vec![Vec::new(); nv + 1];
    for (i, r) in rows.iter().enumerate() {
        for &(v, _) in r {
            col_rows[v as usize].push(i as u32);
        }
    }
    // Lexicographic reference: the start basis, in row order.
    let mut lex_rank = vec![u32::MAX; nv];
    for (i, &v) in row_var.iter().enumerate() {
        lex_rank[v] = i as u32;
    }
    let mut entering = vars.t();
    let mut pivots = 0usize;
    let mut merged: Expr = Vec::new();
    loop {
        // Ratio test over the rows holding the entering variable.
        let e = entering as u32;
        let mut cands: Vec<(usize, f64, f64)> = Vec::new(); // (row, −d, ratio)
        let mut seen_rows = std::mem::take(&mut col_rows[entering]);
        seen_rows.sort_unstable();
        seen_rows.dedup();
        let mut live: Vec<u32> = Vec::with_capacity(seen_rows.len());
        for &r in &seen_rows {
            if let Some(d) = coef(&rows[r as usize], e) {
                live.push(r);
                if d < -pivot_tolerance {
                    let c = coef(&rows[r as usize], konst).unwrap_or(0.0).max(0.0);
                    cands.push((r as usize, -d, c / -d));
                }
            }
        }
        col_rows[entering] = live;
        let min = cands.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
        if !min.is_finite() {
            return (None, pivots);
        }
        let tied: Vec<(usize, f64)> =
            cands.iter().filter(|c| c.2 <= min + tolerance * (1.0 + min)).map(|c| (c.0, c.1)).collect();
        let mut best = tied[0];
        for &cand in &tied[1..] {
            if lex_less(&rows, &row_var, &lex_rank, konst, tolerance, cand, best) {
                best = cand;
            }
        }
        let r = best.0;
        pivots += 1;
        if pivots > max_pivots {
            return (None, pivots - 1);
        }
        let leaving = row_var[r];
        // Row r solved for the entering variable.
        let old = std::mem::take(&mut rows[r]);
        let d = coef(&old, e).expect("the entering variable is in the row");
        let mut new_row: Expr = Vec::with_capacity(old.len());
        let mut placed = false;
        for &(v, c) in &old {
            if v == e {
                continue;
            }
            if !placed && v > leaving as u32 {
                new_row.push((leaving as u32, 1.0 / d));
                placed = true;
            }
            new_row.push((v, -c / d));
        }
        if !placed {
            new_row.push((leaving as u32, 1.0 / d));
        }
        new_row.sort_by_key(|x| x.0);
        // Substitute into every other row holding the entering variable.
        let targets = std::mem::take(&mut col_rows[entering]);
        for &t in &targets {
            let ti = t as usize;
            if ti == r {
                continue;
            }
            let Some(f) = coef(&rows[ti], e) else { continue };
            merged.clear();
            let row = &rows[ti];
            let (mut i, mut j) = (0, 0);
            while i < row.len() || j < new_row.len() {
                let a = row.get(i).map_or(u32::MAX, |x| x.0);
                let b = new_row.get(j).map_or(u32::MAX, |x| x.0);
                if a < b {
                    if a != e {
                        merged.push(row[i]);
                    }
                    i += 1;
                } else if b < a {
                    let c = f * new_row[j].1;
                    if c != 0.0 {
                        merged.push((b, c));
                        col_rows[b as usize].push(t);
                    }
                    j += 1;
                } else {
                    let (x, y) = (row[i].1, f * new_row[j].1);
                    let c = x + y;
                    if c != 0.0 {
                        merged.push((a, c));
                    }
                    i += 1;
                    j += 1;
                }
            }
            std::mem::swap(&mut rows[ti], &mut merged);
        }
        for &(v, _) in &new_row {
            col_rows[v as usize].push(r as u32);
        }
        rows[r] = new_row;
        row_var[r] = entering;
        row_of[entering] = Some(r);
        row_of[leaving] = None;
        if leaving == vars.z0() {
            break;
        }
        if leaving == vars.t() {
            return (None, pivots);
        }
        entering = vars.complement(leaving);
    }
    (Some(Basis::new(form, &vars, |v| row_of[v].is_some())), pivots)
}

impl Basis {
    /// The basis in which variable `v` is basic when `is_basic(v)`.
    pub(crate) fn new(form: &SequenceForm, vars: &Vars, is_basic: impl Fn(usize) -> bool) -> Basis {
        let mut plan_basic = [vec![false; form.n_seq[0]], vec![false; form.n_seq[1]]];
        let mut tight = [vec![true; form.n_seq[0]], vec![true; form.n_seq[1]]];
        for k in 0..2 {
            plan_basic[k][0] = true;
            for s in 1..form.n_seq[k] as u32 {
                plan_basic[k][s as usize] = is_basic(vars.plan(k, s));
                tight[k][s as usize] = !is_basic(vars.slack(k, s));
            }
        }
        Basis { plan_basic, tight }
    }
}

/// Whether candidate row `i` (with `−d` its entering coefficient's negation) is lexicographically
/// below `k` in the perturbed ratio test: the first start-basis variable (in row order) on which
/// their scaled entries differ decides.
fn lex_less(
    rows: &[Expr],
    row_var: &[usize],
    lex_rank: &[u32],
    konst: u32,
    tolerance: f64,
    (i, di): (usize, f64),
    (k, dk): (usize, f64),
) -> bool {
    // Entry of a start-basis variable v in a row, as in `lemke::lex_less`: 1 for the row's own
    // basic variable, 0 for other basic ones, −coefficient for nonbasic ones; scaled by 1/(−d).
    let scaled = |r: usize, d: f64| -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = rows[r]
            .iter()
            .filter(|&&(v, _)| v != konst && lex_rank[v as usize] != u32::MAX)
            .map(|&(v, c)| (lex_rank[v as usize], -c / d))
            .collect();
        let own = lex_rank[row_var[r]];
        if own != u32::MAX {
            out.push((own, 1.0 / d));
        }
        out.sort_by_key(|x| x.0);
        out
    };
    let (a, b) = (scaled(i, di), scaled(k, dk));
    let (mut x, mut y) = (0, 0);
    loop {
        let ra = a.get(x).map_or(u32::MAX, |e| e.0);
        let rb = b.get(y).map_or(u32::MAX, |e| e.0);
        if ra == u32::MAX && rb == u32::MAX {
            return i < k;
        }
        let (va, vb) = if ra == rb {
            x += 1;
            y += 1;
            (a[x - 1].1, b[y - 1].1)
        } else if ra < rb {
            x += 1;
            (a[x - 1].1, 0.0)
        } else {
            y += 1;
            (0.0, b[y - 1].1)
        };
        if (va - vb).abs() > tolerance * (1.0 + va.abs().max(vb.abs())) {
            return va < vb;
        }
    }
}
