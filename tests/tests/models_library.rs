//! The built-in models of `redline_models::library` against the oracles of MODELS.md.
//!
//! Three kinds of checks: every worked example (A1–A7, B0-1..4, C1–C6, E1, E2) solved exactly; property
//! tests comparing the solver's equilibrium with the closed forms (A.4, A.6, B.1, C.4, E.1, E.2), each
//! closed form written here independently of the library; and generic checks over `library::all()`.

use proptest::prelude::*;
use redline_models::library::{self, Model};
use redline_models::number::Q;
use redline_models::tree::{NodeId, NodeKind, Tree};
use redline_solver::backward_induction::Options;
use redline_solver::equilibrium::{Equilibrium, Profile};
use redline_solver::{play, spe};

// ---------------------------------------------------------------------------------------------------
// Helpers

fn q(text: &str) -> Q {
    text.parse().unwrap()
}

fn qs(texts: &[&str]) -> Vec<Q> {
    texts.iter().map(|t| q(t)).collect()
}

fn model(name: &str) -> &'static Model {
    library::find(name).unwrap()
}

fn sets(pairs: &[(&str, &str)]) -> Vec<(String, Q)> {
    pairs.iter().map(|(n, v)| (n.to_string(), q(v))).collect()
}

fn build(name: &str, pairs: &[(&str, &str)]) -> Tree {
    model(name).instantiate(&sets(pairs)).unwrap()
}

fn solve_with(tree: &Tree, options: &Options) -> Vec<Equilibrium> {
    spe::solve(tree, options).unwrap().equilibria
}

fn solve(tree: &Tree) -> Equilibrium {
    solve_with(tree, &Options::default()).remove(0)
}

fn choices(eq: &Equilibrium) -> &[u32] {
    match &eq.profile {
        Profile::Pure(c) => c,
        Profile::Behavior(_) => panic!("backward induction returns pure profiles"),
    }
}

/// The action labels along the deterministic part of the equilibrium path.
fn path(tree: &Tree, eq: &Equilibrium) -> Vec<String> {
    play::path(tree, &eq.profile)
        .iter()
        .map(|s| tree.actions(tree.infoset_of(s.node))[s.action as usize].clone())
        .collect()
}

/// The labels of the leaves reached, with their probabilities.
fn outcomes(tree: &Tree, eq: &Equilibrium) -> Vec<(String, Q)> {
    play::outcomes(tree, &eq.profile).into_iter().map(|(x, p)| (tree.node_label(x).to_string(), p)).collect()
}

fn regime(name: &str, tree: &Tree, eq: &Equilibrium) -> String {
    (model(name).regime)(tree, choices(eq))
}

/// The labels of the nodes where the equilibrium reports a tie.
fn tie_labels(tree: &Tree, eq: &Equilibrium) -> Vec<String> {
    eq.ties.iter().map(|t| tree.node_label(t.node).to_string()).collect()
}

fn node(tree: &Tree, label: &str) -> NodeId {
    (0..tree.len() as NodeId)
        .find(|&x| tree.node_label(x) == label)
        .unwrap_or_else(|| panic!("no node {label}"))
}

/// The action label a profile chooses at the node labelled `label`.
fn action_at(tree: &Tree, eq: &Equilibrium, label: &str) -> String {
    let x = node(tree, label);
    let h = tree.infoset_of(x);
    tree.actions(h)[choices(eq)[h as usize] as usize].clone()
}

/// The expected payoffs of the subtree at `x` under a pure profile (a small independent evaluator).
fn value_at(tree: &Tree, eq: &Equilibrium, x: NodeId) -> Vec<Q> {
    let mut acc = vec![Q::zero(); tree.n_players()];
    let mut stack = vec![(x, Q::one())];
    while let Some((y, p)) = stack.pop() {
        match tree.kind(y) {
            NodeKind::Terminal => {
                for (a, u) in acc.iter_mut().zip(tree.payoffs(y)) {
                    *a = &*a + &(&p * u);
                }
            }
            NodeKind::Chance => {
                for (c, pc) in tree.children(y).zip(tree.chance_probs(y)) {
                    stack.push((c, &p * pc));
                }
            }
            NodeKind::Decision => {
                let a = choices(eq)[tree.infoset_of(y) as usize] as usize;
                stack.push((tree.child(y, a), p));
            }
        }
    }
    acc
}

/// Checks path, payoffs and regime of the default equilibrium of `name` at `pairs`.
fn check(name: &str, pairs: &[(&str, &str)], want_path: &[&str], want_payoffs: &[&str], want_regime: &str) {
    let tree = build(name, pairs);
    let eq = solve(&tree);
    assert_eq!(path(&tree, &eq), want_path, "{name} {pairs:?}: path");
    assert_eq!(eq.payoffs, qs(want_payoffs), "{name} {pairs:?}: payoffs");
    assert_eq!(regime(name, &tree, &eq), want_regime, "{name} {pairs:?}: regime");
}

// ---------------------------------------------------------------------------------------------------
// Game A: commitment and commitment-volatile (MODELS.md A.5, A.7)

#[test]
fn a1_defaults_deal() {
    check("commitment", &[], &["offer", "accept", "honor"], &["6", "1"], "deal");
}

#[test]
fn a2_commitment_problem() {
    check("commitment", &[("rho", "2")], &["offer", "deny", "strike"], &["3", "0"], "commitment problem");
}

#[test]
fn a3_appeasement() {
    check("commitment", &[("rho", "1/2")], &["offer", "deny", "concede"], &["7/2", "6"], "appeasement");
}

#[test]
fn a4_high_acceptance_cost() {
    check("commitment", &[("r_A", "5")], &["offer", "deny", "strike"], &["3", "0"], "commitment problem");
}

#[test]
fn a_gambit_fixture_leaves() {
    // The EFG fixture of A.7 lists the leaves in the same depth-first order.
    let tree = build("commitment", &[]);
    let leaves: Vec<(String, Vec<Q>)> = (0..tree.len() as NodeId)
        .filter(|&x| tree.kind(x) == NodeKind::Terminal)
        .map(|x| (tree.node_label(x).to_string(), tree.payoffs(x).to_vec()))
        .collect();
    let want = [
        ("Acc_Honor", ["6", "1"]),
        ("Acc_Strike", ["5", "-7"]),
        ("Acc_Concede", ["4", "3"]),
        ("Den_Strike", ["3", "0"]),
        ("Den_Wait", ["-1", "4"]),
        ("Den_Concede", ["0", "6"]),
        ("War", ["2", "0"]),
    ];
    let want: Vec<(String, Vec<Q>)> = want.iter().map(|(l, p)| (l.to_string(), qs(p))).collect();
    assert_eq!(leaves, want);
    assert_eq!(
        ["S|root", "A|Offer", "S|Acc", "S|Den"].map(|l| node(&tree, l)),
        [0, 1, 2, 6],
        "node labels in pre-order"
    );
}

#[test]
fn a_threshold_rho_threat_tie() {
    // A.5: at rho = 1 the superpower is indifferent after a denial between strike and concede.
    let tree = build("commitment", &[("rho", "1")]);
    let eqs = solve_with(&tree, &Options { all: true, ..Options::default() });
    assert_eq!(tie_labels(&tree, &eqs[0]), ["S|Den"]);
    let payoffs: Vec<Vec<Q>> = eqs.iter().map(|e| e.payoffs.clone()).collect();
    assert_eq!(payoffs, [qs(&["3", "0"]), qs(&["3", "6"])]);
}

#[test]
fn a_threshold_rho_assure_tie() {
    // A.5: at rho = 3 the superpower is indifferent after an acceptance between honour and strike.
    let tree = build("commitment", &[("rho", "3")]);
    let eqs = solve_with(&tree, &Options { all: true, ..Options::default() });
    assert_eq!(tie_labels(&tree, &eqs[0]), ["S|Acc"]);
    let payoffs: Vec<Vec<Q>> = eqs.iter().map(|e| e.payoffs.clone()).collect();
    assert!(payoffs.contains(&qs(&["6", "1"])) && payoffs.contains(&qs(&["3", "0"])), "{payoffs:?}");
}

#[test]
fn a5_volatile_accept() {
    let tree = build("commitment-volatile", &[("q", "9/10")]);
    let eq = solve(&tree);
    assert_eq!(path(&tree, &eq), ["offer", "accept"]);
    assert_eq!(eq.payoffs, qs(&["61/10", "1/5"]));
    assert_eq!(
        outcomes(&tree, &eq),
        [("Acc_Honor_high".into(), q("9/10")), ("Acc_Strike_low".into(), q("1/10"))]
    );
    assert_eq!(regime("commitment-volatile", &tree, &eq), "high: deal / low: renege");
}

#[test]
fn a6_volatile_deny() {
    let tree = build("commitment-volatile", &[("q", "1/2")]);
    let eq = solve(&tree);
    assert_eq!(path(&tree, &eq), ["offer", "deny"]);
    assert_eq!(eq.payoffs, qs(&["3", "0"]));
    assert_eq!(
        outcomes(&tree, &eq),
        [("Den_Strike_high".into(), q("1/2")), ("Den_Strike_low".into(), q("1/2"))]
    );
    assert_eq!(regime("commitment-volatile", &tree, &eq), "commitment problem");
}

#[test]
fn a7_volatile_tie_at_a() {
    let tree = build("commitment-volatile", &[("q", "7/8")]);
    let eqs = solve_with(&tree, &Options { all: true, ..Options::default() });
    assert_eq!(tie_labels(&tree, &eqs[0]), ["A|Offer"]);
    assert_eq!(path(&tree, &eqs[0]), ["offer", "accept"]);
    assert_eq!(eqs[0].payoffs, qs(&["49/8", "0"]));
    assert_eq!(eqs.len(), 2);
    assert_eq!(path(&tree, &eqs[1]), ["offer", "deny"]);
    assert_eq!(eqs[1].payoffs, qs(&["3", "0"]));
}

// ---------------------------------------------------------------------------------------------------
// Game B0: salami (MODELS.md B.1)

#[test]
fn b0_1_defaults_peace_after_two() {
    check(
        "salami",
        &[],
        &["slice", "accept", "slice", "accept", "stop"],
        &["1/2", "1/2"],
        "peace after 2 slices",
    );
}

#[test]
fn b0_2_thirds() {
    check(
        "salami",
        &[("n", "3"), ("s", "1/3")],
        &["slice", "accept", "slice", "accept", "stop"],
        &["1/3", "2/3"],
        "peace after 2 slices",
    );
}

#[test]
fn b0_3_indivisible_war() {
    check("salami", &[("n", "1"), ("s", "3/4")], &["slice", "war"], &["3/10", "2/5"], "war at slice 1");
}

#[test]
fn b0_4_tie_chain() {
    let tree = build("salami", &[("n", "10"), ("s", "1/10")]);
    let eq = solve(&tree);
    assert_eq!(eq.payoffs, qs(&["3/10", "7/10"]));
    assert_eq!(regime("salami", &tree, &eq), "peace after 7 slices");
    let mut ties = tie_labels(&tree, &eq);
    ties.sort();
    let mut want: Vec<String> = (1..=7).map(|j| format!("D|{j}")).collect();
    want.sort();
    assert_eq!(ties, want, "D is indifferent at every slice up to the red line");
}

#[test]
fn salami_tree_shape() {
    let tree = build("salami", &[("n", "3"), ("s", "1/3")]);
    assert_eq!(tree.len(), 4 * 3 + 1);
    let labels: Vec<&str> = (0..tree.len() as NodeId).map(|x| tree.node_label(x)).collect();
    assert_eq!(
        labels,
        [
            "C|1", "D|1", "C|2", "D|2", "C|3", "D|3", "End_3", "War_3", "Stop_2", "War_2", "Stop_1", "War_1",
            "Stop_0"
        ]
    );
    assert_eq!(tree.payoffs(node(&tree, "Stop_2")), qs(&["1/3", "2/3"]).as_slice());
}

// ---------------------------------------------------------------------------------------------------
// Game C: reciprocity (MODELS.md C.6)

/// A's choices at (bundled small, bundled large, segmented small, segmented large).
fn a_choices(tree: &Tree, eq: &Equilibrium) -> [String; 4] {
    ["A|Bundled,opp1", "A|Bundled,opp2", "A|Segmented,opp1", "A|Segmented,opp2"]
        .map(|l| action_at(tree, eq, l))
}

/// One row of the C.6 table.
struct CRow {
    regime_action: &'static str,
    acts: [&'static str; 4],
    payoffs: [&'static str; 2],
    v_b: [&'static str; 2],
    v_g: [&'static str; 2],
    name: &'static str,
}

fn check_c(pairs: &[(&str, &str)], row: CRow) {
    let CRow { regime_action, acts, payoffs, v_b, v_g, name } = row;
    let tree = build("reciprocity", pairs);
    let eq = solve(&tree);
    assert_eq!(path(&tree, &eq), [regime_action], "{pairs:?}");
    assert_eq!(a_choices(&tree, &eq), acts.map(String::from), "{pairs:?}");
    assert_eq!(eq.payoffs, qs(&payoffs), "{pairs:?}");
    assert_eq!(value_at(&tree, &eq, node(&tree, "N|Bundled")), qs(&v_b), "{pairs:?}: V_B");
    assert_eq!(value_at(&tree, &eq, node(&tree, "N|Segmented")), qs(&v_g), "{pairs:?}: V_G");
    assert_eq!(regime("reciprocity", &tree, &eq), name, "{pairs:?}");
}

#[test]
fn c1_defaults_segmented() {
    let acts = ["act", "act", "refrain", "act"];
    check_c(
        &[],
        CRow {
            regime_action: "segmented",
            acts,
            payoffs: ["7/2", "11/2"],
            v_b: ["1", "8"],
            v_g: ["7/2", "11/2"],
            name: "segmented; deters small",
        },
    );
}

#[test]
fn c2_large_likely_bundled() {
    let acts = ["act", "act", "refrain", "act"];
    check_c(
        &[("lambda", "3/4")],
        CRow {
            regime_action: "bundled",
            acts,
            payoffs: ["-1", "10"],
            v_b: ["-1", "10"],
            v_g: ["-3/2", "17/2"],
            name: "bundled; deters none",
        },
    );
}

#[test]
fn c3_segmented_deters_both() {
    let acts = ["act", "act", "refrain", "refrain"];
    check_c(
        &[("rho", "6")],
        CRow {
            regime_action: "segmented",
            acts,
            payoffs: ["6", "4"],
            v_b: ["-1", "8"],
            v_g: ["6", "4"],
            name: "segmented; deters small and large",
        },
    );
}

#[test]
fn c4_bundling_credible() {
    let acts = ["refrain", "refrain", "refrain", "refrain"];
    check_c(
        &[("rho", "14")],
        CRow {
            regime_action: "bundled",
            acts,
            payoffs: ["8", "5"],
            v_b: ["8", "5"],
            v_g: ["6", "4"],
            name: "bundled; deters small and large",
        },
    );
}

#[test]
fn c5_no_credible_response() {
    let acts = ["act", "act", "act", "act"];
    check_c(
        &[("rho", "1")],
        CRow {
            regime_action: "bundled",
            acts,
            payoffs: ["4", "8"],
            v_b: ["4", "8"],
            v_g: ["2", "7"],
            name: "bundled; deters none",
        },
    );
}

#[test]
fn c6_tie_at_regime_choice() {
    let tree = build("reciprocity", &[("lambda", "2/3")]);
    let eq = solve(&tree);
    assert_eq!(tie_labels(&tree, &eq), ["S|regime"]);
    assert_eq!(eq.payoffs, qs(&["-2/3", "29/3"]));
    assert_eq!(value_at(&tree, &eq, node(&tree, "N|Segmented")), qs(&["-2/3", "8"]));
    // S is indifferent but A is not: both branches must be reported.
    let eqs = solve_with(&tree, &Options { all: true, ..Options::default() });
    let mut found: Vec<(String, Vec<Q>)> =
        eqs.iter().map(|e| (path(&tree, e)[0].clone(), e.payoffs.clone())).collect();
    found.sort();
    assert_eq!(found, [("bundled".into(), qs(&["-2/3", "29/3"])), ("segmented".into(), qs(&["-2/3", "8"]))]);
}

#[test]
fn c_gambit_fixture_leaves() {
    let tree = build("reciprocity", &[]);
    let leaves: Vec<Vec<Q>> = (0..tree.len() as NodeId)
        .filter(|&x| tree.kind(x) == NodeKind::Terminal)
        .map(|x| tree.payoffs(x).to_vec())
        .collect();
    let want = [
        ["8", "5"],
        ["-7", "-8"],
        ["2", "7"],
        ["8", "5"],
        ["-11", "-4"],
        ["-2", "11"],
        ["6", "4"],
        ["5/2", "3"],
        ["0", "6"],
        ["6", "4"],
        ["-9/2", "1"],
        ["-4", "10"],
    ];
    assert_eq!(leaves, want.iter().map(|p| qs(p)).collect::<Vec<_>>());
    assert_eq!(tree.chance_probs(node(&tree, "N|Bundled")), qs(&["3/4", "1/4"]).as_slice());
}

// ---------------------------------------------------------------------------------------------------
// Game E1: credibility (MODELS.md E.1), solved by subgame decomposition

/// The challenger's action, the defenders' actions (hard, soft) and the payoffs of the SPE.
fn check_e1(p_d: &str, want_ch: &str, want_payoffs: [&str; 2]) -> Equilibrium {
    let tree = build("credibility", &[("p_D", p_d)]);
    let eq = solve(&tree);
    assert_eq!(action_at(&tree, &eq, "Ch|hard"), want_ch, "p_D = {p_d}");
    assert_eq!(action_at(&tree, &eq, "Ch|soft"), want_ch, "p_D = {p_d}: one information set");
    assert_eq!(action_at(&tree, &eq, "Def|hard"), "retaliate", "p_D = {p_d}");
    assert_eq!(action_at(&tree, &eq, "Def|soft"), "concede", "p_D = {p_d}");
    assert_eq!(eq.payoffs, qs(&want_payoffs), "p_D = {p_d}");
    let want_regime = if want_ch == "initiate" { "challenge" } else { "deterred" };
    assert_eq!(regime("credibility", &tree, &eq), want_regime);
    eq
}

#[test]
fn e1_initiate_below_threshold() {
    let eq = check_e1("1/4", "initiate", ["1/2", "-3/4"]);
    assert!(eq.ties.is_empty());
}

#[test]
fn e1_deterred_above_threshold() {
    let eq = check_e1("1/2", "status-quo", ["0", "1"]);
    assert!(eq.ties.is_empty());
}

#[test]
fn e1_tie_at_threshold() {
    // At p_D = c* = 1/3 the challenger is indifferent; the first action (status quo) is reported.
    let eq = check_e1("1/3", "status-quo", ["0", "1"]);
    let tree = build("credibility", &[("p_D", "1/3")]);
    let ties = tie_labels(&tree, &eq);
    assert!(!ties.is_empty() && ties.iter().all(|l| l.starts_with("Ch|")), "{ties:?}");
}

#[test]
fn e1_structure() {
    let tree = build("credibility", &[]);
    assert!(!tree.is_perfect_information());
    let members = tree.infoset_members();
    let ch = tree.infoset_of(node(&tree, "Ch|hard"));
    assert_eq!(members[ch as usize], [node(&tree, "Ch|hard"), node(&tree, "Ch|soft")]);
    assert_ne!(tree.infoset_of(node(&tree, "Def|hard")), tree.infoset_of(node(&tree, "Def|soft")));
    assert_eq!(tree.check_perfect_recall(), Ok(()));
    // The regime function reads the challenger's one information set.
    let regime = model("credibility").regime;
    let mut c = vec![0; tree.infosets().len()];
    assert_eq!(regime(&tree, &c), "deterred");
    c[ch as usize] = 1;
    assert_eq!(regime(&tree, &c), "challenge");
}

// ---------------------------------------------------------------------------------------------------
// Game E2: escalation (MODELS.md E.2)

#[test]
fn e2_default_s_yields_at_rung_1() {
    check("escalation", &[], &["start", "yield"], &["-1", "3"], "S yields at rung 1");
}

#[test]
fn e2_cheap_ladder_deters() {
    check(
        "escalation",
        &[("c1", "1"), ("c2", "2"), ("c3", "2"), ("c4", "3")],
        &["status-quo"],
        &["0", "0"],
        "status quo (deterred)",
    );
}

#[test]
fn e2_two_rungs() {
    check(
        "escalation",
        &[("n", "2"), ("c1", "1"), ("c2", "5"), ("V_S", "4"), ("V_A", "3")],
        &["start", "yield"],
        &["-1", "2"],
        "S yields at rung 1",
    );
}

#[test]
fn escalation_tree_shape() {
    let tree = build("escalation", &[("n", "2")]);
    let labels: Vec<&str> = (0..tree.len() as NodeId).map(|x| tree.node_label(x)).collect();
    assert_eq!(labels, ["A|root", "SQ", "S|rung 1", "Yield_1", "A|rung 2", "Yield_2", "War"]);
    assert_eq!(tree.payoffs(node(&tree, "Yield_2")), qs(&["1", "-4"]).as_slice());
    assert_eq!(tree.payoffs(node(&tree, "War")), qs(&["-24", "-24"]).as_slice());
}

// ---------------------------------------------------------------------------------------------------
// Generic checks over every model

#[test]
fn every_model_builds_and_solves_at_defaults() {
    let names: Vec<&str> = library::all().iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        [
            "commitment",
            "commitment-volatile",
            "salami",
            "salami-reputation",
            "salami-probes",
            "reciprocity",
            "credibility",
            "escalation",
            "ceasefire-finite",
            "inspection",
            "inspection-zero-sum"
        ]
    );
    for m in library::all() {
        let tree = m.instantiate(&[]).unwrap_or_else(|e| panic!("{}: {e}", m.name));
        assert_eq!(tree.players(), m.players, "{}", m.name);
        assert!(!tree.title.is_empty() && !tree.description.is_empty(), "{}", m.name);
        let declared: Vec<&str> = tree.parameters().iter().map(|p| p.name.as_str()).collect();
        let params = (m.parameters)();
        // salami-probes declares its erosion parameters b_k only when they are set (0 = use b).
        let unset =
            |p: &&redline_models::tree::Parameter| m.name == "salami-probes" && p.name.starts_with("b_");
        let params: Vec<_> = params.iter().filter(|p| !unset(p)).cloned().collect();
        let listed: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(declared, listed, "{}: every parameter is declared on the tree", m.name);
        assert_eq!(tree.parameter_values(), params.iter().map(|p| p.default.clone()).collect::<Vec<_>>());
        for p in &params {
            assert!(!p.description.is_empty(), "{}: {} has a description", m.name, p.name);
        }
        assert!(tree.has_expressions(), "{}: payoffs are expressions", m.name);
        for x in 0..tree.len() as NodeId {
            match tree.kind(x) {
                NodeKind::Terminal => {
                    assert_eq!(tree.payoffs(x).len(), m.players.len());
                    assert!(!tree.node_label(x).is_empty(), "{}: leaf {x} is named", m.name);
                }
                NodeKind::Chance => {
                    let sum: Q = tree.chance_probs(x).iter().sum();
                    assert!(sum.is_one(), "{}: node {x}", m.name);
                }
                NodeKind::Decision => assert!(!tree.node_label(x).is_empty(), "{}: node {x}", m.name),
            }
        }
        assert_eq!(tree.check_perfect_recall(), Ok(()), "{}", m.name);
        assert!(!m.tree_text.is_empty() && !m.formulas.is_empty() && !m.regimes.is_empty());
        if let Some(game) = m.instantiate_strategic(&[]) {
            // Simultaneous-move models solve in strategic form, by their own method.
            let game = game.unwrap_or_else(|e| panic!("{}: {e}", m.name));
            let sol = match m.method {
                "lp" => redline_solver::strategic::lp::solve(&game),
                _ => redline_solver::strategic::enumeration::solve(&game),
            }
            .unwrap_or_else(|e| panic!("{}: {e}", m.name));
            assert!(sol.equilibria.iter().all(|e| e.regret.is_zero()), "{}", m.name);
            continue;
        }
        if m.method == "sequential" {
            // The reputation models (tests/tests/reputation.rs): certified sequential equilibria.
            let out = redline_solver::sequential::solve(&tree, &Default::default()).unwrap();
            assert!(
                matches!(out, redline_solver::sequential::Outcome::Exact(ref s) if s.equilibrium.regret.is_zero()),
                "{}",
                m.name
            );
            continue;
        }
        assert_eq!(m.method, "spe");
        let eq = solve(&tree);
        assert!(eq.regret.is_zero(), "{}", m.name);
    }
}

#[test]
fn regimes_at_defaults() {
    let want = [
        ("commitment", "deal"),
        ("commitment-volatile", "high: deal / low: renege"),
        ("salami", "peace after 2 slices"),
        ("reciprocity", "segmented; deters small"),
        ("credibility", "challenge"),
        ("escalation", "S yields at rung 1"),
    ];
    for (name, regime_name) in want {
        let tree = build(name, &[]);
        let eq = solve(&tree);
        assert_eq!(regime(name, &tree, &eq), regime_name, "{name}");
    }
}

#[test]
fn set_parameters_reevaluates_a_built_tree() {
    let mut tree = build("commitment", &[]);
    tree.set_parameters(&sets(&[("rho", "2")])).unwrap();
    let eq = solve(&tree);
    assert_eq!(path(&tree, &eq), ["offer", "deny", "strike"]);
    // A structural parameter is pinned to the value the tree was built for.
    let mut tree = build("salami", &[]);
    let err = tree.set_parameters(&sets(&[("n", "5")])).unwrap_err();
    assert_eq!(err.to_string(), "parameter `n` = 5 is out of range: it must be at most 4");
    // So is n*s <= 1: the tree caps s at 1/n.
    let err = tree.set_parameters(&sets(&[("s", "1/2")])).unwrap_err();
    assert_eq!(err.to_string(), "parameter `s` = 1/2 is out of range: it must be at most 1/4");
    tree.set_parameters(&sets(&[("s", "1/5")])).unwrap();
    assert_eq!(solve(&tree).payoffs, qs(&["2/5", "3/5"]));
}

fn assign_error(name: &str, pairs: &[(&str, &str)]) -> String {
    model(name).assign(&sets(pairs)).unwrap_err().to_string()
}

#[test]
fn lookup_and_parameter_errors() {
    assert_eq!(
        library::find("salmi").unwrap_err().to_string(),
        "unknown model `salmi` (did you mean `salami`?)"
    );
    assert_eq!(library::find("zzzzzz").unwrap_err().to_string(), "unknown model `zzzzzz`");
    assert_eq!(assign_error("commitment", &[("roh", "1")]), "unknown parameter `roh` (did you mean `rho`?)");
    assert_eq!(
        assign_error("salami", &[("p", "2")]),
        "parameter `p` = 2 is out of range: it must be at most 1"
    );
    assert_eq!(
        assign_error("salami", &[("n", "0")]),
        "parameter `n` = 0 is out of range: it must be at least 1"
    );
    assert_eq!(
        assign_error("salami", &[("n", "3/2")]),
        "parameter `n` = 3/2 is out of range: it must be a whole number"
    );
    assert_eq!(
        assign_error("salami", &[("n", "10001"), ("s", "1/20000")]),
        "parameter `n` = 10001 is out of range: it must be at most 10000"
    );
    assert_eq!(
        assign_error("salami", &[("n", "5")]),
        "parameter `s` = 1/4 is out of range: n*s must be at most 1 (here n = 5, so s must be at most 1/5)"
    );
    assert_eq!(
        assign_error("salami", &[("s", "0")]),
        "parameter `s` = 0 is out of range: the slice size must be positive"
    );
    assert_eq!(
        assign_error("commitment-volatile", &[("q", "11/10")]),
        "parameter `q` = 11/10 is out of range: it must be at most 1"
    );
    assert_eq!(
        assign_error("escalation", &[("n", "9")]),
        "parameter `n` = 9 is out of range: it must be at most 8"
    );
    assert_eq!(assign_error("commitment-volatile", &[("rho", "1")]), "unknown parameter `rho`");
    // A later override of the same name wins; the defaults stay documented in the model.
    let a = model("salami").assign(&sets(&[("n", "2"), ("n", "3")])).unwrap();
    assert_eq!(a.get("n"), &q("3"));
    assert_eq!((model("salami").parameters)()[0].default, q("4"));
}

#[test]
fn largest_salami_builds() {
    let tree = build("salami", &[("n", "10000"), ("s", "1/10000")]);
    assert_eq!(tree.len(), 40_001);
    let eq = solve(&tree);
    assert_eq!(eq.payoffs, qs(&["3/10", "7/10"]));
}

// ---------------------------------------------------------------------------------------------------
// Property tests: the solver against the closed forms, written here independently of the library.

/// Rationals `k/den` for `k` in `lo*den..=hi*den`.
fn rat(lo: i64, hi: i64, den: i64) -> impl Strategy<Value = Q> {
    (lo * den..=hi * den).prop_map(move |k| Q::ratio(k, den).unwrap())
}

fn n(i: i64) -> Q {
    Q::from_int(i)
}

/// The A.4 closed form: the SPE path and payoffs of A-det, or `None` at a threshold.
#[allow(non_snake_case, clippy::too_many_arguments)]
fn commitment_closed_form(
    V: &Q,
    p: &Q,
    x: &Q,
    y: &Q,
    k_S: &Q,
    k_A: &Q,
    o_S: &Q,
    o_A: &Q,
    l: &Q,
    r_A: &Q,
    rho: &Q,
) -> Option<(Vec<&'static str>, [Q; 2])> {
    let pv = p * V;
    let qv = &(&n(1) - p) * V;
    let war = [&(&pv - k_S) - o_S, &(&qv - k_A) - o_A];
    // 1. After accept: honour iff rho > rho_assure = x - k_S (concede is dominated because y > 0).
    let rho_assure = x - k_S;
    if rho == &rho_assure {
        return None;
    }
    let (acc_action, acc) = if rho > &rho_assure {
        ("honor", [V - x, x - r_A])
    } else {
        ("strike", [&(V - k_S) - rho, &(-k_A) - r_A])
    };
    // 2. After deny: strike iff rho > rho_threat = Back_S - (pV - k_S - o_S + l).
    let concede_s = &(V - x) - y;
    let wait_s = &pv - o_S;
    if concede_s == wait_s {
        return None;
    }
    let (back_action, back) = if concede_s > wait_s {
        ("concede", [&concede_s - rho, x + y])
    } else {
        ("wait", [&wait_s - rho, &qv - o_A])
    };
    let back_s = concede_s.max(wait_s);
    let enforce = [&war[0] + l, war[1].clone()];
    let rho_threat = &back_s - &enforce[0];
    if rho == &rho_threat {
        return None;
    }
    let (den_action, den) = if rho > &rho_threat { ("strike", enforce) } else { (back_action, back) };
    // 3. A accepts iff u_A(accept) > u_A(deny).
    if acc[1] == den[1] {
        return None;
    }
    let (reply, after, s_action) =
        if acc[1] > den[1] { ("accept", acc, acc_action) } else { ("deny", den, den_action) };
    // 4. S offers iff the resulting path beats war.
    if after[0] == war[0] {
        return None;
    }
    if after[0] > war[0] {
        Some((vec!["offer", reply, s_action], after))
    } else {
        Some((vec!["continue"], war))
    }
}

/// The B.1 closed form: path and payoffs of B0, or `None` when some `j*s` hits a threshold.
fn salami_closed_form(
    nn: u32,
    s: &Q,
    p: &Q,
    c_c: &Q,
    c_d: &Q,
) -> Option<(Vec<&'static str>, [Q; 2], String)> {
    let l_star = p + c_d;
    let c_war = p - c_c;
    for j in 0..=nn {
        let js = &n(i64::from(j)) * s;
        if js == l_star || js == c_war {
            return None;
        }
    }
    let floor = |v: Q| -> u32 {
        let f = v.floor();
        u32::try_from(f.max(0.into())).unwrap_or(u32::MAX)
    };
    let m_max = nn.min(floor(s.recip().unwrap()));
    let m_star = m_max.min(floor(l_star.checked_div(s).unwrap()));
    let ms = &n(i64::from(m_star)) * s;
    let mut path = Vec::new();
    for _ in 0..m_star {
        path.extend(["slice", "accept"]);
    }
    if m_star < m_max && c_war > ms {
        path.extend(["slice", "war"]);
        Some((path, [&(&n(1) - p) - c_d, c_war], format!("war at slice {}", m_star + 1)))
    } else {
        if m_star < nn {
            path.push("stop");
        }
        let regime = if m_star == 1 {
            "peace after 1 slice".to_string()
        } else {
            format!("peace after {m_star} slices")
        };
        Some((path, [&n(1) - &ms, ms], regime))
    }
}

/// Parameters of Game C, in registry order.
#[derive(Clone, Debug)]
struct C {
    d_sb: Q,
    d_ab: Q,
    d_sg: Q,
    d_ag: Q,
    g: [Q; 2],
    h: [Q; 2],
    r: Q,
    kappa: Q,
    mu: Q,
    rho: Q,
    lambda: Q,
}

/// The C.4 closed form: (regime, A refrains at [small, large] in that regime, SPE payoffs, V_B, V_G),
/// or `None` at a threshold.
#[allow(clippy::type_complexity)]
fn reciprocity_closed_form(c: &C) -> Option<(&'static str, [bool; 2], [Q; 2], [Q; 2], [Q; 2])> {
    // Bundled: credible iff rho > rho_B = D_SB + kappa*R; A refrains iff credible and g_j < R + D_AB.
    let rho_b = &c.d_sb + &(&c.kappa * &c.r);
    if c.rho == rho_b {
        return None;
    }
    let bundled_credible = c.rho > rho_b;
    let mut v_b = [Q::zero(), Q::zero()];
    let mut v_g = [Q::zero(), Q::zero()];
    let mut refrain = [[false; 2]; 2];
    for (j, (g, h)) in c.g.iter().zip(&c.h).enumerate() {
        let weight = if j == 0 { &n(1) - &c.lambda } else { c.lambda.clone() };
        // Bundled.
        let outcome = if bundled_credible {
            let bar = &c.r + &c.d_ab;
            if g == &bar {
                return None;
            }
            if g < &bar {
                refrain[0][j] = true;
                [c.d_sb.clone(), c.d_ab.clone()]
            } else {
                [&(-h) - &(&c.kappa * &c.r), g - &c.r]
            }
        } else {
            // No credible response: A acts (g_j > 0) and S ignores.
            [&(&c.d_sb - h) - &c.rho, &c.d_ab + g]
        };
        for (v, u) in v_b.iter_mut().zip(&outcome) {
            *v = &*v + &(&weight * u);
        }
        // Segmented: credible iff kappa*mu*g_j < rho; A refrains iff credible and mu > 1.
        let cost = &(&c.kappa * &c.mu) * g;
        if cost == c.rho {
            return None;
        }
        let outcome = if cost < c.rho {
            // A compares D_AG with D_AG + g_j - mu*g_j: indifferent at mu = 1.
            if c.mu == n(1) {
                return None;
            }
            if c.mu > n(1) {
                refrain[1][j] = true;
                [c.d_sg.clone(), c.d_ag.clone()]
            } else {
                [&(&c.d_sg - h) - &cost, &(&c.d_ag + g) - &(&c.mu * g)]
            }
        } else {
            [&(&c.d_sg - h) - &c.rho, &c.d_ag + g]
        };
        for (v, u) in v_g.iter_mut().zip(&outcome) {
            *v = &*v + &(&weight * u);
        }
    }
    if v_b[0] == v_g[0] {
        return None;
    }
    if v_b[0] > v_g[0] {
        Some(("bundled", refrain[0], v_b.clone(), v_b, v_g))
    } else {
        Some(("segmented", refrain[1], v_g.clone(), v_b, v_g))
    }
}

/// The E.2 closed form: the path and payoffs of the escalation ladder, or `None` at a threshold.
fn escalation_closed_form(c: &[Q], v_s: &Q, v_a: &Q) -> Option<(Vec<&'static str>, [Q; 2], String)> {
    let rungs = c.len();
    // e[k] = "the mover at rung k escalates", k = 1..=n; e[n] = false.
    let mut e = vec![false; rungs + 1];
    for k in (1..rungs).rev() {
        let v = if k % 2 == 1 { v_s } else { v_a };
        if v == &c[k] {
            return None;
        }
        e[k] = !e[k + 1] && v > &c[k];
    }
    let first = (1..=rungs).find(|&k| !e[k]).expect("e[n] is false");
    if first % 2 == 1 {
        if v_a == &c[0] {
            return None;
        }
        if v_a > &c[0] {
            assert_eq!(first, 1, "A starts only if S yields at the first rung");
            return Some((vec!["start", "yield"], [-&c[0], v_a - &c[0]], "S yields at rung 1".into()));
        }
    }
    Some((vec!["status-quo"], [Q::zero(), Q::zero()], "status quo (deterred)".into()))
}

fn set_all(name: &str, pairs: Vec<(&str, Q)>) -> Tree {
    let pairs: Vec<(String, Q)> = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    model(name).instantiate(&pairs).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    #[allow(non_snake_case)]
    fn commitment_matches_a4(
        V in rat(0, 20, 2), p in rat(0, 1, 8), x in rat(0, 10, 2), y in rat(1, 6, 2),
        k_S in rat(0, 5, 2), k_A in rat(0, 5, 2), o_S in rat(0, 4, 2), o_A in rat(0, 4, 2),
        l in rat(0, 3, 2), r_A in rat(0, 8, 2), rho in rat(0, 10, 3),
    ) {
        let want = commitment_closed_form(&V, &p, &x, &y, &k_S, &k_A, &o_S, &o_A, &l, &r_A, &rho);
        prop_assume!(want.is_some());
        let (want_path, want_payoffs) = want.unwrap();
        let tree = set_all("commitment", vec![
            ("V", V.clone()), ("p", p.clone()), ("x", x.clone()), ("y", y.clone()), ("k_S", k_S.clone()),
            ("k_A", k_A.clone()), ("o_S", o_S.clone()), ("o_A", o_A.clone()), ("l", l.clone()),
            ("r_A", r_A.clone()), ("rho", rho.clone()),
        ]);
        let eq = solve(&tree);
        prop_assert!(eq.ties.is_empty());
        prop_assert_eq!(path(&tree, &eq), want_path.clone());
        prop_assert_eq!(eq.payoffs.clone(), want_payoffs.to_vec());
        // A.4's success condition: threat and assurance credible, r_A below r_A*, deal better than war.
        let qv = &(&n(1) - &p) * &V;
        let r_star = &(&(&x - &qv) + &k_A) + &o_A;
        let war_s = &(&(&p * &V) - &k_S) - &o_S;
        let back_s = (&(&V - &x) - &y).max(&(&p * &V) - &o_S);
        let rho_threat = &back_s - &(&war_s + &l);
        if rho > (&x - &k_S).max(rho_threat) && r_A < r_star && &V - &x > war_s {
            prop_assert_eq!(want_path, vec!["offer", "accept", "honor"]);
        }
    }

    #[test]
    #[allow(non_snake_case)]
    fn commitment_volatile_matches_a6(
        q_high in rat(0, 1, 40),
        rho_L in (5i64..=11).prop_map(|k| Q::ratio(k, 4).unwrap()),
        rho_H in (13i64..=32).prop_map(|k| Q::ratio(k, 4).unwrap()),
    ) {
        // Other parameters at defaults: rho_threat = 1, rho_assure = 3, q* = 7/8.
        let q_star = q("7/8");
        prop_assume!(q_high != q_star);
        let tree = set_all("commitment-volatile", vec![
            ("q", q_high.clone()), ("rho_L", rho_L.clone()), ("rho_H", rho_H),
        ]);
        let eq = solve(&tree);
        if q_high > q_star {
            let low = &n(1) - &q_high;
            let u_s = &(&q_high * &n(6)) + &(&low * &(&n(9) - &rho_L));
            let u_a = &(&q_high * &n(1)) + &(&low * &n(-7));
            prop_assert_eq!(path(&tree, &eq), vec!["offer", "accept"]);
            prop_assert_eq!(eq.payoffs, vec![u_s, u_a]);
        } else {
            prop_assert_eq!(path(&tree, &eq), vec!["offer", "deny"]);
            prop_assert_eq!(eq.payoffs, qs(&["3", "0"]));
        }
    }

    #[test]
    fn salami_matches_b1(
        (nn, s) in (1u32..=12)
            .prop_flat_map(|nn| (Just(nn), i64::from(nn)..=30))
            .prop_flat_map(|(nn, den)| (Just(nn), (1..=den / i64::from(nn)).prop_map(move |k| Q::ratio(k, den).unwrap()))),
        p in rat(0, 1, 20), c_c in rat(0, 1, 10), c_d in rat(0, 1, 10),
    ) {
        // s = k/den with n*s <= 1 by construction.
        let want = salami_closed_form(nn, &s, &p, &c_c, &c_d);
        prop_assume!(want.is_some());
        let (want_path, want_payoffs, want_regime) = want.unwrap();
        let tree = set_all("salami", vec![
            ("n", n(i64::from(nn))), ("s", s), ("p", p), ("c_C", c_c), ("c_D", c_d),
        ]);
        let eq = solve(&tree);
        prop_assert_eq!(path(&tree, &eq), want_path);
        prop_assert_eq!(eq.payoffs.clone(), want_payoffs.to_vec());
        prop_assert_eq!(regime("salami", &tree, &eq), want_regime);
    }

    #[test]
    fn reciprocity_matches_c4(
        d in (rat(0, 10, 1), rat(0, 8, 1), rat(0, 10, 1), rat(0, 8, 1)),
        g in (rat(1, 8, 2), rat(1, 8, 2)), h in (rat(0, 8, 2), rat(0, 8, 2)),
        r in rat(0, 12, 1), kappa in rat(0, 1, 4), mu in rat(0, 3, 4), rho in rat(0, 16, 2),
        lambda in rat(0, 1, 12),
    ) {
        let c = C {
            d_sb: d.0, d_ab: d.1, d_sg: d.2, d_ag: d.3, g: [g.0, g.1], h: [h.0, h.1], r, kappa, mu, rho, lambda,
        };
        let want = reciprocity_closed_form(&c);
        prop_assume!(want.is_some());
        let (regime_action, refrains, payoffs, v_b, v_g) = want.unwrap();
        let tree = set_all("reciprocity", vec![
            ("D_SB", c.d_sb.clone()), ("D_AB", c.d_ab.clone()), ("D_SG", c.d_sg.clone()),
            ("D_AG", c.d_ag.clone()), ("g1", c.g[0].clone()), ("g2", c.g[1].clone()),
            ("h1", c.h[0].clone()), ("h2", c.h[1].clone()), ("R", c.r.clone()),
            ("kappa", c.kappa.clone()), ("mu", c.mu.clone()), ("rho", c.rho.clone()),
            ("lambda", c.lambda.clone()),
        ]);
        let eq = solve(&tree);
        prop_assert_eq!(path(&tree, &eq), vec![regime_action]);
        prop_assert_eq!(eq.payoffs.clone(), payoffs.to_vec());
        prop_assert_eq!(value_at(&tree, &eq, node(&tree, "N|Bundled")), v_b.to_vec());
        prop_assert_eq!(value_at(&tree, &eq, node(&tree, "N|Segmented")), v_g.to_vec());
        let deters: Vec<&str> =
            ["small", "large"].into_iter().zip(refrains).filter(|(_, r)| *r).map(|(s, _)| s).collect();
        let what = if deters.is_empty() { "none".to_string() } else { deters.join(" and ") };
        prop_assert_eq!(regime("reciprocity", &tree, &eq), format!("{regime_action}; deters {what}"));
    }

    #[test]
    fn credibility_matches_e1(
        p_d in rat(0, 1, 24), s_ch in rat(-3, 3, 2), w_gap in rat(0, 4, 2), c_gap in rat(1, 6, 2),
        s_def in rat(-3, 3, 2), l_def in rat(-3, 3, 2), h_gap in rat(1, 3, 2), s_gap in rat(1, 3, 2),
    ) {
        let w_ch = &s_ch + &w_gap;
        let c_ch = &w_ch - &c_gap;
        let c_star = (&w_ch - &s_ch).checked_div(&(&w_ch - &c_ch)).unwrap();
        prop_assume!(p_d != c_star);
        let tree = set_all("credibility", vec![
            ("p_D", p_d.clone()), ("s_Ch", s_ch.clone()), ("w_Ch", w_ch.clone()), ("c_Ch", c_ch.clone()),
            ("s_Def", s_def.clone()), ("l_Def", l_def.clone()), ("c_DefH", &l_def + &h_gap),
            ("c_DefS", &l_def - &s_gap),
        ]);
        let eq = solve(&tree);
        prop_assert_eq!(action_at(&tree, &eq, "Def|hard"), "retaliate");
        prop_assert_eq!(action_at(&tree, &eq, "Def|soft"), "concede");
        let soft = &n(1) - &p_d;
        if p_d < c_star {
            prop_assert_eq!(action_at(&tree, &eq, "Ch|hard"), "initiate");
            let u_ch = &(&p_d * &c_ch) + &(&soft * &w_ch);
            let u_def = &(&p_d * &(&l_def + &h_gap)) + &(&soft * &l_def);
            prop_assert_eq!(eq.payoffs, vec![u_ch, u_def]);
        } else {
            prop_assert_eq!(action_at(&tree, &eq, "Ch|hard"), "status-quo");
            prop_assert_eq!(eq.payoffs, vec![s_ch, s_def]);
        }
    }

    #[test]
    fn escalation_matches_e2(
        rungs in 1usize..=8, costs in prop::collection::vec(rat(1, 8, 2), 8),
        v_s in rat(0, 8, 2), v_a in rat(0, 8, 2), w in rat(1, 30, 1),
    ) {
        let c = &costs[..rungs];
        let want = escalation_closed_form(c, &v_s, &v_a);
        prop_assume!(want.is_some());
        let (want_path, want_payoffs, want_regime) = want.unwrap();
        let names = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];
        let mut pairs: Vec<(&str, Q)> = names.iter().copied().zip(costs.iter().cloned()).collect();
        pairs.extend([("n", n(rungs as i64)), ("V_S", v_s), ("V_A", v_a), ("W", w)]);
        let tree = set_all("escalation", pairs);
        let eq = solve(&tree);
        prop_assert_eq!(path(&tree, &eq), want_path);
        prop_assert_eq!(eq.payoffs.clone(), want_payoffs.to_vec());
        prop_assert_eq!(regime("escalation", &tree, &eq), want_regime);
    }
}
