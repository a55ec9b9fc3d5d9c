//! Line charts of payoffs against a parameter: `sweep --plot` (grid points) and `threshold --plot`
//! (exact regions, shaded, with the thresholds marked).

use std::fmt::Write as _;

use super::{DASHES, PALETTE, esc, num};

/// One line of the chart, possibly broken into segments (e.g. one per region).
pub struct Series {
    /// The legend entry.
    pub name: String,
    /// Each segment is drawn as one polyline of `(x, y)` points.
    pub segments: Vec<Vec<(f64, f64)>>,
}

/// A shaded stretch of the x axis with a label (a region between thresholds).
pub struct Band {
    /// The start.
    pub from: f64,
    /// The end.
    pub to: f64,
    /// Written at the top of the band.
    pub label: String,
}

/// A vertical dashed line (a threshold, or a change between grid points), optionally labelled.
pub struct Marker {
    /// Where.
    pub at: f64,
    /// Written at the top of the line ("" for none).
    pub label: String,
}

/// A chart: the series over `x_name`, with bands and markers.
pub struct Chart {
    /// The title.
    pub title: String,
    /// The name of the x axis.
    pub x_name: String,
    /// The lines, one colour and dash pattern each.
    pub series: Vec<Series>,
    /// Shaded regions, drawn alternately light and lighter.
    pub bands: Vec<Band>,
    /// Vertical lines.
    pub markers: Vec<Marker>,
}

/// A tick label: three decimals at most, no trailing zeros.
#[must_use]
pub fn fmt_tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Draws `c` as an SVG document.
#[must_use]
pub fn render(c: &Chart) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 420.0, 70.0, 170.0, 40.0, 50.0);
    let points = || c.series.iter().flat_map(|s| s.segments.iter().flatten());
    let (mut x0, mut x1) = points().fold((f64::MAX, f64::MIN), |(a, b), &(x, _)| (a.min(x), b.max(x)));
    for b in &c.bands {
        x0 = x0.min(b.from);
        x1 = x1.max(b.to);
    }
    if x0 > x1 {
        (x0, x1) = (0.0, 1.0);
    }
    if (x1 - x0).abs() < 1e-12 {
        x1 = x0 + 1.0;
    }
    let (mut y0, mut y1) = points().fold((f64::MAX, f64::MIN), |(a, b), &(_, y)| (a.min(y), b.max(y)));
    if y0 > y1 {
        (y0, y1) = (0.0, 1.0);
    }
    if (y1 - y0).abs() < 1e-12 {
        y0 -= 1.0;
        y1 += 1.0;
    }
    let pad = (y1 - y0) * 0.08;
    let (y0, y1) = (y0 - pad, y1 + pad);
    let sx = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let sy = |y: f64| h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
        (w - right + left) / 2.0,
        esc(&c.title)
    );
    for (k, b) in c.bands.iter().enumerate() {
        let fill = if k % 2 == 0 { "#eef2f7" } else { "#f8f8f8" };
        let (bx0, bx1) = (sx(b.from), sx(b.to));
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
            num(bx0),
            num((bx1 - bx0).max(0.0)),
            h - top - bottom
        );
        // The label across the band where it fits (about 6.5 px per character at 11 px), else
        // along it, else not at all.
        let across = 6.5 * b.label.chars().count() as f64 + 4.0;
        let xm = num((bx0 + bx1) / 2.0);
        if b.label.is_empty() {
        } else if bx1 - bx0 >= across {
            let _ = writeln!(
                s,
                "<text x=\"{xm}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                top + 14.0,
                esc(&b.label)
            );
        } else if bx1 - bx0 >= 14.0 && across <= h - top - bottom {
            let y = top + 6.0;
            let _ = writeln!(
                s,
                "<text x=\"{xm}\" y=\"{y}\" font-size=\"11\" fill=\"#555\" dominant-baseline=\"central\" transform=\"rotate(90 {xm} {y})\">{}</text>",
                esc(&b.label)
            );
        }
    }
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"black\"/>",
        h - bottom,
        w - right,
        h - bottom,
        h - bottom
    );
    for k in 0..=4 {
        let xv = x0 + (x1 - x0) * f64::from(k) / 4.0;
        let yv = y0 + (y1 - y0) * f64::from(k) / 4.0;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(sx(xv)),
            h - bottom + 18.0,
            fmt_tick(xv)
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            num(sy(yv) + 4.0),
            fmt_tick(yv)
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        (w - right + left) / 2.0,
        h - 10.0,
        esc(&c.x_name)
    );
    for m in &c.markers {
        let xm = num(sx(m.at));
        let _ = writeln!(
            s,
            "<line x1=\"{xm}\" y1=\"{top}\" x2=\"{xm}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
            h - bottom
        );
        if !m.label.is_empty() {
            let _ = writeln!(
                s,
                "<text x=\"{xm}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
                top - 4.0,
                esc(&m.label)
            );
        }
    }
    for (i, series) in c.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let dash = match DASHES[i % DASHES.len()] {
            "" => String::new(),
            d => format!(" stroke-dasharray=\"{d}\""),
        };
        for seg in &series.segments {
            let pts: Vec<String> = seg.iter().map(|&(x, y)| format!("{:.2},{:.2}", sx(x), sy(y))).collect();
            let _ = writeln!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>",
                pts.join(" ")
            );
        }
        let ly = top + 20.0 * i as f64 + 10.0;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/><text x=\"{}\" y=\"{}\">{}</text>",
            w - right + 15.0,
            w - right + 40.0,
            w - right + 46.0,
            ly + 4.0,
            esc(&series.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Points sampled per region of a threshold chart (payoffs are polynomials, possibly curved).
const SAMPLES: usize = 48;

/// The chart of `threshold --plot`: each player's equilibrium payoff over the range, one segment
/// per region (evaluated exactly at rational sample points), the regions shaded and labelled with
/// `labels`, and the thresholds marked with their values.
#[must_use]
pub fn thresholds(
    title: &str,
    players: &[String],
    a: &redline_solver::threshold::Analysis,
    labels: &[String],
) -> String {
    use redline_models::number::Q;
    use redline_solver::poly::Root;
    let ends = |r: &redline_solver::threshold::Region| (r.from.lower().clone(), r.to.upper().clone());
    let series = players
        .iter()
        .enumerate()
        .map(|(i, name)| Series {
            name: name.clone(),
            segments: a
                .regions
                .iter()
                .map(|r| {
                    let (lo, hi) = ends(r);
                    let k = if r.payoffs[i].degree().unwrap_or(0) <= 1 { 1 } else { SAMPLES };
                    (0..=k)
                        .map(|j| {
                            let t = Q::ratio(j as i64, k as i64).expect("k > 0");
                            let x = &lo + &(&(&hi - &lo) * &t);
                            (x.to_f64(), r.payoffs[i].eval(&x).to_f64())
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let bands = a
        .regions
        .iter()
        .zip(labels)
        .map(|(r, l)| {
            let (lo, hi) = ends(r);
            Band { from: lo.to_f64(), to: hi.to_f64(), label: l.clone() }
        })
        .collect();
    let markers = a
        .thresholds
        .iter()
        .map(|t| Marker {
            at: t.value.lower().to_f64(),
            label: match &t.value {
                Root::Exact(q) => q.to_string(),
                Root::Interval { .. } => format!("≈{}", fmt_tick(t.value.lower().to_f64())),
            },
        })
        .collect();
    render(&Chart {
        title: format!("{title}: equilibrium payoffs against {}", a.parameter),
        x_name: a.parameter.clone(),
        series,
        bands,
        markers,
    })
}
