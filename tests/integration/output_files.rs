//! The result file as others read it: h5py, h5dump, and the write-then-rename contract.

use super::support::{linewatch, python_script, run_smoke, text};
use std::process::Command;

#[test]
fn h5py_finds_the_whole_schema_and_consistent_references() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &[]);
    let printed = python_script("check_output.py", &[out.as_os_str()]);
    assert!(printed.contains("schema ok"), "{printed}");
}

#[test]
fn h5dump_reads_the_tables_with_enum_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &[]);
    let o =
        Command::new("h5dump").args(["-H", "-d", "/detections"]).arg(&out).output().expect("h5dump runs (hdf5-tools)");
    let header = text(&o.stdout);
    assert!(o.status.success(), "{header}{}", text(&o.stderr));
    assert!(header.contains("H5T_ENUM"), "modality is an HDF5 enum:\n{header}");
    assert!(header.contains("\"bearing_rad\""), "{header}");
}

#[test]
fn info_summarises_a_result_and_nothing_else_is_left_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &[]);
    let o = linewatch(dir.path(), &["info", out.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report = text(&o.stdout);
    assert!(report.contains("schema version 1") && report.contains("detections"), "{report}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n != "smoke.h5")
        .collect();
    assert!(leftovers.is_empty(), "no temporary files remain: {leftovers:?}");
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let root = super::support::repo().join("scenarios");
    let listed = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir).expect("scenarios/").map(|e| e.expect("entry").path()).collect()
    };
    let mut scenarios: Vec<_> =
        listed(&root).into_iter().filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    scenarios
        .extend(listed(&root.join("validation")).into_iter().filter(|p| p.extension().is_some_and(|x| x == "toml")));
    assert!(scenarios.len() >= 8, "{scenarios:?}");
    for path in scenarios {
        let o = linewatch(&super::support::repo(), &["validate", path.to_str().expect("utf-8")]);
        assert!(o.status.success(), "{}: {}", path.display(), text(&o.stderr));
        assert!(text(&o.stdout).contains("valid"));
    }
}
