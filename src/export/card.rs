//! The data card written beside every export: where the data came from and what each label
//! means, so that a file found on its own can still be read correctly.

use super::Format;
use super::source::Source;

pub const FILE: &str = "DATACARD.md";

pub fn text(source: &Source, format: Format, options: &super::ExportOptions) -> String {
    let mut s = String::new();
    s.push_str(&format!("# linewatch synthetic dataset: {} ({})\n\n", source.scenario_name, format.name()));
    s.push_str("Simulated, not observed: ceasefire violations along a line of contact and what a simulated\n");
    s.push_str("sensor deployment reported of them. Nothing here happened.\n\n");
    s.push_str("| | |\n|---|---|\n");
    s.push_str(&format!(
        "| generator | linewatch {} (wrote the result); export by linewatch {} |\n",
        source.generator,
        env!("CARGO_PKG_VERSION")
    ));
    s.push_str(&format!("| result file | {} |\n", source.shown));
    s.push_str(&format!("| scenario | {} |\n", source.scenario_name));
    s.push_str(&format!("| seed | {} |\n", source.seed));
    s.push_str(&format!(
        "| scenario time 0 | {} (the exporter's `--start` date, local midnight) |\n",
        source.clock.zero_iso()
    ));
    s.push_str(&format!("| plane | {} |\n", source.plane.definition));
    s.push_str(&format!(
        "| rows | {} events, {} detections ({} false alarms), {} estimates, {} sensors |\n",
        source.events.len(),
        source.detections.len(),
        source.detections.iter().filter(|d| d.event_id < 0).count(),
        source.estimates.len(),
        source.sensors.len()
    ));
    s.push_str(&format!("| classes | {} |\n", source.class_names.join(", ")));
    s.push_str(if format == Format::Seisbench {
        "| split | train, dev and test by source: `metadata.csv` column `split` (below) |\n\n"
    } else {
        "| split | none: a catalogue of one run; draw train and test from different seeds |\n\n"
    });
    s.push_str("## Labels\n\n");
    s.push_str("- Ground truth is the simulated world: true positions and times, and the world's own weather.\n");
    s.push_str("  Sensor reports carry the world's propagation, survey errors and clock offsets; the\n");
    s.push_str("  estimates are the verifier's, which knew only the nominal weather and surveyed positions.\n");
    s.push_str("- `responsible_side` (truth) is the side that committed the violation; `attributed_side`\n");
    s.push_str("  (estimates) is the side the verifier assigned, `indeterminate` below its confidence.\n");
    s.push_str("- An estimate's truth is the event that carries most of its fit's weight; `-1`/`none` when\n");
    s.push_str("  false alarms did.\n");
    s.push_str(
        "- Kinds: launch and impact (a linked pair, e.g. a shell fired and landing), strike (a heavy munition's\n",
    );
    s.push_str("  impact), fire (small arms), movement (a vehicle track's samples).\n");
    s.push_str("- Bearings are from the sensor to the source.\n\n");
    match format {
        Format::Quakeml => quakeml_section(&mut s),
        Format::Stonesoup => stonesoup_section(&mut s),
        Format::Waveforms => waveform_section(&mut s, &options.waveform),
        Format::Asdf => asdf_section(&mut s, &options.waveform),
        Format::Seisbench => seisbench_section(&mut s, &options.waveform),
    }
    s
}

fn quakeml_section(s: &mut String) {
    s.push_str("## Files (QuakeML 1.2, basic event description)\n\n");
    s.push_str("- `truth.xml`: one event per simulated event, heard or not; its origin is the truth\n");
    s.push_str("  (`evaluationMode` manual, method `smi:linewatch/method/ground-truth`), its picks are the\n");
    s.push_str("  detections it caused, each with an arrival on the true origin. False alarms are the picks\n");
    s.push_str("  of one last event, `smi:linewatch/event/false-alarms`, of type `not existing`. The event's\n");
    s.push_str("  comment holds class, kind, side, linked and track ids, chainage and plane position.\n");
    s.push_str("- `estimates.xml`: one event per located candidate (type explosion, suspected), its origin\n");
    s.push_str("  with latitude and longitude σ (degrees) and the 1σ error ellipse (m, azimuth from true\n");
    s.push_str("  north); the comment names the true event it was scored against and the attributed side.\n");
    s.push_str("- Streams: network `LW`, station = sensor id, channel `BDF` (acoustic array), `EPZ` (geophone),\n");
    s.push_str("  none for radar, EO/IR and RF. Phases: `I` infrasound, `Rg` the local surface wave, `Lg`;\n");
    s.push_str("  other modalities by name. Back-azimuths are from true north (the plane's grid bearing\n");
    s.push_str("  corrected for meridian convergence) with the sensor's σ at threshold (an upper\n");
    s.push_str("  bound); a pick's time uncertainty is its onset-pick σ at its SNR, not the travel-time model\n");
    s.push_str("  error.\n");
    s.push_str("- `stations.xml` (FDSN StationXML 1.2): every sensor as surveyed (the true positions are\n");
    s.push_str("  in the result file), a channel for each acoustic and seismic one; elevation 0 m (the\n");
    s.push_str("  result holds no ground elevation), depth = minus the height above the ground.\n");
    s.push_str("- Read with `obspy.read_events(\"truth.xml\")` and `obspy.read_inventory(\"stations.xml\")`.\n");
}

fn stonesoup_section(s: &mut String) {
    s.push_str("## Files (Stone Soup HDF5 column layout)\n\n");
    s.push_str("Every file holds 1-D columns of one length with `units` and `description` attributes;\n");
    s.push_str("`time` is POSIX seconds and positions are metres in the plane above.\n\n");
    s.push_str("- `groundtruth.h5`: every event in time order; `path_id` groups a moving source's samples\n");
    s.push_str("  (`track-N`), every other event is a path of its own (`event-N`).\n");
    s.push_str("  `HDF5GroundTruthReader(path, state_vector_fields=[\"x\", \"y\"], time_field=\"time\",\n");
    s.push_str("  timestamp=True, path_id_field=\"path_id\", time_res_micro=1)`: without `time_res_micro=1`\n");
    s.push_str("  the readers drop the fraction of every second (their default resolution is 1 s).\n");
    s.push_str("- `estimates.h5`: the verifier's located candidates with `cov_xx`, `cov_xy`, `cov_yy` (m²).\n");
    s.push_str(
        "  `HDF5DetectionReader(path, state_vector_fields=[\"x\", \"y\"], time_field=\"time\", timestamp=True,\n",
    );
    s.push_str("  time_res_micro=1)`.\n");
    s.push_str("- `detections.h5`: every sensor report in arrival order with its sensor's surveyed position\n");
    s.push_str("  (`sensor_x`, `sensor_y`), `bearing_rad` (clockwise from grid north) and radar `range_m`\n");
    s.push_str("  (NaN where the sensor measures none).\n");
}

fn seisbench_section(s: &mut String, w: &super::waveform::WaveformOptions) {
    use super::seisbench::{DEV_SHARE, TRAIN_SHARE};
    s.push_str("## Files (SeisBench dataset layout)\n\n");
    s.push_str("- `metadata.csv`: a row per trace, SeisBench's column names: `trace_name`, `split`, `source_*`\n");
    s.push_str("  (the true event: id, origin time, position, depth = minus the height above the ground, type =\n");
    s.push_str("  class, kind, responsible side), `station_*` (network `LW`, station = sensor id, surveyed\n");
    s.push_str("  position, elevation 0 m), `trace_channel` and `trace_component_order` (`BD`+`F` acoustic\n");
    s.push_str(
        "  pressure, `EP`+`Z` geophone vertical), `trace_sampling_rate_hz`, `trace_start_time`, `trace_npts`,\n",
    );
    s.push_str("  the pick as `trace_I_arrival_sample` (infrasound), `trace_Rg_arrival_sample` (local surface wave)\n");
    s.push_str("  or `trace_Lg_arrival_sample`, `trace_snr_db`, `path_ep_distance_km`, `path_back_azimuth_deg`\n");
    s.push_str("  (sensor to source, degrees from north), `detection_row` (row of the result's /detections).\n");
    s.push_str(&format!(
        "- `waveforms.hdf5`: `data/bucketK` (traces × 1 component × {} samples, f32) at {} Hz, the rows'\n",
        w.samples(),
        w.rate_hz
    ));
    s.push_str("  `trace_name` `bucketK$i,:1,:W` pointing in (SeisBench's packed layout); `data_format` gives\n");
    s.push_str("  `dimension_order` CW, `sampling_rate`, `unit`. One trace per acoustic or seismic detection an\n");
    s.push_str(&format!(
        "  false alarm included (`source_id` -1), from {} s before its pick to {} s after.\n",
        w.pre_s, w.post_s
    ));
    s.push_str(&format!(
        "- `split`: train {:.0} %, dev {:.0} %, test {:.0} % of sources, drawn from the seed per source: a\n",
        100.0 * TRAIN_SHARE,
        100.0 * DEV_SHARE,
        100.0 * (1.0 - TRAIN_SHARE - DEV_SHARE)
    ));
    s.push_str("  launch and its impact, and a track's samples, fall in one split together.\n");
    s.push_str(
        "- Read with `seisbench.data.WaveformDataset(folder, component_order=\"F\")` for the acoustic traces,\n",
    );
    s.push_str("  `\"Z\"` for the seismic ones: SeisBench's default order `ZNE` fills a component a trace lacks\n");
    s.push_str("  with zeros, so without it every acoustic trace reads as zeros.\n");
    selection(s, w);
    waveform_signal(s);
}

fn asdf_section(s: &mut String, w: &super::waveform::WaveformOptions) {
    s.push_str(&format!("## File (ASDF {})\n\n", super::asdf::FORMAT_VERSION));
    s.push_str("- `asdf.h5`, for `pyasdf.ASDFDataSet(\"asdf.h5\", mode=\"r\")`: `ds.events` is the true catalogue\n");
    s.push_str("  (QuakeML as in the quakeml export's `truth.xml`: events, true origins, picks, arrivals);\n");
    s.push_str("  `ds.waveforms[\"LW.<sensor id>\"]` holds the station's StationXML (surveyed position, the\n");
    s.push_str(&format!("  channel's sample rate {} Hz) and its traces, tag `{}`.\n", w.rate_hz, super::asdf::TAG));
    match w.continuous_h {
        Some([from, to]) => {
            s.push_str(&format!(
                "- One continuous trace per chosen sensor, from {from} h to {to} h of scenario time; the\n"
            ));
            s.push_str("  QuakeML's picks (stream and time) say which events it holds, as for recorded data.\n");
        }
        None => {
            s.push_str(&format!(
                "- A trace is the sensor's signal from {} s before to {} s after each of its picks (clipped\n",
                w.pre_s, w.post_s
            ));
            s.push_str("  at scenario time 0), windows that overlap or touch merged into one continuous trace; its\n");
            s.push_str("  `event_ids` are the true events whose pulses reach into it.\n");
        }
    }
    if w.array_elements {
        use super::waveform::array::{APERTURE_RADIUS_M, ELEMENTS};
        s.push_str(&format!(
            "- Acoustic sensors are {ELEMENTS}-element arrays (stated geometry, not a surveyed design): location\n"
        ));
        s.push_str(&format!(
            "  `00` at the sensor, `01`..`03` {APERTURE_RADIUS_M} m out at grid bearings 0°, 120°, 240°, each channel\n"
        ));
        s.push_str("  at its element's position in the StationXML. Each element hears the plane wave from the\n");
        s.push_str("  true source at the scenario's nominal sound speed, with noise of its own; `00` is the\n");
        s.push_str("  single-channel export's trace.\n");
    }
    s.push_str("- Channels `BDF` (acoustic pressure) and `EPZ` (geophone vertical) name the instrument; their\n");
    s.push_str("  band letter is the one the other exports use, not the one SEED gives the sample rate.\n");
    selection(s, w);
    waveform_signal(s);
}

fn waveform_section(s: &mut String, w: &super::waveform::WaveformOptions) {
    s.push_str("## File (HDF5)\n\n");
    s.push_str(&format!(
        "- `waveforms.h5`: `waveforms` (windows × {} samples, f32) at {} Hz, one window per acoustic or\n",
        w.samples(),
        w.rate_hz
    ));
    s.push_str(&format!(
        "  seismic detection, false alarms included (`event_id` -1), from {} s before its pick to {} s after (clipped at\n",
        w.pre_s, w.post_s
    ));
    s.push_str("  scenario time 0); 1-D columns `time` (POSIX s of the first sample), `start_t_s`, `onset_t_s`\n");
    s.push_str("  (the pick), `snr_db`, `detection_row`, `sensor_id`, `event_id`, `modality`.\n");
    selection(s, w);
    waveform_signal(s);
}

/// Which sensors, when the request chose some.
fn selection(s: &mut String, w: &super::waveform::WaveformOptions) {
    if !w.rows.is_empty() {
        s.push_str(&format!("- Sensors: the acoustic and seismic sensors of rows {}.\n", w.rows.join(", ")));
    }
    if !w.sensors.is_empty() {
        let ids: Vec<String> = w.sensors.iter().map(u32::to_string).collect();
        s.push_str(&format!("- Sensors: ids {}.\n", ids.join(", ")));
    }
}

/// What the samples are: the synthesis the waveform formats share.
fn waveform_signal(s: &mut String) {
    s.push_str("- Units are the noise σ: Gaussian noise of σ 1, the same draw wherever two windows of one\n");
    s.push_str("  channel overlap; white at geophones; at microphones the ambient (white) plus wind noise\n");
    s.push_str("  falling as f^(-7/3) (Batchelor 1951), mixed by their powers in the scenario's nominal wind\n");
    s.push_str("  and hour. Each detection of the sensor is a pulse arriving at its pick with\n");
    s.push_str("  peak 10^(snr_db/20): sound a Friedlander blast wave (b = 1) whose positive phase is half a\n");
    s.push_str("  period of the event's dominant frequency, a ground wave a Ricker wavelet at the event's\n");
    s.push_str("  seismic frequency (Lg at 8 Hz) peaking 1.5 periods after the pick. Overlapping pulses add.\n");
    s.push_str("  A pulse spanning few samples is sampled, not filtered: its sampled peak falls short of\n");
    s.push_str("  10^(snr_db/20) (a 1 kHz small-arms blast needs --rate-hz 10000); `pulse_period_s` says.\n");
    s.push_str("- A false alarm is a transient of the same family at its pick and SNR, its frequency drawn\n");
    s.push_str("  log-uniformly per detection (acoustic 10–100 Hz, seismic 5–30 Hz: stated assumptions).\n");
    s.push_str("- Sound reaches the sensor through air absorption over its path (ISO 9613-1, nominal weather),\n");
    s.push_str("  as a Gaussian low-pass fitted at the pulse's frequency: farther pulses are smoother, still\n");
    s.push_str("  peaking at 10^(snr_db/20), `peak_delay_s` after the pick (columns `pulse_smoothing_s`,\n");
    s.push_str("  `peak_delay_s` in waveforms.h5).\n");
    s.push_str("- A moving source (a vehicle, a drone: `pulse_shape` burst) is band-limited noise, 8 tones in\n");
    s.push_str("  the octave around its class's frequency, under a cosine envelope two track samples long centred\n");
    s.push_str("  on the pick, its RMS there 10^(snr_db/20); one track's bursts join into a steady sound.\n");
    s.push_str("- A rifle round's shock wave (an N-wave, Whitham's far field; stated round 7.62×39 mm, fired\n");
    s.push_str("  towards the line ±20°) reaches microphones near its line of fire ahead of the muzzle blast;\n");
    s.push_str("  it is not a detection: `shock_count`, `shock_t_s`, `shock_peak`, `shock_event_id` say where\n");
    s.push_str("  (waveforms.h5). It lasts 0.2–0.4 ms: use --rate-hz 24000 or more to see it.\n");
    s.push_str("- Not modelled yet: refraction's and the ground's shaping of a pulse, the wind's variation\n");
    s.push_str("  along the line.\n");
}
