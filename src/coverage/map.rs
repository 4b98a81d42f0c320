//! Coverage maps of a scenario: each class's source placed at every corridor cell on the GPU,
//! row band by row band, streamed to HDF5, summarised as an along-line profile, gaps and a
//! small preview for the picture.

use super::gpu::GpuCellOut;
pub use super::profile::{Gap, Profile};
use super::raster::Corridor;
use crate::detect::GpuEvent;
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::output::coverage::{self as h5, CoverageAttributes};
use crate::scenario::{LoadedScenario, TimeOfDay};
use crate::world::World;
use ndarray::Array2;
use std::time::Instant;

/// Cells per row band: five f32 metrics of a million cells is 20 MB.
const CELLS_PER_BAND: usize = 1 << 20;
/// Preview pixels along the longer side, at most.
const PREVIEW_MAX: usize = 900;

/// Mean verifiable probability on a coarse grid, for the picture.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub width: usize,
    pub height: usize,
    /// Corridor cells per preview pixel along each axis.
    pub factor: usize,
    sum: Vec<f32>,
    count: Vec<u32>,
}

impl Preview {
    fn new(corridor: &Corridor) -> Self {
        let factor = corridor.nx.max(corridor.ny).div_ceil(PREVIEW_MAX).max(1);
        let (width, height) = (corridor.nx.div_ceil(factor), corridor.ny.div_ceil(factor));
        Self { width, height, factor, sum: vec![0.0; width * height], count: vec![0; width * height] }
    }

    fn add(&mut self, i: usize, j: usize, v: f32) {
        let k = (j / self.factor) * self.width + i / self.factor;
        self.sum[k] += v;
        self.count[k] += 1;
    }

    /// Mean over the corridor cells under pixel (i, j), or None outside the corridor.
    pub fn value(&self, i: usize, j: usize) -> Option<f32> {
        let k = j * self.width + i;
        (self.count[k] > 0).then(|| self.sum[k] / self.count[k] as f32)
    }
}

/// One class's map and its summary.
#[derive(Debug, Clone)]
pub struct ClassMap {
    pub class: String,
    pub corridor: Corridor,
    pub profile: Profile,
    pub gaps: Vec<Gap>,
    /// Where each gap is: the nearest named place to its middle ("near Siversk (4 km)").
    pub gap_places: Vec<String>,
    pub preview: Preview,
    /// Cells within the profile depth, and those at or above the target: verifiable, and also
    /// p_detect and p_k (what a sizing target of those metrics counts).
    pub cells: u64,
    pub covered: u64,
    pub covered_detect: u64,
    pub covered_k: u64,
    /// (cell, sensor) pairs within reach that the kernel evaluated, over the whole band.
    pub pairs: u64,
    /// Cells over the adapter's loop budget, computed by the f64 reference (gpu::loop_budget).
    pub cells_by_reference: u64,
    pub seconds: f64,
}

impl ClassMap {
    /// Fractions of the cells within the profile depth whose p_detect and p_k reach the target.
    pub fn detect_and_k_fractions(&self) -> (f64, f64) {
        if self.cells == 0 {
            return (0.0, 0.0);
        }
        (self.covered_detect as f64 / self.cells as f64, self.covered_k as f64 / self.cells as f64)
    }

    /// Fraction of the cells within the profile depth that are verifiable at the target.
    pub fn covered_fraction(&self) -> f64 {
        if self.cells > 0 { self.covered as f64 / self.cells as f64 } else { 0.0 }
    }
}

/// Map every class the scenario asks for over the world's sensors; write each to `file` when
/// given.
pub fn map_scenario(
    loaded: &LoadedScenario,
    world: &World,
    gpu: &Gpu,
    file: Option<&hdf5::File>,
    progress: bool,
) -> Result<Vec<ClassMap>> {
    let s = &loaded.scenario;
    let spec = &s.coverage;
    let line = &world.line;
    let corridor = super::raster::scenario_corridor(loaded, line)?;
    let is_day = spec.time_of_day == TimeOfDay::Day;
    let classes: Vec<_> =
        s.classes.iter().filter(|c| spec.classes.is_empty() || spec.classes.contains(&c.name)).collect();
    let sources: Vec<GpuEvent> = classes.iter().map(|c| world.coverage_source(s, c, is_day)).collect();
    // Viewsheds reach as far as any mapped class can be seen by each modality.
    let coverage = world.coverage_kernel(gpu, s, &world.sensors, &sources, spec.sight_lines)?;
    let bands = corridor.ny.div_ceil((CELLS_PER_BAND / corridor.nx).max(1));
    let bar = crate::progress::bar((classes.len() * bands) as u64, "coverage row bands", progress);
    let depth_m = spec.profile_depth_km() * 1000.0;
    let rule = super::FixRule::of(s);
    let mut maps = Vec::new();
    for (class, source) in classes.into_iter().zip(sources) {
        let started = Instant::now();
        let datasets = match file {
            Some(f) => Some(
                h5::create(
                    f,
                    &corridor,
                    &CoverageAttributes {
                        class: &class.name,
                        k: spec.k,
                        fix: &rule.describe(),
                        target: spec.target,
                        time_of_day: if is_day { "day" } else { "night" },
                        profile_depth_km: spec.profile_depth_km(),
                    },
                )
                .map_err(|e| Error::output("coverage", e))?,
            ),
            None => None,
        };
        let mut map = ClassMap {
            class: class.name.clone(),
            corridor,
            profile: Profile::new(spec.profile_bin_km, line.length_km()),
            gaps: Vec::new(),
            gap_places: Vec::new(),
            preview: Preview::new(&corridor),
            cells: 0,
            covered: 0,
            covered_detect: 0,
            covered_k: 0,
            pairs: 0,
            cells_by_reference: 0,
            seconds: 0.0,
        };
        let rows_per_band = (CELLS_PER_BAND / corridor.nx).max(1);
        for r0 in (0..corridor.ny).step_by(rows_per_band) {
            let r1 = (r0 + rows_per_band).min(corridor.ny);
            let tile = corridor.tile(line, r0, r1);
            let out = coverage.evaluate(&source, &tile.cells, rule)?;
            let mut values: Vec<Array2<f32>> =
                (0..h5::METRICS.len()).map(|_| Array2::from_elem((r1 - r0, corridor.nx), f32::NAN)).collect();
            for (((&index, chainage), cell), o) in tile.index.iter().zip(&tile.chainage_km).zip(&tile.cells).zip(&out) {
                let (j, i) = (index / corridor.nx, index % corridor.nx);
                for (m, v) in metric_values(o).into_iter().enumerate() {
                    values[m][(j, i)] = v;
                }
                map.preview.add(i, r0 + j, o.verifiable);
                map.pairs += u64::from(o.sensors);
                map.cells_by_reference += u64::from(o.by_reference);
                if f64::from(cell.offset_m.abs()) <= depth_m {
                    map.profile.add(*chainage, f64::from(o.verifiable), spec.target);
                    map.cells += 1;
                    map.covered += u64::from(f64::from(o.verifiable) >= spec.target);
                    map.covered_detect += u64::from(f64::from(o.p_detect) >= spec.target);
                    map.covered_k += u64::from(f64::from(o.p_k) >= spec.target);
                }
            }
            if let Some(d) = &datasets {
                d.write_rows(r0, &values).map_err(|e| Error::output("coverage", e))?;
            }
            bar.inc(1);
        }
        map.gaps = map.profile.gaps(spec.target);
        map.gap_places = map
            .gaps
            .iter()
            .map(|g| {
                let at = |km: f64| line.point_at(km, 0.0);
                world.places.describe_stretch(
                    at(g.start_km),
                    at(0.5 * (g.start_km + g.end_km)),
                    at(g.end_km),
                    g.end_km - g.start_km,
                )
            })
            .collect();
        if let Some(d) = &datasets {
            d.write_profile(&map.profile, &map.gaps, &map.gap_places).map_err(|e| Error::output("coverage", e))?;
        }
        map.seconds = started.elapsed().as_secs_f64();
        maps.push(map);
    }
    bar.finish_and_clear();
    Ok(maps)
}

fn metric_values(o: &GpuCellOut) -> [f32; 5] {
    [o.p_detect, o.p_k, o.sigma_n_m, o.p_attrib, o.verifiable]
}
