//! One module per subcommand.

pub mod convert;
pub mod draw;
pub mod models;
pub mod reduced;
pub mod sequence;
pub mod repeated;
pub mod solve;
pub mod stackelberg;
pub mod sweep;
pub mod threshold;
pub mod threshold_mixed;
