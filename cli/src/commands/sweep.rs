//! `redline sweep`: the subgame-perfect equilibrium at every point of a 1-D or 2-D parameter grid,
//! solved exactly and in parallel (rayon), in input order whatever the thread count.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use anyhow::{Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use redline_models::number::Q;
use redline_models::tree::Tree;
use redline_solver::Profile;
use redline_solver::backward_induction::Options;
use redline_solver::play;
use serde_json::json;

use crate::args::{SweepArgs, SweepFormat};
use crate::commands::convert::write_atomic;
use crate::draw::chart::{self, fmt_tick};
use crate::draw::{PALETTE, esc};
use crate::load::load;
use crate::render::table;

/// One grid axis.
struct Axis {
    name: String,
    values: Vec<Q>,
}

/// The most grid points one sweep solves.
const MAX_POINTS: usize = 1_000_000;

fn parse_axis(spec: &str) -> Result<Axis> {
    let bad = || anyhow!("--param {spec}: expected NAME=FROM..TO:POINTS, e.g. rho=0..10:101");
    let (name, range) = spec.split_once('=').ok_or_else(bad)?;
    let (span, points) = range.rsplit_once(':').ok_or_else(bad)?;
    let (from, to) = span.split_once("..").ok_or_else(bad)?;
    let from = Q::parse_exact(from).map_err(|e| anyhow!("--param {spec}: {e}"))?;
    let to = Q::parse_exact(to).map_err(|e| anyhow!("--param {spec}: {e}"))?;
    let n: usize =
        points.trim().parse().map_err(|_| anyhow!("--param {spec}: `{points}` is not a number of points"))?;
    if !(2..=MAX_POINTS).contains(&n) {
        bail!("--param {spec}: the number of points must be between 2 and {MAX_POINTS}");
    }
    if from >= to {
        bail!("--param {spec}: the range is empty ({from} is not below {to})");
    }
    let step = (&to - &from).checked_div(&Q::from_int(n as i64 - 1)).expect("n >= 2");
    let values = (0..n).map(|k| &from + &(&step * &Q::from_int(k as i64))).collect();
    Ok(Axis { name: name.trim().to_string(), values })
}

/// The equilibrium at one grid point.
struct Point {
    values: Vec<Q>,
    regime: Option<String>,
    payoffs: Vec<Q>,
    path: Vec<String>,
}

/// The regime of a model's point whose equilibrium randomises somewhere.
pub const MIXED_REGIME: &str = "mixed play on the path";

fn solve_point(
    base: &Tree,
    axes: &[Axis],
    idx: &[usize],
    regime: Option<fn(&Tree, &[u32]) -> String>,
    sequential: bool,
) -> Result<Point> {
    let mut tree = base.clone();
    let set: Vec<(String, Q)> =
        axes.iter().zip(idx).map(|(a, &k)| (a.name.clone(), a.values[k].clone())).collect();
    let at = || set.iter().map(|(n, v)| format!("{n} = {v}")).collect::<Vec<_>>().join(", ");
    tree.set_parameters(&set).map_err(|e| anyhow!("at {}: {e}", at()))?;
    let e = if sequential {
        // The reputation models: the exact sequential equilibrium (never an approximate one).
        match redline_solver::sequential::solve(&tree, &redline_solver::sequential::Options::default())
            .map_err(|e| anyhow!("at {}: {e}", at()))?
        {
            redline_solver::sequential::Outcome::Exact(s) => s.equilibrium,
            redline_solver::sequential::Outcome::Approximate { .. } => {
                bail!("at {}: the sequential equilibrium could not be made exact", at())
            }
        }
    } else {
        let sol = redline_solver::spe::solve(&tree, &Options::default())
            .map_err(|e| anyhow!("at {}: {e}", at()))?;
        sol.equilibria.into_iter().next().ok_or_else(|| anyhow!("at {}: no equilibrium", at()))?
    };
    let e = &e;
    let path = play::path(&tree, &e.profile)
        .iter()
        .map(|s| tree.actions(tree.infoset_of(s.node))[s.action as usize].clone())
        .collect();
    // A behaviour profile that is pure everywhere names a regime too; a model's point always has one
    // (so the regime column never goes missing).
    let pure: Option<Vec<u32>> = match &e.profile {
        Profile::Pure(p) => Some(p.clone()),
        Profile::Behavior(b) => {
            b.iter().map(|row| row.iter().position(Q::is_one).map(|a| a as u32)).collect()
        }
    };
    let regime = regime.map(|f| pure.map_or_else(|| MIXED_REGIME.to_string(), |p| f(&tree, &p)));
    Ok(Point { values: set.into_iter().map(|(_, v)| v).collect(), regime, payoffs: e.payoffs.clone(), path })
}

/// Runs `redline sweep`.
pub fn run(args: &SweepArgs) -> Result<u8> {
    let (tree, source, model) = load(&args.game)?.into_tree("`sweep`")?;
    if args.params.len() > 2 {
        bail!("--param is given {} times: a sweep has one or two axes", args.params.len());
    }
    let axes: Vec<Axis> = args.params.iter().map(|s| parse_axis(s)).collect::<Result<_>>()?;
    if axes.len() == 2 && axes[0].name == axes[1].name {
        bail!("--param {}: the two axes must be different parameters", axes[0].name);
    }
    let total = axes.iter().map(|a| a.values.len()).product::<usize>();
    if total > MAX_POINTS {
        bail!("the grid has {total} points; at most {MAX_POINTS} are solved in one sweep");
    }
    let grid: Vec<Vec<usize>> = (0..total)
        .map(|k| match axes.len() {
            1 => vec![k],
            _ => vec![k / axes[1].values.len(), k % axes[1].values.len()],
        })
        .collect();
    let bar = if !args.quiet && std::io::stderr().is_terminal() && total >= 200 {
        let b = ProgressBar::new(total as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} points, {eta} left")
                .expect("a valid template"),
        );
        Some(b)
    } else {
        None
    };
    let regime = model.map(|m| m.regime);
    let sequential = model.is_some_and(|m| m.method == "sequential");
    let points: Vec<Point> = grid
        .par_iter()
        .map(|idx| {
            let p = solve_point(&tree, &axes, idx, regime, sequential);
            if let Some(b) = &bar {
                b.inc(1);
            }
            p
        })
        .collect::<Result<_>>()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let fmt = |q: &Q| if args.float { q.to_decimal(args.decimals) } else { q.to_string() };
    let names: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
    let out = match args.format {
        SweepFormat::Csv => {
            let mut s = String::new();
            let mut header: Vec<String> = names.iter().map(|n| (*n).to_string()).collect();
            if model.is_some() {
                header.push("regime".into());
            }
            header.extend(tree.players().iter().cloned());
            header.push("path".into());
            let _ = writeln!(s, "{}", header.iter().map(|h| csv(h)).collect::<Vec<_>>().join(","));
            for p in &points {
                let mut row: Vec<String> = p.values.iter().map(&fmt).collect();
                if let Some(r) = &p.regime {
                    row.push(csv(r));
                }
                row.extend(p.payoffs.iter().map(&fmt));
                row.push(csv(&p.path.join(">")));
                let _ = writeln!(s, "{}", row.join(","));
            }
            s
        }
        SweepFormat::Json => {
            let pts: Vec<serde_json::Value> = points
                .iter()
                .map(|p| {
                    let mut v = json!({
                        "values": p.values.iter().map(&fmt).collect::<Vec<_>>(),
                        "payoffs": p.payoffs.iter().map(&fmt).collect::<Vec<_>>(),
                        "path": p.path,
                    });
                    if let Some(r) = &p.regime {
                        v["regime"] = json!(r);
                    }
                    v
                })
                .collect();
            let doc = json!({
                "schema": "redline/sweep/1", "game": source, "parameters": names,
                "players": tree.players(), "arithmetic": if args.float { "float" } else { "exact" },
                "points": pts,
            });
            let mut s = serde_json::to_string_pretty(&doc)?;
            s.push('\n');
            s
        }
        SweepFormat::Text => {
            let mut rows = vec![{
                let mut h: Vec<String> = names.iter().map(|n| (*n).to_string()).collect();
                if model.is_some() {
                    h.push("regime".into());
                }
                h.extend(tree.players().iter().cloned());
                h.push("path".into());
                h
            }];
            for p in &points {
                let mut row: Vec<String> = p.values.iter().map(&fmt).collect();
                if let Some(r) = &p.regime {
                    row.push(r.clone());
                }
                row.extend(p.payoffs.iter().map(&fmt));
                row.push(p.path.join(" > "));
                rows.push(row);
            }
            table(&rows, "")
        }
    };
    crate::output::emit(&out)?;
    if let Some(path) = &args.plot {
        let svg = if axes.len() == 1 { plot_1d(&tree, &axes[0], &points) } else { plot_2d(&axes, &points) };
        write_atomic(path, &svg)?;
    }
    Ok(0)
}

fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Each player's equilibrium payoff against the parameter; dashed lines where the path changes.
fn plot_1d(tree: &Tree, axis: &Axis, points: &[Point]) -> String {
    let xs: Vec<f64> = axis.values.iter().map(Q::to_f64).collect();
    let series = tree
        .players()
        .iter()
        .enumerate()
        .map(|(i, player)| chart::Series {
            name: player.clone(),
            segments: vec![points.iter().zip(&xs).map(|(p, &x)| (x, p.payoffs[i].to_f64())).collect()],
        })
        .collect();
    // Path changes between neighbouring grid points.
    let markers = (1..points.len())
        .filter(|&k| points[k].path != points[k - 1].path || points[k].regime != points[k - 1].regime)
        .map(|k| chart::Marker { at: (xs[k] + xs[k - 1]) / 2.0, label: String::new() })
        .collect();
    chart::render(&chart::Chart {
        title: format!("{}: equilibrium payoffs against {}", tree.title, axis.name),
        x_name: axis.name.clone(),
        series,
        bands: Vec::new(),
        markers,
    })
}

/// A map of the grid coloured by regime (or by path for user games), with a legend.
fn plot_2d(axes: &[Axis], points: &[Point]) -> String {
    let (nx, ny) = (axes[0].values.len(), axes[1].values.len());
    let label = |p: &Point| p.regime.clone().unwrap_or_else(|| p.path.join(" > "));
    let mut legend: Vec<String> = Vec::new();
    for p in points {
        let l = label(p);
        if !legend.contains(&l) {
            legend.push(l);
        }
    }
    // Room for the longest legend entry (about 7 px per character at 12 px).
    let longest = legend.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let right = 50.0 + 7.0 * longest;
    let (left, top, bottom, plot_w) = (70.0, 40.0, 50.0, 480.0);
    let (w, h) = (left + plot_w + right, 460.0);
    let cw = plot_w / nx as f64;
    let ch = (h - top - bottom) / ny as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">Regimes over {} and {}</text>\n",
        (w - right + left) / 2.0,
        esc(&axes[0].name),
        esc(&axes[1].name)
    );
    for (k, p) in points.iter().enumerate() {
        let (i, j) = (k / ny, k % ny);
        let c = legend.iter().position(|l| *l == label(p)).unwrap_or(0);
        let _ = writeln!(
            s,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{}\"/>",
            left + i as f64 * cw,
            h - bottom - (j + 1) as f64 * ch,
            cw + 0.5,
            ch + 0.5,
            PALETTE[c % PALETTE.len()]
        );
    }
    for (k, axis) in axes.iter().enumerate() {
        let first = axis.values[0].to_f64();
        let last = axis.values[axis.values.len() - 1].to_f64();
        let (x, y) =
            if k == 0 { ((w - right + left) / 2.0, h - 14.0) } else { (22.0, (h - bottom + top) / 2.0) };
        let rotate = if k == 1 { format!(" transform=\"rotate(-90 {x} {y})\"") } else { String::new() };
        let _ = writeln!(
            s,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\"{rotate}>{} ({} to {})</text>",
            esc(&axis.name),
            fmt_tick(first),
            fmt_tick(last)
        );
        // Ticks at both ends of each axis.
        if k == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{left}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                h - bottom + 16.0,
                fmt_tick(first)
            );
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                left + plot_w,
                h - bottom + 16.0,
                fmt_tick(last)
            );
        } else {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                left - 6.0,
                h - bottom,
                fmt_tick(first)
            );
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                left - 6.0,
                top + 10.0,
                fmt_tick(last)
            );
        }
    }
    for (k, l) in legend.iter().enumerate() {
        let ly = top + 22.0 * k as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{ly}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            w - right + 12.0,
            PALETTE[k % PALETTE.len()],
            w - right + 32.0,
            ly + 11.0,
            esc(l)
        );
    }
    s.push_str("</svg>\n");
    s
}
