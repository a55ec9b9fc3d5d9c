//! Subgame-perfect equilibria of any extensive-form tree: the `spe` method.
//!
//! **Class:** perfect-information trees (with chance) go straight to [`crate::backward_induction`].
//! Other trees are decomposed into subgames (ALGORITHMS.md §9): every subgame root is found in O(N),
//! and subgames are solved innermost first, each one's value standing in for it in the subgame above.
//! A subgame whose own moves (outside the inner subgames already solved) are all at singleton
//! information sets is solved by backward induction; one in which a single player moves (with
//! chance) is a decision problem, solved exactly by dynamic programming over that player's
//! information sets (perfect recall required). A subgame where two players move and some
//! information set has several nodes is solved in behaviour strategies by the sequence form
//! ([`crate::sequence`]: the LP when it is constant-sum, Lemke's algorithm otherwise); with more
//! such players it is refused.
//! **Returns:** one SPE: pure (the first optimal action at ties) unless a subgame needed the
//! sequence form; [`solve_with_report`] also says which method solved each subgame. With
//! `options.all`, every SPE the subgame methods enumerate (the private `all` module: every pure SPE
//! of singleton regions, every extreme equilibrium of two-player subgames by `enum` on their reduced
//! strategic forms, the pure equilibria of subgames with more players), combined depth first.
//! **Complexity:** O(N) exact operations plus the decision-problem weights.
//! **Reference:** Selten (1975); Kuhn (1953) for perfect recall and behaviour strategies.

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId, NodeKind, Tree};

use crate::backward_induction::{self, Options, Solution};
use crate::equilibrium::{Equilibrium, Kind, Profile, Tie};
use crate::error::Error;
use crate::sequence::SequenceForm;

mod all;

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

/// How one subgame was solved, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubgameReport {
    /// The subgame's root node.
    pub root: NodeId,
    /// The method: `backward induction`, `decision problem`, `sequence-form lp` or
    /// `sequence-form lcp`.
    pub method: &'static str,
    /// The players who move in it outside its inner subgames (tree indices).
    pub players: Vec<usize>,
}

/// Solves `tree` for a subgame-perfect equilibrium.
///
/// # Errors
/// [`Error::Unsupported`] for subgames no available method handles; [`Error::VerificationFailed`] if
/// the result fails the exact check (a bug).
pub fn solve(tree: &Tree, options: &Options) -> Result<Solution, Error> {
    solve_with_report(tree, options).map(|(s, _)| s)
}

/// [`solve`], also saying which method solved each subgame (outermost first). Two-player subgames
/// with non-singleton information sets are solved by the sequence form ([`crate::sequence`]):
/// the LP when the subgame is constant-sum, Lemke's algorithm otherwise; the profile is then in
/// behaviour strategies and is checked to be a Nash equilibrium in every subgame.
///
/// # Errors
/// As [`solve`].
pub fn solve_with_report(tree: &Tree, options: &Options) -> Result<(Solution, Vec<SubgameReport>), Error> {
    if tree.is_perfect_information() {
        let players: Vec<usize> = (0..tree.n_players()).collect();
        let report = vec![SubgameReport { root: 0, method: "backward induction", players }];
        return backward_induction::solve(tree, options).map(|s| (s, report));
    }
    if options.all {
        return all::solve_all(tree, options);
    }
    let roots = subgame_roots(tree);
    let n_players = tree.n_players();
    let mut value: Vec<Option<Vec<Q>>> = vec![None; tree.len()];
    let mut choice: Vec<u32> = vec![0; tree.infosets().len()];
    // Behaviour at the information sets of subgames solved in mixed strategies.
    let mut mixed: Vec<Vec<Q>> = vec![Vec::new(); tree.infosets().len()];
    let mut any_mixed = false;
    let mut reports: Vec<SubgameReport> = Vec::new();
    // Roots of the regions where every move is at a singleton information set.
    let mut singleton_region: Vec<bool> = vec![false; tree.len()];
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
        let (v, method) = if region.all_singletons {
            singleton_region[r as usize] = true;
            (region.backward_induction(&value, &mut scratch, &mut choice, &mut ties), "backward induction")
        } else if region.players.len() == 1 {
            tree.check_perfect_recall().map_err(|reason| Error::Unsupported { method: "spe", reason })?;
            (region.decision_problem(&value, &mut scratch, &mut choice, &mut ties), "decision problem")
        } else if region.players.len() == 2 {
            any_mixed = true;
            region.sequence_form(&value, &mut scratch, &mut mixed)?
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
                     (an information set with several nodes); one equilibrium of such a subgame with more than \
                     two players is not computed here: use `--all` (every pure equilibrium of each such \
                     subgame, on its reduced strategic form) or `--method sequential`",
                    names.join(", ")
                ),
            });
        };
        reports.push(SubgameReport { root: r, method, players: region.players.clone() });
        value[r as usize] = Some(v);
    }
    reports.reverse();
    let payoffs = value[0].clone().unwrap_or_else(|| vec![Q::zero(); n_players]);
    let (profile, regret) = if any_mixed {
        let behavior: Vec<Vec<Q>> = mixed
            .into_iter()
            .enumerate()
            .map(|(h, b)| {
                if b.is_empty() {
                    let k = tree.actions(h as InfosetId).len() as u32;
                    (0..k).map(|a| if a == choice[h] { Q::one() } else { Q::zero() }).collect()
                } else {
                    b
                }
            })
            .collect();
        let profile = Profile::Behavior(behavior);
        let regret = behavior_subgame_regret(tree, &profile, &roots, &singleton_region, &payoffs)?;
        (profile, regret)
    } else {
        let regret = crate::verify::subgame_regret(tree, &choice, &roots);
        if !regret.regret.is_zero() || regret.payoffs != payoffs {
            return Err(Error::VerificationFailed(format!(
                "subgame decomposition gave regret {} at node {:?}",
                regret.regret, regret.node
            )));
        }
        (Profile::Pure(choice), regret.regret)
    };
    ties.sort_by_key(|t| t.node);
    // Enumerating every SPE of imperfect-information games is not available yet: the list is
    // complete only when no mover was indifferent anywhere and every subgame had a pure solution.
    let complete = ties.is_empty() && !any_mixed;
    let solution = Solution {
        equilibria: vec![Equilibrium { kind: Kind::SubgamePerfect, payoffs, profile, regret, ties }],
        complete,
    };
    Ok((solution, reports))
}

/// Checks a behaviour profile for subgame perfection: no profitable one-node deviation in the
/// regions solved by backward induction, and a Nash equilibrium in every other subgame (an exact
/// best-response pass over each player's information sets). Returns the regret (zero) or
/// [`Error::VerificationFailed`].
fn behavior_subgame_regret(
    tree: &Tree,
    profile: &Profile,
    roots: &[bool],
    singleton_region: &[bool],
    payoffs: &[Q],
) -> Result<Q, Error> {
    let values = crate::play::node_values(tree, profile);
    if values[0] != payoffs {
        return Err(Error::VerificationFailed("subgame values do not add up to the game's payoffs".into()));
    }
    let mut region_of: Vec<NodeId> = vec![0; tree.len()];
    for x in 0..tree.len() as NodeId {
        region_of[x as usize] = match tree.parent(x) {
            Some(p) if !roots[x as usize] => region_of[p as usize],
            _ => x,
        };
        if tree.kind(x) != NodeKind::Decision {
            continue;
        }
        let r = region_of[x as usize];
        if x == r && !singleton_region[x as usize] {
            let check = crate::sequence::regret::nash_regret(tree, x, profile);
            if !check.regret.is_zero() {
                return Err(Error::VerificationFailed(format!(
                    "the subgame at node {x} is not in equilibrium: {} gains {}",
                    tree.players()[check.player.unwrap_or(0)],
                    check.regret
                )));
            }
        }
        if singleton_region[r as usize] {
            let i = tree.player_of(x);
            let best =
                tree.children(x).map(|c| &values[c as usize][i]).max().expect("decision nodes have actions");
            if *best > values[x as usize][i] {
                return Err(Error::VerificationFailed(format!(
                    "{} gains by deviating at node {x}",
                    tree.players()[i]
                )));
            }
        }
    }
    Ok(Q::zero())
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

    /// Two players: the sequence form of the region (inner subgames as leaves with their values),
    /// solved by Lemke's algorithm; the LP when the region is constant-sum (reported as `lp`).
    /// Writes the behaviour at the region's information sets and returns the region's value.
    fn sequence_form(
        &self,
        value: &[Option<Vec<Q>>],
        scratch: &mut Scratch,
        mixed: &mut [Vec<Q>],
    ) -> Result<(Vec<Q>, &'static str), Error> {
        let t = self.tree;
        let mut players = [self.players[0], self.players[1]];
        players.sort_unstable();
        let leaf = |x: NodeId| if self.is_inner(x, value) { value[x as usize].clone() } else { None };
        let form = SequenceForm::new(t, self.root, players, &leaf, "spe")?;
        let mut sum: Option<Q> = None;
        let mut constant = true;
        for &x in &self.nodes {
            if let Some(v) = self.leaf_value(x, value) {
                let s = &v[players[0]] + &v[players[1]];
                constant &= sum.as_ref().is_none_or(|t| *t == s);
                sum.get_or_insert(s);
            }
        }
        let plans = crate::sequence::solve_form_lcp(&form, crate::sequence::SPE_FLOAT_PIVOTS)?;
        form.behavior(&plans, mixed);
        let local = &mut scratch.local;
        for &x in self.nodes.iter().rev() {
            let v = match self.leaf_value(x, value) {
                Some(v) => v,
                None if t.kind(x) == NodeKind::Chance => self.chance(x, local),
                None => {
                    let h = t.infoset_of(x) as usize;
                    let mut acc = vec![Q::zero(); t.n_players()];
                    for (c, p) in t.children(x).zip(&mixed[h]) {
                        if p.is_zero() {
                            continue;
                        }
                        for (a, v) in acc.iter_mut().zip(self.expect(local, c)) {
                            *a = &*a + &(p * &v);
                        }
                    }
                    acc
                }
            };
            local[x as usize] = Some(v);
        }
        let method = if constant { "sequence-form lp" } else { "sequence-form lcp" };
        Ok((self.expect(local, self.nodes[0]), method))
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
    pub(super) fn credibility(p_d: &str) -> Tree {
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
    fn solves_two_player_imperfect_subgames() {
        // Matching pennies as a tree (B does not see A's move), after an outside option for A worth
        // 1/2 to her: she takes it, and the pennies subgame is played at 1/2 each.
        let mut b = TreeBuilder::new("MP", vec!["A".into(), "B".into()]);
        let ht = b.actions(&["h", "t"]).unwrap();
        let io = b.actions(&["in", "out"]).unwrap();
        let hb = b.infoset(1, "B", ht).unwrap();
        b.decision_new(0, io).unwrap();
        b.decision_new(0, ht).unwrap();
        for (first, second) in [(["1", "-1"], ["-1", "1"]), (["-1", "1"], ["1", "-1"])] {
            b.decision(hb).unwrap();
            b.terminal_values(&[q(first[0]), q(first[1])]).unwrap();
            b.terminal_values(&[q(second[0]), q(second[1])]).unwrap();
        }
        b.terminal_values(&[q("1/2"), q("0")]).unwrap();
        let t = b.finish().unwrap();
        let (sol, reports) = solve_with_report(&t, &Options::default()).unwrap();
        let e = &sol.equilibria[0];
        assert_eq!(e.payoffs, vec![q("1/2"), q("0")]);
        let Profile::Behavior(beh) = &e.profile else { panic!("behaviour profile") };
        // Information sets in order of creation: B's, A's first move, A's pennies.
        assert_eq!(beh[1], vec![q("0"), q("1")], "A goes out");
        assert_eq!(beh[0], vec![q("1/2"), q("1/2")]);
        assert_eq!(beh[2], vec![q("1/2"), q("1/2")]);
        let methods: Vec<(NodeId, &str)> = reports.iter().map(|r| (r.root, r.method)).collect();
        assert_eq!(methods, vec![(0, "backward induction"), (1, "sequence-form lp")]);
    }

    #[test]
    fn refuses_three_player_imperfect_subgames() {
        let mut b = TreeBuilder::new("3", vec!["A".into(), "B".into(), "C".into()]);
        let ht = b.actions(&["h", "t"]).unwrap();
        let hb = b.infoset(1, "B", ht).unwrap();
        let hc = b.infoset(2, "C", ht).unwrap();
        b.decision_new(0, ht).unwrap();
        for _ in 0..2 {
            b.decision(hb).unwrap();
            for _ in 0..2 {
                b.decision(hc).unwrap();
                b.terminal_values(&[q("1"), q("0"), q("0")]).unwrap();
                b.terminal_values(&[q("0"), q("1"), q("0")]).unwrap();
            }
        }
        let t = b.finish().unwrap();
        let err = solve(&t, &Options::default()).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err}");
        assert!(err.to_string().contains("pure"), "{err}");
    }
}
