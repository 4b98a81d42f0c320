//! `linewatch info`: what a result file holds.

use crate::error::{Error, Result};
use crate::output::FORMAT;
use hdf5::types::VarLenUnicode;
use std::fmt::Write;
use std::path::Path;

/// A short report of a result file; errors (missing, not HDF5, not linewatch) exit with 2.
pub fn describe(path: &Path) -> Result<String> {
    let shown = path.display().to_string();
    let bad = |msg: String| Error::file(&shown, "file", msg);
    if !path.is_file() {
        return Err(bad("no such file".into()));
    }
    let file = hdf5::File::open(path).map_err(|e| bad(format!("not a readable HDF5 file: {e}")))?;
    let text = |name: &str| -> Option<String> {
        file.attr(name).ok()?.read_scalar::<VarLenUnicode>().ok().map(|v| v.as_str().to_string())
    };
    if text("format").as_deref() != Some(FORMAT) {
        return Err(bad("an HDF5 file, but not a linewatch result (root attribute format != \"linewatch\")".into()));
    }
    let schema = file.attr("schema_version").and_then(|a| a.read_scalar::<u32>()).map_err(|e| bad(e.to_string()))?;
    let rows = |name: &str| file.dataset(name).map(|d| d.size()).unwrap_or(0);
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
    Ok(out)
}
