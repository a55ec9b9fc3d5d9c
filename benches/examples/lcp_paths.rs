//! Lengths of Lemke's path on the sequence form of the random two-player trees of the
//! sequence-form benchmarks, from several priors, and whole `lcp` solves (float runs with
//! restarts, exact step, exact verification) with their CPU time:
//!
//! ```text
//! cargo run --release -p redline-benches --example lcp_paths -- [INTERNAL ...] [--seeds N] [--priors N] [--cap PIVOTS]
//! ```
//! For each internal-node budget (default 40 100 200 400), each tree seed (7, 8, … ; `--seeds`,
//! default 3) and each prior (uniform, then `random:1`, … ; `--priors`, default 5) it prints the
//! float path's pivots (`>CAP` when it did not end within `--cap`, default 100000) and the CPU
//! time per pivot; then one `solve_lcp_report` per tree: its CPU time and float runs.

// A command-line tool: it prints its measurements.
#![allow(clippy::print_stdout)]

use std::time::Duration;

use redline_benches::imperfect::imperfect_tree;
use redline_solver::sequence::{self, Options, Prior, SequenceForm};

fn cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(u64::try_from(t.tv_sec).unwrap_or(0), u32::try_from(t.tv_nsec).unwrap_or(0))
}

fn main() {
    let mut sizes: Vec<usize> = Vec::new();
    let (mut seeds, mut priors, mut cap, mut solve) = (3u64, 5u64, 100_000usize, true);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|v| v.parse::<u64>().ok()).expect("a number after the flag");
        match a.as_str() {
            "--seeds" => seeds = num(),
            "--priors" => priors = num(),
            "--cap" => cap = usize::try_from(num()).expect("a pivot count"),
            "--no-solve" => solve = false,
            _ => sizes.push(a.parse().expect("an internal-node budget")),
        }
    }
    if sizes.is_empty() {
        sizes = vec![40, 100, 200, 400];
    }
    for &internal in &sizes {
        for seed in 7..7 + seeds {
            let t = imperfect_tree(seed, internal, 3, 10, false);
            let form = SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").expect("perfect recall");
            let mut line = format!(
                "internal {internal} seed {seed}: {} nodes, sequences {:?}; pivots",
                t.len(),
                form.n_seq
            );
            if priors > 0 {
                for p in 0..priors {
                    let prior = if p == 0 { Prior::Uniform } else { Prior::Random(p) };
                    let c0 = cpu();
                    let (pivots, ended) = sequence::float_path_length(&form, prior, cap);
                    let dt = cpu() - c0;
                    let per = dt.as_secs_f64() * 1e6 / pivots.max(1) as f64;
                    if ended {
                        line += &format!(" {pivots} ({per:.0} us/pivot)");
                    } else {
                        line += &format!(" >{cap} ({per:.0} us/pivot)");
                    }
                }
            }
            println!("{line}");
            if solve {
                let c0 = cpu();
                let (_, report) = sequence::solve_lcp_report(&t, &Options::default()).expect("solves");
                let dt = cpu() - c0;
                let runs: Vec<String> = report
                    .attempts
                    .iter()
                    .map(|a| format!("{:?}:{}/{}:{:?}", a.prior, a.pivots, a.budget, a.end))
                    .collect();
                println!(
                    "  solve_lcp: {:.3} s CPU, route {:?}, prior {:?}, float runs [{}]",
                    dt.as_secs_f64(),
                    report.route,
                    report.prior,
                    runs.join(" ")
                );
            }
        }
    }
}
