//! Sequential equilibria (Kreps & Wilson 1982): a behaviour profile with consistent beliefs under
//! which every player's play is optimal at every information set, on the path and off it.
//!
//! - [`assessment`]: assessments written as a profile plus the trembles that define its beliefs, and
//!   the exact check of sequential rationality every result passes before it is returned.
//! - [`aqre`]: n players, the limit of the agent logit QRE traced in floats and polished to exact.
//!
//! Every method here ends in [`certify`], so nothing leaves the module unverified.

pub mod aqre;
pub mod assessment;

use redline_models::number::Q;
use redline_models::tree::Tree;

use crate::equilibrium::{Equilibrium, Kind, Profile};
use crate::error::Error;
use crate::sequence::regret::nash_regret;
use assessment::Assessment;

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
