//! The README's example is real: `redline solve salami` prints what README.md shows.

use redline_tests::{golden, redline_bin, workspace_root};

#[test]
fn readme_salami_example_matches_the_binary() {
    let out = std::process::Command::new(redline_bin())
        .args(["solve", "salami"])
        .current_dir(workspace_root())
        .output()
        .expect("the redline binary runs");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("output is UTF-8");
    golden("golden/readme/salami.solve.txt", &stdout);
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md exists");
    let block = readme
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README.md shows the output in a ```text block");
    for line in block.lines().filter(|l| !l.trim().is_empty() && l.trim() != "…") {
        assert!(stdout.lines().any(|s| s == line), "README line not in the output: {line:?}");
    }
}
