//! `credibility`: the Zagare–Kilgour credibility threshold, MODELS.md Game E, E.1.
//!
//! Nature draws the defender's type: hard (retaliating is better for it than conceding) with
//! probability `p_D`, the threat's *credibility*, or soft. The challenger does not see the type: its
//! two decision nodes form one information set. It keeps the status quo or initiates; the defender,
//! knowing its type, then concedes or retaliates. This is the smallest game that needs subgame
//! decomposition: the defender's nodes are singleton subgames, after which the challenger faces a
//! one-player decision with chance beliefs.
//!
//! This module does not build Schelling's "threat that leaves something to chance" variant (a chosen
//! risk level instead of certain retaliation).

use super::{Assignment, Model, UNKNOWN, chosen, declare, e, finish, leaf, no_rules, param, pay, unit};
use crate::error::Error;
use crate::tree::{NodeKind, Parameter, Tree, TreeBuilder};

/// The `credibility` registry entry.
pub(super) const MODEL: Model = Model {
    name: "credibility",
    summary: "a threat's credibility under uncertainty about the defender's type (Zagare and Kilgour)",
    players: &["Challenger", "Defender"],
    method: "spe",
    parameters,
    validate: no_rules,
    build,
    strategic: None,
    regime,
    notes,
    regimes: &["deterred", "challenge"],
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

const TREE_TEXT: &str = "\
N (chance): the defender's type
├─ hard (p_D) ─ Ch|hard (Challenger) ┐ one information set `Ch`:
│  ├─ status-quo ─ hard/SQ                (s_Ch, s_Def)
│  └─ initiate ─── Def|hard (Defender)
│     ├─ concede ──── hard/Concede        (w_Ch, l_Def)
│     └─ retaliate ── hard/Retaliate      (c_Ch, c_DefH)
└─ soft (1 - p_D) ─ Ch|soft (Challenger) ┘ the challenger does not see the type
   ├─ status-quo ─ soft/SQ                (s_Ch, s_Def)
   └─ initiate ─── Def|soft (Defender)
      ├─ concede ──── soft/Concede        (w_Ch, l_Def)
      └─ retaliate ── soft/Retaliate      (c_Ch, c_DefS)
Payoffs are (Challenger, Defender).
";

const FORMULAS: &str = "\
Hard type (c_DefH > l_Def) retaliates; soft type (c_DefS < l_Def) concedes.
Challenger initiates iff p_D*c_Ch + (1 - p_D)*w_Ch > s_Ch, i.e. (when w_Ch > c_Ch)
  p_D < c* = (w_Ch - s_Ch)/(w_Ch - c_Ch)
Deterrence holds iff p_D >= c* (Zagare and Kilgour 2000, ch. 5: unilateral deterrence).
Defaults: c* = 1/3; p_D = 1/4 < 1/3, so the challenger initiates.
";

fn parameters() -> Vec<Parameter> {
    vec![
        unit("p_D", "1/4", "probability that the defender is the hard type (the threat's credibility)"),
        param("s_Ch", "0", "challenger's payoff from the status quo", None, None),
        param("w_Ch", "2", "challenger's payoff when the defender concedes (a win)", None, None),
        param("c_Ch", "-4", "challenger's payoff when the defender retaliates (conflict)", None, None),
        param("s_Def", "1", "defender's payoff from the status quo", None, None),
        param("l_Def", "-1", "defender's payoff from conceding (a loss)", None, None),
        param("c_DefH", "0", "hard defender's payoff from retaliating (above l_Def)", None, None),
        param("c_DefS", "-3", "soft defender's payoff from retaliating (below l_Def)", None, None),
    ]
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    let mut b = TreeBuilder::new("Credibility threshold (E1)", vec!["Challenger".into(), "Defender".into()]);
    b.set_description(
        "Nature makes the defender hard, preferring retaliation to concession, with probability p_D, or \
         soft. The challenger, not knowing which, keeps the status quo or initiates; the defender, knowing \
         its type, concedes or retaliates. The hard type retaliates and the soft type concedes, so the \
         challenger is deterred exactly when the threat's credibility p_D reaches \
         c* = (w_Ch - s_Ch)/(w_Ch - c_Ch) (Zagare and Kilgour 2000; MODELS.md E.1).",
    );
    declare(&mut b, a, &[])?;
    let ch_actions = b.actions(&["status-quo", "initiate"])?;
    let def_actions = b.actions(&["concede", "retaliate"])?;
    let ch = b.infoset(0, "Ch", ch_actions)?;
    let root = b.chance(vec![("hard".into(), e("p_D")), ("soft".into(), e("1 - p_D"))])?;
    b.set_label(root, "N");
    for (state, retaliate) in [("hard", "c_DefH"), ("soft", "c_DefS")] {
        let x = b.decision(ch)?;
        b.set_label(x, &format!("Ch|{state}"));
        leaf(&mut b, &format!("{state}/SQ"), pay("s_Ch", "s_Def"))?;
        let h = b.infoset(1, &format!("Def|{state}"), def_actions)?;
        let y = b.decision(h)?;
        b.set_label(y, &format!("Def|{state}"));
        leaf(&mut b, &format!("{state}/Concede"), pay("w_Ch", "l_Def"))?;
        leaf(&mut b, &format!("{state}/Retaliate"), pay("c_Ch", retaliate))?;
    }
    finish(b, a)
}

fn regime(tree: &Tree, choices: &[u32]) -> String {
    if tree.len() < 2 || tree.kind(0) != NodeKind::Chance {
        return UNKNOWN.into();
    }
    match chosen(tree, choices, tree.child(0, 0)) {
        Some(0) => "deterred".into(),
        Some(_) => "challenge".into(),
        None => UNKNOWN.into(),
    }
}

/// The credibility threshold c* = (w_Ch - s_Ch) / (w_Ch - c_Ch) that deters the challenger.
fn notes(tree: &Tree) -> Vec<String> {
    let s = super::value_of(tree, "s_Ch");
    let w = super::value_of(tree, "w_Ch");
    let c = super::value_of(tree, "c_Ch");
    match (&w - &s).checked_div(&(&w - &c)) {
        Some(star) => vec![format!(
            "deterrence holds iff p_D >= c* = (w_Ch - s_Ch)/(w_Ch - c_Ch) = {star} (here p_D = {})",
            super::value_of(tree, "p_D")
        )],
        None => Vec::new(),
    }
}
