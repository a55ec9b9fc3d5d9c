//! The exact threshold sweep (`solver::threshold::analyze`) on a 10^5-node tree with 100 thresholds
//! (issue #4's target: under one second).
//!
//! Run: `cargo bench -p redline-benches --bench threshold`.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use redline_benches::threshold_tree;
use redline_models::number::Q;
use redline_solver::threshold::{Options, analyze};

fn threshold(c: &mut Criterion) {
    let mut group = c.benchmark_group("threshold");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    // 1 + 101 * 1023 = 103,324 nodes.
    let tree = threshold_tree(100, 9, 7);
    let opts = Options {
        from: Q::zero(),
        to: Q::from_int(100),
        precision: "1e-12".parse().expect("a decimal"),
        max_thresholds: 1000,
    };
    let a = analyze(&tree, "t", &opts).expect("the sweep succeeds");
    assert_eq!(a.thresholds.len(), 100, "one threshold at every k + 1/2");
    group.bench_function(format!("sweep {} nodes, 100 thresholds", tree.len()), |b| {
        b.iter(|| analyze(&tree, "t", &opts).expect("the sweep succeeds"));
    });
    group.finish();
}

criterion_group!(benches, threshold);
criterion_main!(benches);
