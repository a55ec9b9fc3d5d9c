//! One module per subcommand.

pub mod convert;
pub mod models;
pub mod sequence;
pub mod solve;
pub mod sweep;
pub mod threshold;
