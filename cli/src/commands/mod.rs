//! One module per subcommand.

pub mod convert;
pub mod models;
pub mod repeated;
pub mod solve;
pub mod sweep;
pub mod threshold;
