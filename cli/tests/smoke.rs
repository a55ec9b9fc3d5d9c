//! Smoke tests of the binary itself. Besides checking the basics, this file makes
//! `cargo test --workspace` build the `redline` binary (Cargo builds a package's binaries for its
//! integration tests), which the end-to-end tests in the `redline-tests` crate run.

use std::process::Command;

fn redline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_redline")).args(args).output().expect("the binary runs")
}

#[test]
fn version_and_help() {
    let out = redline(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("redline "));
    assert!(redline(&["--help"]).status.success());
}

#[test]
fn solves_the_readme_model() {
    let out = redline(&["solve", "salami", "-q"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(text.contains("payoffs:  Defender 1/2, Challenger 1/2"), "{text}");
    assert!(text.contains("regime:   peace after 2 slices"), "{text}");
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(redline(&["solve"]).status.code(), Some(2));
    assert_eq!(redline(&["solve", "no-such-model"]).status.code(), Some(2));
}
