//! The tidy-tree layout: Reingold–Tilford as improved by Buchheim, Jünger and Leipert ("Improving
//! Walker's algorithm to run in linear time", 2002), with boxes of different widths.
//!
//! Every node gets a horizontal centre; depth gives the row. Subtrees never overlap: two nodes in a
//! row are at least `(width_a + width_b) / 2 + gap` apart. A parent sits centred over its first and
//! last child, and a subtree is drawn the same wherever it occurs.
//!
//! Linear in the number of nodes and without recursion: the arena's pre-order numbering lets the
//! "first walk" run in reverse index order (children before parents) and the "second walk" in index
//! order (parents before children).

use redline_models::tree::{NodeId, Tree};

const NONE: u32 = u32::MAX;

/// Children of every node in one flat array (compressed rows), so `k`-th child lookups are O(1).
struct Kids {
    first: Vec<u32>,
    list: Vec<NodeId>,
    /// Each node's index among its siblings.
    index: Vec<u32>,
    parent: Vec<NodeId>,
}

impl Kids {
    fn new(tree: &Tree) -> Kids {
        let n = tree.len();
        let mut first = Vec::with_capacity(n + 1);
        let mut list = Vec::with_capacity(n.saturating_sub(1));
        let mut index = vec![0; n];
        let mut parent = vec![NONE; n];
        for x in 0..n as NodeId {
            first.push(list.len() as u32);
            for (k, c) in tree.children(x).enumerate() {
                index[c as usize] = k as u32;
                parent[c as usize] = x;
                list.push(c);
            }
        }
        first.push(list.len() as u32);
        Kids { first, list, index, parent }
    }

    fn of(&self, v: NodeId) -> &[NodeId] {
        &self.list[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }
}

/// The state of the two walks, one entry per node.
struct Walk<'a> {
    kids: Kids,
    widths: &'a [f64],
    gap: f64,
    prelim: Vec<f64>,
    modifier: Vec<f64>,
    shift: Vec<f64>,
    change: Vec<f64>,
    thread: Vec<NodeId>,
    ancestor: Vec<NodeId>,
}

impl Walk<'_> {
    fn distance(&self, a: NodeId, b: NodeId) -> f64 {
        (self.widths[a as usize] + self.widths[b as usize]) / 2.0 + self.gap
    }

    fn next_left(&self, v: NodeId) -> NodeId {
        self.kids.of(v).first().copied().unwrap_or(self.thread[v as usize])
    }

    fn next_right(&self, v: NodeId) -> NodeId {
        self.kids.of(v).last().copied().unwrap_or(self.thread[v as usize])
    }

    fn move_subtree(&mut self, wl: NodeId, wr: NodeId, shift: f64) {
        let subtrees = f64::from(self.kids.index[wr as usize] - self.kids.index[wl as usize]);
        let (l, r) = (wl as usize, wr as usize);
        self.change[r] -= shift / subtrees;
        self.shift[r] += shift;
        self.change[l] += shift / subtrees;
        self.prelim[r] += shift;
        self.modifier[r] += shift;
    }

    /// Pushes `v` (whose left siblings are placed) right until its subtree clears theirs, spreading
    /// the shift over the siblings in between; threads the contours for later comparisons.
    fn apportion(&mut self, v: NodeId, left: NodeId, leftmost: NodeId, mut default: NodeId) -> NodeId {
        let (mut vir, mut vor, mut vil, mut vol) = (v, v, left, leftmost);
        let m = |w: &Self, x: NodeId| w.modifier[x as usize];
        let (mut sir, mut sor, mut sil, mut sol) = (m(self, vir), m(self, vor), m(self, vil), m(self, vol));
        while self.next_right(vil) != NONE && self.next_left(vir) != NONE {
            vil = self.next_right(vil);
            vir = self.next_left(vir);
            vol = self.next_left(vol);
            vor = self.next_right(vor);
            self.ancestor[vor as usize] = v;
            let shift = (self.prelim[vil as usize] + sil) - (self.prelim[vir as usize] + sir)
                + self.distance(vil, vir);
            if shift > 0.0 {
                let a = self.ancestor[vil as usize];
                let wl =
                    if self.kids.parent[a as usize] == self.kids.parent[v as usize] { a } else { default };
                self.move_subtree(wl, v, shift);
                sir += shift;
                sor += shift;
            }
            sil += m(self, vil);
            sir += m(self, vir);
            sol += m(self, vol);
            sor += m(self, vor);
        }
        if self.next_right(vil) != NONE && self.next_right(vor) == NONE {
            self.thread[vor as usize] = self.next_right(vil);
            self.modifier[vor as usize] += sil - sor;
        }
        if self.next_left(vir) != NONE && self.next_left(vol) == NONE {
            self.thread[vol as usize] = self.next_left(vir);
            self.modifier[vol as usize] += sir - sol;
            default = v;
        }
        default
    }

    fn execute_shifts(&mut self, v: NodeId) {
        let (mut shift, mut change) = (0.0, 0.0);
        for k in (self.kids.first[v as usize]..self.kids.first[v as usize + 1]).rev() {
            let w = self.kids.list[k as usize] as usize;
            self.prelim[w] += shift;
            self.modifier[w] += shift;
            change += self.change[w];
            shift += self.shift[w] + change;
        }
    }
}

/// The horizontal centre of every node: rows never overlap (boxes of `widths[x]`, at least `gap`
/// apart), and the leftmost box edge is at 0.
///
/// # Panics
/// When `widths` does not have one entry per node.
#[must_use]
pub fn tidy(tree: &Tree, widths: &[f64], gap: f64) -> Vec<f64> {
    let n = tree.len();
    assert_eq!(widths.len(), n, "one width per node");
    let mut w = Walk {
        kids: Kids::new(tree),
        widths,
        gap,
        prelim: vec![0.0; n],
        modifier: vec![0.0; n],
        shift: vec![0.0; n],
        change: vec![0.0; n],
        thread: vec![NONE; n],
        ancestor: (0..n as NodeId).collect(),
    };
    // The midpoint over each internal node's children, once its subtree is arranged.
    let mut mid = vec![0.0; n];
    for v in (0..n as NodeId).rev() {
        let kids = w.kids.of(v).to_vec();
        let Some(&first) = kids.first() else { continue };
        let mut default = first;
        for (k, &c) in kids.iter().enumerate() {
            // The end of Walker's first walk of `c`: its place relative to its left sibling.
            let internal = !w.kids.of(c).is_empty();
            if k == 0 {
                w.prelim[c as usize] = if internal { mid[c as usize] } else { 0.0 };
            } else {
                let l = kids[k - 1];
                w.prelim[c as usize] = w.prelim[l as usize] + w.distance(l, c);
                if internal {
                    w.modifier[c as usize] = w.prelim[c as usize] - mid[c as usize];
                }
                default = w.apportion(c, l, first, default);
            }
        }
        w.execute_shifts(v);
        let last = kids[kids.len() - 1];
        mid[v as usize] = (w.prelim[first as usize] + w.prelim[last as usize]) / 2.0;
    }
    if n == 0 {
        return Vec::new();
    }
    w.prelim[0] = mid[0];
    // Second walk, parents before children: add up the modifiers of the ancestors.
    let mut acc = vec![0.0; n];
    let mut x = vec![0.0; n];
    for v in 0..n {
        let p = w.kids.parent[v];
        if p != NONE {
            acc[v] = acc[p as usize] + w.modifier[p as usize];
        }
        x[v] = w.prelim[v] + acc[v];
    }
    let left = x.iter().zip(widths).map(|(c, wd)| c - wd / 2.0).fold(f64::INFINITY, f64::min);
    for c in &mut x {
        *c -= left;
    }
    x
}

/// The depth of every node (the root has depth 0), parents before children.
#[must_use]
pub fn depths(tree: &Tree) -> Vec<u32> {
    let mut d = vec![0u32; tree.len()];
    for x in 1..tree.len() as NodeId {
        if let Some(p) = tree.parent(x) {
            d[x as usize] = d[p as usize] + 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use redline_models::number::Q;
    use redline_models::tree::TreeBuilder;

    use super::*;

    /// Builds a tree from a pre-order list of child counts (players alternate, leaves pay 0).
    fn build(counts: &[usize]) -> Tree {
        let mut b = TreeBuilder::new("t", vec!["A".into()]);
        let acts: Vec<_> = (1..=4)
            .map(|k| b.actions(&(0..k).map(|a| format!("a{a}")).collect::<Vec<_>>()).expect("labels"))
            .collect();
        for &k in counts {
            if k == 0 {
                b.terminal_values(&[Q::zero()]).expect("payoff");
            } else {
                b.decision_new(0, acts[k - 1]).expect("node");
            }
        }
        b.finish().expect("a valid tree")
    }

    /// Checks that no two boxes in a row come closer than the gap, and returns the centres.
    fn check(counts: &[usize]) -> Vec<f64> {
        let tree = build(counts);
        let widths: Vec<f64> = (0..tree.len()).map(|x| 10.0 + (x % 3) as f64 * 15.0).collect();
        let x = tidy(&tree, &widths, 5.0);
        let d = depths(&tree);
        for a in 0..tree.len() {
            for b in a + 1..tree.len() {
                if d[a] == d[b] {
                    let need = (widths[a] + widths[b]) / 2.0 + 5.0 - 1e-9;
                    assert!((x[a] - x[b]).abs() >= need, "{a} and {b} overlap in {counts:?}");
                }
            }
        }
        x
    }

    #[test]
    fn single_node() {
        assert_eq!(check(&[0]), vec![5.0]);
    }

    #[test]
    fn parent_centred_over_children() {
        let x = check(&[2, 0, 0]);
        assert!((x[0] - (x[1] + x[2]) / 2.0).abs() < 1e-9);
    }

    /// Pre-order child counts of a pseudo-random tree with at most `internal` internal nodes.
    fn random_counts(mut seed: u64, internal: usize) -> Vec<usize> {
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        let (mut pending, mut left, mut counts) = (1, internal, Vec::new());
        while pending > 0 {
            pending -= 1;
            if left > 0 && (counts.is_empty() || next() % 3 != 0) {
                let k = 1 + next() % 4;
                counts.push(k);
                pending += k;
                left -= 1;
            } else {
                counts.push(0);
            }
        }
        counts
    }

    #[test]
    fn uneven_subtrees_do_not_overlap() {
        check(&[3, 2, 2, 0, 0, 0, 0, 3, 0, 1, 2, 0, 0, 0]);
        for seed in 0..300 {
            check(&random_counts(seed, 1 + (seed as usize % 40)));
        }
    }

    #[test]
    fn a_deep_chain_needs_no_recursion() {
        let mut counts = vec![1; 200_000];
        counts.push(0);
        let tree = build(&counts);
        let x = tidy(&tree, &vec![10.0; tree.len()], 5.0);
        assert!(x.iter().all(|&c| (c - 5.0).abs() < 1e-9));
    }
}
