//! `redline threshold`: every value of one parameter where the subgame-perfect plan changes.

use std::fmt::Write as _;

use anyhow::{Context as _, Result, anyhow};
use redline_models::library::Model;
use redline_models::number::Q;
use redline_models::tree::{NodeKind, Tree};
use redline_solver::poly::{Poly, Root};
use redline_solver::threshold::{self, Analysis, Indifference, Region};
use serde_json::{Value, json};

use crate::args::{Format, ThresholdArgs};
use crate::load::load;
use crate::render::{node_place, table};

fn parse_q(flag: &str, text: &str) -> Result<Q> {
    Q::parse_exact(text).map_err(|e| anyhow!("--{flag} {text}: {e}"))
}

/// The default range: the parameter's documented bounds, else 0 (or twice a negative default) to
/// 10 (or twice the default, if larger).
fn default_range(tree: &Tree, name: &str) -> (Q, Q) {
    let Some((p, v)) = tree.parameters().iter().zip(tree.parameter_values()).find(|(p, _)| p.name == name)
    else {
        return (Q::zero(), Q::from_int(10));
    };
    let two = Q::from_int(2);
    let from = p.min.clone().unwrap_or_else(|| if v.is_negative() { &two * v } else { Q::zero() });
    let to = p.max.clone().unwrap_or_else(|| {
        let twice = &two * &v.abs();
        if twice > Q::from_int(10) { twice } else { Q::from_int(10) }
    });
    (from, to)
}

fn root_text(r: &Root, decimals: usize) -> String {
    match r {
        Root::Exact(q) => q.to_string(),
        Root::Interval { .. } => format!("≈{}", r.decimal(decimals)),
    }
}

fn root_json(r: &Root, decimals: usize) -> Value {
    match r {
        Root::Exact(q) => json!({"value": q.to_string(), "exact": true, "decimal": q.to_decimal(decimals)}),
        Root::Interval { lower, upper, poly } => json!({
            "lower": lower.to_string(), "upper": upper.to_string(), "exact": false,
            "decimal": r.decimal(decimals), "polynomial": poly.render("x"),
        }),
    }
}

/// Who switches at an indifference ("Superpower after offer > deny"), and the actions before and after.
fn switch<'t>(tree: &'t Tree, ind: &Indifference) -> (String, &'t str, &'t str) {
    let acts = tree.actions(tree.infoset_of(ind.node));
    let who = format!("{} {}", tree.players()[ind.player], node_place(tree, ind.node));
    (who, &acts[ind.before as usize], &acts[ind.after as usize])
}

struct Described {
    path: Vec<(String, String)>,
    payoffs: Vec<String>,
    regime: Option<String>,
}

fn describe(tree: &Tree, model: Option<&Model>, region: &Region, param: &str) -> Described {
    let mut path = Vec::new();
    let mut x = 0;
    while tree.kind(x) == NodeKind::Decision {
        let h = tree.infoset_of(x);
        let k = region.plan[h as usize];
        path.push((tree.players()[tree.player_of(x)].clone(), tree.actions(h)[k as usize].clone()));
        x = tree.child(x, k as usize);
    }
    let payoffs = region.payoffs.iter().map(|p: &Poly| p.render(param)).collect();
    let regime = model.map(|m| (m.regime)(tree, &region.plan));
    Described { path, payoffs, regime }
}

/// Runs `redline threshold`.
pub fn run(args: &ThresholdArgs) -> Result<u8> {
    print!("{}", output(args)?);
    Ok(0)
}

/// The `redline/threshold/1` document of `args` (whatever `args.format` says); `check` and
/// `batch` call this.
pub fn json(args: &ThresholdArgs) -> Result<Value> {
    let (tree, _, model, a, from, to) = analysis(args)?;
    Ok(json_doc(&tree, model, &a, &from, &to, args.decimals))
}

type Analyzed = (Tree, String, Option<&'static Model>, Analysis, Q, Q);

fn output(args: &ThresholdArgs) -> Result<String> {
    let (tree, source, model, analysis, from, to) = analysis(args)?;
    Ok(match args.format {
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&json_doc(&tree, model, &analysis, &from, &to, args.decimals))?;
            s.push('\n');
            s
        }
        Format::Text => text_output(&tree, model, &analysis, &source, &from, &to, args.decimals),
    })
}

fn analysis(args: &ThresholdArgs) -> Result<Analyzed> {
    let (tree, source, model) = load(&args.game)?.into_tree("`threshold`")?;
    let (dfrom, dto) = default_range(&tree, &args.param);
    let from = args.from.as_deref().map(|t| parse_q("from", t)).transpose()?.unwrap_or(dfrom);
    let to = args.to.as_deref().map(|t| parse_q("to", t)).transpose()?.unwrap_or(dto);
    let precision = parse_q("precision", &args.precision)?;
    if !precision.is_positive() {
        anyhow::bail!("--precision {}: must be positive", args.precision);
    }
    let opts = threshold::Options { from: from.clone(), to: to.clone(), precision, max_thresholds: 100_000 };
    let analysis =
        threshold::analyze(&tree, &args.param, &opts).map_err(anyhow::Error::new).context(source.clone())?;
    Ok((tree, source, model, analysis, from, to))
}

fn json_doc(tree: &Tree, model: Option<&Model>, a: &Analysis, from: &Q, to: &Q, decimals: usize) -> Value {
    let p = &a.parameter;
    let side = |r: &Region| {
        let d = describe(tree, model, r, p);
        let mut v = json!({
            "path": d.path.iter().map(|(pl, ac)| json!({"player": pl, "action": ac})).collect::<Vec<_>>(),
            "payoffs": d.payoffs,
        });
        if let Some(reg) = d.regime {
            v["regime"] = json!(reg);
        }
        v
    };
    let thresholds: Vec<Value> = a
        .thresholds
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let mut v = root_json(&t.value, decimals);
            v["changes_outcome"] = json!(t.changes_outcome);
            v["indifferences"] = json!(
                t.indifferences
                    .iter()
                    .map(|ind| {
                        let h = tree.infoset_of(ind.node);
                        let acts = tree.actions(h);
                        json!({
                            "node": ind.node.to_string(),
                            "label": tree.node_label(ind.node),
                            "player": tree.players()[ind.player],
                            "actions": ind.actions.iter().map(|&x| acts[x as usize].clone()).collect::<Vec<_>>(),
                            "below": acts[ind.before as usize], "above": acts[ind.after as usize],
                        })
                    })
                    .collect::<Vec<_>>()
            );
            v["below"] = side(&a.regions[k]);
            v["above"] = side(&a.regions[k + 1]);
            v
        })
        .collect();
    let regions: Vec<Value> = a
        .regions
        .iter()
        .map(|r| {
            let mut v = side(r);
            v["from"] = json!(root_text(&r.from, decimals).trim_start_matches('≈'));
            v["to"] = json!(root_text(&r.to, decimals).trim_start_matches('≈'));
            v
        })
        .collect();
    json!({
        "schema": "redline/threshold/1",
        "parameter": p, "from": from.to_string(), "to": to.to_string(),
        "complete": a.complete,
        "thresholds": thresholds,
        "regions": regions,
    })
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
    let _ = writeln!(
        s,
        "{title}: thresholds of {p} in [{from}, {to}] (exact sweep, others at their current values)"
    );
    let others: Vec<String> = tree
        .parameters()
        .iter()
        .zip(tree.parameter_values())
        .filter(|(q, _)| &q.name != p)
        .map(|(q, v)| format!("{} = {v}", q.name))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(s, "  other parameters: {}", others.join(", "));
    }
    if a.thresholds.is_empty() {
        let _ = writeln!(s, "\nNo threshold: the same subgame-perfect plan holds on the whole range.");
    } else {
        let _ = writeln!(s, "\nThresholds:");
        let mut rows = Vec::new();
        for t in &a.thresholds {
            let value = match &t.value {
                Root::Exact(q) if q.is_integer() => format!("{p} = {q}"),
                Root::Exact(q) => format!("{p} = {q} ({})", q.to_decimal(decimals)),
                Root::Interval { lower, upper, .. } => {
                    format!("{p} ≈ {} (in [{lower}, {upper}])", t.value.decimal(decimals))
                }
            };
            let what = if t.changes_outcome { "changes the outcome" } else { "off the path only" };
            let wheres: Vec<String> = t
                .indifferences
                .iter()
                .map(|ind| {
                    let (who, before, after) = switch(tree, ind);
                    format!("{who}: {before} below, {after} above")
                })
                .collect();
            rows.push(vec![value, what.to_string(), wheres.join("; ")]);
        }
        s.push_str(&table(&rows, "  "));
    }
    let _ = writeln!(s, "\nRegions:");
    let mut rows = Vec::new();
    for r in &a.regions {
        let d = describe(tree, model, r, p);
        let path: Vec<&str> = d.path.iter().map(|(_, a)| a.as_str()).collect();
        let pays: Vec<String> =
            tree.players().iter().zip(&d.payoffs).map(|(pl, v)| format!("{pl} {v}")).collect();
        rows.push(vec![
            format!("{} < {p} < {}", root_text(&r.from, decimals), root_text(&r.to, decimals)),
            d.regime.unwrap_or_default(),
            path.join(" > "),
            pays.join(", "),
        ]);
    }
    s.push_str(&table(&rows, "  "));
    if !a.thresholds.is_empty() {
        let _ = writeln!(s, "\nIn words:");
        for (k, t) in a.thresholds.iter().enumerate() {
            let below = describe(tree, model, &a.regions[k], p);
            let above = describe(tree, model, &a.regions[k + 1], p);
            let at = match &t.value {
                Root::Exact(q) => q.to_string(),
                Root::Interval { .. } => format!("about {}", t.value.decimal(decimals)),
            };
            let changes: Vec<String> = t
                .indifferences
                .iter()
                .map(|ind| {
                    let (who, before, after) = switch(tree, ind);
                    format!("{who} switches from {before} to {after}")
                })
                .collect();
            let outcome = if t.changes_outcome {
                match (&below.regime, &above.regime) {
                    (Some(b), Some(a)) if b != a => format!("the outcome changes from {b} to {a}"),
                    _ => {
                        let path: Vec<&str> = above.path.iter().map(|(_, a)| a.as_str()).collect();
                        format!("the equilibrium path becomes {}", path.join(" > "))
                    }
                }
            } else {
                "the equilibrium path and payoffs stay the same (only play off the path changes)".to_string()
            };
            let _ = writeln!(s, "  - Above {p} = {at}, {}; {outcome}.", changes.join(", and "));
        }
    }
    s
}
