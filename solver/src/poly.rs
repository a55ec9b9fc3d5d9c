//! Univariate polynomials with exact rational coefficients, and exact real-root isolation.
//!
//! The threshold analysis reads every payoff and probability as a polynomial in one parameter θ;
//! node values under a fixed plan are then polynomials too, and a threshold is a root of a
//! difference of two of them. Roots are found exactly: linear and quadratic-with-square-discriminant
//! roots as rationals, others (and all roots of higher degree that the rational root test does not
//! find) as isolating intervals refined by Sturm sequences and bisection, never by sampling.

use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use redline_models::number::Q;

/// A polynomial `c[0] + c[1] θ + c[2] θ² + …`; the last coefficient is nonzero (or the list is empty
/// for the zero polynomial).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Poly(Vec<Q>);

impl Poly {
    /// The zero polynomial.
    #[must_use]
    pub fn zero() -> Poly {
        Poly(Vec::new())
    }

    /// The constant `c`.
    #[must_use]
    pub fn constant(c: Q) -> Poly {
        Poly::from_coeffs(vec![c])
    }

    /// The polynomial `θ`.
    #[must_use]
    pub fn theta() -> Poly {
        Poly(vec![Q::zero(), Q::one()])
    }

    /// From coefficients, lowest degree first.
    #[must_use]
    pub fn from_coeffs(mut c: Vec<Q>) -> Poly {
        while c.last().is_some_and(Q::is_zero) {
            c.pop();
        }
        Poly(c)
    }

    /// The coefficients, lowest degree first.
    #[must_use]
    pub fn coeffs(&self) -> &[Q] {
        &self.0
    }

    /// True for the zero polynomial.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The degree (`None` for zero).
    #[must_use]
    pub fn degree(&self) -> Option<usize> {
        self.0.len().checked_sub(1)
    }

    /// The value as a constant, when the degree is at most 0.
    #[must_use]
    pub fn as_constant(&self) -> Option<Q> {
        match self.0.len() {
            0 => Some(Q::zero()),
            1 => Some(self.0[0].clone()),
            _ => None,
        }
    }

    /// `self + other`.
    #[must_use]
    pub fn add(&self, other: &Poly) -> Poly {
        let n = self.0.len().max(other.0.len());
        let z = Q::zero();
        Poly::from_coeffs(
            (0..n).map(|i| self.0.get(i).unwrap_or(&z) + other.0.get(i).unwrap_or(&z)).collect(),
        )
    }

    /// `self - other`.
    #[must_use]
    pub fn sub(&self, other: &Poly) -> Poly {
        self.add(&other.scale(&-Q::one()))
    }

    /// `self * other`.
    #[must_use]
    pub fn mul(&self, other: &Poly) -> Poly {
        if self.is_zero() || other.is_zero() {
            return Poly::zero();
        }
        let mut c = vec![Q::zero(); self.0.len() + other.0.len() - 1];
        for (i, a) in self.0.iter().enumerate() {
            if a.is_zero() {
                continue;
            }
            for (j, b) in other.0.iter().enumerate() {
                c[i + j] = &c[i + j] + &(a * b);
            }
        }
        Poly::from_coeffs(c)
    }

    /// `k * self`.
    #[must_use]
    pub fn scale(&self, k: &Q) -> Poly {
        Poly::from_coeffs(self.0.iter().map(|c| c * k).collect())
    }

    /// The value at `x` (Horner).
    #[must_use]
    pub fn eval(&self, x: &Q) -> Q {
        self.0.iter().rev().fold(Q::zero(), |acc, c| &(&acc * x) + c)
    }

    /// The derivative.
    #[must_use]
    pub fn derivative(&self) -> Poly {
        Poly::from_coeffs(
            self.0.iter().enumerate().skip(1).map(|(i, c)| c * &Q::from_int(i as i64)).collect(),
        )
    }

    /// The sign of the polynomial just to the right of `x`: the sign of its first nonzero derivative at
    /// `x` (0 only for the zero polynomial).
    #[must_use]
    pub fn sign_right_of(&self, x: &Q) -> i32 {
        let mut p = self.clone();
        while !p.is_zero() {
            let s = p.eval(x).signum();
            if s != 0 {
                return s;
            }
            p = p.derivative();
        }
        0
    }

    /// Quotient and remainder of division by a nonzero polynomial.
    #[must_use]
    pub fn div_rem(&self, d: &Poly) -> (Poly, Poly) {
        let dd = d.degree().expect("division by a nonzero polynomial");
        let lead = d.0[dd].clone();
        let mut r = self.0.clone();
        let mut q = vec![Q::zero(); self.0.len().saturating_sub(dd)];
        while r.len() > dd && !r.is_empty() {
            let k = r.len() - 1 - dd;
            let f = r[r.len() - 1].checked_div(&lead).expect("the leading coefficient is nonzero");
            for (i, c) in d.0.iter().enumerate() {
                r[k + i] = &r[k + i] - &(&f * c);
            }
            q[k] = f;
            r.pop();
            while r.last().is_some_and(Q::is_zero) {
                r.pop();
            }
        }
        (Poly::from_coeffs(q), Poly::from_coeffs(r))
    }

    fn monic(&self) -> Poly {
        match self.0.last() {
            None => Poly::zero(),
            Some(l) => self.scale(&l.recip().expect("the leading coefficient is nonzero")),
        }
    }

    /// The monic greatest common divisor (zero when both are zero).
    #[must_use]
    pub fn gcd(&self, other: &Poly) -> Poly {
        let (mut a, mut b) = (self.clone(), other.clone());
        while !b.is_zero() {
            let r = a.div_rem(&b).1;
            a = b;
            b = r;
        }
        a.monic()
    }

    /// The square-free part (same real roots, each simple).
    #[must_use]
    pub fn square_free(&self) -> Poly {
        if self.degree().unwrap_or(0) < 2 {
            return self.monic();
        }
        let g = self.gcd(&self.derivative());
        if g.degree() == Some(0) { self.monic() } else { self.div_rem(&g).0.monic() }
    }

    fn sturm(&self) -> Vec<Poly> {
        let mut seq = vec![self.clone(), self.derivative()];
        while !seq[seq.len() - 1].is_zero() {
            let n = seq.len();
            let r = seq[n - 2].div_rem(&seq[n - 1]).1;
            if r.is_zero() {
                break;
            }
            seq.push(r.scale(&-Q::one()));
        }
        seq
    }

    /// True when `self` and `other` have a common root in `(a, b]`: their gcd has a root there.
    #[must_use]
    pub fn shares_root_in(&self, other: &Poly, a: &Q, b: &Q) -> bool {
        let g = self.gcd(other);
        if g.degree().unwrap_or(0) == 0 {
            return false;
        }
        let g = g.square_free();
        Poly::count_roots(&g.sturm(), a, b) > 0
    }

    /// The number of distinct real roots in `(a, b]` of a square-free polynomial, by Sturm's theorem.
    fn count_roots(sturm: &[Poly], a: &Q, b: &Q) -> usize {
        let changes = |x: &Q| {
            let signs: Vec<i32> = sturm.iter().map(|p| p.eval(x).signum()).filter(|&s| s != 0).collect();
            signs.windows(2).filter(|w| w[0] != w[1]).count()
        };
        changes(a).saturating_sub(changes(b))
    }

    /// The smallest real root in the open-closed interval `(a, b]`, exactly.
    ///
    /// Rational roots are found exactly (linear and quadratic cases directly, higher degrees by the
    /// rational root test when the coefficients are small); other roots come back as an isolating
    /// interval of width at most `precision`.
    #[must_use]
    pub fn smallest_root_in(&self, a: &Q, b: &Q, precision: &Q) -> Option<Root> {
        if self.degree().unwrap_or(0) == 0 || a >= b {
            return None;
        }
        let p = self.square_free();
        if p.degree() == Some(1) {
            let r = (-&p.0[0]).checked_div(&p.0[1]).expect("a linear polynomial has a nonzero slope");
            return (&r > a && &r <= b).then_some(Root::Exact(r));
        }
        if p.degree() == Some(2)
            && let Some(roots) = rational_quadratic_roots(&p)
        {
            return roots.into_iter().find(|r| r > a && r <= b).map(Root::Exact);
        }
        if let Some(mut roots) = rational_roots(&p) {
            roots.retain(|r| r > a && r <= b);
            roots.sort();
            // A rational root may still have an irrational root below it.
            let bound = roots.first().cloned().unwrap_or_else(|| b.clone());
            let sturm = p.sturm();
            let below = Poly::count_roots(&sturm, a, &bound) - usize::from(!roots.is_empty());
            if below == 0 {
                return roots.into_iter().next().map(Root::Exact);
            }
            return Some(isolate(&p, &sturm, a.clone(), bound, precision));
        }
        let sturm = p.sturm();
        if Poly::count_roots(&sturm, a, b) == 0 {
            return None;
        }
        Some(isolate(&p, &sturm, a.clone(), b.clone(), precision))
    }
}

/// A real root: exact, or bracketed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// A rational root.
    Exact(Q),
    /// An irrational root `r` of `poly` with `lower < r < upper`, the only root of `poly` there.
    Interval {
        /// A square-free polynomial with the root.
        poly: Poly,
        /// Below the root.
        lower: Q,
        /// Above the root.
        upper: Q,
    },
}

impl Root {
    /// A rational point no smaller than the root and within the bracket: the root itself when exact.
    #[must_use]
    pub fn upper(&self) -> &Q {
        match self {
            Root::Exact(q) => q,
            Root::Interval { upper, .. } => upper,
        }
    }

    /// A rational point no larger than the root.
    #[must_use]
    pub fn lower(&self) -> &Q {
        match self {
            Root::Exact(q) => q,
            Root::Interval { lower, .. } => lower,
        }
    }

    /// The root as a decimal with `digits` digits after the point (the midpoint of a bracket).
    #[must_use]
    pub fn decimal(&self, digits: usize) -> String {
        match self {
            Root::Exact(q) => q.to_decimal(digits),
            Root::Interval { lower, upper, .. } => {
                let mid = &(lower + upper) * &Q::ratio(1, 2).expect("2 is nonzero");
                mid.to_decimal(digits)
            }
        }
    }

    /// Orders roots (brackets by their lower end; a bracket never contains an exact root it is
    /// compared with, because both come from isolation against the same candidates).
    #[must_use]
    pub fn key(&self) -> &Q {
        self.lower()
    }
}

fn isolate(p: &Poly, sturm: &[Poly], mut lo: Q, mut hi: Q, precision: &Q) -> Root {
    // Invariant: the smallest root in (lo, hi] is the wanted one and there is at least one root there.
    let half = Q::ratio(1, 2).expect("2 is nonzero");
    loop {
        if Poly::count_roots(sturm, &lo, &hi) == 1 && &(&hi - &lo) <= precision {
            if p.eval(&hi).is_zero() {
                return Root::Exact(hi);
            }
            return Root::Interval { poly: p.clone(), lower: lo, upper: hi };
        }
        let mid = &(&lo + &hi) * &half;
        if Poly::count_roots(sturm, &lo, &mid) > 0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
}

fn rational_quadratic_roots(p: &Poly) -> Option<Vec<Q>> {
    let (c, b, a) = (&p.0[0], &p.0[1], &p.0[2]);
    let disc = &(b * b) - &(&Q::from_int(4) * &(a * c));
    if disc.is_negative() {
        return Some(Vec::new());
    }
    let s = rational_sqrt(&disc)?;
    let two_a = &Q::from_int(2) * a;
    let mut roots = vec![
        (&-b - &s).checked_div(&two_a).expect("a quadratic has a nonzero leading coefficient"),
        (&-b + &s).checked_div(&two_a).expect("a quadratic has a nonzero leading coefficient"),
    ];
    roots.sort();
    roots.dedup();
    Some(roots)
}

fn rational_sqrt(q: &Q) -> Option<Q> {
    let (n, d) = q.to_parts();
    let (rn, rd) = (n.sqrt(), d.sqrt());
    (&rn * &rn == n && &rd * &rd == d).then(|| Q::from_parts(rn, rd)).flatten()
}

/// Every rational root, when the integer coefficients are small enough to try all candidates; `None`
/// when they are not (the caller then isolates).
fn rational_roots(p: &Poly) -> Option<Vec<Q>> {
    // Clear denominators.
    let lcm = p.0.iter().fold(BigInt::one(), |l, c| l.lcm(&c.to_parts().1));
    let ints: Vec<BigInt> =
        p.0.iter()
            .map(|c| {
                let (n, d) = c.to_parts();
                n * (&lcm / d)
            })
            .collect();
    let mut roots = Vec::new();
    let mut ints = ints;
    // Zero roots.
    while ints.first().is_some_and(Zero::is_zero) {
        ints.remove(0);
        if !roots.contains(&Q::zero()) {
            roots.push(Q::zero());
        }
    }
    let c0 = ints.first()?.abs().to_u64()?;
    let cn = ints.last()?.abs().to_u64()?;
    const LIMIT: u64 = 1_000_000;
    if c0 > LIMIT || cn > LIMIT {
        return None;
    }
    let divisors =
        |n: u64| -> Vec<u64> { (1..=n.isqrt()).filter(|d| n % d == 0).flat_map(|d| [d, n / d]).collect() };
    let poly = Poly::from_coeffs(ints.iter().map(|c| Q::from(c.clone())).collect());
    for num in divisors(c0) {
        for den in divisors(cn) {
            for sign in [1i64, -1] {
                let r = Q::ratio(sign * num as i64, den as i64).expect("divisors are nonzero");
                if !roots.contains(&r) && poly.eval(&r).is_zero() {
                    roots.push(r);
                }
            }
        }
    }
    Some(roots)
}

impl fmt::Display for Poly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("θ"))
    }
}

impl Poly {
    /// Renders the polynomial with the variable named `var`, highest degree first: `4 - rho`,
    /// `2/3*q^2 + 1`.
    #[must_use]
    pub fn render(&self, var: &str) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut out = String::new();
        for (k, c) in self.0.iter().enumerate().rev() {
            if c.is_zero() {
                continue;
            }
            let neg = c.is_negative();
            let a = c.abs();
            if out.is_empty() {
                if neg {
                    out.push('-');
                }
            } else {
                out.push_str(if neg { " - " } else { " + " });
            }
            let term = match k {
                0 => a.to_string(),
                _ => {
                    let v = if k == 1 { var.to_string() } else { format!("{var}^{k}") };
                    if a.is_one() { v } else { format!("{a}*{v}") }
                }
            };
            out.push_str(&term);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    fn p(c: &[&str]) -> Poly {
        Poly::from_coeffs(c.iter().map(|s| q(s)).collect())
    }

    #[test]
    fn arithmetic_and_rendering() {
        let a = p(&["4", "-1"]);
        assert_eq!(a.render("rho"), "-rho + 4");
        assert_eq!(a.mul(&a).render("x"), "x^2 - 8*x + 16");
        assert_eq!(a.sub(&a), Poly::zero());
        assert_eq!(p(&["1", "2", "3"]).derivative(), p(&["2", "6"]));
        assert_eq!(p(&["1", "0", "1"]).eval(&q("2")), q("5"));
    }

    #[test]
    fn right_signs() {
        // (x - 1)^2 is zero at 1 but positive just right of it.
        let sq = p(&["1", "-2", "1"]);
        assert_eq!(sq.sign_right_of(&q("1")), 1);
        assert_eq!(p(&["1", "-1"]).sign_right_of(&q("1")), -1);
    }

    #[test]
    fn common_roots() {
        // x^2 - 2 and (x^2 - 2)(x - 3) share √2 in (1, 2] but nothing in (2, 3).
        let a = p(&["-2", "0", "1"]);
        let b = a.mul(&p(&["-3", "1"]));
        assert!(a.shares_root_in(&b, &q("1"), &q("2")));
        assert!(!a.shares_root_in(&b, &q("2"), &q("2.9")));
        assert!(!a.shares_root_in(&p(&["-3", "1"]), &q("0"), &q("10")));
    }

    #[test]
    fn roots() {
        let lin = p(&["-3", "2"]);
        assert_eq!(lin.smallest_root_in(&q("0"), &q("10"), &q("1e-12")), Some(Root::Exact(q("3/2"))));
        assert_eq!(lin.smallest_root_in(&q("3/2"), &q("10"), &q("1e-12")), None, "open at the left");
        // δ^2 + δ - 1: root (√5 - 1)/2 ≈ 0.6180339887.
        let golden = p(&["-1", "1", "1"]);
        let Some(Root::Interval { lower, upper, .. }) =
            golden.smallest_root_in(&q("0"), &q("1"), &q("1e-12"))
        else {
            panic!("an irrational root")
        };
        assert!(&upper - &lower <= q("1e-12"));
        assert!(lower < q("0.6180339887499") && upper > q("0.6180339887498"));
        // (x - 1/2)(x - 2)(x^2 - 2): smallest root above 0 is 1/2, then √2, then 2.
        let f = p(&["1", "-5/2", "1"]).mul(&p(&["-2", "0", "1"]));
        assert_eq!(f.smallest_root_in(&q("0"), &q("3"), &q("1e-9")), Some(Root::Exact(q("1/2"))));
        let r = f.smallest_root_in(&q("1/2"), &q("3"), &q("1e-9")).unwrap();
        assert!(matches!(r, Root::Interval { .. }));
        assert!(r.lower() < &q("1.41421357") && r.upper() > &q("1.41421356"));
        assert_eq!(f.smallest_root_in(&q("1.5"), &q("3"), &q("1e-9")), Some(Root::Exact(q("2"))));
        // δ + δ² + δ³ = 1: ≈ 0.54369.
        let cubic = p(&["-1", "1", "1", "1"]);
        let r = cubic.smallest_root_in(&q("0"), &q("1"), &q("1e-9")).unwrap();
        assert_eq!(r.decimal(5), "0.54369");
    }
}
