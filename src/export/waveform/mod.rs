//! Sensor waveforms around detections (docs/design.md §14): for every acoustic and seismic
//! detection (false alarms included), a window of its sensor's signal, synthesised on the GPU
//! (`shaders/waveform.wgsl`, f64 twin `reference`). Each pulse arrives at its detection's time
//! with its detection's SNR, so the waveforms agree with the picks by construction; what they
//! add is the pulse's shape, overlapping arrivals summed, and noise.

pub mod absorption;
pub mod array;
pub mod gpu;
pub mod noise;
mod picture;
pub mod reference;
pub mod shock;
pub mod span;

use super::columns::{column, words};
use super::source::Source;
use crate::error::{Error, Result};
use crate::output::DetectionRecord;
use crate::physics::seismic::Phase;
use crate::scenario::Modality;
use bytemuck::{Pod, Zeroable};

pub const SHAPE_FRIEDLANDER: u32 = 0;
pub const SHAPE_RICKER: u32 = 1;
/// A moving source's sound: band-limited noise under a cosine envelope (`burst`).
pub const SHAPE_BURST: u32 = 2;
/// A bullet's shock wave: an N-wave (`shock`).
pub const SHAPE_NWAVE: u32 = 3;
pub use crate::abi::BURST_TONES;
/// A burst's length when the class gives no track sample interval, s (stated).
pub const DEFAULT_BURST_S: f64 = 2.0;
/// A Friedlander pulse's span in positive-phase durations, a Ricker wavelet's in periods (as
/// `shaders/waveform.wgsl`: both ends below 2e-6 of the peak, so no step where they are cut).
pub const FRIEDLANDER_SPAN: f64 = 16.0;
pub const RICKER_SPAN: f64 = 3.0;
/// Windows synthesised and written per batch: memory stays that of one batch.
pub const BATCH_WINDOWS: usize = 4096;

/// The kernel's parameters (uniform).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct WaveParams {
    pub samples_per_window: u32,
    pub window_count: u32,
    pub rate_hz: f32,
    pub seed_lo: u32,
    pub seed_hi: u32,
    /// The wind noise's octaves and their normalisation (`noise`).
    pub red_octaves: u32,
    pub red_norm: f32,
    pub pad: u32,
}

impl WaveParams {
    pub fn new(options: &WaveformOptions, window_count: usize, seed: u64) -> Self {
        Self {
            samples_per_window: options.samples(),
            window_count: window_count as u32,
            rate_hz: options.rate_hz as f32,
            seed_lo: seed as u32,
            seed_hi: (seed >> 32) as u32,
            red_octaves: noise::red_octaves(options.rate_hz),
            red_norm: noise::red_norm(noise::red_octaves(options.rate_hz)) as f32,
            pad: 0,
        }
    }
}

/// One sensor's window: its first sample in the sensor's continuous stream and its pulses.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct WaveWindow {
    pub sensor_id: u32,
    pub first_sample: u32,
    pub first_pulse: u32,
    pub pulse_count: u32,
    /// The share of the noise power that is wind noise (red); the rest is white. From absolute
    /// sample `switch_sample` on (day turning to night or back) it is `red_share_after`, so every
    /// window holding a sample gives it the same noise.
    pub red_share: f32,
    pub red_share_after: f32,
    pub switch_sample: u32,
}

/// One arrival in a window.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct WavePulse {
    /// Arrival after the window's first sample: whole samples, and the fraction of a sample
    /// beyond them. The sample count is exact, so the time from a sample to the pick is the same
    /// whichever window holds the sample: windows that overlap agree bit for bit.
    pub delay_samples: i32,
    pub delay_fraction: f32,
    /// Peak amplitude in units of the noise σ.
    pub amplitude: f32,
    /// Friedlander: positive-phase duration; Ricker: one period, s.
    pub period_s: f32,
    pub shape: u32,
    /// Friedlander: σ of the air-absorption low-pass its path applies, s (0: none; `absorption`).
    pub smoothing_s: f32,
    /// Burst: its envelope's length, centred on the pick, s.
    pub duration_s: f32,
    /// Burst: the key of its tones' draws (the event id).
    pub key: u32,
}

/// What to synthesise.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveformOptions {
    pub rate_hz: f64,
    pub pre_s: f64,
    pub post_s: f64,
    /// Only the sensors of these rows (by name) and these sensor ids; both empty: every acoustic
    /// and seismic sensor.
    pub rows: Vec<String>,
    pub sensors: Vec<u32>,
    /// Continuous spans of every chosen sensor over these scenario hours, instead of windows
    /// around detections (ASDF only).
    pub continuous_h: Option<[f64; 2]>,
    /// Acoustic sensors as arrays: a trace per element (`array`; ASDF only).
    pub array_elements: bool,
    /// How the request names its fields in messages: `--rows`, `--sensors`, `--continuous-h`
    /// on the command line, `[waveforms]` keys in a scenario.
    pub fields: Fields,
}

/// One field of a waveform request: its name and where it is (line 0: the command line).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

impl Field {
    fn flag(name: &str) -> Self {
        Self { name: name.into(), line: 0, column: 0 }
    }
}

/// Where a waveform request's fields are, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    /// The file the request came from (`linewatch export` for the command line).
    pub file: String,
    pub rate_hz: Field,
    pub pre_s: Field,
    pub post_s: Field,
    pub rows: Field,
    pub sensors: Field,
    pub continuous_h: Field,
    pub array_elements: Field,
}

impl Fields {
    pub fn command_line() -> Self {
        Self {
            file: "linewatch export".into(),
            rate_hz: Field::flag("--rate-hz"),
            pre_s: Field::flag("--pre-s"),
            post_s: Field::flag("--post-s"),
            rows: Field::flag("--rows"),
            sensors: Field::flag("--sensors"),
            continuous_h: Field::flag("--continuous-h"),
            array_elements: Field::flag("--array-elements"),
        }
    }

    /// An error about `field`, at its place.
    pub fn error(&self, field: &Field, message: impl Into<String>) -> Error {
        let location = crate::error::Location { file: self.file.clone(), line: field.line, column: field.column };
        Error::input(location, field.name.clone(), message)
    }
}

/// Samples one window may hold: one dispatch of `gpu::WORKGROUP_SIZE`-thread workgroups, at
/// most 65,535 of them (WebGPU's default `maxComputeWorkgroupsPerDimension`).
pub const MAX_WINDOW_SAMPLES: u32 = 65_535 * gpu::WORKGROUP_SIZE;

/// Scenario hours a continuous span may last at most (one span is 2^32 samples at most).
pub const MAX_CONTINUOUS_H: f64 = 24.0 * 31.0;

impl WaveformOptions {
    /// Windows of `pre_s` + `post_s` around every acoustic and seismic detection, at `rate_hz`.
    pub fn windows(rate_hz: f64, pre_s: f64, post_s: f64) -> Self {
        Self {
            rate_hz,
            pre_s,
            post_s,
            rows: Vec::new(),
            sensors: Vec::new(),
            continuous_h: None,
            array_elements: false,
            fields: Fields::command_line(),
        }
    }

    pub fn check(&self) -> Result<()> {
        let f = &self.fields;
        if !(self.rate_hz.is_finite() && self.rate_hz >= 1.0 && self.rate_hz <= 100_000.0) {
            return Err(f.error(&f.rate_hz, format!("must be 1 to 100,000 Hz, found {}", self.rate_hz)));
        }
        for (field, v) in [(&f.pre_s, self.pre_s), (&f.post_s, self.post_s)] {
            if !(v.is_finite() && (0.0..=600.0).contains(&v)) {
                return Err(f.error(field, format!("must be 0 to 600 s, found {v}")));
            }
        }
        if self.samples() == 0 {
            return Err(f.error(&f.post_s, "the window holds no sample: lengthen pre_s or post_s"));
        }
        // One window is synthesised by one dispatch: at most 65,535 workgroups of 64 threads,
        // wgpu's default limit (the kernel's windows of a continuous span are this long too).
        if self.samples() > MAX_WINDOW_SAMPLES {
            let message = format!(
                "a window of {} samples is more than one dispatch synthesises ({MAX_WINDOW_SAMPLES}): shorten pre_s + post_s or lower the rate",
                self.samples()
            );
            return Err(f.error(&f.post_s, message));
        }
        if let Some([from, to]) = self.continuous_h {
            if !(from.is_finite() && to.is_finite() && from >= 0.0 && to > from && to - from <= MAX_CONTINUOUS_H) {
                let message =
                    format!("must be FROM,TO hours with 0 ≤ FROM < TO ≤ FROM + {MAX_CONTINUOUS_H}, found {from},{to}");
                return Err(f.error(&f.continuous_h, message));
            }
            if to * 3600.0 * self.rate_hz >= f64::from(u32::MAX) {
                let message = format!("{to} h at {} Hz is beyond 2^32 samples: lower the rate", self.rate_hz);
                return Err(f.error(&f.continuous_h, message));
            }
        }
        Ok(())
    }

    pub fn samples(&self) -> u32 {
        ((self.pre_s + self.post_s) * self.rate_hz).round() as u32
    }

    /// The chosen sensors (None: all), each checked against the result's sensors.
    pub fn chosen(&self, source: &Source) -> Result<Option<std::collections::HashSet<u32>>> {
        if self.rows.is_empty() && self.sensors.is_empty() {
            return Ok(None);
        }
        let f = &self.fields;
        let mut chosen = std::collections::HashSet::new();
        for name in &self.rows {
            let row = source.row_names.iter().position(|r| r == name).ok_or_else(|| {
                let rows = source.row_names.join(", ");
                f.error(&f.rows, format!("{}: no row is named '{name}' (rows: {rows})", source.shown))
            })?;
            let in_row = source.sensors.iter().filter(|s| usize::from(s.row) == row && synthesised(s.modality));
            chosen.extend(in_row.map(|s| s.id));
        }
        for &id in &self.sensors {
            match source.sensor(id) {
                Some(s) if synthesised(s.modality) => {
                    chosen.insert(id);
                }
                Some(s) => {
                    let kind = super::quakeml::modality_word(s.modality);
                    let message = format!("sensor {id} is {kind}: only acoustic and seismic sensors have waveforms");
                    return Err(f.error(&f.sensors, message));
                }
                None => {
                    let last = source.sensors.len().saturating_sub(1);
                    return Err(f.error(&f.sensors, format!("{}: no sensor {id} (ids 0 to {last})", source.shown)));
                }
            }
        }
        Ok(Some(chosen))
    }
}

/// Whether a sensor of this modality has a waveform.
pub fn synthesised(m: Modality) -> bool {
    matches!(m, Modality::Acoustic | Modality::Seismic)
}

/// A detection's pulse as the kernel draws it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Form {
    pub shape: u32,
    /// Friedlander: positive-phase duration; Ricker: one period, s.
    pub period_s: f64,
    /// The air-absorption low-pass's σ over the path, s (`absorption`; 0: unfiltered).
    pub smoothing_s: f64,
    /// The filtered shape's peak (1 unfiltered), and how long after the pick it comes, s.
    pub peak: f64,
    pub peak_delay_s: f64,
    /// Burst: its envelope's length, s, and its draws' key.
    pub duration_s: f64,
    pub key: u32,
}

impl Form {
    /// How long before its pick the pulse starts and after it it ends, s.
    pub fn lead_s(&self) -> f64 {
        if self.shape == SHAPE_BURST { 0.5 * self.duration_s } else { 6.0 * self.smoothing_s }
    }

    pub fn reach_s(&self) -> f64 {
        match self.shape {
            SHAPE_BURST => 0.5 * self.duration_s,
            SHAPE_FRIEDLANDER => FRIEDLANDER_SPAN * self.period_s + self.lead_s(),
            _ => RICKER_SPAN * self.period_s,
        }
    }

    pub fn shape_word(&self) -> &'static str {
        match self.shape {
            SHAPE_FRIEDLANDER => "friedlander",
            SHAPE_RICKER => "ricker",
            _ => "burst",
        }
    }
}

/// A detection's pulse. Sound is a Friedlander blast wave whose positive phase lasts half a
/// period of the event's dominant frequency (stated assumption), filtered by air absorption over
/// its path from the true source to the true sensor (`absorption`, in the nominal weather); a
/// ground wave is a Ricker wavelet at the event's seismic frequency, an Lg arrival at the
/// frequency the verifier assumes Lg is picked at (the ground's own filtering is not modelled).
/// A false alarm is a transient of the same family whose frequency is drawn per detection
/// (`false_alarm_freq_hz`), unfiltered. A moving source (a vehicle, a drone) is heard and felt
/// for as long as it moves: each of its samples is a burst of band-limited noise at its
/// frequency, as long as two sample intervals under a cosine envelope, so the bursts of one track
/// join into one steady sound; its SNR is the burst's RMS at the envelope's centre.
fn pulse_form(source: &Source, d: &DetectionRecord) -> Option<Form> {
    if let Some(event) = source.event(d.event_id).filter(|e| e.kind == crate::events::EventKind::Movement) {
        let freq = match d.modality {
            Modality::Acoustic => f64::from(event.acoustic_freq_hz),
            Modality::Seismic => f64::from(event.seismic_freq_hz),
            _ => return None,
        };
        let interval = source.track_sample_s.get(usize::from(event.class)).copied().flatten();
        let duration_s = 2.0 * interval.unwrap_or(0.5 * DEFAULT_BURST_S);
        return (freq.is_finite() && freq > 0.0).then_some(Form {
            shape: SHAPE_BURST,
            period_s: 1.0 / freq,
            smoothing_s: 0.0,
            peak: 1.0,
            peak_delay_s: 0.0,
            duration_s,
            key: event.id,
        });
    }
    let (shape, period_s) = match (source.event(d.event_id), d.modality, d.phase) {
        (Some(event), Modality::Acoustic, _) => (SHAPE_FRIEDLANDER, 0.5 / f64::from(event.acoustic_freq_hz)),
        (Some(_), Modality::Seismic, Phase::Lg) => {
            (SHAPE_RICKER, 1.0 / crate::physics::source::DEFAULT_REGIONAL_FREQ_HZ)
        }
        (Some(event), Modality::Seismic, Phase::Direct) => (SHAPE_RICKER, 1.0 / f64::from(event.seismic_freq_hz)),
        (None, Modality::Acoustic, _) if d.event_id < 0 => {
            (SHAPE_FRIEDLANDER, 0.5 / false_alarm_freq_hz(source.seed, d, FALSE_ALARM_ACOUSTIC_HZ))
        }
        (None, Modality::Seismic, _) if d.event_id < 0 => {
            (SHAPE_RICKER, 1.0 / false_alarm_freq_hz(source.seed, d, FALSE_ALARM_SEISMIC_HZ))
        }
        _ => return None,
    };
    if !(period_s.is_finite() && period_s > 0.0) {
        return None;
    }
    let smoothing_s = match (source.event(d.event_id), source.sensor(d.sensor_id)) {
        (Some(event), Some(sensor)) if shape == SHAPE_FRIEDLANDER => {
            let range_m = (event.x - sensor.true_x).hypot(event.y - sensor.true_y);
            absorption::smoothing_s(0.5 / period_s, range_m, &source.environment)
        }
        _ => 0.0,
    };
    let (peak, peak_delay_s) =
        if shape == SHAPE_FRIEDLANDER { absorption::peak(period_s, smoothing_s) } else { (1.0, 1.5 * period_s) };
    Some(Form { shape, period_s, smoothing_s, peak, peak_delay_s, duration_s: 0.0, key: 0 })
}

/// The band a false alarm's transient frequency is drawn from, log-uniformly, Hz (stated
/// assumptions: other impulsive sounds span the blast band of the classes' sources, 10–100 Hz;
/// other ground transients a geophone's usual 5–30 Hz).
pub const FALSE_ALARM_ACOUSTIC_HZ: [f64; 2] = [10.0, 100.0];
pub const FALSE_ALARM_SEISMIC_HZ: [f64; 2] = [5.0, 30.0];

/// A false alarm's transient frequency: a log-uniform draw in `band` keyed by the run's seed,
/// the sensor and the detection's time, so every export of a result draws the same.
pub fn false_alarm_freq_hz(seed: u64, d: &DetectionRecord, [lo, hi]: [f64; 2]) -> f64 {
    let time_bits = d.t_s.to_bits();
    let key = crate::rng::key(seed, d.sensor_id, (time_bits ^ (time_bits >> 32)) as u32, crate::rng::stream::WAVEFORM);
    let u = crate::rng::unit_open0(crate::rng::pcg4d(key)[2]);
    lo * (hi / lo).powf(u)
}

/// The windows and their pulses: one window per acoustic or seismic detection, false alarms
/// included.
pub struct Plan {
    /// Each detection's pulse (None: no waveform).
    pub forms: Vec<Option<Form>>,
    /// Detection row of each window.
    pub rows: Vec<usize>,
    pub windows: Vec<WaveWindow>,
    pub pulses: Vec<WavePulse>,
}

impl Plan {
    /// The samples of the windows `chosen` (indices into `windows`, at most what one call of the
    /// kernel takes), window after window: their windows and pulses gathered for the device.
    pub fn synthesise(
        &self,
        kernel: &gpu::WaveformKernel<'_>,
        options: &WaveformOptions,
        seed: u64,
        chosen: impl Iterator<Item = usize>,
    ) -> Result<Vec<f32>> {
        let mut windows = Vec::new();
        let mut pulses = Vec::new();
        for w in chosen {
            let window = self.windows[w];
            let from = window.first_pulse as usize;
            windows.push(WaveWindow { first_pulse: pulses.len() as u32, ..window });
            pulses.extend_from_slice(&self.pulses[from..from + window.pulse_count as usize]);
        }
        kernel.synthesise(&WaveParams::new(options, windows.len(), seed), &windows, &pulses)
    }
}

/// Every detection's pulse, by sensor: what a window of any sensor at any time holds.
pub struct Pulses {
    /// Each detection's pulse (None: no waveform).
    pub forms: Vec<Option<Form>>,
    /// Each sensor's detections with a pulse, in time order.
    by_sensor: std::collections::HashMap<u32, Vec<usize>>,
    /// Each microphone's bullet shock waves, in time order (not detections: `shock`).
    pub shocks: std::collections::HashMap<u32, Vec<shock::Shock>>,
    /// The furthest any pulse reaches past its arrival, and before it, s.
    longest_s: f64,
    lead_s: f64,
}

impl Pulses {
    pub fn new(source: &Source) -> Self {
        use rayon::prelude::*;
        let forms: Vec<Option<Form>> = source.detections.par_iter().map(|d| pulse_form(source, d)).collect();
        let longest_s = forms.iter().flatten().map(Form::reach_s).fold(0.0, f64::max);
        let lead_s = forms.iter().flatten().map(Form::lead_s).fold(0.0, f64::max);
        let mut by_sensor: std::collections::HashMap<u32, Vec<usize>> = std::collections::HashMap::new();
        for (row, d) in source.detections.iter().enumerate() {
            if forms[row].is_some() {
                by_sensor.entry(d.sensor_id).or_default().push(row);
            }
        }
        for rows in by_sensor.values_mut() {
            rows.sort_by(|&a, &b| source.detections[a].t_s.total_cmp(&source.detections[b].t_s));
        }
        Self { forms, by_sensor, shocks: shock::shocks(source), longest_s, lead_s }
    }

    /// Rows of `sensor`'s detections whose pulses reach into `[start_s, end_s]`.
    pub fn reaching<'a>(
        &'a self,
        source: &'a Source,
        sensor: u32,
        start_s: f64,
        end_s: f64,
    ) -> impl Iterator<Item = usize> + 'a {
        let mine = self.by_sensor.get(&sensor).map_or(&[][..], Vec::as_slice);
        let from = mine.partition_point(|&r| source.detections[r].t_s < start_s - self.longest_s);
        let end_s = end_s + self.lead_s;
        mine[from..].iter().copied().take_while(move |&r| source.detections[r].t_s <= end_s)
    }

    /// The window of `sensor`'s array element `element` (0: the sensor itself) from sample
    /// `first` (of `options.samples()` samples), its pulses appended to `pulses`.
    pub fn window(
        &self,
        source: &Source,
        options: &WaveformOptions,
        (sensor, element): (u32, u8),
        first: u32,
        pulses: &mut Vec<WavePulse>,
    ) -> WaveWindow {
        let start_s = f64::from(first) / options.rate_hz;
        let end_s = start_s + f64::from(options.samples()) / options.rate_hz;
        let offset = array::offset_m(element);
        let at = source.sensor(sensor).map_or([0.0, 0.0], |s| [s.true_x, s.true_y]);
        // An element hears a pulse at most this much before or after the sensor does.
        let margin = if element == 0 { 0.0 } else { 2.0 * array::APERTURE_RADIUS_M / source.sound_speed_mps };
        let first_pulse = pulses.len() as u32;
        for row in self.reaching(source, sensor, start_s - margin, end_s + margin) {
            if let Some(form) = self.forms[row] {
                let o = &source.detections[row];
                let shift = match source.event(o.event_id).filter(|_| element > 0) {
                    Some(e) => array::delay_s(offset, at, [e.x, e.y], source.sound_speed_mps),
                    None => 0.0,
                };
                let (delay_samples, delay_fraction) = delay_in_samples(o.t_s + shift, options.rate_hz, first);
                pulses.push(WavePulse {
                    delay_samples,
                    delay_fraction,
                    amplitude: (10f64.powf(f64::from(o.snr_db) / 20.0) / form.peak) as f32,
                    period_s: form.period_s as f32,
                    shape: form.shape,
                    smoothing_s: form.smoothing_s as f32,
                    duration_s: form.duration_s as f32,
                    key: form.key,
                });
            }
        }
        let mine = self.shocks.get(&sensor).map_or(&[][..], Vec::as_slice);
        let from = mine.partition_point(|k| k.t_s < start_s - margin - 0.01);
        for k in mine[from..].iter().take_while(|k| k.t_s <= end_s + margin) {
            let shift = if element > 0 { array::delay_s(offset, at, k.from, source.sound_speed_mps) } else { 0.0 };
            let (delay_samples, delay_fraction) = delay_in_samples(k.t_s + shift, options.rate_hz, first);
            pulses.push(WavePulse {
                delay_samples,
                delay_fraction,
                amplitude: k.peak_sigma as f32,
                period_s: k.duration_s as f32,
                shape: SHAPE_NWAVE,
                smoothing_s: 0.0,
                duration_s: 0.0,
                key: k.event_id,
            });
        }
        let (red_share, red_share_after, switch_sample) = match source.sensor(sensor) {
            Some(s) if s.modality == Modality::Acoustic => {
                let day = source.is_day(start_s, s.lon);
                let share = |day: bool| noise::wind_share(&source.environment, day) as f32;
                // The next change of day and night after the window's start, to the sample.
                let switch = source.next_day_change_s(start_s, s.lon) * options.rate_hz;
                let switch_sample =
                    if switch.is_finite() && switch < f64::from(u32::MAX) { switch.ceil() as u32 } else { u32::MAX };
                (share(day), share(!day), switch_sample)
            }
            _ => (0.0, 0.0, u32::MAX),
        };
        WaveWindow {
            sensor_id: array::noise_channel(sensor, element),
            first_sample: first,
            first_pulse,
            pulse_count: pulses.len() as u32 - first_pulse,
            red_share,
            red_share_after,
            switch_sample,
        }
    }
}

/// A detection window's first sample: `pre_s` before its pick (not before time 0).
pub fn first_sample(d: &DetectionRecord, options: &WaveformOptions, shown: &str) -> Result<u32> {
    let first = ((d.t_s - options.pre_s).max(0.0) * options.rate_hz).floor();
    if first + f64::from(options.samples()) >= f64::from(u32::MAX) {
        return Err(Error::file(shown, "detections", "a window starts beyond 2^32 samples: lower --rate-hz"));
    }
    Ok(first as u32)
}

/// A pulse arriving at `t_s` as the kernel takes it: whole samples after sample `first`, and
/// the fraction of a sample beyond them (f64 here, so every window agrees on it).
fn delay_in_samples(t_s: f64, rate_hz: f64, first: u32) -> (i32, f32) {
    let at_sample = t_s * rate_hz;
    let whole = at_sample.floor();
    ((whole - f64::from(first)).clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32, (at_sample - whole) as f32)
}

/// Every chosen detection that has a pulse: its row and its window's first sample.
pub fn detection_windows(source: &Source, options: &WaveformOptions, pulses: &Pulses) -> Result<Vec<(usize, u32)>> {
    let chosen = options.chosen(source)?;
    let mut out = Vec::new();
    for (row, d) in source.detections.iter().enumerate() {
        if pulses.forms[row].is_none() || chosen.as_ref().is_some_and(|c| !c.contains(&d.sensor_id)) {
            continue;
        }
        out.push((row, first_sample(d, options, &source.shown)?));
    }
    Ok(out)
}

pub fn plan(source: &Source, options: &WaveformOptions) -> Result<Plan> {
    let index = Pulses::new(source);
    let mut plan = Plan { forms: Vec::new(), rows: Vec::new(), windows: Vec::new(), pulses: Vec::new() };
    for (row, first) in detection_windows(source, options, &index)? {
        let sensor = source.detections[row].sensor_id;
        plan.windows.push(index.window(source, options, (sensor, 0), first, &mut plan.pulses));
        plan.rows.push(row);
    }
    plan.forms = index.forms;
    Ok(plan)
}

/// Synthesise every window on the device and write `waveforms.h5` in batches.
/// `png`: also draw a launch's and its impact's waveforms there.
pub fn write(
    source: &Source,
    options: &WaveformOptions,
    file: &hdf5::File,
    png: Option<&std::path::Path>,
) -> Result<()> {
    let shown = || source.shown.clone();
    let plan = plan(source, options)?;
    let gpu = crate::gpu::Gpu::new()?;
    let kernel = gpu::WaveformKernel::new(&gpu)?;
    let samples = options.samples();
    let h5 = |e: hdf5::Error| Error::output(shown(), e.to_string());
    let n = plan.windows.len();
    let data = file
        .new_dataset::<f32>()
        .chunk((1, samples as usize))
        .shape((n, samples as usize))
        .create("waveforms")
        .map_err(h5)?;
    crate::output::text_attr(&data, "units", "noise standard deviations").map_err(h5)?;
    crate::output::text_attr(
        &data,
        "description",
        "one row per window: the sensor's signal from time[row], at rate_hz",
    )
    .map_err(h5)?;
    data.new_attr::<f64>().create("rate_hz").and_then(|a| a.write_scalar(&options.rate_hz)).map_err(h5)?;
    let per_call = kernel.windows_per_call(samples).min(BATCH_WINDOWS);
    for start in (0..n).step_by(per_call) {
        let count = per_call.min(n - start);
        let values = plan.synthesise(&kernel, options, source.seed, start..start + count)?;
        let block = ndarray::Array2::from_shape_vec((count, samples as usize), values)
            .map_err(|e| Error::Gpu(format!("waveform read-back: {e}")))?;
        data.write_slice(&block, ndarray::s![start..start + count, ..]).map_err(h5)?;
    }
    write_columns(source, options, &plan, file).map_err(h5)?;
    match png {
        Some(path) => picture::draw(path, source, options, &plan, &kernel),
        None => Ok(()),
    }
}

fn write_columns(source: &Source, options: &WaveformOptions, plan: &Plan, file: &hdf5::File) -> hdf5::Result<()> {
    let start_t: Vec<f64> = plan.windows.iter().map(|w| f64::from(w.first_sample) / options.rate_hz).collect();
    let rows = || plan.rows.iter().map(|&r| &source.detections[r]);
    let time = start_t.iter().map(|&t| source.clock.posix(t)).collect();
    column(file, "time", time, "s since 1970-01-01T00:00:00Z", "the window's first sample")?;
    column(file, "start_t_s", start_t, "s since scenario start", "the window's first sample")?;
    column(
        file,
        "onset_t_s",
        rows().map(|d| d.t_s).collect(),
        "s since scenario start",
        "the detection's arrival time (its pick)",
    )?;
    column(
        file,
        "snr_db",
        rows().map(|d| d.snr_db).collect(),
        "dB",
        "the detection's SNR: its pulse peaks at 10^(snr/20) noise σ",
    )?;
    let form = |r: usize| plan.forms[r];
    let periods = plan.rows.iter().map(|&r| form(r).map_or(f64::NAN, |f| f.period_s)).collect();
    column(
        file,
        "pulse_period_s",
        periods,
        "s",
        "the pulse's positive-phase duration (acoustic, Friedlander) or period (seismic, Ricker, peaking 1.5 periods after the pick)",
    )?;
    let shapes = words(plan.rows.iter().map(|&r| form(r).map_or("", |f| f.shape_word()).to_string()))?;
    column(
        file,
        "pulse_shape",
        shapes,
        "",
        "friedlander (sound), ricker (ground), burst (a moving source's band-limited noise, RMS 10^(snr/20) at its centre)",
    )?;
    // The bullet shock waves in each window (not detections), and the first one's time, peak and event.
    let shocks: Vec<Vec<&WavePulse>> = plan
        .windows
        .iter()
        .map(|w| {
            let mine = &plan.pulses[w.first_pulse as usize..(w.first_pulse + w.pulse_count) as usize];
            mine.iter().filter(|p| p.shape == SHAPE_NWAVE).collect()
        })
        .collect();
    let first_shock = |w: usize| shocks[w].iter().min_by_key(|p| p.delay_samples).copied();
    column(
        file,
        "shock_count",
        shocks.iter().map(|s| s.len() as u32).collect(),
        "",
        "bullet shock waves (N-waves) in the window",
    )?;
    let shock_time = (0..plan.windows.len())
        .map(|w| {
            first_shock(w).map_or(f64::NAN, |p| {
                (f64::from(plan.windows[w].first_sample) + f64::from(p.delay_samples) + f64::from(p.delay_fraction))
                    / options.rate_hz
            })
        })
        .collect();
    column(file, "shock_t_s", shock_time, "s since scenario start", "the first shock wave's arrival (NaN: none)")?;
    column(
        file,
        "shock_peak",
        (0..plan.windows.len()).map(|w| first_shock(w).map_or(f64::NAN, |p| f64::from(p.amplitude))).collect(),
        "noise standard deviations",
        "the first shock wave's peak",
    )?;
    column(
        file,
        "shock_event_id",
        (0..plan.windows.len()).map(|w| first_shock(w).map_or(-1, |p| i64::from(p.key))).collect(),
        "",
        "the event that fired the first shock's round (-1: none)",
    )?;
    column(
        file,
        "pulse_smoothing_s",
        plan.rows.iter().map(|&r| form(r).map_or(f64::NAN, |f| f.smoothing_s)).collect(),
        "s",
        "σ of the air-absorption low-pass over the pulse's path (0: unfiltered)",
    )?;
    column(
        file,
        "peak_delay_s",
        plan.rows.iter().map(|&r| form(r).map_or(f64::NAN, |f| f.peak_delay_s)).collect(),
        "s",
        "how long after the pick the pulse peaks (Friedlander: at the onset, later once filtered; Ricker: 1.5 periods)",
    )?;
    column(
        file,
        "detection_row",
        plan.rows.iter().map(|&r| r as u64).collect(),
        "",
        "row of the result file's /detections",
    )?;
    column(file, "sensor_id", rows().map(|d| d.sensor_id).collect(), "", "id in /sensors")?;
    column(file, "event_id", rows().map(|d| d.event_id).collect(), "", "id in /events")?;
    let modalities = words(rows().map(|d| super::quakeml::modality_word(d.modality).to_string()))?;
    column(file, "modality", modalities, "", "acoustic or seismic")
}
