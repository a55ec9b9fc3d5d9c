//! Sequential equilibria (Kreps & Wilson 1982): a behaviour profile with consistent beliefs under
//! which every player's play is optimal at every information set, on the path and off it.
//!
//! - [`assessment`]: assessments written as a profile plus the trembles that define its beliefs, and
//!   the exact check of sequential rationality every result passes before it is returned.
//! - [`qpe`]: two players, a quasi-perfect equilibrium by Lemke's algorithm on the perturbed
//!   sequence form (exact, symbolic ε).
//! - [`aqre`]: n players, the limit of the agent logit QRE traced in floats and polished to exact.
//! - [`solve`]: the method `sequential`, dispatching on the number of players.
//!
//! Every method here ends in [`certify`], so nothing leaves the module unverified.

pub mod aqre;
pub mod assessment;
pub mod qpe;

use redline_models::number::Q;
use redline_models::tree::Tree;

use crate::equilibrium::{Equilibrium, Kind, Profile};
use crate::error::Error;
use crate::sequence::regret::nash_regret;
use assessment::Assessment;

pub use aqre::Outcome;

/// Options of the sequential-equilibrium methods.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The most pivots Lemke's algorithm may take before giving up with [`Error::Limit`].
    pub max_pivots: usize,
    /// How the agent-QRE trace runs (more than two players).
    pub aqre: aqre::Options,
}

impl Default for Options {
    fn default() -> Options {
        Options { max_pivots: 1_000_000, aqre: aqre::Options::default() }
    }
}

/// A sequential equilibrium of `tree`, with its beliefs, verified exactly by [`certify`].
///
/// Two players: a quasi-perfect equilibrium ([`qpe`]), which is sequential, always exact. More
/// players: the agent-QRE limit ([`aqre`]), exact when its polish certifies, otherwise
/// [`Outcome::Approximate`] (never presented as exact).
///
/// # Errors
/// [`Error::Unsupported`] without perfect recall (naming the information set) or for one player;
/// [`Error::Limit`] after `options.max_pivots` pivots or beyond the trace's size limit;
/// [`Error::VerificationFailed`] if an exact result fails the exact check (a bug).
pub fn solve(tree: &Tree, options: &Options) -> Result<Outcome, Error> {
    solve_with_progress(tree, options, &mut |_| {})
}

/// As [`solve`], calling `progress` with the λ the agent-QRE trace has reached (more than two players).
///
/// # Errors
/// As [`solve`].
pub fn solve_with_progress(
    tree: &Tree,
    options: &Options,
    progress: &mut dyn FnMut(f64),
) -> Result<Outcome, Error> {
    tree.check_perfect_recall().map_err(|reason| Error::Unsupported {
        method: "sequential",
        reason: format!("{reason}; sequential equilibria need perfect recall (try `--method pure`)"),
    })?;
    match tree.n_players() {
        2 => Ok(Outcome::Exact(certify(tree, qpe::assessment(tree, options)?)?)),
        1 => Err(Error::Unsupported {
            method: "sequential",
            reason: "a one-player game is a decision problem: use `--method spe`, which optimises at every \
                     information set"
                .into(),
        }),
        _ => aqre::solve_with_progress(tree, &options.aqre, progress),
    }
}

/// A sequential equilibrium, verified exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequential {
    /// The equilibrium (kind [`Kind::Sequential`], a behaviour profile, regret 0).
    pub equilibrium: Equilibrium,
    /// The profile with the trembles that define its beliefs.
    pub assessment: Assessment,
    /// The consistent beliefs: per information set, a probability per member node (node order);
    /// `None` where no completely mixed profile reaches the set.
    pub beliefs: Vec<Option<Vec<Q>>>,
}

/// Checks `assessment` exactly and wraps it as a [`Sequential`] equilibrium.
///
/// The check is [`assessment::check`] (no gain from changing the play at any one information set,
/// under the consistent beliefs), plus the Nash regret from the root as an independent second check.
///
/// # Errors
/// [`Error::VerificationFailed`] when either check finds a gain, or the assessment does not fit.
pub fn certify(tree: &Tree, assessment: Assessment) -> Result<Sequential, Error> {
    let c = assessment::check(tree, &assessment)?;
    if !c.regret.is_zero() {
        let h =
            c.infoset.map_or_else(String::new, |h| format!(" at information set {}", tree.infoset_name(h)));
        return Err(Error::VerificationFailed(format!(
            "not sequentially rational: a gain of {}{h}",
            c.regret.for_message()
        )));
    }
    let profile = Profile::Behavior(assessment.behavior.clone());
    let nash = nash_regret(tree, 0, &profile);
    if !nash.regret.is_zero() {
        return Err(Error::VerificationFailed(format!(
            "not a Nash equilibrium: player {} gains {}",
            nash.player.map_or(0, |p| p + 1),
            nash.regret.for_message()
        )));
    }
    let equilibrium = Equilibrium {
        kind: Kind::Sequential,
        payoffs: c.payoffs,
        profile,
        regret: Q::zero(),
        ties: Vec::new(),
    };
    Ok(Sequential { equilibrium, assessment, beliefs: c.beliefs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use redline_models::tree::TreeBuilder;

    #[test]
    fn certify_accepts_sequential_and_refuses_the_rest() {
        // Player 0: out (1, 1) or in; player 1 then: fight (0, 0) or share (2, 2).
        let mut b = TreeBuilder::new("g", vec!["P0".into(), "P1".into()]);
        let a0 = b.actions(&["out", "in"]).unwrap();
        let a1 = b.actions(&["fight", "share"]).unwrap();
        let h0 = b.infoset(0, "", a0).unwrap();
        let h1 = b.infoset(1, "", a1).unwrap();
        b.decision(h0).unwrap();
        b.terminal_values(&[Q::one(), Q::one()]).unwrap();
        b.decision(h1).unwrap();
        b.terminal_values(&[Q::zero(), Q::zero()]).unwrap();
        b.terminal_values(&[Q::from_int(2), Q::from_int(2)]).unwrap();
        let t = b.finish().unwrap();
        let one = || vec![Q::one(), Q::zero()];
        let two = || vec![Q::zero(), Q::one()];
        // (out, fight) is Nash (the threat is never tested) but not sequential.
        let threat = Assessment::with_unit_trembles(vec![one(), one()]);
        assert!(
            matches!(certify(&t, threat), Err(Error::VerificationFailed(m)) if m.contains("sequentially"))
        );
        let s = certify(&t, Assessment::with_unit_trembles(vec![two(), two()])).unwrap();
        assert_eq!(s.equilibrium.kind, Kind::Sequential);
        assert_eq!(s.equilibrium.payoffs, vec![Q::from_int(2), Q::from_int(2)]);
        assert_eq!(s.beliefs, vec![Some(vec![Q::one()]), Some(vec![Q::one()])]);
    }
}
