//! Expectations of a scenario (`[expect]`) for `linewatch check`: parsed and checked against the
//! scenario when it loads, evaluated against the verifier's scores and the coverage summary,
//! reported as a table and as JUnit XML.

use crate::scenario::{FieldPath, Scenario};
use std::fmt::Write;

/// Per-class scores an expectation may name (the /metrics columns).
pub const CLASS_METRICS: [&str; 12] = [
    "detection_rate",
    "false_alarms_per_day",
    "cep50_m",
    "cep90_m",
    "nees_mean",
    "attribution_accuracy",
    "wrong_side_rate",
    "indeterminate_rate",
    "track_origin_accuracy",
    "crossings_verified_rate",
    "impact_as_launch_rate",
    "blind_gap",
];
/// Per-class coverage figures an expectation may name.
pub const COVERAGE_METRICS: [&str; 4] = ["verifiable_fraction", "p_detect_fraction", "p_k_fraction", "calibration_gap"];
/// Detection figures of a class's own events (`detection.<class>.<row>.pair_rate`, or
/// `detection.<class>.<modality>.<distance metric>`; run::tally). `peak_db_median` is the
/// median peak sound pressure level of the detections at an acoustic row, dB re 20 µPa, for a
/// class whose source is given as a TNT mass (its pulse's shape converts exposure to peak).
pub const ROW_METRICS: [&str; 2] = ["pair_rate", "peak_db_median"];
pub const DISTANCE_METRICS: [&str; 3] = ["median_km", "p90_km", "beyond_50km_fraction"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    AtMost,
    Above,
    Below,
}

impl Comparison {
    fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Self::AtLeast => value >= bound,
            Self::AtMost => value <= bound,
            Self::Above => value > bound,
            Self::Below => value < bound,
        }
    }
}

/// One expectation: `class.metric` (or `coverage.class.metric`) compared with a bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// As written: "artillery.detection_rate" or "coverage.artillery.verifiable_fraction".
    pub name: String,
    pub coverage: bool,
    /// A detection figure: the row or modality it is of (`detection.<class>.<selector>.<metric>`).
    pub selector: Option<String>,
    pub class: String,
    pub metric: String,
    pub comparison: Comparison,
    pub bound: f64,
    /// A second clause that must hold too (a range), if any.
    pub also: Option<(Comparison, f64)>,
    /// The condition as written, e.g. ">= 0.9".
    pub condition: String,
}

/// One clause: a comparison and its bound ("<= 100").
fn clause(path: &FieldPath, text: &str, t: &str) -> Result<(Comparison, f64), (FieldPath, String)> {
    let (comparison, rest) = if let Some(r) = t.strip_prefix(">=") {
        (Comparison::AtLeast, r)
    } else if let Some(r) = t.strip_prefix("<=") {
        (Comparison::AtMost, r)
    } else if let Some(r) = t.strip_prefix('>') {
        (Comparison::Above, r)
    } else if let Some(r) = t.strip_prefix('<') {
        (Comparison::Below, r)
    } else {
        return Err((path.clone(), format!("'{text}' must start with >=, <=, > or <")));
    };
    let bound: f64 =
        rest.trim().parse().map_err(|_| (path.clone(), format!("'{}' in '{text}' is not a number", rest.trim())))?;
    if !bound.is_finite() {
        return Err((path.clone(), format!("the bound in '{text}' is not finite")));
    }
    Ok((comparison, bound))
}

/// A condition: one clause, or two joined by a comma (">= 5, <= 100": both must hold).
type Condition = ((Comparison, f64), Option<(Comparison, f64)>, String);

fn condition(path: &FieldPath, value: &toml::Value) -> Result<Condition, (FieldPath, String)> {
    let text = value.as_str().ok_or_else(|| {
        (path.clone(), "an expectation is a string such as \">= 0.9\", \"<= 0.01\" or \">= 5, <= 100\"".to_string())
    })?;
    let t = text.trim();
    match t.split_once(',') {
        Some((first, second)) => {
            Ok((clause(path, text, first.trim())?, Some(clause(path, text, second.trim())?), t.to_string()))
        }
        None => Ok((clause(path, text, t)?, None, t.to_string())),
    }
}

/// Every expectation of the scenario, or the first one that is malformed (its field path).
pub fn parse(table: &toml::Table, scenario: &Scenario) -> Result<Vec<Expectation>, (FieldPath, String)> {
    let root = FieldPath::parse("expect");
    let mut out = Vec::new();
    for (key, value) in table {
        let p = root.key(key);
        if key == "coverage" {
            for (class, metrics) in sub_table(&p, value)? {
                out.extend(class_expectations(&p.key(&class), &class, &metrics, true, scenario)?);
            }
        } else if key == "detection" {
            for (class, selectors) in sub_table(&p, value)? {
                let pc = p.key(&class);
                if !scenario.classes.iter().any(|c| c.name == class) {
                    return Err((pc, format!("no violation class is named '{class}'")));
                }
                for (selector, metrics) in sub_table(&pc, &selectors)? {
                    out.extend(detection_expectations(&pc.key(&selector), &class, &selector, &metrics, scenario)?);
                }
            }
        } else {
            out.extend(class_expectations(&p, key, value, false, scenario)?);
        }
    }
    Ok(out)
}

fn sub_table(p: &FieldPath, v: &toml::Value) -> Result<toml::Table, (FieldPath, String)> {
    v.as_table().cloned().ok_or_else(|| (p.clone(), "expected a table of metrics".to_string()))
}

/// The expectations of one class's table (`p` is its path): per-class scores, or with
/// `coverage` the class's coverage figures.
fn class_expectations(
    p: &FieldPath,
    class: &str,
    metrics: &toml::Value,
    coverage: bool,
    scenario: &Scenario,
) -> Result<Vec<Expectation>, (FieldPath, String)> {
    if !scenario.classes.iter().any(|c| c.name == class) {
        return Err((p.clone(), format!("no violation class is named '{class}'")));
    }
    let (known, kind, prefix) = if coverage {
        (&COVERAGE_METRICS[..], "coverage metric", "coverage.")
    } else {
        (&CLASS_METRICS[..], "metric", "")
    };
    let mut out = Vec::new();
    for (metric, bound) in sub_table(p, metrics)? {
        let pm = p.key(&metric);
        if !known.contains(&metric.as_str()) {
            return Err((pm, format!("unknown {kind} '{metric}'; known: {}", known.join(", "))));
        }
        let ((comparison, bound), also, condition) = condition(&pm, &bound)?;
        out.push(Expectation {
            name: format!("{prefix}{class}.{metric}"),
            coverage,
            selector: None,
            class: class.to_string(),
            metric,
            comparison,
            bound,
            also,
            condition,
        });
    }
    Ok(out)
}

/// The detection figures of one class for a row (by name) or a modality.
fn detection_expectations(
    p: &FieldPath,
    class: &str,
    selector: &str,
    metrics: &toml::Value,
    scenario: &Scenario,
) -> Result<Vec<Expectation>, (FieldPath, String)> {
    let is_row = scenario.rows.iter().any(|r| r.name == selector);
    let is_modality = crate::scenario::Modality::ALL.iter().any(|m| m.name() == selector);
    let known: &[&str] = match (is_row, is_modality) {
        (true, _) => &ROW_METRICS,
        (false, true) => &DISTANCE_METRICS,
        (false, false) => {
            return Err((p.clone(), format!("'{selector}' is neither a row's name nor a modality")));
        }
    };
    let mut out = Vec::new();
    for (metric, bound) in sub_table(p, metrics)? {
        let pm = p.key(&metric);
        if !known.contains(&metric.as_str()) {
            return Err((
                pm,
                format!("unknown detection metric '{metric}' of '{selector}'; known: {}", known.join(", ")),
            ));
        }
        if metric == "peak_db_median" {
            peak_level_applies(&pm, class, selector, scenario)?;
        }
        let ((comparison, bound), also, condition) = condition(&pm, &bound)?;
        out.push(Expectation {
            name: format!("detection.{class}.{selector}.{metric}"),
            coverage: false,
            selector: Some(selector.to_string()),
            class: class.to_string(),
            metric,
            comparison,
            bound,
            also,
            condition,
        });
    }
    Ok(out)
}

/// A peak level needs an acoustic row and a source whose pulse is known (a TNT mass).
fn peak_level_applies(p: &FieldPath, class: &str, row: &str, scenario: &Scenario) -> Result<(), (FieldPath, String)> {
    let acoustic = scenario.rows.iter().any(|r| r.name == row && r.modality == crate::scenario::Modality::Acoustic);
    if !acoustic {
        return Err((p.clone(), format!("peak_db_median needs an acoustic row; '{row}' is not one")));
    }
    let pulse_known = scenario
        .classes
        .iter()
        .any(|c| c.name == class && c.source.acoustic_db.is_none() && c.source.tnt_kg.is_some_and(|w| w > 0.0));
    if !pulse_known {
        return Err((
            p.clone(),
            format!("peak_db_median needs the source of '{class}' given as tnt_kg, without acoustic_db"),
        ));
    }
    Ok(())
}

/// An expectation with the value measured for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub expectation: Expectation,
    /// NaN when nothing was measured (e.g. no event of the class was located).
    pub value: f64,
    pub pass: bool,
}

pub fn judge(expectation: &Expectation, value: f64) -> Verdict {
    // A NaN (nothing to measure) never satisfies an expectation.
    let pass = value.is_finite()
        && expectation.comparison.holds(value, expectation.bound)
        && expectation.also.is_none_or(|(c, b)| c.holds(value, b));
    Verdict { expectation: expectation.clone(), value, pass }
}

/// The verdict table `check` prints.
pub fn table(verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    let width = verdicts.iter().map(|v| v.expectation.name.len()).max().unwrap_or(10).max(11);
    let _ = writeln!(out, "  {:<width$}  {:>12}  {:<12}  verdict", "expectation", "value", "condition");
    for v in verdicts {
        let _ = writeln!(
            out,
            "  {:<width$}  {:>12.5}  {:<12}  {}",
            v.expectation.name,
            v.value,
            v.expectation.condition,
            if v.pass { "pass" } else { "FAIL" }
        );
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// JUnit XML (the Ant/Surefire form read by GitLab, Jenkins, GitHub and Azure): one testsuite,
/// one testcase per expectation, a <failure> for each that fails.
pub fn junit(scenario: &str, verdicts: &[Verdict], seconds: f64) -> String {
    let failures = verdicts.iter().filter(|v| !v.pass).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"linewatch check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{seconds:.3}\">",
        verdicts.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{seconds:.3}\">",
        escape(scenario),
        verdicts.len()
    );
    for v in verdicts {
        let e = &v.expectation;
        let name = escape(&format!("{} {}", e.name, e.condition));
        let _ = write!(out, "    <testcase classname=\"{}\" name=\"{name}\" time=\"0\"", escape(scenario));
        if v.pass {
            out.push_str("/>\n");
        } else {
            let message = escape(&format!("{} = {} does not satisfy {}", e.name, v.value, e.condition));
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{message}\" type=\"expectation\">{message}</failure>\n    </testcase>"
            );
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expectation(comparison: Comparison, bound: f64) -> Expectation {
        Expectation {
            name: "artillery.detection_rate".into(),
            coverage: false,
            selector: None,
            class: "artillery".into(),
            metric: "detection_rate".into(),
            comparison,
            bound,
            also: None,
            condition: ">= 0.9".into(),
        }
    }

    #[test]
    fn a_range_needs_both_clauses() {
        let scenario: Scenario = toml::from_str(
            "name = 'x'\nseed = 1\nduration_h = 1.0\n[[classes]]\nname = 'artillery'\nkind = 'indirect_fire'\nrate_per_day = 1.0\ndepth_km = [1.0, 2.0]\nsource = { tnt_kg = 1.0 }\n",
        )
        .expect("scenario");
        let table: toml::Table = toml::from_str("[artillery]\ncep50_m = '>= 5, <= 100'").expect("table");
        let e = &parse(&table, &scenario).expect("parsed")[0];
        assert!(judge(e, 50.0).pass);
        assert!(!judge(e, 4.0).pass);
        assert!(!judge(e, 101.0).pass);
        let bad: toml::Table = toml::from_str("[artillery]\ncep50_m = '>= 5, 100'").expect("table");
        assert!(parse(&bad, &scenario).is_err());
    }

    #[test]
    fn comparisons_hold_at_their_bounds_and_nan_never_passes() {
        assert!(judge(&expectation(Comparison::AtLeast, 0.9), 0.9).pass);
        assert!(!judge(&expectation(Comparison::Above, 0.9), 0.9).pass);
        assert!(judge(&expectation(Comparison::AtMost, 0.01), 0.01).pass);
        assert!(!judge(&expectation(Comparison::Below, 0.01), 0.01).pass);
        assert!(!judge(&expectation(Comparison::AtMost, 1.0), f64::NAN).pass);
    }

    #[test]
    fn junit_escapes_and_counts_failures() {
        let verdicts =
            [judge(&expectation(Comparison::AtLeast, 0.9), 0.5), judge(&expectation(Comparison::AtLeast, 0.1), 0.5)];
        let xml = junit("a<b & \"c\"", &verdicts, 1.5);
        assert!(xml.contains("name=\"a&lt;b &amp; &quot;c&quot;\""), "{xml}");
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert_eq!(xml.matches("<failure ").count(), 1);
        assert!(xml.contains("&gt;= 0.9"));
    }
}
