//! `linewatch info`: what a result file holds.

use crate::error::{Error, Result};
use crate::output::ResultFile;
use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

/// How long `info` waits for libhdf5 to read a file's header, attributes and shapes: a stated
/// choice, thousands of times what a real result file takes (milliseconds, even the full line's).
/// libhdf5 1.10 can loop for ever on a damaged global heap (found by the `result_file` fuzz
/// target, README.md "Contributing"), and C code cannot be interrupted from Rust.
pub const READ_DEADLINE: Duration = Duration::from_secs(60);

/// `describe`, given up with an input error if libhdf5 has not finished within `deadline`. The
/// read runs on a thread of its own; a thread stuck in libhdf5 ends with the process.
pub fn describe_within(path: &Path, deadline: Duration) -> Result<String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = sender.send(describe(&owned));
    });
    receiver.recv_timeout(deadline).unwrap_or_else(|_| {
        let message = format!(
            "libhdf5 did not finish reading the file in {} s: its structure is damaged (it loops on some corrupt files)",
            deadline.as_secs_f64()
        );
        Err(Error::file(path.display().to_string(), "file", message))
    })
}

/// A short report of a result file; errors (missing, not HDF5, not linewatch) exit with 2.
pub fn describe(path: &Path) -> Result<String> {
    if let Some(sweep) = describe_sweep(path) {
        return sweep;
    }
    let result = ResultFile::open(path)?;
    let (shown, file, schema) = (&result.shown, &result.file, result.schema_version);
    let text = |name: &str| result.text_attr(name);
    let rows = |name: &str| result.rows(name);
    let mut out = String::new();
    let _ = writeln!(out, "{shown}: linewatch result, schema version {schema}");
    for key in ["scenario_name", "linewatch_version", "created_utc", "adapter", "crs"] {
        let _ = writeln!(out, "  {key:<18} {}", text(key).unwrap_or_else(|| "?".into()));
    }
    if let Ok(seed) = file.attr("seed").and_then(|a| a.read_scalar::<u64>()) {
        let _ = writeln!(out, "  {:<18} {seed}", "seed");
    }
    if let Ok(d) = file.attr("duration_s").and_then(|a| a.read_scalar::<f64>()) {
        let _ = writeln!(out, "  {:<18} {:.1} h", "duration", d / 3600.0);
    }
    let line = file.dataset("line/chainage_km").and_then(|d| d.read_raw::<f64>()).unwrap_or_default();
    let _ = writeln!(out, "  {:<18} {} vertices, {:.1} km", "line", line.len(), line.last().copied().unwrap_or(0.0));
    for table in ["sensors", "sensor_losses", "events", "detections", "estimates", "metrics"] {
        let _ = writeln!(out, "  {table:<18} {} rows", rows(table));
    }
    // Blind association's upper bound, only where it ran.
    if file.link_exists("metrics_oracle") {
        let _ = writeln!(out, "  {:<18} {} rows", "metrics_oracle", rows("metrics_oracle"));
    }
    Ok(out)
}

/// A merged sweep file (root attribute format = "linewatch-sweep"), or None for anything else.
fn describe_sweep(path: &Path) -> Option<Result<String>> {
    let shown = path.display().to_string();
    let file = hdf5::File::open(path).ok()?;
    let format = file.attr("format").and_then(|a| a.read_scalar::<hdf5::types::VarLenUnicode>()).ok()?;
    if format.as_str() != crate::sweep::FORMAT {
        return None;
    }
    Some(crate::sweep::describe(&file, &shown).map_err(|e| Error::file(&shown, "sweep", e.to_string())))
}
