//! One module per subcommand.

pub mod batch;
pub mod check;
pub mod convert;
pub mod models;
pub mod solve;
pub mod sweep;
pub mod threshold;
