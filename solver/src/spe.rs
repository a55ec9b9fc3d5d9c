//! Subgame-perfect equilibria of any extensive-form tree: the `spe` method.
//!
//! **Class:** perfect-information trees (with chance) go straight to [`crate::backward_induction`].
//! Other trees are decomposed into subgames (ALGORITHMS.md §9): every subgame root is found in O(N),
//! and subgames are solved innermost first, each one's value standing in for it in the subgame above.
//! A subgame whose own moves (outside the inner subgames already solved) are all at singleton
//! information sets is solved by backward induction; one in which a single player moves (with
//! chance) is a decision problem, solved exactly by dynamic programming over that player's
//! information sets (perfect recall required). Subgames where several players move at
//! non-singleton information sets need mixed-strategy methods and are refused for now.
//! **Returns:** one pure SPE (the first optimal action at ties).
//! **Complexity:** O(N) exact operations plus the decision-problem weights.
//! **Reference:** Selten (1975); Kuhn (1953) for perfect recall and behaviour strategies.

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};

use crate::backward_induction::{self, Options, Solution};
use crate::equilibrium::{Equilibrium, Kind, Profile, Tie};
use crate::error::Error;

/// Marks every node that roots a subgame: every information set that meets its subtree lies inside
/// it. Uses pre-order ranges: O(N).
#[must_use]
pub fn subgame_roots(tree: &Tree) -> Vec<bool> {
    let n = tree.len();
    let h_count = tree.infosets().len();
    let mut lo = vec![NodeId::MAX; h_count];
    let mut hi = vec![0 as NodeId; h_count];
    for x in 0..n as NodeId {
        if tree.kind(x) == NodeKind::Decision {
            let h = tree.infoset_of(x) as usize;
            lo[h] = lo[h].min(x);
            hi[h] = hi[h].max(x);
        }
    }
    let mut lo_star: Vec<NodeId> = (0..n as NodeId).collect();
    let mut hi_star: Vec<NodeId> = (0..n as NodeId).collect();
    let mut root = vec![false; n];
    for x in (0..n as NodeId).rev() {
        let xi = x as usize;
        if tree.kind(x) == NodeKind::Decision {
            let h = tree.infoset_of(x) as usize;
            lo_star[xi] = lo_star[xi].min(lo[h]);
            hi_star[xi] = hi_star[xi].max(hi[h]);
        }
        root[xi] = lo_star[xi] >= x && hi_star[xi] < tree.end(x);
        if let Some(p) = tree.parent(x) {
            let pi = p as usize;
            lo_star[pi] = lo_star[pi].min(lo_star[xi]);
            hi_star[pi] = hi_star[pi].max(hi_star[xi]);
        }
    }
    root
}

/// Solves `tree` for a subgame-perfect equilibrium.
///
/// # Errors
/// [`Error::Unsupported`] for subgames no available method handles; [`Error::VerificationFailed`] if
/// the result fails the exact check (a bug).
pub fn solve(tree: &Tree, options: &Options) -> Result<Solution, Error> {
    if tree.is_perfect_information() {
        return backward_induction::solve(tree, options);
    }
    let roots = subgame_roots(tree);
    let n_players = tree.n_players();
    let mut value: Vec<Option<Vec<Q>>> = vec![None; tree.len()];
    let mut choice: Vec<u32> = vec![0; tree.infosets().len()];
    let mut ties: Vec<Tie> = Vec::new();
    // Buffers shared by all subgames: each node belongs to one region, so entries never clash, and
    // allocating per subgame would cost O(nodes) for each of up to O(nodes) subgames.
    let mut scratch = Scratch {
        local: vec![None; tree.len()],
        weight: vec![Q::zero(); tree.len()],
        decided: vec![false; tree.infosets().len()],
    };
    for r in (0..tree.len() as NodeId).rev() {
        if !roots[r as usize] || tree.kind(r) == NodeKind::Terminal {
            continue;
        }
        let region = Region::new(tree, r, &roots);
        let v = if region.all_singletons {
            region.backward_induction(&value, &mut scratch, &mut choice, &mut ties)
        } else if region.players.len() == 1 {
            tree.check_perfect_recall().map_err(|reason| Error::Unsupported { method: "spe", reason })?;
            region.decision_problem(&value, &mut scratch, &mut choice, &mut ties)
        } else {
            let names: Vec<&str> = region.players.iter().map(|&p| tree.players()[p].as_str()).collect();
            let place = if r == 0 {
                "the game".to_string()
            } else {
                format!("the subgame at node {r} ({})", tree.path_to(r))
            };
            return Err(Error::Unsupported {
                method: "spe",
                reason: format!(
                    "in {place}, {} move and one of them cannot observe everything before its move \
                     (an information set with several nodes); such subgames need a mixed-strategy method \
                     (sequence-form `lcp`/`lp`), which this version does not have yet",
                    names.join(" and ")
                ),
            });
        };
        value[r as usize] = Some(v);
    }
    let payoffs = value[0].clone().unwrap_or_else(|| vec![Q::zero(); n_players]);
    let pure = choice;
    let regret = crate::verify::subgame_regret(tree, &pure, &roots);
    if !regret.regret.is_zero() || regret.payoffs != payoffs {
        return Err(Error::VerificationFailed(format!(
            "subgame decomposition gave regret {} at node {:?}",
            regret.regret, regret.node
        )));
    }
    ties.sort_by_key(|t| t.node);
    // Enumerating every SPE of imperfect-information games is not available yet: the list is
    // complete only when no mover was indifferent anywhere.
    let complete = ties.is_empty();
    Ok(Solution {
        equilibria: vec![Equilibrium {
            kind: Kind::SubgamePerfect,
            payoffs,
            profile: Profile::Pure(pure),
            regret: regret.regret,
            ties,
        }],
        complete,
    })
}

/// Per-node and per-information-set buffers shared by every subgame of one solve.
struct Scratch {
    /// Node values within the subgame being solved.
    local: Vec<Option<Vec<Q>>>,
    /// Chance-reach weights from the subgame's root.
    weight: Vec<Q>,
    /// Information sets already decided (decision problems).
    decided: Vec<bool>,
}

/// The nodes of one subgame that are not inside an inner subgame.
struct Region<'t> {
    tree: &'t Tree,
    /// Nodes of the region in pre-order (inner subgame roots included, their insides excluded).
    nodes: Vec<NodeId>,
    /// The subgame's root.
    root: NodeId,
    players: Vec<usize>,
    all_singletons: bool,
}

impl<'t> Region<'t> {
    fn new(tree: &'t Tree, r: NodeId, roots: &[bool]) -> Region<'t> {
        let mut nodes = Vec::new();
        let mut x = r;
        let end = tree.end(r);
        let mut players = Vec::new();
        let mut infosets: Vec<InfosetId> = Vec::new();
        while x < end {
            nodes.push(x);
            if x != r && roots[x as usize] && tree.kind(x) != NodeKind::Terminal {
                x = tree.end(x);
                continue;
            }
            if tree.kind(x) == NodeKind::Decision {
                let p = tree.player_of(x);
                if !players.contains(&p) {
                    players.push(p);
                }
                infosets.push(tree.infoset_of(x));
            }
            x += 1;
        }
        infosets.sort_unstable();
        let all_singletons = infosets.windows(2).all(|w| w[0] != w[1]);
        Region { tree, nodes, root: r, players, all_singletons }
    }

    /// The value of a region node whose children are all evaluated.
    /// True for the roots of inner subgames, already solved (innermost first), which act as leaves.
    fn is_inner(&self, x: NodeId, value: &[Option<Vec<Q>>]) -> bool {
        x != self.root && value[x as usize].is_some()
    }

    fn leaf_value(&self, x: NodeId, value: &[Option<Vec<Q>>]) -> Option<Vec<Q>> {
        if self.is_inner(x, value) {
            return value[x as usize].clone();
        }
        (self.tree.kind(x) == NodeKind::Terminal).then(|| self.tree.payoffs(x).to_vec())
    }

    fn expect(&self, local: &[Option<Vec<Q>>], x: NodeId) -> Vec<Q> {
        local[x as usize].clone().expect("children are evaluated before their parent")
    }

    fn chance(&self, x: NodeId, local: &[Option<Vec<Q>>]) -> Vec<Q> {
        let mut acc = vec![Q::zero(); self.tree.n_players()];
        for (c, p) in self.tree.children(x).zip(self.tree.chance_probs(x)) {
            for (a, v) in acc.iter_mut().zip(self.expect(local, c)) {
                *a = &*a + &(p * &v);
            }
        }
        acc
    }

    fn backward_induction(
        &self,
        value: &[Option<Vec<Q>>],
        scratch: &mut Scratch,
        choice: &mut [u32],
        ties: &mut Vec<Tie>,
    ) -> Vec<Q> {
        let t = self.tree;
        let local = &mut scratch.local;
        for &x in self.nodes.iter().rev() {
            let v = match self.leaf_value(x, value) {
                Some(v) => v,
                None if t.kind(x) == NodeKind::Chance => self.chance(x, local),
                None => {
                    let i = t.player_of(x);
                    let vals: Vec<Vec<Q>> = t.children(x).map(|c| self.expect(local, c)).collect();
                    let best = (0..vals.len()).fold(0, |b, k| if vals[k][i] > vals[b][i] { k } else { b });
                    let tied: Vec<u32> =
                        (0..vals.len()).filter(|&k| vals[k][i] == vals[best][i]).map(|k| k as u32).collect();
                    if tied.len() > 1 {
                        ties.push(Tie { node: x, actions: tied, chosen: best as u32 });
                    }
                    choice[t.infoset_of(x) as usize] = best as u32;
                    vals[best].clone()
                }
            };
            local[x as usize] = Some(v);
        }
        self.expect(local, self.nodes[0])
    }

    /// One player (and chance): decide information sets deepest first, each by the chance-weighted
    /// value of its actions over its nodes.
    fn decision_problem(
        &self,
        value: &[Option<Vec<Q>>],
        scratch: &mut Scratch,
        choice: &mut [u32],
        ties: &mut Vec<Tie>,
    ) -> Vec<Q> {
        let t = self.tree;
        let i = self.players[0];
        let Scratch { local, weight, decided } = scratch;
        // Chance-reach weight of each region node from the region root (own moves taken as given).
        weight[self.nodes[0] as usize] = Q::one();
        for &x in &self.nodes {
            if self.is_inner(x, value) || t.kind(x) == NodeKind::Terminal {
                continue;
            }
            let w = weight[x as usize].clone();
            match t.kind(x) {
                NodeKind::Chance => {
                    for (c, p) in t.children(x).zip(t.chance_probs(x)) {
                        weight[c as usize] = &w * p;
                    }
                }
                _ => {
                    for c in t.children(x) {
                        weight[c as usize] = w.clone();
                    }
                }
            }
        }
        // Information sets by decreasing smallest node: with perfect recall, every information set
        // below a node of h has all its nodes below h, hence a larger smallest node.
        let mut slot: std::collections::HashMap<InfosetId, usize> = std::collections::HashMap::new();
        let mut members: Vec<(InfosetId, Vec<NodeId>)> = Vec::new();
        for &x in &self.nodes {
            if t.kind(x) == NodeKind::Decision && !self.is_inner(x, value) {
                let h = t.infoset_of(x);
                let k = *slot.entry(h).or_insert_with(|| {
                    members.push((h, Vec::new()));
                    members.len() - 1
                });
                members[k].1.push(x);
            }
        }
        members.sort_by_key(|(_, v)| std::cmp::Reverse(v[0]));
        for (h, nodes) in &members {
            let n_actions = t.actions(*h).len();
            let mut totals = vec![Q::zero(); n_actions];
            for &x in nodes {
                for (k, c) in t.children(x).enumerate() {
                    let v = self.evaluate(c, value, local, choice, decided);
                    totals[k] = &totals[k] + &(&weight[x as usize] * &v[i]);
                }
            }
            let best = (0..n_actions).fold(0, |b, k| if totals[k] > totals[b] { k } else { b });
            let tied: Vec<u32> =
                (0..n_actions).filter(|&k| totals[k] == totals[best]).map(|k| k as u32).collect();
            if tied.len() > 1 {
                ties.push(Tie { node: nodes[0], actions: tied, chosen: best as u32 });
            }
            choice[*h as usize] = best as u32;
            decided[*h as usize] = true;
        }
        self.evaluate(self.nodes[0], value, local, choice, decided)
    }

    /// The value of node `x` of the region under the decided choices (memoised, no recursion).
    fn evaluate(
        &self,
        x: NodeId,
        value: &[Option<Vec<Q>>],
        local: &mut [Option<Vec<Q>>],
        choice: &[u32],
        decided: &[bool],
    ) -> Vec<Q> {
        let t = self.tree;
        if let Some(v) = &local[x as usize] {
            return v.clone();
        }
        // Post-order over the unevaluated part of the subtree of x.
        let mut stack = vec![(x, false)];
        while let Some((y, expanded)) = stack.pop() {
            if local[y as usize].is_some() {
                continue;
            }
            if let Some(v) = self.leaf_value(y, value) {
                local[y as usize] = Some(v);
                continue;
            }
            if !expanded {
                stack.push((y, true));
                for c in t.children(y) {
                    if local[c as usize].is_none() {
                        stack.push((c, false));
                    }
                }
                continue;
            }
            let v = match t.kind(y) {
                NodeKind::Chance => self.chance(y, local),
                _ => {
                    let h = t.infoset_of(y);
                    debug_assert!(decided[h as usize], "information sets below are decided first");
                    self.expect(local, t.child(y, choice[h as usize] as usize))
                }
            };
            local[y as usize] = Some(v);
        }
        self.expect(local, x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redline_models::expr::Expr;
    use redline_models::tree::TreeBuilder;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }

    /// Zagare–Kilgour credibility (MODELS.md E.1): nature draws the defender's type, the challenger
    /// moves without knowing it, the defender (knowing it) concedes or retaliates.
    fn credibility(p_d: &str) -> Tree {
        let mut b = TreeBuilder::new("E1", vec!["Challenger".into(), "Defender".into()]);
        let ch = b.actions(&["status-quo", "initiate"]).unwrap();
        let def = b.actions(&["concede", "retaliate"]).unwrap();
        let h = b.infoset(0, "Ch", ch).unwrap();
        let one_minus = format!("1 - {p_d}");
        b.chance(vec![
            ("hard".into(), Expr::parse(p_d).unwrap()),
            ("soft".into(), Expr::parse(&one_minus).unwrap()),
        ])
        .unwrap();
        for retaliation in ["0", "-3"] {
            b.decision(h).unwrap();
            b.terminal_values(&[q("0"), q("1")]).unwrap();
            b.decision_new(1, def).unwrap();
            b.terminal_values(&[q("2"), q("-1")]).unwrap();
            b.terminal_values(&[q("-4"), q(retaliation)]).unwrap();
        }
        b.finish().unwrap()
    }

    #[test]
    fn finds_subgame_roots() {
        let t = credibility("1/4");
        let roots = subgame_roots(&t);
        let expected: Vec<NodeId> = vec![0, 2, 3, 4, 5, 7, 8, 9, 10];
        let got: Vec<NodeId> = (0..t.len() as NodeId).filter(|&x| roots[x as usize]).collect();
        assert_eq!(got, expected, "the chance root, the defender's nodes and the leaves");
    }

    fn check(p_d: &str, action: u32, payoffs: [&str; 2], tied: bool) {
        let t = credibility(p_d);
        let sol = solve(&t, &Options::default()).unwrap();
        let e = &sol.equilibria[0];
        let Profile::Pure(choice) = &e.profile else { panic!("pure profile") };
        assert_eq!(choice[0], action, "challenger at p_D = {p_d}");
        assert_eq!(e.payoffs, vec![q(payoffs[0]), q(payoffs[1])], "p_D = {p_d}");
        assert_eq!(!e.ties.is_empty(), tied, "p_D = {p_d}");
        assert!(e.regret.is_zero());
    }

    #[test]
    fn credibility_threshold_one_third() {
        // Hard retaliates (0 > -1), soft concedes (-1 > -3). Initiating pays 2 - 6 p_D against 0.
        check("1/4", 1, ["1/2", "-3/4"], false);
        check("1/2", 0, ["0", "1"], false);
        check("1/3", 0, ["0", "1"], true);
    }

    #[test]
    fn refuses_two_player_imperfect_subgames() {
        // Matching pennies as a tree: B does not see A's move.
        let mut b = TreeBuilder::new("MP", vec!["A".into(), "B".into()]);
        let ht = b.actions(&["h", "t"]).unwrap();
        let hb = b.infoset(1, "B", ht).unwrap();
        b.decision_new(0, ht).unwrap();
        for (first, second) in [(["1", "-1"], ["-1", "1"]), (["-1", "1"], ["1", "-1"])] {
            b.decision(hb).unwrap();
            b.terminal_values(&[q(first[0]), q(first[1])]).unwrap();
            b.terminal_values(&[q(second[0]), q(second[1])]).unwrap();
        }
        let t = b.finish().unwrap();
        let err = solve(&t, &Options::default()).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    }
}
