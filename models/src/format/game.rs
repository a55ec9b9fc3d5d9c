//! redline's own game schema, in RON (`.ron`) and JSON (`.json`).
//!
//! The schema is documented for users in `docs/format.md`. In short:
//! ```text
//! Game(
//!     title: "Entry deterrence",
//!     players: ["Entrant", "Incumbent"],
//!     parameters: { "c": (default: 3, description: "the incumbent's cost of a fight") },
//!     root: Decision(player: "Entrant", actions: {
//!         "enter": Decision(player: "Incumbent", actions: {
//!             "fight": Leaf(["-1", "-c"]),
//!             "accommodate": Leaf([1, 2]),
//!         }),
//!         "stay out": Leaf([0, 4]),
//!     }),
//! )
//! ```
//! A `nodes: [...]` list with `id`s may replace `root` (the flat form, for deep or generated trees).
//! JSON spells the same schema with objects: `{"Decision": {"player": ..., "actions": {...}}}`.
//!
//! Reading goes through [`crate::format::value`], so every error, including semantic ones found
//! after the tree is built (probabilities that do not sum to 1), names the line and column of the
//! value at fault. Numbers are read from their source text, so `0.1` is exactly 1/10.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::error::{Error, closest};
use crate::expr::Expr;
use crate::format::value::{self, Key, Kind, Pos, Value};
use crate::number::Q;
use crate::tree::{InfosetId, NodeId, NodeKind, Parameter, Tree, TreeBuilder};

/// Options for reading.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// The largest tree accepted.
    pub max_nodes: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions { max_nodes: 10_000_000 }
    }
}

pub(crate) fn at(pos: Pos, message: impl Into<String>) -> Error {
    Error::Syntax { line: pos.line, col: pos.col, message: message.into() }
}

/// Reads a game from RON or JSON text (both go through the same reader).
///
/// # Errors
/// [`Error::Syntax`] with the line and column of the problem.
pub fn read(text: &str, options: &ReadOptions) -> Result<Tree, Error> {
    let doc = value::parse(text).map_err(|e| at(e.pos, e.message))?;
    Reader::new(options).game(&doc)
}

/// Reads a tree from a parsed document (see [`crate::format::matrix::read_any`]).
pub(crate) fn read_doc(doc: &Value, options: &ReadOptions) -> Result<Tree, Error> {
    Reader::new(options).game(doc)
}

/// Fields of a struct-like value: a RON struct (named or not) or a JSON object.
fn fields(v: &Value) -> Option<&[(Key, Value)]> {
    match &v.kind {
        Kind::Struct { fields, .. } | Kind::Map(fields) => Some(fields),
        _ => None,
    }
}

/// An enum variant: `Name(...)` in RON, `{"Name": ...}` in JSON, or a bare `Name`.
fn variant(v: &Value) -> Option<(&str, Option<&Value>, Pos)> {
    match &v.kind {
        Kind::Struct { name: Some(n), .. } => Some((n, Some(v), v.pos)),
        Kind::Tuple { name: Some(n), items } if items.len() == 1 => Some((n, Some(&items[0]), v.pos)),
        Kind::Tuple { name: Some(n), .. } => Some((n, Some(v), v.pos)),
        Kind::Ident(n) => Some((n, None, v.pos)),
        Kind::Map(entries) if entries.len() == 1 => Some((&entries[0].0.name, Some(&entries[0].1), v.pos)),
        _ => None,
    }
}

pub(crate) struct FieldSet<'a> {
    what: &'static str,
    pos: Pos,
    fields: &'a [(Key, Value)],
}

impl<'a> FieldSet<'a> {
    pub(crate) fn new(v: &'a Value, what: &'static str, allowed: &[&str]) -> Result<FieldSet<'a>, Error> {
        let fields =
            fields(v).ok_or_else(|| at(v.pos, format!("expected {what}, found {}", v.kind_name())))?;
        for (i, (k, _)) in fields.iter().enumerate() {
            if !allowed.contains(&k.name.as_str()) {
                let hint = closest(&k.name, allowed.iter().copied())
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                return Err(at(k.pos, format!("unknown field `{}` in {what}{hint}", k.name)));
            }
            if fields[..i].iter().any(|(k2, _)| k2.name == k.name) {
                return Err(at(k.pos, format!("field `{}` is given twice", k.name)));
            }
        }
        Ok(FieldSet { what, pos: v.pos, fields })
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.fields.iter().find(|(k, _)| k.name == name).map(|(_, v)| v)
    }

    pub(crate) fn require(&self, name: &str) -> Result<&'a Value, Error> {
        self.get(name).ok_or_else(|| at(self.pos, format!("{} needs a `{name}` field", self.what)))
    }

    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match &v.kind {
                Kind::Str(s) => Ok(Some(s.clone())),
                _ => Err(at(v.pos, format!("`{name}` must be a string, found {}", v.kind_name()))),
            },
        }
    }
}

/// A map of labelled entries: `{ "label": value, ... }` (RON map or JSON object).
fn labelled<'a>(v: &'a Value, what: &str) -> Result<&'a [(Key, Value)], Error> {
    match &v.kind {
        Kind::Map(entries) => {
            for (i, (k, _)) in entries.iter().enumerate() {
                if entries[..i].iter().any(|(k2, _)| k2.name == k.name) {
                    return Err(at(k.pos, format!("{what} label `{}` is used twice at one node", k.name)));
                }
            }
            if entries.is_empty() {
                return Err(at(v.pos, format!("a node needs at least one {what}")));
            }
            Ok(entries)
        }
        _ => Err(at(
            v.pos,
            format!("expected a map of {what}s ({{ \"label\": ... }}), found {}", v.kind_name()),
        )),
    }
}

pub(crate) fn list<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], Error> {
    match &v.kind {
        Kind::List(items) => Ok(items),
        Kind::Tuple { name: None, items } => Ok(items),
        _ => Err(at(v.pos, format!("expected a list of {what}, found {}", v.kind_name()))),
    }
}

fn number(v: &Value, what: &str) -> Result<Q, Error> {
    let text = match &v.kind {
        Kind::Num(t) | Kind::Str(t) => t,
        _ => return Err(at(v.pos, format!("{what} must be a number, found {}", v.kind_name()))),
    };
    Q::parse_exact(text).map_err(|e| at(v.pos, format!("{what}: {e}")))
}

/// A payoff or probability: a number, or an expression in quotes over the declared `params`.
pub(crate) fn expr(params: &[String], v: &Value, what: &str) -> Result<Expr, Error> {
    let (text, offset) = match &v.kind {
        Kind::Num(t) => (t.as_str(), 0),
        Kind::Str(t) => (t.as_str(), 1),
        _ => {
            return Err(at(
                v.pos,
                format!("{what} must be a number or an expression in quotes, found {}", v.kind_name()),
            ));
        }
    };
    let e = Expr::parse(text).map_err(|e| {
        at(
            Pos { line: v.pos.line, col: v.pos.col + offset + e.column as u32 - 1 },
            format!("{what}: {}", e.message),
        )
    })?;
    for name in e.parameters() {
        if !params.iter().any(|p| p == name) {
            let hint = closest(name, params.iter().map(String::as_str))
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            return Err(at(v.pos, format!("unknown parameter `{name}` in {what} `{text}`{hint}")));
        }
    }
    if e.parameters().is_empty() {
        e.eval(|_| None).map_err(|err| at(v.pos, format!("{what}: {err}")))?;
    }
    Ok(e)
}

/// One parameter of the `parameters` map: a bare default value, or `(default: …, description: …,
/// min: …, max: …, integer: …)`.
pub(crate) fn parameter(k: &Key, pv: &Value) -> Result<Parameter, Error> {
    if !is_identifier(&k.name) {
        return Err(at(k.pos, format!("parameter name `{}` is not a name (letters, digits, `_`)", k.name)));
    }
    let p = match &pv.kind {
        Kind::Num(_) | Kind::Str(_) => Parameter::new(&k.name, number(pv, "a parameter's value")?, ""),
        _ => {
            let f = FieldSet::new(pv, "a parameter", &["default", "description", "min", "max", "integer"])?;
            let default = number(f.require("default")?, "`default`")?;
            let mut p = Parameter::new(&k.name, default, &f.string("description")?.unwrap_or_default());
            p.min = f.get("min").map(|m| number(m, "`min`")).transpose()?;
            p.max = f.get("max").map(|m| number(m, "`max`")).transpose()?;
            if let Some(iv) = f.get("integer") {
                match iv.kind {
                    Kind::Bool(x) => p.integer = x,
                    _ => return Err(at(iv.pos, "`integer` must be true or false")),
                }
            }
            p
        }
    };
    Ok(p)
}

struct Reader {
    max_nodes: usize,
    /// Source position of each node, for errors found after building.
    node_pos: Vec<Pos>,
    params: Vec<String>,
}

impl Reader {
    fn new(options: &ReadOptions) -> Reader {
        Reader { max_nodes: options.max_nodes, node_pos: Vec::new(), params: Vec::new() }
    }

    fn game(mut self, doc: &Value) -> Result<Tree, Error> {
        if let Kind::Struct { name: Some(n), .. } = &doc.kind
            && n != "Game"
        {
            return Err(at(doc.pos, format!("expected `Game(...)`, found `{n}(...)`")));
        }
        let f = FieldSet::new(
            doc,
            "a game",
            &["title", "description", "players", "parameters", "root", "nodes"],
        )?;
        let title = f.string("title")?.unwrap_or_default();
        let players_v = f.require("players")?;
        let mut players = Vec::new();
        for p in list(players_v, "player names")? {
            match &p.kind {
                Kind::Str(s) if !s.is_empty() => {
                    if players.contains(s) {
                        return Err(at(p.pos, format!("player name `{s}` is used twice")));
                    }
                    players.push(s.clone());
                }
                _ => {
                    return Err(at(
                        p.pos,
                        format!("a player name must be a non-empty string, found {}", p.kind_name()),
                    ));
                }
            }
        }
        if players.is_empty() {
            return Err(at(players_v.pos, "a game needs at least one player"));
        }
        let mut b = TreeBuilder::new(title, players);
        b.set_max_nodes(self.max_nodes);
        // Absent-minded information sets (a node and its descendant) are a game a file may describe;
        // they fail the perfect-recall check, which the methods that need it report.
        b.allow_absent_mindedness();
        if let Some(d) = f.string("description")? {
            b.set_description(d);
        }
        if let Some(pv) = f.get("parameters") {
            self.parameters(&mut b, pv)?;
        }
        let root = f.get("root");
        let nodes = f.get("nodes");
        let mut infosets: HashMap<(usize, String), (InfosetId, Pos)> = HashMap::new();
        match (root, nodes) {
            (Some(r), None) => self.nested(&mut b, r, &mut infosets)?,
            (None, Some(n)) => self.flat(&mut b, n, &mut infosets)?,
            (Some(r), Some(_)) => {
                return Err(at(r.pos, "give either `root` (nested form) or `nodes` (flat form), not both"));
            }
            (None, None) => return Err(at(doc.pos, "a game needs a `root` node (or a `nodes` list)")),
        }
        let pos = std::mem::take(&mut self.node_pos);
        b.finish().map_err(|e| match e {
            Error::AtNode { node, message, .. } => match pos.get(node as usize) {
                Some(&p) => at(p, message),
                None => Error::AtNode { node, path: String::new(), message },
            },
            other => other,
        })
    }

    fn parameters(&mut self, b: &mut TreeBuilder, v: &Value) -> Result<(), Error> {
        let entries = match &v.kind {
            Kind::Map(e) => e,
            _ => {
                return Err(at(
                    v.pos,
                    format!("`parameters` must be a map from names to values, found {}", v.kind_name()),
                ));
            }
        };
        for (k, pv) in entries {
            let p = parameter(k, pv)?;
            b.add_parameter(p).map_err(|e| at(k.pos, e.to_string()))?;
            self.params.push(k.name.clone());
        }
        Ok(())
    }

    fn expr(&self, v: &Value, what: &str) -> Result<Expr, Error> {
        expr(&self.params, v, what)
    }

    fn record(&mut self, b: &TreeBuilder, pos: Pos) {
        debug_assert_eq!(b.len(), self.node_pos.len() + 1, "one position per node");
        self.node_pos.push(pos);
    }

    fn player(players: &[String], v: &Value) -> Result<usize, Error> {
        match &v.kind {
            Kind::Str(s) => players.iter().position(|p| p == s).ok_or_else(|| {
                let hint = closest(s, players.iter().map(String::as_str))
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                at(v.pos, format!("unknown player `{s}`{hint}"))
            }),
            _ => Err(at(v.pos, format!("`player` must be a player's name, found {}", v.kind_name()))),
        }
    }

    fn decision_infoset(
        b: &mut TreeBuilder,
        infosets: &mut HashMap<(usize, String), (InfosetId, Pos)>,
        player: usize,
        name: Option<String>,
        labels: &[&str],
        pos: Pos,
    ) -> Result<InfosetId, Error> {
        let acts = b.actions(labels).map_err(|e| at(pos, e.to_string()))?;
        let Some(name) = name else {
            return b.infoset(player, "", acts).map_err(|e| at(pos, e.to_string()));
        };
        if let Some(&(h, first)) = infosets.get(&(player, name.clone())) {
            let (_, existing) = b.infoset_info(h);
            if existing != acts {
                return Err(at(
                    pos,
                    format!(
                        "information set `{name}` has actions [{}] at line {}, but [{}] here",
                        b.action_labels(existing).join(", "),
                        first.line,
                        labels.join(", ")
                    ),
                ));
            }
            return Ok(h);
        }
        if let Some((_, (_, first))) = infosets.iter().find(|((_, n), _)| *n == name) {
            return Err(at(
                pos,
                format!("information set `{name}` (line {}) belongs to another player", first.line),
            ));
        }
        let h = b.infoset(player, &name, acts).map_err(|e| at(pos, e.to_string()))?;
        infosets.insert((player, name), (h, pos));
        Ok(h)
    }

    /// Emits one node (nested or flat) and returns its children in order.
    fn emit<'v>(
        &mut self,
        b: &mut TreeBuilder,
        v: &'v Value,
        infosets: &mut HashMap<(usize, String), (InfosetId, Pos)>,
        players: &[String],
    ) -> Result<Vec<&'v Value>, Error> {
        let (name, body, pos) = variant(v).ok_or_else(|| {
            at(v.pos, format!("expected a node (`Decision`, `Chance` or `Leaf`), found {}", v.kind_name()))
        })?;
        let body = body.ok_or_else(|| at(pos, format!("`{name}` needs its contents in parentheses")))?;
        let too_many = |e: Error| match e {
            Error::TooManyNodes { .. } => e,
            other => at(pos, other.to_string()),
        };
        match name {
            "Decision" => {
                let f = FieldSet::new(body, "a decision node", &["player", "actions", "label", "infoset"])?;
                let player = Self::player(players, f.require("player")?)?;
                let actions = labelled(f.require("actions")?, "action")?;
                let labels: Vec<&str> = actions.iter().map(|(k, _)| k.name.as_str()).collect();
                let h = Self::decision_infoset(b, infosets, player, f.string("infoset")?, &labels, pos)?;
                let x = b.decision(h).map_err(too_many)?;
                self.record(b, pos);
                if let Some(l) = f.string("label")? {
                    b.set_label(x, &l);
                }
                Ok(actions.iter().map(|(_, c)| c).collect())
            }
            "Chance" => {
                let f = FieldSet::new(body, "a chance node", &["outcomes", "label"])?;
                let outs = labelled(f.require("outcomes")?, "outcome")?;
                let mut probs = Vec::with_capacity(outs.len());
                let mut kids = Vec::with_capacity(outs.len());
                for (k, ov) in outs {
                    let items = match &ov.kind {
                        Kind::Tuple { name: None, items } | Kind::List(items) if items.len() == 2 => items,
                        _ => {
                            return Err(at(
                                ov.pos,
                                format!(
                                    "outcome `{}` must be (probability, node), found {}",
                                    k.name,
                                    ov.kind_name()
                                ),
                            ));
                        }
                    };
                    probs.push((k.name.clone(), self.expr(&items[0], "a probability")?));
                    kids.push(&items[1]);
                }
                let x = b.chance(probs).map_err(too_many)?;
                self.record(b, pos);
                if let Some(l) = f.string("label")? {
                    b.set_label(x, &l);
                }
                Ok(kids)
            }
            "Leaf" => {
                let (payoffs_v, label) = match &body.kind {
                    Kind::List(_) => (body, None),
                    Kind::Tuple { name: None, .. } => (body, None),
                    _ => {
                        let f = FieldSet::new(body, "a leaf", &["payoffs", "label"])?;
                        (f.require("payoffs")?, f.string("label")?)
                    }
                };
                let items = list(payoffs_v, "payoffs")?;
                if items.len() != players.len() {
                    return Err(at(
                        payoffs_v.pos,
                        format!(
                            "a leaf needs {} payoff{} (one per player), found {}",
                            players.len(),
                            if players.len() == 1 { "" } else { "s" },
                            items.len()
                        ),
                    ));
                }
                let pays = items.iter().map(|p| self.expr(p, "a payoff")).collect::<Result<Vec<_>, _>>()?;
                let x = b.terminal(pays).map_err(too_many)?;
                self.record(b, pos);
                if let Some(l) = label {
                    b.set_label(x, &l);
                }
                Ok(Vec::new())
            }
            other => {
                let hint = closest(other, ["Decision", "Chance", "Leaf"])
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                Err(at(pos, format!("unknown node kind `{other}`{hint}")))
            }
        }
    }

    fn nested(
        &mut self,
        b: &mut TreeBuilder,
        root: &Value,
        infosets: &mut HashMap<(usize, String), (InfosetId, Pos)>,
    ) -> Result<(), Error> {
        let players: Vec<String> = (0..b.n_players()).map(|i| b.player_name(i).to_string()).collect();
        let mut stack: Vec<&Value> = vec![root];
        while let Some(v) = stack.pop() {
            let kids = self.emit(b, v, infosets, &players)?;
            stack.extend(kids.into_iter().rev());
        }
        Ok(())
    }

    fn flat(
        &mut self,
        b: &mut TreeBuilder,
        nodes_v: &Value,
        infosets: &mut HashMap<(usize, String), (InfosetId, Pos)>,
    ) -> Result<(), Error> {
        let players: Vec<String> = (0..b.n_players()).map(|i| b.player_name(i).to_string()).collect();
        let items = list(nodes_v, "nodes")?;
        if items.is_empty() {
            return Err(at(nodes_v.pos, "`nodes` is empty: a game needs at least one node"));
        }
        // Index the nodes by id and turn each into a nested-looking value whose children are ids.
        let mut ids: HashMap<&str, usize> = HashMap::with_capacity(items.len());
        let mut bodies: Vec<(&Value, &Value)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let f = FieldSet::new(item, "a node", &["id", "node"])?;
            let idv = f.require("id")?;
            let id = match &idv.kind {
                Kind::Str(s) => s.as_str(),
                Kind::Num(s) => s.as_str(),
                _ => return Err(at(idv.pos, format!("`id` must be a string, found {}", idv.kind_name()))),
            };
            if ids.insert(id, i).is_some() {
                return Err(at(idv.pos, format!("node id `{id}` is used twice")));
            }
            bodies.push((idv, f.require("node")?));
        }
        let mut visited = vec![false; items.len()];
        let mut stack: Vec<usize> = vec![0];
        while let Some(i) = stack.pop() {
            visited[i] = true;
            let kids = self.emit(b, bodies[i].1, infosets, &players)?;
            let mut next = Vec::with_capacity(kids.len());
            for k in kids {
                let id = match &k.kind {
                    Kind::Str(s) | Kind::Num(s) => s.as_str(),
                    _ => {
                        return Err(at(
                            k.pos,
                            format!("in the flat form a child is a node id, found {}", k.kind_name()),
                        ));
                    }
                };
                let j = *ids.get(id).ok_or_else(|| at(k.pos, format!("node id `{id}` is not defined")))?;
                if visited[j] || next.contains(&j) {
                    return Err(at(
                        k.pos,
                        format!(
                            "node `{id}` is used as a child twice (a cycle or a shared subtree; a tree needs each node once)"
                        ),
                    ));
                }
                if j == 0 {
                    return Err(at(
                        k.pos,
                        format!("node `{id}` is the root and cannot be a child (a cycle)"),
                    ));
                }
                next.push(j);
            }
            // Mark now so that a later sibling subtree cannot reuse these nodes.
            for &j in &next {
                visited[j] = true;
            }
            stack.extend(next.into_iter().rev());
        }
        if let Some(i) = (0..items.len()).find(|&i| !visited[i]) {
            return Err(at(bodies[i].0.pos, "this node is not reachable from the root (the first node)"));
        }
        Ok(())
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Which text format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// RON.
    Ron,
    /// JSON.
    Json,
}

/// Trees deeper than this are written in the flat form (the reader's nesting limit is 256 levels,
/// and each tree level takes a few).
const NESTED_DEPTH_LIMIT: usize = 60;

/// Writes a tree in redline's schema. Payoffs and probabilities are written as their expressions when
/// the tree has them, otherwise as exact numbers.
#[must_use]
pub fn write(tree: &Tree, syntax: Syntax) -> String {
    let mut label_count = std::collections::HashMap::new();
    for h in tree.infosets() {
        *label_count.entry(&*h.label).or_insert(0usize) += 1;
    }
    let write_infosets = !tree.is_perfect_information();
    let mut w =
        Writer { tree, json: syntax == Syntax::Json, out: String::new(), write_infosets, label_count };
    w.game();
    w.out
}

struct Writer<'t> {
    tree: &'t Tree,
    json: bool,
    out: String,
    /// Whether to write `infoset` names (computed once: the test is O(N)).
    write_infosets: bool,
    /// How many information sets carry each label (a shared label is replaced by a unique name).
    label_count: std::collections::HashMap<&'t str, usize>,
}

pub(crate) fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

impl Writer<'_> {
    fn num_or_expr(&self, q: &Q, e: Option<&Expr>) -> String {
        match e {
            Some(e) if e.as_constant().is_none() => quote(e.text()),
            _ => quote(&q.to_string()),
        }
    }

    fn open_struct(&mut self, name: &str) {
        if self.json {
            let _ = write!(self.out, "{{{}: {{", quote(name));
        } else {
            let _ = write!(self.out, "{name}(");
        }
    }

    fn close_struct(&mut self) {
        self.out.push_str(if self.json { "}}" } else { ")" });
    }

    fn field(&mut self, name: &str) {
        if self.json {
            let _ = write!(self.out, "{}: ", quote(name));
        } else {
            let _ = write!(self.out, "{name}: ");
        }
    }

    fn indent(&mut self, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str("    ");
        }
    }

    fn game(&mut self) {
        let t = self.tree;
        if self.json {
            self.out.push('{');
        } else {
            self.out.push_str("Game(");
        }
        self.indent(1);
        self.field("title");
        self.out.push_str(&quote(&t.title));
        self.out.push(',');
        if !t.description.is_empty() {
            self.indent(1);
            self.field("description");
            self.out.push_str(&quote(&t.description));
            self.out.push(',');
        }
        self.indent(1);
        self.field("players");
        let players: Vec<String> = t.players().iter().map(|p| quote(p)).collect();
        let _ = write!(self.out, "[{}],", players.join(", "));
        if !t.parameters().is_empty() {
            self.indent(1);
            self.field("parameters");
            self.out.push('{');
            for (p, v) in t.parameters().iter().zip(t.parameter_values()) {
                self.indent(2);
                let _ = write!(self.out, "{}: ", quote(&p.name));
                if self.json {
                    self.out.push('{');
                } else {
                    self.out.push('(');
                }
                self.field("default");
                self.out.push_str(&quote(&v.to_string()));
                if !p.description.is_empty() {
                    self.out.push_str(", ");
                    self.field("description");
                    self.out.push_str(&quote(&p.description));
                }
                for (name, bound) in [("min", &p.min), ("max", &p.max)] {
                    if let Some(b) = bound {
                        self.out.push_str(", ");
                        self.field(name);
                        self.out.push_str(&quote(&b.to_string()));
                    }
                }
                if p.integer {
                    self.out.push_str(", ");
                    self.field("integer");
                    self.out.push_str("true");
                }
                self.out.push_str(if self.json { "}," } else { ")," });
            }
            if self.json && self.out.ends_with(',') {
                self.out.pop();
            }
            self.indent(1);
            self.out.push_str("},");
        }
        let depth = max_depth(t);
        self.indent(1);
        if depth <= NESTED_DEPTH_LIMIT {
            self.field("root");
            self.nested();
        } else {
            self.field("nodes");
            self.flat();
        }
        if self.json {
            self.indent(0);
            self.out.push_str("}\n");
        } else {
            self.out.push(',');
            self.indent(0);
            self.out.push_str(")\n");
        }
    }

    /// The contents of node `x` up to (not including) its children.
    fn node_head(&mut self, x: NodeId) {
        let t = self.tree;
        match t.kind(x) {
            NodeKind::Terminal => {
                self.open_struct("Leaf");
                self.field("payoffs");
                let exprs = t.payoff_exprs(x);
                let pays: Vec<String> = t
                    .payoffs(x)
                    .iter()
                    .enumerate()
                    .map(|(i, q)| self.num_or_expr(q, exprs.map(|e| &e[i])))
                    .collect();
                let _ = write!(self.out, "[{}]", pays.join(", "));
                if !t.node_label(x).is_empty() {
                    self.out.push_str(", ");
                    self.field("label");
                    self.out.push_str(&quote(t.node_label(x)));
                }
            }
            NodeKind::Decision => {
                self.open_struct("Decision");
                self.field("player");
                self.out.push_str(&quote(&t.players()[t.player_of(x)]));
                let h = t.infoset_of(x);
                if self.write_infosets {
                    self.out.push_str(", ");
                    self.field("infoset");
                    // The reader joins nodes by (player, name) and refuses one name for two players,
                    // so a label shared by several information sets is replaced by a unique name.
                    let label = &t.infosets()[h as usize].label;
                    let shared = self.label_count.get(&**label).copied().unwrap_or(0) > 1;
                    let name = if label.is_empty() || shared {
                        format!("{}#{}", t.players()[t.player_of(x)], t.infosets()[h as usize].number)
                    } else {
                        label.to_string()
                    };
                    self.out.push_str(&quote(&name));
                }
                if !t.node_label(x).is_empty() {
                    self.out.push_str(", ");
                    self.field("label");
                    self.out.push_str(&quote(t.node_label(x)));
                }
                self.out.push_str(", ");
                self.field("actions");
                self.out.push('{');
            }
            NodeKind::Chance => {
                self.open_struct("Chance");
                if !t.node_label(x).is_empty() {
                    self.field("label");
                    self.out.push_str(&quote(t.node_label(x)));
                    self.out.push_str(", ");
                }
                self.field("outcomes");
                self.out.push('{');
            }
        }
    }

    fn edge_head(&mut self, child: NodeId, depth: usize) {
        let t = self.tree;
        let p = t.parent(child).expect("edges lead to non-root nodes");
        self.indent(depth);
        let label = t.edge_label(child).to_string();
        let _ = write!(self.out, "{}: ", quote(&label));
        if t.kind(p) == NodeKind::Chance {
            let k = t.child_index(child);
            let prob = self.num_or_expr(&t.chance_probs(p)[k], t.prob_exprs(p).map(|e| &e[k]));
            if self.json {
                let _ = write!(self.out, "[{prob}, ");
            } else {
                let _ = write!(self.out, "({prob}, ");
            }
        }
    }

    fn edge_tail(&mut self, child: NodeId) {
        let t = self.tree;
        let p = t.parent(child).expect("edges lead to non-root nodes");
        if t.kind(p) == NodeKind::Chance {
            self.out.push_str(if self.json { "]" } else { ")" });
        }
        let last = t.end(child) == t.end(p);
        if !(self.json && last) {
            self.out.push(',');
        }
    }

    fn nested(&mut self) {
        let t = self.tree;
        // Explicit stack: Enter(x, depth) writes the head and schedules children then Exit.
        enum Step {
            Enter(NodeId, usize),
            Exit(NodeId, usize),
        }
        let mut stack = vec![Step::Enter(0, 1)];
        while let Some(s) = stack.pop() {
            match s {
                Step::Enter(x, depth) => {
                    if x != 0 {
                        self.edge_head(x, depth);
                    }
                    self.node_head(x);
                    if t.kind(x) == NodeKind::Terminal {
                        self.close_struct();
                        if x != 0 {
                            self.edge_tail(x);
                        }
                    } else {
                        stack.push(Step::Exit(x, depth));
                        let kids: Vec<NodeId> = t.children(x).collect();
                        for &c in kids.iter().rev() {
                            stack.push(Step::Enter(c, depth + 1));
                        }
                    }
                }
                Step::Exit(x, depth) => {
                    self.indent(depth);
                    self.out.push('}');
                    self.close_struct();
                    if x != 0 {
                        self.edge_tail(x);
                    }
                }
            }
        }
    }

    fn flat(&mut self) {
        let t = self.tree;
        self.out.push('[');
        for x in 0..t.len() as NodeId {
            self.indent(2);
            if self.json {
                let _ = write!(self.out, "{{\"id\": \"n{x}\", \"node\": ");
            } else {
                let _ = write!(self.out, "(id: \"n{x}\", node: ");
            }
            self.node_head(x);
            if t.kind(x) != NodeKind::Terminal {
                let kids: Vec<NodeId> = t.children(x).collect();
                for (i, &c) in kids.iter().enumerate() {
                    self.out.push(' ');
                    let label = t.edge_label(c).to_string();
                    let _ = write!(self.out, "{}: ", quote(&label));
                    let target = quote(&format!("n{c}"));
                    if t.kind(x) == NodeKind::Chance {
                        let prob = self.num_or_expr(&t.chance_probs(x)[i], t.prob_exprs(x).map(|e| &e[i]));
                        if self.json {
                            let _ = write!(self.out, "[{prob}, {target}]");
                        } else {
                            let _ = write!(self.out, "({prob}, {target})");
                        }
                    } else {
                        self.out.push_str(&target);
                    }
                    if !(self.json && i + 1 == kids.len()) {
                        self.out.push(',');
                    }
                }
                self.out.push_str(" }");
            }
            self.close_struct();
            self.out.push_str(if self.json { "}" } else { ")" });
            if !(self.json && x as usize + 1 == t.len()) {
                self.out.push(',');
            }
        }
        self.indent(1);
        self.out.push(']');
    }
}

/// The depth of the deepest node (the root has depth 0).
#[must_use]
pub fn max_depth(t: &Tree) -> usize {
    let mut depth = vec![0u32; t.len()];
    let mut best = 0;
    for x in 1..t.len() as NodeId {
        let p = t.parent(x).expect("non-root nodes have parents");
        depth[x as usize] = depth[p as usize] + 1;
        best = best.max(depth[x as usize]);
    }
    best as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = r#"
// Selten's entry deterrence.
Game(
    title: "Entry deterrence",
    players: ["Entrant", "Incumbent"],
    parameters: { "c": (default: 3, description: "cost of a fight") },
    root: Decision(player: "Entrant", actions: {
        "enter": Decision(player: "Incumbent", actions: {
            "fight": Leaf(["-1", "-c"]),
            "accommodate": Leaf([1, 2]),
        }),
        "stay out": Leaf(payoffs: [0, 4], label: "out"),
    }),
)
"#;

    fn read_ok(text: &str) -> Tree {
        read(text, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn read_err(text: &str) -> String {
        read(text, &ReadOptions::default()).unwrap_err().to_string()
    }

    #[test]
    fn reads_nested_ron() {
        let t = read_ok(ENTRY);
        assert_eq!(t.len(), 5);
        assert_eq!(t.payoffs(2)[1].to_string(), "-3");
        assert_eq!(t.node_label(4), "out");
        assert_eq!(t.parameters()[0].description, "cost of a fight");
    }

    #[test]
    fn round_trips_through_ron_and_json() {
        let t = read_ok(ENTRY);
        for syntax in [Syntax::Ron, Syntax::Json] {
            let text = write(&t, syntax);
            let back = read_ok(&text);
            assert_eq!(write(&back, syntax), text, "{syntax:?}");
            assert_eq!(back.payoffs(2), t.payoffs(2));
            assert_eq!(back.payoff_exprs(2).unwrap()[1].text(), "-c");
        }
    }

    #[test]
    fn reads_exact_decimals_and_chance() {
        let t = read_ok(
            r#"Game(players: ["A"], root: Chance(outcomes: {
                "h": (0.1, Leaf([1])), "t": ("9/10", Leaf([0.3])) }))"#,
        );
        assert_eq!(t.chance_probs(0)[0].to_string(), "1/10");
        assert_eq!(t.payoffs(2)[0].to_string(), "3/10");
    }

    #[test]
    fn flat_form_and_its_errors() {
        let t = read_ok(
            r#"Game(players: ["A"], nodes: [
                (id: "r", node: Decision(player: "A", actions: {"l": "x", "r": "y"})),
                (id: "x", node: Leaf([1])),
                (id: "y", node: Leaf([2])),
            ])"#,
        );
        assert_eq!(t.len(), 3);
        let cyc = r#"Game(players: ["A"], nodes: [
            (id: "r", node: Decision(player: "A", actions: {"l": "r"})),
        ])"#;
        assert_eq!(
            read_err(cyc),
            "2:66: node `r` is used as a child twice (a cycle or a shared subtree; a tree needs each node once)"
        );
        let dangling =
            r#"Game(players: ["A"], nodes: [(id: "r", node: Decision(player: "A", actions: {"l": "zz"}))])"#;
        assert_eq!(read_err(dangling), "1:83: node id `zz` is not defined");
        let unreachable =
            r#"Game(players: ["A"], nodes: [(id: "r", node: Leaf([1])), (id: "q", node: Leaf([2]))])"#;
        assert_eq!(read_err(unreachable), "1:63: this node is not reachable from the root (the first node)");
    }

    #[test]
    fn errors_name_line_and_column() {
        let bad_prob = r#"Game(players: ["A"],
  root: Chance(outcomes: { "h": ("1/2", Leaf([1])), "t": ("2/5", Leaf([0])) }))"#;
        assert_eq!(read_err(bad_prob), "2:9: chance probabilities sum to 9/10, not 1");
        let unknown =
            r#"Game(players: ["A", "B"], root: Decision(player: "C", actions: {"x": Leaf([1, 2])}))"#;
        assert_eq!(read_err(unknown), "1:50: unknown player `C`");
        let arity = r#"Game(players: ["A", "B"], root: Leaf([1]))"#;
        assert_eq!(read_err(arity), "1:38: a leaf needs 2 payoffs (one per player), found 1");
        let param = r#"Game(players: ["A"], parameters: {"cost": 1}, root: Leaf(["cots + 1"]))"#;
        assert_eq!(
            read_err(param),
            "1:59: unknown parameter `cots` in a payoff `cots + 1` (did you mean `cost`?)"
        );
        let dup =
            r#"Game(players: ["A"], root: Decision(player: "A", actions: {"x": Leaf([1]), "x": Leaf([2])}))"#;
        assert_eq!(read_err(dup), "1:76: action label `x` is used twice at one node");
        let empty = r#"Game(players: ["A"], root: Decision(player: "A", actions: {}))"#;
        assert_eq!(read_err(empty), "1:59: a node needs at least one action");
        let number = r#"Game(players: ["A"], root: Leaf(["1/0"]))"#;
        assert_eq!(read_err(number), "1:34: a payoff: division by zero in `1/0`");
        let expr = r#"Game(players: ["A"], root: Leaf(["2 * * 3"]))"#;
        assert_eq!(read_err(expr), "1:39: a payoff: unexpected `*` where a number or a parameter belongs");
        let field = r#"Game(players: ["A"], root: Leaf([1]), titel: "x")"#;
        assert_eq!(read_err(field), "1:39: unknown field `titel` in a game (did you mean `title`?)");
        let kind = r#"Game(players: ["A"], root: Leef([1]))"#;
        assert_eq!(read_err(kind), "1:28: unknown node kind `Leef` (did you mean `Leaf`?)");
    }

    #[test]
    fn infosets_join_by_name() {
        let t = read_ok(
            r#"Game(players: ["A", "B"], root: Decision(player: "A", actions: {
                "l": Decision(player: "B", infoset: "b", actions: {"x": Leaf([1, 0]), "y": Leaf([0, 1])}),
                "r": Decision(player: "B", infoset: "b", actions: {"x": Leaf([0, 1]), "y": Leaf([1, 0])}),
            }))"#,
        );
        assert!(!t.is_perfect_information());
        assert_eq!(t.infosets().len(), 2);
        let bad = r#"Game(players: ["A", "B"], root: Decision(player: "A", actions: {
                "l": Decision(player: "B", infoset: "b", actions: {"x": Leaf([1, 0]), "y": Leaf([0, 1])}),
                "r": Decision(player: "B", infoset: "b", actions: {"y": Leaf([0, 1]), "x": Leaf([1, 0])}),
            }))"#;
        assert_eq!(read_err(bad), "3:22: information set `b` has actions [x, y] at line 2, but [y, x] here");
    }

    #[test]
    fn deep_trees_use_the_flat_form() {
        let mut b = TreeBuilder::new("chain", vec!["A".into()]);
        let acts = b.actions(&["stop", "go"]).unwrap();
        for _ in 0..500 {
            b.decision_new(0, acts).unwrap();
            b.terminal_values(&[Q::zero()]).unwrap();
        }
        b.terminal_values(&[Q::one()]).unwrap();
        let t = b.finish().unwrap();
        let text = write(&t, Syntax::Ron);
        assert!(text.contains("nodes: ["));
        let back = read_ok(&text);
        assert_eq!(back.len(), t.len());
        let json = write(&t, Syntax::Json);
        assert_eq!(read_ok(&json).len(), t.len());
    }
}
