//! Where commands print their result: standard output, or a capture buffer when `check` and
//! `batch` run a command in-process (`capture`). Every command prints its whole result through
//! [`emit`] (or [`emit_json`]) once it is complete, so a captured run gives exactly the bytes the
//! command line shows.

use std::cell::RefCell;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

thread_local! {
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Prints `text` on standard output, or appends it to this thread's capture buffer.
///
/// # Errors
/// Standard output failing (a closed pipe, a full disk); `main` ends quietly on a closed pipe.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let captured = CAPTURE.with(|c| c.borrow_mut().as_mut().map(|buf| buf.push_str(text)).is_some());
    if !captured {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// True when `e` comes from writing to a pipe whose reader has gone (`redline ... | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}

/// The buffer between the JSON writer and standard output.
const STDOUT_BUFFER: usize = 1 << 20;

/// Prints `doc` as pretty JSON (exactly `serde_json::to_string_pretty`'s bytes) and a newline, written
/// as it is serialized: straight to a buffered, locked standard output (no copy of the whole document
/// in memory), or to this thread's capture buffer.
///
/// # Errors
/// A document that does not serialize, or standard output failing (a closed pipe, a full disk).
pub fn emit_json<T: Serialize + ?Sized>(doc: &T) -> anyhow::Result<()> {
    let captured = CAPTURE.with(|c| {
        c.borrow_mut().as_mut().map(|buf| {
            // Serialize into the capture buffer's own bytes; serde_json writes valid UTF-8 only.
            let mut bytes = std::mem::take(buf).into_bytes();
            let result = write_pretty(&mut bytes, doc);
            *buf = String::from_utf8(bytes).expect("serde_json writes UTF-8");
            result
        })
    });
    if let Some(result) = captured {
        return result;
    }
    let mut out = io::BufWriter::with_capacity(STDOUT_BUFFER, io::stdout().lock());
    write_pretty(&mut out, doc)?;
    out.flush()?;
    Ok(())
}

/// `doc` as pretty JSON and a newline.
pub fn write_pretty<W: Write, T: Serialize + ?Sized>(out: &mut W, doc: &T) -> anyhow::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Pretty::default());
    doc.serialize(&mut ser)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// `serde_json`'s `PrettyFormatter` (two spaces per level) with each line break and its indentation
/// written in one piece, rather than one write per level.
#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

/// A comma, a line break and enough spaces for the deepest documents redline writes (deeper levels
/// are written in pieces).
const LINE: [u8; 66] = {
    let mut line = [b' '; 66];
    line[0] = b',';
    line[1] = b'\n';
    line
};

impl Pretty {
    /// The opening bracket of an array or object, one level deeper.
    #[inline]
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// The closing bracket, on a line of its own unless the array or object is empty.
    #[inline]
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline_indent(w, false)?;
        }
        w.write_all(bracket)
    }

    /// A line break (after a comma with `comma`) and the indentation of the current level, in one
    /// write for any level up to 32.
    #[inline]
    fn newline_indent<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        let spaces = &LINE[2..];
        let mut width = 2 * self.level;
        let first = width.min(spaces.len());
        w.write_all(&LINE[usize::from(!comma)..2 + first])?;
        width -= first;
        while width > 0 {
            let k = width.min(spaces.len());
            w.write_all(&spaces[..k])?;
            width -= k;
        }
        Ok(())
    }
}

impl Formatter for Pretty {
    #[inline]
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    #[inline]
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline_indent(w, !first)
    }

    #[inline]
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    #[inline]
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    #[inline]
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline_indent(w, !first)
    }

    #[inline]
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    #[inline]
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Lets go of a large value (a game, a solution) once a command has printed its result. On the command
/// line the process exits right after, and the operating system takes the memory back in one piece, so
/// the value is not freed piece by piece (for a tree of a million nodes that is a few percent of the
/// run); when the output is captured (`check`, `batch`, which run many commands in one process) it is
/// dropped as usual.
pub fn discard<T>(value: T) {
    if CAPTURE.with(|c| c.borrow().is_none()) {
        std::mem::forget(value);
    }
}

/// Runs `f` with this thread's output captured; returns its result and what it printed.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
    let previous = CAPTURE.with(|c| c.replace(Some(String::new())));
    let result = f();
    let text = CAPTURE.with(|c| c.replace(previous)).unwrap_or_default();
    (result, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discard_drops_only_captured_values() {
        use std::cell::Cell;
        use std::rc::Rc;
        struct Flag(Rc<Cell<bool>>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.set(true);
            }
        }
        let dropped = Rc::new(Cell::new(false));
        capture(|| discard(Flag(dropped.clone())));
        assert!(dropped.get(), "a captured run (check, batch) frees what it discards");
        let kept = Rc::new(Cell::new(false));
        discard(Flag(kept.clone()));
        assert!(!kept.get(), "on the command line the process exits instead");
    }

    #[test]
    fn pretty_matches_serde_json() {
        let deep =
            (0..40).fold(serde_json::json!("leaf"), |v, k| serde_json::json!({ format!("k{k}"): [v, []] }));
        let docs = [
            serde_json::json!({}),
            serde_json::json!([]),
            serde_json::json!({"a": [], "b": {}, "c": [1, "x\"\\\n\u{1}é", null, true], "d": {"e": [[]]}}),
            deep,
        ];
        for doc in docs {
            let mut ours = Vec::new();
            write_pretty(&mut ours, &doc).unwrap();
            let theirs = serde_json::to_string_pretty(&doc).unwrap() + "\n";
            assert_eq!(String::from_utf8(ours).unwrap(), theirs);
        }
    }
}
