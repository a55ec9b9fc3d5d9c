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

/// A `.efg` with `sides` information sets of player 2 below a root of `sides` actions: set `k` has
/// `widths[k % widths.len()]` actions (sets of one width share their list), and the leaves have
/// integer payoffs.
fn shared_lists_efg(sides: usize, widths: &[usize]) -> String {
    let root: String = (1..=sides).map(|k| format!("\"x{k}\" ")).collect();
    let mut text = format!("EFG 2 R \"shared\" {{ \"P1\" \"P2\" }}\n\"\"\np \"\" 1 1 \"\" {{ {root}}} 0\n");
    let mut o = 0;
    for side in 0..sides {
        let wide = widths[side % widths.len()];
        let acts: String = (1..=wide).map(|k| format!("\"w{k}\" ")).collect();
        text += &format!("p \"\" 2 {} \"\" {{ {acts}}} 0\n", side + 1);
        for k in 0..wide {
            o += 1;
            text +=
                &format!("t \"\" {o} \"o{o}\" {{ {}, {} }}\n", (k * 7 + side) % 5, (k * 3 + 2 * side) % wide);
        }
    }
    text
}

/// `solve`'s JSON is exactly serde_json's pretty text of itself, parsed and printed again: the
/// streamed writer and the templates it writes repeated parts from (action lists shared by several
/// information sets, rows of pure strategies up to 64 actions wide in trees of many information
/// sets, the others written as they are) give the bytes of the plain document at every depth.
#[test]
fn solve_json_is_serde_jsons_own_pretty_text() {
    let mut cases: Vec<(Vec<&str>, Option<String>)> = vec![
        (vec!["solve", "examples/entry.ron", "--format", "json"], None),
        (vec!["solve", "salami", "--set", "n=10", "--set", "s=1/10", "--format", "json"], None),
        (vec!["solve", "inspection", "--format", "json"], None),
        (vec!["solve", "examples/imperfect-matching.ron", "--format", "json"], None),
        (vec!["solve", "examples/centipede6.ron", "--format", "json", "--float"], None),
    ];
    // 2 information sets below the root, and 256 (enough for the rows' templates, see
    // `render::PURE_ROW_TEMPLATES_FROM`; the root's row, 256 actions wide, is written as it is).
    for (sides, widths) in
        [(2, &[3][..]), (256, &[3]), (256, &[64]), (256, &[65]), (2, &[65]), (300, &[2, 3, 64, 65])]
    {
        for float in [false, true] {
            let mut args = vec!["solve", "-", "--input-format", "efg", "--format", "json"];
            if float {
                args.push("--float");
            }
            cases.push((args, Some(shared_lists_efg(sides, widths))));
        }
    }
    for (args, stdin) in &cases {
        let out = run(args, stdin.as_deref());
        let text = String::from_utf8(out).expect("UTF-8");
        let again = serde_json::to_string_pretty(&json(text.as_bytes())).expect("serializes") + "\n";
        assert!(text == again, "{args:?}: the output differs from its canonical pretty text:\n{text}");
    }
}

/// The exact pure rows written from templates hold what the decimals, written as they are, say: the
/// same action chosen at every information set, on a tree with enough sets for the templates and
/// rows of several widths.
#[test]
fn templated_behaviour_rows_agree_with_the_decimals() {
    let game = shared_lists_efg(300, &[2, 3, 64, 65]);
    let args = ["solve", "-", "--input-format", "efg", "--format", "json"];
    let exact = json(&run(&args, Some(&game)));
    let float = json(&run(&[&args[..], &["--float"]].concat(), Some(&game)));
    let rows = |doc: &Value, parse: fn(&str) -> f64| -> Vec<Vec<Vec<f64>>> {
        let players = doc["equilibria"][0]["behavior"].as_array().expect("behaviour per player");
        players
            .iter()
            .map(|sets| {
                let sets = sets.as_array().expect("rows");
                sets.iter()
                    .map(|row| {
                        row.as_array()
                            .expect("a row")
                            .iter()
                            .map(|p| parse(p.as_str().expect("text")))
                            .collect()
                    })
                    .collect()
            })
            .collect()
    };
    let exact_rows = rows(&exact, |p| match p {
        "0" => 0.0,
        "1" => 1.0,
        other => panic!("a pure row holds 0 and 1, not {other}"),
    });
    let float_rows = rows(&float, |p| p.parse().expect("a decimal"));
    assert_eq!(exact_rows.iter().map(Vec::len).sum::<usize>(), 301);
    assert_eq!(exact_rows, float_rows);
}
