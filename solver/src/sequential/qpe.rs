//! A quasi-perfect equilibrium of a two-player tree with perfect recall, exactly, by Lemke's
//! algorithm on the perturbed sequence form (Miltersen & Sørensen 2010, "Computing a quasi-perfect
//! equilibrium of a two-player game", Economic Theory 42:175–192).
//!
//! **Perturbation.** Each player's realisation plan is bounded below by `x(σ) ≥ ε^|σ|` (`|σ|` the
//! number of the player's own moves in σ; the empty sequence stays at 1). This is a valid lower
//! bound for every small ε > 0 (`Σ_a ε^(|σ|+1) < ε^|σ|`), and the limits of the perturbed games'
//! equilibria as ε → 0 are quasi-perfect, hence sequential. Substituting `x = x' + l(ε)` leaves
//! `x' ≥ 0`, and the right-hand sides become polynomials in ε:
//! ```text
//! Σ_a x'(σ_h a) − x'(σ_h) = ε^|σ_h| − |A(h)|·ε^(|σ_h|+1)                      (each own set h)
//! u_σ = p_h(σ) − Σ_{h' after σ} p_h' − (A·y')_σ − (A·l_y)_σ + d_σ·z₀ ≥ 0  ⟂  x'_σ   (σ ≠ ∅)
//! ```
//! and likewise for player 2 with `Bᵀ`, `q`, `v`. The `p`, `q` are free (basic for good).
//!
//! **Lemke.** The start basis is each player's pure best response to the other's uniform plan
//! (as in the tracing procedure of von Stengel, van den Elzen & Talman 2002): its plan entries,
//! the free values and the slacks of the other sequences are basic. The covering vector is minus
//! the payoff against that prior plus 1 on the sequences the start does not play, so raising the
//! artificial `z₀` lifts exactly the slacks that may be negative, ties in the prior included.
//! (Starting from every set's first action instead gave paths growing exponentially with the
//! game: 77 000 pivots on B2 with n = 4, against 105 from the prior's best response.)
//! The constant column of the tableau is a vector of polynomial coefficients; every comparison is "for all sufficiently small ε", i.e.
//! lexicographic from the constant term up, and ties are broken by the usual lexicographic rule
//! on the start basis's columns (a perturbation smaller than any power of ε), so every pivot is
//! unique and the path cannot cycle. Payoffs are shifted to be negative at every leaf (this does
//! not change the game, since every pair of plans reaches the leaves with total probability 1),
//! as Koller, Megiddo & von Stengel (1996) assume in their argument that Lemke's path ends at a
//! solution; should it end on a ray all the same, that is reported as an internal error.
//!
//! **Result.** The final basis gives `x(ε)`, `y(ε)` as polynomials. The behaviour is
//! `β(a|h) = lim x(σ_h a)/x(σ_h)`; an action with limit 0 trembles with the leading term of that
//! ratio (order = difference of the lowest degrees, weight = ratio of their coefficients), which is
//! exactly the sequence of completely mixed profiles the perturbed equilibria form. The assessment
//! then goes through [`super::certify`].
//!
//! **Cost.** A dense exact tableau of (m₁ + n₁ + m₂ + n₂) rows (m_i information sets, n_i
//! non-empty sequences) by about 2(n₁ + n₂) + m₁ + m₂ + depth columns; each pivot touches the rows
//! with a non-zero entry in the pivot column.

use std::cmp::Ordering;

use redline_models::number::Q;
use redline_models::tree::{NodeKind, Tree};

use super::Options;
use super::assessment::{Assessment, Tremble};
use crate::error::Error;
use crate::sequence::SequenceForm;

/// The method's name in messages.
const METHOD: &str = "sequential";

/// The largest dense tableau (rows × columns) built, 16 bytes per entry before any big number:
/// B2 with n = 6 stages needs about 8 million.
pub const MAX_TABLEAU_ENTRIES: usize = 16_000_000;

/// Plans of both players as polynomials in ε (coefficient vectors, constant term first), indexed
/// by sequence (the empty sequence is the constant 1).
pub type PolyPlans = [Vec<Vec<Q>>; 2];

/// A quasi-perfect equilibrium of a two-player tree with perfect recall, as an assessment (the
/// limit behaviour with the trembles of the perturbed equilibria). Not yet certified.
///
/// # Errors
/// [`Error::Unsupported`] for other than two players or without perfect recall; [`Error::Limit`]
/// after `options.max_pivots` pivots; [`Error::VerificationFailed`] if Lemke's path ends on a ray
/// (a bug).
pub fn assessment(tree: &Tree, options: &Options) -> Result<Assessment, Error> {
    if tree.n_players() != 2 {
        return Err(Error::Unsupported {
            method: METHOD,
            reason: format!(
                "the perturbed sequence form is for two players; this game has {}",
                tree.n_players()
            ),
        });
    }
    if tree.is_empty() || tree.kind(0) == NodeKind::Terminal {
        return Ok(Assessment { behavior: Vec::new(), trembles: Vec::new() });
    }
    // Payoffs shifted so that every leaf pays each player at most -1.
    let mut top = [Q::zero(), Q::zero()];
    for x in 0..tree.len() as u32 {
        if tree.kind(x) == NodeKind::Terminal {
            for (k, t) in top.iter_mut().enumerate() {
                if tree.payoffs(x)[k] > *t {
                    *t = tree.payoffs(x)[k].clone();
                }
            }
        }
    }
    let shift = top.map(|t| &t + &Q::one());
    let leaf = |x: u32| {
        (tree.kind(x) == NodeKind::Terminal)
            .then(|| tree.payoffs(x).iter().zip(&shift).map(|(u, s)| u - s).collect())
    };
    let form = SequenceForm::new(tree, 0, [0, 1], &leaf, METHOD)?;
    let plans = solve_plans(&form, options)?;
    Ok(limit_assessment(tree, &form, &plans))
}

/// The depth (number of own moves) of each of player `k`'s sequences.
fn depths(form: &SequenceForm, k: usize) -> Vec<usize> {
    let mut d = vec![0usize; form.n_seq[k]];
    for inf in &form.infosets[k] {
        for a in 0..inf.n_actions {
            d[(inf.first + a) as usize] = d[inf.parent as usize] + 1;
        }
    }
    d
}

/// Column and row numbering of the tableau.
struct Layout {
    /// Non-empty sequences per player.
    n: [usize; 2],
    /// Information sets per player.
    m: [usize; 2],
    /// Degree bound of the right-hand side (its columns are `0..=degree`).
    degree: usize,
}

impl Layout {
    fn x(&self, k: usize, s: u32) -> usize {
        debug_assert!(s >= 1, "the empty sequence is constant");
        if k == 0 { s as usize - 1 } else { self.n[0] + s as usize - 1 }
    }
    fn u(&self, k: usize, s: u32) -> usize {
        self.x(k, s) + self.n[0] + self.n[1]
    }
    fn p(&self, k: usize, j: usize) -> usize {
        2 * (self.n[0] + self.n[1]) + if k == 0 { j } else { self.m[0] + j }
    }
    fn z0(&self) -> usize {
        2 * (self.n[0] + self.n[1]) + self.m[0] + self.m[1]
    }
    /// The first right-hand-side column (the constant term).
    fn rhs(&self) -> usize {
        self.z0() + 1
    }
    fn cols(&self) -> usize {
        self.rhs() + self.degree + 1
    }
    fn row_e(&self, k: usize, j: usize) -> usize {
        if k == 0 { j } else { self.m[0] + j }
    }
    fn row_u(&self, k: usize, s: u32) -> usize {
        self.m[0] + self.m[1] + self.x(k, s)
    }
    fn rows(&self) -> usize {
        self.m[0] + self.m[1] + self.n[0] + self.n[1]
    }
    /// Whether a variable is a plan entry or a slack (sign-constrained and complementary).
    fn complement(&self, v: usize) -> usize {
        let half = self.n[0] + self.n[1];
        if v < half { v + half } else { v - half }
    }
    fn is_free(&self, v: usize) -> bool {
        v >= 2 * (self.n[0] + self.n[1]) && v < self.z0()
    }
}

/// A dense exact tableau: `rows[i]` says `basic[i] + Σ_j rows[i][j]·var_j = rhs_i(ε)`, with the
/// right-hand side's coefficients in the columns from [`Layout::rhs`] on.
struct Tableau {
    rows: Vec<Vec<Q>>,
    basic: Vec<usize>,
}

impl Tableau {
    /// Makes `var` basic in row `r` (Gauss–Jordan), touching only non-zero entries.
    fn pivot(&mut self, r: usize, var: usize) {
        let inv = self.rows[r][var].recip().expect("a non-zero pivot");
        for v in &mut self.rows[r] {
            if !v.is_zero() {
                *v = &*v * &inv;
            }
        }
        let nz: Vec<usize> = (0..self.rows[r].len()).filter(|&c| !self.rows[r][c].is_zero()).collect();
        let (before, rest) = self.rows.split_at_mut(r);
        let (prow, after) = rest.split_first_mut().expect("row r exists");
        for row in before.iter_mut().chain(after.iter_mut()) {
            let f = row[var].clone();
            if f.is_zero() {
                continue;
            }
            for &c in &nz {
                row[c] = &row[c] - &(&f * &prow[c]);
            }
        }
        self.basic[r] = var;
    }
}

/// Solves the perturbed sequence-form LCP; returns each player's plan `x = x' + l(ε)` as
/// polynomials in ε.
///
/// # Errors
/// As [`assessment`].
pub fn solve_plans(form: &SequenceForm, options: &Options) -> Result<PolyPlans, Error> {
    let dep = [depths(form, 0), depths(form, 1)];
    let degree = dep.iter().flatten().copied().max().unwrap_or(0);
    let lay = Layout {
        n: [form.n_seq[0] - 1, form.n_seq[1] - 1],
        m: [form.infosets[0].len(), form.infosets[1].len()],
        degree,
    };
    let cols = lay.cols();
    if lay.rows().saturating_mul(cols) > MAX_TABLEAU_ENTRIES {
        return Err(Error::Limit {
            what: "size",
            detail: format!(
                "the perturbed sequence form needs a dense {} × {cols} exact tableau, more than the {} \
                 entries (about {} MB) this method allows",
                lay.rows(),
                MAX_TABLEAU_ENTRIES,
                (MAX_TABLEAU_ENTRIES * std::mem::size_of::<Q>()) >> 20
            ),
        });
    }
    let mut rows = vec![vec![Q::zero(); cols]; lay.rows()];
    // The start: each player's best response to the other's uniform plan; the covering vector
    // is minus the payoff against that prior, plus 1 on the sequences the start does not play.
    let prior = [form.uniform_plan(0), form.uniform_plan(1)];
    let g = [form.sequence_payoffs(0, &prior[1]), form.sequence_payoffs(1, &prior[0])];
    let best = [form.best_response(0, &g[0]).0, form.best_response(1, &g[1]).0];
    let mut chosen = [vec![false; form.n_seq[0]], vec![false; form.n_seq[1]]];
    for (k, played) in chosen.iter_mut().enumerate() {
        for (j, inf) in form.infosets[k].iter().enumerate() {
            played[(inf.first + best[k][j]) as usize] = true;
        }
    }
    for k in 0..2 {
        for (j, inf) in form.infosets[k].iter().enumerate() {
            // Σ_a x'(σ_h a) − x'(σ_h) = ε^|σ_h| − |A(h)|·ε^(|σ_h|+1).
            let row = &mut rows[lay.row_e(k, j)];
            for a in 0..inf.n_actions {
                row[lay.x(k, inf.first + a)] = Q::one();
            }
            if inf.parent >= 1 {
                row[lay.x(k, inf.parent)] = -Q::one();
            }
            let d = dep[k][inf.parent as usize];
            row[lay.rhs() + d] = Q::one();
            row[lay.rhs() + d + 1] = -Q::from_int(i64::from(inf.n_actions));
            // u_σ − p_h(σ) + Σ_{h' after σ} p_h' + (payoff terms) − d_σ·z₀ = −(A·l)_σ.
            if inf.parent >= 1 {
                let r = lay.row_u(k, inf.parent);
                rows[r][lay.p(k, j)] = Q::one();
            }
            for a in 0..inf.n_actions {
                let s = inf.first + a;
                let row = &mut rows[lay.row_u(k, s)];
                row[lay.u(k, s)] = Q::one();
                row[lay.p(k, j)] = -Q::one();
                let mut c = g[k][s as usize].clone();
                if !chosen[k][s as usize] {
                    c = &c - &Q::one();
                }
                row[lay.z0()] = c;
            }
        }
    }
    for e in &form.entries {
        for k in 0..2 {
            let (mine, other, pay) = if k == 0 { (e.s1, e.s2, &e.a) } else { (e.s2, e.s1, &e.b) };
            if mine == 0 {
                continue; // the empty sequence's row was dropped (its value p₀ is free)
            }
            let row = &mut rows[lay.row_u(k, mine)];
            if other >= 1 {
                let c = lay.x(1 - k, other);
                row[c] = &row[c] + pay;
            }
            let c = lay.rhs() + dep[1 - k][other as usize];
            row[c] = &row[c] - pay;
        }
    }
    // The start basis, written as (row, variable) pairs in an order that keeps each pivot non-zero:
    // plan entries parents first, values children first, then the other sequences' slacks.
    let mut start: Vec<(usize, usize)> = Vec::new();
    for (k, played) in chosen.iter().enumerate() {
        for (j, inf) in form.infosets[k].iter().enumerate() {
            start.push((lay.row_e(k, j), lay.x(k, inf.first + best[k][j])));
        }
        for (j, inf) in form.infosets[k].iter().enumerate().rev() {
            start.push((lay.row_u(k, inf.first + best[k][j]), lay.p(k, j)));
        }
        for s in 1..form.n_seq[k] as u32 {
            if !played[s as usize] {
                start.push((lay.row_u(k, s), lay.u(k, s)));
            }
        }
    }
    let mut t = Tableau { basic: vec![usize::MAX; rows.len()], rows };
    for &(r, v) in &start {
        if t.rows[r][v].is_zero() {
            return Err(Error::VerificationFailed(
                "the start basis of the perturbed sequence form is singular".into(),
            ));
        }
        t.pivot(r, v);
    }
    // The free values stay basic: drop their rows (nothing reads them).
    let keep: Vec<bool> = t.basic.iter().map(|&v| !lay.is_free(v)).collect();
    let mut it = keep.iter();
    t.rows.retain(|_| *it.next().expect("one flag per row"));
    t.basic.retain(|&v| !lay.is_free(v));
    for row in &mut t.rows {
        debug_assert!((0..lay.z0()).filter(|&v| lay.is_free(v)).all(|v| row[v].is_zero()));
    }
    // Lexicographic tie-breaking columns: the start basis's variables, in row order.
    let lex: Vec<usize> = t.basic.clone();
    let lp = Lex { rhs: lay.rhs(), degree: lay.degree, lex: &lex };
    // Already a solution with z₀ = 0?
    let negative: Vec<usize> = (0..t.rows.len()).filter(|&i| lp.poly_negative(&t.rows[i])).collect();
    if !negative.is_empty() {
        // z₀ enters at the least value that makes every row non-negative.
        let z0 = lay.z0();
        let mut best: Option<usize> = None;
        for i in 0..t.rows.len() {
            if !t.rows[i][z0].is_negative() {
                continue;
            }
            best = Some(match best {
                Some(b) if lp.ratio_cmp(&t.rows[b], &t.rows[i], z0) != Ordering::Less => b,
                _ => i,
            });
        }
        let r = best.ok_or_else(|| {
            Error::VerificationFailed("the covering vector does not cover the start (a bug)".into())
        })?;
        let mut leaving = t.basic[r];
        t.pivot(r, z0);
        let mut pivots = 1usize;
        loop {
            let entering = lay.complement(leaving);
            let mut best: Option<usize> = None;
            for i in 0..t.rows.len() {
                if !t.rows[i][entering].is_positive() {
                    continue;
                }
                best = Some(match best {
                    Some(b) if lp.ratio_cmp(&t.rows[b], &t.rows[i], entering) != Ordering::Greater => b,
                    _ => i,
                });
            }
            let r = best.ok_or_else(|| {
                Error::VerificationFailed(
                    "Lemke's algorithm ended on a ray of the perturbed sequence form (a bug)".into(),
                )
            })?;
            pivots += 1;
            if pivots > options.max_pivots {
                return Err(Error::Limit {
                    what: "pivot",
                    detail: format!("Lemke's algorithm took more than {} pivots", options.max_pivots),
                });
            }
            leaving = t.basic[r];
            t.pivot(r, entering);
            if leaving == z0 {
                break;
            }
        }
    }
    // Read the plans: x = x' + ε^|σ|.
    let mut value: Vec<Option<&[Q]>> = vec![None; lay.z0() + 1];
    for (i, &v) in t.basic.iter().enumerate() {
        value[v] = Some(&t.rows[i][lay.rhs()..]);
    }
    let plans = [0, 1].map(|k| {
        (0..form.n_seq[k] as u32)
            .map(|s| {
                let mut p = vec![Q::zero(); degree + 1];
                p[dep[k][s as usize]] = Q::one();
                if s >= 1 {
                    if let Some(c) = value[lay.x(k, s)] {
                        for (a, b) in p.iter_mut().zip(c) {
                            *a = &*a + b;
                        }
                    }
                }
                p
            })
            .collect()
    });
    Ok(plans)
}

/// The lexicographic order "for all sufficiently small ε, then the tie-breaking perturbation".
struct Lex<'a> {
    rhs: usize,
    degree: usize,
    lex: &'a [usize],
}

impl Lex<'_> {
    /// Whether the row's right-hand side is negative for all small ε.
    fn poly_negative(&self, row: &[Q]) -> bool {
        row[self.rhs..=self.rhs + self.degree].iter().find(|c| !c.is_zero()).is_some_and(Q::is_negative)
    }

    /// Compares `rhs_a / a[j]` with `rhs_b / b[j]` (both entries of the same sign, non-zero):
    /// the right-hand sides first, then the tie-breaking columns.
    fn ratio_cmp(&self, a: &[Q], b: &[Q], j: usize) -> Ordering {
        let (da, db) = (&a[j], &b[j]);
        let cols = (self.rhs..=self.rhs + self.degree).chain(self.lex.iter().copied());
        for c in cols {
            // a_c/da vs b_c/db with da·db > 0: compare a_c·db with b_c·da.
            let o = (&a[c] * db).cmp(&(&b[c] * da));
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

/// The lowest degree with a non-zero coefficient, and that coefficient.
fn lead(p: &[Q]) -> Option<(usize, &Q)> {
    p.iter().enumerate().find(|(_, c)| !c.is_zero())
}

/// The limit behaviour and trembles of polynomial plans.
fn limit_assessment(tree: &Tree, form: &SequenceForm, plans: &PolyPlans) -> Assessment {
    let mut behavior: Vec<Vec<Q>> = tree
        .infosets()
        .iter()
        .enumerate()
        .map(|(h, _)| vec![Q::zero(); tree.actions(h as u32).len()])
        .collect();
    let mut trembles: Vec<Vec<Option<Tremble>>> = behavior.iter().map(|r| vec![None; r.len()]).collect();
    for (k, plan) in plans.iter().enumerate() {
        for inf in &form.infosets[k] {
            let (d0, c0) = lead(&plan[inf.parent as usize]).expect("plans are positive");
            for a in 0..inf.n_actions {
                let (d, c) = lead(&plan[(inf.first + a) as usize]).expect("plans are positive");
                let ratio = c.checked_div(c0).expect("a non-zero leading coefficient");
                let h = inf.h as usize;
                if d == d0 {
                    behavior[h][a as usize] = ratio;
                } else {
                    let order = Q::from_int(d as i64 - d0 as i64);
                    trembles[h][a as usize] = Some(Tremble { order, weight: ratio });
                }
            }
        }
    }
    Assessment { behavior, trembles }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::sequential::{Sequential, certify};
    use redline_models::expr::Expr;
    use redline_models::tree::{InfosetId, TreeBuilder};

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    fn solve(t: &Tree) -> Sequential {
        certify(t, assessment(t, &Options::default()).unwrap()).unwrap()
    }

    /// MODELS.md B.3 (B2) for `n` stages, written out by hand: chance draws a resolute (π) or a
    /// normal defender (player 0); the challenger (player 1) holds or probes at information sets
    /// that pair the two types' nodes with the same public history; after a probe the resolute
    /// type retaliates without a decision and the normal type chooses; stage payoffs are summed
    /// and the resolute type is paid the normal type's stage payoffs.
    pub(crate) fn salami_b2(n: usize, a: &Q, b: &Q, pi: &Q) -> Tree {
        let mut tb = TreeBuilder::new("B2", vec!["Defender".into(), "Challenger".into()]);
        let hp = tb.actions(&["hold", "probe"]).unwrap();
        let ra = tb.actions(&["retaliate", "accept"]).unwrap();
        let mut c_sets: HashMap<String, InfosetId> = HashMap::new();
        let mut d_sets: HashMap<String, InfosetId> = HashMap::new();
        tb.chance(vec![
            ("resolute".into(), Expr::number(pi.clone())),
            ("normal".into(), Expr::number(&Q::one() - pi)),
        ])
        .unwrap();
        let mut sets = Sets { tb: &mut tb, hp, ra, c: &mut c_sets, d: &mut d_sets, n, a, b };
        for resolute in [true, false] {
            sets.stage(resolute, "", [Q::zero(), Q::zero()]);
        }
        tb.finish().unwrap()
    }

    struct Sets<'a> {
        tb: &'a mut TreeBuilder,
        hp: redline_models::tree::ActionSetId,
        ra: redline_models::tree::ActionSetId,
        c: &'a mut HashMap<String, InfosetId>,
        d: &'a mut HashMap<String, InfosetId>,
        n: usize,
        a: &'a Q,
        b: &'a Q,
    }

    impl Sets<'_> {
        /// The subtree from public history `h` (recursion depth n: a small test helper).
        fn stage(&mut self, resolute: bool, h: &str, [ud, uc]: [Q; 2]) {
            if h.len() == self.n {
                self.tb.terminal_values(&[ud, uc]).unwrap();
                return;
            }
            let (tb, hp, ra) = (&mut *self.tb, self.hp, self.ra);
            let c =
                *self.c.entry(h.to_string()).or_insert_with(|| tb.infoset(1, &format!("C{h}"), hp).unwrap());
            self.tb.decision(c).unwrap();
            let (a, b) = (self.a.clone(), self.b.clone());
            self.stage(resolute, &format!("{h}H"), [&ud + &a, uc.clone()]);
            let retaliated = [&ud - &Q::one(), &uc + &(&b - &Q::one())];
            if resolute {
                self.stage(resolute, &format!("{h}R"), retaliated);
            } else {
                let tb = &mut *self.tb;
                let d = *self
                    .d
                    .entry(h.to_string())
                    .or_insert_with(|| tb.infoset(0, &format!("D{h}"), ra).unwrap());
                self.tb.decision(d).unwrap();
                self.stage(resolute, &format!("{h}R"), retaliated);
                self.stage(resolute, &format!("{h}A"), [ud, &uc + &b]);
            }
        }
    }

    #[test]
    fn b2_oracles() {
        // MODELS.md B2-1 and B2-2: (n, a, b, π) = (2, 2, 1/2, 1/3) and (2, 2, 1/2, 1/10).
        for (pi, c, d) in [("1/3", "1/6", "5/3"), ("1/10", "7/10", "-1/20")] {
            let t = salami_b2(2, &q("2"), &q("1/2"), &q(pi));
            let s = solve(&t);
            assert_eq!(s.equilibrium.payoffs, vec![q(d), q(c)], "π = {pi}");
        }
    }

    #[test]
    fn b2_three_stages() {
        // MODELS.md B2-3 and B2-4: (3, 2, 1/2, 1/3) and (3, 2, 1/2, 1/10).
        for (pi, c, d) in [("1/3", "1/6", "11/3"), ("1/10", "4/5", "-3/40")] {
            let t = salami_b2(3, &q("2"), &q("1/2"), &q(pi));
            let s = solve(&t);
            assert_eq!(s.equilibrium.payoffs, vec![q(d), q(c)], "π = {pi}");
        }
    }

    #[test]
    fn the_path_stays_short_on_b2_with_four_stages() {
        // A deterministic guard (not a timing): 105 pivots today; the first-action start took 77 000.
        let t = salami_b2(4, &q("2"), &q("1/2"), &q("1/10"));
        let a = assessment(&t, &Options { max_pivots: 1000, ..Options::default() }).unwrap();
        let s = certify(&t, a).unwrap();
        assert_eq!(s.equilibrium.payoffs[1], q("4/5"));
        let limited = assessment(&t, &Options { max_pivots: 10, ..Options::default() });
        assert!(matches!(limited, Err(Error::Limit { what: "pivot", .. })));
    }

    #[test]
    fn b2_one_stage() {
        // n = 1: the normal type accepts; C probes iff π < b. π = 1/3: probe, C gets
        // 1/3·(−1/2) + 2/3·(1/2) = 1/6; D: 1/3·(−1) + 2/3·0 = −1/3.
        let t = salami_b2(1, &q("2"), &q("1/2"), &q("1/3"));
        let s = solve(&t);
        assert_eq!(s.equilibrium.payoffs, vec![q("-1/3"), q("1/6")]);
        // π = 3/4 > b: hold; the normal type still accepts off the path.
        let t = salami_b2(1, &q("2"), &q("1/2"), &q("3/4"));
        let s = solve(&t);
        assert_eq!(s.equilibrium.payoffs, vec![q("2"), q("0")]);
        let d = t.player_infosets(0)[0] as usize;
        assert_eq!(s.assessment.behavior[d], vec![q("0"), q("1")]);
    }

    #[test]
    fn incredible_threat_is_not_returned() {
        // Player 0: out (1, 1) or in; player 1 then: fight (0, 0) or share (2, 2).
        let mut b = TreeBuilder::new("g", vec!["P0".into(), "P1".into()]);
        let a0 = b.actions(&["out", "in"]).unwrap();
        let a1 = b.actions(&["fight", "share"]).unwrap();
        let h0 = b.infoset(0, "", a0).unwrap();
        let h1 = b.infoset(1, "", a1).unwrap();
        b.decision(h0).unwrap();
        b.terminal_values(&[Q::one(), Q::one()]).unwrap();
        b.decision(h1).unwrap();
        b.terminal_values(&[Q::zero(), Q::zero()]).unwrap();
        b.terminal_values(&[Q::from_int(2), Q::from_int(2)]).unwrap();
        let t = b.finish().unwrap();
        let s = solve(&t);
        assert_eq!(s.equilibrium.payoffs, vec![q("2"), q("2")]);
    }

    #[test]
    fn off_path_play_is_a_best_reply_to_the_trembles() {
        // Player 0: out (2, 2), l or r; player 1 then chooses a or b without seeing which.
        // l: a (3, 1), b (0, 0); r: a (0, 0), b (1, 3). Player 0 prefers out unless 1 plays a.
        // Whichever the method finds, the beliefs must come from player 0's trembles and make
        // player 1's choice optimal.
        let mut b = TreeBuilder::new("entry", vec!["P0".into(), "P1".into()]);
        let a0 = b.actions(&["out", "l", "r"]).unwrap();
        let a1 = b.actions(&["a", "b"]).unwrap();
        let h0 = b.infoset(0, "", a0).unwrap();
        let h1 = b.infoset(1, "", a1).unwrap();
        b.decision(h0).unwrap();
        b.terminal_values(&[q("2"), q("2")]).unwrap();
        b.decision(h1).unwrap();
        b.terminal_values(&[q("3"), q("1")]).unwrap();
        b.terminal_values(&[q("0"), q("0")]).unwrap();
        b.decision(h1).unwrap();
        b.terminal_values(&[q("0"), q("0")]).unwrap();
        b.terminal_values(&[q("1"), q("3")]).unwrap();
        let t = b.finish().unwrap();
        let s = solve(&t);
        // Two sequential outcomes: (l, a) paying (3, 1), and out with b, which needs belief at
        // least 1/4 on r (b is worth 3·μ(r) against a's μ(l)).
        let mu = s.beliefs[1].clone().unwrap();
        if s.equilibrium.payoffs == vec![q("2"), q("2")] {
            assert_eq!(s.assessment.behavior[1], vec![q("0"), q("1")]);
            assert!(mu[1] >= q("1/4"), "beliefs {mu:?}");
            assert!(s.assessment.trembles[0][1].is_some() && s.assessment.trembles[0][2].is_some());
        } else {
            assert_eq!(s.equilibrium.payoffs, vec![q("3"), q("1")]);
            assert_eq!(mu, vec![q("1"), q("0")]);
        }
    }
}
