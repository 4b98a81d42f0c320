//! `linewatch check`: run the scenario, verify it, and judge its [expect] table.

use crate::error::{Error, Result, exit};
use crate::expect::{self, Verdict};
use crate::run::tally::DetectionTally;
use crate::run::{CoveragePictures, RunOptions};
use crate::scenario::LoadedScenario;
use crate::scenario::Modality;
use std::path::Path;
use std::time::Instant;

/// A detection figure of a class for a row or a modality (names checked when parsed: NaN if
/// not found).
fn detection_figure(
    s: &crate::scenario::Scenario,
    heard: &DetectionTally,
    class: &str,
    selector: &str,
    metric: &str,
) -> f64 {
    let Some(c) = s.classes.iter().position(|x| x.name == class) else { return f64::NAN };
    if let Some(row) = s.rows.iter().position(|r| r.name == selector) {
        return match metric {
            "peak_db_median" => {
                let tnt_kg = s.classes[c].source.tnt_kg.unwrap_or(f64::NAN);
                heard.median_level_db(c, row) + crate::physics::explosion::peak_minus_exposure_db(tnt_kg)
            }
            _ => heard.pair_rate(c, row),
        };
    }
    let Some(&m) = Modality::ALL.iter().find(|m| m.name() == selector) else { return f64::NAN };
    match metric {
        "median_km" => heard.distance_quantile_km(c, m, 0.5),
        "p90_km" => heard.distance_quantile_km(c, m, 0.9),
        "beyond_50km_fraction" => heard.beyond_fraction(c, m, 50.0),
        _ => f64::NAN,
    }
}

pub fn check(
    loaded: &LoadedScenario,
    output: &Path,
    seed: Option<u64>,
    junit: Option<&Path>,
    json: Option<&Path>,
    progress: bool,
) -> Result<u8> {
    let started = Instant::now();
    let s = &loaded.scenario;
    let expectations = expect::parse(&s.expect, s).map_err(|(path, message)| loaded.error_at(&path, message))?;
    if expectations.is_empty() {
        return Err(
            loaded.error_at(&crate::scenario::FieldPath::parse("expect"), "the scenario states no expectations")
        );
    }
    let options = RunOptions {
        seed,
        progress,
        png: None,
        // Coverage only when an expectation needs it: it is the long part on a CPU.
        coverage: expectations.iter().any(|e| e.coverage),
        verify: true,
        pictures: CoveragePictures::default(),
        search_on_cpu: false,
    };
    let summary = crate::run::run(loaded, output, &options)?;
    let report =
        summary.verify.as_ref().ok_or_else(|| Error::file(&loaded.file, "verify", "the verifier did not run"))?;
    let verdicts: Vec<Verdict> = expectations
        .iter()
        .map(|e| {
            let value = if e.coverage {
                summary.coverage.iter().find(|c| c.class == e.class).map_or(f64::NAN, |c| match e.metric.as_str() {
                    "calibration_gap" => c.calibration.map_or(f64::NAN, |k| k.gap()),
                    "p_detect_fraction" => c.p_detect_fraction,
                    "p_k_fraction" => c.p_k_fraction,
                    _ => c.covered_fraction,
                })
            } else if let Some(selector) = &e.selector {
                detection_figure(s, &summary.heard, &e.class, selector, &e.metric)
            } else {
                report.metric(&e.class, &e.metric)
            };
            expect::judge(e, value)
        })
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let failed = verdicts.iter().filter(|v| !v.pass).count();
    println!("linewatch check '{}' → {}", s.name, output.display());
    crate::report::print_verify(report);
    print!("{}", expect::table(&verdicts));
    println!(
        "  result         {} of {} expectations hold{} ({seconds:.1} s)",
        verdicts.len() - failed,
        verdicts.len(),
        if failed > 0 { format!("; {failed} FAILED") } else { String::new() }
    );
    if let Some(path) = junit {
        write_text(path, "junit", &expect::junit(&s.name, &verdicts, seconds))?;
    }
    if let Some(path) = json {
        let value = serde_json::json!({
            "scenario": s.name,
            "association": format!("{:?}", report.association).to_lowercase(),
            "candidates": report.candidates,
            "located": report.located,
            "false_alarms_per_day": finite(report.false_alarms_per_day),
            "metrics": report.metrics.iter().map(|(name, m)| (name.clone(), serde_json::json!({
                "events": m.events,
                "located": m.located,
                "detection_rate": finite(m.detection_rate),
                "cep50_m": finite(m.cep50_m),
                "cep90_m": finite(m.cep90_m),
                "nees_mean": finite(m.nees_mean),
                "attribution_accuracy": finite(m.attribution_accuracy),
                "wrong_side_rate": finite(m.wrong_side_rate),
                "indeterminate_rate": finite(m.indeterminate_rate),
                "tracks": m.tracks,
                "tracks_crossing": m.tracks_crossing,
                "crossings_verified": m.crossings_verified,
                "track_origin_accuracy": finite(m.track_origin_accuracy),
                "impacts_located": m.impacts_located,
                "impacts_attributed": m.impacts_attributed,
                "impact_as_launch_rate": finite(m.impact_as_launch_rate),
                "blind_gap": finite(report.blind_gap(name)),
                "confusion": {
                    "true_a": [m.true_a_attributed_a, m.true_a_attributed_b, m.true_a_indeterminate],
                    "true_b": [m.true_b_attributed_a, m.true_b_attributed_b, m.true_b_indeterminate],
                    "columns": ["attributed_a", "attributed_b", "indeterminate"],
                },
            }))).collect::<serde_json::Map<_, _>>(),
            "coverage": summary.coverage.iter().map(|c| (c.class.clone(), serde_json::json!({
                "verifiable_fraction": finite(c.covered_fraction),
                "calibration_gap": c.calibration.map_or(serde_json::Value::Null, |k| finite(k.gap())),
                "p_detect_fraction": finite(c.p_detect_fraction),
                "p_k_fraction": finite(c.p_k_fraction),
            }))).collect::<serde_json::Map<_, _>>(),
            "expectations": verdicts.iter().map(|v| serde_json::json!({
                "name": v.expectation.name,
                "condition": v.expectation.condition,
                "value": finite(v.value),
                "pass": v.pass,
            })).collect::<Vec<_>>(),
            "pass": failed == 0,
        });
        let text = serde_json::to_string_pretty(&value)
            .map_err(|e| Error::file(path.display().to_string(), "json", e.to_string()))?;
        write_text(path, "json", &text)?;
    }
    Ok(if failed == 0 { exit::SUCCESS } else { exit::EXPECTATIONS_FAILED })
}

/// JSON has no NaN: nothing measured is null.
fn finite(v: f64) -> serde_json::Value {
    if v.is_finite() { serde_json::json!(v) } else { serde_json::Value::Null }
}

fn write_text(path: &Path, field: &str, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::file(path.display().to_string(), field, format!("cannot write: {e}")))
}
