//! Gambit's strategic-form files (`.nfg`, version 1): reading them into a [`StrategicGame`] and
//! writing one back.
//!
//! A file is a header, `NFG 1 R "title" { "Player 1" "Player 2" }`, the strategies, either labelled
//! (`{ { "s1" "s2" } { "t1" "t2" } }`) or counted (`{ 2 2 }`, labelled `"1"`, `"2"`, ...), an optional
//! comment string, and then the payoffs in one of two versions:
//! - the payoff version: a flat list of numbers, one per player for each profile;
//! - the outcome version: a list of outcomes `{ { "name" 1, 2 } ... }`, then one outcome index per
//!   profile (1-based; 0 means every player gets 0).
//!
//! Profiles come in Gambit's order, player 1's strategy varying fastest, which is also
//! [`StrategicGame`]'s. Numbers are read exactly; separating commas are optional. Repeated player
//! names or strategy labels are made distinct as Gambit 16.7 does (`"defect"` twice becomes
//! `"defect_1"` and `"defect_2"`). Unlike Gambit, which
//! fills missing payoffs with zeros, redline requires exactly one payoff per player and profile.
//!
//! [`write()`] produces the payoff version, which Gambit reads.
//!
//! Next: [`crate::strategic`].

use std::fmt::Write as _;

use crate::error::Error;
use crate::format::efg::{Lexer, Tok, at, disambiguate, quote};
use crate::number::Q;
use crate::strategic::StrategicGame;

/// The most strategy profiles a game may have (as [`StrategicGame::new`] allows).
const MAX_PROFILES: usize = 10_000_000;

/// Reads a `.nfg` file (version 1, payoff or outcome version).
///
/// # Errors
/// [`Error::Syntax`] with the line and column of the problem: a malformed header, too few or too many
/// payoffs or outcome indices, an outcome index out of range, more than 10 million profiles.
///
/// # Examples
/// ```
/// use redline_models::format::nfg;
/// let g = nfg::read("NFG 1 R \"Pennies\" { \"A\" \"B\" } { 2 2 }\n1 -1 -1 1 -1 1 1 -1\n").unwrap();
/// assert!(g.is_zero_sum());
/// assert_eq!(g.strategies(1), ["1", "2"]);
/// ```
pub fn read(text: &str) -> Result<StrategicGame, Error> {
    let mut lx = Lexer::new(text);
    let t = lx.next_token()?;
    if t.tok != Tok::Word("NFG".into()) {
        return Err(at(
            t.pos,
            format!("expected `NFG` at the start of the file, found {}", t.tok.describe()),
        ));
    }
    let t = lx.next_token()?;
    if t.tok != Tok::Word("1".into()) {
        return Err(at(t.pos, format!("only NFG version 1 is supported, found {}", t.tok.describe())));
    }
    lx.data_type()?;
    let (title, _) = lx.string("the game title")?;
    let players = lx.players()?;
    let n = players.len();
    let strategies = strategies(&mut lx, &players)?;
    let mut comment = String::new();
    if let Tok::Str(_) = lx.peek()?.tok {
        comment = lx.string("the comment")?.0;
    }
    let first = lx.peek()?.pos;
    // Checked here as well as in `StrategicGame::new`, before its label checks run over huge lists.
    let mut profiles: usize = 1;
    for s in &strategies {
        profiles = profiles
            .checked_mul(s.len())
            .filter(|&p| p <= MAX_PROFILES)
            .ok_or_else(|| at(first, "the game has more than 10 million strategy profiles"))?;
    }
    let mut g = StrategicGame::new(title, players, strategies).map_err(|e| at(first, e.to_string()))?;
    g.description = comment;
    let t = lx.peek()?.clone();
    match t.tok {
        Tok::Open => {
            lx.next_token()?;
            let outcomes = outcome_list(&mut lx, n)?;
            for k in 0..profiles {
                let t = lx.next_token()?;
                let Tok::Word(w) = &t.tok else {
                    let what = t.tok.describe();
                    let message = if t.tok == Tok::End {
                        format!("expected {} (one per profile), found {k}", indices(profiles))
                    } else {
                        format!("expected an outcome index (a whole number), found {what}")
                    };
                    return Err(at(t.pos, message));
                };
                let index: usize = match w.parse() {
                    Ok(i) if w.bytes().all(|b| b.is_ascii_digit()) => i,
                    _ => {
                        return Err(at(
                            t.pos,
                            format!("expected an outcome index (a whole number), found `{w}`"),
                        ));
                    }
                };
                if index > outcomes.len() {
                    return Err(at(
                        t.pos,
                        format!(
                            "outcome {index} does not exist (the file defines {} outcome{})",
                            outcomes.len(),
                            if outcomes.len() == 1 { "" } else { "s" }
                        ),
                    ));
                }
                if index > 0 {
                    let profile = g.profile_at(k);
                    g.set_payoffs(&profile, &outcomes[index - 1]).map_err(|e| at(t.pos, e.to_string()))?;
                }
            }
            let t = lx.next_token()?;
            if t.tok != Tok::End {
                return Err(at(
                    t.pos,
                    format!(
                        "expected {} (one per profile), found more: {}",
                        indices(profiles),
                        t.tok.describe()
                    ),
                ));
            }
        }
        Tok::Word(_) => {
            let expected = profiles * n;
            let mut row = Vec::with_capacity(n);
            let mut k = 0;
            let mut found = 0;
            loop {
                let t = lx.peek()?;
                if t.tok == Tok::End {
                    if found < expected {
                        let pos = t.pos;
                        return Err(at(pos, too_few(expected, n, profiles, found)));
                    }
                    break;
                }
                if found == expected {
                    let pos = t.pos;
                    let what = t.tok.describe();
                    return Err(at(
                        pos,
                        format!(
                            "expected {expected} payoffs ({n} per profile for {profiles} profile{}), found more: {what}",
                            if profiles == 1 { "" } else { "s" }
                        ),
                    ));
                }
                let (q, _) = lx.number("a payoff")?;
                lx.skip_comma()?;
                found += 1;
                row.push(q);
                if row.len() == n {
                    let profile = g.profile_at(k);
                    g.set_payoffs(&profile, &row).map_err(|e| at(first, e.to_string()))?;
                    row.clear();
                    k += 1;
                }
            }
        }
        other => {
            return Err(at(
                t.pos,
                format!(
                    "expected the payoffs (numbers) or an outcome list (`{{`), found {}",
                    other.describe()
                ),
            ));
        }
    }
    Ok(g)
}

fn indices(n: usize) -> String {
    if n == 1 { "1 outcome index".into() } else { format!("{n} outcome indices") }
}

fn too_few(expected: usize, n: usize, profiles: usize, found: usize) -> String {
    format!(
        "expected {expected} payoffs ({n} per profile for {profiles} profile{}), found {found}",
        if profiles == 1 { "" } else { "s" }
    )
}

/// `{ { "s1" ... } ... }` or `{ 2 3 ... }`.
fn strategies(lx: &mut Lexer<'_>, players: &[String]) -> Result<Vec<Vec<String>>, Error> {
    lx.expect(&Tok::Open, "`{` before the strategies")?;
    let mut out: Vec<Vec<String>> = Vec::new();
    loop {
        let t = lx.next_token()?;
        match t.tok {
            Tok::Close => break,
            _ if out.len() == players.len() => {
                return Err(at(
                    t.pos,
                    format!(
                        "expected `}}` after the strategies of {} player{}, found {}",
                        players.len(),
                        if players.len() == 1 { "" } else { "s" },
                        t.tok.describe()
                    ),
                ));
            }
            Tok::Open => {
                let mut labels: Vec<String> = Vec::new();
                loop {
                    let s = lx.next_token()?;
                    match s.tok {
                        Tok::Str(label) => labels.push(label),
                        Tok::Close => break,
                        other => {
                            return Err(at(
                                s.pos,
                                format!("expected a strategy label or `}}`, found {}", other.describe()),
                            ));
                        }
                    }
                }
                if labels.is_empty() {
                    return Err(at(
                        t.pos,
                        format!("player {} has no strategies", quote(&players[out.len()])),
                    ));
                }
                disambiguate(&mut labels);
                out.push(labels);
            }
            Tok::Word(w) => {
                let count = match w.parse::<usize>() {
                    Ok(c) if c > 0 && c <= 1_000_000 && w.bytes().all(|b| b.is_ascii_digit()) => c,
                    _ => {
                        return Err(at(
                            t.pos,
                            format!("expected a number of strategies (a whole number from 1), found `{w}`"),
                        ));
                    }
                };
                out.push((1..=count).map(|k| k.to_string()).collect());
            }
            other => {
                return Err(at(
                    t.pos,
                    format!("expected a strategy list `{{ ... }}` or a count, found {}", other.describe()),
                ));
            }
        }
    }
    if out.len() < players.len() {
        return Err(at(
            lx.peek()?.pos,
            format!("expected strategies for {} players, found {}", players.len(), out.len()),
        ));
    }
    Ok(out)
}

/// The outcome list after its opening `{`: `{ "name" p1 p2 } ... }`.
fn outcome_list(lx: &mut Lexer<'_>, n: usize) -> Result<Vec<Vec<Q>>, Error> {
    let mut outcomes = Vec::new();
    loop {
        let t = lx.next_token()?;
        match t.tok {
            Tok::Close => return Ok(outcomes),
            Tok::Open => {
                lx.string("the outcome's name")?;
                let mut payoffs = Vec::with_capacity(n);
                loop {
                    let p = lx.peek()?;
                    if p.tok == Tok::Close {
                        if payoffs.len() < n {
                            let pos = p.pos;
                            return Err(at(
                                pos,
                                format!("expected {n} payoffs (one per player), found {}", payoffs.len()),
                            ));
                        }
                        lx.next_token()?;
                        break;
                    }
                    if payoffs.len() == n {
                        let (pos, what) = (p.pos, p.tok.describe());
                        return Err(at(
                            pos,
                            format!("expected `}}` after {n} payoffs (one per player), found {what}"),
                        ));
                    }
                    payoffs.push(lx.number("a payoff")?.0);
                    lx.skip_comma()?;
                }
                outcomes.push(payoffs);
            }
            other => {
                return Err(at(
                    t.pos,
                    format!(
                        "expected an outcome `{{ \"name\" payoffs }}` or `}}`, found {}",
                        other.describe()
                    ),
                ));
            }
        }
    }
}

/// Writes a strategic-form game as a `.nfg` file (payoff version) that Gambit reads.
///
/// Payoffs are exact numbers at the game's current parameter values, one profile per line.
///
/// # Examples
/// ```
/// use redline_models::format::nfg;
/// let g = nfg::read("NFG 1 R \"g\" { \"A\" \"B\" } { { \"x\" \"y\" } { \"l\" } }\n1 2 3/4 -1\n").unwrap();
/// let text = nfg::write(&g);
/// assert!(text.ends_with("1 2\n3/4 -1\n"));
/// assert_eq!(nfg::read(&text).unwrap(), g);
/// ```
#[must_use]
pub fn write(game: &StrategicGame) -> String {
    let mut out = String::new();
    let players: Vec<String> = game.players().iter().map(|p| quote(p)).collect();
    let _ = writeln!(out, "NFG 1 R {} {{ {} }}", quote(&game.title), players.join(" "));
    out.push_str("{\n");
    for i in 0..game.n_players() {
        let labels: Vec<String> = game.strategies(i).iter().map(|s| quote(s)).collect();
        let _ = writeln!(out, "{{ {} }}", labels.join(" "));
    }
    out.push_str("}\n");
    let _ = writeln!(out, "{}", quote(&game.description));
    out.push('\n');
    for k in 0..game.n_profiles() {
        let row: Vec<String> = game.payoffs_at(k).iter().map(Q::to_string).collect();
        let _ = writeln!(out, "{}", row.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` and shows the game as `players | strategies | payoffs by profile`, or the error.
    fn check(text: &str, expected: &str) {
        let got = match read(text) {
            Ok(g) => {
                let strategies: Vec<String> = (0..g.n_players()).map(|i| g.strategies(i).join(",")).collect();
                let payoffs: Vec<String> = (0..g.n_profiles())
                    .map(|k| g.payoffs_at(k).iter().map(Q::to_string).collect::<Vec<_>>().join(","))
                    .collect();
                format!("{} | {} | {}", g.players().join(","), strategies.join(";"), payoffs.join(" "))
            }
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected, "input:\n{text}");
    }

    const H: &str = "NFG 1 R \"g\" { \"A\" \"B\" }";

    #[test]
    fn payoff_version() {
        check(&format!("{H} {{ 2 1 }} 1 2 3 4"), "A,B | 1,2;1 | 1,2 3,4");
        check(
            &format!("{H} {{ {{ \"x\" \"y\" }} {{ \"l\" }} }} \"c\" 1, 2, 3/4, -0.5"),
            "A,B | x,y;l | 1,2 3/4,-1/2",
        );
        check("NFG 1 D \"\" { \"\" \"\" } { 1 1 } 4.000000 3e0", "_1,_2 | 1;1 | 4,3");
        check(&format!("{H} {{ {{ \"d\" \"d\" }} {{ \"l\" }} }} 1 2 3 4"), "A,B | d_1,d_2;l | 1,2 3,4");
    }

    #[test]
    fn outcome_version() {
        check(
            &format!("{H} {{ 2 1 }} \"\" {{ {{ \"o1\" 1, 2 }} {{ \"o2\" 3 4 }} }} 2 1"),
            "A,B | 1,2;1 | 3,4 1,2",
        );
        check(&format!("{H} {{ 2 1 }} {{ {{ \"\" 1 2 }} }} 0 1"), "A,B | 1,2;1 | 0,0 1,2");
        check(&format!("{H} {{ 1 1 }} {{ }} 0"), "A,B | 1;1 | 0,0");
    }

    #[test]
    fn errors() {
        check("EFG 2 R", "1:1: expected `NFG` at the start of the file, found `EFG`");
        check("NFG 2 R", "1:5: only NFG version 1 is supported, found `2`");
        check(
            &format!("{H} {{ 2 2 }} 1 2 3 4 5 6 7"),
            "1:46: expected 8 payoffs (2 per profile for 4 profiles), found 7",
        );
        check(
            &format!("{H} {{ 1 1 }} 1 2 3"),
            "1:37: expected 2 payoffs (2 per profile for 1 profile), found more: `3`",
        );
        check(
            &format!("{H} {{ 1 1 }} 1 x"),
            "1:35: a payoff: `x` is not a number (write an integer, a decimal such as 0.25 or 1e-3, or a fraction such as 2/3)",
        );
        check(&format!("{H} {{ 1 }} 1 2"), "1:31: expected strategies for 2 players, found 1");
        check(&format!("{H} {{ 1 1 1 }}"), "1:31: expected `}` after the strategies of 2 players, found `1`");
        check(
            &format!("{H} {{ 0 1 }}"),
            "1:27: expected a number of strategies (a whole number from 1), found `0`",
        );
        check(&format!("{H} {{ {{ }} {{ \"l\" }} }}"), "1:27: player \"A\" has no strategies");
        check(
            &format!("{H} {{ 1 1 }}"),
            "1:32: expected the payoffs (numbers) or an outcome list (`{`), found end of input",
        );
        check(
            &format!("{H} {{ 2 1 }} {{ {{ \"\" 1 2 }} }} 1"),
            "1:49: expected 2 outcome indices (one per profile), found 1",
        );
        check(
            &format!("{H} {{ 2 1 }} {{ {{ \"\" 1 2 }} }} 1 2"),
            "1:50: outcome 2 does not exist (the file defines 1 outcome)",
        );
        check(
            &format!("{H} {{ 1 1 }} {{ {{ \"\" 1 2 }} }} 1 1"),
            "1:50: expected 1 outcome index (one per profile), found more: `1`",
        );
        check(
            &format!("{H} {{ 1 1 }} {{ {{ \"\" 1 }} }} 1"),
            "1:42: expected 2 payoffs (one per player), found 1",
        );
        check(
            &format!("{H} {{ 1 1 }} {{ {{ \"\" 1 2 3 }} }} 1"),
            "1:44: expected `}` after 2 payoffs (one per player), found `3`",
        );
        check(
            &format!("{H} {{ 1 1 }} {{ {{ \"\" 1 2 }} }} x"),
            "1:48: expected an outcome index (a whole number), found `x`",
        );
        check(
            &format!("{H} {{ 1 1 }} {{ 3 }} 1"),
            "1:35: expected an outcome `{ \"name\" payoffs }` or `}`, found `3`",
        );
        check(
            "NFG 1 R \"g\" { \"A\" } { 10000 10000 }",
            "1:29: expected `}` after the strategies of 1 player, found `10000`",
        );
        check(
            "NFG 1 R \"g\" { \"A\" \"B\" } { 100000 1000 } 1",
            "1:41: the game has more than 10 million strategy profiles",
        );
    }

    #[test]
    fn writes_what_it_reads() {
        let g = read(&format!("{H} {{ {{ \"x\" \"y\" }} {{ \"l\" }} }} \"a \\\"c\\\"\" 1 2 3/4 -1")).unwrap();
        let text = write(&g);
        assert_eq!(
            text,
            "NFG 1 R \"g\" { \"A\" \"B\" }\n{\n{ \"x\" \"y\" }\n{ \"l\" }\n}\n\"a \\\"c\\\"\"\n\n1 2\n3/4 -1\n"
        );
        assert_eq!(read(&text).unwrap(), g);
    }

    #[test]
    fn never_panics() {
        let sample = format!(
            "{H} {{ {{ \"x\" \"y\" }} {{ \"l\" }} }} \"c\" {{ {{ \"o\" 1, 2 }} {{ \"p\" 3 4 }} }} 1 2"
        );
        for (i, _) in sample.char_indices() {
            let _ = read(&sample[..i]);
            let _ = read(&sample[i..]);
        }
    }
}
