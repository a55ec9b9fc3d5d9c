//! `reciprocity`: segmented reciprocity versus a bundled grand bargain, MODELS.md Game C (C.2–C.6).
//!
//! The defender announces a regime: *bundled* (any provocation collapses the grand bargain and triggers
//! comprehensive retaliation `R`) or *segmented* (each provocation gets a standardised response
//! `mu*g_j` while diplomacy continues). Nature then offers the adversary a small or a large
//! opportunity (`large` with probability `lambda`); the adversary refrains or acts; the defender
//! responds or ignores.
//!
//! This module builds the one-shot tree only; the repeated version with linked trigger strategies
//! (C.6's "extension") is not here.

use super::{
    Assignment, Model, UNKNOWN, decision, declare, e, finish, follow, leaf, no_rules, nonneg, param, pay,
    unit,
};
use crate::error::Error;
use crate::tree::{NodeKind, Parameter, Tree, TreeBuilder};

/// The `reciprocity` registry entry.
pub(super) const MODEL: Model = Model {
    name: "reciprocity",
    summary: "bundled grand bargain versus segmented tit-for-tat retaliation (massive vs flexible response)",
    players: &["Defender", "Adversary"],
    method: "spe",
    parameters,
    validate: no_rules,
    build,
    strategic: None,
    regime,
    notes: super::no_notes,
    regimes: &[
        "bundled; deters none",
        "bundled; deters small",
        "bundled; deters large",
        "bundled; deters small and large",
        "segmented; deters none",
        "segmented; deters small",
        "segmented; deters large",
        "segmented; deters small and large",
    ],
    tree_text: TREE_TEXT,
    formulas: FORMULAS,
};

const TREE_TEXT: &str = "\
S|regime (Defender)
├─ bundled ─ N|Bundled (chance)
│  ├─ small (1 - lambda) ─ A|Bundled,opp1 (Adversary)
│  │  ├─ refrain ─ Bundled/a1/Refrain        (D_SB, D_AB)
│  │  └─ act ───── S|Bundled,a1 (Defender)
│  │     ├─ respond ─ Bundled/a1/Respond     (-h1 - kappa*R, g1 - R)
│  │     └─ ignore ── Bundled/a1/Ignore      (D_SB - h1 - rho, D_AB + g1)
│  └─ large (lambda) ──── A|Bundled,opp2: the same with g2, h2
└─ segmented ─ N|Segmented (chance)
   ├─ small (1 - lambda) ─ A|Segmented,opp1 (Adversary)
   │  ├─ refrain ─ Segmented/a1/Refrain      (D_SG, D_AG)
   │  └─ act ───── S|Segmented,a1 (Defender)
   │     ├─ respond ─ Segmented/a1/Respond   (D_SG - h1 - kappa*mu*g1, D_AG + g1 - mu*g1)
   │     └─ ignore ── Segmented/a1/Ignore    (D_SG - h1 - rho, D_AG + g1)
   └─ large (lambda) ──── A|Segmented,opp2: the same with g2, h2
";

const FORMULAS: &str = "\
Bundled credibility:   S responds iff rho > rho_B = D_SB + kappa*R       (the same for both actions)
Bundled deterrence:    A refrains from j iff credible and g_j < R + D_AB (no marginal deterrence)
Segmented credibility: S responds to j iff kappa*mu*g_j < rho, i.e. g_j < rho/(kappa*mu)
Segmented deterrence:  A refrains from j iff credible and mu > 1
Multiplier window:     1 < mu <= rho/(kappa*g_j)
Regime choice:         V_r = (1 - lambda)*u_S(small outcome under r) + lambda*u_S(large outcome under r);
                       S announces the regime with the larger V_r
Default case (bundling incredible, segmentation deters small only):
  V_B = D_SB - rho - (1-lambda)*h1 - lambda*h2,  V_G = D_SG - lambda*(h2 + rho)
  segmented iff lambda < lambda* = 1 - (D_SB - D_SG)/(rho + h1)            (defaults: 2/3)
Defaults: rho_B = 13, rho/(kappa*mu) = 16/3; thresholds lambda: 2/3; rho: 3/2, 9/2, 13; mu: 1, 4/3, 4
";

fn parameters() -> Vec<Parameter> {
    vec![
        param("D_SB", "8", "S's value of the bundled grand bargain", None, None),
        param("D_AB", "5", "A's value of the bundled grand bargain", None, None),
        param("D_SG", "6", "S's value of the segmented (decoupled) diplomatic track", None, None),
        param("D_AG", "4", "A's value of the segmented (decoupled) diplomatic track", None, None),
        nonneg("g1", "2", "A's gain from the small proxy action (degradation + legitimacy)"),
        nonneg("g2", "6", "A's gain from the large proxy action"),
        nonneg("h1", "2", "harm to S from the small action"),
        nonneg("h2", "6", "harm to S from the large action"),
        nonneg("R", "10", "comprehensive retaliation imposed on A under bundling"),
        nonneg("kappa", "1/2", "S's cost per unit of retaliation it imposes"),
        nonneg("mu", "3/2", "segmented retaliation multiplier (response r_j = mu*g_j)"),
        nonneg("rho", "4", "S's reputation cost of not carrying out an announced response"),
        unit("lambda", "1/4", "probability that the opportunity is large"),
    ]
}

fn build(a: &Assignment) -> Result<Tree, Error> {
    let mut b = TreeBuilder::new(
        "Segmented reciprocity vs bundled grand bargain (C)",
        vec!["Defender".into(), "Adversary".into()],
    );
    b.set_description(
        "The defender announces either a bundled regime, in which any proxy action collapses the grand \
         bargain and triggers comprehensive retaliation R, or a segmented regime, in which each action j \
         meets a standardised response mu*g_j while the diplomatic track survives. Nature then offers the \
         adversary a small or, with probability lambda, a large opportunity; the adversary refrains or \
         acts, and the defender responds or ignores at a reputation cost rho. Bundling raises the cost of \
         carrying out the threat (the bargain is lost), so it is credible against everything or nothing, \
         while a segmented response can be credible against small actions only (MODELS.md C.2-C.6).",
    );
    declare(&mut b, a, &[])?;
    decision(&mut b, 0, "S|regime", &["bundled", "segmented"])?;
    for regime in ["Bundled", "Segmented"] {
        let x = b.chance(vec![("small".into(), e("1 - lambda")), ("large".into(), e("lambda"))])?;
        b.set_label(x, &format!("N|{regime}"));
        for j in 1..=2 {
            let (g, h) = (format!("g{j}"), format!("h{j}"));
            decision(&mut b, 1, &format!("A|{regime},opp{j}"), &["refrain", "act"])?;
            let (refrain, respond, ignore) = if regime == "Bundled" {
                (
                    pay("D_SB", "D_AB"),
                    pay(&format!("-{h} - kappa*R"), &format!("{g} - R")),
                    pay(&format!("D_SB - {h} - rho"), &format!("D_AB + {g}")),
                )
            } else {
                (
                    pay("D_SG", "D_AG"),
                    pay(&format!("D_SG - {h} - kappa*mu*{g}"), &format!("D_AG + {g} - mu*{g}")),
                    pay(&format!("D_SG - {h} - rho"), &format!("D_AG + {g}")),
                )
            };
            leaf(&mut b, &format!("{regime}/a{j}/Refrain"), refrain)?;
            decision(&mut b, 0, &format!("S|{regime},a{j}"), &["respond", "ignore"])?;
            leaf(&mut b, &format!("{regime}/a{j}/Respond"), respond)?;
            leaf(&mut b, &format!("{regime}/a{j}/Ignore"), ignore)?;
        }
    }
    finish(b, a)
}

fn regime(tree: &Tree, choices: &[u32]) -> String {
    let Some((r, n)) = follow(tree, choices, 0) else { return UNKNOWN.into() };
    if tree.kind(n) != NodeKind::Chance || tree.n_children(n) != 2 {
        return UNKNOWN.into();
    }
    let mut deterred = Vec::new();
    for (k, size) in ["small", "large"].into_iter().enumerate() {
        match follow(tree, choices, tree.child(n, k)) {
            Some((0, _)) => deterred.push(size),
            Some(_) => {}
            None => return UNKNOWN.into(),
        }
    }
    let name = if r == 0 { "bundled" } else { "segmented" };
    let what = if deterred.is_empty() { "none".to_string() } else { deterred.join(" and ") };
    format!("{name}; deters {what}")
}
