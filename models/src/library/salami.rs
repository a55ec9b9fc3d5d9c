//! `salami`: salami slicing past a red line under complete information, MODELS.md Game B, version B0
//! (B.1).
//!
//! The defender holds an objective worth 1. For `j = 1..n` the challenger takes another slice of size
//! `s` or stops; after each slice the defender accepts (play continues) or goes to war. The slice count
//! `n` is structural: the tree has one challenger and one defender node per slice. `n*s <= 1` is
//! required, so every one of the `n` slices fits inside the objective.
//!
//! This module does not build the incomplete-information versions B1 and B2 (`salami-probes`,
//! `salami-reputation`): `reputation.rs` does.

use super::{Assignment, Model, UNKNOWN, decision, declare, finish, follow, leaf, nonneg, param, pay, unit};
use crate::error::Error;
use crate::number::Q;
use crate::tree::{NodeKind, Parameter, Tree, TreeBuilder};

/// The largest slice count: the tree has `4n + 1` nodes, so this keeps it near 40,000.
pub(super) const MAX_SLICES: u32 = 10_000;

/// The `salami` registry entry.
pub(super) const MODEL: Model = Model {
    name: "salami",
    summary: "salami slicing past a red line: complete information, divisible objective (Schelling, Fearon)",
    players: &["Defender", "Challenger"],
    method: "spe",
    parameters,
    validate,
    build,
    strategic: None,
    regime,
    notes,
    regimes: &["peace after m slice(s)", "war at slice m"],
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

const TREE_TEXT: &str = "\
C|1 (Challenger)                       X = slices taken so far * s
├─ slice ─ D|1 (Defender)
│  ├─ accept ─ C|2 (Challenger)
│  │  ├─ slice ─ D|2 ... up to C|n, D|n
│  │  │          └─ accept after the n-th slice ─ End_n   (1 - n*s, n*s)
│  │  └─ stop ── Stop_1                                   (1 - s, s)
│  └─ war ──── War_1                                      (1 - p - c_D, p - c_C)
└─ stop ── Stop_0                                         (1, 0)
Payoffs are (Defender, Challenger); War_j has the same payoffs at every slice j.
";

const FORMULAS: &str = "\
Red line:  L* = p + c_D           (the largest cumulative loss D tolerates; a declared red line below L* is cheap talk)
m_max = min(n, floor(1/s)) = n    (n*s <= 1)
m* = min(m_max, floor(L*/s))      (slices D accepts)
War:   if m* < m_max and p - c_C > m*s, C takes slice m*+1 and D fights: (u_D, u_C) = (1 - p - c_D, p - c_C)
Peace: otherwise C takes m* slices and stops: (u_D, u_C) = (1 - m*s, m*s)
Thresholds: j*s = L* (D indifferent at every slice up to j), j*s = p - c_C (C indifferent at slice j+1)
As s -> 0 the challenger extracts exactly L*: under complete information slicing buys nothing.
";

fn parameters() -> Vec<Parameter> {
    vec![
        param("n", "4", "number of slices the challenger may take (structural)", Some("1"), Some("10000"))
            .integer(),
        unit("s", "1/4", "slice size, as a share of the objective (n*s <= 1)"),
        unit("p", "1/2", "C's share of the objective in a war"),
        nonneg("c_C", "1/10", "C's cost of war"),
        nonneg("c_D", "1/5", "D's cost of war"),
    ]
}

fn validate(a: &Assignment) -> Result<(), Error> {
    let (n, s) = (a.get("n"), a.get("s"));
    if !s.is_positive() {
        return Err(Error::ParameterOutOfRange {
            name: "s".into(),
            value: s.clone(),
            reason: "the slice size must be positive".into(),
        });
    }
    if n * s > Q::one() {
        let max = Q::one().checked_div(n).unwrap_or_else(Q::one);
        return Err(Error::ParameterOutOfRange {
            name: "s".into(),
            value: s.clone(),
            reason: format!("n*s must be at most 1 (here n = {n}, so s must be at most {max})"),
        });
    }
    Ok(())
}

/// `k*s` as an expression, `0` and `s` written plainly.
fn taken(k: u32) -> String {
    match k {
        0 => "0".into(),
        1 => "s".into(),
        _ => format!("{k}*s"),
    }
}

/// The defender's payoff after `k` slices.
fn kept(k: u32) -> String {
    match k {
        0 => "1".into(),
        1 => "1 - s".into(),
        _ => format!("1 - {k}*s"),
    }
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    let n = a.small_integer("n").filter(|n| (1..=MAX_SLICES).contains(n)).ok_or_else(|| {
        Error::ParameterOutOfRange {
            name: "n".into(),
            value: a.get("n").clone(),
            reason: format!("it must be an integer from 1 to {MAX_SLICES}"),
        }
    })?;
    validate(a)?;
    let mut b = TreeBuilder::new("Salami slicing (B0)", vec!["Defender".into(), "Challenger".into()]);
    b.set_description(format!(
        "The defender holds an objective worth 1. For up to {n} rounds the challenger takes another slice \
         of size s or stops; after each slice the defender accepts or goes to war, which gives the \
         challenger a share p at costs c_C and c_D. Under complete information the defender's true red \
         line is L* = p + c_D: it accepts every slice that leaves its cumulative loss below L*, so the \
         challenger takes just that much, or crosses once into war when slices are too coarse \
         (MODELS.md B.1)."
    ));
    // Cap the slice size at 1/n on the tree, so re-evaluating it with `set_parameters` cannot break
    // n*s <= 1 (the tree has exactly n slice stages). The documented default 1/4 stays the tree's
    // default when it fits this n; otherwise the tree's default is the value it is built with.
    let mut pinned = a.clone();
    let s_value = a.get("s").clone();
    for p in pinned.parameters.iter_mut().filter(|p| p.name == "s") {
        p.max = Q::from_int(i64::from(n)).recip();
        if p.max.as_ref().is_some_and(|max| &p.default > max) {
            p.default = s_value.clone();
        }
    }
    declare(&mut b, &pinned, &["n"])?;
    // Depth-first pre-order without recursion: the chain of challenger and defender nodes first (each
    // `accept` leads to the next slice), then the leaf after the last accepted slice, then, unwinding,
    // each defender's `war` leaf and each challenger's `stop` leaf.
    for j in 1..=n {
        decision(&mut b, 1, &format!("C|{j}"), &["slice", "stop"])?;
        decision(&mut b, 0, &format!("D|{j}"), &["accept", "war"])?;
    }
    leaf(&mut b, &format!("End_{n}"), pay(&kept(n), &taken(n)))?;
    for j in (1..=n).rev() {
        leaf(&mut b, &format!("War_{j}"), pay("1 - p - c_D", "p - c_C"))?;
        leaf(&mut b, &format!("Stop_{}", j - 1), pay(&kept(j - 1), &taken(j - 1)))?;
    }
    finish(b, a)
}

fn slices(m: u32) -> String {
    if m == 1 { "peace after 1 slice".into() } else { format!("peace after {m} slices") }
}

fn regime(tree: &Tree, choices: &[u32]) -> String {
    let mut x = 0;
    let mut m = 0;
    loop {
        if tree.kind(x) == NodeKind::Terminal {
            return slices(m);
        }
        let Some((k, d)) = follow(tree, choices, x) else { return UNKNOWN.into() };
        if k == 1 {
            return slices(m);
        }
        let Some((k, next)) = follow(tree, choices, d) else { return UNKNOWN.into() };
        m += 1;
        if k == 1 {
            return format!("war at slice {m}");
        }
        x = next;
    }
}

/// The red line: the largest cumulative loss the defender tolerates before fighting.
fn notes(tree: &Tree) -> Vec<String> {
    let p = super::value_of(tree, "p");
    let c_d = super::value_of(tree, "c_D");
    let line = &p + &c_d;
    vec![format!(
        "red line: L* = p + c_D = {line} (the defender fights rather than lose more; a declared line below L* is cheap talk)"
    )]
}
