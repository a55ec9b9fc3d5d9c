//! Every JSON output carries a `schema` version, and its shape is pinned here: the golden files in
//! `tests/golden/schema/` list every key path with its JSON type, so adding, removing or retyping a
//! field fails this test until the golden file is re-recorded (`UPDATE_GOLDEN=1`) and, for a
//! breaking change, the schema version is raised.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use redline_tests::{golden_check, redline_bin, workspace_root};
use serde_json::Value;

/// Every `path: type` of a JSON value; array items share the path `[]`, object keys are in order.
fn shape(v: &Value, path: &str, out: &mut BTreeSet<String>) {
    let ty = match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(items) => {
            for item in items {
                shape(item, &format!("{path}[]"), out);
            }
            "array"
        }
        Value::Object(map) => {
            for (k, x) in map {
                shape(x, &format!("{path}.{k}"), out);
            }
            "object"
        }
    };
    out.insert(format!("{} {ty}", if path.is_empty() { "." } else { path }));
}

fn run(args: &[&str], stdin: Option<&str>) -> Vec<u8> {
    let mut child = Command::new(redline_bin())
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("redline runs");
    let mut pipe = child.stdin.take().expect("a pipe");
    pipe.write_all(stdin.unwrap_or_default().as_bytes()).expect("writes");
    drop(pipe);
    child.wait_with_output().expect("finishes").stdout
}

fn pin(name: &str, docs: &[Value], schema: &str) {
    let mut lines = BTreeSet::new();
    for d in docs {
        assert_eq!(d["schema"], schema, "{name}: {d}");
        shape(d, "", &mut lines);
    }
    let text: String =
        std::iter::once(format!("schema {schema}\n")).chain(lines.into_iter().map(|l| l + "\n")).collect();
    if let Err(e) = golden_check(&format!("golden/schema/{name}.txt"), &text) {
        panic!("{e}");
    }
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON output")
}

#[test]
fn solve_schema() {
    let docs = [
        json(&run(&["solve", "examples/entry.ron", "--format", "json"], None)),
        json(&run(&["solve", "salami", "--set", "n=10", "--set", "s=1/10", "--format", "json"], None)),
        json(&run(&["solve", "inspection", "--format", "json"], None)),
    ];
    pin("solve", &docs, "redline/solve/1");
}

#[test]
fn threshold_schema() {
    let docs = [json(&run(&["threshold", "commitment", "--param", "rho", "--format", "json"], None))];
    pin("threshold", &docs, "redline/threshold/1");
}

#[test]
fn sweep_schema() {
    let docs =
        [json(&run(&["sweep", "commitment", "--param", "rho=0..4:3", "--format", "json", "-q"], None))];
    pin("sweep", &docs, "redline/sweep/1");
}

#[test]
fn check_schema() {
    let dir = tempfile::tempdir().expect("a folder");
    let file = dir.path().join("c.ron");
    std::fs::write(
        &file,
        r#"[(name: "ok", game: "salami", expect: (equilibria: 1)),
            (name: "drift", game: "salami", expect: (payoffs: ["1", "0"])),
            (name: "error", game: "nosuch", expect: (equilibria: 1))]"#,
    )
    .expect("writes");
    let docs = [json(&run(&["check", file.to_str().expect("UTF-8 path"), "--format", "json"], None))];
    pin("check", &docs, "redline/check/1");
}

#[test]
fn batch_schema() {
    let out = run(&["batch"], Some("{\"id\": 1, \"game\": \"salami\"}\n{\"game\": \"nosuch\"}\n"));
    let docs: Vec<Value> =
        String::from_utf8(out).expect("UTF-8").lines().map(|l| json(l.as_bytes())).collect();
    // The `result` is a solve or threshold document, pinned by its own schema: only the envelope here.
    let envelopes: Vec<Value> = docs
        .into_iter()
        .map(|mut d| {
            if let Some(r) = d.get_mut("result") {
                *r = Value::String(r["schema"].as_str().unwrap_or_default().to_string());
            }
            d
        })
        .collect();
    pin("batch", &envelopes, "redline/batch/1");
}

#[test]
fn solve_sequential_schema() {
    let docs = [json(&run(
        &["solve", "tests/games/salami-b2-n2.ron", "--method", "sequential", "--format", "json"],
        None,
    ))];
    pin("solve-sequential", &docs, "redline/solve/1");
}

/// A `.efg` with two information sets sharing a list of `wide` actions below a two-action root, and
/// leaves with integer payoffs.
fn shared_lists_efg(wide: usize) -> String {
    let acts: String = (1..=wide).map(|k| format!("\"w{k}\" ")).collect();
    let mut text =
        String::from("EFG 2 R \"shared\" { \"P1\" \"P2\" }\n\"\"\np \"\" 1 1 \"\" { \"x\" \"y\" } 0\n");
    for side in 0..2 {
        text += &format!("p \"\" 2 {} \"\" {{ {acts}}} 0\n", side + 1);
        for k in 0..wide {
            let o = side * wide + k + 1;
            text +=
                &format!("t \"\" {o} \"o{o}\" {{ {}, {} }}\n", (k * 7 + side) % 5, (k * 3 + 2 * side) % wide);
        }
    }
    text
}

/// `solve`'s JSON is exactly serde_json's pretty text of itself, parsed and printed again: the
/// streamed writer and the templates it writes repeated parts from (action lists shared by several
/// information sets, rows of pure strategies up to 64 actions wide, wider ones written as they are)
/// give the bytes of the plain document at every depth.
#[test]
fn solve_json_is_serde_jsons_own_pretty_text() {
    let mut cases: Vec<(Vec<&str>, Option<String>)> = vec![
        (vec!["solve", "examples/entry.ron", "--format", "json"], None),
        (vec!["solve", "salami", "--set", "n=10", "--set", "s=1/10", "--format", "json"], None),
        (vec!["solve", "inspection", "--format", "json"], None),
        (vec!["solve", "examples/imperfect-matching.ron", "--format", "json"], None),
        (vec!["solve", "examples/centipede6.ron", "--format", "json", "--float"], None),
    ];
    for wide in [3, 64, 65] {
        for float in [false, true] {
            let mut args = vec!["solve", "-", "--input-format", "efg", "--format", "json"];
            if float {
                args.push("--float");
            }
            cases.push((args, Some(shared_lists_efg(wide))));
        }
    }
    for (args, stdin) in &cases {
        let out = run(args, stdin.as_deref());
        let text = String::from_utf8(out).expect("UTF-8");
        let again = serde_json::to_string_pretty(&json(text.as_bytes())).expect("serializes") + "\n";
        assert!(text == again, "{args:?}: the output differs from its canonical pretty text:\n{text}");
    }
}
