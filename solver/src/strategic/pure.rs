//! All pure-strategy Nash equilibria of a strategic-form game with any number of players.
//!
//! **Class:** any finite strategic-form game (n players). **Returns:** every pure equilibrium, in
//! profile order (player 0's strategy varying fastest), so the list is complete.
//! **Complexity:** O(n·P) payoff comparisons for P pure profiles: for each player, one pass over the
//! groups of profiles that differ only in that player's strategy finds the best replies.
//! **Reference:** Nash (1951); the textbook best-reply check (e.g. Osborne & Rubinstein 1994, ch. 2).
//!
//! Next: [`super::enumeration`] for mixed equilibria of two-player games.

use redline_models::strategic::StrategicGame;

use super::{MixedEquilibrium, Solution, pure_profile, regret};
use crate::error::Error;

/// Every pure Nash equilibrium, each verified exactly.
///
/// # Examples
/// ```
/// use redline_models::number::Q;
/// use redline_models::strategic::StrategicGame;
/// use redline_solver::strategic::pure;
/// // A coordination game: (a, a) and (b, b).
/// let mut g = StrategicGame::new("c", vec!["1".into(), "2".into()],
///     vec![vec!["a".into(), "b".into()], vec!["a".into(), "b".into()]]).unwrap();
/// g.set_payoffs(&[0, 0], &[Q::from_int(2), Q::from_int(1)]).unwrap();
/// g.set_payoffs(&[1, 1], &[Q::from_int(1), Q::from_int(2)]).unwrap();
/// let s = pure::solve(&g).unwrap();
/// assert_eq!(s.equilibria.len(), 2);
/// assert!(s.complete);
/// ```
///
/// # Errors
/// [`Error::VerificationFailed`] if a found profile fails the exact check (a bug).
pub fn solve(game: &StrategicGame) -> Result<Solution, Error> {
    let shape = game.shape();
    let n = shape.len();
    let profiles = game.n_profiles();
    let mut ok = vec![true; profiles];
    let mut stride = 1usize;
    for (i, &m) in shape.iter().enumerate() {
        // Profiles differing only in player i's strategy are `base + s·stride` for s < m, where
        // `base` has player i's strategy 0.
        for base in (0..profiles).filter(|k| (k / stride) % m == 0) {
            let members = (0..m).map(|s| base + s * stride);
            let best = members.clone().map(|k| &game.payoffs_at(k)[i]).max().expect("m ≥ 1");
            for k in members {
                if &game.payoffs_at(k)[i] < best {
                    ok[k] = false;
                }
            }
        }
        stride *= m;
    }
    let mut equilibria = Vec::new();
    for k in (0..profiles).filter(|&k| ok[k]) {
        let strategies = pure_profile(&shape, &game.profile_at(k));
        let (r, payoffs) = regret(game, &strategies);
        if !r.is_zero() {
            return Err(Error::VerificationFailed(format!("pure profile {k} has regret {r}")));
        }
        debug_assert_eq!(payoffs.len(), n, "one payoff per player");
        equilibria.push(MixedEquilibrium { strategies, payoffs, regret: r });
    }
    Ok(Solution { equilibria, complete: true })
}

#[cfg(test)]
mod tests {
    use super::super::test_games::*;
    use super::*;
    use redline_models::number::Q;

    fn check(game: &StrategicGame, expected: &[&[usize]]) {
        let s = solve(game).unwrap();
        let found: Vec<Vec<usize>> = s
            .equilibria
            .iter()
            .map(|e| e.strategies.iter().map(|p| p.iter().position(Q::is_one).unwrap()).collect())
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn prisoners_dilemma() {
        check(&bimatrix(&[&[3, 0], &[5, 1]], &[&[3, 5], &[0, 1]]), &[&[1, 1]]);
    }

    #[test]
    fn matching_pennies_has_none() {
        check(&zero_sum(&[&[1, -1], &[-1, 1]]), &[]);
    }

    #[test]
    fn battle_of_the_sexes() {
        check(&bimatrix(&[&[2, 0], &[0, 1]], &[&[1, 0], &[0, 2]]), &[&[0, 0], &[1, 1]]);
    }

    #[test]
    fn three_player_unanimity() {
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
        // Both unanimous profiles, and every profile where nobody can make it unanimous alone... none:
        // in (x, x, y) player c gains by switching. Profiles in Gambit order: xxx = 0, yyy = 7.
        check(&g, &[&[0, 0, 0], &[1, 1, 1]]);
    }

    #[test]
    fn one_player_picks_maxima() {
        let mut g = StrategicGame::new("1", vec!["a".into()], vec![vec!["x".into(), "y".into(), "z".into()]])
            .unwrap();
        for (s, v) in [(0, 2), (1, 1), (2, 2)] {
            g.set_payoffs(&[s], &[Q::from_int(v)]).unwrap();
        }
        check(&g, &[&[0], &[2]]);
    }
}
