//! A short fuzz run inside `cargo test`, so CI exercises the readers on every change: valid seed
//! files (examples, Gambit games, bad inputs) are mutated at random (bytes deleted, duplicated,
//! replaced by syntax tokens) and fed to the readers, then whatever reads is solved and verified.
//! Nothing may panic; every refusal is an ordinary error. The long-running fuzzers are in `fuzz/`.

use proptest::prelude::*;
use redline_models::expr::Expr;
use redline_models::format::game::{ReadOptions, read};
use redline_models::format::{efg, nfg};
use redline_solver::backward_induction::Options;
use redline_tests::workspace_root;

/// Tokens that matter to the grammars, spliced in by the mutator.
const TOKENS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ":", "\"", "/", "-", "1e999", "0", "1/0", "Leaf", "Decision",
    "Chance", "player:", "infoset:", "\"h\"", "p", "c", "t", "EFG 2 R", "NFG 1 R", "\u{0}", "é", "//", "/*",
    "*/",
];

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = workspace_root();
    let mut out = Vec::new();
    for (dir, limit) in [("examples", 12), ("tests/bad", 20)] {
        let mut names: Vec<_> =
            std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        for p in names.into_iter().filter(|p| p.is_file()).take(limit) {
            if let Some(ext) = p.extension() {
                out.push((ext.to_string_lossy().into_owned(), std::fs::read(&p).unwrap()));
            }
        }
    }
    let gambit = std::path::Path::new("../shared/conformance/gambit-games/contrib");
    for name in ["2x2.nfg", "2smp.efg", "cs.efg", "my_3-3d.efg"] {
        if let Ok(bytes) = std::fs::read(root.join(gambit).join(name)) {
            out.push((name.rsplit('.').next().unwrap().to_string(), bytes));
        }
    }
    out
}

fn mutate(mut bytes: Vec<u8>, ops: &[(u8, u16, u16)]) -> Vec<u8> {
    for &(op, a, b) in ops {
        let n = bytes.len().max(1);
        let (i, j) = ((a as usize) % n, (b as usize) % n);
        let (lo, hi) = (i.min(j), i.max(j).min(bytes.len()));
        match op % 4 {
            0 if lo < hi => {
                bytes.drain(lo..hi.min(lo + 16));
            }
            1 if lo < hi => {
                let piece: Vec<u8> = bytes[lo..hi.min(lo + 64)].to_vec();
                bytes.splice(lo..lo, piece);
            }
            2 => {
                let t = TOKENS[b as usize % TOKENS.len()].as_bytes();
                let at = lo.min(bytes.len());
                bytes.splice(at..at, t.iter().copied());
            }
            _ => {
                if let Some(x) = bytes.get_mut(lo) {
                    *x = (b % 256) as u8;
                }
            }
        }
    }
    bytes
}

/// Reads `bytes` as a file of kind `ext`; solves what reads (small games only) and checks the result.
fn exercise(ext: &str, bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let options = ReadOptions { max_nodes: 5_000 };
    match ext {
        "ron" | "json" => {
            if let Ok(tree) = read(text, &options)
                && let Ok(solution) = redline_solver::spe::solve(&tree, &Options::default())
            {
                assert!(solution.equilibria.iter().all(|e| e.regret.is_zero()));
            }
        }
        "efg" => {
            if let Ok(tree) = efg::read(text, &options)
                && let Ok(solution) = redline_solver::spe::solve(&tree, &Options::default())
            {
                assert!(solution.equilibria.iter().all(|e| e.regret.is_zero()));
            }
        }
        "nfg" => {
            if let Ok(game) = nfg::read(text)
                && game.n_profiles() <= 64
                && let Ok(solution) = redline_solver::strategic::pure::solve(&game)
            {
                assert!(solution.equilibria.iter().all(|e| e.regret.is_zero()));
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_never_panic(seed in any::<u16>(), ops in proptest::collection::vec(any::<(u8, u16, u16)>(), 1..6)) {
        let seeds = seeds();
        let (ext, bytes) = &seeds[seed as usize % seeds.len()];
        exercise(ext, &mutate(bytes.clone(), &ops));
    }

    #[test]
    fn random_expressions_never_panic(text in "[-+*/() 0-9a-z.e]{0,40}") {
        if let Ok(e) = Expr::parse(&text) {
            let _ = e.eval(|_| Some(redline_models::number::Q::from_int(2)));
            let _ = e.text();
        }
    }
}
