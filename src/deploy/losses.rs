//! Sensors a run loses (`[losses]`): failed and jammed ones from the start, destroyed ones at
//! the time of the impact that destroys them.

use super::{Sensor, sub_seed};
use crate::error::{Error, Result};
use crate::events::{Event, EventKind};
use crate::geo::Plane;
use crate::scenario::{LoadedScenario, LossSpec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// Why a sensor stopped reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossCause {
    /// A random failure (availability).
    Failed,
    /// Inside a jamming zone: its reports do not get out.
    Jammed,
    /// Within the lethal radius of an impact.
    Destroyed,
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
    let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(seed, 0xfa11, draw));
    (0..count).map(|_| rng.random::<f64>() >= spec.availability).collect()
}

/// Switch off the jammed and failed sensors for the whole run; the losses, jamming first.
pub fn apply_static(loaded: &LoadedScenario, plane: &Plane, sensors: &mut [Sensor]) -> Result<Vec<SensorLoss>> {
    let spec = &loaded.scenario.losses;
    let jammed = jammed(loaded, plane, sensors)?;
    let failed = failed(spec, loaded.scenario.seed, 0, sensors.len());
    let mut losses = Vec::new();
    for ((s, j), f) in sensors.iter_mut().zip(jammed).zip(failed) {
        let cause = match (s.active, j, f) {
            (false, _, _) => None,
            (true, true, _) => Some(LossCause::Jammed),
            (true, false, true) => Some(LossCause::Failed),
            (true, false, false) => None,
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

    /// Let these events' impacts destroy the sensors within the radius, each at the earliest
    /// impact that reaches it (blocks may come out of time order by a flight time).
    pub fn strike(&mut self, events: &[Event]) {
        for e in events.iter().filter(|e| e.kind == EventKind::Impact) {
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
