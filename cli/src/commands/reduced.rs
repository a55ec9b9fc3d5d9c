//! The reduced strategic form of a tree for `solve` (`--strategic`, and `pure`/`enum` on trees) and
//! the `--components` output of `enum`.

use std::fmt::Write as _;

use anyhow::Result;
use redline_models::reduced;
use redline_models::strategic::StrategicGame;
use redline_models::tree::Tree;
use redline_solver::strategic::{Solution, enumeration};

/// The reduced strategic form of `tree`, with the note the text output prints about it.
///
/// `asked` is true for `--strategic`; otherwise the method (`pure`, `enum`) needs a strategic form
/// and the note says it was used automatically.
pub fn reduce(tree: &Tree, source: &str, asked: bool) -> Result<(StrategicGame, String)> {
    let r = reduced::reduce(tree).map_err(|e| anyhow::Error::new(e).context(source.to_string()))?;
    let shape: Vec<String> = r.game.shape().iter().map(ToString::to_string).collect();
    let how = if asked { "" } else { "solved on the " };
    let note = format!(
        "{how}reduced strategic form of the tree, {} strategies (a label gives the action number at each \
         information set of the player, * where the player's own earlier move excludes it)",
        shape.join(" x ")
    );
    Ok((r.game, note))
}

/// The components of `enum`'s equilibria as text: each a maximal convex set, by equilibrium number.
pub fn components_text(solution: &Solution) -> String {
    let comps = enumeration::components(solution);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nComponents: {} maximal convex set{} of equilibria (every mixture of the extreme equilibria in a set is an equilibrium)",
        comps.len(),
        if comps.len() == 1 { "" } else { "s" }
    );
    for (k, c) in comps.iter().enumerate() {
        let members: Vec<String> = c.iter().map(|e| (e + 1).to_string()).collect();
        let _ = writeln!(s, "  component {}: equilibria {}", k + 1, members.join(", "));
    }
    s
}

/// Adds `"components"` to `solve`'s JSON: each component as the 0-based indices of its extreme
/// equilibria in `"equilibria"`.
pub fn add_components_json(json: &mut serde_json::Value, solution: &Solution) {
    let comps = enumeration::components(solution);
    if let Some(map) = json.as_object_mut() {
        map.insert("components".into(), serde_json::json!(comps));
    }
}
