//! What an export reads from a result file: its tables, class names, working plane and the
//! clock that turns scenario seconds into UTC (docs/design.md §14).

use super::clock::Clock;
use crate::error::{Error, Result};
use crate::geo::Plane;
use crate::output::{DetectionRecord, EstimateRecord, EventRecord, ResultFile, SensorRecord};
use hdf5::types::VarLenUnicode;
use std::path::Path;

/// A result file's contents as the exporters use them.
pub struct Source {
    /// The file as given, for messages and the data card.
    pub shown: String,
    pub scenario_name: String,
    pub seed: u64,
    /// The linewatch version that wrote the file.
    pub generator: String,
    pub sensors: Vec<SensorRecord>,
    pub events: Vec<EventRecord>,
    pub detections: Vec<DetectionRecord>,
    pub estimates: Vec<EstimateRecord>,
    pub class_names: Vec<String>,
    /// The deployment's row names (`/sensors` attribute `row_names`).
    pub row_names: Vec<String>,
    pub plane: Plane,
    pub clock: Clock,
    /// The scenario's nominal sound speed at the surface, m/s (array elements' plane-wave delays).
    pub sound_speed_mps: f64,
    /// The scenario's nominal weather and noise levels (the waveforms' background).
    pub environment: crate::scenario::Environment,
    pub utc_offset_h: f64,
    /// Each class's track sample interval, s (moving classes only).
    pub track_sample_s: Vec<Option<f64>>,
    /// The line of contact in the plane, m (`/line/xy`).
    pub line_xy: Vec<[f64; 2]>,
}

impl Source {
    /// Read `path`; `start` is the local civil date of scenario time 0.
    pub fn read(path: &Path, start: chrono::NaiveDate) -> Result<Self> {
        let file = ResultFile::open(path)?;
        let scenario_text = file.text_attr("scenario_toml").ok_or_else(|| file.bad("scenario_toml", "missing"))?;
        let scenario: crate::scenario::Scenario =
            toml::from_str(&scenario_text).map_err(|e| file.bad("scenario_toml", e.to_string()))?;
        let crs = file.text_attr("crs").ok_or_else(|| file.bad("crs", "missing"))?;
        let plane = Plane::from_proj_string(&crs).map_err(|e| file.bad("crs", e))?;
        let clock = Clock::new(start, scenario.utc_offset_h).map_err(|e| file.bad("utc_offset_h", e))?;
        let events: Vec<EventRecord> = file.table("events")?;
        let class_names = names(&file, "events", "class_names")?;
        if let Some(bad) = events.iter().find(|e| usize::from(e.class) >= class_names.len()) {
            return Err(file.bad("events", format!("event {} has class {} beyond class_names", bad.id, bad.class)));
        }
        let sensors: Vec<SensorRecord> = file.table("sensors")?;
        let row_names = names(&file, "sensors", "row_names")?;
        let detections: Vec<DetectionRecord> = file.table("detections")?;
        let estimates: Vec<EstimateRecord> = file.optional_table("estimates")?;
        let line = file.dataset("line/xy")?.read_2d::<f64>().map_err(|e| file.bad("line/xy", e.to_string()))?;
        if line.ncols() != 2 {
            return Err(file.bad("line/xy", format!("expected n×2 vertices, found {:?}", line.shape())));
        }
        let line_xy = line.rows().into_iter().map(|r| [r[0], r[1]]).collect();
        let source = Self {
            scenario_name: file.text_attr("scenario_name").unwrap_or(scenario.name),
            seed: file.file.attr("seed").and_then(|a| a.read_scalar::<u64>()).unwrap_or(scenario.seed),
            generator: file.text_attr("linewatch_version").unwrap_or_default(),
            shown: file.shown,
            sensors,
            events,
            detections,
            estimates,
            class_names,
            row_names,
            plane,
            clock,
            sound_speed_mps: crate::physics::acoustic::sound_speed_mps(scenario.environment.temperature_c),
            environment: scenario.environment.clone(),
            utc_offset_h: scenario.utc_offset_h,
            track_sample_s: scenario.classes.iter().map(|c| c.track.as_ref().map(|t| t.sample_s)).collect(),
            line_xy,
        };
        source.check_references()?;
        Ok(source)
    }

    /// Every detection names a sensor of the file and an event of the file (or −1).
    fn check_references(&self) -> Result<()> {
        for d in &self.detections {
            if self.sensor(d.sensor_id).is_none() {
                return Err(Error::file(
                    &self.shown,
                    "detections",
                    format!("sensor {} is not in /sensors", d.sensor_id),
                ));
            }
            if d.event_id >= 0 && self.event(d.event_id).is_none() {
                return Err(Error::file(&self.shown, "detections", format!("event {} is not in /events", d.event_id)));
            }
        }
        Ok(())
    }

    /// The sensor of an id (ids are the table's row numbers; searched when they are not).
    pub fn sensor(&self, id: u32) -> Option<&SensorRecord> {
        let i = usize::try_from(id).ok()?;
        match self.sensors.get(i) {
            Some(s) if s.id == id => Some(s),
            _ => self.sensors.iter().find(|s| s.id == id),
        }
    }

    /// The event of an id (ids are the table's row numbers; searched when they are not).
    pub fn event(&self, id: i64) -> Option<&EventRecord> {
        let i = usize::try_from(id).ok()?;
        let wanted = u32::try_from(id).ok()?;
        match self.events.get(i) {
            Some(e) if e.id == wanted => Some(e),
            _ => self.events.iter().find(|e| e.id == wanted),
        }
    }

    /// Whether it is day at scenario time `t_s` and a longitude, by the scenario's day hours
    /// (local solar time, as the run decides it).
    pub fn is_day(&self, t_s: f64, lon_deg: f64) -> bool {
        let hour = self.solar_hour(t_s, lon_deg);
        hour >= self.environment.day_start_h && hour < self.environment.day_end_h
    }

    /// Local solar hour (0–24) at scenario time `t_s` and a longitude, as the run reckons it.
    fn solar_hour(&self, t_s: f64, lon_deg: f64) -> f64 {
        (t_s / 3600.0 - self.utc_offset_h + lon_deg / 15.0).rem_euclid(24.0)
    }

    /// The first scenario time after `t_s` at which day turns to night or night to day at a
    /// longitude (infinite when the day hours never change).
    pub fn next_day_change_s(&self, t_s: f64, lon_deg: f64) -> f64 {
        let hour = self.solar_hour(t_s, lon_deg);
        let (start, end) = (self.environment.day_start_h, self.environment.day_end_h);
        let ahead = |edge: f64| {
            let h = (edge - hour).rem_euclid(24.0);
            if h > 0.0 { h } else { 24.0 }
        };
        if (end - start).rem_euclid(24.0) == 0.0 {
            return f64::INFINITY;
        }
        t_s + 3600.0 * ahead(start).min(ahead(end))
    }

    pub fn class_name(&self, event: &EventRecord) -> &str {
        self.class_names.get(usize::from(event.class)).map_or("", String::as_str)
    }

    /// The grid bearing of true north at a place, radians clockwise from grid north: a grid
    /// bearing minus this is a true bearing (the transverse Mercator's meridian convergence,
    /// taken numerically from the plane itself).
    pub fn true_north_grid_bearing(&self, lon_deg: f64, lat_deg: f64) -> f64 {
        const STEP_DEG: f64 = 1e-3;
        match (self.plane.forward(lon_deg, lat_deg), self.plane.forward(lon_deg, lat_deg + STEP_DEG)) {
            (Ok(a), Ok(b)) => (b[0] - a[0]).atan2(b[1] - a[1]),
            _ => 0.0,
        }
    }
}

fn names(file: &ResultFile, table: &str, attr: &str) -> Result<Vec<String>> {
    let values = file
        .dataset(table)?
        .attr(attr)
        .and_then(|a| a.read_raw::<VarLenUnicode>())
        .map_err(|e| file.bad(&format!("{table}.{attr}"), e.to_string()))?;
    Ok(values.iter().map(|v| v.as_str().to_string()).collect())
}
