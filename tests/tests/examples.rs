//! The games in `examples/`: each loads, each perfect-information one solves with zero regret, the
//! known subgame-perfect equilibria come out (worked by hand in each file's leading comment), and
//! the CLI's output for each is pinned by a golden file in `tests/golden/examples/`.
//!
//! Re-record the golden files with `UPDATE_GOLDEN=1 cargo test -p redline-tests --test examples`
//! (after `cargo build -p redline`), then review the diff like code.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use redline_models::format::game::{ReadOptions, Syntax, read, write};
use redline_models::number::Q;
use redline_models::tree::Tree;
use redline_solver::backward_induction::{Options, TieBreak, solve};
use redline_solver::{Equilibrium, Error, play};
use redline_tests::{golden_check, redline_bin, workspace_root};

/// The one example that is deliberately not of perfect information.
const IMPERFECT: &str = "imperfect-matching";

/// Every `examples/*.ron` file name without its extension, sorted.
fn example_names() -> Vec<String> {
    let dir = workspace_root().join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| p.file_stem().expect("a file name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn example_path(name: &str) -> PathBuf {
    workspace_root().join("examples").join(format!("{name}.ron"))
}

fn load(name: &str) -> Tree {
    let path = example_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read(&text, &ReadOptions::default()).unwrap_or_else(|e| panic!("examples/{name}.ron:{e}"))
}

fn load_with(name: &str, sets: &[(&str, &str)]) -> Tree {
    let mut tree = load(name);
    let sets: Vec<(String, Q)> =
        sets.iter().map(|(n, v)| ((*n).to_string(), Q::parse_exact(v).expect("a valid number"))).collect();
    tree.set_parameters(&sets).unwrap_or_else(|e| panic!("{name}: {e}"));
    tree
}

fn all() -> Options {
    Options { all: true, ..Options::default() }
}

fn payoffs(e: &Equilibrium) -> Vec<String> {
    e.payoffs.iter().map(ToString::to_string).collect()
}

/// The equilibrium path as `Player action` steps.
fn path(tree: &Tree, e: &Equilibrium) -> Vec<String> {
    play::path(tree, &e.profile)
        .iter()
        .map(|s| {
            let action = &tree.actions(tree.infoset_of(s.node))[s.action as usize];
            format!("{} {action}", tree.players()[s.player])
        })
        .collect()
}

/// Solves `tree`, checks that every equilibrium has zero regret, and returns them.
fn solve_ok(name: &str, tree: &Tree, options: &Options) -> (Vec<Equilibrium>, bool) {
    let solution = solve(tree, options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!solution.equilibria.is_empty(), "{name}: no equilibrium");
    for e in &solution.equilibria {
        assert!(e.regret.is_zero(), "{name}: regret {} is not zero", e.regret);
    }
    (solution.equilibria, solution.complete)
}

/// Checks the single (default) SPE of an example at these parameter values: its payoffs and path.
fn check(name: &str, sets: &[(&str, &str)], expected_payoffs: &[&str], expected_path: &[&str]) {
    let tree = load_with(name, sets);
    let (eqs, complete) = solve_ok(name, &tree, &Options::default());
    assert_eq!(payoffs(&eqs[0]), expected_payoffs, "{name} {sets:?}: payoffs");
    assert_eq!(path(&tree, &eqs[0]), expected_path, "{name} {sets:?}: path");
    assert!(complete, "{name} {sets:?}: the SPE should be unique");
}

/// Checks every SPE of an example (with `all: true`): the payoff vectors, in any order.
fn check_all(name: &str, sets: &[(&str, &str)], expected: &[&[&str]]) {
    let tree = load_with(name, sets);
    let (eqs, complete) = solve_ok(name, &tree, &all());
    assert!(complete, "{name}: the list should be complete");
    let mut got: Vec<Vec<String>> = eqs.iter().map(payoffs).collect();
    let mut want: Vec<Vec<String>> =
        expected.iter().map(|v| v.iter().map(|s| (*s).to_string()).collect()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{name} {sets:?}: all SPE payoffs");
    let profiles: BTreeSet<_> = eqs.iter().map(|e| format!("{:?}", e.profile)).collect();
    assert_eq!(profiles.len(), eqs.len(), "{name}: each SPE is listed once");
}

#[test]
fn there_are_at_least_twelve_examples() {
    let names = example_names();
    assert!(names.len() >= 12, "only {} examples: {names:?}", names.len());
    for required in [
        "entry",
        "centipede6",
        "chance-signal",
        "ties",
        "three-player",
        "decision",
        "ultimatum",
        "chain-store3",
        "nuclear-crisis",
        "red-line",
        IMPERFECT,
        "flat-chain",
    ] {
        assert!(names.iter().any(|n| n == required), "examples/{required}.ron is missing");
    }
}

#[test]
fn every_example_loads_and_every_perfect_information_one_solves() {
    for name in example_names() {
        let text = std::fs::read_to_string(example_path(&name)).expect("readable");
        assert!(text.starts_with("//"), "examples/{name}.ron should begin with a `//` comment");
        let tree = load(&name);
        if name == IMPERFECT {
            assert!(!tree.is_perfect_information(), "{name} should have a non-trivial information set");
            match solve(&tree, &Options::default()) {
                Err(Error::Unsupported { .. }) => {}
                other => panic!("{name}: backward induction should refuse it, got {other:?}"),
            }
            continue;
        }
        assert!(tree.is_perfect_information(), "{name}: only {IMPERFECT} may have information sets");
        let (eqs, _) = solve_ok(&name, &tree, &Options::default());
        solve_ok(&name, &tree, &all());
        // Converting to RON or JSON and reading back gives the same game.
        for syntax in [Syntax::Ron, Syntax::Json] {
            let back = read(&write(&tree, syntax), &ReadOptions::default())
                .unwrap_or_else(|e| panic!("{name} written as {syntax:?} does not read back: {e}"));
            let (again, _) = solve_ok(&name, &back, &Options::default());
            assert_eq!(again[0].payoffs, eqs[0].payoffs, "{name} through {syntax:?}");
        }
    }
}

#[test]
fn entry_deterrence() {
    check("entry", &[], &["1", "2"], &["Entrant enter", "Incumbent accommodate"]);
    // A cheap fight makes the threat credible, and the Entrant stays out.
    check("entry", &[("c", "1/2")], &["0", "4"], &["Entrant stay out"]);
    // At c = 1 the Incumbent is indifferent: fight (so stay out) or accommodate (so enter).
    check_all("entry", &[("c", "1")], &[&["0", "4"], &["1", "2"]]);
}

#[test]
fn centipede_unravels_to_taking_at_once() {
    check("centipede6", &[], &["2/5", "1/10"], &["Red take"]);
}

#[test]
fn chance_signal() {
    // Provoking is worth 3p - 1: 1/5 at p = 2/5. The Defender gets -2/5 + 3/5 = 1/5.
    check("chance-signal", &[], &["1/5", "1/5"], &["Challenger provoke"]);
    check("chance-signal", &[("p", "1/4")], &["0", "0"], &["Challenger stay quiet"]);
    check("chance-signal", &[("w", "1/2")], &["0", "0"], &["Challenger stay quiet"]);
    // At p = 1/3 the Challenger is indifferent.
    check_all("chance-signal", &[("p", "1/3")], &[&["0", "0"], &["0", "1/3"]]);
}

#[test]
fn ties_give_four_equilibria() {
    let tree = load("ties");
    let (first, complete) = solve_ok("ties", &tree, &Options::default());
    assert!(!complete, "the default solve should say that other SPE exist");
    assert_eq!(payoffs(&first[0]), ["2", "1"]);
    assert_eq!(first[0].ties.len(), 2, "ties at both Defender nodes");
    check_all("ties", &[], &[&["2", "1"], &["3", "2"], &["1", "2"], &["3", "2"]]);
    let against = Options { tie_break: TieBreak::Against(0), ..Options::default() };
    let (worst, _) = solve_ok("ties", &tree, &against);
    assert_eq!(payoffs(&worst[0]), ["1", "2"]);
}

#[test]
fn three_player_alliance_deters() {
    check("three-player", &[], &["0", "2", "1"], &["Challenger refrain"]);
    check("three-player", &[("a", "1/2")], &["2", "-1", "-1"], &["Challenger attack", "Defender yield"]);
}

#[test]
fn decision_to_mobilise() {
    // Mobilise: -m - q = -13/10; wait: -qL = -3/2.
    check("decision", &[], &["-13/10"], &["Government mobilise"]);
    check("decision", &[("m", "2")], &["-3/2"], &["Government wait"]);
    check_all("decision", &[("m", "6/5")], &[&["-3/2"], &["-3/2"]]);
}

#[test]
fn ultimatum_has_two_equilibria() {
    let tree = load("ultimatum");
    let (first, complete) = solve_ok("ultimatum", &tree, &Options::default());
    assert!(!complete);
    assert_eq!(payoffs(&first[0]), ["4", "0"]);
    assert_eq!(path(&tree, &first[0]), ["Proposer offer 0", "Responder accept"]);
    check_all("ultimatum", &[], &[&["4", "0"], &["3", "1"]]);
}

#[test]
fn chain_store_accommodates_in_every_market() {
    check(
        "chain-store3",
        &[],
        &["6", "2", "2", "2"],
        &[
            "Entrant 1 enter",
            "Chain store accommodate",
            "Entrant 2 enter",
            "Chain store accommodate",
            "Entrant 3 enter",
            "Chain store accommodate",
        ],
    );
}

#[test]
fn brinkmanship_deters_only_in_a_window_of_risk() {
    // The window is 2/11 < r < 2/5.
    check("nuclear-crisis", &[], &["0", "0"], &["Challenger status quo"]);
    for r in ["1/10", "1/2"] {
        check("nuclear-crisis", &[("r", r)], &["1", "-1"], &["Challenger challenge", "Defender concede"]);
    }
}

#[test]
fn red_line() {
    check("red-line", &[], &["0", "0"], &["Challenger respect the line"]);
    check("red-line", &[("c_D", "4")], &["1", "-3"], &["Challenger probe", "Defender let it pass"]);
}

#[test]
fn flat_chain() {
    check("flat-chain", &[], &["0", "0"], &["A accept"]);
}

/// Runs the binary from the workspace root (so paths in the output are `examples/...`) and returns
/// stdout, followed by the exit code and stderr when the run failed or wrote to stderr.
fn run(args: &[&str]) -> String {
    let out = Command::new(redline_bin())
        .args(args)
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run redline: {e}"));
    let mut text = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    if !out.status.success() || !out.stderr.is_empty() {
        text.push_str(&format!(
            "[exit code {}]\n",
            out.status.code().map_or("none".into(), |c| c.to_string())
        ));
        text.push_str(&String::from_utf8(out.stderr).expect("stderr is UTF-8"));
    }
    text
}

/// Every golden run: (golden file name, arguments).
fn golden_runs() -> Vec<(String, Vec<String>)> {
    let mut runs: Vec<(String, Vec<String>)> = example_names()
        .into_iter()
        .map(|n| (format!("{n}.solve.txt"), vec!["solve".into(), format!("examples/{n}.ron")]))
        .collect();
    let extra: [(&str, &[&str]); 5] = [
        ("entry.solve.json.txt", &["solve", "examples/entry.ron", "--format", "json"]),
        ("entry.explain.txt", &["solve", "examples/entry.ron", "--explain"]),
        ("centipede6.explain.txt", &["solve", "examples/centipede6.ron", "--explain"]),
        ("ties.all.txt", &["solve", "examples/ties.ron", "--all"]),
        ("ultimatum.all.txt", &["solve", "examples/ultimatum.ron", "--all", "-q"]),
    ];
    runs.extend(extra.iter().map(|(f, a)| ((*f).to_string(), a.iter().map(|s| (*s).to_string()).collect())));
    runs
}

#[test]
fn cli_output_matches_golden_files() {
    let runs = golden_runs();
    let mut failures = Vec::new();
    for (file, args) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if let Err(report) = golden_check(&format!("golden/examples/{file}"), &run(&args)) {
            failures.push(format!("`redline {}`: {report}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{} golden mismatches:\n\n{}", failures.len(), failures.join("\n"));

    // No stale golden files: each one belongs to a run above.
    let dir = workspace_root().join("tests/golden/examples");
    let known: BTreeSet<&str> = runs.iter().map(|(f, _)| f.as_str()).collect();
    for entry in std::fs::read_dir(&dir).expect("the golden folder exists") {
        let name = entry.expect("a directory entry").file_name().to_string_lossy().into_owned();
        assert!(
            known.contains(name.as_str()),
            "tests/golden/examples/{name} belongs to no example: remove it"
        );
    }
}

#[test]
fn json_output_is_valid_and_matches_the_solver() {
    let text = run(&["solve", "examples/entry.ron", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["schema"], "redline/solve/1");
    assert_eq!(v["game"]["parameters"]["c"], "3");
    assert_eq!(v["equilibria"][0]["payoffs"], serde_json::json!(["1", "2"]));
    assert_eq!(v["equilibria"][0]["regret"], "0");
}

/// The fenced `ron` and `json` blocks of `docs/format.md` that hold whole games (they name
/// `players`), in order.
fn format_doc_games() -> Vec<(usize, String)> {
    let path = workspace_root().join("docs/format.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut games = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut block {
            None if line == "```ron" || line == "```json" => block = Some((i + 2, String::new())),
            None => {}
            Some(_) if line == "```" => {
                let (start, body) = block.take().expect("inside a block");
                // Repeated games (`RepeatedGame(...)`) are checked in tests/tests/repeated.rs.
                if body.contains("players") && !body.contains("RepeatedGame(") {
                    games.push((start, body));
                }
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    games
}

#[test]
fn games_in_the_format_reference_load_and_solve() {
    let games = format_doc_games();
    assert!(games.len() >= 5, "docs/format.md should show whole games, found {}", games.len());
    for (line, text) in &games {
        if text.contains("StrategicGame(") {
            redline_models::format::matrix::read(text)
                .unwrap_or_else(|e| panic!("docs/format.md, block at line {line}: {e}"));
            continue;
        }
        let tree = read(text, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("docs/format.md, block at line {line}: {e}"));
        if tree.is_perfect_information() {
            solve_ok(&format!("docs/format.md:{line}"), &tree, &Options::default());
        }
    }
    // The complete example: the strong Incumbent deters entry, the weak one does not.
    let tree = read(&games[0].1, &ReadOptions::default()).expect("loads");
    let (eqs, complete) = solve_ok("docs/format.md complete example", &tree, &Options::default());
    assert!(complete);
    assert_eq!(payoffs(&eqs[0]), ["2/3", "8/3"]);
}
