//! PNG from SVG, in-process, with resvg (pure Rust).
//!
//! Text is set with the system's fonts, found through usvg's font database (fontconfig's folders on
//! Linux); redline bundles no font. Without any font the picture is drawn without its text, and the
//! caller is told so it can warn.

use anyhow::{Result, anyhow};
use resvg::{tiny_skia, usvg};

/// The longest side of a PNG, in pixels: large trees are scaled down to fit.
pub const MAX_SIDE: f64 = 16_000.0;

/// The scale of small pictures, for crisp text on high-density screens and slides.
pub const SCALE: f64 = 2.0;

/// A rendered picture.
pub struct Png {
    /// The encoded PNG file.
    pub bytes: Vec<u8>,
    /// False when no system font was found (text is missing from the picture).
    pub has_fonts: bool,
}

/// Renders `svg` (as written by redline) to a PNG file.
///
/// # Errors
/// When the SVG cannot be parsed (a bug) or the picture cannot be allocated or encoded.
pub fn render(svg: &str) -> Result<Png> {
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    let has_fonts = !opt.fontdb.is_empty();
    let tree = usvg::Tree::from_str(svg, &opt)
        .map_err(|e| anyhow!("internal error: the SVG does not parse: {e}"))?;
    let size = tree.size();
    let (w, h) = (f64::from(size.width()), f64::from(size.height()));
    let scale = SCALE.min(MAX_SIDE / w).min(MAX_SIDE / h);
    let (pw, ph) = ((w * scale).ceil().max(1.0) as u32, (h * scale).ceil().max(1.0) as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(pw, ph).ok_or_else(|| anyhow!("cannot allocate a {pw}×{ph} picture"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale as f32, scale as f32), &mut pixmap.as_mut());
    let bytes = pixmap.encode_png().map_err(|e| anyhow!("cannot encode the PNG: {e}"))?;
    Ok(Png { bytes, has_fonts })
}
