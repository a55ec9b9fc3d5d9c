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
///
/// Raw fragments (`serde_json::value::RawValue`) are *templates*: pretty JSON as
/// `serde_json::to_string_pretty` writes it at the top level. Each line break of a template is
/// written followed by the current indentation, so a template gives the very bytes its value would
/// have given at that depth. The document writers use them for parts repeated many times (an
/// action list shared by thousands of information sets): the expansion of a template at a level is
/// kept (`expanded`) and written again in one piece.
#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
    /// Expanded templates, a direct-mapped cache over the template's address and the level; an
    /// entry is used only when its template's text is the fragment's, so a collision or a reused
    /// address costs an expansion, never wrong output.
    expanded: Vec<Option<Expanded>>,
}

/// A raw fragment's template and its expansion at `level`.
struct Expanded {
    at: usize,
    level: usize,
    template: Box<str>,
    text: Vec<u8>,
}

/// Slots of [`Pretty::expanded`] (a power of two).
const EXPANDED_SLOTS: usize = 1024;

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

    /// A template (see [`Pretty`]), indented to the current level.
    fn write_raw_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let at = fragment.as_ptr() as usize;
        let slot = ((at >> 3) ^ (at >> 13) ^ self.level.wrapping_mul(0x9E37)) & (EXPANDED_SLOTS - 1);
        if let Some(Some(e)) = self.expanded.get(slot)
            && e.at == at
            && e.level == self.level
            && *e.template == *fragment
        {
            return w.write_all(&e.text);
        }
        let width = 2 * self.level;
        let mut text = Vec::with_capacity(fragment.len() + width * (fragment.len() / 8));
        for (k, line) in fragment.split('\n').enumerate() {
            if k > 0 {
                text.push(b'\n');
                text.resize(text.len() + width, b' ');
            }
            text.extend_from_slice(line.as_bytes());
        }
        w.write_all(&text)?;
        if self.expanded.is_empty() {
            self.expanded.resize_with(EXPANDED_SLOTS, || None);
        }
        self.expanded[slot] = Some(Expanded { at, level: self.level, template: fragment.into(), text });
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

    /// A raw template gives, at any depth and however often it is repeated, the bytes of the value it
    /// was made from; an empty list and a string are written as they are.
    #[test]
    fn templates_are_indented_to_their_depth() {
        use serde_json::value::RawValue;
        let values = [
            serde_json::json!(["a1", "a\"2\n", "é"]),
            serde_json::json!([]),
            serde_json::json!({"k": [1, {"x": []}], "m": {}}),
            serde_json::json!("s"),
        ];
        let templates: Vec<Box<RawValue>> = values
            .iter()
            .map(|v| RawValue::from_string(serde_json::to_string_pretty(v).unwrap()).unwrap())
            .collect();
        for depth in [0usize, 1, 3, 40] {
            let wrap = |inner: serde_json::Value| {
                (0..depth).fold(inner, |v, k| serde_json::json!({ format!("k{k}"): [v, 7] }))
            };
            // Each template three times in a row, and again after the others (from the cache).
            let plain: Vec<serde_json::Value> = values
                .iter()
                .flat_map(|v| [v.clone(), v.clone(), v.clone()])
                .chain(values.iter().cloned())
                .collect();
            let expected =
                serde_json::to_string_pretty(&wrap(serde_json::Value::Array(plain))).unwrap() + "\n";
            let raw: Vec<&RawValue> = templates
                .iter()
                .flat_map(|t| [&**t, &**t, &**t])
                .chain(templates.iter().map(|t| &**t))
                .collect();
            let mut ours = Vec::new();
            write_pretty(&mut ours, &Nested { depth, raw: &raw }).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), expected, "depth {depth}");
        }
    }

    /// A template at the address and of the length of an earlier, different one is not taken for it.
    #[test]
    fn a_reused_address_is_expanded_again() {
        let mut f = Pretty { level: 2, ..Pretty::default() };
        let mut buf = String::from("[\n  \"a\"\n]");
        let mut out = Vec::new();
        f.write_raw_fragment(&mut out, &buf).unwrap();
        // Same address, same length, other text.
        buf.replace_range(5..6, "b");
        f.write_raw_fragment(&mut out, &buf).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[\n      \"a\"\n    ][\n      \"b\"\n    ]");
    }

    /// `{"k{depth-1}": [… {"k0": [RAW, 7]} …, 7]}` with the raw templates as the innermost array.
    struct Nested<'a> {
        depth: usize,
        raw: &'a [&'a serde_json::value::RawValue],
    }

    impl Serialize for Nested<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{SerializeMap, SerializeSeq};
            if self.depth == 0 {
                return self.raw.serialize(s);
            }
            let mut m = s.serialize_map(Some(1))?;
            struct Pair<'a>(Nested<'a>);
            impl Serialize for Pair<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut q = s.serialize_seq(Some(2))?;
                    q.serialize_element(&self.0)?;
                    q.serialize_element(&7)?;
                    q.end()
                }
            }
            m.serialize_entry(
                &format!("k{}", self.depth - 1),
                &Pair(Nested { depth: self.depth - 1, raw: self.raw }),
            )?;
            m.end()
        }
    }
}
