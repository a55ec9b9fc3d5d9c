//! `ceasefire-finite`: the repeated ceasefire of MODELS.md Game D played for a known, finite number
//! of periods.
//!
//! Each period both sides choose, simultaneously, to hold the ceasefire or strike: side A moves at a
//! node of its own, side B at an information set covering A's two choices (it does not see A's move
//! of the same period). Both see everything that happened in earlier periods, so every period after
//! every history is a subgame. Payoffs add up over periods (no discounting). With T > R and P > S
//! striking dominates in each stage game, and backward induction over the stage subgames unravels
//! cooperation: the unique SPE strikes in every period (Selten's argument; MODELS.md D.3).
//!
//! The tree has 4^horizon leaves, so the horizon is capped at [`MAX_HORIZON`].

use super::{Assignment, Model, UNKNOWN, declare, e, finish, leaf, param};
use crate::error::Error;
use crate::tree::{NodeKind, Parameter, Tree, TreeBuilder};

/// The longest horizon built (4^8 = 65 536 leaves).
pub const MAX_HORIZON: u32 = 8;

/// The `ceasefire-finite` registry entry.
pub(super) const MODEL: Model = Model {
    name: "ceasefire-finite",
    summary: "a ceasefire repeated for a known number of periods: cooperation unravels (Selten)",
    players: &["Side A", "Side B"],
    method: "spe",
    parameters,
    validate,
    build,
    strategic: None,
    regime,
    notes,
    regimes: &["strikes every period", "ceasefire held somewhere"],
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

const TREE_TEXT: &str = "\
Period 1: A|1 (Side A) chooses hold or strike; B|1 (Side B), one information set over A's two
nodes, chooses hold or strike without seeing A's choice.
Stage payoffs (A, B):   B hold    B strike
            A hold     (R, R)    (S, T)
            A strike   (T, S)    (P, P)
After each of the four outcomes, period 2 is played the same way (A|hs, B|hs, ...), up to
`horizon` periods; a leaf's payoff is the sum of the stage payoffs along its path.
";

const FORMULAS: &str = "\
With T > R and P > S, strike strictly dominates hold in every stage game, whatever happened before.
The last period's subgames are stage games: both strike. By induction every period's subgame adds a
constant to all its outcomes, so both strike in every period: the unique SPE payoff is
(horizon*P, horizon*P). Defaults: horizon = 3 gives (3, 3), against (9, 9) for holding throughout.
";

fn parameters() -> Vec<Parameter> {
    vec![
        param("T", "5", "temptation: striking while the other holds (one-period gain)", None, None),
        param("R", "3", "reward: both hold the ceasefire", None, None),
        param("P", "1", "punishment: both strike", None, None),
        param("S", "0", "sucker's payoff: holding while the other strikes", None, None),
        param("horizon", "3", "number of periods (structural)", Some("1"), Some("8")).integer(),
    ]
}

fn validate(a: &Assignment) -> Result<(), Error> {
    horizon(a).map(|_| ())
}

fn horizon(a: &Assignment) -> Result<u32, Error> {
    a.small_integer("horizon").filter(|h| (1..=MAX_HORIZON).contains(h)).ok_or_else(|| {
        Error::ParameterOutOfRange {
            name: "horizon".into(),
            value: a.get("horizon").clone(),
            reason: format!("it must be an integer from 1 to {MAX_HORIZON}"),
        }
    })
}

/// What is left to build, in depth-first pre-order (an explicit stack: no recursion).
enum Todo {
    /// A period starting after the history (A's and B's moves so far, 0 = hold, 1 = strike).
    Period(Vec<(u8, u8)>),
    /// B's node in the period after `history`, A having chosen `a`.
    B(Vec<(u8, u8)>, u8, crate::tree::InfosetId),
}

fn code(h: &[(u8, u8)]) -> String {
    let l = |m: u8| if m == 0 { 'h' } else { 's' };
    h.iter().map(|&(a, b)| format!("{}{}", l(a), l(b))).collect::<Vec<_>>().join(".")
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    let n = horizon(a)? as usize;
    let mut b = TreeBuilder::new("Finite-horizon ceasefire (D)", vec!["Side A".into(), "Side B".into()]);
    b.set_description(format!(
        "Both sides choose simultaneously, in each of {n} periods, to hold the ceasefire or strike; \
         payoffs add up over periods. Striking dominates in every stage game, so the unique \
         subgame-perfect equilibrium strikes in every period (MODELS.md D.3, finite horizon)."
    ));
    declare(&mut b, a, &["horizon"])?;
    let acts = b.actions(&["hold", "strike"])?;
    let stage = |m: (u8, u8)| match m {
        (0, 0) => ("R", "R"),
        (0, _) => ("S", "T"),
        (_, 0) => ("T", "S"),
        _ => ("P", "P"),
    };
    let mut todo = vec![Todo::Period(Vec::new())];
    while let Some(item) = todo.pop() {
        match item {
            Todo::Period(h) if h.len() == n => {
                let (pa, pb): (Vec<&str>, Vec<&str>) = h.iter().map(|&m| stage(m)).unzip();
                leaf(&mut b, &code(&h), vec![e(&pa.join(" + ")), e(&pb.join(" + "))])?;
            }
            Todo::Period(h) => {
                let label = if h.is_empty() { "1".to_string() } else { code(&h) };
                let ha = b.infoset(0, &format!("A|{label}"), acts)?;
                let x = b.decision(ha)?;
                b.set_label(x, &format!("A|{label}"));
                let hb = b.infoset(1, &format!("B|{label}"), acts)?;
                todo.push(Todo::B(h.clone(), 1, hb));
                todo.push(Todo::B(h, 0, hb));
            }
            Todo::B(h, m, hb) => {
                let y = b.decision(hb)?;
                let label = if h.is_empty() { "1".to_string() } else { code(&h) };
                // The path printed next to a label already says what A did, so the label names only
                // the information set.
                b.set_label(y, &format!("B|{label}"));
                for reply in [1u8, 0] {
                    let mut next = h.clone();
                    next.push((m, reply));
                    todo.push(Todo::Period(next));
                }
            }
        }
    }
    finish(b, a)
}

/// Strikes every period when both sides strike at every node on the path (pure profiles).
fn regime(tree: &Tree, choices: &[u32]) -> String {
    let mut x = 0;
    let mut all_strike = true;
    while tree.kind(x) == NodeKind::Decision {
        let c = choices[tree.infoset_of(x) as usize];
        all_strike &= c == 1;
        x = tree.child(x, c as usize);
    }
    if tree.kind(x) != NodeKind::Terminal {
        UNKNOWN.into()
    } else if all_strike {
        "strikes every period".into()
    } else {
        "ceasefire held somewhere".into()
    }
}

fn notes(tree: &Tree) -> Vec<String> {
    let v = |n| super::value_of(tree, n);
    let (t, r, p, s) = (v("T"), v("R"), v("P"), v("S"));
    if t > r && p > s {
        vec!["T > R and P > S: striking dominates in every stage game, so cooperation unravels from the last period".into()]
    } else {
        vec![
            "T > R and P > S fail: striking need not dominate, and the unravelling argument does not apply"
                .into(),
        ]
    }
}
