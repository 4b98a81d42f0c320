//! Coverage maps as users read them: xarray with named dimensions, the HDF5 layout, the CLI.

use super::support::{linewatch, repo, run_smoke, smoke_scenario, text};
use std::process::Command;

fn python() -> String {
    std::env::var("LINEWATCH_PYTHON")
        .unwrap_or_else(|_| panic!("LINEWATCH_PYTHON is not set: run the tests with `make test`"))
}

#[test]
fn xarray_opens_every_coverage_group_with_named_dimensions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &[]);
    let script = repo().join("tests/check_coverage.py");
    let o = Command::new(python())
        .arg(&script)
        .arg(&out)
        .args(["artillery", "mortar", "small_arms", "vehicle"])
        .output()
        .expect("python runs");
    assert!(o.status.success(), "{}\n{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains("coverage ok"));
}

#[test]
fn coverage_command_maps_one_class_and_draws_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = smoke_scenario();
    let args =
        ["coverage", scenario.to_str().expect("utf-8"), "-o", "cov.h5", "--png", "cov.png", "--class", "artillery"];
    let o = linewatch(dir.path(), &args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report = text(&o.stdout);
    assert!(report.contains("artillery") && !report.contains("mortar"), "{report}");
    let file = hdf5::File::open(dir.path().join("cov.h5")).expect("open");
    let group = file.group("coverage").expect("coverage group");
    assert_eq!(group.member_names().expect("members"), vec!["artillery".to_string()]);
    let verifiable = file.dataset("coverage/artillery/verifiable").expect("raster");
    let x = file.dataset("coverage/artillery/x").expect("x").size();
    let y = file.dataset("coverage/artillery/y").expect("y").size();
    assert_eq!(verifiable.shape(), vec![y, x]);
    let gaps = file.dataset("coverage/artillery/gaps").expect("gaps");
    assert!(gaps.attr("units").is_ok());
    let png = std::fs::read(dir.path().join("cov.png")).expect("picture");
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn no_coverage_skips_the_maps_and_unknown_classes_are_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &["--no-coverage"]);
    let file = hdf5::File::open(&out).expect("open");
    assert!(file.group("coverage").is_err(), "no coverage group with --no-coverage");
    let scenario = smoke_scenario();
    let o = linewatch(dir.path(), &["coverage", scenario.to_str().expect("utf-8"), "--class", "tanks"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("tanks"));
}
