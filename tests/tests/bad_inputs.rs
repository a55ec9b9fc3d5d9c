//! Hostile and malformed inputs (`tests/bad/`): every file is refused with exit code 2, nothing on
//! standard output, and one precise message naming the file (and, for syntax and most semantic
//! errors, the line and column). The messages are pinned in `tests/golden/bad/solve.txt`: review
//! the diff after `UPDATE_GOLDEN=1` as you would review any change of a user-facing message.

use std::fmt::Write as _;
use std::process::Command;

use redline_tests::{golden, redline_bin, workspace_root};

/// The files of `tests/bad`, sorted.
fn bad_files() -> Vec<String> {
    let dir = workspace_root().join("tests/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/bad exists")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_bad_file_is_refused_with_its_place() {
    let names = bad_files();
    assert!(
        names.len() >= 60,
        "tests/bad holds {} files; the reliability issue asks for at least 60",
        names.len()
    );
    let dir = workspace_root().join("tests/bad");
    let mut report = String::new();
    for name in &names {
        let out = Command::new(redline_bin()).args(["solve", name]).current_dir(&dir).output().expect("runs");
        let stderr = String::from_utf8(out.stderr).expect("messages are UTF-8 even for non-UTF-8 input");
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: printed something on standard output");
        assert!(
            stderr.starts_with(&format!("error: {name}")),
            "{name}: the message must name the file: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: one line per error: {stderr}");
        let _ = write!(report, "{name}\n  {stderr}");
    }
    golden("golden/bad/solve.txt", &report);
}

/// Inputs too big to keep in the repository are written on the fly.
#[test]
fn huge_and_deep_inputs_are_refused_cleanly() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = |name: &str, contents: &[u8]| -> (Option<i32>, String) {
        std::fs::write(dir.path().join(name), contents).expect("writable");
        let out =
            Command::new(redline_bin()).args(["solve", name]).current_dir(dir.path()).output().expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // A 10-million-character label is legal text, so it must solve (not crash, not hang).
    let label = "x".repeat(10_000_000);
    let text = format!(
        "Game(players: [\"A\"], root: Decision(player: \"A\", actions: {{\"{label}\": Leaf([1]), \"b\": Leaf([0])}}))"
    );
    let (code, stderr) = run("long-label.ron", text.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    // 100,000 nested lists: refused with a position, no stack overflow.
    let nested =
        format!("Game(players: [\"A\"], root: Leaf({}{}))", "[".repeat(100_000), "]".repeat(100_000));
    let (code, stderr) = run("nested.ron", nested.as_bytes());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.starts_with("error: nested.ron:1:"), "{stderr}");
    // 100,000 nested decision nodes are a legal (deep) tree: solved without recursion.
    let mut deep = String::from("Game(players: [\"A\"], root: ");
    for _ in 0..100_000 {
        deep.push_str("Decision(player: \"A\", actions: {\"stop\": Leaf([0]), \"go\": ");
    }
    deep.push_str("Leaf([1])");
    deep.push_str(&"})".repeat(100_000));
    deep.push(')');
    let (code, stderr) = run("deep.ron", deep.as_bytes());
    assert!(code == Some(0) || code == Some(2), "{stderr}");
    assert!(!stderr.contains("overflow") && !stderr.contains("panicked"), "{stderr}");
    if code == Some(2) {
        assert!(stderr.starts_with("error: deep.ron:1:"), "a depth limit must name its place: {stderr}");
    }
}
