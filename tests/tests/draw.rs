//! `redline draw`: golden SVGs for three small trees and one payoff table (reviewed by rendering them
//! to PNG and looking at them), well-formed XML everywhere, no overlapping node boxes on random trees
//! up to 200 nodes, DOT accepted by Graphviz where it is installed, PNG output, slides, and the
//! threshold chart.
//!
//! Re-record the goldens with `UPDATE_GOLDEN=1 cargo test -p redline-tests --test draw` (after
//! `cargo build -p redline`), then render and look at them before committing.

use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use redline_models::format::game::{Syntax, write};
use redline_tests::{Shape, golden, random_tree, redline_bin, workspace_root};

fn redline(args: &[&str]) -> Output {
    Command::new(redline_bin())
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("the redline binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = redline(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Parses `svg` as XML (panicking with the parser's message if it is not well-formed) and returns
/// the boxes `(x, y, width, height)` of its `rect` elements of class `class`.
fn boxes(svg: &str, class: &str) -> Vec<(f64, f64, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let num = |n: &roxmltree::Node, a: &str| -> f64 {
        n.attribute(a).unwrap_or_else(|| panic!("a rect without {a}")).parse().expect("a number")
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some(class))
        .map(|n| (num(&n, "x"), num(&n, "y"), num(&n, "width"), num(&n, "height")))
        .collect()
}

/// The first pair of boxes that overlap, if any.
fn overlap(b: &[(f64, f64, f64, f64)]) -> Option<(usize, usize)> {
    for i in 0..b.len() {
        for j in i + 1..b.len() {
            let (p, q) = (b[i], b[j]);
            if p.0 < q.0 + q.2 && q.0 < p.0 + p.2 && p.1 < q.1 + q.3 && q.1 < p.1 + p.3 {
                return Some((i, j));
            }
        }
    }
    None
}

#[test]
fn tree_goldens() {
    for (name, game) in [
        ("entry", "examples/entry.ron"),
        ("chance-signal", "examples/chance-signal.ron"),
        ("imperfect-matching", "examples/imperfect-matching.ron"),
    ] {
        let svg = ok(&["draw", game]);
        golden(&format!("golden/draw/{name}.svg"), &svg);
        let b = boxes(&svg, "node");
        assert!(b.len() >= 5, "{name}: every node is drawn");
        assert_eq!(overlap(&b), None, "{name}");
    }
}

#[test]
fn entry_marks_the_equilibrium() {
    // Entry deterrence: the incumbent accommodates, so the entrant enters; the path ends at (1, 2).
    let svg = ok(&["draw", "examples/entry.ron"]);
    assert!(svg.contains("payoffs Entrant 1, Incumbent 2"), "{svg}");
    // Two chosen actions (enter, accommodate) are drawn thick, one per player.
    assert_eq!(svg.matches("stroke-width=\"4.5\"").count(), 2, "{svg}");
    // The leaf on the path is highlighted, the others are not.
    assert_eq!(svg.matches("fill=\"#fff3b0\"").count(), 1);
}

#[test]
fn reputation_models_are_drawn_with_their_sequential_equilibrium() {
    // salami-probes is solved by its own method: the caption gives the exact sequential
    // equilibrium's payoffs, the same as `redline solve` (Kreps–Wilson at pi = 1/10).
    let svg = ok(&["draw", "salami-probes"]);
    assert!(
        svg.contains(
            "Sequential equilibrium (exact, verified): payoffs Defender -3/40, Challenger 1 1/10, Challenger 2 3/10, Challenger 3 2/5"
        ),
        "{svg}"
    );
    // On a perfect-information tree the sequential equilibrium is the subgame-perfect one.
    let entry = ok(&["draw", "examples/entry.ron", "--method", "sequential"]);
    assert!(
        entry.contains("Sequential equilibrium (exact, verified): payoffs Entrant 1, Incumbent 2"),
        "{entry}"
    );
    assert_eq!(entry.matches("fill=\"#fff3b0\"").count(), 1);
}

#[test]
fn mixed_choices_are_labelled_with_their_probabilities() {
    // The attacker's route is hidden from the defender: the subgame below the root is solved by
    // the sequence form, and its mixed choices are drawn with their probabilities.
    let out = redline(&["draw", "examples/imperfect-matching.ron"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(svg.matches("class=\"infoset\"").count(), 1, "the information set is joined");
    assert_eq!(svg.matches("[1/2]").count(), 6, "both routes and both guards at 1/2 each: {svg}");
    assert_eq!(svg.matches("stroke-width=\"4.5\"").count(), 1, "only the pure choice (attack) is thick");
}

#[test]
fn trees_spe_cannot_solve_are_drawn_bare_under_auto() {
    // Three players moving at information sets in one subgame: no available method solves the subgame, so `auto` draws
    // the game alone with a warning, and `--method spe` refuses.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let game = r#"Game(
    players: ["A", "B", "C"],
    root: Decision(player: "A", actions: {
        "l": Decision(player: "B", infoset: "h", actions: {
            "x": Decision(player: "C", infoset: "k", actions: {"u": Leaf([1, 0, 0]), "d": Leaf([0, 1, 0])}),
            "y": Leaf([0, 0, 1]),
        }),
        "r": Decision(player: "B", infoset: "h", actions: {
            "x": Leaf([1, 1, 0]),
            "y": Decision(player: "C", infoset: "k", actions: {"u": Leaf([0, 1, 1]), "d": Leaf([1, 0, 1])}),
        }),
    }),
)
"#;
    std::fs::write(dir.path().join("three.ron"), game).expect("writable");
    let path = dir.path().join("three.ron");
    let path = path.to_str().expect("UTF-8 path");
    let out = redline(&["draw", path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("warning: "));
    let svg = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(svg.matches("class=\"infoset\"").count(), 2, "both information sets are joined");
    assert!(!svg.contains("stroke-width=\"4.5\""), "no choice is marked");
    let out = redline(&["draw", path, "--method", "spe"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn table_golden() {
    let svg = ok(&["draw", "inspection"]);
    golden("golden/draw/inspection.svg", &svg);
    assert_eq!(boxes(&svg, "cell").len(), 4);
    // Inspection has no pure equilibrium: no highlighted cell, and the mixed one is listed.
    assert!(!svg.contains("#fff3b0"), "{svg}");
    assert!(svg.contains("Equilibrium 1 of 1"), "{svg}");
}

#[test]
fn pure_equilibrium_cells_are_highlighted() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("pd.nfg");
    // A prisoner's dilemma: (defect, defect) is the one pure equilibrium.
    std::fs::write(
        &path,
        "NFG 1 R \"PD\" { \"A\" \"B\" } { { \"c\" \"d\" } { \"c\" \"d\" } }\n\"\"\n{ { \"\" 3, 3 } { \"\" 5, 0 } { \"\" 0, 5 } { \"\" 1, 1 } }\n1 2 3 4\n",
    )
    .expect("write");
    let svg = ok(&["draw", path.to_str().expect("UTF-8")]);
    boxes(&svg, "cell");
    assert_eq!(svg.matches("fill=\"#fff3b0\"").count(), 1, "{svg}");
    // Each player's best responses are underlined: 2 per player.
    assert_eq!(svg.matches("text-decoration=\"underline\"").count(), 4, "{svg}");
}

#[test]
fn steps_write_one_slide_per_step() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = redline(&["draw", "examples/entry.ron", "--steps", dir.path().to_str().expect("UTF-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "without -o, only the slides are written");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("the folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into())
        .collect();
    names.sort();
    // Two decision nodes: the bare tree, then one slide per node.
    assert_eq!(names, ["step-000.svg", "step-001.svg", "step-002.svg"]);
    let first = std::fs::read_to_string(dir.path().join("step-001.svg")).expect("read");
    boxes(&first, "node");
    assert!(first.contains("Step 1 of 2: At Incumbent's node"), "{first}");
    // Only the incumbent's choice is drawn at step 1.
    assert_eq!(first.matches("stroke-width=\"4.5\"").count(), 1, "{first}");
}

#[test]
fn png_is_rendered_in_process() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for game in ["examples/chance-signal.ron", "inspection"] {
        let path = dir.path().join("out.png");
        ok(&["draw", game, "-o", path.to_str().expect("UTF-8")]);
        let bytes = std::fs::read(&path).expect("the PNG is written");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{game}");
        assert!(bytes.len() > 2_000, "{game}: a real picture");
    }
}

#[test]
// The skip message is printed (cargo shows it with --nocapture), never silent.
#[allow(clippy::print_stdout)]
fn dot_is_accepted_by_graphviz() {
    for game in ["examples/entry.ron", "examples/imperfect-matching.ron", "examples/chance-signal.ron"] {
        let dot = ok(&["draw", game, "--format", "dot"]);
        assert!(dot.starts_with("digraph ") && dot.trim_end().ends_with('}'), "{dot}");
        let run = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = run else {
            println!(
                "skipped: Graphviz `dot` is not installed, so the DOT output of {game} was not checked by it"
            );
            continue;
        };
        use std::io::Write as _;
        child.stdin.take().expect("stdin").write_all(dot.as_bytes()).expect("write to dot");
        let out = child.wait_with_output().expect("dot runs");
        assert!(
            out.status.success(),
            "{game}: dot rejects the output: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bad_requests_are_input_errors() {
    for args in [
        vec!["draw", "examples/entry.ron", "--format", "png"],
        vec!["draw", "inspection", "--format", "dot"],
        vec!["draw", "examples/entry.ron", "--method", "lp"],
        vec!["draw", "inspection", "--steps", "slides"],
    ] {
        let out = redline(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "), "{args:?}");
    }
}

#[test]
fn threshold_plot_marks_the_thresholds() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("rho.svg");
    // The commitment model flips at rho = 1 and rho = 3 (tests/golden/threshold/commitment-rho.txt).
    ok(&["threshold", "commitment", "--param", "rho", "--plot", path.to_str().expect("UTF-8")]);
    let svg = std::fs::read_to_string(&path).expect("the chart is written");
    boxes(&svg, "none");
    for label in [">1</text>", ">3</text>", "appeasement", "deal"] {
        assert!(svg.contains(label), "{label}: {svg}");
    }
}

#[test]
fn sweep_plots_are_well_formed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("one.svg");
    ok(&["sweep", "commitment", "-q", "--param", "rho=0..5:11", "--plot", path.to_str().expect("UTF-8")]);
    boxes(&std::fs::read_to_string(&path).expect("written"), "none");
}

#[test]
fn huge_trees_hit_the_drawing_limit() {
    let shape = Shape {
        internal_nodes: 12_000,
        min_children: 2,
        max_children: 2,
        n_players: 2,
        chance_percent: 0,
        payoffs: 0..=3,
        max_profiles: u64::MAX,
    };
    let tree = random_tree(1, &shape);
    assert!(tree.len() > 20_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("huge.ron");
    std::fs::write(&path, write(&tree, Syntax::Ron)).expect("write the tree");
    let out = redline(&["draw", path.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(3), "a limit");
    assert!(String::from_utf8_lossy(&out.stderr).contains("drawings are limited to 20000"));
}

fn draw_file(dir: &Path, tree: &redline_models::tree::Tree) -> String {
    let path = dir.join("random.ron");
    std::fs::write(&path, write(tree, Syntax::Ron)).expect("write the tree");
    ok(&["draw", path.to_str().expect("UTF-8")])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Random trees up to 200 nodes (chance nodes, up to 3 players, 1 to 3 children): the SVG is
    /// well-formed, and no two node boxes overlap.
    #[test]
    fn random_trees_have_no_overlapping_boxes(seed in any::<u64>(), internal in 1usize..=66, players in 1usize..=3) {
        let shape = Shape {
            internal_nodes: internal,
            min_children: 1,
            max_children: 3,
            n_players: players,
            chance_percent: 20,
            payoffs: -20..=120,
            max_profiles: u64::MAX,
        };
        let tree = random_tree(seed, &shape);
        prop_assert!(tree.len() <= 200);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let svg = draw_file(dir.path(), &tree);
        let b = boxes(&svg, "node");
        prop_assert_eq!(b.len(), tree.len());
        prop_assert_eq!(overlap(&b), None);
    }
}
