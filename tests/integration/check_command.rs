//! `linewatch check`: the verifier's tables in the file, expectations, exit codes, JUnit XML.

use super::support::{linewatch, python_script, smoke_scenario, text};
use linewatch::output::{EstimateKindCode, EstimateRecord, EventKindCode, EventRecord, MetricRecord, SideCode};

#[test]
fn smoke_expectations_hold_and_the_verifier_writes_its_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = smoke_scenario();
    let args =
        ["check", scenario.to_str().expect("utf-8"), "-o", "check.h5", "--junit", "junit.xml", "--json", "check.json"];
    let o = linewatch(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let report = text(&o.stdout);
    assert!(report.contains("artillery.detection_rate") && report.contains("6 of 6 expectations hold"), "{report}");

    let file = hdf5::File::open(dir.path().join("check.h5")).expect("open");
    let estimates = file.dataset("estimates").expect("estimates").read_raw::<EstimateRecord>().expect("rows");
    let events = file.dataset("events").expect("events").read_raw::<EventRecord>().expect("rows");
    assert!(!estimates.is_empty());
    for e in &estimates {
        assert!(e.n_detections >= 2 && e.sigma_n_m > 0.0 && (0.5..=1.0).contains(&e.confidence), "{e:?}");
        // The estimate's error is the distance to its event (none for a false estimate, which
        // blind association makes of arrivals of no one event), and a confident side is the
        // side the located point is on.
        match events.iter().find(|v| i64::from(v.id) == e.truth_event_id) {
            Some(truth) => assert!((e.error_m - (e.x - truth.x).hypot(e.y - truth.y)).abs() < 1e-6),
            None => assert!(e.truth_event_id < 0 && e.error_m.is_nan(), "{e:?}"),
        }
        match e.attributed_side {
            SideCode::A => assert!(e.offset_m < 0.0),
            SideCode::B => assert!(e.offset_m > 0.0),
            // Below the confidence, or a fit its residuals or its geometry rejects (a χ² far over
            // its degrees of freedom, an error ellipse collapsed to a line; docs/design.md §6), or
            // taken for an impact by its pair.
            SideCode::Indeterminate => assert!(
                e.confidence < 0.95
                    || e.chi2 > 2.0 * f64::from(e.n_detections)
                    || 1.0 - e.rho_xy * e.rho_xy < 1e-4
                    || e.kind == EstimateKindCode::Impact,
                "{e:?}"
            ),
        }
    }
    let metrics = file.dataset("metrics").expect("metrics").read_raw::<MetricRecord>().expect("rows");
    assert_eq!(metrics.len(), 4, "one row per class");
    let artillery = metrics[0];
    assert_eq!(
        artillery.true_a_attributed_a
            + artillery.true_a_attributed_b
            + artillery.true_a_indeterminate
            + artillery.true_b_attributed_a
            + artillery.true_b_attributed_b
            + artillery.true_b_indeterminate,
        artillery.located,
        "the confusion matrix covers every located event"
    );
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).expect("junit");
    assert!(junit.contains("tests=\"6\" failures=\"0\""), "{junit}");
    validate_junit(&dir.path().join("junit.xml"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("check.json")).expect("json"))
            .expect("valid JSON");
    assert_eq!(json["pass"], serde_json::Value::Bool(true));
    assert_eq!(json["metrics"]["artillery"]["located"], serde_json::json!(artillery.located));
    // Impacts are not scored as launches, but taking one for a launch is counted: each located
    // impact of artillery's rounds (its first estimate) that was given a side.
    let mut seen = std::collections::HashSet::new();
    let (mut impacts, mut attributed) = (0u64, 0u64);
    for e in &estimates {
        let Some(truth) = events.iter().find(|v| i64::from(v.id) == e.truth_event_id) else { continue };
        if truth.kind == EventKindCode::Impact && truth.class == 0 && seen.insert(truth.id) {
            impacts += 1;
            attributed += u64::from(e.attributed_side != SideCode::Indeterminate);
        }
    }
    assert!(impacts > 50, "{impacts} artillery impacts located");
    // The pairing tells some of them from launches by their launch, and gives those no side
    // (docs/design.md §6).
    assert!(attributed < impacts, "some impacts are told from launches: {attributed} of {impacts}");
    assert_eq!((artillery.impacts_located, artillery.impacts_attributed), (impacts, attributed));
    let rate = json["metrics"]["artillery"]["impact_as_launch_rate"].as_f64().expect("a rate");
    assert!((rate - attributed as f64 / impacts as f64).abs() < 1e-12, "{rate}");
}

#[test]
fn an_impossible_expectation_fails_with_exit_1_and_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The smoke scenario's [expect] table gains a key; TOML forbids a second [expect] header,
    // so the new expectation goes in as a dotted key of the existing table.
    let base = std::fs::read_to_string(smoke_scenario()).expect("smoke scenario");
    let patched = base.replace("[expect]\n", "[expect]\nmortar.cep50_m = \"< 0\"\n");
    assert_ne!(base, patched, "the smoke scenario has an [expect] table");
    std::fs::write(dir.path().join("impossible.toml"), patched).expect("write");
    let o = linewatch(dir.path(), &["check", "impossible.toml", "-o", "out.h5", "--junit", "junit.xml"]);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let report = text(&o.stdout);
    assert!(report.contains("mortar.cep50_m") && report.contains("FAIL") && report.contains("1 FAILED"), "{report}");
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).expect("junit");
    assert!(junit.contains("failures=\"1\"") && junit.contains("<failure message=\"mortar.cep50_m"), "{junit}");
    validate_junit(&dir.path().join("junit.xml"));
}

/// The JUnit XML validates against the schema CI systems read (tests/junit.xsd, with xmlschema
/// in the Makefile's Python environment), and its counts match its test cases.
fn validate_junit(path: &std::path::Path) {
    let schema = super::support::repo().join("tests/junit.xsd");
    assert!(python_script("check_junit.py", &[schema.as_os_str(), path.as_os_str()]).contains("junit ok"));
}

#[test]
fn malformed_expectations_are_bad_input_with_their_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = std::fs::read_to_string(smoke_scenario()).expect("smoke scenario");
    for (line, field) in [
        ("artillery.indeterminate_rate = \"about 0.9\"\n", "expect.artillery.indeterminate_rate"),
        ("artillery.speed = \">= 1\"\n", "expect.artillery.speed"),
        ("howitzer.detection_rate = \">= 0.9\"\n", "expect.howitzer"),
        ("coverage.mortar.verifiable_fraction = 0.9\n", "expect.coverage.mortar.verifiable_fraction"),
        ("mortar.nees_mean = \"near 2\"\n", "expect.mortar.nees_mean"),
    ] {
        std::fs::write(dir.path().join("bad.toml"), base.replace("[expect]\n", &format!("[expect]\n{line}")))
            .expect("write");
        let o = linewatch(dir.path(), &["check", "bad.toml", "-o", "out.h5"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{line}: {err}");
        assert!(err.contains(field) && err.contains("bad.toml:"), "{line}: {err}");
        assert!(!dir.path().join("out.h5").exists());
    }
}

/// The Donetsk sector holds its expectations, among them that its maps predict its verifier: at
/// the true launch points the mean `verifiable` is within 0.05 of the share attributed to the
/// right side; the JSON report carries the gap.
#[test]
fn the_sector_maps_predict_its_verifier() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = super::support::repo().join("scenarios/sector-donetsk.toml");
    let args = ["check", scenario.to_str().expect("utf-8"), "-o", "sector.h5", "--json", "sector.json", "--quiet"];
    let o = linewatch(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("sector.json")).expect("json")).expect("parses");
    for class in ["artillery", "mortar"] {
        let gap = json["coverage"][class]["calibration_gap"].as_f64().expect("a calibration gap");
        assert!(gap.abs() <= 0.05, "{class}: {gap}");
    }
}

/// Wartime fire density in salvos, associated blind: the scenario holds its expectations, and the
/// oracle beside blind association is written as /metrics_oracle, whose right-side rate less
/// blind association's is the `blind_gap` the JSON report carries.
#[test]
fn the_wartime_sector_holds_blind_with_its_oracle_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = super::support::repo().join("scenarios/wartime-sector.toml");
    let args = ["check", scenario.to_str().expect("utf-8"), "-o", "war.h5", "--json", "war.json"];
    let o = linewatch(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains("blind/oracle"), "{}", text(&o.stdout));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("war.json")).expect("json")).expect("parses");
    assert_eq!(json["association"], "blind");
    let file = hdf5::File::open(dir.path().join("war.h5")).expect("open");
    let read = |name: &str| file.dataset(name).expect(name).read_raw::<MetricRecord>().expect("rows");
    let (blind, oracle) = (read("metrics"), read("metrics_oracle"));
    let names = |name: &str| {
        let attr = file.dataset(name).expect(name).attr("class_names").expect("class_names");
        attr.read_raw::<hdf5::types::VarLenUnicode>().expect("names").iter().map(|n| n.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(names("metrics_oracle"), names("metrics"), "both tables name their classes");
    let info = linewatch(dir.path(), &["info", "war.h5"]);
    assert!(
        text(&info.stdout).contains(&format!("{:<18} {} rows", "metrics_oracle", oracle.len())),
        "{}",
        text(&info.stdout)
    );
    assert_eq!(blind.len(), oracle.len());
    let right = |m: &MetricRecord| (m.true_a_attributed_a + m.true_b_attributed_b) as f64 / m.events as f64;
    let events = file.dataset("events").expect("events").read_raw::<EventRecord>().expect("rows");
    for (class, (b, k)) in ["artillery", "mortar"].iter().zip(blind.iter().zip(&oracle)) {
        assert_eq!((b.events, b.class), (k.events, k.class), "{class}: the same events are scored");
        assert!(k.located > 0 && k.located <= k.events, "{class}: {k:?}");
        let gap = json["metrics"][class]["blind_gap"].as_f64().expect("a blind gap");
        assert!((gap - (right(k) - right(b))).abs() < 1e-9, "{class}: {gap}");
        // The rounds came in salvos: several launches share each salvo id.
        let salvoed = events.iter().filter(|e| usize::from(e.class) == usize::from(b.class) && e.salvo_id >= 0);
        let ids: std::collections::BTreeSet<i64> = salvoed.clone().map(|e| e.salvo_id).collect();
        let launches = salvoed.filter(|e| e.kind == EventKindCode::Launch).count();
        assert!(!ids.is_empty() && 2 * launches >= 3 * ids.len(), "{class}: {launches} rounds in {} salvos", ids.len());
    }
}

/// The embedded full line holds its expectations: among them that fewer than 5 % of its
/// artillery-launch acoustic detections lie beyond 50 km, and that the verifier's covariances
/// are honest (mean NEES 2 ± 10 %).
#[test]
fn the_full_line_reach_and_covariances_hold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = linewatch(dir.path(), &["check", "-o", "full.h5", "--json", "full.json", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("full.json")).expect("json")).expect("parses");
    let nees = json["metrics"]["artillery"]["nees_mean"].as_f64().expect("a mean NEES");
    assert!((1.8..=2.2).contains(&nees), "artillery NEES {nees}");
}

/// Deployments of one kind of sensor each (radars only, bearings only, arrival times only): the
/// maps predict the verifier within 0.05 for every mapped class, as they do for mixed ones. The
/// radar and bearing deployments run blind association, whose fix rule the maps compute; the
/// timing one the oracle (docs/design.md §5 says why).
#[test]
fn single_modality_maps_predict_their_verifier() {
    for name in ["radar-only", "bearings-only", "timing-only"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let scenario = super::support::repo().join(format!("scenarios/single-modality/{name}.toml"));
        let args = ["check", scenario.to_str().expect("utf-8"), "-o", "s.h5", "--json", "s.json", "--quiet"];
        let o = linewatch(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{name}: {}\n{}", text(&o.stdout), text(&o.stderr));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("json")).expect("parses");
        let coverage = json["coverage"].as_object().expect("coverage figures");
        assert!(!coverage.is_empty(), "{name}: no class mapped");
        for (class, figures) in coverage {
            let gap = figures["calibration_gap"].as_f64().expect("a calibration gap");
            assert!(gap.abs() <= 0.05, "{name} {class}: {gap}");
        }
    }
}
