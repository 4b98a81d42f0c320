//! The verifier on simulated runs: blind association against the oracle, and the attribution
//! promise (wrong side ≤ 1 − confidence) over many seeds.

use super::support::{linewatch, smoke_scenario, text};
use linewatch::output::{EstimateRecord, EventKindCode, EventRecord, MetricRecord};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The smoke scenario with its [verify] association replaced and optional text substitutions.
fn variant(dir: &Path, name: &str, association: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(smoke_scenario()).expect("smoke scenario");
    let stated = ["association = \"blind\"", "association = \"oracle\""].into_iter().find(|line| text.contains(line));
    text = text.replace(
        stated.expect("the smoke scenario states its association"),
        &format!("association = \"{association}\""),
    );
    for (from, to) in edits {
        assert!(text.contains(from), "the smoke scenario has '{from}'");
        text = text.replace(from, to);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

fn run(dir: &Path, scenario: &Path, out: &str, seed: u64) -> hdf5::File {
    let seed = seed.to_string();
    let args = ["run", scenario.to_str().expect("utf-8"), "-o", out, "--no-coverage", "--quiet", "--seed", &seed];
    let o = linewatch(dir, &args);
    assert!(o.status.success(), "{}\n{}", text(&o.stdout), text(&o.stderr));
    hdf5::File::open(dir.join(out)).expect("open result")
}

/// Attributable events located from at least `min_detections` detections, by truth id, and the
/// false alarms among the detections.
fn located(file: &hdf5::File, min_detections: u32) -> (HashSet<i64>, usize) {
    let events = file.dataset("events").expect("events").read_raw::<EventRecord>().expect("rows");
    let launches: HashSet<i64> =
        events.iter().filter(|e| e.kind != EventKindCode::Impact).map(|e| i64::from(e.id)).collect();
    let estimates = file.dataset("estimates").expect("estimates").read_raw::<EstimateRecord>().expect("rows");
    let false_alarms = file
        .dataset("detections")
        .expect("detections")
        .read_raw::<linewatch::output::DetectionRecord>()
        .expect("rows")
        .iter()
        .filter(|d| d.event_id < 0)
        .count();
    let located = estimates
        .iter()
        .filter(|e| e.n_detections >= min_detections)
        .map(|e| e.truth_event_id)
        .filter(|id| launches.contains(id))
        .collect();
    (located, false_alarms)
}

#[test]
fn blind_association_recovers_the_oracle_events_with_false_alarms_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let oracle = run(dir.path(), &variant(dir.path(), "oracle.toml", "oracle", &[]), "oracle.h5", 7);
    let blind = run(dir.path(), &variant(dir.path(), "blind.toml", "blind", &[]), "blind.h5", 7);
    // Blind association needs five constraints from three sensors or more (three fit any
    // arrivals; two more test the fit): it is held to the oracle's events that five or more
    // sensors heard.
    let (by_oracle, false_alarms) = located(&oracle, 5);
    let (by_blind, _) = located(&blind, 0);
    assert!(false_alarms > 50, "false alarms are on: {false_alarms}");
    assert!(by_oracle.len() > 100, "{} oracle events", by_oracle.len());
    let recovered = by_oracle.intersection(&by_blind).count();
    let fraction = recovered as f64 / by_oracle.len() as f64;
    eprintln!("blind association recovered {recovered} of {} oracle events ({fraction:.3})", by_oracle.len());
    // 0.89 measured with seed 7 (0.87, 0.85 and 0.89 with seeds 1–3) since the members are
    // chosen again from the fit with its weather and bearings, loose arrivals confirm nothing and
    // the seed must agree with the others' own fit without the location hinging on it; it was
    // 0.70 before. 0.858 with the negative evidence test (2026-12-07), which trades a few events
    // for the mixed fits it drops; 1.000 (127 of 127) once bearings gate the search and a seed
    // with a bearing is held out by its time alone (docs/design.md §6).
    assert!(fraction >= 0.95, "blind recovered {recovered} of {} oracle events", by_oracle.len());
    // And it keeps the attribution promise.
    let metrics = blind.dataset("metrics").expect("metrics").read_raw::<MetricRecord>().expect("rows");
    let (wrong, attributed) = metrics
        .iter()
        .map(|m| (m.true_a_attributed_b + m.true_b_attributed_a, m.attributed))
        .fold((0, 0), |(w, a), (x, y)| (w + x, a + y));
    assert!(wrong as f64 <= 0.05 * attributed as f64, "blind: {wrong} of {attributed} on the wrong side");
}

/// With poor clocks and bearings many sources near the line are doubtful; those attributed at
/// confidence c must be on the wrong side at most 1 − c of the time, at c = 0.9, 0.95 and 0.99,
/// over several seeds (the promise the [verify] confidence makes).
#[test]
fn wrong_side_rate_stays_under_one_minus_confidence_over_seeds() {
    let dir = tempfile::tempdir().expect("tempdir");
    for confidence in ["0.9", "0.95", "0.99"] {
        let scenario = variant(
            dir.path(),
            &format!("poor-{confidence}.toml"),
            "oracle",
            &[
                ("timing_sigma_ms = 1.0", "timing_sigma_ms = 300.0"),
                ("timing_sigma_ms = 5.0", "timing_sigma_ms = 450.0"),
                ("bearing_sigma_deg = 3.0", "bearing_sigma_deg = 30.0"),
                // Mortars fired from just behind the line: the hard case for attribution.
                ("depth_km = [1.0, 5.0]", "depth_km = [0.02, 0.3]"),
                ("confidence = 0.95", &format!("confidence = {confidence}")),
            ],
        );
        let (mut wrong, mut attributed, mut indeterminate) = (0u64, 0u64, 0u64);
        for seed in 1..=4 {
            let file = run(dir.path(), &scenario, &format!("poor-{confidence}-{seed}.h5"), seed);
            for m in file.dataset("metrics").expect("metrics").read_raw::<MetricRecord>().expect("rows") {
                wrong += m.true_a_attributed_b + m.true_b_attributed_a;
                attributed += m.attributed;
                indeterminate += m.true_a_indeterminate + m.true_b_indeterminate;
            }
        }
        eprintln!("confidence {confidence}: {wrong} wrong of {attributed} attributed, {indeterminate} indeterminate");
        let c: f64 = confidence.parse().expect("a number");
        assert!(indeterminate > 10, "{confidence}: the poor deployment leaves doubtful events: {indeterminate}");
        assert!(attributed > 250, "{confidence}: {attributed}");
        assert!(
            wrong as f64 <= (1.0 - c) * attributed as f64,
            "{confidence}: {wrong} of {attributed} attributed to the wrong side"
        );
    }
}

/// The calls of a run's microphones far above threshold (≥ 30 dB) and at it (< 1 dB): how many,
/// and how many wrong; and whether every detection is called exactly when it should be (a
/// microphone's arrival of a blast or a false alarm).
fn call_errors(file: &hdf5::File, events: &std::collections::HashMap<i64, EventRecord>) -> [(u32, u32); 2] {
    use linewatch::output::{DetectionRecord, ModalityCode, SensorRecord, SignatureCode};
    let sensors = file.dataset("sensors").expect("sensors").read_raw::<SensorRecord>().expect("rows");
    let detections = file.dataset("detections").expect("detections").read_raw::<DetectionRecord>().expect("rows");
    let launch_like = |k: EventKindCode| matches!(k, EventKindCode::Launch | EventKindCode::Fire);
    let mut counts = [(0u32, 0u32); 2];
    for d in &detections {
        let event = events.get(&d.event_id);
        let blast = event.is_none_or(|e| e.kind != EventKindCode::Movement);
        let expect_call = d.modality == ModalityCode::Acoustic && blast;
        assert_eq!(d.signature != SignatureCode::None, expect_call, "{d:?} of {event:?}");
        let Some(e) = event.filter(|_| expect_call) else { continue };
        let excess = d.snr_db - sensors[d.sensor_id as usize].threshold_db;
        let wrong = u32::from((d.signature == SignatureCode::Launch) != launch_like(e.kind));
        let band = if excess >= 30.0 {
            0
        } else if excess < 1.0 {
            1
        } else {
            continue;
        };
        counts[band].0 += 1;
        counts[band].1 += wrong;
    }
    counts
}

fn events_by_id(file: &hdf5::File) -> std::collections::HashMap<i64, EventRecord> {
    let events = file.dataset("events").expect("events").read_raw::<EventRecord>().expect("rows");
    events.into_iter().map(|e| (i64::from(e.id), e)).collect()
}

/// Microphones call each blast a launch or a detonation (docs/design.md §3.6), and the verifier
/// heeds the calls (§6). In the smoke run: only a microphone's arrival of a blast or a false
/// alarm is called; far above threshold about one call in twenty is wrong, at threshold about
/// half; of the estimates the calls make launches at 0.95, at most ~5 % are impacts; and every
/// estimate taken for an impact has no side. Rows stating a poorer classifier
/// (`call_error = 0.3`) err that often far above threshold.
#[test]
fn microphones_call_launches_and_detonations_and_the_verifier_heeds_them() {
    use linewatch::output::{EstimateKindCode, SideCode};
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = variant(dir.path(), "smoke.toml", "oracle", &[]);
    let file = run(dir.path(), &scenario, "out.h5", 20_251_207);
    let events = events_by_id(&file);
    let [(far, far_wrong), (near, near_wrong)] = call_errors(&file, &events);
    let (far_rate, near_rate) = (f64::from(far_wrong) / f64::from(far), f64::from(near_wrong) / f64::from(near));
    assert!(far > 300 && (0.03..0.10).contains(&far_rate), "far above threshold: {far_wrong} of {far} wrong");
    assert!(near > 500 && (0.35..0.60).contains(&near_rate), "at threshold: {near_wrong} of {near} wrong");
    let estimates = file.dataset("estimates").expect("estimates").read_raw::<EstimateRecord>().expect("rows");
    let (mut sure, mut sure_impacts) = (0u32, 0u32);
    for r in &estimates {
        if r.kind == EstimateKindCode::Impact {
            assert_eq!(r.attributed_side, SideCode::Indeterminate, "{r:?}");
        }
        let Some(e) =
            events.get(&r.truth_event_id).filter(|e| matches!(e.kind, EventKindCode::Launch | EventKindCode::Impact))
        else {
            continue;
        };
        if r.p_launch >= 0.95 {
            sure += 1;
            sure_impacts += u32::from(e.kind == EventKindCode::Impact);
        }
    }
    let rate = f64::from(sure_impacts) / f64::from(sure);
    assert!(sure > 100 && rate < 0.05 + 0.02, "{sure_impacts} of {sure} estimates sure of a launch were impacts");
    let poorer = variant(
        dir.path(),
        "poorer.toml",
        "oracle",
        &[("false_alarms_per_day = 12.0", "false_alarms_per_day = 12.0\ncall_error = 0.3")],
    );
    let file = run(dir.path(), &poorer, "poorer.h5", 20_251_207);
    let [(far, far_wrong), _] = call_errors(&file, &events_by_id(&file));
    let far_rate = f64::from(far_wrong) / f64::from(far);
    assert!(far > 300 && (0.22..0.38).contains(&far_rate), "poorer rows far above threshold: {far_wrong} of {far}");
}

/// Impacts the smoke run's verifier gives a side: how many, and how many of those neither the
/// sound nor the pair took for a launch (ambiguous, or unpaired with P(launch) below 0.95).
fn impacts_claimed(file: &hdf5::File) -> (u32, u32) {
    use linewatch::output::{EstimateKindCode, SideCode};
    let events = events_by_id(file);
    let estimates = file.dataset("estimates").expect("estimates").read_raw::<EstimateRecord>().expect("rows");
    let mut seen = HashSet::new();
    let (mut claimed, mut unsure) = (0u32, 0u32);
    for r in estimates.iter().filter(|r| r.attributed_side != SideCode::Indeterminate) {
        let impact = events.get(&r.truth_event_id).is_some_and(|e| e.kind == EventKindCode::Impact);
        if impact && seen.insert(r.truth_event_id) {
            claimed += 1;
            let unsettled = match r.kind {
                EstimateKindCode::Ambiguous => true,
                EstimateKindCode::Unpaired => r.p_launch < 0.95,
                EstimateKindCode::Launch | EstimateKindCode::Impact => false,
            };
            unsure += u32::from(unsettled);
        }
    }
    (claimed, unsure)
}

/// `[verify] unsettled = "withhold"` (docs/design.md §6): no impact keeps a side unless the
/// sound or the pair took it for a launch, where the default claims some; /metrics says which
/// rule ran.
#[test]
fn withholding_claims_no_impact_neither_the_sound_nor_the_pair_took_for_a_launch() {
    use hdf5::types::VarLenUnicode;
    let dir = tempfile::tempdir().expect("tempdir");
    let claim = variant(dir.path(), "claim.toml", "oracle", &[]);
    let withhold = variant(
        dir.path(),
        "withhold.toml",
        "oracle",
        &[("association = \"oracle\"", "association = \"oracle\"\nunsettled = \"withhold\"")],
    );
    let rule = |f: &hdf5::File| {
        let attr = f.dataset("metrics").expect("metrics").attr("unsettled").expect("attr");
        attr.read_scalar::<VarLenUnicode>().expect("text").as_str().to_string()
    };
    let by_claim = run(dir.path(), &claim, "claim.h5", 20_251_207);
    let (claimed, unsure) = impacts_claimed(&by_claim);
    assert!(unsure > 0, "the default claims impacts the sound was unsure of: {unsure} of {claimed}");
    assert_eq!(rule(&by_claim), "claim");
    let by_withholding = run(dir.path(), &withhold, "withhold.h5", 20_251_207);
    let (claimed_withholding, unsure) = impacts_claimed(&by_withholding);
    assert_eq!(unsure, 0, "withholding, {claimed_withholding} impacts keep a side");
    assert!(claimed_withholding < claimed, "{claimed_withholding} against {claimed}");
    assert_eq!(rule(&by_withholding), "withhold");
}
