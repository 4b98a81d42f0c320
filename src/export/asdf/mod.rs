//! ASDF 1.0.3 (the Adaptable Seismic Data Format, HDF5): the sensors' waveforms around every
//! acoustic and seismic detection as continuous traces, each station's StationXML, and the true
//! catalogue's QuakeML, in the layout pyasdf reads (docs/design.md §14).
//!
//! Detection windows of one sensor are merged where they overlap, so every trace is a stretch
//! of that sensor's stream and no two share a name (a trace's name carries its start and end
//! to the second; merged traces of one sensor are at least a window apart). Or, with
//! `continuous_h`, one trace per chosen sensor over the hours asked.

mod h5_bytes;

use super::quakeml::{NETWORK, channel_code};
use super::source::Source;
use super::waveform::span::{self, Span};
use super::waveform::{Pulses, WaveformOptions, detection_windows, gpu::WaveformKernel};
use crate::error::{Error, Result};
use h5_bytes::{ByteDataset, ascii_attr, bytes_dataset};

/// The ASDF version written (the newest pyasdf 0.8 reads).
pub const FORMAT_VERSION: &str = "1.0.3";
/// Every trace's tag: what the sensor recorded (ASDF's name for unprocessed data; here the
/// simulated recording).
pub const TAG: &str = "raw_recording";

pub fn write(source: &Source, options: &WaveformOptions, file: &hdf5::File) -> Result<()> {
    let h5 = |e: hdf5::Error| Error::output(source.shown.clone(), e.to_string());
    ascii_attr(file, "file_format", "ASDF").map_err(h5)?;
    ascii_attr(file, "file_format_version", FORMAT_VERSION).map_err(h5)?;
    let waveforms = file.create_group("Waveforms").map_err(h5)?;
    file.create_group("Provenance").map_err(h5)?;
    file.create_group("AuxiliaryData").map_err(h5)?;

    let mut quakeml = ByteDataset::create(file, "QuakeML").map_err(h5)?;
    quakeml =
        super::quakeml::write_truth(source, quakeml).map_err(|e| Error::output(source.shown.clone(), e.to_string()))?;
    quakeml.finish().map_err(h5)?;

    let pulses = Pulses::new(source);
    let mut spans = match options.continuous_h {
        Some(hours) => span::continuous(source, options, hours)?,
        None => {
            let starts = detection_windows(source, options, &pulses)?;
            let starts = starts.into_iter().map(|(row, first)| (source.detections[row].sensor_id, first)).collect();
            span::merged(starts, options.samples())
        }
    };
    if options.array_elements {
        if let Some(big) = spans.iter().find(|s| s.sensor_id >= super::waveform::array::MAX_ARRAY_SENSOR_ID) {
            let f = &options.fields;
            let message = format!(
                "sensor {} is beyond the {} sensors arrays are written for",
                big.sensor_id,
                super::waveform::array::MAX_ARRAY_SENSOR_ID
            );
            return Err(f.error(&f.array_elements, message));
        }
        spans = span::per_element(source, spans);
    }
    let mut sensors: Vec<u32> = spans.iter().map(|s| s.sensor_id).collect();
    sensors.dedup();
    for &id in &sensors {
        let group = waveforms.create_group(&station_name(id)).map_err(h5)?;
        let sensor = source.sensor(id).into_iter();
        let channels =
            super::stationxml::Channels { rate_hz: Some(options.rate_hz), array_elements: options.array_elements };
        let station_xml = super::stationxml::write_station_document(source, sensor, &channels, Vec::new())
            .map_err(|e| Error::output(source.shown.clone(), e.to_string()))?;
        bytes_dataset(&group, "StationXML", &station_xml).map_err(h5)?;
    }

    let gpu = crate::gpu::Gpu::new()?;
    let kernel = WaveformKernel::new(&gpu)?;
    let mut current: Option<(usize, hdf5::Dataset)> = None;
    span::synthesise(source, options, &pulses, &kernel, &spans, |s, offset, piece| {
        if current.as_ref().is_none_or(|(c, _)| *c != s) {
            current = Some((s, create_trace(source, options, &pulses, &waveforms, &spans[s]).map_err(h5)?));
        }
        let Some((_, dataset)) = &current else { unreachable!("set above") };
        dataset.write_slice(piece, offset..offset + piece.len()).map_err(h5)
    })
}

pub fn station_name(sensor_id: u32) -> String {
    format!("{NETWORK}.{sensor_id}")
}

/// A trace's dataset, sized for its span, with its start (ns since the POSIX epoch), sample rate
/// and (windows around detections) the true events whose signals reach into it.
fn create_trace(
    source: &Source,
    options: &WaveformOptions,
    pulses: &Pulses,
    waveforms: &hdf5::Group,
    span: &Span,
) -> hdf5::Result<hdf5::Dataset> {
    let sensor = source.sensor(span.sensor_id);
    let channel = sensor.map_or("", |s| channel_code(s.modality));
    let array = options.array_elements && sensor.is_some_and(|s| s.modality == crate::scenario::Modality::Acoustic);
    let location = if array { super::waveform::array::location_code(span.element) } else { String::new() };
    let start_s = f64::from(span.first_sample) / options.rate_hz;
    let end_s = start_s + f64::from(span.samples - 1) / options.rate_hz;
    let name = trace_name(source, span.sensor_id, (&location, channel), start_s, end_s);
    let group = waveforms.group(&station_name(span.sensor_id))?;
    let dataset = group.new_dataset::<f32>().shape(span.samples as usize).create(name.as_str())?;
    dataset.new_attr::<i64>().create("starttime")?.write_scalar(&source.clock.posix_ns(start_s))?;
    dataset.new_attr::<f64>().create("sampling_rate")?.write_scalar(&options.rate_hz)?;
    // A continuous trace can hold more events than an attribute holds (64 KiB): its events are
    // found through the QuakeML's picks, which name the stream and the time, as for recorded data.
    if options.continuous_h.is_some() {
        return Ok(dataset);
    }
    let mut events: Vec<i64> = pulses
        .reaching(source, span.sensor_id, start_s, end_s)
        .map(|row| source.detections[row].event_id)
        .filter(|&e| e >= 0)
        .collect();
    events.sort_unstable();
    events.dedup();
    if !events.is_empty() {
        let ids: Vec<String> = events.iter().map(|e| super::quakeml::event_resource_id(*e)).collect();
        let list = ids.join(",");
        // Past 256 KiB of ids (some 9,000 events in one trace) the list is left out, as for a
        // continuous trace: the picks name stream and time.
        if list.len() <= h5_bytes::MAX_ATTRIBUTE_BYTES {
            ascii_attr(&dataset, "event_id", &list)?;
        }
    }
    Ok(dataset)
}

/// `NET.STA.LOC.CHA__START__END__TAG`, times to the second (to the nanosecond where both fall in
/// one second), as pyasdf names a trace it adds.
fn trace_name(source: &Source, sensor_id: u32, (location, channel): (&str, &str), start_s: f64, end_s: f64) -> String {
    let instant = |t_s: f64| {
        let ns = source.clock.posix_ns(t_s);
        chrono::DateTime::from_timestamp(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
            .unwrap_or_default()
    };
    let (start, end) = (instant(start_s), instant(end_s));
    let seconds = "%Y-%m-%dT%H:%M:%S";
    let (mut s, mut e) = (start.format(seconds).to_string(), end.format(seconds).to_string());
    if s == e {
        s = start.format("%Y-%m-%dT%H:%M:%S.%f").to_string();
        e = end.format("%Y-%m-%dT%H:%M:%S.%f").to_string();
    }
    format!("{}.{location}.{channel}__{s}__{e}__{TAG}", station_name(sensor_id))
}
