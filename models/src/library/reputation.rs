//! `salami-reputation` and `salami-probes`: salami slicing as a probe of resolve, MODELS.md Game B,
//! versions B2 (B.3) and B1 (B.2): the Kreps–Wilson reputation game.
//!
//! Nature makes the defender resolute (it always retaliates) with probability `pi`, or normal. For
//! `n` slices the challenger, who never sees the type, holds or probes; after a probe the resolute
//! defender retaliates automatically (there is no decision node), while the normal defender chooses
//! to retaliate or accept. Everyone sees the public history of holds, retaliations and acceptances,
//! so each challenger information set pairs the resolute and the normal node with the same history
//! (after an acceptance only the normal node exists). Stage payoffs are summed, in the Kreps–Wilson
//! normalisation: Defender `a` per hold, 0 per accepted probe, −1 per retaliation; challenger 0, `b`,
//! `b − 1`. The resolute type receives the normal type's stage payoffs, so player 0's payoff is the
//! defender's ex-ante payoff.
//!
//! `salami-reputation` (B2) has one long-lived Challenger (index 1) who sums its stage payoffs.
//! `salami-probes` (B1) has a short-lived Challenger j (index j) for each slice j = 1 … n, which moves
//! at stage k = n − j + 1 (k counts the slices remaining) and gets its own stage payoff; stage k may
//! have its own gain ratio `b_k` (erosion).
//!
//! Node labels: `C{j}|{type}|{history}` for the challenger of slice j, `D{j}|normal|{history}` for
//! the normal defender after a probe at slice j, and `{type}/{history}` for leaves, where the
//! history is the public record of the earlier slices (`H` hold, `R` retaliated, `A` accepted;
//! `start` when empty). Information sets drop the type: `C{j}|{history}`, `D{j}|{history}`.
//!
//! This module builds the games only; the sequential equilibrium is `--method sequential`'s job
//! (MODELS.md's closed form is written out as a test oracle in `redline_tests::kw`).

use std::collections::HashMap;

use super::{Assignment, Model, UNKNOWN, declare, e, finish, leaf, nonneg, param, unit};
use crate::error::Error;
use crate::expr::Expr;
use crate::number::Q;
use crate::tree::{InfosetId, NodeKind, Parameter, Tree, TreeBuilder};

/// The largest slice count: the tree has 2^(n+1) + 2·3^n − 1 nodes (120,145 at n = 10).
pub const MAX_SLICES: u32 = 10;

/// The `salami-reputation` registry entry (B2).
pub(super) const MODEL_REPUTATION: Model = Model {
    name: "salami-reputation",
    summary: "salami slicing as a probe of resolve: one long-lived challenger learns whether the defender is resolute (Kreps and Wilson)",
    players: &["Defender", "Challenger"],
    method: "sequential",
    parameters: parameters_reputation,
    validate: validate_reputation,
    build: build_reputation,
    strategic: None,
    regime,
    notes: notes_reputation,
    regimes: REGIMES,
    tree_text: TREE_TEXT,
    formulas: FORMULAS_REPUTATION,
};

/// The `salami-probes` registry entry (B1).
pub(super) const MODEL_PROBES: Model = Model {
    name: "salami-probes",
    summary: "salami slicing by short-lived challengers, one per slice (n + 1 players; n = 3 by default), probing the defender's resolve (Kreps and Wilson)",
    players: &["Defender", "Challenger 1", "Challenger 2", "Challenger 3"],
    method: "sequential",
    parameters: parameters_probes,
    validate: validate_probes,
    build: build_probes,
    strategic: None,
    regime,
    notes: notes_probes,
    regimes: REGIMES,
    tree_text: TREE_TEXT,
    formulas: FORMULAS_PROBES,
};

const REGIMES: &[&str] = &[
    "every slice deterred",
    "first probe at slice j (normal defender retaliates)",
    "first probe at slice j (normal defender accepts)",
];

const TREE_TEXT: &str = "\
N (chance): the defender's type, never observed by the challenger
├─ resolute (pi) ─ C1|resolute|start (Challenger) ┐ one information set C1|start
│  ├─ hold ── C2|resolute|H ...                   │
│  └─ probe ─ C2|resolute|R ...                   │ (the resolute defender retaliates by itself)
└─ normal (1 - pi) ─ C1|normal|start (Challenger) ┘
   ├─ hold ── C2|normal|H ...                     pairs with C2|resolute|H (set C2|H)
   └─ probe ─ D1|normal|start (Defender)
      ├─ retaliate ── C2|normal|R ...             pairs with C2|resolute|R (set C2|R)
      └─ accept ───── C2|normal|A ...             alone: acceptance reveals the normal type
After slice n: leaves resolute/HR..., normal/HRA... (the public history of the n slices).
Stage payoffs, summed over the slices:      Defender   Challenger (of that slice)
  hold                                        a          0
  probe, accepted                             0          b
  probe, retaliated                          -1          b - 1
The resolute defender receives the normal type's stage payoffs (so the Defender's payoff is its ex-ante value).
";

/// The closed form both models share, as a literal for `concat!`.
macro_rules! formulas_common {
    () => {
        "\
Kreps-Wilson sequential equilibrium of B1 (short-lived challengers; MODELS.md B.2), for a > 1, 0 < b < 1.
Stage k = slices remaining (slice j is stage k = n - j + 1); thresholds t_k = b_1*...*b_k (= b^k), t_0 = 1.
p_k = public belief that the defender is resolute at stage k; p_n = pi.
  Challenger:        probe if p_k < t_k, hold if p_k > t_k; at p_k = t_k hold with probability 1/a
  Normal defender:   accept at k = 1; for k >= 2 retaliate if p_k >= t_(k-1), otherwise with probability
                     beta_k = p_k (1 - t_(k-1)) / ((1 - p_k) t_(k-1))
  Beliefs:           hold keeps p_k; retaliation gives max(p_k, t_(k-1)); acceptance reveals the normal type (0)
  P(retaliation | probe at k) = p_k + (1 - p_k) beta_k;  a probe pays b_k - P(retaliation)
Deterrence: the slice at stage k is deterred iff p_k >= t_k. The belief stays at pi until the first probe,
  so the first probe comes at the first stage with pi < t_k (pi = t_k: a mixed hold); every slice is
  deterred iff pi >= t_1 = b_1. How many slices a prior protects does not depend on n.
Normal defender's value: W = a*m (+1 if pi = t_k exactly at the first stage not deterred), m = stages with pi > t_k.
For a <= 1 the closed form does not apply (the game is still well defined).
"
    };
}

const FORMULAS_REPUTATION: &str = concat!(
    formulas_common!(),
    "\
B2: one long-lived challenger sums its stage payoffs, so probing also buys information; in general its
sequential equilibrium differs from B1's, but in MODELS.md's examples B2-1...B2-4 the two coincide.
Solve with --method sequential. Nash methods (--method lcp, enum) also return equilibria that rest on
incredible threats off the path (n = 2, pi = 1/3: 69 extreme Nash equilibria with three payoff pairs).
"
);

const FORMULAS_PROBES: &str = concat!(
    formulas_common!(),
    "\
B1: Challenger j takes slice j only (stage k = n - j + 1) and gets that stage's payoff.
Erosion: b_k (0 = use b) gives stage k its own gain ratio; the thresholds become the products t_k.
Solve with --method sequential (n + 1 players).
"
);

/// The parameters both models share, in registry order.
fn common_parameters() -> Vec<Parameter> {
    vec![
        param(
            "n",
            "3",
            "number of slices, one challenger move each (structural; at most 10: the tree has about 2*3^n nodes)",
            Some("1"),
            None,
        )
        .integer(),
        nonneg(
            "a",
            "2",
            "normal defender's gain per slice not taken, in units of its net cost of retaliating (a > 1 for the closed form)",
        ),
        unit("b", "1/2", "challenger's gain from an accepted slice, in units of its loss when retaliated against (0 < b < 1)"),
        unit("pi", "1/10", "prior probability that the defender is resolute (always retaliates); 0 < pi < 1"),
    ]
}

fn parameters_reputation() -> Vec<Parameter> {
    common_parameters()
}

/// The erosion parameter of stage `k`.
fn b_name(k: u32) -> String {
    format!("b_{k}")
}

fn parameters_probes() -> Vec<Parameter> {
    let mut ps = common_parameters();
    for k in 1..=MAX_SLICES {
        ps.push(unit(
            &b_name(k),
            "0",
            &format!(
                "erosion: the challenger's gain ratio at stage {k}, {k} slice{} remaining (0 = use b)",
                if k == 1 { "" } else { "s" }
            ),
        ));
    }
    ps
}

fn out_of_range(name: &str, value: &Q, reason: impl Into<String>) -> Error {
    Error::ParameterOutOfRange { name: name.into(), value: value.clone(), reason: reason.into() }
}

/// The slice count, when it is a whole number from 1 to [`MAX_SLICES`].
fn slices(a: &Assignment) -> Result<u32, Error> {
    a.small_integer("n").filter(|n| (1..=MAX_SLICES).contains(n)).ok_or_else(|| {
        out_of_range(
            "n",
            a.get("n"),
            format!(
                "it must be a whole number from 1 to {MAX_SLICES} (the tree grows as 3^n: n = 10 already has about 120,000 nodes)"
            ),
        )
    })
}

/// True when `0 < v < 1`.
fn strictly_inside_unit(v: &Q) -> bool {
    v.is_positive() && v < &Q::one()
}

fn validate_reputation(a: &Assignment) -> Result<(), Error> {
    slices(a)?;
    let v = a.get("a");
    if !v.is_positive() {
        return Err(out_of_range(
            "a",
            v,
            "it must be positive (a <= 1 is allowed but lies outside the Kreps-Wilson closed form, which needs a > 1)",
        ));
    }
    let v = a.get("b");
    if !strictly_inside_unit(v) {
        return Err(out_of_range("b", v, "it must lie strictly between 0 and 1 (0 < b < 1)"));
    }
    let v = a.get("pi");
    if !strictly_inside_unit(v) {
        return Err(out_of_range(
            "pi",
            v,
            "it must lie strictly between 0 and 1 (0 < pi < 1; at 0 or 1 there is no resolve to probe)",
        ));
    }
    Ok(())
}

fn validate_probes(a: &Assignment) -> Result<(), Error> {
    validate_reputation(a)?;
    let n = slices(a)?;
    for k in 1..=MAX_SLICES {
        let name = b_name(k);
        let v = a.get(&name);
        if v.is_zero() {
            continue;
        }
        if k > n {
            return Err(out_of_range(
                &name,
                v,
                format!(
                    "the game has n = {n} slice(s), so only b_1 ... b_{n} apply (leave b_{k} at 0, or raise n)"
                ),
            ));
        }
        if !strictly_inside_unit(v) {
            return Err(out_of_range(
                &name,
                v,
                "it must lie strictly between 0 and 1 (0 < b_k < 1; 0, the default, means: use b)",
            ));
        }
    }
    Ok(())
}

/// Which of the two games is being built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    /// B2: one long-lived challenger (player 1) with the sum of its stage payoffs.
    Reputation,
    /// B1: challenger j (player j) moves at slice j only.
    Probes,
}

/// A public history as written in labels.
fn shown(history: &str) -> &str {
    if history.is_empty() { "start" } else { history }
}

/// `Σ coefficient·name + constant` as an expression (`0` when everything vanishes).
fn linear(terms: &[(i64, &str)], constant: i64) -> Expr {
    let mut text = String::new();
    for &(c, name) in terms.iter().filter(|(c, _)| *c != 0) {
        let sign = if c < 0 { "-" } else { "+" };
        if text.is_empty() {
            if c < 0 {
                text.push('-');
            }
        } else {
            text.push_str(&format!(" {sign} "));
        }
        if c.abs() == 1 {
            text.push_str(name);
        } else {
            text.push_str(&format!("{}*{name}", c.abs()));
        }
    }
    if constant != 0 || text.is_empty() {
        if text.is_empty() {
            text = constant.to_string();
        } else {
            text.push_str(&format!(" {} {}", if constant < 0 { "-" } else { "+" }, constant.abs()));
        }
    }
    e(&text)
}

/// Counts of `c` in a history.
fn count(history: &str, c: char) -> i64 {
    history.chars().filter(|&x| x == c).count() as i64
}

/// The leaf payoffs after the complete public history `history` (one letter per slice).
fn payoffs(version: Version, n: u32, history: &str, gain: &[String]) -> Vec<Expr> {
    let (holds, retaliations, accepts) = (count(history, 'H'), count(history, 'R'), count(history, 'A'));
    let mut v = vec![linear(&[(holds, "a")], -retaliations)];
    match version {
        Version::Reputation => v.push(linear(&[(retaliations + accepts, "b")], -retaliations)),
        Version::Probes => {
            for (j, c) in history.chars().enumerate() {
                // Slice j + 1 is stage k = n - j, whose gain ratio is gain[k - 1].
                let g = &gain[(n as usize) - j - 1];
                v.push(match c {
                    'H' => linear(&[], 0),
                    'A' => linear(&[(1, g)], 0),
                    _ => linear(&[(1, g)], -1),
                });
            }
        }
    }
    v
}

/// One node still to be written, in depth-first pre-order.
enum Pending {
    /// The challenger's node (or, after the last slice, the leaf) of a type after a history.
    Challenger { resolute: bool, history: String },
    /// The normal defender's node after a probe at the slice after `history`.
    Defender { history: String },
}

fn build(version: Version, a: &Assignment) -> Result<Tree, Error> {
    let n = slices(a)?;
    match version {
        Version::Reputation => validate_reputation(a)?,
        Version::Probes => validate_probes(a)?,
    }
    let mut players = vec!["Defender".to_string()];
    match version {
        Version::Reputation => players.push("Challenger".into()),
        Version::Probes => players.extend((1..=n).map(|j| format!("Challenger {j}"))),
    }
    let (title, who) = match version {
        Version::Reputation => (
            "Salami slicing with a reputation for resolve (B2)",
            "A single long-lived challenger, who sums its stage payoffs, holds or probes at each slice",
        ),
        Version::Probes => (
            "Salami probes by short-lived challengers (B1)",
            "A separate challenger for each slice (challenger j takes slice j) holds or probes",
        ),
    };
    let mut b = TreeBuilder::new(title, players);
    b.set_description(format!(
        "Nature makes the defender resolute with probability pi (it always retaliates) or normal. {who}, \
         for {n} slice(s), without seeing the type; after a probe the normal defender retaliates (-1) or \
         accepts (0), and each slice not taken is worth a to it. A probe pays the challenger b if accepted \
         and b - 1 if retaliated against. A normal defender retaliates early to look resolute, and a \
         resolve prior pi deters the slices at stages k with pi >= b^k (Kreps and Wilson 1982; MODELS.md \
         B.2, B.3)."
    ));
    // The gain ratio of each stage k (index k - 1): its own b_k when set (erosion), else b. Only the
    // b_k that are set are declared on the tree, so a sweep of b moves every other stage.
    let mut declared = a.clone();
    let mut gain: Vec<String> = Vec::with_capacity(n as usize);
    if version == Version::Probes {
        for k in 1..=n {
            let name = b_name(k);
            gain.push(if a.get(&name).is_zero() { "b".into() } else { name });
        }
        let keep: Vec<bool> =
            declared.parameters.iter().map(|p| !p.name.starts_with("b_") || gain.contains(&p.name)).collect();
        let mut i = 0;
        declared.parameters.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let mut i = 0;
        declared.values.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    declare(&mut b, &declared, &["n"])?;

    let c_actions = b.actions(&["hold", "probe"])?;
    let d_actions = b.actions(&["retaliate", "accept"])?;
    let root = b.chance(vec![("resolute".into(), e("pi")), ("normal".into(), e("1 - pi"))])?;
    b.set_label(root, "N");
    let mut sets: HashMap<String, InfosetId> = HashMap::new();
    let mut stack = vec![
        Pending::Challenger { resolute: false, history: String::new() },
        Pending::Challenger { resolute: true, history: String::new() },
    ];
    while let Some(p) = stack.pop() {
        match p {
            Pending::Challenger { resolute, history } => {
                let kind = if resolute { "resolute" } else { "normal" };
                let j = history.len() as u32 + 1;
                if j > n {
                    leaf(&mut b, &format!("{kind}/{history}"), payoffs(version, n, &history, &gain))?;
                    continue;
                }
                let h = match sets.get(&history) {
                    Some(&h) => h,
                    None => {
                        let player = if version == Version::Reputation { 1 } else { j as usize };
                        let h = b.infoset(player, &format!("C{j}|{}", shown(&history)), c_actions)?;
                        sets.insert(history.clone(), h);
                        h
                    }
                };
                let x = b.decision(h)?;
                b.set_label(x, &format!("C{j}|{kind}|{}", shown(&history)));
                // Children in action order: hold, then probe (pushed last-first).
                if resolute {
                    stack.push(Pending::Challenger { resolute, history: format!("{history}R") });
                } else {
                    stack.push(Pending::Defender { history: history.clone() });
                }
                stack.push(Pending::Challenger { resolute, history: format!("{history}H") });
            }
            Pending::Defender { history } => {
                let j = history.len() + 1;
                let label = format!("D{j}|{}", shown(&history));
                let h = b.infoset(0, &label, d_actions)?;
                let x = b.decision(h)?;
                b.set_label(x, &format!("D{j}|normal|{}", shown(&history)));
                stack.push(Pending::Challenger { resolute: false, history: format!("{history}A") });
                stack.push(Pending::Challenger { resolute: false, history: format!("{history}R") });
            }
        }
    }
    finish(b, &declared)
}

fn build_reputation(a: &Assignment) -> Result<Tree, Error> {
    build(Version::Reputation, a)
}

fn build_probes(a: &Assignment) -> Result<Tree, Error> {
    build(Version::Probes, a)
}

/// Follows a pure profile along the normal type's path to the first probe.
fn regime(tree: &Tree, choices: &[u32]) -> String {
    if tree.len() < 3 || tree.kind(0) != NodeKind::Chance || tree.n_children(0) != 2 {
        return UNKNOWN.into();
    }
    let mut x = tree.child(0, 1);
    let mut j = 1;
    loop {
        if tree.kind(x) == NodeKind::Terminal {
            return "every slice deterred".into();
        }
        let Some((action, next)) = super::follow(tree, choices, x) else { return UNKNOWN.into() };
        if action == 0 {
            x = next;
            j += 1;
            continue;
        }
        return match super::chosen(tree, choices, next) {
            Some(0) => format!("first probe at slice {j} (normal defender retaliates)"),
            Some(_) => format!("first probe at slice {j} (normal defender accepts)"),
            None => UNKNOWN.into(),
        };
    }
}

/// The thresholds t_k and what the prior deters under the Kreps–Wilson closed form.
fn notes(tree: &Tree, gain: &dyn Fn(u32) -> Q) -> Vec<String> {
    use num_traits::ToPrimitive as _;
    let Some(n) = super::value_of(tree, "n").floor().to_u32() else { return Vec::new() };
    let pi = super::value_of(tree, "pi");
    let a = super::value_of(tree, "a");
    let mut t = Vec::with_capacity(n as usize);
    let mut acc = Q::one();
    for k in 1..=n {
        acc = &acc * &gain(k);
        t.push(acc.clone());
    }
    let listed: Vec<String> = (1..=n).rev().map(|k| format!("t_{k} = {}", t[k as usize - 1])).collect();
    let mut out = vec![format!(
        "Kreps-Wilson thresholds (k = slices remaining; slice j is stage n - j + 1): {}",
        listed.join(", ")
    )];
    // Stages from k = n down that pi deters strictly.
    let deterred = (1..=n).rev().take_while(|&k| pi > t[k as usize - 1]).count() as u32;
    let line = if deterred == n {
        format!("prior pi = {pi} > t_1: every slice deterred")
    } else {
        let k = n - deterred;
        let j = deterred + 1;
        let tk = &t[k as usize - 1];
        let first = if &pi == tk {
            format!("pi = t_{k} = {tk}: at slice {j} the challenger holds with probability 1/a, else probes")
        } else {
            format!("pi < t_{k} = {tk}: first probe at slice {j}")
        };
        match deterred {
            0 => format!("prior pi = {pi}: {first}"),
            1 => format!("prior pi = {pi} deters slice 1; {first}"),
            m => format!("prior pi = {pi} deters slices 1-{m}; {first}"),
        }
    };
    out.push(line);
    if a <= Q::one() {
        out.push(format!(
            "a = {a} <= 1: outside the Kreps-Wilson closed form (the normal defender cannot be kept indifferent)"
        ));
    }
    out
}

fn notes_reputation(tree: &Tree) -> Vec<String> {
    let b = super::value_of(tree, "b");
    let mut out = notes(tree, &|_| b.clone());
    if !out.is_empty() {
        out.push("these are B1's (short-lived challengers'); a long-lived challenger also probes to learn, so B2 may differ".into());
    }
    out
}

fn notes_probes(tree: &Tree) -> Vec<String> {
    let b = super::value_of(tree, "b");
    let gain = |k: u32| {
        let name = b_name(k);
        tree.parameters()
            .iter()
            .zip(tree.parameter_values())
            .find(|(p, _)| p.name == name)
            .map_or_else(|| b.clone(), |(_, v)| v.clone())
    };
    notes(tree, &gain)
}
