//! Shared helpers for redline's integration tests.
//!
//! - [`SplitMix64`]: a tiny deterministic pseudo-random generator (the workspace has no `rand`).
//! - [`kw`]: the Kreps–Wilson closed form of MODELS.md B.2, the oracle for the reputation models.
//! - [`Shape`] and [`random_tree`]: random perfect-information trees with chance nodes whose
//!   probabilities are random exact fractions, for property tests (tiny trees, frequent ties) and
//!   for scale tests (millions of nodes, built iteratively).
//!
//! The benchmark crate has its own generators (`redline_benches`), tuned to hit a node count exactly;
//! these are tuned instead to bound what a brute-force oracle has to enumerate.

pub mod kw;

use std::ops::RangeInclusive;

use redline_models::expr::Expr;
use redline_models::number::Q;
use redline_models::tree::{Tree, TreeBuilder};

/// The deterministic generator the benchmarks use, shared so both draw games the same way.
pub use redline_benches::SplitMix64;

/// The shape of a [`random_tree`].
#[derive(Clone, Debug)]
pub struct Shape {
    /// The number of internal (decision or chance) nodes.
    pub internal_nodes: usize,
    /// The fewest children of an internal node (at least 1).
    pub min_children: usize,
    /// The most children of an internal node.
    pub max_children: usize,
    /// The number of players (at least 1).
    pub n_players: usize,
    /// The chance, in percent, that an internal node is a chance node.
    pub chance_percent: u64,
    /// Leaf payoffs are integers drawn uniformly from this range.
    pub payoffs: RangeInclusive<i64>,
    /// A cap on the number of pure strategy profiles (the product of the decision nodes' action
    /// counts): decision nodes get fewer actions once the cap would be exceeded, so a brute-force
    /// enumeration stays bounded. `u64::MAX` for no cap.
    pub max_profiles: u64,
}

/// A random perfect-information tree of the given shape, built iteratively in depth-first pre-order.
///
/// Each internal node is a chance node with probability `chance_percent`%, with outcome weights drawn
/// from `0..=3` (at least one positive) and probabilities `weight / total` as exact fractions, so
/// outcomes of probability zero occur; otherwise it is a decision node of a uniformly random player
/// with its own information set. The internal-node budget of a node is split at random among its
/// children, and a child with budget zero is a leaf.
///
/// # Panics
/// When `min_children` is zero or above `max_children`, `n_players` is zero or `payoffs` is empty.
#[must_use]
pub fn random_tree(seed: u64, shape: &Shape) -> Tree {
    assert!(1 <= shape.min_children && shape.min_children <= shape.max_children, "1 ≤ min ≤ max children");
    assert!(shape.n_players > 0 && !shape.payoffs.is_empty(), "players and payoffs exist");
    let mut rng = SplitMix64::new(seed);
    let players = (1..=shape.n_players).map(|i| format!("P{i}")).collect();
    let mut b = TreeBuilder::new(format!("random {seed}"), players);
    let acts: Vec<_> = (1..=shape.max_children)
        .map(|k| {
            let labels: Vec<String> = (0..k).map(|a| format!("a{a}")).collect();
            b.actions(&labels).expect("distinct labels")
        })
        .collect();
    let mut profiles: u64 = 1;
    let mut row = vec![Q::zero(); shape.n_players];
    let mut stack = vec![shape.internal_nodes];
    let mut parts = Vec::new();
    while let Some(budget) = stack.pop() {
        if budget == 0 {
            for v in &mut row {
                *v = Q::from_int(rng.in_range(&shape.payoffs));
            }
            b.terminal_values(&row).expect("one payoff per player");
            continue;
        }
        let spread = (shape.max_children - shape.min_children) as u64 + 1;
        let mut k = shape.min_children + rng.below(spread) as usize;
        if rng.below(100) < shape.chance_percent {
            let mut weights: Vec<i64> = (0..k).map(|_| rng.below(4) as i64).collect();
            let lucky = rng.below(k as u64) as usize;
            weights[lucky] = weights[lucky].max(1);
            let total: i64 = weights.iter().sum();
            let outcomes = weights
                .iter()
                .enumerate()
                .map(|(o, &w)| (format!("o{o}"), Expr::number(Q::ratio(w, total).expect("positive total"))))
                .collect();
            b.chance(outcomes).expect("valid outcomes");
        } else {
            if shape.max_profiles < u64::MAX {
                k = k.min((shape.max_profiles / profiles).max(1) as usize);
                profiles *= k as u64;
            }
            let player = rng.below(shape.n_players as u64) as usize;
            b.decision_new(player, acts[k - 1]).expect("the player exists");
        }
        // The other `budget - 1` internal nodes go to random children.
        parts.clear();
        parts.resize(k, 0usize);
        for _ in 1..budget {
            parts[rng.below(k as u64) as usize] += 1;
        }
        stack.extend(parts.iter().rev());
    }
    b.finish().expect("a generated tree is complete and valid")
}

/// The root of the Cargo workspace (the folder holding `examples/`, `docs/` and `tests/`).
#[must_use]
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives one folder below the workspace root")
        .to_path_buf()
}

/// Runs `redline ARGS` from the workspace root: the exit code (-1 if killed), stdout and stderr.
///
/// # Panics
/// If the binary cannot run or prints non-UTF-8 text.
#[must_use]
pub fn run_redline(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(redline_bin())
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("the redline binary runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

/// The `redline` binary of the current build profile, for end-to-end tests.
///
/// Cargo gives `CARGO_BIN_EXE_*` only to tests of the binary's own package, so the path is found
/// from the test executable instead: `target/<profile>/deps/<test>` → `target/<profile>/redline`.
/// `cargo test --workspace` builds the binary before it runs any test (because the `redline` package
/// has integration tests of its own, `cli/tests/smoke.rs`), so the binary is there in CI;
/// `cargo test -p redline-tests` alone does not build it. Setting `REDLINE_BIN` overrides the search.
///
/// # Panics
/// When the binary is not there, with a message saying how to build it.
#[must_use]
pub fn redline_bin() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("REDLINE_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("the test executable has a path");
    let mut dir = exe.parent().expect("the test executable is in a folder");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("`deps` is inside the profile folder");
    }
    let bin = dir.join(format!("redline{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "the redline binary is missing at {}: run `cargo build -p redline` first \
         (with the same profile and CARGO_TARGET_DIR as the tests), or set REDLINE_BIN",
        bin.display()
    );
    bin
}

/// Whether golden files are being re-recorded (`UPDATE_GOLDEN=1`).
fn updating_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` with the golden file at `path` (relative to the `tests/` folder), or re-records
/// the file when `UPDATE_GOLDEN=1` is set.
///
/// # Errors
/// A readable report (the file, how to re-record, and a line diff) when the file is missing or differs.
pub fn golden_check(path: &str, actual: &str) -> Result<(), String> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if updating_golden() {
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        if std::fs::read_to_string(&full).ok().as_deref() != Some(actual) {
            std::fs::write(&full, actual).map_err(|e| format!("cannot write {}: {e}", full.display()))?;
        }
        return Ok(());
    }
    let rerecord = "re-record with `UPDATE_GOLDEN=1 cargo test -p redline-tests`, then review the diff";
    let expected = std::fs::read_to_string(&full)
        .map_err(|e| format!("golden file tests/{path} cannot be read ({e}); {rerecord}"))?;
    if expected == actual {
        return Ok(());
    }
    Err(format!(
        "output differs from golden file tests/{path} ({rerecord}):\n{}",
        line_diff(&expected, actual)
    ))
}

/// Compares `actual` with the golden file at `path` (relative to the `tests/` folder), or re-records
/// it with `UPDATE_GOLDEN=1`.
///
/// # Panics
/// When the output differs from the golden file, with a line diff.
pub fn golden(path: &str, actual: &str) {
    if let Err(report) = golden_check(path, actual) {
        panic!("{report}");
    }
}

/// A line diff of two texts: `-` lines only in `expected` (numbered as there), `+` lines only in
/// `actual` (numbered as there), and two lines of context around each change. Quadratic in the
/// number of lines, which suits golden files.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    // (tag, line number, text)
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        } else {
            ops.push(('+', j + 1, b[j]));
            j += 1;
        }
    }
    const CONTEXT: usize = 2;
    let changed: Vec<usize> = ops.iter().enumerate().filter(|(_, o)| o.0 != ' ').map(|(k, _)| k).collect();
    let mut out = String::new();
    let mut last_shown: Option<usize> = None;
    for (k, (tag, line, text)) in ops.iter().enumerate() {
        let near = changed.iter().any(|&c| c.abs_diff(k) <= CONTEXT);
        if !near {
            continue;
        }
        if last_shown.is_some_and(|l| l + 1 != k) {
            out.push_str("   ...\n");
        }
        out.push_str(&format!("{tag} {line:>4} | {text}\n"));
        last_shown = Some(k);
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("  (the texts differ in the final newline)\n");
    }
    out
}
