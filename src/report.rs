//! The summaries `run`, `coverage` and `check` print on standard output.

use crate::run::{CoverageSummary, RunSummary};
use crate::scenario::{LoadedScenario, Modality};
use crate::verify::VerifyReport;
use std::path::Path;

/// The verifier's scores, a line per class, and the tracks' when any class moves.
pub fn print_verify(r: &VerifyReport) {
    println!(
        "  verifier       {:?} association: {} candidates, {} located, {} arrivals unassociated, {:.1} false estimates/day, {:.1} s",
        r.association, r.candidates, r.located, r.unassociated, r.false_alarms_per_day, r.seconds
    );
    if r.unheard > 0 {
        println!(
            "  unheard        {} blind fits dropped: the microphones nearer them than their members heard nothing",
            r.unheard
        );
    }
    if r.merged + r.dissolved > 0 {
        println!(
            "  merged         {} blind candidates joined an earlier one that one fit explains with them; {} dissolved, a later one with more members explaining most of their arrivals",
            r.merged, r.dissolved
        );
    }
    if let Some(search) = &r.search {
        println!(
            "  blind search   on {}: {} grid points, {} point-partner pairs of {} in the travel-time windows, in {} dispatches taking {:.1} s ({} scored again by the reference)",
            search.device,
            search.points,
            search.pairs,
            search.window_pairs,
            search.dispatches,
            search.seconds,
            search.recomputed
        );
    }
    println!("  class          events  located  CEP50 m  CEP90 m  NEES  right side  wrong side  indeterminate");
    for (name, m) in &r.metrics {
        println!(
            "  {:<12} {:>8} {:>8} {:>8} {:>8} {:>5} {:>11} {:>11} {:>14}",
            name,
            m.events,
            m.located,
            cell(m.cep50_m, 0, ""),
            cell(m.cep90_m, 0, ""),
            cell(m.nees_mean, 2, ""),
            cell(100.0 * m.attribution_accuracy, 1, "%"),
            cell(100.0 * m.wrong_side_rate, 2, "%"),
            cell(100.0 * m.indeterminate_rate, 1, "%")
        );
    }
    // Under blind association, the oracle on the same detections is its upper bound.
    if let Some(bound) = &r.oracle_metrics {
        let rows: Vec<String> = r
            .metrics
            .iter()
            .zip(bound)
            .filter(|((_, m), _)| m.events > 0)
            .map(|((name, m), o)| {
                let right = |m: &crate::output::MetricRecord| m.true_a_attributed_a + m.true_b_attributed_b;
                format!("{name} {}/{} ({}/{})", m.located, right(m), o.located, right(o))
            })
            .collect();
        println!("  blind/oracle   located/right side, blind (oracle's upper bound): {}", rows.join(", "));
    }
    // The verifier does not tell an impact from a launch: an impact given a side is a launch
    // claimed from where the round landed (docs/design.md §6).
    let impacts: Vec<String> = r
        .metrics
        .iter()
        .filter(|(_, m)| m.impacts_located > 0)
        .map(|(name, m)| format!("{name} {} of {} located", m.impacts_attributed, m.impacts_located))
        .collect();
    if !impacts.is_empty() {
        println!("  impacts        attributed a side as if launches: {}", impacts.join(", "));
    }
    let k = &r.kinds;
    if k.launches.iter().chain(&k.impacts).any(|&n| n > 0) {
        let row = |n: &[u64; 4]| format!("launch {}, impact {}, ambiguous {}, unpaired {}", n[0], n[1], n[2], n[3]);
        println!(
            "  launch/impact  taken for, by their sound and pair: launches {}; impacts {}",
            row(&k.launches),
            row(&k.impacts)
        );
    }
    let moving: Vec<_> = r.metrics.iter().filter(|(_, m)| m.tracks > 0).collect();
    if !moving.is_empty() {
        println!("  tracks         tracks  attributed  from the right side  crossing  crossings seen on both sides");
        for (name, m) in moving {
            println!(
                "  {:<12} {:>8} {:>11} {:>20} {:>9} {:>29}",
                name,
                m.tracks,
                m.tracks_attributed,
                cell(100.0 * m.track_origin_accuracy, 1, "%"),
                m.tracks_crossing,
                m.crossings_verified
            );
        }
    }
}

/// A figure with `decimals` places and its unit, or "—" where there was nothing to measure (a
/// share of no located events, the CEP of none): NaN is the metrics' "undefined", not a number
/// to show.
fn cell(value: f64, decimals: usize, unit: &str) -> String {
    if value.is_finite() { format!("{value:.decimals$}{unit}") } else { "—".to_string() }
}

/// What a run did: the deployment, the events, their detections, the time it took.
pub fn print_summary(s: &RunSummary, output: &Path) {
    println!("linewatch run '{}' → {}", s.scenario, output.display());
    println!("  adapter        {}", s.adapter);
    println!("  line           {:.1} km", s.line_km);
    let by_modality: Vec<String> = s.sensors_by_modality.iter().map(|(m, n)| format!("{n} {m}")).collect();
    println!("  sensors        {} ({})", s.sensors, by_modality.join(", "));
    println!("  simulated      {} h", s.duration_h);
    println!("  violations     {} ({} source events)", s.violations, s.events);
    println!(
        "  detections     {} ({} false alarms; {} arrivals lost within a picker's dead time)",
        s.detections, s.false_alarms, s.unpicked
    );
    println!("  pairs in reach {} evaluated on the GPU", s.pairs_evaluated);
    if s.losses.iter().any(|&n| n > 0) {
        let [failed, jammed, destroyed, out_of_service] = s.losses;
        let by_hand = if out_of_service > 0 { format!(", {out_of_service} out of service") } else { String::new() };
        println!(
            "  sensors lost   {failed} failed, {jammed} jammed, {destroyed} destroyed by impacts{by_hand} (/sensor_losses)"
        );
    }
    if s.events_by_reference > 0 {
        println!(
            "  {} events had more work than this adapter's loop limit allows one invocation; the f64 reference detected them",
            s.events_by_reference
        );
    }
    println!(
        "  {:<12} {:>9} {:>8} {:>12} {:>12} {:>11}",
        "class", "events", "detected", "≥1 sensor", "≥3 sensors", "detections"
    );
    for c in &s.classes {
        let rate = |n: u64| {
            if c.events > 0 { 100.0 * n as f64 / c.events as f64 } else { 0.0 }
        };
        println!(
            "  {:<12} {:>9} {:>8} {:>11.1}% {:>11.1}% {:>11}",
            c.name,
            c.events,
            c.detected_events,
            rate(c.detected_events),
            rate(c.located_events),
            c.detections
        );
    }
    print_heard(s);
    println!(
        "  time           {:.1} s ({:.1} s GPU detection, {:.1} s writing HDF5)",
        s.seconds, s.gpu_seconds, s.write_seconds
    );
}

/// How far each class's own events (not impacts) were heard, by the wave modalities: median and
/// 90th percentile of the detection distance, and the share beyond 50 km.
fn print_heard(s: &RunSummary) {
    let mut header = false;
    for (c, class) in s.classes.iter().enumerate() {
        for m in [Modality::Acoustic, Modality::Seismic] {
            let median = s.heard.distance_quantile_km(c, m, 0.5);
            if !median.is_finite() {
                continue;
            }
            if !header {
                println!("  heard at       class, modality: median and 90th percentile distance, share beyond 50 km");
                header = true;
            }
            println!(
                "  {:<12}   {:<9} {:>7.1} km {:>7.1} km {:>7.2} %",
                class.name,
                m.name(),
                median,
                s.heard.distance_quantile_km(c, m, 0.9),
                100.0 * s.heard.beyond_fraction(c, m, 50.0)
            );
        }
    }
}

/// Each mapped class's coverage: covered fraction, gaps, the longest gap's place.
pub fn print_coverage(maps: &[CoverageSummary], loaded: &LoadedScenario) {
    if maps.is_empty() {
        return;
    }
    let spec = &loaded.scenario.coverage;
    println!(
        "  coverage       ±{} km at {} m, {:?}, verifiable = P({}) × P(right side), target {}",
        spec.half_width_km,
        spec.resolution_m,
        spec.time_of_day,
        crate::coverage::FixRule::of(&loaded.scenario).describe(),
        spec.target
    );
    println!(
        "  {:<12} {:>10} {:>10} {:>6} {:>12} {:>8}  where",
        "class", "cells", "covered", "gaps", "longest gap", "time"
    );
    for m in maps {
        println!(
            "  {:<12} {:>10} {:>9.1}% {:>6} {:>9.1} km {:>6.1} s  {}",
            m.class,
            m.cells,
            100.0 * m.covered_fraction,
            m.gaps,
            m.longest_gap_km,
            m.seconds,
            m.longest_gap_at
        );
        if let Some(c) = &m.calibration {
            println!(
                "  {:<12} at its {} events the map predicts {:.3}, the verifier attributed {:.3} right: gap {:+.3}",
                "",
                c.events,
                c.predicted,
                c.achieved,
                c.gap()
            );
        }
        if m.cells_by_reference > 0 {
            println!(
                "  {:<12} {} cells over this adapter's loop limit were computed by the f64 reference",
                "", m.cells_by_reference
            );
        }
    }
}
