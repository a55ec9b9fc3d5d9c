//! One module per subcommand.

pub mod batch;
pub mod check;
pub mod convert;
pub mod draw;
pub mod models;
pub mod reduced;
pub mod repeated;
pub mod sequence;
pub mod sequential;
pub mod solve;
pub mod stackelberg;
pub mod sweep;
pub mod threshold;
pub mod threshold_mixed;
pub mod threshold_sequential;
