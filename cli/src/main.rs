//! The `redline` binary: argument parsing, files, rendering and exit codes. All terminal I/O of the
//! project lives in this crate; `redline-solver` and `redline-models` do none.
//!
//! Exit codes: 0 success; 1 no equilibrium of the kind asked (or `check` drift); 2 usage or input
//! error; 3 a limit was hit; 4 an internal error (a result failed exact verification: a bug).

mod alloc;
mod args;
mod commands;
mod draw;
mod expect;
mod load;
mod output;
mod render;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};

use crate::args::{Cli, Command};

#[global_allocator]
static GLOBAL: alloc::Allocator = alloc::Allocator;

/// Chooses the exit code for an error by its root cause.
fn exit_code(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if let Some(s) = cause.downcast_ref::<redline_solver::Error>() {
            return match s {
                redline_solver::Error::Limit { .. } => 3,
                redline_solver::Error::VerificationFailed(_) => 4,
                redline_solver::Error::Unsupported { .. } => 2,
            };
        }
        if let Some(
            redline_models::Error::TooManyNodes { .. } | redline_models::Error::ReducedFormTooLarge { .. },
        ) = cause.downcast_ref::<redline_models::Error>()
        {
            return 3;
        }
    }
    2
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.time_limit {
        None => run(&cli.command),
        Some(secs) => with_time_limit(secs, cli.command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of our output has gone (`| head`): like a tool killed by SIGPIPE, stop
        // quietly, but with success, as the command itself did not fail.
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}

/// How long a worker that has just printed its output may take to return its exit code once the
/// time limit has passed (it only has to leave the function that printed).
const HANDOVER: std::time::Duration = std::time::Duration::from_millis(200);

/// Runs `command` on a worker thread and gives up after `secs` seconds: exit code 3. Every command
/// and method is covered the same way, without a clock check in each algorithm's inner loop.
fn with_time_limit(secs: f64, command: Command) -> anyhow::Result<u8> {
    if !(secs.is_finite() && secs > 0.0) {
        return Err(anyhow::anyhow!("--time-limit {secs}: must be a positive number of seconds"));
    }
    let limit = std::time::Duration::from_secs_f64(secs.min(1e9));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run(&command));
    });
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(_) => {
            // Commands print their output in one piece once done: holding the lock keeps a
            // finishing worker from printing half of it. A worker that was printing when the limit
            // came has finished once we hold the lock and is about to hand over its result: give
            // it `HANDOVER` to do so, so that a complete output never ends with exit code 3.
            let _stdout = std::io::stdout().lock();
            if let Ok(result) = rx.recv_timeout(HANDOVER) {
                return result;
            }
            eprintln!(
                "error: time limit of {secs} s reached before the command finished (raise --time-limit)"
            );
            std::process::exit(3);
        }
    }
}

/// Runs one subcommand.
fn run(command: &Command) -> anyhow::Result<u8> {
    match command {
        Command::Solve(a) => commands::solve::run(a),
        Command::Models(a) => commands::models::run(a),
        Command::Convert(a) => commands::convert::run(a),
        Command::Draw(a) => commands::draw::run(a),
        Command::Threshold(a) => commands::threshold::run(a),
        Command::Sweep(a) => commands::sweep::run(a),
        Command::Check(a) => commands::check::run(a),
        Command::Batch(a) => commands::batch::run(a),
        Command::Completions(a) => {
            // Generated into memory, then written like every other output: clap_complete panics
            // when its writer fails (a closed pipe, `redline completions bash | head`).
            let mut script = Vec::new();
            clap_complete::generate(a.shell, &mut Cli::command(), "redline", &mut script);
            output::emit(&String::from_utf8_lossy(&script))?;
            Ok(0)
        }
    }
}
