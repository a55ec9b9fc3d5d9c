//! Criterion benchmarks of the sequence-form methods on random two-player trees with information
//! sets (`redline_benches::imperfect::imperfect_tree`, 2 or 3 actions, 10% chance nodes):
//!
//! - `sequence_form/lp`: `sequence::solve_lp` on zero-sum trees (float path first, exact fallback);
//! - `sequence_form/lcp`: `sequence::solve_lcp` on general-sum trees (float Lemke first, exact
//!   fallback);
//! - `sequence_form/lp-exact`, `lcp-exact`: the exact rational path alone (`Options::float` off);
//!
//! for about 10^2 and 10^3 nodes (`lcp` at 10^2 only: its paths at 10^3 nodes are over 20,000
//! pivots, measured per pivot by `benches/sequence_lcp.rs`); with `REDLINE_BENCH_CPU=1` the
//! figures are the benchmark thread's CPU time (`common/cpu_time.rs`); with `REDLINE_BENCH_LARGE=1`
//! also `lp` at 10^4 and 10^5 nodes (float path only: the exact path alone would take hours). Measured single solves on a shared 2-core machine, seed 7, whole
//! process CPU time (docs/performance.md): `lp` 13 ms at 955 nodes (exact path 7.9 s), 122 ms at
//! 9,820 nodes, 1.65 s at 98,094 nodes (one sparse interior-point solve by clarabel, then the
//! exact step and verification; with microlp it was 337 ms at 9,820 nodes and unfinished after
//! 250 s at 98,094); `lcp` at 468 nodes follows a ~2,500-pivot Lemke path in about 0.23 s on the
//! dense float dictionary (2.4 s on the sparse one before). Each timing includes
//! building the sequence form, the solve and the exact verification. Run with
//! `cargo bench -p redline-benches --bench sequence_form -- --warm-up-time 1 --measurement-time 3`,
//! and the large `lp` cases with `REDLINE_BENCH_LARGE=1 REDLINE_BENCH_CPU=1 cargo bench -p
//! redline-benches --bench sequence_form -- --warm-up-time 1 --measurement-time 3
//! 'sequence_form/lp/'`; the same trees as `.efg` files for `compare.py`: `cargo run --release -p
//! redline-benches
//! --example imperfect_efg -- DIR`.

// The tree sizes go to stderr next to criterion's output; the workspace warns on printing to keep the
// library crates quiet, which does not apply to a benchmark binary.
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};
use redline_benches::imperfect::imperfect_tree;
use redline_solver::sequence::{self, Options, SequenceForm};

/// Internal-node budgets: about 2.5 nodes per internal node, so these give ~10^2 … ~10^5 nodes.
const SIZES: [(usize, &str); 4] = [(40, "1e2"), (400, "1e3"), (4000, "1e4"), (40_000, "1e5")];

#[path = "common/cpu_time.rs"]
mod cpu_time;

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let large = std::env::var_os("REDLINE_BENCH_LARGE").is_some();
    let mut group = c.benchmark_group("sequence_form");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for (internal, name) in SIZES {
        if internal > 400 && !large {
            continue;
        }
        for zero_sum in [true, false] {
            // Whole `lcp` solves beyond 10^2 nodes follow Lemke paths of over 20,000 pivots:
            // `benches/sequence_lcp.rs` measures those sizes per 1,000 pivots instead.
            if !zero_sum && internal > 40 {
                continue;
            }
            let t = imperfect_tree(7, internal, 3, 10, zero_sum);
            let form = SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").expect("perfect recall");
            eprintln!("{name}: {} nodes, sequences {:?}, zero-sum {zero_sum}", t.len(), form.n_seq);
            let (label, solve): (&str, fn(&_, &Options) -> _) =
                if zero_sum { ("lp", sequence::solve_lp) } else { ("lcp", sequence::solve_lcp) };
            // The exact rational path alone takes seconds at 10^3 nodes and hours beyond.
            for float in [true, false].into_iter().filter(|&f| f || internal <= 400) {
                let options = Options { float, ..Options::default() };
                let id = if float { label.to_string() } else { format!("{label}-exact") };
                group.bench_with_input(BenchmarkId::new(id, name), &t, |b, t| {
                    b.iter(|| solve(black_box(t), &options).expect("solves"));
                });
            }
        }
    }
    group.finish();
}

criterion_main_cpu!(bench);
