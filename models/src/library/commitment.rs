//! `commitment` and `commitment-volatile`: the credible-commitment (off-ramp) game, MODELS.md Game A.
//!
//! A superpower offers an off-ramp (halt strikes, announce a deal of size `x`); the adversary accepts
//! publicly or refuses; the superpower then honours, reneges (strikes) or concedes further. The
//! deterministic version (A-det, A.2–A.5) has perfect information and seven leaves. The volatile
//! version (A-vol, A.6) inserts a chance node after the adversary's reply that draws the superpower's
//! reputation cost: `rho_H` with probability `q`, `rho_L` otherwise; the superpower sees the draw.
//!
//! This module only builds the trees and names regimes; it does not solve them, and it does not
//! compute the closed forms of A.4 (those are written out in [`FORMULAS`] for display and checked by
//! the integration tests).

use super::{
    Assignment, Model, UNKNOWN, decision, declare, e, finish, follow, leaf, no_rules, nonneg, pay, unit,
};
use crate::error::Error;
use crate::tree::{NodeId, NodeKind, Parameter, Tree, TreeBuilder};

/// The `commitment` registry entry (A-det).
pub(super) const MODEL: Model = Model {
    name: "commitment",
    summary: "credible commitment to an off-ramp: threat and assurance both hinge on reputation (Fearon, Schelling)",
    players: &["Superpower", "Adversary"],
    method: "spe",
    parameters,
    validate: no_rules,
    build,
    strategic: None,
    regime,
    notes: super::no_notes,
    regimes: &REGIMES,
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

/// The `commitment-volatile` registry entry (A-vol).
pub(super) const MODEL_VOLATILE: Model = Model {
    name: "commitment-volatile",
    summary: "the off-ramp game with a volatile reputation cost drawn after the adversary replies",
    players: &["Superpower", "Adversary"],
    method: "spe",
    parameters: parameters_volatile,
    validate: no_rules,
    build: build_volatile,
    strategic: None,
    regime: regime_volatile,
    notes: super::no_notes,
    regimes: &REGIMES_VOLATILE,
    tree_text: TREE_TEXT_VOLATILE,
    formulas: FORMULAS_VOLATILE,
};

const REGIMES: [&str; 6] =
    ["deal", "renege", "deal with extra concession", "commitment problem", "appeasement", "war"];

const REGIMES_VOLATILE: [&str; 2] = [
    "REGIME (the same in both reputation states; REGIME as for `commitment`)",
    "high: REGIME / low: REGIME (the superpower acts differently in the two states)",
];

const TREE_TEXT: &str = "\
S|root (Superpower)
├─ offer ─ A|Offer (Adversary)
│  ├─ accept ─ S|Acc (Superpower)
│  │  ├─ honor ─── Acc_Honor    (V - x,              x - r_A)
│  │  ├─ strike ── Acc_Strike   (V - k_S - rho,      -k_A - r_A)
│  │  └─ concede ─ Acc_Concede  (V - x - y,          x + y - r_A)
│  └─ deny ─ S|Den (Superpower)
│     ├─ strike ── Den_Strike   (p*V - k_S - o_S + l, (1-p)*V - k_A - o_A)
│     ├─ wait ──── Den_Wait     (p*V - o_S - rho,    (1-p)*V - o_A)
│     └─ concede ─ Den_Concede  (V - x - y - rho,    x + y)
└─ continue ─ War               (p*V - k_S - o_S,    (1-p)*V - k_A - o_A)
";

const TREE_TEXT_VOLATILE: &str = "\
S|root (Superpower)
├─ offer ─ A|Offer (Adversary)
│  ├─ accept ─ N|Acc (chance)
│  │  ├─ high (q) ──── S|Acc,high: honor / strike / concede   (leaves as `commitment`, rho = rho_H)
│  │  └─ low (1 - q) ─ S|Acc,low:  honor / strike / concede   (rho = rho_L)
│  └─ deny ─ N|Den (chance)
│     ├─ high (q) ──── S|Den,high: strike / wait / concede    (rho = rho_H)
│     └─ low (1 - q) ─ S|Den,low:  strike / wait / concede    (rho = rho_L)
└─ continue ─ War   (p*V - k_S - o_S, (1-p)*V - k_A - o_A)
";

const FORMULAS: &str = "\
Back_S = max(V - x - y, p*V - o_S)            S's best way to back down after a denial (Concede or Wait)
S after accept:  honor iff rho > rho_assure = x - k_S, else strike (concede is dominated when y > 0)
S after deny:    strike iff rho > rho_threat = Back_S - (p*V - k_S - o_S + l), else back down
A:               accept iff u_A(accept) > u_A(deny) given S's replies
S at the root:   offer iff u_S(resulting path) > p*V - k_S - o_S (war)
Deal window:     x_min = r_A + (1-p)*V - k_A - o_A  <=  x  <=  x_max = rho + k_S
Off-ramp exists iff x_min <= x_max, i.e. rho >= r_A + (1-p)*V - k_A - o_A - k_S (Fearon's commitment condition)
Defaults: rho_assure = 3, rho_threat = 1, r_A* = x - (1-p)*V + k_A + o_A = 4, window x in [3, 5]
";

const FORMULAS_VOLATILE: &str = "\
In each state S replies as in `commitment` with rho = rho_H (prob q) or rho_L (prob 1 - q).
With rho_threat <= rho_L < rho_assure <= rho_H (the defaults):
  A accepts iff q > q* = ((1-p)*V - o_A + r_A) / (x + k_A)            (defaults: q* = 7/8)
  on the accept path u_S = q*(V - x) + (1 - q)*(V - k_S - rho_L),  u_A = q*(x - r_A) + (1 - q)*(-k_A - r_A)
The value of reputation to S is the jump at q* (3 -> 49/8 at the defaults).
";

/// The A-det parameters (A.3), in registry order.
fn parameters() -> Vec<Parameter> {
    let mut ps = shared_parameters();
    ps.push(nonneg(
        "rho",
        "4",
        "S's reputation cost of acting against its own announcement (renege or back down); volatile",
    ));
    ps
}

/// The A-vol parameters: as A-det without `rho`, plus `rho_L`, `rho_H` and `q` (A.6).
fn parameters_volatile() -> Vec<Parameter> {
    let mut ps = shared_parameters();
    ps.push(nonneg("rho_L", "2", "S's reputation cost in the low state (drawn with probability 1 - q)"));
    ps.push(nonneg("rho_H", "5", "S's reputation cost in the high state (drawn with probability q)"));
    ps.push(unit(
        "q",
        "9/10",
        "probability of the high reputation state, drawn after A's reply and seen by S only",
    ));
    ps
}

fn shared_parameters() -> Vec<Parameter> {
    vec![
        nonneg("V", "10", "value of the disputed objective"),
        unit("p", "1/2", "S's expected share of V if fighting resumes"),
        nonneg("x", "4", "share of V offered to A in the announced deal"),
        nonneg("y", "2", "extra concession if S concedes further"),
        nonneg("k_S", "1", "S's kinetic cost of a strike campaign"),
        nonneg("k_A", "4", "A's kinetic cost of a strike campaign"),
        nonneg("o_S", "2", "S's opportunity cost of an unresolved or prolonged confrontation"),
        nonneg("o_A", "1", "A's opportunity cost of an unresolved or prolonged confrontation"),
        nonneg("l", "1", "legitimacy gain for S from enforcing after a rejected public offer"),
        nonneg("r_A", "3", "A's reputation (audience) cost of publicly accepting; high and static"),
    ]
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    build_tree(a, false)
}

fn build_volatile(a: &Assignment) -> Result<Tree, Error> {
    build_tree(a, true)
}

/// The leaves under S after accept, for reputation cost `rho` (a parameter name).
fn accept_leaves(b: &mut TreeBuilder, rho: &str, suffix: &str) -> Result<(), Error> {
    leaf(b, &format!("Acc_Honor{suffix}"), pay("V - x", "x - r_A"))?;
    leaf(b, &format!("Acc_Strike{suffix}"), pay(&format!("V - k_S - {rho}"), "-k_A - r_A"))?;
    leaf(b, &format!("Acc_Concede{suffix}"), pay("V - x - y", "x + y - r_A"))?;
    Ok(())
}

/// The leaves under S after deny, for reputation cost `rho` (a parameter name).
fn deny_leaves(b: &mut TreeBuilder, rho: &str, suffix: &str) -> Result<(), Error> {
    leaf(b, &format!("Den_Strike{suffix}"), pay("p*V - k_S - o_S + l", "(1-p)*V - k_A - o_A"))?;
    leaf(b, &format!("Den_Wait{suffix}"), pay(&format!("p*V - o_S - {rho}"), "(1-p)*V - o_A"))?;
    leaf(b, &format!("Den_Concede{suffix}"), pay(&format!("V - x - y - {rho}"), "x + y"))?;
    Ok(())
}

/// Emits S's reply (after `accept` or `deny`), directly (A-det) or behind the reputation draw (A-vol).
fn reply(b: &mut TreeBuilder, accepted: bool, volatile: bool) -> Result<(), Error> {
    let (name, actions): (&str, &[&str]) = if accepted {
        ("Acc", &["honor", "strike", "concede"])
    } else {
        ("Den", &["strike", "wait", "concede"])
    };
    let leaves = if accepted { accept_leaves } else { deny_leaves };
    if !volatile {
        decision(b, 0, &format!("S|{name}"), actions)?;
        return leaves(b, "rho", "");
    }
    let x = b.chance(vec![("high".into(), e("q")), ("low".into(), e("1 - q"))])?;
    b.set_label(x, &format!("N|{name}"));
    for (state, rho) in [("high", "rho_H"), ("low", "rho_L")] {
        decision(b, 0, &format!("S|{name},{state}"), actions)?;
        leaves(b, rho, &format!("_{state}"))?;
    }
    Ok(())
}

fn build_tree(a: &Assignment, volatile: bool) -> Result<Tree, Error> {
    let (title, description) = if volatile {
        (
            "Credible commitment with volatile reputation (A-vol)",
            "A superpower offers an off-ramp (halt strikes and announce a deal of size x) or continues the \
             war; the adversary accepts publicly, paying an audience cost r_A, or refuses. Nature then draws \
             the superpower's reputation cost of acting against its announcement, rho_H with probability q \
             or rho_L otherwise, and the superpower, knowing it, honours, reneges or concedes after an \
             acceptance, and strikes, waits or concedes after a refusal. The adversary accepts only if the \
             assurance is credible with high enough probability (MODELS.md A.6).",
        )
    } else {
        (
            "Credible commitment / off-ramp game (A-det)",
            "A superpower offers an off-ramp (halt strikes and announce a deal of size x) or continues the \
             war; the adversary accepts publicly, paying an audience cost r_A, or refuses. After an \
             acceptance the superpower honours the deal, reneges by striking, or concedes further; after a \
             refusal it enforces by striking, waits, or sweetens the deal. Both the threat and the \
             assurance are credible only if the reputation cost rho of acting against the announcement is \
             high enough: the deal fails when rho < x - k_S, Fearon's commitment problem (MODELS.md A.2-A.5).",
        )
    };
    let mut b = TreeBuilder::new(title, vec!["Superpower".into(), "Adversary".into()]);
    b.set_description(description);
    declare(&mut b, a, &[])?;
    decision(&mut b, 0, "S|root", &["offer", "continue"])?;
    decision(&mut b, 1, "A|Offer", &["accept", "deny"])?;
    reply(&mut b, true, volatile)?;
    reply(&mut b, false, volatile)?;
    leaf(&mut b, "War", pay("p*V - k_S - o_S", "(1-p)*V - k_A - o_A"))?;
    finish(b, a)
}

/// The regime after S's reply at decision node `x` (S|Acc or S|Den, in either version).
fn reply_regime(tree: &Tree, choices: &[u32], x: NodeId, accepted: bool) -> Option<&'static str> {
    let (k, _) = follow(tree, choices, x)?;
    Some(match (accepted, k) {
        (true, 0) => "deal",
        (true, 1) => "renege",
        (true, _) => "deal with extra concession",
        (false, 0) => "commitment problem",
        (false, _) => "appeasement",
    })
}

/// Follows root and A's reply; returns the node after A's reply and whether A accepted, or the
/// regime when the game ends at the root.
fn opening(tree: &Tree, choices: &[u32]) -> Result<(NodeId, bool), Option<&'static str>> {
    let (k, x) = follow(tree, choices, 0).ok_or(None)?;
    if k == 1 {
        return Err(Some("war"));
    }
    let (k, y) = follow(tree, choices, x).ok_or(None)?;
    Ok((y, k == 0))
}

fn regime(tree: &Tree, choices: &[u32]) -> String {
    let named = match opening(tree, choices) {
        Err(r) => r,
        Ok((y, accepted)) => reply_regime(tree, choices, y, accepted),
    };
    named.unwrap_or(UNKNOWN).to_string()
}

fn regime_volatile(tree: &Tree, choices: &[u32]) -> String {
    let (y, accepted) = match opening(tree, choices) {
        Err(r) => return r.unwrap_or(UNKNOWN).to_string(),
        Ok(v) => v,
    };
    if tree.kind(y) != NodeKind::Chance || tree.n_children(y) != 2 {
        return UNKNOWN.into();
    }
    let high = reply_regime(tree, choices, tree.child(y, 0), accepted);
    let low = reply_regime(tree, choices, tree.child(y, 1), accepted);
    match (high, low) {
        (Some(h), Some(l)) if h == l => h.to_string(),
        (Some(h), Some(l)) => format!("high: {h} / low: {l}"),
        _ => UNKNOWN.into(),
    }
}
