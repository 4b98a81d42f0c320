//! `linewatch export`: the smoke run's result as QuakeML and as Stone Soup's HDF5 columns, read
//! back by ObsPy and Stone Soup themselves (tests/check_exports.py), and bad requests refused
//! with nothing written.

use super::support::{linewatch, python_script, run_smoke, text};

#[test]
fn obspy_and_stone_soup_read_the_exports_as_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let result = run_smoke(dir.path(), "smoke.h5", &["--no-coverage"]);
    let result_arg = result.to_str().expect("utf-8");
    for format in ["quakeml", "stonesoup"] {
        let o =
            linewatch(dir.path(), &["export", result_arg, "--format", format, "-o", format, "--start", "2026-11-15"]);
        assert!(o.status.success(), "export {format}: {}", text(&o.stderr));
    }
    // ci-smoke is at UTC+2 (the default): scenario time 0 is 22:00 UTC the day before.
    let printed = python_script(
        "check_exports.py",
        &[
            result.as_os_str(),
            dir.path().join("quakeml").as_os_str(),
            dir.path().join("stonesoup").as_os_str(),
            std::ffi::OsStr::new("2026-11-14T22:00:00Z"),
        ],
    );
    assert!(printed.contains("exports ok"), "{printed}");
    let leftovers: Vec<_> = ["quakeml", "stonesoup"]
        .iter()
        .flat_map(|f| std::fs::read_dir(dir.path().join(f)).expect("folder"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files remain: {leftovers:?}");
}

#[test]
fn bad_export_requests_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = linewatch(dir.path(), &["export", "absent.h5", "--format", "quakeml", "-o", "out"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing.stderr));
    assert!(text(&missing.stderr).contains("absent.h5"), "{}", text(&missing.stderr));
    assert!(!dir.path().join("out").exists(), "no folder for a failed export");

    let not_result = dir.path().join("not-a-result.h5");
    std::fs::write(&not_result, b"plain text").expect("write");
    let o = linewatch(dir.path(), &["export", "not-a-result.h5", "--format", "stonesoup", "-o", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(!dir.path().join("out").exists());

    let bad_date =
        linewatch(dir.path(), &["export", "absent.h5", "--format", "quakeml", "-o", "out", "--start", "15/11/2026"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(text(&bad_date.stderr).contains("--start"), "{}", text(&bad_date.stderr));

    let bad_format = linewatch(dir.path(), &["export", "absent.h5", "--format", "miniseed", "-o", "out"]);
    assert_eq!(bad_format.status.code(), Some(2));
}
