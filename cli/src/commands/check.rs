//! `redline check`: runs the cases of expectation files (`expect`), prints `ok` or `DRIFT` per case
//! with a precise diff, and with `--update` rewrites drifted values in place.
//!
//! Each case is the command line it stands for (`solve GAME --set … --method … --format json`, or
//! `threshold GAME --param …`), parsed by clap and run by the same functions as those commands
//! (`solve::json`, `threshold::json`), so a check can never disagree with what `solve` prints.
//! Cases run in parallel (rayon); the report is in file order.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use clap::Parser as _;
use rayon::prelude::*;
use redline_models::number::Q;
use serde_json::{Value, json};

use crate::args::{CheckArgs, Cli, Command, Format, SolveArgs, ThresholdArgs};
use crate::commands::convert::write_atomic;
use crate::commands::{solve, threshold};
use crate::expect::{self, Actual, Case, Drift, Query, Root};

/// The `solve` arguments of a query: exactly what `redline solve GAME --set … --format json` parses to.
///
/// # Errors
/// When clap refuses the arguments (its first line is the message).
pub fn solve_args(
    game: &str,
    set: &[(String, String)],
    method: Option<&str>,
    all: bool,
) -> Result<SolveArgs> {
    let mut argv = vec!["redline".to_string(), "solve".into(), game.into(), "--format".into(), "json".into()];
    push_sets(&mut argv, set);
    if let Some(m) = method {
        argv.extend(["--method".into(), m.into()]);
    }
    if all {
        argv.push("--all".into());
    }
    match parse(argv)? {
        Command::Solve(a) => Ok(a),
        _ => Err(anyhow!("internal: `solve` parsed as another command")),
    }
}

/// The `threshold` arguments of a query (`--decimals 12` so approximate values have digits to spare).
///
/// # Errors
/// When clap refuses the arguments.
pub fn threshold_args(
    game: &str,
    set: &[(String, String)],
    param: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ThresholdArgs> {
    let mut argv =
        vec!["redline".to_string(), "threshold".into(), game.into(), "--param".into(), param.into()];
    argv.extend(["--format".into(), "json".into(), "--decimals".into(), "12".into()]);
    push_sets(&mut argv, set);
    for (flag, v) in [("--from", from), ("--to", to)] {
        if let Some(v) = v {
            argv.extend([flag.into(), v.into()]);
        }
    }
    match parse(argv)? {
        Command::Threshold(a) => Ok(a),
        _ => Err(anyhow!("internal: `threshold` parsed as another command")),
    }
}

fn push_sets(argv: &mut Vec<String>, set: &[(String, String)]) {
    for (k, v) in set {
        argv.push("--set".into());
        argv.push(format!("{k}={v}"));
    }
}

fn parse(argv: Vec<String>) -> Result<Command> {
    Cli::try_parse_from(argv).map(|c| c.command).map_err(|e| {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default();
        anyhow!("{}", first.trim_start_matches("error: "))
    })
}

/// Runs one case's query and reads the result in the terms of the expectations.
fn actual(case: &Case) -> Result<Actual> {
    match &case.query {
        Query::Solve { method, all } => {
            let (doc, _) = solve::json(&solve_args(&case.game, &case.set, method.as_deref(), *all)?)?;
            let equilibria = doc["equilibria"].as_array().cloned().unwrap_or_default();
            let first = equilibria.first();
            let strings = |v: &Value| -> Vec<String> {
                v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect()
            };
            let payoffs = first
                .map(|e| {
                    strings(&e["payoffs"])
                        .iter()
                        .map(|p| Q::parse_exact(p).map_err(|e| anyhow!("{e}")))
                        .collect()
                })
                .transpose()?;
            let path = first
                .map(|e| {
                    e["path"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| s["action"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Actual {
                players: strings(&doc["game"]["players"]),
                payoffs,
                path,
                regime: first.and_then(|e| e["regime"].as_str().map(str::to_string)),
                equilibria: equilibria.len() as u64,
                ..Actual::default()
            })
        }
        Query::Threshold { param, from, to } => {
            let doc = threshold::json(&threshold_args(
                &case.game,
                &case.set,
                param,
                from.as_deref(),
                to.as_deref(),
            )?)?;
            let q = |v: &Value| -> Result<Q> {
                let s = v.as_str().ok_or_else(|| anyhow!("internal: a threshold value is not a string"))?;
                Q::parse_exact(s).map_err(|e| anyhow!("{e}"))
            };
            let mut thresholds = Vec::new();
            for t in doc["thresholds"].as_array().into_iter().flatten() {
                thresholds.push(if t["exact"] == Value::Bool(true) {
                    Root::Exact(q(&t["value"])?)
                } else {
                    Root::Interval { lower: q(&t["lower"])?, upper: q(&t["upper"])? }
                });
            }
            let regimes = doc["regions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r["regime"].as_str().unwrap_or_default().to_string())
                .collect();
            Ok(Actual { parameter: param.clone(), thresholds, regimes, ..Actual::default() })
        }
    }
}

/// The result of one case.
enum Outcome {
    Ok,
    Drift(Vec<Drift>, Box<Actual>),
    Error(String),
}

struct Report {
    file: String,
    line: u32,
    col: u32,
    name: String,
    outcome: Outcome,
}

fn run_case(case: &Case) -> Outcome {
    match actual(case) {
        Err(e) => Outcome::Error(format!("{e:#}")),
        Ok(a) => {
            let drifts: Vec<Drift> =
                case.expect.iter().filter_map(|e| expect::compare(e, &a, case.tolerance.as_ref())).collect();
            if drifts.is_empty() { Outcome::Ok } else { Outcome::Drift(drifts, Box::new(a)) }
        }
    }
}

/// Runs `redline check`: exit 0 when every case holds, 1 on drift, 2 on a broken file or case.
pub fn run(args: &CheckArgs) -> Result<u8> {
    let mut reports = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    let mut updated: Vec<(String, usize)> = Vec::new();
    for path in &args.files {
        let file = match expect::read(path) {
            Ok(f) => f,
            Err(e) => {
                broken.push(expect::describe(path, &e));
                continue;
            }
        };
        let outcomes: Vec<Outcome> = file.cases.par_iter().map(run_case).collect();
        if args.update {
            match update(&file, &outcomes) {
                Ok(0) => {}
                Ok(n) => updated.push((path.display().to_string(), n)),
                Err(e) => broken.push(e),
            }
        }
        for (case, outcome) in file.cases.iter().zip(outcomes) {
            reports.push(Report {
                file: path.display().to_string(),
                line: case.pos.line,
                col: case.pos.col,
                name: case.name.clone(),
                outcome,
            });
        }
    }
    let drift = reports.iter().filter(|r| matches!(r.outcome, Outcome::Drift(..))).count();
    let errors = reports.iter().filter(|r| matches!(r.outcome, Outcome::Error(_))).count();
    let ok = reports.len() - drift - errors;
    let out = match args.format {
        Format::Text => text(&reports, &broken, &updated, (ok, drift, errors)),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&json_doc(&reports, &broken, &updated, (ok, drift, errors)))?;
            s.push('\n');
            s
        }
    };
    crate::output::emit(&out)?;
    for b in &broken {
        eprintln!("error: {b}");
    }
    if let Some(j) = &args.junit {
        write_atomic(j, junit(&reports, &broken))?;
    }
    Ok(if !broken.is_empty() || errors > 0 {
        2
    } else if drift > 0 && !args.update {
        1
    } else {
        0
    })
}

/// Rewrites the drifted values of one file in place; returns how many values changed.
fn update(file: &expect::File, outcomes: &[Outcome]) -> Result<usize, String> {
    let mut edits = Vec::new();
    for (case, outcome) in file.cases.iter().zip(outcomes) {
        let Outcome::Drift(drifts, actual) = outcome else { continue };
        for d in drifts {
            let e =
                case.expect.iter().find(|e| e.field == d.field).expect("a drift comes from an expectation");
            let new = expect::new_text(d.field, actual, case.tolerance.is_some())
                .map_err(|m| format!("{}:{}: case `{}`: {m}", file.path.display(), e.pos, case.name))?;
            edits.push((e.pos, new));
        }
    }
    if edits.is_empty() {
        return Ok(0);
    }
    let text = expect::rewrite(&file.text, &edits).map_err(|m| format!("{}:{m}", file.path.display()))?;
    write_atomic(&file.path, &text).map_err(|e| format!("{e:#}"))?;
    Ok(edits.len())
}

fn place(r: &Report) -> String {
    format!("{}:{}:{}", r.file, r.line, r.col)
}

fn text(
    reports: &[Report],
    broken: &[String],
    updated: &[(String, usize)],
    counts: (usize, usize, usize),
) -> String {
    let mut s = String::new();
    for r in reports {
        match &r.outcome {
            Outcome::Ok => {
                let _ = writeln!(s, "ok     {}  {}", place(r), r.name);
            }
            Outcome::Drift(drifts, _) => {
                let _ = writeln!(s, "DRIFT  {}  {}", place(r), r.name);
                for line in drifts.iter().flat_map(|d| &d.lines) {
                    let _ = writeln!(s, "         {line}");
                }
            }
            Outcome::Error(m) => {
                let _ = writeln!(s, "error  {}  {}", place(r), r.name);
                let _ = writeln!(s, "         {m}");
            }
        }
    }
    for (f, n) in updated {
        let _ = writeln!(
            s,
            "updated {f}: {n} value{} rewritten (review with `git diff`)",
            if *n == 1 { "" } else { "s" }
        );
    }
    let (ok, drift, errors) = counts;
    let broken_note =
        if broken.is_empty() { String::new() } else { format!(", {} broken file(s)", broken.len()) };
    let _ = writeln!(s, "{} cases: {ok} ok, {drift} drift, {errors} error{broken_note}", reports.len());
    s
}

fn json_doc(
    reports: &[Report],
    broken: &[String],
    updated: &[(String, usize)],
    counts: (usize, usize, usize),
) -> Value {
    let cases: Vec<Value> = reports
        .iter()
        .map(|r| {
            let (status, diffs, error) = match &r.outcome {
                Outcome::Ok => ("ok", Vec::new(), Value::Null),
                Outcome::Drift(d, _) => (
                    "drift",
                    d.iter().map(|d| json!({"field": d.field.name(), "lines": d.lines})).collect(),
                    Value::Null,
                ),
                Outcome::Error(m) => ("error", Vec::new(), json!(m)),
            };
            json!({"file": r.file, "line": r.line, "col": r.col, "name": r.name, "status": status,
                   "diffs": diffs, "error": error})
        })
        .collect();
    let (ok, drift, errors) = counts;
    json!({
        "schema": "redline/check/1",
        "cases": cases,
        "broken_files": broken,
        "updated": updated.iter().map(|(f, n)| json!({"file": f, "values": n})).collect::<Vec<_>>(),
        "summary": {"cases": reports.len(), "ok": ok, "drift": drift, "error": errors},
    })
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML report: one `testsuite` per expectation file, one `testcase` per case; a drift is a
/// `failure`, a case that cannot run (or a broken file) an `error`.
fn junit(reports: &[Report], broken: &[String]) -> String {
    let failures = reports.iter().filter(|r| matches!(r.outcome, Outcome::Drift(..))).count();
    let errors = reports.iter().filter(|r| matches!(r.outcome, Outcome::Error(_))).count() + broken.len();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"redline check\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
        reports.len() + broken.len()
    );
    let mut files: Vec<&str> = Vec::new();
    for r in reports {
        if !files.contains(&r.file.as_str()) {
            files.push(&r.file);
        }
    }
    for f in files {
        let mine: Vec<&Report> = reports.iter().filter(|r| r.file == f).collect();
        let fl = mine.iter().filter(|r| matches!(r.outcome, Outcome::Drift(..))).count();
        let er = mine.iter().filter(|r| matches!(r.outcome, Outcome::Error(_))).count();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fl}\" errors=\"{er}\">",
            xml(f),
            mine.len()
        );
        for r in mine {
            let _ = write!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
                xml(&r.name),
                xml(&place(r)),
                xml(f)
            );
            match &r.outcome {
                Outcome::Ok => s.push_str("/>\n"),
                Outcome::Drift(d, _) => {
                    let lines: Vec<&str> =
                        d.iter().flat_map(|d| d.lines.iter().map(String::as_str)).collect();
                    let _ = writeln!(
                        s,
                        ">\n      <failure message=\"drift\" type=\"drift\">{}</failure>\n    </testcase>",
                        xml(&lines.join("\n"))
                    );
                }
                Outcome::Error(m) => {
                    let _ = writeln!(
                        s,
                        ">\n      <error message=\"{}\" type=\"error\"/>\n    </testcase>",
                        xml(m)
                    );
                }
            }
        }
        s.push_str("  </testsuite>\n");
    }
    for b in broken {
        let (file, _) = b.split_once(':').unwrap_or((b, ""));
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"(file)\" classname=\"{}\">\n      <error message=\"{}\" type=\"broken file\"/>\n    </testcase>\n  </testsuite>",
            xml(file),
            xml(file),
            xml(b)
        );
    }
    s.push_str("</testsuites>\n");
    s
}
