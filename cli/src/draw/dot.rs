//! A game tree as Graphviz DOT, for users who lay out with `dot`.
//!
//! Same marks as the SVG: players by colour and line style, chosen actions thick (mixed ones with
//! their probabilities), the equilibrium path in bold, information sets as dotted undirected edges
//! that do not constrain the layout.

use std::fmt::Write as _;

use redline_models::tree::{NodeId, NodeKind, Tree};
use redline_solver::Profile;

use super::{DASHES, TINTS, colour};

/// A DOT string literal.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

fn dash_style(i: usize) -> &'static str {
    match DASHES[i % DASHES.len()] {
        "" => "solid",
        "2 3" => "dotted",
        _ => "dashed",
    }
}

/// Writes `tree` as a DOT digraph with `profile` (if any) marked.
#[must_use]
pub fn render(tree: &Tree, profile: Option<&Profile>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph {} {{", quote(&tree.title));
    let _ = writeln!(s, "  label={}; labelloc=t; fontname=\"DejaVu Sans\";", quote(&tree.title));
    let _ = writeln!(
        s,
        "  node [fontname=\"DejaVu Sans\", fontsize=11, shape=box, style=\"rounded,filled\"];\n  edge [fontname=\"DejaVu Sans\", fontsize=10, arrowhead=none];"
    );
    let mut reached = vec![false; tree.len()];
    if !reached.is_empty() {
        reached[0] = profile.is_some();
    }
    for x in 0..tree.len() as NodeId {
        let attrs = match tree.kind(x) {
            NodeKind::Decision => {
                let i = tree.player_of(x);
                format!(
                    "label={}, color=\"{}\", fillcolor=\"{}\", style=\"rounded,filled,{}\", penwidth=2",
                    quote(&tree.players()[i]),
                    colour(i),
                    TINTS[i % TINTS.len()],
                    dash_style(i)
                )
            }
            NodeKind::Chance => {
                "label=\"Chance\", fillcolor=\"#ececec\", fontname=\"DejaVu Sans Oblique\"".to_string()
            }
            NodeKind::Terminal => {
                let pays: Vec<String> = tree.payoffs(x).iter().map(ToString::to_string).collect();
                let fill = if reached[x as usize] { "#fff3b0" } else { "white" };
                format!(
                    "label={}, shape=box, style=filled, fillcolor=\"{fill}\"",
                    quote(&format!("({})", pays.join(", ")))
                )
            }
        };
        let _ = writeln!(s, "  n{x} [{attrs}];");
        for (k, c) in tree.children(x).enumerate() {
            let (label, style, on) = match tree.kind(x) {
                NodeKind::Chance => {
                    let p = &tree.chance_probs(x)[k];
                    (
                        format!("{} ({p})", tree.chance_labels(x)[k]),
                        "color=\"#555555\"".to_string(),
                        !p.is_zero(),
                    )
                }
                _ => {
                    let h = tree.infoset_of(x);
                    let a = &tree.actions(h)[k];
                    match profile.map(|p| p.prob(h, k as u32)) {
                        Some(q) if q.is_one() => {
                            let i = tree.player_of(x);
                            (
                                a.clone(),
                                format!("color=\"{}\", penwidth=4, style={}", colour(i), dash_style(i)),
                                true,
                            )
                        }
                        Some(q) if !q.is_zero() => {
                            let i = tree.player_of(x);
                            (
                                format!("{a} [{q}]"),
                                format!("color=\"{}\", penwidth=3, style={}", colour(i), dash_style(i)),
                                true,
                            )
                        }
                        Some(_) => (a.clone(), "color=\"#9a9a9a\"".to_string(), false),
                        None => (a.clone(), "color=\"#777777\"".to_string(), false),
                    }
                }
            };
            reached[c as usize] = reached[x as usize] && on;
            let bold = if reached[c as usize] { ", fontname=\"DejaVu Sans Bold\"" } else { "" };
            let _ = writeln!(s, "  n{x} -> n{c} [label={}, {style}{bold}];", quote(&label));
        }
    }
    for members in tree.infoset_members() {
        for pair in members.windows(2) {
            let _ = writeln!(
                s,
                "  n{} -> n{} [style=dotted, penwidth=1.6, constraint=false, dir=none];",
                pair[0], pair[1]
            );
        }
    }
    s.push_str("}\n");
    s
}
