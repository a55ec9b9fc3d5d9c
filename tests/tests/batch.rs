//! `redline batch`: one answer per job line, in input order, bad jobs isolated on their own lines,
//! results identical to `redline solve/threshold --format json`, and the output the same byte for
//! byte whatever the number of threads.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use redline_tests::{redline_bin, workspace_root};
use serde_json::Value;

fn batch(input: &str, threads: &str) -> Output {
    let mut child = Command::new(redline_bin())
        .arg("batch")
        .current_dir(workspace_root())
        .env("RAYON_NUM_THREADS", threads)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("redline runs");
    let mut stdin = child.stdin.take().expect("a pipe");
    let text = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("redline finishes");
    writer.join().expect("the writer ends").expect("input written");
    out
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

#[test]
fn keeps_order_and_isolates_bad_jobs() {
    let input = [
        r#"{"id": 1, "game": "salami"}"#,
        r#"{"id": "two", "game": "salami", "set": {"n": 1, "s": "3/4"}}"#,
        "not json",
        "",
        r#"{"id": 4, "game": "nosuch"}"#,
        r#"{"id": 5, "game": "commitment", "threshold": {"param": "rho", "from": "0", "to": "10"}}"#,
        r#"{"id": 6, "game": "salami", "set": {"s": "x"}}"#,
        r#"{"id": 7, "game": "inspection", "method": "pure"}"#,
        r#"{"id": 8, "game": "salami", "colour": "red"}"#,
        r#"[1, 2]"#,
        r#"{"id": 10, "game": "examples/entry.ron", "set": {"c": "1/2"}}"#,
    ]
    .join("\n");
    let out = batch(&input, "2");
    assert_eq!(out.status.code(), Some(1), "some jobs failed: {}", String::from_utf8_lossy(&out.stderr));
    let got = lines(&out);
    let line_numbers: Vec<u64> = got.iter().map(|v| v["line"].as_u64().expect("a line number")).collect();
    assert_eq!(line_numbers, [1, 2, 3, 5, 6, 7, 8, 9, 10, 11], "blank line 4 has no answer");
    assert!(got.iter().all(|v| v["schema"] == "redline/batch/1"));
    let exits: Vec<u64> = got.iter().map(|v| v["exit"].as_u64().expect("an exit code")).collect();
    assert_eq!(exits, [0, 0, 2, 2, 0, 2, 1, 2, 2, 0]);
    assert_eq!(got[0]["id"], 1);
    assert_eq!(got[0]["result"]["equilibria"][0]["regime"], "peace after 2 slices");
    assert_eq!(got[1]["id"], "two");
    assert_eq!(got[1]["result"]["equilibria"][0]["payoffs"], serde_json::json!(["3/10", "2/5"]));
    assert!(got[2]["error"].as_str().expect("an error").starts_with("not a JSON object"), "{}", got[2]);
    assert!(got[3]["error"].as_str().expect("an error").contains("nosuch"), "{}", got[3]);
    assert_eq!(got[4]["result"]["schema"], "redline/threshold/1");
    assert!(got[5]["error"].as_str().expect("an error").contains("--set s=x"), "{}", got[5]);
    assert_eq!(got[6]["result"]["equilibria"], serde_json::json!([]), "no pure equilibrium: exit 1");
    assert!(got[7]["error"].as_str().expect("an error").contains("unknown key `colour`"), "{}", got[7]);
    assert!(got[8]["error"].as_str().expect("an error").starts_with("a job must be a JSON object"));
    assert_eq!(got[9]["result"]["game"]["parameters"]["c"], "1/2");
}

#[test]
fn results_are_what_solve_and_threshold_print() {
    let out = batch(
        "{\"game\": \"reciprocity\", \"set\": {\"lambda\": \"2/3\"}, \"all\": true}\n\
         {\"game\": \"reciprocity\", \"threshold\": {\"param\": \"rho\", \"from\": 0, \"to\": 20}}\n",
        "1",
    );
    let got = lines(&out);
    let cli = |args: &[&str]| -> Value {
        let o = Command::new(redline_bin()).args(args).current_dir(workspace_root()).output().expect("runs");
        serde_json::from_slice(&o.stdout).expect("JSON")
    };
    assert_eq!(
        got[0]["result"],
        cli(&["solve", "reciprocity", "--set", "lambda=2/3", "--all", "--format", "json"])
    );
    let t = cli(&[
        "threshold",
        "reciprocity",
        "--param",
        "rho",
        "--from",
        "0",
        "--to",
        "20",
        "--format",
        "json",
        "--decimals",
        "12",
    ]);
    assert_eq!(got[1]["result"], t);
}

#[test]
fn one_and_two_threads_give_byte_identical_output() {
    let mut input = String::new();
    let models = [
        "salami",
        "commitment",
        "reciprocity",
        "credibility",
        "escalation",
        "inspection",
        "commitment-volatile",
        "inspection-zero-sum",
    ];
    for k in 0..300 {
        let m = models[k % models.len()];
        match k % 7 {
            0 => input.push_str(&format!("{{\"id\": {k}, \"game\": \"{m}\", \"set\": {{\"nope\": 1}}}}\n")),
            3 if m == "commitment" => input.push_str(&format!(
                "{{\"id\": {k}, \"game\": \"{m}\", \"threshold\": {{\"param\": \"rho\"}}}}\n"
            )),
            _ => input.push_str(&format!("{{\"id\": {k}, \"game\": \"{m}\"}}\n")),
        }
    }
    let one = batch(&input, "1");
    let two = batch(&input, "2");
    assert_eq!(one.stdout.iter().filter(|&&b| b == b'\n').count(), 300);
    assert!(one.stdout == two.stdout, "the output depends on the thread count");
}

#[test]
fn every_game_kind_goes_through_batch() {
    // Repeated games, Stackelberg commitments, sequence-form solves of trees and thresholds of a
    // repeated doctrine: each answered with its own schema, in order.
    let input = [
        r#"{"id": "r", "game": "ceasefire", "set": {"delta": "3/4"}}"#,
        r#"{"id": "s", "game": "inspection", "method": "stackelberg"}"#,
        r#"{"id": "q", "game": "examples/imperfect-matching.ron", "method": "lp"}"#,
        r#"{"id": "t", "game": "ceasefire", "threshold": {"param": "delta"}}"#,
    ]
    .join("\n");
    let out = batch(&input, "2");
    let got = lines(&out);
    let schemas: Vec<&str> = got.iter().map(|v| v["result"]["schema"].as_str().unwrap_or("none")).collect();
    assert_eq!(schemas, ["redline/repeated/1", "redline/solve/1", "redline/solve/1", "redline/threshold/1"]);
    assert_eq!(got[0]["result"]["subgame_perfect"], Value::Bool(true));
    assert_eq!(got[2]["result"]["equilibria"][0]["payoffs"][0], "1/2");
    assert_eq!(got[3]["result"]["thresholds"][0]["value"], "1/2");
}
