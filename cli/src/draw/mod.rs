//! Pictures: `redline draw` (game trees and payoff tables as SVG, PNG or Graphviz DOT) and the
//! charts of `sweep --plot` and `threshold --plot`.
//!
//! Everything here is written by redline itself: [`layout`] places tree nodes (a linear-time tidy
//! tree), [`tree_svg`] draws a tree with an equilibrium marked, [`table`] draws a strategic form,
//! [`dot`] writes Graphviz input, [`chart`] draws payoff charts, and [`png`] rasterises any of the
//! SVGs in-process with resvg. Nothing here solves a game: `commands::draw` passes the equilibrium in.

pub mod chart;
pub mod dot;
pub mod layout;
pub mod png;
pub mod table;
pub mod tree_svg;

/// Colours that stay distinguishable in grey scale too (different lightness), one per player or series.
pub const PALETTE: [&str; 8] =
    ["#1b4f72", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#7f8c8d", "#f1c40f", "#16a085"];

/// Light fills matching [`PALETTE`], for node boxes.
pub const TINTS: [&str; 8] =
    ["#d6e4f0", "#fbe3cc", "#d4efdf", "#e8daef", "#f5d5d1", "#e5e8e8", "#fcf3cf", "#d0ece7"];

/// Dash patterns per player, so players differ in black and white too ("" is solid).
pub const DASHES: [&str; 4] = ["", "9 4", "2 3", "9 3 2 3"];

/// The colour of player `i`.
#[must_use]
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The ` stroke-dasharray` attribute of player `i` (empty for a solid line).
#[must_use]
pub fn dash_attr(i: usize) -> String {
    match DASHES[i % DASHES.len()] {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// Escapes text for XML content and attribute values.
#[must_use]
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The approximate width of `text` in a sans-serif font of `size` px: 0.62 em per character, a
/// little more than DejaVu Sans's average, so boxes err on the roomy side.
#[must_use]
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.62
}

/// A number for an SVG attribute: two decimals at most, no trailing zeros.
#[must_use]
pub fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}
