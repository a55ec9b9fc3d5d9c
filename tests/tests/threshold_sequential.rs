//! `redline threshold` on the reputation models (method `sequential`): the resolve prior at which each
//! slice is deterred, against the Kreps–Wilson closed form (`redline_tests::kw`: thresholds
//! t_k = b_1 ⋯ b_k), through the CLI's JSON.

use proptest::prelude::*;
use redline_models::number::Q;
use redline_tests::kw::Kw;
use redline_tests::run_redline;
use serde_json::Value;

/// The JSON of `redline threshold MODEL ARGS --param pi` (checked to be a sequential analysis).
fn threshold_json(args: &[&str]) -> Value {
    let mut all = vec!["threshold"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--param", "pi", "--format", "json"]);
    let (code, out, err) = run_redline(&all);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["schema"], "redline/threshold/1");
    assert_eq!(v["method"], "sequential");
    v
}

/// The thresholds of `pi` that `redline threshold MODEL --param pi` reports, as (value, confirmed).
fn thresholds(args: &[&str]) -> Vec<(String, bool)> {
    threshold_json(args)["thresholds"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| (t["value"].as_str().unwrap_or("bracket").to_string(), t["confirmed"] == true))
        .collect()
}

/// The closed form's thresholds in (0, 1), increasing.
fn closed_form(kw: &Kw) -> Vec<(String, bool)> {
    let mut t: Vec<Q> =
        (1..=kw.n).map(|k| kw.threshold(k)).filter(|t| t.is_positive() && *t < Q::one()).collect();
    t.sort();
    t.dedup();
    t.into_iter().map(|q| (q.to_string(), true)).collect()
}

#[test]
fn defaults_of_both_models() {
    let want = closed_form(&Kw::new(3, Q::from_int(2), &"1/2".parse().unwrap(), "1/10".parse().unwrap()));
    assert_eq!(want, vec![("1/8".into(), true), ("1/4".into(), true), ("1/2".into(), true)]);
    assert_eq!(thresholds(&["salami-probes"]), want);
    // The long-lived challenger of B2 has the same thresholds at these values (MODELS.md B.3).
    assert_eq!(thresholds(&["salami-reputation"]), want);
}

#[test]
fn erosion_gives_products() {
    // MODELS.md B1-4: (b_1, b_2, b_3) = (2/3, 1/2, 1/3): t = 2/3, 1/3, 1/9.
    let got = thresholds(&["salami-probes", "--set", "b_1=2/3", "--set", "b_2=1/2", "--set", "b_3=1/3"]);
    assert_eq!(got, vec![("1/9".into(), true), ("1/3".into(), true), ("2/3".into(), true)]);
}

#[test]
fn irrational_thresholds_are_bracketed_not_guessed() {
    // In b at pi = 1/10 the thresholds are b^k = 1/10: b = 1/10, 10^(-1/2), 10^(-1/3); the last two
    // are irrational and must come as brackets holding them.
    let (code, out, err) = run_redline(&["threshold", "salami-probes", "--param", "b", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let t = v["thresholds"].as_array().expect("a list");
    assert_eq!(t.len(), 3, "{out}");
    assert_eq!((t[0]["value"].as_str(), t[0]["exact"].as_bool()), (Some("1/10"), Some(true)));
    for (k, root) in [(1, 10f64.powf(-0.5)), (2, 10f64.powf(-1.0 / 3.0))] {
        assert_eq!(t[k]["exact"], false, "{}", t[k]);
        let lo: Q = t[k]["lower"].as_str().expect("lower").parse().expect("a number");
        let hi: Q = t[k]["upper"].as_str().expect("upper").parse().expect("a number");
        assert!(lo.to_f64() < root && root < hi.to_f64(), "{} holds {root}", t[k]);
    }
}

/// The thresholds of `pi` reported for `args`: each exact value, or the bracket `(lower, upper)`.
fn thresholds_or_brackets(args: &[&str]) -> Vec<Result<Q, (Q, Q)>> {
    let q = |t: &Value, key: &str| -> Q { t[key].as_str().expect("a number").parse().expect("a fraction") };
    threshold_json(args)["thresholds"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| if t["confirmed"] == true { Ok(q(t, "value")) } else { Err((q(t, "lower"), q(t, "upper"))) })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    /// Every closed-form threshold is found: exactly when confirmed, else (the n-player agent-QRE
    /// solver cannot certify every point next to a threshold with a large denominator, such as
    /// b^3 = 64/343) as a bracket that holds it. A confirmed value is never wrong.
    #[test]
    fn random_gains_match_the_closed_form(n in 1u32..=3, a in 2i64..5, num in 1i64..8, den in 2i64..9) {
        prop_assume!(num < den);
        let b = Q::ratio(num, den).expect("a fraction");
        let kw = Kw::new(n, Q::from_int(a), &b, "1/10".parse().unwrap());
        let (n_s, a_s, b_s) = (format!("n={n}"), format!("a={a}"), format!("b={b}"));
        let got = thresholds_or_brackets(&["salami-probes", "--set", &n_s, "--set", &a_s, "--set", &b_s]);
        let want = closed_form(&kw);
        prop_assert_eq!(got.len(), want.len(), "{:?} against {:?}", got, want);
        for (g, (w, _)) in got.iter().zip(&want) {
            let w: Q = w.parse().expect("a fraction");
            match g {
                Ok(v) => prop_assert_eq!(v, &w),
                Err((lo, hi)) => prop_assert!(lo < &w && &w < hi, "[{}, {}] misses {}", lo, hi, w),
            }
        }
    }
}

#[test]
fn a_threshold_next_to_uncertifiable_points_is_still_found_exactly() {
    // n = 3, b = 4/7: t_1 = b^3 = 64/343. The agent-QRE solver cannot certify the points just
    // beside it (an action nearly indifferent); bisection then tries the Stern–Brocot neighbours
    // of the failing point, and 64/343 is one of them (it came as a bracket of width 1e-4 before).
    let got = thresholds_or_brackets(&["salami-probes", "--set", "b=4/7"]);
    let q = |s: &str| -> Q { s.parse().expect("a fraction") };
    assert_eq!(got, [Ok(q("64/343")), Ok(q("16/49")), Ok(q("4/7"))]);
}

/// `redline solve MODEL --format json` (the model's own method, `sequential`): the payoffs.
fn solved_payoffs(args: &[&str]) -> Vec<String> {
    let mut all = vec!["solve"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run_redline(&all);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["method"], "sequential");
    assert_eq!(v["equilibria"][0]["kind"], "sequential");
    v["equilibria"][0]["payoffs"]
        .as_array()
        .expect("payoffs")
        .iter()
        .map(|p| p.as_str().expect("text").to_string())
        .collect()
}

#[test]
fn the_cli_solves_b1_rows_to_the_closed_form() {
    // MODELS.md B1-1 … B1-4, by `salami-probes`'s own method (n + 1 players: the agent-QRE path).
    let q = |s: &str| -> Q { s.parse().expect("a number") };
    let rows: [(&[&str], Kw); 4] = [
        (&["--set", "pi=1/3"], Kw::new(3, Q::from_int(2), &q("1/2"), q("1/3"))),
        (&[], Kw::new(3, Q::from_int(2), &q("1/2"), q("1/10"))),
        (
            &["--set", "n=4", "--set", "a=3", "--set", "b=1/3", "--set", "pi=1/20"],
            Kw::new(4, Q::from_int(3), &q("1/3"), q("1/20")),
        ),
        (
            &["--set", "b_1=2/3", "--set", "b_2=1/2", "--set", "b_3=1/3", "--set", "pi=1/5"],
            Kw::with_gains(Q::from_int(2), vec![q("2/3"), q("1/2"), q("1/3")], q("1/5")),
        ),
    ];
    for (set, kw) in rows {
        let mut args = vec!["salami-probes"];
        args.extend_from_slice(set);
        let o = kw.outcome();
        let mut want = vec![o.defender.to_string()];
        want.extend(o.challengers.iter().map(ToString::to_string));
        assert_eq!(solved_payoffs(&args), want, "{set:?}");
    }
}
