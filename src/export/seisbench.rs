//! SeisBench's dataset layout (docs/design.md §14): `metadata.csv`, a row per trace with
//! SeisBench's standard column names and a `split` column, and `waveforms.hdf5`, the traces
//! packed in buckets (`data/bucketK`, traces × components × samples) that each row's
//! `trace_name` (`bucketK$i,:1,:W`) points into, as SeisBench's own `WaveformDataWriter`
//! packs them. A trace is one detection window of the waveforms export.

use super::quakeml::{NETWORK, channel_code, distance_azimuth, kind_words, side_word};
use super::source::Source;
use super::waveform::{Plan, WaveformOptions, gpu::WaveformKernel, plan};
use crate::error::{Error, Result};
use crate::output::{DetectionRecord, EventRecord};
use crate::physics::seismic::Phase;
use crate::scenario::Modality;
use hdf5::types::VarLenUnicode;

/// Shares of the split, by source group (train, dev; test takes the rest): a stated choice, the
/// proportions SeisBench's own benchmark datasets commonly use.
pub const TRAIN_SHARE: f64 = 0.7;
pub const DEV_SHARE: f64 = 0.15;
/// Traces per bucket: SeisBench's `WaveformDataWriter` default, so the layout is the same
/// whichever device synthesised it.
pub const BUCKET_TRACES: usize = 1024;
/// Kilometres per degree of arc on the sphere of `distance_azimuth` (IUGG mean radius).
const KM_PER_DEGREE: f64 = 6_371.008_8 * std::f64::consts::PI / 180.0;

/// The columns of `metadata.csv`, in order.
pub const COLUMNS: &[&str] = &[
    "trace_name",
    "split",
    "source_id",
    "source_origin_time",
    "source_latitude_deg",
    "source_longitude_deg",
    "source_depth_km",
    "source_type",
    "source_kind",
    "source_responsible_side",
    "station_network_code",
    "station_code",
    "station_location_code",
    "station_latitude_deg",
    "station_longitude_deg",
    "station_elevation_m",
    "trace_channel",
    "trace_component_order",
    "trace_sampling_rate_hz",
    "trace_start_time",
    "trace_npts",
    "trace_I_arrival_sample",
    "trace_Rg_arrival_sample",
    "trace_Lg_arrival_sample",
    "trace_snr_db",
    "path_ep_distance_km",
    "path_back_azimuth_deg",
    "detection_row",
];

/// Which split a source group falls in: the same for every trace of a launch and its impact,
/// and of a track's samples, so no source is in two splits. A false alarm (no event) is a group
/// of its own, keyed by its detection row.
pub fn split_of(source: &Source, event: Option<&EventRecord>, row: usize) -> &'static str {
    let Some(event) = event else {
        return share(source, 3, row as i64);
    };
    let (kind, group) = if event.track_id >= 0 {
        (1, event.track_id)
    } else if event.linked_id >= 0 {
        (2, event.linked_id.min(i64::from(event.id)))
    } else {
        (0, i64::from(event.id))
    };
    share(source, kind, group)
}

fn share(source: &Source, kind: u32, group: i64) -> &'static str {
    let key = crate::rng::key(source.seed, crate::rng::purpose::DATASET_SPLIT, group as u32, kind);
    let u = crate::rng::unit_open0(crate::rng::pcg4d(key)[0]);
    if u <= TRAIN_SHARE {
        "train"
    } else if u <= TRAIN_SHARE + DEV_SHARE {
        "dev"
    } else {
        "test"
    }
}

pub fn write(source: &Source, options: &WaveformOptions, csv_path: &std::path::Path, file: &hdf5::File) -> Result<()> {
    let h5 = |e: hdf5::Error| Error::output(source.shown.clone(), e.to_string());
    let csv_failed = |e: csv::Error| Error::output(csv_path.display().to_string(), e.to_string());
    let plan = plan(source, options)?;
    let samples = options.samples() as usize;
    write_data_format(file, options).map_err(h5)?;
    let data = file.create_group("data").map_err(h5)?;
    let mut csv = csv::Writer::from_path(csv_path).map_err(csv_failed)?;
    csv.write_record(COLUMNS).map_err(csv_failed)?;
    let gpu = crate::gpu::Gpu::new()?;
    let kernel = WaveformKernel::new(&gpu)?;
    let per_call = kernel.windows_per_call(options.samples()).min(BUCKET_TRACES);
    let n = plan.windows.len();
    for (bucket, start) in (0..n).step_by(BUCKET_TRACES).enumerate() {
        let count = BUCKET_TRACES.min(n - start);
        let name = format!("bucket{bucket}");
        let dataset = data.new_dataset::<f32>().shape((count, 1, samples)).create(name.as_str()).map_err(h5)?;
        // Written as each kernel call returns: memory is one call's windows, not the bucket's.
        for from in (start..start + count).step_by(per_call) {
            let to = (from + per_call).min(start + count);
            let values = plan.synthesise(&kernel, options, source.seed, from..to)?;
            let block = ndarray::Array3::from_shape_vec((to - from, 1, samples), values)
                .map_err(|e| Error::Gpu(format!("waveform read-back: {e}")))?;
            dataset.write_slice(&block, ndarray::s![from - start..to - start, .., ..]).map_err(h5)?;
        }
        for (i, w) in (start..start + count).enumerate() {
            let row = metadata_row(source, options, &plan, w, &format!("{name}${i},:1,:{samples}"));
            csv.write_record(&row).map_err(csv_failed)?;
        }
    }
    csv.flush().map_err(|e| Error::output(csv_path.display().to_string(), e.to_string()))
}

/// `data_format`: how SeisBench reads the arrays (one component, then samples) and what the
/// values are.
fn write_data_format(file: &hdf5::File, options: &WaveformOptions) -> hdf5::Result<()> {
    let group = file.create_group("data_format")?;
    let text = |name: &str, value: &str| -> hdf5::Result<()> {
        let value: VarLenUnicode =
            value.parse().map_err(|e: hdf5::types::StringError| hdf5::Error::from(e.to_string()))?;
        group.new_dataset::<VarLenUnicode>().create(name)?.write_scalar(&value)
    };
    text("dimension_order", "CW")?;
    text("unit", "noise standard deviations")?;
    text("instrument_response", "not restituted")?;
    group.new_dataset::<f64>().create("sampling_rate")?.write_scalar(&options.rate_hz)
}

fn metadata_row(source: &Source, options: &WaveformOptions, plan: &Plan, w: usize, trace_name: &str) -> Vec<String> {
    let d: &DetectionRecord = &source.detections[plan.rows[w]];
    let start_s = f64::from(plan.windows[w].first_sample) / options.rate_hz;
    let pick_sample = ((d.t_s - start_s) * options.rate_hz).round().to_string();
    let phase_column = |m: Modality, p: Phase| match (m, p) {
        (Modality::Acoustic, _) => 0,
        (_, Phase::Direct) => 1,
        _ => 2,
    };
    let mut picks = [String::new(), String::new(), String::new()];
    picks[phase_column(d.modality, d.phase)] = pick_sample;
    let sensor = source.sensor(d.sensor_id);
    let event = source.event(d.event_id);
    let (lat, lon) = sensor.map_or((f64::NAN, f64::NAN), |s| (s.lat, s.lon));
    let (distance_km, back_azimuth) = event.map_or((f64::NAN, f64::NAN), |e| {
        let (arc, azimuth) = distance_azimuth(lat, lon, e.lat, e.lon);
        (arc * KM_PER_DEGREE, azimuth)
    });
    let number = |v: f64| if v.is_finite() { format!("{v}") } else { String::new() };
    let [i_pick, rg_pick, lg_pick] = picks;
    vec![
        trace_name.to_string(),
        split_of(source, event, plan.rows[w]).to_string(),
        d.event_id.to_string(),
        event.map_or(String::new(), |e| source.clock.iso(e.t_s)),
        event.map_or(String::new(), |e| format!("{:.7}", e.lat)),
        event.map_or(String::new(), |e| format!("{:.7}", e.lon)),
        // Above the ground is a negative depth (a drone's height; 0 for a surface source).
        event.map_or(String::new(), |e| number(-e.z / 1000.0)),
        event.map_or(String::new(), |e| source.class_name(e).to_string()),
        event.map_or("", |e| kind_words(e.kind).0).to_string(),
        event.map_or("", |e| side_word(e.responsible_side)).to_string(),
        NETWORK.to_string(),
        d.sensor_id.to_string(),
        String::new(),
        format!("{lat:.7}"),
        format!("{lon:.7}"),
        "0".to_string(),
        // SEED band and instrument codes; the component is the last letter.
        channel_code(d.modality).get(..2).unwrap_or("").to_string(),
        channel_code(d.modality).get(2..).unwrap_or("").to_string(),
        format!("{}", options.rate_hz),
        source.clock.iso(start_s),
        options.samples().to_string(),
        i_pick,
        rg_pick,
        lg_pick,
        format!("{}", d.snr_db),
        number(distance_km),
        number(back_azimuth),
        plan.rows[w].to_string(),
    ]
}
