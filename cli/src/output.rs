//! Where commands print their result: standard output, or a capture buffer when `check` and
//! `batch` run a command in-process (`capture`). Every command prints its whole result through
//! [`emit`] once it is complete, so a captured run gives exactly the bytes the command line shows.

use std::cell::RefCell;

thread_local! {
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Prints `text` on standard output, or appends it to this thread's capture buffer.
pub fn emit(text: &str) {
    CAPTURE.with(|c| match c.borrow_mut().as_mut() {
        Some(buf) => buf.push_str(text),
        None => print!("{text}"),
    });
}

/// Runs `f` with this thread's output captured; returns its result and what it printed.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
    let previous = CAPTURE.with(|c| c.replace(Some(String::new())));
    let result = f();
    let text = CAPTURE.with(|c| c.replace(previous)).unwrap_or_default();
    (result, text)
}
