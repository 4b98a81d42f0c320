//! `linewatch bench coverage`: coverage throughput, (cell, sensor) pairs evaluated per second,
//! on the GPU and by the f64 CPU reference (rayon) over the same cells in the same run.

use crate::coverage::FixRule;
use crate::coverage::raster::{Corridor, Tile};
use crate::error::{Error, Result};
use crate::geo;
use crate::gpu::Gpu;
use crate::scenario::{LoadedScenario, SightLines, TimeOfDay};
use crate::world::World;
use std::fmt;
use std::time::Instant;

/// Arithmetic per acoustic pair, read off `shaders/coverage.wgsl` and `shaders/pair.wgsl`:
/// about 110 f32 add/mul/div/compare and 11 special functions (5 sqrt, 1 log, 2 exp in the
/// erfc and the bearing pow, 1 log in that pow, 2 divisions by sqrt), each counted as ~20
/// operations as llvmpipe expands them into polynomials.
pub const OPERATIONS_PER_PAIR: f64 = 110.0 + 11.0 * 20.0;

/// What to measure.
#[derive(Debug, Clone)]
pub struct CoverageBenchOptions {
    pub resolution_m: f64,
    /// Class to map; absent: the scenario's first class.
    pub class: Option<String>,
    /// Corridor cells sampled from the middle of the line (both paths evaluate the same ones).
    pub sample_cells: usize,
    /// Also map every cell of the corridor on the GPU (no CPU reference: minutes per class).
    pub full: bool,
    /// How sight lines are settled; absent: the scenario's `[coverage] sight_lines`.
    pub sight_lines: Option<SightLines>,
}

#[derive(Debug, Clone)]
pub struct CoverageBench {
    pub scenario: String,
    pub class: String,
    pub adapter: String,
    pub cpu_threads: usize,
    pub sensors: usize,
    pub resolution_m: f64,
    pub corridor_cells: u64,
    pub sample_cells: usize,
    pub sight_lines: SightLines,
    /// Viewsheds swept on the device (0 when marching), and the seconds the sweep took
    /// (building the kernel, outside the GPU figure).
    pub viewsheds: usize,
    pub sweep_seconds: f64,
    pub gpu_pairs: u64,
    pub cpu_pairs: u64,
    /// Sample cells over the adapter's loop budget, which the GPU path handed to the f64
    /// reference (their time is in the GPU figure).
    pub cells_by_reference: u64,
    pub gpu_seconds: f64,
    pub cpu_seconds: f64,
    /// Largest |GPU − CPU| of the verifiable probability over the sample.
    pub max_verifiable_difference: f64,
    /// Sample cells whose verifiable probability differs by more than 1e-3 (with viewsheds: a
    /// grazing sight line settled one way in f32 and the other in f64).
    pub cells_differing: usize,
    /// The loop iterations of the cell where that difference is, and its p_k on each path.
    pub worst_cell: (u32, f32, f64),
    /// The whole corridor on the GPU: in-band cells, pairs, seconds.
    pub full: Option<(u64, u64, f64)>,
}

impl fmt::Display for CoverageBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = |pairs: u64, s: f64| pairs as f64 / s.max(1e-12);
        writeln!(f, "coverage benchmark — scenario '{}', class '{}'", self.scenario, self.class)?;
        writeln!(f, "  adapter            {}", self.adapter)?;
        writeln!(
            f,
            "  resolution         {} m ({} cells in the corridor's box)",
            self.resolution_m, self.corridor_cells
        )?;
        writeln!(f, "  sample             {} cells × {} sensors", self.sample_cells, self.sensors)?;
        match self.sight_lines {
            SightLines::Viewshed => writeln!(
                f,
                "  sight lines        viewshed: {} tables swept on the device in {:.3} s",
                self.viewsheds, self.sweep_seconds
            )?,
            SightLines::March => writeln!(f, "  sight lines        marched per pair")?,
        }
        writeln!(f, "  pairs in reach     GPU {}  CPU {}", self.gpu_pairs, self.cpu_pairs)?;
        if self.cells_by_reference > 0 {
            writeln!(f, "  over loop budget   {} cells recomputed on the CPU", self.cells_by_reference)?;
        }
        let gpu_rate = rate(self.gpu_pairs, self.gpu_seconds);
        writeln!(
            f,
            "  GPU (wgpu)         {:.3} s  {:.3e} pairs/s  ~{:.2} G op/s",
            self.gpu_seconds,
            gpu_rate,
            gpu_rate * OPERATIONS_PER_PAIR / 1e9
        )?;
        writeln!(
            f,
            "  CPU f64 reference  {:.3} s  {:.3e} pairs/s  ({} threads)",
            self.cpu_seconds,
            rate(self.cpu_pairs, self.cpu_seconds),
            self.cpu_threads
        )?;
        writeln!(f, "  GPU / CPU speed-up {:.1}×", self.cpu_seconds / self.gpu_seconds.max(1e-12))?;
        let (iterations, gpu_pk, cpu_pk) = self.worst_cell;
        write!(
            f,
            "  max |Δ verifiable| {:.2e} (a cell of {iterations} loop iterations, p_k GPU {gpu_pk:.4} CPU {cpu_pk:.4})",
            self.max_verifiable_difference
        )?;
        write!(f, "\n  |Δ verifiable| > 1e-3 in {} of {} cells", self.cells_differing, self.sample_cells)?;
        if let Some((cells, pairs, seconds)) = self.full {
            write!(
                f,
                "\n  full corridor GPU  {cells} cells, {pairs} pairs, {seconds:.1} s  {:.3e} pairs/s",
                rate(pairs, seconds)
            )?;
        }
        Ok(())
    }
}

/// In-band cells from the rows around the middle of the corridor, at least `wanted` of them
/// when the corridor has that many, truncated to `wanted`.
fn middle_sample(corridor: &Corridor, line: &geo::ContactLine, wanted: usize) -> Tile {
    let mut rows = 8usize;
    loop {
        let r0 = (corridor.ny / 2).saturating_sub(rows / 2);
        let r1 = (r0 + rows).min(corridor.ny);
        let mut tile = corridor.tile(line, r0, r1);
        if tile.cells.len() >= wanted || (r0 == 0 && r1 == corridor.ny) {
            tile.cells.truncate(wanted);
            tile.index.truncate(wanted);
            tile.chainage_km.truncate(wanted);
            return tile;
        }
        rows *= 2;
    }
}

pub fn coverage(loaded: &LoadedScenario, options: &CoverageBenchOptions) -> Result<CoverageBench> {
    let s = &loaded.scenario;
    let class =
        match &options.class {
            Some(name) => s.classes.iter().find(|c| &c.name == name).ok_or_else(|| {
                Error::file(&loaded.file, "--class", format!("the scenario has no class named '{name}'"))
            })?,
            None => s.classes.first().ok_or_else(|| Error::file(&loaded.file, "classes", "no violation class"))?,
        };
    let world = World::load(loaded)?;
    let (line, sensors) = (&world.line, &world.sensors);
    let gpu = Gpu::new()?;
    let spec = &s.coverage;
    let corridor = Corridor::around(line, spec.half_width_km * 1000.0, options.resolution_m);
    let sample = middle_sample(&corridor, line, options.sample_cells);
    let source = world.coverage_source(s, class, spec.time_of_day == TimeOfDay::Day);
    let sight_lines = options.sight_lines.unwrap_or(spec.sight_lines);
    let rule = FixRule::of(s);
    let t = Instant::now();
    let kernel = world.coverage_kernel(&gpu, s, sensors, &[source], sight_lines)?;
    gpu.finish()?;
    let sweep_seconds = t.elapsed().as_secs_f64();
    // Warm-up: pipeline compilation and first allocations are not throughput.
    kernel.evaluate(&source, &sample.cells[..sample.cells.len().min(256)], rule)?;
    let t = Instant::now();
    let gpu_out = kernel.evaluate(&source, &sample.cells, rule)?;
    let gpu_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cpu_out = kernel.reference(&source, &sample.cells, rule);
    let cpu_seconds = t.elapsed().as_secs_f64();
    let (max_verifiable_difference, worst_cell) = gpu_out
        .iter()
        .zip(&cpu_out)
        .map(|(g, c)| ((f64::from(g.verifiable) - c.verifiable).abs(), (g.loop_iterations, g.p_k, c.p_k)))
        .fold((0.0, (0, 0.0, 0.0)), |best, d| if d.0 > best.0 { d } else { best });
    let cells_differing =
        gpu_out.iter().zip(&cpu_out).filter(|(g, c)| (f64::from(g.verifiable) - c.verifiable).abs() > 1e-3).count();
    let full = if options.full {
        let mut scenario = loaded.clone();
        scenario.scenario.coverage.resolution_m = options.resolution_m;
        scenario.scenario.coverage.classes = vec![class.name.clone()];
        scenario.scenario.coverage.sight_lines = sight_lines;
        let maps = crate::coverage::map::map_scenario(&scenario, &world, &gpu, None, true)?;
        maps.first().map(|m| (m.cells, m.pairs, m.seconds))
    } else {
        None
    };
    Ok(CoverageBench {
        scenario: s.name.clone(),
        class: class.name.clone(),
        adapter: gpu.describe(),
        cpu_threads: rayon::current_num_threads(),
        sensors: sensors.len(),
        resolution_m: options.resolution_m,
        corridor_cells: corridor.cell_count(),
        sample_cells: sample.cells.len(),
        sight_lines,
        viewsheds: kernel.viewsheds(),
        sweep_seconds,
        gpu_pairs: gpu_out.iter().map(|o| u64::from(o.sensors)).sum(),
        cpu_pairs: cpu_out.iter().map(|c| u64::from(c.sensors)).sum(),
        cells_by_reference: gpu_out.iter().map(|o| u64::from(o.by_reference)).sum(),
        gpu_seconds,
        cpu_seconds,
        max_verifiable_difference,
        cells_differing,
        worst_cell,
        full,
    })
}
