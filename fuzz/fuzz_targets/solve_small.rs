//! Read, then solve and verify: small games from arbitrary text go through the whole
//! argument-to-result path (reader, `spe`, the strategic methods), and every answer must verify.
#![no_main]
use libfuzzer_sys::fuzz_target;
use redline_models::format::game::{ReadOptions, read};
use redline_models::format::{efg, nfg};
use redline_solver::backward_induction::Options;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = ReadOptions { max_nodes: 2_000 };
    let tree =
        if text.starts_with("EFG") { efg::read(text, &options).ok() } else { read(text, &options).ok() };
    if let Some(tree) = tree
        && let Ok(s) = redline_solver::spe::solve(&tree, &Options::default())
    {
        assert!(s.equilibria.iter().all(|e| e.regret.is_zero()));
    }
    if text.starts_with("NFG")
        && let Ok(game) = nfg::read(text)
        && game.n_profiles() <= 256
    {
        for s in [
            redline_solver::strategic::pure::solve(&game),
            redline_solver::strategic::enumeration::solve(&game),
            redline_solver::strategic::lemke_howson::solve(&game, &Default::default()),
        ]
        .into_iter()
        .flatten()
        {
            assert!(s.equilibria.iter().all(|e| e.regret.is_zero()));
        }
    }
});
