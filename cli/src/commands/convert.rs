//! `redline convert`: write a game in another format.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use redline_models::format::game::{self, Syntax};

use crate::args::ConvertArgs;
use crate::load::load;

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// failure never leaves a half-written file.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
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
    let (tree, _, _) = load(&args.game)?.into_tree("`convert`")?;
    let out = args.output.as_path();
    if out == Path::new("-") {
        print!("{}", game::write(&tree, Syntax::Ron));
        return Ok(0);
    }
    let syntax = match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("ron") => Syntax::Ron,
        Some("json") => Syntax::Json,
        Some("efg" | "nfg") => bail!("{}: writing Gambit files is not supported yet", out.display()),
        _ => bail!("{}: unknown output type (expected .ron or .json)", out.display()),
    };
    write_atomic(out, &game::write(&tree, syntax))?;
    Ok(0)
}
