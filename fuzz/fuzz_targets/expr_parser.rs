//! The payoff-expression parser and evaluator on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use redline_models::expr::Expr;
use redline_models::number::Q;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(e) = Expr::parse(text)
    {
        let _ = e.eval(|_| Some(Q::from_int(3)));
        let _ = e.text();
    }
});
