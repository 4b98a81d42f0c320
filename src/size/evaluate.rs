//! Scores a layout against the `[size]` targets: the coverage kernel over the corridor cells
//! within the profile depth, at the search resolution, for each target's class.

use crate::coverage::raster::Corridor;
use crate::coverage::{FixRule, GpuCell, GpuCellOut, GpuCoverage};
use crate::deploy::{self, Sensor};
use crate::detect::GpuEvent;
use crate::error::{Error, Result};
use crate::geo::{ContactLine, Plane};
use crate::gpu::Gpu;
use crate::scenario::{LoadedScenario, SensorRow, SizeMetric, TimeOfDay};
use crate::terrain::Terrain;
use crate::world::{self, World};

/// One target, ready for the kernel.
#[derive(Debug, Clone)]
pub struct Target {
    pub class: String,
    pub metric: SizeMetric,
    pub confidence: f64,
    pub fraction: f64,
    source: GpuEvent,
}

impl Target {
    /// "artillery verifiable ≥ 0.95 on ≥ 90 % of cells".
    pub fn describe(&self) -> String {
        format!(
            "{} {} ≥ {} on ≥ {:.1} % of cells",
            self.class,
            self.metric.name(),
            self.confidence,
            100.0 * self.fraction
        )
    }

    fn value(&self, o: &GpuCellOut) -> f64 {
        f64::from(match self.metric {
            SizeMetric::Verifiable => o.verifiable,
            SizeMetric::PDetect => o.p_detect,
            SizeMetric::PK => o.p_k,
        })
    }
}

/// What a layout achieves: per target, the fraction of cells reaching the confidence over the
/// whole line and per stretch.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub fractions: Vec<f64>,
    /// `[target][stretch]`; one stretch when the line is not divided.
    pub stretch_fractions: Vec<Vec<f64>>,
    /// Per target, each cell's metric (for the adversary's local scoring).
    pub values: Vec<Vec<f32>>,
    /// (cell, sensor) pairs within reach the kernel evaluated, over all targets.
    pub pairs: u64,
}

impl Scores {
    /// Every target met on the whole line.
    pub fn meets(&self, targets: &[Target]) -> bool {
        self.fractions.iter().zip(targets).all(|(f, t)| *f >= t.fraction)
    }
}

/// The scenario's line, terrain, corridor cells and target sources, loaded once for every
/// layout the search tries.
pub struct Evaluator<'a> {
    pub loaded: &'a LoadedScenario,
    pub plane: Plane,
    pub line: ContactLine,
    pub gpu: &'a Gpu,
    pub targets: Vec<Target>,
    pub cells: Vec<GpuCell>,
    pub cell_chainage_km: Vec<f64>,
    /// Stretch of each cell, and the stretches' chainage bounds.
    pub cell_stretch: Vec<usize>,
    pub stretches: Vec<[f64; 2]>,
    terrain: Terrain,
    rule: FixRule,
}

impl<'a> Evaluator<'a> {
    /// `superset`: every row any candidate layout may deploy, at its densest; it fixes the
    /// terrain's extent and the best-case sensor the reach bounds assume.
    pub fn new(loaded: &'a LoadedScenario, gpu: &'a Gpu, superset: Vec<SensorRow>) -> Result<Self> {
        let s = &loaded.scenario;
        let spec = &s.size;
        let mut widest = loaded.clone();
        widest.scenario.rows = superset;
        let world = World::load(&widest)?;
        let best = world.coverage_best_case(s);
        let World { plane, line, terrain, .. } = world;
        let is_day = s.coverage.time_of_day == TimeOfDay::Day;
        let targets = spec
            .targets
            .iter()
            .map(|t| {
                let class = s.classes.iter().find(|c| c.name == t.class).ok_or_else(|| {
                    Error::file(&loaded.file, "size.targets", format!("no class named '{}'", t.class))
                })?;
                Ok(Target {
                    class: t.class.clone(),
                    metric: t.metric,
                    confidence: t.confidence.unwrap_or(s.coverage.target),
                    fraction: t.fraction,
                    source: world::coverage_source(s, &best, class, is_day),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let corridor = Corridor::around(&line, s.coverage.half_width_km * 1000.0, spec.resolution_m);
        if corridor.cell_count() > MAX_SEARCH_CELLS {
            return Err(loaded.error_at(
                &crate::scenario::FieldPath::parse("size.resolution_m"),
                format!(
                    "{} cells exceed the search limit of {MAX_SEARCH_CELLS}; coarsen the resolution",
                    corridor.cell_count()
                ),
            ));
        }
        let tile = corridor.tile(&line, 0, corridor.ny);
        let depth_m = s.coverage.profile_depth_km() * 1000.0;
        let (cells, cell_chainage_km): (Vec<_>, Vec<_>) = tile
            .cells
            .iter()
            .zip(&tile.chainage_km)
            .filter(|(c, _)| f64::from(c.offset_m.abs()) <= depth_m)
            .map(|(c, k)| (*c, *k))
            .unzip();
        let length = line.length_km();
        let stretch_km = spec.stretch_km.unwrap_or(length).min(length).max(1e-9);
        let count = (length / stretch_km).ceil().max(1.0) as usize;
        let stretches =
            (0..count).map(|j| [j as f64 * stretch_km, ((j + 1) as f64 * stretch_km).min(length)]).collect();
        let cell_stretch = cell_chainage_km.iter().map(|&c| ((c / stretch_km) as usize).min(count - 1)).collect();
        Ok(Self {
            rule: FixRule::of(s),
            loaded,
            plane,
            line,
            gpu,
            targets,
            cells,
            cell_chainage_km,
            cell_stretch,
            stretches,
            terrain,
        })
    }

    /// The sensors these rows deploy.
    pub fn deploy(&self, rows: Vec<SensorRow>) -> Result<Vec<Sensor>> {
        let mut scenario = self.loaded.clone();
        scenario.scenario.rows = rows;
        deploy::deploy(&scenario, &self.plane, &self.line)
    }

    /// The coverage kernel over these sensors, with viewsheds when the scenario maps with them.
    pub fn kernel(&self, sensors: &[Sensor]) -> Result<GpuCoverage<'_>> {
        let s = &self.loaded.scenario;
        let sources: Vec<GpuEvent> = self.targets.iter().map(|t| t.source).collect();
        world::coverage_kernel(self.gpu, s, &self.terrain, sensors, &sources, s.coverage.sight_lines)
    }

    /// Score every target over every cell.
    pub fn score(&self, kernel: &GpuCoverage) -> Result<Scores> {
        let n = self.stretches.len();
        let mut scores = Scores { fractions: Vec::new(), stretch_fractions: Vec::new(), values: Vec::new(), pairs: 0 };
        for t in &self.targets {
            let out = kernel.evaluate(&t.source, &self.cells, self.rule)?;
            scores.pairs += out.iter().map(|o| u64::from(o.sensors)).sum::<u64>();
            let values: Vec<f32> = out.iter().map(|o| t.value(o) as f32).collect();
            let (mut hit, mut total) = (vec![0u64; n], vec![0u64; n]);
            for (v, &j) in values.iter().zip(&self.cell_stretch) {
                total[j] += 1;
                hit[j] += u64::from(f64::from(*v) >= t.confidence);
            }
            let ratio = |h: u64, n: u64| if n > 0 { h as f64 / n as f64 } else { 1.0 };
            scores.fractions.push(ratio(hit.iter().sum(), total.iter().sum()));
            scores.stretch_fractions.push(hit.iter().zip(&total).map(|(&h, &n)| ratio(h, n)).collect());
            scores.values.push(values);
        }
        Ok(scores)
    }

    /// Each target's metric over a subset of the cells (by index), with the kernel as it is.
    pub fn values_at(&self, kernel: &GpuCoverage, cells: &[usize]) -> Result<Vec<Vec<f32>>> {
        let subset: Vec<GpuCell> = cells.iter().map(|&i| self.cells[i]).collect();
        self.targets
            .iter()
            .map(|t| Ok(kernel.evaluate(&t.source, &subset, self.rule)?.iter().map(|o| t.value(o) as f32).collect()))
            .collect()
    }
}

/// Ceiling of the search raster's cells (the corridor's box).
const MAX_SEARCH_CELLS: u64 = 50_000_000;
