//! `lcp`'s float step (Lemke–Howson pivoted in `f64`, supports solved and verified exactly) against
//! the exact integer tableaux: the same start label follows the same path, so both must end at the
//! same equilibrium. Checked on random games with payoffs from a wide range (ties are rare) and from
//! a narrow one (ties and degeneracy are common, resolved by the same lexicographic rule), on
//! games floats cannot represent (the exact path must answer) and on a 60×60 game.

use proptest::prelude::*;
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_solver::strategic::{Solution, lemke_howson, regret};

/// A two-player game from row-major payoff matrices given as exact decimal strings.
fn bimatrix<T: ToString>(a: &[Vec<T>], b: &[Vec<T>]) -> StrategicGame {
    let (m, n) = (a.len(), a[0].len());
    let mut g = StrategicGame::new(
        "test",
        vec!["1".into(), "2".into()],
        vec![(0..m).map(|i| format!("r{i}")).collect(), (0..n).map(|j| format!("c{j}")).collect()],
    )
    .unwrap();
    for i in 0..m {
        for j in 0..n {
            let u = [&a[i][j], &b[i][j]].map(|v| Q::parse_exact(&v.to_string()).unwrap());
            g.set_payoffs(&[i, j], &u).unwrap();
        }
    }
    g
}

fn options(label: usize) -> lemke_howson::Options {
    lemke_howson::Options { start_label: Some(label), ..Default::default() }
}

/// Asserts that the default path (float step first) and the exact tableaux agree for `label`, and
/// that the answer passes the public exact check.
fn same_end(g: &StrategicGame, label: usize) -> Result<(), TestCaseError> {
    let fast: Solution = lemke_howson::solve(g, &options(label)).unwrap();
    let exact = lemke_howson::solve_tableau(g, &options(label)).unwrap();
    prop_assert_eq!(&fast, &exact, "label {}", label);
    let e = &fast.equilibria[0];
    let (r, p) = regret(g, &e.strategies);
    prop_assert!(r.is_zero());
    prop_assert_eq!(&p, &e.payoffs);
    Ok(())
}

/// A random m×n bimatrix with payoffs in `range`.
fn games(
    sizes: std::ops::RangeInclusive<usize>,
    range: std::ops::RangeInclusive<i64>,
) -> impl Strategy<Value = (Vec<Vec<i64>>, Vec<Vec<i64>>)> {
    (sizes.clone(), sizes).prop_flat_map(move |(m, n)| {
        let matrix = || prop::collection::vec(prop::collection::vec(range.clone(), n), m);
        (matrix(), matrix())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn float_path_ends_where_the_exact_path_ends((a, b) in games(1..=12, -1_000_000..=1_000_000), label in 0usize..24) {
        let g = bimatrix(&a, &b);
        same_end(&g, label % (a.len() + a[0].len()))?;
    }

    #[test]
    fn float_path_ends_where_the_exact_path_ends_on_degenerate_games((a, b) in games(1..=8, -3..=3), label in 0usize..16) {
        let g = bimatrix(&a, &b);
        same_end(&g, label % (a.len() + a[0].len()))?;
    }
}

/// Payoffs a double cannot tell apart (they differ in the 20th digit) or cannot hold exactly (their
/// integer form exceeds 2⁵³): the float step must step aside and the exact path answer.
#[test]
fn games_floats_cannot_hold_get_the_exact_answer() {
    let near = [
        vec!["1", "1.00000000000000000001", "0.99999999999999999999"],
        vec!["0.99999999999999999999", "1", "1.00000000000000000001"],
        vec!["1.00000000000000000001", "0.99999999999999999999", "1"],
    ];
    let other = [vec!["0", "1", "0"], vec!["1", "0", "0"], vec!["0", "0", "1"]];
    let g = bimatrix(&near, &other);
    for label in 0..6 {
        same_end(&g, label).unwrap();
    }
    let huge = [vec!["1e30", "1"], vec!["3", "1e29"]];
    let g = bimatrix(&huge, &[vec!["2", "7"], vec!["5", "1"]]);
    for label in 0..4 {
        same_end(&g, label).unwrap();
    }
}

/// A 60×60 game (the float path's home ground): every row label gives the exact path's answer.
#[test]
fn sixty_by_sixty_agrees_with_the_exact_path() {
    let mut rng = redline_benches::SplitMix64::new(0x1A_4E);
    let n = 60;
    let mut matrix =
        || -> Vec<Vec<i64>> { (0..n).map(|_| (0..n).map(|_| rng.in_range(&(-50..=50))).collect()).collect() };
    let (a, b) = (matrix(), matrix());
    let g = bimatrix(&a, &b);
    for label in [0, 17, n, 2 * n - 1] {
        same_end(&g, label).unwrap();
    }
}
