//! `redline models [NAME]`: the built-in model library.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use redline_models::library;

use crate::args::{Format, ModelsArgs};
use crate::render::table;

/// Runs `redline models`.
pub fn run(args: &ModelsArgs) -> Result<u8> {
    let mut out = String::new();
    match &args.name {
        None => match args.format {
            Format::Text => {
                let mut rows =
                    vec![vec!["model".to_string(), "players".into(), "method".into(), "summary".into()]];
                for m in library::all() {
                    rows.push(vec![m.name.into(), m.players.join(", "), m.method.into(), m.summary.into()]);
                }
                rows.extend(super::repeated::model_rows());
                out.push_str(&table(&rows, ""));
                out.push_str("\nDescribe one with `redline models NAME`; solve it with `redline solve NAME --set PARAM=VALUE`.\n");
            }
            Format::Json => {
                let list: Vec<serde_json::Value> = library::all()
                    .iter()
                    .map(|m| {
                        serde_json::json!({"name": m.name, "summary": m.summary, "players": m.players, "method": m.method})
                    })
                    .chain(super::repeated::model_json())
                    .collect();
                out = serde_json::to_string_pretty(
                    &serde_json::json!({"schema": "redline/models/1", "models": list}),
                )?;
                out.push('\n');
            }
        },
        Some(name) => {
            if let Some(text) = super::repeated::describe(name, args.format)? {
                crate::output::emit(&text)?;
                return Ok(0);
            }
            let m = library::find(name).map_err(|e| anyhow!(e))?;
            let params = (m.parameters)();
            match args.format {
                Format::Text => {
                    let _ = writeln!(out, "{}: {}", m.name, m.summary);
                    let _ = writeln!(out, "  players: {}", m.players.join(", "));
                    let _ = writeln!(out, "  method:  {}\n", m.method);
                    let _ = writeln!(out, "Parameters (set with --set NAME=VALUE):");
                    let mut rows =
                        vec![vec!["name".to_string(), "default".into(), "range".into(), "meaning".into()]];
                    for p in &params {
                        let range = match (&p.min, &p.max) {
                            (None, None) => "any".to_string(),
                            (Some(a), None) => format!(">= {a}"),
                            (None, Some(b)) => format!("<= {b}"),
                            (Some(a), Some(b)) => format!("[{a}, {b}]"),
                        };
                        let range = if p.integer { format!("{range}, whole") } else { range };
                        rows.push(vec![p.name.clone(), p.default.to_string(), range, p.description.clone()]);
                    }
                    out.push_str(&table(&rows, "  "));
                    let _ = writeln!(out, "\nTree:\n{}", indent(m.tree_text));
                    let _ = writeln!(out, "Regimes:");
                    for r in m.regimes {
                        let _ = writeln!(out, "  - {r}");
                    }
                    let _ =
                        writeln!(out, "\nEquilibrium and thresholds in closed form:\n{}", indent(m.formulas));
                }
                Format::Json => {
                    let ps: Vec<serde_json::Value> = params
                        .iter()
                        .map(|p| {
                            serde_json::json!({
                                "name": p.name, "default": p.default.to_string(), "description": p.description,
                                "min": p.min.as_ref().map(ToString::to_string), "max": p.max.as_ref().map(ToString::to_string),
                                "integer": p.integer,
                            })
                        })
                        .collect();
                    out = serde_json::to_string_pretty(&serde_json::json!({
                        "schema": "redline/model/1", "name": m.name, "summary": m.summary, "players": m.players,
                        "method": m.method, "parameters": ps, "regimes": m.regimes,
                    }))?;
                    out.push('\n');
                }
            }
        }
    }
    crate::output::emit(&out)?;
    Ok(0)
}

fn indent(text: &str) -> String {
    text.trim_matches('\n').lines().map(|l| format!("  {l}\n")).collect()
}
