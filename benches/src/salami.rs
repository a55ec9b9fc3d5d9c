//! MODELS.md B.2 (B1, Kreps–Wilson with short-lived probes) built by hand for the benchmarks of
//! `--method sequential` on n + 1 players, until the built-in model `salami-probes` lands.
//!
//! Chance draws a resolute defender (probability π) or a normal one. At stage k (k slices left)
//! challenger n − k + 1 holds or probes, at an information set pairing the two types' nodes with the
//! same public history; after a probe the resolute type retaliates (no decision node) and the normal
//! type retaliates or accepts. Stage payoffs are summed: challenger hold 0, accepted b, retaliated
//! b − 1; defender hold a, accept 0, retaliate −1 (the resolute type's counted as the normal type's).
//! Player 0 is the defender, player j the j-th challenger. Built iteratively in pre-order.

use std::collections::HashMap;

use redline_models::expr::Expr;
use redline_models::number::Q;
use redline_models::tree::{InfosetId, Tree, TreeBuilder};

/// A node still to be written, in pre-order.
enum Pending {
    /// A challenger's stage (or the leaf after the last one) after `history` ∈ {H, R, A}*.
    Stage { resolute: bool, history: String, payoffs: Vec<Q> },
    /// The normal defender's answer to the probe after `history`.
    Answer { history: String, payoffs: Vec<Q> },
}

/// The B1 tree for `n` challengers and parameters `a` > 1, 0 < `b` < 1, 0 ≤ `pi` ≤ 1.
///
/// # Panics
/// When `pi` is not a probability (the builder refuses the chance node).
#[must_use]
pub fn salami_probes(n: usize, a: &Q, b: &Q, pi: &Q) -> Tree {
    let mut players = vec!["Defender".to_string()];
    players.extend((1..=n).map(|j| format!("Challenger {j}")));
    let mut t = TreeBuilder::new("salami-probes (B1)", players);
    let c_acts = t.actions(&["hold", "probe"]).expect("distinct labels");
    let d_acts = t.actions(&["retaliate", "accept"]).expect("distinct labels");
    t.chance(vec![
        ("resolute".into(), Expr::number(pi.clone())),
        ("normal".into(), Expr::number(&Q::one() - pi)),
    ])
    .expect("a probability");
    let mut c_sets: HashMap<String, InfosetId> = HashMap::new();
    let mut d_sets: HashMap<String, InfosetId> = HashMap::new();
    let zero = vec![Q::zero(); n + 1];
    let mut stack = vec![
        Pending::Stage { resolute: false, history: String::new(), payoffs: zero.clone() },
        Pending::Stage { resolute: true, history: String::new(), payoffs: zero },
    ];
    while let Some(item) = stack.pop() {
        match item {
            Pending::Stage { resolute, history, payoffs } => {
                let j = history.len() + 1;
                if j > n {
                    t.terminal_values(&payoffs).expect("one payoff per player");
                    continue;
                }
                let h = *c_sets.entry(history.clone()).or_insert_with(|| {
                    t.infoset(j, &format!("C{j} {history}"), c_acts).expect("player j exists")
                });
                t.decision(h).expect("within the node limit");
                let mut hold = payoffs.clone();
                hold[0] = &hold[0] + a;
                if resolute {
                    let mut ret = payoffs;
                    ret[0] = &ret[0] - &Q::one();
                    ret[j] = &ret[j] + &(b - &Q::one());
                    stack.push(Pending::Stage { resolute, history: format!("{history}R"), payoffs: ret });
                } else {
                    stack.push(Pending::Answer { history: history.clone(), payoffs });
                }
                stack.push(Pending::Stage { resolute, history: format!("{history}H"), payoffs: hold });
            }
            Pending::Answer { history, payoffs } => {
                let j = history.len() + 1;
                let d = *d_sets.entry(history.clone()).or_insert_with(|| {
                    t.infoset(0, &format!("D {history}"), d_acts).expect("the defender exists")
                });
                t.decision(d).expect("within the node limit");
                let mut ret = payoffs.clone();
                ret[0] = &ret[0] - &Q::one();
                ret[j] = &ret[j] + &(b - &Q::one());
                let mut acc = payoffs;
                acc[j] = &acc[j] + b;
                stack.push(Pending::Stage { resolute: false, history: format!("{history}A"), payoffs: acc });
                stack.push(Pending::Stage { resolute: false, history: format!("{history}R"), payoffs: ret });
            }
        }
    }
    t.finish().expect("a complete tree")
}
