//! A strategic-form game as a payoff table in SVG.
//!
//! Rows are the first player's strategies, columns the second's; with more players, one panel per
//! profile of the others. Each cell lists the payoffs in the players' colours; a payoff that is a
//! best response (no other strategy of that player does better against the others' strategies) is
//! underlined and bold, and cells where every player best-responds (pure equilibria) are
//! highlighted. Lines under the table give the equilibria the chosen method found (mixed ones too).

use std::fmt::Write as _;

use redline_models::strategic::StrategicGame;

use super::{colour, esc, num, text_width};

const FONT: f64 = 13.0;
const SMALL: f64 = 11.0;
const ROW_H: f64 = 34.0;
const MARGIN: f64 = 24.0;
/// The fill of pure-equilibrium cells.
const EQ_FILL: &str = "#fff3b0";

/// The most panels (profiles of the third and later players) drawn.
pub const MAX_PANELS: usize = 64;

/// Whether `profile`'s payoff to player `i` is a best response to the others' strategies.
fn best_response(g: &StrategicGame, profile: &[usize], i: usize) -> bool {
    let mine = g.payoff(profile, i);
    let mut p = profile.to_vec();
    (0..g.strategies(i).len()).all(|s| {
        p[i] = s;
        g.payoff(&p, i) <= mine
    })
}

/// Splits `text` into lines of at most `width` px (at [`SMALL`] size), at spaces.
pub fn wrap(text: &str, width: f64) -> Vec<String> {
    let max = ((width / (SMALL * 0.62)) as usize).max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws `g` with best responses and pure equilibria marked; `notes` are printed under the table
/// (wrapped), e.g. the equilibria found.
///
/// # Errors
/// When the game has more than [`MAX_PANELS`] panels (profiles of the third and later players).
pub fn render(g: &StrategicGame, title: &str, notes: &[String]) -> Result<String, String> {
    let n = g.n_players();
    let rows = g.strategies(0).len();
    let cols = if n >= 2 { g.strategies(1).len() } else { 1 };
    let panels: usize = (2..n).map(|i| g.strategies(i).len()).product();
    if panels > MAX_PANELS {
        return Err(format!(
            "the table would need {panels} panels (one per profile of the third and later players); at most {MAX_PANELS} are drawn"
        ));
    }
    let cell_text =
        |p: &[usize]| -> String { (0..n).map(|i| g.payoff(p, i).to_string()).collect::<Vec<_>>().join(", ") };
    let mut cell_w: f64 = 80.0;
    for k in 0..g.n_profiles() {
        cell_w = cell_w.max(text_width(&cell_text(&g.profile_at(k)), FONT) * 1.1 + 24.0);
    }
    let col_names: Vec<String> = if n >= 2 { g.strategies(1).to_vec() } else { vec!["payoff".into()] };
    for c in &col_names {
        cell_w = cell_w.max(text_width(c, FONT) + 16.0);
    }
    let head_w = g.strategies(0).iter().map(|s| text_width(s, FONT)).fold(40.0, f64::max) + 24.0;
    let table_w = head_w + cell_w * cols as f64;
    let panel_h = 44.0 + ROW_H * (rows as f64 + 1.0);
    let legend: Vec<String> =
        g.players().iter().enumerate().map(|(i, p)| format!("{}: {p}", i + 1)).collect();
    let width =
        (MARGIN * 2.0 + table_w + 20.0).max(text_width(&legend.join("   "), SMALL) + 2.0 * MARGIN).max(480.0);
    let mut lines = wrap(
        &format!(
            "Payoffs in player order ({}); underlined: a best response; highlighted: a pure equilibrium.",
            legend.join(", ")
        ),
        width - 2.0 * MARGIN,
    );
    for note in notes {
        lines.extend(wrap(note, width - 2.0 * MARGIN));
    }
    let height = 50.0 + panel_h * panels as f64 + 16.0 * lines.len() as f64 + 20.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" \
         font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"{FONT}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{MARGIN}\" y=\"26\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
        num(width),
        num(height),
        num(width),
        num(height),
        esc(title)
    );
    let x0 = MARGIN + 20.0;
    for panel in 0..panels {
        let top = 50.0 + panel_h * panel as f64;
        // The strategies of players 2.. in this panel (player 2 fastest, as in Gambit's order).
        let mut others = Vec::new();
        let mut rest = panel;
        for i in 2..n {
            let k = g.strategies(i).len();
            others.push(rest % k);
            rest /= k;
        }
        let mut heading = String::new();
        if n >= 2 {
            let _ = write!(heading, "{} (rows) against {} (columns)", g.players()[0], g.players()[1]);
        } else {
            let _ = write!(heading, "{}", g.players()[0]);
        }
        for (j, &o) in others.iter().enumerate() {
            let _ = write!(heading, "; {} plays {}", g.players()[j + 2], g.strategies(j + 2)[o]);
        }
        let _ = writeln!(
            s,
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"{SMALL}\" fill=\"#333\">{}</text>",
            num(top + 10.0),
            esc(&heading)
        );
        let ty = top + 22.0;
        // Column heads in player 2's colour, row heads in player 1's.
        for (c, name) in col_names.iter().enumerate() {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"{}\">{}</text>",
                num(x0 + head_w + cell_w * (c as f64 + 0.5)),
                num(ty + ROW_H * 0.62),
                if n >= 2 { colour(1) } else { "#333" },
                esc(name)
            );
        }
        for (r, name) in g.strategies(0).iter().enumerate() {
            let y = ty + ROW_H * (r as f64 + 1.0);
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"bold\" fill=\"{}\">{}</text>",
                num(x0 + head_w - 10.0),
                num(y + ROW_H * 0.62),
                colour(0),
                esc(name)
            );
            for c in 0..cols {
                let mut p = vec![r];
                if n >= 2 {
                    p.push(c);
                }
                p.extend(&others);
                let br: Vec<bool> = (0..n).map(|i| best_response(g, &p, i)).collect();
                let eq = br.iter().all(|&b| b);
                let x = x0 + head_w + cell_w * c as f64;
                let (fill, stroke, sw) = if eq { (EQ_FILL, "#222", "2.5") } else { ("white", "#888", "1") };
                let _ = writeln!(
                    s,
                    "<rect class=\"cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{ROW_H}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
                    num(x),
                    num(y),
                    num(cell_w)
                );
                let mut spans = String::new();
                for (i, &best) in br.iter().enumerate() {
                    if i > 0 {
                        // A no-break space: renderers may drop an ordinary one at the end of a span.
                        spans.push_str("<tspan fill=\"#333\">,\u{a0}</tspan>");
                    }
                    let mark = if best { " text-decoration=\"underline\" font-weight=\"bold\"" } else { "" };
                    let _ = write!(
                        spans,
                        "<tspan fill=\"{}\"{mark}>{}</tspan>",
                        colour(i),
                        esc(&g.payoff(&p, i).to_string())
                    );
                }
                let _ = writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{spans}</text>",
                    num(x + cell_w / 2.0),
                    num(y + ROW_H * 0.62)
                );
            }
        }
    }
    let mut y = 50.0 + panel_h * panels as f64 + 4.0;
    for line in &lines {
        y += 16.0;
        let _ =
            writeln!(s, "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"{SMALL}\">{}</text>", num(y), esc(line));
    }
    s.push_str("</svg>\n");
    Ok(s)
}
