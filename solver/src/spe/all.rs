//! Every subgame-perfect equilibrium the subgame methods can enumerate (`spe --all` on trees with
//! information sets).
//!
//! Subgames are taken innermost first, as in [`super::solve_with_report`], but each one is solved
//! for all its equilibria of the kind its method enumerates, and the combinations are searched depth
//! first (an explicit stack, no recursion): choosing an equilibrium of an inner subgame fixes the
//! value that stands in for it above, so the subgames above are solved again for every choice.
//!
//! Per region (a subgame minus its inner subgames), written out as a small tree of its own whose
//! inner subgames are leaves carrying their chosen values:
//! - only singleton information sets: every pure SPE by backward induction with ties;
//! - one or two movers: the region's reduced strategic form, `pure` (one mover: every optimal plan)
//!   or `enum` (two: every extreme equilibrium), each mixed strategy turned into the
//!   realization-equivalent behaviour strategy;
//! - more movers: every pure equilibrium of the reduced form (mixed ones are not enumerated, so the
//!   list is marked incomplete).
//!
//! The list is `complete` when every region's list was, and then it holds every SPE whose play in
//! each subgame is an extreme equilibrium of that subgame (for one and two movers, mixtures of
//! these are equilibria too, as `enum --components` describes for strategic forms).

use std::collections::{HashMap, HashSet};

use redline_models::expr::Expr;
use redline_models::number::Q;
use redline_models::reduced::{self, EXCLUDED};
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree, TreeBuilder};

use super::{Region, SubgameReport, behavior_subgame_regret, subgame_roots};
use crate::backward_induction::{self, Options, Solution, TieBreak};
use crate::equilibrium::{Equilibrium, Kind, Profile, Tie};
use crate::error::Error;
use crate::strategic;

/// One equilibrium of a region: the behaviour at its information sets and its value to every player.
#[derive(Clone)]
struct Candidate {
    behavior: Vec<(InfosetId, Vec<Q>)>,
    value: Vec<Q>,
}

/// A region's equilibria, whether the list is complete, and the method that found them.
struct RegionSolution {
    candidates: Vec<Candidate>,
    complete: bool,
    method: &'static str,
}

/// Every SPE of an imperfect-information `tree` that the subgame methods enumerate, up to
/// `options.max_equilibria`, with a report per subgame (from the first combination).
pub(super) fn solve_all(tree: &Tree, options: &Options) -> Result<(Solution, Vec<SubgameReport>), Error> {
    let roots = subgame_roots(tree);
    let order: Vec<NodeId> = (0..tree.len() as NodeId)
        .rev()
        .filter(|&r| roots[r as usize] && tree.kind(r) != NodeKind::Terminal)
        .collect();
    let mut singleton_region = vec![false; tree.len()];
    for &r in &order {
        singleton_region[r as usize] = Region::new(tree, r, &roots).all_singletons;
    }
    let n_infosets = tree.infosets().len();
    let mut value: Vec<Option<Vec<Q>>> = vec![None; tree.len()];
    let mut behavior: Vec<Vec<Q>> = vec![Vec::new(); n_infosets];
    let mut equilibria: Vec<Equilibrium> = Vec::new();
    let mut complete = true;
    let mut reports: Vec<SubgameReport> = Vec::new();
    // The stack holds, per level, the region's equilibria and the next one to try.
    let mut stack: Vec<(Vec<Candidate>, usize)> = Vec::new();
    let first = solve_region(tree, &Region::new(tree, order[0], &roots), &value, options.max_equilibria)?;
    complete &= first.complete;
    reports.push(SubgameReport {
        root: order[0],
        method: first.method,
        players: movers(tree, order[0], &roots),
    });
    stack.push((first.candidates, 0));
    while !stack.is_empty() {
        let level = stack.len() - 1;
        let (candidates, next) = &mut stack[level];
        let Some(c) = candidates.get(*next).cloned() else {
            stack.pop();
            continue;
        };
        *next += 1;
        let r = order[level];
        value[r as usize] = Some(c.value.clone());
        for (h, b) in c.behavior {
            behavior[h as usize] = b;
        }
        if level + 1 == order.len() {
            equilibria.push(finish(tree, &behavior, &roots, &singleton_region, c.value)?);
            if equilibria.len() >= options.max_equilibria {
                complete = false;
                break;
            }
            continue;
        }
        let r = order[level + 1];
        let region = Region::new(tree, r, &roots);
        let s = solve_region(tree, &region, &value, options.max_equilibria)?;
        complete &= s.complete;
        if reports.len() == level + 1 {
            reports.push(SubgameReport { root: r, method: s.method, players: region.players.clone() });
        }
        stack.push((s.candidates, 0));
    }
    reports.reverse();
    Ok((Solution { equilibria, complete }, reports))
}

fn movers(tree: &Tree, r: NodeId, roots: &[bool]) -> Vec<usize> {
    Region::new(tree, r, roots).players
}

/// The equilibrium for one full choice of region equilibria, checked exactly.
fn finish(
    tree: &Tree,
    behavior: &[Vec<Q>],
    roots: &[bool],
    singleton_region: &[bool],
    payoffs: Vec<Q>,
) -> Result<Equilibrium, Error> {
    let pure: Option<Vec<u32>> = behavior
        .iter()
        .map(|row| {
            row.iter()
                .position(Q::is_one)
                .map(|a| a as u32)
                .filter(|_| row.iter().filter(|p| !p.is_zero()).count() == 1)
        })
        .collect();
    let profile = Profile::Behavior(behavior.to_vec());
    let regret = behavior_subgame_regret(tree, &profile, roots, singleton_region, &payoffs)?;
    let (profile, ties) = match pure {
        Some(choice) => {
            let ties = pure_ties(tree, &choice, roots);
            (Profile::Pure(choice), ties)
        }
        None => (profile, Vec::new()),
    };
    Ok(Equilibrium { kind: Kind::SubgamePerfect, payoffs, profile, regret, ties })
}

/// The ties of a pure SPE, as [`super::solve_with_report`] records them: at every information set,
/// the mover's actions of equal best value, each node weighted by the probability of reaching it
/// from its subgame's root (chance and the profile's moves); sets that their subgame's root does not
/// reach are skipped. Reported at the set's first node.
fn pure_ties(tree: &Tree, choice: &[u32], roots: &[bool]) -> Vec<Tie> {
    let values = crate::play::node_values(tree, &Profile::Pure(choice.to_vec()));
    let mut weight = vec![Q::zero(); tree.len()];
    let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); tree.infosets().len()];
    for x in 0..tree.len() as NodeId {
        weight[x as usize] = match tree.parent(x) {
            Some(p) if !roots[x as usize] => {
                let k = tree.child_index(x);
                let w = &weight[p as usize];
                match tree.kind(p) {
                    NodeKind::Chance => w * &tree.chance_probs(p)[k],
                    _ if choice[tree.infoset_of(p) as usize] as usize == k => w.clone(),
                    _ => Q::zero(),
                }
            }
            _ => Q::one(),
        };
        if tree.kind(x) == NodeKind::Decision {
            members[tree.infoset_of(x) as usize].push(x);
        }
    }
    let mut ties = Vec::new();
    for (h, nodes) in members.iter().enumerate() {
        let Some(&first) = nodes.first() else { continue };
        if nodes.iter().all(|&x| weight[x as usize].is_zero()) {
            continue;
        }
        let i = tree.player_of(first);
        let totals: Vec<Q> = (0..tree.n_children(first))
            .map(|a| nodes.iter().map(|&x| &weight[x as usize] * &values[tree.child(x, a) as usize][i]).sum())
            .collect();
        let best = totals.iter().max().expect("decision nodes have actions");
        let tied: Vec<u32> = (0..totals.len() as u32).filter(|&a| totals[a as usize] == *best).collect();
        if tied.len() > 1 {
            ties.push(Tie { node: first, actions: tied, chosen: choice[h] });
        }
    }
    ties
}

/// The region as a tree of its own (its movers only, inner subgames as leaves with their values),
/// with the map from its information sets to the game's.
fn region_tree(
    tree: &Tree,
    region: &Region<'_>,
    value: &[Option<Vec<Q>>],
) -> Result<(Tree, Vec<InfosetId>), Error> {
    let movers = &region.players;
    let names: Vec<String> = movers.iter().map(|&p| tree.players()[p].clone()).collect();
    let mut b = TreeBuilder::new("subgame", names);
    let mut local: HashMap<InfosetId, InfosetId> = HashMap::new();
    let mut back: Vec<InfosetId> = Vec::new();
    let internal =
        |e: redline_models::error::Error| Error::VerificationFailed(format!("rebuilding a subgame: {e}"));
    let project = |v: &[Q]| -> Vec<Q> { movers.iter().map(|&p| v[p].clone()).collect() };
    for &x in &region.nodes {
        if let Some(v) = region.leaf_value(x, value) {
            b.terminal_values(&project(&v)).map_err(internal)?;
            continue;
        }
        match tree.kind(x) {
            NodeKind::Terminal => unreachable!("leaf_value covers terminal nodes"),
            NodeKind::Chance => {
                let outcomes = tree
                    .chance_labels(x)
                    .iter()
                    .zip(tree.chance_probs(x))
                    .map(|(l, p)| (l.to_string(), Expr::number(p.clone())))
                    .collect();
                b.chance(outcomes).map_err(internal)?;
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                let k = match local.get(&h) {
                    Some(&k) => k,
                    None => {
                        let acts = b.actions(tree.actions(h)).map_err(internal)?;
                        let mover = movers
                            .iter()
                            .position(|&p| p == tree.player_of(x))
                            .expect("a mover of the region");
                        let k =
                            b.infoset(mover, &tree.infosets()[h as usize].label, acts).map_err(internal)?;
                        local.insert(h, k);
                        back.push(h);
                        k
                    }
                };
                b.decision(k).map_err(internal)?;
            }
        }
    }
    let t = b.finish().map_err(internal)?;
    Ok((t, back))
}

/// Every equilibrium of one region that its method enumerates.
fn solve_region(
    tree: &Tree,
    region: &Region<'_>,
    value: &[Option<Vec<Q>>],
    max_equilibria: usize,
) -> Result<RegionSolution, Error> {
    if region.players.is_empty() {
        // Chance alone moves here: one "equilibrium", nothing to choose.
        let value = region_value(tree, region, value, &[]);
        return Ok(RegionSolution {
            candidates: vec![Candidate { behavior: Vec::new(), value }],
            complete: true,
            method: "chance only",
        });
    }
    let (rt, back) = region_tree(tree, region, value)?;
    let mut raw: Vec<Vec<(InfosetId, Vec<Q>)>> = Vec::new();
    let (complete, method) = if rt.is_perfect_information() {
        let options = Options { tie_break: TieBreak::First, all: true, max_equilibria };
        let s = backward_induction::solve(&rt, &options)?;
        for e in &s.equilibria {
            raw.push(
                back.iter()
                    .enumerate()
                    .map(|(k, &h)| {
                        (
                            h,
                            (0..rt.actions(k as InfosetId).len() as u32)
                                .map(|a| e.profile.prob(k as InfosetId, a))
                                .collect(),
                        )
                    })
                    .collect(),
            );
        }
        (s.complete, "backward induction")
    } else {
        let rf = reduced::reduce(&rt).map_err(|e| match e {
            redline_models::error::Error::ReducedFormTooLarge { .. } => {
                Error::Limit { what: "reduced strategic form", detail: format!("a subgame for --all: {e}") }
            }
            other => Error::Unsupported { method: "spe --all", reason: other.to_string() },
        })?;
        let (s, method) = match rt.n_players() {
            2 => (strategic::enumeration::solve(&rf.game)?, "enum on the reduced strategic form"),
            1 => (strategic::pure::solve(&rf.game)?, "decision problem (every optimal plan)"),
            _ => (strategic::pure::solve(&rf.game)?, "pure on the reduced strategic form"),
        };
        for e in &s.equilibria {
            let mut rows = Vec::new();
            for i in 0..rt.n_players() {
                for (pos, &k) in rt.player_infosets(i).iter().enumerate() {
                    rows.push((
                        back[k as usize],
                        behavior_at(&rf, &e.strategies[i], i, pos, rt.actions(k).len()),
                    ));
                }
            }
            raw.push(rows);
        }
        (s.complete && rt.n_players() <= 2, method)
    };
    let mut seen = HashSet::new();
    let mut candidates = Vec::new();
    for behavior in raw {
        if seen.insert(behavior.clone()) {
            let value = region_value(tree, region, value, &behavior);
            candidates.push(Candidate { behavior, value });
        }
    }
    Ok(RegionSolution { candidates, complete, method })
}

/// The behaviour at a player's `pos`-th information set that is realization-equivalent to the mixed
/// strategy `mixed` over the player's reduced strategies; the first action where the player's own
/// play never reaches the set.
fn behavior_at(rf: &reduced::ReducedForm, mixed: &[Q], i: usize, pos: usize, n_actions: usize) -> Vec<Q> {
    let mut x = vec![Q::zero(); n_actions];
    for (s, p) in mixed.iter().enumerate() {
        let a = rf.plan(i, s)[pos];
        if a != EXCLUDED && !p.is_zero() {
            x[a as usize] = &x[a as usize] + p;
        }
    }
    let total: Q = x.iter().sum();
    if total.is_zero() {
        return (0..n_actions).map(|a| if a == 0 { Q::one() } else { Q::zero() }).collect();
    }
    x.iter().map(|v| v.checked_div(&total).expect("a positive total")).collect()
}

/// The region's value to every player under `behavior` (inner subgames at their values).
fn region_value(
    tree: &Tree,
    region: &Region<'_>,
    value: &[Option<Vec<Q>>],
    behavior: &[(InfosetId, Vec<Q>)],
) -> Vec<Q> {
    let n = tree.n_players();
    let mut local: HashMap<NodeId, Vec<Q>> = HashMap::with_capacity(region.nodes.len());
    let row = |h: InfosetId| &behavior.iter().find(|(g, _)| *g == h).expect("the region's information set").1;
    for &x in region.nodes.iter().rev() {
        let v = if let Some(v) = region.leaf_value(x, value) {
            v
        } else {
            let probs: &[Q] = match tree.kind(x) {
                NodeKind::Chance => tree.chance_probs(x),
                _ => row(tree.infoset_of(x)),
            };
            let mut acc = vec![Q::zero(); n];
            for (c, p) in tree.children(x).zip(probs) {
                if p.is_zero() {
                    continue;
                }
                for (a, v) in acc.iter_mut().zip(&local[&c]) {
                    *a = &*a + &(p * v);
                }
            }
            acc
        };
        local.insert(x, v);
    }
    local.remove(&region.root).expect("the region's root")
}

#[cfg(test)]
mod tests {
    use super::super::solve_with_report;
    use super::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    fn all() -> Options {
        Options { tie_break: TieBreak::First, all: true, max_equilibria: 100 }
    }

    /// A takes an outside option worth (2, 2) or enters a battle of the sexes that B plays without
    /// seeing A's choice: (x, x) pays (3, 1), (y, y) pays (1, 3), a mismatch (0, 0).
    fn outside_option() -> Tree {
        let mut b = TreeBuilder::new("BoS", vec!["A".into(), "B".into()]);
        let io = b.actions(&["in", "out"]).unwrap();
        let xy = b.actions(&["x", "y"]).unwrap();
        let hb = b.infoset(1, "B", xy).unwrap();
        b.decision_new(0, io).unwrap();
        b.decision_new(0, xy).unwrap();
        for row in [[["3", "1"], ["0", "0"]], [["0", "0"], ["1", "3"]]] {
            b.decision(hb).unwrap();
            for u in row {
                b.terminal_values(&[q(u[0]), q(u[1])]).unwrap();
            }
        }
        b.terminal_values(&[q("2"), q("2")]).unwrap();
        b.finish().unwrap()
    }

    #[test]
    fn every_equilibrium_of_a_mixed_subgame_gives_an_spe() {
        let t = outside_option();
        let (sol, reports) = solve_with_report(&t, &all()).unwrap();
        assert!(sol.complete);
        let payoffs: Vec<Vec<Q>> = sol.equilibria.iter().map(|e| e.payoffs.clone()).collect();
        // (x, x) is worth 3 to A: in. (y, y) and the mixed equilibrium (A: x with 3/4, B: x with
        // 1/4, worth 3/4 each) are worth less than 2: out.
        let mut expected = vec![vec![q("3"), q("1")], vec![q("2"), q("2")], vec![q("2"), q("2")]];
        let mut got = payoffs.clone();
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
        let mixed = sol.equilibria.iter().find_map(|e| match &e.profile {
            Profile::Behavior(b) => Some(b.clone()),
            Profile::Pure(_) => None,
        });
        let b = mixed.expect("the mixed subgame equilibrium");
        // Information sets in order of creation: B's, A's entry, A's pennies.
        assert_eq!(b[0], vec![q("1/4"), q("3/4")]);
        assert_eq!(b[2], vec![q("3/4"), q("1/4")]);
        assert_eq!(b[1], vec![q("0"), q("1")]);
        assert!(sol.equilibria.iter().all(|e| e.regret.is_zero()));
        let methods: Vec<&str> = reports.iter().map(|r| r.method).collect();
        assert_eq!(methods, vec!["backward induction", "enum on the reduced strategic form"]);
    }

    #[test]
    fn ties_in_a_decision_problem_give_every_optimal_plan() {
        // Credibility (MODELS.md E.1) at p_D = 1/3: the challenger is indifferent.
        let t = super::super::tests::credibility("1/3");
        let (sol, _) = solve_with_report(&t, &all()).unwrap();
        assert!(sol.complete);
        for e in &sol.equilibria {
            assert_eq!(
                e.ties.iter().map(|t| (t.node, t.actions.clone())).collect::<Vec<_>>(),
                vec![(1, vec![0, 1])]
            );
        }
        let mut got: Vec<Vec<Q>> = sol.equilibria.iter().map(|e| e.payoffs.clone()).collect();
        got.sort();
        assert_eq!(got, vec![vec![q("0"), q("-2/3")], vec![q("0"), q("1")]]);
    }

    #[test]
    fn three_movers_get_their_pure_equilibria_and_an_incomplete_list() {
        // A, B, C choose h/t without seeing each other; C is paid when all three match, A and B
        // when they differ from C: no pure equilibrium (C always wants to match, the others not).
        let mut b = TreeBuilder::new("3", vec!["A".into(), "B".into(), "C".into()]);
        let ht = b.actions(&["h", "t"]).unwrap();
        let hb = b.infoset(1, "B", ht).unwrap();
        let hc = b.infoset(2, "C", ht).unwrap();
        b.decision_new(0, ht).unwrap();
        for a in 0..2 {
            b.decision(hb).unwrap();
            for bb in 0..2 {
                b.decision(hc).unwrap();
                for c in 0..2 {
                    let matched = a == c && bb == c;
                    let u = if matched { ["0", "0", "1"] } else { ["1", "1", "0"] };
                    b.terminal_values(&[q(u[0]), q(u[1]), q(u[2])]).unwrap();
                }
            }
        }
        let t = b.finish().unwrap();
        let (sol, reports) = solve_with_report(&t, &all()).unwrap();
        assert!(!sol.complete);
        assert_eq!(reports[0].method, "pure on the reduced strategic form");
        // A and B mismatching each other makes matching impossible for C: those are equilibria.
        assert!(!sol.equilibria.is_empty());
        for e in &sol.equilibria {
            assert_eq!(e.payoffs, vec![q("1"), q("1"), q("0")]);
        }
    }
}
