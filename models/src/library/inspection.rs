//! `inspection` and `inspection-zero-sum`: the probe–inspection game, MODELS.md Game F.
//!
//! The challenger probes or not; at the same time the defender is on alert (ready to retaliate) or
//! relaxed. There is no pure equilibrium: deterrence here is a probability. The models are
//! strategic-form games ([`Model::strategic`]); their tree (`build`) is the same game with the
//! defender's two nodes in one information set, for drawing and for `.efg` export.
//!
//! This module does not compute the Stackelberg commitment (the defender committing to an alert
//! probability); its formula is in the model's text.

use super::{Assignment, Model, declare, finish, no_notes, no_rules, nonneg, pay};
use crate::error::Error;
use crate::expr::Expr;
use crate::strategic::StrategicGame;
use crate::tree::{Parameter, Tree, TreeBuilder};

/// The general-sum `inspection` registry entry.
pub(super) const MODEL: Model = Model {
    name: "inspection",
    summary: "probe or not against a defender on alert or not: deterrence as a probability (inspection game)",
    players: &["Challenger", "Defender"],
    method: "enum",
    parameters,
    validate: no_rules,
    build,
    strategic: Some(strategic),
    regime,
    notes: no_notes,
    regimes: &["mixed: the challenger probes with probability x*, the defender is on alert with y*"],
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

/// The `inspection-zero-sum` registry entry.
pub(super) const MODEL_ZERO_SUM: Model = Model {
    name: "inspection-zero-sum",
    summary: "the inspection game as a zero-sum contest: the value of probing (LP test case)",
    players: &["Challenger", "Defender"],
    method: "lp",
    parameters: parameters_zero_sum,
    validate: no_rules,
    build: build_zero_sum,
    strategic: Some(strategic_zero_sum),
    regime,
    notes: no_notes,
    regimes: &["mixed: the challenger probes with probability v/(c + g + v)"],
    tree_text: TREE_TEXT,
    formulas: FORMULAS_ZERO_SUM,
};

const TREE_TEXT: &str = "\
Simultaneous moves (rows: Challenger, columns: Defender):
              alert        relax
  probe     (-c, -e)     (g, -h)
  not       (0, -v)      (0, 0)
The zero-sum version pays the challenger -c, g, v, 0 and the defender the negative.
";

const FORMULAS: &str = "\
Unique equilibrium (mixed): P(probe) = x* = v/(h - e + v), P(alert) = y* = g/(g + c).
Payoffs: challenger 0, defender -h*x*.   Defaults: x* = 1/5, y* = 2/5, payoffs (0, -1).
Commitment: a defender who can commit to an alert probability y deters the challenger iff
  y >= g/(g + c), and then gets -v*g/(g + c) (= -2/5 at the defaults), better than -1 in Nash.
";

const FORMULAS_ZERO_SUM: &str = "\
Challenger's payoff matrix [[-c, g], [v, 0]] (rows probe, not; columns alert, relax).
x* = v/(c + g + v), y* = g/(c + g + v), value = g*v/(c + g + v).   Defaults: 1/6, 1/3, 1/3.
For g <= 0 the equilibrium is pure (not, relax) with value 0.
";

fn parameters() -> Vec<Parameter> {
    vec![
        nonneg("g", "2", "challenger's gain from an unanswered probe"),
        nonneg("c", "3", "challenger's cost when a probe meets an alert defender"),
        nonneg("h", "5", "defender's loss from an unanswered probe"),
        nonneg("e", "1", "defender's cost of answering a probe while on alert"),
        nonneg("v", "1", "defender's cost of staying on alert when nothing happens"),
    ]
}

fn parameters_zero_sum() -> Vec<Parameter> {
    vec![
        nonneg("g", "2", "challenger's gain from an unanswered probe"),
        nonneg("c", "3", "challenger's loss when a probe meets an alert defender"),
        nonneg("v", "1", "challenger's gain when the defender is on alert for nothing"),
    ]
}

/// Payoff expressions per profile (probe/not × alert/relax) for each version.
fn payoffs(zero_sum: bool) -> [[Vec<Expr>; 2]; 2] {
    if zero_sum {
        [[pay("-c", "c"), pay("g", "-g")], [pay("v", "-v"), pay("0", "0")]]
    } else {
        [[pay("-c", "-e"), pay("g", "-h")], [pay("0", "-v"), pay("0", "0")]]
    }
}

fn game(a: &Assignment, zero_sum: bool) -> Result<StrategicGame, Error> {
    let title = if zero_sum { "Probe-inspection game, zero-sum (F)" } else { "Probe-inspection game (F)" };
    let mut g = StrategicGame::new(
        title,
        vec!["Challenger".into(), "Defender".into()],
        vec![vec!["probe".into(), "not".into()], vec!["alert".into(), "relax".into()]],
    )?;
    for p in a.parameters() {
        g.add_parameter(p.clone())?;
    }
    g.set_parameters(&a.pairs())?;
    for (i, row) in payoffs(zero_sum).into_iter().enumerate() {
        for (j, cell) in row.into_iter().enumerate() {
            g.set_payoff_exprs(&[i, j], cell)?;
        }
    }
    Ok(g)
}

fn strategic(a: &Assignment) -> Result<StrategicGame, Error> {
    game(a, false)
}

fn strategic_zero_sum(a: &Assignment) -> Result<StrategicGame, Error> {
    game(a, true)
}

fn tree(a: &Assignment, zero_sum: bool) -> Result<Tree, Error> {
    let title = if zero_sum { "Probe-inspection game, zero-sum (F)" } else { "Probe-inspection game (F)" };
    let mut b = TreeBuilder::new(title, vec!["Challenger".into(), "Defender".into()]);
    declare(&mut b, a, &[])?;
    let ch = b.actions(&["probe", "not"])?;
    let de = b.actions(&["alert", "relax"])?;
    b.set_description(
        "Simultaneous moves: the challenger probes or not while the defender is on alert or relaxed; \
         the defender's two nodes form one information set (it does not see the probe before choosing).",
    );
    let root = b.decision_new(0, ch)?;
    b.set_label(root, "C|root");
    let h = b.infoset(1, "D", de)?;
    for (row, first) in payoffs(zero_sum).into_iter().zip(["probe", "not"]) {
        let x = b.decision(h)?;
        b.set_label(x, &format!("D|{first}"));
        for (cell, second) in row.into_iter().zip(["alert", "relax"]) {
            let leaf = b.terminal(cell)?;
            b.set_label(leaf, &format!("{first}/{second}"));
        }
    }
    finish(b, a)
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    tree(a, false)
}

fn build_zero_sum(a: &Assignment) -> Result<Tree, Error> {
    tree(a, true)
}

/// Pure profiles of the tree form are never equilibria here; name what the profile does.
fn regime(_tree: &Tree, choices: &[u32]) -> String {
    match choices.first() {
        Some(0) => "probe".into(),
        _ => "no probe".into(),
    }
}
