//! Stone Soup's generic HDF5 readers (`stonesoup.reader.hdf5`) take one 1-D dataset per column,
//! all of one length, a time column and the columns of the state vector; every other column of
//! that length comes along as metadata. Three such files (docs/design.md §14):
//! `groundtruth.h5` (every event; track samples share a path), `estimates.h5` (located
//! candidates with their covariance) and `detections.h5` (every sensor's reports). Times are
//! POSIX seconds (`timestamp=True`), positions metres in the run's plane.

use super::columns::{column, words};
use super::quakeml::{modality_word, side_word};
use super::source::Source;
use crate::output::{EstimateRecord, EventRecord};

/// The ground truth: one row per event in time order. Track samples of one moving source share
/// the path `track-N`; every other event is a path of its own, `event-N`.
pub fn write_ground_truth(source: &Source, file: &hdf5::File) -> hdf5::Result<()> {
    let mut rows: Vec<&EventRecord> = source.events.iter().collect();
    rows.sort_by(|a, b| a.t_s.total_cmp(&b.t_s).then(a.id.cmp(&b.id)));
    let f = |g: fn(&EventRecord) -> f64| rows.iter().map(|e| g(e)).collect::<Vec<f64>>();
    column(
        file,
        "time",
        rows.iter().map(|e| source.clock.posix(e.t_s)).collect(),
        "s since 1970-01-01T00:00:00Z",
        "when the event happened",
    )?;
    column(file, "x", f(|e| e.x), "m", "easting in the run's plane (root attribute crs)")?;
    column(file, "y", f(|e| e.y), "m", "northing in the run's plane")?;
    column(file, "lon", f(|e| e.lon), "degree_east", "WGS84 longitude")?;
    column(file, "lat", f(|e| e.lat), "degree_north", "WGS84 latitude")?;
    let path_ids =
        rows.iter().map(|e| if e.track_id >= 0 { format!("track-{}", e.track_id) } else { format!("event-{}", e.id) });
    column(
        file,
        "path_id",
        words(path_ids)?,
        "",
        "the ground-truth path: track-N for a moving source's samples, event-N otherwise",
    )?;
    column(file, "event_id", rows.iter().map(|e| e.id).collect(), "", "id in the result file's /events")?;
    column(file, "class", words(rows.iter().map(|e| source.class_name(e).to_string()))?, "", "the violation class")?;
    let kinds = rows.iter().map(|e| format!("{:?}", e.kind).to_lowercase());
    column(file, "kind", words(kinds)?, "", "launch, impact, fire, movement or strike")?;
    column(
        file,
        "responsible_side",
        words(rows.iter().map(|e| side_word(e.responsible_side).to_string()))?,
        "",
        "the side that committed it",
    )?;
    column(
        file,
        "linked_id",
        rows.iter().map(|e| e.linked_id).collect(),
        "",
        "a launch's impact or an impact's launch, -1 if none",
    )?;
    column(
        file,
        "velocity_x_mps",
        rows.iter().map(|e| e.velocity_x_mps).collect(),
        "m/s",
        "a track sample's ground velocity (NaN otherwise)",
    )?;
    column(
        file,
        "velocity_y_mps",
        rows.iter().map(|e| e.velocity_y_mps).collect(),
        "m/s",
        "a track sample's ground velocity (NaN otherwise)",
    )
}

/// The verifier's located candidates in time order, with their (x, y) covariance.
pub fn write_estimates(source: &Source, file: &hdf5::File) -> hdf5::Result<()> {
    let mut rows: Vec<&EstimateRecord> = source.estimates.iter().collect();
    rows.sort_by(|a, b| a.t0_s.total_cmp(&b.t0_s).then(a.id.cmp(&b.id)));
    let f = |g: fn(&EstimateRecord) -> f64| rows.iter().map(|e| g(e)).collect::<Vec<f64>>();
    column(
        file,
        "time",
        rows.iter().map(|e| source.clock.posix(e.t0_s)).collect(),
        "s since 1970-01-01T00:00:00Z",
        "estimated origin time",
    )?;
    column(file, "x", f(|e| e.x), "m", "estimated easting in the run's plane")?;
    column(file, "y", f(|e| e.y), "m", "estimated northing in the run's plane")?;
    column(file, "cov_xx", f(|e| e.sigma_x_m * e.sigma_x_m), "m2", "variance of x")?;
    column(file, "cov_xy", f(|e| e.rho_xy * e.sigma_x_m * e.sigma_y_m), "m2", "covariance of x and y")?;
    column(file, "cov_yy", f(|e| e.sigma_y_m * e.sigma_y_m), "m2", "variance of y")?;
    column(file, "lon", f(|e| e.lon), "degree_east", "WGS84 longitude")?;
    column(file, "lat", f(|e| e.lat), "degree_north", "WGS84 latitude")?;
    column(file, "estimate_id", rows.iter().map(|e| e.id).collect(), "", "id in the result file's /estimates")?;
    column(
        file,
        "attributed_side",
        words(rows.iter().map(|e| side_word(e.attributed_side).to_string()))?,
        "",
        "A, B or indeterminate",
    )?;
    column(file, "confidence", f(|e| e.confidence), "1", "probability the source is on the attributed side")?;
    column(file, "n_detections", rows.iter().map(|e| e.n_detections).collect(), "", "detections in the fit")?;
    column(file, "chi2", f(|e| e.chi2), "1", "the fit's weighted sum of squared residuals")?;
    column(
        file,
        "truth_event_id",
        rows.iter().map(|e| e.truth_event_id).collect(),
        "",
        "the event it was scored against, -1 = false alarms",
    )?;
    column(file, "error_m", f(|e| e.error_m), "m", "distance to that event (NaN without one)")
}

/// Every sensor report in arrival order, with the surveyed position of its sensor.
pub fn write_detections(source: &Source, file: &hdf5::File) -> hdf5::Result<()> {
    let rows = &source.detections;
    let sensor_xy = |id: u32| source.sensor(id).map_or([f64::NAN; 2], |s| [s.x, s.y]);
    column(
        file,
        "time",
        rows.iter().map(|d| source.clock.posix(d.t_s)).collect(),
        "s since 1970-01-01T00:00:00Z",
        "arrival time as the sensor's clock reports it",
    )?;
    column(
        file,
        "sensor_x",
        rows.iter().map(|d| sensor_xy(d.sensor_id)[0]).collect(),
        "m",
        "the sensor's surveyed easting",
    )?;
    column(
        file,
        "sensor_y",
        rows.iter().map(|d| sensor_xy(d.sensor_id)[1]).collect(),
        "m",
        "the sensor's surveyed northing",
    )?;
    column(
        file,
        "bearing_rad",
        rows.iter().map(|d| d.bearing_rad).collect(),
        "rad",
        "clockwise from grid north, sensor to source; NaN if none",
    )?;
    column(file, "range_m", rows.iter().map(|d| d.range_m).collect(), "m", "radar's ground range; NaN if none")?;
    column(file, "sensor_id", rows.iter().map(|d| d.sensor_id).collect(), "", "id in the result file's /sensors")?;
    column(
        file,
        "modality",
        words(rows.iter().map(|d| modality_word(d.modality).to_string()))?,
        "",
        "acoustic, seismic, radar, eo_ir or rf",
    )?;
    column(file, "snr_db", rows.iter().map(|d| d.snr_db).collect(), "dB", "signal-to-noise ratio")?;
    column(
        file,
        "level_db",
        rows.iter().map(|d| d.level_db).collect(),
        "dB",
        "received level (acoustic: re (20 uPa)^2 s; seismic: re 1 nm/s)",
    )?;
    column(
        file,
        "event_id",
        rows.iter().map(|d| d.event_id).collect(),
        "",
        "the event that caused it, -1 = false alarm",
    )
}
