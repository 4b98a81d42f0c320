//! `linewatch bench`: detection throughput on the GPU against the CPU reference, same run,
//! same events, reporting the work done (pairs, bytes) and not only seconds; `coverage` does
//! the same for the coverage kernel.

mod coverage;
mod line_of_sight;
mod verify;
mod viewer;
mod waveforms;
pub use coverage::{CoverageBench, CoverageBenchOptions, coverage};
pub use line_of_sight::{LineOfSightBench, line_of_sight};
pub use verify::{VerifyBench, verify};
pub use viewer::{ViewerBench, viewer};
pub use waveforms::{ContinuousBench, WaveformBench, continuous as waveforms_continuous, waveforms};

use crate::abi;
use crate::detect::{GpuDetector, SensorGrid, reference};
use crate::error::Result;
use crate::events::EventGenerator;
use crate::gpu::Gpu;
use crate::scenario::LoadedScenario;
use crate::world::World;
use std::fmt;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct DetectionBench {
    pub scenario: String,
    pub adapter: String,
    pub cpu_threads: usize,
    pub sensors: usize,
    pub events: usize,
    pub pairs: u64,
    pub gpu_detections: usize,
    pub cpu_detections: usize,
    pub gpu_seconds: f64,
    pub cpu_seconds: f64,
    pub bytes_moved: u64,
    /// Kernel dispatches, and the events the f64 reference detected instead because llvmpipe cut
    /// their loops short (both inside the GPU time).
    pub dispatches: u64,
    pub events_by_reference: u64,
}

impl fmt::Display for DetectionBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = |s: f64| self.pairs as f64 / s.max(1e-12);
        writeln!(f, "detection benchmark — scenario '{}'", self.scenario)?;
        writeln!(f, "  adapter            {}", self.adapter)?;
        writeln!(f, "  sensors × events   {} × {}", self.sensors, self.events)?;
        writeln!(f, "  pairs in reach     {}", self.pairs)?;
        writeln!(f, "  detections         GPU {}  CPU {}", self.gpu_detections, self.cpu_detections)?;
        writeln!(
            f,
            "  GPU (wgpu)         {:.3} s  {:.3e} pairs/s  {:.1} MB moved",
            self.gpu_seconds,
            rate(self.gpu_seconds),
            self.bytes_moved as f64 / 1e6
        )?;
        writeln!(
            f,
            "  GPU dispatches     {}, {} events left to the reference (llvmpipe's loop limit)",
            self.dispatches, self.events_by_reference
        )?;
        writeln!(
            f,
            "  CPU f64 reference  {:.3} s  {:.3e} pairs/s  ({} threads)",
            self.cpu_seconds,
            rate(self.cpu_seconds),
            self.cpu_threads
        )?;
        write!(f, "  GPU / CPU speed-up {:.1}×", self.cpu_seconds / self.gpu_seconds.max(1e-12))
    }
}

/// Generate `hours` of the scenario's events and detect them twice: GPU, then CPU reference.
pub fn detection(loaded: &LoadedScenario, hours: f64) -> Result<DetectionBench> {
    let s = &loaded.scenario;
    let world = World::load(loaded)?;
    let (sensors, terrain) = (&world.true_sensors, &world.terrain);
    let gpu = Gpu::new()?;
    let mut generator = EventGenerator::new(loaded, &world.plane, &world.line);
    let blocks = ((hours * 3600.0 / generator.block_s).ceil() as u32).min(generator.block_count);
    let best = world.best_case();
    let mut events = Vec::new();
    for b in 0..blocks {
        events.extend(generator.block(b)?.iter().map(|e| world.gpu_event(s, e, &best)));
    }
    let grid = SensorGrid::by_modality(&sensors.iter().map(abi::gpu_sensor).collect::<Vec<_>>(), abi::DEFAULT_CELL_M);
    let mut params = abi::params(&s.environment, &s.truth, s.seed);
    grid.apply(&mut params);
    let mut detector = GpuDetector::new(&gpu, params, &grid, terrain)?;
    // Warm-up: pipeline compilation and first allocations are not throughput.
    detector.detect(&events[..events.len().min(64)])?;
    let warm = detector.stats;
    let t = Instant::now();
    let gpu_found = detector.detect(&events)?;
    let gpu_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (cpu_found, cpu_pairs) = reference::detect_events(&params, terrain, &events, &grid);
    let cpu_seconds = t.elapsed().as_secs_f64();
    let pairs = detector.stats.pairs - warm.pairs;
    debug_assert_eq!(pairs, cpu_pairs);
    Ok(DetectionBench {
        scenario: s.name.clone(),
        adapter: gpu.describe(),
        cpu_threads: rayon::current_num_threads(),
        sensors: sensors.len(),
        events: events.len(),
        pairs: pairs.max(cpu_pairs),
        gpu_detections: gpu_found.len(),
        cpu_detections: cpu_found.len(),
        gpu_seconds,
        cpu_seconds,
        bytes_moved: detector.stats.bytes_moved - warm.bytes_moved,
        dispatches: detector.stats.dispatches - warm.dispatches,
        events_by_reference: detector.stats.events_by_reference - warm.events_by_reference,
    })
}
