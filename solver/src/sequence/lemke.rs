//! Lemke's algorithm on the sequence-form LCP (Koller, Megiddo & von Stengel 1996) with the
//! covering vector of a completely mixed prior: the linear tracing procedure of von Stengel,
//! van den Elzen & Talman (2002).
//!
//! **System.** Realisation plans `x`, `y` (the empty sequence's entry is `t`), free information-set
//! values `p`, `q`, slacks `u`, `v` and the tracing variable `z₀ = 1 − t`:
//! ```text
//! Σ_a x(σ_h a) = x(σ_h),  Σ_b y(τ_k b) = y(τ_k),  x(∅) = y(∅) = t,  z₀ + t = 1
//! u = Eᵀp − A·y − (A·ȳ)·z₀ ≥ 0 ⟂ x,   v = Fᵀq − Bᵀ·x − (Bᵀ·x̄)·z₀ ≥ 0 ⟂ y
//! ```
//! At `z₀ = 1` each player best-responds to the other's prior (x̄, ȳ) with `x = y = 0`; at `z₀ = 0`
//! the plans are an equilibrium. The pair (`t`, `z₀`) is the one allowed to be both basic: `t`
//! enters first and the path ends when `z₀` leaves.
//!
//! **Start.** The basis is written down from the tree, not found by pivoting: `z₀`, every `p` and
//! `q` (free, basic for good, so their rows are dropped), for each information set the plan entry
//! of the best response to the prior (basic at level 0: the start is degenerate) and the slacks of
//! all other sequences. Basic variables are expressed in the nonbasic ones by substituting down the
//! plans (parents first) and up the values `p`, `q` (children first).
//!
//! **Pivoting.** An exact rational dictionary `basic = constant + D·nonbasic` (dense, with zero
//! entries skipped in the update). Degeneracy is resolved by the lexicographic minimum-ratio rule
//! with the start basis as reference (the right-hand side perturbed by `(ε, ε², …)` in the start
//! dictionary), which makes every step unique, so the path cannot cycle.

use redline_models::number::Q;

use super::{Options, SequenceForm};
use crate::error::Error;

/// Where a variable is in the dictionary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pos {
    /// Basic in this row.
    Row(usize),
    /// Nonbasic in this column.
    Col(usize),
}

/// Variable numbering: plan entries `x` then `y` (non-empty sequences), their slacks `u` then `v`
/// in the same order, then `t` and `z₀`.
pub(super) struct Vars {
    pub(super) n: [usize; 2],
}

impl Vars {
    pub(super) fn plan(&self, k: usize, s: u32) -> usize {
        debug_assert!(s >= 1, "the empty sequence is t");
        if k == 0 { s as usize - 1 } else { self.n[0] + s as usize - 1 }
    }
    pub(super) fn slack(&self, k: usize, s: u32) -> usize {
        self.plan(k, s) + self.n[0] + self.n[1]
    }
    pub(super) fn t(&self) -> usize {
        2 * (self.n[0] + self.n[1])
    }
    pub(super) fn z0(&self) -> usize {
        self.t() + 1
    }
    pub(super) fn count(&self) -> usize {
        self.t() + 2
    }
    pub(super) fn complement(&self, v: usize) -> usize {
        let m = self.n[0] + self.n[1];
        if v == self.t() {
            self.z0()
        } else if v == self.z0() {
            self.t()
        } else if v < m {
            v + m
        } else {
            v - m
        }
    }
}

/// `e += f·o` on dense expressions.
fn axpy(e: &mut [Q], f: &Q, o: &[Q]) {
    if f.is_zero() {
        return;
    }
    for (a, b) in e.iter_mut().zip(o) {
        if !b.is_zero() {
            *a = &*a + &(f * b);
        }
    }
}

/// Realisation plans of both players at the end of the tracing path from the uniform prior.
///
/// # Errors
/// [`Error::Limit`] after `options.max_pivots` pivots; [`Error::VerificationFailed`] if the path
/// ends on a ray (which the theory rules out: a bug).
pub fn solve(form: &SequenceForm, options: &Options) -> Result<[Vec<Q>; 2], Error> {
    let priors = [form.uniform_plan(0), form.uniform_plan(1)];
    solve_from(form, &priors, options)
}

/// [`solve`] from the prior realisation plans `priors` (each completely mixed).
///
/// # Errors
/// As [`solve`].
pub fn solve_from(
    form: &SequenceForm,
    priors: &[Vec<Q>; 2],
    options: &Options,
) -> Result<[Vec<Q>; 2], Error> {
    let vars = Vars { n: [form.n_seq[0] - 1, form.n_seq[1] - 1] };
    let nv = vars.count();
    let konst = nv;
    let unit = |v: usize| {
        let mut e = vec![Q::zero(); nv + 1];
        e[v] = Q::one();
        e
    };
    let cover = [form.sequence_payoffs(0, &priors[1]), form.sequence_payoffs(1, &priors[0])];
    let start = [form.best_response(0, &cover[0]).0, form.best_response(1, &cover[1]).0];
    let mut z0 = unit(konst);
    z0[vars.t()] = -Q::one();
    // Plan entries basic at the start, as expressions (parents first).
    let mut basic_plan: [Vec<Option<Vec<Q>>>; 2] = [vec![None; form.n_seq[0]], vec![None; form.n_seq[1]]];
    for k in 0..2 {
        for (j, inf) in form.infosets[k].iter().enumerate() {
            let chosen = inf.first + start[k][j];
            let mut e = plan_expr(&vars, &basic_plan[k], k, inf.parent, &unit);
            for a in 0..inf.n_actions {
                if a != start[k][j] {
                    e[vars.plan(k, inf.first + a)] = &e[vars.plan(k, inf.first + a)] - &Q::one();
                }
            }
            basic_plan[k][chosen as usize] = Some(e);
        }
    }
    // Entries grouped by each player's own sequence.
    let mut by_own: [Vec<Vec<usize>>; 2] = [vec![Vec::new(); form.n_seq[0]], vec![Vec::new(); form.n_seq[1]]];
    for (i, e) in form.entries.iter().enumerate() {
        by_own[0][e.s1 as usize].push(i);
        by_own[1][e.s2 as usize].push(i);
    }
    // Dictionary rows: (basic variable, expression).
    let mut rows: Vec<(usize, Vec<Q>)> = vec![(vars.z0(), z0.clone())];
    for (k, plans) in basic_plan.iter().enumerate() {
        for (s, e) in plans.iter().enumerate() {
            if let Some(e) = e {
                rows.push((vars.plan(k, s as u32), e.clone()));
            }
        }
    }
    for k in 0..2 {
        let following = form.following(k);
        let owner = {
            let mut o = vec![0u32; form.n_seq[k]];
            for (j, inf) in form.infosets[k].iter().enumerate() {
                for a in 0..inf.n_actions {
                    o[(inf.first + a) as usize] = j as u32;
                }
            }
            o
        };
        // Σ over following information sets of their values, plus the payoff terms and the cover:
        // the part of u_σ (with the opposite sign) that does not involve p at σ's own set.
        let rest = |s: u32, p: &[Vec<Q>]| {
            let mut e = vec![Q::zero(); nv + 1];
            for &h in &following[s as usize] {
                axpy(&mut e, &Q::one(), &p[h as usize]);
            }
            for &i in &by_own[k][s as usize] {
                let en = &form.entries[i];
                let (u, other) = if k == 0 { (&en.a, en.s2) } else { (&en.b, en.s1) };
                let o = plan_expr(&vars, &basic_plan[1 - k], 1 - k, other, &unit);
                axpy(&mut e, u, &o);
            }
            axpy(&mut e, &cover[k][s as usize], &z0);
            e
        };
        let mut p: Vec<Vec<Q>> = vec![Vec::new(); form.infosets[k].len()];
        for j in (0..form.infosets[k].len()).rev() {
            let inf = &form.infosets[k][j];
            let chosen = inf.first + start[k][j];
            let mut e = rest(chosen, &p);
            e[vars.slack(k, chosen)] = &e[vars.slack(k, chosen)] + &Q::one();
            p[j] = e;
        }
        for s in 1..form.n_seq[k] as u32 {
            if basic_plan[k][s as usize].is_some() {
                continue;
            }
            let mut e = p[owner[s as usize] as usize].clone();
            axpy(&mut e, &-Q::one(), &rest(s, &p));
            rows.push((vars.slack(k, s), e));
        }
    }
    // Columns: the nonbasic variables.
    let mut pos: Vec<Option<Pos>> = vec![None; nv];
    for (i, (b, _)) in rows.iter().enumerate() {
        pos[*b] = Some(Pos::Row(i));
    }
    let mut col_var: Vec<usize> = Vec::new();
    for (v, slot) in pos.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(Pos::Col(col_var.len()));
            col_var.push(v);
        }
    }
    let mut pos: Vec<Pos> = pos.into_iter().map(|p| p.expect("every variable is placed")).collect();
    let mut row_var: Vec<usize> = rows.iter().map(|(b, _)| *b).collect();
    let mut cst: Vec<Q> = rows.iter().map(|(_, e)| e[konst].clone()).collect();
    let mut d: Vec<Vec<Q>> = rows
        .iter()
        .map(|(_, e)| {
            debug_assert!(
                (0..nv).all(|v| e[v].is_zero() || matches!(pos[v], Pos::Col(_))),
                "basic variables are expressed in nonbasic ones"
            );
            col_var.iter().map(|&v| e[v].clone()).collect()
        })
        .collect();
    drop(rows);
    debug_assert!(cst.iter().all(|c| !c.is_negative()), "the start is feasible");
    let lex: Vec<usize> = row_var.clone();
    let mut entering = vars.t();
    let mut pivots = 0usize;
    loop {
        let Pos::Col(j) = pos[entering] else { unreachable!("the entering variable is nonbasic") };
        let r = ratio_test(&d, &cst, &pos, &lex, j).ok_or_else(|| {
            Error::VerificationFailed("Lemke's algorithm ended on a ray of the sequence-form LCP".into())
        })?;
        pivots += 1;
        if pivots > options.max_pivots {
            return Err(Error::Limit {
                what: "pivot",
                detail: format!("Lemke's algorithm took more than {} pivots", options.max_pivots),
            });
        }
        let leaving = row_var[r];
        pivot(&mut d, &mut cst, r, j);
        row_var[r] = entering;
        col_var[j] = leaving;
        pos[entering] = Pos::Row(r);
        pos[leaving] = Pos::Col(j);
        if leaving == vars.z0() {
            break;
        }
        if leaving == vars.t() {
            return Err(Error::VerificationFailed("Lemke's path returned to its start".into()));
        }
        entering = vars.complement(leaving);
    }
    let value = |v: usize| match pos[v] {
        Pos::Row(i) => cst[i].clone(),
        Pos::Col(_) => Q::zero(),
    };
    debug_assert!(value(vars.t()).is_one(), "t = 1 when z0 = 0");
    let plans = [0, 1].map(|k| {
        let mut p = vec![Q::zero(); form.n_seq[k]];
        p[0] = Q::one();
        for s in 1..form.n_seq[k] as u32 {
            p[s as usize] = value(vars.plan(k, s));
        }
        p
    });
    Ok(plans)
}

/// The expression of player `k`'s plan entry for sequence `s`.
fn plan_expr(
    vars: &Vars,
    basic: &[Option<Vec<Q>>],
    k: usize,
    s: u32,
    unit: &dyn Fn(usize) -> Vec<Q>,
) -> Vec<Q> {
    if s == 0 {
        unit(vars.t())
    } else if let Some(e) = &basic[s as usize] {
        e.clone()
    } else {
        unit(vars.plan(k, s))
    }
}

/// The row that limits the entering column `j` first, by the lexicographic minimum-ratio rule, or
/// `None` when nothing limits it.
fn ratio_test(d: &[Vec<Q>], cst: &[Q], pos: &[Pos], lex: &[usize], j: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    for i in 0..d.len() {
        if !d[i][j].is_negative() {
            continue;
        }
        best = Some(match best {
            None => i,
            Some(k) => {
                if lex_less(d, cst, pos, lex, j, i, k) {
                    i
                } else {
                    k
                }
            }
        });
    }
    best
}

/// Whether row `i`'s perturbed ratio is below row `k`'s for entering column `j`.
fn lex_less(d: &[Vec<Q>], cst: &[Q], pos: &[Pos], lex: &[usize], j: usize, i: usize, k: usize) -> bool {
    // Ratios are (entry)/(−d[·][j]) with positive denominators: compare by cross-multiplying.
    let (di, dk) = (-&d[i][j], -&d[k][j]);
    let cmp = |a: &Q, b: &Q| (a * &dk).cmp(&(b * &di));
    match cmp(&cst[i], &cst[k]) {
        std::cmp::Ordering::Less => return true,
        std::cmp::Ordering::Greater => return false,
        std::cmp::Ordering::Equal => {}
    }
    let entry = |row: usize, v: usize| match pos[v] {
        Pos::Row(r) => {
            if r == row {
                Q::one()
            } else {
                Q::zero()
            }
        }
        Pos::Col(c) => -&d[row][c],
    };
    for &v in lex {
        match cmp(&entry(i, v), &entry(k, v)) {
            std::cmp::Ordering::Less => return true,
            std::cmp::Ordering::Greater => return false,
            std::cmp::Ordering::Equal => {}
        }
    }
    // The start basis is independent, so two rows never tie throughout.
    i < k
}

/// Exchanges the basic variable of row `r` with the nonbasic variable of column `j`.
fn pivot(d: &mut [Vec<Q>], cst: &mut [Q], r: usize, j: usize) {
    let inv = d[r][j].recip().expect("the pivot entry is negative, not zero");
    // Row r solved for the entering variable: e = (b − c_r − Σ_{j'≠j} d_rj' n_j') / d_rj.
    let minus_inv = -&inv;
    for (jj, v) in d[r].iter_mut().enumerate() {
        *v = if jj == j { inv.clone() } else { &*v * &minus_inv };
    }
    cst[r] = &cst[r] * &minus_inv;
    let (before, rest) = d.split_at_mut(r);
    let (pivot_row, after) = rest.split_first_mut().expect("row r exists");
    let pivot_row: &Vec<Q> = pivot_row;
    let pivot_cst = cst[r].clone();
    for (i, row) in
        before.iter_mut().enumerate().chain(after.iter_mut().enumerate().map(|(k, row)| (r + 1 + k, row)))
    {
        let f = std::mem::replace(&mut row[j], Q::zero());
        if f.is_zero() {
            continue;
        }
        for (v, p) in row.iter_mut().zip(pivot_row) {
            if !p.is_zero() {
                *v = &*v + &(&f * p);
            }
        }
        cst[i] = &cst[i] + &(&f * &pivot_cst);
    }
}
