//! Loading a game: a file (`.ron`, `.json`, Gambit's `.efg` and `.nfg`), standard input, or a built-in
//! model by name, with `--set NAME=VALUE` applied.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use redline_models::Error as ModelError;
use redline_models::format::game::ReadOptions;
use redline_models::format::{efg, matrix, nfg};
use redline_models::library::{self, Model};
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_models::tree::Tree;

use crate::args::{GameArgs, InputFormat};

/// A game in either form.
pub enum Game {
    /// An extensive-form tree.
    Tree(Box<Tree>),
    /// A strategic-form game.
    Strategic(Box<StrategicGame>),
}

/// A game ready to solve.
pub struct Loaded {
    /// The game, evaluated at the requested parameters.
    pub game: Game,
    /// Where it came from: a path, `-`, or the model's name.
    pub source: String,
    /// The built-in model, if the game is one.
    pub model: Option<&'static Model>,
}

/// Parses `--set NAME=VALUE` arguments.
pub fn assignments(sets: &[String]) -> Result<Vec<(String, Q)>> {
    let mut out: Vec<(String, Q)> = Vec::new();
    for s in sets {
        let Some((name, value)) = s.split_once('=') else {
            bail!("--set {s}: expected NAME=VALUE");
        };
        let name = name.trim();
        let q = Q::parse_exact(value).map_err(|e| anyhow!("--set {s}: {e}"))?;
        if out.iter().any(|(n, _)| n == name) {
            bail!("--set {s}: parameter `{name}` is set twice");
        }
        out.push((name.to_string(), q));
    }
    Ok(out)
}

/// Reads a file as UTF-8 text, naming the file in every error.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        anyhow!("{}:{line}:{col}: the file is not valid UTF-8 text", path.display())
    })
}

/// Turns a model error into a message that names the place.
pub fn place(source: &str, e: ModelError) -> anyhow::Error {
    match e {
        ModelError::Syntax { line, col, message } => anyhow!("{source}:{line}:{col}: {message}"),
        // Kept as a typed error so `main` can exit with the limit code.
        e @ ModelError::TooManyNodes { .. } => anyhow::Error::new(e).context(source.to_string()),
        other => anyhow!("{source}: {other}"),
    }
}

/// Reads `text` in the format named by a file extension (`ron`, `json`, `efg`, `nfg`).
fn read_as(format: &str, text: &str, source: &str, max_nodes: usize) -> Result<Game> {
    Ok(match format {
        "efg" => {
            Game::Tree(Box::new(efg::read(text, &ReadOptions { max_nodes }).map_err(|e| place(source, e))?))
        }
        "nfg" => Game::Strategic(Box::new(nfg::read(text).map_err(|e| place(source, e))?)),
        _ => match matrix::read_any(text, &ReadOptions { max_nodes }).map_err(|e| place(source, e))? {
            matrix::AnyGame::Tree(t) => Game::Tree(t),
            matrix::AnyGame::Strategic(g) => Game::Strategic(g),
        },
    })
}

/// The file extension that `--input-format` stands for.
fn input_extension(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Ron => "ron",
        InputFormat::Json => "json",
        InputFormat::Efg => "efg",
        InputFormat::Nfg => "nfg",
    }
}

impl Loaded {
    /// The tree, or an error naming the source for a strategic-form game.
    pub fn into_tree(self, what: &str) -> Result<(Tree, String, Option<&'static Model>)> {
        match self.game {
            Game::Tree(t) => Ok((*t, self.source, self.model)),
            Game::Strategic(_) => bail!("{}: {what} needs an extensive-form game (a tree)", self.source),
        }
    }
}

/// Loads the game named by `args`.
pub fn load(args: &GameArgs) -> Result<Loaded> {
    let sets = assignments(&args.set)?;
    let name = args.game.as_str();
    let game = if name == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("cannot read standard input as UTF-8 text")?;
        match args.input_format {
            Some(f) => read_as(input_extension(f), &text, "<stdin>", args.max_nodes)?,
            None => bail!("reading a game from standard input needs --input-format ron|json|efg|nfg"),
        }
    } else {
        let path = Path::new(name);
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some(f @ ("ron" | "json" | "efg" | "nfg")) => {
                let text = read_text(path)?;
                let game = read_as(f, &text, name, args.max_nodes)?;
                crate::output::discard(text);
                game
            }
            Some(other) if path.exists() => {
                bail!("{name}: unknown file type `.{other}` (expected .ron, .json, .efg or .nfg)")
            }
            _ if path.exists() => {
                bail!("{name}: cannot tell the format without an extension (.ron, .json, .efg or .nfg)")
            }
            _ => {
                let model = library::find(name).map_err(|e| match e {
                    ModelError::UnknownModel { .. } if name.contains(['/', '.']) => {
                        anyhow!("{name}: no such file or built-in model")
                    }
                    other => anyhow!(other),
                })?;
                if let Some(game) = model.instantiate_strategic(&sets) {
                    let game = game.map_err(|e| place(name, e))?;
                    return Ok(Loaded {
                        game: Game::Strategic(Box::new(game)),
                        source: name.to_string(),
                        model: Some(model),
                    });
                }
                let tree = model.instantiate(&sets).map_err(|e| place(name, e))?;
                // File readers enforce the limit while they build; a model is built in one call.
                if tree.len() > args.max_nodes {
                    return Err(anyhow!(ModelError::TooManyNodes { limit: args.max_nodes }))
                        .context(name.to_string());
                }
                return Ok(Loaded {
                    game: Game::Tree(Box::new(tree)),
                    source: name.to_string(),
                    model: Some(model),
                });
            }
        }
    };
    let game = match game {
        // Without assignments the values are those the reader evaluated and checked.
        Game::Tree(tree) if sets.is_empty() => Game::Tree(tree),
        Game::Tree(mut tree) => {
            tree.set_parameters(&sets).map_err(|e| place(name, e))?;
            Game::Tree(tree)
        }
        Game::Strategic(mut g) => {
            g.set_parameters(&sets).map_err(|e| place(name, e))?;
            Game::Strategic(g)
        }
    };
    Ok(Loaded { game, source: name.to_string(), model: None })
}
