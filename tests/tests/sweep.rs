//! `redline sweep`: exact grids, deterministic output whatever the thread count, CSV pinned, SVG
//! charts written.

use redline_tests::{golden, redline_bin, workspace_root};

fn run(args: &[&str], threads: &str) -> String {
    let out = std::process::Command::new(redline_bin())
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(workspace_root())
        .output()
        .expect("the redline binary runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn sweep_is_exact_and_pinned() {
    let csv = run(&["sweep", "commitment", "--param", "rho=0..4:9", "--format", "csv"], "2");
    golden("golden/sweep/commitment-rho.csv", &csv);
    // The grid is exact: 1/2 steps, and the regime switches at the thresholds 1 and 3.
    assert!(csv.contains("\n1/2,appeasement,7/2,6,offer>deny>concede\n"), "{csv}");
    assert!(csv.contains("\n3,deal,6,1,offer>accept>honor\n"), "{csv}");
}

#[test]
fn sweep_output_does_not_depend_on_threads() {
    let args =
        ["sweep", "reciprocity", "--param", "rho=0..16:17", "--param", "lambda=0..1:11", "--format", "json"];
    assert_eq!(run(&args, "1"), run(&args, "2"));
}

#[test]
fn sweep_plots_are_svg() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, params) in [
        ("one.svg", vec!["--param", "rho=0..5:11"]),
        ("two.svg", vec!["--param", "rho=0..5:6", "--param", "x=0..8:5"]),
    ] {
        let path = dir.path().join(name);
        let mut args = vec!["sweep", "commitment", "-q", "--plot", path.to_str().expect("a UTF-8 path")];
        args.extend(params);
        run(&args, "2");
        let svg = std::fs::read_to_string(&path).expect("the chart is written");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{name}");
        assert!(svg.trim_end().ends_with("</svg>"), "{name}");
        assert_eq!(
            svg.matches("<text").count(),
            svg.matches("</text>").count(),
            "{name}: balanced text elements"
        );
    }
}

#[test]
fn bad_axes_are_input_errors() {
    let out = std::process::Command::new(redline_bin())
        .args(["sweep", "commitment", "--param", "rho=5..1:3"])
        .current_dir(workspace_root())
        .output()
        .expect("the redline binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --param rho=5..1:3: the range is empty (5 is not below 1)\n"
    );
}

#[test]
fn sweeps_of_reputation_models_solve_sequential_equilibria() {
    // salami-probes is solved by its own method (`sequential`): each point's payoffs are the
    // Kreps–Wilson closed form, and every row has a regime (mixed ones named as such).
    use redline_models::number::Q;
    use redline_tests::kw::Kw;
    let csv = run(&["sweep", "salami-probes", "--param", "pi=0..1/2:5", "--format", "csv"], "2");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("pi,regime,Defender,Challenger 1,Challenger 2,Challenger 3,path"));
    let half: Q = "1/2".parse().expect("1/2");
    for (k, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 7, "{line}");
        let pi = Q::ratio(k as i64, 8).expect("k/8");
        assert_eq!(cells[0], pi.to_string());
        let o = Kw::new(3, Q::from_int(2), &half, pi.clone()).outcome();
        let mut want = vec![o.defender.to_string()];
        want.extend(o.challengers.iter().map(ToString::to_string));
        assert_eq!(cells[2..6], want[..], "{line}");
        let mixed = cells[1] == "mixed play on the path";
        assert_eq!(mixed, pi.is_positive(), "{line}");
    }
}
