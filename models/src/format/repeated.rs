//! Repeated games in RON or JSON: a stage game plus a doctrine written as an automaton
//! (`docs/format.md`, "Repeated games"). Errors carry the line and column of the offending value.
//!
//! ```ron
//! RepeatedGame(
//!     players: ["Side A", "Side B"],
//!     actions: [["hold", "strike"], ["hold", "strike"]],
//!     parameters: { "delta": (default: "9/10", min: 0, max: 1) },
//!     stage: [(["hold", "hold"], [3, 3]), (["strike", "hold"], [5, 0]),
//!             (["hold", "strike"], [0, 5]), (["strike", "strike"], [1, 1])],
//!     states: [
//!         (name: "ceasefire", play: ["hold", "hold"], next: [(["hold", "hold"], "ceasefire"), (["_", "_"], "war")]),
//!         (name: "war", play: ["strike", "strike"], next: [(["_", "_"], "war")]),
//!     ],
//! )
//! ```

use crate::error::{Error, closest};
use crate::expr::Expr;
use crate::format::value::{self, Key, Kind, Pos, Value};
use crate::number::Q;
use crate::repeated::{DELTA, MAX_STATES, RepeatedGame, State};
use crate::tree::Parameter;

fn at(pos: Pos, message: impl Into<String>) -> Error {
    Error::Syntax { line: pos.line, col: pos.col, message: message.into() }
}

/// Whether `text` holds a repeated game (`RepeatedGame(...)`, or a document with a `states` field)
/// rather than a game tree.
#[must_use]
pub fn is_repeated(text: &str) -> bool {
    match value::parse(text) {
        Ok(v) => match &v.kind {
            Kind::Struct { name: Some(n), .. } => n == "RepeatedGame",
            Kind::Struct { name: None, fields } | Kind::Map(fields) => {
                fields.iter().any(|(k, _)| k.name == "states")
            }
            _ => false,
        },
        Err(_) => false,
    }
}

fn fields<'a>(v: &'a Value, what: &str, allowed: &[&str]) -> Result<&'a [(Key, Value)], Error> {
    let fs = match &v.kind {
        Kind::Struct { fields, .. } | Kind::Map(fields) => fields,
        _ => return Err(at(v.pos, format!("expected {what}, found {}", v.kind_name()))),
    };
    for (i, (k, _)) in fs.iter().enumerate() {
        if !allowed.contains(&k.name.as_str()) {
            let hint = closest(&k.name, allowed.iter().copied())
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            return Err(at(k.pos, format!("unknown field `{}` in {what}{hint}", k.name)));
        }
        if fs[..i].iter().any(|(k2, _)| k2.name == k.name) {
            return Err(at(k.pos, format!("field `{}` is given twice", k.name)));
        }
    }
    Ok(fs)
}

fn get<'a>(fs: &'a [(Key, Value)], name: &str) -> Option<&'a Value> {
    fs.iter().find(|(k, _)| k.name == name).map(|(_, v)| v)
}

fn require<'a>(fs: &'a [(Key, Value)], name: &str, pos: Pos, what: &str) -> Result<&'a Value, Error> {
    get(fs, name).ok_or_else(|| at(pos, format!("{what} needs a `{name}` field")))
}

fn list<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], Error> {
    match &v.kind {
        Kind::List(items) | Kind::Tuple { name: None, items } => Ok(items),
        _ => Err(at(v.pos, format!("expected a list of {what}, found {}", v.kind_name()))),
    }
}

fn string(v: &Value, what: &str) -> Result<String, Error> {
    match &v.kind {
        Kind::Str(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(at(v.pos, format!("{what} must be a non-empty string, found {}", v.kind_name()))),
    }
}

fn number(v: &Value, what: &str) -> Result<Q, Error> {
    let text = match &v.kind {
        Kind::Num(t) | Kind::Str(t) => t,
        _ => return Err(at(v.pos, format!("{what} must be a number, found {}", v.kind_name()))),
    };
    Q::parse_exact(text).map_err(|e| at(v.pos, format!("{what}: {e}")))
}

/// A pair `[x, y]` (list or tuple) of exactly two values.
fn pair<'a>(v: &'a Value, what: &str) -> Result<[&'a Value; 2], Error> {
    let items = list(v, what)?;
    if items.len() != 2 {
        return Err(at(v.pos, format!("expected {what} for the two players, found {} values", items.len())));
    }
    Ok([&items[0], &items[1]])
}

/// Reads a repeated game.
///
/// # Errors
/// [`Error::Syntax`] with the line and column of the problem.
pub fn read(text: &str) -> Result<RepeatedGame, Error> {
    let doc = value::parse(text).map_err(|e| at(e.pos, e.message))?;
    if let Kind::Struct { name: Some(n), .. } = &doc.kind
        && n != "RepeatedGame"
    {
        return Err(at(doc.pos, format!("expected `RepeatedGame(...)`, found `{n}(...)`")));
    }
    let what = "a repeated game";
    let fs = fields(
        &doc,
        what,
        &["title", "description", "players", "actions", "parameters", "stage", "states", "initial"],
    )?;
    let title = get(fs, "title").map(|v| string(v, "`title`")).transpose()?.unwrap_or_default();
    let pv = require(fs, "players", doc.pos, what)?;
    let [p0, p1] = pair(pv, "player names")?;
    let players = [string(p0, "a player name")?, string(p1, "a player name")?];
    if players[0] == players[1] {
        return Err(at(p1.pos, format!("player name `{}` is used twice", players[1])));
    }
    let av = require(fs, "actions", doc.pos, what)?;
    let [a0, a1] = pair(av, "action lists")?;
    let mut actions: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for (i, v) in [a0, a1].into_iter().enumerate() {
        for a in list(v, "action labels")? {
            let s = string(a, "an action label")?;
            if s == "_" {
                return Err(at(a.pos, "`_` is the wildcard of transitions, not an action label"));
            }
            if actions[i].contains(&s) {
                return Err(at(a.pos, format!("action `{s}` is listed twice")));
            }
            actions[i].push(s);
        }
        if actions[i].is_empty() {
            return Err(at(v.pos, format!("`{}` needs at least one action", players[i])));
        }
    }
    let parameters = match get(fs, "parameters") {
        Some(v) => read_parameters(v)?,
        None => Vec::new(),
    };
    if !parameters.iter().any(|p| p.name == DELTA) {
        let pos = get(fs, "parameters").map_or(doc.pos, |v| v.pos);
        return Err(at(pos, format!("a repeated game needs the discount factor as a parameter `{DELTA}`")));
    }
    let n0 = actions[0].len();
    let n_profiles = n0 * actions[1].len();
    if n_profiles > crate::repeated::MAX_PROFILES {
        return Err(at(av.pos, "the stage game has too many action profiles"));
    }
    let action = |i: usize, v: &Value| -> Result<u32, Error> {
        let s = string(v, "an action")?;
        actions[i].iter().position(|a| *a == s).map(|k| k as u32).ok_or_else(|| {
            let hint = closest(&s, actions[i].iter().map(String::as_str))
                .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
            at(v.pos, format!("`{}` has no action `{s}`{hint}", players[i]))
        })
    };
    // Stage payoffs: one entry per profile.
    let sv = require(fs, "stage", doc.pos, what)?;
    let mut stage: Vec<Option<[Expr; 2]>> = vec![None; n_profiles];
    for entry in list(sv, "(profile, payoffs) entries")? {
        let [prof, pays] = pair(entry, "a profile and its payoffs")?;
        let [x, y] = pair(prof, "actions")?;
        let k = action(0, x)? as usize + n0 * action(1, y)? as usize;
        if stage[k].is_some() {
            return Err(at(entry.pos, "this action profile's payoffs are given twice"));
        }
        let [u, w] = pair(pays, "payoffs")?;
        stage[k] = Some([expr(u, &parameters)?, expr(w, &parameters)?]);
    }
    let stage: Vec<[Expr; 2]> = stage
        .into_iter()
        .enumerate()
        .map(|(k, e)| {
            e.ok_or_else(|| {
                at(
                    sv.pos,
                    format!("no payoffs for the profile ({}, {})", actions[0][k % n0], actions[1][k / n0]),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    // States: names first, so transitions can point forward.
    let stv = require(fs, "states", doc.pos, what)?;
    let items = list(stv, "states")?;
    if items.is_empty() || items.len() > MAX_STATES {
        return Err(at(
            stv.pos,
            format!("an automaton needs 1 to {MAX_STATES} states, found {}", items.len()),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for item in items {
        let f = fields(item, "a state", &["name", "play", "next"])?;
        let nv = require(f, "name", item.pos, "a state")?;
        let name = string(nv, "a state name")?;
        if names.contains(&name) {
            return Err(at(nv.pos, format!("state name `{name}` is used twice")));
        }
        names.push(name);
    }
    let state_index = |v: &Value| -> Result<u32, Error> {
        let s = string(v, "a state name")?;
        names.iter().position(|n| *n == s).map(|k| k as u32).ok_or_else(|| {
            let hint = closest(&s, names.iter().map(String::as_str))
                .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
            at(v.pos, format!("unknown state `{s}`{hint}"))
        })
    };
    let mut states = Vec::with_capacity(items.len());
    for (item, name) in items.iter().zip(&names) {
        let f = fields(item, "a state", &["name", "play", "next"])?;
        let [x, y] = pair(require(f, "play", item.pos, "a state")?, "actions")?;
        let play = [action(0, x)?, action(1, y)?];
        let nv = require(f, "next", item.pos, "a state")?;
        let mut next: Vec<Option<u32>> = vec![None; n_profiles];
        for rule in list(nv, "transitions (([action, action], \"state\"))")? {
            let [prof, target] = pair(rule, "a profile pattern and a state")?;
            let [x, y] = pair(prof, "actions or `_`")?;
            let pattern = |i: usize, v: &Value| -> Result<Option<u32>, Error> {
                if v.as_str() == Some("_") { Ok(None) } else { action(i, v).map(Some) }
            };
            let (px, py) = (pattern(0, x)?, pattern(1, y)?);
            let t = state_index(target)?;
            let mut used = false;
            for (k, slot) in next.iter_mut().enumerate() {
                let (a, b) = ((k % n0) as u32, (k / n0) as u32);
                if slot.is_none() && px.is_none_or(|p| p == a) && py.is_none_or(|p| p == b) {
                    *slot = Some(t);
                    used = true;
                }
            }
            if !used {
                return Err(at(rule.pos, "this transition never applies (earlier rules cover its profiles)"));
            }
        }
        let next: Vec<u32> = next
            .into_iter()
            .enumerate()
            .map(|(k, t)| {
                t.ok_or_else(|| {
                    at(
                        nv.pos,
                        format!(
                            "state `{name}` has no transition for ({}, {}) (end with a rule `([\"_\", \"_\"], \"STATE\")`)",
                            actions[0][k % n0],
                            actions[1][k / n0]
                        ),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        states.push(State { name: name.clone(), play, next });
    }
    let initial = match get(fs, "initial") {
        Some(v) => state_index(v)?,
        None => 0,
    };
    let mut g = RepeatedGame::new(title, players, actions, parameters, stage, states, initial)
        .map_err(|e| at(doc.pos, e.to_string()))?;
    if let Some(d) = get(fs, "description") {
        g.description = string(d, "`description`")?;
    }
    Ok(g)
}

fn read_parameters(v: &Value) -> Result<Vec<Parameter>, Error> {
    let Kind::Map(entries) = &v.kind else {
        return Err(at(
            v.pos,
            format!("`parameters` must be a map from names to values, found {}", v.kind_name()),
        ));
    };
    let mut out: Vec<Parameter> = Vec::new();
    for (k, pv) in entries {
        if k.name.is_empty() || !k.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(at(
                k.pos,
                format!("parameter name `{}` is not a name (letters, digits, `_`)", k.name),
            ));
        }
        if out.iter().any(|p| p.name == k.name) {
            return Err(at(k.pos, format!("parameter `{}` is declared twice", k.name)));
        }
        let p = match &pv.kind {
            Kind::Num(_) | Kind::Str(_) => Parameter::new(&k.name, number(pv, "a parameter's value")?, ""),
            _ => {
                let f = fields(pv, "a parameter", &["default", "description", "min", "max", "integer"])?;
                let default = number(require(f, "default", pv.pos, "a parameter")?, "`default`")?;
                let description = get(f, "description").map(|d| string(d, "`description`")).transpose()?;
                let mut p = Parameter::new(&k.name, default, &description.unwrap_or_default());
                p.min = get(f, "min").map(|m| number(m, "`min`")).transpose()?;
                p.max = get(f, "max").map(|m| number(m, "`max`")).transpose()?;
                if let Some(iv) = get(f, "integer") {
                    match iv.kind {
                        Kind::Bool(x) => p.integer = x,
                        _ => return Err(at(iv.pos, "`integer` must be true or false")),
                    }
                }
                p
            }
        };
        p.check(&p.default).map_err(|e| at(pv.pos, e.to_string()))?;
        if p.name == DELTA && (!p.default.is_positive() || p.default >= Q::one()) {
            return Err(at(pv.pos, "the discount factor `delta` must be strictly between 0 and 1"));
        }
        out.push(p);
    }
    Ok(out)
}

fn expr(v: &Value, parameters: &[Parameter]) -> Result<Expr, Error> {
    let names: Vec<String> = parameters.iter().map(|p| p.name.clone()).collect();
    let e = super::game::expr(&names, v, "payoff")?;
    if e.parameters().contains(&DELTA) {
        return Err(at(v.pos, "stage payoffs cannot depend on the discount factor `delta`"));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRIM: &str = r#"RepeatedGame(
    players: ["A", "B"],
    actions: [["hold", "strike"], ["hold", "strike"]],
    parameters: { "T": 5, "delta": "9/10" },
    stage: [(["hold", "hold"], [3, 3]), (["strike", "hold"], ["T", 0]),
            (["hold", "strike"], [0, "T"]), (["strike", "strike"], [1, 1])],
    states: [
        (name: "ceasefire", play: ["hold", "hold"], next: [(["hold", "hold"], "ceasefire"), (["_", "_"], "war")]),
        (name: "war", play: ["strike", "strike"], next: [(["_", "_"], "war")]),
    ],
)"#;

    #[test]
    fn reads_a_grim_trigger() {
        assert!(is_repeated(GRIM));
        let g = read(GRIM).unwrap();
        assert_eq!(g.states().len(), 2);
        assert_eq!(g.next(0, 0), 0);
        assert_eq!(g.next(0, 3), 1);
        assert_eq!(g.stage_payoffs(1)[0], Q::from_int(5));
    }

    #[test]
    fn errors_have_positions() {
        let bad = GRIM.replace(
            r#"(["_", "_"], "war")]),
        (name: "war""#,
            r#"(["_", "_"], "wat")]),
        (name: "war""#,
        );
        assert_eq!(read(&bad).unwrap_err().to_string(), "8:106: unknown state `wat` (did you mean `war`?)");
        let bad = GRIM.replace(r#"(["strike", "strike"], [1, 1])"#, "");
        assert!(
            read(&bad)
                .unwrap_err()
                .to_string()
                .starts_with("5:12: no payoffs for the profile (strike, strike)")
        );
        let bad = GRIM.replace(r#"next: [(["_", "_"], "war")]"#, r#"next: [(["hold", "_"], "war")]"#);
        assert!(read(&bad).unwrap_err().to_string().contains("no transition for (strike, hold)"));
        let bad = GRIM.replace(r#""T", 0"#, r#""T + ", 0"#);
        let msg = read(&bad).unwrap_err().to_string();
        assert!(msg.starts_with("5:") && msg.contains("payoff:"), "{msg}");
    }
}
