//! Criterion benchmarks of exact backward induction on random perfect-information trees.
//!
//! Two groups, so both costs are visible:
//! - `solve`: `backward_induction::solve` with default options, exactly what users get (one SPE, the
//!   exact verification of that SPE included);
//! - `verify`: `verify::perfect_information_regret` alone, on the profile `solve` returned.
//!
//! Trees have 10^4 … 10^7 nodes, 2 players, 2–3 children per internal node and integer payoffs in
//! -10..=10, with no chance nodes, plus one 10^6-node tree with 10% chance nodes. Throughput is in
//! nodes, so criterion prints nodes/s. Each tree's memory per node (arena plus solver) is printed once.
//!
//! A third group, `efg_read`, reads the 10^6-node tree from Gambit's `.efg` text (as `efg::write`
//! gives it), with throughput in bytes, so criterion prints the reading speed in MB/s.
//!
//! Run with `cargo bench -p redline-benches`; a whole run takes a few minutes on 2 cores. With
//! `REDLINE_BENCH_CPU=1` the figures are the benchmark thread's CPU time (see `common/cpu_time.rs`).

// Benchmarks report the memory per node on stderr next to criterion's own output; the workspace warns
// on printing to keep the library crates quiet, which does not apply to a benchmark binary.
#![allow(clippy::print_stderr)]

#[path = "common/cpu_time.rs"]
mod cpu_time;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use redline_benches::{SMALL_PAYOFFS, memory_per_node, random_tree, solver_bytes};
use redline_models::format::{efg, game::ReadOptions};
use redline_models::tree::Tree;
use redline_solver::backward_induction::{Options, solve};
use redline_solver::{Profile, verify};

/// One benchmarked tree: its label, target size and fraction of chance nodes.
struct Case {
    label: &'static str,
    nodes: usize,
    chance_fraction: f64,
}

const CASES: &[Case] = &[
    Case { label: "1e4", nodes: 10_000, chance_fraction: 0.0 },
    Case { label: "1e5", nodes: 100_000, chance_fraction: 0.0 },
    Case { label: "1e6", nodes: 1_000_000, chance_fraction: 0.0 },
    Case { label: "1e6-chance10", nodes: 1_000_000, chance_fraction: 0.1 },
    Case { label: "1e7", nodes: 10_000_000, chance_fraction: 0.0 },
];

/// The largest child count of the generated trees (each internal node has 2..=BRANCHING children).
const BRANCHING: usize = 3;

fn tree_for(case: &Case) -> Tree {
    random_tree(0x5EED ^ case.nodes as u64, case.nodes, BRANCHING, 2, case.chance_fraction, SMALL_PAYOFFS)
}

/// Sampling that keeps the big trees to about ten solves each.
fn configure<M: Measurement>(group: &mut criterion::BenchmarkGroup<'_, M>, nodes: usize) {
    let big = nodes >= 500_000;
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(if big { 500 } else { 1000 }));
    // Ten flat samples of one solve each: about 0.1 s per sample at 10^6 nodes, 0.6 s at 10^7.
    let seconds = if nodes >= 5_000_000 {
        8
    } else if big {
        3
    } else {
        2
    };
    group.measurement_time(Duration::from_secs(seconds));
    group.sampling_mode(if big { SamplingMode::Flat } else { SamplingMode::Auto });
    group.throughput(Throughput::Elements(nodes as u64));
}

fn backward_induction<M: Measurement>(c: &mut Criterion<M>) {
    // Every tree is built, whatever the filter (about 20 s). Building only the selected trees was
    // tried (2026-11-23): with the same solver code, `solve/1e6` then measured 22–30 ms of CPU
    // against 15–19 ms, presumably because the allocator's state differs when the solve's buffers
    // are first allocated (glibc adapts its mmap threshold to the large blocks freed while building
    // trees), so its figures would not compare with earlier ones.
    for case in CASES {
        let tree = tree_for(case);
        let n = tree.len();
        // The tables the solve builds on first use; built here so the arena figure includes them.
        let _ =
            (tree.small_payoffs(), tree.chance_small_payoffs(), tree.inline_payoffs(), tree.chance_weights());
        eprintln!(
            "tree {}: {n} nodes, {:.1} bytes/node (arena {:.1} + solver {:.1})",
            case.label,
            memory_per_node(&tree),
            tree.heap_bytes() as f64 / n as f64,
            solver_bytes(&tree) as f64 / n as f64,
        );
        let options = Options::default();
        {
            let mut group = c.benchmark_group("backward_induction/solve");
            configure(&mut group, n);
            group.bench_with_input(BenchmarkId::from_parameter(case.label), &tree, |b, t| {
                b.iter(|| solve(black_box(t), &options).expect("generated trees are solvable"));
            });
            group.finish();
        }
        let solution = solve(&tree, &options).expect("generated trees are solvable");
        let Profile::Pure(pure) = &solution.equilibria[0].profile else {
            unreachable!("backward induction returns pure profiles")
        };
        let mut group = c.benchmark_group("backward_induction/verify");
        configure(&mut group, n);
        group.bench_with_input(BenchmarkId::from_parameter(case.label), &tree, |b, t| {
            b.iter(|| verify::perfect_information_regret(black_box(t), black_box(pure)));
        });
        group.finish();
    }
}

/// Reading `.efg` text: the 10^6-node tree written by `efg::write` (one outcome per leaf, as
/// generated Gambit files have).
fn efg_read<M: Measurement>(c: &mut Criterion<M>) {
    let tree = tree_for(&CASES[2]);
    let text = efg::write(&tree);
    eprintln!("efg_read: {} nodes, {} bytes", tree.len(), text.len());
    let mut group = c.benchmark_group("efg_read");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_with_input(BenchmarkId::from_parameter(CASES[2].label), &text, |b, t| {
        b.iter(|| efg::read(black_box(t), &ReadOptions::default()).expect("written trees read back"));
    });
    group.finish();
}

criterion_main_cpu!(backward_induction, efg_read);
