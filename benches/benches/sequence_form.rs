//! Criterion benchmarks of the sequence-form methods on random two-player trees with information
//! sets (`redline_benches::imperfect::imperfect_tree`, 2 or 3 actions, 10% chance nodes):
//!
//! - `sequence_form/lp`: `sequence::solve_lp` on zero-sum trees;
//! - `sequence_form/lcp`: `sequence::solve_lcp` on general-sum trees;
//!
//! for about 10^2 and 10^3 nodes (the node and sequence counts are printed once; the 10^3 cases take
//! seconds per solve, so a full run takes minutes). Each timing
//! includes building the sequence form, Lemke's algorithm on its exact rational dictionary, and the
//! exact verification. Run with `cargo bench -p redline-benches --bench sequence_form`.

// The tree sizes go to stderr next to criterion's output; the workspace warns on printing to keep the
// library crates quiet, which does not apply to a benchmark binary.
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use redline_benches::imperfect::imperfect_tree;
use redline_solver::sequence::{self, Options, SequenceForm};

/// Internal-node budgets: about 2.5 nodes per internal node, so these give ~10^2 and ~10^3 nodes.
const SIZES: [(usize, &str); 2] = [(40, "1e2"), (400, "1e3")];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sequence_form");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for (internal, name) in SIZES {
        for zero_sum in [true, false] {
            let t = imperfect_tree(7, internal, 3, 10, zero_sum);
            let form = SequenceForm::new(&t, 0, [0, 1], &|_| None, "lcp").expect("perfect recall");
            eprintln!("{name}: {} nodes, sequences {:?}, zero-sum {zero_sum}", t.len(), form.n_seq);
            let (label, solve): (&str, fn(&_, &Options) -> _) =
                if zero_sum { ("lp", sequence::solve_lp) } else { ("lcp", sequence::solve_lcp) };
            group.bench_with_input(BenchmarkId::new(label, name), &t, |b, t| {
                b.iter(|| solve(black_box(t), &Options::default()).expect("solves"));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
