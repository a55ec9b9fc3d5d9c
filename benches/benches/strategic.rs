//! Criterion benchmarks of the exact strategic-form methods on random square bimatrix games.
//!
//! - `strategic/lp`: `lp::solve` (float LP, exact repair and verification) on random zero-sum N×N
//!   games, N = 10, 50, 100, 200;
//! - `strategic/lcp`: `lemke_howson::solve` (label 0) on random general-sum N×N games, N = 10, 50, 100;
//! - `strategic/enum`: `enumeration::solve` on random general-sum N×N games, N = 4, 6, 8, 10 (at
//!   10×10 the machine-word attempt overflows and the checked `i128` tier answers: the time includes
//!   both attempts);
//! - `strategic/enum/compare-10x10`: the same on compare.py's 10×10 game (`data/compare_b10.nfg`,
//!   written by `python3 /work/shared/peers/gen_games.py bimatrix --rows 10 --seed 1`: payoffs
//!   -10..=10, 32 extreme equilibria, answered in machine words), the game of the `enum` target
//!   against QuantEcon in docs/performance.md.
//!
//! Payoffs are integers in -50..=50 drawn by the deterministic `SplitMix64`, so every run sees the same
//! games. Each timing includes building the integer tableaux and the exact verification of every
//! equilibrium returned, exactly what users get. The number of equilibria of each `enum` game is
//! printed once.
//!
//! Run with `cargo bench -p redline-benches --bench strategic`; a run takes about a minute on 2 cores.
//! With `REDLINE_BENCH_CPU=1` the figures are the benchmark thread's CPU time (`common/cpu_time.rs`).
//! Medians measured on the shared 2-core machine under load (`-- strategic/lp`): lp 10×10 63 µs,
//! 50×50 2.6 ms, 100×100 11.6 ms, 200×200 86 ms (the exact simplex alone: 112 ms at 50×50, 85 s at
//! 200×200).

// The equilibrium counts go to stderr next to criterion's output; the workspace warns on printing to
// keep the library crates quiet, which does not apply to a benchmark binary.
#![allow(clippy::print_stderr)]

#[path = "common/cpu_time.rs"]
mod cpu_time;

use std::hint::black_box;
use std::ops::RangeInclusive;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};
use redline_benches::SplitMix64;
use redline_models::format::nfg;
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_solver::strategic::{enumeration, lemke_howson, lp};

/// The payoff range of the generated games.
const PAYOFFS: RangeInclusive<i64> = -50..=50;

/// A random N×N game; zero-sum when asked (the column player's payoff is minus the row player's).
fn random_game(n: usize, zero_sum: bool, seed: u64) -> StrategicGame {
    let mut rng = SplitMix64::new(seed);
    let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
    let mut g = StrategicGame::new("random", vec!["1".into(), "2".into()], vec![labels.clone(), labels])
        .expect("a square game with distinct labels is valid");
    for i in 0..n {
        for j in 0..n {
            let a = rng.in_range(&PAYOFFS);
            let b = if zero_sum { -a } else { rng.in_range(&PAYOFFS) };
            g.set_payoffs(&[i, j], &[Q::from_int(a), Q::from_int(b)]).expect("two payoffs per profile");
        }
    }
    g
}

fn group<'a, M: Measurement>(
    c: &'a mut Criterion<M>,
    name: &str,
    n: usize,
) -> criterion::BenchmarkGroup<'a, M> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(if n >= 100 { 6 } else { 2 }));
    group
}

fn strategic<M: Measurement>(c: &mut Criterion<M>) {
    for n in [10, 50, 100, 200] {
        let g = random_game(n, true, 0x5EED ^ n as u64);
        let mut group = group(c, "strategic/lp", n);
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x{n}")), &g, |b, g| {
            b.iter(|| lp::solve(black_box(g)).expect("zero-sum games are solvable"));
        });
        group.finish();
    }
    let options = lemke_howson::Options::default();
    for n in [10, 50, 100] {
        let g = random_game(n, false, 0xC0FFEE ^ n as u64);
        let mut group = group(c, "strategic/lcp", n);
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x{n}")), &g, |b, g| {
            b.iter(|| lemke_howson::solve(black_box(g), &options).expect("bimatrix games are solvable"));
        });
        group.finish();
    }
    for n in [4, 6, 8, 10] {
        let g = random_game(n, false, 0xE9E9 ^ n as u64);
        let count = enumeration::solve(&g).expect("bimatrix games are solvable").equilibria.len();
        eprintln!("enum {n}x{n}: {count} extreme equilibria");
        let mut group = group(c, "strategic/enum", n);
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x{n}")), &g, |b, g| {
            b.iter(|| enumeration::solve(black_box(g)).expect("bimatrix games are solvable"));
        });
        group.finish();
    }
    let g = nfg::read(include_str!("../data/compare_b10.nfg")).expect("the stored compare.py game reads");
    let count = enumeration::solve(&g).expect("bimatrix games are solvable").equilibria.len();
    eprintln!("enum compare.py 10x10: {count} extreme equilibria");
    let mut group = group(c, "strategic/enum", 10);
    group.bench_with_input(BenchmarkId::from_parameter("compare-10x10"), &g, |b, g| {
        b.iter(|| enumeration::solve(black_box(g)).expect("bimatrix games are solvable"));
    });
    group.finish();
}

criterion_main_cpu!(strategic);
