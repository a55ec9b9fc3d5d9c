//! The reduced strategic form of an extensive-form tree, as Gambit computes it.
//!
//! A *reduced* pure strategy of player `i` fixes an action only at the information sets that its own
//! earlier choices do not exclude; strategies that differ only at excluded sets are payoff-equivalent
//! and appear once. Labels follow Gambit: one character per information set of the player, in the
//! order of [`Tree::player_infosets`], the 1-based action number, or `*` where the set is excluded
//! (`12*`; a player without moves has the one strategy `*`). Strategies are listed in Gambit's order: lexicographic in the player's information sets
//! taken in depth-first order of first visit, the first set varying slowest.
//!
//! Chance is folded in: a profile's payoff is the expectation over chance moves.
//!
//! The construction never enumerates the unreduced product of actions, nor walks the tree once per
//! profile. Reduced strategies are counted first, by a product/sum recursion over the player's
//! information sets (so a game over [`MAX_PROFILES`] is refused before anything is allocated), then
//! listed by an odometer over the player's sets. Payoffs come from one pass over the leaves: the
//! profiles that reach a leaf are the product, over players, of the strategies consistent with the
//! player's own moves on the path to it (perfect recall makes that the strategies choosing the
//! player's last own action there), so each leaf adds its chance-weighted payoff to exactly those
//! profiles.
//!
//! Perfect recall is required (it is what makes the reduction well defined); other trees are refused
//! with the information set where recall fails.
//!
//! Next: `redline_solver::strategic` solves the result.

use crate::error::Error;
use crate::number::Q;
use crate::strategic::StrategicGame;
use crate::tree::{InfosetId, NodeId, NodeKind, Tree};

/// The largest reduced strategic form built, in strategy profiles.
pub const MAX_PROFILES: u64 = 1_000_000;

/// Marks an information set that a reduced strategy excludes (`*` in its label).
pub const EXCLUDED: u32 = u32::MAX;

/// A tree's reduced strategic form (payoffs as numbers; the tree's parameters are listed with their
/// current values as defaults, for the record) together with what each reduced strategy does in the tree.
#[derive(Clone, Debug)]
pub struct ReducedForm {
    /// The strategic-form game: the tree's players, reduced strategies labelled as Gambit does,
    /// expected payoffs.
    pub game: StrategicGame,
    /// `plans[i]`: player `i`'s strategies, each as `k_i` entries (one per information set, in
    /// [`Tree::player_infosets`] order): the action index, or [`EXCLUDED`].
    plans: Vec<Vec<u32>>,
    /// `k_i`: player `i`'s number of information sets.
    widths: Vec<usize>,
}

impl ReducedForm {
    /// Player `i`'s reduced strategy `s`: per information set (in [`Tree::player_infosets`] order),
    /// the action index, or [`EXCLUDED`].
    #[must_use]
    pub fn plan(&self, i: usize, s: usize) -> &[u32] {
        let k = self.widths[i];
        &self.plans[i][s * k..(s + 1) * k]
    }

    /// The mixed strategy over player `i`'s reduced strategies that is realization-equivalent to a
    /// behaviour strategy (`behavior[k][a]`: the probability of action `a` at the player's `k`-th
    /// information set): each reduced strategy gets the product of its actions' probabilities.
    ///
    /// # Panics
    /// When `behavior` does not give a probability list for every information set of the player.
    #[must_use]
    pub fn mixed_from_behavior(&self, i: usize, behavior: &[Vec<Q>]) -> Vec<Q> {
        assert_eq!(behavior.len(), self.widths[i], "one probability list per information set");
        (0..self.game.strategies(i).len())
            .map(|s| {
                let mut p = Q::one();
                for (k, &a) in self.plan(i, s).iter().enumerate() {
                    if a != EXCLUDED {
                        p = &p * &behavior[k][a as usize];
                        if p.is_zero() {
                            break;
                        }
                    }
                }
                p
            })
            .collect()
    }
}

/// The reduced strategic form of `tree`, refused above [`MAX_PROFILES`] profiles.
///
/// # Errors
/// Imperfect recall (naming the information set), or a reduced form over the limit
/// ([`Error::ReducedFormTooLarge`], which names the sequence-form methods).
pub fn reduce(tree: &Tree) -> Result<ReducedForm, Error> {
    reduce_with_limit(tree, MAX_PROFILES)
}

/// One player's information sets in depth-first order of first visit, with what the reduction needs.
struct PlayerSets {
    /// Local index (depth-first order) → information set.
    sets: Vec<InfosetId>,
    /// Local index → the player's last own move before the set: `(local index, action)`, if any.
    parent: Vec<Option<(usize, u32)>>,
    /// Local index → number of actions.
    n_actions: Vec<u32>,
    /// Local index → first sequence id of its actions (sequence 0 is the empty sequence).
    first_seq: Vec<u32>,
    /// Local index → position in [`Tree::player_infosets`].
    output_pos: Vec<usize>,
}

/// [`reduce`] with a chosen profile limit.
///
/// # Errors
/// As [`reduce`].
pub fn reduce_with_limit(tree: &Tree, max_profiles: u64) -> Result<ReducedForm, Error> {
    tree.check_perfect_recall()
        .map_err(|m| Error::Invalid(format!("the reduced strategic form needs perfect recall, and {m}")))?;
    let n = tree.n_players();
    let n_nodes = tree.len();

    // Local indices: each player's information sets in depth-first order of first visit.
    let mut local = vec![u32::MAX; tree.infosets().len()];
    let mut players: Vec<PlayerSets> = (0..n)
        .map(|_| PlayerSets {
            sets: Vec::new(),
            parent: Vec::new(),
            n_actions: Vec::new(),
            first_seq: Vec::new(),
            output_pos: Vec::new(),
        })
        .collect();
    // seq_at[x * n + i]: player i's last own move on the path to x, as a sequence id.
    // Sequence ids per player: 0 = empty, then first_seq[j] + a. They are assigned as sets are
    // first met, and a node's own history is known when it is met (parents come first).
    let mut seq_at = vec![0u32; n_nodes * n];
    let mut reach: Vec<Q> = vec![Q::zero(); n_nodes];
    reach[0] = Q::one();
    let mut seq_owner: Vec<Vec<(usize, u32)>> = vec![vec![(usize::MAX, 0)]; n];
    for x in 0..n_nodes as NodeId {
        let xi = x as usize;
        match tree.kind(x) {
            NodeKind::Terminal => {}
            NodeKind::Chance => {
                for (c, p) in tree.children(x).zip(tree.chance_probs(x)) {
                    let ci = c as usize;
                    seq_at.copy_within(xi * n..xi * n + n, ci * n);
                    reach[ci] = &reach[xi] * p;
                }
            }
            NodeKind::Decision => {
                let h = tree.infoset_of(x);
                let i = tree.player_of(x);
                let ps = &mut players[i];
                if local[h as usize] == u32::MAX {
                    let j = ps.sets.len();
                    local[h as usize] = j as u32;
                    ps.sets.push(h);
                    let own = seq_at[xi * n + i];
                    ps.parent.push((own != 0).then(|| seq_owner[i][own as usize]));
                    let m = tree.actions(h).len() as u32;
                    ps.n_actions.push(m);
                    ps.first_seq.push(seq_owner[i].len() as u32);
                    for a in 0..m {
                        seq_owner[i].push((j, a));
                    }
                    ps.output_pos.push(tree.infoset_index_in_player(h));
                }
                let j = local[h as usize] as usize;
                let first = players[i].first_seq[j];
                for (a, c) in tree.children(x).enumerate() {
                    let ci = c as usize;
                    seq_at.copy_within(xi * n..xi * n + n, ci * n);
                    seq_at[ci * n + i] = first + a as u32;
                    reach[ci] = reach[xi].clone();
                }
            }
        }
    }

    // Count before building: R(j) = Σ_a Π_{children of (j, a)} R(child); total = Π_{roots} R.
    let mut counts: Vec<u128> = Vec::with_capacity(n);
    for (ps, owners) in players.iter().zip(&seq_owner) {
        let mut prod = vec![1u128; owners.len()];
        for j in (0..ps.sets.len()).rev() {
            let first = ps.first_seq[j] as usize;
            let r = (0..ps.n_actions[j] as usize).fold(0u128, |acc, a| acc.saturating_add(prod[first + a]));
            let target = ps.parent[j].map_or(0, |(pj, pa)| ps.first_seq[pj] as usize + pa as usize);
            prod[target] = prod[target].saturating_mul(r);
        }
        counts.push(prod[0]);
    }
    let total = counts.iter().fold(1u128, |acc, &c| acc.saturating_mul(c));
    if total > u128::from(max_profiles) {
        let profiles = if total == u128::MAX { "more than 10^38".to_string() } else { total.to_string() };
        return Err(Error::ReducedFormTooLarge { profiles, limit: max_profiles });
    }

    // List each player's reduced strategies: an odometer over the sets in depth-first order, whose
    // entries at excluded sets are fixed by the earlier entries.
    let mut plans: Vec<Vec<u32>> = Vec::with_capacity(n);
    let mut labels: Vec<Vec<String>> = Vec::with_capacity(n);
    // consistent[i][seq]: player i's strategies that make the moves of sequence `seq`.
    let mut consistent: Vec<Vec<Vec<u32>>> = Vec::with_capacity(n);
    for (i, ps) in players.iter().enumerate() {
        let k = ps.sets.len();
        let count = counts[i] as usize;
        let mut flat: Vec<u32> = Vec::with_capacity(count * k);
        let mut names: Vec<String> = Vec::with_capacity(count);
        let mut plan = vec![EXCLUDED; k];
        let settle = |plan: &mut [u32], from: usize| {
            for j in from..k {
                let open = ps.parent[j].is_none_or(|(pj, pa)| plan[pj] == pa);
                plan[j] = if open { 0 } else { EXCLUDED };
            }
        };
        settle(&mut plan, 0);
        let n_seqs = seq_owner[i].len();
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n_seqs];
        loop {
            let s = names.len() as u32;
            let mut out = vec![EXCLUDED; k];
            let mut label = String::with_capacity(k);
            for j in 0..k {
                out[ps.output_pos[j]] = plan[j];
                if plan[j] != EXCLUDED {
                    lists[ps.first_seq[j] as usize + plan[j] as usize].push(s);
                }
            }
            if k == 0 {
                // A player without moves has one strategy; Gambit labels it `*`.
                label.push('*');
            }
            for &a in &out {
                if a == EXCLUDED {
                    label.push('*');
                } else {
                    label.push_str(&(a + 1).to_string());
                }
            }
            flat.extend_from_slice(&out);
            names.push(label);
            lists[0].push(s);
            let Some(j) = (0..k).rev().find(|&j| plan[j] != EXCLUDED && plan[j] + 1 < ps.n_actions[j]) else {
                break;
            };
            plan[j] += 1;
            settle(&mut plan, j + 1);
        }
        debug_assert_eq!(names.len(), count);
        plans.push(flat);
        labels.push(names);
        consistent.push(lists);
    }

    // Payoffs: each leaf adds its chance-weighted payoffs to the profiles that reach it.
    let shape: Vec<usize> = labels.iter().map(Vec::len).collect();
    let mut strides = vec![1usize; n];
    for i in 1..n {
        strides[i] = strides[i - 1] * shape[i - 1];
    }
    let n_profiles: usize = shape.iter().product();
    let mut table = vec![Q::zero(); n_profiles * n];
    let mut weighted: Vec<Q> = vec![Q::zero(); n];
    let mut digits = vec![0usize; n];
    let mut lists: Vec<&[u32]> = Vec::with_capacity(n);
    for x in 0..n_nodes as NodeId {
        let xi = x as usize;
        if tree.kind(x) != NodeKind::Terminal || reach[xi].is_zero() {
            continue;
        }
        let payoffs = tree.payoffs(x);
        for (w, u) in weighted.iter_mut().zip(payoffs) {
            *w = &reach[xi] * u;
        }
        if weighted.iter().all(Q::is_zero) {
            continue;
        }
        lists.clear();
        lists.extend((0..n).map(|i| consistent[i][seq_at[xi * n + i] as usize].as_slice()));
        if lists.iter().any(|l| l.is_empty()) {
            continue;
        }
        digits.fill(0);
        'profiles: loop {
            let index: usize = (0..n).map(|i| lists[i][digits[i]] as usize * strides[i]).sum();
            for (cell, w) in table[index * n..index * n + n].iter_mut().zip(&weighted) {
                if !w.is_zero() {
                    *cell = &*cell + w;
                }
            }
            for i in 0..n {
                digits[i] += 1;
                if digits[i] < lists[i].len() {
                    continue 'profiles;
                }
                digits[i] = 0;
            }
            break;
        }
    }

    let mut game = StrategicGame::new(tree.title.clone(), tree.players().to_vec(), labels)?;
    game.description.clone_from(&tree.description);
    // The tree's parameters at their current values, for the record (the payoffs are numbers).
    for (p, v) in tree.parameters().iter().zip(tree.parameter_values()) {
        let mut p = p.clone();
        p.default = v.clone();
        game.add_parameter(p)?;
    }
    game.set_payoff_table(table)?;
    let widths = players.iter().map(|ps| ps.sets.len()).collect();
    Ok(ReducedForm { game, plans, widths })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Expr;
    use crate::tree::TreeBuilder;

    fn q(s: &str) -> Q {
        Q::parse_exact(s).unwrap()
    }

    /// Player 1 chooses L or R; after L, player 1 chooses again (l/r) without seeing player 2's move;
    /// player 2 moves once, not seeing player 1's first move. Player 1 has reduced strategies
    /// `11`, `12`, `2*`.
    fn two_stage() -> Tree {
        let mut b = TreeBuilder::new("two stage", vec!["A".into(), "B".into()]);
        let lr = b.actions(&["L", "R"]).unwrap();
        let xy = b.actions(&["x", "y"]).unwrap();
        let a1 = b.infoset(0, "first", lr).unwrap();
        let b1 = b.infoset(1, "", xy).unwrap();
        let a2 = b.infoset(0, "second", lr).unwrap();
        b.decision(a1).unwrap();
        // L
        b.decision(b1).unwrap();
        b.decision(a2).unwrap();
        b.terminal_values(&[q("1"), q("0")]).unwrap();
        b.terminal_values(&[q("2"), q("1")]).unwrap();
        b.decision(a2).unwrap();
        b.terminal_values(&[q("3"), q("2")]).unwrap();
        b.terminal_values(&[q("4"), q("3")]).unwrap();
        // R
        b.decision(b1).unwrap();
        b.terminal_values(&[q("5"), q("4")]).unwrap();
        b.terminal_values(&[q("6"), q("5")]).unwrap();
        b.finish().unwrap()
    }

    #[test]
    fn labels_and_payoffs_of_a_two_stage_tree() {
        let r = reduce(&two_stage()).unwrap();
        let g = &r.game;
        assert_eq!(g.strategies(0), ["11", "12", "2*"]);
        assert_eq!(g.strategies(1), ["1", "2"]);
        let expect = [
            ([0, 0], ["1", "0"]),
            ([1, 0], ["2", "1"]),
            ([2, 0], ["5", "4"]),
            ([0, 1], ["3", "2"]),
            ([1, 1], ["4", "3"]),
            ([2, 1], ["6", "5"]),
        ];
        for (p, v) in expect {
            assert_eq!(g.payoffs_at(g.profile_index(&p)), [q(v[0]), q(v[1])], "profile {p:?}");
        }
        assert_eq!(r.plan(0, 2), [1, EXCLUDED]);
    }

    #[test]
    fn chance_is_folded_in_and_behaviour_maps_to_mixed() {
        // Chance 1/3 : 2/3, then player A (one information set across both) chooses.
        let mut b = TreeBuilder::new("chance", vec!["A".into()]);
        let lr = b.actions(&["L", "R"]).unwrap();
        let h = b.infoset(0, "", lr).unwrap();
        b.chance(vec![("a".into(), Expr::parse("1/3").unwrap()), ("b".into(), Expr::parse("2/3").unwrap())])
            .unwrap();
        b.decision(h).unwrap();
        b.terminal_values(&[q("3")]).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        b.decision(h).unwrap();
        b.terminal_values(&[q("0")]).unwrap();
        b.terminal_values(&[q("3")]).unwrap();
        let r = reduce(&b.finish().unwrap()).unwrap();
        assert_eq!(r.game.payoffs_at(0), [q("1")]);
        assert_eq!(r.game.payoffs_at(1), [q("2")]);
        assert_eq!(r.mixed_from_behavior(0, &[vec![q("1/4"), q("3/4")]]), [q("1/4"), q("3/4")]);
    }

    #[test]
    fn refuses_over_the_limit_and_imperfect_recall() {
        let t = two_stage();
        let e = reduce_with_limit(&t, 5).unwrap_err();
        assert!(e.to_string().contains("--method lcp"), "{e}");
        assert!(reduce_with_limit(&t, 6).is_ok());
        // Player A forgets their first move.
        let mut b = TreeBuilder::new("forget", vec!["A".into()]);
        let lr = b.actions(&["L", "R"]).unwrap();
        let h1 = b.infoset(0, "first", lr).unwrap();
        let h2 = b.infoset(0, "second", lr).unwrap();
        b.decision(h1).unwrap();
        for _ in 0..2 {
            b.decision(h2).unwrap();
            b.terminal_values(&[q("1")]).unwrap();
            b.terminal_values(&[q("0")]).unwrap();
        }
        let e = reduce(&b.finish().unwrap()).unwrap_err();
        assert!(e.to_string().contains("perfect recall") && e.to_string().contains("`second`"), "{e}");
    }
}
