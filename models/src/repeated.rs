//! Two-player repeated games with discounting and perfect monitoring, and a strategy profile for them
//! written as one finite automaton.
//!
//! A [`RepeatedGame`] is a stage game (two players, labelled actions, a payoff pair per action
//! profile, written as [`Expr`]essions over named parameters) played every period, with the discount
//! factor `delta` (always a parameter, `0 < delta < 1`), and a *doctrine*: an automaton whose
//! [`State`]s each prescribe an action profile and move to a next state on every observed action
//! profile. Payoffs are normalised: `(1 - delta) Σ delta^t u_t`.
//!
//! Profiles are indexed as in [`crate::strategic`]: player 0's action varies fastest, so the profile
//! `(a0, a1)` has index `a0 + n0·a1`.
//!
//! This module only describes the game; `redline_solver::repeated` decides for which `delta` the
//! doctrine is a subgame-perfect (or Nash) equilibrium.

use crate::error::{Error, closest};
use crate::expr::Expr;
use crate::number::Q;
use crate::tree::{Parameter, assign_values};

/// The name of the discount-factor parameter every repeated game has.
pub const DELTA: &str = "delta";

/// The most automaton states a game may have (the analysis builds polynomials of about this degree).
pub const MAX_STATES: usize = 256;

/// The most action profiles a stage game may have.
pub const MAX_PROFILES: usize = 10_000;

/// One automaton state: the action profile it prescribes and where each observed profile leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// The state's name, unique in the automaton.
    pub name: String,
    /// The prescribed action of each player.
    pub play: [u32; 2],
    /// The next state after each action profile (indexed like the stage game's profiles).
    pub next: Vec<u32>,
}

/// A repeated two-player game with a doctrine (a strategy profile as an automaton).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepeatedGame {
    /// The title shown in output.
    pub title: String,
    /// A longer description, or empty.
    pub description: String,
    players: [String; 2],
    actions: [Vec<String>; 2],
    exprs: Vec<[Expr; 2]>,
    stage: Vec<[Q; 2]>,
    parameters: Vec<Parameter>,
    values: Vec<Q>,
    states: Vec<State>,
    initial: u32,
}

impl RepeatedGame {
    /// A repeated game, evaluated at the parameters' defaults.
    ///
    /// `parameters` must include [`DELTA`]; `stage` holds one payoff pair per action profile (player
    /// 0's action fastest); `initial` is the state play starts in.
    ///
    /// # Errors
    /// [`Error::Invalid`] for empty or repeated names, a stage game or automaton of the wrong size,
    /// an index out of range, an expression over an unknown parameter, or `delta` outside (0, 1).
    pub fn new(
        title: impl Into<String>,
        players: [String; 2],
        actions: [Vec<String>; 2],
        parameters: Vec<Parameter>,
        stage: Vec<[Expr; 2]>,
        states: Vec<State>,
        initial: u32,
    ) -> Result<RepeatedGame, Error> {
        let invalid = |m: String| Err(Error::Invalid(m));
        if players[0].is_empty() || players[1].is_empty() || players[0] == players[1] {
            return invalid("a repeated game needs two distinct, non-empty player names".into());
        }
        for (p, acts) in players.iter().zip(&actions) {
            if acts.is_empty() {
                return invalid(format!("player `{p}` has no actions"));
            }
            for (k, a) in acts.iter().enumerate() {
                if acts[..k].contains(a) {
                    return invalid(format!("action `{a}` of `{p}` is listed twice"));
                }
            }
        }
        let n_profiles = actions[0].len().saturating_mul(actions[1].len());
        if n_profiles > MAX_PROFILES {
            return invalid(format!(
                "the stage game has {n_profiles} action profiles (at most {MAX_PROFILES})"
            ));
        }
        if stage.len() != n_profiles {
            return invalid(format!("{n_profiles} action profiles but {} payoff pairs", stage.len()));
        }
        if states.is_empty() || states.len() > MAX_STATES {
            return invalid(format!("an automaton needs 1 to {MAX_STATES} states, found {}", states.len()));
        }
        for (k, s) in states.iter().enumerate() {
            if states[..k].iter().any(|t| t.name == s.name) {
                return invalid(format!("state name `{}` is used twice", s.name));
            }
            if s.play[0] as usize >= actions[0].len() || s.play[1] as usize >= actions[1].len() {
                return invalid(format!("state `{}` prescribes an action that does not exist", s.name));
            }
            if s.next.len() != n_profiles || s.next.iter().any(|&t| t as usize >= states.len()) {
                return invalid(format!(
                    "state `{}` needs a next state in range for every action profile",
                    s.name
                ));
            }
        }
        if initial as usize >= states.len() {
            return invalid("the initial state does not exist".into());
        }
        if !parameters.iter().any(|p| p.name == DELTA) {
            return invalid(format!("a repeated game needs the discount-factor parameter `{DELTA}`"));
        }
        for (k, p) in parameters.iter().enumerate() {
            if parameters[..k].iter().any(|q| q.name == p.name) {
                return invalid(format!("parameter `{}` is declared twice", p.name));
            }
        }
        for pair in &stage {
            for e in pair {
                for name in e.parameters() {
                    if name == DELTA || !parameters.iter().any(|p| p.name == name) {
                        let hint = closest(name, parameters.iter().map(|p| p.name.as_str()))
                            .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                        return invalid(format!("unknown parameter `{name}` in payoff `{}`{hint}", e.text()));
                    }
                }
            }
        }
        let values = parameters.iter().map(|p| p.default.clone()).collect();
        let mut g = RepeatedGame {
            title: title.into(),
            description: String::new(),
            players,
            actions,
            exprs: stage,
            stage: Vec::new(),
            parameters,
            values,
            states,
            initial,
        };
        g.evaluate()?;
        Ok(g)
    }

    /// Sets parameters by name (a later one of the same name wins) and re-evaluates the payoffs.
    ///
    /// # Errors
    /// An unknown name (with the closest one), a value outside its range, a division by zero in a
    /// payoff, or `delta` outside (0, 1).
    pub fn set_parameters(&mut self, assignments: &[(String, Q)]) -> Result<(), Error> {
        assign_values(&self.parameters, &mut self.values, assignments)?;
        self.evaluate()
    }

    fn evaluate(&mut self) -> Result<(), Error> {
        let d = self.delta();
        if !d.is_positive() || d >= &Q::one() {
            return Err(Error::ParameterOutOfRange {
                name: DELTA.into(),
                value: d.clone(),
                reason: "the discount factor must be strictly between 0 and 1".into(),
            });
        }
        let lookup =
            |name: &str| self.parameters.iter().position(|p| p.name == name).map(|i| self.values[i].clone());
        let mut stage = Vec::with_capacity(self.exprs.len());
        for pair in &self.exprs {
            let a = pair[0]
                .eval(lookup)
                .map_err(|e| Error::Invalid(format!("payoff `{}`: {e}", pair[0].text())))?;
            let b = pair[1]
                .eval(lookup)
                .map_err(|e| Error::Invalid(format!("payoff `{}`: {e}", pair[1].text())))?;
            stage.push([a, b]);
        }
        self.stage = stage;
        Ok(())
    }

    /// The two player names.
    #[must_use]
    pub fn players(&self) -> &[String; 2] {
        &self.players
    }

    /// Player `i`'s action labels.
    #[must_use]
    pub fn actions(&self, i: usize) -> &[String] {
        &self.actions[i]
    }

    /// The number of action profiles.
    #[must_use]
    pub fn n_profiles(&self) -> usize {
        self.stage.len()
    }

    /// The index of the profile `(a0, a1)`.
    #[must_use]
    pub fn profile(&self, a: [u32; 2]) -> usize {
        a[0] as usize + self.actions[0].len() * a[1] as usize
    }

    /// The actions of profile `k`.
    #[must_use]
    pub fn profile_actions(&self, k: usize) -> [u32; 2] {
        let n0 = self.actions[0].len();
        [(k % n0) as u32, (k / n0) as u32]
    }

    /// The stage payoffs of profile `k` at the current parameter values.
    #[must_use]
    pub fn stage_payoffs(&self, k: usize) -> &[Q; 2] {
        &self.stage[k]
    }

    /// The payoff expressions of profile `k`.
    #[must_use]
    pub fn stage_exprs(&self, k: usize) -> &[Expr; 2] {
        &self.exprs[k]
    }

    /// The parameters, `delta` included.
    #[must_use]
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The current parameter values, in the order of [`RepeatedGame::parameters`].
    #[must_use]
    pub fn parameter_values(&self) -> &[Q] {
        &self.values
    }

    /// The current discount factor.
    #[must_use]
    pub fn delta(&self) -> &Q {
        let i = self.parameters.iter().position(|p| p.name == DELTA).expect("checked by `new`");
        &self.values[i]
    }

    /// The automaton's states.
    #[must_use]
    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// The state play starts in.
    #[must_use]
    pub fn initial(&self) -> u32 {
        self.initial
    }

    /// The state after `s` when profile `k` is played.
    #[must_use]
    pub fn next(&self, s: u32, k: usize) -> u32 {
        self.states[s as usize].next[k]
    }

    /// The profile state `s` prescribes.
    #[must_use]
    pub fn prescribed(&self, s: u32) -> usize {
        self.profile(self.states[s as usize].play)
    }

    /// Every state reachable from the initial state after some history (any action profiles), in
    /// breadth-first order from the initial state.
    #[must_use]
    pub fn reachable(&self) -> Vec<u32> {
        let mut seen = vec![false; self.states.len()];
        let mut order = vec![self.initial];
        seen[self.initial as usize] = true;
        let mut k = 0;
        while k < order.len() {
            let s = order[k];
            for &t in &self.states[s as usize].next {
                if !seen[t as usize] {
                    seen[t as usize] = true;
                    order.push(t);
                }
            }
            k += 1;
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pd() -> RepeatedGame {
        let e = |t: &str| Expr::parse(t).unwrap();
        let params = vec![
            Parameter::new("T", Q::from_int(5), ""),
            Parameter::new(DELTA, "9/10".parse().unwrap(), "").range(Some(Q::zero()), Some(Q::one())),
        ];
        let stage = vec![[e("3"), e("3")], [e("T"), e("0")], [e("0"), e("T")], [e("1"), e("1")]];
        let states = vec![
            State { name: "c".into(), play: [0, 0], next: vec![0, 1, 1, 1] },
            State { name: "war".into(), play: [1, 1], next: vec![1, 1, 1, 1] },
        ];
        let acts = vec!["hold".to_string(), "strike".to_string()];
        RepeatedGame::new("pd", ["A".into(), "B".into()], [acts.clone(), acts], params, stage, states, 0)
            .unwrap()
    }

    #[test]
    fn evaluates_and_reaches() {
        let mut g = pd();
        assert_eq!(g.stage_payoffs(1)[0], Q::from_int(5));
        assert_eq!(g.reachable(), vec![0, 1]);
        g.set_parameters(&[("T".into(), Q::from_int(7))]).unwrap();
        assert_eq!(g.stage_payoffs(2)[1], Q::from_int(7));
        assert!(g.set_parameters(&[(DELTA.into(), Q::one())]).is_err());
        assert!(g.set_parameters(&[(DELTA.into(), Q::zero())]).is_err());
        assert_eq!(g.profile_actions(g.profile([1, 0])), [1, 0]);
    }
}
