//! An exact primal simplex for `max cᵀz s.t. C·z ≤ b, z ≥ 0` with `b ≥ 0`, on a fraction-free
//! integer tableau, with an exact optimality certificate.
//!
//! **Used by:** [`super::lp`] (the fallback of the zero-sum LP) and [`super::stackelberg`] (one LP per
//! follower reply). **Complexity:** O(rows × columns) integer operations per pivot. **Reference:**
//! Dantzig (1951); the lexicographic rule of Dantzig, Orden & Wolfe (1955), which cannot cycle.
//!
//! With `b ≥ 0` the slack basis is feasible, so no phase 1 is needed. Entering columns are chosen by
//! the most negative reduced cost (Dantzig), leaving rows by the lexicographic ratio test. At the
//! optimum the reduced costs of the slack columns are the dual solution `u` of
//! `min bᵀu s.t. Cᵀu ≥ c, u ≥ 0`; [`Optimum::certify`] checks primal feasibility, dual feasibility
//! and equal objectives exactly, which proves optimality independently of the pivoting.

use super::tableau::{Int, Tableau};
use crate::error::Error;

/// An optimal basic solution, every value scaled by the common positive denominator `det`.
#[derive(Clone, Debug)]
pub(crate) struct Optimum<Z> {
    /// `det·z` for each structural variable.
    pub(crate) primal: Vec<Z>,
    /// `det·u` for each constraint (the dual solution).
    pub(crate) dual: Vec<Z>,
    /// `det·cᵀz`, the optimal objective.
    pub(crate) objective: Z,
    /// The positive common denominator.
    pub(crate) det: Z,
}

/// Solves `max cᵀz s.t. C·z ≤ b, z ≥ 0` exactly; `C` is `rows × c.len()`, `b ≥ 0`.
///
/// # Errors
/// [`Error::VerificationFailed`] when the LP is unbounded (the callers' LPs are bounded, so this is
/// a bug).
pub(crate) fn maximize<Z: Int>(constraints: &[Vec<Z>], b: &[Z], c: &[Z]) -> Result<Optimum<Z>, Error> {
    let (m, n) = (constraints.len(), c.len());
    debug_assert!(b.iter().all(|v| !v.is_negative()), "the slack basis must be feasible");
    // Columns: z_0..z_{n−1}, then slacks s_0..s_{m−1}; rows: the constraints, then the objective
    // row obj − cᵀz = 0.
    let mut rows: Vec<Vec<Z>> = constraints
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = Vec::with_capacity(n + m);
            row.extend(r.iter().cloned());
            row.extend((0..m).map(|k| Z::from_i64(i64::from(k == i))));
            row
        })
        .collect();
    let mut objective: Vec<Z> = c.iter().map(|v| Z::zero().sub(v)).collect();
    objective.extend((0..m).map(|_| Z::zero()));
    rows.push(objective);
    let mut rhs = b.to_vec();
    rhs.push(Z::zero());
    let mut t = Tableau::new(rows, rhs, (n..n + m).collect());
    loop {
        // Every reduced cost is over the same positive det, so the integers compare directly.
        let entering = (0..n + m)
            .filter(|&j| t.row_of(j).is_none() && t.at(m, j).is_negative())
            .min_by(|&j, &k| t.at(m, j).cmp(t.at(m, k)).then(j.cmp(&k)));
        let Some(s) = entering else { break };
        let Some(r) = t.lex_min_ratio(s) else {
            return Err(Error::VerificationFailed("the LP is unbounded".into()));
        };
        t.pivot(r, s);
    }
    Ok(Optimum {
        primal: (0..n).map(|j| t.value(j)).collect(),
        dual: (0..m).map(|i| t.at(m, n + i).clone()).collect(),
        objective: t.rhs(m).clone(),
        det: t.det().clone(),
    })
}

impl<Z: Int> Optimum<Z> {
    /// Checks exactly that the primal and dual solutions are feasible and have equal objectives,
    /// which proves both optimal (weak duality).
    pub(crate) fn certify(&self, constraints: &[Vec<Z>], b: &[Z], c: &[Z]) -> Result<(), Error> {
        let fail = |why: &str| Err(Error::VerificationFailed(format!("LP certificate: {why}")));
        if !self.det.is_positive() || self.primal.iter().chain(&self.dual).any(Int::is_negative) {
            return fail("a negative value");
        }
        // Primal: C·z ≤ b, i.e. C·(det·z) ≤ det·b.
        for (row, bi) in constraints.iter().zip(b) {
            if dot(row, &self.primal) > bi.mul(&self.det) {
                return fail("a constraint is violated");
            }
        }
        // Dual: Cᵀu ≥ c.
        for (j, cj) in c.iter().enumerate() {
            let col =
                constraints.iter().zip(&self.dual).fold(Z::zero(), |acc, (row, u)| acc.add(&row[j].mul(u)));
            if col < cj.mul(&self.det) {
                return fail("a dual constraint is violated");
            }
        }
        // Objectives: cᵀz = bᵀu = objective.
        if dot(c, &self.primal) != self.objective || dot(b, &self.dual) != self.objective {
            return fail("the primal and dual objectives differ");
        }
        Ok(())
    }
}

/// `Σ_k a_k·b_k`.
pub(crate) fn dot<Z: Int>(a: &[Z], b: &[Z]) -> Z {
    a.iter()
        .zip(b)
        .fold(Z::zero(), |acc, (u, v)| if v.is_zero() || u.is_zero() { acc } else { acc.add(&u.mul(v)) })
}

#[cfg(test)]
mod tests {
    use super::super::tableau::witness;
    use super::*;

    #[test]
    fn small_lp_with_certificate() {
        fn run<Z: Int>(_w: Z) {
            let z = |v: i64| Z::from_i64(v);
            // max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3: optimum (3, 1), value 11.
            let c_rows = vec![vec![z(1), z(1)], vec![z(1), z(3)], vec![z(1), z(0)]];
            let (b, c) = (vec![z(4), z(6), z(3)], vec![z(3), z(2)]);
            let o = maximize(&c_rows, &b, &c).unwrap();
            o.certify(&c_rows, &b, &c).unwrap();
            assert_eq!(o.objective.to_q().checked_div(&o.det.to_q()).unwrap(), z(11).to_q());
            assert_eq!(o.primal[0].to_q().checked_div(&o.det.to_q()).unwrap(), z(3).to_q());
            // A wrong certificate is refused.
            let mut bad = o.clone();
            bad.objective = bad.objective.add(&z(1));
            assert!(bad.certify(&c_rows, &b, &c).is_err());
        }
        run(witness());
    }
}
