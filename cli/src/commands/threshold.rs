//! `redline threshold`: every value of one parameter where the subgame-perfect plan changes.

use std::fmt::Write as _;

use anyhow::{Context as _, Result, anyhow};
use redline_models::library::Model;
use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Parameter, Tree};
use redline_solver::poly::{Poly, Root};
use redline_solver::threshold::{self, Analysis, Indifference, Region};
use serde_json::{Value, json};

use crate::args::{Format, ThresholdArgs};
use crate::commands::convert::write_atomic;
use crate::load::{Game, load};
use crate::render::{node_place, table};

/// The first lines of the text output: what is swept over which range, by which method, and the
/// other parameters' values.
pub(super) fn header(
    title: &str,
    p: &str,
    (from, to): (&Q, &Q),
    how: &str,
    params: &[Parameter],
    values: &[Q],
) -> String {
    let mut s = format!("{title}: thresholds of {p} in [{from}, {to}] ({how})\n");
    let others: Vec<String> = params
        .iter()
        .zip(values)
        .filter(|(q, _)| q.name != p)
        .map(|(q, v)| format!("{} = {v}", q.name))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(s, "  other parameters: {}", others.join(", "));
    }
    s
}

pub(super) fn parse_q(flag: &str, text: &str) -> Result<Q> {
    Q::parse_exact(text).map_err(|e| anyhow!("--{flag} {text}: {e}"))
}

/// The default range: the parameter's documented bounds, else 0 (or twice a negative default) to
/// 10 (or twice the default, if larger).
pub(super) fn default_range(params: &[Parameter], values: &[Q], name: &str) -> (Q, Q) {
    let Some((p, v)) = params.iter().zip(values).find(|(p, _)| p.name == name) else {
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

pub(super) fn root_text(r: &Root, decimals: usize) -> String {
    match r {
        Root::Exact(q) => q.to_string(),
        Root::Interval { .. } => format!("≈{}", r.decimal(decimals)),
    }
}

pub(super) fn root_json(r: &Root, decimals: usize) -> Value {
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
    let h = tree.infoset_of(ind.node);
    let members: Vec<NodeId> = (ind.node..tree.len() as NodeId)
        .filter(|&x| tree.kind(x) == NodeKind::Decision && tree.infoset_of(x) == h)
        .collect();
    let player = &tree.players()[ind.player];
    let who = if members.len() > 1 {
        let info = &tree.infosets()[h as usize];
        let name = if info.label.is_empty() { info.number.to_string() } else { info.label.to_string() };
        let places: Vec<String> = members.iter().map(|&x| node_place(tree, x)).collect();
        format!("{player} at information set {name} ({})", places.join(" or "))
    } else {
        format!("{player} {}", node_place(tree, ind.node))
    };
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
/// Runs `redline threshold` with its output captured and returns the `redline/threshold/1` document;
/// `check` and `batch` call this (`args.format` must be JSON).
///
/// # Errors
/// Those of [`run`], and a document that is not JSON.
pub fn json(args: &ThresholdArgs) -> Result<Value> {
    let (code, text) = crate::output::capture(|| run(args));
    code?;
    serde_json::from_str(&text).map_err(|e| anyhow!("internal: threshold printed no JSON: {e}"))
}

pub fn run(args: &ThresholdArgs) -> Result<u8> {
    if let Some(r) = super::repeated::load(&args.game)? {
        return super::repeated::threshold(args, &r);
    }
    let loaded = load(&args.game)?;
    if let Game::Strategic(g) = &loaded.game {
        return super::threshold_mixed::run(args, g, &loaded.source);
    }
    let (tree, source, model) = loaded.into_tree("`threshold`")?;
    if model.is_some_and(|m| m.method == "sequential") {
        return super::threshold_sequential::run(args, &tree, &source, model);
    }
    let (dfrom, dto) = default_range(tree.parameters(), tree.parameter_values(), &args.param);
    let from = args.from.as_deref().map(|t| parse_q("from", t)).transpose()?.unwrap_or(dfrom);
    let to = args.to.as_deref().map(|t| parse_q("to", t)).transpose()?.unwrap_or(dto);
    let precision = parse_q("precision", &args.precision)?;
    if !precision.is_positive() {
        anyhow::bail!("--precision {}: must be positive", args.precision);
    }
    let opts = threshold::Options { from: from.clone(), to: to.clone(), precision, max_thresholds: 100_000 };
    let analysis =
        threshold::analyze(&tree, &args.param, &opts).map_err(anyhow::Error::new).context(source.clone())?;
    let out = match args.format {
        Format::Json => json_output(&tree, model, &analysis, &from, &to, args.decimals)?,
        Format::Text => text_output(&tree, model, &analysis, &source, &from, &to, args.decimals),
    };
    crate::output::emit(&out)?;
    if let Some(path) = &args.plot {
        let labels: Vec<String> = analysis
            .regions
            .iter()
            .map(|r| {
                let d = describe(&tree, model, r, &args.param);
                d.regime
                    .unwrap_or_else(|| d.path.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>().join(" > "))
            })
            .collect();
        let title = if tree.title.is_empty() { source.as_str() } else { tree.title.as_str() };
        write_atomic(path, crate::draw::chart::thresholds(title, tree.players(), &analysis, &labels))?;
    }
    Ok(0)
}

fn json_output(
    tree: &Tree,
    model: Option<&Model>,
    a: &Analysis,
    from: &Q,
    to: &Q,
    decimals: usize,
) -> Result<String> {
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
                            "infoset": tree.infosets()[h as usize].number.to_string(),
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
    let doc = json!({
        "schema": "redline/threshold/1",
        "parameter": p, "from": from.to_string(), "to": to.to_string(),
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
        "exact sweep, others at their current values",
        tree.parameters(),
        tree.parameter_values(),
    ));
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
