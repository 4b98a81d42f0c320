//! Any bytes given as a result file are summarised (`linewatch info`) and replayed (the
//! viewer's reader) or refused with an input error: never a panic.
//!
//! libhdf5 itself is C and parses the file first: a crash inside it is a finding to report
//! upstream, and the seed corpus should hold real result files (see README.md, "Contributing").
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("result.h5");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Err(error) = linewatch::info::describe(&path) {
        assert_eq!(error.exit_code(), linewatch::error::exit::BAD_INPUT, "{error}");
    }
    if let Err(error) = linewatch::view::replay::Replay::open(&path) {
        assert_eq!(error.exit_code(), linewatch::error::exit::BAD_INPUT, "{error}");
    }
});
