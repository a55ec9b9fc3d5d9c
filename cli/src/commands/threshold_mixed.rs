//! `redline threshold` on strategic-form games: where the supports of the mixed equilibria change
//! (grid, bisection and boundary polynomials: `redline_solver::threshold_mixed`).

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_solver::poly::Root;
use redline_solver::threshold_mixed::{self, Analysis, Supports};
use serde_json::{Value, json};

use super::threshold::{default_range, header, parse_q, root_json, root_text};
use crate::args::{Format, ThresholdArgs};
use crate::render::{self, NumberStyle, table};

/// Grid cells scanned before bisection.
const GRID_CELLS: usize = 64;

/// Runs `redline threshold` on a strategic-form game.
pub fn run(args: &ThresholdArgs, game: &StrategicGame, source: &str) -> Result<u8> {
    let (dfrom, dto) = default_range(game.parameters(), game.parameter_values(), &args.param);
    let from = args.from.as_deref().map(|t| parse_q("from", t)).transpose()?.unwrap_or(dfrom);
    let to = args.to.as_deref().map(|t| parse_q("to", t)).transpose()?.unwrap_or(dto);
    let precision = parse_q("precision", &args.precision)?;
    if !precision.is_positive() {
        anyhow::bail!("--precision {}: must be positive", args.precision);
    }
    let opts = threshold_mixed::Options {
        from: from.clone(),
        to: to.clone(),
        precision,
        grid: GRID_CELLS,
        max_thresholds: 10_000,
    };
    let a = threshold_mixed::analyze(game, &args.param, &opts)
        .map_err(anyhow::Error::new)
        .context(source.to_string())?;
    let out = match args.format {
        Format::Json => json_output(game, &a, &from, &to, args.decimals)?,
        Format::Text => text_output(game, &a, source, &from, &to, args.decimals),
    };
    crate::output::emit(&out)?;
    Ok(0)
}

fn supports_text(g: &StrategicGame, sig: &[Supports]) -> String {
    let names = |i: usize, s: &[usize]| -> String {
        let v: Vec<&str> = s.iter().map(|&k| g.strategies(i)[k].as_str()).collect();
        format!("{{{}}}", v.join(", "))
    };
    let parts: Vec<String> = sig.iter().map(|(r, c)| format!("{} × {}", names(0, r), names(1, c))).collect();
    parts.join(" or ")
}

fn supports_json(g: &StrategicGame, sig: &[Supports]) -> Value {
    let names =
        |i: usize, s: &[usize]| -> Vec<String> { s.iter().map(|&k| g.strategies(i)[k].clone()).collect() };
    json!(sig.iter().map(|(r, c)| json!([names(0, r), names(1, c)])).collect::<Vec<_>>())
}

fn json_output(g: &StrategicGame, a: &Analysis, from: &Q, to: &Q, decimals: usize) -> Result<String> {
    let style = NumberStyle { float: false, decimals };
    let thresholds: Vec<Value> = a
        .thresholds
        .iter()
        .map(|t| {
            let mut v = root_json(&t.value, decimals);
            if !t.confirmed {
                v.as_object_mut().expect("an object").remove("polynomial");
            }
            v["confirmed"] = json!(t.confirmed);
            v["changes_outcome"] = json!(true);
            v["below"] = json!({"supports": supports_json(g, &t.below)});
            v["above"] = json!({"supports": supports_json(g, &t.above)});
            v
        })
        .collect();
    let regions: Vec<Value> = a
        .regions
        .iter()
        .map(|r| {
            json!({
                "from": root_json(&r.from, decimals), "to": root_json(&r.to, decimals),
                "sample": r.sample.to_string(),
                "equilibria": r.equilibria.iter().map(|e| render::mixed_json(e, style)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = json!({
        "schema": "redline/threshold/1", "parameter": a.parameter, "from": from.to_string(), "to": to.to_string(),
        "complete": a.complete, "method": "grid-bisection", "grid": GRID_CELLS,
        "thresholds": thresholds, "regions": regions,
    });
    let mut s = serde_json::to_string_pretty(&v)?;
    s.push('\n');
    Ok(s)
}

fn text_output(g: &StrategicGame, a: &Analysis, source: &str, from: &Q, to: &Q, decimals: usize) -> String {
    let style = NumberStyle { float: false, decimals };
    let p = &a.parameter;
    let mut s = String::new();
    let title = if g.title.is_empty() { source } else { g.title.as_str() };
    s.push_str(&header(
        title,
        p,
        (from, to),
        &format!(
            "mixed equilibria: every extreme equilibrium solved exactly on a grid of {GRID_CELLS} cells, \
             changes bisected and confirmed by the supports' boundary polynomials"
        ),
        g.parameters(),
        g.parameter_values(),
    ));
    if a.thresholds.is_empty() {
        let _ = writeln!(s, "\nNo threshold: the equilibrium supports are the same on the whole range.");
    } else {
        let _ = writeln!(s, "\nThresholds:");
        let mut rows = Vec::new();
        for t in &a.thresholds {
            let value = match &t.value {
                Root::Exact(q) => format!("{p} = {q} ({})", q.to_decimal(decimals)),
                Root::Interval { lower, upper, .. } => {
                    format!("{p} ≈ {} (in [{lower}, {upper}])", t.value.decimal(decimals))
                }
            };
            let how = if t.confirmed { "exact (boundary polynomial)" } else { "bracketed by bisection only" };
            rows.push(vec![value, how.to_string()]);
        }
        s.push_str(&table(&rows, "  "));
    }
    let _ = writeln!(s, "\nRegions (every extreme equilibrium, solved exactly at the point shown):");
    for r in &a.regions {
        let _ = writeln!(
            s,
            "\n  {} < {p} < {}, at {p} = {}:",
            root_text(&r.from, decimals),
            root_text(&r.to, decimals),
            r.sample
        );
        for e in &r.equilibria {
            for line in render::mixed_text(g, e, style).lines() {
                let _ = writeln!(s, "  {line}");
            }
        }
    }
    if !a.thresholds.is_empty() {
        let _ = writeln!(s, "\nIn words:");
        for t in &a.thresholds {
            let at = match &t.value {
                Root::Exact(q) => format!("{p} = {q}"),
                Root::Interval { .. } => format!("{p} ≈ {}", t.value.decimal(decimals)),
            };
            let _ = writeln!(
                s,
                "  - At {at} the equilibrium supports change from {} to {}.",
                supports_text(g, &t.below),
                supports_text(g, &t.above)
            );
        }
    }
    s
}
