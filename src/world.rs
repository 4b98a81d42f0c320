//! The simulated world of a scenario, loaded once: the metric plane, the contact line, named
//! places, the deployed sensors with their static losses, and the terrain (docs/design.md §1).
//!
//! Every command starts here (`run`, `coverage`, `view`, `size`, each benchmark), so the
//! set-up sequence and the coverage kernel's construction are written once. This is also where
//! the world's truth parts from what the verifier believes (docs/design.md §3): the detection
//! kernel hears events in the world's own weather (`weather`), from where each sensor really
//! stands (`true_sensors`) and on its own clock (`clock_offsets_s`); the verifier and the
//! coverage maps get the nominal weather, the surveyed `sensors` and the stated σ only.

use crate::abi;
use crate::coverage::GpuCoverage;
use crate::deploy::losses::{self, SensorLoss};
use crate::deploy::{self, Sensor};
use crate::detect::{BestCase, GpuEvent};
use crate::error::Result;
use crate::events::Event;
use crate::geo::{self, ContactLine, Places, Plane};
use crate::gpu::Gpu;
use crate::physics::source::SourceModel;
use crate::rng;
use crate::scenario::{FieldPath, LoadedScenario, Scenario, SightLines, Truth, ViolationClass};
use crate::terrain::{self, Terrain};
use crate::weather::{Weather, WeatherField};

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
    /// The same sensors where they really are: each surveyed coordinate off by N(0, σ_survey).
    pub true_sensors: Vec<Sensor>,
    /// Each sensor clock's offset, s, by sensor id.
    pub clock_offsets_s: Vec<f64>,
    /// The weather the world has at each event.
    pub weather: WeatherField,
}

impl World {
    /// Load everything the scenario names: line, places, sensors, static losses, terrain.
    pub fn load(loaded: &LoadedScenario) -> Result<Self> {
        let (plane, line) = geo::load_line(loaded)?;
        refuse_a_line_too_long(loaded, &line)?;
        crate::coverage::raster::scenario_corridor(loaded, &line)?;
        let places = geo::load_places(loaded, &plane)?;
        let mut sensors = deploy::deploy(loaded, &plane, &line)?;
        refuse_too_many_events(loaded, &sensors)?;
        let losses = losses::apply_static(loaded, &plane, &mut sensors)?;
        let terrain = terrain::load(loaded, &plane, &line, &sensors)?;
        let s = &loaded.scenario;
        let (true_sensors, clock_offsets_s) = sensor_truth(&sensors, &s.truth, s.seed);
        let weather = WeatherField::new(&s.environment, &s.truth, s.seed);
        Ok(Self { plane, line, places, sensors, losses, terrain, true_sensors, clock_offsets_s, weather })
    }

    /// The best case over these sensors and this terrain: what the reach bounds assume.
    pub fn best_case(&self) -> BestCase {
        BestCase::of(&self.sensors).over(&self.terrain)
    }

    /// An event as the detection kernel hears it: in the world's weather there and then, with
    /// no RF link when the source is one of its class's fibre-optic fraction.
    pub fn gpu_event(&self, scenario: &Scenario, e: &Event, best: &BestCase) -> GpuEvent {
        let mut g = abi::gpu_event(e, &scenario.environment, &self.weather.at(e.chainage_km, e.t_s, e.is_day), best);
        if !carries_rf_link(scenario.seed, e) {
            g.reach_rf_m = 0.0;
        }
        g
    }

    /// The source a class places at each coverage cell, by day or by night.
    pub fn coverage_source(&self, scenario: &Scenario, class: &ViolationClass, is_day: bool) -> GpuEvent {
        coverage_source(scenario, &self.coverage_best_case(scenario), class, is_day)
    }

    /// The most favourable conditions the maps bound their reach with: the scenario's stated
    /// `[coverage] reach_probability` instead of the detection kernel's 1e-6.
    pub fn coverage_best_case(&self, scenario: &Scenario) -> BestCase {
        BestCase::with_tail(&self.sensors, scenario.coverage.reach_tail_sigmas()).over(&self.terrain)
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

/// A line longer than `limits.max_line_km`: its ends would be too far from the working plane's
/// central meridian for distances to hold.
fn refuse_a_line_too_long(loaded: &LoadedScenario, line: &ContactLine) -> Result<()> {
    let max = loaded.scenario.limits.max_line_km;
    if line.length_km() <= max {
        return Ok(());
    }
    let field = if loaded.scenario.line.geojson.is_some() { "line.geojson" } else { "line" };
    Err(loaded.error_at(
        &FieldPath::parse(field),
        format!(
            "the line is {:.0} km long, over limits.max_line_km = {max}: its ends lie too far from the plane's central meridian",
            line.length_km()
        ),
    ))
}

/// Source events and false alarms over `limits.max_events`, from the rates (the classes' alone
/// are checked with the scenario; the false alarms need the deployed sensors).
fn refuse_too_many_events(loaded: &LoadedScenario, sensors: &[Sensor]) -> Result<()> {
    let s = &loaded.scenario;
    let events: f64 = s.classes.iter().map(|c| crate::scenario::class_events(c, s.duration_h)).sum();
    let alarms: f64 = sensors.iter().map(|x| x.false_alarms_per_day).sum::<f64>() * s.duration_h / 24.0;
    if events + alarms <= s.limits.max_events as f64 {
        return Ok(());
    }
    let field = s.rows.iter().position(|r| r.false_alarms_per_day > 0.0).map_or_else(
        || FieldPath::parse("limits.max_events"),
        |r| FieldPath::parse("rows").index(r).key("false_alarms_per_day"),
    );
    Err(loaded.error_at(
        &field,
        format!(
            "about {events:.3e} events and {alarms:.3e} false alarms over {} h exceed limits.max_events = {}; lower the rates or the duration",
            s.duration_h, s.limits.max_events
        ),
    ))
}

/// Whether an event's source carries its RF link: a draw per track (a drone has a radio or a
/// fibre for its whole flight), or per event without one, against the class's fraction.
pub fn carries_rf_link(seed: u64, e: &Event) -> bool {
    if e.source.rf_link_fraction >= 1.0 {
        return true;
    }
    let (index, track) = if e.track_id >= 0 { (e.track_id as u32, 1) } else { (e.id, 0) };
    let h = rng::pcg4d(rng::key(rng::sub_seed(seed, rng::purpose::RF_LINK, track), index, 0, 0));
    rng::unit_open0(h[0]) <= e.source.rf_link_fraction
}

/// Where each sensor really is (its surveyed position off by N(0, σ) per horizontal axis) and
/// its clock's offset, s: drawn per sensor id from the seed.
fn sensor_truth(sensors: &[Sensor], truth: &Truth, seed: u64) -> (Vec<Sensor>, Vec<f64>) {
    let mut offsets = vec![0.0; sensors.iter().map(|s| s.id as usize + 1).max().unwrap_or(0)];
    let moved = sensors
        .iter()
        .map(|s| {
            let h = rng::pcg4d(rng::key(rng::sub_seed(seed, rng::purpose::SENSOR_TRUTH, s.id), s.id, 0, 0));
            let (dx, dy) = rng::box_muller(h[0], h[1]);
            let (clock, _) = rng::box_muller(h[2], h[3]);
            offsets[s.id as usize] = truth.clock_sigma_ms * 1e-3 * clock;
            Sensor { x: s.x + truth.survey_sigma_m * dx, y: s.y + truth.survey_sigma_m * dy, ..s.clone() }
        })
        .collect();
    (moved, offsets)
}

/// The source a class places at a coverage cell, in the nominal weather, with reach bounds from
/// `best`.
pub fn coverage_source(scenario: &Scenario, best: &BestCase, class: &ViolationClass, is_day: bool) -> GpuEvent {
    let env = &scenario.environment;
    let source = SourceModel::from_signature(&class.source);
    // A track's heading is not known at a cell: its mean speed in any direction.
    let speed = class.track.as_ref().map(|t| 0.5 * (t.speed_mps[0] + t.speed_mps[1]));
    GpuEvent {
        persistent: u32::from(class.kind == crate::scenario::ClassKind::Movement),
        speed_mps: speed.unwrap_or(0.0) as f32,
        motion: if speed.is_some() { abi::MOTION_ANY_HEADING } else { abi::MOTION_UNMODELLED },
        salvo_spread_s: class.salvo.map_or(0.0, |s| s.spread_s as f32),
        salvo_guns_min: class.salvo.map_or(0, |s| s.guns[0]),
        salvo_guns_max: class.salvo.map_or(0, |s| s.guns[1]),
        ..abi::gpu_source(&source, env, &Weather::nominal(env, is_day), best, is_day)
    }
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
    let params = abi::belief_params(&scenario.environment, &scenario.truth, scenario.seed);
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
