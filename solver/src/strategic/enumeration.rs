//! Every extreme Nash equilibrium of a two-player game, by vertex enumeration of the best-response
//! polytopes (degenerate games included).
//!
//! **Class:** two-player strategic-form games, general-sum, degenerate or not. **Returns:** all
//! extreme equilibria (the vertices of the equilibrium components), so `complete` is true; every
//! equilibrium is a convex combination of extreme ones within a clique (see [`components`]).
//! **Complexity:** proportional to the number of vertices of the two polytopes (exponential in the
//! worst case), times O(m·n) big-integer operations per vertex, plus one label comparison per pair of
//! vertices. **Reference:** Avis, Rosenberg, Savani & von Stengel (2010), "Enumeration of Nash
//! equilibria for two-player games", Economic Theory 42 (the method of lrsnash); ALGORITHMS.md §13.
//!
//! With payoffs made positive integers, `P = {x ≥ 0 : Bᵀx ≤ 1}` and `Q = {y ≥ 0 : A·y ≤ 1}` carry
//! labels as in [`super::lemke_howson`]; a pair of vertices `(x, y) ≠ (0, 0)` whose labels together
//! cover all `m + n` is an extreme equilibrium, after normalising each to sum 1.
//!
//! The vertices of each polytope are found by a search over the bases that are feasible under the
//! lexicographic perturbation of the right-hand side: they are the vertices of a simple polytope
//! whose graph is connected, each step is one pivot chosen by the lexicographic ratio test, and every
//! vertex of the original polytope is the image of at least one of them. A vertex is identified by
//! its label set (its tight constraints determine it), so degenerate vertices met through several
//! bases are kept once. A neighbour basis is pivoted to only when it has not been seen, so each basis
//! costs one pivot and one ratio test per non-basic column.
//!
//! Next: [`super::lp`] for zero-sum games, [`super::pure`] for games with more players.

#[cfg(test)]
use std::collections::HashSet;

use redline_models::number::Q;
use redline_models::strategic::StrategicGame;

#[cfg(test)]
use super::lemke_howson::polytopes;
#[cfg(test)]
use super::tableau::Tableau;
use super::tableau::{Int, Wide, Word, in_words, witness};
use super::{Bimatrix, MixedEquilibrium, Solution, faces, sort_dedup, two_player};
use crate::error::Error;

/// Every extreme equilibrium of a two-player game, each verified exactly, in a deterministic order
/// (sorted by the strategies).
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::enumeration;
/// // Battle of the sexes: two pure equilibria and a mixed one.
/// let mut g = StrategicGame::new("BoS", vec!["1".into(), "2".into()],
///     vec![vec!["a".into(), "b".into()], vec!["a".into(), "b".into()]]).unwrap();
/// g.set_payoffs(&[0, 0], &[Q::from_int(2), Q::from_int(1)]).unwrap();
/// g.set_payoffs(&[1, 1], &[Q::from_int(1), Q::from_int(2)]).unwrap();
/// let s = enumeration::solve(&g).unwrap();
/// assert_eq!(s.equilibria.len(), 3);
/// assert!(s.complete);
/// ```
///
/// # Errors
/// [`Error::Unsupported`] for games with more than two players (naming `pure`);
/// [`Error::VerificationFailed`] if a result fails the exact check (a bug).
pub fn solve(game: &StrategicGame) -> Result<Solution, Error> {
    let (a, b) = two_player(game, "enum")?;
    // Machine words first (exact while nothing overflows), then checked i128, then big integers.
    let equilibria = match in_words(|| run(&Bimatrix::new(&a, &b), Word(0))) {
        Some(found) => found?,
        None => match in_words(|| run(&Bimatrix::new(&a, &b), Wide(0))) {
            Some(found) => found?,
            None => run(&Bimatrix::new(&a, &b), witness())?,
        },
    };
    Ok(Solution { equilibria, complete: true })
}

/// Every extreme equilibrium by [`super::faces`]: the vertices of the smaller polytope, each with the
/// vertices of its complementary face of the other, each pair verified exactly.
fn run<Z: Int>(game: &Bimatrix<Z>, _w: Z) -> Result<Vec<MixedEquilibrium>, Error> {
    let pairs = faces::extreme_pairs(game)?;
    if Z::overflowed() {
        // Machine words overflowed: the pairs are void and `in_words` discards this answer.
        return Ok(Vec::new());
    }
    let mut equilibria = Vec::new();
    for (x, y) in pairs {
        equilibria.push(game.verified(&x, &y)?);
    }
    sort_dedup(&mut equilibria);
    Ok(equilibria)
}

/// A vertex of a best-response polytope.
#[cfg(test)]
struct Vertex<Z> {
    /// The labels (tight constraints), as a bit set over `0..m+n`.
    labels: Vec<u64>,
    /// The strategy coordinates, times the tableau's det.
    coords: Vec<Z>,
}

/// The previous method, kept as the oracle of the tests: every vertex of both polytopes, paired by
/// their labels.
#[cfg(test)]
fn run_pairs<Z: Int>(game: &Bimatrix<Z>, w: Z) -> Result<Vec<MixedEquilibrium>, Error> {
    let (m, n) = (game.m, game.n);
    let (p, q) = polytopes(game, w);
    let xs = vertices(p, 0..m);
    let ys = vertices(q, m..m + n);
    let words = (m + n).div_ceil(64);
    let full: Vec<u64> = (0..words)
        .map(|k| {
            let bits = (m + n - 64 * k).min(64);
            if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 }
        })
        .collect();
    let mut equilibria = Vec::new();
    for x in &xs {
        for y in &ys {
            if x.labels.iter().zip(&y.labels).zip(&full).all(|((a, b), f)| a | b == *f) {
                equilibria.push(game.verified(&x.coords, &y.coords)?);
            }
        }
    }
    sort_dedup(&mut equilibria);
    Ok(equilibria)
}

/// The vertices of a polytope other than the origin, from its tableau at the origin; `strategies` are
/// the columns of the strategy variables.
#[cfg(test)]
fn vertices<Z: Int>(start: Tableau<Z>, strategies: std::ops::Range<usize>) -> Vec<Vertex<Z>> {
    let cols = start.cols();
    let words = cols.div_ceil(64);
    let bits = |vars: &mut dyn Iterator<Item = usize>| {
        let mut set = vec![0u64; words];
        for v in vars {
            set[v / 64] |= 1 << (v % 64);
        }
        set
    };
    let mut seen_bases = HashSet::from([bits(&mut start.basis().iter().copied())]);
    let mut seen_vertices = HashSet::new();
    let mut out = Vec::new();
    let mut stack = vec![start];
    while let Some(t) = stack.pop() {
        let labels = bits(&mut (0..cols).filter(|&v| t.value(v).is_zero()));
        if seen_vertices.insert(labels.clone()) {
            let coords: Vec<Z> = strategies.clone().map(|v| t.value(v)).collect();
            if coords.iter().any(Int::is_positive) {
                out.push(Vertex { labels, coords });
            }
        }
        let mut basis = bits(&mut t.basis().iter().copied());
        for s in (0..cols).filter(|&s| t.row_of(s).is_none()) {
            let Some(r) = t.lex_min_ratio(s) else { continue };
            let leave = t.basis()[r];
            basis[leave / 64] ^= 1 << (leave % 64);
            basis[s / 64] ^= 1 << (s % 64);
            if !seen_bases.contains(&basis) {
                seen_bases.insert(basis.clone());
                let mut next = t.clone();
                next.pivot(r, s);
                stack.push(next);
            }
            basis[leave / 64] ^= 1 << (leave % 64);
            basis[s / 64] ^= 1 << (s % 64);
        }
    }
    out
}

/// The maximal cliques of extreme equilibria: sets of equilibria (indices into `solution`) whose
/// row strategies and column strategies can be combined freely, so the convex hull of each clique's
/// row strategies times that of its column strategies is a set of equilibria. Equilibrium components
/// are the unions of overlapping cliques.
///
/// The cliques are the maximal bicliques of the bipartite graph joining a row strategy to a column
/// strategy when the pair is an extreme equilibrium (Avis et al. 2010, §5), found by closing every
/// row strategy's neighbourhood under intersection. Takes the solution of [`solve`] on the same game;
/// other inputs give cliques of whatever pairs they list.
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::enumeration;
/// // The column player is indifferent: (top, left), (top, right) form one clique.
/// let mut g = StrategicGame::new("d", vec!["1".into(), "2".into()],
///     vec![vec!["top".into(), "bottom".into()], vec!["left".into(), "right".into()]]).unwrap();
/// g.set_payoffs(&[0, 0], &[Q::from_int(1), Q::zero()]).unwrap();
/// g.set_payoffs(&[0, 1], &[Q::from_int(1), Q::zero()]).unwrap();
/// let s = enumeration::solve(&g).unwrap();
/// assert_eq!(enumeration::components(&s), vec![vec![0, 1]]);
/// ```
#[must_use]
pub fn components(solution: &Solution) -> Vec<Vec<usize>> {
    let eqs = &solution.equilibria;
    let mut rows: Vec<&Vec<Q>> = Vec::new();
    let mut cols: Vec<&Vec<Q>> = Vec::new();
    fn index<'a>(list: &mut Vec<&'a Vec<Q>>, s: &'a Vec<Q>) -> usize {
        match list.iter().position(|t| *t == s) {
            Some(k) => k,
            None => {
                list.push(s);
                list.len() - 1
            }
        }
    }
    let pairs: Vec<(usize, usize)> = eqs
        .iter()
        .filter(|e| e.strategies.len() == 2)
        .map(|e| (index(&mut rows, &e.strategies[0]), index(&mut cols, &e.strategies[1])))
        .collect();
    let neighbours: Vec<Vec<usize>> = (0..rows.len())
        .map(|r| {
            let mut c: Vec<usize> = pairs.iter().filter(|p| p.0 == r).map(|p| p.1).collect();
            c.sort_unstable();
            c
        })
        .collect();
    // Every maximal biclique's column side is an intersection of row neighbourhoods: close the family
    // under intersection, then each column set with its full row set is a biclique; keep the maximal.
    let mut col_sets: Vec<Vec<usize>> = Vec::new();
    for nb in &neighbours {
        let mut new = vec![nb.clone()];
        for c in &col_sets {
            let both: Vec<usize> = c.iter().copied().filter(|k| nb.contains(k)).collect();
            if !both.is_empty() {
                new.push(both);
            }
        }
        for s in new {
            if !col_sets.contains(&s) {
                col_sets.push(s);
            }
        }
    }
    let mut cliques: Vec<(Vec<usize>, Vec<usize>)> = col_sets
        .into_iter()
        .map(|c| {
            let r: Vec<usize> =
                (0..rows.len()).filter(|&r| c.iter().all(|k| neighbours[r].contains(k))).collect();
            (r, c)
        })
        .collect();
    let contains = |big: &(Vec<usize>, Vec<usize>), small: &(Vec<usize>, Vec<usize>)| {
        small.0.iter().all(|r| big.0.contains(r)) && small.1.iter().all(|c| big.1.contains(c))
    };
    let all = cliques.clone();
    cliques.retain(|k| !all.iter().any(|b| b != k && contains(b, k)));
    let mut out: Vec<Vec<usize>> = cliques
        .iter()
        .map(|(r, c)| {
            let mut members: Vec<usize> =
                (0..pairs.len()).filter(|&e| r.contains(&pairs[e].0) && c.contains(&pairs[e].1)).collect();
            members.sort_unstable();
            members
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_games::*;
    use super::*;

    fn count(game: &StrategicGame) -> usize {
        let s = solve(game).unwrap();
        for e in &s.equilibria {
            assert!(super::super::regret(game, &e.strategies).0.is_zero());
        }
        s.equilibria.len()
    }

    #[test]
    fn game_f_unique() {
        let s = solve(&game_f()).unwrap();
        assert_eq!(s.equilibria.len(), 1);
        assert_eq!(s.equilibria[0].strategies, vec![vec![q(1, 5), q(4, 5)], vec![q(2, 5), q(3, 5)]]);
        assert_eq!(s.equilibria[0].payoffs, vec![Q::zero(), Q::from_int(-1)]);
    }

    #[test]
    fn classic_counts() {
        assert_eq!(count(&bimatrix(&[&[2, 0], &[0, 1]], &[&[1, 0], &[0, 2]])), 3);
        assert_eq!(count(&zero_sum(&[&[1, -1], &[-1, 1]])), 1);
        assert_eq!(count(&zero_sum(&[&[0, -1, 1], &[1, 0, -1], &[-1, 1, 0]])), 1);
        assert_eq!(count(&bimatrix(&[&[3, 0], &[5, 1]], &[&[3, 5], &[0, 1]])), 1);
    }

    #[test]
    fn degenerate_continuum_gives_extreme_points() {
        // Row player indifferent between rows 0 and 1 against column 0; column 0 strictly dominant.
        // Equilibria: column 0 with any x on [r0, r1], extreme points r0 and r1.
        let g = bimatrix(&[&[1, 0], &[1, 0]], &[&[2, 1], &[2, 1]]);
        let s = solve(&g).unwrap();
        let x: Vec<Vec<Q>> = s.equilibria.iter().map(|e| e.strategies[0].clone()).collect();
        assert_eq!(x, vec![vec![Q::zero(), Q::one()], vec![Q::one(), Q::zero()]]);
        assert_eq!(components(&s), vec![vec![0, 1]]);
    }

    #[test]
    fn all_zero_game() {
        // Every profile is an equilibrium: the extreme ones are the 2 × 3 pure profiles.
        let g = bimatrix(&[&[0, 0, 0], &[0, 0, 0]], &[&[0, 0, 0], &[0, 0, 0]]);
        let s = solve(&g).unwrap();
        assert_eq!(s.equilibria.len(), 6);
        assert_eq!(components(&s), vec![(0..6).collect::<Vec<_>>()]);
    }

    #[test]
    fn one_by_one() {
        assert_eq!(count(&bimatrix(&[&[-7]], &[&[4]])), 1);
    }

    /// The old method (both polytopes' vertices, paired) on the same game.
    fn old(g: &StrategicGame) -> Vec<MixedEquilibrium> {
        let (a, b) = g.bimatrix().unwrap();
        run_pairs(&Bimatrix::new(&a, &b), witness()).unwrap()
    }

    /// The unique solution of a square system over `Q`, by Gaussian elimination.
    fn solve_exact(mut m: Vec<Vec<Q>>, mut rhs: Vec<Q>) -> Option<Vec<Q>> {
        let k = rhs.len();
        for c in 0..k {
            let p = (c..k).find(|&r| !m[r][c].is_zero())?;
            m.swap(c, p);
            rhs.swap(c, p);
            for r in 0..k {
                if r != c && !m[r][c].is_zero() {
                    let f = m[r][c].checked_div(&m[c][c]).unwrap();
                    let pivot_row = m[c].clone();
                    for (v, p) in m[r].iter_mut().zip(&pivot_row).skip(c) {
                        *v = &*v - &(&f * p);
                    }
                    rhs[r] = &rhs[r] - &(&f * &rhs[c]);
                }
            }
        }
        Some((0..k).map(|i| rhs[i].checked_div(&m[i][i]).unwrap()).collect())
    }

    /// The vertices `v ≠ 0` of `{v ≥ 0 : M·v ≤ 1}` (`M`: rows × dim, positive) with their label sets
    /// (label `i < dim`: `v_i = 0`; label `dim + r`: row `r` tight), by trying every set of `dim`
    /// tight constraints: no pivoting at all.
    fn brute_vertices(mat: &[Vec<Q>], dim: usize) -> Vec<(Vec<Q>, Vec<bool>)> {
        let rows = mat.len();
        let total = dim + rows;
        let mut out: Vec<(Vec<Q>, Vec<bool>)> = Vec::new();
        for mask in 0u32..(1 << total) {
            if mask.count_ones() as usize != dim {
                continue;
            }
            let tight: Vec<usize> = (0..total).filter(|&l| mask & (1 << l) != 0).collect();
            let (sys, rhs): (Vec<Vec<Q>>, Vec<Q>) = tight
                .iter()
                .map(|&l| {
                    if l < dim {
                        ((0..dim).map(|c| if c == l { Q::one() } else { Q::zero() }).collect(), Q::zero())
                    } else {
                        (mat[l - dim].clone(), Q::one())
                    }
                })
                .unzip();
            let Some(v) = solve_exact(sys, rhs) else { continue };
            let products: Vec<Q> =
                mat.iter().map(|r| r.iter().zip(&v).map(|(a, b)| a * b).sum::<Q>()).collect();
            if v.iter().any(Q::is_negative) || products.iter().any(|p| *p > Q::one()) {
                continue;
            }
            if v.iter().all(Q::is_zero) || out.iter().any(|(w, _)| *w == v) {
                continue;
            }
            let labels = v.iter().map(Q::is_zero).chain(products.iter().map(|p| *p == Q::one())).collect();
            out.push((v, labels));
        }
        out
    }

    /// Every extreme equilibrium by brute force: vertices of both polytopes from every choice of
    /// tight constraints, paired when their labels cover everything.
    fn brute(g: &StrategicGame) -> Vec<Vec<Vec<Q>>> {
        let (a, b) = g.bimatrix().unwrap();
        let (m, n) = (a.len(), a[0].len());
        let positive = |x: &[Vec<Q>]| {
            let min = x.iter().flatten().min().unwrap().clone();
            let shift = &Q::one() - &min;
            x.iter().map(|r| r.iter().map(|v| v + &shift).collect()).collect::<Vec<Vec<Q>>>()
        };
        let (a, b) = (positive(&a), positive(&b));
        let bt: Vec<Vec<Q>> = (0..n).map(|j| (0..m).map(|i| b[i][j].clone()).collect()).collect();
        // P's labels: x_i = 0 is label i, column j tight is label m + j; Q's: row i tight is label i,
        // y_j = 0 is label m + j.
        let xs = brute_vertices(&bt, m);
        let ys: Vec<(Vec<Q>, Vec<bool>)> = brute_vertices(&a, n)
            .into_iter()
            .map(|(y, l)| (y, l[n..].iter().chain(&l[..n]).copied().collect()))
            .collect();
        let normal = |v: &[Q]| {
            let s: Q = v.iter().sum();
            v.iter().map(|p| p.checked_div(&s).unwrap()).collect::<Vec<Q>>()
        };
        let mut out: Vec<Vec<Vec<Q>>> = Vec::new();
        for (x, lx) in &xs {
            for (y, ly) in &ys {
                if lx.iter().zip(ly).all(|(p, q)| *p || *q) {
                    out.push(vec![normal(x), normal(y)]);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn game_of(m: usize, n: usize, values: &[i64]) -> StrategicGame {
        let a: Vec<Vec<i64>> = (0..m).map(|i| values[i * n..(i + 1) * n].to_vec()).collect();
        let b: Vec<Vec<i64>> = (0..m).map(|i| values[m * n + i * n..m * n + (i + 1) * n].to_vec()).collect();
        let a: Vec<&[i64]> = a.iter().map(Vec::as_slice).collect();
        let b: Vec<&[i64]> = b.iter().map(Vec::as_slice).collect();
        bimatrix(&a, &b)
    }

    #[test]
    fn brute_force_agrees_on_classics() {
        for g in [
            bimatrix(&[&[2, 0], &[0, 1]], &[&[1, 0], &[0, 2]]),
            bimatrix(&[&[1, 0], &[1, 0]], &[&[2, 1], &[2, 1]]),
            bimatrix(&[&[0, 0, 0], &[0, 0, 0]], &[&[0, 0, 0], &[0, 0, 0]]),
            game_f(),
        ] {
            let new: Vec<Vec<Vec<Q>>> =
                solve(&g).unwrap().equilibria.into_iter().map(|e| e.strategies).collect();
            assert_eq!(new, brute(&g));
        }
    }

    /// A tall degenerate game (more rows than columns, repeated rows): the transposed search.
    #[test]
    fn tall_degenerate_game_matches_the_old_method() {
        let g = bimatrix(
            &[&[1, 0, 2], &[1, 0, 2], &[0, 1, 1], &[2, 2, 0], &[0, 1, 1]],
            &[&[1, 1, 0], &[1, 1, 0], &[0, 2, 2], &[1, 0, 1], &[0, 2, 2]],
        );
        assert_eq!(solve(&g).unwrap().equilibria, old(&g));
    }

    /// A game whose payoffs overflow machine words in the first pivot: the big-integer path answers.
    #[test]
    fn word_overflow_falls_back_to_big_integers() {
        let big = 1i64 << 62;
        let g = game_of(2, 2, &[big, 1, 0, big - 1, 3, big, big - 5, 2]);
        let (a, b) = two_player(&g, "enum").unwrap();
        assert!(in_words(|| run(&Bimatrix::new(&a, &b), Word(0))).is_none(), "the words overflow");
        let s = solve(&g).unwrap();
        assert_eq!(s.equilibria, old(&g));
        assert!(!s.equilibria.is_empty());
    }

    /// Weights whose product leaves a machine word: verification in words gives up (the attempt is
    /// void) instead of dividing by the overflowed 0.
    #[test]
    fn verification_in_words_does_not_divide_by_an_overflowed_zero() {
        let g = game_of(1, 1, &[3, 5]);
        let (a, b) = two_player(&g, "enum").unwrap();
        let big = Word(1 << 40);
        assert!(in_words(|| Bimatrix::new(&a, &b).verified(&[big], &[big])).is_none());
    }

    /// Payoffs of 2^16: the words overflow, the checked `i128` tier answers, as the big integers do.
    #[test]
    fn i128_tier_answers_when_words_overflow() {
        let big = 1i64 << 16;
        let g = game_of(
            3,
            3,
            &[big, 1, 0, 7, big - 1, 3, 2, 5, big - 9, 3, big, big - 5, 2, 0, 1, big - 3, 4, 6],
        );
        let (a, b) = two_player(&g, "enum").unwrap();
        assert!(in_words(|| run(&Bimatrix::new(&a, &b), Word(0))).is_none(), "the words overflow");
        let wide = in_words(|| run(&Bimatrix::new(&a, &b), Wide(0))).expect("i128 suffices").unwrap();
        assert_eq!(wide, run(&Bimatrix::new(&a, &b), witness()).unwrap());
        assert_eq!(solve(&g).unwrap().equilibria, old(&g));
    }

    /// Denominators beyond a machine word (the lcm scale overflows, divisors become 0 in words):
    /// the big-integer path answers, nothing panics.
    #[test]
    fn huge_denominators_fall_back_to_big_integers() {
        let mut g = game_of(2, 2, &[1, 1, 1, 1, 1, 1, 1, 1]);
        let tiny: Q = "0.00000000000000000001".parse().unwrap();
        g.set_payoffs(&[0, 1], &[tiny.clone(), Q::one()]).unwrap();
        g.set_payoffs(&[1, 0], &[Q::one(), tiny]).unwrap();
        assert_eq!(solve(&g).unwrap().equilibria, old(&g));
    }

    use proptest::prelude::{Just, ProptestConfig, Strategy};

    /// `(m, n, payoffs)` with `m, n` up to `max` and both players' payoffs in `range`.
    fn games(
        max: usize,
        range: std::ops::RangeInclusive<i64>,
    ) -> impl Strategy<Value = (usize, usize, Vec<i64>)> {
        (1..=max, 1..=max).prop_flat_map(move |(m, n)| {
            (Just(m), Just(n), proptest::collection::vec(range.clone(), 2 * m * n))
        })
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Small-integer payoffs make most of these games degenerate (ties, repeated rows and
        /// columns, continua of equilibria): the new search must give exactly the old set.
        #[test]
        fn agrees_with_the_old_method(
            (m, n, values) in games(5, -2i64..=2)
        ) {
            let g = game_of(m, n, &values);
            proptest::prop_assert_eq!(solve(&g).unwrap().equilibria, old(&g));
        }

        /// Wider payoffs (mostly non-degenerate games), up to 6 × 6.
        #[test]
        fn agrees_with_the_old_method_wide_payoffs(
            (m, n, values) in games(6, -50i64..=50)
        ) {
            let g = game_of(m, n, &values);
            proptest::prop_assert_eq!(solve(&g).unwrap().equilibria, old(&g));
        }

        /// Payoffs so large that the machine-word attempt overflows on most games (and the big-integer
        /// path takes over) or only on some: the same set either way.
        #[test]
        fn agrees_with_the_old_method_huge_payoffs(
            (m, n, values) in games(4, -(1i64 << 40)..=(1i64 << 40))
        ) {
            let g = game_of(m, n, &values);
            proptest::prop_assert_eq!(solve(&g).unwrap().equilibria, old(&g));
        }

        /// Each tier that answers (machine words, checked `i128`) gives the big integers' set.
        #[test]
        fn word_tiers_agree_with_big_integers(
            (m, n, values) in games(5, -(1i64 << 24)..=(1i64 << 24))
        ) {
            let g = game_of(m, n, &values);
            let (a, b) = two_player(&g, "enum").unwrap();
            let exact = run(&Bimatrix::new(&a, &b), witness()).unwrap();
            if let Some(words) = in_words(|| run(&Bimatrix::new(&a, &b), Word(0))) {
                proptest::prop_assert_eq!(&words.unwrap(), &exact);
            }
            if let Some(wide) = in_words(|| run(&Bimatrix::new(&a, &b), Wide(0))) {
                proptest::prop_assert_eq!(&wide.unwrap(), &exact);
            }
        }

        /// Against brute force (every choice of tight constraints, no pivoting) on tiny games.
        #[test]
        fn agrees_with_brute_force(
            (m, n, values) in games(3, -1i64..=2)
        ) {
            let g = game_of(m, n, &values);
            let new: Vec<Vec<Vec<Q>>> = solve(&g).unwrap().equilibria.into_iter().map(|e| e.strategies).collect();
            proptest::prop_assert_eq!(new, brute(&g));
        }
    }
}
