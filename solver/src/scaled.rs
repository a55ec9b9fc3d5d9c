//! Exact values of perfect-information trees with chance nodes as machine integers: every value is a
//! numerator per player over one positive denominator per node, in `i64`.
//!
//! Used by backward induction ([`crate::backward_induction`]) and its verification
//! ([`crate::verify`]) when every payoff is stored inline in its [`Q`] ([`Tree::inline_payoffs`]:
//! numerator and denominator in `i64`, small integers in particular) and every chance node's
//! probabilities are integer weights over a small common denominator ([`Tree::chance_weights`]). A
//! leaf's value is read from the tree's payoff table as it is stored (no copy); a chance node's value
//! is a row `[numerator_0, denominator_0, …, numerator_{n-1}, denominator_{n-1}]` of [`Rows`]. Values are
//! not reduced (except when a denominator grows past [`REDUCE_ABOVE`]), so two representations of a
//! number may differ; every comparison is exact, by cross-multiplication in `i128` ([`Frac`]), which
//! cannot overflow for `i64` operands. The arithmetic at chance nodes is checked: a result that does
//! not fit `i64` is [`Overflow`], and the caller then falls back to the exact [`Q`] path, so an overflow
//! costs time, never a wrong answer.

use std::cmp::Ordering;

use redline_models::number::Q;
use redline_models::tree::{ChanceWeights, NodeId, NodeKind, Tree};

/// Flags a value reference as a computed (chance-node) row rather than a leaf row, as in
/// [`crate::backward_induction`] and [`crate::verify`].
pub(crate) const COMPUTED: u32 = 1 << 31;

/// The value reference of child `c` when `refs` holds those of internal nodes only: its row when it
/// is a leaf, else `refs[c]`, chosen by a mask rather than a branch on the child's kind.
#[inline(always)]
pub(crate) fn child_ref(tree: &Tree, refs: &[u32], c: NodeId) -> u32 {
    let leaf = u32::from(tree.kind(c) == NodeKind::Terminal).wrapping_neg();
    (tree.leaf_row(c) & leaf) | (refs[c as usize] & !leaf)
}

/// A chance node's denominator above which its row is reduced to lowest terms (one gcd per player),
/// so that long chains of chance nodes do not overflow when their values have small denominators.
/// Below it rows are left as computed: reducing costs more than the cross-multiplications it saves.
pub(crate) const REDUCE_ABOVE: i64 = 1 << 24;

/// An intermediate value at a chance node did not fit `i64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Overflow;

/// The rational `num / den` with `den > 0`, not necessarily in lowest terms. Equality and order are
/// those of the rational numbers (`1/2 == 2/4`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frac {
    pub(crate) num: i64,
    pub(crate) den: i64,
}

impl Frac {
    /// The exact value as a [`Q`] (in lowest terms).
    pub(crate) fn to_q(self) -> Q {
        Q::ratio(self.num, self.den).expect("denominators are positive")
    }
}

impl Ord for Frac {
    #[inline(always)]
    fn cmp(&self, other: &Frac) -> Ordering {
        // |num| < 2^63 and 0 < den < 2^63: each product is below 2^126 in magnitude.
        (i128::from(self.num) * i128::from(other.den)).cmp(&(i128::from(other.num) * i128::from(self.den)))
    }
}

impl PartialOrd for Frac {
    #[inline(always)]
    fn partial_cmp(&self, other: &Frac) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Frac {
    #[inline(always)]
    fn eq(&self, other: &Frac) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Frac {}

/// The leaf table and the computed rows of a tree's values, addressed by value references (a leaf
/// row, or [`COMPUTED`] | a computed row).
pub(crate) struct Rows<'t> {
    n: usize,
    leaves: &'t [Q],
    weights: ChanceWeights<'t>,
    /// Computed rows, `2 n` entries each: a numerator and a positive denominator per player. Row 0
    /// is a placeholder, so that [`Rows::at`] can read a computed row whatever the reference.
    pub(crate) rows: Vec<i64>,
}

impl<'t> Rows<'t> {
    /// The rows of `tree` when its payoffs and probabilities allow (see the module documentation),
    /// with `rows` (contents ignored, capacity reused) as the buffer for computed rows.
    pub(crate) fn new(tree: &'t Tree, mut rows: Vec<i64>) -> Option<Rows<'t>> {
        if !tree.inline_payoffs() {
            return None;
        }
        let weights = tree.chance_weights()?;
        let n = tree.n_players();
        rows.clear();
        for _ in 0..n {
            rows.extend([0, 1]);
        }
        Some(Rows { n, leaves: tree.payoff_table(), weights, rows })
    }

    /// Player `i`'s value in the row reference `r` names.
    ///
    /// Both a leaf entry and a computed entry are read and one is selected, rather than a branch on
    /// the kind of reference, whose outcome is as unpredictable as the tree's shape.
    #[inline(always)]
    pub(crate) fn at(&self, r: u32, i: usize) -> Frac {
        let n = self.n;
        let computed = r & COMPUTED != 0;
        let leaf = if computed { 0 } else { r as usize * n + i };
        let at = if computed { (r & !COMPUTED) as usize * 2 * n + 2 * i } else { 0 };
        // Every payoff is inline (checked in `new`): the fallback is never taken.
        let (ln, ld) = self.leaves[leaf].to_i64_ratio().unwrap_or((0, 1));
        let (cn, cd) = (self.rows[at], self.rows[at + 1]);
        Frac { num: if computed { cn } else { ln }, den: if computed { cd } else { ld } }
    }

    /// The row `r` names, exactly, in lowest terms.
    pub(crate) fn payoffs(&self, r: u32) -> Vec<Q> {
        (0..self.n).map(|i| self.at(r, i).to_q()).collect()
    }

    /// Computes the expected row of chance node `x`, whose children's value references are `child(c)`,
    /// into computed row `dst` (a new row when `None`); returns its value reference.
    ///
    /// With weights `w_k` summing to `W` and player `i`'s child values `n_k / d_k`, player `i`'s entry
    /// is `(Σ_k w_k · n_k · (L / d_k)) / (W · L)` with `L = lcm(d_k)` (no gcd and no division at all
    /// when the children share a denominator, integer values in particular).
    ///
    /// # Errors
    /// [`Overflow`] when a denominator or a numerator does not fit `i64` (the rows are then in an
    /// unspecified state).
    pub(crate) fn chance(
        &mut self,
        tree: &Tree,
        x: NodeId,
        child: impl Fn(NodeId) -> u32,
        dst: Option<usize>,
    ) -> Result<u32, Overflow> {
        let n = self.n;
        let weights = self.weights.of(x);
        let total: i64 = weights.iter().map(|&w| i64::from(w)).sum();
        let row = match dst {
            Some(row) => row,
            None => {
                let row = self.rows.len() / (2 * n);
                self.rows.resize((row + 1) * 2 * n, 0);
                row
            }
        };
        for i in 0..n {
            let mut children = tree.children(x);
            let first = children.next().expect("a chance node has at least one outcome");
            let mut lcm = self.at(child(first), i).den;
            for c in children {
                let d = self.at(child(c), i).den;
                if d != lcm {
                    let g = num_integer::gcd(lcm, d);
                    lcm = (lcm / g).checked_mul(d).ok_or(Overflow)?;
                }
            }
            let mut acc: i128 = 0;
            for (c, &w) in tree.children(x).zip(weights) {
                let v = self.at(child(c), i);
                // |num| < 2^63 and L / d < 2^63: the scaled numerator is below 2^126.
                let scaled = if v.den == lcm {
                    i128::from(v.num)
                } else {
                    i128::from(v.num) * i128::from(lcm / v.den)
                };
                acc = scaled.checked_mul(i128::from(w)).and_then(|t| acc.checked_add(t)).ok_or(Overflow)?;
            }
            let mut num = i64::try_from(acc).map_err(|_| Overflow)?;
            let mut den = total.checked_mul(lcm).ok_or(Overflow)?;
            if den > REDUCE_ABOVE {
                // g > 0 divides both (gcd(i64::MIN, den) is at most 2^62, den being below 2^63).
                let g = num_integer::gcd(num, den);
                num /= g;
                den /= g;
            }
            let at = row * 2 * n + 2 * i;
            self.rows[at] = num;
            self.rows[at + 1] = den;
        }
        Ok(COMPUTED | row as u32)
    }
}

#[cfg(test)]
pub(crate) fn random_chance_tree(bytes: &[u8], size: usize, n_players: usize) -> Tree {
    use redline_models::expr::Expr;
    use redline_models::tree::TreeBuilder;
    let mut next = {
        let mut k = 0usize;
        move || {
            let b = if bytes.is_empty() { 0 } else { bytes[k % bytes.len()] };
            k += 1;
            // Mixed with the position, so a short input still gives varied shapes.
            b.wrapping_add((k as u8).wrapping_mul(37))
        }
    };
    let players = (0..n_players).map(|i| format!("P{i}")).collect();
    let mut b = TreeBuilder::new("random", players);
    let lists: Vec<_> = (1..=3)
        .map(|k| b.actions(&(0..k).map(|a| format!("a{a}")).collect::<Vec<_>>()).expect("distinct labels"))
        .collect();
    let mut stack = vec![size.max(1)];
    while let Some(budget) = stack.pop() {
        let k = 1 + usize::from(next() % 3);
        if budget <= k {
            // Integers mostly, some halves and thirds (leaf entries with their own denominators).
            let row: Vec<Q> = (0..n_players)
                .map(|_| {
                    let d = [1, 1, 1, 1, 2, 3][usize::from(next() % 6)];
                    Q::ratio(i64::from(next() % 7) - 3, d).expect("a positive denominator")
                })
                .collect();
            b.terminal_values(&row).expect("one payoff per player");
            continue;
        }
        if next() % 3 == 0 {
            let mut w: Vec<i64> = (0..k).map(|_| i64::from(next() % 5)).collect();
            if w.iter().all(|&x| x == 0) {
                w[0] = 1;
            }
            let total: i64 = w.iter().sum();
            let outs = w
                .iter()
                .enumerate()
                .map(|(j, &x)| (format!("o{j}"), Expr::number(Q::ratio(x, total).unwrap())));
            b.chance(outs.collect()).expect("valid outcomes");
        } else {
            b.decision_new(usize::from(next()) % n_players, lists[k - 1]).expect("the player exists");
        }
        let share = (budget - 1) / k;
        stack.extend(std::iter::repeat_n(share, k));
    }
    b.finish().expect("a complete tree")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Frac's order is the rationals' order.
        #[test]
        fn frac_orders_like_q(a in any::<i64>(), b in 1..i64::MAX, c in any::<i64>(), d in 1..i64::MAX) {
            let (x, y) = (Frac { num: a, den: b }, Frac { num: c, den: d });
            prop_assert_eq!(x.cmp(&y), x.to_q().cmp(&y.to_q()));
            prop_assert_eq!(x == y, x.to_q() == y.to_q());
        }
    }
}
