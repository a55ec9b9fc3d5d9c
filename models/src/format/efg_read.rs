//! The streaming `.efg` reader behind [`crate::format::efg::read`].
//!
//! One pass over the bytes with a small tokenizer on `&[u8]`: tokens borrow the text (a string is
//! copied only when it holds an escape), positions are byte offsets turned into line and column only
//! when a message needs them, numbers that are plain integers of up to 18 digits skip the general
//! parser, and nothing is allocated per node: information sets and outcomes live in flat tables
//! indexed by their numbers in the file ([`NumberIndex`]), action lists are interned once per distinct
//! list, and the payoffs accumulated down the path (outcomes on inner nodes add to every leaf below)
//! are rows of one stack. The messages, their positions and the trees are those documented in
//! [`crate::format::efg`].

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::Error;
use crate::expr::Expr;
use crate::format::efg::{disambiguate, quote};
use crate::format::game::ReadOptions;
use crate::format::value::Pos;
use crate::number::Q;
use crate::tree::{ActionSetId, InfosetId, NodeId, NodeKind, Tree, TreeBuilder};

/// A token; strings and words borrow the text where they can.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok<'a> {
    /// A quoted string, escapes decoded.
    Str(Cow<'a, str>),
    /// A run of other characters: a number, or a word such as `EFG`, `R`, `p`.
    Word(&'a str),
    Open,
    Close,
    Comma,
    End,
}

impl Tok<'_> {
    fn describe(&self) -> String {
        match self {
            Tok::Str(s) => format!("the string {}", quote(s)),
            Tok::Word(w) => format!("`{w}`"),
            Tok::Open => "`{`".into(),
            Tok::Close => "`}`".into(),
            Tok::Comma => "`,`".into(),
            Tok::End => "end of input".into(),
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Clone, Debug)]
struct Token<'a> {
    tok: Tok<'a>,
    at: usize,
}

/// The tokenizer: a byte cursor over the text (after a byte-order mark, if any).
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    peeked: Option<Token<'a>>,
}

/// The fewest bytes per node the tables are sized for from the length of the file (see [`read`]).
const BYTES_PER_NODE: usize = 16;

/// The bytes of a string searched one at a time before [`memchr::memchr2`] takes over.
const SHORT_STRING: usize = 16;

/// True for the bytes that end a word besides whitespace.
#[inline]
fn is_delimiter(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b',' | b'"')
}

/// ASCII whitespace as `char::is_whitespace` sees it (which includes the vertical tab).
#[inline]
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Lexer<'a> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Lexer { text, bytes: text.as_bytes(), i: 0, peeked: None }
    }

    /// The line and column (in characters) of byte offset `at`.
    fn pos(&self, at: usize) -> Pos {
        let before = &self.bytes[..at];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = self.text[line_start..at].chars().count() + 1;
        Pos { line: u32::try_from(line).unwrap_or(u32::MAX), col: u32::try_from(col).unwrap_or(u32::MAX) }
    }

    fn err(&self, at: usize, message: impl Into<String>) -> Error {
        let p = self.pos(at);
        Error::Syntax { line: p.line, col: p.col, message: message.into() }
    }

    /// The whitespace character at byte `i`, if there is one, and its length in bytes.
    #[inline]
    fn space_at(&self, i: usize) -> Option<usize> {
        let b = *self.bytes.get(i)?;
        if b < 0x80 {
            return is_ascii_space(b).then_some(1);
        }
        let c = self.text[i..].chars().next()?;
        c.is_whitespace().then(|| c.len_utf8())
    }

    fn peek(&mut self) -> Result<&Token<'a>, Error> {
        if self.peeked.is_none() {
            let t = self.scan()?;
            self.peeked = Some(t);
        }
        Ok(self.peeked.as_ref().expect("a token was just peeked"))
    }

    /// True when the next token is a quoted string.
    #[inline]
    fn at_string(&mut self) -> Result<bool, Error> {
        if self.peeked.is_none() {
            // A string is the only token that starts with a quote; whatever follows is scanned (and an
            // unterminated string reported) when it is read.
            self.skip_space();
            return Ok(self.bytes.get(self.i) == Some(&b'"'));
        }
        Ok(matches!(self.peek()?.tok, Tok::Str(_)))
    }

    fn next_token(&mut self) -> Result<Token<'a>, Error> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.scan(),
        }
    }

    /// Moves the cursor past whitespace (a byte at a time for ASCII, [`Lexer::space_at`] otherwise).
    #[inline(always)]
    fn skip_space(&mut self) {
        let mut i = self.i;
        // The common cases first: the token starts here, or after one space (as Gambit writes them).
        let printable = |b: u8| b > b' ' && b < 0x80;
        match self.bytes.get(i) {
            Some(&b) if printable(b) => return,
            Some(b' ') if self.bytes.get(i + 1).is_some_and(|&b| printable(b)) => {
                self.i = i + 1;
                return;
            }
            _ => {}
        }
        while let Some(&b) = self.bytes.get(i) {
            if is_ascii_space(b) {
                i += 1;
            } else if b < 0x80 {
                break;
            } else {
                self.i = i;
                return self.skip_space_slow();
            }
        }
        self.i = i;
    }

    /// [`Lexer::skip_space`] from a non-ASCII character on.
    #[cold]
    #[inline(never)]
    fn skip_space_slow(&mut self) {
        while let Some(k) = self.space_at(self.i) {
            self.i += k;
        }
    }

    /// True when a word that would start before byte `j` ends there: the end of the text, a delimiter
    /// or ASCII whitespace. A non-ASCII character gives false, leaving it to the general [`Lexer::scan`].
    #[inline(always)]
    fn word_ends_at(&self, j: usize) -> bool {
        match self.bytes.get(j) {
            None => true,
            Some(&b) => b < 0x80 && (is_delimiter(b) || is_ascii_space(b)),
        }
    }

    /// The next token is the byte `want` (a delimiter): consumes it and gives its offset. `None` (the
    /// cursor left at the token) otherwise, and always when a token was peeked.
    #[inline(always)]
    fn eat_byte(&mut self, want: u8) -> Option<usize> {
        if self.peeked.is_some() {
            return None;
        }
        self.skip_space();
        let at = self.i;
        (self.bytes.get(at) == Some(&want)).then(|| {
            self.i = at + 1;
            at
        })
    }

    /// The next token is a quoted string without escapes: consumes it. `None` (the cursor left at the
    /// token) for anything else.
    #[inline(always)]
    fn plain_string(&mut self) -> Option<(&'a str, usize)> {
        if self.peeked.is_some() {
            return None;
        }
        self.skip_space();
        let at = self.i;
        if self.bytes.get(at) != Some(&b'"') {
            return None;
        }
        let start = at + 1;
        // Most labels are short: look at a few bytes before calling the vectorised search.
        let rest = &self.bytes[start..];
        let end = start
            + match rest.iter().take(SHORT_STRING).position(|&b| b == b'"' || b == b'\\') {
                Some(k) => k,
                None if rest.len() <= SHORT_STRING => return None,
                None => SHORT_STRING + memchr::memchr2(b'"', b'\\', &rest[SHORT_STRING..])?,
            };
        if self.bytes[end] != b'"' {
            return None;
        }
        self.i = end + 1;
        Some((&self.text[start..end], at))
    }

    /// The next token is a run of at most `max` ASCII digits forming a whole word: consumes it and gives
    /// its value. `None` (the cursor left at the token) otherwise.
    #[inline(always)]
    fn plain_digits(&mut self, max: usize) -> Option<(u64, usize)> {
        if self.peeked.is_some() {
            return None;
        }
        self.skip_space();
        self.digits_here(max)
    }

    /// [`Lexer::plain_digits`] from the cursor, without skipping whitespace first.
    #[inline(always)]
    fn digits_here(&mut self, max: usize) -> Option<(u64, usize)> {
        let at = self.i;
        let mut v: u64 = 0;
        let mut j = at;
        while let Some(&b) = self.bytes.get(j) {
            if !b.is_ascii_digit() {
                break;
            }
            if j - at == max {
                return None;
            }
            v = v * 10 + u64::from(b - b'0');
            j += 1;
        }
        if j == at || !self.word_ends_at(j) {
            return None;
        }
        self.i = j;
        Some((v, at))
    }

    /// The next token if it is the one-letter word `p`, `c` or `t` (a node's kind), consumed.
    #[inline(always)]
    fn node_keyword(&mut self) -> Option<Token<'a>> {
        if self.peeked.is_some() {
            return None;
        }
        self.skip_space();
        let at = self.i;
        if !matches!(self.bytes.get(at), Some(b'p' | b'c' | b't')) || !self.word_ends_at(at + 1) {
            return None;
        }
        self.i = at + 1;
        Some(Token { tok: Tok::Word(&self.text[at..at + 1]), at })
    }

    /// The offset of the next token if it is the byte `want` (a delimiter), not consumed.
    #[inline(always)]
    fn at_byte(&mut self, want: u8) -> Option<usize> {
        if self.peeked.is_some() {
            return None;
        }
        self.skip_space();
        (self.bytes.get(self.i) == Some(&want)).then_some(self.i)
    }

    fn scan(&mut self) -> Result<Token<'a>, Error> {
        self.skip_space();
        let at = self.i;
        let Some(&c) = self.bytes.get(at) else { return Ok(Token { tok: Tok::End, at }) };
        let tok = match c {
            b'{' => {
                self.i += 1;
                Tok::Open
            }
            b'}' => {
                self.i += 1;
                Tok::Close
            }
            b',' => {
                self.i += 1;
                Tok::Comma
            }
            b'"' => {
                let start = at + 1;
                let mut j = start;
                loop {
                    match self.bytes.get(j) {
                        None => return Err(self.err(at, "unterminated string")),
                        Some(b'"') => {
                            self.i = j + 1;
                            break Tok::Str(Cow::Borrowed(&self.text[start..j]));
                        }
                        Some(b'\\') => {
                            self.i = j;
                            break Tok::Str(Cow::Owned(self.escaped(at, start)?));
                        }
                        Some(_) => j += 1,
                    }
                }
            }
            _ => {
                let mut j = at;
                while let Some(&b) = self.bytes.get(j) {
                    if b < 0x80 {
                        if is_delimiter(b) || is_ascii_space(b) {
                            break;
                        }
                        j += 1;
                    } else {
                        let Some(c) = self.text[j..].chars().next() else { break };
                        if c.is_whitespace() {
                            break;
                        }
                        j += c.len_utf8();
                    }
                }
                self.i = j;
                Tok::Word(&self.text[at..j])
            }
        };
        Ok(Token { tok, at })
    }

    /// The rest of a string that holds a backslash: the cursor is at the first backslash, `start` is
    /// just after the opening quote at `at`.
    fn escaped(&mut self, at: usize, start: usize) -> Result<String, Error> {
        let mut s = String::from(&self.text[start..self.i]);
        let mut run = self.i;
        let mut j = self.i;
        loop {
            match self.bytes.get(j) {
                None => return Err(self.err(at, "unterminated string")),
                Some(b'"') => {
                    s.push_str(&self.text[run..j]);
                    self.i = j + 1;
                    return Ok(s);
                }
                // Gambit decodes `\"`; `\\` is a backslash, and any other backslash is kept.
                Some(b'\\') => {
                    s.push_str(&self.text[run..j]);
                    match self.bytes.get(j + 1) {
                        Some(&e @ (b'"' | b'\\')) => {
                            s.push(char::from(e));
                            j += 2;
                        }
                        _ => {
                            s.push('\\');
                            j += 1;
                        }
                    }
                    run = j;
                }
                Some(_) => j += 1,
            }
        }
    }

    #[inline(always)]
    fn string(&mut self, what: &str) -> Result<(Cow<'a, str>, usize), Error> {
        match self.plain_string() {
            Some((s, at)) => Ok((Cow::Borrowed(s), at)),
            None => self.string_slow(what),
        }
    }

    #[cold]
    #[inline(never)]
    fn string_slow(&mut self, what: &str) -> Result<(Cow<'a, str>, usize), Error> {
        let t = self.next_token()?;
        match t.tok {
            Tok::Str(s) => Ok((s, t.at)),
            other => {
                Err(self.err(t.at, format!("expected {what} (a quoted string), found {}", other.describe())))
            }
        }
    }

    /// Expects the delimiter `want` (`{` or `}`), whose token is `tok`.
    #[inline]
    fn expect_byte(&mut self, want: u8, tok: &Tok<'_>, what: &str) -> Result<usize, Error> {
        match self.eat_byte(want) {
            Some(at) => Ok(at),
            None => self.expect(tok, what),
        }
    }

    fn expect(&mut self, want: &Tok<'_>, what: &str) -> Result<usize, Error> {
        let t = self.next_token()?;
        if &t.tok == want {
            Ok(t.at)
        } else {
            Err(self.err(t.at, format!("expected {what}, found {}", t.tok.describe())))
        }
    }

    #[inline(always)]
    fn count(&mut self, what: &str) -> Result<(u32, usize), Error> {
        // Nine digits always fit a `u32`; longer counts take the general path (and its message).
        match self.plain_digits(9) {
            Some((v, at)) => Ok((v as u32, at)),
            None => self.count_slow(what),
        }
    }

    #[cold]
    #[inline(never)]
    fn count_slow(&mut self, what: &str) -> Result<(u32, usize), Error> {
        let t = self.next_token()?;
        if let Tok::Word(w) = t.tok
            && !w.is_empty()
            && w.bytes().all(|b| b.is_ascii_digit())
        {
            return w
                .parse::<u32>()
                .map(|n| (n, t.at))
                .map_err(|_| self.err(t.at, format!("{what} `{w}` is too large")));
        }
        Err(self.err(t.at, format!("expected {what} (a whole number), found {}", t.tok.describe())))
    }

    #[inline(always)]
    fn number(&mut self, what: &str) -> Result<(Q, usize), Error> {
        if self.peeked.is_none() {
            self.skip_space();
            let negative = self.bytes.get(self.i) == Some(&b'-');
            let sign = self.i;
            if negative || self.bytes.get(self.i) == Some(&b'+') {
                self.i += 1;
            }
            // Up to 18 digits fit an `i64`, as in `small_integer`.
            if let Some((v, _)) = self.digits_here(18) {
                let v = v as i64;
                return Ok((Q::from_int(if negative { -v } else { v }), sign));
            }
            self.i = sign;
        }
        self.number_slow(what)
    }

    #[cold]
    #[inline(never)]
    fn number_slow(&mut self, what: &str) -> Result<(Q, usize), Error> {
        let t = self.next_token()?;
        match t.tok {
            Tok::Word(w) => match small_integer(w) {
                Some(q) => Ok((q, t.at)),
                None => {
                    Q::parse_exact(w).map(|q| (q, t.at)).map_err(|e| self.err(t.at, format!("{what}: {e}")))
                }
            },
            other => Err(self.err(t.at, format!("expected {what} (a number), found {}", other.describe()))),
        }
    }

    #[inline]
    fn skip_comma(&mut self) -> Result<(), Error> {
        if self.peeked.is_none() {
            self.skip_space();
            if self.bytes.get(self.i) == Some(&b',') {
                self.i += 1;
            }
            return Ok(());
        }
        if self.peek()?.tok == Tok::Comma {
            self.next_token()?;
        }
        Ok(())
    }
}

/// `[+-]digits` with at most 18 digits (so it fits an `i64`), the common case of a payoff; `None`
/// sends everything else to [`Q::parse_exact`].
#[inline]
fn small_integer(w: &str) -> Option<Q> {
    let b = w.as_bytes();
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(Q::from_int(if negative { -v } else { v }))
}

/// Numbers written in the file (information sets, outcomes) to dense indices: a vector while the
/// numbers stay within a few times the count of entries (files number them 1, 2, 3, ...), a hash map
/// for the rest, so a huge number costs no memory.
#[derive(Default)]
struct NumberIndex {
    dense: Vec<u32>,
    sparse: HashMap<u32, u32>,
    len: usize,
}

const ABSENT: u32 = u32::MAX;

impl NumberIndex {
    #[inline]
    fn get(&self, number: u32) -> Option<u32> {
        match self.dense.get(number as usize) {
            Some(&v) if v != ABSENT => Some(v),
            // A number can have gone to the map before the vector grew past it.
            _ if self.sparse.is_empty() => None,
            _ => self.sparse.get(&number).copied(),
        }
    }

    fn insert(&mut self, number: u32, value: u32) {
        let k = number as usize;
        if k >= self.dense.len() && k < 2 * self.len + 1024 {
            self.dense.resize((k + 1).max(2 * self.dense.len()).min(2 * self.len + 1024), ABSENT);
        }
        match self.dense.get_mut(k) {
            Some(slot) => *slot = value,
            None => {
                self.sparse.insert(number, value);
            }
        }
        self.len += 1;
    }
}

/// A player's information set: its id in the tree and its action list as written.
struct PlayerSet {
    id: InfosetId,
    list: u32,
    /// Where its actions were given (for messages).
    at: usize,
}

/// An action list as written (before [`disambiguate`]) and the interned list the tree uses.
struct ActionList {
    start: u32,
    len: u32,
    set: Option<ActionSetId>,
}

struct ChanceSet<'a> {
    /// As written, for comparing repeated definitions.
    outcomes: Vec<(Cow<'a, str>, Q)>,
    /// The labels made distinct.
    labels: Vec<String>,
    at: usize,
}

/// An outcome given in the file (24 bytes: files of a million leaves give as many outcomes).
struct Outcome {
    payoffs: PayoffsAt,
    name: Name,
    at: usize,
}

/// Where the payoffs of an outcome are kept.
#[derive(Clone, Copy)]
enum PayoffsAt {
    /// `n` entries of `EfgReader::payoffs` from this index.
    Table(u32),
    /// Those of this leaf of the tree being built: the outcome was given at a leaf with nothing to
    /// add from above, so the leaf's payoffs are the outcome's and are not stored twice.
    Leaf(NodeId),
}

/// A name as a span of the text (`len` bytes from `start`), or, for a name with escapes or beyond
/// the first 4 GiB, the entry `start` of `EfgReader::names` (`len` is `OWNED`).
#[derive(Clone, Copy)]
struct Name {
    start: u32,
    len: u32,
}

const OWNED: u32 = u32::MAX;

/// The payoffs of outcome `o`, wherever they are kept.
#[inline]
fn outcome_payoffs<'s>(payoffs: &'s [Q], b: &'s TreeBuilder, o: &Outcome, n: usize) -> &'s [Q] {
    match o.payoffs {
        PayoffsAt::Table(start) => &payoffs[start as usize..start as usize + n],
        PayoffsAt::Leaf(x) => b.terminal_payoffs(x),
    }
}

/// A node still expecting children.
struct Open {
    remaining: u32,
    arity: u32,
    /// The row of `EfgReader::acc` holding the payoffs accumulated down to the node.
    row: u32,
    /// True when the node's own outcome pushed that row.
    owns_row: bool,
    at: usize,
}

struct EfgReader<'a> {
    lx: Lexer<'a>,
    b: TreeBuilder,
    n: usize,
    sets: Vec<NumberIndex>,
    player_sets: Vec<PlayerSet>,
    labels: Vec<Cow<'a, str>>,
    lists: Vec<ActionList>,
    list_index: HashMap<Vec<Cow<'a, str>>, u32>,
    chance_index: NumberIndex,
    chance: Vec<ChanceSet<'a>>,
    outcome_index: NumberIndex,
    outcomes: Vec<Outcome>,
    /// The outcome names that are not spans of the text (see [`Name`]).
    names: Vec<String>,
    /// The payoffs of every outcome, `n` per outcome.
    payoffs: Vec<Q>,
    /// Rows of accumulated payoffs, `n` per row; row 0 is all zeros.
    acc: Vec<Q>,
    /// Scratch space for one node's payoffs or action labels.
    scratch: Vec<Q>,
    scratch_labels: Vec<Cow<'a, str>>,
    /// The nodes read so far.
    nodes_read: usize,
    open: Vec<Open>,
}

/// Reads a `.efg` file; see [`crate::format::efg::read`].
pub(crate) fn read(text: &str, options: &ReadOptions) -> Result<Tree, Error> {
    let mut lx = Lexer::new(text);
    let t = lx.next_token()?;
    if t.tok != Tok::Word("EFG") {
        return Err(
            lx.err(t.at, format!("expected `EFG` at the start of the file, found {}", t.tok.describe()))
        );
    }
    let t = lx.next_token()?;
    if t.tok != Tok::Word("2") {
        return Err(lx.err(t.at, format!("only EFG version 2 is supported, found {}", t.tok.describe())));
    }
    let t = lx.next_token()?;
    if !matches!(t.tok, Tok::Word("R" | "D")) {
        return Err(
            lx.err(t.at, format!("expected `R` or `D` after the version, found {}", t.tok.describe()))
        );
    }
    let (title, _) = lx.string("the game title")?;
    let players = players(&mut lx)?;
    let n = players.len();
    let mut b = TreeBuilder::new(title.into_owned(), players);
    b.set_max_nodes(options.max_nodes);
    // Gambit loads absent-minded games (an information set holding a node and its descendant); so
    // does redline, and reports their imperfect recall.
    b.allow_absent_mindedness();
    if lx.at_string()? {
        let (comment, _) = lx.string("the comment")?;
        b.set_description(comment.into_owned());
    }
    // Nodes take a line of about 30 bytes in practice (`t "" 12 "o12" { 3, -4 }`); sizing the tables
    // for one node per `BYTES_PER_NODE` bytes over-reserves address space, which costs nothing
    // until it is touched, and spares growing them by copies.
    let nodes = (text.len() / BYTES_PER_NODE).min(options.max_nodes);
    b.reserve(nodes, nodes);
    let mut r = EfgReader {
        lx,
        b,
        n,
        sets: (0..n).map(|_| NumberIndex::default()).collect(),
        player_sets: Vec::new(),
        labels: Vec::new(),
        lists: Vec::new(),
        list_index: HashMap::new(),
        chance_index: NumberIndex::default(),
        chance: Vec::new(),
        outcome_index: NumberIndex::default(),
        outcomes: Vec::new(),
        names: Vec::new(),
        payoffs: Vec::new(),
        acc: vec![Q::zero(); n],
        scratch: Vec::with_capacity(n),
        scratch_labels: Vec::new(),
        nodes_read: 0,
        open: Vec::new(),
    };
    // Most outcomes are given at leaves, one each; their payoffs stay in the leaves, so the payoff
    // table is not reserved. A reservation that fails is only a missed hint.
    let _ = r.outcomes.try_reserve(nodes);
    r.nodes()?;
    let EfgReader { lx, b, .. } = r;
    b.finish().map_err(|e| match e {
        Error::AtNode { node, message, .. } => match node_start(text, node as usize) {
            Some(at) => lx.err(at, message),
            None => Error::AtNode { node, path: String::new(), message },
        },
        other => other,
    })
}

/// Where the entry of node `k` starts in a file that was read without error, found again only for a
/// message (keeping every node's offset would cost 8 bytes a node): the nodes are the words `p`, `c`
/// and `t` in the order of the file, and no other token of a well-formed file is one of them.
fn node_start(text: &str, k: usize) -> Option<usize> {
    let mut lx = Lexer::new(text);
    let mut seen = 0;
    loop {
        let t = lx.next_token().ok()?;
        match t.tok {
            Tok::End => return None,
            Tok::Word("p" | "c" | "t") if seen == k => return Some(t.at),
            Tok::Word("p" | "c" | "t") => seen += 1,
            _ => {}
        }
    }
}

/// `{ "name" ... }`: the player names (repeated names made distinct by [`disambiguate`]).
fn players(lx: &mut Lexer<'_>) -> Result<Vec<String>, Error> {
    let open = lx.expect(&Tok::Open, "`{` before the player names")?;
    let mut players: Vec<String> = Vec::new();
    loop {
        let t = lx.next_token()?;
        match t.tok {
            Tok::Str(s) => players.push(s.into_owned()),
            Tok::Close => break,
            other => {
                return Err(
                    lx.err(t.at, format!("expected a player name or `}}`, found {}", other.describe()))
                );
            }
        }
    }
    if players.is_empty() {
        return Err(lx.err(open, "a game needs at least one player"));
    }
    disambiguate(&mut players);
    Ok(players)
}

fn list_of<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

fn payoff_list(qs: &[Q]) -> String {
    let v: Vec<String> = qs.iter().map(Q::to_string).collect();
    format!("{{{}}}", v.join(", "))
}

fn chance_list(outcomes: &[(Cow<'_, str>, Q)]) -> String {
    let v: Vec<String> = outcomes.iter().map(|(a, p)| format!("{} {p}", quote(a))).collect();
    format!("{{{}}}", v.join(" "))
}

impl<'a> EfgReader<'a> {
    fn nodes(&mut self) -> Result<(), Error> {
        let n = self.n;
        loop {
            while let Some(o) = self.open.last()
                && o.remaining == 0
            {
                if o.owns_row {
                    self.acc.truncate(self.acc.len() - n);
                }
                self.open.pop();
            }
            let t = match self.lx.node_keyword() {
                Some(t) => t,
                None => self.lx.next_token()?,
            };
            if let (Tok::End, Some(o)) = (&t.tok, self.open.last()) {
                return Err(self.lx.err(
                    t.at,
                    format!(
                        "the file ends before the tree is complete (the node at {} has {} of its {} children)",
                        self.lx.pos(o.at),
                        o.arity - o.remaining,
                        o.arity
                    ),
                ));
            }
            if self.nodes_read > 0 && self.open.is_empty() {
                return match t.tok {
                    Tok::End => Ok(()),
                    other => Err(self
                        .lx
                        .err(t.at, format!("unexpected {} after the end of the tree", other.describe()))),
                };
            }
            let above = match self.open.last_mut() {
                Some(o) => {
                    o.remaining -= 1;
                    o.row
                }
                None => 0,
            };
            let kind = match t.tok {
                Tok::Word("p") => NodeKind::Decision,
                Tok::Word("c") => NodeKind::Chance,
                Tok::Word("t") => NodeKind::Terminal,
                other => {
                    return Err(self.lx.err(
                        t.at,
                        format!("expected a node (`p`, `c` or `t`), found {}", other.describe()),
                    ));
                }
            };
            self.nodes_read += 1;
            let (name, _) = self.lx.string("the node's name")?;
            let (x, arity) = match kind {
                NodeKind::Decision => {
                    let (h, arity) = self.player_infoset()?;
                    (self.b.decision(h).map_err(|e| self.lift(t.at, e))?, arity)
                }
                NodeKind::Chance => {
                    let k = self.chance_infoset()?;
                    let set = &self.chance[k];
                    let outcomes = set
                        .labels
                        .iter()
                        .zip(&set.outcomes)
                        .map(|(l, (_, p))| (l.clone(), Expr::number(p.clone())));
                    let arity = set.labels.len() as u32;
                    let outcomes = outcomes.collect();
                    (self.b.chance(outcomes).map_err(|e| self.lift(t.at, e))?, arity)
                }
                NodeKind::Terminal => (0, 0),
            };
            let (own, outcome_name, new) = self.outcome()?;
            if kind == NodeKind::Terminal {
                let x = match own {
                    // Row 0 is all zeros: the outcome's payoffs are the leaf's.
                    Some(k) if above == 0 => match self.outcomes[k as usize].payoffs {
                        PayoffsAt::Table(start) => {
                            let start = start as usize;
                            self.b.terminal_values(&self.payoffs[start..start + n])
                        }
                        PayoffsAt::Leaf(y) => {
                            self.scratch.clear();
                            self.scratch.extend_from_slice(self.b.terminal_payoffs(y));
                            self.b.terminal_values(&self.scratch)
                        }
                    },
                    Some(k) => {
                        let own = outcome_payoffs(&self.payoffs, &self.b, &self.outcomes[k as usize], n);
                        let above = above as usize * n;
                        self.scratch.clear();
                        for (a, o) in self.acc[above..above + n].iter().zip(own) {
                            self.scratch.push(a + o);
                        }
                        self.b.terminal_values(&self.scratch)
                    }
                    None => {
                        let above = above as usize * n;
                        self.b.terminal_values(&self.acc[above..above + n])
                    }
                }
                .map_err(|e| self.lift(t.at, e))?;
                if let (Some(k), true, 0) = (own, new, above) {
                    // Kept once, by the leaf; the table's copy was the last row.
                    self.payoffs.truncate(self.payoffs.len() - n);
                    self.outcomes[k as usize].payoffs = PayoffsAt::Leaf(x);
                }
                let label = if name.is_empty() { outcome_name } else { name };
                self.b.set_label(x, &label);
            } else {
                self.b.set_label(x, &name);
                let (row, owns_row) = match own {
                    Some(k) => {
                        let own = outcome_payoffs(&self.payoffs, &self.b, &self.outcomes[k as usize], n);
                        let row = (self.acc.len() / n.max(1)) as u32;
                        let above = above as usize * n;
                        for (i, o) in own.iter().enumerate() {
                            let v = &self.acc[above + i] + o;
                            self.acc.push(v);
                        }
                        (row, true)
                    }
                    None => (above, false),
                };
                self.open.push(Open { remaining: arity, arity, row, owns_row, at: t.at });
            }
        }
    }

    /// Errors of the tree builder, placed at the node (the node limit keeps its own kind).
    fn lift(&self, at: usize, e: Error) -> Error {
        match e {
            e @ Error::TooManyNodes { .. } => e,
            e => self.lx.err(at, e.to_string()),
        }
    }

    /// `player infoset ["label" { "action" ... }]` of a decision node: its information set and arity.
    fn player_infoset(&mut self) -> Result<(InfosetId, u32), Error> {
        let (player, ppos) = self.lx.count("a player number")?;
        if player == 0 || player as usize > self.n {
            return Err(self.lx.err(
                ppos,
                format!(
                    "player {player} does not exist (the game has {} player{}, numbered from 1)",
                    self.n,
                    if self.n == 1 { "" } else { "s" }
                ),
            ));
        }
        let (number, npos) = self.lx.count("an information set number")?;
        let index = &self.sets[player as usize - 1];
        if !self.lx.at_string()? {
            return match index.get(number) {
                Some(k) => {
                    let s = &self.player_sets[k as usize];
                    Ok((s.id, self.lists[s.list as usize].len))
                }
                None => Err(self.lx.err(
                    npos,
                    format!(
                        "information set {number} of player {player} is used before its actions are given"
                    ),
                )),
            };
        }
        let (label, _) = self.lx.string("the information set's name")?;
        let open = self.lx.expect_byte(b'{', &Tok::Open, "`{` before the actions")?;
        self.scratch_labels.clear();
        loop {
            if let Some((s, _)) = self.lx.plain_string() {
                self.scratch_labels.push(Cow::Borrowed(s));
                continue;
            }
            if self.lx.eat_byte(b'}').is_some() {
                break;
            }
            let t = self.lx.next_token()?;
            match t.tok {
                Tok::Str(s) => self.scratch_labels.push(s),
                Tok::Close => break,
                other => {
                    return Err(self
                        .lx
                        .err(t.at, format!("expected an action name or `}}`, found {}", other.describe())));
                }
            }
        }
        if self.scratch_labels.is_empty() {
            return Err(self.lx.err(open, "a decision node needs at least one action"));
        }
        let list = self.intern_list();
        let arity = self.lists[list as usize].len;
        if let Some(k) = self.sets[player as usize - 1].get(number) {
            let known = &self.player_sets[k as usize];
            if known.list != list {
                let l = &self.lists[known.list as usize];
                let was = &self.labels[l.start as usize..(l.start + l.len) as usize];
                return Err(self.lx.err(
                    open,
                    format!(
                        "information set {number} of player {player} has actions {} at line {}, but {} here",
                        list_of(was),
                        self.lx.pos(known.at).line,
                        list_of(&self.scratch_labels)
                    ),
                ));
            }
            return Ok((known.id, arity));
        }
        let set = match self.lists[list as usize].set {
            Some(set) => set,
            None => {
                let l = &self.lists[list as usize];
                let mut distinct: Vec<String> = self.labels[l.start as usize..(l.start + l.len) as usize]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                disambiguate(&mut distinct);
                let set = self.b.actions(&distinct).map_err(|e| self.lx.err(open, e.to_string()))?;
                self.lists[list as usize].set = Some(set);
                set
            }
        };
        let id =
            self.b.infoset(player as usize - 1, &label, set).map_err(|e| self.lx.err(ppos, e.to_string()))?;
        let k = self.player_sets.len() as u32;
        self.player_sets.push(PlayerSet { id, list, at: open });
        self.sets[player as usize - 1].insert(number, k);
        Ok((id, arity))
    }

    /// The interned number of the action list in `scratch_labels`.
    fn intern_list(&mut self) -> u32 {
        // Files usually repeat a few lists (one per player): compare with those before hashing.
        if self.lists.len() <= 8 {
            for (k, l) in self.lists.iter().enumerate() {
                if self.labels[l.start as usize..(l.start + l.len) as usize] == self.scratch_labels[..] {
                    return k as u32;
                }
            }
        }
        if let Some(&k) = self.list_index.get(&self.scratch_labels[..]) {
            return k;
        }
        let k = self.lists.len() as u32;
        let start = self.labels.len() as u32;
        self.labels.extend(self.scratch_labels.iter().cloned());
        self.lists.push(ActionList { start, len: self.scratch_labels.len() as u32, set: None });
        self.list_index.insert(self.scratch_labels.clone(), k);
        k
    }

    /// `infoset ["label" { "outcome" probability ... }]` of a chance node: its index in `chance`.
    fn chance_infoset(&mut self) -> Result<usize, Error> {
        let (number, npos) = self.lx.count("an information set number")?;
        if !self.lx.at_string()? {
            return match self.chance_index.get(number) {
                Some(k) => Ok(k as usize),
                None => Err(self.lx.err(
                    npos,
                    format!("chance information set {number} is used before its outcomes are given"),
                )),
            };
        }
        self.lx.string("the information set's name")?;
        let open = self.lx.expect_byte(b'{', &Tok::Open, "`{` before the chance outcomes")?;
        let mut outcomes: Vec<(Cow<'a, str>, Q)> = Vec::new();
        loop {
            let t = self.lx.next_token()?;
            match t.tok {
                Tok::Str(s) => {
                    let (p, ppos) = self.lx.number("a probability")?;
                    if p.is_negative() || p > Q::one() {
                        return Err(self.lx.err(
                            ppos,
                            format!(
                                "chance probability of {} is {}, outside [0, 1]",
                                quote(&s),
                                p.for_message()
                            ),
                        ));
                    }
                    outcomes.push((s, p));
                    self.lx.skip_comma()?;
                }
                Tok::Close => break,
                other => {
                    return Err(self.lx.err(
                        t.at,
                        format!("expected a chance outcome name or `}}`, found {}", other.describe()),
                    ));
                }
            }
        }
        if outcomes.is_empty() {
            return Err(self.lx.err(open, "a chance node needs at least one outcome"));
        }
        let sum: Q = outcomes.iter().map(|(_, p)| p).sum();
        if !sum.is_one() {
            return Err(self
                .lx
                .err(open, format!("chance probabilities sum to {}, not 1", sum.for_message())));
        }
        if let Some(k) = self.chance_index.get(number) {
            let known = &self.chance[k as usize];
            if known.outcomes != outcomes {
                return Err(self.lx.err(
                    open,
                    format!(
                        "chance information set {number} has outcomes {} at line {}, but {} here",
                        chance_list(&known.outcomes),
                        self.lx.pos(known.at).line,
                        chance_list(&outcomes)
                    ),
                ));
            }
            return Ok(k as usize);
        }
        let mut labels: Vec<String> = outcomes.iter().map(|(a, _)| a.to_string()).collect();
        disambiguate(&mut labels);
        let k = self.chance.len();
        self.chance.push(ChanceSet { outcomes, labels, at: open });
        self.chance_index.insert(number, k as u32);
        Ok(k)
    }

    /// `outcome ["name" { payoffs }]`: the outcome's index in `outcomes` (`None` for outcome 0), its
    /// name, and whether this is its first definition (its payoffs are then the last row of
    /// `payoffs`).
    fn outcome(&mut self) -> Result<(Option<u32>, Cow<'a, str>, bool), Error> {
        let (number, npos) = self.lx.count("an outcome number")?;
        if !self.lx.at_string()? {
            if number == 0 {
                return Ok((None, Cow::Borrowed(""), false));
            }
            return match self.outcome_index.get(number) {
                Some(k) => Ok((Some(k), self.name(self.outcomes[k as usize].name), false)),
                None => {
                    Err(self.lx.err(npos, format!("outcome {number} is used before its payoffs are given")))
                }
            };
        }
        let (name, name_at) = self.lx.string("the outcome's name")?;
        let open = self.lx.expect_byte(b'{', &Tok::Open, "`{` before the payoffs")?;
        let n = self.n;
        self.scratch.clear();
        loop {
            if let Some(at) = self.lx.at_byte(b'}') {
                if self.scratch.len() < n {
                    return Err(self.lx.err(
                        at,
                        format!("expected {n} payoffs (one per player), found {}", self.scratch.len()),
                    ));
                }
                self.lx.i = at + 1;
                break;
            }
            if self.scratch.len() < n && self.lx.peeked.is_none() {
                let (q, _) = self.lx.number("a payoff")?;
                self.scratch.push(q);
                self.lx.skip_comma()?;
                continue;
            }
            let t = self.lx.peek()?;
            if t.tok == Tok::Close {
                let at = t.at;
                if self.scratch.len() < n {
                    return Err(self.lx.err(
                        at,
                        format!("expected {n} payoffs (one per player), found {}", self.scratch.len()),
                    ));
                }
                self.lx.next_token()?;
                break;
            }
            if self.scratch.len() == n {
                let at = t.at;
                let what = t.tok.describe();
                return Err(self
                    .lx
                    .err(at, format!("expected `}}` after {n} payoffs (one per player), found {what}")));
            }
            let (q, _) = self.lx.number("a payoff")?;
            self.scratch.push(q);
            self.lx.skip_comma()?;
        }
        if let Some(k) = self.outcome_index.get(number) {
            let known = &self.outcomes[k as usize];
            let was = outcome_payoffs(&self.payoffs, &self.b, known, n);
            if was != &self.scratch[..] {
                return Err(self.lx.err(
                    open,
                    format!(
                        "outcome {number} has payoffs {} at line {}, but {} here",
                        payoff_list(was),
                        self.lx.pos(known.at).line,
                        payoff_list(&self.scratch)
                    ),
                ));
            }
            // A repeated definition agrees with the first; the first name stays.
            return Ok((Some(k), name, false));
        }
        let k = self.outcomes.len() as u32;
        let start = self.payoffs.len() as u32;
        self.payoffs.extend_from_slice(&self.scratch);
        let span = match (&name, u32::try_from(name_at + 1), u32::try_from(name.len())) {
            (Cow::Borrowed(_), Ok(start), Ok(len)) if len != OWNED => Name { start, len },
            _ => {
                self.names.push(name.to_string());
                Name { start: self.names.len() as u32 - 1, len: OWNED }
            }
        };
        self.outcomes.push(Outcome { payoffs: PayoffsAt::Table(start), name: span, at: open });
        self.outcome_index.insert(number, k);
        Ok((Some(k), name, true))
    }

    /// The text of a name.
    fn name(&self, name: Name) -> Cow<'a, str> {
        if name.len == OWNED {
            Cow::Owned(self.names[name.start as usize].clone())
        } else {
            let text: &'a str = self.lx.text;
            Cow::Borrowed(&text[name.start as usize..(name.start + name.len) as usize])
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::format::efg::read_reference;

    /// What a reader gives, as text: the whole tree (arena, labels, information sets) or the error.
    fn outcome(r: Result<Tree, Error>) -> String {
        format!("{r:?}")
    }

    fn same(text: &str) {
        let options = ReadOptions { max_nodes: 10_000 };
        let new = outcome(read(text, &options));
        let old = outcome(read_reference(text, &options));
        assert_eq!(new, old, "input:\n{text}");
    }

    /// Every `.efg` under `dir` (recursively), if the folder exists.
    fn files(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "efg")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                out.push(text);
            }
        }
    }

    fn samples() -> Vec<String> {
        let head = "EFG 2 R \"g\" { \"A\" \"B\" }\n";
        let mut v: Vec<String> = [
            "\"c\"\np \"r\" 2 4 \"I \\\"x\\\"\" { \"a\" \"b\" } 1 \"\" { 1, 0 }\nc \"\" 1 \"\" { \"h\" 1/3 \"t\" 2/3 } 0\nt \"\" 2 \"w\" { 1/2 -1 }\nt \"\" 0\np \"\" 1 1 \"\" { \"z\" } 0\nt \"\" 2\n",
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 1 \"fee\" { -1, 0 }\nt \"\" 2 \"w\" { 5, 5 }\np \"\" 2 1 \"\" { \"x\" } 3 \"\" { 0, 1 }\nt \"\" 2",
            "p \"\" 1 7 \"second\" { \"a\" \"b\" } 0\np \"\" 1 3 \"\" { \"c\" } 0\nt \"\" 0\np \"\" 1 3 0\nt \"\" 0",
            "p \"\" 1 1 \"\" { \"1\" \"1\" \"2\" } 0 t \"\" 0 t \"\" 0 t \"\" 0",
            "c \"\" 1 \"\" { \"h\" 1/3 \"h\" 2/3 } 0\nc \"\" 1 0\nt \"\" 0\nt \"\" 0\nt \"\" 0",
            "p \"\u{e9}\" 1 1 \"\" { \"a\u{a0}b\" \"b\" } 0\u{2003}t \"\" 1 \"o\" { 1e2 -.5 }\nt \"\" 1\n",
            "p \"\" 1 1 \"\" { \"a_1\" \"a\" \"a\" } 0 t \"\" 0 t \"\" 0 t \"\" 0",
            // The byte-level fast paths and where they hand over to the general tokenizer: labels
            // longer than the bytes looked at one by one (with and without escapes), 18- and
            // 19-digit payoffs, 9- and 10-digit numbers, signs, words glued to numbers, non-ASCII
            // whitespace between tokens, delimiters without spaces.
            "p \"a node with a long label\" 1 1 \"an information set with a long label\" { \"a long action label number one\" \"short\" } 0\nt \"a leaf whose label has an escaped \\\" quote in it\" 1 \"an outcome with a long name \\\\ and a backslash\" { 123456789012345678, -123456789012345678 }\nt \"\" 2 \"nineteen\" { 1234567890123456789 +7 }\n",
            "p\"\"1 123456789\"\"{\"a\"\"b\"}0 t\"\"1\"\"{-0,+0}t\"\"1234567890\"\"{1,2}",
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0\u{a0}t\u{2003}\"\"\u{a0}1\u{a0}\"o\"\u{a0}{\u{a0}1,\u{2003}2\u{a0}}\nt \"\" 2 \"o\" { 1x 2 }",
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0 t \"\" 1 \"o\" { --1 2 }",
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0 t \"\" 1 \"o\" { 1 2 3 }",
            // Outcomes first given at a leaf (kept once, by the leaf) and used again: at a leaf, at
            // a leaf below an inner node's own outcome, at an inner node, and redefined (the same
            // payoffs, then others), with escaped names reused.
            "p \"\" 1 1 \"\" { \"a\" \"b\" \"c\" } 0\nt \"\" 1 \"first \\\"one\\\"\" { 1, 2 }\np \"\" 2 1 \"\" { \"x\" \"y\" \"z\" } 1\nt \"\" 1\nt \"\" 2 \"second\" { 3/2, -4 }\nt \"named\" 1 \"again\" { 1 2 }\nc \"\" 1 \"\" { \"h\" 1/2 \"t\" 1/2 } 2\nt \"\" 2\nt \"\" 1\n",
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 1 \"o\" { 1, 2 }\nt \"\" 1 \"o\" { 1, 3 }\n",
        ]
        .iter()
        .map(|b| format!("{head}{b}"))
        .collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        files(&root.join("tests/bad"), &mut v);
        files(&root.join("examples"), &mut v);
        files(&root.join("../shared/conformance/gambit-games"), &mut v);
        v
    }

    #[test]
    fn agrees_with_the_reference_reader_on_every_sample_and_cut() {
        for s in samples() {
            same(&s);
            for (i, _) in s.char_indices().step_by(1 + s.len() / 300) {
                same(&s[..i]);
                same(&s[i..]);
            }
        }
    }

    #[test]
    fn outcomes_kept_by_their_leaf_add_up_wherever_they_are_used() {
        let text = "EFG 2 R \"g\" { \"A\" \"B\" }\np \"\" 1 1 \"\" { \"a\" \"b\" \"c\" } 0\nt \"\" 1 \"first \\\"one\\\"\" { 1, 2 }\np \"\" 2 1 \"\" { \"x\" \"y\" \"z\" } 1\nt \"\" 1\nt \"\" 2 \"second\" { 3/2, -4 }\nt \"named\" 1 \"again\" { 1 2 }\nc \"\" 1 \"\" { \"h\" 1/2 \"t\" 1/2 } 2\nt \"\" 2\nt \"\" 1\n";
        let tree = read(text, &ReadOptions::default()).unwrap();
        let payoffs = |x: u32| tree.payoffs(x).iter().map(Q::to_string).collect::<Vec<_>>().join(" ");
        let leaves: Vec<(u32, &str, &str)> = vec![
            (1, "1 2", "first \"one\""),
            (3, "2 4", "first \"one\""),
            (4, "5/2 -2", "second"),
            (5, "2 4", "named"),
            (7, "3 -8", "second"),
            (8, "5/2 -2", "first \"one\""),
        ];
        for (x, want, label) in leaves {
            assert_eq!(payoffs(x), want, "payoffs of node {x}");
            assert_eq!(tree.node_label(x), label, "label of node {x}");
        }
    }

    #[test]
    fn node_entries_are_found_again_for_messages() {
        let text = "\u{feff}EFG 2 R \"p c t\" { \"p\" \"t\" }\np \"t\" 1 1 \"c\" { \"p\" \"c\" } 0\n  c \"\" 1 \"\" { \"t\" 1 } 0\n    t \"\" 1 \"p\" { 1 2 }\nt \"\" 0\n";
        let starts: Vec<Option<usize>> = (0..5).map(|k| node_start(text, k)).collect();
        let lx = Lexer::new(text);
        let places: Vec<Option<(u32, u32)>> =
            starts.iter().map(|at| at.map(|at| (lx.pos(at).line, lx.pos(at).col))).collect();
        assert_eq!(places, [Some((2, 1)), Some((3, 3)), Some((4, 5)), Some((5, 1)), None]);
        assert_eq!(node_start("EFG 2 R \"unterminated", 0), None);
    }

    #[test]
    fn numbers_beyond_the_dense_range_stay_found_as_it_grows() {
        let mut index = NumberIndex::default();
        index.insert(5000, 0);
        for k in (1..6000).filter(|&k| k != 5000) {
            index.insert(k, k);
        }
        assert!(index.dense.len() > 5000, "the vector grew past the first number");
        assert_eq!(index.get(5000), Some(0));
        assert_eq!(index.get(3999), Some(3999));
        assert_eq!(index.get(6500), None);
        assert_eq!(index.get(u32::MAX), None);
        // In a file: an outcome numbered far ahead, then many others, then the first reused.
        let mut text = String::from(
            "EFG 2 R \"g\" { \"A\" }\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 5000 \"far\" { 7 }\n",
        );
        // Enough outcomes for the vector to grow past 5000 (it doubles at 4096).
        let n = 4500;
        for k in 0..n {
            text.push_str(&format!(
                "p \"\" 1 {} \"\" {{ \"a\" \"b\" }} 0\nt \"\" {} \"\" {{ {k} }}\n",
                k + 2,
                k + 1
            ));
        }
        text.push_str("t \"\" 5000\n");
        same(&text);
        let tree = read(&text, &ReadOptions::default()).unwrap();
        let last = tree.len() as u32 - 1;
        assert_eq!(tree.payoffs(last), [Q::from_int(7)]);
        assert_eq!(tree.node_label(last), "far");
    }

    #[test]
    fn agrees_with_the_reference_reader_on_mutations() {
        // Deterministic xorshift: each mutant deletes, inserts or replaces a few characters with
        // ones that matter to the grammar.
        let pieces = [
            "\"",
            "{",
            "}",
            ",",
            " ",
            "\n",
            "\r",
            "\t",
            "\u{b}",
            "\u{a0}",
            "\u{2028}",
            "0",
            "1",
            "2",
            "3",
            "-",
            "/",
            ".",
            "e",
            "p",
            "t",
            "c",
            "\\",
            "\u{e9}",
            "x",
            "99999999999999999999",
            "1/0",
            "\u{feff}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for s in samples().iter().filter(|s| s.len() < 4000) {
            for _ in 0..150 {
                let mut t = s.clone();
                for _ in 0..1 + next() % 3 {
                    let cuts: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
                    let i = cuts[(next() % cuts.len() as u64) as usize];
                    let piece = pieces[(next() % pieces.len() as u64) as usize];
                    match next() % 3 {
                        0 => {
                            if let Some(c) = t[i..].chars().next() {
                                t.replace_range(i..i + c.len_utf8(), "");
                            }
                        }
                        1 => t.insert_str(i, piece),
                        _ => {
                            if let Some(c) = t[i..].chars().next() {
                                t.replace_range(i..i + c.len_utf8(), piece);
                            }
                        }
                    }
                }
                same(&t);
            }
        }
    }
}
