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
