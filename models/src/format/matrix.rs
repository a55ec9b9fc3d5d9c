//! Strategic-form games in redline's own schema, in RON (`.ron`) and JSON (`.json`).
//!
//! ```text
//! StrategicGame(
//!     title: "Inspection",
//!     players: ["Inspector", "Violator"],
//!     parameters: { "c": (default: 1, description: "the cost of an inspection") },
//!     strategies: [["inspect", "trust"], ["violate", "comply"]],
//!     // payoffs[s_0][s_1]…: one payoff per player, numbers or expressions in quotes.
//!     payoffs: [
//!         [["2 - c", "-2"], ["-c", "0"]],
//!         [["-4", "4"], ["0", "0"]],
//!     ],
//! )
//! ```
//! `payoffs` nests one list level per player, in player order (the first player's strategy selects
//! the outer entry), and ends in a list with one payoff per player. JSON spells the same fields as an
//! object. A file is a strategic form when it is named `StrategicGame(...)` or has a `strategies`
//! field; [`read_any`] tells the two kinds apart. Errors name the line and column of the value at
//! fault, as for trees.
//!
//! Next: [`crate::format::game`] for trees, [`crate::strategic`] for the game itself.

use std::fmt::Write as _;

use crate::error::Error;
use crate::format::game::{self, FieldSet, ReadOptions, Syntax, at, list, quote};
use crate::format::value::{self, Kind, Value};
use crate::strategic::StrategicGame;
use crate::tree::Tree;

/// A game read from a `.ron` or `.json` file: a tree or a strategic form.
#[derive(Clone, Debug)]
pub enum AnyGame {
    /// An extensive-form game.
    Tree(Box<Tree>),
    /// A strategic-form game.
    Strategic(Box<StrategicGame>),
}

/// True when a parsed document is a strategic form: named `StrategicGame`, or with `strategies`.
fn is_strategic(doc: &Value) -> bool {
    match &doc.kind {
        Kind::Struct { name: Some(n), .. } => n == "StrategicGame",
        Kind::Struct { fields, .. } | Kind::Map(fields) => fields.iter().any(|(k, _)| k.name == "strategies"),
        _ => false,
    }
}

/// Reads a tree or a strategic-form game from RON or JSON text.
///
/// # Errors
/// [`Error::Syntax`] with the line and column of the problem.
pub fn read_any(text: &str, options: &ReadOptions) -> Result<AnyGame, Error> {
    let doc = value::parse(text).map_err(|e| at(e.pos, e.message))?;
    if is_strategic(&doc) {
        read_doc(&doc).map(|g| AnyGame::Strategic(Box::new(g)))
    } else {
        game::read_doc(&doc, options).map(|t| AnyGame::Tree(Box::new(t)))
    }
}

/// Reads a strategic-form game from RON or JSON text.
///
/// # Errors
/// [`Error::Syntax`] with the line and column of the problem.
pub fn read(text: &str) -> Result<StrategicGame, Error> {
    let doc = value::parse(text).map_err(|e| at(e.pos, e.message))?;
    read_doc(&doc)
}

fn names(v: &Value, what: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for p in list(v, what)? {
        match &p.kind {
            Kind::Str(s) if !s.is_empty() => {
                if out.contains(s) {
                    return Err(at(p.pos, format!("`{s}` is used twice in the {what}")));
                }
                out.push(s.clone());
            }
            _ => {
                return Err(at(
                    p.pos,
                    format!("the {what} must be non-empty strings, found {}", p.kind_name()),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(at(v.pos, format!("the {what} are empty")));
    }
    Ok(out)
}

fn read_doc(doc: &Value) -> Result<StrategicGame, Error> {
    if let Kind::Struct { name: Some(n), .. } = &doc.kind
        && n != "StrategicGame"
    {
        return Err(at(doc.pos, format!("expected `StrategicGame(...)`, found `{n}(...)`")));
    }
    let f = FieldSet::new(
        doc,
        "a strategic-form game",
        &["title", "description", "players", "parameters", "strategies", "payoffs"],
    )?;
    let players = names(f.require("players")?, "player names")?;
    let n = players.len();
    let sv = f.require("strategies")?;
    let lists = list(sv, "strategy lists (one per player)")?;
    if lists.len() != n {
        return Err(at(sv.pos, format!("{n} players but {} strategy lists", lists.len())));
    }
    let mut strategies = Vec::with_capacity(n);
    for (p, l) in players.iter().zip(lists) {
        strategies.push(names(l, &format!("strategy labels of `{p}`"))?);
    }
    let mut g = StrategicGame::new(f.string("title")?.unwrap_or_default(), players, strategies)
        .map_err(|e| at(sv.pos, e.to_string()))?;
    g.description = f.string("description")?.unwrap_or_default();
    let mut params = Vec::new();
    if let Some(pv) = f.get("parameters") {
        let Kind::Map(entries) = &pv.kind else {
            return Err(at(
                pv.pos,
                format!("`parameters` must be a map from names to values, found {}", pv.kind_name()),
            ));
        };
        for (k, v) in entries {
            g.add_parameter(game::parameter(k, v)?).map_err(|e| at(k.pos, e.to_string()))?;
            params.push(k.name.clone());
        }
    }
    let payoffs = f.require("payoffs")?;
    let shape = g.shape();
    let mut profile = vec![0usize; n];
    for index in 0..g.n_profiles() {
        // Gambit order (player 0 fastest) for the odometer; the nesting is player 0 outermost.
        if index > 0 {
            for (i, s) in profile.iter_mut().enumerate() {
                *s += 1;
                if *s < shape[i] {
                    break;
                }
                *s = 0;
            }
        }
        let mut v = payoffs;
        for (d, &s) in profile.iter().enumerate() {
            let items = list(v, "payoffs")?;
            if items.len() != shape[d] {
                let name = &g.players()[d];
                return Err(at(
                    v.pos,
                    format!(
                        "expected {} entries here, one per strategy of `{name}` ({}), found {}",
                        shape[d],
                        g.strategies(d).join(", "),
                        items.len()
                    ),
                ));
            }
            v = &items[s];
        }
        let cell = list(v, "payoffs (one per player)")?;
        if cell.len() != n {
            return Err(at(
                v.pos,
                format!("a profile needs {n} payoffs (one per player), found {}", cell.len()),
            ));
        }
        let exprs = cell.iter().map(|c| game::expr(&params, c, "a payoff")).collect::<Result<Vec<_>, _>>()?;
        g.set_payoff_exprs(&profile, exprs).map_err(|e| at(v.pos, e.to_string()))?;
    }
    Ok(g)
}

/// Writes a strategic-form game in redline's schema; payoffs are written as their expressions when
/// the game has them, otherwise as exact numbers.
#[must_use]
pub fn write(g: &StrategicGame, syntax: Syntax) -> String {
    let json = syntax == Syntax::Json;
    let field = |name: &str| if json { format!("{}: ", quote(name)) } else { format!("{name}: ") };
    let mut o = String::new();
    o.push_str(if json { "{" } else { "StrategicGame(" });
    let _ = write!(o, "\n    {}{},", field("title"), quote(&g.title));
    if !g.description.is_empty() {
        let _ = write!(o, "\n    {}{},", field("description"), quote(&g.description));
    }
    let players: Vec<String> = g.players().iter().map(|p| quote(p)).collect();
    let _ = write!(o, "\n    {}[{}],", field("players"), players.join(", "));
    if !g.parameters().is_empty() {
        let _ = write!(o, "\n    {}{{", field("parameters"));
        let k = g.parameters().len();
        for (j, (p, v)) in g.parameters().iter().zip(g.parameter_values()).enumerate() {
            let mut parts = vec![format!("{}{}", field("default"), quote(&v.to_string()))];
            if !p.description.is_empty() {
                parts.push(format!("{}{}", field("description"), quote(&p.description)));
            }
            for (name, bound) in [("min", &p.min), ("max", &p.max)] {
                if let Some(b) = bound {
                    parts.push(format!("{}{}", field(name), quote(&b.to_string())));
                }
            }
            if p.integer {
                parts.push(format!("{}true", field("integer")));
            }
            let (l, r) = if json { ("{", "}") } else { ("(", ")") };
            let comma = if json && j + 1 == k { "" } else { "," };
            let _ = write!(o, "\n        {}: {l}{}{r}{comma}", quote(&p.name), parts.join(", "));
        }
        o.push_str("\n    },");
    }
    let _ = write!(o, "\n    {}[", field("strategies"));
    let lists: Vec<String> = (0..g.n_players())
        .map(|i| format!("[{}]", g.strategies(i).iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")))
        .collect();
    let _ = write!(o, "{}],", lists.join(", "));
    let _ = write!(o, "\n    {}[", field("payoffs"));
    // Profiles in nesting order: the last player fastest.
    let shape = g.shape();
    let n = shape.len();
    let mut profile = vec![0usize; n];
    loop {
        let opening = profile[1..].iter().rev().take_while(|&&s| s == 0).count();
        if opening == n - 1 {
            o.push_str("\n        ");
        }
        for _ in 0..opening {
            o.push('[');
        }
        let index = g.profile_index(&profile);
        let cell: Vec<String> = match g.payoff_exprs_at(index) {
            Some(ex) => ex
                .iter()
                .zip(g.payoffs_at(index))
                .map(|(e, q)| if e.as_constant().is_some() { quote(&q.to_string()) } else { quote(e.text()) })
                .collect(),
            None => g.payoffs_at(index).iter().map(|q| quote(&q.to_string())).collect(),
        };
        let _ = write!(o, "[{}]", cell.join(", "));
        // Advance with the last player fastest, closing the lists that are complete.
        let mut d = n;
        let mut closing = 0;
        while d > 0 {
            d -= 1;
            profile[d] += 1;
            if profile[d] < shape[d] {
                break;
            }
            profile[d] = 0;
            closing += 1;
        }
        for _ in 0..closing.min(n - 1) {
            o.push(']');
        }
        if closing == n {
            break;
        }
        o.push_str(if closing == n - 1 { "," } else { ", " });
    }
    o.push_str("\n    ]");
    o.push_str(if json { "\n}\n" } else { ",\n)\n" });
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Q;

    const INSPECTION: &str = r#"StrategicGame(
    title: "Inspection",
    players: ["Inspector", "Violator"],
    parameters: { "c": (default: 1, description: "cost", min: 0) },
    strategies: [["inspect", "trust"], ["violate", "comply"]],
    payoffs: [
        [["2 - c", -2], ["-c", 0]],
        [[-4, 4], [0, 0]],
    ],
)"#;

    #[test]
    fn reads_a_parametric_matrix() {
        let g = read(INSPECTION).unwrap();
        assert_eq!(g.payoff(&[0, 0], 0), &Q::from_int(1));
        assert_eq!(g.payoff(&[1, 0], 1), &Q::from_int(4));
        assert_eq!(g.payoff(&[0, 1], 0), &Q::from_int(-1));
    }

    #[test]
    fn round_trips_in_both_syntaxes() {
        let g = read(INSPECTION).unwrap();
        for syntax in [Syntax::Ron, Syntax::Json] {
            let text = write(&g, syntax);
            let back = read(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(back, g, "{text}");
        }
        // Three players, numbers only.
        let mut h = StrategicGame::new(
            "three",
            vec!["A".into(), "B".into(), "C".into()],
            vec![vec!["a".into(), "b".into()], vec!["x".into()], vec!["p".into(), "q".into(), "r".into()]],
        )
        .unwrap();
        for k in 0..h.n_profiles() {
            let p = h.profile_at(k);
            let v = Q::ratio(k as i64, 3).unwrap();
            h.set_payoffs(&p, &[v.clone(), -v.clone(), Q::from_int(k as i64)]).unwrap();
        }
        for syntax in [Syntax::Ron, Syntax::Json] {
            let text = write(&h, syntax);
            assert_eq!(read(&text).unwrap_or_else(|e| panic!("{e}\n{text}")), h, "{text}");
        }
    }

    #[test]
    fn errors_name_the_place() {
        let bad = INSPECTION.replace("[[-4, 4], [0, 0]]", "[[-4, 4]]");
        let e = read(&bad).unwrap_err().to_string();
        assert!(e.starts_with("8:9:") && e.contains("one per strategy of `Violator`"), "{e}");
        let bad = INSPECTION.replace("\"-c\"", "\"-d\"");
        let e = read(&bad).unwrap_err().to_string();
        assert!(e.starts_with("7:26:") && e.contains("unknown parameter `d`"), "{e}");
        let bad = INSPECTION.replace("[-4, 4]", "[-4]");
        assert!(read(&bad).unwrap_err().to_string().contains("needs 2 payoffs"));
        assert!(matches!(read_any(INSPECTION, &ReadOptions::default()), Ok(AnyGame::Strategic(_))));
    }
}
