//! The built-in deterrence models: one generator per model, listed once in [`all`].
//!
//! Each model (MODELS.md, "Registry") is plain data plus function pointers: its name, players and
//! parameters, a function that builds the game tree from a parameter [`Assignment`], and a function
//! that names the regime of a pure strategy profile ("deal", "peace after 2 slices", ...). Payoffs and
//! chance probabilities are [`Expr`]essions over the parameter names, and every parameter is declared
//! on the built tree, so the tree can be re-evaluated with [`Tree::set_parameters`] and read
//! symbolically by the threshold analysis. Structural parameters (salami's `n`, escalation's `n`)
//! change the tree's shape: they are declared on the tree too, but pinned there to the value the
//! tree was built with.
//!
//! There is no registration magic: adding a model means a module here and one entry in [`all`].
//! This module does not solve anything; `redline_solver::spe` does.
//!
//! Models: [`all`] in registry order (`commitment`, `commitment-volatile`, `salami`,
//! `salami-reputation`, `salami-probes`, `reciprocity`, `credibility`, `escalation`,
//! `ceasefire-finite`, `inspection`, `inspection-zero-sum`); the repeated games live in
//! [`repeated_models`].
//!
//! Next: the model modules (`commitment.rs` first), or [`crate::tree`] for what they build.

mod ceasefire;
mod ceasefire_finite;
mod commitment;
mod credibility;
mod escalation;
mod inspection;
mod reciprocity;
mod reputation;
mod salami;

pub use ceasefire::{RepeatedModel, find_repeated, repeated_models};

use crate::error::{Error, closest};
use crate::expr::Expr;
use crate::number::Q;
use crate::strategic::StrategicGame;
use crate::tree::{InfosetId, NodeId, NodeKind, Parameter, Tree, TreeBuilder};

/// Builds a model's strategic-form game from an assignment.
pub type StrategicBuilder = fn(&Assignment) -> Result<StrategicGame, Error>;

/// A built-in model: plain data plus function pointers, listed once in [`all`].
#[derive(Debug)]
pub struct Model {
    /// The name the CLI takes (`commitment`).
    pub name: &'static str,
    /// One line for the `redline models` table.
    pub summary: &'static str,
    /// The player names in index order, exactly as the MODELS.md registry lists them.
    pub players: &'static [&'static str],
    /// The default solving method (`spe`).
    pub method: &'static str,
    /// Every parameter with its name, default, meaning, range and integer flag, in registry order.
    pub parameters: fn() -> Vec<Parameter>,
    /// Rules that involve several parameters (salami: `n*s <= 1`), checked by [`Model::assign`].
    pub validate: fn(&Assignment) -> Result<(), Error>,
    /// Builds the tree at these values (call through [`Model::instantiate`] to validate first).
    pub build: fn(&Assignment) -> Result<Tree, Error>,
    /// For models whose natural form is a strategic-form game (simultaneous moves): builds it (call
    /// through [`Model::instantiate_strategic`]).
    pub strategic: Option<StrategicBuilder>,
    /// Names the regime of a pure profile of a tree this model built: the slice holds the chosen
    /// action index per [`InfosetId`] (as in `Profile::Pure`).
    pub regime: fn(&Tree, &[u32]) -> String,
    /// Model-specific facts worth printing beside an equilibrium, computed from the tree's parameter
    /// values (salami: the red line).
    pub notes: fn(&Tree) -> Vec<String>,
    /// The regime names or patterns `regime` can return, for documentation.
    pub regimes: &'static [&'static str],
    /// The tree drawn in text, for `redline models NAME`.
    pub tree_text: &'static str,
    /// The closed-form equilibrium and thresholds, as multi-line text.
    pub formulas: &'static str,
}

/// Parameter values by name: the model's defaults with overrides applied and validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    parameters: Vec<Parameter>,
    values: Vec<Q>,
}

impl Assignment {
    /// The value of parameter `name`.
    ///
    /// # Panics
    /// When the model has no parameter `name`: model code asks only for its own parameters.
    #[must_use]
    pub fn get(&self, name: &str) -> &Q {
        self.try_get(name)
            .unwrap_or_else(|| panic!("model code asks only for its own parameter, not `{name}`"))
    }

    /// The value of parameter `name`, or `None` when the model has no such parameter.
    #[must_use]
    pub fn try_get(&self, name: &str) -> Option<&Q> {
        self.parameters.iter().position(|p| p.name == name).map(|i| &self.values[i])
    }

    /// The parameters (with the model's documented defaults), in the model's order.
    #[must_use]
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// Every parameter's name and value, in the model's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Q)> {
        self.parameters.iter().map(|p| p.name.as_str()).zip(&self.values)
    }

    /// Every parameter's name and value as owned pairs, the form [`Tree::set_parameters`] takes.
    #[must_use]
    pub fn pairs(&self) -> Vec<(String, Q)> {
        self.iter().map(|(n, v)| (n.to_string(), v.clone())).collect()
    }

    /// The value of an integer parameter, when it is a nonnegative integer that fits `u32`.
    fn small_integer(&self, name: &str) -> Option<u32> {
        use num_traits::ToPrimitive as _;
        let v = self.get(name);
        if v.is_integer() { v.floor().to_u32() } else { None }
    }
}

impl Model {
    /// The model's defaults, then `overrides` by name (a later override of the same name wins).
    ///
    /// # Errors
    /// [`Error::UnknownParameter`] (with the closest name) for a name the model does not have;
    /// [`Error::ParameterOutOfRange`] for a value outside the parameter's range, a non-integer value
    /// of an integer parameter, or a combination the model forbids (salami: `n*s` above 1).
    ///
    /// # Examples
    /// ```
    /// use redline_models::library;
    /// use redline_models::number::Q;
    /// let salami = library::find("salami").unwrap();
    /// let a = salami.assign(&[("n".into(), Q::from_int(2))]).unwrap();
    /// assert_eq!(a.get("n"), &Q::from_int(2));
    /// assert_eq!(a.get("s").to_string(), "1/4");
    /// let err = salami.assign(&[("s".into(), Q::from_int(1))]).unwrap_err();
    /// assert!(err.to_string().starts_with("parameter `s` = 1 is out of range"));
    /// ```
    pub fn assign(&self, overrides: &[(String, Q)]) -> Result<Assignment, Error> {
        let parameters = (self.parameters)();
        let mut values: Vec<Q> = parameters.iter().map(|p| p.default.clone()).collect();
        for (name, value) in overrides {
            let Some(i) = parameters.iter().position(|p| &p.name == name) else {
                return Err(Error::UnknownParameter {
                    name: name.clone(),
                    suggestion: closest(name, parameters.iter().map(|p| p.name.as_str())),
                });
            };
            // Checks the range and, for integer parameters, that the value is whole.
            parameters[i].check(value)?;
            values[i] = value.clone();
        }
        let a = Assignment { parameters, values };
        (self.validate)(&a)?;
        Ok(a)
    }

    /// [`Model::assign`] and then the model's `build`: the tree at these values.
    ///
    /// # Errors
    /// As [`Model::assign`].
    ///
    /// # Examples
    /// ```
    /// use redline_models::library;
    /// let tree = library::find("commitment").unwrap().instantiate(&[]).unwrap();
    /// assert_eq!(tree.players(), ["Superpower", "Adversary"]);
    /// assert_eq!(tree.node_label(0), "S|root");
    /// ```
    pub fn instantiate(&self, overrides: &[(String, Q)]) -> Result<Tree, Error> {
        let a = self.assign(overrides)?;
        (self.build)(&a)
    }

    /// [`Model::assign`] plus the strategic-form builder, for models that have one.
    ///
    /// # Errors
    /// As [`Model::assign`], or a build error.
    pub fn instantiate_strategic(&self, overrides: &[(String, Q)]) -> Option<Result<StrategicGame, Error>> {
        let build = self.strategic?;
        Some(self.assign(overrides).and_then(|a| build(&a)))
    }
}

static MODELS: [Model; 11] = [
    commitment::MODEL,
    commitment::MODEL_VOLATILE,
    salami::MODEL,
    reputation::MODEL_REPUTATION,
    reputation::MODEL_PROBES,
    reciprocity::MODEL,
    credibility::MODEL,
    escalation::MODEL,
    ceasefire_finite::MODEL,
    inspection::MODEL,
    inspection::MODEL_ZERO_SUM,
];

/// A `notes` function for models with nothing to add.
fn no_notes(_: &Tree) -> Vec<String> {
    Vec::new()
}

/// The current value of parameter `name` of a tree a model built.
fn value_of(tree: &Tree, name: &str) -> Q {
    tree.parameters()
        .iter()
        .zip(tree.parameter_values())
        .find(|(p, _)| p.name == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("models declare every parameter on their tree, including `{name}`"))
}

/// Every built-in model, in the registry order of MODELS.md.
#[must_use]
pub fn all() -> &'static [Model] {
    &MODELS
}

/// The built-in model called `name`.
///
/// # Errors
/// [`Error::UnknownModel`], with the closest name when one is close (`salmi` → `salami`).
///
/// # Examples
/// ```
/// use redline_models::library;
/// assert_eq!(library::find("salami").unwrap().players, ["Defender", "Challenger"]);
/// let err = library::find("salmi").unwrap_err();
/// assert_eq!(err.to_string(), "unknown model `salmi` (did you mean `salami`?)");
/// ```
pub fn find(name: &str) -> Result<&'static Model, Error> {
    MODELS.iter().find(|m| m.name == name).ok_or_else(|| Error::UnknownModel {
        name: name.to_string(),
        suggestion: closest(name, MODELS.iter().map(|m| m.name))
            .or_else(|| ceasefire::closest_repeated(name)),
    })
}

// Helpers shared by the model modules.

/// A rational written in a model's source; the text is a valid number by construction.
fn q(text: &str) -> Q {
    text.parse().expect("built-in model numbers are valid rationals")
}

/// A payoff expression written in (or generated by) a model's source; it parses by construction.
fn e(text: &str) -> Expr {
    Expr::parse(text).expect("built-in model expressions parse")
}

/// Two payoff expressions, one per player, in index order.
fn pay(a: &str, b: &str) -> Vec<Expr> {
    vec![e(a), e(b)]
}

/// A parameter with an inclusive range; `None` leaves a side open.
fn param(name: &str, default: &str, description: &str, min: Option<&str>, max: Option<&str>) -> Parameter {
    Parameter::new(name, q(default), description).range(min.map(q), max.map(q))
}

/// A parameter that must be nonnegative.
fn nonneg(name: &str, default: &str, description: &str) -> Parameter {
    param(name, default, description, Some("0"), None)
}

/// A parameter in `[0, 1]` (a probability or a share).
fn unit(name: &str, default: &str, description: &str) -> Parameter {
    param(name, default, description, Some("0"), Some("1"))
}

/// Accepts every assignment (models without cross-parameter rules).
fn no_rules(_: &Assignment) -> Result<(), Error> {
    Ok(())
}

/// Declares every parameter of `a` on the tree under construction.
///
/// Ordinary parameters keep the model's documented default (the tree is set to the assignment in
/// [`finish`]). A structural parameter is pinned to its assigned value (default, minimum and maximum),
/// because the tree's shape is built for that value: re-evaluating the tree at another value would
/// silently describe the wrong game, so [`Tree::set_parameters`] refuses it instead.
fn declare(b: &mut TreeBuilder, a: &Assignment, structural: &[&str]) -> Result<(), Error> {
    for (p, v) in a.parameters.iter().zip(&a.values) {
        if structural.contains(&p.name.as_str()) {
            let mut pinned = p.clone();
            pinned.default = v.clone();
            pinned.min = Some(v.clone());
            pinned.max = Some(v.clone());
            pinned.description =
                format!("{} (structural: this tree is built for {} = {v})", p.description, p.name);
            b.add_parameter(pinned)?;
        } else {
            b.add_parameter(p.clone())?;
        }
    }
    Ok(())
}

/// Finishes the tree and evaluates it at the assignment.
fn finish(b: TreeBuilder, a: &Assignment) -> Result<Tree, Error> {
    let mut tree = b.finish()?;
    tree.set_parameters(&a.pairs())?;
    Ok(tree)
}

/// A decision node's information set and player, made in one step with a label.
fn decision(b: &mut TreeBuilder, player: usize, label: &str, actions: &[&str]) -> Result<NodeId, Error> {
    let acts = b.actions(actions)?;
    let h = b.infoset(player, label, acts)?;
    let x = b.decision(h)?;
    b.set_label(x, label);
    Ok(x)
}

/// A labelled leaf.
fn leaf(b: &mut TreeBuilder, label: &str, payoffs: Vec<Expr>) -> Result<NodeId, Error> {
    let x = b.terminal(payoffs)?;
    b.set_label(x, label);
    Ok(x)
}

/// The action chosen at decision node `x` under `choices` (one per [`InfosetId`]), or `None` when
/// `x` is not a decision node or `choices` does not cover it.
fn chosen(tree: &Tree, choices: &[u32], x: NodeId) -> Option<u32> {
    if (x as usize) >= tree.len() || tree.kind(x) != NodeKind::Decision {
        return None;
    }
    let h: InfosetId = tree.infoset_of(x);
    choices.get(h as usize).copied().filter(|&a| (a as usize) < tree.n_children(x))
}

/// The child of decision node `x` that `choices` selects, with the action index.
fn follow(tree: &Tree, choices: &[u32], x: NodeId) -> Option<(u32, NodeId)> {
    let a = chosen(tree, choices, x)?;
    Some((a, tree.child(x, a as usize)))
}

/// What a regime function returns for a tree or profile it does not recognise.
const UNKNOWN: &str = "unknown (not a tree of this model)";
