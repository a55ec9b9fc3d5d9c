//! Repeated games: for which discount factors is a doctrine (a strategy profile written as an
//! automaton) a subgame-perfect or a Nash equilibrium? ALGORITHMS.md and MODELS.md Game D.
//!
//! Play from any automaton state is deterministic, so it is a *lasso*: a few periods, then a cycle
//! of length `L` repeated forever. The normalised value `(1 - δ) Σ δ^t u_t` of a lasso is the
//! rational function `N(δ)/D(δ)` with `D = 1 + δ + … + δ^(L-1)`, positive on (0, 1).
//!
//! - **Subgame perfection** (one-shot deviation principle): at every state reachable after any
//!   history, for each player and each other action, conforming is worth at least deviating once:
//!   `(1-δ)(u(a) - u(a')) + δ (V(next(a)) - V(next(a')))  >= 0`. Multiplied by the two (positive)
//!   denominators this is one polynomial inequality `p(δ) >= 0`.
//! - **Nash**: no strategy of one player (against the other's automaton) does better from the initial
//!   state. That is a deterministic discounted decision problem, whose optimum is attained by a
//!   stationary policy, whose play from the initial state is a lasso; so the doctrine is Nash iff its
//!   value beats every lasso the deviator can steer, one polynomial inequality per lasso.
//!
//! The set of δ in (0, 1) where a set of polynomial inequalities holds is a union of intervals whose
//! endpoints are roots, found exactly by [`crate::poly`] (rational roots exact, irrational ones
//! isolated by Sturm sequences). [`evaluate`] then checks a given rational δ independently: state
//! values from the lassos in plain rationals, the one-shot slacks, and the deviator's optimum by exact
//! policy iteration; any disagreement with the polynomial answer is [`Error::VerificationFailed`].

use std::cmp::Ordering;

use redline_models::number::Q;
use redline_models::repeated::RepeatedGame;

use crate::error::Error;
use crate::poly::{Poly, Root};

/// Options of [`analyze`].
#[derive(Clone, Debug)]
pub struct Options {
    /// The largest width of the bracket around an irrational endpoint.
    pub precision: Q,
    /// The most deviation lassos enumerated per player for the Nash conditions.
    pub max_lassos: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { precision: Q::ratio(1, 1_000_000_000_000).expect("nonzero"), max_lassos: 100_000 }
    }
}

/// A rational function of δ, `num / den`, with `den > 0` on (0, 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatFn {
    /// The numerator.
    pub num: Poly,
    /// The denominator (`1 + δ + … + δ^(L-1)` for a cycle of length `L`).
    pub den: Poly,
}

impl RatFn {
    /// The value at `x` (the denominator is positive there).
    #[must_use]
    pub fn eval(&self, x: &Q) -> Q {
        self.num.eval(x).checked_div(&self.den.eval(x)).expect("the denominator is positive on (0, 1)")
    }
}

/// The play from a state: the states visited, with the profile played in each, until the first
/// repeated state; play then cycles from `cycle_start` forever.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lasso {
    /// `(state, profile)` of each period, from period 1.
    pub periods: Vec<(u32, usize)>,
    /// The index in `periods` where the cycle starts.
    pub cycle_start: usize,
}

/// One one-shot deviation condition: `player` plays `deviation` instead of the prescribed action at
/// `state`, once, then everyone follows the doctrine again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The automaton state.
    pub state: u32,
    /// The deviating player.
    pub player: usize,
    /// The action played instead.
    pub deviation: u32,
    /// Conforming minus deviating, times the positive denominators: it holds where `poly >= 0`.
    pub poly: Poly,
    /// Where it holds in (0, 1).
    pub holds: Vec<Interval>,
}

/// An interval of δ with exact (or isolated) endpoints; 0 and 1 appear as exact open endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The lower endpoint.
    pub lower: Root,
    /// Whether the lower endpoint belongs to the interval.
    pub lower_closed: bool,
    /// The upper endpoint.
    pub upper: Root,
    /// Whether the upper endpoint belongs to the interval.
    pub upper_closed: bool,
}

/// The equilibrium status of the doctrine on one piece of (0, 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every one-shot condition holds at every reachable state.
    SubgamePerfect,
    /// No profitable deviation from the initial state, but some one-shot condition fails.
    Nash,
    /// Some player gains by deviating from the start.
    Neither,
}

impl Status {
    /// The regime name used in output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Status::SubgamePerfect => "subgame perfect",
            Status::Nash => "Nash, not subgame perfect",
            Status::Neither => "not an equilibrium",
        }
    }
}

/// The pieces of (0, 1) cut by every endpoint: `cells[k]` lies between `points[k-1]` and
/// `points[k]` (0 and 1 at the ends), and the status is constant on each cell and each point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The endpoints in increasing order.
    pub points: Vec<Root>,
    /// The status at each point.
    pub at_points: Vec<Status>,
    /// The status on each open cell (one more than the points).
    pub cells: Vec<Status>,
}

/// The analysis of a doctrine over all δ in (0, 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// The states reachable after some history, from the initial state.
    pub reachable: Vec<u32>,
    /// The value of every state to each player, as functions of δ.
    pub values: Vec<[RatFn; 2]>,
    /// Every one-shot condition at every reachable state.
    pub conditions: Vec<Condition>,
    /// Where the doctrine is subgame perfect.
    pub subgame_perfect: Vec<Interval>,
    /// Where it is a Nash equilibrium.
    pub nash: Vec<Interval>,
    /// The distinct Nash conditions (the doctrine's value from the start minus a deviation lasso's).
    pub nash_conditions: Vec<Poly>,
    /// The status on every piece of (0, 1): the thresholds are the points where it changes.
    pub partition: Partition,
}

/// The lasso of play from `start` when the doctrine is followed, except that `choose(state)` may
/// replace the prescribed profile.
fn lasso(g: &RepeatedGame, start: u32, mut choose: impl FnMut(u32) -> usize) -> Lasso {
    let mut seen = vec![usize::MAX; g.states().len()];
    let mut periods = Vec::new();
    let mut s = start;
    while seen[s as usize] == usize::MAX {
        seen[s as usize] = periods.len();
        let k = choose(s);
        periods.push((s, k));
        s = g.next(s, k);
    }
    Lasso { cycle_start: seen[s as usize], periods }
}

/// The play from `start` under the doctrine.
#[must_use]
pub fn path(g: &RepeatedGame, start: u32) -> Lasso {
    lasso(g, start, |s| g.prescribed(s))
}

/// The play after `player` plays `action` once in the initial state, everyone then following the
/// doctrine: the first period, then the doctrine's lasso from the state it leads to.
#[must_use]
pub fn after_violation(g: &RepeatedGame, player: usize, action: u32) -> Lasso {
    let s0 = g.initial();
    let mut a = g.states()[s0 as usize].play;
    a[player] = action;
    let k = g.profile(a);
    let rest = path(g, g.next(s0, k));
    // Period 1 is a deviation, so the initial state may recur in the rest: keep the first period
    // apart (it is never part of the cycle).
    let mut periods = vec![(s0, k)];
    periods.extend(rest.periods);
    Lasso { periods, cycle_start: rest.cycle_start + 1 }
}

/// `1 + x + … + x^(n-1)`.
fn geometric(n: usize) -> Poly {
    Poly::from_coeffs(vec![Q::one(); n])
}

fn monomial(n: usize) -> Poly {
    let mut c = vec![Q::zero(); n + 1];
    c[n] = Q::one();
    Poly::from_coeffs(c)
}

/// The normalised value of a lasso with stage payoffs `u` (one per period) as a rational function.
fn lasso_value(u: &[Q], cycle_start: usize) -> RatFn {
    let len = u.len() - cycle_start;
    let den = geometric(len);
    let one_minus = Poly::from_coeffs(vec![Q::one(), -Q::one()]);
    let head = Poly::from_coeffs(u[..cycle_start].to_vec());
    let cycle = Poly::from_coeffs(u[cycle_start..].to_vec());
    let num = one_minus.mul(&head).mul(&den).add(&monomial(cycle_start).mul(&cycle));
    RatFn { num, den }
}

/// The normalised value of a lasso at a rational δ, in plain rationals (the independent check).
fn lasso_value_at(u: &[Q], cycle_start: usize, d: &Q) -> Q {
    let one = Q::one();
    let mut head = Q::zero();
    let mut w = Q::one();
    for x in &u[..cycle_start] {
        head = &head + &(&w * x);
        w = &w * d;
    }
    let mut cyc = Q::zero();
    let mut wc = Q::one();
    for x in &u[cycle_start..] {
        cyc = &cyc + &(&wc * x);
        wc = &wc * d;
    }
    // (1-δ) head + δ^c (1-δ) cyc / (1 - δ^L)
    let tail = (&(&w * &(&one - d)) * &cyc).checked_div(&(&one - &wc)).expect("0 < δ < 1");
    &(&(&one - d) * &head) + &tail
}

fn payoffs_of(g: &RepeatedGame, l: &Lasso, i: usize) -> Vec<Q> {
    l.periods.iter().map(|&(_, k)| g.stage_payoffs(k)[i].clone()).collect()
}

/// The value of each state to each player under the doctrine.
fn state_values(g: &RepeatedGame) -> Vec<[RatFn; 2]> {
    (0..g.states().len() as u32)
        .map(|s| {
            let l = path(g, s);
            [0, 1].map(|i| lasso_value(&payoffs_of(g, &l, i), l.cycle_start))
        })
        .collect()
}

/// `(1-δ)(u - u') D1 D2 + δ (N1 D2 - N2 D1)`: conforming minus deviating, cleared of denominators.
fn one_shot(u: &Q, v1: &RatFn, u_dev: &Q, v2: &RatFn) -> Poly {
    let one_minus = Poly::from_coeffs(vec![Q::one(), -Q::one()]);
    let stage = one_minus.scale(&(u - u_dev)).mul(&v1.den).mul(&v2.den);
    let cont = monomial(1).mul(&v1.num.mul(&v2.den).sub(&v2.num.mul(&v1.den)));
    normalize(&stage.add(&cont))
}

/// Divides by the absolute value of the content's leading coefficient (a positive factor), so equal
/// conditions compare equal.
fn normalize(p: &Poly) -> Poly {
    match p.coeffs().last() {
        None => p.clone(),
        Some(l) => p.scale(&l.abs().recip().expect("the leading coefficient is nonzero")),
    }
}

/// Analyses the doctrine for every δ in (0, 1).
///
/// # Errors
/// [`Error::Limit`] when a player can steer more than `max_lassos` distinct deviation paths.
pub fn analyze(g: &RepeatedGame, opts: &Options) -> Result<Analysis, Error> {
    let values = state_values(g);
    let reachable = g.reachable();
    let mut polys: Vec<Poly> = Vec::new();
    let mut conditions = Vec::new();
    for &s in &reachable {
        let play = g.states()[s as usize].play;
        let k = g.profile(play);
        let next = g.next(s, k) as usize;
        for i in 0..2 {
            for b in 0..g.actions(i).len() as u32 {
                if b == play[i] {
                    continue;
                }
                let mut a = play;
                a[i] = b;
                let kd = g.profile(a);
                let nd = g.next(s, kd) as usize;
                let poly = one_shot(
                    &g.stage_payoffs(k)[i],
                    &values[next][i],
                    &g.stage_payoffs(kd)[i],
                    &values[nd][i],
                );
                polys.push(poly.clone());
                conditions.push(Condition { state: s, player: i, deviation: b, poly, holds: Vec::new() });
            }
        }
    }
    let n_spe = polys.len();
    let nash_conditions = nash_conditions(g, &values, opts.max_lassos)?;
    polys.extend(nash_conditions.iter().cloned());
    let cut = Cut::new(&polys, &opts.precision);
    let spe_idx: Vec<usize> = (0..n_spe).collect();
    let nash_idx: Vec<usize> = (n_spe..polys.len()).collect();
    for (c, cond) in conditions.iter_mut().enumerate() {
        cond.holds = cut.set(&[c]);
    }
    let status = |signs: &[i32]| {
        let holds = |idx: &[usize]| idx.iter().all(|&i| signs[i] >= 0);
        if holds(&spe_idx) {
            Status::SubgamePerfect
        } else if holds(&nash_idx) {
            Status::Nash
        } else {
            Status::Neither
        }
    };
    let cells: Vec<Status> = cut.cell_signs.iter().map(|s| status(s)).collect();
    let at_points: Vec<Status> = cut.point_signs.iter().map(|s| status(s)).collect();
    // Keep only the points where the status changes.
    let mut partition = Partition { points: Vec::new(), at_points: Vec::new(), cells: vec![cells[0]] };
    for (k, p) in cut.points.iter().enumerate() {
        let (left, at, right) = (cells[k], at_points[k], cells[k + 1]);
        if left == at && at == right {
            continue;
        }
        partition.points.push(p.clone());
        partition.at_points.push(at);
        partition.cells.push(right);
    }
    let subgame_perfect = cut.set(&spe_idx);
    let nash = cut.set(&nash_idx);
    Ok(Analysis { reachable, values, conditions, subgame_perfect, nash, nash_conditions, partition })
}

/// The Nash conditions: for each player, the doctrine's value from the initial state minus the value
/// of every lasso that player can steer from there (deduplicated, trivial ones dropped).
fn nash_conditions(g: &RepeatedGame, values: &[[RatFn; 2]], max_lassos: usize) -> Result<Vec<Poly>, Error> {
    let s0 = g.initial();
    let mut out: Vec<Poly> = Vec::new();
    for i in 0..2 {
        let own = &values[s0 as usize][i];
        let n_act = g.actions(i).len();
        let mut count = 0usize;
        // Depth-first over paths of distinct states (explicit stack: no recursion).
        let mut on_path = vec![usize::MAX; g.states().len()];
        let mut states = vec![s0];
        let mut choice = vec![0usize];
        let mut pays: Vec<Q> = Vec::new();
        on_path[s0 as usize] = 0;
        while let Some(&s) = states.last() {
            let d = states.len() - 1;
            if choice[d] == n_act {
                on_path[s as usize] = usize::MAX;
                states.pop();
                choice.pop();
                pays.pop();
                if let Some(c) = choice.last_mut() {
                    *c += 1;
                }
                continue;
            }
            let mut a = g.states()[s as usize].play;
            a[i] = choice[d] as u32;
            let k = g.profile(a);
            let t = g.next(s, k);
            pays.truncate(d);
            pays.push(g.stage_payoffs(k)[i].clone());
            if on_path[t as usize] == usize::MAX {
                on_path[t as usize] = d + 1;
                states.push(t);
                choice.push(0);
            } else {
                count += 1;
                if count > max_lassos {
                    return Err(Error::Limit {
                        what: "deviation path",
                        detail: format!(
                            "{} can steer more than {max_lassos} distinct paths of play; the Nash check enumerates them",
                            g.players()[i]
                        ),
                    });
                }
                let v = lasso_value(&pays, on_path[t as usize]);
                let p = normalize(&own.num.mul(&v.den).sub(&v.num.mul(&own.den)));
                if !p.is_zero() && !out.contains(&p) {
                    out.push(p);
                }
                choice[d] += 1;
            }
        }
    }
    Ok(out)
}

/// Every root in (0, 1) of a family of polynomials, and each polynomial's sign on each piece.
struct Cut {
    points: Vec<Root>,
    /// `cell_signs[k][i]`: the sign of polynomial `i` on cell `k`.
    cell_signs: Vec<Vec<i32>>,
    /// `point_signs[k][i]`: the sign of polynomial `i` at point `k`.
    point_signs: Vec<Vec<i32>>,
}

impl Cut {
    fn new(polys: &[Poly], precision: &Q) -> Cut {
        let zero = Q::zero();
        let points = roots_in_unit_interval(polys, precision);
        let sign_at = |p: &Poly, r: &Root| match r {
            Root::Exact(q) => p.eval(q).signum(),
            Root::Interval { poly, lower, upper } => {
                if p.degree().unwrap_or(0) > 0 && p.shares_root_in(poly, lower, upper) {
                    0
                } else {
                    p.eval(upper).signum()
                }
            }
        };
        // The sign just right of a point (constant up to the next point: brackets hold no other root).
        let sign_right = |p: &Poly, r: Option<&Root>| match r {
            None => p.sign_right_of(&zero),
            Some(Root::Exact(q)) => p.sign_right_of(q),
            Some(Root::Interval { upper, .. }) => p.eval(upper).signum(),
        };
        let mut cell_signs = vec![polys.iter().map(|p| sign_right(p, None)).collect::<Vec<_>>()];
        let mut point_signs = Vec::new();
        for r in &points {
            point_signs.push(polys.iter().map(|p| sign_at(p, r)).collect());
            cell_signs.push(polys.iter().map(|p| sign_right(p, Some(r))).collect());
        }
        Cut { points, cell_signs, point_signs }
    }

    /// Where every polynomial of `idx` is nonnegative, as maximal intervals.
    fn set(&self, idx: &[usize]) -> Vec<Interval> {
        let holds = |signs: &[i32]| idx.iter().all(|&i| signs[i] >= 0);
        let end = |k: Option<usize>, at_one: bool| match k {
            Some(k) => self.points[k].clone(),
            None => Root::Exact(if at_one { Q::one() } else { Q::zero() }),
        };
        let mut out: Vec<Interval> = Vec::new();
        // Walk cell 0, point 0, cell 1, …, cell n; `open` is the start of the current run.
        let mut open: Option<(Option<usize>, bool)> = None;
        let n = self.points.len();
        for e in 0..=2 * n {
            let (ok, point) = if e % 2 == 0 {
                (holds(&self.cell_signs[e / 2]), None)
            } else {
                (holds(&self.point_signs[e / 2]), Some(e / 2))
            };
            match (ok, open) {
                (true, None) => {
                    open = Some(match point {
                        Some(k) => (Some(k), true),
                        None => (if e == 0 { None } else { Some(e / 2 - 1) }, false),
                    });
                }
                (false, Some((start, closed))) => {
                    // The run ends before element e: after a point (closed there) or a cell (open at
                    // this point).
                    let (upper, upper_closed) = match point {
                        Some(k) => (self.points[k].clone(), false),
                        None => (self.points[e / 2 - 1].clone(), true),
                    };
                    out.push(Interval {
                        lower: end(start, false),
                        lower_closed: closed,
                        upper,
                        upper_closed,
                    });
                    open = None;
                }
                _ => {}
            }
        }
        if let Some((start, closed)) = open {
            out.push(Interval {
                lower: end(start, false),
                lower_closed: closed,
                upper: end(None, true),
                upper_closed: false,
            });
        }
        out
    }
}

/// Every distinct root in (0, 1) of the nonconstant polynomials, in increasing order, with brackets
/// that hold no other root and do not touch one another.
///
/// The polynomials are first split into a coprime basis of square-free factors (so no two factors
/// share a root), each factor's roots are isolated on their own (small degree, small coefficients),
/// and overlapping brackets of different factors are refined until they separate.
fn roots_in_unit_interval(polys: &[Poly], precision: &Q) -> Vec<Root> {
    let (zero, one) = (Q::zero(), Q::one());
    let mut basis: Vec<Poly> = Vec::new();
    for p in polys {
        if p.degree().unwrap_or(0) > 0 {
            let f = p.square_free();
            if !basis.contains(&f) {
                basis.push(f);
            }
        }
    }
    // Coprime basis: split any two factors with a common divisor (total degree falls each time).
    'split: loop {
        for i in 0..basis.len() {
            for j in i + 1..basis.len() {
                let h = basis[i].gcd(&basis[j]);
                if h.degree().unwrap_or(0) > 0 {
                    let (a, b) = (basis[i].div_rem(&h).0, basis[j].div_rem(&h).0);
                    basis.swap_remove(j);
                    basis.swap_remove(i);
                    for f in [a, b, h] {
                        if f.degree().unwrap_or(0) > 0 && !basis.contains(&f) {
                            basis.push(f.square_free());
                        }
                    }
                    continue 'split;
                }
            }
        }
        break;
    }
    let mut roots: Vec<Root> = Vec::new();
    for f in &basis {
        let mut from = zero.clone();
        while let Some(r) = f.smallest_root_in(&from, &one, precision) {
            if r == Root::Exact(one.clone()) {
                break;
            }
            from = r.upper().clone();
            roots.push(r);
        }
    }
    // Separate brackets from every other root.
    let separated = |a: &Root, b: &Root| match (a, b) {
        (Root::Exact(x), Root::Exact(y)) => x != y,
        (Root::Exact(x), Root::Interval { lower, upper, .. })
        | (Root::Interval { lower, upper, .. }, Root::Exact(x)) => x < lower || x > upper,
        (Root::Interval { lower: l1, upper: u1, .. }, Root::Interval { lower: l2, upper: u2, .. }) => {
            u1 < l2 || u2 < l1
        }
    };
    let quarter = Q::ratio(1, 4).expect("nonzero");
    for i in 0..roots.len() {
        for j in i + 1..roots.len() {
            while !separated(&roots[i], &roots[j]) {
                for k in [i, j] {
                    if let Root::Interval { poly, lower, upper } = &roots[k] {
                        let width = &(upper - lower) * &quarter;
                        roots[k] = poly
                            .smallest_root_in(lower, upper, &width)
                            .expect("the bracket holds exactly one root");
                    }
                }
            }
        }
    }
    roots.sort_by(|a, b| a.key().cmp(b.key()));
    roots
}

/// How a rational compares with a root.
#[must_use]
pub fn cmp_root(x: &Q, r: &Root) -> Ordering {
    match r {
        Root::Exact(q) => x.cmp(q),
        Root::Interval { poly, lower, upper } => {
            if x <= lower {
                Ordering::Less
            } else if x >= upper {
                Ordering::Greater
            } else {
                let s = poly.eval(x).signum();
                if s == 0 {
                    Ordering::Equal
                } else if s == poly.eval(upper).signum() {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
        }
    }
}

/// Whether `x` lies in one of the intervals.
#[must_use]
pub fn contains(set: &[Interval], x: &Q) -> bool {
    set.iter().any(|iv| {
        let lo = cmp_root(x, &iv.lower);
        let hi = cmp_root(x, &iv.upper);
        (lo == Ordering::Greater || (iv.lower_closed && lo == Ordering::Equal))
            && (hi == Ordering::Less || (iv.upper_closed && hi == Ordering::Equal))
    })
}

/// The doctrine at one rational δ, checked independently of the polynomials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The discount factor.
    pub delta: Q,
    /// Each player's normalised payoff from the initial state.
    pub payoffs: [Q; 2],
    /// The slack of each condition of [`Analysis::conditions`], in the same order (normalised payoff
    /// of conforming minus deviating once).
    pub slacks: Vec<Q>,
    /// Whether every slack is nonnegative.
    pub subgame_perfect: bool,
    /// Whether no player gains by any deviation from the initial state (exact policy iteration).
    pub nash: bool,
    /// Each player's best value from the initial state against the other's automaton.
    pub best_values: [Q; 2],
}

/// Evaluates the doctrine at `delta` in plain rationals and checks the answer against `analysis`.
///
/// # Errors
/// [`Error::Unsupported`] for δ outside (0, 1); [`Error::VerificationFailed`] when the direct
/// computation and the polynomial analysis disagree (a bug).
pub fn evaluate(g: &RepeatedGame, analysis: &Analysis, delta: &Q) -> Result<Evaluation, Error> {
    let one = Q::one();
    if !delta.is_positive() || delta >= &one {
        return Err(Error::Unsupported {
            method: "repeated",
            reason: format!("the discount factor must be strictly between 0 and 1, not {delta}"),
        });
    }
    let n = g.states().len();
    let vals: Vec<[Q; 2]> = (0..n as u32)
        .map(|s| {
            let l = path(g, s);
            [0, 1].map(|i| lasso_value_at(&payoffs_of(g, &l, i), l.cycle_start, delta))
        })
        .collect();
    let fail = |what: String| Err(Error::VerificationFailed(what));
    let one_minus = &one - delta;
    let mut slacks = Vec::with_capacity(analysis.conditions.len());
    for c in &analysis.conditions {
        let s = c.state;
        let play = g.states()[s as usize].play;
        let k = g.profile(play);
        let mut a = play;
        a[c.player] = c.deviation;
        let kd = g.profile(a);
        let i = c.player;
        let conform = &(&one_minus * &g.stage_payoffs(k)[i]) + &(delta * &vals[g.next(s, k) as usize][i]);
        let deviate = &(&one_minus * &g.stage_payoffs(kd)[i]) + &(delta * &vals[g.next(s, kd) as usize][i]);
        let slack = &conform - &deviate;
        if slack.signum() != c.poly.eval(delta).signum() {
            return fail(format!(
                "the one-shot condition at state {s} has slack {slack} but the wrong sign in δ"
            ));
        }
        slacks.push(slack);
    }
    let subgame_perfect = slacks.iter().all(|s| !s.is_negative());
    if subgame_perfect != contains(&analysis.subgame_perfect, delta) {
        return fail(format!("subgame perfection at δ = {delta} disagrees with the δ-intervals"));
    }
    let s0 = g.initial() as usize;
    let payoffs = [vals[s0][0].clone(), vals[s0][1].clone()];
    for (i, (v, f)) in payoffs.iter().zip(&analysis.values[s0]).enumerate() {
        if v != &f.eval(delta) {
            return fail(format!("the value of the initial state to player {i} disagrees with its formula"));
        }
    }
    let best_values = [0, 1].map(|i| best_response_value(g, i, delta));
    let nash = (0..2).all(|i| best_values[i] <= payoffs[i]);
    if nash != contains(&analysis.nash, delta) {
        return fail(format!("the Nash check at δ = {delta} disagrees with the δ-intervals"));
    }
    if subgame_perfect && !nash {
        return fail("subgame perfect but not Nash".into());
    }
    Ok(Evaluation { delta: delta.clone(), payoffs, slacks, subgame_perfect, nash, best_values })
}

/// Player `i`'s best normalised value from the initial state against the other's automaton, by exact
/// policy iteration (stationary policies over automaton states; strict improvements only).
fn best_response_value(g: &RepeatedGame, i: usize, delta: &Q) -> Q {
    let one_minus = &Q::one() - delta;
    let n = g.states().len();
    let mut policy: Vec<u32> = g.states().iter().map(|s| s.play[i]).collect();
    let profile = |policy: &[u32], s: u32, b: u32| {
        let mut a = g.states()[s as usize].play;
        a[i] = b;
        let _ = policy;
        g.profile(a)
    };
    loop {
        let vals: Vec<Q> = (0..n as u32)
            .map(|s| {
                let l = lasso(g, s, |t| profile(&policy, t, policy[t as usize]));
                lasso_value_at(&payoffs_of(g, &l, i), l.cycle_start, delta)
            })
            .collect();
        let mut improved = false;
        for s in 0..n as u32 {
            let q = |b: u32| {
                let k = profile(&policy, s, b);
                &(&one_minus * &g.stage_payoffs(k)[i]) + &(delta * &vals[g.next(s, k) as usize])
            };
            let current = q(policy[s as usize]);
            let mut best = (current, policy[s as usize]);
            for b in 0..g.actions(i).len() as u32 {
                let v = q(b);
                if v > best.0 {
                    best = (v, b);
                }
            }
            if best.1 != policy[s as usize] {
                policy[s as usize] = best.1;
                improved = true;
            }
        }
        if !improved {
            return vals[g.initial() as usize].clone();
        }
    }
}
