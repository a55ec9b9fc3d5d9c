//! The tree path of `redline solve` for mixed behaviour: `--method lp|lcp` on trees (the sequence
//! form), and the parts of `spe` output that only imperfect-information trees have (which method
//! solved each subgame, beliefs at information sets).

use std::fmt::Write as _;

use anyhow::Result;
use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeKind, Tree};
use redline_solver::spe::SubgameReport;
use redline_solver::{Equilibrium, sequence};
use serde_json::{Value, json};

use crate::args::{Format, Method, SolveArgs};
use crate::render::{self, NumberStyle, SolveJson};

/// The most subgames listed one by one in text output.
const MAX_SUBGAME_ROWS: usize = 20;

/// How many random priors `--all` adds to the first one for `lcp` on trees.
const ALL_RANDOM_PRIORS: u64 = 8;

/// The `--prior` of `solve --method lcp`: `uniform` or `random:SEED`.
fn parse_prior(text: Option<&str>) -> Result<sequence::Prior> {
    match text {
        None | Some("uniform") => Ok(sequence::Prior::Uniform),
        Some(t) => match t.strip_prefix("random:").map(str::parse::<u64>) {
            Some(Ok(seed)) => Ok(sequence::Prior::Random(seed)),
            _ => anyhow::bail!("--prior {t}: expected `uniform` or `random:SEED` (SEED a whole number)"),
        },
    }
}

fn prior_words(prior: sequence::Prior) -> String {
    match prior {
        sequence::Prior::Uniform => "the uniform strategies".into(),
        sequence::Prior::Random(seed) => format!("random strategies (seed {seed})"),
    }
}

/// Why the answer comes from another prior than the uniform one: the float runs before it.
fn restart_words(report: &sequence::LcpReport) -> String {
    let n = report.attempts.len();
    let spent: usize = report.attempts.iter().map(|a| a.pivots).sum();
    let first = &report.attempts[0];
    let why = match first.end {
        sequence::AttemptEnd::Budget => format!("did not end within {} pivots", first.budget),
        sequence::AttemptEnd::Ray => "ended on a ray in floats".to_string(),
        _ => "ended where the exact checks failed".to_string(),
    };
    let how = if report.route == sequence::Route::Fallback {
        "none verified, so exact pivoting traced the path from"
    } else {
        "the equilibrium is the end of the path from"
    };
    format!(
        "the float path from {} {why}; {} more float runs from random priors with Luby budgets \
         ({spent} float pivots in all); {how} {}",
        prior_words(first.prior),
        n - 1,
        prior_words(report.prior)
    )
}

/// `redline solve TREE --method lp|lcp`: one equilibrium from the sequence form (with `lcp --all`,
/// the distinct equilibria reached from the first prior and [`ALL_RANDOM_PRIORS`] random ones).
pub fn run(args: &SolveArgs, tree: &Tree, source: &str, method: Method) -> Result<u8> {
    let prior = parse_prior(args.prior.as_deref())?;
    let mut priors = vec![prior];
    if args.all && method == Method::Lcp {
        for seed in 1..=ALL_RANDOM_PRIORS {
            if prior != sequence::Prior::Random(seed) {
                priors.push(sequence::Prior::Random(seed));
            }
        }
    }
    let mut solution =
        redline_solver::backward_induction::Solution { equilibria: Vec::new(), complete: false };
    let mut routes = Vec::new();
    // The first solve's report (`lcp`): which prior's path answered, after which float runs.
    let mut first: Option<sequence::LcpReport> = None;
    for (i, &p) in priors.iter().enumerate() {
        // Restarts only for the default prior: `--prior` means the path from that prior.
        let restarts = i == 0 && args.prior.is_none();
        let options = sequence::Options { prior: p, restarts, ..sequence::Options::default() };
        let (s, route) = match method {
            Method::Lp => sequence::solve_lp_routed(tree, &options),
            _ => sequence::solve_lcp_report(tree, &options).map(|(s, report)| {
                let route = report.route;
                first.get_or_insert(report);
                (s, route)
            }),
        }
        .map_err(|e| anyhow::Error::new(e).context(source.to_string()))?;
        routes.push(route);
        for e in s.equilibria {
            if solution.equilibria.len() < args.max_equilibria
                && !solution.equilibria.iter().any(|f| f.profile == e.profile)
            {
                solution.equilibria.push(e);
            }
        }
    }
    let style = NumberStyle { float: args.float, decimals: args.decimals };
    let out = match args.format {
        Format::Json => {
            let json = SolveJson::new(
                render::game_json(tree, source, style),
                method.as_str(),
                args.float,
                solution.complete,
                solution.equilibria.iter().map(|e| render::equilibrium_json(tree, e, None, style)).collect(),
            );
            let mut v = serde_json::to_value(&json)?;
            add_beliefs_json(&mut v, tree, &solution.equilibria, style);
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s
        }
        Format::Text => {
            let mut s = String::new();
            let _ = writeln!(s, "{}", if tree.title.is_empty() { source } else { tree.title.as_str() });
            if !args.quiet {
                let _ = writeln!(s, "  source:     {source}");
                let what = if method == Method::Lp {
                    "lp (sequence form, zero-sum: optimal behaviour strategies and the value)".to_string()
                } else if priors.len() > 1 {
                    format!(
                        "lcp (Lemke's algorithm on the sequence form, traced from {} and {ALL_RANDOM_PRIORS} random priors)",
                        prior_words(prior)
                    )
                } else {
                    format!(
                        "lcp (Lemke's algorithm on the sequence form, traced from {})",
                        prior_words(first.as_ref().map_or(prior, |r| r.prior))
                    )
                };
                let _ = writeln!(s, "  method:     {what}, exact arithmetic");
                if let Some(r) = first.as_ref().filter(|r| r.attempts.len() > 1) {
                    let _ = writeln!(s, "  restarts:   {}", restart_words(r));
                }
                if args.explain {
                    let float = routes.iter().filter(|&&r| r == sequence::Route::Float).count();
                    let fallback = routes.iter().filter(|&&r| r == sequence::Route::Fallback).count();
                    let _ = writeln!(
                        s,
                        "  route:      {float} of {} solve(s) by the float path (float guess, exact solve, exact check); \
                         {fallback} fell back to exact rational pivoting",
                        routes.len()
                    );
                }
            }
            for e in &solution.equilibria {
                if method == Method::Lp {
                    let _ = writeln!(
                        s,
                        "\nOptimal strategies (the value of the game to {} is {})",
                        tree.players()[0],
                        style.fmt(&e.payoffs[0])
                    );
                } else if priors.len() > 1 {
                    let _ = writeln!(s, "\nNash equilibrium (one of those reached from the priors)");
                } else {
                    let _ = writeln!(s, "\nNash equilibrium (one of possibly several)");
                }
                s.push_str(&render::equilibrium_text(tree, e, None, style, args.quiet));
                if !args.quiet {
                    s.push_str(&beliefs_text(tree, e, style));
                }
            }
            s
        }
    };
    crate::output::emit(&out)?;
    Ok(if solution.equilibria.is_empty() { 1 } else { 0 })
}

/// Text lines saying how the subgames were solved (for trees with imperfect information).
pub fn subgames_text(tree: &Tree, reports: &[SubgameReport]) -> String {
    let mut s = String::new();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for r in reports {
        match counts.iter_mut().find(|(m, _)| *m == r.method) {
            Some(c) => c.1 += 1,
            None => counts.push((r.method, 1)),
        }
    }
    let summary: Vec<String> = counts.iter().map(|(m, c)| format!("{c} by {m}")).collect();
    let _ = writeln!(s, "  subgames:   {} ({})", reports.len(), summary.join(", "));
    let listed: Vec<&SubgameReport> =
        reports.iter().filter(|r| r.method != "backward induction").take(MAX_SUBGAME_ROWS).collect();
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|r| {
            let names: Vec<&str> = r.players.iter().map(|&p| tree.players()[p].as_str()).collect();
            vec![
                format!("node {}", r.root),
                render::labelled_place(tree, r.root),
                r.method.to_string(),
                names.join(", "),
            ]
        })
        .collect();
    s.push_str(&render::table(&rows, "    "));
    s
}

/// The `subgames` JSON list: each subgame root and the method that solved it.
pub fn subgames_json(tree: &Tree, reports: &[SubgameReport]) -> Value {
    Value::Array(
        reports
            .iter()
            .map(|r| {
                json!({
                    "node": r.root.to_string(),
                    "method": r.method,
                    "players": r.players.iter().map(|&p| tree.players()[p].clone()).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// The nodes of each information set, in node order.
fn members(tree: &Tree) -> Vec<Vec<u32>> {
    let mut m = vec![Vec::new(); tree.infosets().len()];
    for x in 0..tree.len() as u32 {
        if tree.kind(x) == NodeKind::Decision {
            m[tree.infoset_of(x) as usize].push(x);
        }
    }
    m
}

/// Adds `beliefs` to each equilibrium of a `redline/solve/1` value: per player and information set
/// (in the order of `game.infosets`), the nodes, whether play reaches the set, and the conditional
/// probability of each node by Bayes' rule (null off the path).
pub fn add_beliefs_json(v: &mut Value, tree: &Tree, equilibria: &[Equilibrium], style: NumberStyle) {
    let Some(list) = v.get_mut("equilibria").and_then(Value::as_array_mut) else { return };
    for (obj, e) in list.iter_mut().zip(equilibria) {
        let beliefs = sequence::beliefs::beliefs(tree, &e.profile);
        let on_path: Vec<bool> = beliefs.iter().map(Option::is_some).collect();
        if let Some(o) = obj.as_object_mut() {
            o.insert("beliefs".into(), beliefs_json(tree, &beliefs, &on_path, style));
        }
    }
}

/// The `beliefs` value of one equilibrium: per player and information set, the nodes, whether play
/// reaches the set (`on_path`), and `beliefs[h]` (null where there are none).
pub fn beliefs_json(tree: &Tree, beliefs: &[Option<Vec<Q>>], on_path: &[bool], style: NumberStyle) -> Value {
    let members = members(tree);
    Value::Array(
        (0..tree.n_players())
            .map(|i| {
                Value::Array(
                    tree.player_infosets(i)
                        .iter()
                        .map(|&h| {
                            let b = &beliefs[h as usize];
                            json!({
                                "nodes": members[h as usize].iter().map(u32::to_string).collect::<Vec<_>>(),
                                "on_path": on_path[h as usize],
                                "probabilities": b.as_ref().map(|p| p.iter().map(|q| style.fmt(q)).collect::<Vec<_>>()),
                            })
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

/// Text lines with the beliefs at information sets with several nodes.
pub fn beliefs_text(tree: &Tree, e: &Equilibrium, style: NumberStyle) -> String {
    let members = members(tree);
    let beliefs = sequence::beliefs::beliefs(tree, &e.profile);
    let mut rows = Vec::new();
    for (h, nodes) in members.iter().enumerate() {
        if nodes.len() < 2 || rows.len() >= render::MAX_TEXT_ROWS {
            continue;
        }
        let h = h as InfosetId;
        let player = tree.players()[tree.infosets()[h as usize].player as usize].clone();
        let what = match &beliefs[h as usize] {
            Some(p) => {
                let parts: Vec<String> =
                    nodes.iter().zip(p).map(|(x, q)| format!("node {x}: {}", style.fmt(q))).collect();
                parts.join(", ")
            }
            None => "off the path (reached with probability 0; no beliefs by Bayes' rule)".into(),
        };
        rows.push(vec![player, tree.infoset_name(h), what]);
    }
    if rows.is_empty() {
        return String::new();
    }
    let mut s = String::from("  beliefs at information sets (Bayes' rule on the equilibrium's play):\n");
    s.push_str(&render::table(&rows, "    "));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use sequence::{Attempt, AttemptEnd, LcpReport, Prior, Route};

    fn attempt(prior: Prior, budget: usize, pivots: usize, end: AttemptEnd) -> Attempt {
        Attempt { prior, budget, pivots, end }
    }

    /// The restarts line says why the first path was left, how many runs followed, and whose
    /// path answered (float) or was traced exactly (fallback).
    #[test]
    fn restart_words_name_the_runs_and_the_answering_prior() {
        let mut report = LcpReport {
            route: Route::Float,
            prior: Prior::Random(2),
            attempts: vec![
                attempt(Prior::Uniform, 16_384, 16_384, AttemptEnd::Budget),
                attempt(Prior::Random(1), 256, 256, AttemptEnd::Budget),
                attempt(Prior::Random(2), 512, 140, AttemptEnd::Verified),
            ],
        };
        assert_eq!(
            restart_words(&report),
            "the float path from the uniform strategies did not end within 16384 pivots; 2 more float \
             runs from random priors with Luby budgets (16780 float pivots in all); the equilibrium is \
             the end of the path from random strategies (seed 2)"
        );
        report.route = Route::Fallback;
        report.prior = Prior::Uniform;
        report.attempts[0].end = AttemptEnd::Ray;
        let words = restart_words(&report);
        assert!(
            words.starts_with("the float path from the uniform strategies ended on a ray in floats;"),
            "{words}"
        );
        assert!(
            words.ends_with("none verified, so exact pivoting traced the path from the uniform strategies"),
            "{words}"
        );
    }
}
