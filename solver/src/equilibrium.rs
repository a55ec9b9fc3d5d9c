//! What solvers return: [`Equilibrium`] values with exact payoffs and a verified regret.

use redline_models::number::Q;
use redline_models::tree::{InfosetId, NodeId};

/// Which solution concept an equilibrium satisfies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Subgame perfect: a Nash equilibrium in every subgame.
    SubgamePerfect,
    /// Nash.
    Nash,
    /// Sequential: sequentially rational under consistent beliefs (Kreps & Wilson 1982).
    Sequential,
}

impl Kind {
    /// The name used in JSON output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SubgamePerfect => "subgame-perfect",
            Kind::Nash => "nash",
            Kind::Sequential => "sequential",
        }
    }
}

/// A strategy profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Profile {
    /// One action index per information set, indexed by [`InfosetId`].
    Pure(Vec<u32>),
    /// A probability per action at each information set, indexed by [`InfosetId`].
    Behavior(Vec<Vec<Q>>),
}

/// A decision node where several actions are optimal for the mover under the equilibrium's play below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tie {
    /// The node.
    pub node: NodeId,
    /// The optimal actions (indices), in action order.
    pub actions: Vec<u32>,
    /// The action the equilibrium takes there.
    pub chosen: u32,
}

/// One equilibrium, verified exactly before it is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Equilibrium {
    /// The concept it satisfies.
    pub kind: Kind,
    /// Each player's expected payoff.
    pub payoffs: Vec<Q>,
    /// The strategies.
    pub profile: Profile,
    /// The largest gain any player could get by deviating (0 for exact equilibria).
    pub regret: Q,
    /// Decision nodes where the mover is indifferent between several optimal actions.
    pub ties: Vec<Tie>,
}

impl Profile {
    /// The probability of action `a` at information set `h`.
    #[must_use]
    pub fn prob(&self, h: InfosetId, a: u32) -> Q {
        match self {
            Profile::Pure(c) => {
                if c[h as usize] == a {
                    Q::one()
                } else {
                    Q::zero()
                }
            }
            Profile::Behavior(b) => b[h as usize][a as usize].clone(),
        }
    }
}
