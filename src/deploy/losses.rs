//! Sensors a run loses (`[losses]`): failed and jammed ones from the start, destroyed ones at
//! the time of the impact that destroys them.

use super::Sensor;
use crate::error::{Error, Result};
use crate::events::{Event, EventKind};
use crate::geo::Plane;
use crate::rng::{purpose, sub_seed};
use crate::scenario::{LoadedScenario, LossSpec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// Why a sensor stopped reporting; written to the result file as this HDF5 enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, hdf5::H5Type)]
#[repr(u8)]
pub enum LossCause {
    /// A random failure (availability).
    Failed = 1,
    /// Inside a jamming zone: its reports do not get out.
    Jammed = 2,
    /// Within the lethal radius of an impact.
    Destroyed = 3,
    /// Listed in `losses.out_of_service`.
    OutOfService = 4,
}

/// One sensor lost, and from when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensorLoss {
    pub sensor_id: u32,
    pub t_s: f64,
    pub cause: LossCause,
}

/// `true` for the sensors inside any jamming zone.
pub fn jammed(loaded: &LoadedScenario, plane: &Plane, sensors: &[Sensor]) -> Result<Vec<bool>> {
    let mut out = vec![false; sensors.len()];
    for z in &loaded.scenario.losses.jamming {
        let c = plane.forward(z.lon, z.lat).map_err(|e| Error::file(&loaded.file, "losses.jamming", e))?;
        let r2 = (z.radius_km * 1000.0).powi(2);
        for (j, s) in out.iter_mut().zip(sensors) {
            *j |= (s.x - c[0]).powi(2) + (s.y - c[1]).powi(2) <= r2;
        }
    }
    Ok(out)
}

/// `true` for the sensors down in draw `draw` of the availability (one draw per sensor, from a
/// stream of the run's seed).
pub fn failed(spec: &LossSpec, seed: u64, draw: u32, count: usize) -> Vec<bool> {
    let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(seed, purpose::AVAILABILITY, draw));
    (0..count).map(|_| rng.random::<f64>() >= spec.availability).collect()
}

/// Switch off the jammed and failed sensors for the whole run; the losses, jamming first.
pub fn apply_static(loaded: &LoadedScenario, plane: &Plane, sensors: &mut [Sensor]) -> Result<Vec<SensorLoss>> {
    let spec = &loaded.scenario.losses;
    let jammed = jammed(loaded, plane, sensors)?;
    let failed = failed(spec, loaded.scenario.seed, 0, sensors.len());
    let mut out_of_service = vec![false; sensors.len()];
    for &id in &spec.out_of_service {
        let slot = out_of_service.get_mut(id as usize).ok_or_else(|| {
            loaded.error_at(
                &crate::scenario::FieldPath::parse("losses.out_of_service"),
                format!(
                    "no sensor {id}: the rows deploy {} sensors (ids 0–{})",
                    sensors.len(),
                    sensors.len().saturating_sub(1)
                ),
            )
        })?;
        *slot = true;
    }
    let mut losses = Vec::new();
    for (((s, j), f), o) in sensors.iter_mut().zip(jammed).zip(failed).zip(out_of_service) {
        let cause = match (s.active, o, j, f) {
            (false, ..) => None,
            (true, true, ..) => Some(LossCause::OutOfService),
            (true, false, true, _) => Some(LossCause::Jammed),
            (true, false, false, true) => Some(LossCause::Failed),
            (true, false, false, false) => None,
        };
        if let Some(cause) = cause {
            s.active = false;
            losses.push(SensorLoss { sensor_id: s.id, t_s: 0.0, cause });
        }
    }
    Ok(losses)
}

/// Destruction by impacts as the run goes.
pub struct Attrition {
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    radius_m: f64,
    /// Time each sensor was destroyed, s; infinity while it stands.
    destroyed_s: Vec<f64>,
    /// Sensor ids, and whether `due` has handed each destroyed one out.
    ids: Vec<u32>,
    handed: Vec<bool>,
}

impl Attrition {
    /// Over the sensors still active; none when the radius is 0.
    pub fn new(sensors: &[Sensor], radius_m: f64) -> Self {
        let standing = sensors.iter().enumerate().filter(|(_, s)| s.active && radius_m > 0.0);
        Self {
            tree: RTree::bulk_load(standing.map(|(i, s)| GeomWithData::new([s.x, s.y], i)).collect()),
            radius_m,
            destroyed_s: vec![f64::INFINITY; sensors.len()],
            ids: sensors.iter().map(|s| s.id).collect(),
            handed: vec![false; sensors.len()],
        }
    }

    /// Ids of the sensors destroyed at or before `t_s` not handed out before: those a detector
    /// may skip from `t_s` on (never earlier: an impact's time can fall after its block ends).
    pub fn due(&mut self, t_s: f64) -> Vec<u32> {
        let mut out = Vec::new();
        for (i, &d) in self.destroyed_s.iter().enumerate() {
            if d <= t_s && !self.handed[i] {
                self.handed[i] = true;
                out.push(self.ids[i]);
            }
        }
        out
    }

    /// Let these events' impacts and strikes destroy the sensors within the radius, each at the
    /// earliest that reaches it (blocks may come out of time order by a flight time).
    pub fn strike(&mut self, events: &[Event]) {
        for e in events.iter().filter(|e| matches!(e.kind, EventKind::Impact | EventKind::Strike)) {
            for p in self.tree.locate_within_distance([e.x, e.y], self.radius_m * self.radius_m) {
                let d = &mut self.destroyed_s[p.data];
                *d = d.min(e.t_s);
            }
        }
    }

    /// Every sensor destroyed so far, in time order.
    pub fn losses(&self) -> Vec<SensorLoss> {
        let mut out: Vec<SensorLoss> = self
            .destroyed_s
            .iter()
            .zip(&self.ids)
            .filter(|(d, _)| d.is_finite())
            .map(|(&t_s, &sensor_id)| SensorLoss { sensor_id, t_s, cause: LossCause::Destroyed })
            .collect();
        out.sort_by(|a, b| a.t_s.total_cmp(&b.t_s).then(a.sensor_id.cmp(&b.sensor_id)));
        out
    }

    /// Whether sensor `index` still stood at time `t_s`.
    pub fn standing_at(&self, index: usize, t_s: f64) -> bool {
        self.destroyed_s.get(index).is_none_or(|&d| t_s < d)
    }

    /// `false` for every sensor destroyed so far.
    pub fn standing(&self) -> Vec<bool> {
        self.destroyed_s.iter().map(|d| d.is_infinite()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Side;
    use crate::physics::source::SourceModel;
    use crate::scenario::Signature;

    fn sensor(id: u32, x: f64) -> Sensor {
        Sensor { x, z: 2.0, ..Sensor::test_acoustic(id) }
    }

    fn impact(t_s: f64, x: f64) -> Event {
        Event {
            responsible: Side::B,
            source: SourceModel::from_signature(&Signature { tnt_kg: Some(6.0), ..Default::default() }),
            ..Event::test_at(EventKind::Impact, t_s, x)
        }
    }

    #[test]
    fn a_sensor_dies_at_the_earliest_impact_within_the_radius() {
        let sensors = [sensor(0, 0.0), sensor(1, 1000.0), sensor(2, 2000.0)];
        let mut attrition = Attrition::new(&sensors, 50.0);
        // Block 1 holds an impact that lands late (after the next block's start)...
        attrition.strike(&[impact(3700.0, 1030.0), impact(100.0, 5000.0)]);
        assert!(attrition.due(3600.0).is_empty(), "not yet destroyed when block 2 starts");
        // ... and block 2 one that lands earlier on the same sensor.
        attrition.strike(&[impact(3650.0, 990.0)]);
        assert!(attrition.standing_at(1, 3649.9) && !attrition.standing_at(1, 3650.0));
        assert!(attrition.standing_at(0, 1e9) && attrition.standing_at(2, 1e9), "out of the radius");
        assert_eq!(attrition.losses(), vec![SensorLoss { sensor_id: 1, t_s: 3650.0, cause: LossCause::Destroyed }]);
        assert_eq!(attrition.due(7200.0), vec![1]);
        assert!(attrition.due(7200.0).is_empty(), "handed out once");
        assert_eq!(attrition.standing(), vec![true, false, true]);
    }

    #[test]
    fn no_radius_no_attrition_and_inactive_sensors_are_not_struck() {
        let mut sensors = [sensor(0, 0.0), sensor(1, 10.0)];
        let mut none = Attrition::new(&sensors, 0.0);
        none.strike(&[impact(1.0, 0.0)]);
        assert!(none.losses().is_empty());
        sensors[1].active = false;
        let mut some = Attrition::new(&sensors, 50.0);
        some.strike(&[impact(1.0, 5.0)]);
        assert_eq!(some.losses().iter().map(|l| l.sensor_id).collect::<Vec<_>>(), vec![0], "only the active one");
    }

    #[test]
    fn availability_draws_fail_about_the_stated_share_reproducibly() {
        let spec = LossSpec { availability: 0.8, ..LossSpec::default() };
        let a = failed(&spec, 7, 0, 20_000);
        let share = a.iter().filter(|f| **f).count() as f64 / a.len() as f64;
        // Binomial σ = √(0.2·0.8/20000) ≈ 0.0028: five σ.
        assert!((share - 0.2).abs() < 0.015, "{share}");
        assert_eq!(a, failed(&spec, 7, 0, 20_000), "a function of the seed and draw");
        assert_ne!(a, failed(&spec, 7, 1, 20_000), "draws differ");
        assert!(failed(&LossSpec::default(), 7, 0, 1000).iter().all(|f| !f), "availability 1: none fails");
    }
}
