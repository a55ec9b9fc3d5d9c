//! One module per subcommand.

pub mod convert;
pub mod draw;
pub mod models;
pub mod solve;
pub mod sweep;
pub mod threshold;
