//! `redline convert`: write a game in another format.
//!
//! Trees go to `.ron`, `.json` and Gambit's `.efg`, and to `.nfg` as their reduced strategic form;
//! strategic-form games to Gambit's `.nfg` and to `.ron`/`.json` in redline's matrix schema.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use redline_models::format::game::{self, Syntax};
use redline_models::format::{efg, matrix, nfg};

use crate::args::ConvertArgs;
use crate::load::{Game, load};

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// failure never leaves a half-written file.
pub fn write_atomic(path: &Path, text: impl AsRef<[u8]>) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().context("the output path has no file name")?;
    let tmp = dir.join(format!(".{}.redline-tmp-{}", name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", path.display())
    })
}

/// Runs `redline convert`.
pub fn run(args: &ConvertArgs) -> Result<u8> {
    let loaded = load(&args.game)?;
    let out = args.output.as_path();
    let to_stdout = out == Path::new("-");
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let text = match (&loaded.game, ext.as_deref()) {
        (Game::Tree(tree), _) if to_stdout => game::write(tree, Syntax::Ron),
        (Game::Tree(tree), Some("ron")) => game::write(tree, Syntax::Ron),
        (Game::Tree(tree), Some("json")) => game::write(tree, Syntax::Json),
        (Game::Tree(tree), Some("efg")) => efg::write(tree),
        (Game::Tree(tree), Some("nfg")) => nfg::write(
            &redline_models::reduced::reduce(tree)
                .map_err(|e| anyhow::Error::new(e).context(loaded.source.clone()))?
                .game,
        ),
        // Standard output gets Gambit's `.nfg` for strategic forms (`.ron`/`.json` by file name).
        (Game::Strategic(g), _) if to_stdout => nfg::write(g),
        (Game::Strategic(g), Some("nfg")) => nfg::write(g),
        (Game::Strategic(_), Some("efg")) => bail!(
            "{}: {} is a strategic-form game; it can be written as .nfg, not as a tree (.efg)",
            out.display(),
            loaded.source
        ),
        (Game::Strategic(g), Some("ron")) => matrix::write(g, Syntax::Ron),
        (Game::Strategic(g), Some("json")) => matrix::write(g, Syntax::Json),
        _ => bail!("{}: unknown output type (expected .ron, .json, .efg or .nfg)", out.display()),
    };
    if to_stdout {
        crate::output::emit(&text)?;
    } else {
        write_atomic(out, &text)?;
    }
    Ok(0)
}
