//! A game tree as SVG, top-down, with an equilibrium marked.
//!
//! Decision nodes are boxes labelled with the mover, in the mover's colour and dash pattern (so
//! players differ in black and white too); chance nodes are grey boxes; leaves show the payoff
//! vector. Actions label the edges (chance edges with their probabilities). With an equilibrium:
//! the chosen actions are thick (mixed ones labelled with their probabilities in brackets), off the
//! path too; the edges and leaves reached with positive probability sit on a highlighted band.
//! Information sets with several nodes are joined by dashed lines. Every node box is a
//! `<rect class="node">`, which the tests check for overlaps.

use std::fmt::Write as _;

use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};
use redline_solver::Profile;

use super::layout::{depths, tidy};
use super::{colour, dash_attr, esc, num, text_width};

const FONT: f64 = 13.0;
const SMALL: f64 = 11.0;
const BOX_H: f64 = 28.0;
const LEVEL: f64 = 100.0;
const GAP: f64 = 16.0;
const MARGIN: f64 = 24.0;
const HEADER: f64 = 58.0;
/// Where along an edge its label sits (0 at the parent, 1 at the child). Sibling labels are then
/// `LABEL_AT × (child distance)` apart, which the layout widths allow for.
const LABEL_AT: f64 = 0.72;
/// The band under the equilibrium path.
const PATH_BAND: &str = "#ffd84d";

/// What to mark on a drawing.
#[derive(Default)]
pub struct Marks<'a> {
    /// The equilibrium whose choices are drawn, if any.
    pub profile: Option<&'a Profile>,
    /// For step-by-step slides: the nodes solved so far (choices are shown only there; the path only
    /// when this is `None`).
    pub solved: Option<&'a [bool]>,
    /// The node solved at this step, outlined.
    pub current: Option<NodeId>,
    /// Node values shown under solved decision and chance nodes.
    pub values: Option<&'a [Vec<Q>]>,
    /// A line under the title (the method, the payoffs).
    pub caption: String,
}

/// Where everything goes: computed once per tree so that slides of one tree line up.
pub struct Geometry {
    /// Box centres.
    x: Vec<f64>,
    depth: Vec<u32>,
    /// Box widths.
    w: Vec<f64>,
    /// Node texts.
    text: Vec<String>,
    /// Edge labels (of the edge into each node).
    edge: Vec<String>,
    width: f64,
    height: f64,
}

fn fmt_vec(v: &[Q]) -> String {
    let parts: Vec<String> = v.iter().map(Q::to_string).collect();
    format!("({})", parts.join(", "))
}

/// The label of the edge into `x`: the action (with its probability when mixed) or the chance
/// outcome with its probability.
fn edge_text(tree: &Tree, x: NodeId, profile: Option<&Profile>) -> String {
    let Some(p) = tree.parent(x) else { return String::new() };
    let k = tree.child_index(x);
    match tree.kind(p) {
        NodeKind::Chance => format!("{} ({})", tree.chance_labels(p)[k], tree.chance_probs(p)[k]),
        _ => {
            let h = tree.infoset_of(p);
            let label = tree.actions(h)[k].clone();
            match profile.map(|pr| pr.prob(h, k as u32)) {
                Some(q) if !q.is_zero() && !q.is_one() => format!("{label} [{q}]"),
                _ => label,
            }
        }
    }
}

/// Lays out `tree`; `values` (if given) reserve room under the nodes for their values.
#[must_use]
pub fn geometry(tree: &Tree, profile: Option<&Profile>, values: Option<&[Vec<Q>]>) -> Geometry {
    let n = tree.len();
    let mut text = Vec::with_capacity(n);
    let mut edge = Vec::with_capacity(n);
    let mut w = Vec::with_capacity(n);
    let mut room = Vec::with_capacity(n);
    for x in 0..n as NodeId {
        let t = match tree.kind(x) {
            NodeKind::Terminal => fmt_vec(tree.payoffs(x)),
            NodeKind::Chance => "Chance".to_string(),
            NodeKind::Decision => tree.players()[tree.player_of(x)].clone(),
        };
        let bw = (text_width(&t, FONT) + 16.0).max(44.0);
        let e = edge_text(tree, x, profile);
        let mut need = bw.max((text_width(&e, SMALL) + 6.0) / LABEL_AT);
        if let Some(v) = values {
            if tree.kind(x) != NodeKind::Terminal {
                need = need.max(text_width(&fmt_vec(&v[x as usize]), SMALL) + 4.0);
            }
        }
        text.push(t);
        edge.push(e);
        w.push(bw);
        room.push(need);
    }
    let x = tidy(tree, &room, GAP);
    // The layout placed the roomy widths; the boxes are drawn with their own (narrower) widths,
    // centred on the same points, so the margin is measured from the roomy edges.
    let depth = depths(tree);
    let right = x.iter().zip(&room).map(|(c, r)| c + r / 2.0).fold(0.0, f64::max);
    let max_depth = depth.iter().copied().max().unwrap_or(0);
    let mut g = Geometry {
        x: x.iter().map(|c| c + MARGIN).collect(),
        depth,
        w,
        text,
        edge,
        width: right + 2.0 * MARGIN,
        height: HEADER + f64::from(max_depth) * LEVEL + BOX_H + 96.0,
    };
    // Room for the legend's longest note.
    g.widen(620.0);
    g
}

impl Geometry {
    /// Widens the picture to at least `width`, keeping the tree centred.
    pub fn widen(&mut self, width: f64) {
        if width > self.width {
            let shift = (width - self.width) / 2.0;
            for c in &mut self.x {
                *c += shift;
            }
            self.width = width;
        }
    }

    /// Widens the picture so that `caption` fits on one line.
    pub fn fit_caption(&mut self, caption: &str) {
        self.widen(text_width(caption, SMALL) + 2.0 * MARGIN);
    }

    fn top(&self, x: NodeId) -> f64 {
        HEADER + f64::from(self.depth[x as usize]) * LEVEL
    }
}

/// Which nodes are reached with positive probability under `profile`.
fn reached(tree: &Tree, profile: &Profile) -> Vec<bool> {
    let mut r = vec![false; tree.len()];
    if r.is_empty() {
        return r;
    }
    r[0] = true;
    for x in 1..tree.len() as NodeId {
        let p = tree.parent(x).expect("non-root nodes have parents");
        let k = tree.child_index(x);
        r[x as usize] = r[p as usize]
            && match tree.kind(p) {
                NodeKind::Chance => !tree.chance_probs(p)[k].is_zero(),
                _ => !profile.prob(tree.infoset_of(p), k as u32).is_zero(),
            };
    }
    r
}

/// Draws `tree` as an SVG document.
#[must_use]
pub fn render(tree: &Tree, g: &Geometry, marks: &Marks) -> String {
    let n = tree.len();
    let players = tree.players();
    let show_choice = |x: NodeId| marks.profile.is_some() && marks.solved.is_none_or(|s| s[x as usize]);
    let path: Vec<bool> = match (marks.profile, marks.solved) {
        (Some(p), None) => reached(tree, p),
        _ => vec![false; n],
    };
    let legend_y = g.height - 58.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" \
         font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"{FONT}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{MARGIN}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>\n\
         <text x=\"{MARGIN}\" y=\"42\" font-size=\"{SMALL}\" fill=\"#333\">{}</text>\n",
        num(g.width),
        num(g.height),
        num(g.width),
        num(g.height),
        esc(&tree.title),
        esc(&marks.caption)
    );
    // Layer 1: the band under the equilibrium path.
    for x in 1..n as NodeId {
        if path[x as usize] {
            let p = tree.parent(x).expect("non-root");
            let _ = writeln!(
                s,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{PATH_BAND}\" stroke-width=\"14\" stroke-linecap=\"round\"/>",
                num(g.x[p as usize]),
                num(g.top(p) + BOX_H / 2.0),
                num(g.x[x as usize]),
                num(g.top(x) + BOX_H / 2.0)
            );
        }
    }
    // Layer 2: edges, thick where the equilibrium chooses them.
    for x in 1..n as NodeId {
        let p = tree.parent(x).expect("non-root");
        let k = tree.child_index(x) as u32;
        let (x1, y1, x2, y2) = (g.x[p as usize], g.top(p) + BOX_H, g.x[x as usize], g.top(x));
        let style = match tree.kind(p) {
            NodeKind::Decision if show_choice(p) => {
                let i = tree.player_of(p);
                let q = marks.profile.expect("choices need a profile").prob(tree.infoset_of(p), k);
                if q.is_zero() {
                    "stroke=\"#9a9a9a\" stroke-width=\"1.2\"".to_string()
                } else if q.is_one() {
                    format!("stroke=\"{}\" stroke-width=\"4.5\"{}", colour(i), dash_attr(i))
                } else {
                    format!("stroke=\"{}\" stroke-width=\"3\"{}", colour(i), dash_attr(i))
                }
            }
            NodeKind::Chance => "stroke=\"#555\" stroke-width=\"1.6\"".to_string(),
            _ => "stroke=\"#777\" stroke-width=\"1.4\"".to_string(),
        };
        let _ = writeln!(
            s,
            "<line class=\"edge\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {style}/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }
    // Layer 3: information sets, dashed lines between neighbouring members.
    let mut has_infosets = false;
    for members in tree.infoset_members() {
        let mut m = members;
        has_infosets |= m.len() > 1;
        if m.len() < 2 {
            continue;
        }
        m.sort_by(|a, b| g.x[*a as usize].total_cmp(&g.x[*b as usize]));
        for pair in m.windows(2) {
            let (a, b) = (pair[0] as usize, pair[1] as usize);
            let _ = writeln!(
                s,
                "<line class=\"infoset\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#222\" stroke-width=\"1.6\" stroke-dasharray=\"2 5\" stroke-linecap=\"round\"/>",
                num(g.x[a] + g.w[a] / 2.0),
                num(g.top(pair[0]) + BOX_H / 2.0),
                num(g.x[b] - g.w[b] / 2.0),
                num(g.top(pair[1]) + BOX_H / 2.0)
            );
        }
    }
    // Layer 4: edge labels on a white halo.
    for x in 1..n as NodeId {
        let p = tree.parent(x).expect("non-root");
        let lx = g.x[p as usize] + LABEL_AT * (g.x[x as usize] - g.x[p as usize]);
        let ly = g.top(p) + BOX_H + LABEL_AT * (g.top(x) - g.top(p) - BOX_H) + SMALL * 0.35;
        let chosen = tree.kind(p) == NodeKind::Decision
            && show_choice(p)
            && !marks
                .profile
                .expect("choices need a profile")
                .prob(tree.infoset_of(p), tree.child_index(x) as u32)
                .is_zero();
        let weight = if chosen { " font-weight=\"bold\"" } else { "" };
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{SMALL}\" text-anchor=\"middle\" stroke=\"white\" stroke-width=\"4\" paint-order=\"stroke\"{weight}>{}</text>",
            num(lx),
            num(ly),
            esc(&g.edge[x as usize])
        );
    }
    // Layer 5: node boxes.
    for x in 0..n as NodeId {
        let (cx, top, w) = (g.x[x as usize], g.top(x), g.w[x as usize]);
        let (fill, stroke, extra, weight) = match tree.kind(x) {
            NodeKind::Decision => {
                let i = tree.player_of(x);
                (super::TINTS[i % super::TINTS.len()], colour(i), dash_attr(i), " font-weight=\"bold\"")
            }
            NodeKind::Chance => ("#ececec", "#555", String::new(), " font-style=\"italic\""),
            NodeKind::Terminal if path[x as usize] => {
                ("#fff3b0", "#222", String::new(), " font-weight=\"bold\"")
            }
            NodeKind::Terminal => ("white", "#999", String::new(), ""),
        };
        let radius = match tree.kind(x) {
            NodeKind::Terminal => 2.0,
            _ => 9.0,
        };
        let _ = write!(
            s,
            "<g><title>node {x}{}{}</title><rect class=\"node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{BOX_H}\" rx=\"{radius}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.8\"{extra}/>",
            if tree.node_label(x).is_empty() {
                String::new()
            } else {
                format!(" ({})", esc(tree.node_label(x)))
            },
            if x == 0 { String::new() } else { format!(": {}", esc(&tree.path_to(x))) },
            num(cx - w / 2.0),
            num(top),
            num(w)
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\"{weight}>{}</text></g>",
            num(cx),
            num(top + BOX_H / 2.0 + FONT * 0.36),
            esc(&g.text[x as usize])
        );
        if marks.current == Some(x) {
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"12\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"3\"/>",
                num(cx - w / 2.0 - 5.0),
                num(top - 5.0),
                num(w + 10.0),
                num(BOX_H + 10.0)
            );
        }
        if let (Some(v), true) = (marks.values, tree.kind(x) != NodeKind::Terminal && show_choice(x)) {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"{SMALL}\" text-anchor=\"middle\" fill=\"#333\" stroke=\"white\" stroke-width=\"4\" paint-order=\"stroke\">{}</text>",
                num(cx),
                num(top + BOX_H + 14.0),
                esc(&fmt_vec(&v[x as usize]))
            );
        }
    }
    // Legend: one sample per player, then what thick lines and the band mean.
    let mut lx = MARGIN;
    for (i, p) in players.iter().enumerate() {
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"4\"{}/><text x=\"{}\" y=\"{}\" font-size=\"{SMALL}\">{}</text>",
            num(lx),
            num(legend_y),
            num(lx + 30.0),
            num(legend_y),
            colour(i),
            dash_attr(i),
            num(lx + 36.0),
            num(legend_y + 4.0),
            esc(p)
        );
        lx += 48.0 + text_width(p, SMALL);
    }
    let mut notes = Vec::new();
    if marks.profile.is_some() {
        notes.push("thick: the equilibrium's choice, off the path too ([p]: a mixed choice's probability)");
        if marks.solved.is_none() {
            notes.push("band: equilibrium path");
        } else {
            notes.push("values under solved nodes");
        }
    }
    if has_infosets {
        notes.push("dotted: same information set");
    }
    for (k, note) in notes.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"{SMALL}\" fill=\"#333\">{}</text>",
            num(legend_y + 22.0 + 15.0 * k as f64),
            esc(note)
        );
    }
    s.push_str("</svg>\n");
    s
}
