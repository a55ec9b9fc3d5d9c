//! Strategic-form (normal-form) games: players, labelled strategies, a payoff vector per profile.
//!
//! Profiles are stored in Gambit's order: player 0's strategy varies fastest, so the profile
//! `(s_0, s_1, …)` has index `s_0 + m_0·(s_1 + m_1·(s_2 + …))`. Payoffs are exact [`Q`] values; when the
//! game has parameters, the [`Expr`] behind every payoff is kept so the game can be re-evaluated with
//! [`StrategicGame::set_parameters`], as for trees.
//!
//! Next: `redline_solver`'s strategic-form methods, or [`crate::tree`] for extensive forms.

use crate::error::Error;
use crate::expr::Expr;
use crate::number::Q;
use crate::tree::Parameter;

/// A payoff matrix indexed `[row strategy][column strategy]`.
pub type Matrix = Vec<Vec<Q>>;

/// A strategic-form game.
///
/// # Examples
/// ```
/// use redline_models::strategic::StrategicGame;
/// use redline_models::number::Q;
/// // Matching pennies.
/// let mut g = StrategicGame::new("Pennies", vec!["A".into(), "B".into()],
///     vec![vec!["h".into(), "t".into()], vec!["h".into(), "t".into()]]).unwrap();
/// for (p, v) in [([0, 0], 1), ([1, 0], -1), ([0, 1], -1), ([1, 1], 1)] {
///     g.set_payoffs(&p, &[Q::from_int(v), Q::from_int(-v)]).unwrap();
/// }
/// assert!(g.is_zero_sum());
/// assert_eq!(g.payoff(&[1, 0], 0), &Q::from_int(-1));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategicGame {
    /// The title shown in output.
    pub title: String,
    /// A longer description, or empty.
    pub description: String,
    players: Vec<String>,
    strategies: Vec<Vec<String>>,
    /// `n_players` payoffs per profile, profiles in Gambit order.
    payoffs: Vec<Q>,
    parameters: Vec<Parameter>,
    values: Vec<Q>,
    exprs: Option<Vec<Expr>>,
}

impl StrategicGame {
    /// A game with all payoffs zero.
    ///
    /// # Errors
    /// No players, a player without strategies, repeated player names or strategy labels, or more
    /// than 10 million profiles.
    pub fn new(
        title: impl Into<String>,
        players: Vec<String>,
        strategies: Vec<Vec<String>>,
    ) -> Result<StrategicGame, Error> {
        if players.is_empty() {
            return Err(Error::Invalid("a game needs at least one player".into()));
        }
        if strategies.len() != players.len() {
            return Err(Error::Invalid(format!(
                "{} players but strategy lists for {}",
                players.len(),
                strategies.len()
            )));
        }
        for (i, p) in players.iter().enumerate() {
            if players[..i].contains(p) {
                return Err(Error::Invalid(format!("player name `{p}` is used twice")));
            }
            let s = &strategies[i];
            if s.is_empty() {
                return Err(Error::Invalid(format!("player `{p}` has no strategies")));
            }
            // A hash set: a reduced strategic form can give a player hundreds of thousands of labels.
            let mut seen = std::collections::HashSet::with_capacity(s.len());
            for label in s {
                if !seen.insert(label.as_str()) {
                    return Err(Error::Invalid(format!("strategy label `{label}` of `{p}` is used twice")));
                }
            }
        }
        let mut profiles: usize = 1;
        for s in &strategies {
            profiles = profiles.checked_mul(s.len()).filter(|&n| n <= 10_000_000).ok_or_else(|| {
                Error::Invalid("the game has more than 10 million strategy profiles".into())
            })?;
        }
        let n = players.len();
        Ok(StrategicGame {
            title: title.into(),
            description: String::new(),
            players,
            strategies,
            payoffs: vec![Q::zero(); profiles * n],
            parameters: Vec::new(),
            values: Vec::new(),
            exprs: None,
        })
    }

    /// The player names.
    #[must_use]
    pub fn players(&self) -> &[String] {
        &self.players
    }

    /// The number of players.
    #[must_use]
    pub fn n_players(&self) -> usize {
        self.players.len()
    }

    /// Player `i`'s strategy labels.
    #[must_use]
    pub fn strategies(&self, i: usize) -> &[String] {
        &self.strategies[i]
    }

    /// Each player's number of strategies.
    #[must_use]
    pub fn shape(&self) -> Vec<usize> {
        self.strategies.iter().map(Vec::len).collect()
    }

    /// The number of pure strategy profiles.
    #[must_use]
    pub fn n_profiles(&self) -> usize {
        self.payoffs.len() / self.players.len()
    }

    /// The index of a profile (player 0 fastest).
    ///
    /// # Panics
    /// When the profile has the wrong length or a strategy out of range.
    #[must_use]
    pub fn profile_index(&self, profile: &[usize]) -> usize {
        assert_eq!(profile.len(), self.players.len(), "a profile names one strategy per player");
        let mut index = 0;
        for (i, &s) in profile.iter().enumerate().rev() {
            assert!(s < self.strategies[i].len(), "strategy index is in range");
            index = index * self.strategies[i].len() + s;
        }
        index
    }

    /// The profile with a given index (player 0 fastest).
    #[must_use]
    pub fn profile_at(&self, mut index: usize) -> Vec<usize> {
        self.strategies
            .iter()
            .map(|s| {
                let k = index % s.len();
                index /= s.len();
                k
            })
            .collect()
    }

    /// Player `i`'s payoff at a profile.
    #[must_use]
    pub fn payoff(&self, profile: &[usize], i: usize) -> &Q {
        let n = self.players.len();
        &self.payoffs[self.profile_index(profile) * n + i]
    }

    /// The payoff vector of the profile with a given index.
    #[must_use]
    pub fn payoffs_at(&self, index: usize) -> &[Q] {
        let n = self.players.len();
        &self.payoffs[index * n..(index + 1) * n]
    }

    /// Sets the payoffs of a profile to numbers.
    ///
    /// # Errors
    /// The wrong number of payoffs.
    pub fn set_payoffs(&mut self, profile: &[usize], payoffs: &[Q]) -> Result<(), Error> {
        // Plain numbers into a game without expressions: stored as they are (what evaluating
        // constant expressions gives), without building expressions.
        if self.exprs.is_none() && payoffs.len() == self.players.len() {
            let at = self.profile_index(profile) * payoffs.len();
            self.payoffs[at..at + payoffs.len()].clone_from_slice(payoffs);
            return Ok(());
        }
        let exprs: Vec<Expr> = payoffs.iter().map(|q| Expr::number(q.clone())).collect();
        self.set_payoff_exprs(profile, exprs)
    }

    /// Sets the payoffs of a profile to expressions (evaluated under the current parameters).
    ///
    /// # Errors
    /// The wrong number of payoffs, an unknown parameter, a division by zero.
    pub fn set_payoff_exprs(&mut self, profile: &[usize], payoffs: Vec<Expr>) -> Result<(), Error> {
        let n = self.players.len();
        if payoffs.len() != n {
            return Err(Error::Invalid(format!(
                "a profile needs {n} payoffs (one per player), found {}",
                payoffs.len()
            )));
        }
        let at = self.profile_index(profile) * n;
        if self.exprs.is_none() && payoffs.iter().any(|e| e.as_constant().is_none()) {
            self.exprs = Some(self.payoffs.iter().map(|q| Expr::number(q.clone())).collect());
        }
        for (i, e) in payoffs.into_iter().enumerate() {
            let v = e.eval(|name| self.lookup(name)).map_err(|err| Error::Invalid(err.to_string()))?;
            self.payoffs[at + i] = v;
            if let Some(ex) = self.exprs.as_mut() {
                ex[at + i] = e;
            }
        }
        Ok(())
    }

    /// Replaces every payoff by numbers: `n_players` per profile, profiles in Gambit order (the
    /// reduced strategic form of a tree is built this way). Drops any expressions.
    ///
    /// # Errors
    /// A table of the wrong length.
    pub fn set_payoff_table(&mut self, table: Vec<Q>) -> Result<(), Error> {
        if table.len() != self.payoffs.len() {
            return Err(Error::Invalid(format!(
                "a payoff table needs {} numbers, found {}",
                self.payoffs.len(),
                table.len()
            )));
        }
        self.payoffs = table;
        self.exprs = None;
        Ok(())
    }

    /// The expression behind each payoff of the profile with a given index, when the game has them.
    #[must_use]
    pub fn payoff_exprs_at(&self, index: usize) -> Option<&[Expr]> {
        let n = self.players.len();
        self.exprs.as_ref().map(|e| &e[index * n..(index + 1) * n])
    }

    /// Declares a parameter (before setting payoffs that use it).
    ///
    /// # Errors
    /// A duplicate name or a default outside the parameter's range.
    pub fn add_parameter(&mut self, p: Parameter) -> Result<(), Error> {
        if self.parameters.iter().any(|q| q.name == p.name) {
            return Err(Error::Invalid(format!("parameter `{}` is declared twice", p.name)));
        }
        p.check(&p.default)?;
        self.values.push(p.default.clone());
        self.parameters.push(p);
        Ok(())
    }

    /// The parameters.
    #[must_use]
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The current parameter values (parallel to [`StrategicGame::parameters`]).
    #[must_use]
    pub fn parameter_values(&self) -> &[Q] {
        &self.values
    }

    fn lookup(&self, name: &str) -> Option<Q> {
        self.parameters.iter().position(|p| p.name == name).map(|i| self.values[i].clone())
    }

    /// Sets parameters by name and re-evaluates every payoff.
    ///
    /// # Errors
    /// An unknown name (with a suggestion), a value out of range, a failed evaluation.
    pub fn set_parameters(&mut self, assignments: &[(String, Q)]) -> Result<(), Error> {
        crate::tree::assign_values(&self.parameters, &mut self.values, assignments)?;
        if let Some(exprs) = self.exprs.take() {
            let result: Result<Vec<Q>, Error> = exprs
                .iter()
                .map(|e| e.eval(|name| self.lookup(name)).map_err(|err| Error::Invalid(err.to_string())))
                .collect();
            self.exprs = Some(exprs);
            self.payoffs = result?;
        }
        Ok(())
    }

    /// True when the payoffs of every profile sum to zero.
    #[must_use]
    pub fn is_zero_sum(&self) -> bool {
        (0..self.n_profiles()).all(|k| self.payoffs_at(k).iter().sum::<Q>().is_zero())
    }

    /// True when the payoffs of every profile sum to the same constant.
    #[must_use]
    pub fn is_constant_sum(&self) -> bool {
        let first: Q = self.payoffs_at(0).iter().sum();
        (1..self.n_profiles()).all(|k| self.payoffs_at(k).iter().sum::<Q>() == first)
    }

    /// For a two-player game, the payoff matrices `(A, B)` indexed `[row strategy][column strategy]`.
    #[must_use]
    pub fn bimatrix(&self) -> Option<(Matrix, Matrix)> {
        if self.players.len() != 2 {
            return None;
        }
        let (m, n) = (self.strategies[0].len(), self.strategies[1].len());
        let a = (0..m).map(|i| (0..n).map(|j| self.payoff(&[i, j], 0).clone()).collect()).collect();
        let b = (0..m).map(|i| (0..n).map(|j| self.payoff(&[i, j], 1).clone()).collect()).collect();
        Some((a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_order_is_gambits() {
        let g = StrategicGame::new(
            "g",
            vec!["A".into(), "B".into(), "C".into()],
            vec![
                vec!["a".into(), "b".into()],
                vec!["x".into(), "y".into(), "z".into()],
                vec!["p".into(), "q".into()],
            ],
        )
        .unwrap();
        assert_eq!(g.profile_index(&[1, 0, 0]), 1);
        assert_eq!(g.profile_index(&[0, 1, 0]), 2);
        assert_eq!(g.profile_index(&[0, 0, 1]), 6);
        assert_eq!(g.profile_at(11), vec![1, 2, 1]);
        assert_eq!(g.n_profiles(), 12);
    }

    #[test]
    fn parameters_reevaluate() {
        let mut g = StrategicGame::new("g", vec!["A".into()], vec![vec!["a".into(), "b".into()]]).unwrap();
        g.add_parameter(Parameter::new("c", Q::from_int(3), "")).unwrap();
        g.set_payoff_exprs(&[0], vec![Expr::parse("2*c").unwrap()]).unwrap();
        assert_eq!(g.payoff(&[0], 0), &Q::from_int(6));
        g.set_parameters(&[("c".into(), Q::from_int(1))]).unwrap();
        assert_eq!(g.payoff(&[0], 0), &Q::from_int(2));
        assert!(g.set_parameters(&[("d".into(), Q::one())]).is_err());
    }

    #[test]
    fn rejects_bad_shapes() {
        assert!(StrategicGame::new("g", vec![], vec![]).is_err());
        assert!(StrategicGame::new("g", vec!["A".into()], vec![vec![]]).is_err());
        assert!(StrategicGame::new("g", vec!["A".into()], vec![vec!["x".into(), "x".into()]]).is_err());
    }
}
