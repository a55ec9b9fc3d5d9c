//! `redline draw`: a picture of a game with its equilibrium marked.
//!
//! Trees: the subgame-perfect equilibrium (`spe`) drawn on the tree (SVG, PNG or DOT), and with
//! `--steps DIR` one SVG per backward-induction step, in the order of `solve --explain`.
//! Strategic forms: the payoff table with best responses and pure equilibria marked, and the
//! equilibria the method finds listed under it. The pictures themselves are in `crate::draw`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use redline_models::strategic::StrategicGame;
use redline_models::tree::{NodeKind, Tree};
use redline_solver::backward_induction::Options;
use redline_solver::strategic::{self, lemke_howson};
use redline_solver::{Equilibrium, play};

use crate::args::{DrawArgs, DrawFormat, Method};
use crate::commands::convert::write_atomic;
use crate::draw::{dot, png, table, tree_svg};
use crate::load::{Game, load};
use crate::render::{self, NumberStyle};

/// The most nodes drawn: a picture of a larger tree is unreadable (and its file huge).
pub const MAX_DRAW_NODES: usize = 20_000;

/// The most slides `--steps` writes.
pub const MAX_STEPS: usize = 1_000;

/// The most equilibria listed under a payoff table.
const MAX_LISTED: usize = 6;

fn format_of(args: &DrawArgs) -> DrawFormat {
    if let Some(f) = args.format {
        return f;
    }
    let ext = args.output.as_deref().and_then(Path::extension).and_then(|e| e.to_str());
    match ext.map(str::to_ascii_lowercase).as_deref() {
        Some("png") => DrawFormat::Png,
        Some("dot" | "gv") => DrawFormat::Dot,
        _ => DrawFormat::Svg,
    }
}

/// Runs `redline draw`.
pub fn run(args: &DrawArgs) -> Result<u8> {
    let format = format_of(args);
    if format == DrawFormat::Png && args.output.is_none() {
        bail!("a PNG is binary: name the file with -o FILE.png (or use --format svg)");
    }
    let loaded = load(&args.game)?;
    let source = loaded.source.clone();
    let sequential = loaded.model.is_some_and(|m| m.method == "sequential");
    let picture: Vec<u8> = match loaded.game {
        Game::Strategic(g) => {
            if format == DrawFormat::Dot {
                bail!(
                    "{source}: a strategic-form game is drawn as a table, which has no DOT form; use --format svg or png"
                );
            }
            if args.steps.is_some() {
                bail!(
                    "{source}: --steps draws backward-induction steps, which need a tree; this is a strategic-form game"
                );
            }
            let svg = draw_table(args, &g, &source)?;
            finish(format, svg)?
        }
        Game::Tree(tree) => {
            if tree.len() > MAX_DRAW_NODES {
                // A limit (exit code 3), but not one `--max-nodes` raises.
                return Err(anyhow::Error::new(redline_solver::Error::Limit {
                    what: "node",
                    detail: format!(
                        "{} nodes; drawings are limited to {MAX_DRAW_NODES} (a bigger picture is unreadable: draw a subtree, or solve it)",
                        tree.len()
                    ),
                }))
                .context(source.clone());
            }
            let eq = if args.bare { None } else { tree_equilibrium(args, &tree, &source, sequential)? };
            if let Some(dir) = &args.steps {
                let Some((e, _)) = &eq else {
                    bail!(
                        "{source}: --steps needs an equilibrium (drop --bare; trees that spe cannot solve have no steps)"
                    )
                };
                let n = write_steps(&tree, e, dir)?;
                eprintln!("wrote {n} slides to {}", dir.display());
                if args.output.is_none() {
                    return Ok(0);
                }
            }
            let profile = eq.as_ref().map(|(e, _)| &e.profile);
            match format {
                DrawFormat::Dot => dot::render(&tree, profile).into_bytes(),
                _ => {
                    let mut g = tree_svg::geometry(&tree, profile, None);
                    let marks = tree_svg::Marks {
                        profile,
                        caption: eq.as_ref().map(|(_, c)| c.clone()).unwrap_or_default(),
                        ..tree_svg::Marks::default()
                    };
                    g.fit_caption(&marks.caption);
                    finish(format, tree_svg::render(&tree, &g, &marks))?
                }
            }
        }
    };
    match &args.output {
        Some(path) if path != Path::new("-") => write_atomic(path, &picture)?,
        _ => {
            use std::io::Write as _;
            std::io::stdout().write_all(&picture).context("cannot write to standard output")?;
        }
    }
    Ok(0)
}

/// The SVG itself, or its PNG rendering.
fn finish(format: DrawFormat, svg: String) -> Result<Vec<u8>> {
    if format != DrawFormat::Png {
        return Ok(svg.into_bytes());
    }
    let out = png::render(&svg)?;
    if !out.has_fonts {
        eprintln!(
            "warning: no system fonts found: the PNG has no text (install fonts, e.g. fonts-dejavu-core, or draw SVG)"
        );
    }
    Ok(out.bytes)
}

/// The subgame-perfect equilibrium marked on a tree, with the caption that names it. Under `auto`, a
/// tree that `spe` cannot solve is drawn without an equilibrium, with a warning; `--method spe`
/// makes that an error. `--method sequential`, and `auto` for models whose method it is (the
/// reputation models), mark the exact sequential equilibrium instead.
fn tree_equilibrium(
    args: &DrawArgs,
    tree: &Tree,
    source: &str,
    model_sequential: bool,
) -> Result<Option<(Equilibrium, String)>> {
    if args.method == Method::Sequential || (args.method == Method::Auto && model_sequential) {
        let outcome =
            redline_solver::sequential::solve(tree, &redline_solver::sequential::Options::default())
                .map_err(|e| anyhow::Error::new(e).context(source.to_string()))?;
        let redline_solver::sequential::Outcome::Exact(s) = outcome else {
            bail!(
                "{source}: the sequential equilibrium could not be made exact; nothing is drawn as exact (see `redline solve --method sequential`)"
            )
        };
        let e = s.equilibrium;
        let pays: Vec<String> =
            tree.players().iter().zip(&e.payoffs).map(|(p, q)| format!("{p} {q}")).collect();
        let caption = format!("Sequential equilibrium (exact, verified): payoffs {}", pays.join(", "));
        return Ok(Some((e, caption)));
    }
    match args.method {
        Method::Auto | Method::Spe => {}
        m => bail!(
            "{source}: `draw` marks subgame-perfect or sequential equilibria of trees; method `{}` is not available for drawing trees (use --method spe or sequential, or --bare)",
            m.as_str()
        ),
    }
    let sol = match redline_solver::spe::solve(tree, &Options::default()) {
        Ok(sol) => sol,
        Err(e @ redline_solver::Error::Unsupported { .. }) if args.method == Method::Auto => {
            eprintln!("warning: {source}: drawn without an equilibrium: {e}");
            return Ok(None);
        }
        Err(e) => return Err(anyhow::Error::new(e).context(source.to_string())),
    };
    let e = sol
        .equilibria
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("{source}: no subgame-perfect equilibrium found"))?;
    let pays: Vec<String> = tree.players().iter().zip(&e.payoffs).map(|(p, q)| format!("{p} {q}")).collect();
    let mut caption =
        format!("Subgame-perfect equilibrium (spe, exact, verified): payoffs {}", pays.join(", "));
    if !sol.complete {
        caption.push_str("; other equilibria exist (ties: see solve --all)");
    }
    Ok(Some((e, caption)))
}

/// Writes `step-000.svg` (the bare tree) to `step-N.svg` (every node solved, the path marked).
fn write_steps(tree: &Tree, e: &Equilibrium, dir: &PathBuf) -> Result<usize> {
    let order = play::explanation_order(tree);
    if order.len() > MAX_STEPS {
        bail!(
            "--steps: the tree has {} solving steps; slides are written for at most {MAX_STEPS}",
            order.len()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let values = play::node_values(tree, &e.profile);
    let style = NumberStyle { float: false, decimals: 6 };
    // The same words as `solve --explain`: its first line is a heading, then one line per step.
    let explained = render::explain(tree, e, style, MAX_STEPS);
    let words: Vec<&str> = explained
        .lines()
        .skip(1)
        .map(|l| {
            let l = l.trim();
            // Drop the step's own number ("3. At …"): the caption numbers the slide.
            l.split_once(". ")
                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                .map_or(l, |(_, rest)| rest)
        })
        .collect();
    let mut g = tree_svg::geometry(tree, Some(&e.profile), Some(&values));
    let captions: Vec<String> = (0..=order.len())
        .map(|k| match k {
            0 => format!("Backward induction in {} steps, children before parents", order.len()),
            _ => format!("Step {k} of {}: {}", order.len(), words.get(k - 1).copied().unwrap_or("")),
        })
        .collect();
    for c in &captions {
        g.fit_caption(c);
    }
    let mut solved = vec![false; tree.len()];
    for x in 0..tree.len() as u32 {
        solved[x as usize] = tree.kind(x) == NodeKind::Terminal;
    }
    for (k, caption) in captions.into_iter().enumerate() {
        if k > 0 {
            solved[order[k - 1] as usize] = true;
        }
        let last = k == order.len();
        let marks = tree_svg::Marks {
            profile: Some(&e.profile),
            solved: if last { None } else { Some(&solved) },
            current: k.checked_sub(1).map(|i| order[i]),
            values: Some(&values),
            caption,
        };
        let path = dir.join(format!("step-{k:03}.svg"));
        write_atomic(&path, tree_svg::render(tree, &g, &marks))?;
    }
    Ok(order.len() + 1)
}

/// The payoff table with the method's equilibria listed under it.
fn draw_table(args: &DrawArgs, g: &StrategicGame, source: &str) -> Result<String> {
    let mut notes = Vec::new();
    if !args.bare {
        let method = match args.method {
            Method::Auto if g.n_players() == 2 && g.is_constant_sum() => Method::Lp,
            Method::Auto if g.n_players() == 2 && g.n_profiles() <= 400 => Method::Enum,
            Method::Auto if g.n_players() == 2 => Method::Lcp,
            Method::Auto => Method::Pure,
            m => m,
        };
        let sol = match method {
            Method::Pure => strategic::pure::solve(g),
            Method::Lp => strategic::lp::solve(g),
            Method::Enum => strategic::enumeration::solve(g),
            Method::Lcp => strategic::lemke_howson::solve(
                g,
                &lemke_howson::Options { start_label: None, all: false, max_pivots: 1_000_000 },
            ),
            other => bail!(
                "{source}: method `{}` is not available for strategic-form games (use enum, lcp, lp or pure)",
                other.as_str()
            ),
        }
        .map_err(|e| anyhow::Error::new(e).context(source.to_string()))?;
        let n = sol.equilibria.len();
        if n == 0 {
            notes.push(format!("No equilibrium found by {}.", method.as_str()));
        }
        for (k, e) in sol.equilibria.iter().take(MAX_LISTED).enumerate() {
            let parts: Vec<String> = g
                .players()
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let plays: Vec<String> = g
                        .strategies(i)
                        .iter()
                        .zip(&e.strategies[i])
                        .filter(|(_, q)| !q.is_zero())
                        .map(|(s, q)| if q.is_one() { s.clone() } else { format!("{s} {q}") })
                        .collect();
                    format!("{p} {}", plays.join(" + "))
                })
                .collect();
            let pays: Vec<String> = e.payoffs.iter().map(ToString::to_string).collect();
            notes.push(format!(
                "Equilibrium {} of {n} ({}, exact, verified): {}; payoffs ({}).",
                k + 1,
                method.as_str(),
                parts.join("; "),
                pays.join(", ")
            ));
        }
        if n > MAX_LISTED {
            notes.push(format!("… and {} more (see solve).", n - MAX_LISTED));
        }
    }
    let title = if g.title.is_empty() { source } else { g.title.as_str() };
    table::render(g, title, &notes).map_err(|e| anyhow!("{source}: {e}"))
}
