//! File formats: text in, [`crate::tree::Tree`] out, and back.
//!
//! - [`value`]: a position-keeping reader for RON and JSON documents (exact number text, line and
//!   column on every value).
//! - [`game`]: redline's own game schema on top of it (`.ron` and `.json`).
//! - [`matrix`]: the same files holding a strategic-form game (`strategies` and `payoffs`).
//! - [`repeated`]: repeated games (a stage game plus a doctrine as an automaton) in the same syntax.

pub mod efg;
mod efg_read;
pub mod game;
pub mod matrix;
pub mod nfg;
pub mod repeated;
pub mod value;
