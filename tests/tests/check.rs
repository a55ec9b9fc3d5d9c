//! `redline check`: the project's own expectation suite (`tests/expect/*.ron`, exact oracles from
//! MODELS.md) must hold, a changed parameter must show as DRIFT with the exact diff text, `--update`
//! must rewrite only the drifted values (comments and order kept), and a malformed case must exit 2
//! naming its line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use redline_tests::{redline_bin, workspace_root};

fn redline_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(redline_bin()).args(args).current_dir(dir).output().expect("redline runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8 output")
}

fn expectation_files() -> Vec<String> {
    let dir = workspace_root().join("tests/expect");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/expect exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| format!("tests/expect/{}", p.file_name().expect("a name").to_string_lossy()))
        .collect();
    files.sort();
    files
}

/// A scratch folder with one expectation file in it.
fn scratch(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("writes");
    (dir, path)
}

#[test]
fn the_expectation_suite_over_every_built_in_model_holds() {
    let files = expectation_files();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = redline_in(&workspace_root(), &args);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let (summary, cases) = stdout.trim_end().rsplit_once('\n').map(|(c, s)| (s, c)).expect("a summary line");
    assert!(cases.lines().all(|l| l.starts_with("ok ")), "{stdout}");
    assert!(summary.ends_with(" ok, 0 drift, 0 error"), "{summary}");
    // Every built-in model appears in at least one case.
    let all: String =
        files.iter().map(|f| std::fs::read_to_string(workspace_root().join(f)).expect("reads")).collect();
    let models = text(&redline_in(&workspace_root(), &["models"]).stdout);
    for line in models.lines().skip(1).take_while(|l| !l.trim().is_empty()) {
        let name = line.split_whitespace().next().expect("a model name");
        assert!(all.contains(&format!("game: \"{name}\"")), "no expectation covers the model `{name}`");
    }
}

const DRIFTING: &str = r#"// Salami at its defaults, but with coarse slices: the values below are the defaults' answer.
[
    (
        name: "coarse slices",
        game: "salami",
        set: {"n": "1", "s": "3/4"},
        expect: (
            payoffs: ["1/2", "1/2"], // defender, challenger
            path: ["slice", "accept", "slice", "accept", "stop"],
            regime: "peace after 2 slices",
            equilibria: 1,
        ),
    ),
    (
        name: "rho thresholds of the commitment game",
        game: "commitment",
        threshold: (param: "rho", from: "0", to: "10"),
        expect: (thresholds: ["1", "2", "3"]), // 2 is wrong on purpose
    ),
]
"#;

#[test]
fn a_changed_parameter_drifts_with_the_exact_diff() {
    let (dir, _) = scratch("drift.ron", DRIFTING);
    let out = redline_in(dir.path(), &["check", "drift.ron"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "DRIFT  drift.ron:3:5  coarse slices
         Defender's payoff moved from 1/2 to 3/10
         Challenger's payoff moved from 1/2 to 2/5
         path changed from slice > accept > slice > accept > stop to slice > war
         regime changed from \"peace after 2 slices\" to \"war at slice 1\"
DRIFT  drift.ron:14:5  rho thresholds of the commitment game
         threshold rho = 2 vanished
1 cases: 0 ok, 2 drift, 0 error
"
        .replace("1 cases", "2 cases")
    );
}

#[test]
fn a_threshold_that_appears_is_named() {
    let file = r#"[(name: "t", game: "commitment", threshold: (param: "rho"), expect: (thresholds: ["3"]))]"#;
    let (dir, _) = scratch("t.ron", file);
    let out = redline_in(dir.path(), &["check", "t.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("         threshold rho = 1 appeared\n"), "{}", text(&out.stdout));
}

#[test]
fn update_rewrites_only_what_drifted_and_keeps_comments() {
    let (dir, path) = scratch("drift.ron", DRIFTING);
    let out = redline_in(dir.path(), &["check", "drift.ron", "--update"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let expected = DRIFTING
        .replace(r#"payoffs: ["1/2", "1/2"]"#, r#"payoffs: ["3/10", "2/5"]"#)
        .replace(r#"path: ["slice", "accept", "slice", "accept", "stop"]"#, r#"path: ["slice", "war"]"#)
        .replace(r#"regime: "peace after 2 slices""#, r#"regime: "war at slice 1""#)
        .replace(r#"thresholds: ["1", "2", "3"]"#, r#"thresholds: ["1", "3"]"#);
    assert_eq!(std::fs::read_to_string(&path).expect("reads"), expected);
    assert!(text(&out.stdout).contains("updated drift.ron: 4 values rewritten"), "{}", text(&out.stdout));
    // Now it holds, and a second update changes nothing.
    assert_eq!(redline_in(dir.path(), &["check", "drift.ron"]).status.code(), Some(0));
    redline_in(dir.path(), &["check", "drift.ron", "--update"]);
    assert_eq!(std::fs::read_to_string(&path).expect("reads"), expected);
}

#[test]
fn a_malformed_case_exits_2_naming_its_line() {
    let cases: [(&str, &str); 5] = [
        (
            "[\n  (name: \"a\", game: \"salami\",\n   expect: (paypffs: [\"1\"])),\n]",
            "bad.ron:3:13: unknown field `paypffs` (expected one of: payoffs, path, regime, equilibria); did you mean `payoffs`?",
        ),
        (
            "[(name: \"a\", game: \"salami\", expect: (payoffs: [\"1/0\"]))]",
            "bad.ron:1:49: `payoffs`: `1/0` divides by zero",
        ),
        ("[(name: \"a\", game: \"salami\", expect: (payoffs: [\"1\"]]", "bad.ron:1:"),
        (
            "[(name: \"a\", game: \"salami\", expect: (payoffs: [\"~1\"]))]",
            "bad.ron:1:48: `~` values need the case's `tolerance`",
        ),
        (
            "[(name: \"a\", game: \"salami\", repeated: (), expect: (payoffs: []))]",
            "bad.ron:1:30: there is no `repeated` case kind: pin a doctrine's δ-intervals with a threshold case",
        ),
    ];
    for (file, message) in cases {
        let (dir, _) = scratch("bad.ron", file);
        let out = redline_in(dir.path(), &["check", "bad.ron"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(&format!("error: {message}")), "{file}\n{stderr}");
    }
    // A case that cannot run (an unknown model) is an error of that case, exit 2, the others still run.
    let (dir, _) = scratch(
        "e.ron",
        "[(name: \"x\", game: \"nosuch\", expect: (equilibria: 1)), (name: \"y\", game: \"salami\", expect: (equilibria: 1))]",
    );
    let out = redline_in(dir.path(), &["check", "e.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("error  e.ron:1:2  x\n") && stdout.contains("ok     e.ron:1:56  y\n"),
        "{stdout}"
    );
}

#[test]
fn approximate_values_compare_within_the_stated_tolerance() {
    // 1/3 is within 1e-6 of 0.333333 but not within 1e-9.
    let file = |tol: &str| {
        format!(
            "[(name: \"t\", game: \"salami\", set: {{\"n\": \"3\", \"s\": \"1/3\"}}, tolerance: \"{tol}\", expect: (payoffs: [\"~0.333333\", \"2/3\"]))]"
        )
    };
    let (dir, _) = scratch("a.ron", &file("1e-6"));
    assert_eq!(redline_in(dir.path(), &["check", "a.ron"]).status.code(), Some(0));
    let (dir, _) = scratch("a.ron", &file("1e-9"));
    let out = redline_in(dir.path(), &["check", "a.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("Defender's payoff moved from ~0.333333 to 1/3"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn junit_reports_drift_as_a_failure() {
    let (dir, _) = scratch("drift.ron", DRIFTING);
    let out = redline_in(dir.path(), &["check", "drift.ron", "--junit", "report.xml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).expect("the report is written");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"redline check\" tests=\"2\" failures=\"2\" errors=\"0\">"), "{xml}");
    assert!(
        xml.contains(
            "<failure message=\"drift\" type=\"drift\">Defender&apos;s payoff moved from 1/2 to 3/10\n"
        ),
        "{xml}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(json["schema"], "redline/check/1");
    assert_eq!(json["summary"]["drift"], 2);
}
