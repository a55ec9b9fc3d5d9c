//! Gambit's extensive-form files (`.efg`, version 2): reading them into a [`Tree`] and writing one back.
//!
//! A file is a header, `EFG 2 R "title" { "Player 1" "Player 2" }`, an optional comment string, then
//! the nodes in depth-first pre-order, one per entry:
//! ```text
//! p "node name" player infoset "infoset name" { "action" ... } outcome "outcome name" { payoffs }
//! c "node name" infoset "infoset name" { "outcome" probability ... } outcome ...
//! t "node name" outcome "outcome name" { payoffs }
//! ```
//! An information set's name and action list, and an outcome's name and payoffs, are given at their
//! first use; later uses give only the number (repeating them is allowed when they agree). Outcome 0
//! means none. Payoffs are separated by spaces or commas and are read exactly (`3/4`, `0.1` = 1/10).
//! Strings use `\"` for a quote and `\\` for a backslash.
//!
//! How the file maps to a [`Tree`]:
//! - An outcome attached to an inner node adds its payoffs to every leaf below it, as in Gambit, so
//!   a leaf's payoff is the sum of the outcomes on its path (a leaf with outcome 0 and none above it
//!   pays 0 to everyone).
//! - Information sets are numbered as Gambit 16 numbers them after reading: each player's sets in
//!   the order a depth-first walk first meets them. The number written in the file is only a key
//!   (Gambit renumbers the same way), so files that Gambit itself wrote keep their numbers.
//! - Chance nodes that share an information set share its outcomes and probabilities, which must
//!   sum to exactly 1.
//! - Repeated labels in one list (players, the actions of an information set, the outcomes of a
//!   chance node) are made distinct as Gambit 16.7 does: `"1" "1"` becomes `"1_1" "1_2"`.
//! - A node's name becomes its label; a leaf without a name takes its outcome's name instead, so
//!   that outcomes named in the file stay visible in redline's output.
//!
//! [`write()`] produces a file that Gambit reads: leaves' labels as outcome names, one outcome per
//! distinct pair of payoffs and label, information sets numbered per player in depth-first order,
//! probabilities as exact fractions. Reading it back gives the same tree (same nodes, labels,
//! information sets and payoffs), except that inner nodes sharing a label get distinct ones (Gambit
//! refuses repeated node names); outcomes that sat on inner nodes are written pushed down to the
//! leaves.
//!
//! Reading is done by the streaming reader in `format::efg_read` (one pass, no allocation per node);
//! the tokenizer here is shared with [`crate::format::nfg`]. Next: [`crate::format::nfg`].

use std::collections::HashMap;
use std::fmt::Write as _;
#[cfg(test)]
use std::rc::Rc;

use crate::error::Error;
#[cfg(test)]
use crate::expr::Expr;
use crate::format::game::ReadOptions;
use crate::format::value::Pos;
use crate::number::Q;
#[cfg(test)]
use crate::tree::{InfosetId, TreeBuilder};
use crate::tree::{NodeKind, Tree};

// ---------------------------------------------------------------------------------------------------
// Tokens, shared with `.nfg`.

/// A token of a Gambit file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A quoted string, escapes decoded.
    Str(String),
    /// A run of other characters: a number, or a word such as `EFG`, `R`, `p`.
    Word(String),
    /// `{`.
    Open,
    /// `}`.
    Close,
    /// `,`.
    Comma,
    /// The end of the text.
    End,
}

impl Tok {
    /// How the token is named in messages.
    pub(crate) fn describe(&self) -> String {
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

/// A token and where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) pos: Pos,
}

/// Splits Gambit text into tokens, counting lines and columns (in characters).
pub(crate) struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
    col: u32,
    peeked: Option<Token>,
}

pub(crate) fn at(pos: Pos, message: impl Into<String>) -> Error {
    Error::Syntax { line: pos.line, col: pos.col, message: message.into() }
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str) -> Lexer<'a> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Lexer { chars: text.chars().peekable(), line: 1, col: 1, peeked: None }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn here(&self) -> Pos {
        Pos { line: self.line, col: self.col }
    }

    /// The next token, without consuming it.
    pub(crate) fn peek(&mut self) -> Result<&Token, Error> {
        if self.peeked.is_none() {
            let t = self.scan()?;
            self.peeked = Some(t);
        }
        Ok(self.peeked.as_ref().expect("a token was just peeked"))
    }

    /// The next token.
    pub(crate) fn next_token(&mut self) -> Result<Token, Error> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.scan(),
        }
    }

    fn scan(&mut self) -> Result<Token, Error> {
        while self.chars.peek().is_some_and(|c| c.is_whitespace()) {
            self.bump();
        }
        let pos = self.here();
        let Some(&c) = self.chars.peek() else { return Ok(Token { tok: Tok::End, pos }) };
        let tok = match c {
            '{' | '}' | ',' => {
                self.bump();
                match c {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    _ => Tok::Comma,
                }
            }
            '"' => {
                self.bump();
                let mut s = String::new();
                loop {
                    match self.bump() {
                        None => return Err(at(pos, "unterminated string")),
                        Some('"') => break,
                        // Gambit decodes `\"`; `\\` is a backslash, and any other backslash is kept.
                        Some('\\') => match self.chars.peek() {
                            Some(&e @ ('"' | '\\')) => {
                                self.bump();
                                s.push(e);
                            }
                            _ => s.push('\\'),
                        },
                        Some(ch) => s.push(ch),
                    }
                }
                Tok::Str(s)
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = self.chars.peek() {
                    if ch.is_whitespace() || matches!(ch, '{' | '}' | ',' | '"') {
                        break;
                    }
                    w.push(ch);
                    self.bump();
                }
                Tok::Word(w)
            }
        };
        Ok(Token { tok, pos })
    }

    /// A quoted string, or an error naming `what`.
    pub(crate) fn string(&mut self, what: &str) -> Result<(String, Pos), Error> {
        let t = self.next_token()?;
        match t.tok {
            Tok::Str(s) => Ok((s, t.pos)),
            other => Err(at(t.pos, format!("expected {what} (a quoted string), found {}", other.describe()))),
        }
    }

    /// A specific token.
    pub(crate) fn expect(&mut self, want: &Tok, what: &str) -> Result<Pos, Error> {
        let t = self.next_token()?;
        if &t.tok == want {
            Ok(t.pos)
        } else {
            Err(at(t.pos, format!("expected {what}, found {}", t.tok.describe())))
        }
    }

    /// A non-negative whole number (a player, information set, outcome or strategy count).
    #[cfg(test)]
    pub(crate) fn count(&mut self, what: &str) -> Result<(u32, Pos), Error> {
        let t = self.next_token()?;
        if let Tok::Word(w) = &t.tok
            && !w.is_empty()
            && w.bytes().all(|b| b.is_ascii_digit())
        {
            return w
                .parse::<u32>()
                .map(|n| (n, t.pos))
                .map_err(|_| at(t.pos, format!("{what} `{w}` is too large")));
        }
        Err(at(t.pos, format!("expected {what} (a whole number), found {}", t.tok.describe())))
    }

    /// An exact number.
    pub(crate) fn number(&mut self, what: &str) -> Result<(Q, Pos), Error> {
        let t = self.next_token()?;
        match &t.tok {
            Tok::Word(w) => {
                Q::parse_exact(w).map(|q| (q, t.pos)).map_err(|e| at(t.pos, format!("{what}: {e}")))
            }
            other => Err(at(t.pos, format!("expected {what} (a number), found {}", other.describe()))),
        }
    }

    /// Skips a comma if one comes next.
    pub(crate) fn skip_comma(&mut self) -> Result<(), Error> {
        if self.peek()?.tok == Tok::Comma {
            self.next_token()?;
        }
        Ok(())
    }

    /// The header's `R` or `D` (rational or decimal data; both are read exactly).
    pub(crate) fn data_type(&mut self) -> Result<(), Error> {
        let t = self.next_token()?;
        match &t.tok {
            Tok::Word(w) if w == "R" || w == "D" => Ok(()),
            other => {
                Err(at(t.pos, format!("expected `R` or `D` after the version, found {}", other.describe())))
            }
        }
    }

    /// `{ "name" ... }`: the player names (repeated names made distinct by [`disambiguate`]).
    pub(crate) fn players(&mut self) -> Result<Vec<String>, Error> {
        let open = self.expect(&Tok::Open, "`{` before the player names")?;
        let mut players: Vec<String> = Vec::new();
        loop {
            let t = self.next_token()?;
            match t.tok {
                Tok::Str(s) => players.push(s),
                Tok::Close => break,
                other => {
                    return Err(at(
                        t.pos,
                        format!("expected a player name or `}}`, found {}", other.describe()),
                    ));
                }
            }
        }
        if players.is_empty() {
            return Err(at(open, "a game needs at least one player"));
        }
        disambiguate(&mut players);
        Ok(players)
    }
}

/// Makes repeated labels in one list distinct the way Gambit 16.7 does: every label that occurs
/// more than once gets the suffix `_1`, `_2`, ... in order (`"defect" "defect"` becomes `"defect_1"
/// "defect_2"`, two unnamed players become `"_1"` and `"_2"`). Gambit files allow such repeats, but
/// redline names players, strategies and actions by their labels.
pub(crate) fn disambiguate(labels: &mut [String]) {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for l in labels.iter() {
        *count.entry(l.as_str()).or_default() += 1;
    }
    let repeated: Vec<String> =
        count.into_iter().filter(|&(_, c)| c > 1).map(|(l, _)| l.to_string()).collect();
    for r in repeated {
        let mut k = 0;
        for l in labels.iter_mut().filter(|l| **l == r) {
            k += 1;
            *l = format!("{r}_{k}");
        }
    }
}

/// A string in Gambit's quoting: `"` and `\` escaped with a backslash.
pub(crate) fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('"');
    o
}

#[cfg(test)]
fn list_of(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
fn payoff_list(qs: &[Q]) -> String {
    let v: Vec<String> = qs.iter().map(Q::to_string).collect();
    format!("{{{}}}", v.join(", "))
}

// ---------------------------------------------------------------------------------------------------
// Reading.

/// Reads a `.efg` file (version 2).
///
/// # Errors
/// [`Error::Syntax`] with the line and column of the problem (a malformed token, an undefined or
/// inconsistent information set or outcome, a player out of range, chance probabilities that do not
/// sum to 1, ...), or [`Error::TooManyNodes`] beyond `options.max_nodes`.
///
/// # Examples
/// ```
/// use redline_models::format::{efg, game::ReadOptions};
/// let text = r#"EFG 2 R "Entry" { "Entrant" "Incumbent" }
/// p "" 1 1 "" { "enter" "stay out" } 0
/// p "" 2 1 "" { "fight" "accommodate" } 0
/// t "" 1 "war" { -1, -1 }
/// t "" 2 "share" { 1, 2 }
/// t "" 3 "" { 0, 4 }
/// "#;
/// let tree = efg::read(text, &ReadOptions::default()).unwrap();
/// assert_eq!(tree.len(), 5);
/// assert_eq!(tree.node_label(2), "war");
/// ```
pub fn read(text: &str, options: &ReadOptions) -> Result<Tree, Error> {
    crate::format::efg_read::read(text, options)
}

/// The reader before the streaming one ([`crate::format::efg_read`]), kept as the oracle of its
/// differential test: both must give the same tree or the same message on every input.
#[cfg(test)]
pub(crate) fn read_reference(text: &str, options: &ReadOptions) -> Result<Tree, Error> {
    let mut lx = Lexer::new(text);
    let t = lx.next_token()?;
    if t.tok != Tok::Word("EFG".into()) {
        return Err(at(
            t.pos,
            format!("expected `EFG` at the start of the file, found {}", t.tok.describe()),
        ));
    }
    let t = lx.next_token()?;
    if t.tok != Tok::Word("2".into()) {
        return Err(at(t.pos, format!("only EFG version 2 is supported, found {}", t.tok.describe())));
    }
    lx.data_type()?;
    let (title, _) = lx.string("the game title")?;
    let players = lx.players()?;
    let mut b = TreeBuilder::new(title, players);
    b.set_max_nodes(options.max_nodes);
    // Gambit loads absent-minded games (an information set holding a node and its descendant); so
    // does redline, and reports their imperfect recall.
    b.allow_absent_mindedness();
    if let Tok::Str(_) = lx.peek()?.tok {
        let (comment, _) = lx.string("the comment")?;
        b.set_description(comment);
    }
    let mut r = EfgReader {
        lx,
        b,
        n: 0,
        infosets: HashMap::new(),
        chance: HashMap::new(),
        outcomes: HashMap::new(),
        node_pos: Vec::new(),
        open: Vec::new(),
    };
    r.n = r.b.n_players();
    r.nodes()?;
    let EfgReader { b, node_pos, .. } = r;
    b.finish().map_err(|e| match e {
        Error::AtNode { node, message, .. } => match node_pos.get(node as usize) {
            Some(&p) => at(p, message),
            None => Error::AtNode { node, path: String::new(), message },
        },
        other => other,
    })
}

#[cfg(test)]
struct PlayerInfoset {
    id: InfosetId,
    actions: Vec<String>,
    line: u32,
}

#[cfg(test)]
struct ChanceInfoset {
    outcomes: Vec<(String, Q)>,
    line: u32,
}

#[cfg(test)]
struct Outcome {
    payoffs: Vec<Q>,
    name: String,
    line: u32,
}

#[cfg(test)]
/// A node still expecting children.
struct Open {
    remaining: u32,
    arity: u32,
    /// The payoffs of the outcomes on the path down to and including the node.
    acc: Rc<Vec<Q>>,
    pos: Pos,
}

#[cfg(test)]
struct EfgReader<'a> {
    lx: Lexer<'a>,
    b: TreeBuilder,
    n: usize,
    /// (player, number in the file) to the information set.
    infosets: HashMap<(u32, u32), PlayerInfoset>,
    chance: HashMap<u32, ChanceInfoset>,
    outcomes: HashMap<u32, Outcome>,
    /// Where each node's entry starts, for errors found when the tree is finished.
    node_pos: Vec<Pos>,
    /// Nodes still expecting children: how many, and the payoffs of the outcomes on their path.
    open: Vec<Open>,
}

#[cfg(test)]
impl EfgReader<'_> {
    fn nodes(&mut self) -> Result<(), Error> {
        let zero: Rc<Vec<Q>> = Rc::new(vec![Q::zero(); self.n]);
        loop {
            while self.open.last().is_some_and(|o| o.remaining == 0) {
                self.open.pop();
            }
            let t = self.lx.next_token()?;
            if let (Tok::End, Some(o)) = (&t.tok, self.open.last()) {
                return Err(at(
                    t.pos,
                    format!(
                        "the file ends before the tree is complete (the node at {} has {} of its {} children)",
                        o.pos,
                        o.arity - o.remaining,
                        o.arity
                    ),
                ));
            }
            let complete = !self.node_pos.is_empty() && self.open.is_empty();
            if complete {
                return match t.tok {
                    Tok::End => Ok(()),
                    other => {
                        Err(at(t.pos, format!("unexpected {} after the end of the tree", other.describe())))
                    }
                };
            }
            let above = match self.open.last_mut() {
                Some(o) => {
                    o.remaining -= 1;
                    Rc::clone(&o.acc)
                }
                None => Rc::clone(&zero),
            };
            let kind = match &t.tok {
                Tok::Word(w) if w == "p" => NodeKind::Decision,
                Tok::Word(w) if w == "c" => NodeKind::Chance,
                Tok::Word(w) if w == "t" => NodeKind::Terminal,
                other => {
                    return Err(at(
                        t.pos,
                        format!("expected a node (`p`, `c` or `t`), found {}", other.describe()),
                    ));
                }
            };
            self.node_pos.push(t.pos);
            let (name, _) = self.lx.string("the node's name")?;
            let lift = |e: Error| match e {
                e @ Error::TooManyNodes { .. } => e,
                e => at(t.pos, e.to_string()),
            };
            let (x, arity) = match kind {
                NodeKind::Decision => {
                    let (h, arity) = self.player_infoset()?;
                    (self.b.decision(h).map_err(lift)?, arity)
                }
                NodeKind::Chance => {
                    let mut outcomes = self.chance_infoset()?;
                    let mut labels: Vec<String> = outcomes.iter().map(|(a, _)| a.clone()).collect();
                    disambiguate(&mut labels);
                    for ((a, _), l) in outcomes.iter_mut().zip(labels) {
                        *a = l;
                    }
                    let arity = outcomes.len() as u32;
                    let outcomes = outcomes.into_iter().map(|(a, p)| (a, Expr::number(p))).collect();
                    (self.b.chance(outcomes).map_err(lift)?, arity)
                }
                NodeKind::Terminal => (0, 0),
            };
            let (own, outcome_name) = self.outcome()?;
            let acc = match own {
                Some(p) => Rc::new(above.iter().zip(&p).map(|(a, b)| a + b).collect()),
                None => above,
            };
            if kind == NodeKind::Terminal {
                let x = self.b.terminal_values(&acc).map_err(lift)?;
                let label = if name.is_empty() { outcome_name } else { name };
                self.b.set_label(x, &label);
            } else {
                self.b.set_label(x, &name);
                self.open.push(Open { remaining: arity, arity, acc, pos: t.pos });
            }
        }
    }

    /// `player infoset ["label" { "action" ... }]` of a decision node: its information set and arity.
    fn player_infoset(&mut self) -> Result<(InfosetId, u32), Error> {
        let (player, ppos) = self.lx.count("a player number")?;
        if player == 0 || player as usize > self.n {
            return Err(at(
                ppos,
                format!(
                    "player {player} does not exist (the game has {} player{}, numbered from 1)",
                    self.n,
                    if self.n == 1 { "" } else { "s" }
                ),
            ));
        }
        let (number, npos) = self.lx.count("an information set number")?;
        let key = (player, number);
        if let Tok::Str(_) = self.lx.peek()?.tok {
            let (label, _) = self.lx.string("the information set's name")?;
            let open = self.lx.expect(&Tok::Open, "`{` before the actions")?;
            let mut actions = Vec::new();
            loop {
                let t = self.lx.next_token()?;
                match t.tok {
                    Tok::Str(s) => actions.push(s),
                    Tok::Close => break,
                    other => {
                        return Err(at(
                            t.pos,
                            format!("expected an action name or `}}`, found {}", other.describe()),
                        ));
                    }
                }
            }
            if actions.is_empty() {
                return Err(at(open, "a decision node needs at least one action"));
            }
            if let Some(known) = self.infosets.get(&key) {
                if known.actions != actions {
                    return Err(at(
                        open,
                        format!(
                            "information set {number} of player {player} has actions {} at line {}, but {} here",
                            list_of(&known.actions),
                            known.line,
                            list_of(&actions)
                        ),
                    ));
                }
                return Ok((known.id, actions.len() as u32));
            }
            let mut labels = actions.clone();
            disambiguate(&mut labels);
            let set = self.b.actions(&labels).map_err(|e| at(open, e.to_string()))?;
            let id = self.b.infoset(player as usize - 1, &label, set).map_err(|e| at(ppos, e.to_string()))?;
            let arity = actions.len() as u32;
            self.infosets.insert(key, PlayerInfoset { id, actions, line: open.line });
            return Ok((id, arity));
        }
        match self.infosets.get(&key) {
            Some(known) => Ok((known.id, known.actions.len() as u32)),
            None => Err(at(
                npos,
                format!("information set {number} of player {player} is used before its actions are given"),
            )),
        }
    }

    /// `infoset ["label" { "outcome" probability ... }]` of a chance node: its outcomes.
    fn chance_infoset(&mut self) -> Result<Vec<(String, Q)>, Error> {
        let (number, npos) = self.lx.count("an information set number")?;
        if let Tok::Str(_) = self.lx.peek()?.tok {
            self.lx.string("the information set's name")?;
            let open = self.lx.expect(&Tok::Open, "`{` before the chance outcomes")?;
            let mut outcomes = Vec::new();
            loop {
                let t = self.lx.next_token()?;
                match t.tok {
                    Tok::Str(s) => {
                        let (p, ppos) = self.lx.number("a probability")?;
                        if p.is_negative() || p > Q::one() {
                            return Err(at(
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
                        return Err(at(
                            t.pos,
                            format!("expected a chance outcome name or `}}`, found {}", other.describe()),
                        ));
                    }
                }
            }
            if outcomes.is_empty() {
                return Err(at(open, "a chance node needs at least one outcome"));
            }
            let sum: Q = outcomes.iter().map(|(_, p)| p).sum();
            if !sum.is_one() {
                return Err(at(open, format!("chance probabilities sum to {}, not 1", sum.for_message())));
            }
            if let Some(known) = self.chance.get(&number) {
                if known.outcomes != outcomes {
                    return Err(at(
                        open,
                        format!(
                            "chance information set {number} has outcomes {} at line {}, but {} here",
                            chance_list(&known.outcomes),
                            known.line,
                            chance_list(&outcomes)
                        ),
                    ));
                }
            } else {
                self.chance.insert(number, ChanceInfoset { outcomes: outcomes.clone(), line: open.line });
            }
            return Ok(outcomes);
        }
        match self.chance.get(&number) {
            Some(known) => Ok(known.outcomes.clone()),
            None => Err(at(
                npos,
                format!("chance information set {number} is used before its outcomes are given"),
            )),
        }
    }

    /// `outcome ["name" { payoffs }]`: the outcome's payoffs (`None` for outcome 0) and its name.
    fn outcome(&mut self) -> Result<(Option<Vec<Q>>, String), Error> {
        let (number, npos) = self.lx.count("an outcome number")?;
        if let Tok::Str(_) = self.lx.peek()?.tok {
            let (name, _) = self.lx.string("the outcome's name")?;
            let open = self.lx.expect(&Tok::Open, "`{` before the payoffs")?;
            let mut payoffs = Vec::with_capacity(self.n);
            loop {
                let t = self.lx.peek()?;
                if t.tok == Tok::Close {
                    let pos = t.pos;
                    if payoffs.len() < self.n {
                        return Err(at(
                            pos,
                            format!("expected {} payoffs (one per player), found {}", self.n, payoffs.len()),
                        ));
                    }
                    self.lx.next_token()?;
                    break;
                }
                if payoffs.len() == self.n {
                    let pos = t.pos;
                    let what = t.tok.describe();
                    return Err(at(
                        pos,
                        format!("expected `}}` after {} payoffs (one per player), found {what}", self.n),
                    ));
                }
                let (q, _) = self.lx.number("a payoff")?;
                payoffs.push(q);
                self.lx.skip_comma()?;
            }
            if let Some(known) = self.outcomes.get(&number) {
                if known.payoffs != payoffs {
                    return Err(at(
                        open,
                        format!(
                            "outcome {number} has payoffs {} at line {}, but {} here",
                            payoff_list(&known.payoffs),
                            known.line,
                            payoff_list(&payoffs)
                        ),
                    ));
                }
            } else {
                self.outcomes.insert(
                    number,
                    Outcome { payoffs: payoffs.clone(), name: name.clone(), line: open.line },
                );
            }
            return Ok((Some(payoffs), name));
        }
        if number == 0 {
            return Ok((None, String::new()));
        }
        match self.outcomes.get(&number) {
            Some(known) => Ok((Some(known.payoffs.clone()), known.name.clone())),
            None => Err(at(npos, format!("outcome {number} is used before its payoffs are given"))),
        }
    }
}

#[cfg(test)]
fn chance_list(outcomes: &[(String, Q)]) -> String {
    let v: Vec<String> = outcomes.iter().map(|(a, p)| format!("{} {p}", quote(a))).collect();
    format!("{{{}}}", v.join(" "))
}

// ---------------------------------------------------------------------------------------------------
// Writing.

/// Writes a tree as a `.efg` file (version 2) that Gambit reads.
///
/// Payoffs and probabilities are written as exact numbers at the tree's current parameter values
/// (Gambit has no parameters). Each leaf's label becomes the name of its outcome, one outcome per
/// distinct pair of payoffs and label; the labels of inner nodes become node names (made distinct
/// with a suffix `_1`, `_2`, ... where several inner nodes share one, which Gambit 16.7 refuses).
/// Information sets are numbered per player in the order of [`Tree::player_infosets`]; each chance
/// node gets its own chance information set.
///
/// # Examples
/// ```
/// use redline_models::format::{efg, game::ReadOptions};
/// let text = "EFG 2 R \"g\" { \"A\" }\np \"\" 1 1 \"\" { \"x\" \"y\" } 0\nt \"\" 1 \"\" { 1 }\nt \"\" 0\n";
/// let tree = efg::read(text, &ReadOptions::default()).unwrap();
/// let again = efg::read(&efg::write(&tree), &ReadOptions::default()).unwrap();
/// assert_eq!(again.payoffs(1), tree.payoffs(1));
/// assert_eq!(again.node_label(1), "");
/// ```
#[must_use]
pub fn write(tree: &Tree) -> String {
    let mut out = String::new();
    let players: Vec<String> = tree.players().iter().map(|p| quote(p)).collect();
    let _ = writeln!(out, "EFG 2 R {} {{ {} }}", quote(&tree.title), players.join(" "));
    let _ = writeln!(out, "{}", quote(&tree.description));
    out.push('\n');
    // Each information set's number: its position in the player's list, from 1.
    let mut number = vec![0u32; tree.infosets().len()];
    for i in 0..tree.n_players() {
        for (k, &h) in tree.player_infosets(i).iter().enumerate() {
            number[h as usize] = k as u32 + 1;
        }
    }
    let mut written = vec![false; tree.infosets().len()];
    let names = inner_node_names(tree);
    let mut outcomes: HashMap<(&[Q], &str), usize> = HashMap::new();
    let mut chance_sets = 0u32;
    for x in 0..tree.len() as u32 {
        let name = || quote(names.get(&x).map_or(tree.node_label(x), String::as_str));
        match tree.kind(x) {
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                let inf = &tree.infosets()[h as usize];
                let _ = write!(out, "p {} {} {}", name(), inf.player + 1, number[h as usize]);
                if !written[h as usize] {
                    written[h as usize] = true;
                    let actions: Vec<String> = tree.actions(h).iter().map(|a| quote(a)).collect();
                    let _ = write!(out, " {} {{ {} }}", quote(&inf.label), actions.join(" "));
                }
                out.push_str(" 0\n");
            }
            NodeKind::Chance => {
                chance_sets += 1;
                let _ = write!(out, "c {} {chance_sets} \"\" {{", name());
                for (a, p) in tree.chance_labels(x).iter().zip(tree.chance_probs(x)) {
                    let _ = write!(out, " {} {p}", quote(a));
                }
                out.push_str(" } 0\n");
            }
            NodeKind::Terminal => {
                // A leaf's label is its outcome's name: Gambit wants node names to be unique, and
                // many leaves of a game share a label such as "war".
                let key = (tree.payoffs(x), tree.node_label(x));
                let next = outcomes.len() + 1;
                match outcomes.get(&key) {
                    Some(k) => {
                        let _ = writeln!(out, "t \"\" {k}");
                    }
                    None => {
                        outcomes.insert(key, next);
                        let v: Vec<String> = key.0.iter().map(Q::to_string).collect();
                        let _ = writeln!(out, "t \"\" {next} {} {{ {} }}", quote(key.1), v.join(", "));
                    }
                }
            }
        }
    }
    out
}

/// Names for inner nodes whose label is shared with another inner node: Gambit 16.7 refuses
/// repeated node names, so each gets a suffix as in [`disambiguate`] (`"2 left_1"`, `"2 left_2"`).
fn inner_node_names(tree: &Tree) -> HashMap<u32, String> {
    let mut by_label: HashMap<&str, Vec<u32>> = HashMap::new();
    for x in 0..tree.len() as u32 {
        let label = tree.node_label(x);
        if tree.kind(x) != NodeKind::Terminal && !label.is_empty() {
            by_label.entry(label).or_default().push(x);
        }
    }
    let mut names = HashMap::new();
    for (label, nodes) in by_label {
        if nodes.len() > 1 {
            for (k, x) in nodes.into_iter().enumerate() {
                names.insert(x, format!("{label}_{}", k + 1));
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "EFG 2 R \"g\" { \"A\" \"B\" }\n";

    /// One line per node: decisions as `A1[l,r]` (player, information set number, actions), chance
    /// nodes as `C[h:1/2,t:1/2]`, leaves as `(1,-1)`; a label follows as `'label'`.
    fn show(t: &Tree) -> String {
        let mut out = Vec::new();
        for x in 0..t.len() as u32 {
            let mut s = match t.kind(x) {
                NodeKind::Decision => {
                    let h = t.infoset_of(x);
                    let inf = &t.infosets()[h as usize];
                    format!("{}{}[{}]", t.players()[inf.player as usize], inf.number, t.actions(h).join(","))
                }
                NodeKind::Chance => {
                    let v: Vec<String> = t
                        .chance_labels(x)
                        .iter()
                        .zip(t.chance_probs(x))
                        .map(|(a, p)| format!("{a}:{p}"))
                        .collect();
                    format!("C[{}]", v.join(","))
                }
                NodeKind::Terminal => {
                    let v: Vec<String> = t.payoffs(x).iter().map(Q::to_string).collect();
                    format!("({})", v.join(","))
                }
            };
            if !t.node_label(x).is_empty() {
                s.push_str(&format!("'{}'", t.node_label(x)));
            }
            out.push(s);
        }
        out.join(" ")
    }

    /// Reads `HEAD` + `body` and compares the tree (or the error) with `expected`.
    fn check(body: &str, expected: &str) {
        let text = format!("{HEAD}{body}");
        let got = match read(&text, &ReadOptions::default()) {
            Ok(t) => show(&t),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected, "input:\n{text}");
    }

    #[test]
    fn reads_nodes() {
        check("t \"\" 1 \"o\" { 1 2 }", "(1,2)'o'");
        check("t \"end\" 1 \"o\" { 1, -2 }", "(1,-2)'end'");
        check("t \"\" 0", "(0,0)");
        check("t \"\" 1 \"\" { 3/4 0.1 }", "(3/4,1/10)");
        check("t \"\" 1 \"\" { 1e2 -.5 }", "(100,-1/2)");
        check(
            "p \"r\" 1 1 \"I\" { \"l\" \"r\" } 0\nt \"\" 1 \"x\" { 1 1 }\nt \"\" 1",
            "A1[l,r]'r' (1,1)'x' (1,1)'x'",
        );
        check("c \"\" 1 \"\" { \"h\" 1/2 \"t\" 0.5 } 0\nt \"\" 0\nt \"\" 0", "C[h:1/2,t:1/2] (0,0) (0,0)");
        check(
            "c \"\" 1 \"\" { \"h\" 1/3 \"t\" 2/3 } 0\nc \"\" 1 0\nt \"\" 0\nt \"\" 0\nt \"\" 0",
            "C[h:1/3,t:2/3] C[h:1/3,t:2/3] (0,0) (0,0) (0,0)",
        );
    }

    #[test]
    fn outcomes_at_inner_nodes_add_to_leaves() {
        check(
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 1 \"fee\" { -1, 0 }\nt \"\" 2 \"w\" { 5, 5 }\np \"\" 2 1 \"\" { \"x\" } 3 \"\" { 0, 1 }\nt \"\" 2",
            "A1[a,b] (4,5)'w' B1[x] (4,6)'w'",
        );
        check("p \"\" 1 1 \"\" { \"a\" } 1 \"\" { 1 1 }\nt \"\" 1", "A1[a] (2,2)");
    }

    #[test]
    fn information_sets_take_gambits_numbering() {
        // Numbers in the file are keys: Gambit renumbers each player's sets in depth-first order.
        check(
            "p \"\" 1 7 \"second\" { \"a\" \"b\" } 0\np \"\" 1 3 \"\" { \"c\" } 0\nt \"\" 0\np \"\" 1 3 0\nt \"\" 0",
            "A1[a,b] A2[c] (0,0) A2[c] (0,0)",
        );
        check(
            "p \"\" 2 1 \"\" { \"a\" \"b\" } 0\np \"\" 1 1 \"\" { \"c\" } 0\nt \"\" 0\np \"\" 1 1 \"\" { \"c\" } 0\nt \"\" 0",
            "B1[a,b] A1[c] (0,0) A1[c] (0,0)",
        );
    }

    #[test]
    fn headers_and_strings() {
        let tree = read(
            "EFG 2 D \"a \\\"q\\\" \\\\ b\" { \"P\" } \"a comment\nover lines\" t \"\" 0",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(tree.title, "a \"q\" \\ b");
        assert_eq!(tree.description, "a comment\nover lines");
        let tree = read("EFG 2 R \"\" { \"\" \"\" \"x\" } t \"\" 0", &ReadOptions::default()).unwrap();
        assert_eq!(tree.players(), ["_1", "_2", "x"]);
        check(
            "p \"\" 1 1 \"\" { \"1\" \"1\" \"2\" } 0 t \"\" 0 t \"\" 0 t \"\" 0",
            "A1[1_1,1_2,2] (0,0) (0,0) (0,0)",
        );
    }

    #[test]
    fn errors() {
        let e = |text: &str| read(text, &ReadOptions::default()).unwrap_err().to_string();
        assert_eq!(e("NFG 1 R"), "1:1: expected `EFG` at the start of the file, found `NFG`");
        assert_eq!(e("EFG 3 R"), "1:5: only EFG version 2 is supported, found `3`");
        assert_eq!(e("EFG 2 Q"), "1:7: expected `R` or `D` after the version, found `Q`");
        assert_eq!(e("EFG 2 R {"), "1:9: expected the game title (a quoted string), found `{`");
        assert_eq!(e("EFG 2 R \"t\" { }"), "1:13: a game needs at least one player");
        assert_eq!(e("EFG 2 R \"t\" { \"A\" 3 }"), "1:19: expected a player name or `}`, found `3`");
        assert_eq!(e("EFG 2 R \"t"), "1:9: unterminated string");
        check("", "2:1: expected a node (`p`, `c` or `t`), found end of input");
        check("x", "2:1: expected a node (`p`, `c` or `t`), found `x`");
        check("t \"\" 0 t", "2:8: unexpected `t` after the end of the tree");
        check("t 0", "2:3: expected the node's name (a quoted string), found `0`");
        check("t \"\" x", "2:6: expected an outcome number (a whole number), found `x`");
        check("t \"\" 1", "2:6: outcome 1 is used before its payoffs are given");
        check("t \"\" 1 \"\" { 1 }", "2:15: expected 2 payoffs (one per player), found 1");
        check("t \"\" 1 \"\" { 1 2 3 }", "2:17: expected `}` after 2 payoffs (one per player), found `3`");
        check(
            "t \"\" 1 \"\" { 1 x }",
            "2:15: a payoff: `x` is not a number (write an integer, a decimal such as 0.25 or 1e-3, or a fraction such as 2/3)",
        );
        check("t \"\" 1 \"\" 1 2", "2:11: expected `{` before the payoffs, found `1`");
        check(
            "p \"\" 3 1 \"\" { \"a\" } 0",
            "2:6: player 3 does not exist (the game has 2 players, numbered from 1)",
        );
        check(
            "p \"\" 0 1 \"\" { \"a\" } 0",
            "2:6: player 0 does not exist (the game has 2 players, numbered from 1)",
        );
        check("p \"\" 1 -1", "2:8: expected an information set number (a whole number), found `-1`");
        check("p \"\" 1 1 0", "2:8: information set 1 of player 1 is used before its actions are given");
        check("p \"\" 1 1 \"\" { } 0", "2:13: a decision node needs at least one action");
        check("p \"\" 1 1 \"\" { 1 } 0", "2:15: expected an action name or `}`, found `1`");
        check(
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0\np \"\" 2 1 \"\" { \"x\" } 0\np \"\" 1 1 \"\" { \"a\" } 0",
            "4:13: information set 1 of player 1 has actions [\"a\", \"b\"] at line 2, but [\"a\"] here",
        );
        check("c \"\" 1 \"\" { \"h\" 1/2 \"t\" 2/5 } 0", "2:11: chance probabilities sum to 9/10, not 1");
        check(
            "c \"\" 1 \"\" { \"h\" 3/2 \"t\" -1/2 } 0",
            "2:17: chance probability of \"h\" is 3/2, outside [0, 1]",
        );
        check("c \"\" 1 \"\" { \"h\" } 0", "2:17: expected a probability (a number), found `}`");
        check("c \"\" 1 0", "2:6: chance information set 1 is used before its outcomes are given");
        check(
            "c \"\" 1 \"\" { \"h\" 1 } 0\nc \"\" 1 \"\" { \"t\" 1 } 0\nt \"\" 0",
            "3:11: chance information set 1 has outcomes {\"h\" 1} at line 2, but {\"t\" 1} here",
        );
        check(
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 1 \"\" { 1 1 }\nt \"\" 1 \"\" { 1 2 }",
            "4:11: outcome 1 has payoffs {1, 1} at line 3, but {1, 2} here",
        );
        check(
            "p \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 0",
            "3:7: the file ends before the tree is complete (the node at 2:1 has 1 of its 2 children)",
        );
        // An absent-minded information set (a node and its descendant) loads, as in Gambit.
        check("p \"\" 1 1 \"\" { \"a\" } 0\np \"\" 1 1 0\nt \"\" 0", "A1[a] A1[a] (0,0)");
    }

    #[test]
    fn node_limit() {
        let text = format!("{HEAD}p \"\" 1 1 \"\" {{ \"a\" \"b\" }} 0\nt \"\" 0\nt \"\" 0\n");
        let e = read(&text, &ReadOptions { max_nodes: 2 }).unwrap_err();
        assert_eq!(e, Error::TooManyNodes { limit: 2 });
    }

    #[test]
    fn writes_what_it_reads() {
        let text = format!(
            "{HEAD}\"c\"\np \"root\" 2 4 \"I \\\"x\\\"\" {{ \"a\" \"b\" }} 1 \"\" {{ 1 0 }}\nc \"\" 1 \"\" {{ \"h\" 1/3 \"t\" 2/3 }} 0\nt \"\" 2 \"w\" {{ 1/2 -1 }}\nt \"\" 0\np \"\" 1 1 \"\" {{ \"z\" }} 0\nt \"leaf\" 2\n"
        );
        let t = read(&text, &ReadOptions::default()).unwrap();
        let written = write(&t);
        assert_eq!(
            written,
            "EFG 2 R \"g\" { \"A\" \"B\" }\n\"c\"\n\np \"root\" 2 1 \"I \\\"x\\\"\" { \"a\" \"b\" } 0\nc \"\" 1 \"\" { \"h\" 1/3 \"t\" 2/3 } 0\nt \"\" 1 \"w\" { 3/2, -1 }\nt \"\" 2 \"\" { 1, 0 }\np \"\" 1 1 \"\" { \"z\" } 0\nt \"\" 3 \"leaf\" { 3/2, -1 }\n"
        );
        assert_eq!(show(&read(&written, &ReadOptions::default()).unwrap()), show(&t));
    }

    #[test]
    fn repeated_inner_labels_are_written_distinct() {
        let t = read(
            &format!("{HEAD}p \"x\" 1 1 \"\" {{ \"a\" \"b\" }} 0\np \"x\" 2 1 \"\" {{ \"c\" }} 0\nt \"\" 0\nt \"\" 0"),
            &ReadOptions::default(),
        )
        .unwrap();
        let again = read(&write(&t), &ReadOptions::default()).unwrap();
        assert_eq!(show(&again), "A1[a,b]'x_1' B1[c]'x_2' (0,0) (0,0)");
    }

    #[test]
    fn deep_chain_reads_without_recursion() {
        let depth = 200_000;
        let mut text = String::from("EFG 2 R \"chain\" { \"A\" }\n");
        for _ in 0..depth {
            text.push_str("p \"\" 1 1 \"\" { \"stop\" \"go\" } 0\nt \"\" 0\n");
        }
        text.push_str("t \"\" 1 \"\" { 1 }\n");
        // The same information set at every depth is absent-mindedness; number them apart instead.
        let text = text
            .split('\n')
            .enumerate()
            .map(|(i, l)| l.replacen("1 1 \"\" {", &format!("1 {} \"\" {{", i / 2 + 1), 1))
            .collect::<Vec<_>>()
            .join("\n");
        let t = read(&text, &ReadOptions::default()).unwrap();
        assert_eq!(t.len(), 2 * depth + 1);
        assert_eq!(read(&write(&t), &ReadOptions::default()).unwrap().len(), t.len());
    }

    #[test]
    fn never_panics() {
        let sample = format!(
            "{HEAD}\"c\"\np \"r\" 2 4 \"I\" {{ \"a\" \"b\" }} 1 \"\" {{ 1, 0 }}\nc \"\" 1 \"\" {{ \"h\" 1/3 \"t\" 2/3 }} 0\nt \"\" 2 \"w\" {{ 1/2 -1 }}\nt \"\" 0\np \"\" 1 1 \"\" {{ \"z\" }} 0\nt \"\" 2\n"
        );
        for (i, _) in sample.char_indices() {
            let _ = read(&sample[..i], &ReadOptions::default());
            let _ = read(&sample[i..], &ReadOptions::default());
        }
    }
}
