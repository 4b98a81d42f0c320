//! `linewatch bench line-of-sight`: what the terrain march adds to one (source, sensor) pair
//! of a radar, camera or RF detector, on the scenario's own sensors and terrain. The same pairs
//! are evaluated over the terrain and over the flat stand-in that marches nothing, on the GPU
//! and by the f64 reference; the difference is the cost of the line of sight.

use crate::abi;
use crate::detect::gpu::{DetectKernel, evaluate_pairs_with};
use crate::detect::{self, BestCase, GpuEvent, GpuSensor, reference};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::scenario::LoadedScenario;
use crate::terrain::Terrain;
use crate::world::World;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::fmt;
use std::time::Instant;

/// Sources are placed within this range of their sensor at most, m: the full line's radars
/// reach 24 km and its cameras 15 km; RF detectors, hundreds, would otherwise dominate.
const MAX_PAIR_RANGE_M: f64 = 30_000.0;

#[derive(Debug, Clone)]
pub struct LineOfSightBench {
    pub scenario: String,
    pub class: String,
    pub adapter: String,
    pub cpu_threads: usize,
    pub sight_sensors: usize,
    pub pairs: usize,
    /// Terrain samples the march visits over all pairs, and the DEM step.
    pub samples: u64,
    pub step_m: f64,
    pub blocked: usize,
    /// Seconds: GPU and CPU, over the terrain and over flat ground.
    pub gpu_terrain_s: f64,
    pub gpu_flat_s: f64,
    pub cpu_terrain_s: f64,
    pub cpu_flat_s: f64,
    /// Pairs whose sight line GPU and CPU judge differently (f32 against f64 at grazing rays).
    pub disagreements: usize,
}

impl fmt::Display for LineOfSightBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.pairs as f64;
        let per_pair_ns = |terrain: f64, flat: f64| (terrain - flat) / n * 1e9;
        let samples_per_s = |terrain: f64, flat: f64| self.samples as f64 / (terrain - flat).max(1e-12);
        writeln!(f, "line-of-sight benchmark — scenario '{}', class '{}'", self.scenario, self.class)?;
        writeln!(f, "  adapter            {}", self.adapter)?;
        writeln!(
            f,
            "  pairs              {} over {} radar/camera/RF sensors, {:.1} % blocked",
            self.pairs,
            self.sight_sensors,
            100.0 * self.blocked as f64 / n.max(1.0)
        )?;
        writeln!(
            f,
            "  march              {} samples, {:.1} per pair, every {} m",
            self.samples,
            self.samples as f64 / n.max(1.0),
            self.step_m
        )?;
        for (name, terrain, flat) in [
            ("GPU (wgpu)", self.gpu_terrain_s, self.gpu_flat_s),
            ("CPU f64 reference", self.cpu_terrain_s, self.cpu_flat_s),
        ] {
            writeln!(
                f,
                "  {name:<18} terrain {terrain:.3} s  flat {flat:.3} s  line of sight {:.0} ns/pair  {:.3e} samples/s",
                per_pair_ns(terrain, flat),
                samples_per_s(terrain, flat)
            )?;
        }
        writeln!(f, "  CPU threads        {}", self.cpu_threads)?;
        writeln!(
            f,
            "  GPU / CPU speed-up {:.1}× on the march",
            (self.cpu_terrain_s - self.cpu_flat_s) / (self.gpu_terrain_s - self.gpu_flat_s).max(1e-12)
        )?;
        write!(f, "  decisions differ   {} of {} sight lines", self.disagreements, self.pairs)
    }
}

/// `pairs` random pairs: each line-of-sight sensor in turn, a source of `class` at a uniform
/// point of its field of view within its range (at most 30 km).
pub fn line_of_sight(loaded: &LoadedScenario, class: Option<&str>, pairs: usize) -> Result<LineOfSightBench> {
    let s = &loaded.scenario;
    let class_name = class.unwrap_or("vehicle");
    let class = s.classes.iter().find(|c| c.name == class_name).ok_or_else(|| {
        Error::file(&loaded.file, "--class", format!("the scenario has no class named '{class_name}'"))
    })?;
    let World { sensors, terrain, .. } = World::load(loaded)?;
    let sight: Vec<GpuSensor> = sensors.iter().filter(|s| s.modality.needs_terrain()).map(abi::gpu_sensor).collect();
    if sight.is_empty() {
        return Err(Error::file(&loaded.file, "rows", "no radar, camera or RF row: nothing marches the terrain"));
    }
    let params = abi::params(&s.environment, &s.truth, s.seed);
    // The reach bounds of the sensors alone, without the terrain's horizon: every pair marches.
    let source = crate::world::coverage_source(s, &BestCase::of(&sensors), class, true);
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut events = Vec::with_capacity(pairs);
    let mut list = Vec::with_capacity(pairs);
    for k in 0..pairs {
        let j = k % sight.len();
        let sensor = &sight[j];
        let range_max = f64::from(sensor.max_range_m).min(MAX_PAIR_RANGE_M);
        let range_min = f64::from(sensor.min_range_m).min(range_max);
        // Uniform over the annular sector: r² uniform.
        let r = rng.random_range(range_min * range_min..=range_max * range_max).sqrt();
        let half = f64::from(sensor.half_sector_rad);
        let azimuth = f64::from(sensor.azimuth_rad) + rng.random_range(-half..=half);
        events.push(GpuEvent {
            x: (f64::from(sensor.x) + r * azimuth.sin()) as f32,
            y: (f64::from(sensor.y) + r * azimuth.cos()) as f32,
            id: k as u32,
            // Every pair marches: no reach cuts it short.
            reach_radar_m: MAX_PAIR_RANGE_M as f32,
            reach_eo_m: MAX_PAIR_RANGE_M as f32,
            reach_rf_m: MAX_PAIR_RANGE_M as f32,
            ..source
        });
        list.push([k as u32, j as u32]);
    }
    let samples = events
        .iter()
        .zip(&list)
        .map(|(e, p)| {
            let s = &sight[p[1] as usize];
            let d = f64::from(e.x - s.x).hypot(f64::from(e.y - s.y));
            ((d / terrain.step_m).ceil().max(1.0) as u64).saturating_sub(1)
        })
        .sum();
    let gpu = Gpu::new()?;
    let kernel = DetectKernel::new(&gpu)?;
    let flat = Terrain::flat();
    let time_gpu = |t: &Terrain| -> Result<(f64, Vec<detect::GpuPairOut>)> {
        // Warm-up: buffers and the first dispatch are not throughput.
        evaluate_pairs_with(&kernel, &gpu, &params, t, &events, &sight, &list[..list.len().min(1024)])?;
        let started = Instant::now();
        let out = evaluate_pairs_with(&kernel, &gpu, &params, t, &events, &sight, &list)?;
        Ok((started.elapsed().as_secs_f64(), out))
    };
    let time_cpu = |t: &Terrain| {
        let started = Instant::now();
        let out: Vec<f64> = list
            .par_iter()
            .map(|p| reference::evaluate_pair(&params, t, &events[p[0] as usize], &sight[p[1] as usize]).clearance_m)
            .collect();
        (started.elapsed().as_secs_f64(), out)
    };
    let (gpu_terrain_s, gpu_out) = time_gpu(&terrain)?;
    let (gpu_flat_s, _) = time_gpu(&flat)?;
    let (cpu_terrain_s, cpu_clearance) = time_cpu(&terrain);
    let (cpu_flat_s, _) = time_cpu(&flat);
    let blocked = cpu_clearance.iter().filter(|c| **c < 0.0).count();
    let disagreements =
        gpu_out.iter().zip(&cpu_clearance).filter(|(g, c)| (g.clearance_m >= 0.0) != (**c >= 0.0)).count();
    Ok(LineOfSightBench {
        scenario: s.name.clone(),
        class: class.name.clone(),
        adapter: gpu.describe(),
        cpu_threads: rayon::current_num_threads(),
        sight_sensors: sight.len(),
        pairs,
        samples,
        step_m: terrain.step_m,
        blocked,
        gpu_terrain_s,
        gpu_flat_s,
        cpu_terrain_s,
        cpu_flat_s,
        disagreements,
    })
}
