//! A position-tracking parser for a small superset of RON that also accepts JSON.
//!
//! [`parse`] turns a document into a [`Value`] tree in which every value (and every map key and
//! struct field name) carries the [`Pos`] where it starts, so that later semantic checks can point
//! at the offending line and column. Numbers are never converted to floating point: they are kept
//! as their exact source text (underscores removed, a leading `+` dropped), ready for an exact
//! decimal parser.
//!
//! Accepted syntax:
//! - whitespace, `// line` comments and nestable `/* block */` comments;
//! - strings `"..."` with RON and JSON escapes (`\n`, `\u{1F600}`, `\uD83D\uDE00`, ...), raw
//!   strings `r"..."` / `r#"..."#`;
//! - numbers with optional sign, `_` separators, fraction and exponent (`.5` and `1.` too);
//!   hexadecimal, octal and binary integers (`0x1F`, `0o17`, `0b101`) are converted to decimal
//!   text (`"31"`), and must fit in 128 bits; `inf` and `NaN` are rejected;
//! - `true`, `false`, `null`, `None`, other identifiers (and raw identifiers `r#name`);
//! - lists `[a, b]`, maps / JSON objects `{k: v}`, RON structs `Name(f: v)` / `(f: v)` and tuples
//!   `Name(a, b)` / `(a, b)`, all with optional trailing commas;
//! - leading `#![enable(...)]` attributes, which are skipped.
//!
//! Columns count characters, not bytes. Nesting is limited to [`MAX_DEPTH`] levels, and the
//! parser runs in linear time and never panics.

use std::fmt;

/// Maximum nesting depth of lists/maps/structs/tuples. Deeper input is an error, never a stack
/// overflow.
pub const MAX_DEPTH: usize = 256;

/// A position in the source: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters from the start of the line.
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A parsed value together with the position of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// Where the value starts (for a number, its sign; for a named struct, its name).
    pub pos: Pos,
    /// What the value is.
    pub kind: Kind,
}

/// The kinds of value the parser produces.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A string literal, escapes decoded.
    Str(String),
    /// A number literal, kept as its exact source text (e.g. "-0.25", "1e-3", "42").
    Num(String),
    /// `true` / `false`
    Bool(bool),
    /// JSON `null` or RON `None`
    Null,
    /// A bare identifier that is not true/false/None/null, e.g. a unit enum variant `Chance`.
    Ident(String),
    /// `[a, b, c]`
    List(Vec<Value>),
    /// `{ key: value, ... }` in source order; keys are strings or identifiers or numbers (JSON
    /// object or RON map). Duplicate keys are kept (the caller reports them).
    Map(Vec<(Key, Value)>),
    /// `Name(field: value, ...)` or `(field: value, ...)`: a RON struct, fields in source order.
    /// `name` is None for an anonymous struct.
    Struct {
        /// The struct name, if written.
        name: Option<String>,
        /// The fields in source order (duplicates kept).
        fields: Vec<(Key, Value)>,
    },
    /// `Name(a, b)` or `(a, b)`: a RON tuple / tuple struct / enum tuple variant (`Some(x)` is
    /// `Tuple{name: Some("Some"), items: [x]}`).
    Tuple {
        /// The tuple name, if written.
        name: Option<String>,
        /// The items in source order.
        items: Vec<Value>,
    },
}

/// A map key or struct field name with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// Where the key starts.
    pub pos: Pos,
    /// The key: decoded string, identifier, or number text.
    pub name: String,
}

/// A syntax error, displayed as `LINE:COL: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct ParseError {
    /// Position of the offending character or token.
    pub pos: Pos,
    /// Lowercase description of the problem, without a full stop.
    pub message: String,
}

impl Value {
    /// The string content if this is a [`Kind::Str`].
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short description of the kind of value, for error messages ("a string", "a list", ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Str(_) => "a string",
            Kind::Num(_) => "a number",
            Kind::Bool(_) => "true/false",
            Kind::Null => "null",
            Kind::Ident(_) => "an identifier",
            Kind::List(_) => "a list",
            Kind::Map(_) => "a map",
            Kind::Struct { .. } => "a struct",
            Kind::Tuple { .. } => "a tuple",
        }
    }
}

/// Parses a whole document (exactly one value, surrounded by optional whitespace/comments).
///
/// # Errors
/// [`ParseError`] with the position of the first syntax error.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser { src: text, bytes: text.as_bytes(), i: 0, line: 1, col: 1 };
    if text.starts_with('\u{FEFF}') {
        p.i = 3; // a byte-order mark is not counted as a column
    }
    p.skip_ws()?;
    while p.peek() == Some(b'#') {
        p.skip_attribute()?;
        p.skip_ws()?;
    }
    let value = p.value(0)?;
    p.skip_ws()?;
    if p.peek().is_some() {
        return Err(p.err(format!("unexpected {} after the end of the document", p.found())));
    }
    Ok(value)
}

/// The byte range in `text` of the value that starts at `pos` (a position [`parse`] recorded), so a
/// tool can replace that value's text in place, keeping the comments and layout around it.
///
/// Returns `None` when `pos` is not inside `text` or no value parses there.
pub fn value_span(text: &str, pos: Pos) -> Option<std::ops::Range<usize>> {
    let (mut line, mut col, mut start) = (1u32, 1u32, None);
    for (i, c) in text.char_indices() {
        if line == pos.line && col == pos.col {
            start = Some(i);
            break;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else if c != '\u{FEFF}' || i != 0 {
            col += 1;
        }
    }
    let start = start?;
    let mut p = Parser { src: text, bytes: text.as_bytes(), i: start, line: pos.line, col: pos.col };
    p.value(0).ok()?;
    Some(start..p.i)
}

/// Parser state: the current byte offset (always on a char boundary between tokens) and the
/// line/column of that offset.
#[derive(Clone, Copy)]
struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: u32,
    col: u32,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Single-character escapes: the byte after the backslash and the decoded character.
#[rustfmt::skip]
const ESCAPES: [(u8, char); 10] = [
    (b'"', '"'), (b'\'', '\''), (b'\\', '\\'), (b'/', '/'), (b'n', '\n'),
    (b't', '\t'), (b'r', '\r'), (b'b', '\u{8}'), (b'f', '\u{c}'), (b'0', '\0'),
];

impl<'a> Parser<'a> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, col: self.col }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.bytes.get(self.i + k).copied()
    }

    /// Advances one byte, updating line and column (continuation bytes do not count as columns).
    fn bump(&mut self) {
        if let Some(&b) = self.bytes.get(self.i) {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }

    fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError { pos: self.pos(), message: message.into() }
    }

    fn err_at(pos: Pos, message: impl Into<String>) -> ParseError {
        ParseError { pos, message: message.into() }
    }

    /// The current character quoted in backticks, or "end of input".
    fn found(&self) -> String {
        match self.src.get(self.i..).and_then(|s| s.chars().next()) {
            None => "end of input".to_string(),
            Some(c) if c.is_control() => format!("`{}`", c.escape_debug()),
            Some(c) => format!("`{c}`"),
        }
    }

    fn expected(&self, what: &str) -> ParseError {
        self.err(format!("expected {what}, found {}", self.found()))
    }

    /// Skips whitespace and (nested) comments.
    fn skip_ws(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.bump(),
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.bump();
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let start = self.pos();
                    self.bump_n(2);
                    let mut level = 1usize;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => return Err(Self::err_at(start, "unterminated block comment")),
                            (Some(b'*'), Some(b'/')) | (Some(b'/'), Some(b'*')) => {
                                level = if self.peek() == Some(b'*') { level - 1 } else { level + 1 };
                                self.bump_n(2);
                            }
                            _ => self.bump(),
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Skips one `#![...]` attribute (brackets inside are balanced).
    fn skip_attribute(&mut self) -> Result<(), ParseError> {
        let start = self.pos();
        self.bump();
        if self.peek() != Some(b'!') {
            return Err(self.expected("`!` after `#`"));
        }
        self.bump();
        if self.peek() != Some(b'[') {
            return Err(self.expected("`[` after `#!`"));
        }
        let mut level = 0usize;
        loop {
            match self.peek() {
                None => return Err(Self::err_at(start, "unterminated attribute")),
                Some(b'[') => level += 1,
                Some(b']') => {
                    level -= 1;
                    if level == 0 {
                        self.bump();
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Parses one value; `depth` is the number of enclosing containers.
    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.skip_ws()?;
        let pos = self.pos();
        let Some(b) = self.peek() else { return Err(self.expected("a value")) };
        let kind = match b {
            b'"' => Kind::Str(self.string()?),
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#')) && !self.is_raw_ident() => {
                Kind::Str(self.raw_string()?)
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => Kind::Num(self.number()?),
            b'[' | b'{' | b'(' => return self.container(depth, pos, None),
            _ if is_ident_start(b) => {
                let raw = self.is_raw_ident();
                let name = self.ident()?;
                if !raw {
                    match name.as_str() {
                        "true" => return Ok(Value { pos, kind: Kind::Bool(true) }),
                        "false" => return Ok(Value { pos, kind: Kind::Bool(false) }),
                        "null" | "None" => return Ok(Value { pos, kind: Kind::Null }),
                        "inf" | "infinity" | "Infinity" | "NaN" | "nan" => {
                            return Err(Self::err_at(pos, format!("`{name}` is not a finite number")));
                        }
                        _ => {}
                    }
                }
                // A name directly (or after whitespace) followed by `(` is a named struct/tuple.
                let mut look = *self;
                if look.skip_ws().is_ok() && look.peek() == Some(b'(') {
                    *self = look;
                    return self.container(depth, pos, Some(name));
                }
                Kind::Ident(name)
            }
            _ => return Err(self.expected("a value")),
        };
        Ok(Value { pos, kind })
    }

    /// True if the input at the cursor is a raw identifier `r#name`.
    fn is_raw_ident(&self) -> bool {
        self.peek() == Some(b'r')
            && self.peek_at(1) == Some(b'#')
            && self.peek_at(2).is_some_and(is_ident_start)
    }

    /// Parses an identifier or raw identifier at the cursor (which must start one).
    fn ident(&mut self) -> Result<String, ParseError> {
        if self.is_raw_ident() {
            self.bump_n(2);
        }
        if !self.peek().is_some_and(is_ident_start) {
            return Err(self.expected("an identifier"));
        }
        let start = self.i;
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
        Ok(self.src.get(start..self.i).unwrap_or_default().to_string())
    }

    /// True if the input at the cursor is `identifier :` (a struct field), without consuming it.
    fn at_field(&self) -> bool {
        let mut look = *self;
        if !look.peek().is_some_and(is_ident_start) || look.ident().is_err() {
            return false;
        }
        look.skip_ws().is_ok() && look.peek() == Some(b':')
    }

    /// Parses a list, map, struct or tuple whose opening bracket is at the cursor.
    fn container(&mut self, depth: usize, pos: Pos, name: Option<String>) -> Result<Value, ParseError> {
        let open = self.peek().unwrap_or(b'(');
        if depth >= MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let close = match open {
            b'[' => b']',
            b'{' => b'}',
            _ => b')',
        };
        self.bump();
        self.skip_ws()?;
        let kind = match open {
            b'[' => {
                let mut items = Vec::new();
                while !self.end_of_items(close)? {
                    items.push(self.value(depth + 1)?);
                    self.separator(close)?;
                }
                Kind::List(items)
            }
            b'{' => {
                let mut entries = Vec::new();
                while !self.end_of_items(close)? {
                    let key = self.map_key()?;
                    self.colon("after the key")?;
                    entries.push((key, self.value(depth + 1)?));
                    self.separator(close)?;
                }
                Kind::Map(entries)
            }
            _ => {
                // The first item decides: `ident :` makes a struct, anything else a tuple.
                let is_struct = self.at_field();
                let (mut fields, mut items) = (Vec::new(), Vec::new());
                while !self.end_of_items(close)? {
                    if self.at_field() != is_struct {
                        // Only a would-be value or field is "mixing"; anything else is a stray character.
                        let starts_item = self.peek().is_some_and(|b| {
                            b.is_ascii_alphanumeric()
                                || matches!(b, b'"' | b'\'' | b'[' | b'{' | b'(' | b'-' | b'+' | b'.' | b'_')
                        });
                        if !starts_item {
                            return Err(self.expected(if is_struct { "a field name" } else { "a value" }));
                        }
                        return Err(self.err("struct fields and tuple items cannot be mixed"));
                    }
                    if is_struct {
                        let key = Key { pos: self.pos(), name: self.ident()? };
                        self.colon("after the field name")?;
                        fields.push((key, self.value(depth + 1)?));
                    } else {
                        items.push(self.value(depth + 1)?);
                    }
                    self.separator(close)?;
                }
                if is_struct { Kind::Struct { name, fields } } else { Kind::Tuple { name, items } }
            }
        };
        Ok(Value { pos, kind })
    }

    /// Skips whitespace; consumes `close` and returns true if it is next.
    fn end_of_items(&mut self, close: u8) -> Result<bool, ParseError> {
        self.skip_ws()?;
        if self.peek() == Some(close) {
            self.bump();
            return Ok(true);
        }
        Ok(false)
    }

    /// After an item: consumes a `,` (leaving a following `close` to [`Self::end_of_items`]), or
    /// sees `close`; anything else is an error.
    fn separator(&mut self, close: u8) -> Result<(), ParseError> {
        self.skip_ws()?;
        match self.peek() {
            Some(b',') => {
                self.bump();
                Ok(())
            }
            Some(b) if b == close => Ok(()),
            Some(b'/' | b'*' | b'+' | b'-') => {
                let mut e = self.expected(&format!("`,` or `{}`", close as char));
                e.message
                    .push_str(" (write a fraction or an expression in quotes, e.g. \"2/3\" or \"3 - c\")");
                Err(e)
            }
            _ => Err(self.expected(&format!("`,` or `{}`", close as char))),
        }
    }

    fn colon(&mut self, context: &str) -> Result<(), ParseError> {
        self.skip_ws()?;
        if self.peek() != Some(b':') {
            return Err(self.expected(&format!("`:` {context}")));
        }
        self.bump();
        Ok(())
    }

    /// A map key: a string, an identifier or a number.
    fn map_key(&mut self) -> Result<Key, ParseError> {
        let pos = self.pos();
        let name = match self.peek() {
            Some(b'"') => self.string()?,
            Some(b'r') if matches!(self.peek_at(1), Some(b'"' | b'#')) && !self.is_raw_ident() => {
                self.raw_string()?
            }
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => self.number()?,
            Some(b) if is_ident_start(b) => self.ident()?,
            _ => return Err(self.expected("a key")),
        };
        Ok(Key { pos, name })
    }

    /// Parses a `"..."` string at the cursor, decoding escapes.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos();
        self.bump();
        let mut out = String::new();
        let mut seg = self.i;
        loop {
            match self.peek() {
                None => return Err(Self::err_at(start, "unterminated string")),
                Some(b @ (b'"' | b'\\')) => {
                    out.push_str(self.src.get(seg..self.i).unwrap_or_default());
                    if b == b'"' {
                        self.bump();
                        return Ok(out);
                    }
                    self.escape(&mut out, start)?;
                    seg = self.i;
                }
                Some(_) => self.bump(),
            }
        }
    }

    /// Decodes one escape sequence at the cursor (which is at the backslash).
    fn escape(&mut self, out: &mut String, start: Pos) -> Result<(), ParseError> {
        let at = self.pos();
        self.bump();
        let Some(b) = self.peek() else { return Err(Self::err_at(start, "unterminated string")) };
        if let Some(&(_, c)) = ESCAPES.iter().find(|e| e.0 == b) {
            out.push(c);
            self.bump();
            return Ok(());
        }
        if b != b'u' {
            let c = self.src.get(self.i..).and_then(|s| s.chars().next()).unwrap_or('?');
            return Err(Self::err_at(at, format!("invalid escape `\\{}` in string", c.escape_debug())));
        }
        self.bump();
        if self.peek() == Some(b'{') {
            self.bump();
            let digits_start = self.i;
            while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                self.bump();
            }
            let digits = self.src.get(digits_start..self.i).unwrap_or_default();
            if digits.is_empty() || digits.len() > 6 {
                return Err(Self::err_at(at, "expected 1 to 6 hex digits in `\\u{...}`"));
            }
            if self.peek() != Some(b'}') {
                return Err(self.expected("`}` to end the unicode escape"));
            }
            self.bump();
            let code = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
            let c = char::from_u32(code).ok_or_else(|| {
                Self::err_at(at, format!("`\\u{{{digits}}}` is not a valid unicode character"))
            })?;
            out.push(c);
            return Ok(());
        }
        let hi = self.hex4()?;
        let unpaired = || Self::err_at(at, format!("unpaired surrogate `\\u{hi:04X}` in string"));
        let code = match hi {
            0xD800..=0xDBFF => {
                // A high surrogate must be followed by `\uXXXX` holding a low surrogate.
                let mut look = *self;
                let is_escape = look.peek() == Some(b'\\') && look.peek_at(1) == Some(b'u');
                look.bump_n(2);
                let lo = if is_escape { look.hex4().ok() } else { None };
                let lo = lo.filter(|lo| (0xDC00..=0xDFFF).contains(lo)).ok_or_else(unpaired)?;
                *self = look;
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(unpaired()),
            _ => hi,
        };
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        Ok(())
    }

    /// Reads exactly four hex digits.
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.peek().and_then(|b| (b as char).to_digit(16));
            let Some(d) = d else { return Err(self.expected("4 hex digits after `\\u`")) };
            v = v * 16 + d;
            self.bump();
        }
        Ok(v)
    }

    /// Parses a raw string `r"..."` / `r#"..."#` at the cursor.
    fn raw_string(&mut self) -> Result<String, ParseError> {
        let start = self.pos();
        self.bump();
        let mut hashes = 0usize;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.bump();
        }
        if self.peek() != Some(b'"') {
            return Err(self.expected("`\"` to start the raw string"));
        }
        self.bump();
        let content = self.i;
        loop {
            match self.peek() {
                None => return Err(Self::err_at(start, "unterminated raw string")),
                Some(b'"') if (1..=hashes).all(|k| self.peek_at(k) == Some(b'#')) => {
                    let s = self.src.get(content..self.i).unwrap_or_default().to_string();
                    self.bump_n(1 + hashes);
                    return Ok(s);
                }
                Some(_) => self.bump(),
            }
        }
    }

    /// Parses a number at the cursor, returning its normalised text.
    fn number(&mut self) -> Result<String, ParseError> {
        let start = self.pos();
        let start_i = self.i;
        let mut text = String::new();
        if self.peek() == Some(b'-') {
            text.push('-');
        }
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.bump();
        }
        if self.peek().is_some_and(is_ident_start) {
            let name = self.ident()?;
            let written = self.src.get(start_i..self.i).unwrap_or_default();
            if matches!(name.as_str(), "inf" | "infinity" | "Infinity" | "NaN" | "nan") {
                return Err(Self::err_at(start, format!("`{written}` is not a finite number")));
            }
            return Err(Self::err_at(start, format!("expected a number, found `{written}`")));
        }
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some(b'0'), Some(b'x')) => Some((16, "hexadecimal")),
            (Some(b'0'), Some(b'o')) => Some((8, "octal")),
            (Some(b'0'), Some(b'b')) => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, what)) = radix {
            self.bump_n(2);
            let mut v: u128 = 0;
            let mut any = false;
            while let Some(b) = self.peek() {
                if b == b'_' {
                    self.bump();
                    continue;
                }
                let Some(d) = (b as char).to_digit(radix) else { break };
                v = v
                    .checked_mul(u128::from(radix))
                    .and_then(|v| v.checked_add(u128::from(d)))
                    .ok_or_else(|| Self::err_at(start, format!("{what} number is too large")))?;
                any = true;
                self.bump();
            }
            if !any {
                return Err(self.expected(&format!("a {what} digit")));
            }
            text.push_str(&v.to_string());
        } else {
            let int_digits = self.digits(&mut text);
            if self.peek() == Some(b'.') {
                text.push('.');
                self.bump();
                let frac_digits = self.digits(&mut text);
                if int_digits == 0 && frac_digits == 0 {
                    return Err(self.expected("a digit after `.`"));
                }
            } else if int_digits == 0 {
                return Err(self.expected("a digit"));
            }
            if let Some(e @ (b'e' | b'E')) = self.peek() {
                text.push(e as char);
                self.bump();
                if let Some(s @ (b'-' | b'+')) = self.peek() {
                    text.push(s as char);
                    self.bump();
                }
                if self.digits(&mut text) == 0 {
                    return Err(self.expected("a digit in the exponent"));
                }
            }
        }
        if self.peek().is_some_and(is_ident_char) {
            return Err(self.expected("a separator after the number"));
        }
        Ok(text)
    }

    /// Reads decimal digits (and `_` separators after the first digit) into `text`; returns the
    /// number of digits read.
    fn digits(&mut self, text: &mut String) -> usize {
        let mut n = 0;
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() {
                text.push(b as char);
                n += 1;
            } else if !(b == b'_' && n > 0) {
                break;
            }
            self.bump();
        }
        n
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_span_covers_exactly_one_value() {
        let text = "(a: [1, /* c */ 2], // x\n b: \"é\" )";
        let v = parse(text).expect("parses");
        let Kind::Struct { fields, .. } = &v.kind else { panic!("a struct") };
        let span = |k: usize| value_span(text, fields[k].1.pos).expect("a span");
        assert_eq!(&text[span(0)], "[1, /* c */ 2]");
        assert_eq!(&text[span(1)], "\"é\"");
        assert_eq!(value_span(text, Pos { line: 9, col: 1 }), None);
    }

    use super::*;

    /// Compact rendering of a value tree for one-line expectations.
    fn render(v: &Value) -> String {
        let join = |items: Vec<String>| items.join(",");
        let fields =
            |fs: &[(Key, Value)]| join(fs.iter().map(|(k, v)| format!("{}:{}", k.name, render(v))).collect());
        match &v.kind {
            Kind::Str(s) => format!("{s:?}"),
            Kind::Num(n) => format!("#{n}"),
            Kind::Bool(b) => b.to_string(),
            Kind::Null => "null".into(),
            Kind::Ident(s) => s.clone(),
            Kind::List(items) => format!("[{}]", join(items.iter().map(render).collect())),
            Kind::Map(es) => format!("{{{}}}", fields(es)),
            Kind::Struct { name, fields: fs } => {
                format!("{}(s {})", name.as_deref().unwrap_or(""), fields(fs))
            }
            Kind::Tuple { name, items } => {
                format!("{}(t {})", name.as_deref().unwrap_or(""), join(items.iter().map(render).collect()))
            }
        }
    }

    /// Positions of all values (and keys, prefixed `k`) in pre-order.
    fn positions(v: &Value, out: &mut Vec<String>) {
        out.push(v.pos.to_string());
        let kv = |es: &[(Key, Value)], out: &mut Vec<String>| {
            for (k, v) in es {
                out.push(format!("k{}", k.pos));
                positions(v, out);
            }
        };
        match &v.kind {
            Kind::List(items) | Kind::Tuple { items, .. } => items.iter().for_each(|i| positions(i, out)),
            Kind::Map(es) | Kind::Struct { fields: es, .. } => kv(es, out),
            _ => {}
        }
    }

    #[track_caller]
    fn check(src: &str, expected: &str) {
        match parse(src) {
            Ok(v) => assert_eq!(render(&v), expected, "source: {src:?}"),
            Err(e) => assert_eq!(e.to_string(), expected, "source: {src:?}"),
        }
    }

    #[track_caller]
    fn check_pos(src: &str, expected: &str) {
        let v = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        let mut out = Vec::new();
        positions(&v, &mut out);
        assert_eq!(out.join(" "), expected, "source: {src:?}");
    }

    #[test]
    fn scalars() {
        check("42", "#42");
        check("-0.25", "#-0.25");
        check("+7", "#7");
        check("1e-3", "#1e-3");
        check("2.5E+10", "#2.5E+10");
        check("1_000_000", "#1000000");
        check("0.1", "#0.1");
        check(".5", "#.5");
        check("-.5", "#-.5");
        check("1.", "#1.");
        check("007", "#007");
        check("0x1F", "#31");
        check("-0xff_ff", "#-65535");
        check("0o17", "#15");
        check("0b101", "#5");
        check("true", "true");
        check("false", "false");
        check("null", "null");
        check("None", "null");
        check("Chance", "Chance");
        check("_x1", "_x1");
        check("r#true", "true");
        check("r#type", "type");
        check("r", "r");
        check("\"hi\"", "\"hi\"");
    }

    #[test]
    fn strings() {
        check(r#""a\"b\\c\/d\n\t\r\b\f\0""#, "\"a\\\"b\\\\c/d\\n\\t\\r\\u{8}\\u{c}\\0\"");
        check(r#""\u{1F600}""#, "\"😀\"");
        check(r#""\u00e9\u0041""#, "\"éA\"");
        check(r#""\uD83D\uDE00""#, "\"😀\"");
        check(r#""it\'s""#, "\"it's\"");
        check("\"two\nlines\"", "\"two\\nlines\"");
        check("\"é日本\"", "\"é日本\"");
        check(r#"r"raw \n""#, "\"raw \\\\n\"");
        check(r###"r#"has "quotes""#"###, "\"has \\\"quotes\\\"\"");
        check(r###"r##"a "# b"##"###, "\"a \\\"# b\"");
        check(r#"r"""#, "\"\"");
        check("[\"/* not // a comment\", 1]", "[\"/* not // a comment\",#1]");
    }

    #[test]
    fn containers() {
        check("[]", "[]");
        check("[1, 2, 3,]", "[#1,#2,#3]");
        check("[[], [[]]]", "[[],[[]]]");
        check("{}", "{}");
        check("{a: 1, \"b\": 2, 3: x, -1.5: y,}", "{a:#1,b:#2,3:x,-1.5:y}");
        check("{a: 1, a: 2}", "{a:#1,a:#2}");
        check("{true: 1}", "{true:#1}");
        check("()", "(t )");
        check("Unit()", "Unit(t )");
        check("Some(3)", "Some(t #3)");
        check("Some (3)", "Some(t #3)");
        check("(1, \"x\",)", "(t #1,\"x\")");
        check("Pt(x: 1, y: 2,)", "Pt(s x:#1,y:#2)");
        check("(x: 1, x: 2)", "(s x:#1,x:#2)");
        check("(r#type: 1)", "(s type:#1)");
        check("Node(kind: Chance, kids: [Some(A), None])", "Node(s kind:Chance,kids:[Some(t A),null])");
        check("(A, B(c: 1))", "(t A,B(s c:#1))");
        check("(a /* c */ : 1)", "(s a:#1)");
        check("[r#x(1)]", "[x(t #1)]");
    }

    #[test]
    fn json_documents() {
        check(r#"{"a": [1, 2.5, "x", true, null]}"#, "{a:[#1,#2.5,\"x\",true,null]}");
        check(r#"{"n": {"m": [], "k": {}}, "e": -1E5}"#, "{n:{m:[],k:{}},e:#-1E5}");
        check("  [\r\n 1 ,\r\n 2 ]\r\n", "[#1,#2]");
    }

    #[test]
    fn comments_and_attributes() {
        check("// c\n1 // d", "#1");
        check("/* a /* nested */ still */ 2", "#2");
        check("[1, /* x */ 2] /**/", "[#1,#2]");
        check("#![enable(implicit_some)]\n#![enable(unwrap_newtypes)] (a: 1)", "(s a:#1)");
        check("\u{FEFF}[1]", "[#1]");
        check("/* a /* b */", "1:1: unterminated block comment");
        check("[1,\n  /* /* */", "2:3: unterminated block comment");
        check("#![enable(x)", "1:1: unterminated attribute");
        check("#x", "1:2: expected `!` after `#`, found `x`");
    }

    #[test]
    fn positions_of_values() {
        check_pos("{\n  \"a\": [1,\n    2]}", "1:1 k2:3 2:8 2:9 3:5");
        check_pos("[\n\n    Pt(x: 1)]", "1:1 3:5 k3:8 3:11");
        check_pos("\"é\" ", "1:1");
        check_pos("[\"é\", 1]", "1:1 1:2 1:7");
        check_pos("[\"日本\", 1]", "1:1 1:2 1:8");
        check_pos("[/* é */ -1]", "1:1 1:10");
        check_pos("[\"a\nbé\", x]", "1:1 1:2 2:6");
        check_pos("(a:1,b:-2)", "1:1 k1:2 1:4 k1:6 1:8");
    }

    #[test]
    fn errors() {
        check("[1 }", "1:4: expected `,` or `]`, found `}`");
        check("{a: 1 ]", "1:7: expected `,` or `}`, found `]`");
        check("(1 ]", "1:4: expected `,` or `)`, found `]`");
        check("[1,\n  2", "2:4: expected `,` or `]`, found end of input");
        check("", "1:1: expected a value, found end of input");
        check("  \n ", "2:2: expected a value, found end of input");
        check("[1,", "1:4: expected a value, found end of input");
        check("[,]", "1:2: expected a value, found `,`");
        check("[é]", "1:2: expected a value, found `é`");
        check("[\u{1}]", "1:2: expected a value, found `\\u{1}`");
        check("\"abc", "1:1: unterminated string");
        check("[1, \"abc\\", "1:5: unterminated string");
        check("r#\"abc\"", "1:1: unterminated raw string");
        check("r#", "1:3: expected `\"` to start the raw string, found end of input");
        check("{a, b}", "1:3: expected `:` after the key, found `,`");
        check("{[]: 1}", "1:2: expected a key, found `[`");
        check("(a: 1, 2)", "1:8: struct fields and tuple items cannot be mixed");
        check("(1, a: 2)", "1:5: struct fields and tuple items cannot be mixed");
        check("(a: 1, b 2)", "1:8: struct fields and tuple items cannot be mixed");
        check("(a: 1, \u{0})", "1:8: expected a field name, found `\\0`");
        check(
            "[2/3]",
            "1:3: expected `,` or `]`, found `/` (write a fraction or an expression in quotes, e.g. \"2/3\" or \"3 - c\")",
        );
        check("\"a\\qb\"", "1:3: invalid escape `\\q` in string");
        check("\"\\é\"", "1:2: invalid escape `\\é` in string");
        check("\"\\u12\"", "1:6: expected 4 hex digits after `\\u`, found `\"`");
        check("\"x\\uD800\"", "1:3: unpaired surrogate `\\uD800` in string");
        check("\"\\uD800\\u0041\"", "1:2: unpaired surrogate `\\uD800` in string");
        check("\"\\uDC00\"", "1:2: unpaired surrogate `\\uDC00` in string");
        check("\"\\u{D800}\"", "1:2: `\\u{D800}` is not a valid unicode character");
        check("\"\\u{}\"", "1:2: expected 1 to 6 hex digits in `\\u{...}`");
        check("\"\\u{41\"", "1:7: expected `}` to end the unicode escape, found `\"`");
        check("inf", "1:1: `inf` is not a finite number");
        check("[1,\n -inf]", "2:2: `-inf` is not a finite number");
        check("{a: NaN}", "1:5: `NaN` is not a finite number");
        check("+x", "1:1: expected a number, found `+x`");
        check("12abc", "1:3: expected a separator after the number, found `a`");
        check("1.5x", "1:4: expected a separator after the number, found `x`");
        check("1e", "1:3: expected a digit in the exponent, found end of input");
        check("1e+q", "1:4: expected a digit in the exponent, found `q`");
        check("-", "1:2: expected a digit, found end of input");
        check("- 1", "1:2: expected a digit, found ` `");
        check(".", "1:2: expected a digit after `.`, found end of input");
        check("0xg", "1:3: expected a hexadecimal digit, found `g`");
        check("0b12", "1:4: expected a separator after the number, found `2`");
        check("0x1_0000_0000_0000_0000_0000_0000_0000_0000", "1:1: hexadecimal number is too large");
        check("1 2", "1:3: unexpected `2` after the end of the document");
        check("[]\n]", "2:1: unexpected `]` after the end of the document");
        check("{\"a\": 1} x", "1:10: unexpected `x` after the end of the document");
    }

    #[test]
    fn error_display_and_helpers() {
        let e = parse("[1 }").unwrap_err();
        assert_eq!(e.pos, Pos { line: 1, col: 4 });
        assert_eq!(e.message, "expected `,` or `]`, found `}`");
        let v = parse("[\"s\", 1, true, null, X, [], {}, (a: 1), (1)]").unwrap();
        let Kind::List(items) = &v.kind else { panic!("not a list") };
        let names: Vec<_> = items.iter().map(Value::kind_name).collect();
        let expected = "a string|a number|true/false|null|an identifier|a list|a map|a struct|a tuple";
        assert_eq!(names.join("|"), expected);
        assert_eq!(items[0].as_str(), Some("s"));
        assert_eq!(items[1].as_str(), None);
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        check(&"[".repeat(MAX_DEPTH + 1), "1:257: nesting deeper than 256 levels");
        check(&"[".repeat(10_000_000), "1:257: nesting deeper than 256 levels");
        check(&"{a:".repeat(1000), "1:769: nesting deeper than 256 levels");
        check(&"S(".repeat(1000), "1:514: nesting deeper than 256 levels");
        check(&"(x:".repeat(1000), "1:769: nesting deeper than 256 levels");
    }

    #[test]
    fn long_string_is_linear() {
        let n = if cfg!(debug_assertions) { 1_000_000 } else { 10_000_000 };
        let src = format!("\"{}\\n\"", "é".repeat(n));
        let t = std::time::Instant::now();
        let v = parse(&src).unwrap();
        assert_eq!(v.as_str().map(|s| s.chars().count()), Some(n + 1));
        let err = parse(&format!("\"{}\\q\"", "a".repeat(n))).unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, col: n as u32 + 2 });
        let big_list = format!("[{}]", "1.5, ".repeat(n / 5));
        assert!(parse(&big_list).is_ok());
        assert!(t.elapsed().as_secs() < 20);
    }

    #[test]
    fn never_panics() {
        let sample = "#![enable(implicit_some)]\n// head\nGame(\n  name: \"é \\u{1F600} \\uD83D\\uDE00\",\n  \
                      raw: r##\"x\"#y\"##, n: [-1_0.5e+3, 0x1F, .5, 1.],\n  m: {\"k\": null, 3: None, a: r#b},\n  \
                      t: Some((1, A, B(c: true))), /* /* c */ */ u: (),\n)\n";
        assert!(parse(sample).is_ok(), "{:?}", parse(sample));
        for (i, _) in sample.char_indices() {
            let _ = parse(&sample[..i]);
            let _ = parse(&sample[i..]);
        }
        let alphabet: Vec<char> = "[]{}()\"\\/*#!:,.-+_ex0u1Dr \n\té9zNaif{}".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let s = String::from_utf8_lossy(&bytes);
            let _ = parse(&s);
            let s: String = (0..len).map(|_| alphabet[(next() as usize) % alphabet.len()]).collect();
            if let Err(e) = parse(&s) {
                assert!(e.pos.line >= 1 && e.pos.col >= 1 && !e.message.ends_with('.'));
            }
        }
    }
}
