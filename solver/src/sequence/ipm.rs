//! `lp`'s float guess by a sparse interior-point method: one solve of player 1's sequence-form LP
//! gives both players' plans (player 2's is the dual of player 1's best-response constraints).
//!
//! **Used by:** [`super::fast::lp_plans`]. **Complexity:** clarabel (a pure-Rust primal-dual
//! interior-point solver) factors a sparse quasi-definite KKT system per iteration (QDLDL after an
//! AMD ordering); the sequence-form constraint matrix has O(N) non-zeros and, being
//! tree-structured, little fill, so each iteration is close to linear and the iterations number a
//! few dozen whatever the size.
//! **Reference:** Koller, Megiddo & von Stengel (1996) (the LP and its dual); Goldman & Tucker
//! (1956) and Güler & Ye (1993) (interior-point iterates tend to a strictly complementary pair,
//! so the float supports are the largest optimal ones); Goulart & Chen, *Clarabel* (2024).
//!
//! Player 1's LP is the one of [`super::fast`]'s module docs with `k = 0`: variables `z` (player
//! 1's plan without its fixed entry `z_∅ = 1`) and `w` (player 2's values, row 0 for the empty
//! sequence and `1 + j` per information set `j`), `min w_0` subject to the plan equalities, `z ≥ 0`
//! and, for every sequence τ of player 2, `w_own(τ) − Σ_{h after τ} w_h − (Bᵀz)_τ ≥ 0`. Its dual
//! multipliers of those τ rows form player 2's realisation plan (the multiplier of τ = ∅ is 1
//! because `w_0` has objective coefficient 1, and the stationarity of `w_h` is the plan equality
//! at `h`), and the multipliers of player 1's plan equalities are the values player 1 can hold
//! player 2's information sets to: player 2's `w` in player 2's LP, exactly so in zero-sum games.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::SequenceForm;
use super::fast::{entries_by, own_row};

/// The interior-point solver's gap and feasibility tolerances (absolute and relative): tighter than
/// clarabel's default 1e-8 so that the supports stand out; a guess that is not good enough costs a
/// fallback, never a wrong answer.
const IPM_TOLERANCE: f64 = 1e-10;

/// The most interior-point iterations (clarabel's default is 200; these LPs take a few dozen).
const IPM_MAX_ITER: u32 = 200;

/// Both players' float plans, indexed by sequence (`plan[k][0] = 1`), and the opponent values `w`
/// each player's LP would pair with them (by row: 0, then `1 + j`).
pub(crate) struct Guess {
    /// The realisation plans.
    pub plans: [Vec<f64>; 2],
    /// Player k's entry: the opponent's values (see [`super::fast`]'s module docs).
    pub values: [Vec<f64>; 2],
}

/// The float plans of both players from one interior-point solve, or `None` when a coefficient is
/// not finite or clarabel does not report the LP (almost) solved.
pub(crate) fn lp_guess(form: &SequenceForm) -> Option<Guess> {
    let (k, o) = (0usize, 1usize);
    let nz = form.n_seq[k] - 1;
    let nw = 1 + form.infosets[o].len();
    let n = nz + nw;
    let zcol = |s: u32| s as usize - 1;
    let wcol = |r: u32| nz + r as usize;
    let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
    let mut b: Vec<f64> = Vec::new();
    // Plan equalities of player 1 (zero cone): Σ_a z(first + a) − z(parent) = [parent = ∅].
    for inf in &form.infosets[k] {
        let r = b.len();
        for a in 0..inf.n_actions {
            rows.push(r);
            cols.push(zcol(inf.first + a));
            vals.push(1.0);
        }
        if inf.parent == 0 {
            b.push(1.0);
        } else {
            rows.push(r);
            cols.push(zcol(inf.parent));
            vals.push(-1.0);
            b.push(0.0);
        }
    }
    let n_eq = b.len();
    // z ≥ 0 (non-negative cone): −z + s = 0.
    for j in 0..nz {
        rows.push(b.len());
        cols.push(j);
        vals.push(-1.0);
        b.push(0.0);
    }
    // Player 2's best-response rows: −(w_own − Σ w_after − Bᵀz) + s = −(Bᵀ e_∅)_τ.
    let first_tau = b.len();
    let by_opp = entries_by(form, o);
    let own = own_row(form, o);
    let following = form.following(o);
    for tau in 0..form.n_seq[o] {
        let r = b.len();
        rows.push(r);
        cols.push(wcol(own[tau]));
        vals.push(-1.0);
        for &h in &following[tau] {
            rows.push(r);
            cols.push(wcol(1 + h));
            vals.push(1.0);
        }
        let mut rhs = 0.0;
        for &i in &by_opp[tau] {
            let e = &form.entries[i];
            let u = e.b.to_f64();
            if e.s1 == 0 {
                rhs += u;
            } else {
                rows.push(r);
                cols.push(zcol(e.s1));
                vals.push(u);
            }
        }
        b.push(-rhs);
    }
    let m = b.len();
    if !vals.iter().chain(&b).all(|v| v.is_finite()) {
        return None;
    }
    let a = CscMatrix::new_from_triplets(m, n, rows, cols, vals);
    let p = CscMatrix::zeros((n, n));
    let mut q = vec![0.0; n];
    q[wcol(0)] = 1.0;
    let cones = [SupportedConeT::ZeroConeT(n_eq), SupportedConeT::NonnegativeConeT(m - n_eq)];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .max_iter(IPM_MAX_ITER)
        .tol_gap_abs(IPM_TOLERANCE)
        .tol_gap_rel(IPM_TOLERANCE)
        .tol_feas(IPM_TOLERANCE)
        .build()
        .ok()?;
    let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings).ok()?;
    solver.solve();
    let sol = &solver.solution;
    if !matches!(sol.status, SolverStatus::Solved | SolverStatus::AlmostSolved) {
        return None;
    }
    if !sol.x.iter().chain(&sol.z).all(|v| v.is_finite()) {
        return None;
    }
    let mut x = vec![1.0; form.n_seq[k]];
    x[1..].copy_from_slice(&sol.x[..nz]);
    let w = sol.x[nz..].to_vec();
    let y = sol.z[first_tau..].to_vec();
    // Player 2's LP's values of player 1's information sets: the plan equalities' multipliers;
    // row 0 (the empty sequence's constraint, tight) is Σ_{root h} v_h + (A y)_∅ in zero-sum games.
    let v = &sol.z[..n_eq];
    let mut w2 = vec![0.0; 1 + form.infosets[k].len()];
    w2[1..].copy_from_slice(v);
    let g: f64 = form.entries.iter().filter(|e| e.s1 == 0).map(|e| e.a.to_f64() * y[e.s2 as usize]).sum();
    w2[0] = form.following(k)[0].iter().map(|&h| v[h as usize]).sum::<f64>() + g;
    Some(Guess { plans: [x, y], values: [w, w2] })
}
