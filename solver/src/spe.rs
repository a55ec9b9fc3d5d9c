//! Subgame-perfect equilibria of any extensive-form tree: the `spe` method.
//!
//! Perfect-information trees go to [`crate::backward_induction`]. Imperfect-information trees are
//! decomposed into subgames (ALGORITHMS.md §9), innermost first.

use redline_models::tree::Tree;

use crate::backward_induction::{self, Options, Solution};
use crate::error::Error;

/// Solves `tree` for subgame-perfect equilibria.
///
/// # Errors
/// [`Error::Unsupported`] for subgames no available method handles.
pub fn solve(tree: &Tree, options: &Options) -> Result<Solution, Error> {
    backward_induction::solve(tree, options)
}
