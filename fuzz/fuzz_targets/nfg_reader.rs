//! The Gambit `.nfg` reader on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use redline_models::format::nfg;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = nfg::read(text);
    }
});
