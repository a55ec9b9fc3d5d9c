//! Rendering solver results: stable JSON (SPEC §5) and text for people.
//!
//! The serde types live here, built from solver results; the solver's own types stay free of serde.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt::Write as _;

use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};
use redline_solver::play;
use redline_solver::strategic::MixedEquilibrium;
use redline_solver::{Equilibrium, Profile};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// How numbers are printed.
#[derive(Clone, Copy, Debug)]
pub struct NumberStyle {
    /// Decimals instead of fractions.
    pub float: bool,
    /// Digits after the point in float mode.
    pub decimals: usize,
}

impl NumberStyle {
    /// Formats one number.
    pub fn fmt(&self, q: &Q) -> String {
        if self.float { q.to_decimal(self.decimals) } else { q.to_string() }
    }
}

/// `redline/solve/1`.
///
/// The per-information-set parts (`game.infosets`, each equilibrium's `behavior`) borrow the tree and
/// the profile and are written as they are serialized, so a document for a tree of a million nodes
/// holds no string per node; [`crate::output::emit_json`] streams it to standard output.
#[derive(Serialize)]
pub struct SolveJson<'a> {
    pub schema: &'static str,
    pub game: GameJson<'a>,
    pub method: String,
    pub arithmetic: &'static str,
    pub complete: bool,
    pub equilibria: Vec<EquilibriumJson<'a>>,
}

impl<'a> SolveJson<'a> {
    /// The `redline/solve/1` document; `float` says whether numbers were printed as decimals.
    pub fn new(
        game: GameJson<'a>,
        method: &str,
        float: bool,
        complete: bool,
        equilibria: Vec<EquilibriumJson<'a>>,
    ) -> SolveJson<'a> {
        SolveJson {
            schema: "redline/solve/1",
            game,
            method: method.to_string(),
            arithmetic: if float { "float" } else { "exact" },
            complete,
            equilibria,
        }
    }
}

#[derive(Serialize)]
pub struct GameJson<'a> {
    pub title: String,
    pub source: String,
    pub form: &'static str,
    pub players: Vec<String>,
    pub parameters: serde_json::Map<String, serde_json::Value>,
    pub infosets: Option<InfosetsJson<'a>>,
    pub strategies: Option<Vec<Vec<String>>>,
}

/// The information sets of a tree, per player in output order, serialized straight from the tree:
/// large trees have one set per node, and nothing is allocated for any of them.
pub struct InfosetsJson<'a> {
    tree: &'a Tree,
}

/// One information set as [`InfosetsJson`] writes it.
#[derive(Serialize)]
struct InfosetJson<'a> {
    #[serde(serialize_with = "as_string")]
    id: u32,
    label: &'a str,
    actions: Listed<'a, &'a [String]>,
}

/// A JSON value written as it is, or through a template made once for all its repetitions (see
/// [`template`]).
enum Listed<'a, T> {
    Plain(T),
    Template(&'a RawValue),
}

impl<T: Serialize> Serialize for Listed<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Listed::Plain(v) => v.serialize(s),
            Listed::Template(raw) => raw.serialize(s),
        }
    }
}

/// `value` as a raw JSON template: its pretty text at the top level, which `output::emit_json`'s
/// formatter indents to the depth it is written at, so the bytes are those `value` itself would give,
/// and a template repeated thousands of times is expanded once (`None` if it cannot be made, and the
/// value is then written as it is).
fn template<T: Serialize + ?Sized>(value: &T) -> Option<Box<RawValue>> {
    RawValue::from_string(serde_json::to_string_pretty(value).ok()?).ok()
}

fn as_string<S: serde::Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl Serialize for InfosetsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tree = self.tree;
        // An action list shared by several information sets is written from one template.
        let mut uses = vec![0u32; tree.n_action_sets()];
        for h in 0..tree.infosets().len() as InfosetId {
            uses[tree.action_set_index(h)] += 1;
        }
        let templates: Vec<OnceCell<Option<Box<RawValue>>>> = uses.iter().map(|_| OnceCell::new()).collect();
        let (uses, templates) = (&uses, &templates);
        s.collect_seq((0..tree.n_players()).map(|i| {
            SeqOf(move || {
                tree.player_infosets(i).iter().map(move |&h| {
                    let inf = &tree.infosets()[h as usize];
                    let k = tree.action_set_index(h);
                    let shared = if uses[k] > 1 {
                        templates[k].get_or_init(|| template(tree.actions(h))).as_deref()
                    } else {
                        None
                    };
                    let actions = shared.map_or(Listed::Plain(tree.actions(h)), Listed::Template);
                    InfosetJson { id: inf.number, label: &inf.label, actions }
                })
            })
        }))
    }
}

/// A JSON array of the items an iterator-making closure gives, made when it is serialized.
struct SeqOf<F>(F);

impl<F, I> Serialize for SeqOf<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// An equilibrium's behaviour strategies: probabilities per player, information set and action,
/// serialized straight from the profile (`0` and `1` are never allocated).
pub struct BehaviorJson<'a> {
    tree: &'a Tree,
    profile: &'a Profile,
    style: NumberStyle,
}

/// The widest information set whose pure behaviour row is written from a template (see
/// [`BehaviorJson`]).
const PURE_ROW_TEMPLATES: usize = 64;

/// The fewest information sets for which pure behaviour rows are written from templates: the
/// templates are made for each equilibrium, so they pay off only over many rows (`--all` on a small
/// tree lists many equilibria of a few rows each).
const PURE_ROW_TEMPLATES_FROM: usize = 256;

impl Serialize for BehaviorJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let BehaviorJson { tree, profile, style } = *self;
        // Exact pure rows (`"0"`s and one `"1"`) of up to PURE_ROW_TEMPLATES actions are written from
        // one template per width and chosen action, made on first use, in trees with many rows.
        let pure = match profile {
            Profile::Pure(c) if !style.float => Some(c),
            _ => None,
        };
        let many = tree.infosets().len() >= PURE_ROW_TEMPLATES_FROM;
        let rows: Vec<OnceCell<Option<Box<RawValue>>>> = match pure {
            Some(_) if many => {
                (0..PURE_ROW_TEMPLATES * (PURE_ROW_TEMPLATES + 1) / 2).map(|_| OnceCell::new()).collect()
            }
            _ => Vec::new(),
        };
        let rows = &rows;
        s.collect_seq((0..tree.n_players()).map(|i| {
            SeqOf(move || {
                tree.player_infosets(i).iter().map(move |&h| {
                    let width = tree.actions(h).len();
                    let row = move || {
                        (0..width as u32).map(move |a| match pure {
                            Some(c) => Cow::Borrowed(if c[h as usize] == a { "1" } else { "0" }),
                            None => probability(&profile.prob(h, a), style),
                        })
                    };
                    let shared = match pure {
                        Some(c)
                            if many && width <= PURE_ROW_TEMPLATES && (c[h as usize] as usize) < width =>
                        {
                            let slot = width * (width - 1) / 2 + c[h as usize] as usize;
                            rows[slot].get_or_init(|| template(&SeqOf(row))).as_deref()
                        }
                        _ => None,
                    };
                    match shared {
                        Some(raw) => Listed::Template(raw),
                        None => Listed::Plain(SeqOf(row)),
                    }
                })
            })
        }))
    }
}

#[derive(Serialize)]
pub struct EquilibriumJson<'a> {
    pub kind: &'static str,
    pub payoffs: Vec<String>,
    /// Probabilities per player, information set and action.
    pub behavior: Option<BehaviorJson<'a>>,
    pub mixed: Option<Vec<Vec<String>>>,
    pub path: Vec<StepJson>,
    pub outcomes: Vec<OutcomeJson>,
    pub regret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regime: Option<String>,
    pub ties: Vec<TieJson<'a>>,
}

/// The game part of the JSON output for a strategic-form game.
pub fn strategic_game_json(g: &StrategicGame, source: &str, style: NumberStyle) -> GameJson<'static> {
    let mut parameters = serde_json::Map::new();
    for (p, v) in g.parameters().iter().zip(g.parameter_values()) {
        parameters.insert(p.name.clone(), serde_json::Value::String(style.fmt(v)));
    }
    GameJson {
        title: g.title.clone(),
        source: source.to_string(),
        form: "strategic",
        players: g.players().to_vec(),
        parameters,
        infosets: None,
        strategies: Some((0..g.n_players()).map(|i| g.strategies(i).to_vec()).collect()),
    }
}

/// One mixed equilibrium of a strategic-form game in JSON.
pub fn mixed_json(e: &MixedEquilibrium, style: NumberStyle) -> EquilibriumJson<'static> {
    EquilibriumJson {
        kind: "nash",
        payoffs: e.payoffs.iter().map(|q| style.fmt(q)).collect(),
        behavior: None,
        mixed: Some(e.strategies.iter().map(|s| s.iter().map(|q| style.fmt(q)).collect()).collect()),
        path: Vec::new(),
        outcomes: Vec::new(),
        regret: style.fmt(&e.regret),
        regime: None,
        ties: Vec::new(),
    }
}

/// The payoff table of a two-player game with best responses marked by `*` (small games only).
pub fn payoff_table(g: &StrategicGame, style: NumberStyle) -> Option<String> {
    let (a, b) = g.bimatrix()?;
    let (m, n) = (a.len(), a[0].len());
    if m > 12 || n > 12 {
        return None;
    }
    let best_row: Vec<Q> = (0..n).map(|j| (0..m).map(|i| a[i][j].clone()).max().expect("a row")).collect();
    let best_col: Vec<Q> = (0..m).map(|i| b[i].iter().max().expect("a column").clone()).collect();
    let mut rows =
        vec![std::iter::once(String::new()).chain(g.strategies(1).iter().cloned()).collect::<Vec<_>>()];
    for i in 0..m {
        let mut row = vec![g.strategies(0)[i].clone()];
        for j in 0..n {
            let mark = |best: bool| if best { "*" } else { "" };
            row.push(format!(
                "{}{}, {}{}",
                style.fmt(&a[i][j]),
                mark(a[i][j] == best_row[j]),
                style.fmt(&b[i][j]),
                mark(b[i][j] == best_col[i])
            ));
        }
        rows.push(row);
    }
    Some(format!(
        "  payoffs ({} chooses the row, {} the column; * marks a best response):\n{}",
        g.players()[0],
        g.players()[1],
        table(&rows, "    ")
    ))
}

/// Text for one mixed equilibrium.
pub fn mixed_text(g: &StrategicGame, e: &MixedEquilibrium, style: NumberStyle) -> String {
    let mut out = String::new();
    let mut rows = Vec::new();
    for (i, p) in g.players().iter().enumerate() {
        let parts: Vec<String> = g
            .strategies(i)
            .iter()
            .zip(&e.strategies[i])
            .filter(|(_, q)| !q.is_zero())
            .map(|(s, q)| if q.is_one() { s.clone() } else { format!("P({s}) = {}", style.fmt(q)) })
            .collect();
        rows.push(vec![format!("{p}:"), parts.join(", ")]);
    }
    out.push_str(&table(&rows, "  "));
    let pays: Vec<String> =
        g.players().iter().zip(&e.payoffs).map(|(p, q)| format!("{p} {}", style.fmt(q))).collect();
    let _ = writeln!(out, "  payoffs:  {}", pays.join(", "));
    let _ = writeln!(out, "  verified: exact regret {} (no player gains by deviating)", style.fmt(&e.regret));
    out
}

#[derive(Serialize)]
pub struct StepJson {
    pub player: String,
    pub action: String,
}

#[derive(Serialize)]
pub struct OutcomeJson {
    pub node: String,
    pub label: String,
    pub probability: String,
    pub payoffs: Vec<String>,
}

#[derive(Serialize)]
pub struct TieJson<'a> {
    pub node: String,
    pub player: &'a str,
    pub actions: Vec<&'a str>,
    pub chosen: &'a str,
}

/// The game part of the JSON output.
pub fn game_json<'a>(tree: &'a Tree, source: &str, style: NumberStyle) -> GameJson<'a> {
    let mut parameters = serde_json::Map::new();
    for (p, v) in tree.parameters().iter().zip(tree.parameter_values()) {
        parameters.insert(p.name.clone(), serde_json::Value::String(style.fmt(v)));
    }
    GameJson {
        title: tree.title.clone(),
        source: source.to_string(),
        form: "extensive",
        players: tree.players().to_vec(),
        parameters,
        infosets: Some(InfosetsJson { tree }),
        strategies: None,
    }
}

/// A probability as [`NumberStyle::fmt`] writes it, without allocating for exact 0 and 1 (every
/// entry of a pure profile).
fn probability(p: &Q, style: NumberStyle) -> Cow<'static, str> {
    match (style.float, p) {
        (false, p) if p.is_zero() => Cow::Borrowed("0"),
        (false, p) if p.is_one() => Cow::Borrowed("1"),
        _ => Cow::Owned(style.fmt(p)),
    }
}

/// One equilibrium in JSON.
pub fn equilibrium_json<'a>(
    tree: &'a Tree,
    e: &'a Equilibrium,
    regime: Option<String>,
    style: NumberStyle,
) -> EquilibriumJson<'a> {
    let behavior = BehaviorJson { tree, profile: &e.profile, style };
    let path = play::path(tree, &e.profile)
        .into_iter()
        .map(|s| StepJson {
            player: tree.players()[s.player].clone(),
            action: tree.actions(tree.infoset_of(s.node))[s.action as usize].clone(),
        })
        .collect();
    let outcomes = play::outcomes(tree, &e.profile)
        .into_iter()
        .map(|(x, p)| OutcomeJson {
            node: x.to_string(),
            label: tree.node_label(x).to_string(),
            probability: style.fmt(&p),
            payoffs: tree.payoffs(x).iter().map(|q| style.fmt(q)).collect(),
        })
        .collect();
    let ties = e
        .ties
        .iter()
        .map(|t| {
            let h = tree.infoset_of(t.node);
            TieJson {
                node: t.node.to_string(),
                player: &tree.players()[tree.player_of(t.node)],
                actions: t.actions.iter().map(|&a| tree.actions(h)[a as usize].as_str()).collect(),
                chosen: &tree.actions(h)[t.chosen as usize],
            }
        })
        .collect();
    EquilibriumJson {
        kind: e.kind.as_str(),
        payoffs: e.payoffs.iter().map(|q| style.fmt(q)).collect(),
        behavior: Some(behavior),
        mixed: None,
        path,
        outcomes,
        regret: style.fmt(&e.regret),
        regime,
        ties,
    }
}

/// Where a node is, in words: "the root", or the actions leading to it.
pub fn node_place(tree: &Tree, x: NodeId) -> String {
    if x == 0 { "at the root".into() } else { format!("after {}", tree.path_to(x)) }
}

/// A node's label (if any) and where it is: `S|Acc (after offer > accept)`.
pub fn labelled_place(tree: &Tree, x: NodeId) -> String {
    let label = tree.node_label(x);
    if label.is_empty() { node_place(tree, x) } else { format!("{label} ({})", node_place(tree, x)) }
}

/// Pads cells into aligned columns.
pub fn table(rows: &[Vec<String>], indent: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut width = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::from(indent);
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                let _ = write!(line, "{c}{}  ", " ".repeat(width[i] - c.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The most decision nodes listed in the text strategy table before it is cut short.
pub const MAX_TEXT_ROWS: usize = 200;

/// Text for one equilibrium.
pub fn equilibrium_text(
    tree: &Tree,
    e: &Equilibrium,
    regime: Option<&str>,
    style: NumberStyle,
    quiet: bool,
) -> String {
    let mut out = String::new();
    let pays: Vec<String> =
        tree.players().iter().zip(&e.payoffs).map(|(p, q)| format!("{p} {}", style.fmt(q))).collect();
    let _ = writeln!(out, "  payoffs:  {}", pays.join(", "));
    let steps = play::path(tree, &e.profile);
    let path: Vec<String> = steps
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                tree.players()[s.player],
                tree.actions(tree.infoset_of(s.node))[s.action as usize]
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "  path:     {}",
        if path.is_empty() { "(no decision on the path)".into() } else { path.join(" > ") }
    );
    let outcomes = play::outcomes(tree, &e.profile);
    if outcomes.len() > 1
        || steps.last().is_none_or(|s| tree.kind(tree.child(s.node, s.action as usize)) != NodeKind::Terminal)
    {
        let _ = writeln!(out, "  outcomes:");
        let rows: Vec<Vec<String>> = outcomes
            .iter()
            .map(|(x, p)| {
                let pays: Vec<String> = tree.payoffs(*x).iter().map(|q| style.fmt(q)).collect();
                vec![format!("p = {}", style.fmt(p)), tree.path_to(*x), format!("({})", pays.join(", "))]
            })
            .collect();
        out.push_str(&table(&rows, "    "));
    }
    if let Some(r) = regime {
        let _ = writeln!(out, "  regime:   {r}");
    }
    if quiet {
        return out;
    }
    let _ = writeln!(out, "  strategy at every decision node (off the path too):");
    let mut rows = vec![vec!["node".to_string(), "player".into(), "where".into(), "action".into()]];
    let mut listed = 0;
    let mut total = 0;
    for x in 0..tree.len() as NodeId {
        if tree.kind(x) != NodeKind::Decision {
            continue;
        }
        total += 1;
        if listed >= MAX_TEXT_ROWS {
            continue;
        }
        listed += 1;
        let h = tree.infoset_of(x);
        let acts: Vec<String> = (0..tree.n_children(x) as u32)
            .filter_map(|a| {
                let p = e.profile.prob(h, a);
                if p.is_zero() {
                    None
                } else if p.is_one() {
                    Some(tree.actions(h)[a as usize].clone())
                } else {
                    Some(format!("{} ({})", tree.actions(h)[a as usize], style.fmt(&p)))
                }
            })
            .collect();
        let place = labelled_place(tree, x);
        rows.push(vec![x.to_string(), tree.players()[tree.player_of(x)].clone(), place, acts.join(", ")]);
    }
    out.push_str(&table(&rows, "    "));
    if total > listed {
        let _ = writeln!(out, "    … {} more decision nodes (use --format json for all)", total - listed);
    }
    if e.ties.is_empty() && matches!(e.profile, redline_solver::Profile::Behavior(_)) {
        // Mixed moves are indifferences by nature; ties are not tracked inside mixed subgames.
    } else if e.ties.is_empty() {
        let _ = writeln!(out, "  ties:     none (the choice at every node is strict)");
    } else {
        let _ = writeln!(
            out,
            "  ties (the mover is indifferent; other equilibria choose differently, see --all):"
        );
        let header = vec!["node".to_string(), "player".into(), "where".into(), "tied actions".into()];
        let rows: Vec<Vec<String>> = std::iter::once(header)
            .chain(e.ties.iter().map(|t| {
                let h = tree.infoset_of(t.node);
                let acts: Vec<&str> =
                    t.actions.iter().map(|&a| tree.actions(h)[a as usize].as_str()).collect();
                vec![
                    t.node.to_string(),
                    tree.players()[tree.player_of(t.node)].clone(),
                    labelled_place(tree, t.node),
                    format!("{} tie; chose {}", acts.join(" ~ "), tree.actions(h)[t.chosen as usize]),
                ]
            }))
            .collect();
        out.push_str(&table(&rows, "    "));
    }
    let scope = match e.kind {
        redline_solver::Kind::Nash => "",
        redline_solver::Kind::SubgamePerfect => " in any subgame",
        redline_solver::Kind::Sequential => " at any information set, given the beliefs there",
    };
    let _ = writeln!(
        out,
        "  verified: exact regret {} (no player gains by deviating{scope})",
        style.fmt(&e.regret)
    );
    out
}

/// The backward-induction steps in words, for teaching.
pub fn explain(tree: &Tree, e: &Equilibrium, style: NumberStyle, limit: usize) -> String {
    let values = play::node_values(tree, &e.profile);
    let mut out = String::from("How backward induction solves it (children before parents):\n");
    let order = play::explanation_order(tree);
    for (step, &x) in order.iter().enumerate() {
        if step >= limit {
            let _ = writeln!(out, "  … {} more steps", order.len() - limit);
            break;
        }
        let fmt_vec = |v: &[Q]| -> String {
            let parts: Vec<String> = v.iter().map(|q| style.fmt(q)).collect();
            format!("({})", parts.join(", "))
        };
        let place = labelled_place(tree, x);
        match tree.kind(x) {
            NodeKind::Chance => {
                let parts: Vec<String> = tree
                    .children(x)
                    .zip(tree.chance_probs(x))
                    .zip(tree.chance_labels(x))
                    .map(|((c, p), l)| {
                        format!("{l} (p = {}) gives {}", style.fmt(p), fmt_vec(&values[c as usize]))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "  {}. At the chance node {place}: {}; expected payoffs {}.",
                    step + 1,
                    parts.join(", "),
                    fmt_vec(&values[x as usize])
                );
            }
            NodeKind::Decision => {
                let i = tree.player_of(x);
                let h = tree.infoset_of(x);
                let parts: Vec<String> = tree
                    .children(x)
                    .enumerate()
                    .map(|(k, c)| {
                        format!("{} gives {}", tree.actions(h)[k], style.fmt(&values[c as usize][i]))
                    })
                    .collect();
                let chosen: Vec<&str> = (0..tree.n_children(x) as u32)
                    .filter(|&a| !e.profile.prob(h, a).is_zero())
                    .map(|a| tree.actions(h)[a as usize].as_str())
                    .collect();
                let tie = e.ties.iter().any(|t| t.node == x);
                let _ = writeln!(
                    out,
                    "  {}. At {}'s node {place}: {}, so {}{}.",
                    step + 1,
                    tree.players()[i],
                    parts.join(", "),
                    chosen.join(" and "),
                    if tie { " (a tie: several actions are equally good)" } else { "" }
                );
            }
            NodeKind::Terminal => {}
        }
    }
    out
}
