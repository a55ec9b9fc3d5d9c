//! `escalation`: Kahn's escalation ladder with complete information, MODELS.md Game E, E.2.
//!
//! The adversary keeps the status quo or starts a crisis. At rung `k = 1..n` the mover (the
//! superpower on odd rungs, the adversary on even rungs) yields or escalates; escalating from rung `k`
//! costs both sides `c_{k+1}`, and escalating at the top rung `n` is all-out war. The registry's
//! ladder has `n = 4` rungs; the structural parameter `n` (1 to 8) shortens or lengthens it, with
//! costs `c5`..`c8` used only when `n` reaches them.
//!
//! This module does not model the "threat that leaves something to chance" variant (a chosen risk of
//! war) mentioned under E.1.

use super::{Assignment, Model, UNKNOWN, decision, declare, finish, follow, leaf, nonneg, param, pay};
use crate::error::Error;
use crate::tree::{NodeKind, Parameter, Tree, TreeBuilder};

/// The most rungs the ladder can have (one cost parameter `c1`..`c8` per rung).
pub(super) const MAX_RUNGS: u32 = 8;

/// The `escalation` registry entry.
pub(super) const MODEL: Model = Model {
    name: "escalation",
    summary: "escalation ladder: who owns the next-to-top rung deters (Kahn's escalation dominance)",
    players: &["Superpower", "Adversary"],
    method: "spe",
    parameters,
    validate: super::no_rules,
    build,
    strategic: None,
    regime,
    notes: super::no_notes,
    regimes: &["status quo (deterred)", "S yields at rung k", "A yields at rung k", "all-out war"],
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

const TREE_TEXT: &str = "\
A|root (Adversary)                          C_k = c1 + ... + c_k
├─ status-quo ─ SQ                          (0, 0)
└─ start (both pay c1) ─ S|rung 1 (Superpower)
   ├─ yield ──── Yield_1                    (-C_1, V_A - C_1)
   └─ escalate (both pay c2) ─ A|rung 2 (Adversary)
      ├─ yield ──── Yield_2                 (V_S - C_2, -C_2)
      └─ escalate ─ S|rung 3 ... (movers alternate: S on odd rungs, A on even rungs)
         ... rung n: yield ─ Yield_n, escalate ─ War (-W - C_n, -W - C_n)
Payoffs are (Superpower, Adversary); the yielder gets -C_k and its opponent V_opponent - C_k.
";

const FORMULAS: &str = "\
E_k = \"the mover at rung k escalates\":  E_n = false,  E_k = (not E_{k+1}) and V_mover(k) > c_{k+1}
The first rung k with E_k false is where its mover yields (it is rung 1 or rung 2).
A starts iff that mover is S and V_A > C_1 = c1; then (u_S, u_A) = (-c1, V_A - c1), otherwise (0, 0).
At most one rung is climbed: whoever can profitably take the next step owns the ladder.
Thresholds: V_mover(k) = c_{k+1} (the mover at rung k is indifferent), V_A = c1 (A indifferent to starting).
";

fn parameters() -> Vec<Parameter> {
    vec![
        nonneg("c1", "1", "cost to both sides of starting (rung 1)"),
        nonneg("c2", "3", "cost to both sides of escalating to rung 2"),
        nonneg("c3", "2", "cost to both sides of escalating to rung 3"),
        nonneg("c4", "6", "cost to both sides of escalating to rung 4"),
        nonneg("V_S", "5", "value of prevailing for the superpower"),
        nonneg("V_A", "4", "value of prevailing for the adversary"),
        nonneg("W", "20", "cost to each side of all-out war (escalating at the top rung)"),
        param("n", "4", "number of rungs (structural)", Some("1"), Some("8")).integer(),
        nonneg("c5", "2", "cost of escalating to rung 5 (used when n >= 5)"),
        nonneg("c6", "6", "cost of escalating to rung 6 (used when n >= 6)"),
        nonneg("c7", "2", "cost of escalating to rung 7 (used when n >= 7)"),
        nonneg("c8", "6", "cost of escalating to rung 8 (used when n = 8)"),
    ]
}

/// `c1 + ... + ck` as a list of terms to subtract: ` - c1 - c2`.
fn minus_costs(k: u32) -> String {
    (1..=k).map(|i| format!(" - c{i}")).collect()
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    let n = a.small_integer("n").filter(|n| (1..=MAX_RUNGS).contains(n)).ok_or_else(|| {
        Error::ParameterOutOfRange {
            name: "n".into(),
            value: a.get("n").clone(),
            reason: format!("it must be an integer from 1 to {MAX_RUNGS}"),
        }
    })?;
    let mut b = TreeBuilder::new("Escalation ladder (E2)", vec!["Superpower".into(), "Adversary".into()]);
    b.set_description(format!(
        "The adversary keeps the status quo or starts a crisis, which costs both sides c1. On a ladder of \
         {n} rungs the superpower (odd rungs) and the adversary (even rungs) alternately yield, giving the \
         opponent its value V at the costs sunk so far, or escalate, at a further cost to both; escalating \
         at the top rung is all-out war at cost W. By backward induction at most one rung is climbed: \
         whoever can profitably take the next step owns the ladder, and the adversary starts only if the \
         superpower is the one that yields (MODELS.md E.2)."
    ));
    declare(&mut b, a, &["n"])?;
    decision(&mut b, 1, "A|root", &["status-quo", "start"])?;
    leaf(&mut b, "SQ", pay("0", "0"))?;
    for k in 1..=n {
        let costs = minus_costs(k);
        // The yielder's payoff `-c1 - ... - ck`, written without a leading space.
        let sunk = costs.trim_start().replacen("- ", "-", 1);
        let s_moves = k % 2 == 1;
        decision(
            &mut b,
            usize::from(!s_moves),
            &format!("{}|rung {k}", if s_moves { "S" } else { "A" }),
            &["yield", "escalate"],
        )?;
        let (u_s, u_a) = if s_moves { (sunk, format!("V_A{costs}")) } else { (format!("V_S{costs}"), sunk) };
        leaf(&mut b, &format!("Yield_{k}"), pay(&u_s, &u_a))?;
    }
    let war = format!("-W{}", minus_costs(n));
    leaf(&mut b, "War", pay(&war, &war))?;
    finish(b, a)
}

fn regime(tree: &Tree, choices: &[u32]) -> String {
    let Some((k, mut x)) = follow(tree, choices, 0) else { return UNKNOWN.into() };
    if k == 0 {
        return "status quo (deterred)".into();
    }
    let mut rung = 1;
    while tree.kind(x) == NodeKind::Decision {
        let Some((k, next)) = follow(tree, choices, x) else { return UNKNOWN.into() };
        if k == 0 {
            let who = if tree.player_of(x) == 0 { "S" } else { "A" };
            return format!("{who} yields at rung {rung}");
        }
        rung += 1;
        x = next;
    }
    "all-out war".into()
}
