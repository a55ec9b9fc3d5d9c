//! The sequence form (`lp` and `lcp` on trees, `spe` on imperfect-information trees) against exact
//! oracles: Gambit's answers in `../shared/conformance/`, brute force over pure strategies, and
//! closed forms from MODELS.md.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use redline_benches::imperfect::imperfect_tree;
use redline_models::format::efg;
use redline_models::format::game::ReadOptions;
use redline_models::library;
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};
use redline_solver::backward_induction::Options as SpeOptions;
use redline_solver::sequence::{self, Options};
use redline_solver::{Profile, spe};
use serde_json::Value;

fn q(s: &str) -> Q {
    s.parse().expect("a number")
}

fn conformance() -> PathBuf {
    redline_tests::workspace_root().join("../shared/conformance")
}

/// The expected-answer files whose method is the sequence-form LCP, with their game file.
fn lcp_cases() -> Vec<(PathBuf, Value)> {
    let root = conformance().join("expected");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
            if v["method"] == "lcp" && v["equilibria"].is_array() {
                let file = conformance().join("gambit-games").join(v["file"].as_str().expect("file"));
                out.push((file, v));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn load(path: &Path) -> Tree {
    let text = std::fs::read_to_string(path).expect("the game file exists");
    efg::read(&text, &ReadOptions::default()).expect("the game loads")
}

#[test]
fn gambit_lcp_games() {
    let cases = lcp_cases();
    assert!(cases.len() >= 80, "the conformance corpus is present ({} lcp games)", cases.len());
    let mut failures = Vec::new();
    for (file, exp) in &cases {
        let t = load(file);
        let name = file.display().to_string();
        match sequence::solve_lcp(&t, &Options::default()) {
            Ok(sol) => assert!(sol.equilibria[0].regret.is_zero(), "{name}"),
            Err(e) => failures.push(format!("{name}: lcp: {e}")),
        }
        if exp["is_const_sum"] == true {
            let gambit =
                q(exp["equilibria"][0]["payoffs"][&exp["players"][0].as_str().unwrap()].as_str().unwrap());
            match sequence::solve_lp(&t, &Options::default()) {
                Ok(sol) => {
                    if sol.equilibria[0].payoffs[0] != gambit {
                        failures.push(format!(
                            "{name}: value {} but Gambit has {gambit}",
                            sol.equilibria[0].payoffs[0]
                        ));
                    }
                }
                Err(e) => failures.push(format!("{name}: lp: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn credibility_through_generic_decomposition() {
    // MODELS.md E1: c* = 1/3; initiate below, status quo above.
    for (p, action, payoffs) in [("1/4", 1, ["1/2", "-3/4"]), ("1/2", 0, ["0", "1"])] {
        let t = library::find("credibility").unwrap().instantiate(&[("p_D".into(), q(p))]).unwrap();
        let (sol, reports) = spe::solve_with_report(&t, &SpeOptions::default()).unwrap();
        let e = &sol.equilibria[0];
        assert_eq!(e.payoffs, vec![q(payoffs[0]), q(payoffs[1])], "p_D = {p}");
        let ch = t.player_infosets(0)[0];
        assert!(e.profile.prob(ch, action).is_one(), "p_D = {p}");
        assert!(reports.iter().any(|r| r.method == "decision problem"));
    }
}

/// Player `i`'s expected payoff in the subgame at `root` when `i` plays the pure strategy `pure`
/// (an action per information set) and everyone else follows `profile`.
fn payoff_with(t: &Tree, root: NodeId, profile: &Profile, i: usize, pure: &[(InfosetId, u32)]) -> Q {
    let mut reach = vec![Q::zero(); t.len()];
    reach[root as usize] = Q::one();
    let mut total = Q::zero();
    for x in root..t.end(root) {
        let r = reach[x as usize].clone();
        if r.is_zero() {
            continue;
        }
        match t.kind(x) {
            NodeKind::Terminal => total = &total + &(&r * &t.payoffs(x)[i]),
            NodeKind::Chance => {
                for (c, p) in t.children(x).zip(t.chance_probs(x)) {
                    reach[c as usize] = &r * p;
                }
            }
            NodeKind::Decision => {
                let h = t.infoset_of(x);
                for (a, c) in t.children(x).enumerate() {
                    let p = if t.player_of(x) == i {
                        let chosen = pure.iter().find(|(g, _)| *g == h).expect("a choice at every set").1;
                        if chosen == a as u32 { Q::one() } else { Q::zero() }
                    } else {
                        profile.prob(h, a as u32)
                    };
                    reach[c as usize] = &r * &p;
                }
            }
        }
    }
    total
}

/// Every pure strategy of player `i` in the subgame at `root`.
fn pure_strategies(t: &Tree, root: NodeId, i: usize) -> Vec<Vec<(InfosetId, u32)>> {
    let mut sets: Vec<InfosetId> = Vec::new();
    for x in root..t.end(root) {
        if t.kind(x) == NodeKind::Decision && t.player_of(x) == i && !sets.contains(&t.infoset_of(x)) {
            sets.push(t.infoset_of(x));
        }
    }
    let mut out = vec![Vec::new()];
    for h in sets {
        let k = t.actions(h).len() as u32;
        out = out
            .into_iter()
            .flat_map(|s: Vec<(InfosetId, u32)>| {
                (0..k).map(move |a| {
                    let mut s = s.clone();
                    s.push((h, a));
                    s
                })
            })
            .collect();
    }
    out
}

/// The largest gain of a pure deviation by any player in the subgame at `root`, by brute force.
fn brute_regret(t: &Tree, root: NodeId, profile: &Profile) -> Q {
    let mut worst = Q::zero();
    for i in 0..t.n_players() {
        let own: Vec<Vec<(InfosetId, u32)>> = pure_strategies(t, root, i);
        // The profile's own payoff: mix the pure strategies? Simpler: evaluate with the profile itself.
        let base = payoff_with_profile(t, root, profile, i);
        for s in &own {
            let gain = &payoff_with(t, root, profile, i, s) - &base;
            if gain > worst {
                worst = gain;
            }
        }
    }
    worst
}

fn payoff_with_profile(t: &Tree, root: NodeId, profile: &Profile, i: usize) -> Q {
    let mut reach = vec![Q::zero(); t.len()];
    reach[root as usize] = Q::one();
    let mut total = Q::zero();
    for x in root..t.end(root) {
        let r = reach[x as usize].clone();
        match t.kind(x) {
            NodeKind::Terminal => total = &total + &(&r * &t.payoffs(x)[i]),
            NodeKind::Chance => {
                for (c, p) in t.children(x).zip(t.chance_probs(x)) {
                    reach[c as usize] = &r * p;
                }
            }
            NodeKind::Decision => {
                let h = t.infoset_of(x);
                for (a, c) in t.children(x).enumerate() {
                    reach[c as usize] = &r * &profile.prob(h, a as u32);
                }
            }
        }
    }
    total
}

/// The value of the zero-sum game by brute force: the pure-strategy matrix solved by the
/// strategic-form LP.
fn brute_value(t: &Tree) -> Q {
    let s: Vec<Vec<Vec<(InfosetId, u32)>>> = (0..2).map(|i| pure_strategies(t, 0, i)).collect();
    let labels: Vec<Vec<String>> =
        s.iter().map(|v| (0..v.len()).map(|k| format!("s{k}")).collect()).collect();
    let mut g = StrategicGame::new("brute", vec!["P1".into(), "P2".into()], labels).unwrap();
    let dummy = Profile::Behavior(t.infosets().iter().map(|_| Vec::new()).collect());
    let _ = dummy;
    for (a, sa) in s[0].iter().enumerate() {
        for (b, sb) in s[1].iter().enumerate() {
            let mut choice = vec![0u32; t.infosets().len()];
            for &(h, x) in sa.iter().chain(sb) {
                choice[h as usize] = x;
            }
            let p = Profile::Pure(choice);
            let u = payoff_with_profile(t, 0, &p, 0);
            g.set_payoffs(&[a, b], &[u.clone(), -&u]).unwrap();
        }
    }
    let sol = redline_solver::strategic::lp::solve(&g).unwrap();
    sol.equilibria[0].payoffs[0].clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn lp_value_equals_brute_force(seed in 0u64..1_000_000, internal in 1usize..9, chance in 0u64..40) {
        let t = imperfect_tree(seed, internal, 3, chance, true);
        let sol = sequence::solve_lp(&t, &Options::default()).unwrap();
        let e = &sol.equilibria[0];
        prop_assert_eq!(&e.payoffs[0], &brute_value(&t));
        prop_assert!(brute_regret(&t, 0, &e.profile).is_zero());
    }

    #[test]
    fn lcp_is_a_nash_equilibrium(seed in 0u64..1_000_000, internal in 1usize..10, chance in 0u64..40) {
        let t = imperfect_tree(seed, internal, 3, chance, false);
        let sol = sequence::solve_lcp(&t, &Options::default()).unwrap();
        prop_assert!(brute_regret(&t, 0, &sol.equilibria[0].profile).is_zero());
    }

    #[test]
    fn spe_is_nash_in_every_subgame(seed in 0u64..1_000_000, internal in 1usize..10, chance in 0u64..40) {
        let t = imperfect_tree(seed, internal, 3, chance, false);
        let sol = spe::solve(&t, &SpeOptions::default()).unwrap();
        let e = &sol.equilibria[0];
        let roots = spe::subgame_roots(&t);
        for r in 0..t.len() as NodeId {
            if roots[r as usize] && t.kind(r) != NodeKind::Terminal {
                prop_assert!(brute_regret(&t, r, &e.profile).is_zero(), "subgame at {}", r);
            }
        }
    }
}

#[test]
fn ceasefire_finite_unravels() {
    // MODELS.md D.3: with a known horizon both sides strike in every period, on and off the path.
    for horizon in 1..=4 {
        let t = library::find("ceasefire-finite")
            .unwrap()
            .instantiate(&[("horizon".into(), Q::from_int(horizon))])
            .unwrap();
        let (sol, reports) = spe::solve_with_report(&t, &SpeOptions::default()).unwrap();
        let e = &sol.equilibria[0];
        assert_eq!(e.payoffs, vec![Q::from_int(horizon); 2], "horizon {horizon}");
        for h in 0..t.infosets().len() as InfosetId {
            assert!(e.profile.prob(h, 1).is_one(), "strike at {} (horizon {horizon})", t.infoset_name(h));
        }
        // One subgame per period and history: 1 + 4 + … + 4^(horizon−1).
        let subgames = (0..horizon).map(|k| 4i64.pow(k as u32)).sum::<i64>();
        assert_eq!(reports.len() as i64, subgames);
        assert!(reports.iter().all(|r| r.method == "sequence-form lcp"));
    }
}
