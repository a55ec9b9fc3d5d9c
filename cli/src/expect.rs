//! Expectation files for `redline check`: reading them (with the line and column of every value),
//! comparing stored expectations with fresh results in exact arithmetic, describing each drift in
//! words, and rewriting drifted values in place for `--update`.
//!
//! The file is read by `redline_models::format::value`, the position-keeping RON/JSON reader, so
//! every error names `file:line:col`, and `value::value_span` gives the exact text of a value to
//! replace, so `--update` keeps comments, order and layout. The format is documented in `docs/ci.md`.
//! Running the cases is `commands::check`; this module does no solving.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use redline_models::error::closest;
use redline_models::format::value::{self, Key, Kind, Pos, Value};
use redline_models::number::Q;

/// A broken expectation file: the place and what is wrong.
#[derive(Debug)]
pub struct FileError {
    /// Where (`None` for a file that cannot be read at all).
    pub pos: Option<Pos>,
    /// What is wrong, lowercase, no full stop.
    pub message: String,
}

type Parsed<T> = Result<T, FileError>;

fn err<T>(pos: Pos, message: impl Into<String>) -> Parsed<T> {
    Err(FileError { pos: Some(pos), message: message.into() })
}

/// One expectation file.
pub struct File {
    /// The path as given.
    pub path: PathBuf,
    /// The text as read (edited in place by `--update`).
    pub text: String,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// What a case runs.
#[derive(Clone, Debug)]
pub enum Query {
    /// `redline solve`.
    Solve {
        /// `--method` (`None`: `auto`).
        method: Option<String>,
        /// `--all`.
        all: bool,
    },
    /// `redline threshold --param P [--from A] [--to B]`.
    Threshold {
        /// The parameter.
        param: String,
        /// The start of the range (`None`: the command's default).
        from: Option<String>,
        /// The end of the range.
        to: Option<String>,
    },
}

/// One case: a game, its parameters, a query and what must hold.
pub struct Case {
    /// The case's name (unique in its file).
    pub name: String,
    /// Where the case starts.
    pub pos: Pos,
    /// A built-in model name, or a path resolved against the expectation file's folder.
    pub game: String,
    /// `--set NAME=VALUE`, in file order.
    pub set: Vec<(String, String)>,
    /// What to run.
    pub query: Query,
    /// The tolerance of `~` values (approximate comparisons), exact.
    pub tolerance: Option<Q>,
    /// The expectations, in file order.
    pub expect: Vec<Expectation>,
}

/// A stored expectation: which field, where its value is, and the value.
pub struct Expectation {
    /// Which field.
    pub field: Field,
    /// Where the value starts (for `--update`).
    pub pos: Pos,
    /// The stored value.
    pub value: Expected,
}

/// The fields a case can pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Every player's payoff in the first equilibrium.
    Payoffs,
    /// The actions on the path of the first equilibrium.
    Path,
    /// The regime of the first equilibrium (built-in models).
    Regime,
    /// The number of equilibria found.
    Equilibria,
    /// The thresholds of the parameter over the range.
    Thresholds,
    /// The regime of every region between thresholds (built-in models).
    Regimes,
}

impl Field {
    const SOLVE: [(&'static str, Field); 4] = [
        ("payoffs", Field::Payoffs),
        ("path", Field::Path),
        ("regime", Field::Regime),
        ("equilibria", Field::Equilibria),
    ];
    const THRESHOLD: [(&'static str, Field); 2] =
        [("thresholds", Field::Thresholds), ("regimes", Field::Regimes)];

    /// The field's name in the file and in JSON.
    pub fn name(self) -> &'static str {
        Self::SOLVE.iter().chain(&Self::THRESHOLD).find(|(_, f)| *f == self).map_or("?", |(n, _)| n)
    }
}

/// A number as stored: exact, or approximate (`"~0.381966"`, compared within the case's tolerance).
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    /// Compared exactly.
    Exact(Q),
    /// Compared within the case's `tolerance`.
    Approx(Q),
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Exact(q) => write!(f, "{q}"),
            Num::Approx(q) => write!(f, "~{}", trim_decimal(&q.to_decimal(12))),
        }
    }
}

/// A stored value.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// `payoffs`, `thresholds`.
    Numbers(Vec<Num>),
    /// `path`, `regimes`.
    Strings(Vec<String>),
    /// `regime` (`None` when the result has none).
    Text(Option<String>),
    /// `equilibria`.
    Count(u64),
}

/// A threshold as computed: an exact rational, or an isolating interval of an irrational root.
#[derive(Clone, Debug)]
pub enum Root {
    /// A rational threshold.
    Exact(Q),
    /// An irrational threshold in `[lower, upper]`.
    Interval {
        /// The lower end.
        lower: Q,
        /// The upper end.
        upper: Q,
    },
}

/// A fresh result, in the terms of the expectations.
#[derive(Clone, Debug, Default)]
pub struct Actual {
    /// The players, in game order (to name whose payoff moved).
    pub players: Vec<String>,
    /// The parameter of a threshold query.
    pub parameter: String,
    /// The payoffs of the first equilibrium (`None`: no equilibrium).
    pub payoffs: Option<Vec<Q>>,
    /// The path of the first equilibrium.
    pub path: Vec<String>,
    /// The regime of the first equilibrium.
    pub regime: Option<String>,
    /// The number of equilibria.
    pub equilibria: u64,
    /// The thresholds found.
    pub thresholds: Vec<Root>,
    /// The regime of every region (empty strings for user games).
    pub regimes: Vec<String>,
}

/// One drift: the field, and a sentence saying what moved from what to what.
#[derive(Clone, Debug)]
pub struct Drift {
    /// Which field.
    pub field: Field,
    /// What moved, in words (one line each).
    pub lines: Vec<String>,
}

/// Reads and checks the shape of an expectation file.
///
/// # Errors
/// [`FileError`] with the line and column of the first problem.
pub fn read(path: &Path) -> Parsed<File> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FileError { pos: None, message: format!("cannot read the file: {e}") })?;
    let root = value::parse(&text).map_err(|e| FileError { pos: Some(e.pos), message: e.message })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let items = match &root.kind {
        Kind::List(items) => items,
        Kind::Struct { fields, .. } => {
            let mut cases = None;
            for (k, v) in fields {
                match k.name.as_str() {
                    "cases" => cases = Some(v),
                    other => return err(k.pos, format!("unknown field `{other}` (expected `cases`)")),
                }
            }
            match cases.map(|v| &v.kind) {
                Some(Kind::List(items)) => items,
                Some(_) => return err(root.pos, "`cases` must be a list of cases"),
                None => return err(root.pos, "missing field `cases`"),
            }
        }
        _ => return err(root.pos, format!("expected a list of cases, found {}", root.kind_name())),
    };
    let mut cases: Vec<Case> = Vec::with_capacity(items.len());
    for item in items {
        let case = read_case(item, dir)?;
        if cases.iter().any(|c| c.name == case.name) {
            return err(item.pos, format!("two cases are named `{}`", case.name));
        }
        cases.push(case);
    }
    Ok(File { path: path.to_path_buf(), text, cases })
}

fn fields(v: &Value, what: &str) -> Parsed<Vec<(Key, Value)>> {
    match &v.kind {
        Kind::Struct { fields, .. } | Kind::Map(fields) => Ok(fields.clone()),
        Kind::Tuple { items, .. } if items.is_empty() => Ok(Vec::new()),
        _ => err(v.pos, format!("{what} must be a struct `( … )`, found {}", v.kind_name())),
    }
}

fn string(v: &Value, what: &str) -> Parsed<String> {
    match &v.kind {
        Kind::Str(s) => Ok(s.clone()),
        _ => err(v.pos, format!("`{what}` must be a string, found {}", v.kind_name())),
    }
}

/// A number written as a number or a string, as its text.
fn number_text(v: &Value, what: &str) -> Parsed<String> {
    let text = match &v.kind {
        Kind::Str(s) | Kind::Num(s) => s.clone(),
        _ => return err(v.pos, format!("`{what}` must be a number, found {}", v.kind_name())),
    };
    match Q::parse_exact(&text) {
        Ok(_) => Ok(text),
        Err(e) => err(v.pos, format!("`{what}`: {e}")),
    }
}

fn num(v: &Value, what: &str) -> Parsed<Num> {
    let (approx, text) = match &v.kind {
        Kind::Str(s) => match s.trim().strip_prefix('~') {
            Some(rest) => (true, rest.to_string()),
            None => (false, s.clone()),
        },
        Kind::Num(s) => (false, s.clone()),
        _ => return err(v.pos, format!("`{what}` must hold numbers, found {}", v.kind_name())),
    };
    match Q::parse_exact(&text) {
        Ok(q) if approx => Ok(Num::Approx(q)),
        Ok(q) => Ok(Num::Exact(q)),
        Err(e) => err(v.pos, format!("`{what}`: {e}")),
    }
}

fn list<'v>(v: &'v Value, what: &str) -> Parsed<&'v [Value]> {
    match &v.kind {
        Kind::List(items) => Ok(items),
        _ => err(v.pos, format!("`{what}` must be a list, found {}", v.kind_name())),
    }
}

fn unknown(k: &Key, known: &[&str]) -> FileError {
    let hint =
        closest(&k.name, known.iter().copied()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
    FileError {
        pos: Some(k.pos),
        message: format!("unknown field `{}` (expected one of: {}){hint}", k.name, known.join(", ")),
    }
}

const CASE_FIELDS: [&str; 9] =
    ["name", "game", "set", "method", "all", "threshold", "repeated", "tolerance", "expect"];

fn read_case(v: &Value, dir: &Path) -> Parsed<Case> {
    let fs = fields(v, "a case")?;
    let (mut name, mut game, mut set, mut method, mut all) = (None, None, Vec::new(), None, false);
    let (mut threshold, mut tolerance, mut expect) = (None, None, None);
    for (k, x) in &fs {
        if fs.iter().filter(|(o, _)| o.name == k.name).count() > 1 {
            return err(k.pos, format!("field `{}` is given twice", k.name));
        }
        match k.name.as_str() {
            "name" => name = Some(string(x, "name")?),
            "game" => game = Some(string(x, "game")?),
            "set" => {
                for (pk, pv) in fields(x, "`set`")? {
                    set.push((pk.name.clone(), number_text(&pv, &pk.name)?));
                }
            }
            "method" => {
                let m = string(x, "method")?;
                const METHODS: [&str; 8] =
                    ["auto", "spe", "pure", "lp", "lcp", "enum", "sequential", "repeated"];
                if !METHODS.contains(&m.as_str()) {
                    return err(
                        x.pos,
                        format!("unknown method `{m}` (expected one of: {})", METHODS.join(", ")),
                    );
                }
                method = Some(m);
            }
            "all" => match x.kind {
                Kind::Bool(b) => all = b,
                _ => return err(x.pos, format!("`all` must be true or false, found {}", x.kind_name())),
            },
            "threshold" => threshold = Some(x.clone()),
            "repeated" => {
                return err(
                    k.pos,
                    "there is no `repeated` case kind: pin a doctrine's δ-intervals with a threshold case, \
                     `threshold: (param: \"delta\")`, expecting `thresholds` (the critical discount factors) \
                     and `regimes` (subgame perfect, Nash only, or not an equilibrium, region by region)",
                );
            }
            "tolerance" => {
                let q = Q::parse_exact(&number_text(x, "tolerance")?).unwrap_or_else(|_| Q::zero());
                if !q.is_positive() {
                    return err(x.pos, "`tolerance` must be positive");
                }
                tolerance = Some(q);
            }
            "expect" => expect = Some(x.clone()),
            _ => return Err(unknown(k, &CASE_FIELDS)),
        }
    }
    let Some(name) = name else { return err(v.pos, "a case needs a `name`") };
    let Some(game) = game else { return err(v.pos, format!("case `{name}` needs a `game`")) };
    let query = match &threshold {
        None => Query::Solve { method, all },
        Some(t) => {
            if method.is_some() || all {
                return err(
                    t.pos,
                    "a threshold case takes no `method` or `all` (thresholds are of the subgame-perfect plan)",
                );
            }
            let (mut param, mut from, mut to) = (None, None, None);
            for (k, x) in fields(t, "`threshold`")? {
                match k.name.as_str() {
                    "param" => param = Some(string(&x, "param")?),
                    "from" => from = Some(number_text(&x, "from")?),
                    "to" => to = Some(number_text(&x, "to")?),
                    _ => return Err(unknown(&k, &["param", "from", "to"])),
                }
            }
            let Some(param) = param else { return err(t.pos, "`threshold` needs a `param`") };
            Query::Threshold { param, from, to }
        }
    };
    let Some(expect_value) = expect else {
        return err(v.pos, format!("case `{name}` needs `expect: ( … )`"));
    };
    let allowed: &[(&str, Field)] = match query {
        Query::Solve { .. } => &Field::SOLVE,
        Query::Threshold { .. } => &Field::THRESHOLD,
    };
    let mut expectations = Vec::new();
    for (k, x) in fields(&expect_value, "`expect`")? {
        let Some(&(_, field)) = allowed.iter().find(|(n, _)| *n == k.name) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            return Err(unknown(&k, &names));
        };
        if expectations.iter().any(|e: &Expectation| e.field == field) {
            return err(k.pos, format!("field `{}` is given twice", k.name));
        }
        let value = match field {
            Field::Payoffs | Field::Thresholds => {
                Expected::Numbers(list(&x, &k.name)?.iter().map(|n| num(n, &k.name)).collect::<Parsed<_>>()?)
            }
            Field::Path | Field::Regimes => Expected::Strings(
                list(&x, &k.name)?.iter().map(|s| string(s, &k.name)).collect::<Parsed<_>>()?,
            ),
            Field::Regime => match &x.kind {
                Kind::Null => Expected::Text(None),
                _ => Expected::Text(Some(string(&x, "regime")?)),
            },
            Field::Equilibria => match &x.kind {
                Kind::Num(t) if t.parse::<u64>().is_ok() => Expected::Count(t.parse().unwrap_or(0)),
                _ => return err(x.pos, "`equilibria` must be a whole number"),
            },
        };
        if let Expected::Numbers(ns) = &value {
            if tolerance.is_none() && ns.iter().any(|n| matches!(n, Num::Approx(_))) {
                return err(x.pos, format!("`~` values need the case's `tolerance` (in case `{name}`)"));
            }
        }
        expectations.push(Expectation { field, pos: x.pos, value });
    }
    if expectations.is_empty() {
        return err(expect_value.pos, format!("case `{name}` expects nothing: list at least one field"));
    }
    // A game that names a file next to the expectation file is read from there; anything else is a
    // built-in model name (or an error when the case runs).
    let beside = dir.join(&game);
    let game = if game.contains(['/', '.']) || beside.exists() {
        beside.to_string_lossy().into_owned()
    } else {
        game
    };
    Ok(Case { name, pos: v.pos, game, set, query, tolerance, expect: expectations })
}

fn matches(expected: &Num, actual: &Root, tolerance: Option<&Q>) -> bool {
    match (expected, actual) {
        (Num::Exact(e), Root::Exact(a)) => e == a,
        (Num::Exact(_), Root::Interval { .. }) => false,
        (Num::Approx(e), Root::Exact(a)) => tolerance.is_some_and(|t| &(e - a).abs() <= t),
        (Num::Approx(e), Root::Interval { lower, upper }) => {
            tolerance.is_some_and(|t| &(lower - t) <= e && e <= &(upper + t))
        }
    }
}

/// Trims trailing zeros of a decimal (`0.500000` → `0.5`).
fn trim_decimal(s: &str) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
}

fn root_text(r: &Root) -> String {
    match r {
        Root::Exact(q) => q.to_string(),
        Root::Interval { lower, upper } => {
            let mid = &(lower + upper) * &Q::ratio(1, 2).expect("1/2 is a ratio");
            format!("~{}", trim_decimal(&mid.to_decimal(12)))
        }
    }
}

fn nums_text(ns: &[Num]) -> String {
    ns.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// Compares one expectation with the fresh result; `None` when it holds.
pub fn compare(e: &Expectation, actual: &Actual, tolerance: Option<&Q>) -> Option<Drift> {
    let mut lines = Vec::new();
    match (&e.value, e.field) {
        (Expected::Numbers(exp), Field::Payoffs) => match &actual.payoffs {
            None => {
                lines.push(format!("payoffs: expected ({}), but there is no equilibrium", nums_text(exp)))
            }
            Some(got) if got.len() != exp.len() => {
                lines.push(format!("payoffs: expected {} values, got {}", exp.len(), got.len()));
            }
            Some(got) => {
                for (i, (x, g)) in exp.iter().zip(got).enumerate() {
                    if !matches(x, &Root::Exact(g.clone()), tolerance) {
                        let who =
                            actual.players.get(i).cloned().unwrap_or_else(|| format!("player {}", i + 1));
                        lines.push(format!("{who}'s payoff moved from {x} to {g}"));
                    }
                }
            }
        },
        (Expected::Numbers(exp), _) => {
            let mut used = vec![false; actual.thresholds.len()];
            let p = &actual.parameter;
            for x in exp {
                match (0..used.len()).find(|&k| !used[k] && matches(x, &actual.thresholds[k], tolerance)) {
                    Some(k) => used[k] = true,
                    None => lines.push(format!("threshold {p} = {x} vanished")),
                }
            }
            for (r, u) in actual.thresholds.iter().zip(&used) {
                if !u {
                    lines.push(format!("threshold {p} = {} appeared", root_text(r)));
                }
            }
        }
        (Expected::Strings(exp), Field::Path) => {
            if exp != &actual.path {
                let show = |v: &[String]| if v.is_empty() { "(empty)".to_string() } else { v.join(" > ") };
                lines.push(format!("path changed from {} to {}", show(exp), show(&actual.path)));
            }
        }
        (Expected::Strings(exp), _) => {
            if exp != &actual.regimes {
                let show = |v: &[String]| v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
                lines.push(format!(
                    "regimes of the regions changed from [{}] to [{}]",
                    show(exp),
                    show(&actual.regimes)
                ));
            }
        }
        (Expected::Text(exp), _) => {
            if exp != &actual.regime {
                let show = |r: &Option<String>| r.as_ref().map_or("none".to_string(), |s| format!("\"{s}\""));
                lines.push(format!("regime changed from {} to {}", show(exp), show(&actual.regime)));
            }
        }
        (Expected::Count(n), _) => {
            if *n != actual.equilibria {
                lines.push(format!("number of equilibria changed from {n} to {}", actual.equilibria));
            }
        }
    }
    if lines.is_empty() { None } else { Some(Drift { field: e.field, lines }) }
}

fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The new text of a drifted field's value, in the file's own notation (strings for numbers).
///
/// # Errors
/// When an irrational threshold would be written in a case without a `tolerance`.
pub fn new_text(field: Field, actual: &Actual, has_tolerance: bool) -> Result<String, String> {
    let strings = |v: &mut dyn Iterator<Item = String>| {
        format!("[{}]", v.map(|s| quote(&s)).collect::<Vec<_>>().join(", "))
    };
    Ok(match field {
        Field::Payoffs => match &actual.payoffs {
            Some(p) => strings(&mut p.iter().map(ToString::to_string)),
            None => "[]".to_string(),
        },
        Field::Path => strings(&mut actual.path.iter().cloned()),
        Field::Regime => actual.regime.as_deref().map_or("None".to_string(), quote),
        Field::Equilibria => actual.equilibria.to_string(),
        Field::Thresholds => {
            if !has_tolerance && actual.thresholds.iter().any(|r| matches!(r, Root::Interval { .. })) {
                return Err(
                    "an irrational threshold needs the case's `tolerance` before --update can write it"
                        .into(),
                );
            }
            strings(&mut actual.thresholds.iter().map(root_text))
        }
        Field::Regimes => strings(&mut actual.regimes.iter().cloned()),
    })
}

/// Replaces the values at `edits` (value positions and their new text) in `text`, leaving
/// everything else (comments, order, layout) as it is.
///
/// # Errors
/// When a position no longer starts a value (the file changed while being checked).
pub fn rewrite(text: &str, edits: &[(Pos, String)]) -> Result<String, String> {
    let mut spans: Vec<(Range<usize>, &str)> = Vec::with_capacity(edits.len());
    for (pos, new) in edits {
        let span = value::value_span(text, *pos).ok_or_else(|| format!("{pos}: no value to replace"))?;
        spans.push((span, new));
    }
    spans.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, new) in spans {
        out.push_str(&text[at..r.start]);
        out.push_str(new);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Formats a file error as `path:line:col: message`.
pub fn describe(path: &Path, e: &FileError) -> String {
    let mut s = path.display().to_string();
    if let Some(p) = e.pos {
        let _ = write!(s, ":{p}");
    }
    let _ = write!(s, ": {}", e.message);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        Q::parse_exact(s).expect("a number")
    }

    #[test]
    fn approximate_values_match_within_the_tolerance_of_an_interval() {
        let r = Root::Interval { lower: q("0.3819"), upper: q("0.3820") };
        assert!(matches(&Num::Approx(q("0.38195")), &r, Some(&q("1e-9"))));
        assert!(matches(&Num::Approx(q("0.3822")), &r, Some(&q("1e-3"))));
        assert!(!matches(&Num::Approx(q("0.3822")), &r, Some(&q("1e-6"))));
        assert!(!matches(&Num::Exact(q("0.38195")), &r, Some(&q("1"))));
        assert!(matches(&Num::Exact(q("0.5")), &Root::Exact(q("1/2")), None));
    }

    #[test]
    fn rewrite_keeps_everything_outside_the_spans() {
        let text = "( // keep\n  a: [\"1\", /* in */ \"2\"],\n  b: 3, // after\n)";
        let v = value::parse(text).expect("parses");
        let Kind::Struct { fields, .. } = &v.kind else { panic!("a struct") };
        let out = rewrite(text, &[(fields[1].1.pos, "4".into()), (fields[0].1.pos, "[\"5\"]".into())]);
        assert_eq!(out.expect("rewrites"), "( // keep\n  a: [\"5\"],\n  b: 4, // after\n)");
    }
}
