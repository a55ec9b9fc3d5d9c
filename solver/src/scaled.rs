//! Exact values of perfect-information trees with chance nodes as machine integers: every value is a
//! numerator per player over a positive denominator, in `i64`.
//!
//! Used by backward induction ([`crate::backward_induction`]) and its verification
//! ([`crate::verify`]) when every payoff is stored inline in its [`Q`] ([`Tree::inline_payoffs`]:
//! numerator and denominator in `i64`, small integers in particular) and every chance node's
//! probabilities are integer weights over a small common denominator ([`Tree::chance_weights`]). A
//! leaf's value is read from the tree's `i16` payoff table when it has one
//! ([`Tree::chance_small_payoffs`]), else from its [`Q`] table as stored (no copy); a chance node's
//! value is a row `[denominator, numerator_0, …, numerator_{n-1}]` of [`Rows`]. Values are
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

/// [`child_ref`] with the kind test hidden from the optimizer, which would otherwise turn the mask
/// back into a branch on the child's kind (as unpredictable as the tree's shape).
#[inline(always)]
pub(crate) fn child_ref_opaque(tree: &Tree, refs: &[u32], c: NodeId) -> u32 {
    let leaf = std::hint::black_box(u32::from(tree.kind(c) == NodeKind::Terminal).wrapping_neg());
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

    /// `(gt, eq)`: all ones when `self > other`, respectively `self == other`, else zero; computed
    /// as arithmetic on the cross-products rather than a branch on the outcome, which is as
    /// unpredictable as the values.
    #[inline(always)]
    pub(crate) fn cmp_masks(self, other: Frac) -> (i64, i64) {
        // |num| < 2^63 and 0 < den < 2^63: each product is below 2^126 in magnitude, so their
        // difference fits i128, and its sign bit says which is larger.
        let a = i128::from(self.num) * i128::from(other.den);
        let b = i128::from(other.num) * i128::from(self.den);
        let d = b - a;
        let gt = (d >> 127) as i64;
        let eq = i64::from((d as u64 | (d >> 64) as u64) == 0).wrapping_neg();
        (gt, eq)
    }

    /// `a` where `mask` is all ones, `b` where it is zero (fieldwise, no branch).
    #[inline(always)]
    pub(crate) fn select(mask: i64, a: Frac, b: Frac) -> Frac {
        Frac { num: (a.num & mask) | (b.num & !mask), den: (a.den & mask) | (b.den & !mask) }
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
///
/// Reads are generic over `INT`: with `INT`, leaf values come from the tree's `i16` table
/// ([`Tree::chance_small_payoffs`], denominator 1; only when [`Rows::int_leaves`]), otherwise from
/// the [`Q`] table in place. Both give the same values, so code that is not hot reads with `INT`
/// false whatever the tree.
pub(crate) struct Rows<'t> {
    n: usize,
    leaves: &'t [Q],
    /// The tree's `i16` payoff table, or empty when it has none.
    ints: &'t [i16],
    weights: ChanceWeights<'t>,
    /// Computed rows, `n + 1` entries each: one positive denominator shared by the row, then a
    /// numerator per player. Row 0 is a placeholder, so that [`Rows::at`] can read a computed row
    /// whatever the reference.
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
        rows.push(1);
        rows.extend(std::iter::repeat_n(0, n));
        let ints = tree.chance_small_payoffs().unwrap_or(&[]);
        Some(Rows { n, leaves: tree.payoff_table(), ints, weights, rows })
    }

    /// True when leaf values can be read from the `i16` table (`INT` reads).
    pub(crate) fn int_leaves(&self) -> bool {
        !self.ints.is_empty()
    }

    /// The number of players.
    pub(crate) fn n_players(&self) -> usize {
        self.n
    }

    /// Player `i`'s value in the row reference `r` names; `INT` only when [`Rows::int_leaves`].
    ///
    /// Both a leaf entry and a computed entry are read and one is selected, rather than a branch on
    /// the kind of reference, whose outcome is as unpredictable as the tree's shape.
    #[inline(always)]
    pub(crate) fn at<const INT: bool>(&self, r: u32, i: usize) -> Frac {
        self.at_n::<INT, 0>(r, i)
    }

    /// [`Rows::at`] with the number of players `N` known at compile time (0: read it from the rows),
    /// so that the offsets of the hot loops are shifts rather than multiplications. `N` must be 0 or
    /// the number of players.
    #[inline(always)]
    pub(crate) fn at_n<const INT: bool, const N: usize>(&self, r: u32, i: usize) -> Frac {
        debug_assert!(N == 0 || N == self.n, "N is the number of players");
        let n = if N == 0 { self.n } else { N };
        let computed = r & COMPUTED != 0;
        let leaf = if computed { 0 } else { r as usize * n + i };
        let at = if computed { (r & !COMPUTED) as usize * (n + 1) } else { 0 };
        let (ln, ld) = if INT {
            (i64::from(self.ints[leaf]), 1)
        } else {
            // Every payoff is inline (checked in `new`): the fallback is never taken.
            self.leaves[leaf].to_i64_ratio().unwrap_or((0, 1))
        };
        let (cd, cn) = (self.rows[at], self.rows[at + 1 + i]);
        Frac { num: if computed { cn } else { ln }, den: if computed { cd } else { ld } }
    }

    /// The row `r` names, exactly, in lowest terms.
    pub(crate) fn payoffs(&self, r: u32) -> Vec<Q> {
        (0..self.n).map(|i| self.at::<false>(r, i).to_q()).collect()
    }

    /// Computes the expected row of chance node `x`, whose children's value references are `child(c)`,
    /// into computed row `dst` (a new row when `None`); returns its value reference. `INT` as in
    /// [`Rows::at`].
    ///
    /// With weights `w_k` summing to `W` and player `i`'s child values `n_ki / d_ki`, player `i`'s
    /// numerator is `Σ_k w_k · n_ki · (L / d_ki)` over the row's denominator `W · L`, with `L` the lcm
    /// of every `d_ki` (no gcd and no division at all when the children share a denominator, integer
    /// values in particular). A computed row has one denominator for all players, so with `INT` (leaf
    /// denominators 1) the lcm is taken once, not per player.
    ///
    /// # Errors
    /// [`Overflow`] when a denominator or a numerator does not fit `i64` (the rows are then in an
    /// unspecified state).
    pub(crate) fn chance<const INT: bool>(
        &mut self,
        tree: &Tree,
        x: NodeId,
        child: impl Fn(NodeId) -> u32,
        dst: Option<usize>,
    ) -> Result<u32, Overflow> {
        let n = self.n;
        let stride = n + 1;
        let weights = self.weights.of(x);
        let total: i64 = weights.iter().map(|&w| i64::from(w)).sum();
        // A new row is pushed entry by entry (a zero fill would be a call to memset per node).
        let row = dst.unwrap_or(self.rows.len() / stride);
        if dst.is_none() {
            self.rows.push(0);
        }
        // A computed row's denominator is the same for every player, and so is an `INT` leaf's (1):
        // player 0's denominators then give the lcm.
        let players = if INT { 1 } else { n };
        let mut lcm: i64 = 1;
        for c in tree.children(x) {
            let r = child(c);
            for i in 0..players {
                let d = self.at::<INT>(r, i).den;
                if d != lcm {
                    let g = num_integer::gcd(lcm, d);
                    lcm = (lcm / g).checked_mul(d).ok_or(Overflow)?;
                }
            }
        }
        let mut den = total.checked_mul(lcm).ok_or(Overflow)?;
        let at = row * stride;
        let mut g = den;
        for i in 0..n {
            let mut acc: i128 = 0;
            for (c, &w) in tree.children(x).zip(weights) {
                let v = self.at::<INT>(child(c), i);
                // |num| < 2^63 and L / d < 2^63: the scaled numerator is below 2^126.
                let scaled = if v.den == lcm {
                    i128::from(v.num)
                } else {
                    i128::from(v.num) * i128::from(lcm / v.den)
                };
                acc = scaled.checked_mul(i128::from(w)).and_then(|t| acc.checked_add(t)).ok_or(Overflow)?;
            }
            let num = i64::try_from(acc).map_err(|_| Overflow)?;
            if den > REDUCE_ABOVE {
                g = num_integer::gcd(g, num);
            }
            if dst.is_none() {
                self.rows.push(num);
            } else {
                self.rows[at + 1 + i] = num;
            }
        }
        if den > REDUCE_ABOVE {
            // g > 0 divides the denominator and every numerator (a gcd with den is at most den,
            // which is below 2^63).
            den /= g;
            for v in &mut self.rows[at + 1..at + stride] {
                *v /= g;
            }
        }
        self.rows[at] = den;
        Ok(COMPUTED | row as u32)
    }
}

/// The kinds of leaf payoffs [`random_chance_tree`] draws.
#[cfg(test)]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Leaves {
    /// Small integers: the tree has an `i16` table ([`Tree::chance_small_payoffs`]).
    Ints,
    /// Mostly small integers, some halves and thirds (leaf entries with their own denominators).
    Fractions,
    /// Integers, some beyond `i16` (no `i16` table; leaves are read from the `Q` table).
    BigInts,
}

#[cfg(test)]
pub(crate) fn leaves_strategy() -> impl proptest::strategy::Strategy<Value = Leaves> {
    proptest::prop_oneof![
        proptest::strategy::Just(Leaves::Ints),
        proptest::strategy::Just(Leaves::Fractions),
        proptest::strategy::Just(Leaves::BigInts)
    ]
}

/// Random trees for the property tests of the scaled path: a tree of up to 80 nodes with decision and
/// chance nodes, its number of players (1 to 3) and the kind of its leaf payoffs.
#[cfg(test)]
pub(crate) fn chance_trees() -> impl proptest::strategy::Strategy<Value = (Tree, usize, Leaves)> {
    use proptest::strategy::Strategy;
    (
        proptest::collection::vec(proptest::prelude::any::<u8>(), 1..64),
        1usize..80,
        1usize..4,
        leaves_strategy(),
    )
        .prop_map(|(bytes, size, n, leaves)| (random_chance_tree(&bytes, size, n, leaves), n, leaves))
}

/// A random tree of about `size` nodes with decision and chance nodes, shaped by `bytes`.
#[cfg(test)]
pub(crate) fn random_chance_tree(bytes: &[u8], size: usize, n_players: usize, leaves: Leaves) -> Tree {
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
            let row: Vec<Q> = (0..n_players)
                .map(|_| {
                    let d = [1, 1, 1, 1, 2, 3][usize::from(next() % 6)];
                    let v = i64::from(next() % 7) - 3;
                    match leaves {
                        Leaves::Ints => Q::from_int(v),
                        Leaves::Fractions => Q::ratio(v, d).expect("a positive denominator"),
                        // Every third entry scaled past i16 (by 20000 or 30000).
                        Leaves::BigInts => Q::from_int(if d == 1 { v } else { v * 10_000 * d }),
                    }
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
            let (gt, eq) = x.cmp_masks(y);
            prop_assert_eq!(gt, if x > y { -1 } else { 0 });
            prop_assert_eq!(eq, if x == y { -1 } else { 0 });
            prop_assert_eq!(Frac::select(gt, x, y).num, if x > y { a } else { c });
            prop_assert_eq!(Frac::select(eq, x, y).den, if x == y { b } else { d });
        }
    }
}
