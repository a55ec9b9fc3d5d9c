//! Fraction-free (Bareiss) integer tableaux with the lexicographic minimum-ratio test.
//!
//! **Used by:** [`super::lp`] (simplex), [`super::lemke_howson`] (complementary pivoting) and
//! [`super::enumeration`] (vertex enumeration). **Complexity:** one pivot costs O(rows × non-basic
//! columns) integer multiplications and exact divisions; entries stay bounded by minors of the
//! input matrix (Hadamard's bound), so no gcd is ever computed.
//! **Reference:** Bareiss (1968); von Stengel (2002), Handbook of Game Theory vol. 3, ch. 45 §2.6;
//! Avis (lrslib) for the lexicographic rule.
//!
//! A tableau stores the system `T·v = rhs` over all variables `v` (structural and slack), where the
//! basic variable of row `i` has coefficient `det` in its own column and 0 elsewhere. With `B` the
//! current basis matrix, `T = det·B⁻¹·[M | b]`, so a basic variable's value is `rhs[i] / det` and
//! every entry is an integer. A pivot on `(r, s)` replaces every other row by
//! `(t_ij·t_rs − t_is·t_rj) / det_prev`, a division that is always exact (Sylvester's identity), and
//! the pivot element becomes the new `det`. Pivot elements are positive (the ratio test only picks
//! positive entries), so `det > 0` throughout and signs of `rhs` are signs of values.
//!
//! Degeneracy is resolved by the lexicographic rule: among rows tied in the ratio test, compare the
//! rows of `[rhs | det·B⁻¹]` divided by the pivot column entry. This is the right-hand side perturbed
//! by `(ε, ε², …)` without any explicit ε; rows of `B⁻¹` are linearly independent, so the choice is
//! unique, simplex runs cannot cycle and Lemke–Howson paths cannot stall.
//!
//! The integers are [`Mixed`]: `i64` while values fit (with `i128` intermediate products, so the
//! common small case never allocates), `num-bigint`'s `BigInt` beyond. The big type is reached
//! through [`Q::floor`]; the code is generic over the few operations of [`Int`] and every entry
//! point instantiates it with [`witness`]. (The crate now depends on `num-bigint` directly, for
//! `modular`; the generic form is kept because nothing is gained by rewriting it as an alias.)

use std::borrow::Cow;
use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Div, Mul, Rem, Sub};

use redline_models::number::Q;

/// The exact integer operations the tableaux need.
pub(crate) trait Int: Clone + Ord + fmt::Debug {
    /// The integer `v`.
    fn from_i64(v: i64) -> Self;
    /// `self + o`.
    fn add(&self, o: &Self) -> Self;
    /// `self − o`.
    fn sub(&self, o: &Self) -> Self;
    /// `self · o`.
    fn mul(&self, o: &Self) -> Self;
    /// `self / o` when `o` divides `self` (truncating otherwise).
    fn div_exact(&self, o: &Self) -> Self;
    /// The remainder of truncating division.
    fn rem(&self, o: &Self) -> Self;
    /// The exact rational with this value.
    fn to_q(&self) -> Q;
    /// The integer value of an integral rational (the fractional part is dropped).
    fn from_integral_q(q: &Q) -> Self;

    /// Zero.
    fn zero() -> Self {
        Self::from_i64(0)
    }
    /// The sign as an ordering against zero.
    fn sign(&self) -> Ordering {
        self.cmp(&Self::zero())
    }
    /// True for zero.
    fn is_zero(&self) -> bool {
        self.sign() == Ordering::Equal
    }
    /// True for a positive value.
    fn is_positive(&self) -> bool {
        self.sign() == Ordering::Greater
    }
    /// True for a negative value.
    fn is_negative(&self) -> bool {
        self.sign() == Ordering::Less
    }
    /// `self·a − b·c`, the kernel of every pivot.
    fn mul_sub(&self, a: &Self, b: &Self, c: &Self) -> Self {
        self.mul(a).sub(&b.mul(c))
    }
    /// `(self·a − b·c) / d` for an exact division.
    fn mul_sub_div(&self, a: &Self, b: &Self, c: &Self, d: &Self) -> Self {
        self.mul_sub(a, b, c).div_exact(d)
    }
    /// The order of `self·a` and `b·c`, exactly (ratio tests compare by cross-multiplication).
    fn cmp_products(&self, a: &Self, b: &Self, c: &Self) -> Ordering {
        self.mul(a).cmp(&b.mul(c))
    }
    /// True when an operation of this type has lost exactness since the last [`in_words`] began
    /// ([`Word`] only): long loops stop early, their result is discarded anyway.
    fn overflowed() -> bool {
        false
    }
    /// The minimum-ratio test without tie-breaking: the first index `i` with `den[i] > 0` whose
    /// ratio `num[i] / den[i]` is smallest (`None` when no `den[i]` is positive), and whether another
    /// such index ties it exactly (the caller then breaks the tie). `den` and `num` have equal lengths.
    fn min_ratio(den: &[Self], num: &[Self]) -> (Option<usize>, bool) {
        min_ratio_by_comparisons(den, num)
    }
    /// `self` prepared as the divisor of many exact divisions ([`Int::div_prepared`],
    /// [`Int::mul_sub_div_prepared`]), such as every entry of one pivot by the previous `det`.
    fn prepare(&self) -> Divisor<Self> {
        Divisor { d: self.clone(), inverse: 0, shift: 0 }
    }
    /// `self / d` for an exact division, as [`Int::div_exact`] by `d`'s value.
    fn div_prepared(&self, d: &Divisor<Self>) -> Self {
        self.div_exact(&d.d)
    }
    /// `(self·a − b·c) / d` for an exact division, as [`Int::mul_sub_div`] by `d`'s value.
    fn mul_sub_div_prepared(&self, a: &Self, b: &Self, c: &Self, d: &Divisor<Self>) -> Self {
        self.mul_sub_div(a, b, c, &d.d)
    }
}

/// [`Int::min_ratio`] by one cross-multiplication per candidate row (the default; [`Word`] has a
/// branch-free version).
fn min_ratio_by_comparisons<Z: Int>(den: &[Z], num: &[Z]) -> (Option<usize>, bool) {
    let mut best: Option<usize> = None;
    let mut tie = false;
    for (i, (p, v)) in den.iter().zip(num).enumerate() {
        if !p.is_positive() {
            continue;
        }
        match best {
            None => best = Some(i),
            Some(k) => match v.cmp_products(&den[k], &num[k], p) {
                Ordering::Less => (best, tie) = (Some(i), false),
                Ordering::Equal => tie = true,
                Ordering::Greater => {}
            },
        }
    }
    (best, tie)
}

/// A divisor prepared by [`Int::prepare`]. For [`Word`], an exact division by `d = 2^shift · odd`
/// is a shift and a multiplication by `inverse = odd⁻¹ mod 2⁶⁴` (a quotient that fits `i64` is
/// determined by its residue modulo 2⁶⁴), checked by multiplying back; the other types divide by
/// `d` as before and leave the other fields 0.
#[derive(Clone, Debug)]
pub(crate) struct Divisor<Z> {
    /// The divisor.
    d: Z,
    /// The inverse of `d`'s odd part modulo 2⁶⁴ ([`Word`] only; 0 when `d = 0`).
    inverse: u64,
    /// The number of trailing zero bits of `d` ([`Word`] only).
    shift: u32,
}

/// An integer kept inline while it fits `i64` (products and pivot kernels are then computed in
/// `i128`, which cannot overflow), and as a big integer `B` otherwise. The representation is
/// canonical (`Big` only holds values outside `i64`), so derived equality is exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mixed<B> {
    /// A value that fits `i64`.
    Small(i64),
    /// A value that does not.
    Big(B),
}

impl<B> Mixed<B>
where
    B: Clone + Ord + fmt::Debug + From<i64> + From<i128>,
    for<'a> i64: TryFrom<&'a B>,
{
    fn from_i128(v: i128) -> Self {
        match <i64 as TryFrom<i128>>::try_from(v) {
            Ok(s) => Mixed::Small(s),
            Err(_) => Mixed::Big(B::from(v)),
        }
    }

    fn from_big(b: B) -> Self {
        let small = i64::try_from(&b).ok();
        match small {
            Some(s) => Mixed::Small(s),
            None => Mixed::Big(b),
        }
    }

    /// The value as a big integer, borrowed when it already is one.
    fn big(&self) -> Cow<'_, B> {
        match self {
            Mixed::Small(s) => Cow::Owned(B::from(*s)),
            Mixed::Big(b) => Cow::Borrowed(b),
        }
    }
}

impl<B> PartialOrd for Mixed<B>
where
    B: Clone + Ord + fmt::Debug + From<i64> + From<i128>,
    for<'a> i64: TryFrom<&'a B>,
{
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<B> Ord for Mixed<B>
where
    B: Clone + Ord + fmt::Debug + From<i64> + From<i128>,
    for<'a> i64: TryFrom<&'a B>,
{
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Mixed::Small(a), Mixed::Small(b)) => a.cmp(b),
            // A big value lies outside i64, so its sign decides.
            (Mixed::Small(_), Mixed::Big(b)) => {
                if *b > B::from(0i64) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (Mixed::Big(a), Mixed::Small(_)) => {
                if *a > B::from(0i64) {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (Mixed::Big(a), Mixed::Big(b)) => a.cmp(b),
        }
    }
}

impl<B> Int for Mixed<B>
where
    B: Clone + Ord + fmt::Debug + From<i64> + From<i128>,
    for<'a> i64: TryFrom<&'a B>,
    Q: From<B>,
    for<'a> &'a B:
        Add<&'a B, Output = B> + Sub<&'a B, Output = B> + Mul<&'a B, Output = B> + Div<&'a B, Output = B>,
    for<'a> &'a B: Rem<&'a B, Output = B>,
{
    fn from_i64(v: i64) -> Self {
        Mixed::Small(v)
    }
    fn add(&self, o: &Self) -> Self {
        match (self, o) {
            (Mixed::Small(a), Mixed::Small(b)) => Self::from_i128(i128::from(*a) + i128::from(*b)),
            _ => Self::from_big(&*self.big() + &*o.big()),
        }
    }
    fn sub(&self, o: &Self) -> Self {
        match (self, o) {
            (Mixed::Small(a), Mixed::Small(b)) => Self::from_i128(i128::from(*a) - i128::from(*b)),
            _ => Self::from_big(&*self.big() - &*o.big()),
        }
    }
    fn mul(&self, o: &Self) -> Self {
        match (self, o) {
            (Mixed::Small(a), Mixed::Small(b)) => Self::from_i128(i128::from(*a) * i128::from(*b)),
            _ => Self::from_big(&*self.big() * &*o.big()),
        }
    }
    fn div_exact(&self, o: &Self) -> Self {
        match (self, o) {
            // i128 avoids the one overflowing case, i64::MIN / −1.
            (Mixed::Small(a), Mixed::Small(b)) => Self::from_i128(i128::from(*a) / i128::from(*b)),
            _ => Self::from_big(&*self.big() / &*o.big()),
        }
    }
    fn rem(&self, o: &Self) -> Self {
        match (self, o) {
            (Mixed::Small(a), Mixed::Small(b)) => Self::from_i128(i128::from(*a) % i128::from(*b)),
            _ => Self::from_big(&*self.big() % &*o.big()),
        }
    }
    fn to_q(&self) -> Q {
        match self {
            Mixed::Small(s) => Q::from_int(*s),
            Mixed::Big(b) => Q::from(b.clone()),
        }
    }
    fn from_integral_q(q: &Q) -> Self {
        if let Some(v) = q.floor_i64() {
            return Mixed::Small(v);
        }
        // The floor is a `BigInt`, rebuilt from its 32-bit digits because the type cannot be named
        // here (see the module docs).
        let (_, digits) = q.floor().to_u32_digits();
        let base = B::from(1i64 << 32);
        let mut v = B::from(0i64);
        for d in digits.iter().rev() {
            v = &(&v * &base) + &B::from(i64::from(*d));
        }
        Mixed::from_big(if q.is_negative() { &B::from(0i64) - &v } else { v })
    }
    fn sign(&self) -> Ordering {
        match self {
            Mixed::Small(s) => s.cmp(&0),
            Mixed::Big(b) => b.cmp(&B::from(0i64)),
        }
    }
    fn mul_sub(&self, a: &Self, b: &Self, c: &Self) -> Self {
        match (self, a, b, c) {
            (Mixed::Small(x), Mixed::Small(y), Mixed::Small(z), Mixed::Small(w)) => {
                // |x·y|, |z·w| ≤ 2^126, so the difference fits i128.
                let v = i128::from(*x) * i128::from(*y) - i128::from(*z) * i128::from(*w);
                Self::from_i128(v)
            }
            _ => Self::from_big(&(&*self.big() * &*a.big()) - &(&*b.big() * &*c.big())),
        }
    }
    fn mul_sub_div(&self, a: &Self, b: &Self, c: &Self, d: &Self) -> Self {
        match (self, a, b, c, d) {
            (Mixed::Small(x), Mixed::Small(y), Mixed::Small(z), Mixed::Small(w), Mixed::Small(e)) => {
                let v = i128::from(*x) * i128::from(*y) - i128::from(*z) * i128::from(*w);
                Self::from_i128(v / i128::from(*e))
            }
            _ => {
                let v = &(&*self.big() * &*a.big()) - &(&*b.big() * &*c.big());
                Self::from_big(&v / &*d.big())
            }
        }
    }
}

thread_local! {
    /// Set by any [`Word`] operation whose exact result does not fit `i64`; read and cleared by
    /// [`in_words`].
    static WORD_OVERFLOW: Cell<bool> = const { Cell::new(false) };
}

/// A machine-word integer for the fast first attempt of a solver: every operation is exact while
/// its result fits `i64` (products and pivot kernels are computed in `i128`), and one that does not
/// raises a per-thread overflow flag and yields 0. Results computed in words are therefore exact
/// whenever the flag stays down, and worthless otherwise: run such code through [`in_words`], which
/// discards them when the flag went up. Unlike [`Mixed`], a `Word` is `Copy` and a tableau of them
/// clones by `memcpy` and drops for free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Word(pub(crate) i64);

impl Word {
    /// `v` as a word, raising the overflow flag (and giving 0) when it does not fit.
    fn from_i128(v: i128) -> Word {
        match i64::try_from(v) {
            Ok(s) => Word(s),
            Err(_) => {
                WORD_OVERFLOW.with(|f| f.set(true));
                Word(0)
            }
        }
    }

    /// `v / d` for the exact quotient of a pivot kernel: in `i64` when `v` fits (the common case,
    /// much cheaper than an `i128` division).
    fn div_i128(v: i128, d: i64) -> Word {
        if d == 0 {
            // Only after an overflow turned a divisor into 0: the attempt is void anyway.
            return Word::from_i128(i128::MAX);
        }
        match i64::try_from(v) {
            // i64::MIN / −1 overflows i64: checked.
            Ok(s) => match s.checked_div(d) {
                Some(q) => Word(q),
                None => Word::from_i128(i128::from(s) / i128::from(d)),
            },
            Err(_) => Word::from_i128(v / i128::from(d)),
        }
    }
}

/// Runs `f` on [`Word`]s: `Some` of its result when no word operation overflowed, `None` when one
/// did (the caller then runs the exact big-integer path). The flag is per thread, so parallel
/// callers do not disturb each other.
pub(crate) fn in_words<T>(f: impl FnOnce() -> T) -> Option<T> {
    WORD_OVERFLOW.with(|flag| flag.set(false));
    let out = f();
    if WORD_OVERFLOW.with(|flag| flag.replace(false)) { None } else { Some(out) }
}

impl Int for Word {
    fn from_i64(v: i64) -> Self {
        Word(v)
    }
    fn add(&self, o: &Self) -> Self {
        Word::from_i128(i128::from(self.0) + i128::from(o.0))
    }
    fn sub(&self, o: &Self) -> Self {
        Word::from_i128(i128::from(self.0) - i128::from(o.0))
    }
    fn mul(&self, o: &Self) -> Self {
        Word::from_i128(i128::from(self.0) * i128::from(o.0))
    }
    fn div_exact(&self, o: &Self) -> Self {
        Word::div_i128(i128::from(self.0), o.0)
    }
    fn rem(&self, o: &Self) -> Self {
        match o.0 {
            // As in `div_i128`.
            0 => Word::from_i128(i128::MAX),
            d => Word::from_i128(i128::from(self.0) % i128::from(d)),
        }
    }
    fn to_q(&self) -> Q {
        Q::from_int(self.0)
    }
    fn from_integral_q(q: &Q) -> Self {
        match q.floor_i64() {
            Some(v) => Word(v),
            None => {
                WORD_OVERFLOW.with(|f| f.set(true));
                Word(0)
            }
        }
    }
    fn sign(&self) -> Ordering {
        self.0.cmp(&0)
    }
    fn overflowed() -> bool {
        WORD_OVERFLOW.with(Cell::get)
    }
    fn mul_sub(&self, a: &Self, b: &Self, c: &Self) -> Self {
        // |x·y|, |z·w| ≤ 2^126, so the difference fits i128.
        Word::from_i128(i128::from(self.0) * i128::from(a.0) - i128::from(b.0) * i128::from(c.0))
    }
    fn cmp_products(&self, a: &Self, b: &Self, c: &Self) -> Ordering {
        // Both products fit i128: the comparison is exact and cannot overflow.
        (i128::from(self.0) * i128::from(a.0)).cmp(&(i128::from(b.0) * i128::from(c.0)))
    }
    fn mul_sub_div(&self, a: &Self, b: &Self, c: &Self, d: &Self) -> Self {
        Word::div_i128(i128::from(self.0) * i128::from(a.0) - i128::from(b.0) * i128::from(c.0), d.0)
    }
    fn prepare(&self) -> Divisor<Self> {
        let d = self.0;
        if d == 0 {
            // Every division falls back to `div_i128`, which raises the overflow flag.
            return Divisor { d: *self, inverse: 0, shift: 0 };
        }
        let shift = d.trailing_zeros();
        // The odd part, as a residue modulo 2⁶⁴ (negative values in two's complement).
        let odd = (d >> shift) as u64;
        // Newton's iteration x ← x·(2 − odd·x) doubles the number of correct low bits; odd·odd ≡ 1
        // (mod 8) gives 3 to start, so 5 steps give 96 ≥ 64.
        let mut inverse = odd;
        for _ in 0..5 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inverse)));
        }
        debug_assert_eq!(odd.wrapping_mul(inverse), 1, "Newton's iteration inverts an odd residue");
        Divisor { d: *self, inverse, shift }
    }
    fn div_prepared(&self, d: &Divisor<Self>) -> Self {
        Word::div_by(i128::from(self.0), d)
    }
    fn min_ratio(den: &[Self], num: &[Self]) -> (Option<usize>, bool) {
        // Branch-free over the signs of `den` (which a branch predictor cannot learn): a row with
        // `den ≤ 0` takes the ratio 1 / 0, above every finite ratio and equal to none, and the
        // products are exact in `i128`.
        // The selections are bit masks (all ones or zero), which the compiler keeps branch-free.
        let (mut best, mut tie) = (usize::MAX, false);
        let (mut bn, mut bd) = (1i64, 0i64);
        for (i, (p, v)) in den.iter().zip(num).enumerate() {
            let positive = p.0 > 0;
            let keep = -i64::from(positive);
            let (n, d) = ((v.0 & keep) | (1 & !keep), p.0 & keep);
            let (l, r) = (i128::from(n) * i128::from(bd), i128::from(bn) * i128::from(d));
            let less = l < r;
            tie = !less & (tie | (positive & (l == r)));
            let take = -i64::from(less);
            bn = (n & take) | (bn & !take);
            bd = (d & take) | (bd & !take);
            let take = usize::from(less).wrapping_neg();
            best = (i & take) | (best & !take);
        }
        ((best != usize::MAX).then_some(best), tie)
    }
    fn mul_sub_div_prepared(&self, a: &Self, b: &Self, c: &Self, d: &Divisor<Self>) -> Self {
        Word::div_by(i128::from(self.0) * i128::from(a.0) - i128::from(b.0) * i128::from(c.0), d)
    }
}

impl Word {
    /// `v / d` for an exact division by a prepared divisor: `v` shifted right by `d`'s trailing
    /// zeros is `q·odd`, so `q ≡ (v >> shift)·inverse (mod 2⁶⁴)`, which is `q` itself when `q` fits
    /// `i64`. Multiplying back confirms it (exactly, in `i128`); when the check fails (the quotient
    /// leaves `i64`, the division is not exact, or `d = 0`) [`Word::div_i128`] decides, raising the
    /// overflow flag as before.
    #[inline]
    fn div_by(v: i128, d: &Divisor<Word>) -> Word {
        // `as` truncates to the low 64 bits (the reduction modulo 2⁶⁴) and reinterprets them as a
        // two's-complement `i64`.
        // (`shift` < 64 as `d` fits `i64`; the mask tells the compiler so.)
        let q = ((v >> (d.shift & 63)) as u64).wrapping_mul(d.inverse) as i64;
        // (`d = 0` would pass the check for `v = 0`.)
        if d.d.0 != 0 && i128::from(q) * i128::from(d.d.0) == v { Word(q) } else { Word::div_i128(v, d.d.0) }
    }
}

/// The middle tier between [`Word`] and [`Mixed`]: an `i128` whose every operation is checked, an
/// overflow raising the same per-thread flag as a word's (so it runs through [`in_words`] too).
/// Games whose tableau entries leave `i64` but not `i128` (10×10 payoffs of two decimal digits)
/// are then solved without big integers. Products and quotients of values that fit `i64` take the
/// widening `i64` routes; only larger ones pay for `i128` multiplication and division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Wide(pub(crate) i128);

impl Wide {
    /// The value, or 0 with the overflow flag raised.
    fn checked(v: Option<i128>) -> Wide {
        match v {
            Some(v) => Wide(v),
            None => {
                WORD_OVERFLOW.with(|f| f.set(true));
                Wide(0)
            }
        }
    }

    /// `a·b`, `None` when it leaves `i128`.
    fn mul128(a: i128, b: i128) -> Option<i128> {
        match (i64::try_from(a), i64::try_from(b)) {
            (Ok(x), Ok(y)) => Some(i128::from(x) * i128::from(y)),
            _ => a.checked_mul(b),
        }
    }

    /// `a / b` (truncating), `None` for `b = 0` and `i128::MIN / −1`.
    fn div128(a: i128, b: i128) -> Option<i128> {
        match (i64::try_from(a), i64::try_from(b)) {
            (Ok(x), Ok(y)) => x.checked_div(y).map(i128::from).or_else(|| a.checked_div(b)),
            _ => a.checked_div(b),
        }
    }
}

impl Int for Wide {
    fn from_i64(v: i64) -> Self {
        Wide(i128::from(v))
    }
    fn add(&self, o: &Self) -> Self {
        Wide::checked(self.0.checked_add(o.0))
    }
    fn sub(&self, o: &Self) -> Self {
        Wide::checked(self.0.checked_sub(o.0))
    }
    fn mul(&self, o: &Self) -> Self {
        Wide::checked(Wide::mul128(self.0, o.0))
    }
    fn div_exact(&self, o: &Self) -> Self {
        Wide::checked(Wide::div128(self.0, o.0))
    }
    fn rem(&self, o: &Self) -> Self {
        // `checked_rem` refuses i128::MIN % −1, whose remainder is 0.
        if o.0 == -1 { Wide(0) } else { Wide::checked(self.0.checked_rem(o.0)) }
    }
    fn to_q(&self) -> Q {
        match i64::try_from(self.0) {
            Ok(v) => Q::from_int(v),
            Err(_) => Q::from(num_bigint::BigInt::from(self.0)),
        }
    }
    fn from_integral_q(q: &Q) -> Self {
        match q.floor_i64() {
            Some(v) => Wide(i128::from(v)),
            None => Wide::checked(num_traits::ToPrimitive::to_i128(&q.floor())),
        }
    }
    fn sign(&self) -> Ordering {
        self.0.cmp(&0)
    }
    fn overflowed() -> bool {
        WORD_OVERFLOW.with(Cell::get)
    }
    fn mul_sub(&self, a: &Self, b: &Self, c: &Self) -> Self {
        let (x, y) = (Wide::mul128(self.0, a.0), Wide::mul128(b.0, c.0));
        Wide::checked(x.zip(y).and_then(|(x, y)| x.checked_sub(y)))
    }
    fn mul_sub_div(&self, a: &Self, b: &Self, c: &Self, d: &Self) -> Self {
        // An intermediate beyond i128 overflows even when the quotient would fit: the big-integer
        // tier then answers.
        let (x, y) = (Wide::mul128(self.0, a.0), Wide::mul128(b.0, c.0));
        Wide::checked(x.zip(y).and_then(|(x, y)| x.checked_sub(y)).and_then(|v| Wide::div128(v, d.0)))
    }
}

/// A zero of the integer type the solvers run on, to fix the type parameter of generic entry points.
pub(crate) fn witness() -> impl Int {
    fn zero_like<B>(_big: B) -> Mixed<B> {
        Mixed::Small(0)
    }
    zero_like(Q::zero().floor())
}

/// The greatest common divisor (non-negative), by Euclid's algorithm.
pub(crate) fn gcd<Z: Int>(a: &Z, b: &Z) -> Z {
    let (mut a, mut b) = (abs(a), abs(b));
    while !b.is_zero() {
        let r = a.rem(&b);
        a = b;
        b = r;
    }
    a
}

/// The absolute value.
pub(crate) fn abs<Z: Int>(a: &Z) -> Z {
    if a.is_negative() { Z::zero().sub(a) } else { a.clone() }
}

/// A rational payoff matrix turned into positive integers by a positive affine map
/// `M' = scale·M + shift`, which changes neither best responses nor equilibria.
#[derive(Clone, Debug)]
pub(crate) struct IntMatrix<Z> {
    /// Row-major entries, all at least 1.
    pub(crate) entries: Vec<Vec<Z>>,
    /// The positive scale (the lcm of the denominators).
    pub(crate) scale: Q,
    /// The shift added after scaling.
    pub(crate) shift: Q,
}

impl<Z: Int> IntMatrix<Z> {
    /// Scales by the lcm of all denominators, then shifts so that the smallest entry is 1.
    pub(crate) fn positive(m: &[Vec<Q>]) -> IntMatrix<Z> {
        let mut lcm = Z::from_i64(1);
        for q in m.iter().flatten() {
            if !q.is_integer() {
                let d = Z::from_integral_q(&q.to_parts().1.into());
                lcm = lcm.mul(&d).div_exact(&gcd(&lcm, &d));
            }
        }
        let scale = lcm.to_q();
        let scaled: Vec<Vec<Q>> = m.iter().map(|row| row.iter().map(|q| q * &scale).collect()).collect();
        let min = scaled.iter().flatten().min().cloned().unwrap_or_else(Q::zero);
        let shift = &Q::one() - &min;
        let entries = scaled
            .iter()
            .map(|row| row.iter().map(|q| Z::from_integral_q(&(q + &shift))).collect())
            .collect();
        IntMatrix { entries, scale, shift }
    }

    /// The original value of `v / denominator` in transformed units: `(v/denominator − shift)/scale`.
    pub(crate) fn original(&self, v: &Z, denominator: &Z) -> Q {
        let q = v.to_q().checked_div(&denominator.to_q()).expect("denominators are positive");
        (&q - &self.shift).checked_div(&self.scale).expect("the scale is positive")
    }
}

/// A fraction-free tableau (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct Tableau<Z> {
    /// Rows taking part in ratio tests; rows beyond (an objective row) are only updated.
    constraint_rows: usize,
    cols: usize,
    /// Row-major, `rows × cols`.
    t: Vec<Z>,
    rhs: Vec<Z>,
    det: Z,
    /// The basic variable of each constraint row.
    basis: Vec<usize>,
    /// The row of each basic variable.
    row_of: Vec<Option<usize>>,
    /// The columns of the initial basis, in row order: they hold `det·B⁻¹` for the lexicographic rule.
    lex: Vec<usize>,
}

impl<Z: Int> Tableau<Z> {
    /// A tableau from integer rows (constraint rows first, then any extra rows such as an objective),
    /// with `basis[i]` basic in constraint row `i` (its column must be the unit vector `e_i`).
    pub(crate) fn new(t: Vec<Vec<Z>>, rhs: Vec<Z>, basis: Vec<usize>) -> Tableau<Z> {
        let constraint_rows = basis.len();
        let cols = t.first().map_or(0, Vec::len);
        let mut row_of = vec![None; cols];
        for (i, &b) in basis.iter().enumerate() {
            row_of[b] = Some(i);
        }
        Tableau {
            constraint_rows,
            cols,
            t: t.into_iter().flatten().collect(),
            rhs,
            det: Z::from_i64(1),
            lex: basis.clone(),
            basis,
            row_of,
        }
    }

    /// The number of variables (columns).
    // Only the test oracle of `enumeration` uses it now.
    #[allow(dead_code)]
    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// The entry at row `i`, column `j`.
    pub(crate) fn at(&self, i: usize, j: usize) -> &Z {
        &self.t[i * self.cols + j]
    }

    /// The common denominator of the basic values.
    pub(crate) fn det(&self) -> &Z {
        &self.det
    }

    /// The right-hand side of row `i` (for an extra row such as an objective: `det` times its value).
    pub(crate) fn rhs(&self, i: usize) -> &Z {
        &self.rhs[i]
    }

    /// The basic variable of each constraint row.
    pub(crate) fn basis(&self) -> &[usize] {
        &self.basis
    }

    /// The row where variable `v` is basic, if it is.
    pub(crate) fn row_of(&self, v: usize) -> Option<usize> {
        self.row_of[v]
    }

    /// `det` times the value of variable `v` (0 when non-basic).
    pub(crate) fn value(&self, v: usize) -> Z {
        self.row_of[v].map_or_else(Z::zero, |r| self.rhs[r].clone())
    }

    /// The row chosen by the lexicographic minimum-ratio test for entering column `s`, or `None` when
    /// no entry of the column is positive (the variable can increase without bound).
    pub(crate) fn lex_min_ratio(&self, s: usize) -> Option<usize> {
        let mut best: Option<usize> = None;
        for i in 0..self.constraint_rows {
            if !self.at(i, s).is_positive() {
                continue;
            }
            best = Some(match best {
                None => i,
                Some(k) => {
                    if self.lex_less(i, k, s) {
                        i
                    } else {
                        k
                    }
                }
            });
        }
        best
    }

    /// True when row `i`'s ratio vector `[rhs | det·B⁻¹]_i / t_is` is lexicographically below row
    /// `k`'s. Both pivot entries are positive, so the comparison is by cross-multiplication.
    fn lex_less(&self, i: usize, k: usize, s: usize) -> bool {
        let (pi, pk) = (self.at(i, s), self.at(k, s));
        match self.rhs[i].mul(pk).cmp(&self.rhs[k].mul(pi)) {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
        for &c in &self.lex {
            match self.at(i, c).mul(pk).cmp(&self.at(k, c).mul(pi)) {
                Ordering::Less => return true,
                Ordering::Greater => return false,
                Ordering::Equal => {}
            }
        }
        // Rows of B⁻¹ are independent, so this is unreachable; the smaller index is a safe answer.
        i < k
    }

    /// Pivots on row `r` and column `s` (`t_rs` must be positive); returns the leaving variable.
    pub(crate) fn pivot(&mut self, r: usize, s: usize) -> usize {
        let cols = self.cols;
        let piv = self.at(r, s).clone();
        debug_assert!(piv.is_positive(), "pivot elements are positive");
        let leave = self.basis[r];
        // Basic columns other than the leaving one stay unit columns (times det): only the others
        // need the Bareiss update.
        let update: Vec<usize> =
            (0..cols).filter(|&j| j != s && (self.row_of[j].is_none() || j == leave)).collect();
        let one = self.det == Z::from_i64(1);
        let (pivot_row, rest) = split_row(&mut self.t, r, cols);
        let pivot_row = pivot_row.to_vec();
        let rhs_r = self.rhs[r].clone();
        for (i, row) in rest {
            let f = row[s].clone();
            if f.is_zero() {
                for &j in &update {
                    let v = row[j].mul(&piv);
                    row[j] = if one { v } else { v.div_exact(&self.det) };
                }
                let v = self.rhs[i].mul(&piv);
                self.rhs[i] = if one { v } else { v.div_exact(&self.det) };
            } else {
                for &j in &update {
                    row[j] = if one {
                        row[j].mul_sub(&piv, &f, &pivot_row[j])
                    } else {
                        row[j].mul_sub_div(&piv, &f, &pivot_row[j], &self.det)
                    };
                }
                self.rhs[i] = if one {
                    self.rhs[i].mul_sub(&piv, &f, &rhs_r)
                } else {
                    self.rhs[i].mul_sub_div(&piv, &f, &rhs_r, &self.det)
                };
                row[s] = Z::zero();
            }
            if i < self.constraint_rows {
                let b = self.basis[i];
                row[b] = piv.clone();
            }
        }
        self.det = piv;
        self.basis[r] = s;
        self.row_of[leave] = None;
        self.row_of[s] = Some(r);
        leave
    }
}

/// Splits a row-major matrix into row `r` and an iterator over the other rows with their indices.
fn split_row<Z>(t: &mut [Z], r: usize, cols: usize) -> (&[Z], impl Iterator<Item = (usize, &mut [Z])>) {
    let (before, after) = t.split_at_mut(r * cols);
    let (row, after) = after.split_at_mut(cols);
    let before = before.chunks_mut(cols).enumerate();
    let after = after.chunks_mut(cols).enumerate().map(move |(k, c)| (r + 1 + k, c));
    (row, before.chain(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z<Z: Int>(_w: &Z, v: i64) -> Z {
        Z::from_i64(v)
    }

    #[test]
    fn words_are_exact_or_flag_overflow() {
        // Exact results come back.
        let ok = in_words(|| {
            let (a, b, c, d) = (Word(i64::MAX), Word(3), Word(i64::MAX - 1), Word(3));
            (a.mul_sub_div(&b, &c, &d, &Word(3)), Word(-7).div_exact(&Word(2)), Word(i64::MIN).rem(&Word(-1)))
        });
        assert_eq!(ok, Some((Word(1), Word(-3), Word(0))));
        // Any result outside i64 discards the whole computation, and the flag is cleared after.
        assert_eq!(in_words(|| Word(i64::MAX).add(&Word(1))), None);
        assert_eq!(in_words(|| Word(1 << 32).mul(&Word(1 << 31))), None);
        assert_eq!(in_words(|| Word(i64::MIN).div_exact(&Word(-1))), None);
        assert_eq!(in_words(|| Word(i64::MAX).mul_sub(&Word(2), &Word(1), &Word(1))), None);
        assert_eq!(
            in_words(|| Word::from_integral_q(&"123456789012345678901234567890".parse().unwrap())),
            None
        );
        // A divisor zeroed by an earlier overflow voids the attempt instead of panicking.
        assert_eq!(in_words(|| Word(5).div_exact(&Word(0))), None);
        assert_eq!(in_words(|| Word(5).rem(&Word(0))), None);
        assert_eq!(in_words(|| Word(5).mul_sub_div(&Word(1), &Word(1), &Word(1), &Word(0))), None);
        assert!(!Word::overflowed());
        assert_eq!(in_words(|| Word::from_integral_q(&"-98765".parse().unwrap())), Some(Word(-98765)));
        // Comparing products beyond i64 is exact and raises nothing.
        let max = Word(i64::MAX);
        assert_eq!(
            in_words(|| max.cmp_products(&max, &Word(i64::MIN), &Word(i64::MIN))),
            Some(Ordering::Less)
        );
        assert_eq!(in_words(|| max.cmp_products(&Word(2), &Word(2), &max)), Some(Ordering::Equal));
    }

    /// Division by a prepared word divisor gives `div_exact`'s quotient whenever that fits `i64`,
    /// and raises the overflow flag exactly when it does not: negative divisors, powers of two,
    /// odd and even divisors, quotients at and beyond the ends of `i64`, a zeroed divisor.
    #[test]
    fn prepared_word_division_is_exact_or_flags_overflow() {
        fn check(v: i128, d: i64) {
            let expected = if d == 0 { None } else { i64::try_from(v / i128::from(d)).ok().map(Word) };
            let pd = Word(d).prepare();
            assert_eq!(in_words(|| Word::div_by(v, &pd)), expected, "{v} / {d}");
            if let Ok(small) = i64::try_from(v) {
                assert_eq!(in_words(|| Word(small).div_prepared(&pd)), expected, "{v} / {d}");
            }
        }
        let divisors =
            [1, -1, 2, -2, 3, -3, 7, 12, -12, 1 << 20, -(1 << 20), 1 << 62, i64::MIN, i64::MAX, i64::MIN + 1];
        let quotients = [
            0,
            1,
            -1,
            5,
            -5,
            1 << 40,
            -(1 << 40),
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            i128::from(i64::MAX) + 1,
            i128::from(i64::MIN) - 1,
            1 << 70,
            -(1 << 70),
        ];
        for &d in &divisors {
            for &q in &quotients {
                // Products beyond i128 are not kernels of a pivot (those stay within ±2^127).
                if let Some(v) = q.checked_mul(i128::from(d)) {
                    check(v, d);
                }
            }
        }
        // i64::MIN / −1 leaves i64; a zeroed divisor voids the attempt.
        check(i128::from(i64::MIN), -1);
        check(12, 0);
        check(0, 0);
        // The kernel form agrees with `mul_sub_div`, also for a divisor that is not the pivot's.
        let pd = Word(-6).prepare();
        assert_eq!(
            in_words(|| Word(i64::MAX).mul_sub_div_prepared(&Word(6), &Word(3), &Word(4), &pd)),
            Some(Word(2 - i64::MAX))
        );
        assert_eq!(
            in_words(|| Word(i64::MAX).mul_sub_div_prepared(
                &Word(6),
                &Word(3),
                &Word(4),
                &Word(1).prepare()
            )),
            None
        );
        // Other integer types keep their own division.
        let pw = Wide(-4).prepare();
        assert_eq!(in_words(|| Wide(1 << 100).div_prepared(&pw)), Some(Wide(-(1 << 98))));
    }

    proptest::proptest! {
        /// Exact quotients of any sign and size, by any non-zero divisor: the prepared division
        /// agrees with `i128` division, flagging overflow exactly when the quotient leaves `i64`.
        #[test]
        fn prepared_word_division_agrees_with_i128(
            q in proptest::num::i128::ANY, k in 0u32..127, d in proptest::num::i64::ANY
        ) {
            // Quotients of every magnitude, not only near 2^127.
            let q = q >> k;
            if d != 0 {
                if let Some(v) = q.checked_mul(i128::from(d)) {
                    let expected = i64::try_from(q).ok().map(Word);
                    proptest::prop_assert_eq!(in_words(|| Word::div_by(v, &Word(d).prepare())), expected);
                }
            }
        }
    }

    #[test]
    fn word_min_ratio_examples() {
        let w = |v: &[i64]| v.iter().map(|&x| Word(x)).collect::<Vec<_>>();
        let check = |den: &[i64], num: &[i64], expected: (Option<usize>, bool)| {
            assert_eq!(Word::min_ratio(&w(den), &w(num)), expected, "{den:?} {num:?}");
            assert_eq!(min_ratio_by_comparisons(&w(den), &w(num)), expected, "{den:?} {num:?}");
        };
        check(&[], &[], (None, false));
        check(&[0, -3], &[1, 1], (None, false));
        check(&[2, 1, 4], &[3, 1, 2], (Some(2), false));
        // 1/2 = 2/4 tie; a later strictly smaller ratio clears the tie.
        check(&[2, 4, 3], &[1, 2, 5], (Some(0), true));
        check(&[2, 4, 3], &[1, 2, 0], (Some(2), false));
        // Entries ≤ 0 never take part, even with a ratio that would tie or win.
        check(&[-2, 2, 0], &[-1, 1, 0], (Some(1), false));
        check(&[i64::MAX, 1], &[i64::MAX, 1], (Some(0), true));
        check(&[i64::MAX, 2], &[i64::MIN, i64::MIN], (Some(1), false));
    }

    proptest::proptest! {
        /// The branch-free word version agrees with the comparisons of the default.
        #[test]
        fn word_min_ratio_agrees_with_comparisons(
            rows in proptest::collection::vec((-3i64..=3, -3i64..=3), 0..12),
            shift in 0u32..62,
        ) {
            let den: Vec<Word> = rows.iter().map(|r| Word(r.0 << shift)).collect();
            let num: Vec<Word> = rows.iter().map(|r| Word(r.1 << shift)).collect();
            proptest::prop_assert_eq!(Word::min_ratio(&den, &num), min_ratio_by_comparisons(&den, &num));
        }
    }

    #[test]
    fn wide_words_are_exact_or_flag_overflow() {
        let big = Wide(i128::from(i64::MAX));
        let ok = in_words(|| {
            (
                big.mul_sub_div(&big, &Wide(1), &big, &big),
                big.mul(&big).div_exact(&big),
                Wide(-7).div_exact(&Wide(2)),
                Wide(i128::MIN).rem(&Wide(-1)),
                Wide::from_integral_q(&"-123456789012345678901234567890".parse().unwrap()).to_q(),
            )
        });
        let q: Q = "-123456789012345678901234567890".parse().unwrap();
        assert_eq!(ok, Some((Wide(i128::from(i64::MAX) - 1), big, Wide(-3), Wide(0), q)));
        assert_eq!(in_words(|| Wide(i128::MAX).add(&Wide(1))), None);
        assert_eq!(in_words(|| Wide(1 << 64).mul(&Wide(1 << 64))), None);
        assert_eq!(in_words(|| Wide(i128::MIN).div_exact(&Wide(-1))), None);
        assert_eq!(in_words(|| Wide(5).div_exact(&Wide(0))), None);
        assert_eq!(in_words(|| Wide(5).rem(&Wide(0))), None);
        assert_eq!(in_words(|| Wide(1 << 110).mul_sub(&Wide(1 << 20), &Wide(1), &Wide(1))), None);
        assert_eq!(in_words(|| Wide(5).mul_sub_div(&Wide(1), &Wide(1), &Wide(1), &Wide(0))), None);
        assert_eq!(
            in_words(|| Wide::from_integral_q(&"1234567890123456789012345678901234567890".parse().unwrap())),
            None
        );
        assert!(!Wide::overflowed());
    }

    #[test]
    fn conversion_round_trips() {
        let w = witness();
        for text in ["0", "7", "-7", "123456789012345678901234567890", "-98765432109876543210"] {
            let q: Q = text.parse().unwrap();
            let v = {
                let _ = &w;
                fn conv<Z: Int>(_w: &Z, q: &Q) -> Z {
                    Z::from_integral_q(q)
                }
                conv(&w, &q)
            };
            assert_eq!(v.to_q(), q);
        }
    }

    #[test]
    fn positive_matrix_is_an_affine_image() {
        fn run<Z: Int>(_w: Z) {
            let m = vec![
                vec![Q::ratio(-1, 2).unwrap(), Q::from_int(3)],
                vec![Q::ratio(2, 3).unwrap(), Q::zero()],
            ];
            let p = IntMatrix::<Z>::positive(&m);
            assert_eq!(p.scale, Q::from_int(6));
            assert_eq!(p.shift, Q::from_int(4));
            let flat: Vec<Q> = p.entries.iter().flatten().map(Int::to_q).collect();
            assert_eq!(flat, [1, 22, 8, 4].map(Q::from_int));
            assert_eq!(p.original(&Z::from_i64(22), &Z::from_i64(1)), Q::from_int(3));
        }
        run(witness());
    }

    #[test]
    fn pivot_solves_a_system() {
        // x + 2y + s1 = 4, 3x + y + s2 = 6: pivot x in (row 1), then y in (row 0).
        fn run<Z: Int>(w: Z) {
            let rows = vec![
                vec![z(&w, 1), z(&w, 2), z(&w, 1), z(&w, 0)],
                vec![z(&w, 3), z(&w, 1), z(&w, 0), z(&w, 1)],
            ];
            let mut t = Tableau::new(rows, vec![z(&w, 4), z(&w, 6)], vec![2, 3]);
            assert_eq!(t.lex_min_ratio(0), Some(1));
            assert_eq!(t.pivot(1, 0), 3);
            assert_eq!(t.lex_min_ratio(1), Some(0));
            assert_eq!(t.pivot(0, 1), 2);
            // x = 8/5, y = 6/5.
            let x = t.value(0).to_q().checked_div(&t.det().to_q()).unwrap();
            let y = t.value(1).to_q().checked_div(&t.det().to_q()).unwrap();
            assert_eq!((x, y), (Q::ratio(8, 5).unwrap(), Q::ratio(6, 5).unwrap()));
            assert_eq!(t.basis(), &[1, 0]);
        }
        run(witness());
    }
}
