//! Conformance with Gambit 16.7 on the games in `../shared/conformance/gambit-games/`.
//!
//! Every `.efg` and `.nfg` file there must load (or, where Gambit itself rejects the file, may be
//! rejected). The loaded game is checked against Gambit's description of it in
//! `../shared/conformance/expected/` (title, players, strategy labels, information sets with their
//! labels and actions in Gambit's order, node count, perfect recall). Where Gambit's answer was
//! computed with a method redline has (`spe`: every pure subgame-perfect equilibrium of a
//! perfect-information tree), redline solves the game and the two answers must agree exactly: the
//! number of equilibria, and the set of behaviour profiles with their payoffs. Strategic forms are
//! compared by `enum` (Gambit's `enummixed`) and `pure` (`enumpure`). Trees with an `enumpure` or
//! `lcp` answer go through redline's reduced strategic form: its strategy labels must be Gambit's,
//! `enumpure` must give the same set of pure profiles, and for `lcp` (a behaviour profile) Gambit's
//! equilibrium, turned into the realization-equivalent mixed profile, must have exact regret 0 and the
//! same payoffs on redline's reduced form, and redline's own Lemke–Howson equilibrium must verify.
//!
//! The summary line is `conformance: N files, A agreed, D differed, U unsupported`; the test fails on
//! any disagreement and on any file that does not load.
//!
//! Also here: `.efg → .ron → .efg` round trips of the whole corpus, and the two `.efg` fixtures of
//! MODELS.md, which must solve like the built-in models they describe.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use redline_models::format::game::{self, ReadOptions, Syntax};
use redline_models::format::{efg, nfg};
use redline_models::library;
use redline_models::number::Q;
use redline_models::strategic::StrategicGame;
use redline_models::tree::{NodeKind, Tree};
use redline_solver::Profile;
use redline_solver::backward_induction::Options;
use redline_solver::spe;
use redline_tests::workspace_root;
use serde_json::Value;

/// `../shared/conformance`, next to the workspace.
fn conformance_dir() -> PathBuf {
    workspace_root().join("../shared/conformance")
}

/// Every `.efg` and `.nfg` file under `dir`, as paths relative to it, sorted.
fn game_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "efg" || e == "nfg") {
                out.push(path.strip_prefix(dir).expect("walked from dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// What came of one file.
enum Verdict {
    Agreed,
    Differed(Vec<String>),
    Unsupported(String),
}

enum Loaded {
    Tree(Box<Tree>),
    Strategic(Box<StrategicGame>),
}

fn load(rel: &Path, text: &str) -> Result<Loaded, String> {
    if rel.extension().is_some_and(|e| e == "efg") {
        efg::read(text, &ReadOptions::default()).map(|t| Loaded::Tree(Box::new(t))).map_err(|e| e.to_string())
    } else {
        nfg::read(text).map(|g| Loaded::Strategic(Box::new(g))).map_err(|e| e.to_string())
    }
}

fn q(v: &Value) -> Option<Q> {
    v.as_str().and_then(|s| Q::parse_exact(s).ok())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap_or("?").to_string()).collect())
        .unwrap_or_default()
}

/// Compares what both tools say about the game itself (not its equilibria).
fn check_description(game: &Loaded, exp: &Value, diffs: &mut Vec<String>) {
    let (title, players) = match game {
        Loaded::Tree(t) => (&t.title, t.players()),
        Loaded::Strategic(g) => (&g.title, g.players()),
    };
    if let Some(et) = exp["title"].as_str()
        && et != title
    {
        diffs.push(format!("title {title:?}, Gambit {et:?}"));
    }
    if let Some(ep) = exp.get("players")
        && strings(ep) != players
    {
        diffs.push(format!("players {players:?}, Gambit {ep}"));
    }
    match game {
        Loaded::Strategic(g) => {
            for (i, p) in g.players().iter().enumerate() {
                let es = strings(&exp["strategies"][p]);
                if es != g.strategies(i) {
                    diffs.push(format!("strategies of {p}: {:?}, Gambit {es:?}", g.strategies(i)));
                }
            }
        }
        Loaded::Tree(t) => {
            // Gambit 16.7 refuses repeated node labels; the expected data was then computed with
            // node and information set labels blanked, so only the actions can be compared.
            let blanked = exp["read_note"].as_str().is_some_and(|n| n.contains("labels blanked"));
            if let Some(infosets) = exp.get("infosets") {
                for (i, p) in t.players().iter().enumerate() {
                    let ours: Vec<(String, Vec<String>)> = t
                        .player_infosets(i)
                        .iter()
                        .map(|&h| {
                            let label = if blanked {
                                String::new()
                            } else {
                                t.infosets()[h as usize].label.to_string()
                            };
                            (label, t.actions(h).to_vec())
                        })
                        .collect();
                    let theirs: Vec<(String, Vec<String>)> = infosets[p]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|h| {
                                    (h["label"].as_str().unwrap_or("?").to_string(), strings(&h["actions"]))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    if ours != theirs {
                        diffs.push(format!("information sets of {p}: {ours:?}, Gambit {theirs:?}"));
                    }
                }
            }
            let nodes = exp.get("nodes").or_else(|| exp.pointer("/probe/nodes")).and_then(Value::as_u64);
            if let Some(n) = nodes
                && n != t.len() as u64
            {
                diffs.push(format!("{} nodes, Gambit {n}", t.len()));
            }
            let recall = exp
                .get("is_perfect_recall")
                .or_else(|| exp.pointer("/probe/perfect_recall"))
                .and_then(Value::as_bool);
            if let Some(r) = recall
                && r != t.check_perfect_recall().is_ok()
            {
                diffs.push(format!("perfect recall {}, Gambit {r}", !r));
            }
        }
    }
}

/// Action probabilities per player, per information set in Gambit's order.
type Behavior = Vec<Vec<Vec<Q>>>;

/// Solves a perfect-information tree for every pure SPE and compares with Gambit's list.
fn check_spe(t: &Tree, exp: &Value, diffs: &mut Vec<String>) {
    let options = Options { all: true, max_equilibria: 100_000, ..Options::default() };
    let sol = match spe::solve(t, &options) {
        Ok(s) => s,
        Err(e) => {
            diffs.push(format!("spe failed: {e}"));
            return;
        }
    };
    let players = t.players();
    // One equilibrium as comparable text: per player, per information set in Gambit's order, the
    // action probabilities; then the payoffs.
    let ours: Vec<(Behavior, Vec<Q>)> = sol
        .equilibria
        .iter()
        .map(|e| {
            let profile = (0..players.len())
                .map(|i| {
                    t.player_infosets(i)
                        .iter()
                        .map(|&h| (0..t.actions(h).len() as u32).map(|a| e.profile.prob(h, a)).collect())
                        .collect()
                })
                .collect();
            (profile, e.payoffs.clone())
        })
        .collect();
    let mut theirs: Vec<(Option<Behavior>, Vec<Q>)> = Vec::new();
    for e in exp["equilibria"].as_array().into_iter().flatten() {
        let payoffs: Vec<Q> =
            players.iter().map(|p| q(&e["payoffs"][p]).unwrap_or(Q::from_int(-999_999))).collect();
        let profile = e.get("profile").map(|pr| {
            players
                .iter()
                .map(|p| {
                    pr[p]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|h| h.as_array().into_iter().flatten().filter_map(q).collect())
                        .collect()
                })
                .collect()
        });
        theirs.push((profile, payoffs));
    }
    let enumerated = exp["all_spe_enumerated"].as_bool().unwrap_or(false);
    let n = exp["n_equilibria"].as_u64().unwrap_or(0) as usize;
    if enumerated {
        if !sol.complete || ours.len() != n {
            diffs.push(format!("{} SPE (complete: {}), Gambit {n}", ours.len(), sol.complete));
        }
        let mut a: Vec<String> = ours.iter().map(|o| format!("{o:?}")).collect();
        let mut b: Vec<String> =
            theirs.iter().filter_map(|(p, pay)| p.as_ref().map(|p| format!("{:?}", (p, pay)))).collect();
        a.sort();
        b.sort();
        if b.len() == theirs.len() && a != b {
            diffs.push(format!("SPE differ: redline {a:?}, Gambit {b:?}"));
        }
    } else {
        // Gambit listed some equilibria only (a large tree): each must be among redline's.
        for (p, pay) in &theirs {
            let found = ours.iter().any(|(op, opay)| opay == pay && p.as_ref().is_none_or(|p| p == op));
            if !found {
                diffs.push(format!("Gambit's SPE with payoffs {pay:?} is not among redline's"));
            }
        }
    }
}

fn check_file(root: &Path, rel: &Path) -> Result<Verdict, String> {
    let games = root.join("gambit-games");
    let text = std::fs::read_to_string(games.join(rel)).map_err(|e| format!("cannot read: {e}"))?;
    let stem = rel.with_extension("");
    let expected_dir = root.join("expected");
    // `x.efg` and `x.nfg` share `expected/x.json`; its `file` says which one Gambit described.
    let this_file = |v: &Value| v["file"].as_str().is_some_and(|f| Path::new(f) == rel);
    let exp = read_json(&expected_dir.join(format!("{}.json", stem.display())))
        .filter(this_file)
        .unwrap_or(Value::Null);
    let status = exp["status"].as_str().unwrap_or("");
    let gambit_rejects = status.starts_with("read error");
    let game = match load(rel, &text) {
        Ok(g) => g,
        Err(e) if gambit_rejects => return Ok(Verdict::Unsupported(format!("both reject it: {e}"))),
        Err(e) => return Err(format!("does not load: {e}")),
    };
    let mut diffs = Vec::new();
    check_description(&game, &exp, &mut diffs);
    let mut agreed = false;
    let mut unsupported = Vec::new();
    if gambit_rejects {
        unsupported.push(format!("Gambit 16.7 rejects it ({status}); redline reads it"));
    } else if !status.is_empty() {
        unsupported.push(format!("Gambit could not solve it ({status})"));
    } else if let Some(method) = exp["method"].as_str() {
        match (&game, method) {
            (Loaded::Strategic(g), "enummixed" | "enumpure") => {
                let before = diffs.len();
                check_strategic(g, method, &exp, &mut diffs);
                agreed = diffs.len() == before;
            }
            (Loaded::Tree(t), "enumpure" | "lcp") => match redline_models::reduced::reduce(t) {
                Ok(r) => {
                    let before = diffs.len();
                    check_reduced(&r, method, &exp, &mut diffs);
                    agreed = diffs.len() == before;
                }
                Err(e) => unsupported.push(format!("reduced strategic form refused: {e}")),
            },
            _ => unsupported.push(format!("method {method} not in redline yet")),
        }
    } else {
        unsupported.push("no Gambit answer for this file (only for its namesake)".into());
    }
    let spe_exp = read_json(&expected_dir.join(format!("{}.spe.json", stem.display()))).filter(this_file);
    if let Some(spe_exp) = spe_exp {
        match &game {
            Loaded::Tree(t) => {
                check_description(&game, &spe_exp, &mut diffs);
                let before = diffs.len();
                check_spe(t, &spe_exp, &mut diffs);
                agreed = diffs.len() == before;
            }
            Loaded::Strategic(_) => diffs.push("an SPE answer for a strategic-form game".into()),
        }
    }
    Ok(if !diffs.is_empty() {
        Verdict::Differed(diffs)
    } else if agreed {
        Verdict::Agreed
    } else {
        Verdict::Unsupported(unsupported.join("; "))
    })
}

/// Compares the set of equilibria of a strategic-form game with Gambit's, exactly: `enummixed`
/// (every extreme equilibrium of a two-player game) against redline's `enum`, `enumpure` against
/// `pure`.
fn check_strategic(
    g: &redline_models::strategic::StrategicGame,
    method: &str,
    exp: &Value,
    diffs: &mut Vec<String>,
) {
    use redline_solver::strategic::{enumeration, pure};
    let solution = match method {
        "enummixed" => enumeration::solve(g),
        _ => pure::solve(g),
    };
    let solution = match solution {
        Ok(s) => s,
        Err(e) => {
            diffs.push(format!("redline's {method} failed: {e}"));
            return;
        }
    };
    let ours: std::collections::BTreeSet<Vec<Vec<String>>> = solution
        .equilibria
        .iter()
        .map(|e| e.strategies.iter().map(|s| s.iter().map(ToString::to_string).collect()).collect())
        .collect();
    let players: Vec<String> = g.players().to_vec();
    let theirs: std::collections::BTreeSet<Vec<Vec<String>>> = exp["equilibria"]
        .as_array()
        .map(|eqs| {
            eqs.iter()
                .map(|e| {
                    players
                        .iter()
                        .map(|p| {
                            e["profile"][p]
                                .as_array()
                                .map(|v| {
                                    v.iter()
                                        .map(|x| {
                                            let q: redline_models::number::Q =
                                                x.as_str().unwrap_or("").parse().unwrap_or_default();
                                            q.to_string()
                                        })
                                        .collect()
                                })
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    if ours != theirs {
        diffs.push(format!(
            "{method}: redline finds {} equilibria, Gambit {}; only redline: {:?}; only Gambit: {:?}",
            ours.len(),
            theirs.len(),
            ours.difference(&theirs).take(3).collect::<Vec<_>>(),
            theirs.difference(&ours).take(3).collect::<Vec<_>>()
        ));
    }
}

/// Compares a tree's reduced strategic form with Gambit's: the strategy labels, then `enumpure`
/// (the set of pure equilibria) or `lcp` (Gambit's behaviour equilibrium is an equilibrium of the
/// reduced form with the same payoffs; redline's own Lemke–Howson equilibrium verifies).
fn check_reduced(
    r: &redline_models::reduced::ReducedForm,
    method: &str,
    exp: &Value,
    diffs: &mut Vec<String>,
) {
    use redline_solver::strategic::{lemke_howson, regret};
    let g = &r.game;
    for (i, p) in g.players().iter().enumerate() {
        let theirs = strings(&exp["strategies"][p]);
        if theirs != g.strategies(i) {
            diffs
                .push(format!("reduced strategies of {p}: redline {:?}, Gambit {theirs:?}", g.strategies(i)));
        }
    }
    if !diffs.is_empty() {
        return;
    }
    if method == "enumpure" {
        check_strategic(g, method, exp, diffs);
        return;
    }
    let Some(eqs) = exp["equilibria"].as_array() else {
        diffs.push("lcp: no equilibria in Gambit's answer".into());
        return;
    };
    for (k, e) in eqs.iter().enumerate() {
        let mixed: Vec<Vec<Q>> = g
            .players()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let behavior: Vec<Vec<Q>> = e["profile"][p]
                    .as_array()
                    .map(|sets| {
                        sets.iter()
                            .map(|a| {
                                strings(a).iter().map(|x| Q::parse_exact(x).unwrap_or_default()).collect()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                r.mixed_from_behavior(i, &behavior)
            })
            .collect();
        let (reg, payoffs) = regret(g, &mixed);
        let theirs: Vec<Q> = g.players().iter().map(|p| q(&e["payoffs"][p]).unwrap_or_default()).collect();
        if !reg.is_zero() || payoffs != theirs {
            diffs.push(format!(
                "lcp: Gambit's equilibrium {k} has regret {reg} and payoffs {payoffs:?} on redline's reduced form (Gambit: {theirs:?})"
            ));
        }
    }
    let options = lemke_howson::Options { start_label: None, all: false, max_pivots: 1_000_000 };
    match lemke_howson::solve(g, &options) {
        Ok(s)
            if s.equilibria.iter().all(|e| regret(g, &e.strategies).0.is_zero())
                && !s.equilibria.is_empty() => {}
        Ok(_) => diffs.push("lcp: redline's Lemke–Howson equilibrium does not verify".into()),
        Err(e) => diffs.push(format!("lcp: redline's Lemke–Howson failed: {e}")),
    }
}

#[test]
// The summary line is the point of this test: it is how CI logs show conformance at a glance.
#[allow(clippy::print_stdout)]
fn gambit_conformance() {
    let root = conformance_dir();
    let files = game_files(&root.join("gambit-games"));
    assert!(
        files.len() > 100,
        "expected the Gambit corpus in {}, found {} files",
        root.display(),
        files.len()
    );
    let (mut agreed, mut differed, mut unsupported) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for rel in &files {
        match check_file(&root, rel) {
            Ok(Verdict::Agreed) => agreed += 1,
            Ok(Verdict::Differed(d)) => {
                differed += 1;
                failures.push(format!("{}: {}", rel.display(), d.join("; ")));
            }
            Ok(Verdict::Unsupported(why)) => {
                unsupported += 1;
                // Group the reasons by their first words for the log.
                let key =
                    why.split(':').next().unwrap_or(&why).split(" (").next().unwrap_or(&why).to_string();
                *reasons.entry(key).or_default() += 1;
            }
            Err(e) => failures.push(format!("{}: {e}", rel.display())),
        }
    }
    for (why, n) in &reasons {
        println!("  unsupported: {n} × {why}");
    }
    println!(
        "conformance: {} files, {agreed} agreed, {differed} differed, {unsupported} unsupported",
        files.len()
    );
    assert!(failures.is_empty(), "{} files failed:\n{}", failures.len(), failures.join("\n"));
}

/// The same game: players, title, nodes, labels, payoffs, chance, and the same information sets
/// (by player and position in the player's list) with the same actions, and with the same labels when
/// `infoset_labels` is set.
fn same_game(a: &Tree, b: &Tree, infoset_labels: bool) -> Result<(), String> {
    if a.players() != b.players() || a.title != b.title || a.len() != b.len() {
        return Err(format!(
            "players/title/size: {:?} {} {} vs {:?} {} {}",
            a.players(),
            a.title,
            a.len(),
            b.players(),
            b.title,
            b.len()
        ));
    }
    for x in 0..a.len() as u32 {
        let what = if a.kind(x) != b.kind(x) || a.parent(x) != b.parent(x) {
            "kind or parent"
        } else if !same_label(a.node_label(x), b.node_label(x)) {
            "label"
        } else {
            match a.kind(x) {
                NodeKind::Terminal if a.payoffs(x) != b.payoffs(x) => "payoffs",
                NodeKind::Chance if a.chance_probs(x) != b.chance_probs(x) => "probabilities",
                NodeKind::Chance if a.chance_labels(x) != b.chance_labels(x) => "chance labels",
                NodeKind::Decision => {
                    let (ha, hb) = (a.infoset_of(x), b.infoset_of(x));
                    let (ia, ib) = (&a.infosets()[ha as usize], &b.infosets()[hb as usize]);
                    if ia.player != ib.player
                        || a.infoset_index_in_player(ha) != b.infoset_index_in_player(hb)
                    {
                        "information set"
                    } else if infoset_labels && ia.label != ib.label {
                        "information set label"
                    } else if a.actions(ha) != b.actions(hb) {
                        "actions"
                    } else {
                        ""
                    }
                }
                _ => "",
            }
        };
        if !what.is_empty() {
            return Err(format!("node {x} ({}): {what} differs", a.path_to(x)));
        }
    }
    Ok(())
}

/// FIXME(RON information set names): redline's RON writer names an information set by its label, so
/// two information sets with one label (of one player, or of two players) cannot be told apart
/// when read back. These files are pinned with the reader's current message until the writer makes
/// such names distinct.
const RON_NAME_CLASHES: [(&str, &str); 0] = [];

/// Equal labels, or `b` is `a` made distinct by the `.efg` writer (`"2 left"` → `"2 left_3"`), which
/// it does for inner nodes sharing a label because Gambit refuses repeated node names.
fn same_label(a: &str, b: &str) -> bool {
    a == b || (!a.is_empty() && b.strip_prefix(a).is_some_and(|k| k.starts_with('_')))
}

#[test]
fn efg_round_trips() {
    let root = conformance_dir().join("gambit-games");
    let mut failures = Vec::new();
    for rel in game_files(&root) {
        let text = std::fs::read_to_string(root.join(&rel)).expect("readable");
        if rel.extension().is_some_and(|e| e == "nfg") {
            let Ok(g) = nfg::read(&text) else { continue };
            if nfg::read(&nfg::write(&g)).as_ref() != Ok(&g) {
                failures.push(format!("{}: .nfg → .nfg", rel.display()));
            }
            continue;
        }
        let Ok(tree) = efg::read(&text, &ReadOptions::default()) else { continue };
        let again = efg::read(&efg::write(&tree), &ReadOptions::default()).map_err(|e| e.to_string());
        if let Err(e) = again.and_then(|t| same_game(&tree, &t, true)) {
            failures.push(format!("{}: .efg → .efg: {e}", rel.display()));
        }
        // The RON schema names information sets only in imperfect-information trees (and unnamed
        // ones as `Player#n`), so their labels are not compared on this path; everything that
        // makes the game (tree, payoffs, chance, which nodes share an information set, actions) is.
        let ron = game::write(&tree, Syntax::Ron);
        let via_ron = game::read(&ron, &ReadOptions::default())
            .map_err(|e| format!("the RON does not read back: {e}"))
            .and_then(|t| efg::read(&efg::write(&t), &ReadOptions::default()).map_err(|e| e.to_string()))
            .and_then(|t| same_game(&tree, &t, false));
        let pinned = RON_NAME_CLASHES.iter().find(|(f, _)| Path::new(f) == rel);
        match (via_ron, pinned) {
            (Ok(()), None) => {}
            (Err(e), Some((_, msg))) if e.contains(msg) => {}
            (Err(e), _) => failures.push(format!("{}: .efg → .ron → .efg: {e}", rel.display())),
            (Ok(()), Some(_)) => failures.push(format!("{}: round trips now: unpin it", rel.display())),
        }
    }
    assert!(failures.is_empty(), "{} round trips failed:\n{}", failures.len(), failures.join("\n"));
}

/// MODELS.md, game A: the Gambit fixture of worked example A1 (the built-in `commitment` at its
/// defaults).
const A1: &str = r#"EFG 2 R "credible-commitment game A (defaults)" { "S" "A" }
""
p "" 1 1 "S|root" { "Offer" "Continue" } 0
p "" 2 1 "A|Offer" { "Accept" "Deny" } 0
p "" 1 2 "S|Acc" { "Honor" "Strike" "Concede" } 0
t "" 1 "Acc_Honor" { 6, 1 }
t "" 2 "Acc_Strike" { 5, -7 }
t "" 3 "Acc_Concede" { 4, 3 }
p "" 1 3 "S|Den" { "Strike" "Wait" "Concede" } 0
t "" 4 "Den_Strike" { 3, 0 }
t "" 5 "Den_Wait" { -1, 4 }
t "" 6 "Den_Concede" { 0, 6 }
t "" 7 "War" { 2, 0 }
"#;

/// MODELS.md, game C: the Gambit fixture of worked example C1 (the built-in `reciprocity` at its
/// defaults).
const C1: &str = r#"EFG 2 R "segmented vs bundled game C (defaults)" { "S" "A" }
""
p "" 1 1 "S|regime" { "Bundled" "Segmented" } 0
c "" 1 "N|Bundled" { "small" 3/4 "large" 1/4 } 0
p "" 2 1 "A|Bundled,opp1" { "Refrain" "Act" } 0
t "" 1 "Bundled/a1/Refrain" { 8, 5 }
p "" 1 2 "S|Bundled,a1" { "Respond" "Ignore" } 0
t "" 2 "Bundled/a1/Respond" { -7, -8 }
t "" 3 "Bundled/a1/Ignore" { 2, 7 }
p "" 2 2 "A|Bundled,opp2" { "Refrain" "Act" } 0
t "" 4 "Bundled/a2/Refrain" { 8, 5 }
p "" 1 3 "S|Bundled,a2" { "Respond" "Ignore" } 0
t "" 5 "Bundled/a2/Respond" { -11, -4 }
t "" 6 "Bundled/a2/Ignore" { -2, 11 }
c "" 2 "N|Segmented" { "small" 3/4 "large" 1/4 } 0
p "" 2 3 "A|Segmented,opp1" { "Refrain" "Act" } 0
t "" 7 "Segmented/a1/Refrain" { 6, 4 }
p "" 1 4 "S|Segmented,a1" { "Respond" "Ignore" } 0
t "" 8 "Segmented/a1/Respond" { 5/2, 3 }
t "" 9 "Segmented/a1/Ignore" { 0, 6 }
p "" 2 4 "A|Segmented,opp2" { "Refrain" "Act" } 0
t "" 10 "Segmented/a2/Refrain" { 6, 4 }
p "" 1 5 "S|Segmented,a2" { "Respond" "Ignore" } 0
t "" 11 "Segmented/a2/Respond" { -9/2, 1 }
t "" 12 "Segmented/a2/Ignore" { -4, 10 }
"#;

fn spe_payoffs(t: &Tree) -> Vec<Q> {
    let sol = spe::solve(t, &Options::default()).expect("the game solves");
    sol.equilibria[0].payoffs.clone()
}

fn check_fixture(text: &str, model: &str, expected: [&str; 2]) {
    let fixture = efg::read(text, &ReadOptions::default()).expect("the fixture loads");
    let built = library::find(model).expect("a built-in model").instantiate(&[]).expect("defaults build");
    let expected: Vec<Q> = expected.iter().map(|s| s.parse().expect("a number")).collect();
    assert_eq!(spe_payoffs(&fixture), expected, "{model}: the .efg fixture");
    assert_eq!(spe_payoffs(&built), expected, "{model}: the built-in model");
    assert!(matches!(
        spe::solve(&fixture, &Options::default()).expect("solves").equilibria[0].profile,
        Profile::Pure(_)
    ));
}

#[test]
fn models_md_fixture_a1_matches_commitment() {
    check_fixture(A1, "commitment", ["6", "1"]);
}

#[test]
fn models_md_fixture_c1_matches_reciprocity() {
    check_fixture(C1, "reciprocity", ["7/2", "11/2"]);
}
