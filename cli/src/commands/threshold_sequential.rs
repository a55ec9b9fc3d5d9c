//! `redline threshold` on models solved by `--method sequential` (the reputation models): where the
//! sequential equilibrium's play on the path changes (`redline_solver::threshold_sequential`).

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use redline_models::library::Model;
use redline_models::number::Q;
use redline_models::tree::Tree;
use redline_solver::sequential::{self, Outcome, Sequential};
use redline_solver::threshold_sequential::{self as ts, Analysis, Region, Threshold, Value};
use redline_solver::{Error, Profile, play};
use serde_json::{Value as Json, json};

use super::threshold::{default_range, header, parse_q};
use crate::args::{Format, ThresholdArgs};
use crate::render::table;

/// Grid cells scanned before bisection.
const GRID_CELLS: usize = 32;

/// Runs `redline threshold` for a tree whose method is `sequential`.
pub fn run(args: &ThresholdArgs, tree: &Tree, source: &str, model: Option<&Model>) -> Result<u8> {
    let (dfrom, dto) = default_range(tree.parameters(), tree.parameter_values(), &args.param);
    let from = args.from.as_deref().map(|t| parse_q("from", t)).transpose()?.unwrap_or(dfrom);
    let to = args.to.as_deref().map(|t| parse_q("to", t)).transpose()?.unwrap_or(dto);
    let precision = parse_q("precision", &args.precision)?;
    if !precision.is_positive() {
        anyhow::bail!("--precision {}: must be positive", args.precision);
    }
    let opts =
        ts::Options { from: from.clone(), to: to.clone(), precision, grid: GRID_CELLS, max_thresholds: 1000 };
    let options = sequential::Options::default();
    let mut solve = |t: &Tree| -> Result<Sequential, Error> {
        // The parameter's own range (0 < pi < 1, ...) at every value scanned.
        for (p, v) in t.parameters().iter().zip(t.parameter_values()) {
            p.check(v).map_err(|e| Error::Unsupported { method: "threshold", reason: e.to_string() })?;
        }
        match sequential::solve(t, &options)? {
            Outcome::Exact(s) => Ok(s),
            Outcome::Approximate { .. } => Err(Error::Unsupported {
                method: "threshold",
                reason: format!(
                    "at {} = {}, the sequential equilibrium could not be made exact (the agent-QRE limit \
                     is only approximate there)",
                    args.param,
                    value_of(t, &args.param)
                ),
            }),
        }
    };
    let analysis = ts::analyze(tree, &args.param, &opts, &mut solve)
        .map_err(anyhow::Error::new)
        .context(source.to_string())?;
    let out = match args.format {
        Format::Json => json_output(tree, model, &analysis, &from, &to, args.decimals)?,
        Format::Text => text_output(tree, model, &analysis, source, &from, &to, args.decimals),
    };
    crate::output::emit(&out)?;
    Ok(0)
}

fn value_of(t: &Tree, name: &str) -> String {
    t.parameters()
        .iter()
        .zip(t.parameter_values())
        .find(|(p, _)| p.name == name)
        .map_or_else(String::new, |(_, v)| v.to_string())
}

/// The path while play is deterministic, the payoffs, and the model's regime when play is pure.
struct Described {
    path: Vec<(String, String)>,
    payoffs: Vec<Q>,
    regime: Option<String>,
}

/// The play at the first few information sets on the path, in tree order ("Challenger 1 probe;
/// Defender retaliate (1/3), accept (2/3)").
fn first_moves(tree: &Tree, s: &Sequential, count: usize) -> String {
    let reached = redline_solver::sequence::beliefs::beliefs(tree, &s.equilibrium.profile);
    let mut seen = vec![false; tree.infosets().len()];
    let mut parts = Vec::new();
    for x in 0..tree.len() as u32 {
        if tree.kind(x) != redline_models::tree::NodeKind::Decision {
            continue;
        }
        let h = tree.infoset_of(x);
        if seen[h as usize] || reached[h as usize].is_none() {
            continue;
        }
        seen[h as usize] = true;
        let row = &s.assessment.behavior[h as usize];
        let play: Vec<String> = row
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.is_zero())
            .map(|(a, p)| {
                let name = &tree.actions(h)[a];
                if p.is_one() { name.clone() } else { format!("{name} ({p})") }
            })
            .collect();
        parts.push(format!("{} {}", tree.players()[tree.player_of(x)], play.join(", ")));
        if parts.len() == count {
            parts.push("…".into());
            break;
        }
    }
    parts.join("; ")
}

fn describe(tree: &Tree, model: Option<&Model>, s: &Sequential) -> Described {
    let e = &s.equilibrium;
    let path = play::path(tree, &e.profile)
        .iter()
        .map(|st| {
            (
                tree.players()[st.player].clone(),
                tree.actions(tree.infoset_of(st.node))[st.action as usize].clone(),
            )
        })
        .collect();
    let pure: Option<Vec<u32>> = match &e.profile {
        Profile::Pure(c) => Some(c.clone()),
        Profile::Behavior(b) => {
            b.iter().map(|row| row.iter().position(Q::is_one).map(|a| a as u32)).collect()
        }
    };
    let regime = model.zip(pure).map(|(m, c)| (m.regime)(tree, &c));
    Described { path, payoffs: e.payoffs.clone(), regime }
}

fn value_text(v: &Value, p: &str, decimals: usize) -> String {
    match v {
        Value::Exact(q) if q.is_integer() => format!("{p} = {q}"),
        Value::Exact(q) => format!("{p} = {q} ({})", q.to_decimal(decimals)),
        Value::Bracket { lower, upper } => format!("{p} in [{lower}, {upper}] (bracketed, not confirmed)"),
    }
}

fn bound_text(v: &Value, decimals: usize) -> String {
    match v {
        Value::Exact(q) => q.to_string(),
        Value::Bracket { .. } => format!("≈{}", v.point().to_decimal(decimals)),
    }
}

fn actions_text(tree: &Tree, h: u32, acts: &Option<Vec<u32>>) -> String {
    match acts {
        None => "not reached".into(),
        Some(a) => a.iter().map(|&k| tree.actions(h)[k as usize].as_str()).collect::<Vec<_>>().join(" or "),
    }
}

/// "Challenger 1 at C1|start: probe below, hold above", for the information sets reached on both
/// sides (the decisive changes; the rest follow from them), or all when there are none such.
fn change_text(tree: &Tree, t: &Threshold) -> Vec<String> {
    let both: Vec<_> = t.changes.iter().filter(|(_, b, a)| b.is_some() && a.is_some()).collect();
    let shown = if both.is_empty() { t.changes.iter().collect() } else { both };
    shown
        .into_iter()
        .map(|(h, below, above)| {
            let player = &tree.players()[tree.infosets()[*h as usize].player as usize];
            format!(
                "{player} at {}: {} below, {} above",
                tree.infoset_name(*h),
                actions_text(tree, *h, below),
                actions_text(tree, *h, above)
            )
        })
        .collect()
}

fn side_json(tree: &Tree, d: &Described) -> Json {
    let _ = tree;
    let mut v = json!({
        "path": d.path.iter().map(|(pl, ac)| json!({"player": pl, "action": ac})).collect::<Vec<_>>(),
        "payoffs": d.payoffs.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    if let Some(r) = &d.regime {
        v["regime"] = json!(r);
    }
    v
}

fn json_output(
    tree: &Tree,
    model: Option<&Model>,
    a: &Analysis,
    from: &Q,
    to: &Q,
    decimals: usize,
) -> Result<String> {
    let region_desc: Vec<Described> =
        a.regions.iter().map(|r: &Region| describe(tree, model, &r.equilibrium)).collect();
    let thresholds: Vec<Json> = a
        .thresholds
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let mut v = match &t.value {
                Value::Exact(q) => {
                    json!({"value": q.to_string(), "exact": true, "decimal": q.to_decimal(decimals)})
                }
                Value::Bracket { lower, upper } => json!({
                    "lower": lower.to_string(), "upper": upper.to_string(), "exact": false,
                    "decimal": t.value.point().to_decimal(decimals),
                }),
            };
            v["confirmed"] = json!(matches!(t.value, Value::Exact(_)));
            v["changes_outcome"] = json!(true);
            v["changes"] = json!(
                t.changes
                    .iter()
                    .map(|(h, below, above)| {
                        let name = |acts: &Option<Vec<u32>>| {
                            acts.as_ref().map(|a| {
                                a.iter().map(|&x| tree.actions(*h)[x as usize].clone()).collect::<Vec<_>>()
                            })
                        };
                        json!({
                            "infoset": tree.infosets()[*h as usize].number.to_string(),
                            "label": tree.infosets()[*h as usize].label.to_string(),
                            "player": tree.players()[tree.infosets()[*h as usize].player as usize],
                            "below": name(below), "above": name(above),
                        })
                    })
                    .collect::<Vec<_>>()
            );
            v["below"] = side_json(tree, &region_desc[k]);
            v["above"] = side_json(tree, &region_desc[k + 1]);
            v
        })
        .collect();
    let regions: Vec<Json> = a
        .regions
        .iter()
        .zip(&region_desc)
        .map(|(r, d)| {
            let mut v = side_json(tree, d);
            v["from"] = json!(bound_text(&r.from, decimals).trim_start_matches('≈'));
            v["to"] = json!(bound_text(&r.to, decimals).trim_start_matches('≈'));
            v
        })
        .collect();
    let doc = json!({
        "schema": "redline/threshold/1",
        "parameter": a.parameter, "from": from.to_string(), "to": to.to_string(),
        "method": "sequential",
        "complete": a.complete,
        "thresholds": thresholds,
        "regions": regions,
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

fn text_output(
    tree: &Tree,
    model: Option<&Model>,
    a: &Analysis,
    source: &str,
    from: &Q,
    to: &Q,
    decimals: usize,
) -> String {
    let p = &a.parameter;
    let mut s = String::new();
    let title = if tree.title.is_empty() { source } else { tree.title.as_str() };
    s.push_str(&header(
        title,
        p,
        (from, to),
        "sequential equilibria solved exactly on a grid, changes bisected and confirmed by an exact indifference",
        tree.parameters(),
        tree.parameter_values(),
    ));
    if a.thresholds.is_empty() {
        let _ = writeln!(
            s,
            "\nNo threshold: the sequential equilibrium's play on the path is the same on the whole range."
        );
    } else {
        let _ = writeln!(s, "\nThresholds:");
        let rows: Vec<Vec<String>> = a
            .thresholds
            .iter()
            .map(|t| vec![value_text(&t.value, p, decimals), change_text(tree, t).join("; ")])
            .collect();
        s.push_str(&table(&rows, "  "));
    }
    let _ = writeln!(s, "\nRegions (the sequential equilibrium inside each):");
    let mut rows = Vec::new();
    for r in &a.regions {
        let d = describe(tree, model, &r.equilibrium);
        let path: Vec<&str> = d.path.iter().map(|(_, a)| a.as_str()).collect();
        let pays: Vec<String> =
            tree.players().iter().zip(&d.payoffs).map(|(pl, v)| format!("{pl} {v}")).collect();
        rows.push(vec![
            format!("{} < {p} < {}", bound_text(&r.from, decimals), bound_text(&r.to, decimals)),
            d.regime.unwrap_or_else(|| super::sweep::MIXED_REGIME.into()),
            if path.is_empty() { first_moves(tree, &r.equilibrium, 3) } else { path.join(" > ") },
            format!("at {p} = {}: {}", r.sample, pays.join(", ")),
        ]);
    }
    s.push_str(&table(&rows, "  "));
    if a.thresholds.iter().any(|t| matches!(t.value, Value::Exact(_))) {
        let _ = writeln!(
            s,
            "\nExact thresholds are confirmed: the certified sequential equilibrium at that value is exactly \
             indifferent, at every information set whose play changes, between the actions played on either side."
        );
    }
    s
}
