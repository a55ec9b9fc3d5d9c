//! `redline solve`: equilibria, payoffs and the path.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_models::tree::Parameter;
use redline_solver::Profile;
use redline_solver::backward_induction::{Options, TieBreak};
use redline_solver::strategic::{self, Solution as MixedSolution, lemke_howson};

use crate::args::{Format, Method, SolveArgs};
use crate::load::{Game, load};
use crate::render::{self, NumberStyle, SolveJson};

/// The most explanation steps printed.
const MAX_EXPLAIN_STEPS: usize = 500;

fn tie_break(rule: &str, players: &[String]) -> Result<TieBreak> {
    let find = |name: &str| {
        players.iter().position(|p| p == name).ok_or_else(|| {
            anyhow::anyhow!("--tie-break {rule}: unknown player `{name}` (players: {})", players.join(", "))
        })
    };
    Ok(match rule.split_once(':') {
        None if rule == "first" => TieBreak::First,
        Some(("favor" | "favour", p)) => TieBreak::Favor(find(p)?),
        Some(("against", p)) => TieBreak::Against(find(p)?),
        _ => bail!("--tie-break {rule}: expected `first`, `favor:PLAYER` or `against:PLAYER`"),
    })
}

/// Runs `redline solve` with its output captured and returns the `redline/solve/1` (or, for repeated
/// games, `redline/repeated/1`) document with the exit code; `check` and `batch` call this, so they
/// see exactly what `redline solve --format json` prints.
///
/// # Errors
/// Those of [`run`], and a document that is not JSON (`args.format` must be JSON).
pub fn json(args: &SolveArgs) -> Result<(serde_json::Value, u8)> {
    let (code, text) = crate::output::capture(|| run(args));
    let code = code?;
    let doc =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("internal: solve printed no JSON: {e}"))?;
    Ok((doc, code))
}

/// Runs `redline solve`; returns the exit code (0 solved, 1 no equilibrium of the kind asked).
pub fn run(args: &SolveArgs) -> Result<u8> {
    if let Some(r) = super::repeated::load(&args.game)? {
        return super::repeated::solve(args, &r);
    }
    if args.prior.is_some() && (args.method != Method::Lcp || args.strategic) {
        bail!("--prior applies only to --method lcp on trees");
    }
    if args.leader.is_some() && args.method != Method::Stackelberg {
        bail!("--leader applies only to --method stackelberg");
    }
    let loaded = load(&args.game)?;
    if let Game::Strategic(g) = &loaded.game {
        if args.prior.is_some() {
            bail!("--prior applies only to --method lcp on trees (this game is in strategic form)");
        }
        return run_strategic(args, g, &loaded.source, None);
    }
    let (tree, source, model) = loaded.into_tree("`solve`")?;
    if args.strategic || matches!(args.method, Method::Pure | Method::Enum) {
        let (g, note) = super::reduced::reduce(&tree, &source, args.strategic)?;
        return run_strategic(args, &g, &source, Some(&note));
    }
    let method = match args.method {
        Method::Auto => match model.map(|m| m.method) {
            Some("spe") | None => Method::Spe,
            Some("sequential") => Method::Sequential,
            Some(other) => bail!("{source}: the model's method `{other}` is not available in this version"),
        },
        m => m,
    };
    if matches!(method, Method::Lp | Method::Lcp) {
        return super::sequence::run(args, &tree, &source, method);
    }
    if method == Method::Sequential {
        return super::sequential::run(args, &tree, &source);
    }
    if method != Method::Spe {
        bail!(
            "{source}: method `{}` is not available in this version; use `--method spe` (subgame-perfect equilibria)",
            method.as_str()
        );
    }
    let options = Options {
        tie_break: tie_break(&args.tie_break, tree.players())?,
        all: args.all,
        max_equilibria: args.max_equilibria.max(1),
    };
    let (solution, subgames) = redline_solver::spe::solve_with_report(&tree, &options)
        .map_err(|e| anyhow::Error::new(e).context(source.clone()))?;
    let imperfect = !tree.is_perfect_information();
    let style = NumberStyle { float: args.float, decimals: args.decimals };
    let regimes: Vec<Option<String>> = solution
        .equilibria
        .iter()
        .map(|e| match (&e.profile, model) {
            (Profile::Pure(choice), Some(m)) => Some((m.regime)(&tree, choice)),
            _ => None,
        })
        .collect();
    let out = match args.format {
        Format::Json => {
            let json = SolveJson::new(
                render::game_json(&tree, &source, style),
                method.as_str(),
                args.float,
                solution.complete,
                solution
                    .equilibria
                    .iter()
                    .zip(&regimes)
                    .map(|(e, r)| render::equilibrium_json(&tree, e, r.clone(), style))
                    .collect(),
            );
            if imperfect {
                let mut v = serde_json::to_value(&json)?;
                v["subgames"] = super::sequence::subgames_json(&tree, &subgames);
                super::sequence::add_beliefs_json(&mut v, &tree, &solution.equilibria, style);
                crate::output::emit_json(&v)?;
            } else {
                // Streamed: a tree of a million nodes gives a hundred megabytes of JSON.
                crate::output::emit_json(&json)?;
            }
            drop(json);
            let code = if solution.equilibria.is_empty() { 1 } else { 0 };
            crate::output::discard((tree, solution, subgames));
            return Ok(code);
        }
        Format::Text => {
            let mut s = String::new();
            let _ =
                writeln!(s, "{}", if tree.title.is_empty() { source.as_str() } else { tree.title.as_str() });
            if !args.quiet {
                let _ = writeln!(s, "  source:     {source}");
                s.push_str(&parameter_line(tree.parameters(), tree.parameter_values(), style));
                let how = if tree.is_perfect_information() {
                    "backward induction"
                } else {
                    "subgame decomposition"
                };
                let numbers =
                    if args.float { "exact arithmetic, printed as decimals" } else { "exact arithmetic" };
                let _ = writeln!(s, "  method:     spe ({how}), {numbers}");
                if imperfect {
                    s.push_str(&super::sequence::subgames_text(&tree, &subgames));
                }
            }
            if let Some(m) = model {
                for note in (m.notes)(&tree) {
                    let _ = writeln!(s, "  note:       {note}");
                }
            }
            let n = solution.equilibria.len();
            for (k, (e, r)) in solution.equilibria.iter().zip(&regimes).enumerate() {
                let count = if solution.complete {
                    format!("{n}")
                } else if e.ties.is_empty() && matches!(e.profile, Profile::Behavior(_)) {
                    format!("{n} found (subgames solved by the sequence form may have others)")
                } else {
                    format!("{n} found, more exist")
                };
                let _ = writeln!(s, "\nSubgame-perfect equilibrium {} of {count}", k + 1);
                s.push_str(&render::equilibrium_text(&tree, e, r.as_deref(), style, args.quiet));
                if imperfect && !args.quiet {
                    s.push_str(&super::sequence::beliefs_text(&tree, e, style));
                }
            }
            let tied = solution.equilibria.iter().any(|e| !e.ties.is_empty());
            if !solution.complete && !tied {
                // Only sequence-form subgames make the list incomplete; nothing to add.
            } else if !solution.complete && !args.all && !args.quiet {
                let _ = writeln!(
                    s,
                    "\nOther subgame-perfect equilibria exist because of the ties above: list them with --all."
                );
            } else if !solution.complete {
                let _ = writeln!(
                    s,
                    "\nStopped after {} equilibria (--max-equilibria): the list is incomplete.",
                    n
                );
            }
            if args.explain {
                if let Some(e) = solution.equilibria.first() {
                    s.push('\n');
                    s.push_str(&render::explain(&tree, e, style, MAX_EXPLAIN_STEPS));
                }
            }
            s
        }
    };
    crate::output::emit(&out)?;
    let code = if solution.equilibria.is_empty() { 1 } else { 0 };
    crate::output::discard((out, tree, solution, subgames));
    Ok(code)
}

/// The `parameters:` line of the text output (empty for a game without parameters).
fn parameter_line(params: &[Parameter], values: &[Q], style: NumberStyle) -> String {
    if params.is_empty() {
        return String::new();
    }
    let ps: Vec<String> =
        params.iter().zip(values).map(|(p, v)| format!("{} = {}", p.name, style.fmt(v))).collect();
    format!("  parameters: {}\n", ps.join(", "))
}

/// True when `--method` (after `auto` is resolved as [`run_strategic`] does) is not `enum`.
fn method_is_not_enum(method: Method, g: &StrategicGame) -> bool {
    match method {
        Method::Enum => false,
        Method::Auto => !(g.n_players() == 2 && !g.is_constant_sum() && g.n_profiles() <= AUTO_ENUM_PROFILES),
        _ => true,
    }
}

/// Strategic-form games with few enough profiles for `enum` under `auto`.
const AUTO_ENUM_PROFILES: usize = 400;

/// `solve` on a strategic-form game: `auto` picks `lp` for two-player zero-sum games, `enum` for
/// other small two-player games, `lcp` for larger ones, and `pure` for more players.
///
/// `form` is a note for the text output when the game is the reduced strategic form of a tree.
fn run_strategic(args: &SolveArgs, g: &StrategicGame, source: &str, form: Option<&str>) -> Result<u8> {
    if args.components && method_is_not_enum(args.method, g) {
        bail!(
            "--components lists the components of the extreme equilibria `--method enum` finds; add `--method enum`"
        );
    }
    let method = match args.method {
        Method::Auto if g.n_players() == 2 && g.is_constant_sum() => Method::Lp,
        Method::Auto if g.n_players() == 2 && g.n_profiles() <= AUTO_ENUM_PROFILES => Method::Enum,
        Method::Auto if g.n_players() == 2 => Method::Lcp,
        Method::Auto => Method::Pure,
        m => m,
    };
    if method == Method::Stackelberg {
        let style = NumberStyle { float: args.float, decimals: args.decimals };
        let parameters = parameter_line(g.parameters(), g.parameter_values(), style);
        return super::stackelberg::run(args, g, source, parameters);
    }
    let solution: MixedSolution = match method {
        Method::Pure => strategic::pure::solve(g),
        Method::Lp => strategic::lp::solve(g),
        Method::Enum => strategic::enumeration::solve(g),
        Method::Lcp => strategic::lemke_howson::solve(
            g,
            &lemke_howson::Options { start_label: None, all: args.all, max_pivots: 1_000_000 },
        ),
        Method::Spe => bail!("{source}: `spe` needs an extensive-form game; this is a strategic form (use `enum`, `lcp`, `lp` or `pure`)"),
        Method::Sequential => bail!("{source}: `sequential` needs an extensive-form game (it refines play at information sets); this is a strategic form (use `enum`, `lcp`, `lp` or `pure`)"),
        other => bail!("{source}: method `{}` is not available for strategic-form games in this version", other.as_str()),
    }
    .map_err(|e| anyhow::Error::new(e).context(source.to_string()))?;
    let style = NumberStyle { float: args.float, decimals: args.decimals };
    let out = match args.format {
        Format::Json => {
            let json = SolveJson::new(
                render::strategic_game_json(g, source, style),
                method.as_str(),
                args.float,
                solution.complete,
                solution.equilibria.iter().map(|e| render::mixed_json(e, style)).collect(),
            );
            let mut json = serde_json::to_value(&json)?;
            if args.components {
                super::reduced::add_components_json(&mut json, &solution);
            }
            let mut s = serde_json::to_string_pretty(&json)?;
            s.push('\n');
            s
        }
        Format::Text => {
            let mut s = String::new();
            let _ = writeln!(s, "{}", if g.title.is_empty() { source } else { g.title.as_str() });
            let what = match method {
                Method::Pure => "pure (every pure-strategy equilibrium)",
                Method::Lp => "lp (zero-sum: optimal strategies and the value)",
                Method::Enum => "enum (every extreme equilibrium, vertex enumeration)",
                Method::Lcp => "lcp (Lemke-Howson)",
                _ => method.as_str(),
            };
            if !args.quiet {
                let _ = writeln!(s, "  source:     {source}");
                s.push_str(&parameter_line(g.parameters(), g.parameter_values(), style));
                let _ = writeln!(s, "  method:     {what}, exact arithmetic");
                if let Some(note) = form {
                    let _ = writeln!(s, "  form:       {note}");
                }
                if let Some(t) = render::payoff_table(g, style) {
                    s.push_str(&t);
                }
            }
            let n = solution.equilibria.len();
            if n == 0 {
                let _ = writeln!(
                    s,
                    "\nNo equilibrium of this kind (try `--method enum` or `lcp` for mixed equilibria)."
                );
            }
            for (k, e) in solution.equilibria.iter().enumerate() {
                if method == Method::Lp {
                    let _ = writeln!(
                        s,
                        "\nOptimal strategies (the value of the game to {} is {})",
                        g.players()[0],
                        style.fmt(&e.payoffs[0])
                    );
                    s.push_str(&render::mixed_text(g, e, style));
                    continue;
                }
                let count = if solution.complete { format!("{n}") } else { format!("{n} found") };
                let _ = writeln!(s, "\nNash equilibrium {} of {count}", k + 1);
                s.push_str(&render::mixed_text(g, e, style));
            }
            if args.components {
                s.push_str(&super::reduced::components_text(&solution));
            }
            s
        }
    };
    crate::output::emit(&out)?;
    Ok(if solution.equilibria.is_empty() { 1 } else { 0 })
}
