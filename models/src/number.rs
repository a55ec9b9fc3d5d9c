//! Exact rational numbers: the [`Q`] newtype.
//!
//! Every payoff and probability in redline is a `Q`. The back end is `num-rational` over `num-bigint`
//! 0.4, hidden behind this newtype so it can be swapped. Most game payoffs are small integers or
//! fractions with small denominators, so `Q` keeps values that fit in `i64 / i64` inline (no heap,
//! arithmetic in `i128` without any possibility of overflow) and falls back to a boxed big rational only
//! when a result does not fit. The representation is canonical (lowest terms, positive denominator,
//! inline whenever it fits), so derived equality and hashing are exact. A `Q` is 16 bytes: the inline
//! denominator is a `NonZeroI64`, whose niche (zero) tags the boxed variant.
//!
//! Parsing accepts integers (`-3`), decimals with an optional exponent (`0.25`, `1e-3`, `1.5E+2`) and
//! fractions of those (`2/3`, `0.5/3`); a decimal means its exact value (`0.1` is 1/10). Printing gives
//! lowest terms (`-3/2`), or a rounded decimal with [`Q::to_decimal`].
//!
//! Next: [`crate::expr`], which builds payoff expressions on top of `Q`.

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroI64;
use std::ops::{Add, Mul, Neg, Sub};
use std::str::FromStr;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The largest decimal exponent accepted when parsing (`1e4096`); beyond it input is rejected as too
/// large rather than allocating an enormous integer.
pub const MAX_EXPONENT: u32 = 4096;

/// An exact rational number in lowest terms.
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// let a: Q = "2/3".parse().unwrap();
/// let b: Q = "0.25".parse().unwrap();
/// assert_eq!((&a + &b).to_string(), "11/12");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Q(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// Numerator and denominator; the denominator is positive and the pair is coprime.
    Small(i64, NonZeroI64),
    /// A value that does not fit `Small`, in lowest terms.
    Big(Box<BigRational>),
}

/// Why a piece of text is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseNumberError {
    /// The text is not of the accepted shapes.
    #[error(
        "`{0}` is not a number (write an integer, a decimal such as 0.25 or 1e-3, or a fraction such as 2/3)"
    )]
    Malformed(String),
    /// The exponent is beyond [`MAX_EXPONENT`].
    #[error("`{0}` is too large: exponents beyond ±{MAX_EXPONENT} are not accepted")]
    TooLarge(String),
    /// A fraction with zero denominator.
    #[error("`{0}` divides by zero")]
    DivisionByZero(String),
}

/// The denominator 1.
const ONE: NonZeroI64 = match NonZeroI64::new(1) {
    Some(one) => one,
    None => unreachable!(),
};

// The niche layout is what keeps payoff tables at two words per value; keep it.
const _: () = assert!(std::mem::size_of::<Q>() == 16);

/// The inline form `n / d` of a reduced fraction with `d > 0`.
#[inline]
fn small(n: i64, d: i64) -> Q {
    debug_assert!(d > 0, "inline denominators are positive");
    match NonZeroI64::new(d) {
        Some(d) => Q(Repr::Small(n, d)),
        None => unreachable!("inline denominators are positive"),
    }
}

fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    // Operands that fit in 64 bits (the usual case: small payoffs times small probabilities) take the
    // binary algorithm on u64, which avoids the slow 128-bit division of Euclid's.
    if let (Ok(x), Ok(y)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(gcd_u64(x, y));
    }
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// Stein's binary gcd; `gcd(0, b) = b`.
fn gcd_u64(a: u64, b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    let mut a = a >> a.trailing_zeros();
    let mut b = b;
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

impl Q {
    /// Zero.
    #[must_use]
    pub const fn zero() -> Q {
        Q(Repr::Small(0, ONE))
    }

    /// One.
    #[must_use]
    pub const fn one() -> Q {
        Q(Repr::Small(1, ONE))
    }

    /// The integer `n`.
    #[must_use]
    pub const fn from_int(n: i64) -> Q {
        Q(Repr::Small(n, ONE))
    }

    /// The fraction `n / d` in lowest terms, or `None` when `d` is zero.
    #[must_use]
    pub fn ratio(n: i64, d: i64) -> Option<Q> {
        if d == 0 { None } else { Some(Q::from_i128(i128::from(n), i128::from(d))) }
    }

    /// Builds from an `i128` fraction with a nonzero denominator.
    fn from_i128(n: i128, d: i128) -> Q {
        debug_assert!(d != 0, "denominator is nonzero by construction");
        let g = gcd_u128(n.unsigned_abs(), d.unsigned_abs());
        // `g` divides both, and is at least 1 because `d` is nonzero.
        let (mut n, mut d) = if g > 1 {
            // g ≤ |d| < 2^127 fits i128 unless d = i128::MIN, which i64 inputs cannot produce.
            let g = g as i128;
            (n / g, d / g)
        } else {
            (n, d)
        };
        if d < 0 {
            n = -n;
            d = -d;
        }
        match (i64::try_from(n), i64::try_from(d)) {
            (Ok(n), Ok(d)) => small(n, d),
            _ => Q(Repr::Big(Box::new(BigRational::new_raw(BigInt::from(n), BigInt::from(d))))),
        }
    }

    /// Builds from a big rational, demoting it to the inline form when it fits.
    #[must_use]
    pub fn from_big(r: BigRational) -> Q {
        // `BigRational::new` would reduce again; callers pass reduced values from num-rational ops.
        match (r.numer().to_i64(), r.denom().to_i64()) {
            (Some(n), Some(d)) => small(n, d),
            _ => Q(Repr::Big(Box::new(r))),
        }
    }

    /// The value as a big rational.
    #[must_use]
    pub fn to_big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n, d) => BigRational::new_raw(BigInt::from(*n), BigInt::from(d.get())),
            Repr::Big(b) => (**b).clone(),
        }
    }

    /// Numerator and denominator as big integers (denominator positive, coprime).
    #[must_use]
    pub fn to_parts(&self) -> (BigInt, BigInt) {
        match &self.0 {
            Repr::Small(n, d) => (BigInt::from(*n), BigInt::from(d.get())),
            Repr::Big(b) => (b.numer().clone(), b.denom().clone()),
        }
    }

    /// Builds `n / d` from big integers, or `None` when `d` is zero.
    #[must_use]
    pub fn from_parts(n: BigInt, d: BigInt) -> Option<Q> {
        if d.is_zero() { None } else { Some(Q::from_big(BigRational::new(n, d))) }
    }

    /// True when the value is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        matches!(self.0, Repr::Small(0, _))
    }

    /// True when the value is one.
    #[must_use]
    pub fn is_one(&self) -> bool {
        matches!(self.0, Repr::Small(1, d) if d == ONE)
    }

    /// True when the value is an integer.
    #[must_use]
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small(_, d) => *d == ONE,
            Repr::Big(b) => b.is_integer(),
        }
    }

    /// The sign: -1, 0 or 1.
    #[must_use]
    pub fn signum(&self) -> i32 {
        match &self.0 {
            Repr::Small(n, _) => n.signum() as i32,
            Repr::Big(b) => match b.numer().sign() {
                Sign::Minus => -1,
                Sign::NoSign => 0,
                Sign::Plus => 1,
            },
        }
    }

    /// True when the value is negative.
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.signum() < 0
    }

    /// True when the value is positive.
    #[must_use]
    pub fn is_positive(&self) -> bool {
        self.signum() > 0
    }

    /// The absolute value.
    #[must_use]
    pub fn abs(&self) -> Q {
        if self.is_negative() { -self } else { self.clone() }
    }

    /// `self / other`, or `None` when `other` is zero.
    #[must_use]
    pub fn checked_div(&self, other: &Q) -> Option<Q> {
        if other.is_zero() {
            return None;
        }
        Some(match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                Q::from_i128(i128::from(*a) * i128::from(d.get()), i128::from(b.get()) * i128::from(*c))
            }
            _ => Q::from_big(self.to_big() / other.to_big()),
        })
    }

    /// The reciprocal, or `None` for zero.
    #[must_use]
    pub fn recip(&self) -> Option<Q> {
        Q::one().checked_div(self)
    }

    /// The value as an `i32`, when it is an integer in `i32`'s range (read from the inline form, so
    /// no big integer is built).
    #[must_use]
    #[inline]
    pub fn to_i32(&self) -> Option<i32> {
        match &self.0 {
            Repr::Small(n, d) if *d == ONE => i32::try_from(*n).ok(),
            _ => None,
        }
    }

    /// The value as `(numerator, denominator)` in lowest terms with a positive denominator, when it is
    /// stored inline (both fit `i64`); `None` for a big value. No allocation.
    #[must_use]
    #[inline]
    pub fn to_i64_ratio(&self) -> Option<(i64, i64)> {
        match &self.0 {
            Repr::Small(n, d) => Some((*n, d.get())),
            Repr::Big(_) => None,
        }
    }

    /// The largest integer not above the value, when it fits `i64` (no big integer is built for
    /// values stored inline).
    #[must_use]
    pub fn floor_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(n, d) => Some(n.div_floor(&d.get())),
            Repr::Big(_) => self.floor().to_i64(),
        }
    }

    /// The largest integer not above the value.
    #[must_use]
    pub fn floor(&self) -> BigInt {
        match &self.0 {
            Repr::Small(n, d) => BigInt::from(n.div_floor(&d.get())),
            Repr::Big(b) => b.floor().to_integer(),
        }
    }

    /// The nearest `f64` (for float output and plots only).
    #[must_use]
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Small(n, d) => *n as f64 / d.get() as f64,
            Repr::Big(b) => b.to_f64().unwrap_or(f64::NAN),
        }
    }

    /// The exact value of a finite `f64`, or `None` for NaN and infinities.
    #[must_use]
    pub fn from_f64_exact(x: f64) -> Option<Q> {
        BigRational::from_float(x).map(Q::from_big)
    }

    /// The value rounded half away from zero to `decimals` digits after the point, as text.
    ///
    /// # Examples
    /// ```
    /// use redline_models::number::Q;
    /// let third: Q = "1/3".parse().unwrap();
    /// assert_eq!(third.to_decimal(6), "0.333333");
    /// assert_eq!(Q::from_int(-2).to_decimal(2), "-2.00");
    /// ```
    #[must_use]
    pub fn to_decimal(&self, decimals: usize) -> String {
        self.to_decimal_inner(decimals)
    }

    /// The exact value when it is short enough to read in a message (up to 40 characters), else an
    /// approximation with the size of the exact fraction: `≈ 4.754237 (a fraction of 2871 digits)`.
    ///
    /// ```
    /// use redline_models::number::Q;
    /// assert_eq!(Q::ratio(3, 2).unwrap().for_message(), "3/2");
    /// let huge = Q::parse_exact(&format!("1{}/3", "0".repeat(60))).unwrap();
    /// assert_eq!(huge.for_message(), "≈ 3.333333e59 (a fraction of 62 digits)");
    /// let small = Q::parse_exact(&format!("1/3{}", "0".repeat(60))).unwrap();
    /// assert_eq!(small.for_message(), "≈ 0.000000 (a fraction of 62 digits)");
    /// ```
    #[must_use]
    pub fn for_message(&self) -> String {
        let exact = self.to_string();
        if exact.len() <= 40 {
            return exact;
        }
        let digits = exact.chars().filter(char::is_ascii_digit).count();
        let decimal = self.to_decimal(6);
        let (sign, unsigned) = decimal.strip_prefix('-').map_or(("", decimal.as_str()), |u| ("-", u));
        let int = unsigned.split('.').next().unwrap_or(unsigned);
        let approx = if int.len() > 12 {
            // Scientific notation for big magnitudes: 4.754455e2201.
            format!("{sign}{}.{}e{}", &int[..1], &int[1..7], int.len() - 1)
        } else {
            decimal.clone()
        };
        format!("≈ {approx} (a fraction of {digits} digits)")
    }

    fn to_decimal_inner(&self, decimals: usize) -> String {
        let (n, d) = self.to_parts();
        let scale = num_traits::pow(BigInt::from(10), decimals);
        let scaled = n.abs() * scale;
        let (q, r) = scaled.div_rem(&d);
        let rounded = if r * 2 >= d { q + 1 } else { q };
        let mut digits = rounded.to_string();
        if digits.len() <= decimals {
            digits = format!("{}{digits}", "0".repeat(decimals + 1 - digits.len()));
        }
        let split = digits.len() - decimals;
        let negative = self.is_negative() && digits.bytes().any(|b| b != b'0');
        let sign = if negative { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{digits}")
        } else {
            format!("{sign}{}.{}", &digits[..split], &digits[split..])
        }
    }

    /// The smaller of two values.
    #[must_use]
    pub fn min(self, other: Q) -> Q {
        if other < self { other } else { self }
    }

    /// The larger of two values.
    #[must_use]
    pub fn max(self, other: Q) -> Q {
        if other > self { other } else { self }
    }

    /// `Σ a·b` over the pairs, exactly: the chance expectation `Σ p_k v_k`.
    ///
    /// When every factor is inline the terms are accumulated as one `i128` fraction on a common
    /// denominator (the least common multiple of the terms' denominators, which stays the
    /// probabilities' denominator when the values are integers) and reduced once at the end, instead of
    /// a reduced product and a reduced sum per term. Any factor that is big, or an accumulator that
    /// would overflow, sends the whole sum to the general path.
    ///
    /// ```
    /// use redline_models::number::Q;
    /// let p = [Q::ratio(1, 3).unwrap(), Q::ratio(2, 3).unwrap()];
    /// let v = [Q::from_int(3), Q::ratio(3, 4).unwrap()];
    /// assert_eq!(Q::sum_of_products(p.iter().zip(&v)), Q::ratio(3, 2).unwrap());
    /// ```
    #[must_use]
    pub fn sum_of_products<'a, I>(terms: I) -> Q
    where
        I: Iterator<Item = (&'a Q, &'a Q)> + Clone,
    {
        match sum_of_products_small(terms.clone()) {
            Some(q) => q,
            None => terms.fold(Q::zero(), |acc, (a, b)| &acc + &(a * b)),
        }
    }

    /// Parses a number, reporting why text is not one.
    ///
    /// # Errors
    /// [`ParseNumberError`] when the text is malformed, divides by zero, or has an exponent beyond
    /// [`MAX_EXPONENT`].
    pub fn parse_exact(text: &str) -> Result<Q, ParseNumberError> {
        let t = text.trim();
        if let Some((a, b)) = t.split_once('/') {
            let num = parse_decimal(a.trim(), text)?;
            let den = parse_decimal(b.trim(), text)?;
            return num.checked_div(&den).ok_or_else(|| ParseNumberError::DivisionByZero(text.to_string()));
        }
        parse_decimal(t, text)
    }
}

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` exactly.
fn parse_decimal(t: &str, whole: &str) -> Result<Q, ParseNumberError> {
    let malformed = || ParseNumberError::Malformed(whole.to_string());
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(malformed());
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    let mut exp: i64 = 0;
    if let Some(e) = exponent {
        let (eneg, edigits) = match e.as_bytes().first() {
            Some(b'-') => (true, &e[1..]),
            Some(b'+') => (false, &e[1..]),
            _ => (false, e),
        };
        if edigits.is_empty() || !edigits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let trimmed = edigits.trim_start_matches('0');
        if trimmed.len() > 6 {
            return Err(ParseNumberError::TooLarge(whole.to_string()));
        }
        let v: i64 = if trimmed.is_empty() { 0 } else { trimmed.parse().map_err(|_| malformed())? };
        exp = if eneg { -v } else { v };
    }
    exp -= frac_part.len() as i64;
    // Up to 18 digits and 10^18 fit i64: no big integers, no allocation (every payoff of a typical
    // `.nfg` file takes this path).
    if int_part.len() + frac_part.len() <= 18 && exp.unsigned_abs() <= 18 {
        let v = int_part.bytes().chain(frac_part.bytes()).fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        let v = if negative { -v } else { v };
        let scale = 10i64.pow(exp.unsigned_abs() as u32);
        let q = if exp >= 0 { v.checked_mul(scale).map(Q::from_int) } else { Q::ratio(v, scale) };
        if let Some(q) = q {
            return Ok(q);
        }
    }
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(Q::zero());
    }
    // Bound the size of the resulting integer, not only the written exponent: `0.000…1` with
    // thousands of zeros is as large a denominator as `1e-5000`.
    let magnitude = digits.len() as i64 + exp;
    if exp.unsigned_abs() > u64::from(MAX_EXPONENT) || magnitude.unsigned_abs() > u64::from(MAX_EXPONENT) {
        return Err(ParseNumberError::TooLarge(whole.to_string()));
    }
    let mut value: BigInt = digits.parse().map_err(|_| malformed())?;
    if negative {
        value = -value;
    }
    let ten = BigInt::from(10);
    let q = if exp >= 0 {
        Q::from_big(BigRational::from_integer(value * num_traits::pow(ten, exp as usize)))
    } else {
        Q::from_big(BigRational::new(value, num_traits::pow(ten, (-exp) as usize)))
    };
    Ok(q)
}

/// [`Q::sum_of_products`] on inline values: `None` when a factor is big or an intermediate would
/// overflow `i128`.
#[inline]
fn sum_of_products_small<'a>(terms: impl Iterator<Item = (&'a Q, &'a Q)>) -> Option<Q> {
    // The sum is n / d with d > 0, not necessarily reduced.
    let mut n: i128 = 0;
    let mut d: i128 = 1;
    for (x, y) in terms {
        let (Repr::Small(a, b), Repr::Small(c, e)) = (&x.0, &y.0) else { return None };
        // |a·c| ≤ 2^126 and 0 < b·e < 2^126: both fit.
        let tn = i128::from(*a) * i128::from(*c);
        let td = i128::from(b.get()) * i128::from(e.get());
        if td == d {
            n = n.checked_add(tn)?;
        } else {
            let g = gcd_u128(d.unsigned_abs(), td.unsigned_abs()) as i128;
            let (fd, ft) = (td / g, d / g);
            // The new denominator lcm(d, td) = d · (td / g) = td · (d / g).
            n = n.checked_mul(fd)?.checked_add(tn.checked_mul(ft)?)?;
            d = d.checked_mul(fd)?;
        }
    }
    Some(if d == 1 {
        match i64::try_from(n) {
            Ok(v) => Q::from_int(v),
            Err(_) => Q::from_i128(n, 1),
        }
    } else {
        Q::from_i128(n, d)
    })
}

impl FromStr for Q {
    type Err = ParseNumberError;
    fn from_str(s: &str) -> Result<Q, ParseNumberError> {
        Q::parse_exact(s)
    }
}

impl fmt::Display for Q {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n, d) if *d == ONE => write!(f, "{n}"),
            Repr::Small(n, d) => write!(f, "{n}/{d}"),
            Repr::Big(b) => {
                if b.is_integer() {
                    write!(f, "{}", b.numer())
                } else {
                    write!(f, "{}/{}", b.numer(), b.denom())
                }
            }
        }
    }
}

impl fmt::Debug for Q {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q({self})")
    }
}

impl Default for Q {
    fn default() -> Q {
        Q::zero()
    }
}

impl From<i64> for Q {
    fn from(n: i64) -> Q {
        Q::from_int(n)
    }
}

impl From<i32> for Q {
    fn from(n: i32) -> Q {
        Q::from_int(i64::from(n))
    }
}

impl From<BigInt> for Q {
    fn from(n: BigInt) -> Q {
        Q::from_big(BigRational::from_integer(n))
    }
}

impl Ord for Q {
    // Inlined across crates: solvers compare payoffs in their innermost loops.
    // The inline case is a few instructions; the big case is out of line so that it does not stop
    // the inline case from being inlined.
    #[inline]
    fn cmp(&self, other: &Q) -> Ordering {
        if let (Repr::Small(a, b), Repr::Small(c, d)) = (&self.0, &other.0) {
            if b == d {
                // Equal (positive) denominators, integers in particular: the numerators decide.
                a.cmp(c)
            } else {
                (i128::from(*a) * i128::from(d.get())).cmp(&(i128::from(*c) * i128::from(b.get())))
            }
        } else {
            cmp_big(self, other)
        }
    }
}

/// [`Q`]'s order when either side is big.
#[cold]
#[inline(never)]
fn cmp_big(a: &Q, b: &Q) -> Ordering {
    a.to_big().cmp(&b.to_big())
}

impl PartialOrd for Q {
    #[inline]
    fn partial_cmp(&self, other: &Q) -> Option<Ordering> {
        Some(self.cmp(other))
    }
    #[inline]
    fn lt(&self, other: &Q) -> bool {
        self.cmp(other).is_lt()
    }
    #[inline]
    fn le(&self, other: &Q) -> bool {
        self.cmp(other).is_le()
    }
    #[inline]
    fn gt(&self, other: &Q) -> bool {
        self.cmp(other).is_gt()
    }
    #[inline]
    fn ge(&self, other: &Q) -> bool {
        self.cmp(other).is_ge()
    }
}

impl Add<&Q> for &Q {
    type Output = Q;
    fn add(self, other: &Q) -> Q {
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) if *b == ONE && *d == ONE => match a.checked_add(*c) {
                Some(s) => Q(Repr::Small(s, ONE)),
                None => Q::from_i128(i128::from(*a) + i128::from(*c), 1),
            },
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                let (b, d) = (i128::from(b.get()), i128::from(d.get()));
                Q::from_i128(i128::from(*a) * d + i128::from(*c) * b, b * d)
            }
            _ => Q::from_big(self.to_big() + other.to_big()),
        }
    }
}

impl Sub<&Q> for &Q {
    type Output = Q;
    fn sub(self, other: &Q) -> Q {
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) if *b == ONE && *d == ONE => match a.checked_sub(*c) {
                Some(s) => Q(Repr::Small(s, ONE)),
                None => Q::from_i128(i128::from(*a) - i128::from(*c), 1),
            },
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                let (b, d) = (i128::from(b.get()), i128::from(d.get()));
                Q::from_i128(i128::from(*a) * d - i128::from(*c) * b, b * d)
            }
            _ => Q::from_big(self.to_big() - other.to_big()),
        }
    }
}

impl Mul<&Q> for &Q {
    type Output = Q;
    fn mul(self, other: &Q) -> Q {
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                Q::from_i128(i128::from(*a) * i128::from(*c), i128::from(b.get()) * i128::from(d.get()))
            }
            _ => Q::from_big(self.to_big() * other.to_big()),
        }
    }
}

impl Neg for &Q {
    type Output = Q;
    fn neg(self) -> Q {
        match &self.0 {
            Repr::Small(n, d) => match n.checked_neg() {
                Some(m) => Q(Repr::Small(m, *d)),
                None => Q::from_i128(-i128::from(*n), i128::from(d.get())),
            },
            Repr::Big(b) => Q::from_big(-(**b).clone()),
        }
    }
}

impl Neg for Q {
    type Output = Q;
    fn neg(self) -> Q {
        -&self
    }
}

macro_rules! forward_owned {
    ($tr:ident, $m:ident) => {
        impl $tr<Q> for Q {
            type Output = Q;
            fn $m(self, other: Q) -> Q {
                (&self).$m(&other)
            }
        }
        impl $tr<&Q> for Q {
            type Output = Q;
            fn $m(self, other: &Q) -> Q {
                (&self).$m(other)
            }
        }
        impl $tr<Q> for &Q {
            type Output = Q;
            fn $m(self, other: Q) -> Q {
                self.$m(&other)
            }
        }
    };
}
forward_owned!(Add, add);
forward_owned!(Sub, sub);
forward_owned!(Mul, mul);

impl std::iter::Sum for Q {
    fn sum<I: Iterator<Item = Q>>(iter: I) -> Q {
        iter.fold(Q::zero(), |a, b| &a + &b)
    }
}

impl<'a> std::iter::Sum<&'a Q> for Q {
    fn sum<I: Iterator<Item = &'a Q>>(iter: I) -> Q {
        iter.fold(Q::zero(), |a, b| &a + b)
    }
}

impl Zero for Q {
    fn zero() -> Q {
        Q::zero()
    }
    fn is_zero(&self) -> bool {
        Q::is_zero(self)
    }
}

impl One for Q {
    fn one() -> Q {
        Q::one()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(Q::parse_exact(input).unwrap().to_string(), expected, "parsing {input}");
    }

    #[test]
    fn floor_i64_matches_floor() {
        for text in [
            "-7/2",
            "7/2",
            "0",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "123456789012345678901234567890",
            "-1/3",
        ] {
            let q: Q = text.parse().unwrap();
            assert_eq!(q.floor_i64(), q.floor().to_i64(), "{text}");
        }
        assert_eq!(Q::ratio(-7, 2).unwrap().floor_i64(), Some(-4));
    }

    #[test]
    fn parses_integers() {
        check("-3", "-3");
        check("+7", "7");
        check("0", "0");
        check("-0", "0");
    }

    #[test]
    fn parses_decimals_exactly() {
        check("0.25", "1/4");
        check("0.1", "1/10");
        check("1e-3", "1/1000");
        check("1.5E+2", "150");
        check(".5", "1/2");
        check("5.", "5");
        check("-0.75", "-3/4");
    }

    #[test]
    fn parses_fractions_in_lowest_terms() {
        check("2/3", "2/3");
        check("4/6", "2/3");
        check("-4/-6", "2/3");
        check("3/-6", "-1/2");
        check("0.5/3", "1/6");
    }

    #[test]
    fn rejects_bad_numbers() {
        assert!(matches!(Q::parse_exact("1/0"), Err(ParseNumberError::DivisionByZero(_))));
        assert!(matches!(Q::parse_exact("1e999999"), Err(ParseNumberError::TooLarge(_))));
        assert!(matches!(Q::parse_exact("1e-999999"), Err(ParseNumberError::TooLarge(_))));
        for bad in ["", "-", "abc", "1..2", "1e", "NaN", "inf", "1/2/3", "0x10", "1 2"] {
            assert!(Q::parse_exact(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn arithmetic_overflows_into_big_and_back() {
        let big = Q::from_int(i64::MAX);
        let sum = &big + &big;
        assert_eq!(sum.to_string(), "18446744073709551614");
        let back = &sum - &big;
        assert_eq!(back, big);
        assert!(matches!(back.0, Repr::Small(..)), "values that fit are stored inline");
        let min = Q::from_int(i64::MIN);
        assert_eq!((-&min).to_string(), "9223372036854775808");
        assert_eq!((&min * &min).to_string(), "85070591730234615865843651857942052864");
    }

    #[test]
    fn ordering_and_division() {
        let a: Q = "1/3".parse().unwrap();
        let b: Q = "0.3333".parse().unwrap();
        assert!(a > b);
        assert_eq!(a.checked_div(&b).unwrap().to_string(), "10000/9999");
        assert!(a.checked_div(&Q::zero()).is_none());
    }

    #[test]
    fn decimals_round_half_away_from_zero() {
        assert_eq!("2/3".parse::<Q>().unwrap().to_decimal(6), "0.666667");
        assert_eq!("-1/8".parse::<Q>().unwrap().to_decimal(2), "-0.13");
        assert_eq!("-1/1000".parse::<Q>().unwrap().to_decimal(2), "0.00");
        assert_eq!(Q::from_int(12).to_decimal(0), "12");
    }

    #[test]
    fn binary_gcd_matches_euclid() {
        fn euclid(mut a: u64, mut b: u64) -> u64 {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        }
        for (a, b) in
            [(0, 0), (0, 7), (9, 0), (12, 18), (1 << 40, 3 << 20), (u64::MAX, u64::MAX - 1), (17, 51)]
        {
            assert_eq!(gcd_u64(a, b), euclid(a, b), "gcd({a}, {b})");
        }
    }

    /// Small fractions, integers, values near the ends of `i64` and big values, so both paths of
    /// [`Q::sum_of_products`] and its overflow checks are exercised.
    fn any_q() -> impl proptest::strategy::Strategy<Value = Q> {
        use proptest::prelude::*;
        prop_oneof![
            (-20i64..20).prop_map(Q::from_int),
            (-1000i64..1000, 1i64..64).prop_map(|(a, b)| Q::ratio(a, b).unwrap()),
            (any::<i64>(), 1i64..i64::MAX).prop_map(|(a, b)| Q::ratio(a, b).unwrap()),
            (any::<i64>(), any::<i64>()).prop_map(|(a, b)| &Q::from_int(a) * &Q::from_int(b)),
        ]
    }

    proptest::proptest! {
        #[test]
        fn small_arithmetic_matches_big(a in -1000i64..1000, b in 1i64..1000, c in -1000i64..1000, d in 1i64..1000) {
            let x = Q::ratio(a, b).unwrap();
            let y = Q::ratio(c, d).unwrap();
            let bx = x.to_big();
            let by = y.to_big();
            proptest::prop_assert_eq!((&x + &y).to_big(), &bx + &by);
            proptest::prop_assert_eq!((&x - &y).to_big(), &bx - &by);
            proptest::prop_assert_eq!((&x * &y).to_big(), &bx * &by);
            proptest::prop_assert_eq!(x.cmp(&y), bx.cmp(&by));
            proptest::prop_assert_eq!(Q::parse_exact(&x.to_string()).unwrap(), x);
        }

        /// Decimal text on both sides of the machine-word fast path (up to 18 digits, exponents up
        /// to 18) against the value built with big integers.
        #[test]
        fn decimals_match_big(
            negative in proptest::bool::ANY,
            int_part in "[0-9]{0,12}",
            frac_part in "[0-9]{0,12}",
            exp in proptest::option::of(-25i64..25),
        ) {
            proptest::prop_assume!(!(int_part.is_empty() && frac_part.is_empty()));
            let mut text = format!("{}{int_part}", if negative { "-" } else { "" });
            if !frac_part.is_empty() {
                text = format!("{text}.{frac_part}");
            }
            if let Some(e) = exp {
                text = format!("{text}e{e}");
            }
            let digits: BigInt = format!("0{int_part}{frac_part}").parse().unwrap();
            let digits = if negative { -digits } else { digits };
            let e = exp.unwrap_or(0) - frac_part.len() as i64;
            let ten = BigInt::from(10);
            let want = if e >= 0 {
                BigRational::from_integer(digits * num_traits::pow(ten, e as usize))
            } else {
                BigRational::new(digits, num_traits::pow(ten, (-e) as usize))
            };
            let got = Q::parse_exact(&text).unwrap();
            proptest::prop_assert_eq!(got.to_big(), want.clone());
            proptest::prop_assert_eq!(got, Q::from_big(want));
        }

        #[test]
        fn sum_of_products_matches_big(
            terms in proptest::collection::vec((any_q(), any_q()), 0..8),
        ) {
            let sum = Q::sum_of_products(terms.iter().map(|(a, b)| (a, b)));
            let big = terms.iter().fold(BigRational::zero(), |acc, (a, b)| acc + a.to_big() * b.to_big());
            proptest::prop_assert_eq!(sum.to_big(), big.clone());
            proptest::prop_assert_eq!(sum, Q::from_big(big));
        }
    }
}
