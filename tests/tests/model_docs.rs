//! Every `redline …` command shown in `docs/models/*.md` runs, and its output is pinned in
//! `tests/golden/models/` (re-record with `UPDATE_GOLDEN=1`), so the worked examples in the model
//! pages stay true.

use redline_tests::{golden, redline_bin, workspace_root};

#[test]
fn model_pages_commands_are_pinned() {
    let dir = workspace_root().join("docs/models");
    let mut pages: Vec<_> =
        std::fs::read_dir(&dir).expect("docs/models exists").flatten().map(|e| e.path()).collect();
    pages.sort();
    let mut count = 0;
    for page in pages.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(page).expect("a readable page");
        let name = page.file_stem().expect("a file name").to_string_lossy().to_string();
        let commands: Vec<&str> = text.lines().map(str::trim).filter(|l| l.starts_with("redline ")).collect();
        assert!(!commands.is_empty(), "{name}.md shows no `redline …` command");
        for (k, cmd) in commands.iter().enumerate() {
            let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
            let out = std::process::Command::new(redline_bin())
                .args(&args)
                .current_dir(workspace_root())
                .output()
                .expect("the redline binary runs");
            assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
            let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
            golden(&format!("golden/models/{name}.{k}.txt"), &format!("$ {cmd}\n{stdout}"));
            count += 1;
        }
    }
    assert!(count >= 6, "every model page has a worked example");
}
