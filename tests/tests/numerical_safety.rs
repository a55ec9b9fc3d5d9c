//! Games built to trouble floating point: badly scaled and degenerate zero-sum games. The `lp`
//! method's float step may guess wrong on them; the answer must still be exact (the same value as
//! the exact simplex and as vertex enumeration) and verified.

use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_solver::strategic::{enumeration, lemke_howson, lp};

fn zero_sum(rows: &[&[&str]]) -> StrategicGame {
    let m = rows.len();
    let n = rows[0].len();
    let mut g = StrategicGame::new(
        "scaled",
        vec!["Row".into(), "Column".into()],
        vec![(0..m).map(|i| format!("r{i}")).collect(), (0..n).map(|j| format!("c{j}")).collect()],
    )
    .unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, a) in row.iter().enumerate() {
            let a = Q::parse_exact(a).unwrap();
            g.set_payoffs(&[i, j], &[a.clone(), -a]).unwrap();
        }
    }
    g
}

fn check(g: &StrategicGame) {
    let fast = lp::solve(g).unwrap();
    let exact = lp::solve_simplex(g).unwrap();
    let all = enumeration::solve(g).unwrap();
    let value = &fast.equilibria[0].payoffs[0];
    assert!(fast.equilibria[0].regret.is_zero());
    assert_eq!(value, &exact.equilibria[0].payoffs[0], "float-assisted and exact simplex values differ");
    assert!(
        all.equilibria.iter().all(|e| &e.payoffs[0] == value),
        "every equilibrium of a zero-sum game has the value"
    );
    let lh = lemke_howson::solve(g, &lemke_howson::Options::default()).unwrap();
    assert_eq!(&lh.equilibria[0].payoffs[0], value);
}

#[test]
fn payoffs_spanning_thirty_orders_of_magnitude() {
    check(&zero_sum(&[&["1e15", "1", "-1e-15"], &["-1", "1e-15", "1e15"], &["1e-15", "-1e15", "1"]]));
}

#[test]
fn nearly_equal_payoffs_a_float_cannot_separate() {
    // Entries differ in the 20th digit: a double sees a constant matrix.
    check(&zero_sum(&[
        &["1", "1.00000000000000000001", "0.99999999999999999999"],
        &["0.99999999999999999999", "1", "1.00000000000000000001"],
        &["1.00000000000000000001", "0.99999999999999999999", "1"],
    ]));
}

#[test]
fn degenerate_games_with_many_optimal_strategies() {
    // Duplicated rows and columns, and a saddle point shared by a whole face.
    check(&zero_sum(&[&["0", "0", "1"], &["0", "0", "1"], &["-1", "-1", "0"]]));
    check(&zero_sum(&[&["2", "2", "2"], &["2", "2", "2"], &["1", "3", "2"]]));
}

/// Fraction-free pivoting keeps every number a minor of the payoff matrix, so the equilibrium's
/// probabilities are ratios of integers no longer than Hadamard's bound for the support block.
/// On a 100×100 game with payoffs in -10..=10 that is about 100·log2(10·21) ≈ 772 bits; a
/// tableau whose entries grew without control would blow far past it.
#[test]
fn big_integers_stay_within_hadamards_bound_on_100_by_100() {
    let mut rng = redline_benches::SplitMix64::new(2026);
    let n = 100;
    let mut g = StrategicGame::new(
        "random 100x100",
        vec!["Row".into(), "Column".into()],
        vec![(0..n).map(|i| format!("r{i}")).collect(), (0..n).map(|j| format!("c{j}")).collect()],
    )
    .unwrap();
    for i in 0..n {
        for j in 0..n {
            let a = Q::from_int(rng.in_range(&(-10..=10)));
            let b = Q::from_int(rng.in_range(&(-10..=10)));
            g.set_payoffs(&[i, j], &[a, b]).unwrap();
        }
    }
    let mut zero_sum = g.clone();
    for i in 0..n {
        for j in 0..n {
            let a = g.payoff(&[i, j], 0).clone();
            zero_sum.set_payoffs(&[i, j], &[a.clone(), -a]).unwrap();
        }
    }
    // A random zero-sum game's optimal strategies mix many strategies: a large support block.
    let z = lp::solve(&zero_sum).unwrap();
    let support = z.equilibria[0].strategies[0].iter().filter(|p| !p.is_zero()).count();
    assert!(support >= 20, "the test needs a large support, got {support}");
    let s = lemke_howson::solve(&g, &lemke_howson::Options::default()).unwrap();
    for e in [&s.equilibria[0], &z.equilibria[0]] {
        within_bound(e);
    }
}

fn within_bound(e: &redline_solver::strategic::MixedEquilibrium) {
    assert!(e.regret.is_zero());
    // Entries are shifted to 1..=21 before pivoting; the support block is at most 100×100.
    let bound_bits = (100.0 * (10.0f64 * 21.0).log2()).ceil() as u64 + 8;
    for p in e.strategies.iter().flatten() {
        let (num, den) = p.to_parts();
        assert!(num.bits() <= bound_bits && den.bits() <= bound_bits, "{} / {} bits", num.bits(), den.bits());
    }
}
