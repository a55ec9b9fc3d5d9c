//! The error type of the `models` crate.
//!
//! Messages are lowercase without a full stop so the CLI can prefix them with a place
//! (`error: games/entry.ron:12:7: chance probabilities sum to 9/10, not 1`).

use crate::number::Q;
use crate::tree::NodeId;

/// Everything that can be wrong with a game or a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A syntax or schema error in a game file, with its place.
    #[error("{line}:{col}: {message}")]
    Syntax {
        /// 1-based line.
        line: u32,
        /// 1-based column in characters.
        col: u32,
        /// What is wrong.
        message: String,
    },
    /// A problem at a node of a tree that was not read from a file (or whose place is unknown).
    #[error("node {node}{}: {message}", path_suffix(.path))]
    AtNode {
        /// The node, numbered in depth-first pre-order from 0.
        node: NodeId,
        /// The actions from the root to the node, if known (`enter > fight`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A game-level problem without a single place.
    #[error("{0}")]
    Invalid(String),
    /// A parameter that the game does not have.
    #[error("unknown parameter `{name}`{}", suggestion_suffix(.suggestion))]
    UnknownParameter {
        /// The name given.
        name: String,
        /// The closest existing name, if any is close.
        suggestion: Option<String>,
    },
    /// A parameter value outside its documented range.
    #[error("parameter `{name}` = {value} is out of range: {reason}")]
    ParameterOutOfRange {
        /// The parameter.
        name: String,
        /// The value given.
        value: Q,
        /// The rule it breaks.
        reason: String,
    },
    /// A built-in model that does not exist.
    #[error("unknown model `{name}`{}", suggestion_suffix(.suggestion))]
    UnknownModel {
        /// The name given.
        name: String,
        /// The closest existing name, if any is close.
        suggestion: Option<String>,
    },
    /// The game is larger than the node limit.
    #[error("the game has more than {limit} nodes (raise the limit with --max-nodes)")]
    TooManyNodes {
        /// The limit in force.
        limit: usize,
    },
    /// A tree's reduced strategic form is larger than the profile limit.
    #[error(
        "the reduced strategic form has {profiles} strategy profiles, over the limit of {limit}; solve the tree on its sequence form instead (`--method lcp`, or `--method lp` if it is zero-sum)"
    )]
    ReducedFormTooLarge {
        /// The number of profiles (as text: it may exceed any machine integer).
        profiles: String,
        /// The limit in force.
        limit: u64,
    },
}

fn path_suffix(path: &str) -> String {
    if path.is_empty() { String::new() } else { format!(" ({path})") }
}

fn suggestion_suffix(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
#[must_use]
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&name.to_lowercase(), &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let given = name.chars().count();
    best.filter(|&(d, c)| {
        let len = c.chars().count();
        d < len.max(given) && d <= (len / 3).max(1)
    })
    .map(|(_, c)| c.to_string())
}

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions each cost 1 (so `roh` is one step from `rho`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["rho", "r_A", "k_S", "salami", "commitment"];
        assert_eq!(closest("roh", names), Some("rho".into()));
        assert_eq!(closest("salmi", names), Some("salami".into()));
        assert_eq!(closest("commitmnet", names), Some("commitment".into()));
        assert_eq!(closest("zzzzzzzz", names), None);
    }
}
