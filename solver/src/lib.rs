//! # redline-solver
//!
//! Equilibrium algorithms for the games of `redline-models`: games in, verified [`Equilibrium`]
//! values out. Pure computation: no files, no terminal, no environment.
//!
//! - [`backward_induction`]: subgame-perfect equilibria of perfect-information trees (with chance).
//! - [`verify`]: the exact checks every result passes before it is returned.
//! - [`play`]: the path and the outcome distribution a profile induces.
//! - [`repeated`]: the discount factors for which a repeated-game doctrine (an automaton) is an equilibrium.
//!
//! Start with [`backward_induction`].
#![warn(missing_docs)]

pub mod backward_induction;
pub mod equilibrium;
pub mod error;
pub mod play;
pub mod poly;
pub mod repeated;
mod scaled;
pub mod sequence;
pub mod sequential;
pub mod spe;
pub mod strategic;
pub mod threshold;
pub mod threshold_mixed;
pub mod threshold_sequential;
pub mod verify;

pub use equilibrium::{Equilibrium, Kind, Profile, Tie};
pub use error::Error;
