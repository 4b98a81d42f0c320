//! Ground-truth violations, generated block by block so memory stays bounded however long the
//! run and however high the rates: a block is an hour, or shorter when an hour would hold more
//! than `MAX_EVENTS_PER_BLOCK` expected events.

use crate::error::Result;
use crate::geo::{ContactLine, Plane, Side};
pub use crate::physics::source::SourceModel;
use crate::scenario::{ClassKind, FieldPath, LoadedScenario, SalvoSpec, TrackSpec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson};

/// Longest generation and detection block, s (diurnal rates are hourly).
pub const MAX_BLOCK_S: f64 = 3600.0;
/// Expected events per block at the busiest hour, at most.
pub const MAX_EVENTS_PER_BLOCK: f64 = 50_000.0;

/// Tries to place a source on its own side of a winding line before giving up.
const PLACEMENT_TRIES: usize = 64;

/// What an event is; written to the result file as this HDF5 enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, hdf5::H5Type)]
#[repr(u8)]
pub enum EventKind {
    Launch = 0,
    Impact = 1,
    Fire = 2,
    Movement = 3,
    /// A heavy munition's impact (a strike class): on the victim's side, the responsible side's
    /// violation.
    Strike = 4,
}

/// One ground-truth event: a source at a place and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u32,
    pub class: u16,
    pub kind: EventKind,
    pub responsible: Side,
    pub t_s: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub lon: f64,
    pub lat: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    /// Launch ↔ impact partner, or −1.
    pub linked_id: i64,
    /// The track this event samples (a moving source), or −1.
    pub track_id: i64,
    /// Which sample of its track, from 0 (0 for events without a track).
    pub track_sample: u32,
    /// The salvo this round belongs to (launch and impact alike), or −1.
    pub salvo_id: i64,
    pub source: SourceModel,
    /// Whether it is local daytime at the event (noise, refraction).
    pub is_day: bool,
    /// Ground velocity of a moving source (a track's sample), m/s in the plane; None: it does
    /// not move, or no track gives its motion.
    pub velocity_mps: Option<[f64; 2]>,
}

/// Generates the events of each block from the seed alone.
pub struct EventGenerator<'a> {
    loaded: &'a LoadedScenario,
    plane: &'a Plane,
    line: &'a ContactLine,
    sources: Vec<(SourceModel, Option<SourceModel>)>,
    /// Mean longitude of the line, degrees: where block-level diurnal rates are read.
    mean_lon_deg: f64,
    pub block_count: u32,
    /// Length of each block (the last may be shorter), s.
    pub block_s: f64,
    next_id: u32,
    next_track: u32,
    next_salvo: u32,
    /// Track samples drawn in an earlier block that fall in a later one, by time.
    carried: Vec<Draft>,
}

impl<'a> EventGenerator<'a> {
    pub fn new(loaded: &'a LoadedScenario, plane: &'a Plane, line: &'a ContactLine) -> Self {
        let s = &loaded.scenario;
        let sources = s
            .classes
            .iter()
            .map(|c| (SourceModel::from_signature(&c.source), c.impact.as_ref().map(SourceModel::from_signature)))
            .collect();
        let mean_lon = line.lonlat.iter().map(|p| p[0]).sum::<f64>() / line.lonlat.len().max(1) as f64;
        let busiest_per_s: f64 = s
            .classes
            .iter()
            .map(|c| {
                let peak = c.diurnal.as_ref().map_or(1.0, |d| {
                    let mean = d.iter().sum::<f64>() / 24.0;
                    d.iter().copied().fold(0.0, f64::max) / mean
                });
                let per_violation = match (c.kind, &c.track) {
                    (ClassKind::IndirectFire, _) => 2.0,
                    (_, Some(track)) => track.mean_samples(),
                    _ => 1.0,
                };
                c.rate_per_day * peak * per_violation / 86_400.0
            })
            .sum();
        let block_s = if busiest_per_s > 0.0 {
            (MAX_EVENTS_PER_BLOCK / busiest_per_s).clamp(1.0, MAX_BLOCK_S)
        } else {
            MAX_BLOCK_S
        };
        Self {
            loaded,
            plane,
            line,
            sources,
            mean_lon_deg: mean_lon,
            block_count: (s.duration_h * 3600.0 / block_s).ceil() as u32,
            block_s,
            next_id: 0,
            next_track: 0,
            next_salvo: 0,
            carried: Vec::new(),
        }
    }

    /// Start and end of block `b`, s.
    pub fn block_span(&self, b: u32) -> (f64, f64) {
        let t0 = f64::from(b) * self.block_s;
        (t0, (t0 + self.block_s).min(self.loaded.scenario.duration_h * 3600.0))
    }

    /// Local solar hour (0–24) at scenario time t (t = 0 is local civil midnight at
    /// UTC + utc_offset_h), at a longitude.
    pub fn solar_hour(&self, t_s: f64, lon_deg: f64) -> f64 {
        (t_s / 3600.0 - self.loaded.scenario.utc_offset_h + lon_deg / 15.0).rem_euclid(24.0)
    }

    /// Whether it is day (by the scenario's day hours) at scenario time t, at a longitude.
    pub fn is_day(&self, t_s: f64, lon_deg: f64) -> bool {
        let env = &self.loaded.scenario.environment;
        let h = self.solar_hour(t_s, lon_deg);
        h >= env.day_start_h && h < env.day_end_h
    }

    /// Events of block `b`, ordered by time, with ids continuing from the previous block.
    /// Blocks must be generated in order.
    pub fn block(&mut self, b: u32) -> Result<Vec<Event>> {
        let s = &self.loaded.scenario;
        let (t0, t1) = self.block_span(b);
        let hour = self.solar_hour(0.5 * (t0 + t1), self.mean_lon_deg);
        // Samples of earlier blocks' tracks that fall in this one.
        let (mut drafts, later): (Vec<Draft>, Vec<Draft>) =
            std::mem::take(&mut self.carried).into_iter().partition(|d| d.t < t1);
        self.carried = later;
        for (ci, class) in s.classes.iter().enumerate() {
            let weight = class.diurnal.as_ref().map_or(1.0, |d| {
                let mean = d.iter().sum::<f64>() / 24.0;
                d[(hour.floor() as usize).min(23)] / mean
            });
            let expected = class.rate_per_day * weight * (t1 - t0) / 86_400.0;
            let mut rng =
                ChaCha8Rng::seed_from_u64(crate::rng::sub_seed(s.seed, crate::rng::purpose::EVENTS + ci as u32, b));
            let count = if expected > 0.0 {
                Poisson::new(expected).map(|p| p.sample(&mut rng) as u64).map_err(|e| {
                    self.loaded
                        .error_at(&FieldPath::default().key("classes").index(ci).key("rate_per_day"), e.to_string())
                })?
            } else {
                0
            };
            let p_a = class.side_weights[0] / (class.side_weights[0] + class.side_weights[1]);
            if let (Some(salvo), Some(depth), Some(flight), (source, Some(impact_source))) =
                (class.salvo, class.impact_depth_km, class.flight_time_s, self.sources[ci])
            {
                // `rate_per_day` counts rounds: the same expected rounds, in salvos.
                let salvos = if expected > 0.0 {
                    Poisson::new(expected / salvo.mean_guns()).map(|p| p.sample(&mut rng) as u64).map_err(|e| {
                        self.loaded.error_at(&FieldPath::default().key("classes").index(ci).key("salvo"), e.to_string())
                    })?
                } else {
                    0
                };
                for _ in 0..salvos {
                    let side = if rng.random::<f64>() < p_a { Side::A } else { Side::B };
                    let fire = Fire { class: ci as u16, side, source, impact_source, flight, depth };
                    self.salvo(&mut rng, &salvo, fire, (t0, t1), &mut drafts);
                }
                continue;
            }
            for _ in 0..count {
                let side = if rng.random::<f64>() < p_a { Side::A } else { Side::B };
                let t = rng.random_range(t0..t1);
                let chainage = rng.random_range(0.0..=self.line.length_km());
                // A strike is seen where it lands, on the other side.
                let lands_on = if class.kind == ClassKind::Strike { side.other() } else { side };
                let Some(launch) = self.place(&mut rng, chainage, lands_on, class.depth_km) else {
                    continue;
                };
                let (source, impact_source) = self.sources[ci];
                if let Some(track) = &class.track {
                    self.sample_track(&mut rng, track, Draft::new(ci as u16, t, side, launch, source), t1, &mut drafts);
                    continue;
                }
                let mut draft = Draft::new(ci as u16, t, side, launch, source);
                if let (ClassKind::IndirectFire, Some(depth), Some(flight), Some(impact_source)) =
                    (class.kind, class.impact_depth_km, class.flight_time_s, impact_source)
                {
                    // Impacts fall across the line within a few km of the launch's chainage.
                    let reach_km = 0.5 * (class.depth_km[1] + depth[1]);
                    let c = (chainage + rng.random_range(-reach_km..=reach_km)).clamp(0.0, self.line.length_km());
                    let Some(hit) = self.place(&mut rng, c, side.other(), depth) else {
                        continue;
                    };
                    let tof = rng.random_range(flight[0]..=flight[1]);
                    draft.impact = Some((hit, t + tof, impact_source));
                }
                drafts.push(draft);
            }
        }
        drafts.sort_by(|a, b| a.t.total_cmp(&b.t));
        let mut events = Vec::with_capacity(drafts.len() * 2);
        for d in drafts {
            let kind = match s.classes[d.class as usize].kind {
                ClassKind::IndirectFire => EventKind::Launch,
                ClassKind::DirectFire => EventKind::Fire,
                ClassKind::Movement => EventKind::Movement,
                ClassKind::Strike => EventKind::Strike,
            };
            let id = self.take_id();
            let mut first = self.event(id, d.class, kind, d.side, d.t, d.at, d.source)?;
            if let Some((track, sample)) = d.track {
                (first.track_id, first.track_sample) = (i64::from(track), sample);
            }
            first.velocity_mps = d.velocity;
            first.salvo_id = d.salvo.map_or(-1, i64::from);
            if let Some((hit, t_hit, impact_source)) = d.impact {
                let impact_id = self.take_id();
                first.linked_id = i64::from(impact_id);
                let mut second =
                    self.event(impact_id, d.class, EventKind::Impact, d.side, t_hit, hit, impact_source)?;
                second.linked_id = i64::from(id);
                second.salvo_id = first.salvo_id;
                events.push(first);
                events.push(second);
            } else {
                events.push(first);
            }
        }
        Ok(events)
    }

    /// The samples of one track starting as `start`: those before `t1` go into `drafts`, the
    /// rest wait in `carried` for their block; none after the run's end.
    fn sample_track(
        &mut self,
        rng: &mut ChaCha8Rng,
        track: &TrackSpec,
        start: Draft,
        t1: f64,
        drafts: &mut Vec<Draft>,
    ) {
        let speed = rng.random_range(track.speed_mps[0]..=track.speed_mps[1]);
        let duration = rng.random_range(track.duration_s[0]..=track.duration_s[1]);
        // The direction across the line, from this side to the other.
        let n = self.line.locate(start.at.xy).normal;
        let across = [-start.side.sign() * n[0], -start.side.sign() * n[1]];
        let heading = if rng.random::<f64>() < track.crossing_fraction {
            across
        } else {
            // Anywhere in the half-plane that does not approach the line: along it or away.
            let a = rng.random_range(std::f64::consts::FRAC_PI_2..=3.0 * std::f64::consts::FRAC_PI_2);
            let (c, s) = (a.cos(), a.sin());
            [c * across[0] - s * across[1], s * across[0] + c * across[1]]
        };
        let id = self.next_track;
        self.next_track += 1;
        let end_of_run = self.loaded.scenario.duration_h * 3600.0;
        let samples = (duration / track.sample_s).floor() as u64;
        for k in 0..=samples {
            let dt = k as f64 * track.sample_s;
            let t = start.t + dt;
            if t >= end_of_run {
                break;
            }
            let xy = [start.at.xy[0] + heading[0] * speed * dt, start.at.xy[1] + heading[1] * speed * dt];
            let at = self.line.locate(xy);
            let sample = Draft {
                t,
                at: Placed { xy, chainage_km: at.chainage_km, offset_m: at.offset_m },
                track: Some((id, k as u32)),
                velocity: Some([heading[0] * speed, heading[1] * speed]),
                ..start
            };
            if t < t1 { drafts.push(sample) } else { self.carried.push(sample) }
        }
    }

    /// One battery's salvo starting in [t0, t1): each gun's launch and impact as a draft; rounds
    /// fired after `t1` wait in `carried`, none after the run's end.
    fn salvo(
        &mut self,
        rng: &mut ChaCha8Rng,
        salvo: &SalvoSpec,
        fire: Fire,
        (t0, t1): (f64, f64),
        drafts: &mut Vec<Draft>,
    ) {
        let class = &self.loaded.scenario.classes[usize::from(fire.class)];
        let t = rng.random_range(t0..t1);
        let chainage = rng.random_range(0.0..=self.line.length_km());
        let Some(battery) = self.place(rng, chainage, fire.side, class.depth_km) else {
            return;
        };
        let reach_km = 0.5 * (class.depth_km[1] + fire.depth[1]);
        let c = (chainage + rng.random_range(-reach_km..=reach_km)).clamp(0.0, self.line.length_km());
        let Some(aim) = self.place(rng, c, fire.side.other(), fire.depth) else {
            return;
        };
        let guns = rng.random_range(salvo.guns[0]..=salvo.guns[1]);
        let spacing = rng.random_range(salvo.spacing_m[0]..=salvo.spacing_m[1]);
        let tof = rng.random_range(fire.flight[0]..=fire.flight[1]);
        // The battery's front runs along the line; the sheaf is parallel to it.
        let n = self.line.locate(battery.xy).normal;
        let along = [n[1], -n[0]];
        let scatter = Normal::new(0.0, salvo.impact_dispersion_m).ok();
        let id = self.next_salvo;
        self.next_salvo += 1;
        let end_of_run = self.loaded.scenario.duration_h * 3600.0;
        for k in 0..guns {
            let front = (f64::from(k) - 0.5 * f64::from(guns - 1)) * spacing;
            let depth = rng.random_range(-0.5..=0.5) * spacing;
            let gun =
                [battery.xy[0] + front * along[0] + depth * n[0], battery.xy[1] + front * along[1] + depth * n[1]];
            let (dx, dy) = scatter.map_or((0.0, 0.0), |s| (s.sample(rng), s.sample(rng)));
            let hit = [aim.xy[0] + front * along[0] + dx, aim.xy[1] + front * along[1] + dy];
            let t_fire = t + rng.random::<f64>() * salvo.spread_s;
            // A gun or a round that the line's bend puts on the wrong side is not drawn.
            let (Some(gun), Some(hit)) = (self.placed_on(gun, fire.side), self.placed_on(hit, fire.side.other()))
            else {
                continue;
            };
            if t_fire >= end_of_run {
                continue;
            }
            let mut draft = Draft::new(fire.class, t_fire, fire.side, gun, fire.source);
            draft.impact = Some((hit, t_fire + tof, fire.impact_source));
            draft.salvo = Some(id);
            if t_fire < t1 { drafts.push(draft) } else { self.carried.push(draft) }
        }
    }

    /// `xy` as a placed point, if it lies on `side` of the line.
    fn placed_on(&self, xy: [f64; 2], side: Side) -> Option<Placed> {
        let at = self.line.locate(xy);
        (Side::of_offset(at.offset_m) == side && at.offset_m != 0.0).then_some(Placed {
            xy,
            chainage_km: at.chainage_km,
            offset_m: at.offset_m,
        })
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A point at `depth_km` (uniform) behind the line on `side`, near `chainage`, whose
    /// nearest-segment offset really is on that side.
    fn place(&self, rng: &mut ChaCha8Rng, chainage: f64, side: Side, depth_km: [f64; 2]) -> Option<Placed> {
        for _ in 0..PLACEMENT_TRIES {
            let depth_m = rng.random_range(depth_km[0]..=depth_km[1]) * 1000.0;
            let xy = self.line.point_at(chainage, side.sign() * depth_m.max(1.0));
            if let Some(placed) = self.placed_on(xy, side) {
                return Some(placed);
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &self,
        id: u32,
        class: u16,
        kind: EventKind,
        side: Side,
        t_s: f64,
        at: Placed,
        source: SourceModel,
    ) -> Result<Event> {
        let [lon, lat] =
            self.plane.inverse(at.xy[0], at.xy[1]).map_err(|e| self.loaded.error_at(&FieldPath::parse("line"), e))?;
        Ok(Event {
            id,
            class,
            kind,
            responsible: side,
            t_s,
            x: at.xy[0],
            y: at.xy[1],
            z: source.height_m,
            lon,
            lat,
            chainage_km: at.chainage_km,
            offset_m: at.offset_m,
            linked_id: -1,
            track_id: -1,
            track_sample: 0,
            salvo_id: -1,
            source,
            is_day: self.is_day(t_s, lon),
            velocity_mps: None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Placed {
    xy: [f64; 2],
    chainage_km: f64,
    offset_m: f64,
}

/// What every round of one class's salvo shares.
#[derive(Debug, Clone, Copy)]
struct Fire {
    class: u16,
    side: Side,
    source: SourceModel,
    impact_source: SourceModel,
    flight: [f64; 2],
    /// Depth of the impacts behind the line, km.
    depth: [f64; 2],
}

#[derive(Debug, Clone, Copy)]
struct Draft {
    class: u16,
    t: f64,
    side: Side,
    at: Placed,
    source: SourceModel,
    impact: Option<(Placed, f64, SourceModel)>,
    /// (track, sample index) of a moving source.
    track: Option<(u32, u32)>,
    /// Its velocity, m/s.
    velocity: Option<[f64; 2]>,
    /// The salvo it was fired in.
    salvo: Option<u32>,
}

impl Draft {
    fn new(class: u16, t: f64, side: Side, at: Placed, source: SourceModel) -> Self {
        Self { class, t, side, at, source, impact: None, track: None, velocity: None, salvo: None }
    }
}

#[cfg(test)]
impl Event {
    /// An event of class 0 at (x, 0) on the line, side A responsible, by day, from a 4 kg-TNT
    /// source: the start of unit tests that need one.
    pub fn test_at(kind: EventKind, t_s: f64, x: f64) -> Self {
        Self {
            id: 0,
            class: 0,
            kind,
            responsible: Side::A,
            t_s,
            x,
            y: 0.0,
            z: 0.0,
            lon: 0.0,
            lat: 0.0,
            chainage_km: 0.0,
            offset_m: 0.0,
            linked_id: -1,
            track_id: -1,
            track_sample: 0,
            salvo_id: -1,
            source: SourceModel::from_signature(&crate::scenario::Signature {
                tnt_kg: Some(4.0),
                ..Default::default()
            }),
            is_day: true,
            velocity_mps: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::load_line;

    fn smoke() -> LoadedScenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ci-smoke.toml");
        LoadedScenario::load(Some(&path)).expect("smoke scenario")
    }

    fn all_events(loaded: &LoadedScenario) -> (Vec<Event>, f64, u32) {
        let (plane, line) = load_line(loaded).expect("line");
        let mut generator = EventGenerator::new(loaded, &plane, &line);
        let mut events = Vec::new();
        for b in 0..generator.block_count {
            events.extend(generator.block(b).expect("block"));
        }
        (events, generator.block_s, generator.block_count)
    }

    #[test]
    fn rates_sides_and_links_hold() {
        let loaded = smoke();
        let (events, _, _) = all_events(&loaded);
        let s = &loaded.scenario;
        for (ci, class) in s.classes.iter().enumerate() {
            // A track's samples are one violation.
            let violations = events
                .iter()
                .filter(|e| e.class as usize == ci && e.kind != EventKind::Impact && e.track_sample == 0)
                .count() as f64;
            let expected = class.rate_per_day * s.duration_h / 24.0;
            // Poisson: within 5 σ (minus the rare placements that fail on a winding line).
            assert!(
                (violations - expected).abs() < 5.0 * expected.sqrt() + 1.0,
                "{}: {violations} vs {expected}",
                class.name
            );
        }
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e.id as usize, i, "ids are dense and in order");
            let side = Side::of_offset(e.offset_m);
            if e.kind == EventKind::Impact {
                assert_eq!(side, e.responsible.other(), "impacts fall on the other side");
                let launch = &events[e.linked_id as usize];
                assert_eq!(launch.linked_id, i64::from(e.id));
                assert!(launch.t_s < e.t_s);
            } else if e.track_sample == 0 {
                assert_eq!(side, e.responsible, "sources start on the responsible side");
            }
        }
    }

    #[test]
    fn blocks_shrink_so_that_memory_stays_bounded_at_high_rates() {
        let mut loaded = smoke();
        loaded.scenario.duration_h = 0.25;
        for c in &mut loaded.scenario.classes {
            c.rate_per_day *= 2000.0;
        }
        let (plane, line) = load_line(&loaded).expect("line");
        let mut generator = EventGenerator::new(&loaded, &plane, &line);
        assert!(generator.block_s < MAX_BLOCK_S, "block of {} s", generator.block_s);
        let mut total = 0;
        for b in 0..generator.block_count {
            let n = generator.block(b).expect("block").len();
            assert!((n as f64) < 1.2 * MAX_EVENTS_PER_BLOCK, "block {b}: {n} events");
            total += n;
        }
        assert!(total as f64 > 2.0 * MAX_EVENTS_PER_BLOCK, "several blocks' worth: {total}");
    }

    /// Salvos: as many rounds as single fire would give, 3–5 a salvo, fired within 4 s from
    /// guns on a front of 50–100 m spacing, landing as a sheaf no wider than that front plus the
    /// dispersion; launch and impact share the salvo's id, and other classes have none.
    #[test]
    fn salvos_fire_together_from_a_battery_and_land_as_a_sheaf() {
        let mut loaded = smoke();
        let artillery = loaded.scenario.classes.iter().position(|c| c.name == "artillery").expect("artillery class");
        let salvo = SalvoSpec { guns: [3, 5], spacing_m: [50.0, 100.0], spread_s: 4.0, impact_dispersion_m: 30.0 };
        loaded.scenario.classes[artillery].salvo = Some(salvo);
        let (events, _, _) = all_events(&loaded);
        let mut by_salvo: std::collections::BTreeMap<i64, Vec<&Event>> = Default::default();
        for e in &events {
            assert_eq!(e.salvo_id >= 0, e.class as usize == artillery, "only the salvo class has salvo ids");
            if e.salvo_id >= 0 {
                assert_eq!(events[e.linked_id as usize].salvo_id, e.salvo_id, "launch and impact share it");
                by_salvo.entry(e.salvo_id).or_default().push(e);
            }
        }
        let rounds = events.iter().filter(|e| e.class as usize == artillery && e.kind == EventKind::Launch).count();
        let expected = loaded.scenario.classes[artillery].rate_per_day * loaded.scenario.duration_h / 24.0;
        // Salvos are Poisson; rounds vary by the salvo size too (variance λ·E[n²] ≤ 25λ/4).
        assert!((rounds as f64 - expected).abs() < 5.0 * (expected * 5.0).sqrt(), "{rounds} rounds vs {expected}");
        let distance = |a: &Event, b: &Event| (a.x - b.x).hypot(a.y - b.y);
        let widest = |v: &[&Event]| v.iter().flat_map(|a| v.iter().map(move |b| distance(a, b))).fold(0.0, f64::max);
        let mut whole = 0;
        for members in by_salvo.values() {
            let (launches, impacts): (Vec<&Event>, Vec<&Event>) =
                members.iter().partition(|e| e.kind == EventKind::Launch);
            assert_eq!(launches.len(), impacts.len());
            assert!((1..=5).contains(&launches.len()), "{} guns", launches.len());
            let first = launches.iter().map(|e| e.t_s).fold(f64::INFINITY, f64::min);
            let last = launches.iter().map(|e| e.t_s).fold(0.0, f64::max);
            assert!(last - first <= 4.0, "fired over {} s", last - first);
            let guns = launches.len() as f64;
            // The front is (n − 1) spacings; each gun stands up to half a spacing before or behind.
            let front = (guns - 1.0) * 100.0;
            assert!(widest(&launches) <= front.hypot(100.0) + 1e-6, "battery {} m wide", widest(&launches));
            assert!(widest(&impacts) <= front + 6.0 * 30.0 * 2f64.sqrt(), "sheaf {} m wide", widest(&impacts));
            if launches.len() >= 3 {
                whole += 1;
                assert!(widest(&launches) >= 2.0 * 50.0 - 1e-6, "guns stand apart: {} m", widest(&launches));
            }
        }
        assert!(by_salvo.len() >= 10, "{} salvos", by_salvo.len());
        assert!(whole * 10 >= by_salvo.len() * 9, "{whole} of {} salvos with all their guns", by_salvo.len());
    }

    /// Tracks: samples `sample_s` apart on a straight line at a constant speed within the
    /// track's interval, one track id each, in time order across blocks (a track that outlives
    /// its block goes on in the next); crossing tracks head across the line and reach the
    /// other side when they last long enough; every sample keeps the side that moved.
    #[test]
    fn tracks_are_straight_timed_and_cross_the_line() {
        let mut loaded = smoke();
        let vehicle = loaded.scenario.classes.iter().position(|c| c.name == "vehicle").expect("vehicle class");
        let track =
            TrackSpec { speed_mps: [8.0, 12.0], duration_s: [1200.0, 1800.0], sample_s: 30.0, crossing_fraction: 1.0 };
        loaded.scenario.classes[vehicle].track = Some(track);
        loaded.scenario.classes[vehicle].depth_km = [0.5, 2.0];
        let (events, block_s, _) = all_events(&loaded);
        assert!(block_s <= 3600.0);
        for pair in events.windows(2) {
            assert!(
                pair[0].t_s <= pair[1].t_s || pair[1].kind == EventKind::Impact || pair[0].kind == EventKind::Impact
            );
        }
        let mut by_track: std::collections::BTreeMap<i64, Vec<&Event>> = Default::default();
        for e in events.iter().filter(|e| e.class as usize == vehicle) {
            assert!(e.track_id >= 0, "every vehicle event samples a track");
            by_track.entry(e.track_id).or_default().push(e);
        }
        assert!(events.iter().filter(|e| e.class as usize != vehicle).all(|e| e.track_id == -1));
        let expected = loaded.scenario.classes[vehicle].rate_per_day * loaded.scenario.duration_h / 24.0;
        assert!((by_track.len() as f64 - expected).abs() < 5.0 * expected.sqrt() + 1.0, "{} tracks", by_track.len());
        let end = loaded.scenario.duration_h * 3600.0;
        let (mut crossed, mut complete) = (0, 0);
        for samples in by_track.values() {
            let first = samples[0];
            for (k, e) in samples.iter().enumerate() {
                assert!((e.t_s - first.t_s - 30.0 * k as f64).abs() < 1e-6, "samples every 30 s");
                assert_eq!(e.track_sample as usize, k);
                assert_eq!(e.responsible, first.responsible);
                if k > 0 {
                    let step = (e.x - samples[k - 1].x).hypot(e.y - samples[k - 1].y);
                    assert!((240.0 - 1e-6..=360.0 + 1e-6).contains(&step), "8–12 m/s over 30 s: {step} m");
                }
            }
            // Whole tracks: at least 1,200 s long, so ≥ 41 samples, unless the run ended.
            if first.t_s + 1200.0 < end {
                assert!(samples.len() >= 41, "{} samples", samples.len());
                complete += 1;
                // 2 km at most from the line, at least 9.6 km travelled towards it.
                let last = samples[samples.len() - 1];
                crossed += usize::from(Side::of_offset(last.offset_m) == first.responsible.other());
            }
        }
        // Headings follow the local normal; a winding line or a stretch end lets a few miss.
        assert!(complete > 10 && crossed * 4 >= complete * 3, "{crossed} of {complete} tracks crossed");

        // Tracks that do not cross head along the line or away from it, and stay on their side.
        loaded.scenario.classes[vehicle].track = Some(TrackSpec { crossing_fraction: 0.0, ..track });
        let (events, _, _) = all_events(&loaded);
        let mut strayed: std::collections::BTreeSet<i64> = Default::default();
        let mut tracks: std::collections::BTreeSet<i64> = Default::default();
        for e in events.iter().filter(|e| e.track_id >= 0) {
            tracks.insert(e.track_id);
            if Side::of_offset(e.offset_m) != e.responsible {
                strayed.insert(e.track_id);
            }
        }
        assert!(
            tracks.len() > 10 && strayed.len() * 10 <= tracks.len(),
            "{} of {} strayed",
            strayed.len(),
            tracks.len()
        );
    }
}
