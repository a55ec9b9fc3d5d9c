//! The `stackelberg` method end to end: MODELS.md Game F's commitment oracle (the defender deters
//! the challenger with alert probability g/(g + c) and gets −v·g/(g + c)), its closed form at random
//! parameters, the CLI's words and JSON, and its errors.

use proptest::prelude::*;
use redline_models::library;
use redline_models::number::Q;
use redline_solver::strategic::{enumeration, stackelberg};
use redline_tests::{golden, redline_bin, workspace_root};

fn q(s: &str) -> Q {
    s.parse().unwrap()
}

fn game(set: &[(&str, Q)]) -> redline_models::strategic::StrategicGame {
    let sets: Vec<(String, Q)> = set.iter().map(|(n, v)| ((*n).to_string(), v.clone())).collect();
    library::find("inspection").unwrap().instantiate_strategic(&sets).expect("a strategic model").unwrap()
}

#[test]
fn game_f_commitment_oracle() {
    let g = game(&[]);
    let c = stackelberg::solve(&g, 1).unwrap();
    assert_eq!(c.commitment, vec![q("2/5"), q("3/5")]);
    assert_eq!(g.strategies(0)[c.reply], "not");
    assert_eq!(c.payoffs, vec![q("0"), q("-2/5")]);
    assert_eq!(c.reply_range, Some((q("2/5"), q("1"))));
    // Commitment is worth something: the Nash payoff of the defender is −1.
    let nash = enumeration::solve(&g).unwrap();
    assert_eq!(nash.equilibria[0].payoffs[1], q("-1"));
}

proptest! {
    #[test]
    fn game_f_closed_form(g in 1i64..20, c in 1i64..20, h in 2i64..20, e in 0i64..20, v in 1i64..20) {
        prop_assume!(h > e);
        let (gq, cq, vq) = (Q::from_int(g), Q::from_int(c), Q::from_int(v));
        let f = game(&[("g", gq.clone()), ("c", cq.clone()), ("h", Q::from_int(h)), ("e", Q::from_int(e)), ("v", vq.clone())]);
        let s = stackelberg::solve(&f, 1).unwrap();
        let y = gq.checked_div(&(&gq + &cq)).unwrap();
        // Deterring (not) gives the defender −v·y at best; letting the challenger probe gives at
        // best −e·y − h·(1 − y) (also at y, the payoff rising in y since h > e). The better wins;
        // at a tie the first reply (probe) is kept.
        let deter = -(&vq * &y);
        let allow = -(&(&Q::from_int(e) * &y) + &(&Q::from_int(h) * &(&Q::one() - &y)));
        prop_assert_eq!(&s.commitment[0], &y);
        prop_assert_eq!(s.reply, usize::from(deter > allow));
        prop_assert_eq!(&s.payoffs[1], &deter.max(allow));
    }
}

fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(redline_bin())
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("the redline binary runs")
}

#[test]
fn cli_prints_the_commitment() {
    for (file, args) in [
        (
            "inspection.stackelberg.txt",
            vec!["solve", "inspection", "--method", "stackelberg", "--leader", "Defender"],
        ),
        (
            "inspection.stackelberg.json.txt",
            vec![
                "solve",
                "inspection",
                "--method",
                "stackelberg",
                "--leader",
                "Defender",
                "--format",
                "json",
            ],
        ),
    ] {
        let out = run(&args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        golden(&format!("golden/strategic/{file}"), &String::from_utf8(out.stdout).expect("UTF-8"));
    }
    let text = String::from_utf8(
        run(&["solve", "inspection", "--method", "stackelberg", "--leader", "Defender"]).stdout,
    )
    .unwrap();
    assert!(text.contains("Challenger's reply not requires alert probability >= 2/5"), "{text}");
    let json: serde_json::Value = serde_json::from_slice(
        &run(&["solve", "inspection", "--method", "stackelberg", "--leader", "Defender", "--format", "json"])
            .stdout,
    )
    .unwrap();
    let e = &json["equilibria"][0];
    assert_eq!(e["kind"], "stackelberg");
    assert_eq!(e["mixed"][1], serde_json::json!(["2/5", "3/5"]));
}

#[test]
fn cli_errors_are_clear() {
    let out = run(&["solve", "inspection", "--method", "stackelberg", "--leader", "Nobody"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Nobody") && err.contains("Challenger, Defender"), "{err}");
    let out = run(&["solve", "inspection", "--leader", "Defender"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--method stackelberg"));
}
