//! Sequential equilibria of n-player trees as limits of the agent logit QRE, polished to exact.
//!
//! **What it solves.** Any finite tree with perfect recall and any number of players (two included).
//! It returns one sequential equilibrium, verified exactly by [`certify`], or, when
//! the exact polish finds none, the float profile it reached with its float regret, marked as such.
//!
//! **The trace.** In the agent logit quantal response equilibrium (McKelvey & Palfrey 1998) every
//! information set is an agent playing `π(a|h) ∝ exp(λ·v_h(a))`, where `v_h(a)` is the expected
//! payoff of `a` under the beliefs at `h` (Bayes' rule; every node is reached while λ is finite) and
//! the continuation play. At λ = 0 the profile is uniform; the principal branch is followed as λ grows
//! by predictor–corrector continuation in (λ, log-odds) (Turocy 2005, GEB 51:243–263): an Euler
//! predictor along the tangent, a Newton corrector on the hyperplane normal to it, and arc-length
//! step control. The unknowns are `y_{h,a} = log π(a|h) − log π(0|h)` for `a ≥ 1`, so tiny
//! probabilities stay accurate and every information set sums to one by construction; the equations
//! are `y_{h,a} = λ·(v_h(a) − v_h(0))`. Payoffs are divided by their range, so λ is in units of
//! 1/range. The Jacobian is exact (analytic, dense) and every linear solve is an LU factorisation
//! (the `nalgebra` crate). Any limit of the agent QRE as λ → ∞ is a sequential equilibrium (Turocy
//! 2010, Economic Theory 42:255–269), so the end of the trace is close to one.
//!
//! **The exact polish** (`polish`): probabilities above [`SUPPORT_TOL`] at the end form the
//! support; the limit is estimated by Richardson extrapolation in 1/λ from two points of the trace;
//! every supported probability is rounded to the simplest rational within a tolerance (continued
//! fractions, several tolerances); actions outside the support get trembles, first unit ones, then the
//! orders and weights the trace shows (`log π(a) ≈ log w − λ·order`, read from the last two points;
//! orders are the limit payoff losses, so they are usually small rationals). The first candidate that
//! [`certify`] accepts is returned.
//!
//! **Cost.** Each step builds the Jacobian in O(nodes × depth + m²) and factorises it in O(m³), with m
//! the number of free action probabilities (Σ (actions − 1) over information sets); games with more
//! than [`MAX_UNKNOWNS`] are refused. Read [`super::assessment`] for what the exact check verifies.

use std::collections::VecDeque;

use nalgebra::{DMatrix, DVector};
use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};

use super::assessment::{Assessment, Tremble};
use super::{Sequential, certify};
use crate::error::Error;

#[cfg(test)]
mod tests;

/// Probabilities above this at the end of the trace are in the support of the candidate profile.
pub const SUPPORT_TOL: f64 = 1e-4;
/// The corrector stops when every equation's residual is below `NEWTON_TOL + NEWTON_REL·λ` (log-odds
/// units; the second term is the rounding floor of `λ·v` at large λ).
pub const NEWTON_TOL: f64 = 1e-9;
/// See [`NEWTON_TOL`].
pub const NEWTON_REL: f64 = 1e-13;
/// Corrector iterations before a step is refused and halved.
pub const MAX_NEWTON: usize = 8;
/// The smallest arc-length step; below it the trace stops where it is.
pub const MIN_STEP: f64 = 1e-10;
/// The largest number of free action probabilities the dense Jacobian takes (its LU needs m³/3
/// operations per step and m² floats of memory).
pub const MAX_UNKNOWNS: usize = 3000;
/// Tolerances, loosest first, within which a limit probability is rounded to the simplest rational.
pub const ROUNDING_TOLS: [f64; 4] = [1e-4, 1e-6, 1e-8, 1e-10];
/// Relative tolerances, loosest first, within which a tremble weight read from the trace is rounded
/// (weights converge slowly where a belief sits on an indifference boundary).
pub const WEIGHT_TOLS: [f64; 3] = [1e-1, 1e-2, 1e-3];

/// How the trace runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Where the trace stops: λ times the payoff range (λ in units of the normalised payoffs).
    pub lambda_max: f64,
    /// The arc length of the first step.
    pub first_step: f64,
    /// The factor by which the step grows after a corrector that converged quickly.
    pub max_accel: f64,
    /// A cap on predictor–corrector steps (accepted or refused); the trace stops there.
    pub max_steps: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { lambda_max: 1e6, first_step: 0.03, max_accel: 1.5, max_steps: 20_000 }
    }
}

/// What [`solve`] found.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A sequential equilibrium, verified exactly.
    Exact(Sequential),
    /// The polish failed: the profile at the end of the trace, not verified exactly.
    Approximate {
        /// A probability per action at each information set.
        behavior: Vec<Vec<f64>>,
        /// The largest gain (in payoff units) from changing the play at one information set, under
        /// the beliefs of the same profile.
        regret: f64,
        /// The λ reached, in units of 1/payoff.
        lambda: f64,
    },
}

/// One sequential equilibrium of `tree`: the limit of the agent logit QRE's principal branch,
/// polished to an exact assessment and certified.
///
/// # Errors
/// [`Error::Unsupported`] for trees without perfect recall or with payoffs beyond the float range;
/// [`Error::Limit`] for games with more than [`MAX_UNKNOWNS`] free action probabilities.
pub fn solve(tree: &Tree, options: &Options) -> Result<Outcome, Error> {
    solve_with_progress(tree, options, &mut |_| {})
}

/// As [`solve`], calling `progress` with the λ reached (in units of 1/payoff) after every step.
///
/// # Errors
/// As [`solve`].
pub fn solve_with_progress(
    tree: &Tree,
    options: &Options,
    progress: &mut dyn FnMut(f64),
) -> Result<Outcome, Error> {
    if let Err(why) = tree.check_perfect_recall() {
        return Err(Error::Unsupported {
            method: "sequential",
            reason: format!("the tree lacks perfect recall ({why}); use --method pure or spe"),
        });
    }
    let game = Game::new(tree);
    if !game.scale.is_finite() || game.leaf.iter().any(|u| !u.is_finite()) {
        return Err(Error::Unsupported {
            method: "sequential",
            reason: "a payoff (or the payoff range) is beyond the float range the agent-QRE trace works in; \
                     rescale the payoffs"
                .into(),
        });
    }
    if game.m > MAX_UNKNOWNS {
        return Err(Error::Limit {
            what: "size",
            detail: format!(
                "{} free action probabilities, more than the {MAX_UNKNOWNS} the agent-QRE trace takes",
                game.m
            ),
        });
    }
    let trace = game.trace(options, progress);
    Ok(polish(tree, &game, &trace))
}

/// Where the trace ended, with an earlier point for the extrapolation.
struct Trace {
    /// The last point: λ (normalised) and the log-probabilities per action.
    lambda: f64,
    logp: Vec<f64>,
    /// An earlier point with λ at most about half the last one (or the start).
    lambda_early: f64,
    logp_early: Vec<f64>,
    /// The float regret at the last point, in normalised payoff units.
    regret: f64,
}

/// The float view of a tree that the trace works on.
struct Game<'t> {
    tree: &'t Tree,
    n: usize,
    /// Payoffs divided by their range.
    scale: f64,
    /// Per information set: the first index of its actions in per-action arrays, and of its
    /// unknowns (`actions − 1` of them).
    xo: Vec<usize>,
    yo: Vec<usize>,
    /// Per information set: its member nodes (node order) and its player.
    members: Vec<Vec<NodeId>>,
    player: Vec<usize>,
    /// Number of actions and of unknowns.
    big_m: usize,
    m: usize,
    /// Leaf payoffs (normalised) and chance probabilities per node, as floats.
    leaf: Vec<f64>,
    chance: Vec<Vec<f64>>,
}

/// Everything one evaluation at (y, λ) computes.
struct Eval {
    /// Per action: probability and log-probability.
    p: Vec<f64>,
    logp: Vec<f64>,
    /// Node values `values[x·n + i]`.
    values: Vec<f64>,
    /// Per information set: the beliefs over its members.
    mu: Vec<Vec<f64>>,
    /// Per action: its value at its information set.
    v: Vec<f64>,
}

impl<'t> Game<'t> {
    fn new(tree: &'t Tree) -> Game<'t> {
        let n = tree.n_players();
        let n_sets = tree.infosets().len();
        let (mut xo, mut yo) = (Vec::with_capacity(n_sets), Vec::with_capacity(n_sets));
        let (mut big_m, mut m) = (0, 0);
        for h in 0..n_sets {
            let k = tree.actions(h as u32).len();
            xo.push(big_m);
            yo.push(m);
            big_m += k;
            m += k - 1;
        }
        let members = tree.infoset_members();
        let player = members.iter().map(|ms| ms.first().map_or(0, |&x| tree.player_of(x))).collect();
        let len = tree.len();
        let (mut lo, mut hi) = (Q::zero(), Q::zero());
        let mut leaf = vec![0.0; len * n];
        let mut chance = vec![Vec::new(); len];
        for x in 0..len as NodeId {
            match tree.kind(x) {
                NodeKind::Terminal => {
                    for u in tree.payoffs(x) {
                        if *u < lo {
                            lo = u.clone();
                        }
                        if *u > hi {
                            hi = u.clone();
                        }
                    }
                }
                NodeKind::Chance => chance[x as usize] = tree.chance_probs(x).iter().map(Q::to_f64).collect(),
                NodeKind::Decision => {}
            }
        }
        let range = (&hi - &lo).to_f64();
        let scale = if range > 0.0 { range } else { 1.0 };
        for x in 0..len as NodeId {
            if tree.kind(x) == NodeKind::Terminal {
                for (i, u) in tree.payoffs(x).iter().enumerate() {
                    leaf[x as usize * n + i] = u.to_f64() / scale;
                }
            }
        }
        Game { tree, n, scale, xo, yo, members, player, big_m, m, leaf, chance }
    }

    fn n_actions(&self, h: usize) -> usize {
        self.yo.get(h + 1).unwrap_or(&self.m) - self.yo[h] + 1
    }

    /// Evaluates the profile with log-odds `y`.
    fn eval(&self, y: &[f64]) -> Eval {
        let tree = self.tree;
        let (n, len) = (self.n, tree.len());
        let mut logp = vec![0.0; self.big_m];
        let mut p = vec![0.0; self.big_m];
        for h in 0..self.xo.len() {
            let k = self.n_actions(h);
            let ys = &y[self.yo[h]..self.yo[h] + k - 1];
            let top = ys.iter().fold(0.0_f64, |a, &b| a.max(b));
            let lse = top + ((-top).exp() + ys.iter().map(|&v| (v - top).exp()).sum::<f64>()).ln();
            let xo = self.xo[h];
            logp[xo] = -lse;
            for (a, &v) in ys.iter().enumerate() {
                logp[xo + 1 + a] = v - lse;
            }
            for a in 0..k {
                p[xo + a] = logp[xo + a].exp();
            }
        }
        let mut values = vec![0.0; len * n];
        for x in (0..len as NodeId).rev() {
            let base = x as usize * n;
            match tree.kind(x) {
                NodeKind::Terminal => values[base..base + n].copy_from_slice(&self.leaf[base..base + n]),
                NodeKind::Chance => {
                    for (c, &q) in tree.children(x).zip(&self.chance[x as usize]) {
                        for i in 0..n {
                            values[base + i] += q * values[c as usize * n + i];
                        }
                    }
                }
                NodeKind::Decision => {
                    let xo = self.xo[tree.infoset_of(x) as usize];
                    for (a, c) in tree.children(x).enumerate() {
                        let q = p[xo + a];
                        for i in 0..n {
                            values[base + i] += q * values[c as usize * n + i];
                        }
                    }
                }
            }
        }
        // Log-probability of reaching each node (−∞ behind a zero chance probability).
        let mut lr = vec![f64::NEG_INFINITY; len];
        if len > 0 {
            lr[0] = 0.0;
        }
        for x in 0..len as NodeId {
            let here = lr[x as usize];
            match tree.kind(x) {
                NodeKind::Terminal => {}
                NodeKind::Chance => {
                    for (c, &q) in tree.children(x).zip(&self.chance[x as usize]) {
                        lr[c as usize] = if q > 0.0 { here + q.ln() } else { f64::NEG_INFINITY };
                    }
                }
                NodeKind::Decision => {
                    let xo = self.xo[tree.infoset_of(x) as usize];
                    for (a, c) in tree.children(x).enumerate() {
                        lr[c as usize] = here + logp[xo + a];
                    }
                }
            }
        }
        let mut mu = Vec::with_capacity(self.members.len());
        let mut v = vec![0.0; self.big_m];
        for (h, nodes) in self.members.iter().enumerate() {
            let top = nodes.iter().map(|&x| lr[x as usize]).fold(f64::NEG_INFINITY, f64::max);
            // A set behind a zero chance probability: any beliefs do (the exact check ignores it).
            let w: Vec<f64> = if top == f64::NEG_INFINITY {
                vec![1.0; nodes.len()]
            } else {
                nodes.iter().map(|&x| (lr[x as usize] - top).exp()).collect()
            };
            let total: f64 = w.iter().sum();
            let row: Vec<f64> = w.iter().map(|q| q / total).collect();
            let i = self.player[h];
            for a in 0..self.n_actions(h) {
                v[self.xo[h] + a] =
                    nodes.iter().zip(&row).map(|(&x, m)| m * values[tree.child(x, a) as usize * n + i]).sum();
            }
            mu.push(row);
        }
        Eval { p, logp, values, mu, v }
    }

    /// The equations `y_{h,a} − λ·(v_h(a) − v_h(0))`.
    fn residual(&self, y: &[f64], lambda: f64, e: &Eval) -> Vec<f64> {
        let mut r = vec![0.0; self.m];
        for h in 0..self.xo.len() {
            let (xo, yo) = (self.xo[h], self.yo[h]);
            for a in 1..self.n_actions(h) {
                r[yo + a - 1] = y[yo + a - 1] - lambda * (e.v[xo + a] - e.v[xo]);
            }
        }
        r
    }

    /// The Jacobian of [`Game::residual`] in (y, λ): m rows, m + 1 columns (λ last).
    fn jacobian(&self, lambda: f64, e: &Eval) -> DMatrix<f64> {
        let tree = self.tree;
        let (n, big_m, m) = (self.n, self.big_m, self.m);
        let mut jac = DMatrix::<f64>::zeros(m, m + 1);
        // dv[a·M + j]: ∂v_h(a)/∂ log π_j, for the information set h at hand.
        let mut dv = Vec::new();
        let mut cbar = vec![0.0; big_m];
        let mut reach = vec![0.0; tree.len()];
        let mut path = Vec::new();
        for (h, nodes) in self.members.iter().enumerate() {
            let k = self.n_actions(h);
            if k < 2 {
                continue;
            }
            let i = self.player[h];
            let xo = self.xo[h];
            dv.clear();
            dv.resize(k * big_m, 0.0);
            cbar.iter_mut().for_each(|c| *c = 0.0);
            for (&y, &mu) in nodes.iter().zip(&e.mu[h]) {
                if mu == 0.0 {
                    continue;
                }
                // Beliefs: ∂μ(y)/∂ log π_j = μ(y)·(c_y(j) − Σ_z μ(z) c_z(j)), c_y(j) = [j is on y's path].
                path.clear();
                let mut z = y;
                while let Some(par) = tree.parent(z) {
                    if tree.kind(par) == NodeKind::Decision {
                        path.push(self.xo[tree.infoset_of(par) as usize] + tree.child_index(z));
                    }
                    z = par;
                }
                for &j in &path {
                    cbar[j] += mu;
                    for a in 0..k {
                        dv[a * big_m + j] += mu * e.values[tree.child(y, a) as usize * n + i];
                    }
                }
                // Continuation values: ∂V_i(z)/∂ log π_{g,b} = Σ_{w ∈ g below z} P(w|z)·π_{g,b}·V_i(w·b).
                for a in 0..k {
                    let top = tree.child(y, a);
                    reach[top as usize] = 1.0;
                    for w in top..tree.end(top) {
                        if w != top {
                            let par = tree.parent(w).expect("a node below `top` has a parent");
                            let q = match tree.kind(par) {
                                NodeKind::Chance => self.chance[par as usize][tree.child_index(w)],
                                _ => e.p[self.xo[tree.infoset_of(par) as usize] + tree.child_index(w)],
                            };
                            reach[w as usize] = reach[par as usize] * q;
                        }
                        let r = reach[w as usize];
                        if r == 0.0 || tree.kind(w) != NodeKind::Decision {
                            continue;
                        }
                        let go = self.xo[tree.infoset_of(w) as usize];
                        for (b, c) in tree.children(w).enumerate() {
                            dv[a * big_m + go + b] += mu * r * e.p[go + b] * e.values[c as usize * n + i];
                        }
                    }
                }
            }
            for a in 0..k {
                let va = e.v[xo + a];
                for j in 0..big_m {
                    dv[a * big_m + j] -= cbar[j] * va;
                }
            }
            // Rows: ∂/∂y_{g,c} of −λ·(v_h(a) − v_h(0)) through log π_{g,b} = y_{g,b} − lse_g.
            let yo = self.yo[h];
            for a in 1..k {
                let row = yo + a - 1;
                for g in 0..self.xo.len() {
                    let kg = self.n_actions(g);
                    if kg < 2 {
                        continue;
                    }
                    let go = self.xo[g];
                    let diff = |b: usize| dv[a * big_m + go + b] - dv[go + b];
                    let s: f64 = (0..kg).map(diff).sum();
                    for c in 1..kg {
                        jac[(row, self.yo[g] + c - 1)] = -lambda * (diff(c) - e.p[go + c] * s);
                    }
                }
                jac[(row, row)] += 1.0;
                jac[(row, m)] = -(e.v[xo + a] - e.v[xo]);
            }
        }
        jac
    }

    /// The largest gain from changing the play at one information set (normalised payoffs).
    fn regret(&self, e: &Eval) -> f64 {
        let mut worst = 0.0_f64;
        for h in 0..self.xo.len() {
            let xo = self.xo[h];
            let k = self.n_actions(h);
            let vs = &e.v[xo..xo + k];
            let best = vs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let played: f64 = vs.iter().zip(&e.p[xo..xo + k]).map(|(v, p)| v * p).sum();
            worst = worst.max(best - played);
        }
        worst
    }

    /// Follows the principal branch from λ = 0 to `options.lambda_max`.
    fn trace(&self, options: &Options, progress: &mut dyn FnMut(f64)) -> Trace {
        let m = self.m;
        let mut y = vec![0.0; m];
        let mut lambda = 0.0;
        let mut e = self.eval(&y);
        // The latest accepted point with λ at most half the current one, and the later points.
        let mut early = (0.0, e.logp.clone());
        let mut later: VecDeque<(f64, Vec<f64>)> = VecDeque::new();
        // The previous tangent, which orients the next one; at the start, increasing λ.
        let mut t_prev = DVector::<f64>::zeros(m + 1);
        t_prev[m] = 1.0;
        let mut step = options.first_step;
        let mut steps = 0;
        while lambda < options.lambda_max && m > 0 && steps < options.max_steps {
            steps += 1;
            let jac = self.jacobian(lambda, &e);
            let Some(t) = tangent(&jac, &t_prev) else { break };
            // Euler predictor, then Newton on the hyperplane through the prediction normal to t.
            let mut z: Vec<f64> = (0..m).map(|j| y[j] + step * t[j]).collect();
            let mut zl = lambda + step * t[m];
            let mut ok = false;
            let mut iters = 0;
            let mut last_norm = f64::INFINITY;
            let mut ez = self.eval(&z);
            while iters < MAX_NEWTON {
                let r = self.residual(&z, zl, &ez);
                let rn = r.iter().fold(0.0_f64, |a, b| a.max(b.abs()));
                if !rn.is_finite() {
                    break;
                }
                if rn <= NEWTON_TOL + NEWTON_REL * zl.abs() {
                    ok = true;
                    break;
                }
                iters += 1;
                let jz = self.jacobian(zl, &ez);
                let Some(d) = correction(&jz, &t, &r) else { break };
                let dn = d.amax();
                // A corrector that moves farther than the step, or does not contract, is refused.
                let bound = if last_norm.is_finite() { 0.5 * last_norm } else { step };
                if dn > bound || !dn.is_finite() {
                    break;
                }
                last_norm = dn;
                for j in 0..m {
                    z[j] += d[j];
                }
                zl += d[m];
                ez = self.eval(&z);
            }
            if !ok || zl < 0.0 {
                step *= 0.5;
                if step < MIN_STEP {
                    break;
                }
                continue;
            }
            later.push_back((lambda, std::mem::take(&mut e.logp)));
            y = z;
            lambda = zl;
            e = ez;
            while later.front().is_some_and(|f| f.0 <= lambda / 2.0) {
                early = later.pop_front().expect("a front element");
            }
            t_prev = t;
            progress(lambda / self.scale);
            if iters <= 2 {
                step *= options.max_accel;
            }
        }
        Trace { lambda, regret: self.regret(&e), logp: e.logp, lambda_early: early.0, logp_early: early.1 }
    }
}

/// The unit tangent `t` with `J·t = 0` and `t_prev·t > 0`.
fn tangent(jac: &DMatrix<f64>, t_prev: &DVector<f64>) -> Option<DVector<f64>> {
    let m = jac.nrows();
    let mut a = jac.clone().insert_row(m, 0.0);
    a.row_mut(m).copy_from(&t_prev.transpose());
    let mut rhs = DVector::<f64>::zeros(m + 1);
    rhs[m] = 1.0;
    let t = a.lu().solve(&rhs)?;
    let norm = t.norm();
    (norm.is_finite() && norm > 0.0).then(|| t / norm)
}

/// The Newton correction `d` with `J·d = −r` and `t·d = 0`.
fn correction(jac: &DMatrix<f64>, t: &DVector<f64>, r: &[f64]) -> Option<DVector<f64>> {
    let m = jac.nrows();
    let mut a = jac.clone().insert_row(m, 0.0);
    a.row_mut(m).copy_from(&t.transpose());
    let mut rhs = DVector::<f64>::zeros(m + 1);
    for (j, v) in r.iter().enumerate() {
        rhs[j] = -v;
    }
    a.lu().solve(&rhs)
}

/// The first convergent of `x`'s continued fraction within `tol` of it (denominators up to 10¹²).
fn rational_near(x: f64, tol: f64) -> Option<Q> {
    if !x.is_finite() {
        return None;
    }
    let (sign, mut r) = if x < 0.0 { (-1, -x) } else { (1, x) };
    let target = r;
    let (mut h0, mut h1, mut k0, mut k1) = (0_i64, 1_i64, 1_i64, 0_i64);
    for _ in 0..64 {
        let a = r.floor();
        if a > 1e12 {
            return None;
        }
        let ai = a as i64;
        let (h2, k2) = (ai.checked_mul(h1)?.checked_add(h0)?, ai.checked_mul(k1)?.checked_add(k0)?);
        (h0, h1, k0, k1) = (h1, h2, k1, k2);
        if k1 > 1_000_000_000_000 {
            return None;
        }
        if (target - h1 as f64 / k1 as f64).abs() <= tol {
            return Q::ratio(sign * h1, k1);
        }
        let frac = r - a;
        if frac <= 0.0 {
            return None;
        }
        r = 1.0 / frac;
    }
    None
}

/// Rounds the limit estimate `limit` (per action) to an exact profile on the support, with
/// tolerance `tol`: every supported action but the likeliest is rounded, the likeliest takes the rest.
fn round_profile(game: &Game, limit: &[f64], support: &[bool], tol: f64) -> Option<Vec<Vec<Q>>> {
    let mut rows = Vec::with_capacity(game.xo.len());
    for h in 0..game.xo.len() {
        let xo = game.xo[h];
        let k = game.n_actions(h);
        let top =
            (0..k).filter(|&a| support[xo + a]).max_by(|&a, &b| limit[xo + a].total_cmp(&limit[xo + b]))?;
        let mut row = vec![Q::zero(); k];
        let mut rest = Q::one();
        for a in (0..k).filter(|&a| a != top && support[xo + a]) {
            let q = rational_near(limit[xo + a], tol)?;
            if !q.is_positive() {
                return None;
            }
            rest = &rest - &q;
            row[a] = q;
        }
        if !rest.is_positive() {
            return None;
        }
        row[top] = rest;
        rows.push(row);
    }
    Some(rows)
}

/// The trembles the trace shows for the actions outside the support: the order is the rate at which
/// log π falls with λ (in payoff units), the weight what is left of π after `ε^order` (ε = e^−λ),
/// rounded within the relative tolerance `weight_tol` (unit weights when `None`). Actions whose
/// probability falls more slowly than exponentially get half the smallest order.
fn trace_trembles(
    game: &Game,
    trace: &Trace,
    support: &[bool],
    weight_tol: Option<f64>,
) -> Vec<Vec<Option<Tremble>>> {
    let dl = trace.lambda - trace.lambda_early;
    let mut orders: Vec<Option<Q>> = vec![None; game.big_m];
    for j in (0..game.big_m).filter(|&j| !support[j]) {
        let rate = -(trace.logp[j] - trace.logp_early[j]) / dl;
        // The rate is a payoff loss at the limit: read it in payoff units.
        let loss = rate * game.scale;
        if rate * trace.lambda > 30.0 {
            orders[j] = rational_near(loss, 1e-4 * game.scale + 1e-3 * loss).filter(Q::is_positive);
        }
    }
    let least = orders.iter().flatten().min().cloned();
    let slow = least.map_or_else(Q::one, |q| q.checked_div(&Q::from_int(2)).expect("2 is not zero"));
    let mut out = Vec::with_capacity(game.xo.len());
    for h in 0..game.xo.len() {
        let xo = game.xo[h];
        let row = (0..game.n_actions(h))
            .map(|a| {
                let j = xo + a;
                if support[j] {
                    return None;
                }
                let order = orders[j].clone().unwrap_or_else(|| slow.clone());
                let weight = if let Some(tol) = weight_tol {
                    let w = match &orders[j] {
                        Some(o) => (trace.logp[j] + trace.lambda * o.to_f64() / game.scale).exp(),
                        None => trace.logp[j].exp() * trace.lambda,
                    };
                    Some(w)
                        .filter(|w| (1e-6..1e6).contains(w))
                        .and_then(|w| rational_near(w, tol * w))
                        .filter(Q::is_positive)
                        .unwrap_or_else(Q::one)
                } else {
                    Q::one()
                };
                Some(Tremble { order, weight })
            })
            .collect();
        out.push(row);
    }
    out
}

/// Turns the end of the trace into an exact sequential equilibrium, or reports it as approximate.
fn polish(tree: &Tree, game: &Game, trace: &Trace) -> Outcome {
    let (l1, l0) = (trace.lambda, trace.lambda_early);
    let p1: Vec<f64> = trace.logp.iter().map(|v| v.exp()).collect();
    let support: Vec<bool> = p1.iter().map(|&p| p > SUPPORT_TOL).collect();
    // Richardson extrapolation in 1/λ: π(λ) ≈ π* + c/λ.
    let limit: Vec<f64> = if l1 > l0 && l0 > 0.0 {
        p1.iter()
            .zip(&trace.logp_early)
            .map(|(&p, &q0)| ((l1 * p - l0 * q0.exp()) / (l1 - l0)).clamp(0.0, 1.0))
            .collect()
    } else {
        p1.clone()
    };
    let mut tried: Vec<Vec<Vec<Q>>> = Vec::new();
    for estimate in [&limit, &p1] {
        for tol in ROUNDING_TOLS {
            let Some(behavior) = round_profile(game, estimate, &support, tol) else { continue };
            if tried.contains(&behavior) {
                continue;
            }
            tried.push(behavior.clone());
            let unit = Assessment::with_unit_trembles(behavior.clone());
            let traced = |weight_tol| Assessment {
                behavior: behavior.clone(),
                trembles: trace_trembles(game, trace, &support, weight_tol),
            };
            let mut candidates = vec![unit, traced(None)];
            candidates.extend(WEIGHT_TOLS.iter().map(|&tol| traced(Some(tol))));
            for candidate in candidates {
                if let Ok(s) = certify(tree, candidate) {
                    return Outcome::Exact(s);
                }
            }
        }
    }
    let behavior =
        (0..game.xo.len()).map(|h| p1[game.xo[h]..game.xo[h] + game.n_actions(h)].to_vec()).collect();
    Outcome::Approximate { behavior, regret: trace.regret * game.scale, lambda: trace.lambda / game.scale }
}
