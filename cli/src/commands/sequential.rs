//! `redline solve TREE --method sequential`: a sequential equilibrium with its beliefs (two players:
//! a quasi-perfect equilibrium by the perturbed sequence form, exact).

use std::fmt::Write as _;

use anyhow::Result;
use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeKind, Tree};
use redline_solver::sequence::beliefs::beliefs as bayes_beliefs;
use redline_solver::sequential::{self, Options, Outcome, Sequential};

use crate::args::{Format, SolveArgs};
use crate::render::{self, NumberStyle, SolveJson};

/// `--explain`: what the perturbation means.
const EXPLAIN: &str = "\
How the sequential equilibrium is found (quasi-perfect equilibrium, Miltersen & Sorensen 2010):
  Each player is made to play every sequence of moves with at least a tiny probability: a sequence
  of k own moves at least eps^k, for a symbolic eps > 0. Every information set is then reached, so
  each player must reply optimally everywhere, also where the equilibrium never goes. Lemke's
  algorithm solves the perturbed sequence form for all small eps at once (exact polynomials in
  eps), and the equilibrium is the limit eps -> 0. Actions played with probability 0 in the limit
  keep their leading term c*eps^k: these trembles give the beliefs off the path (the limits of
  Bayes' rule), under which every choice above is checked to be optimal, exactly.
";

/// `--explain` for more than two players: what the agent-QRE trace means.
const EXPLAIN_AQRE: &str = "\
How the sequential equilibrium is found (limit of the agent logit QRE, Turocy 2010):
  Every information set is played by its own agent who picks actions with probabilities proportional
  to exp(lambda * value), so every action is played and every information set is reached. At
  lambda = 0 play is uniform; the unique branch of these noisy equilibria is followed (in floats) as
  lambda grows, and its limit is a sequential equilibrium. The limit is then made exact: the
  probabilities are rounded to fractions, the actions that die out get trembles of the order the
  trace shows (which fix the beliefs off the path), and the whole assessment is checked exactly.
";

/// The progress bar of a long agent-QRE trace: on a terminal only, never with `-q`.
fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message("tracing the agent QRE");
    Some(bar)
}

/// Runs the method and prints the result.
pub fn run(args: &SolveArgs, tree: &Tree, source: &str) -> Result<u8> {
    let bar = progress_bar(args.quiet);
    let mut tick = |lambda: f64| {
        if let Some(b) = &bar {
            b.set_message(format!("tracing the agent QRE: lambda = {lambda:.3e}"));
            b.tick();
        }
    };
    let outcome = sequential::solve_with_progress(tree, &Options::default(), &mut tick)
        .map_err(|e| anyhow::Error::new(e).context(source.to_string()));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let style = NumberStyle { float: args.float, decimals: args.decimals };
    let s = match outcome? {
        Outcome::Exact(s) => s,
        Outcome::Approximate { behavior, regret, lambda } => {
            let out = match args.format {
                Format::Json => approximate_json(tree, source, &behavior, regret, lambda, style)?,
                Format::Text => approximate_text(tree, source, &behavior, regret, lambda),
            };
            crate::output::emit(&out)?;
            return Ok(1);
        }
    };
    let reached = bayes_beliefs(tree, &s.equilibrium.profile);
    let out = match args.format {
        Format::Json => json(tree, source, &s, &reached, args.float, style)?,
        Format::Text => text(args, tree, source, &s, &reached, style),
    };
    crate::output::emit(&out)?;
    Ok(0)
}

fn json(
    tree: &Tree,
    source: &str,
    s: &Sequential,
    reached: &[Option<Vec<Q>>],
    float: bool,
    style: NumberStyle,
) -> Result<String> {
    let e = &s.equilibrium;
    let doc = SolveJson::new(
        render::game_json(tree, source, style),
        "sequential",
        float,
        false,
        vec![render::equilibrium_json(tree, e, None, style)],
    );
    let mut v = serde_json::to_value(&doc)?;
    let on_path: Vec<bool> = reached.iter().map(Option::is_some).collect();
    if let Some(obj) = v["equilibria"][0].as_object_mut() {
        obj.insert("beliefs".into(), super::sequence::beliefs_json(tree, &s.beliefs, &on_path, style));
    }
    let mut out = serde_json::to_string_pretty(&v)?;
    out.push('\n');
    Ok(out)
}

fn text(
    args: &SolveArgs,
    tree: &Tree,
    source: &str,
    s: &Sequential,
    reached: &[Option<Vec<Q>>],
    style: NumberStyle,
) -> String {
    let e = &s.equilibrium;
    let mut out = String::new();
    let _ = writeln!(out, "{}", if tree.title.is_empty() { source } else { tree.title.as_str() });
    if !args.quiet {
        let _ = writeln!(out, "  source:     {source}");
        let numbers = if args.float { "exact arithmetic, printed as decimals" } else { "exact arithmetic" };
        let how = if tree.n_players() == 2 {
            "quasi-perfect equilibrium: Lemke's algorithm on the sequence form perturbed by eps^|sequence|"
        } else {
            "the limit of the agent logit QRE, traced in floats and made exact"
        };
        let _ = writeln!(out, "  method:     sequential ({how}), {numbers}");
    }
    let kind = if tree.n_players() == 2 { "quasi-perfect" } else { "agent-QRE limit" };
    let _ = writeln!(out, "\nSequential equilibrium ({kind}; one of possibly several)");
    out.push_str(&render::equilibrium_text(tree, e, None, style, true));
    if args.quiet {
        return out;
    }
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); tree.infosets().len()];
    for x in 0..tree.len() as u32 {
        if tree.kind(x) == NodeKind::Decision {
            members[tree.infoset_of(x) as usize].push(x);
        }
    }
    let _ = writeln!(out, "  behaviour at every information set:");
    let mut rows = vec![vec!["player".to_string(), "information set".into(), "play".into(), "".into()]];
    let mut beliefs_rows = Vec::new();
    let n_sets = tree.infosets().len();
    for i in 0..tree.n_players() {
        for &h in tree.player_infosets(i) {
            let hi = h as usize;
            if rows.len() <= render::MAX_TEXT_ROWS {
                rows.push(vec![
                    tree.players()[i].clone(),
                    set_name(tree, h, &members[hi]),
                    play(tree, h, &s.assessment.behavior[hi], style),
                    where_(reached[hi].is_some(), s.beliefs[hi].is_some()).into(),
                ]);
            }
            if members[hi].len() >= 2 && beliefs_rows.len() < render::MAX_TEXT_ROWS {
                let what = match &s.beliefs[hi] {
                    Some(p) => {
                        let parts: Vec<String> = members[hi]
                            .iter()
                            .zip(p)
                            .map(|(x, q)| format!("node {x}: {}", style.fmt(q)))
                            .collect();
                        let how = if reached[hi].is_some() { "Bayes' rule" } else { "from the trembles" };
                        format!("{} ({how})", parts.join(", "))
                    }
                    None => "none: no completely mixed play reaches it (chance probability 0)".into(),
                };
                beliefs_rows.push(vec![tree.players()[i].clone(), set_name(tree, h, &members[hi]), what]);
            }
        }
    }
    out.push_str(&render::table(&rows, "    "));
    if n_sets + 1 > rows.len() {
        let _ = writeln!(
            out,
            "    … {} more information sets (use --format json for all)",
            n_sets + 1 - rows.len()
        );
    }
    if !beliefs_rows.is_empty() {
        let _ = writeln!(
            out,
            "  beliefs at information sets with several nodes (Bayes' rule on the path, the limit of the \
             trembles off it):"
        );
        out.push_str(&render::table(&beliefs_rows, "    "));
    }
    let trembles = match s.assessment.trembles.iter().flatten().filter(|t| t.is_some()).count() {
        1 => "1 unplayed action trembles".to_string(),
        n => format!("{n} unplayed actions tremble"),
    };
    let _ = writeln!(
        out,
        "  verified: exact regret {} (no player gains by deviating at any information set, given the \
         beliefs there; {trembles})",
        style.fmt(&e.regret)
    );
    if args.explain {
        out.push('\n');
        out.push_str(if tree.n_players() == 2 { EXPLAIN } else { EXPLAIN_AQRE });
        let mut rows = Vec::new();
        for i in 0..tree.n_players() {
            for &h in tree.player_infosets(i) {
                for (a, t) in s.assessment.trembles[h as usize].iter().enumerate() {
                    let Some(t) = t else { continue };
                    if rows.len() < render::MAX_TEXT_ROWS {
                        rows.push(vec![
                            tree.players()[i].clone(),
                            tree.infoset_name(h),
                            tree.actions(h)[a].clone(),
                            format!("{} * eps^{}", style.fmt(&t.weight), t.order),
                        ]);
                    }
                }
            }
        }
        if !rows.is_empty() {
            let _ = writeln!(out, "  The trembles (probability of each unplayed action, to leading order):");
            out.push_str(&render::table(&rows, "    "));
        }
    }
    out
}

/// Text for a trace whose exact polish failed: the float profile, clearly not an exact answer.
fn approximate_text(tree: &Tree, source: &str, behavior: &[Vec<f64>], regret: f64, lambda: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", if tree.title.is_empty() { source } else { tree.title.as_str() });
    let _ = writeln!(out, "  source:     {source}");
    let _ = writeln!(out, "  method:     sequential (the limit of the agent logit QRE, traced in floats)");
    let _ = writeln!(
        out,
        "\nNo exact sequential equilibrium: the trace reached lambda = {lambda:.3e}, but its limit could not be \
         made exact and verified (an irrational equilibrium, or one the rounding misses)."
    );
    let _ = writeln!(
        out,
        "Approximate profile (floats, NOT verified exactly; largest gain from deviating ≈ {regret:.3e}):"
    );
    let mut rows = vec![vec!["player".to_string(), "information set".into(), "play".into()]];
    for i in 0..tree.n_players() {
        for &h in tree.player_infosets(i) {
            let row = &behavior[h as usize];
            let parts: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(_, p)| **p > 1e-9)
                .map(|(a, p)| format!("{} ({p:.6})", tree.actions(h)[a]))
                .collect();
            rows.push(vec![tree.players()[i].clone(), tree.infoset_name(h), parts.join(", ")]);
        }
    }
    out.push_str(&render::table(&rows, "    "));
    out
}

/// JSON for a failed polish: no equilibria, and the float profile under `approximate`.
fn approximate_json(
    tree: &Tree,
    source: &str,
    behavior: &[Vec<f64>],
    regret: f64,
    lambda: f64,
    style: NumberStyle,
) -> Result<String> {
    let doc = SolveJson::new(render::game_json(tree, source, style), "sequential", true, false, Vec::new());
    let mut v = serde_json::to_value(&doc)?;
    let per_player: Vec<Vec<Vec<String>>> = (0..tree.n_players())
        .map(|i| {
            tree.player_infosets(i)
                .iter()
                .map(|&h| behavior[h as usize].iter().map(|p| format!("{p:.12}")).collect())
                .collect()
        })
        .collect();
    v["approximate"] = serde_json::json!({
        "verified": false,
        "behavior": per_player,
        "regret": format!("{regret:.6e}"),
        "lambda": format!("{lambda:.6e}"),
    });
    let mut out = serde_json::to_string_pretty(&v)?;
    out.push('\n');
    Ok(out)
}

/// An information set's name and its nodes.
fn set_name(tree: &Tree, h: InfosetId, nodes: &[u32]) -> String {
    let list: Vec<String> = nodes.iter().map(u32::to_string).collect();
    let word = if nodes.len() == 1 { "node" } else { "nodes" };
    format!("{} ({word} {})", tree.infoset_name(h), list.join(", "))
}

/// The actions played, with their probabilities when mixed.
fn play(tree: &Tree, h: InfosetId, row: &[Q], style: NumberStyle) -> String {
    let parts: Vec<String> = row
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_zero())
        .map(|(a, p)| {
            let name = &tree.actions(h)[a];
            if p.is_one() { name.clone() } else { format!("{name} ({})", style.fmt(p)) }
        })
        .collect();
    parts.join(", ")
}

fn where_(on_path: bool, has_beliefs: bool) -> &'static str {
    match (on_path, has_beliefs) {
        (true, _) => "on the path",
        (false, true) => "off the path",
        (false, false) => "off the path (unreachable: chance probability 0)",
    }
}
