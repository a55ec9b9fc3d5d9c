//! Exact solutions of a square integer system and its transpose by multi-modular elimination: LU
//! factorisation modulo word-size primes, and the Chinese remainder theorem for the integers.
//!
//! **Used by:** `float_lp` (the equalizer systems of `lp`'s fast path). **Complexity:**
//! O(k³) word operations per prime for a k × k matrix (one factorisation serves `M·w = 1` and
//! `Mᵀ·u = 1`), and as many primes as Hadamard's bound on the Cramer numerators needs bits / 30;
//! far cheaper than fraction-free elimination on big integers, whose entries grow to that size.
//! **Reference:** von zur Gathen & Gerhard, *Modern Computer Algebra*, §5.4–5.5 (the small-primes
//! modular approach and Cramer's rule); Miller–Rabin for the primes.
//!
//! The answer is a candidate only: its caller verifies it exactly, so a wrong reconstruction (which
//! the bound rules out) could cost a fallback, never a wrong result.

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The primes are the largest below this (so products of two residues fit `u64`).
const PRIME_LIMIT: u64 = 1 << 31;

/// Primes dividing `det M` are skipped; after this many the matrix is taken to be singular.
const MAX_UNLUCKY_PRIMES: usize = 4;

/// `det M` and the integers `det M · w`, `det M · u` for `M·w = 1` and `Mᵀ·u = 1`, with `det M`
/// made positive (the solutions scaled by `|det M|`); `None` when `M` is singular.
pub(crate) fn solve_both(m: &[Vec<i64>]) -> Option<(Vec<BigInt>, Vec<BigInt>)> {
    let k = m.len();
    if k == 0 || m.iter().any(|r| r.len() != k) {
        return None;
    }
    let bits = hadamard_bits(m);
    let mut modulus = BigInt::one();
    let mut values = vec![BigInt::zero(); 2 * k + 1];
    let mut covered = 0.0_f64;
    let mut unlucky = 0;
    let mut p = PRIME_LIMIT;
    while covered < bits {
        p = previous_prime(p)?;
        let Some(residues) = solve_mod(m, p) else {
            unlucky += 1;
            if unlucky > MAX_UNLUCKY_PRIMES {
                return None;
            }
            continue;
        };
        // Incremental CRT: v ← v + modulus·((r − v)·modulus⁻¹ mod p).
        let big_p = BigInt::from(p);
        let inv = pow_mod((&modulus % &big_p).to_u64()?, p - 2, p);
        for (v, r) in values.iter_mut().zip(residues) {
            let have = (&*v % &big_p).to_u64()?;
            let t = (r + p - have) % p * inv % p;
            *v += &modulus * t;
        }
        modulus *= p;
        covered += (p as f64).log2();
    }
    // Symmetric residues.
    let half = &modulus >> 1;
    for v in &mut values {
        if *v > half {
            *v -= &modulus;
        }
    }
    let det = values.pop()?;
    if det.is_zero() {
        return None;
    }
    if det.is_negative() {
        for v in &mut values {
            *v = -&*v;
        }
    }
    let u = values.split_off(k);
    Some((values, u))
}

/// Bits needed to recover `det M` and every Cramer numerator of both systems with their signs:
/// Hadamard's bound (the product of column norms, or row norms for the transpose, a column replaced
/// by the all-ones vector of norm √k), plus margin.
fn hadamard_bits(m: &[Vec<i64>]) -> f64 {
    let k = m.len();
    let ones = (k as f64).sqrt();
    let norm = |v: &mut dyn Iterator<Item = i64>| v.map(|x| (x as f64) * (x as f64)).sum::<f64>().sqrt();
    let cols: f64 = (0..k).map(|j| norm(&mut m.iter().map(|r| r[j])).max(ones).log2()).sum();
    let rows: f64 = m.iter().map(|r| norm(&mut r.iter().copied()).max(ones).log2()).sum();
    cols.max(rows) + 4.0
}

/// The residues of `D·w`, then `D·u`, then `D = det M`, modulo `p`; `None` when `p` divides `D`.
fn solve_mod(m: &[Vec<i64>], p: u64) -> Option<Vec<u64>> {
    let k = m.len();
    let pi = i64::try_from(p).ok()?;
    let mut a: Vec<u64> = m
        .iter()
        .flatten()
        .map(|&x| u64::try_from(x.rem_euclid(pi)).expect("a residue is non-negative"))
        .collect();
    let mut perm: Vec<usize> = (0..k).collect();
    let mut det = 1u64;
    let p2 = p * p;
    for s in 0..k {
        let r = (s..k).find(|&i| a[i * k + s] != 0)?;
        if r != s {
            for j in 0..k {
                a.swap(s * k + j, r * k + j);
            }
            perm.swap(s, r);
            det = (p - det) % p;
        }
        let piv = a[s * k + s];
        det = det * piv % p;
        let inv = pow_mod(piv, p - 2, p);
        let (top, below) = a.split_at_mut((s + 1) * k);
        let pivot_row = &top[s * k..];
        for row in below.chunks_exact_mut(k) {
            if row[s] == 0 {
                continue;
            }
            let l = row[s] * inv % p;
            row[s] = l;
            for (x, &y) in row[s + 1..].iter_mut().zip(&pivot_row[s + 1..]) {
                *x = (*x + p2 - l * y) % p;
            }
        }
    }
    // P·M = L·U with L unit lower (below the diagonal of `a`) and U upper.
    let mut w = vec![1u64; k]; // P·1 = 1
    for i in 0..k {
        for j in 0..i {
            w[i] = (w[i] + p2 - a[i * k + j] * w[j]) % p;
        }
    }
    for i in (0..k).rev() {
        for j in i + 1..k {
            w[i] = (w[i] + p2 - a[i * k + j] * w[j]) % p;
        }
        w[i] = w[i] * pow_mod(a[i * k + i], p - 2, p) % p;
    }
    // Mᵀ = Uᵀ·Lᵀ·P: Uᵀ·z = 1, Lᵀ·t = z, u[perm[i]] = t[i].
    let mut z = vec![1u64; k];
    for i in 0..k {
        for j in 0..i {
            z[i] = (z[i] + p2 - a[j * k + i] * z[j]) % p;
        }
        z[i] = z[i] * pow_mod(a[i * k + i], p - 2, p) % p;
    }
    for i in (0..k).rev() {
        for j in i + 1..k {
            z[i] = (z[i] + p2 - a[j * k + i] * z[j]) % p;
        }
    }
    let mut u = vec![0u64; k];
    for (i, &t) in z.iter().enumerate() {
        u[perm[i]] = t;
    }
    let mut out: Vec<u64> = w.iter().chain(&u).map(|&v| v * det % p).collect();
    out.push(det);
    Some(out)
}

/// `b^e mod p`.
fn pow_mod(mut b: u64, mut e: u64, p: u64) -> u64 {
    let mut r = 1 % p;
    b %= p;
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % p;
        }
        b = b * b % p;
        e >>= 1;
    }
    r
}

/// The largest prime below `n` (n ≤ 2^31), by Miller–Rabin with bases 2, 3, 5, 7, exact below
/// 3,215,031,751.
fn previous_prime(n: u64) -> Option<u64> {
    (3..n).rev().find(|&c| c % 2 == 1 && is_prime(c))
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for q in [2, 3, 5, 7] {
        if n % q == 0 {
            return n == q;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'bases: for a in [2u64, 3, 5, 7] {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = x * x % n;
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(v: &[i64]) -> Vec<BigInt> {
        v.iter().map(|&x| BigInt::from(x)).collect()
    }

    #[test]
    fn primes_are_primes() {
        assert!(is_prime(2_147_483_647));
        assert!(!is_prime(2_147_483_649));
        assert_eq!(previous_prime(2_147_483_647), Some(2_147_483_629));
        assert_eq!(previous_prime(10), Some(7));
    }

    #[test]
    fn solves_both_systems() {
        // M = [[2, 1], [1, −3]], det −7: M·w = 1 gives w = (4/7, −1/7); Mᵀ·u = 1 the same (M is
        // symmetric). Scaled by |det| = 7.
        let (w, u) = solve_both(&[vec![2, 1], vec![1, -3]]).unwrap();
        assert_eq!(w, big(&[4, -1]));
        assert_eq!(u, big(&[4, -1]));
        // M = [[0, 7], [2, 1]], det −14: w = (3/7, 1/7) → (6, 2); Mᵀ = [[0, 2], [7, 1]]: u = (1/14·…)
        // 2u1 = 1, 7u0 + u1 = 1: u = (1/14, 1/2) → (1, 7).
        let (w, u) = solve_both(&[vec![0, 7], vec![2, 1]]).unwrap();
        assert_eq!(w, big(&[6, 2]));
        assert_eq!(u, big(&[1, 7]));
        assert!(solve_both(&[vec![1, 2], vec![2, 4]]).is_none());
    }

    #[test]
    fn agrees_with_bareiss_on_a_big_block() {
        use super::super::float_lp::solve_exact;
        use super::super::tableau::{Int, witness};
        fn run<Z: Int>(_w: Z) {
            let k = 30;
            let mut state = 7u64;
            let m: Vec<Vec<i64>> = (0..k)
                .map(|_| {
                    (0..k)
                        .map(|_| {
                            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                            i64::try_from(state >> 40).unwrap() % 1000 - 500
                        })
                        .collect()
                })
                .collect();
            let (w, u) = solve_both(&m).unwrap();
            let ones = vec![Z::from_i64(1); k];
            let zm: Vec<Vec<Z>> = m.iter().map(|r| r.iter().map(|&x| Z::from_i64(x)).collect()).collect();
            let zt: Vec<Vec<Z>> = (0..k).map(|j| m.iter().map(|r| Z::from_i64(r[j])).collect()).collect();
            let bw = solve_exact(zm, &ones).unwrap();
            let bu = solve_exact(zt, &ones).unwrap();
            let to_q = |v: &[BigInt]| -> Vec<redline_models::number::Q> {
                v.iter().map(|b| b.clone().into()).collect()
            };
            assert_eq!(to_q(&w), bw.iter().map(Int::to_q).collect::<Vec<_>>());
            assert_eq!(to_q(&u), bu.iter().map(Int::to_q).collect::<Vec<_>>());
        }
        run(witness());
    }
}
