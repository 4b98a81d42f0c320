//! A scenario made ready for the viewer: its line, places, terrain, deployed sensors and one
//! coverage source per class, loaded once per edit of the scenario text.

use crate::coverage::GpuCell;
use crate::coverage::raster::Corridor;
use crate::deploy::Sensor;
use crate::detect::{BestCase, GpuEvent};
use crate::error::Result;
use crate::geo::{ContactLine, Places, Plane};
use crate::scenario::{LoadedScenario, TimeOfDay};
use crate::terrain::Terrain;
use crate::world::{self, World};

/// Cells of the live summary's raster: enough for a 1 km profile of the whole line within the
/// profile depth, few enough to recompute in about a second on lavapipe (BENCHMARKS.md).
pub const SUMMARY_CELLS: f64 = 20_000.0;

pub struct Scene {
    pub loaded: LoadedScenario,
    pub plane: Plane,
    pub line: ContactLine,
    pub places: Places,
    pub terrain: Terrain,
    /// As deployed, with the scenario's own static losses (failed, jammed) switched off.
    pub sensors: Vec<Sensor>,
    /// Class names and the source each maps, in the scenario's order.
    pub classes: Vec<String>,
    pub sources: Vec<GpuEvent>,
    /// The summary's cells (within the profile depth) and their chainage.
    pub summary_cells: Vec<GpuCell>,
    pub summary_chainage_km: Vec<f64>,
    pub summary_resolution_m: f64,
    /// The map's background; None on flat ground.
    pub relief: Option<super::relief::Relief>,
}

impl Scene {
    pub fn load(loaded: LoadedScenario) -> Result<Self> {
        // The sensors the scenario lists out of service stay switchable: the viewer starts
        // with them switched off by hand (`enabled`).
        let mut kept_on = loaded.clone();
        kept_on.scenario.losses.out_of_service.clear();
        let World { plane, line, places, sensors, terrain, .. } = World::load(&kept_on)?;
        let s = &loaded.scenario;
        let best = BestCase::with_tail(&sensors, s.coverage.reach_tail_sigmas()).over(&terrain);
        let is_day = s.coverage.time_of_day == TimeOfDay::Day;
        let classes: Vec<String> = s.classes.iter().map(|c| c.name.clone()).collect();
        let sources = s.classes.iter().map(|c| world::coverage_source(s, &best, c, is_day)).collect();
        // The summary raster: as fine as the scenario's own, coarsened to about SUMMARY_CELLS
        // within the profile depth.
        let depth_m = s.coverage.profile_depth_km() * 1000.0;
        let band_m2 = line.length_km() * 1000.0 * 2.0 * depth_m;
        let resolution_m = s.coverage.resolution_m.max((band_m2 / SUMMARY_CELLS).sqrt());
        let corridor = Corridor::around(&line, depth_m, resolution_m);
        let tile = corridor.tile(&line, 0, corridor.ny);
        let (summary_cells, summary_chainage_km) = tile.cells.into_iter().zip(tile.chainage_km).unzip();
        let relief = super::relief::hillshade(&terrain.dem);
        Ok(Self {
            relief,
            plane,
            line,
            places,
            terrain,
            sensors,
            classes,
            sources,
            summary_cells,
            summary_chainage_km,
            summary_resolution_m: resolution_m,
            loaded,
        })
    }

    /// Total cost of the sensors switched on, EUR.
    pub fn cost_eur(&self, enabled: &[bool]) -> f64 {
        self.sensors.iter().zip(enabled).filter(|(_, on)| **on).map(|(s, _)| s.cost_eur).sum()
    }

    /// Which sensors are on: the deployment's own state, less those switched off by id.
    pub fn enabled(&self, switched_off: &std::collections::BTreeSet<u32>) -> Vec<bool> {
        self.sensors.iter().map(|s| s.active && !switched_off.contains(&s.id)).collect()
    }

    /// The world box of the line and its corridor, m: [x_min, y_min, x_max, y_max].
    pub fn bounds(&self) -> [f64; 4] {
        let pad = self.loaded.scenario.coverage.half_width_km * 1000.0;
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for p in &self.line.xy {
            b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
        }
        [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]
    }
}
