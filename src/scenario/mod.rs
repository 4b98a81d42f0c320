//! Scenario files: parse, check every field, and point at the offending line when one is wrong.

mod model;
mod row_kind;
mod sizing;
pub mod span;
pub mod sweep;
mod validate;

pub use model::*;
pub use row_kind::{FieldOfView, RadarTask, RowKind};
pub use sizing::*;
pub use span::FieldPath;
pub use validate::class_events;

use crate::error::{Error, Location, Result};
use std::path::{Path, PathBuf};

/// The embedded default: the whole contact line.
pub const FULL_LINE_TOML: &str = include_str!("../../scenarios/full-line.toml");
/// Name under which the embedded default is reported.
pub const EMBEDDED_NAME: &str = "<embedded full-line.toml>";

/// A parsed and checked scenario with the text it came from, for error locations and for the
/// copy stored in every result file.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    pub scenario: Scenario,
    pub text: String,
    /// Display name of the file (or the embedded marker).
    pub file: String,
    /// Directory that relative paths in the scenario are resolved against.
    pub base_dir: PathBuf,
}

impl LoadedScenario {
    /// Load from a file, or the embedded default when `path` is `None`.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        match path {
            None => Self::from_text(FULL_LINE_TOML.to_string(), EMBEDDED_NAME.to_string(), PathBuf::from(".")),
            Some(p) => {
                let file = p.display().to_string();
                let text = crate::input_file::read_text(p)
                    .map_err(|e| Error::file(&file, "scenario", format!("cannot read the scenario file: {e}")))?;
                let base = p.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                Self::from_text(text, file, base)
            }
        }
    }

    pub fn from_text(text: String, file: String, base_dir: PathBuf) -> Result<Self> {
        let scenario: Scenario = toml::from_str(&text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| span::line_column(&text, s.start));
            // A key missing at the top level is reported at an empty span at byte 0 (or over the
            // whole document), which is the first key's position: that key is not the table the
            // error is about.
            let whole_document =
                |s: &std::ops::Range<usize>| s.start == 0 && (s.end == 0 || s.end >= text.trim_end().len());
            let field =
                e.span().filter(|s| !whole_document(s)).map(|s| span::path_at(&text, s.start)).unwrap_or_default();
            Error::input(
                Location { file: file.clone(), line, column },
                field_name(&field, e.message()),
                e.message().trim(),
            )
        })?;
        let loaded = Self { scenario, text, file, base_dir };
        validate::check(&loaded.scenario).map_err(|(path, message)| loaded.error_at(&path, message))?;
        loaded.check_sweep()?;
        Ok(loaded)
    }

    /// The scenario's `[sweep]`, if it has one; its errors name the axis.
    pub fn sweep(&self) -> Result<Option<sweep::Sweep>> {
        let Some(spec) = &self.scenario.sweep else { return Ok(None) };
        let at = FieldPath::parse("sweep");
        if spec.replicas == 0 {
            return Err(self.error_at(&at.key("replicas"), "must be at least 1"));
        }
        if spec.max_parallel == 0 {
            return Err(self.error_at(&at.key("max_parallel"), "must be at least 1"));
        }
        let axes = sweep::axes(spec).map_err(|(path, m)| self.error_at(&at.key("axes").key(&path), m))?;
        let plan = sweep::Sweep {
            axes,
            replicas: spec.replicas,
            max_parallel: spec.max_parallel,
            base_seed: self.scenario.seed,
        };
        let tasks = plan.axes.iter().fold(u64::from(plan.replicas), |n, a| n.saturating_mul(a.values.len() as u64));
        if tasks > sweep::MAX_TASKS {
            let message = format!("{tasks} tasks, over the limit of {} on one sweep", sweep::MAX_TASKS);
            return Err(self.error_at(&at.key("replicas"), message));
        }
        Ok(Some(plan))
    }

    /// Every point of the sweep must be a valid scenario: each value is set alone (the error
    /// then names the axis and the value), then every crossing of them.
    fn check_sweep(&self) -> Result<()> {
        let Some(plan) = self.sweep()? else { return Ok(()) };
        let axis_error =
            |axis: &sweep::Axis, m: String| self.error_at(&FieldPath::parse("sweep").key("axes").key(&axis.path), m);
        for axis in &plan.axes {
            for i in 0..axis.values.len() {
                self.with_settings(&[(axis, i)], None).map_err(|e| {
                    axis_error(axis, format!("with {} = {}: {}", axis.path, axis.label(i), e.message()))
                })?;
            }
        }
        if plan.axes.len() > 1 {
            for point in 0..plan.points() {
                let values = plan.point_values(point);
                let settings: Vec<(&sweep::Axis, usize)> = plan.axes.iter().zip(values).collect();
                self.with_settings(&settings, None).map_err(|e| {
                    let at: Vec<String> =
                        settings.iter().map(|(a, i)| format!("{} = {}", a.path, a.label(*i))).collect();
                    axis_error(settings[0].0, format!("with {}: {}", at.join(", "), e.message()))
                })?;
            }
        }
        Ok(())
    }

    /// This scenario with axis values set (and a seed), as a scenario of its own.
    fn with_settings(&self, settings: &[(&sweep::Axis, usize)], seed: Option<u64>) -> Result<Self> {
        let text = sweep::scenario_with(&self.text, settings, seed).map_err(|m| Error::file(&self.file, "sweep", m))?;
        Self::from_text(text, self.file.clone(), self.base_dir.clone())
    }

    /// The scenario one task of the sweep runs.
    pub fn for_task(&self, plan: &sweep::Sweep, task: &sweep::Task) -> Result<Self> {
        let settings: Vec<(&sweep::Axis, usize)> = plan.axes.iter().zip(task.values.iter().copied()).collect();
        let mut loaded = self.with_settings(&settings, Some(task.seed))?;
        loaded.file = format!("{} (sweep task {})", self.file, task.index);
        Ok(loaded)
    }

    /// An input error located at a field of this scenario.
    pub fn error_at(&self, path: &FieldPath, message: impl Into<String>) -> Error {
        let (line, column) = self.place(path);
        Error::input(Location { file: self.file.clone(), line, column }, path.to_string(), message)
    }

    /// Line and column of a field in the scenario's text ((0, 0) where it is not written).
    pub fn place(&self, path: &FieldPath) -> (usize, usize) {
        span::locate(&self.text, path).map_or((0, 0), |s| span::line_column(&self.text, s.start))
    }

    /// Every file this scenario reads: itself (unless embedded) and its side files (line,
    /// places, sensor positions, DEM), resolved. An output must never be one of them.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let s = &self.scenario;
        let side = [&s.line.geojson, &s.line.places, &s.terrain.dem].into_iter().flatten();
        let positions = s.rows.iter().filter_map(|r| r.positions.as_ref());
        let mut files: Vec<PathBuf> = side.chain(positions).map(|p| self.resolve(p)).collect();
        if !self.file.starts_with('<') {
            files.push(PathBuf::from(&self.file));
        }
        files
    }

    /// Resolve a path written in the scenario relative to the scenario's directory.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        let p = Path::new(relative);
        if p.is_absolute() { p.to_path_buf() } else { self.base_dir.join(p) }
    }
}

/// The field a parse error is about: the path at the error's position, extended by the key
/// serde names when the key itself is unknown or missing ("unknown field `spacing`").
fn field_name(at: &FieldPath, message: &str) -> String {
    let named = message.split('`').nth(1).filter(|s| !s.is_empty());
    let about_key = message.starts_with("unknown field") || message.starts_with("missing field");
    match (about_key, named) {
        (true, Some(key)) if at.0.last() != Some(&span::Step::Key(key.to_string())) => at.key(key).to_string(),
        _ if at.0.is_empty() => "syntax".to_string(),
        _ => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_and_validates() {
        let loaded = LoadedScenario::load(None).expect("embedded scenario is valid");
        assert!(!loaded.scenario.rows.is_empty());
        assert!(!loaded.scenario.classes.is_empty());
    }

    #[test]
    fn unknown_key_is_reported_with_line_and_field() {
        let text = format!("{}\n[environment]\ntemperature = 3\n", minimal());
        let err = LoadedScenario::from_text(text, "t.toml".into(), ".".into()).expect_err("must fail");
        let msg = err.to_string();
        assert!(msg.starts_with("t.toml:"), "{msg}");
        assert!(msg.contains("temperature"), "{msg}");
        assert_eq!(err.exit_code(), crate::error::exit::BAD_INPUT);
    }

    #[test]
    fn negative_spacing_points_at_its_line() {
        let text = minimal().replace("spacing_km = 2.0", "spacing_km = -2.0");
        let err = LoadedScenario::from_text(text.clone(), "t.toml".into(), ".".into()).expect_err("must fail");
        let line = text.lines().position(|l| l.contains("spacing_km")).expect("line") + 1;
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("t.toml:{line}:")), "{msg}");
        assert!(msg.contains("rows[0].spacing_km"), "{msg}");
    }

    #[test]
    fn a_key_missing_at_the_top_level_is_named_alone() {
        let text = "name = \"t\"\nseed = 1\n[line]\nchainage_km = [560.0, 620.0]\n".to_string();
        let err = LoadedScenario::from_text(text, "t.toml".into(), ".".into()).expect_err("must fail");
        let msg = err.to_string();
        assert!(msg.contains(": duration_h: missing field"), "{msg}");
    }

    fn minimal() -> String {
        r#"name = "t"
seed = 1
duration_h = 1.0
[[rows]]
name = "r"
modality = "acoustic"
offset_km = -2.0
spacing_km = 2.0
threshold_db = 10.0
timing_sigma_ms = 1.0
[[classes]]
name = "artillery"
kind = "direct_fire"
rate_per_day = 10.0
depth_km = [1.0, 2.0]
source = { tnt_kg = 1.0 }
"#
        .to_string()
    }
}
