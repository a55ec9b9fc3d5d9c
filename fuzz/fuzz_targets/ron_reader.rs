//! The RON/JSON game reader on arbitrary text: errors are fine, panics are not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use redline_models::format::game::{ReadOptions, read};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = read(text, &ReadOptions { max_nodes: 100_000 });
    }
});
