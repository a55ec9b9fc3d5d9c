//! `redline solve --method stackelberg`: the leader's optimal mixed commitment in a two-player
//! strategic game, in words and as JSON (`kind: "stackelberg"`, the commitment under `mixed`).

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use redline_models::strategic::StrategicGame;
use redline_solver::strategic::stackelberg::{self, Commitment};

use crate::args::{Format, SolveArgs};
use crate::render::{self, NumberStyle, SolveJson};

/// Solves and prints; returns the exit code (0: a commitment always exists).
pub fn run(args: &SolveArgs, g: &StrategicGame, source: &str, parameters: String) -> Result<u8> {
    let leader = match &args.leader {
        None => 0,
        Some(name) => g.players().iter().position(|p| p == name).ok_or_else(|| {
            anyhow!("--leader {name}: unknown player (players: {})", g.players().join(", "))
        })?,
    };
    let c = stackelberg::solve(g, leader).map_err(|e| anyhow::Error::new(e).context(source.to_string()))?;
    let style = NumberStyle { float: args.float, decimals: args.decimals };
    let follower_strategies = g.strategies(c.follower()).len();
    let out = match args.format {
        Format::Json => {
            let mut e = render::mixed_json(&c.to_mixed(follower_strategies), style);
            e.kind = "stackelberg";
            let json = SolveJson::new(
                render::strategic_game_json(g, source, style),
                "stackelberg",
                args.float,
                false,
                vec![e],
            );
            let mut s = serde_json::to_string_pretty(&json)?;
            s.push('\n');
            s
        }
        Format::Text => text(args, g, source, &parameters, &c, style),
    };
    crate::output::emit(&out)?;
    Ok(0)
}

fn text(
    args: &SolveArgs,
    g: &StrategicGame,
    source: &str,
    parameters: &str,
    c: &Commitment,
    style: NumberStyle,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", if g.title.is_empty() { source } else { g.title.as_str() });
    let (leader, follower) = (&g.players()[c.leader], &g.players()[c.follower()]);
    if !args.quiet {
        let _ = writeln!(s, "  source:     {source}");
        s.push_str(parameters);
        let _ = writeln!(
            s,
            "  method:     stackelberg (the leader's optimal commitment; the follower breaks ties in the leader's favour), exact arithmetic"
        );
        if let Some(t) = render::payoff_table(g, style) {
            s.push_str(&t);
        }
    }
    let _ = writeln!(s, "\nOptimal commitment of {leader} (leader); {follower} observes it and replies");
    let strategies = g.strategies(c.leader);
    let parts: Vec<String> = strategies
        .iter()
        .zip(&c.commitment)
        .filter(|(_, q)| !q.is_zero())
        .map(|(name, q)| if q.is_one() { name.clone() } else { format!("P({name}) = {}", style.fmt(q)) })
        .collect();
    let reply = &g.strategies(c.follower())[c.reply];
    let (commits, replies) = (format!("{leader} commits to:"), format!("{follower} replies:"));
    let width = commits.len().max(replies.len()).max("threshold:".len());
    let _ = writeln!(s, "  {commits:<width$} {}", parts.join(", "));
    let _ = writeln!(s, "  {replies:<width$} {reply}");
    if let Some((lo, hi)) = &c.reply_range {
        let p = format!("{} probability", strategies[0]);
        let range = if lo == hi {
            format!("{p} = {}", style.fmt(lo))
        } else if lo.is_zero() && hi.is_one() {
            format!("any {p}")
        } else if hi.is_one() {
            format!("{p} >= {}", style.fmt(lo))
        } else if lo.is_zero() {
            format!("{p} <= {}", style.fmt(hi))
        } else {
            format!("{} <= {p} <= {}", style.fmt(lo), style.fmt(hi))
        };
        let _ = writeln!(s, "  {:<width$} {follower}'s reply {reply} requires {range}", "threshold:");
    }
    let pays: Vec<String> =
        g.players().iter().zip(&c.payoffs).map(|(p, q)| format!("{p} {}", style.fmt(q))).collect();
    let _ = writeln!(s, "  {:<width$} {}", "payoffs:", pays.join(", "));
    let _ = writeln!(
        s,
        "  {:<width$} exact ({reply} is a best reply; no other reply gives {leader} more: every LP certified)",
        "verified:"
    );
    s
}
