//! # redline-models
//!
//! How redline describes games: exact rational numbers ([`number::Q`]), payoff expressions over named
//! parameters ([`expr::Expr`]), extensive-form trees in a flat arena ([`tree::Tree`]), the file
//! formats that read and write them ([`mod@format`]), and the built-in deterrence models ([`library`]).
//!
//! This crate knows nothing about solving: `redline-solver` depends on it, never the reverse. It does
//! no terminal or environment access; the format readers take text and return trees.
//!
//! Start with [`tree`], then [`mod@format`].
#![warn(missing_docs)]

pub mod error;
pub mod expr;
pub mod format;
pub mod library;
pub mod number;
pub mod reduced;
pub mod repeated;
pub mod strategic;
pub mod tree;

pub use error::Error;
pub use number::Q;
pub use tree::{NodeId, NodeKind, Tree, TreeBuilder};
