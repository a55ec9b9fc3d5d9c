//! `ceasefire` and `ceasefire-tft`: the repeated ceasefire, MODELS.md Game D (D.2–D.4).
//!
//! Each period both sides hold the ceasefire or strike, simultaneously; the stage game is a prisoner's
//! dilemma `T > R > P > S`. The doctrine is an automaton over joint states:
//! - `ceasefire` with `k = 0`: grim trigger (any strike means war forever); with `k >= 1`: `k` periods
//!   of mutual strikes after any strike, a strike out of turn during punishment restarting it.
//! - `ceasefire-tft`: tit-for-tat on both sides; the joint state records who strikes back next period.
//!
//! These are repeated games ([`RepeatedGame`]), not trees, so they have their own registry
//! ([`repeated_models`]) beside [`super::all`]; `redline_solver::repeated` analyses them.

use super::{Assignment, nonneg, param, q};
use crate::error::{Error, closest};
use crate::expr::Expr;
use crate::number::Q;
use crate::repeated::{DELTA, RepeatedGame, State};
use crate::tree::Parameter;

/// A built-in repeated game: plain data plus function pointers, like [`super::Model`].
#[derive(Debug)]
pub struct RepeatedModel {
    /// The name the CLI takes (`ceasefire`).
    pub name: &'static str,
    /// One line for the `redline models` table.
    pub summary: &'static str,
    /// The player names in index order.
    pub players: &'static [&'static str],
    /// The solving method (`repeated`).
    pub method: &'static str,
    /// Every parameter, in registry order.
    pub parameters: fn() -> Vec<Parameter>,
    /// Builds the game at an assignment (call through [`RepeatedModel::instantiate`]).
    pub build: fn(&Assignment) -> Result<RepeatedGame, Error>,
    /// The regimes threshold output names.
    pub regimes: &'static [&'static str],
    /// The automaton drawn in text, for `redline models NAME`.
    pub automaton_text: &'static str,
    /// The closed forms, as multi-line text.
    pub formulas: &'static str,
}

impl RepeatedModel {
    /// The game at the model's defaults with `overrides` applied (checked against ranges and the
    /// model's rule `T > R > P > S`).
    ///
    /// # Errors
    /// An unknown parameter (with the closest name), a value out of range, or payoffs that are not
    /// a prisoner's dilemma.
    ///
    /// # Examples
    /// ```
    /// use redline_models::library;
    /// use redline_models::number::Q;
    /// let m = library::find_repeated("ceasefire").unwrap();
    /// let g = m.instantiate(&[("k".into(), Q::from_int(2))]).unwrap();
    /// assert_eq!(g.states().len(), 3);
    /// ```
    pub fn instantiate(&self, overrides: &[(String, Q)]) -> Result<RepeatedGame, Error> {
        let parameters = (self.parameters)();
        let mut values: Vec<Q> = parameters.iter().map(|p| p.default.clone()).collect();
        crate::tree::assign_values(&parameters, &mut values, overrides)?;
        let a = Assignment { parameters, values };
        let (t, r, p, s) = (a.get("T"), a.get("R"), a.get("P"), a.get("S"));
        if !(t > r && r > p && p > s) {
            return Err(Error::ParameterOutOfRange {
                name: "T, R, P, S".into(),
                value: t.clone(),
                reason: format!(
                    "the stage game needs T > R > P > S, found T = {t}, R = {r}, P = {p}, S = {s}"
                ),
            });
        }
        let mut g = (self.build)(&a)?;
        g.set_parameters(&a.pairs())?;
        Ok(g)
    }
}

/// The repeated models, in registry order.
static REPEATED: [RepeatedModel; 2] = [CEASEFIRE, CEASEFIRE_TFT];

/// Every built-in repeated game, in the registry order of MODELS.md.
#[must_use]
pub fn repeated_models() -> &'static [RepeatedModel] {
    &REPEATED
}

/// The built-in repeated game called `name`, if there is one.
#[must_use]
pub fn find_repeated(name: &str) -> Option<&'static RepeatedModel> {
    REPEATED.iter().find(|m| m.name == name)
}

/// The closest repeated-model name to `name`, for "did you mean" hints.
pub(super) fn closest_repeated(name: &str) -> Option<String> {
    closest(name, REPEATED.iter().map(|m| m.name))
}

const CEASEFIRE: RepeatedModel = RepeatedModel {
    name: "ceasefire",
    summary: "repeated ceasefire: grim trigger (k = 0) or k-period proportional punishment",
    players: &["Side A", "Side B"],
    method: "repeated",
    parameters: ceasefire_parameters,
    build: build_punishment,
    regimes: REGIMES,
    automaton_text: "\
ceasefire (hold, hold): (hold, hold) -> ceasefire; any strike -> punishment 1
punishment j of k (strike, strike): (strike, strike) -> punishment j+1 (ceasefire after k);
                                    anything else -> punishment 1 (restart)
k = 0 (grim trigger): war (strike, strike) forever after any strike
",
    formulas: "\
Normalised payoffs (1 - delta) * sum delta^t u_t; stage game T > R > P > S.
Grim trigger (k = 0):  subgame perfect iff delta >= (T - R)/(T - P)
k-period punishment:   subgame perfect iff T - R <= (R - P)(delta + delta^2 + ... + delta^k)
  k = 1: delta >= (T - R)/(R - P);  k = 2: delta >= root of (R - P)(delta + delta^2) = T - R
Defaults (5, 3, 1, 0): grim 1/2; k = 1 never (needs delta >= 1); k = 2 (sqrt 5 - 1)/2; k = 3 about 0.54369
",
};

const CEASEFIRE_TFT: RepeatedModel = RepeatedModel {
    name: "ceasefire-tft",
    summary: "repeated ceasefire under tit-for-tat: Nash for patient sides, subgame perfect only on a knife edge",
    players: &["Side A", "Side B"],
    method: "repeated",
    parameters: tft_parameters,
    build: build_tft,
    regimes: REGIMES,
    automaton_text: "\
state (x, y): Side A plays x, Side B plays y (c = hold, p = strike back)
(c,c) plays (hold, hold); (p,c) plays (strike, hold); (c,p) plays (hold, strike); (p,p) plays (strike, strike)
after the profile (a, b) the next state is (b, a): each side repeats the other's last action
",
    formulas: "\
Nash iff delta >= max{(T - R)/(R - S), (T - R)/(T - P)}
One-shot conditions: (c,c) delta >= (T - R)/(R - S); (p,c) delta <= (T - R)/(R - S);
                     (c,p) delta >= (P - S)/(T - P); (p,p) delta <= (P - S)/(T - P)
Subgame perfect only when delta = (T - R)/(R - S) = (P - S)/(T - P) (a knife edge)
Defaults (5, 3, 1, 0): Nash for delta >= 2/3, never subgame perfect; (4, 3, 1, 0): SPE only at delta = 1/3
",
};

/// The regimes of the repeated models, by equilibrium status at a discount factor.
pub const REGIMES: &[&str] = &["subgame perfect", "Nash, not subgame perfect", "not an equilibrium"];

fn stage_parameters() -> Vec<Parameter> {
    vec![
        param("T", "5", "temptation: a side's payoff from striking while the other holds", None, None),
        param("R", "3", "reward: each side's payoff while the ceasefire holds", None, None),
        param("P", "1", "punishment: each side's payoff in a period of mutual strikes", None, None),
        param("S", "0", "sucker's payoff: holding while struck", None, None),
        param(DELTA, "9/10", "discount factor, strictly between 0 and 1", Some("0"), Some("1")),
    ]
}

fn ceasefire_parameters() -> Vec<Parameter> {
    let mut ps = stage_parameters();
    ps.push(
        nonneg("k", "0", "punishment length in periods (0 = grim trigger: war forever)")
            .range(Some(q("0")), Some(q("64")))
            .integer(),
    );
    ps
}

fn tft_parameters() -> Vec<Parameter> {
    stage_parameters()
}

fn e(text: &str) -> Expr {
    super::e(text)
}

/// The prisoner's dilemma with actions hold (0) and strike (1), profiles with Side A fastest.
fn stage() -> Vec<[Expr; 2]> {
    vec![[e("R"), e("R")], [e("T"), e("S")], [e("S"), e("T")], [e("P"), e("P")]]
}

fn hold_strike() -> [Vec<String>; 2] {
    let acts = vec!["hold".to_string(), "strike".to_string()];
    [acts.clone(), acts]
}

const BOTH_HOLD: usize = 0;
const BOTH_STRIKE: usize = 3;

fn build_punishment(a: &Assignment) -> Result<RepeatedGame, Error> {
    use num_traits::ToPrimitive as _;
    let k = a.get("k").floor().to_u32().unwrap_or(0);
    let mut states = vec![State { name: "ceasefire".into(), play: [0, 0], next: vec![1; 4] }];
    states[0].next[BOTH_HOLD] = 0;
    let title;
    if k == 0 {
        title = "Repeated ceasefire: grim trigger".to_string();
        states.push(State { name: "war".into(), play: [1, 1], next: vec![1; 4] });
    } else {
        title = format!("Repeated ceasefire: {k}-period punishment");
        for j in 1..=k {
            let mut next = vec![1; 4];
            next[BOTH_STRIKE] = if j == k { 0 } else { j + 1 };
            states.push(State { name: format!("punishment {j} of {k}"), play: [1, 1], next });
        }
    }
    RepeatedGame::new(title, players(), hold_strike(), a.parameters().to_vec(), stage(), states, 0)
}

fn build_tft(a: &Assignment) -> Result<RepeatedGame, Error> {
    // State index = x_A + 2 x_B with x = 0 for c (hold) and 1 for p (strike back), the same
    // numbering as profiles; after the profile (a, b) the next state is (b, a).
    let names = ["(c,c)", "(p,c)", "(c,p)", "(p,p)"];
    let states = (0..4u32)
        .map(|s| State {
            name: names[s as usize].into(),
            play: [s % 2, s / 2],
            next: (0..4u32).map(|k| (k / 2) + 2 * (k % 2)).collect(),
        })
        .collect();
    RepeatedGame::new(
        "Repeated ceasefire: tit-for-tat",
        players(),
        hold_strike(),
        a.parameters().to_vec(),
        stage(),
        states,
        0,
    )
}

fn players() -> [String; 2] {
    ["Side A".into(), "Side B".into()]
}
