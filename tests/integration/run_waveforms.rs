//! A scenario's `[waveforms]`: `linewatch run` writes the datasets beside its result — here a
//! continuous ASDF trace per sensor of one row, which pyasdf reads and which holds the same
//! stream the waveforms export cuts its windows from — and a request that cannot be met leaves
//! no output at all.

use super::support::{linewatch, python_script, smoke_scenario, text};

fn scenario_with(dir: &std::path::Path, waveforms: &str) -> std::path::PathBuf {
    let base = std::fs::read_to_string(smoke_scenario()).expect("the smoke scenario");
    let path = dir.join("with-waveforms.toml");
    std::fs::write(&path, format!("{base}\n[waveforms]\n{waveforms}\n")).expect("write");
    path
}

#[test]
fn a_run_writes_its_waveforms_section_and_pyasdf_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = scenario_with(
        dir.path(),
        "formats = [\"asdf\"]\nrows = [\"A-seismic\"]\ncontinuous_h = [0.0, 0.25]\nstart = \"2026-11-15\"",
    );
    let o =
        linewatch(dir.path(), &["run", scenario.to_str().expect("utf-8"), "-o", "run.h5", "--no-coverage", "--quiet"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("run-asdf/asdf.h5"), "{}", text(&o.stdout));
    let card = std::fs::read_to_string(dir.path().join("run-asdf/DATACARD.md")).expect("the data card");
    assert!(card.contains("rows A-seismic") && card.contains("from 0 h to 0.25 h"), "{card}");

    // The windows of every sensor, from the same result, to find inside the continuous traces.
    let o = linewatch(dir.path(), &["export", "run.h5", "--format", "waveforms", "-o", "w", "--start", "2026-11-15"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let paths = [dir.path().join("run.h5"), dir.path().join("w"), dir.path().join("run-asdf")];
    let mut args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    args.extend([std::ffi::OsStr::new("0"), std::ffi::OsStr::new("0.25")]);
    let printed = python_script("check_asdf.py", &args);
    assert!(printed.contains("asdf ok"), "{printed}");
    println!("{}", printed.trim());
}

#[test]
fn a_waveforms_section_that_cannot_be_met_leaves_no_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (waveforms, field) in [
        ("formats = [\"mseed\"]", "waveforms.formats[0]"),
        ("formats = [\"seisbench\"]\ncontinuous_h = [0.0, 0.5]", "waveforms.formats[0]"),
        ("formats = [\"asdf\"]\nrows = [\"nope\"]", "waveforms.rows[0]"),
        // Sensor ids are known only once the run has deployed: the run is undone.
        ("formats = [\"asdf\"]\nsensors = [99999]", "waveforms.sensors"),
    ] {
        let scenario = scenario_with(dir.path(), waveforms);
        let o = linewatch(
            dir.path(),
            &["run", scenario.to_str().expect("utf-8"), "-o", "bad.h5", "--no-coverage", "--no-verify", "--quiet"],
        );
        assert_eq!(o.status.code(), Some(2), "{waveforms}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(field), "{waveforms}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains("with-waveforms.toml:1"), "a line: {}", text(&o.stderr));
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n != "with-waveforms.toml")
            .collect();
        assert!(left.is_empty(), "{waveforms}: left {left:?}");
    }
}
