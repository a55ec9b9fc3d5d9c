//! Command-line arguments (clap). These structs stay here: commands convert them into the plain
//! option structs of `redline-solver`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// redline: exact equilibria and deterrence thresholds for deterrence games.
#[derive(Debug, Parser)]
#[command(name = "redline", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Stop with exit code 3 if the command has not finished after this many seconds (any command,
    /// any method).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in models, or describe one (parameters, tree, regimes, closed forms).
    Models(ModelsArgs),
    /// Solve a game: equilibria, payoffs and the equilibrium path.
    Solve(SolveArgs),
    /// Every value of a parameter in a range where the equilibrium changes, exactly.
    Threshold(ThresholdArgs),
    /// The equilibrium over a 1-D or 2-D grid of parameter values.
    Sweep(SweepArgs),
    /// Draw a game: the tree with its equilibrium marked, or the payoff table (SVG, PNG or DOT).
    Draw(DrawArgs),
    /// Convert a game between formats (.ron, .json, .efg, .nfg); a built-in model name writes its tree.
    Convert(ConvertArgs),
    /// Regression check: run the cases of expectation files; exit 1 on any drift.
    Check(CheckArgs),
    /// Solve JSON Lines jobs from standard input, one JSON result per line, in parallel.
    Batch(BatchArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
}

/// Arguments of `redline check` (see `docs/ci.md`).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Expectation files (.ron).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Rewrite the expected values that drifted, in place (comments and order kept).
    #[arg(long)]
    pub update: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// Arguments of `redline batch` (see `docs/batch.md`).
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Worker threads (default: RAYON_NUM_THREADS, else one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Arguments of `redline models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// The model to describe; without it, all models are listed.
    pub name: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Where a game comes from and how to set its parameters.
#[derive(Debug, Args, Clone)]
pub struct GameArgs {
    /// A game file (.ron, .json, .efg, .nfg), `-` for standard input, or a built-in model name (see `redline models`).
    pub game: String,
    /// Set a parameter: NAME=VALUE (exact: 3, -0.25, 1e-3, 2/3). Repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// The format of standard input (with GAME = `-`).
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Refuse games with more nodes than this.
    #[arg(long, default_value_t = 10_000_000)]
    pub max_nodes: usize,
}

/// Arguments of `redline solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The game.
    #[command(flatten)]
    pub game: GameArgs,
    /// The method (`auto` picks the model's or the game class's own).
    #[arg(long, value_enum, default_value_t = Method::Auto)]
    pub method: Method,
    /// Every equilibrium the method can find (for `spe`: every pure subgame-perfect equilibrium).
    #[arg(long)]
    pub all: bool,
    /// Stop after this many equilibria with `--all` (the output then says it is incomplete).
    #[arg(long, default_value_t = 10_000)]
    pub max_equilibria: usize,
    /// Solve a tree on its reduced strategic form (strategies labelled as Gambit does).
    #[arg(long)]
    pub strategic: bool,
    /// With `--method lcp` on a tree: Lemke's starting pair, `uniform` or `random:SEED` (random
    /// completely mixed behaviour, the same for the same seed); the path from it alone is followed.
    /// Without it, the path starts from `uniform` and, when that path is long, restarts from
    /// `random:1`, `random:2`, … (the output names the prior that answered).
    #[arg(long, value_name = "PRIOR")]
    pub prior: Option<String>,
    /// With `--method enum`: also list the maximal convex sets (components) of equilibria.
    #[arg(long)]
    pub components: bool,
    /// The leader with `--method stackelberg` (a player name; default the first player).
    #[arg(long, value_name = "PLAYER")]
    pub leader: Option<String>,
    /// How to choose among optimal actions at a tie (`first`, `favor:PLAYER`, `against:PLAYER`).
    #[arg(long, default_value = "first", value_name = "RULE")]
    pub tie_break: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print numbers as decimals instead of exact fractions.
    #[arg(long)]
    pub float: bool,
    /// Digits after the point with `--float`.
    #[arg(long, default_value_t = 6)]
    pub decimals: usize,
    /// Explain the solving steps in words (for teaching).
    #[arg(long)]
    pub explain: bool,
    /// Only the essentials: payoffs and path.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `redline threshold`.
#[derive(Debug, Args)]
pub struct ThresholdArgs {
    /// The game.
    #[command(flatten)]
    pub game: GameArgs,
    /// The parameter to vary.
    #[arg(long)]
    pub param: String,
    /// The start of the range (default: the parameter's documented minimum, else 0).
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<String>,
    /// The end of the range (default: the parameter's documented maximum, else 10 or twice the default).
    #[arg(long, allow_hyphen_values = true)]
    pub to: Option<String>,
    /// The largest width of the bracket around an irrational threshold.
    #[arg(long, default_value = "1e-12")]
    pub precision: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Digits of the decimals shown beside exact values.
    #[arg(long, default_value_t = 6)]
    pub decimals: usize,
    /// Also draw the equilibrium payoffs against the parameter as an SVG chart, thresholds marked.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

/// Arguments of `redline sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The game.
    #[command(flatten)]
    pub game: GameArgs,
    /// A grid axis: NAME=FROM..TO:POINTS (exact values; POINTS >= 2, ends included). Once or twice.
    #[arg(long = "param", value_name = "NAME=FROM..TO:POINTS", required = true, allow_hyphen_values = true)]
    pub params: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SweepFormat::Text)]
    pub format: SweepFormat,
    /// Also draw the sweep as an SVG chart (1-D: payoffs; 2-D: regime map).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Print numbers as decimals.
    #[arg(long)]
    pub float: bool,
    /// Digits after the point with `--float`.
    #[arg(long, default_value_t = 6)]
    pub decimals: usize,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Output formats of `sweep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SweepFormat {
    /// An aligned table.
    Text,
    /// One row per grid point.
    Csv,
    /// `redline/sweep/1`.
    Json,
}

/// Arguments of `redline draw`.
#[derive(Debug, Args)]
pub struct DrawArgs {
    /// The game.
    #[command(flatten)]
    pub game: GameArgs,
    /// The method whose equilibrium is marked (trees: `spe`; tables: as for `solve`).
    #[arg(long, value_enum, default_value_t = Method::Auto)]
    pub method: Method,
    /// Draw the game only, without an equilibrium.
    #[arg(long)]
    pub bare: bool,
    /// The picture's format (default: from the extension of `-o`, else svg).
    #[arg(long, value_enum)]
    pub format: Option<DrawFormat>,
    /// The file to write (default: standard output; PNG needs a file).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write one SVG per backward-induction step into this folder (step-000.svg, …), for slides.
    #[arg(long, value_name = "DIR")]
    pub steps: Option<PathBuf>,
}

/// Picture formats of `draw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DrawFormat {
    /// Scalable vector graphics, written by redline.
    Svg,
    /// A PNG rendered from the SVG in-process (resvg).
    Png,
    /// Graphviz input (trees only).
    Dot,
}

/// Arguments of `redline convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The game to convert: a file or a built-in model name.
    #[command(flatten)]
    pub game: GameArgs,
    /// The file to write (`.ron`, `.json`, `.efg` or `.nfg`; `-` writes to standard output).
    pub output: PathBuf,
}

/// Arguments of `redline completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// Stable, versioned JSON (SPEC §5).
    Json,
}

/// Formats of standard input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// redline's RON schema.
    Ron,
    /// redline's schema in JSON.
    Json,
    /// Gambit's extensive form (.efg).
    Efg,
    /// Gambit's strategic form (.nfg).
    Nfg,
}

/// Solving methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// The model's own method, or the game class's.
    Auto,
    /// Subgame-perfect equilibria (backward induction; subgame decomposition).
    Spe,
    /// All pure-strategy Nash equilibria.
    Pure,
    /// Two-player zero-sum: linear programming.
    Lp,
    /// Two-player: Lemke–Howson / Lemke.
    Lcp,
    /// Two-player: all extreme equilibria.
    Enum,
    /// Two-player: the leader's optimal mixed commitment (strong Stackelberg; see `--leader`).
    Stackelberg,
    /// Sequential equilibrium.
    Sequential,
    /// Repeated games: one-shot deviation check.
    Repeated,
}

impl Method {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Spe => "spe",
            Method::Pure => "pure",
            Method::Lp => "lp",
            Method::Lcp => "lcp",
            Method::Enum => "enum",
            Method::Stackelberg => "stackelberg",
            Method::Sequential => "sequential",
            Method::Repeated => "repeated",
        }
    }
}
