//! `linewatch bench waveforms RESULT.h5`: samples synthesised per second around a result's
//! detections, the GPU kernel against its f64 reference (rayon over the CPU's threads) on the
//! same windows in the same run. Nothing is written.

use crate::error::Result;
use crate::export::waveform::gpu::WaveformKernel;
use crate::export::waveform::{WaveParams, WaveformOptions, plan, reference};
use crate::gpu::Gpu;
use rayon::prelude::*;
use std::fmt;
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct WaveformBench {
    pub result: String,
    pub adapter: String,
    pub cpu_threads: usize,
    pub windows: usize,
    pub pulses: usize,
    pub samples_per_window: u32,
    pub rate_hz: f64,
    pub gpu_s: f64,
    /// The reference's windows (at most `reference_windows`) and time.
    pub cpu_windows: usize,
    pub cpu_s: f64,
}

impl fmt::Display for WaveformBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let samples = |w: usize| w as f64 * f64::from(self.samples_per_window);
        let gpu_rate = samples(self.windows) / self.gpu_s.max(1e-12);
        let cpu_rate = samples(self.cpu_windows) / self.cpu_s.max(1e-12);
        writeln!(f, "waveform benchmark — {}", self.result)?;
        writeln!(f, "  adapter            {}", self.adapter)?;
        writeln!(
            f,
            "  windows            {} of {} samples at {} Hz, {} pulses ({:.2} per window), {:.1} MB as f32",
            self.windows,
            self.samples_per_window,
            self.rate_hz,
            self.pulses,
            self.pulses as f64 / (self.windows.max(1)) as f64,
            samples(self.windows) * 4.0 / 1e6
        )?;
        writeln!(f, "  GPU (wgpu)         {:.3} s  {gpu_rate:.3e} samples/s (read back included)", self.gpu_s)?;
        writeln!(
            f,
            "  CPU f64 reference  {:.3} s  {cpu_rate:.3e} samples/s over {} windows, {} threads",
            self.cpu_s, self.cpu_windows, self.cpu_threads
        )?;
        write!(f, "  GPU / CPU speed-up {:.1}×", gpu_rate / cpu_rate.max(1e-12))
    }
}

pub fn waveforms(result: &Path, options: &WaveformOptions, reference_windows: usize) -> Result<WaveformBench> {
    options.check()?;
    let start = crate::export::parse_start(crate::export::DEFAULT_START)?;
    let source = crate::export::Source::read(result, start)?;
    let planned = plan(&source, options)?;
    let gpu = Gpu::new()?;
    let kernel = WaveformKernel::new(&gpu)?;
    let samples = options.samples();
    let per_call = kernel.windows_per_call(samples).min(crate::export::waveform::BATCH_WINDOWS);
    let clock = Instant::now();
    let n = planned.windows.len();
    for start in (0..n).step_by(per_call) {
        planned.synthesise(&kernel, options, source.seed, start..(start + per_call).min(n))?;
    }
    let gpu_s = clock.elapsed().as_secs_f64();
    let cpu_windows = planned.windows.len().min(reference_windows);
    let clock = Instant::now();
    let total: usize = planned.windows[..cpu_windows]
        .par_chunks(64)
        .map(|chunk| {
            reference::synthesise(
                &WaveParams::new(options, chunk.len(), source.seed),
                chunk,
                &planned.pulses,
                source.seed,
            )
            .len()
        })
        .sum();
    let cpu_s = clock.elapsed().as_secs_f64();
    debug_assert_eq!(total, cpu_windows * samples as usize);
    Ok(WaveformBench {
        result: source.shown.clone(),
        adapter: gpu.describe(),
        cpu_threads: rayon::current_num_threads(),
        windows: planned.windows.len(),
        pulses: planned.pulses.len(),
        samples_per_window: samples,
        rate_hz: options.rate_hz,
        gpu_s,
        cpu_windows,
        cpu_s,
    })
}

/// Continuous traces: every chosen sensor (its array's elements with `array_elements`) over
/// the options' `continuous_h`, synthesised on the GPU and dropped (nothing is written); the
/// f64 reference on the first `reference_tiles` kernel windows.
#[derive(Debug, Clone)]
pub struct ContinuousBench {
    pub result: String,
    pub adapter: String,
    pub cpu_threads: usize,
    pub sensors: usize,
    pub channels: usize,
    pub hours: f64,
    pub rate_hz: f64,
    pub samples: u64,
    pub gpu_s: f64,
    pub cpu_samples: u64,
    pub cpu_s: f64,
}

impl fmt::Display for ContinuousBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gpu_rate = self.samples as f64 / self.gpu_s.max(1e-12);
        let cpu_rate = self.cpu_samples as f64 / self.cpu_s.max(1e-12);
        writeln!(f, "continuous waveform benchmark — {}", self.result)?;
        writeln!(f, "  adapter            {}", self.adapter)?;
        writeln!(
            f,
            "  traces             {} channels of {} sensors, {} h at {} Hz: {:.3e} samples, {:.2} GB as f32",
            self.channels,
            self.sensors,
            self.hours,
            self.rate_hz,
            self.samples as f64,
            self.samples as f64 * 4.0 / 1e9
        )?;
        writeln!(f, "  GPU (wgpu)         {:.3} s  {gpu_rate:.3e} samples/s (read back included)", self.gpu_s)?;
        writeln!(
            f,
            "  CPU f64 reference  {:.3} s  {cpu_rate:.3e} samples/s over {:.3e} samples, {} threads",
            self.cpu_s, self.cpu_samples as f64, self.cpu_threads
        )?;
        write!(f, "  GPU / CPU speed-up {:.1}×", gpu_rate / cpu_rate.max(1e-12))
    }
}

pub fn continuous(result: &Path, options: &WaveformOptions, reference_tiles: usize) -> Result<ContinuousBench> {
    use crate::export::waveform::{Pulses, span};
    options.check()?;
    let hours = options.continuous_h.unwrap_or([0.0, 1.0]);
    let start = crate::export::parse_start(crate::export::DEFAULT_START)?;
    let source = crate::export::Source::read(result, start)?;
    let mut spans = span::continuous(&source, options, hours)?;
    let sensors = spans.len();
    if options.array_elements {
        spans = span::per_element(&source, spans);
    }
    let pulses = Pulses::new(&source);
    let gpu = Gpu::new()?;
    let kernel = WaveformKernel::new(&gpu)?;
    let clock = Instant::now();
    let mut samples = 0u64;
    span::synthesise(&source, options, &pulses, &kernel, &spans, |_, _, piece| {
        samples += piece.len() as u64;
        Ok(())
    })?;
    let gpu_s = clock.elapsed().as_secs_f64();

    // The reference on the first tiles of the first spans, as the kernel cuts them.
    let tile = options.samples();
    let mut windows = Vec::new();
    let mut wave_pulses = Vec::new();
    'spans: for s in &spans {
        for k in 0..s.samples.div_ceil(tile) {
            if windows.len() >= reference_tiles {
                break 'spans;
            }
            let first = s.first_sample + k * tile;
            windows.push(pulses.window(&source, options, (s.sensor_id, s.element), first, &mut wave_pulses));
        }
    }
    let clock = Instant::now();
    let cpu_samples: usize = windows
        .par_chunks(64)
        .map(|chunk| {
            reference::synthesise(&WaveParams::new(options, chunk.len(), source.seed), chunk, &wave_pulses, source.seed)
                .len()
        })
        .sum();
    let cpu_s = clock.elapsed().as_secs_f64();
    Ok(ContinuousBench {
        result: source.shown.clone(),
        adapter: gpu.describe(),
        cpu_threads: rayon::current_num_threads(),
        sensors,
        channels: spans.len(),
        hours: hours[1] - hours[0],
        rate_hz: options.rate_hz,
        samples,
        gpu_s,
        cpu_samples: cpu_samples as u64,
        cpu_s,
    })
}
