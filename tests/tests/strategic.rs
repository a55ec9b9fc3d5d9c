//! Strategic-form methods end to end: oracles from MODELS.md (Game F), classic games, a degenerate
//! continuum, von Stengel's 6×6 game with 75 equilibria against Gambit's list, and property tests
//! that cross-check the methods on random small bimatrix games (degenerate ones are common).

use std::collections::BTreeSet;

use proptest::prelude::*;
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_solver::Error;
use redline_solver::strategic::{MixedEquilibrium, Solution, enumeration, lemke_howson, lp, pure, regret};
use redline_tests::workspace_root;

fn q(n: i64, d: i64) -> Q {
    Q::ratio(n, d).unwrap()
}

/// A two-player game from row-major payoff matrices.
fn bimatrix(a: &[Vec<i64>], b: &[Vec<i64>]) -> StrategicGame {
    let (m, n) = (a.len(), a[0].len());
    let mut g = StrategicGame::new(
        "test",
        vec!["1".into(), "2".into()],
        vec![(0..m).map(|i| format!("r{i}")).collect(), (0..n).map(|j| format!("c{j}")).collect()],
    )
    .unwrap();
    for i in 0..m {
        for j in 0..n {
            g.set_payoffs(&[i, j], &[Q::from_int(a[i][j]), Q::from_int(b[i][j])]).unwrap();
        }
    }
    g
}

fn zero_sum(a: &[Vec<i64>]) -> StrategicGame {
    let b: Vec<Vec<i64>> = a.iter().map(|r| r.iter().map(|v| -v).collect()).collect();
    bimatrix(a, &b)
}

fn lcp(game: &StrategicGame, label: usize) -> MixedEquilibrium {
    let o = lemke_howson::Options { start_label: Some(label), ..Default::default() };
    lemke_howson::solve(game, &o).unwrap().equilibria.remove(0)
}

fn lcp_all(game: &StrategicGame) -> Solution {
    lemke_howson::solve(game, &lemke_howson::Options { all: true, ..Default::default() }).unwrap()
}

/// Asserts that every equilibrium passes the public exact check with the payoffs it reports.
fn verified(game: &StrategicGame, s: &Solution) {
    for e in &s.equilibria {
        let (r, p) = regret(game, &e.strategies);
        assert!(r.is_zero() && e.regret.is_zero(), "regret {r} at {:?}", e.strategies);
        assert_eq!(p, e.payoffs);
        for s in &e.strategies {
            assert_eq!(s.iter().sum::<Q>(), Q::one());
            assert!(s.iter().all(|p| !p.is_negative()));
        }
    }
}

fn game_f() -> StrategicGame {
    bimatrix(&[vec![-3, 2], vec![0, 0]], &[vec![-1, -5], vec![-1, 0]])
}

fn pure_pair(m: usize, n: usize, i: usize, j: usize) -> Vec<Vec<Q>> {
    let unit = |k: usize, s: usize| (0..k).map(|t| if t == s { Q::one() } else { Q::zero() }).collect();
    vec![unit(m, i), unit(n, j)]
}

#[test]
fn game_f_general_sum_oracle() {
    let g = game_f();
    let expected = vec![vec![q(1, 5), q(4, 5)], vec![q(2, 5), q(3, 5)]];
    let e = enumeration::solve(&g).unwrap();
    verified(&g, &e);
    assert_eq!(e.equilibria.len(), 1);
    assert_eq!(e.equilibria[0].strategies, expected);
    assert_eq!(e.equilibria[0].payoffs, vec![Q::zero(), Q::from_int(-1)]);
    for k in 0..4 {
        assert_eq!(lcp(&g, k).strategies, expected);
    }
    assert_eq!(lcp_all(&g).equilibria, e.equilibria);
    assert!(pure::solve(&g).unwrap().equilibria.is_empty());
    let err = lp::solve(&g).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lp cannot solve this game: the game is not zero-sum; use `lcp` (one equilibrium) or `enum` (all)"
    );
}

#[test]
fn game_f_zero_sum_oracle() {
    let g = zero_sum(&[vec![-3, 2], vec![1, 0]]);
    let s = lp::solve(&g).unwrap();
    verified(&g, &s);
    let e = &s.equilibria[0];
    assert_eq!(e.strategies, vec![vec![q(1, 6), q(5, 6)], vec![q(1, 3), q(2, 3)]]);
    assert_eq!(e.payoffs, vec![q(1, 3), q(-1, 3)]);
    assert_eq!(enumeration::solve(&g).unwrap().equilibria, s.equilibria);
}

#[test]
fn matching_pennies() {
    let g = zero_sum(&[vec![1, -1], vec![-1, 1]]);
    let half = vec![vec![q(1, 2), q(1, 2)], vec![q(1, 2), q(1, 2)]];
    assert_eq!(lp::solve(&g).unwrap().equilibria[0].strategies, half);
    assert_eq!(lcp(&g, 2).strategies, half);
    let e = enumeration::solve(&g).unwrap();
    assert_eq!(e.equilibria.len(), 1);
    assert_eq!(e.equilibria[0].strategies, half);
}

#[test]
fn battle_of_the_sexes() {
    let g = bimatrix(&[vec![2, 0], vec![0, 1]], &[vec![1, 0], vec![0, 2]]);
    let e = enumeration::solve(&g).unwrap();
    verified(&g, &e);
    let found: Vec<Vec<Vec<Q>>> = e.equilibria.iter().map(|e| e.strategies.clone()).collect();
    let mixed = vec![vec![q(2, 3), q(1, 3)], vec![q(1, 3), q(2, 3)]];
    assert_eq!(found, vec![pure_pair(2, 2, 1, 1), mixed, pure_pair(2, 2, 0, 0)]);
    assert_eq!(e.equilibria[1].payoffs, vec![q(2, 3), q(2, 3)]);
    assert_eq!(pure::solve(&g).unwrap().equilibria.len(), 2);
    assert_eq!(lcp_all(&g).equilibria, e.equilibria);
}

#[test]
fn lemke_howson_labels_reach_different_equilibria() {
    let g = bimatrix(&[vec![2, 0], vec![0, 1]], &[vec![1, 0], vec![0, 2]]);
    assert_eq!(lcp(&g, 0).strategies, pure_pair(2, 2, 0, 0));
    assert_eq!(lcp(&g, 3).strategies, pure_pair(2, 2, 1, 1));
}

#[test]
fn rock_paper_scissors_unique_uniform() {
    let g = zero_sum(&[vec![0, -1, 1], vec![1, 0, -1], vec![-1, 1, 0]]);
    let third = vec![q(1, 3); 3];
    let e = enumeration::solve(&g).unwrap();
    assert_eq!(e.equilibria.len(), 1);
    assert_eq!(e.equilibria[0].strategies, vec![third.clone(), third.clone()]);
    assert_eq!(lp::solve(&g).unwrap().equilibria, e.equilibria);
    for k in 0..6 {
        assert_eq!(lcp(&g, k).strategies, vec![third.clone(), third.clone()]);
    }
}

#[test]
fn degenerate_continuum() {
    // The column player is indifferent between c0 and c1 whenever the row player plays r0, and r0 is
    // the row player's best reply to any y with y_0 ≥ 1/2: the equilibria (r0, y) for y_0 in [1/2, 1]
    // form a segment with extreme points y = (1, 0) and y = (1/2, 1/2). r1 with c1 is a separate one.
    let g = bimatrix(&[vec![1, 0], vec![0, 1]], &[vec![1, 1], vec![0, 2]]);
    let e = enumeration::solve(&g).unwrap();
    verified(&g, &e);
    let found: Vec<Vec<Vec<Q>>> = e.equilibria.iter().map(|e| e.strategies.clone()).collect();
    assert_eq!(
        found,
        vec![
            pure_pair(2, 2, 1, 1),
            vec![vec![Q::one(), Q::zero()], vec![q(1, 2), q(1, 2)]],
            pure_pair(2, 2, 0, 0),
        ]
    );
    assert_eq!(enumeration::components(&e), vec![vec![0], vec![1, 2]]);
    // Lemke–Howson neither cycles nor stops early from any label.
    for k in 0..4 {
        let s = lcp(&g, k);
        assert!(e.equilibria.iter().any(|x| x.strategies == s.strategies));
    }
    let all = lcp_all(&g);
    verified(&g, &all);
}

#[test]
fn three_players_only_pure() {
    let mut g = StrategicGame::new(
        "3",
        vec!["a".into(), "b".into(), "c".into()],
        vec![vec!["x".into(), "y".into()]; 3],
    )
    .unwrap();
    for k in 0..8 {
        let p = g.profile_at(k);
        let v = i64::from(p.iter().all(|&s| s == p[0]));
        g.set_payoffs(&p, &vec![Q::from_int(v); 3]).unwrap();
    }
    let s = pure::solve(&g).unwrap();
    assert_eq!(s.equilibria.len(), 2);
    verified(&g, &s);
    for err in [
        lp::solve(&g).unwrap_err(),
        enumeration::solve(&g).unwrap_err(),
        lemke_howson::solve(&g, &lemke_howson::Options::default()).unwrap_err(),
    ] {
        assert!(matches!(err, Error::Unsupported { .. }));
        assert!(err.to_string().contains("use `pure`"), "{err}");
    }
}

/// The payoff list of a Gambit `.nfg` file in payoff format (two players, integers): the numbers after
/// the last `"`-quoted comment, player 0's strategy varying fastest.
fn read_nfg_bimatrix(text: &str, m: usize, n: usize) -> StrategicGame {
    let tail = &text[text.rfind('"').unwrap() + 1..];
    let numbers: Vec<i64> = tail.split_whitespace().map(|t| t.parse().unwrap()).collect();
    assert_eq!(numbers.len(), 2 * m * n);
    let mut a = vec![vec![0; n]; m];
    let mut b = vec![vec![0; n]; m];
    for j in 0..n {
        for i in 0..m {
            let k = 2 * (j * m + i);
            a[i][j] = numbers[k];
            b[i][j] = numbers[k + 1];
        }
    }
    bimatrix(&a, &b)
}

#[test]
fn von_stengel_6x6_has_75_equilibria() {
    let base = workspace_root().join("../shared/conformance");
    let rel = "catalog/journals/dcg/vonstengel1999/6x6_game_with_75_eq";
    let nfg = std::fs::read_to_string(base.join(format!("gambit-games/{rel}.nfg"))).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.join(format!("expected/{rel}.json"))).unwrap())
            .unwrap();
    let g = read_nfg_bimatrix(&nfg, 6, 6);
    let parse = |v: &serde_json::Value| -> Vec<Q> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().parse().unwrap()).collect()
    };
    let expected: BTreeSet<Vec<Vec<Q>>> = json["equilibria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| vec![parse(&e["profile"]["1"]), parse(&e["profile"]["2"])])
        .collect();
    assert_eq!(expected.len(), 75);
    let s = enumeration::solve(&g).unwrap();
    verified(&g, &s);
    let found: BTreeSet<Vec<Vec<Q>>> = s.equilibria.iter().map(|e| e.strategies.clone()).collect();
    assert_eq!(s.equilibria.len(), 75);
    assert_eq!(found, expected);
    // Every Lemke–Howson endpoint is one of them.
    let all = lcp_all(&g);
    verified(&g, &all);
    assert!(all.equilibria.iter().all(|e| expected.contains(&e.strategies)));
}

/// A random bimatrix game with payoffs in -3..=3 (ties and degeneracy are common).
fn games() -> impl Strategy<Value = (Vec<Vec<i64>>, Vec<Vec<i64>>)> {
    (1usize..=4, 1usize..=4).prop_flat_map(|(m, n)| {
        let matrix = || prop::collection::vec(prop::collection::vec(-3i64..=3, n), m);
        (matrix(), matrix())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn lcp_endpoints_are_among_enum((a, b) in games(), label in 0usize..8) {
        let g = bimatrix(&a, &b);
        let e = enumeration::solve(&g).unwrap();
        verified(&g, &e);
        prop_assert!(!e.equilibria.is_empty());
        let label = label % (a.len() + a[0].len());
        let one = lcp(&g, label);
        prop_assert!(e.equilibria.contains(&one), "lcp {:?} not among enum", one.strategies);
        let all = lcp_all(&g);
        verified(&g, &all);
        for x in &all.equilibria {
            prop_assert!(e.equilibria.contains(x));
        }
        let p = pure::solve(&g).unwrap();
        verified(&g, &p);
        for x in &p.equilibria {
            prop_assert!(e.equilibria.contains(x), "pure {:?} not among enum", x.strategies);
        }
    }

    #[test]
    fn lp_value_matches_enum_on_zero_sum(a in (1usize..=4, 1usize..=4).prop_flat_map(|(m, n)| {
        prop::collection::vec(prop::collection::vec(-3i64..=3, n), m)
    })) {
        let g = zero_sum(&a);
        let s = lp::solve(&g).unwrap();
        verified(&g, &s);
        let e = enumeration::solve(&g).unwrap();
        prop_assert!(e.equilibria.contains(&s.equilibria[0]));
        for x in &e.equilibria {
            prop_assert_eq!(&x.payoffs, &s.equilibria[0].payoffs);
        }
    }
}
