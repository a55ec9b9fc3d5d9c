//! Criterion benchmarks of `--method sequential` on n players (`sequential::aqre`: the agent logit
//! QRE trace and its exact polish) on MODELS.md B1 (the built-in model `salami-probes`) with
//! (a, b, π) = (2, 1/2, 1/10), for n = 3 and n = 5 challengers (4 and 6 players). Each timing
//! includes the trace to λ = 10⁶ / range, the polish and the exact certification.
//! Run with `cargo bench -p redline-benches --bench sequential`.

// The tree sizes go to stderr next to criterion's output; the workspace warns on printing to keep the
// library crates quiet, which does not apply to a benchmark binary.
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use redline_models::library;
use redline_models::number::Q;
use redline_solver::sequential::aqre::{self, Options, Outcome};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sequential");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    let model = library::find("salami-probes").expect("a built-in model");
    for n in [3, 5] {
        // The defaults are a = 2, b = 1/2, pi = 1/10.
        let t = model.instantiate(&[("n".to_string(), Q::from_int(n))]).expect("a valid n");
        let exact = matches!(aqre::solve(&t, &Options::default()), Ok(Outcome::Exact(_)));
        eprintln!(
            "B1 n = {n}: {} nodes, {} information sets, polished exactly: {exact}",
            t.len(),
            t.infosets().len()
        );
        group.bench_with_input(BenchmarkId::new("aqre_b1", n), &t, |bench, t| {
            bench.iter(|| aqre::solve(black_box(t), &Options::default()).expect("solves"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
