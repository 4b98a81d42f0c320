//! Any text given as a scenario either loads (parsed and validated) or is refused with an
//! input error: never a panic, an abort or an allocation the limits did not allow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linewatch::scenario::LoadedScenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Side files resolve against an empty folder: what they name is missing, so a loaded
    // scenario's side-file checks run and fail cleanly.
    let Ok(dir) = tempfile::tempdir() else { return };
    if let Err(error) = LoadedScenario::from_text(text.to_owned(), "fuzz.toml".into(), dir.path().to_path_buf()) {
        assert_eq!(error.exit_code(), linewatch::error::exit::BAD_INPUT, "{error}");
    }
});
