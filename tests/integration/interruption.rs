//! A run interrupted by SIGTERM or SIGINT at any moment exits 143 or 130 and leaves neither a
//! partial file under the requested name nor its temporary file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// Start the embedded full line, wait until its temporary file exists and then `after` more,
/// send `signal`, and return the exit code and what is left in the folder.
fn interrupt(signal: &str, after: Duration) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let xdg = std::env::temp_dir().join("linewatch-test-xdg");
    let _ = std::fs::create_dir_all(&xdg);
    let mut child = Command::new(env!("CARGO_BIN_EXE_linewatch"))
        .args(["run", "--no-coverage", "--quiet", "-o", "out.h5"])
        .current_dir(dir.path())
        .env("XDG_RUNTIME_DIR", &xdg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the linewatch binary starts");
    let started = Instant::now();
    while !listing(dir.path()).iter().any(|n| n.contains(".tmp-")) {
        assert!(started.elapsed() < Duration::from_secs(120), "no temporary file within 2 minutes");
        assert!(child.try_wait().expect("wait").is_none(), "the run ended before it could be interrupted");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(after);
    let sent = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let status = child.wait().expect("wait");
    (status.code(), listing(dir.path()))
}

#[test]
fn sigterm_and_sigint_leave_nothing_behind() {
    for (signal, after, code) in [
        ("-TERM", Duration::ZERO, 143),
        ("-INT", Duration::from_millis(300), 130),
        ("-TERM", Duration::from_secs(2), 143),
    ] {
        let (exit, left) = interrupt(signal, after);
        assert_eq!(exit, Some(code), "{signal} after {after:?}");
        assert!(left.is_empty(), "{signal} after {after:?} left {left:?}");
    }
}
