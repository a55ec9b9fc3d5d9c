//! Thresholds of sequential equilibria in one parameter: where the equilibrium's play on the path
//! changes (`redline threshold` for models solved by `--method sequential`, such as the reputation
//! models, where the question is "how strong must the prior of resolve be to deter a slice?").
//!
//! **Method.** The sequential equilibrium is solved exactly (by the caller's solver, which certifies
//! it) at the midpoints of a grid of cells, and at width·2^-j (j = 3 … 12) from each end, where
//! thresholds of probabilities crowd; a point's *signature* is, for every information set the
//! equilibrium reaches with positive probability, the set of actions it plays there. Between
//! neighbouring points with different signatures the change is isolated by exact bisection that
//! prefers simple fractions: each step evaluates the simplest rational (Stern–Brocot) in the middle
//! third of the bracket, so a threshold with a small denominator is usually hit exactly, and the
//! bracket still shrinks geometrically. A point whose signature differs from both sides (the
//! equilibrium mixes exactly at the threshold) is the threshold when it is confirmed (below);
//! otherwise it splits the bracket in two. A point the solver cannot answer exactly (the n-player
//! agent-QRE limit next to a threshold, where an action is nearly indifferent) is replaced by its
//! Stern–Brocot neighbours in the bracket (mediants with the ends, breadth first, at most
//! [`MAX_ALTERNATES`]), among which the threshold itself often is; when none answers, the narrowing
//! stops and the bracket reached is reported.
//!
//! **Confirmation.** A threshold is reported as an exact value (`confirmed`) only when the certified
//! equilibrium at that rational value is exactly indifferent, at every information set reached on
//! both sides whose play differs (or, when there is none, every set whose play differs), between all
//! the actions either side plays there (the definition of a threshold:
//! the mover is indifferent and the play changes). Otherwise it is reported as a bracket of width at
//! most the precision. Limits: a change confined to a single point, or two changes inside one grid
//! cell that cancel, can escape the grid, as in [`crate::threshold_mixed`].

use redline_models::number::Q;
use redline_models::tree::{InfosetId, Tree};

use crate::equilibrium::Profile;
use crate::error::Error;
use crate::sequence::beliefs::beliefs;
use crate::sequential::Sequential;
use crate::sequential::assessment::action_values;

/// What [`analyze`] scans.
#[derive(Clone, Debug)]
pub struct Options {
    /// The lower end of the range.
    pub from: Q,
    /// The upper end.
    pub to: Q,
    /// Brackets are narrowed to this width.
    pub precision: Q,
    /// Grid cells scanned before bisection.
    pub grid: usize,
    /// At most this many thresholds (then the analysis is marked incomplete).
    pub max_thresholds: usize,
}

/// Per information set: the actions played there when the equilibrium reaches it, `None` off the path.
pub type Signature = Vec<Option<Vec<u32>>>;

/// An information set whose play changes, with the actions played there below and above
/// (`None`: not reached on that side).
pub type Change = (InfosetId, Option<Vec<u32>>, Option<Vec<u32>>);

/// Where a threshold is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Exactly here (confirmed by an exact indifference).
    Exact(Q),
    /// Somewhere in `(lower, upper)`.
    Bracket {
        /// Below the threshold.
        lower: Q,
        /// Above it.
        upper: Q,
    },
}

impl Value {
    /// A rational point standing for the threshold: the value itself, or the bracket's midpoint.
    #[must_use]
    pub fn point(&self) -> Q {
        match self {
            Value::Exact(q) => q.clone(),
            Value::Bracket { lower, upper } => (lower + upper) * Q::ratio(1, 2).expect("1/2"),
        }
    }
}

/// One change of the equilibrium's play.
#[derive(Clone, Debug)]
pub struct Threshold {
    /// Where.
    pub value: Value,
    /// The information sets whose play changes, with the actions played below and above.
    pub changes: Vec<Change>,
    /// The certified equilibrium at the threshold itself (for exact thresholds).
    pub at: Option<Sequential>,
}

/// A maximal interval where the play on the path does not change.
#[derive(Clone, Debug)]
pub struct Region {
    /// The lower end (the range's start or a threshold).
    pub from: Value,
    /// The upper end.
    pub to: Value,
    /// The rational point where `equilibrium` was solved.
    pub sample: Q,
    /// The certified sequential equilibrium at `sample`.
    pub equilibrium: Sequential,
}

/// The result of [`analyze`].
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The parameter varied.
    pub parameter: String,
    /// Thresholds in increasing order.
    pub thresholds: Vec<Threshold>,
    /// Regions between them, in order.
    pub regions: Vec<Region>,
    /// False when `max_thresholds` cut the scan short.
    pub complete: bool,
}

/// Points tried in place of a bisection point the solver cannot answer exactly.
pub const MAX_ALTERNATES: usize = 6;

/// The mediant (p + r)/(q + s) of p/q < r/s, strictly between them.
fn mediant(x: &Q, y: &Q) -> Q {
    let ((p, q), (r, s)) = (x.to_parts(), y.to_parts());
    Q::from_parts(p + r, q + s).expect("a positive denominator")
}

/// The simplest rational (smallest denominator, then smallest numerator) in `[lo, hi]`.
#[must_use]
pub fn simplest_between(lo: &Q, hi: &Q) -> Q {
    debug_assert!(lo <= hi);
    if !lo.is_positive() && !hi.is_negative() {
        return Q::zero();
    }
    if hi.is_negative() {
        return -simplest_between(&-hi.clone(), &-lo.clone());
    }
    // 0 < lo ≤ hi: continued-fraction terms common to both ends, then the smallest integer that
    // separates, folded back.
    let (mut l, mut h) = (lo.clone(), hi.clone());
    let mut terms: Vec<Q> = Vec::new();
    let last = loop {
        let fl = Q::from(l.floor());
        if fl == l {
            break l;
        }
        let up = &fl + &Q::one();
        if up <= h {
            break up;
        }
        terms.push(fl.clone());
        let (nl, nh) = ((&h - &fl).recip().expect("h > floor"), (&l - &fl).recip().expect("l > floor"));
        l = nl;
        h = nh;
    };
    terms.into_iter().rev().fold(last, |acc, a| &a + &acc.recip().expect("positive"))
}

/// The signature of a sequential equilibrium.
#[must_use]
pub fn signature(tree: &Tree, s: &Sequential) -> Signature {
    let reached = beliefs(tree, &Profile::Behavior(s.assessment.behavior.clone()));
    s.assessment
        .behavior
        .iter()
        .zip(reached)
        .map(|(row, r)| r.map(|_| (0..row.len() as u32).filter(|&a| !row[a as usize].is_zero()).collect()))
        .collect()
}

struct Scan<'a> {
    tree: Tree,
    theta: String,
    solve: &'a mut dyn FnMut(&Tree) -> Result<Sequential, Error>,
}

impl Scan<'_> {
    fn at(&mut self, t: &Q) -> Result<(Sequential, Signature), Error> {
        self.tree
            .set_parameters(&[(self.theta.clone(), t.clone())])
            .map_err(|e| Error::Unsupported { method: "threshold", reason: e.to_string() })?;
        let s = (self.solve)(&self.tree)?;
        let sig = signature(&self.tree, &s);
        Ok((s, sig))
    }

    /// The equilibrium at `c` (inside `(lo, hi)`), else at the first of up to
    /// [`MAX_ALTERNATES`] other points of `(lo, hi)` that the solver answers: the mediants of `c`
    /// with the bracket's ends, then of those, breadth first (Stern–Brocot neighbours, simple
    /// fractions that close in on both ends).
    fn probe(&mut self, lo: &Q, hi: &Q, c: Q) -> Option<(Q, Sequential, Signature)> {
        let mut queue = std::collections::VecDeque::from([(lo.clone(), c, hi.clone())]);
        for _ in 0..=MAX_ALTERNATES {
            let (a, c, b) = queue.pop_front()?;
            if let Ok((s, sig)) = self.at(&c) {
                return Some((c, s, sig));
            }
            for (x, y) in [(&a, &c), (&c, &b)] {
                let m = mediant(x, y);
                queue.push_back((x.clone(), m, y.clone()));
            }
        }
        None
    }

    /// Whether the equilibrium at the threshold is indifferent where the sides differ.
    fn confirms(
        &mut self,
        t: &Q,
        at: &Sequential,
        below: &Signature,
        above: &Signature,
    ) -> Result<bool, Error> {
        // The beliefs and values depend on the parameter: evaluate at the equilibrium's own value.
        self.tree
            .set_parameters(&[(self.theta.clone(), t.clone())])
            .map_err(|e| Error::Unsupported { method: "threshold", reason: e.to_string() })?;
        let values = action_values(&self.tree, &at.assessment)?;
        // The decisive sets are those reached on both sides whose play changes; play at sets reached
        // on one side only follows from them (when there are none, every changed set counts).
        let decisive = below.iter().zip(above).any(|(b, a)| b.is_some() && a.is_some() && b != a);
        for (h, (b, a)) in below.iter().zip(above).enumerate() {
            if b == a || (decisive && (b.is_none() || a.is_none())) {
                continue;
            }
            let Some(v) = &values[h] else { return Ok(false) };
            let best = v.iter().max().expect("actions");
            let tied = b.iter().chain(a).flatten().all(|&k| v[k as usize] == *best);
            if !tied {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn changes(below: &Signature, above: &Signature) -> Vec<Change> {
    below
        .iter()
        .zip(above)
        .enumerate()
        .filter(|(_, (b, a))| b != a)
        .map(|(h, (b, a))| (h as InfosetId, b.clone(), a.clone()))
        .collect()
}

/// Scans `theta` over `[opts.from, opts.to]` for changes of the sequential equilibrium's play,
/// solving with `solve` (which must return certified equilibria).
///
/// # Errors
/// What `solve` returns; [`Error::Unsupported`] for an unknown parameter or a value it refuses.
pub fn analyze(
    tree: &Tree,
    theta: &str,
    opts: &Options,
    solve: &mut dyn FnMut(&Tree) -> Result<Sequential, Error>,
) -> Result<Analysis, Error> {
    if !tree.parameters().iter().any(|p| p.name == theta) {
        return Err(Error::Unsupported {
            method: "threshold",
            reason: format!("the game has no parameter `{theta}`"),
        });
    }
    if opts.from >= opts.to || opts.grid == 0 {
        return Err(Error::Unsupported { method: "threshold", reason: "the range is empty".into() });
    }
    let mut scan = Scan { tree: tree.clone(), theta: theta.to_string(), solve };
    let width = &opts.to - &opts.from;
    let cells = opts.grid as i64;
    let mut points: Vec<(Q, Sequential, Signature)> = Vec::with_capacity(opts.grid);
    let mut last_error = None;
    for k in 0..opts.grid {
        // The cell's midpoint, else the simplest fraction in its middle half (a solver that rounds
        // to small denominators may answer there), else the cell is skipped.
        let at = |num: i64| &opts.from + &(&width * &Q::ratio(num, 4 * cells).expect("a positive grid"));
        let mid = at(4 * k as i64 + 2);
        let simple = simplest_between(&at(4 * k as i64 + 1), &at(4 * k as i64 + 3));
        for t in [mid, simple] {
            match scan.at(&t) {
                Ok((s, sig)) => {
                    points.push((t, s, sig));
                    break;
                }
                Err(e @ Error::Unsupported { .. }) => last_error = Some(e),
                Err(e) => return Err(e),
            }
        }
    }
    // Thresholds crowd towards the ends of a range (a prior's thresholds are powers b^k): look at
    // width·2^-j from each end as well, down to 2^-12.
    for j in 3..=12 {
        let step = &width * &Q::ratio(1, 1 << j).expect("a power of two");
        for t in [&opts.from + &step, &opts.to - &step] {
            if points.iter().any(|p| p.0 == t) {
                continue;
            }
            if let Ok((s, sig)) = scan.at(&t) {
                points.push((t, s, sig));
            }
        }
    }
    points.sort_by(|a, b| a.0.cmp(&b.0));
    if points.is_empty() {
        return Err(last_error
            .unwrap_or(Error::Unsupported { method: "threshold", reason: "the range is empty".into() }));
    }
    // A grid point unlike both neighbours may sit exactly on a threshold (the equilibrium mixes
    // there): look a quarter cell to each side, so each side of it is seen.
    let quarter_cell = &width * &Q::ratio(1, 4 * cells).expect("a positive grid");
    let mut extra = Vec::new();
    for i in 0..points.len() {
        let differs = |j: Option<usize>| j.and_then(|j| points.get(j)).is_none_or(|p| p.2 != points[i].2);
        if differs(i.checked_sub(1)) && differs(Some(i + 1)) {
            for t in [&points[i].0 - &quarter_cell, &points[i].0 + &quarter_cell] {
                if t > opts.from && t < opts.to {
                    if let Ok((s, sig)) = scan.at(&t) {
                        extra.push((t, s, sig));
                    }
                }
            }
        }
    }
    points.extend(extra);
    points.sort_by(|a, b| a.0.cmp(&b.0));
    let one_third = Q::ratio(1, 3).expect("1/3");
    let mut thresholds: Vec<Threshold> = Vec::new();
    let mut complete = true;
    for w in points.windows(2) {
        let ((lo0, eq_lo, sig_lo0), (hi0, eq_hi, sig_hi0)) = (&w[0], &w[1]);
        if sig_lo0 == sig_hi0 {
            continue;
        }
        // A point of the scan that is itself the threshold (found from both sides, merged below).
        let mut on_point = None;
        for (t, eq) in [(hi0, eq_hi), (lo0, eq_lo)] {
            if on_point.is_none() && scan.confirms(t, eq, sig_lo0, sig_hi0)? {
                on_point = Some((t.clone(), eq.clone()));
            }
        }
        if let Some((t, eq)) = on_point {
            thresholds.push(Threshold {
                value: Value::Exact(t),
                changes: changes(sig_lo0, sig_hi0),
                at: Some(eq),
            });
            continue;
        }
        // Brackets still to isolate, each with the signatures at its ends.
        let mut work = vec![(lo0.clone(), sig_lo0.clone(), hi0.clone(), sig_hi0.clone())];
        let mut found: Vec<Threshold> = Vec::new();
        while let Some((mut lo, sig_lo, mut hi, sig_hi)) = work.pop() {
            if found.len() + thresholds.len() >= opts.max_thresholds {
                complete = false;
                break;
            }
            let mut done = None;
            let mut stuck = false;
            while &hi - &lo > opts.precision {
                let third = (&hi - &lo) * one_third.clone();
                let c = simplest_between(&(&lo + &third), &(&hi - &third));
                // A point the solver cannot answer exactly (the agent-QRE limit next to a
                // threshold, where an action is nearly indifferent) is replaced by nearby fractions
                // (the threshold itself is often one of them); when none answers, the narrowing
                // ends and the bracket so far is reported.
                let Some((c, s, sig)) = scan.probe(&lo, &hi, c) else {
                    stuck = true;
                    break;
                };
                if sig == sig_lo {
                    lo = c;
                } else if sig == sig_hi {
                    hi = c;
                } else {
                    if scan.confirms(&c, &s, &sig_lo, &sig_hi)? {
                        done = Some(Threshold {
                            value: Value::Exact(c),
                            changes: changes(&sig_lo, &sig_hi),
                            at: Some(s),
                        });
                    } else {
                        work.push((c.clone(), sig.clone(), hi.clone(), sig_hi.clone()));
                        work.push((lo.clone(), sig_lo.clone(), c, sig));
                    }
                    break;
                }
            }
            if let Some(t) = done {
                found.push(t);
                continue;
            }
            if stuck {
                let value = Value::Bracket { lower: lo.clone(), upper: hi.clone() };
                found.push(Threshold { value, changes: changes(&sig_lo, &sig_hi), at: None });
                continue;
            }
            if &hi - &lo > opts.precision {
                continue; // split above
            }
            // Narrow enough: the simplest fraction inside, confirmed by an exact indifference.
            let c = simplest_between(&lo, &hi);
            let confirmed = match scan.at(&c) {
                Ok((s, _)) if scan.confirms(&c, &s, &sig_lo, &sig_hi)? => Some(s),
                _ => None,
            };
            let value = if confirmed.is_some() {
                Value::Exact(c)
            } else {
                Value::Bracket { lower: lo.clone(), upper: hi.clone() }
            };
            found.push(Threshold { value, changes: changes(&sig_lo, &sig_hi), at: confirmed });
        }
        found.sort_by_key(|t| t.value.point());
        thresholds.extend(found);
        if !complete {
            break;
        }
    }
    // A threshold found from both sides (a grid point on it) is one threshold.
    let mut merged: Vec<Threshold> = Vec::with_capacity(thresholds.len());
    for t in thresholds {
        match merged.last_mut() {
            Some(prev) if matches!((&prev.value, &t.value), (Value::Exact(a), Value::Exact(b)) if a == b) => {
                for c in t.changes {
                    if let Some(old) = prev.changes.iter_mut().find(|o| o.0 == c.0) {
                        old.2 = c.2;
                    } else {
                        prev.changes.push(c);
                    }
                }
                prev.changes.retain(|(_, below, above)| below != above);
                prev.changes.sort_by_key(|c| c.0);
            }
            _ => merged.push(t),
        }
    }
    let thresholds = merged;
    // Regions: the grid point solved inside each interval between thresholds.
    let mut regions: Vec<Region> = Vec::new();
    let mut bounds: Vec<Value> = vec![Value::Exact(opts.from.clone())];
    bounds.extend(thresholds.iter().map(|t| t.value.clone()));
    bounds.push(Value::Exact(opts.to.clone()));
    for pair in bounds.windows(2) {
        let (a, b) = (pair[0].point(), pair[1].point());
        // The simplest fraction in the region's middle third, else a scanned point inside it.
        let third = (&b - &a) * one_third.clone();
        let simple = simplest_between(&(&a + &third), &(&b - &third));
        let (sample, equilibrium) = match scan.at(&simple) {
            Ok((s, _)) => (simple, s),
            Err(e) => points
                .iter()
                .find(|(t, _, _)| *t > a && *t < b)
                .map(|(t, s, _)| (t.clone(), s.clone()))
                .ok_or(e)?,
        };
        regions.push(Region { from: pair[0].clone(), to: pair[1].clone(), sample, equilibrium });
    }
    Ok(Analysis { parameter: theta.to_string(), thresholds, regions, complete })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    #[test]
    fn simplest_fractions() {
        assert_eq!(simplest_between(&q("1/9"), &q("1/7")), q("1/7"));
        assert_eq!(simplest_between(&q("11/100"), &q("13/100")), q("1/8"));
        assert_eq!(simplest_between(&q("3/10"), &q("7/20")), q("1/3"));
        assert_eq!(simplest_between(&q("2"), &q("5/2")), q("2"));
        assert_eq!(simplest_between(&q("-5/2"), &q("-2")), q("-2"));
        assert_eq!(simplest_between(&q("-1"), &q("3")), q("0"));
        assert_eq!(simplest_between(&q("7/5"), &q("7/5")), q("7/5"));
        assert_eq!(simplest_between(&q("2/2000001"), &q("2/1999999")), q("1/1000000"));
    }
}
