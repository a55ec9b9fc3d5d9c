//! The Gambit `.efg` reader on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use redline_models::format::efg;
use redline_models::format::game::ReadOptions;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = efg::read(text, &ReadOptions { max_nodes: 100_000 });
    }
});
