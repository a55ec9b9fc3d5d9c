//! Writes the random two-player trees of the sequence-form benchmarks as Gambit `.efg` files (the
//! writer `redline convert` uses), so that `../shared/peers/compare.py` can time redline and Gambit
//! on the very trees of `benches/sequence_form.rs`:
//!
//! ```text
//! cargo run --release -p redline-benches --example imperfect_efg -- DIR
//! ```
//! writes `DIR/seq-{lp,lcp}-{1e3,1e4,1e5}.efg` (zero-sum trees for `lp`, general-sum for `lcp`).

// A command-line tool: it reports the files it wrote.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use redline_benches::imperfect::imperfect_tree;
use redline_models::format::efg;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    for (internal, name) in [(400, "1e3"), (4000, "1e4"), (40_000, "1e5")] {
        for (zero_sum, label) in [(true, "lp"), (false, "lcp")] {
            let t = imperfect_tree(7, internal, 3, 10, zero_sum);
            let path = dir.join(format!("seq-{label}-{name}.efg"));
            std::fs::write(&path, efg::write(&t))?;
            println!("{}: {} nodes", path.display(), t.len());
        }
    }
    Ok(())
}
