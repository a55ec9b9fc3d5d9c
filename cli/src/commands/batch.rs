//! `redline batch`: JSON Lines jobs on standard input, one JSON result per line on standard output,
//! in input order, jobs run in parallel over the cores (rayon).
//!
//! A job is the command line it stands for (`solve` or `threshold`), parsed by clap and run by the
//! same functions as those commands (`solve::json`, `threshold::json`, via `check::solve_args`), so a
//! batch result is exactly what `redline solve … --format json` prints. A bad job is answered by an
//! error object on its own line; the others go on. Input is read in chunks, so memory stays bounded
//! on long streams. Documented in `docs/batch.md`.

use std::io::{BufRead as _, Write as _};

use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::args::BatchArgs;
use crate::commands::check::{solve_args, threshold_args};
use crate::commands::{solve, threshold};

/// The schema of every output line.
pub const SCHEMA: &str = "redline/batch/1";

/// Lines read and solved together; results are written in input order after each chunk.
const CHUNK_LINES: usize = 4096;

fn text_of(v: &Value, what: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        // Numbers keep their exact text (serde_json's `arbitrary_precision`).
        Value::Number(n) => Ok(n.to_string()),
        other => bail!("`{what}` must be a string or a number, found {other}"),
    }
}

fn string_of(v: &Value, what: &str) -> Result<String> {
    v.as_str().map(str::to_string).ok_or_else(|| anyhow!("`{what}` must be a string, found {v}"))
}

/// Runs one job; returns its exit code and its result document, compact.
fn job(obj: &Map<String, Value>) -> Result<(u8, String)> {
    let mut game = None;
    let mut set = Vec::new();
    let (mut method, mut all, mut thr) = (None, false, None);
    for (k, v) in obj {
        match k.as_str() {
            "id" => {}
            "game" => game = Some(string_of(v, "game")?),
            "set" => {
                let m =
                    v.as_object().ok_or_else(|| anyhow!("`set` must be an object {{\"NAME\": VALUE}}"))?;
                for (name, value) in m {
                    set.push((name.clone(), text_of(value, name)?));
                }
            }
            "method" => method = Some(string_of(v, "method")?),
            "all" => all = v.as_bool().ok_or_else(|| anyhow!("`all` must be true or false"))?,
            "threshold" => thr = Some(v.as_object().ok_or_else(|| anyhow!("`threshold` must be an object"))?),
            other => bail!("unknown key `{other}` (expected id, game, set, method, all, threshold)"),
        }
    }
    let game = game.ok_or_else(|| anyhow!("a job needs a `game`"))?;
    match thr {
        None => {
            let (doc, code) = solve::json(&solve_args(&game, &set, method.as_deref(), all)?)?;
            Ok((code, serde_json::to_string(&doc)?))
        }
        Some(t) => {
            if method.is_some() || all {
                bail!("a threshold job takes no `method` or `all`");
            }
            let (mut param, mut from, mut to) = (None, None, None);
            for (k, v) in t {
                match k.as_str() {
                    "param" => param = Some(string_of(v, "param")?),
                    "from" => from = Some(text_of(v, "from")?),
                    "to" => to = Some(text_of(v, "to")?),
                    other => bail!("unknown key `threshold.{other}` (expected param, from, to)"),
                }
            }
            let param = param.ok_or_else(|| anyhow!("`threshold` needs a `param`"))?;
            let doc = threshold::json(&threshold_args(&game, &set, &param, from.as_deref(), to.as_deref())?)?;
            Ok((0, serde_json::to_string(&doc)?))
        }
    }
}

/// The output line of input line `line` (1-based): a result or an error object.
fn answer(line: usize, bytes: &[u8]) -> (u8, String) {
    let parsed = std::str::from_utf8(bytes)
        .map_err(|_| anyhow!("the line is not valid UTF-8"))
        .and_then(|t| serde_json::from_str::<Value>(t).map_err(|e| anyhow!("not a JSON object: {e}")));
    let (id, result) = match parsed {
        Ok(Value::Object(obj)) => {
            let id = obj.get("id").cloned().unwrap_or(Value::Null);
            (id, job(&obj))
        }
        Ok(other) => (Value::Null, Err(anyhow!("a job must be a JSON object, found {other}"))),
        Err(e) => (Value::Null, Err(e)),
    };
    let id = serde_json::to_string(&id).unwrap_or_else(|_| "null".into());
    match result {
        Ok((code, doc)) => (
            code,
            format!(
                "{{\"schema\":\"{SCHEMA}\",\"line\":{line},\"id\":{id},\"exit\":{code},\"result\":{doc}}}"
            ),
        ),
        Err(e) => {
            let code = crate::exit_code(&e);
            let msg = serde_json::to_string(&format!("{e:#}")).unwrap_or_else(|_| "\"\"".into());
            (
                code,
                format!(
                    "{{\"schema\":\"{SCHEMA}\",\"line\":{line},\"id\":{id},\"exit\":{code},\"error\":{msg}}}"
                ),
            )
        }
    }
}

/// Runs `redline batch`. Exit 0 when every job solved, 1 when some job found no equilibrium or
/// failed (its line says why), 2 when standard input cannot be read.
pub fn run(args: &BatchArgs) -> Result<u8> {
    match args.threads {
        Some(n) if n > 0 => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start the worker threads")?
            .install(stream),
        _ => stream(),
    }
}

fn stream() -> Result<u8> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut line_no = 0usize;
    let mut worst = 0u8;
    loop {
        let mut chunk: Vec<(usize, Vec<u8>)> = Vec::with_capacity(CHUNK_LINES);
        while chunk.len() < CHUNK_LINES {
            let mut buf = Vec::new();
            if input.read_until(b'\n', &mut buf).context("cannot read standard input")? == 0 {
                break;
            }
            line_no += 1;
            // Blank lines are skipped (so are their answers); `line` keeps counting them.
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            chunk.push((line_no, buf));
        }
        if chunk.is_empty() {
            break;
        }
        let answers: Vec<(u8, String)> = chunk.par_iter().map(|(n, b)| answer(*n, b)).collect();
        for (code, a) in &answers {
            if *code != 0 {
                worst = 1;
            }
            writeln!(out, "{a}").context("cannot write standard output")?;
        }
        out.flush().context("cannot write standard output")?;
    }
    Ok(worst)
}
