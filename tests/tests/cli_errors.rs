//! The CLI on bad input: each case pins the exact message on stderr, an empty stdout and the exit
//! code (2 for usage and input errors, 3 for a limit).
//!
//! Messages name the place as `error: FILE:LINE:COL: message` (SPEC §6). Each bad game is written
//! to a temporary folder and the binary runs there, so the file name in the message is short.
//! Build the binary first: `cargo build -p redline`.

use std::path::Path;

use assert_cmd::Command;
use redline_tests::{redline_bin, workspace_root};

/// Runs `redline ARGS` in `dir` and checks the exit code and the whole of stderr.
fn check_in(dir: &Path, args: &[&str], code: i32, stderr: &str) {
    Command::new(redline_bin())
        .args(args)
        .current_dir(dir)
        .assert()
        .code(code)
        .stdout("")
        .stderr(format!("{stderr}\n"));
}

/// Writes `contents` to `name` in a fresh temporary folder and runs `redline solve NAME EXTRA...`.
fn check_file(name: &str, contents: &[u8], extra: &[&str], code: i32, stderr: &str) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join(name), contents).expect("writable");
    let mut args = vec!["solve", name];
    args.extend_from_slice(extra);
    check_in(dir.path(), &args, code, stderr);
}

/// A bad game in `bad.ron`: exit code 2 and this message.
fn bad_game(contents: &str, stderr: &str) {
    check_file("bad.ron", contents.as_bytes(), &[], 2, stderr);
}

/// Runs on the examples from the workspace root.
fn check_example(args: &[&str], code: i32, stderr: &str) {
    check_in(&workspace_root(), args, code, stderr);
}

#[test]
fn malformed_numbers() {
    bad_game(
        r#"Game(players: ["A"], root: Leaf([1.2.3]))"#,
        "error: bad.ron:1:37: expected `,` or `]`, found `.`",
    );
    bad_game(
        r#"Game(players: ["A"], root: Leaf(["1.2.3"]))"#,
        "error: bad.ron:1:35: a payoff: `1.2.3` is not a number",
    );
    bad_game(
        r#"Game(players: ["A"], root: Leaf([1e]))"#,
        "error: bad.ron:1:36: expected a digit in the exponent, found `]`",
    );
    bad_game(
        r#"Game(players: ["A"], root: Leaf([12abc]))"#,
        "error: bad.ron:1:36: expected a separator after the number, found `a`",
    );
    bad_game(
        r#"Game(players: ["A"], root: Leaf(["1/0"]))"#,
        "error: bad.ron:1:34: a payoff: division by zero in `1/0`",
    );
}

#[test]
fn unknown_parameter_in_set_with_suggestion() {
    check_example(
        &["solve", "examples/entry.ron", "--set", "cc=2"],
        2,
        "error: examples/entry.ron: unknown parameter `cc` (did you mean `c`?)",
    );
    check_example(
        &["solve", "examples/entry.ron", "--set", "zeta=2"],
        2,
        "error: examples/entry.ron: unknown parameter `zeta`",
    );
}

#[test]
fn unknown_parameter_in_expression() {
    bad_game(
        r#"Game(players: ["A"], parameters: {"cost": 1}, root: Leaf(["cots + 1"]))"#,
        "error: bad.ron:1:59: unknown parameter `cots` in a payoff `cots + 1` (did you mean `cost`?)",
    );
}

#[test]
fn chance_probabilities_that_do_not_sum_to_one() {
    bad_game(
        "Game(players: [\"A\"],\n  root: Chance(outcomes: { \"h\": (\"1/2\", Leaf([1])), \"t\": (\"2/5\", Leaf([0])) }))",
        "error: bad.ron:2:9: chance probabilities sum to 9/10, not 1",
    );
}

#[test]
fn negative_probability() {
    bad_game(
        "Game(players: [\"A\"],\n  root: Chance(outcomes: { \"h\": (\"-1/2\", Leaf([1])), \"t\": (\"3/2\", Leaf([0])) }))",
        "error: bad.ron:2:9: chance probability of `h` is -1/2, outside [0, 1]",
    );
}

#[test]
fn parameter_out_of_its_range() {
    check_example(
        &["solve", "examples/chance-signal.ron", "--set", "p=3/2"],
        2,
        "error: examples/chance-signal.ron: parameter `p` = 3/2 is out of range: it must be at most 1",
    );
}

#[test]
fn wrong_number_of_payoffs() {
    bad_game(
        r#"Game(players: ["A", "B"], root: Leaf([1]))"#,
        "error: bad.ron:1:38: a leaf needs 2 payoffs (one per player), found 1",
    );
}

#[test]
fn duplicate_action_labels() {
    bad_game(
        r#"Game(players: ["A"], root: Decision(player: "A", actions: {"x": Leaf([1]), "x": Leaf([2])}))"#,
        "error: bad.ron:1:76: action label `x` is used twice at one node",
    );
}

#[test]
fn empty_action_list() {
    bad_game(
        r#"Game(players: ["A"], root: Decision(player: "A", actions: {}))"#,
        "error: bad.ron:1:59: a node needs at least one action",
    );
}

#[test]
fn flat_form_dangling_id_and_cycle() {
    bad_game(
        r#"Game(players: ["A"], nodes: [(id: "r", node: Decision(player: "A", actions: {"l": "zz"}))])"#,
        "error: bad.ron:1:83: node id `zz` is not defined",
    );
    bad_game(
        "Game(players: [\"A\"], nodes: [\n    (id: \"r\", node: Decision(player: \"A\", actions: {\"l\": \"r\"})),\n])",
        "error: bad.ron:2:58: node `r` is used as a child twice (a cycle or a shared subtree; a tree needs each node once)",
    );
}

#[test]
fn unknown_player() {
    bad_game(
        r#"Game(players: ["Attacker", "Defender"], root: Decision(player: "Defnder", actions: {"x": Leaf([1, 2])}))"#,
        "error: bad.ron:1:64: unknown player `Defnder` (did you mean `Defender`?)",
    );
}

#[test]
fn unterminated_string() {
    bad_game(r#"Game(players: ["A], root: Leaf([1]))"#, "error: bad.ron:1:16: unterminated string");
}

#[test]
fn invalid_utf8() {
    // `café` in Latin-1: the byte 0xE9 is not UTF-8. The column is that of the bad byte.
    check_file(
        "latin1.ron",
        b"Game(title: \"caf\xe9\", players: [\"A\"], root: Leaf([1]))",
        &[],
        2,
        "error: latin1.ron:1:17: the file is not valid UTF-8 text",
    );
}

#[test]
fn unknown_file_extension() {
    check_file(
        "game.txt",
        br#"Game(players: ["A"], root: Leaf([1]))"#,
        &[],
        2,
        "error: game.txt: unknown file type `.txt` (expected .ron, .json, .efg or .nfg)",
    );
}

#[test]
fn nonexistent_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    check_in(
        dir.path(),
        &["solve", "missing.ron"],
        2,
        "error: cannot read missing.ron: No such file or directory (os error 2)",
    );
}

#[test]
fn unknown_model_with_suggestion() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    check_in(dir.path(), &["solve", "salmi"], 2, "error: unknown model `salmi` (did you mean `salami`?)");
    check_in(dir.path(), &["models", "salmi"], 2, "error: unknown model `salmi` (did you mean `salami`?)");
}

#[test]
fn lp_on_a_general_sum_tree_names_lcp() {
    check_example(
        &["solve", "examples/entry.ron", "--method", "lp"],
        2,
        "error: examples/entry.ron: lp cannot solve this game: the payoffs are not zero-sum (or constant-sum) \
         at every leaf; use `--method lcp` for general-sum two-player games",
    );
}

#[test]
fn malformed_set() {
    check_example(
        &["solve", "examples/entry.ron", "--set", "rho"],
        2,
        "error: --set rho: expected NAME=VALUE",
    );
    check_example(
        &["solve", "examples/entry.ron", "--set", "c=abc"],
        2,
        "error: --set c=abc: `abc` is not a number (write an integer, a decimal such as 0.25 or 1e-3, \
         or a fraction such as 2/3)",
    );
}

#[test]
fn node_limit_exits_with_3() {
    check_example(
        &["solve", "examples/chain-store3.ron", "--max-nodes", "3"],
        3,
        "error: examples/chain-store3.ron: the game has more than 3 nodes (raise the limit with --max-nodes)",
    );
}

#[test]
fn node_limit_applies_to_built_in_models() {
    check_example(
        &["solve", "salami", "--max-nodes", "10"],
        3,
        "error: salami: the game has more than 10 nodes (raise the limit with --max-nodes)",
    );
}

#[test]
fn time_limit_stops_any_command_with_exit_3() {
    // A million-point sweep takes far longer than half a second.
    check_example(
        &[
            "sweep",
            "reciprocity",
            "--param",
            "rho=0..20:1000",
            "--param",
            "mu=1..6:1000",
            "-q",
            "--time-limit",
            "0.5",
        ],
        3,
        "error: time limit of 0.5 s reached before the command finished (raise --time-limit)",
    );
    check_example(
        &["solve", "examples/entry.ron", "--time-limit", "0"],
        2,
        "error: --time-limit 0: must be a positive number of seconds",
    );
    // A quick command under a generous limit is unaffected.
    Command::new(redline_bin())
        .args(["solve", "examples/entry.ron", "--time-limit", "60", "-q"])
        .current_dir(workspace_root())
        .assert()
        .success();
}

/// `redline ... | head`: when the reader of standard output goes away, every command stops quietly
/// with exit code 0 (no panic, nothing on stderr), in text and in JSON. The output of a 3,000-node
/// tree is larger than a pipe's buffer, so the write fails even if it starts before the read end is
/// closed.
#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::process::{Command as Process, Stdio};

    use redline_models::format::efg;
    use redline_tests::{Shape, random_tree};

    let shape = Shape {
        internal_nodes: 1_000,
        min_children: 2,
        max_children: 3,
        n_players: 2,
        chance_percent: 0,
        payoffs: -9..=9,
        max_profiles: u64::MAX,
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("big.efg"), efg::write(&random_tree(5, &shape))).expect("writable");
    let runs: [&[&str]; 6] = [
        &["completions", "bash"],
        &["completions", "zsh"],
        &["solve", "big.efg"],
        &["solve", "big.efg", "--format", "json"],
        &["convert", "big.efg", "-"],
        &["solve", "big.efg", "--format", "json", "--time-limit", "60"],
    ];
    for args in runs {
        let mut child = Process::new(redline_bin())
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("redline runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("redline ends");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}
