//! The float-first paths of `lp` and `lcp` on trees: floats find the supports (or the final basis),
//! exact sparse algebra turns them into realisation plans, and the caller verifies those exactly.
//!
//! **Used by:** [`super::solve_lp`], [`super::solve_lcp`]. **Complexity:** `lp`'s float LP is
//! one sparse interior-point solve ([`super::ipm`], clarabel; close to linear in the tree on these
//! tree-structured LPs), with microlp (through good_lp; a sparse revised simplex, faster than
//! linear growth) as a second guess on small forms only; the float Lemke path is
//! [`super::float_lemke`]; the exact step is one sparse elimination per player ([`super::sparse`]) of a system with a row per information set and per tight opponent sequence.
//! **Reference:** ALGORITHMS.md §10–11; Koller, Megiddo & von Stengel (1996); Applegate, Cook, Dash
//! & Espinoza (2007) (float LP, exact repair).
//!
//! **The exact step.** Given player k's support `S` (the sequences allowed a positive plan entry)
//! and the opponent's sequences `T` whose best-response constraint is tight, the unknowns are the
//! plan entries `z_σ` (σ ∈ S) and the opponent's information-set values `w` (one for the empty
//! sequence's row and one per information set), and the equations are the plan constraints
//! `Σ_a z(σ_h a) = z(σ_h)` and, for τ ∈ T, `w_own(τ) − Σ_{h' after τ} w_h' = Σ_e u_opp(e)·z(σ_e)`
//! (the opponent's payoff from τ equals its best-response value: complementary slackness). The
//! solution is a candidate only; [`exact_plan`] checks that it is a realisation plan (non-negative,
//! every plan constraint exact) and the caller checks that the pair has zero regret.
//!
//! **`lp`, interior point first.** [`super::ipm`] solves player 1's LP once; its primal is player
//! 1's plan, the duals of the best-response rows player 2's. An interior-point solution tends to
//! the relative interior of the optimal face, so its supports are the largest optimal ones and, by
//! strict complementarity, the tight constraints are exactly the opponent's support: each player's
//! exact system (support `S` = own float support, `T` = opponent's float support) has the optimal
//! face's affine hull as solution set, and the free unknowns, set near the float point inside the
//! face, give an optimal plan. Thresholds [`IPM_SUPPORT`] are tried in turn.
//!
//! **`lp`, microlp.** Player k's LP is `min w_0` over `z ≥ 0` (a realisation plan) and free `w` subject to
//! the opponent's best-response constraints `w_own(τ) − Σ w_h' − (U_oppᵀ z)_τ ≥ 0` for every τ: the
//! least the opponent can be held to. For constant-sum games its solution is an optimal strategy of
//! player k. The support of `z` (entries above [`Tolerances::support`] of their parent's) is `S`;
//! the rows whose slack is within [`Tolerances::tight`] of the row's size, together with the
//! opponent's float support (complementary slackness), are `T`; failing that, the opponent's support
//! alone. microlp's answer can be off the optimal face in directions the objective barely sees
//! (measured: free plan entries in the support system of a 955-node tree), so the exact solution
//! is repaired: constraints it violates join `T` and the system is solved again
//! ([`REPAIR_ROUNDS`] at most).

use good_lp::{Expression, ProblemVariables, Solution as _, SolverModel, Variable, microlp, variable};
use redline_models::number::Q;

use super::sparse::System;
use super::{Options, SequenceForm};

/// The tolerances of the float paths, taken from [`Options::float_tolerance`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tolerances {
    /// A float plan entry is in the support when it exceeds this fraction of its parent's entry.
    pub support: f64,
    /// A float constraint is tight when its slack is within this fraction of the sum of its terms'
    /// magnitudes.
    pub tight: f64,
}

impl Tolerances {
    pub(crate) fn new(options: &Options) -> Tolerances {
        Tolerances { support: options.float_tolerance, tight: options.float_tolerance }
    }
}

/// Which opponent sequence's constraint comes from which entries: per opponent sequence τ, the
/// indices of the payoff entries with `s_opp = τ`.
pub(crate) fn entries_by(form: &SequenceForm, k: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); form.n_seq[k]];
    for (i, e) in form.entries.iter().enumerate() {
        out[if k == 0 { e.s1 } else { e.s2 } as usize].push(i);
    }
    out
}

/// For each of player `k`'s sequences, the row of `w` it belongs to: 0 for the empty sequence,
/// `1 + j` for the sequences of information set `j`.
pub(crate) fn own_row(form: &SequenceForm, k: usize) -> Vec<u32> {
    let mut o = vec![0u32; form.n_seq[k]];
    for (j, inf) in form.infosets[k].iter().enumerate() {
        for a in 0..inf.n_actions {
            o[(inf.first + a) as usize] = 1 + j as u32;
        }
    }
    o
}

/// The float support of a plan: a sequence is in it when its parent is and its entry exceeds
/// `tol` times the parent's (the empty sequence always is).
pub(crate) fn float_support(form: &SequenceForm, k: usize, z: &[f64], tol: f64) -> Vec<bool> {
    let mut s = vec![false; form.n_seq[k]];
    s[0] = true;
    for inf in &form.infosets[k] {
        let parent = inf.parent as usize;
        if !s[parent] {
            continue;
        }
        let pz = if parent == 0 { 1.0 } else { z[parent] };
        for a in 0..inf.n_actions {
            let c = (inf.first + a) as usize;
            s[c] = z[c] > tol * pz;
        }
    }
    s
}

/// Player `k`'s exact realisation plan with support in `support`, the opponent's constraints of
/// `tight` holding with equality (see the module docs), or `None` when the system is inconsistent
/// or its solution is not a realisation plan.
///
/// Unknowns the system leaves free (a face of optimal solutions rather than a vertex) take the
/// float guess `floats` (the plan by sequence and the opponent's values by row), rounded to a
/// nearby rational ([`nearby`]), or zero without one.
pub(crate) fn exact_plan(
    form: &SequenceForm,
    k: usize,
    support: &[bool],
    tight: &[bool],
    floats: Option<(&[f64], &[f64])>,
) -> Option<Vec<Q>> {
    exact_plan_and_values(form, k, support, tight, floats).map(|(plan, _)| plan)
}

/// [`exact_plan`] with the opponent's values `w` (by row: 0, then `1 + j`).
fn exact_plan_and_values(
    form: &SequenceForm,
    k: usize,
    support: &[bool],
    tight: &[bool],
    floats: Option<(&[f64], &[f64])>,
) -> Option<(Vec<Q>, Vec<Q>)> {
    let o = 1 - k;
    // Columns: supported plan entries (σ ≥ 1), then the opponent's values w_0, w_1+j.
    let mut col = vec![u32::MAX; form.n_seq[k]];
    let mut n = 0u32;
    for s in 1..form.n_seq[k] {
        if support[s] {
            col[s] = n;
            n += 1;
        }
    }
    let w0 = n;
    let n_cols = n as usize + 1 + form.infosets[o].len();
    let mut sys = System::new(n_cols);
    for inf in &form.infosets[k] {
        let mut row: Vec<(u32, Q)> = Vec::new();
        for a in 0..inf.n_actions {
            let c = (inf.first + a) as usize;
            if support[c] {
                row.push((col[c], Q::one()));
            }
        }
        let parent = inf.parent as usize;
        let rhs = if parent == 0 {
            Q::one()
        } else {
            if support[parent] {
                row.push((col[parent], -Q::one()));
            }
            Q::zero()
        };
        if !row.is_empty() || !rhs.is_zero() {
            sys.push(row, rhs);
        }
    }
    let by_opp = entries_by(form, o);
    let own = own_row(form, o);
    let following = form.following(o);
    for tau in 0..form.n_seq[o] {
        if !tight[tau] {
            continue;
        }
        let mut row: Vec<(u32, Q)> = vec![(w0 + own[tau], Q::one())];
        for &h in &following[tau] {
            row.push((w0 + 1 + h, -Q::one()));
        }
        let mut rhs = Q::zero();
        for &i in &by_opp[tau] {
            let e = &form.entries[i];
            let (mine, u) = if k == 0 { (e.s1, &e.b) } else { (e.s2, &e.a) };
            if mine == 0 {
                rhs = &rhs + u;
            } else if support[mine as usize] {
                row.push((col[mine as usize], -u.clone()));
            }
        }
        sys.push(row, rhs);
    }
    let mut seq_of = vec![0usize; n as usize];
    for s in 1..form.n_seq[k] {
        if support[s] {
            seq_of[col[s] as usize] = s;
        }
    }
    let free = |j: usize| match floats {
        None => Q::zero(),
        Some((z, w)) => nearby(if j < w0 as usize { z[seq_of[j]] } else { w[j - w0 as usize] }),
    };
    let values = sys.solve_with(&free)?;
    let mut plan = vec![Q::zero(); form.n_seq[k]];
    plan[0] = Q::one();
    for s in 1..form.n_seq[k] {
        if support[s] {
            let v = &values[col[s] as usize];
            if v.is_negative() {
                return None;
            }
            plan[s] = v.clone();
        }
    }
    for inf in &form.infosets[k] {
        let sum: Q = (0..inf.n_actions).map(|a| &plan[(inf.first + a) as usize]).sum();
        if sum != plan[inf.parent as usize] {
            return None;
        }
    }
    let w = values[w0 as usize..].to_vec();
    Some((plan, w))
}

/// The opponent sequences whose constraint the exact pair `(z, w)` of player `k` violates:
/// `w_own(τ) − Σ w_h' − (U_oppᵀ z)_τ < 0`.
fn violated(form: &SequenceForm, k: usize, z: &[Q], w: &[Q]) -> Vec<usize> {
    let o = 1 - k;
    let own = own_row(form, o);
    let following = form.following(o);
    let g = form.sequence_payoffs(o, z);
    (0..form.n_seq[o])
        .filter(|&tau| {
            let mut s = w[own[tau] as usize].clone();
            for &h in &following[tau] {
                s = &s - &w[1 + h as usize];
            }
            (&s - &g[tau]).is_negative()
        })
        .collect()
}

/// The most rounds [`lp_plans`] adds violated constraints to the tight set and solves again.
const REPAIR_ROUNDS: usize = 30;

/// Player `k`'s exact plan from the float guess, repaired: while the exact solution violates an
/// opponent constraint that the float solution had slack on (its answer was off the optimal face
/// in a direction the objective barely sees), that constraint joins the tight set.
fn repaired_plan(
    form: &SequenceForm,
    k: usize,
    support: &[bool],
    tight: &[bool],
    floats: (&[f64], &[f64]),
) -> Option<Vec<Q>> {
    let mut tight = tight.to_vec();
    for _ in 0..REPAIR_ROUNDS {
        let (z, w) = exact_plan_and_values(form, k, support, &tight, Some(floats))?;
        let bad = violated(form, k, &z, &w);
        if bad.is_empty() {
            return Some(z);
        }
        for tau in bad {
            tight[tau] = true;
        }
    }
    None
}

/// Player `k`'s float LP (module docs): its plan `z` (indexed by sequence, `z[0] = 1`) and the
/// opponent's slacks per sequence with their scales (the sum of the magnitudes of each row's terms),
/// or `None` when microlp fails.
#[allow(clippy::type_complexity)]
fn float_lp(form: &SequenceForm, k: usize) -> Option<(Vec<f64>, Vec<f64>, Vec<(f64, f64)>)> {
    let o = 1 - k;
    let mut vars = ProblemVariables::new();
    let z: Vec<Variable> = vars.add_vector(variable().min(0.0), form.n_seq[k] - 1);
    // The values are bounded below by minus the largest total payoff magnitude, which no
    // opponent's best-response value reaches: bounded, they leave microlp's basis only at a bound
    // that is never optimal, so its answer is a vertex (free variables may stay nonbasic at 0).
    let bound = 1.0
        + form
            .entries
            .iter()
            .map(|e| if k == 0 { e.b.to_f64().abs() } else { e.a.to_f64().abs() })
            .sum::<f64>();
    let w: Vec<Variable> = vars.add_vector(variable().min(-bound), 1 + form.infosets[o].len());
    let mut model = vars.minimise(w[0]).using(microlp);
    let zvar = |s: u32| z[s as usize - 1];
    for inf in &form.infosets[k] {
        let mut e: Expression = (0..inf.n_actions).map(|a| zvar(inf.first + a)).sum();
        let rhs = if inf.parent == 0 {
            1.0
        } else {
            e -= zvar(inf.parent);
            0.0
        };
        model = model.with(e.eq(rhs));
    }
    let by_opp = entries_by(form, o);
    let own = own_row(form, o);
    let following = form.following(o);
    let mut rows: Vec<(Vec<(Variable, f64)>, f64)> = Vec::with_capacity(form.n_seq[o]);
    for tau in 0..form.n_seq[o] {
        let mut terms: Vec<(Variable, f64)> = vec![(w[own[tau] as usize], 1.0)];
        for &h in &following[tau] {
            terms.push((w[1 + h as usize], -1.0));
        }
        let mut rhs = 0.0;
        for &i in &by_opp[tau] {
            let e = &form.entries[i];
            let (mine, u) = if k == 0 { (e.s1, e.b.to_f64()) } else { (e.s2, e.a.to_f64()) };
            if mine == 0 {
                rhs += u;
            } else {
                terms.push((zvar(mine), -u));
            }
        }
        let expr: Expression = terms.iter().map(|&(v, c)| c * v).sum();
        model = model.with(expr.geq(rhs));
        rows.push((terms, rhs));
    }
    let solution = model.solve().ok()?;
    let mut plan = vec![1.0; form.n_seq[k]];
    for (s, &v) in z.iter().enumerate() {
        plan[s + 1] = solution.value(v);
    }
    if !plan.iter().all(|v| v.is_finite()) {
        return None;
    }
    let slacks = rows
        .iter()
        .map(|(terms, rhs)| {
            let mut s = -rhs;
            let mut scale = rhs.abs();
            for &(v, c) in terms {
                let t = c * solution.value(v);
                s += t;
                scale += t.abs();
            }
            (s, scale)
        })
        .collect();
    let values: Vec<f64> = w.iter().map(|&v| solution.value(v)).collect();
    Some((plan, values, slacks))
}

/// The largest denominator [`nearby`] uses.
const NEARBY_DENOMINATOR: i64 = 1 << 24;

/// A rational close to `x`: its continued fraction cut before the denominator exceeds
/// [`NEARBY_DENOMINATOR`] (zero for non-finite or huge `x`).
pub(crate) fn nearby(x: f64) -> Q {
    if !x.is_finite() || x.abs() > 1e12 {
        return Q::zero();
    }
    // Convergents h/k of the continued fraction of x.
    let (mut h0, mut h1, mut k0, mut k1) = (0i64, 1i64, 1i64, 0i64);
    let mut r = x;
    for _ in 0..40 {
        let a = r.floor();
        let ai = a as i64;
        let (h2, k2) = (
            ai.checked_mul(h1).and_then(|v| v.checked_add(h0)),
            ai.checked_mul(k1).and_then(|v| v.checked_add(k0)),
        );
        let (Some(h2), Some(k2)) = (h2, k2) else { break };
        if k2 > NEARBY_DENOMINATOR {
            break;
        }
        (h0, h1, k0, k1) = (h1, h2, k1, k2);
        let frac = r - a;
        if frac.abs() < 1e-12 {
            break;
        }
        r = 1.0 / frac;
    }
    if k1 == 0 { Q::zero() } else { Q::ratio(h1, k1).unwrap_or_else(Q::zero) }
}

/// The behaviour-probability thresholds tried, in order, on the interior-point guess
/// ([`super::ipm`]), as multiples of [`Tolerances::support`]: a sequence is in the support when
/// its float plan entry exceeds the threshold times its parent's. With the default tolerance 1e-9
/// they are 1e-6, 1e-4 and 1e-8: interior-point iterates leave entries of order 1e-9 on sequences
/// outside every optimal support, so the first is well above them and well below the
/// probabilities that random-payoff games give; the others are for badly scaled trees.
const IPM_SUPPORT: [f64; 3] = [1e3, 1e5, 10.0];

/// The largest sequence form (both players' sequences) on which `lp` tries microlp's
/// vertex after the interior-point guesses fail: microlp's time grows faster than linearly
/// (measured 0.25–0.65 s per player at ~5,000 sequences, unfinished after 250 s at ~50,000).
pub(crate) const MICROLP_MAX_SEQUENCES: usize = 12_000;

/// `lp`'s float path: candidate pairs of exact plans, each passed to `accept` (the caller's exact
/// verification) until one is accepted. First the interior-point guess ([`super::ipm`]): player
/// k's support is its float support and the opponent's tight constraints are the opponent's
/// float support (strict complementarity), repaired if needed ([`repaired_plan`]), for each
/// threshold of [`IPM_SUPPORT`]; then, on forms of at most `max_microlp` sequences (both
/// players'), microlp's vertex of each player's LP. `None` when no candidate is accepted.
pub(crate) fn lp_first<T>(
    form: &SequenceForm,
    tol: Tolerances,
    max_microlp: usize,
    accept: &mut dyn FnMut(&[Vec<Q>; 2]) -> Option<T>,
) -> Option<T> {
    if let Some(guess) = super::ipm::lp_guess(form) {
        let mut tried: Vec<[Vec<bool>; 2]> = Vec::new();
        for m in IPM_SUPPORT {
            let t = m * tol.support;
            let supports =
                [float_support(form, 0, &guess.plans[0], t), float_support(form, 1, &guess.plans[1], t)];
            if tried.contains(&supports) {
                continue;
            }
            let floats = |k: usize| (&guess.plans[k][..], &guess.values[k][..]);
            let plain = [0, 1].map(|k| exact_plan(form, k, &supports[k], &supports[1 - k], Some(floats(k))));
            if let [Some(a), Some(b)] = &plain {
                if let Some(r) = accept(&[a.clone(), b.clone()]) {
                    return Some(r);
                }
            }
            let fixed = [0, 1].map(|k| repaired_plan(form, k, &supports[k], &supports[1 - k], floats(k)));
            if let [Some(a), Some(b)] = fixed {
                if plain[0].as_ref() != Some(&a) || plain[1].as_ref() != Some(&b) {
                    if let Some(r) = accept(&[a, b]) {
                        return Some(r);
                    }
                }
            }
            tried.push(supports);
        }
    }
    if form.n_seq[0] + form.n_seq[1] > max_microlp {
        return None;
    }
    accept(&microlp_plans(form, tol)?)
}

/// microlp's vertices of both players' LPs, then the exact plans (module docs), or `None` when a
/// float LP fails or no guess gives realisation plans.
fn microlp_plans(form: &SequenceForm, tol: Tolerances) -> Option<[Vec<Q>; 2]> {
    let (z0, w0, slack0) = float_lp(form, 0)?;
    let (z1, w1, slack1) = float_lp(form, 1)?;
    let floats: [(&[f64], &[f64]); 2] = [(&z0, &w0), (&z1, &w1)];
    let supports = [float_support(form, 0, &z0, tol.support), float_support(form, 1, &z1, tol.support)];
    let slacks = [slack0, slack1];
    let mut plans: [Option<Vec<Q>>; 2] = [None, None];
    for k in 0..2 {
        let opp = &supports[1 - k];
        let by_slack: Vec<bool> =
            slacks[k].iter().zip(opp).map(|(&(s, scale), &o)| o || s.abs() <= tol.tight * scale).collect();
        plans[k] = repaired_plan(form, k, &supports[k], &by_slack, floats[k])
            .or_else(|| exact_plan(form, k, &supports[k], opp, Some(floats[k])));
    }
    let [Some(a), Some(b)] = plans else { return None };
    Some([a, b])
}

/// `lcp`'s float path: the final basis of the float Lemke path from `priors` within `max_pivots`
/// pivots (on the dense dictionary when it fits in [`super::dense_lemke::MAX_ENTRIES`], on the
/// sparse one otherwise), then the exact plans of that basis (support: the basic plan entries;
/// tight: the nonbasic slacks). The plans are `None` when the float path hit its budget or a ray,
/// or the basis does not give realisation plans (the caller verifies the pair); the pivots taken
/// and whether the path ended come with them.
pub(crate) fn lcp_plans(
    form: &SequenceForm,
    priors: &[Vec<Q>; 2],
    max_pivots: usize,
    tolerance: f64,
) -> LcpGuess {
    let (basis, pivots) = if super::dense_lemke::fits(form) {
        let run = super::dense_lemke::solve(form, priors, max_pivots, tolerance);
        (run.basis, run.pivots)
    } else {
        super::float_lemke::solve(form, priors, max_pivots, tolerance)
    };
    let ended = basis.is_some();
    let plans = basis.and_then(|basis| {
        let a = exact_plan(form, 0, &basis.plan_basic[0], &basis.tight[1], None)?;
        let b = exact_plan(form, 1, &basis.plan_basic[1], &basis.tight[0], None)?;
        Some([a, b])
    });
    LcpGuess { plans, pivots, ended }
}

/// What [`lcp_plans`] found.
pub(crate) struct LcpGuess {
    /// Exact realisation plans from the final basis (to be verified), if any.
    pub plans: Option<[Vec<Q>; 2]>,
    /// The float pivots taken.
    pub pivots: usize,
    /// Whether the float path reached its end (`z₀` left the basis) within its budget.
    pub ended: bool,
}
