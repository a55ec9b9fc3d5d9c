//! Criterion benchmarks of `lcp` on trees (issues #7 and #12): `sequence::solve_lcp` with its
//! defaults (dense float Lemke path, restarts from random priors, exact step, exact verification)
//! on the general-sum random two-player trees of `sequence_form.rs`
//! (`redline_benches::imperfect::imperfect_tree(7, …)`, 2 or 3 actions, 10% chance nodes):
//!
//! - `sequence_lcp/solve/1e2`: whole solves (building the sequence form included; at 10^3 nodes
//!   the paths from the uniform prior and the first random ones are over 20,000 pivots long, so a
//!   whole solve is measured once, not benched);
//! - `sequence_lcp/pivots-1000/1e3`, and with `REDLINE_BENCH_LARGE=1` `1e4` and `1e5`: the first
//!   1,000 float pivots of the path from the uniform prior (start dictionary included), which
//!   gives the cost per pivot at sizes where whole solves take far too long to bench (see
//!   `docs/performance.md`).
//!
//! Run with `REDLINE_BENCH_CPU=1 cargo bench -p redline-benches --bench sequence_lcp -- --warm-up-time 1 --measurement-time 3`.

// The tree sizes go to stderr next to criterion's output; the workspace warns on printing to keep the
// library crates quiet, which does not apply to a benchmark binary.
#![allow(clippy::print_stderr)]

#[path = "common/cpu_time.rs"]
mod cpu_time;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};
use redline_benches::imperfect::imperfect_tree;
use redline_solver::sequence::{self, Options, Prior, SequenceForm};

/// Internal-node budgets: about 2.5 nodes per internal node.
const SIZES: [(usize, &str); 4] = [(40, "1e2"), (400, "1e3"), (4000, "1e4"), (40_000, "1e5")];

/// The float pivots of the per-pivot benchmark.
const PIVOTS: usize = 1000;

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let large = std::env::var_os("REDLINE_BENCH_LARGE").is_some();
    let mut group = c.benchmark_group("sequence_lcp");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for (internal, name) in SIZES {
        if internal > 400 && !large {
            continue;
        }
        let t = imperfect_tree(7, internal, 3, 10, false);
        let form = SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").expect("perfect recall");
        eprintln!("{name}: {} nodes, sequences {:?}", t.len(), form.n_seq);
        if internal < 400 {
            group.bench_with_input(BenchmarkId::new("solve", name), &t, |b, t| {
                b.iter(|| sequence::solve_lcp(black_box(t), &Options::default()).expect("solves"));
            });
        }
        if internal >= 400 {
            group.bench_with_input(BenchmarkId::new("pivots-1000", name), &form, |b, form| {
                b.iter(|| sequence::float_path_length(black_box(form), Prior::Uniform, PIVOTS));
            });
        }
    }
    group.finish();
}

criterion_main_cpu!(bench);
