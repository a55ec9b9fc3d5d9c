//! One module per subcommand.

pub mod convert;
pub mod models;
pub mod solve;
pub mod stackelberg;
pub mod sweep;
pub mod threshold;
