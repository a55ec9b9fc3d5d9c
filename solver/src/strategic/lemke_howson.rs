//! One Nash equilibrium of a two-player game by Lemke–Howson, or all equilibria its paths reach.
//!
//! **Class:** two-player strategic-form games, general-sum, degenerate ones included.
//! **Returns:** the equilibrium at the end of the path that drops one label, or with
//! [`Options::all`] every equilibrium reachable from the artificial equilibrium and from the
//! equilibria found so far by dropping any label (the "accessible" equilibria); `complete` is false,
//! since some equilibria may be reachable by no path.
//! **Complexity:** float path: O((m+n)²) float operations per pivot plus two k × k exact solves;
//! exact path: each pivot costs O(m·n) big-integer operations on an integer tableau; a path is
//! usually short, but can take exponentially many pivots on purpose-built games (Savani & von Stengel
//! 2006), hence [`Options::max_pivots`].
//! **Reference:** Lemke & Howson (1964); Shapley (1974); von Stengel (2002), Handbook of Game Theory
//! vol. 3, ch. 45 §2.3–2.6; ALGORITHMS.md §12.
//!
//! With payoffs made positive integers `A`, `B`, the polytopes are `P = {x ≥ 0 : Bᵀx ≤ 1}` and
//! `Q = {y ≥ 0 : A·y ≤ 1}`. Labels `0..m` are the row strategies (`x_i = 0` in `P`, a best reply
//! `(A·y)_i = 1` in `Q`); labels `m..m+n` the column strategies (`(Bᵀx)_j = 1` in `P`, `y_j = 0` in
//! `Q`). Each tableau has one variable per label, so "enter the variable of label `l`" is the same
//! operation in both. From `(0, 0)`, dropping label `k` makes its variable enter; the variable that
//! leaves carries the duplicate label, whose variable enters in the other tableau, until label `k`
//! itself leaves. The lexicographic ratio test makes every step unique, so degenerate games neither
//! cycle nor stop early.
//!
//! **Fast path:** for one equilibrium the same path is first followed in `f64` (module
//! `float_lh`, same start label and lexicographic rule), and its final supports are solved and
//! verified exactly; if anything fails (payoffs not exact in `f64`, a comparison too close to
//! call, a singular block, a failed check, the pivot limit) the exact tableaux below run instead.
//! Every answer is an exactly verified equilibrium; the float path takes the exact path's turns
//! wherever floats separate its comparisons (ties included, by the same lexicographic rule), so both
//! end at the same equilibrium (checked against each other by property tests). With
//! [`Options::all`] the exact path alone runs. [`solve_tableau`] runs the exact path alone.
//!
//! Next: [`super::enumeration`] for every extreme equilibrium.

use std::collections::{HashSet, VecDeque};

use redline_models::strategic::StrategicGame;

use super::tableau::{Int, Tableau, witness};
use super::{Bimatrix, MixedEquilibrium, Solution, float_lh, sort_dedup, two_player};
use crate::error::Error;

/// How to run Lemke–Howson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The label dropped at the artificial equilibrium: `0..m` for row strategies, `m..m+n` for column
    /// strategies (default 0). Ignored when [`Options::all`] is set.
    pub start_label: Option<usize>,
    /// Follow every label from the artificial equilibrium and from every equilibrium found, and return
    /// all the distinct equilibria reached.
    pub all: bool,
    /// The most pivots one path may take before giving up with [`Error::Limit`].
    pub max_pivots: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { start_label: None, all: false, max_pivots: 1_000_000 }
    }
}

/// Lemke–Howson equilibria of a two-player game, each verified exactly.
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::lemke_howson::{Options, solve};
/// // Game F (general-sum): the unique equilibrium has P(probe) = 1/5, P(alert) = 2/5.
/// let mut g = StrategicGame::new("F", vec!["C".into(), "D".into()],
///     vec![vec!["probe".into(), "not".into()], vec!["alert".into(), "relax".into()]]).unwrap();
/// for (p, u) in [([0, 0], [-3, -1]), ([0, 1], [2, -5]), ([1, 0], [0, -1]), ([1, 1], [0, 0])] {
///     g.set_payoffs(&p, &u.map(Q::from_int)).unwrap();
/// }
/// let e = &solve(&g, &Options::default()).unwrap().equilibria[0];
/// assert_eq!(e.strategies[0][0], Q::ratio(1, 5).unwrap());
/// assert_eq!(e.strategies[1][0], Q::ratio(2, 5).unwrap());
/// ```
///
/// # Errors
/// [`Error::Unsupported`] for games with more than two players (naming `pure`), or a start label out
/// of range; [`Error::Limit`] when a path exceeds `max_pivots`; [`Error::VerificationFailed`] if a
/// result fails the exact check (a bug).
pub fn solve(game: &StrategicGame, options: &Options) -> Result<Solution, Error> {
    solve_with(game, options, true)
}

/// The same as [`solve`] on the exact integer tableaux alone (no float step).
///
/// # Errors
/// As [`solve`].
pub fn solve_tableau(game: &StrategicGame, options: &Options) -> Result<Solution, Error> {
    solve_with(game, options, false)
}

fn solve_with(game: &StrategicGame, options: &Options, float: bool) -> Result<Solution, Error> {
    let (a, b) = two_player(game, "lcp")?;
    let (m, n) = (a.len(), a.first().map_or(0, Vec::len));
    let label = options.start_label.unwrap_or(0);
    if label >= m + n {
        return Err(Error::Unsupported {
            method: "lcp",
            reason: format!(
                "start label {label} is out of range: labels are 0..{} (rows, then columns)",
                m + n
            ),
        });
    }
    let game = Bimatrix::new(&a, &b);
    let equilibria = if options.all {
        run_all(&game, options, witness())?
    } else if let Some(e) = float.then(|| float_lh::solve(&game, label, options.max_pivots)).flatten() {
        vec![e]
    } else {
        let mut state = State::artificial(&game, witness());
        follow(&mut state, label, options.max_pivots)?;
        vec![state.equilibrium(&game)?]
    };
    Ok(Solution { equilibria, complete: false })
}

/// The pair of tableaux: `P` (rows: column strategies) and `Q` (rows: row strategies), both with one
/// column per label.
#[derive(Clone, Debug)]
struct State<Z> {
    p: Tableau<Z>,
    q: Tableau<Z>,
    m: usize,
    n: usize,
}

impl<Z: Int> State<Z> {
    /// The artificial equilibrium `(0, 0)`: all slacks basic.
    fn artificial(game: &Bimatrix<Z>, w: Z) -> State<Z> {
        let (p, q) = polytopes(game, w);
        State { p, q, m: game.m, n: game.n }
    }

    /// True at the artificial equilibrium (no row strategy has weight).
    fn is_artificial(&self) -> bool {
        (0..self.m).all(|i| self.p.row_of(i).is_none())
    }

    /// The bases of both tableaux, sorted: identifies the state.
    fn key(&self) -> (Vec<usize>, Vec<usize>) {
        let mut p = self.p.basis().to_vec();
        let mut q = self.q.basis().to_vec();
        p.sort_unstable();
        q.sort_unstable();
        (p, q)
    }

    /// The verified equilibrium at a completely labelled state.
    fn equilibrium(&self, game: &Bimatrix<Z>) -> Result<MixedEquilibrium, Error> {
        let xs: Vec<Z> = (0..self.m).map(|i| self.p.value(i)).collect();
        let ys: Vec<Z> = (0..self.n).map(|j| self.q.value(self.m + j)).collect();
        game.verified(&xs, &ys)
    }
}

/// The tableaux of `P` and `Q` at the origin, with one column per label (see the module docs).
pub(crate) fn polytopes<Z: Int>(game: &Bimatrix<Z>, _w: Z) -> (Tableau<Z>, Tableau<Z>) {
    let (m, n) = (game.m, game.n);
    let unit = |k: usize, i: usize| Z::from_i64(i64::from(k == i));
    // P: Bᵀx + r = 1. Column l < m is x_l, column m + j is r_j.
    let p_rows: Vec<Vec<Z>> = (0..n)
        .map(|j| (0..m).map(|i| game.b.entries[i][j].clone()).chain((0..n).map(|k| unit(k, j))).collect())
        .collect();
    // Q: s + A·y = 1. Column l < m is s_l, column m + j is y_j.
    let q_rows: Vec<Vec<Z>> = (0..m)
        .map(|i| (0..m).map(|k| unit(k, i)).chain(game.a.entries[i].iter().cloned()).collect())
        .collect();
    (
        Tableau::new(p_rows, vec![Z::from_i64(1); n], (m..m + n).collect()),
        Tableau::new(q_rows, vec![Z::from_i64(1); m], (0..m).collect()),
    )
}

/// Follows the path that drops label `k` from a completely labelled state, until it is complete again.
fn follow<Z: Int>(state: &mut State<Z>, k: usize, max_pivots: usize) -> Result<(), Error> {
    // At a completely labelled state every label's variable is non-basic in exactly one tableau.
    let mut in_p = state.p.row_of(k).is_none();
    let mut entering = k;
    for _ in 0..max_pivots {
        let t = if in_p { &mut state.p } else { &mut state.q };
        let Some(r) = t.lex_min_ratio(entering) else {
            // Both polytopes are bounded (positive payoffs), so some entry is positive.
            return Err(Error::VerificationFailed("a Lemke–Howson step found an unbounded edge".into()));
        };
        let leaving = t.pivot(r, entering);
        if leaving == k {
            return Ok(());
        }
        in_p = !in_p;
        entering = leaving;
    }
    Err(Error::Limit {
        what: "pivot",
        detail: format!("a Lemke–Howson path took more than {max_pivots} pivots"),
    })
}

/// Every equilibrium reachable by Lemke–Howson paths from the artificial equilibrium and from each
/// equilibrium found, searched breadth-first over the (lexicographic) bases met at path ends.
fn run_all<Z: Int>(game: &Bimatrix<Z>, options: &Options, w: Z) -> Result<Vec<MixedEquilibrium>, Error> {
    let start = State::artificial(game, w);
    let labels = start.m + start.n;
    let mut seen = HashSet::from([start.key()]);
    let mut queue = VecDeque::from([start]);
    let mut equilibria = Vec::new();
    while let Some(state) = queue.pop_front() {
        for k in 0..labels {
            let mut next = state.clone();
            follow(&mut next, k, options.max_pivots)?;
            if seen.insert(next.key()) && !next.is_artificial() {
                equilibria.push(next.equilibrium(game)?);
                queue.push_back(next);
            }
        }
    }
    sort_dedup(&mut equilibria);
    Ok(equilibria)
}

#[cfg(test)]
mod tests {
    use super::super::test_games::*;
    use super::*;
    use redline_models::number::Q;

    fn one(game: &StrategicGame, label: usize) -> Vec<Vec<Q>> {
        let o = Options { start_label: Some(label), ..Options::default() };
        solve(game, &o).unwrap().equilibria.remove(0).strategies
    }

    fn all(game: &StrategicGame) -> Vec<Vec<Vec<Q>>> {
        let o = Options { all: true, ..Options::default() };
        solve(game, &o).unwrap().equilibria.into_iter().map(|e| e.strategies).collect()
    }

    #[test]
    fn game_f_every_label() {
        let g = game_f();
        for k in 0..4 {
            assert_eq!(one(&g, k), vec![vec![q(1, 5), q(4, 5)], vec![q(2, 5), q(3, 5)]]);
        }
        let e = &solve(&g, &Options::default()).unwrap().equilibria[0];
        assert_eq!(e.payoffs, vec![Q::zero(), Q::from_int(-1)]);
    }

    #[test]
    fn battle_of_the_sexes_labels_reach_different_equilibria() {
        let g = bimatrix(&[&[2, 0], &[0, 1]], &[&[1, 0], &[0, 2]]);
        let pure = |i: usize, j: usize| {
            let u = |k: usize| (0..2).map(|s| if s == k { Q::one() } else { Q::zero() }).collect::<Vec<_>>();
            vec![u(i), u(j)]
        };
        // Dropping a row label leads to (r0, c0); dropping column label c1 leads to (r1, c1).
        assert_eq!(one(&g, 0), pure(0, 0));
        assert_eq!(one(&g, 3), pure(1, 1));
        // The mixed equilibrium is reached from the pure ones.
        let mixed = vec![vec![q(2, 3), q(1, 3)], vec![q(1, 3), q(2, 3)]];
        assert_eq!(all(&g), vec![pure(1, 1), mixed, pure(0, 0)]);
    }

    #[test]
    fn degenerate_game_terminates() {
        // Column player indifferent everywhere: a continuum of equilibria.
        let g = bimatrix(&[&[1, 0], &[0, 1], &[1, 1]], &[&[0, 0], &[0, 0], &[0, 0]]);
        for k in 0..5 {
            let s = one(&g, k);
            let (r, _) = super::super::regret(&g, &s);
            assert!(r.is_zero());
        }
        assert!(!all(&g).is_empty());
    }

    #[test]
    fn pivot_limit_is_an_error() {
        let o = Options { max_pivots: 1, ..Options::default() };
        let g = bimatrix(&[&[1, 3, 0], &[0, 0, 2], &[2, 1, 1]], &[&[2, 1, 0], &[1, 3, 1], &[0, 0, 3]]);
        assert!(matches!(solve(&g, &o), Err(Error::Limit { .. })));
    }

    #[test]
    fn refuses_bad_label_and_three_players() {
        let o = Options { start_label: Some(4), ..Options::default() };
        assert!(matches!(solve(&game_f(), &o), Err(Error::Unsupported { .. })));
        let g = StrategicGame::new("3", vec!["a".into(), "b".into(), "c".into()], vec![vec!["x".into()]; 3])
            .unwrap();
        let err = solve(&g, &Options::default()).unwrap_err();
        assert!(err.to_string().contains("`pure`"), "{err}");
    }
}
