//! Thresholds of two-player strategic-form games, whose equilibria are mixed: every value of one
//! parameter θ where the set of extreme Nash equilibria changes its supports.
//!
//! **Class:** two-player strategic-form games whose payoffs are polynomials in θ (θ not in a
//! denominator). **Method:** ALGORITHMS.md §16.2's robust route. (1) Every extreme equilibrium is
//! computed exactly ([`crate::strategic::enumeration`]) at the midpoints of a grid of cells over
//! `[from, to]`, and each point gets its *signature*: the sorted list of the support pairs. (2)
//! Where two neighbouring points differ, exact bisection narrows every change to a bracket. (3) The
//! bracket is confirmed by the *boundary polynomials* of the supports known on both sides: for a
//! support pair `(I, J)` of equal sizes, Cramer's rule makes each probability and each non-support
//! strategy's payoff gap a ratio of polynomials in θ (found exactly by evaluation at enough rational
//! points and interpolation); the threshold is the root of one of them in the bracket, exact when
//! rational, else isolated to `precision`, and the signatures on both sides of it are checked.
//! Brackets with no such root are reported as bracketed only (`confirmed: false`). (4) Every region
//! between thresholds is certified by an exact solve at a point inside it.
//!
//! **Limits (documented, not hidden):** a change that holds at a single point only (the signature is
//! the same on both sides), or two changes inside one grid cell that cancel, is not seen by the grid;
//! the `grid` option trades time for resolution. Perfect-information trees get the exact sweep of
//! [`crate::threshold`], which has no such limit.
//! **Complexity:** `grid + brackets · log2(range / precision)` exact solves, plus one interpolation
//! per support pair at each bracket.

use redline_models::expr::{BinOp, Expr};
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;

use crate::error::Error;
use crate::poly::{Poly, Root};
use crate::strategic::{MixedEquilibrium, enumeration};

/// Options for [`analyze`].
#[derive(Clone, Debug)]
pub struct Options {
    /// The lower end of the range.
    pub from: Q,
    /// The upper end of the range.
    pub to: Q,
    /// The largest width of an isolating interval, and of a bracket that no polynomial confirms.
    pub precision: Q,
    /// The number of grid cells.
    pub grid: usize,
    /// Stop after this many thresholds.
    pub max_thresholds: usize,
}

/// A support pair: the strategies each player uses with positive probability.
pub type Supports = (Vec<usize>, Vec<usize>);

/// A value of θ where the supports of the extreme equilibria change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// Where: exact, or bracketed. When `confirmed` is false this is a bisection bracket and its
    /// polynomial is zero (unknown).
    pub value: Root,
    /// True when a boundary polynomial of the known supports vanishes there and the supports on
    /// both sides were checked; false for a bisection bracket alone.
    pub confirmed: bool,
    /// The support pairs just below and just above.
    pub below: Vec<Supports>,
    /// The support pairs just above.
    pub above: Vec<Supports>,
}

/// An interval of θ with one set of equilibrium supports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The lower end.
    pub from: Root,
    /// The upper end.
    pub to: Root,
    /// The point where the equilibria below were computed.
    pub sample: Q,
    /// Every extreme equilibrium at `sample`, verified exactly.
    pub equilibria: Vec<MixedEquilibrium>,
}

/// The result of [`analyze`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// The parameter.
    pub parameter: String,
    /// The thresholds, in increasing order.
    pub thresholds: Vec<Threshold>,
    /// The regions, one more than the thresholds.
    pub regions: Vec<Region>,
    /// False when `max_thresholds` stopped the scan.
    pub complete: bool,
}

type Signature = Vec<Supports>;

struct Scan<'g> {
    game: &'g StrategicGame,
    theta: String,
    /// The payoffs as polynomials in θ, per profile and player (`payoffs[k * 2 + i]`).
    payoffs: Vec<Poly>,
    degree: usize,
}

impl Scan<'_> {
    fn solve_at(&self, t: &Q) -> Result<Vec<MixedEquilibrium>, Error> {
        let mut g = self.game.clone();
        g.set_parameters(&[(self.theta.clone(), t.clone())])
            .map_err(|e| Error::Unsupported { method: "threshold", reason: e.to_string() })?;
        Ok(enumeration::solve(&g)?.equilibria)
    }

    fn signature(&self, t: &Q) -> Result<Signature, Error> {
        Ok(signature_of(&self.solve_at(t)?))
    }

    /// Payoff of player `i` at (row `r`, column `c`), as a polynomial.
    fn pay(&self, r: usize, c: usize, i: usize) -> &Poly {
        &self.payoffs[self.game.profile_index(&[r, c]) * 2 + i]
    }

    /// The boundary polynomials of one support pair: the numerators (over the common determinant)
    /// of every support probability and every non-support strategy's payoff gap, for both players.
    fn boundary(&self, (rows, cols): &Supports) -> Vec<Poly> {
        let mut out = Vec::new();
        if rows.len() != cols.len() {
            return out;
        }
        let shape = self.game.shape();
        // Column player's mix from the row player's indifference, and vice versa.
        for (mine, theirs, other_count, player) in [(rows, cols, shape[0], 0usize), (cols, rows, shape[1], 1)]
        {
            let s = theirs.len();
            let degree = (s + 1) * self.degree.max(1);
            let entry = |own: usize, their: usize, t: &Q| -> Q {
                let (r, c) = if player == 0 { (own, their) } else { (their, own) };
                self.pay(r, c, player).eval(t)
            };
            // Values of det·(probabilities), det·v and det·gaps at degree + 1 nonsingular points.
            let n_values = s + 1 + other_count;
            let mut xs: Vec<Q> = Vec::new();
            let mut ys: Vec<Vec<Q>> = vec![Vec::new(); n_values];
            let mut k = 0i64;
            while xs.len() <= degree && k < 4 * (degree as i64 + 8) {
                let t = Q::from_int(k);
                k += 1;
                // Unknowns: the mix over `theirs`, then the value v. Rows: each own strategy in
                // `mine` earns v; the mix sums to 1.
                let mut m: Vec<Vec<Q>> = mine
                    .iter()
                    .map(|&a| {
                        let mut row: Vec<Q> = theirs.iter().map(|&b| entry(a, b, &t)).collect();
                        row.push(-Q::one());
                        row.push(Q::zero());
                        row
                    })
                    .collect();
                let mut last = vec![Q::one(); s];
                last.push(Q::zero());
                last.push(Q::one());
                m.push(last);
                let Some((det, sol)) = solve_linear(m) else { continue };
                for (j, p) in sol.iter().enumerate() {
                    ys[j].push(&det * p);
                }
                for a in 0..other_count {
                    let gain: Q = theirs.iter().zip(&sol).map(|(&b, p)| &entry(a, b, &t) * p).sum();
                    ys[s + 1 + a].push(&det * &(&gain - &sol[s]));
                }
                xs.push(t);
            }
            if xs.len() <= degree {
                continue; // singular everywhere sampled: no boundary from this pair
            }
            for (j, y) in ys.iter().enumerate() {
                let is_own_support = j > s && mine.contains(&(j - s - 1));
                if j == s || is_own_support {
                    continue; // the value itself, and gaps that vanish identically
                }
                let p = interpolate(&xs, y);
                if p.degree().unwrap_or(0) > 0 {
                    out.push(p);
                }
            }
        }
        out
    }
}

fn signature_of(equilibria: &[MixedEquilibrium]) -> Signature {
    let support = |v: &[Q]| -> Vec<usize> { (0..v.len()).filter(|&k| !v[k].is_zero()).collect() };
    let mut sig: Signature =
        equilibria.iter().map(|e| (support(&e.strategies[0]), support(&e.strategies[1]))).collect();
    sig.sort();
    sig.dedup();
    sig
}

/// Solves the square system `m · x = (0, …, 0, 1)` given as an augmented matrix; returns the
/// determinant and the solution, or `None` when singular.
fn solve_linear(mut m: Vec<Vec<Q>>) -> Option<(Q, Vec<Q>)> {
    let n = m.len();
    let mut det = Q::one();
    for col in 0..n {
        let pivot = (col..n).find(|&r| !m[r][col].is_zero())?;
        if pivot != col {
            m.swap(pivot, col);
            det = -det;
        }
        det = &det * &m[col][col];
        let inv = m[col][col].recip().expect("nonzero pivot");
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != col && !row[col].is_zero() {
                let f = &row[col] * &inv;
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x = &*x - &(&f * p);
                }
            }
        }
    }
    let sol = (0..n).map(|r| &m[r][n] * &m[r][r].recip().expect("nonzero pivot")).collect();
    Some((det, sol))
}

/// The polynomial through the points `(xs[k], ys[k])` (Newton's divided differences).
fn interpolate(xs: &[Q], ys: &[Q]) -> Poly {
    let n = xs.len();
    let mut coef = ys.to_vec();
    for level in 1..n {
        for k in (level..n).rev() {
            let num = &coef[k] - &coef[k - 1];
            let den = &xs[k] - &xs[k - level];
            coef[k] = num.checked_div(&den).expect("distinct points");
        }
    }
    let mut p = Poly::constant(coef[n - 1].clone());
    for k in (0..n - 1).rev() {
        let factor = Poly::from_coeffs(vec![-xs[k].clone(), Q::one()]);
        p = p.mul(&factor).add(&Poly::constant(coef[k].clone()));
    }
    p
}

/// An expression as a polynomial in `theta`, other parameters at their values (shared with
/// [`crate::threshold`]).
pub(crate) fn expr_poly(e: &Expr, theta: &str, lookup: &dyn Fn(&str) -> Option<Q>) -> Result<Poly, Error> {
    let unsupported = |reason: String| Error::Unsupported { method: "threshold", reason };
    e.fold(
        |q| Ok(Poly::constant(q.clone())),
        |name| {
            if name == theta {
                Ok(Poly::theta())
            } else {
                lookup(name).map(Poly::constant).ok_or_else(|| unsupported(format!("unknown parameter `{name}`")))
            }
        },
        |p| p.scale(&-Q::one()),
        |op, a, b| match op {
            BinOp::Add => Ok(a.add(&b)),
            BinOp::Sub => Ok(a.sub(&b)),
            BinOp::Mul => Ok(a.mul(&b)),
            BinOp::Div => match b.as_constant().and_then(|c| c.recip()) {
                Some(inv) => Ok(a.scale(&inv)),
                None => Err(unsupported(format!(
                    "`{}` divides by zero or by an expression in `{theta}`; thresholds need payoffs and probabilities that are polynomials in the parameter",
                    e.text()
                ))),
            },
        },
    )
}

/// Finds every change of the equilibrium supports of a two-player game as `theta` moves over
/// `(from, to)`.
///
/// # Errors
/// [`Error::Unsupported`] for games with other than two players, an unknown parameter, an empty
/// range, or θ in a denominator; errors of the exact solves.
pub fn analyze(game: &StrategicGame, theta: &str, opts: &Options) -> Result<Analysis, Error> {
    let unsupported = |reason: String| Error::Unsupported { method: "threshold", reason };
    if game.n_players() != 2 {
        return Err(unsupported(format!(
            "thresholds of strategic-form games need two players (this game has {})",
            game.n_players()
        )));
    }
    let Some(param) = game.parameters().iter().find(|p| p.name == theta) else {
        let names: Vec<&str> = game.parameters().iter().map(|p| p.name.as_str()).collect();
        return Err(unsupported(format!(
            "the game has no parameter `{theta}` (its parameters: {})",
            if names.is_empty() { "none".to_string() } else { names.join(", ") }
        )));
    };
    if opts.from >= opts.to {
        return Err(unsupported(format!("the range [{}, {}] is empty", opts.from, opts.to)));
    }
    for end in [&opts.from, &opts.to] {
        param.check(end).map_err(|e| unsupported(format!("the range [{}, {}]: {e}", opts.from, opts.to)))?;
    }
    let values = game.parameter_values();
    let lookup =
        |name: &str| game.parameters().iter().position(|p| p.name == name).map(|k| values[k].clone());
    let mut payoffs = Vec::with_capacity(game.n_profiles() * 2);
    for k in 0..game.n_profiles() {
        match game.payoff_exprs_at(k) {
            Some(es) => {
                for e in es {
                    payoffs.push(expr_poly(e, theta, &lookup)?);
                }
            }
            None => payoffs.extend(game.payoffs_at(k).iter().cloned().map(Poly::constant)),
        }
    }
    let degree = payoffs.iter().filter_map(Poly::degree).max().unwrap_or(0);
    let scan = Scan { game, theta: theta.to_string(), payoffs, degree };

    // (1) The grid: cell midpoints, so that the range's ends (often tie points) are not sampled.
    let cells = opts.grid.max(1);
    let width = &opts.to - &opts.from;
    let cell = width.checked_div(&Q::from_int(cells as i64)).expect("positive count");
    let half = Q::ratio(1, 2).expect("nonzero");
    let points: Vec<Q> =
        (0..cells).map(|k| &opts.from + &(&cell * &(&Q::from_int(k as i64) + &half))).collect();
    let sigs: Vec<Signature> = points.iter().map(|t| scan.signature(t)).collect::<Result<_, _>>()?;

    // (2) Bisection of every change down to a coarse bracket.
    let coarse = width.checked_div(&Q::from_int(1 << 24)).expect("nonzero").max(opts.precision.clone());
    let mut brackets: Vec<(Q, Signature, Q, Signature)> = Vec::new();
    for k in 0..cells.saturating_sub(1) {
        if sigs[k] == sigs[k + 1] {
            continue;
        }
        let mut work = vec![(points[k].clone(), sigs[k].clone(), points[k + 1].clone(), sigs[k + 1].clone())];
        while let Some((a, sa, b, sb)) = work.pop() {
            if &b - &a <= coarse || brackets.len() > opts.max_thresholds * 4 {
                brackets.push((a, sa, b, sb));
                continue;
            }
            let m = &(&a + &b) * &half;
            let sm = scan.signature(&m)?;
            if sm != sa {
                work.push((a.clone(), sa.clone(), m.clone(), sm.clone()));
            }
            if sm != sb {
                work.push((m, sm, b, sb));
            }
        }
    }
    brackets.sort_by(|x, y| x.0.cmp(&y.0));

    // (3) Confirmation by the boundary polynomials of the supports on both sides.
    let mut thresholds: Vec<Threshold> = Vec::new();
    for (a, sa, b, sb) in brackets {
        let mut polys: Vec<Poly> = Vec::new();
        for pair in sa.iter().chain(&sb) {
            polys.extend(scan.boundary(pair));
        }
        let mut found: Option<Root> = None;
        for p in &polys {
            // A root in [a, b]: `smallest_root_in` looks in (a, b], so a root at `a` is tested apart.
            let root = if p.eval(&a).is_zero() {
                Some(Root::Exact(a.clone()))
            } else {
                p.smallest_root_in(&a, &b, &opts.precision)
            };
            if let Some(r) = root
                && found.as_ref().is_none_or(|f| r.lower() < f.lower())
            {
                found = Some(r);
            }
        }
        let (value, confirmed) = match found {
            Some(r) => {
                let (lo, hi) = (r.lower().clone(), r.upper().clone());
                let left = if lo > a { &(&a + &lo) * &half } else { a.clone() };
                let right = if hi < b { &(&hi + &b) * &half } else { b.clone() };
                let ok = (left == a || scan.signature(&left)? == sa)
                    && (right == b || scan.signature(&right)? == sb);
                if ok {
                    (r, true)
                } else {
                    (Root::Interval { poly: Poly::zero(), lower: a, upper: b }, false)
                }
            }
            None => {
                // Unconfirmed: narrow the bracket to `precision` by bisection alone.
                let (mut a, mut b) = (a, b);
                while &b - &a > opts.precision {
                    let m = &(&a + &b) * &half;
                    if scan.signature(&m)? == sa { a = m } else { b = m }
                }
                (bracket(a, b), false)
            }
        };
        if thresholds.last().is_some_and(|t: &Threshold| t.value == value) {
            let last = thresholds.last_mut().expect("checked");
            last.above = sb;
            continue;
        }
        thresholds.push(Threshold { value, confirmed, below: sa, above: sb });
        if thresholds.len() >= opts.max_thresholds {
            break;
        }
    }
    let complete = thresholds.len() < opts.max_thresholds;

    // (4) Regions, each certified by an exact solve inside it.
    let mut bounds: Vec<Root> = vec![Root::Exact(opts.from.clone())];
    bounds.extend(thresholds.iter().map(|t| t.value.clone()));
    bounds.push(Root::Exact(opts.to.clone()));
    let mut regions = Vec::with_capacity(bounds.len() - 1);
    for w in bounds.windows(2) {
        let sample = &(w[0].upper() + w[1].lower()) * &half;
        let equilibria = scan.solve_at(&sample)?;
        regions.push(Region { from: w[0].clone(), to: w[1].clone(), sample, equilibria });
    }
    Ok(Analysis { parameter: theta.to_string(), thresholds, regions, complete })
}

/// A bisection bracket with no polynomial to confirm it.
fn bracket(lower: Q, upper: Q) -> Root {
    Root::Interval { poly: Poly::zero(), lower, upper }
}
