//! Repeated games (`ceasefire`, `ceasefire-tft`, `RepeatedGame(...)` files): `solve` (is the doctrine
//! subgame perfect at this δ, the conditions and their slack, the δ-intervals, the path after one
//! violation), `threshold --param delta` (the critical discount factors) and the `models` entries.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use redline_models::format::repeated as repeated_format;
use redline_models::library;
use redline_models::number::Q;
use redline_models::repeated::{DELTA, RepeatedGame};
use redline_solver::poly::Root;
use redline_solver::repeated::{self, Analysis, Evaluation, Interval, Lasso, Options, RatFn};
use serde_json::{Value, json};

use crate::args::{Format, GameArgs, Method, SolveArgs, ThresholdArgs};
use crate::load::{assignments, place, read_text};
use crate::render::{NumberStyle, table};

/// A repeated game ready to analyse.
pub struct Loaded {
    game: RepeatedGame,
    source: String,
}

/// The repeated game named by `args`, or `None` when it is not one (a tree or strategic game).
pub fn load(args: &GameArgs) -> Result<Option<Loaded>> {
    let name = args.game.as_str();
    let path = Path::new(name);
    let sets = assignments(&args.set)?;
    if path.exists() {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !matches!(ext.as_deref(), Some("ron" | "json")) {
            return Ok(None);
        }
        let text = read_text(path)?;
        if !repeated_format::is_repeated(&text) {
            return Ok(None);
        }
        let mut game = repeated_format::read(&text).map_err(|e| place(name, e))?;
        game.set_parameters(&sets).map_err(|e| place(name, e))?;
        return Ok(Some(Loaded { game, source: name.to_string() }));
    }
    let Some(model) = library::find_repeated(name) else { return Ok(None) };
    let game = model.instantiate(&sets).map_err(|e| place(name, e))?;
    Ok(Some(Loaded { game, source: name.to_string() }))
}

fn analyze(l: &Loaded, precision: &Q) -> Result<Analysis> {
    let opts = Options { precision: precision.clone(), ..Options::default() };
    repeated::analyze(&l.game, &opts).map_err(|e| anyhow::Error::new(e).context(l.source.clone()))
}

fn endpoint_text(r: &Root, decimals: usize) -> String {
    match r {
        Root::Exact(q) => q.to_string(),
        Root::Interval { .. } => format!("≈{}", r.decimal(decimals)),
    }
}

fn set_text(set: &[Interval], decimals: usize) -> String {
    if set.is_empty() {
        return "never".into();
    }
    let parts: Vec<String> = set
        .iter()
        .map(|iv| {
            if iv.lower == iv.upper {
                return format!("{{{}}}", endpoint_text(&iv.lower, decimals));
            }
            format!(
                "{}{}, {}{}",
                if iv.lower_closed { "[" } else { "(" },
                endpoint_text(&iv.lower, decimals),
                endpoint_text(&iv.upper, decimals),
                if iv.upper_closed { "]" } else { ")" }
            )
        })
        .collect();
    parts.join(" ∪ ")
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

fn set_json(set: &[Interval], decimals: usize) -> Value {
    json!(
        set.iter()
            .map(|iv| json!({
                "from": root_json(&iv.lower, decimals), "from_closed": iv.lower_closed,
                "to": root_json(&iv.upper, decimals), "to_closed": iv.upper_closed,
            }))
            .collect::<Vec<_>>()
    )
}

/// Every irrational endpoint of the sets, once, as `≈d: root of p in [a, b]`.
fn brackets<'a>(sets: impl IntoIterator<Item = &'a [Interval]>, decimals: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for set in sets {
        for iv in set {
            for r in [&iv.lower, &iv.upper] {
                if let Root::Interval { lower, upper, poly } = r {
                    let line = format!(
                        "≈{} is the root of {} in [{lower}, {upper}]",
                        r.decimal(decimals),
                        poly.render(DELTA)
                    );
                    if !out.contains(&line) {
                        out.push(line);
                    }
                }
            }
        }
    }
    out
}

fn profile_text(g: &RepeatedGame, k: usize) -> String {
    let a = g.profile_actions(k);
    format!("({}, {})", g.actions(0)[a[0] as usize], g.actions(1)[a[1] as usize])
}

/// The play of a lasso in words: `(hold, hold) forever`, or the head and the repeated cycle.
fn lasso_text(g: &RepeatedGame, l: &Lasso) -> String {
    let head: Vec<String> = l.periods[..l.cycle_start].iter().map(|&(_, k)| profile_text(g, k)).collect();
    let cycle: Vec<String> = l.periods[l.cycle_start..].iter().map(|&(_, k)| profile_text(g, k)).collect();
    let cyc = if cycle.len() == 1 {
        format!("{} forever", cycle[0])
    } else {
        format!("[{}] repeated forever", cycle.join(", "))
    };
    if head.is_empty() { cyc } else { format!("{}, then {cyc}", head.join(", ")) }
}

fn ratfn_text(f: &RatFn) -> String {
    match f.den.as_constant() {
        Some(c) if c.is_one() => f.num.render(DELTA),
        _ => format!("({}) / ({})", f.num.render(DELTA), f.den.render(DELTA)),
    }
}

/// The first action of `player` other than the one the initial state prescribes.
fn violation(g: &RepeatedGame, player: usize) -> Option<u32> {
    let own = g.states()[g.initial() as usize].play[player];
    (0..g.actions(player).len() as u32).find(|&b| b != own)
}

fn title(l: &Loaded) -> &str {
    if l.game.title.is_empty() { &l.source } else { &l.game.title }
}

fn parameters_text(g: &RepeatedGame, style: NumberStyle) -> String {
    let ps: Vec<String> = g
        .parameters()
        .iter()
        .zip(g.parameter_values())
        .map(|(p, v)| format!("{} = {}", p.name, style.fmt(v)))
        .collect();
    ps.join(", ")
}

/// `redline solve` on a repeated game; exit code 0 when the doctrine is subgame perfect at δ, else 1.
pub fn solve(args: &SolveArgs, l: &Loaded) -> Result<u8> {
    if !matches!(args.method, Method::Auto | Method::Repeated) {
        bail!(
            "{}: method `{}` does not apply to a repeated game; use `--method repeated` (one-shot deviations at every automaton state)",
            l.source,
            args.method.as_str()
        );
    }
    let g = &l.game;
    let precision = Q::ratio(1, 1_000_000_000_000).expect("nonzero");
    let a = analyze(l, &precision)?;
    let delta = g.delta().clone();
    let ev =
        repeated::evaluate(g, &a, &delta).map_err(|e| anyhow::Error::new(e).context(l.source.clone()))?;
    let style = NumberStyle { float: args.float, decimals: args.decimals };
    let on_path = repeated::path(g, g.initial());
    let violations: Vec<(usize, u32, Lasso)> =
        (0..2).filter_map(|i| violation(g, i).map(|b| (i, b, repeated::after_violation(g, i, b)))).collect();
    let out = match args.format {
        Format::Json => solve_json(l, &a, &ev, &on_path, &violations, style)?,
        Format::Text => solve_text(l, &a, &ev, &on_path, &violations, style, args.quiet),
    };
    crate::output::emit(&out)?;
    Ok(if ev.subgame_perfect { 0 } else { 1 })
}

fn state_name(g: &RepeatedGame, s: u32) -> &str {
    &g.states()[s as usize].name
}

fn solve_text(
    l: &Loaded,
    a: &Analysis,
    ev: &Evaluation,
    on_path: &Lasso,
    violations: &[(usize, u32, Lasso)],
    style: NumberStyle,
    quiet: bool,
) -> String {
    let g = &l.game;
    let players = g.players();
    let d = style.decimals;
    let mut s = String::new();
    let _ = writeln!(s, "{}", title(l));
    if !quiet {
        let _ = writeln!(s, "  source:     {}", l.source);
        let _ = writeln!(s, "  parameters: {}", parameters_text(g, style));
        let _ = writeln!(
            s,
            "  method:     repeated (one-shot deviations at every reachable automaton state), exact arithmetic"
        );
    }
    let verdict = match (ev.subgame_perfect, ev.nash) {
        (true, _) => "is subgame perfect",
        (false, true) => "is a Nash equilibrium but not subgame perfect",
        (false, false) => "is not an equilibrium (a side gains by deviating from the start)",
    };
    let _ = writeln!(s, "\nAt {DELTA} = {} the doctrine {verdict}.", style.fmt(&ev.delta));
    let pays: Vec<String> =
        players.iter().zip(&ev.payoffs).map(|(p, v)| format!("{p} {}", style.fmt(v))).collect();
    let _ = writeln!(s, "  payoffs:  {} (normalised: (1 - {DELTA}) Σ {DELTA}^t u_t)", pays.join(", "));
    let _ = writeln!(s, "  path:     {}", lasso_text(g, on_path));
    if !quiet {
        let _ = writeln!(
            s,
            "\nOne-shot deviation conditions at every reachable state (slack = conforming minus deviating once):"
        );
        let mut rows = vec![vec![
            "state".to_string(),
            "plays".into(),
            "player".into(),
            "deviation".into(),
            "slack".into(),
            format!("holds for {DELTA} in"),
        ]];
        for (c, slack) in a.conditions.iter().zip(&ev.slacks) {
            rows.push(vec![
                state_name(g, c.state).to_string(),
                profile_text(g, g.prescribed(c.state)),
                players[c.player].clone(),
                g.actions(c.player)[c.deviation as usize].clone(),
                style.fmt(slack),
                set_text(&c.holds, d),
            ]);
        }
        s.push_str(&table(&rows, "  "));
    }
    let _ = writeln!(s, "\nSubgame perfect for {DELTA} in: {}", set_text(&a.subgame_perfect, d));
    let _ = writeln!(s, "Nash for {DELTA} in:            {}", set_text(&a.nash, d));
    let mut sets: Vec<&[Interval]> = vec![&a.subgame_perfect, &a.nash];
    if !quiet {
        sets.extend(a.conditions.iter().map(|c| c.holds.as_slice()));
    }
    for b in brackets(sets, d) {
        let _ = writeln!(s, "  where {b}");
    }
    if !quiet {
        for (i, b, lasso) in violations {
            let _ = writeln!(
                s,
                "\nAfter {} plays {} once in period 1 (then both follow the doctrine):",
                players[*i],
                g.actions(*i)[*b as usize]
            );
            let mut rows = vec![vec![
                "period".to_string(),
                "state".into(),
                players[0].clone(),
                players[1].clone(),
                "stage payoffs".into(),
            ]];
            for (t, &(st, k)) in lasso.periods.iter().enumerate() {
                let act = g.profile_actions(k);
                let u = g.stage_payoffs(k);
                rows.push(vec![
                    (t + 1).to_string(),
                    state_name(g, st).to_string(),
                    g.actions(0)[act[0] as usize].clone(),
                    g.actions(1)[act[1] as usize].clone(),
                    format!("{}, {}", style.fmt(&u[0]), style.fmt(&u[1])),
                ]);
            }
            s.push_str(&table(&rows, "  "));
            let from = lasso.cycle_start + 1;
            let to = lasso.periods.len();
            if from == to {
                let _ = writeln!(s, "  period {from} repeats forever");
            } else {
                let _ = writeln!(s, "  periods {from}–{to} repeat forever");
            }
        }
    }
    s
}

fn lasso_json(g: &RepeatedGame, l: &Lasso, style: NumberStyle) -> Value {
    let periods: Vec<Value> = l
        .periods
        .iter()
        .map(|&(st, k)| {
            let a = g.profile_actions(k);
            json!({
                "state": state_name(g, st),
                "actions": [g.actions(0)[a[0] as usize], g.actions(1)[a[1] as usize]],
                "payoffs": g.stage_payoffs(k).iter().map(|q| style.fmt(q)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"periods": periods, "cycle_start": l.cycle_start})
}

fn game_json(l: &Loaded, style: NumberStyle) -> Value {
    let g = &l.game;
    let params: serde_json::Map<String, Value> = g
        .parameters()
        .iter()
        .zip(g.parameter_values())
        .map(|(p, v)| (p.name.clone(), json!(style.fmt(v))))
        .collect();
    let states: Vec<Value> = g
        .states()
        .iter()
        .map(|st| {
            json!({"name": st.name, "play": [g.actions(0)[st.play[0] as usize], g.actions(1)[st.play[1] as usize]]})
        })
        .collect();
    json!({
        "title": g.title, "source": l.source, "form": "repeated",
        "players": g.players(), "actions": [g.actions(0), g.actions(1)],
        "parameters": params, "states": states, "initial": state_name(g, g.initial()),
    })
}

fn solve_json(
    l: &Loaded,
    a: &Analysis,
    ev: &Evaluation,
    on_path: &Lasso,
    violations: &[(usize, u32, Lasso)],
    style: NumberStyle,
) -> Result<String> {
    let g = &l.game;
    let d = style.decimals;
    let conditions: Vec<Value> = a
        .conditions
        .iter()
        .zip(&ev.slacks)
        .map(|(c, slack)| {
            json!({
                "state": state_name(g, c.state), "player": g.players()[c.player],
                "deviation": g.actions(c.player)[c.deviation as usize],
                "slack": style.fmt(slack), "holds": !slack.is_negative(),
                "polynomial": c.poly.render(DELTA), "holds_for": set_json(&c.holds, d),
            })
        })
        .collect();
    let viol: Vec<Value> = violations
        .iter()
        .map(|(i, b, lasso)| {
            let mut v = lasso_json(g, lasso, style);
            v["player"] = json!(g.players()[*i]);
            v["action"] = json!(g.actions(*i)[*b as usize]);
            v
        })
        .collect();
    let doc = json!({
        "schema": "redline/repeated/1",
        "game": game_json(l, style),
        "method": "repeated", "arithmetic": if style.float { "float" } else { "exact" },
        "delta": style.fmt(&ev.delta),
        "subgame_perfect": ev.subgame_perfect, "nash": ev.nash,
        "payoffs": ev.payoffs.iter().map(|q| style.fmt(q)).collect::<Vec<_>>(),
        "path": lasso_json(g, on_path, style),
        "conditions": conditions,
        "subgame_perfect_for": set_json(&a.subgame_perfect, d),
        "nash_for": set_json(&a.nash, d),
        "violations": viol,
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

fn parse_q(flag: &str, text: &str) -> Result<Q> {
    Q::parse_exact(text).map_err(|e| anyhow!("--{flag} {text}: {e}"))
}

/// `redline threshold GAME --param delta`: the critical discount factors, exactly.
pub fn threshold(args: &ThresholdArgs, l: &Loaded) -> Result<u8> {
    if args.param != DELTA {
        bail!(
            "{}: thresholds of a repeated game are taken in the discount factor: use `--param {DELTA}` (other parameters: solve at several values with --set)",
            l.source
        );
    }
    if args.from.is_some() || args.to.is_some() {
        bail!("{}: the discount factor always ranges over (0, 1); drop --from and --to", l.source);
    }
    let precision = parse_q("precision", &args.precision)?;
    if !precision.is_positive() {
        bail!("--precision {}: must be positive", args.precision);
    }
    let a = analyze(l, &precision)?;
    let g = &l.game;
    let d = args.decimals;
    let part = &a.partition;
    let path = repeated::path(g, g.initial());
    let payoffs: Vec<String> = a.values[g.initial() as usize].iter().map(ratfn_text).collect();
    let path_json: Vec<Value> = path
        .periods
        .iter()
        .flat_map(|&(_, k)| {
            let act = g.profile_actions(k);
            [
                json!({"player": g.players()[0], "action": g.actions(0)[act[0] as usize]}),
                json!({"player": g.players()[1], "action": g.actions(1)[act[1] as usize]}),
            ]
        })
        .collect();
    let bound = |k: usize, upper: bool| -> Root {
        match (k, upper) {
            (0, false) => Root::Exact(Q::zero()),
            (k, false) => part.points[k - 1].clone(),
            (k, true) if k == part.points.len() => Root::Exact(Q::one()),
            (k, true) => part.points[k].clone(),
        }
    };
    let out = match args.format {
        Format::Json => {
            let side =
                |st: repeated::Status| json!({"regime": st.name(), "path": path_json, "payoffs": payoffs});
            let thresholds: Vec<Value> = part
                .points
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let mut v = root_json(p, d);
                    v["changes_outcome"] = json!(true);
                    v["at"] = json!(part.at_points[k].name());
                    v["below"] = side(part.cells[k]);
                    v["above"] = side(part.cells[k + 1]);
                    v
                })
                .collect();
            let regions: Vec<Value> = part
                .cells
                .iter()
                .enumerate()
                .map(|(k, st)| {
                    let mut v = side(*st);
                    v["from"] = json!(endpoint_text(&bound(k, false), d).trim_start_matches('≈'));
                    v["to"] = json!(endpoint_text(&bound(k, true), d).trim_start_matches('≈'));
                    v
                })
                .collect();
            let doc = json!({
                "schema": "redline/threshold/1", "parameter": DELTA, "from": "0", "to": "1",
                "complete": true, "thresholds": thresholds, "regions": regions,
            });
            let mut s = serde_json::to_string_pretty(&doc)?;
            s.push('\n');
            s
        }
        Format::Text => {
            let mut s = String::new();
            let _ = writeln!(s, "{}: critical discount factors in (0, 1) (exact)", title(l));
            let others: Vec<String> = g
                .parameters()
                .iter()
                .zip(g.parameter_values())
                .filter(|(p, _)| p.name != DELTA)
                .map(|(p, v)| format!("{} = {v}", p.name))
                .collect();
            if !others.is_empty() {
                let _ = writeln!(s, "  other parameters: {}", others.join(", "));
            }
            let _ = writeln!(s, "  path of play: {}; payoffs {}", lasso_text(g, &path), payoffs.join(", "));
            if part.points.is_empty() {
                let _ = writeln!(
                    s,
                    "\nNo threshold: the doctrine is {} for every {DELTA} in (0, 1).",
                    part.cells[0].name()
                );
            } else {
                let _ = writeln!(s, "\nThresholds:");
                let mut rows = Vec::new();
                for (k, p) in part.points.iter().enumerate() {
                    let value = match p {
                        Root::Exact(q) => format!("{DELTA} = {q} ({})", q.to_decimal(d)),
                        Root::Interval { lower, upper, poly } => format!(
                            "{DELTA} ≈ {} (root of {} in [{lower}, {upper}])",
                            p.decimal(d),
                            poly.render(DELTA)
                        ),
                    };
                    rows.push(vec![
                        value,
                        format!(
                            "below: {}; at: {}; above: {}",
                            part.cells[k].name(),
                            part.at_points[k].name(),
                            part.cells[k + 1].name()
                        ),
                    ]);
                }
                s.push_str(&table(&rows, "  "));
            }
            let _ = writeln!(s, "\nRegions:");
            let mut rows = Vec::new();
            for (k, st) in part.cells.iter().enumerate() {
                rows.push(vec![
                    format!(
                        "{} < {DELTA} < {}",
                        endpoint_text(&bound(k, false), d),
                        endpoint_text(&bound(k, true), d)
                    ),
                    st.name().to_string(),
                ]);
                if k < part.points.len() && part.at_points[k] != *st && part.at_points[k] != part.cells[k + 1]
                {
                    rows.push(vec![
                        format!("{DELTA} = {}", endpoint_text(&part.points[k], d)),
                        part.at_points[k].name().to_string(),
                    ]);
                }
            }
            s.push_str(&table(&rows, "  "));
            s
        }
    };
    crate::output::emit(&out)?;
    Ok(0)
}

/// The `redline models` table rows of the repeated models.
pub fn model_rows() -> Vec<Vec<String>> {
    library::repeated_models()
        .iter()
        .map(|m| vec![m.name.into(), m.players.join(", "), m.method.into(), m.summary.into()])
        .collect()
}

/// The `redline models` JSON entries of the repeated models.
pub fn model_json() -> Vec<Value> {
    library::repeated_models()
        .iter()
        .map(|m| json!({"name": m.name, "summary": m.summary, "players": m.players, "method": m.method}))
        .collect()
}

/// `redline models NAME` for a repeated model, or `None` when `name` is not one.
pub fn describe(name: &str, format: Format) -> Result<Option<String>> {
    let Some(m) = library::find_repeated(name) else { return Ok(None) };
    let params = (m.parameters)();
    let mut out = String::new();
    match format {
        Format::Text => {
            let _ = writeln!(out, "{}: {}", m.name, m.summary);
            let _ = writeln!(out, "  players: {}", m.players.join(", "));
            let _ = writeln!(out, "  method:  {}\n", m.method);
            let _ = writeln!(out, "Parameters (set with --set NAME=VALUE):");
            let mut rows = vec![vec!["name".to_string(), "default".into(), "range".into(), "meaning".into()]];
            for p in &params {
                let range = match (&p.min, &p.max) {
                    (None, None) => "any".to_string(),
                    (Some(a), None) => format!(">= {a}"),
                    (None, Some(b)) => format!("<= {b}"),
                    (Some(a), Some(b)) if p.name == DELTA => format!("({a}, {b})"),
                    (Some(a), Some(b)) => format!("[{a}, {b}]"),
                };
                let range = if p.integer { format!("{range}, whole") } else { range };
                rows.push(vec![p.name.clone(), p.default.to_string(), range, p.description.clone()]);
            }
            out.push_str(&table(&rows, "  "));
            let _ = writeln!(out, "\nStage game (Side A's action first; payoffs to Side A, Side B):");
            out.push_str(
                "  (hold, hold) R, R   (strike, hold) T, S   (hold, strike) S, T   (strike, strike) P, P\n",
            );
            let _ = writeln!(out, "\nDoctrine (automaton):");
            for line in m.automaton_text.trim_matches('\n').lines() {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(out, "\nRegimes (by discount factor):");
            for r in m.regimes {
                let _ = writeln!(out, "  - {r}");
            }
            let _ = writeln!(out, "\nClosed forms:");
            for line in m.formulas.trim_matches('\n').lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        Format::Json => {
            let ps: Vec<Value> = params
                .iter()
                .map(|p| {
                    json!({
                        "name": p.name, "default": p.default.to_string(), "description": p.description,
                        "min": p.min.as_ref().map(ToString::to_string), "max": p.max.as_ref().map(ToString::to_string),
                        "integer": p.integer,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&json!({
                "schema": "redline/model/1", "name": m.name, "summary": m.summary, "players": m.players,
                "method": m.method, "parameters": ps, "regimes": m.regimes,
            }))?;
            out.push('\n');
        }
    }
    Ok(Some(out))
}
