//! The error type of the `solver` crate.

/// Why a solver could not run on a game. "No equilibrium found" is not an error: it is an empty list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The game is outside the method's class; the message says which method to use instead.
    #[error("{method} cannot solve this game: {reason}")]
    Unsupported {
        /// The method asked for.
        method: &'static str,
        /// Why not, and what to use instead.
        reason: String,
    },
    /// A limit was reached before the method finished.
    #[error("{what} limit reached: {detail}")]
    Limit {
        /// Which limit (`node`, `time`, `equilibrium`).
        what: &'static str,
        /// What had been reached.
        detail: String,
    },
    /// The exact check of a computed equilibrium failed: a bug in redline, never printed as an answer.
    #[error("internal error: the computed profile failed exact verification ({0}); please report this game")]
    VerificationFailed(String),
}
