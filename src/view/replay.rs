//! A result file read for replay: the line, the sensors, the ground-truth events, the
//! detections (compacted, sorted by time) and the verifier's estimates. Any file that is not a
//! linewatch result of a schema this build reads is an error naming the file and what is
//! wrong, shown in the window.

use crate::error::{Error, Result};
use crate::geo::Plane;
use crate::output::ResultFile;
use crate::output::records::{
    DetectionRecord, EstimateRecord, EventKindCode, EventRecord, ModalityCode, SensorLossRecord, SensorRecord, SideCode,
};
use hdf5::types::VarLenUnicode;
use std::path::Path;

/// Rows read per slice of /detections: memory stays bounded by the compact copy.
const DETECTION_SLICE: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplaySensor {
    pub id: u32,
    pub modality: ModalityCode,
    pub x: f64,
    pub y: f64,
    pub up: bool,
    /// Lost at this time, s (f64::INFINITY: never).
    pub lost_at_s: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayEvent {
    pub id: u32,
    pub class: u16,
    pub kind: EventKindCode,
    pub side: SideCode,
    pub t_s: f64,
    pub x: f64,
    pub y: f64,
}

/// A detection, compacted to what the replay draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayDetection {
    /// -1: a false alarm.
    pub event_id: i64,
    pub sensor: u32,
    pub t_s: f64,
    /// Radians clockwise from grid north; NaN without a bearing.
    pub bearing_rad: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayEstimate {
    pub id: u32,
    pub x: f64,
    pub y: f64,
    pub t0_s: f64,
    pub sigma_x_m: f64,
    pub sigma_y_m: f64,
    pub side: SideCode,
    pub confidence: f64,
    pub n_detections: u32,
    pub truth_event_id: i64,
    pub error_m: f64,
}

pub struct Replay {
    pub file: String,
    pub schema_version: u32,
    pub scenario_name: String,
    pub plane: Option<Plane>,
    pub line_xy: Vec<[f64; 2]>,
    pub line_lonlat: Vec<[f64; 2]>,
    pub sensors: Vec<ReplaySensor>,
    pub class_names: Vec<String>,
    /// Sorted by time.
    pub events: Vec<ReplayEvent>,
    /// Position in `events` of each event id.
    event_index: std::collections::HashMap<u32, usize>,
    pub detections: Vec<ReplayDetection>,
    /// Indices into `detections` ordered by event id (then time): an event's detections are a
    /// contiguous run.
    by_event: Vec<u32>,
    pub estimates: Vec<ReplayEstimate>,
    pub duration_s: f64,
    /// Classes with a coverage map in the file (`/coverage/<class>`).
    pub coverage_classes: Vec<String>,
}

impl Replay {
    pub fn open(path: &Path) -> Result<Self> {
        let result = ResultFile::open(path)?;
        let (file, schema_version) = (&result.file, result.schema_version);
        let bad = |field: &str, msg: String| result.bad(field, msg);
        let table = |name: &str| result.dataset(name);
        let xy = table("line/xy")?.read_2d::<f64>().map_err(|e| bad("line/xy", e.to_string()))?;
        if xy.ncols() != 2 || xy.nrows() < 2 {
            return Err(bad("line/xy", format!("expected n×2 vertices, found {:?}", xy.shape())));
        }
        let line_xy: Vec<[f64; 2]> = xy.rows().into_iter().map(|r| [r[0], r[1]]).collect();
        let lonlat = table("line/lonlat")?.read_2d::<f64>().map_err(|e| bad("line/lonlat", e.to_string()))?;
        if lonlat.shape() != xy.shape() {
            return Err(bad(
                "line/lonlat",
                format!("{:?} vertices against {:?} in line/xy", lonlat.shape(), xy.shape()),
            ));
        }
        let line_lonlat: Vec<[f64; 2]> = lonlat.rows().into_iter().map(|r| [r[0], r[1]]).collect();
        let losses: Vec<SensorLossRecord> = result.optional_table("sensor_losses")?;
        let sensors: Vec<ReplaySensor> = result
            .table::<SensorRecord>("sensors")?
            .iter()
            .map(|s| ReplaySensor {
                id: s.id,
                modality: s.modality,
                x: s.x,
                y: s.y,
                up: s.status == 0,
                lost_at_s: losses.iter().filter(|l| l.sensor_id == s.id).map(|l| l.t_s).fold(f64::INFINITY, f64::min),
            })
            .collect();
        let events_table = table("events")?;
        let class_names = events_table
            .attr("class_names")
            .and_then(|a| a.read_raw::<VarLenUnicode>())
            .map(|v| v.iter().map(|s| s.as_str().to_string()).collect())
            .unwrap_or_default();
        let mut events: Vec<ReplayEvent> = events_table
            .read_raw::<EventRecord>()
            .map_err(|e| bad("events", e.to_string()))?
            .iter()
            .map(|e| ReplayEvent {
                id: e.id,
                class: e.class,
                kind: e.kind,
                side: e.responsible_side,
                t_s: e.t_s,
                x: e.x,
                y: e.y,
            })
            .collect();
        events.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let event_index = events.iter().enumerate().map(|(k, e)| (e.id, k)).collect();
        let detections_table = table("detections")?;
        let rows = detections_table.size();
        let mut detections = Vec::with_capacity(rows);
        for start in (0..rows).step_by(DETECTION_SLICE) {
            let end = (start + DETECTION_SLICE).min(rows);
            let slice = detections_table
                .read_slice_1d::<DetectionRecord, _>(start..end)
                .map_err(|e| bad("detections", e.to_string()))?;
            detections.extend(slice.iter().map(|d| ReplayDetection {
                event_id: d.event_id,
                sensor: d.sensor_id,
                t_s: d.t_s,
                bearing_rad: d.bearing_rad,
            }));
        }
        detections.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let index_limit = u32::try_from(detections.len())
            .map_err(|_| bad("detections", format!("{} rows exceed what the replay indexes", detections.len())))?;
        let mut by_event: Vec<u32> = (0..index_limit).collect();
        // Stable: within an event, time order is kept.
        by_event.sort_by_key(|&k| detections[k as usize].event_id);
        let estimates = result
            .optional_table::<EstimateRecord>("estimates")?
            .iter()
            .map(|e| ReplayEstimate {
                id: e.id,
                x: e.x,
                y: e.y,
                t0_s: e.t0_s,
                sigma_x_m: e.sigma_x_m,
                sigma_y_m: e.sigma_y_m,
                side: e.attributed_side,
                confidence: e.confidence,
                n_detections: e.n_detections,
                truth_event_id: e.truth_event_id,
                error_m: e.error_m,
            })
            .collect();
        let duration_s = file
            .attr("duration_s")
            .and_then(|a| a.read_scalar::<f64>())
            .unwrap_or_else(|_| events.last().map_or(0.0, |e| e.t_s));
        Ok(Self {
            file: result.shown.clone(),
            schema_version,
            scenario_name: result.text_attr("scenario_name").unwrap_or_default(),
            plane: result.text_attr("crs").and_then(|c| Plane::from_proj_string(&c).ok()),
            line_xy,
            line_lonlat,
            sensors,
            class_names,
            events,
            event_index,
            detections,
            by_event,
            estimates,
            duration_s,
            coverage_classes: stored_classes(path),
        })
    }

    /// Events in [t0, t1], by index range into `events`.
    pub fn events_between(&self, t0: f64, t1: f64) -> std::ops::Range<usize> {
        let a = self.events.partition_point(|e| e.t_s < t0);
        let b = self.events.partition_point(|e| e.t_s <= t1);
        a..b.max(a)
    }

    /// Detections arriving in [t0, t1], by index range into `detections`.
    pub fn detections_between(&self, t0: f64, t1: f64) -> std::ops::Range<usize> {
        let a = self.detections.partition_point(|d| d.t_s < t0);
        let b = self.detections.partition_point(|d| d.t_s <= t1);
        a..b.max(a)
    }

    /// The event by id (an index: the replay looks up every ray's event each frame).
    pub fn event(&self, id: u32) -> Option<&ReplayEvent> {
        self.event_index.get(&id).map(|&k| &self.events[k])
    }

    /// The estimate the verifier made of an event, if any.
    pub fn estimate_of(&self, event_id: u32) -> Option<&ReplayEstimate> {
        self.estimates.iter().find(|e| e.truth_event_id == i64::from(event_id))
    }

    /// The event's detections, in time order (a binary search of `by_event`).
    pub fn detections_of(&self, event_id: u32) -> Vec<&ReplayDetection> {
        let id = i64::from(event_id);
        let event_of = |&k: &u32| self.detections[k as usize].event_id;
        let start = self.by_event.partition_point(|k| event_of(k) < id);
        let end = self.by_event.partition_point(|k| event_of(k) <= id);
        self.by_event[start..end.max(start)].iter().map(|&k| &self.detections[k as usize]).collect()
    }

    /// Localisation errors of the estimates explained by an event, m.
    pub fn errors_m(&self) -> Vec<f64> {
        self.estimates.iter().map(|e| e.error_m).filter(|e| e.is_finite()).collect()
    }

    pub fn sensor(&self, id: u32) -> Option<&ReplaySensor> {
        self.sensors.get(id as usize).filter(|s| s.id == id)
    }
}

/// "right side", "wrong side", "indeterminate" or "not located" for an event and its
/// estimate, as the verifier's metrics count them; an impact is located but carries no
/// attribution (it lands on the other side: the launch is what is attributed).
pub fn verdict(event: &ReplayEvent, estimate: Option<&ReplayEstimate>) -> &'static str {
    match estimate {
        _ if event.kind == EventKindCode::Impact => "impact: its launch is attributed",
        None => "not located",
        Some(e) if e.side == SideCode::Indeterminate => "indeterminate",
        Some(e) if e.side == event.side => "right side",
        Some(_) => "wrong side",
    }
}

/// Longest side of a stored coverage map as the replay shows it, cells.
pub const STORED_MAP_SIDE: usize = 2048;

/// A coverage map the file holds (`/coverage/<class>/<metric>`), coloured with the viewer's
/// colour map (`coverage::paint::colour`, the paint kernel's reference), at most
/// `STORED_MAP_SIDE` cells a side.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMap {
    pub class: String,
    pub metric: crate::coverage::paint::Metric,
    pub width: usize,
    pub height: usize,
    /// RGBA, row-major from the north; transparent outside the corridor (NaN cells).
    pub rgba: Vec<u8>,
    /// World box [x_min, y_min, x_max, y_max], m.
    pub rect: [f64; 4],
}

/// The classes the file has coverage maps for.
pub fn stored_classes(path: &Path) -> Vec<String> {
    hdf5::File::open(path).and_then(|f| f.group("coverage")).and_then(|g| g.member_names()).unwrap_or_default()
}

/// Read and colour one stored map, every `stride`-th cell (a strided read: memory stays
/// bounded by the picture, not by the map).
pub fn read_stored_map(path: &Path, class: &str, metric: crate::coverage::paint::Metric) -> Result<StoredMap> {
    use crate::coverage::paint::colour;
    let shown = path.display().to_string();
    let name = format!("coverage/{class}/{}", metric.name());
    let bad = |msg: String| Error::file(&shown, &name, msg);
    let file = hdf5::File::open(path).map_err(|e| bad(format!("not a readable HDF5 file: {e}")))?;
    let group = file.group(&format!("coverage/{class}")).map_err(|e| bad(e.to_string()))?;
    let xs = group.dataset("x").and_then(|d| d.read_raw::<f64>()).map_err(|e| bad(format!("x: {e}")))?;
    let ys = group.dataset("y").and_then(|d| d.read_raw::<f64>()).map_err(|e| bad(format!("y: {e}")))?;
    let data = group.dataset(metric.name()).map_err(|e| bad(e.to_string()))?;
    let (ny, nx) = match data.shape().as_slice() {
        [ny, nx] if *ny == ys.len() && *nx == xs.len() && *nx >= 2 && *ny >= 2 => (*ny, *nx),
        other => return Err(bad(format!("shape {other:?} against {} × {} coordinates", ys.len(), xs.len()))),
    };
    let stride = nx.max(ny).div_ceil(STORED_MAP_SIDE).max(1);
    let values = data
        .read_slice_2d::<f32, _>(ndarray::s![..;stride, ..;stride])
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    let (height, width) = values.dim();
    let mut rgba = Vec::with_capacity(width * height * 4);
    for row in 0..height {
        // Rows run south to north in the file; the picture starts at the north.
        let j = height - 1 - row;
        for i in 0..width {
            let v = values[(j, i)];
            if v.is_nan() {
                rgba.extend([0, 0, 0, 0]);
                continue;
            }
            rgba.extend(colour(metric, &metric.cell_with(v), i as u32, row as u32));
        }
    }
    let half = 0.5 * (xs[1] - xs[0]).abs() * stride as f64;
    let last_x = xs[(width - 1) * stride];
    let last_y = ys[(height - 1) * stride];
    Ok(StoredMap {
        class: class.to_string(),
        metric,
        width,
        height,
        rgba,
        rect: [xs[0] - half, ys[0] - half, last_x + half, last_y + half],
    })
}
