//! The metrics of one task, by the names `[expect]` uses (`artillery.cep50_m`,
//! `coverage.artillery.verifiable_fraction`), with the counts behind each rate so that the
//! summary can pool them.

use crate::expect::CLASS_METRICS;
use crate::output::MetricRecord;
use crate::run::RunSummary;
use crate::scenario::Scenario;

/// One metric of one task. A rate (a share of counted events) carries its counts; other
/// metrics have NaN counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub value: f64,
    pub successes: f64,
    pub trials: f64,
}

impl Metric {
    pub fn is_rate(&self) -> bool {
        self.trials.is_finite()
    }
}

/// The denominator of a per-class rate (docs/design.md §7 /metrics), or None for a metric that
/// is not a share of counted events.
fn trials(metric: &str, m: &MetricRecord) -> Option<u64> {
    match metric {
        "detection_rate" => Some(m.events),
        "attribution_accuracy" | "indeterminate_rate" => Some(m.located),
        "wrong_side_rate" => Some(m.attributed),
        "track_origin_accuracy" => Some(m.tracks_attributed),
        "crossings_verified_rate" => Some(m.tracks_crossing),
        "impact_as_launch_rate" => Some(m.impacts_located),
        _ => None,
    }
}

/// Every metric of a run that verified, in a fixed order: each class's scores, then each mapped
/// class's coverage figures.
pub fn of_run(scenario: &Scenario, summary: &RunSummary) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(report) = &summary.verify {
        for class in &scenario.classes {
            let record = report.metrics.iter().find(|(c, _)| c == &class.name).map(|(_, m)| m);
            for metric in CLASS_METRICS {
                let value = report.metric(&class.name, metric);
                let n = record.and_then(|m| trials(metric, m));
                let (successes, trials) = match n {
                    Some(n) if n > 0 && value.is_finite() => ((value * n as f64).round(), n as f64),
                    Some(_) => (0.0, 0.0),
                    None => (f64::NAN, f64::NAN),
                };
                out.push(Metric { name: format!("{}.{metric}", class.name), value, successes, trials });
            }
        }
    }
    for c in &summary.coverage {
        let figures = [
            ("verifiable_fraction", c.covered_fraction),
            ("p_detect_fraction", c.p_detect_fraction),
            ("p_k_fraction", c.p_k_fraction),
            ("calibration_gap", c.calibration.map_or(f64::NAN, |k| k.gap())),
        ];
        for (metric, value) in figures {
            let name = format!("coverage.{}.{metric}", c.class);
            out.push(Metric { name, value, successes: f64::NAN, trials: f64::NAN });
        }
    }
    out
}
