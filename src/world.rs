//! The simulated world of a scenario, loaded once: the metric plane, the contact line, named
//! places, the deployed sensors with their static losses, and the terrain (docs/design.md §1).
//!
//! Every command starts here (`run`, `coverage`, `view`, `size`, each benchmark), so the
//! set-up sequence and the coverage kernel's construction are written once. This is also the
//! seam where the world's truth (its own weather, surveyed-position and clock errors) will part
//! from what the verifier believes: both are built from the same scenario, and the verifier
//! will receive the nominal view only.

use crate::abi;
use crate::coverage::GpuCoverage;
use crate::deploy::losses::{self, SensorLoss};
use crate::deploy::{self, Sensor};
use crate::detect::{BestCase, GpuEvent};
use crate::error::Result;
use crate::geo::{self, ContactLine, Places, Plane};
use crate::gpu::Gpu;
use crate::physics::source::SourceModel;
use crate::scenario::{LoadedScenario, Scenario, SightLines, ViolationClass};
use crate::terrain::{self, Terrain};

/// A scenario's world as the run starts.
pub struct World {
    pub plane: Plane,
    pub line: ContactLine,
    pub places: Places,
    /// As deployed, with the scenario's static losses (failed, jammed, out of service) marked
    /// inactive.
    pub sensors: Vec<Sensor>,
    /// Those static losses, for `/sensor_losses`.
    pub losses: Vec<SensorLoss>,
    pub terrain: Terrain,
}

impl World {
    /// Load everything the scenario names: line, places, sensors, static losses, terrain.
    pub fn load(loaded: &LoadedScenario) -> Result<Self> {
        let (plane, line) = geo::load_line(loaded)?;
        let places = geo::load_places(loaded, &plane)?;
        let mut sensors = deploy::deploy(loaded, &plane, &line)?;
        let losses = losses::apply_static(loaded, &plane, &mut sensors)?;
        let terrain = terrain::load(loaded, &plane, &line, &sensors)?;
        Ok(Self { plane, line, places, sensors, losses, terrain })
    }

    /// The best case over these sensors and this terrain: what the reach bounds assume.
    pub fn best_case(&self) -> BestCase {
        BestCase::of(&self.sensors).over(&self.terrain)
    }

    /// The source a class places at each coverage cell, by day or by night.
    pub fn coverage_source(&self, scenario: &Scenario, class: &ViolationClass, is_day: bool) -> GpuEvent {
        coverage_source(scenario, &self.best_case(), class, is_day)
    }

    /// The coverage kernel over these sensors (or `sensors`, a layout on this world's terrain),
    /// able to map every one of `sources`.
    pub fn coverage_kernel<'w>(
        &'w self,
        gpu: &'w Gpu,
        scenario: &Scenario,
        sensors: &[Sensor],
        sources: &[GpuEvent],
        sight_lines: SightLines,
    ) -> Result<GpuCoverage<'w>> {
        coverage_kernel(gpu, scenario, &self.terrain, sensors, sources, sight_lines)
    }
}

/// The source a class places at a coverage cell, with reach bounds from `best`.
pub fn coverage_source(scenario: &Scenario, best: &BestCase, class: &ViolationClass, is_day: bool) -> GpuEvent {
    abi::gpu_source(&SourceModel::from_signature(&class.source), &scenario.environment, best, is_day)
}

/// The one way a coverage kernel is built: the scenario's physics parameters, the sensors in a
/// grid per modality, and sight lines marched per pair or read from viewsheds that reach as far
/// as any of `sources` can be seen by each modality.
pub fn coverage_kernel<'g>(
    gpu: &'g Gpu,
    scenario: &Scenario,
    terrain: &'g Terrain,
    sensors: &[Sensor],
    sources: &[GpuEvent],
    sight_lines: SightLines,
) -> Result<GpuCoverage<'g>> {
    let params = abi::params(&scenario.environment, scenario.seed);
    let gpu_sensors: Vec<_> = sensors.iter().map(abi::gpu_sensor).collect();
    let cell_m = abi::DEFAULT_CELL_M;
    match sight_lines {
        SightLines::March => GpuCoverage::new(gpu, params, terrain, &gpu_sensors, cell_m),
        SightLines::Viewshed => {
            let reach = |modality| sources.iter().map(|e| f64::from(abi::reach_for(e, modality))).fold(0.0, f64::max);
            GpuCoverage::with_viewsheds(gpu, params, terrain, &gpu_sensors, cell_m, reach)
        }
    }
}
