//! Association of detections into candidate events, streamed in arrival order. `Oracle` groups
//! by the ground-truth event id (an upper bound to compare against); `Blind` uses only what a
//! deployed system has: arrival times, sensor positions and propagation speeds.

use super::locate::{Observation, Refit, chi2_at, locate, origin_time_at, refit, residual_s, travel_time_s};
use super::observe::{SensorModel, observation};
use super::search::{BEARING_SIGMAS, LevelScorer, SearchArrival, SearchJob};
use crate::error::Result;
use crate::output::records::DetectionRecord;
use crate::scenario::Modality;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// Arrival-time consistency, in combined timing σ: a detection belongs to a hypothesis when
/// its arrival is within this many σ of the predicted one.
const CONSISTENCY_SIGMAS: f64 = 4.0;
/// Extra tolerance for what the travel-time model leaves out (source and sensor heights,
/// wind-profile detail), s.
const MODEL_SLACK_S: f64 = 0.01;
/// Grid of the blind search: points per side, and refinement levels (each halves the cell
/// over a window of three cells).
const SEARCH_POINTS: usize = 21;
const SEARCH_LEVELS: usize = 12;
/// A level's grid is scored in TILES × TILES tiles of TILE_POINTS × TILE_POINTS points (the same
/// points), each with only the partners that can score on it.
const TILES: usize = 3;
const TILE_POINTS: usize = SEARCH_POINTS / TILES;
const _: () = assert!(TILES * TILE_POINTS == SEARCH_POINTS && TILE_POINTS % 2 == 1);
/// Grid points carried from one level to the next.
const BEAM: usize = 3;
/// How far apart, in grid steps, the points carried are: each a peak of its own.
const PEAK_SEPARATION_STEPS: f64 = 2.5;
/// The first level's points next to the seed's sensor, in grid steps (its own and the eight
/// around it).
const SEED_NEIGHBOURHOOD_STEPS: f64 = 1.5;
/// Widest consistency window (±, s) of an arrival that confirms a candidate. A wider one
/// (a regional seismic phase picked to seconds) matches some arrival of another event by chance
/// whenever events come every few seconds, as they do under fire (~60,000 rounds a day over the
/// line, ~0.7 a second: the figure issue 16 quotes); such arrivals may join a candidate the others
/// confirm, weighed by their σ in the fit, but confirm nothing. A stated choice.
const MAX_CONFIRMING_WINDOW_S: f64 = 0.5;
/// σ of an arrival time, the event's weather fitted, at which its window reaches
/// `MAX_CONFIRMING_WINDOW_S`: the coverage maps' test of a confirming detection.
pub const CONFIRMING_SIGMA_S: f64 = MAX_CONFIRMING_WINDOW_S / CONSISTENCY_SIGMAS;
/// How far, as Mahalanobis distance² under the fit without the seed, the whole fit may lie from
/// it: the 99.9 % point of χ² with two degrees of freedom.
const SEED_AGREEMENT_CHI2: f64 = 13.8;
/// How many times the area of the error ellipse the others' own fit may have, against the whole
/// fit's: one arrival of N typically shrinks it by N/(N − 1); tenfold means the position rests
/// on the seed alone. A stated choice.
const MAX_SEED_SHRINK: f64 = 10.0;
/// Standard normal quantile of 1 − 1e-3: the seed's χ² increment test.
const SEED_TAIL_SIGMAS: f64 = 3.090;
/// Rounds of choosing the members again from a fit of the last choice.
const REFITS: usize = 2;
/// Fewest location constraints (arrivals and bearings) from confirming arrivals a blind candidate
/// needs: three fix x, y and t0 exactly (any three arrivals fit some source), so two more make
/// the fit a test of the association: five arrivals, or three with their bearings.
pub const BLIND_MIN_CONSTRAINTS: usize = 5;
/// Fewest sensors, whatever their bearings: two bearings and two arrivals fit any crossing.
pub const BLIND_MIN_SENSORS: usize = 3;
/// Negative evidence: a microphone at this fraction of the member microphones' median range from
/// the source receives its sound at least 6 dB louder by spherical spreading alone (20·log10 2)
/// than half of them do, so one as sensitive, and reporting, should hear it too (docs/design.md
/// §6). The median, not the farthest: sound carried far downwind reaches a few distant members
/// while the same range upwind is in shadow.
const NEAR_FRACTION: f64 = 0.5;
/// Share of those nearer microphones that must have an arrival at the time the fit predicts for
/// them. Of the true arrival sets of the timing-only scenario's launches (993 heard by five or
/// more microphones), none falls below it, nor do the ci-smoke candidates of one event that a
/// half rejected (2 of 5 heard, 1 of 3: a shadow upwind); a fit that arrivals of several events
/// fall into by chance puts its source where most heard nothing. A stated choice.
const MIN_HEARD_FRACTION: f64 = 1.0 / 3.0;
/// Fewest such microphones for their silence to count: a few may be in the shadow upwind.
const MIN_EXPECTED_HEARERS: usize = 4;

/// A buffered arrival with what the search asks of it on every seed it might partner, worked
/// out once: its observation and the slowest speed its signal can travel at.
struct Buffered {
    d: DetectionRecord,
    o: Observation,
    slowest_mps: f64,
    /// How far its source may be for it to confirm a candidate (`confirming_range_m`).
    confirm_range_m: f64,
}

/// A candidate event: its detections.
pub type Candidate = Vec<DetectionRecord>;

/// Groups detections by their true event id; false alarms are dropped.
#[derive(Debug, Default)]
pub struct Oracle {
    open: BTreeMap<i64, (f64, Candidate)>,
    horizon_s: f64,
}

impl Oracle {
    /// `horizon_s`: the longest time between an event's first and last arrival.
    pub fn new(horizon_s: f64) -> Self {
        Self { open: BTreeMap::new(), horizon_s }
    }

    pub fn push(&mut self, d: DetectionRecord) {
        if d.event_id >= 0 {
            let entry = self.open.entry(d.event_id).or_insert((d.t_s, Vec::new()));
            entry.1.push(d);
        }
    }

    /// Events whose first arrival is more than the horizon before `now`: complete.
    pub fn ready(&mut self, now: f64) -> Vec<Candidate> {
        let done: Vec<i64> = self.open.iter().filter(|(_, (t, _))| now - t > self.horizon_s).map(|(&k, _)| k).collect();
        done.into_iter().filter_map(|k| self.open.remove(&k).map(|(_, c)| c)).collect()
    }

    pub fn finish(&mut self) -> Vec<Candidate> {
        std::mem::take(&mut self.open).into_values().map(|(_, c)| c).collect()
    }
}

/// Seeded grid search: the earliest unassociated arrival seeds a hypothesis; the source
/// position that makes the most other sensors' arrivals consistent with it wins (coarse to
/// fine); its consistent arrivals, confirmed by a least-squares fit, form the candidate.
/// Arrivals that fit nothing (false alarms, events heard by too few sensors) are dropped.
pub struct Blind<'m> {
    models: &'m [SensorModel],
    buffer: VecDeque<Buffered>,
    horizon_s: f64,
    search_radius_m: f64,
    /// Scores the grid search's levels: the GPU kernel or its f64 reference.
    scorer: &'m dyn LevelScorer,
    /// Arrivals dropped as unassociated.
    pub unassociated: u64,
    /// (grid point, partner) pairs the search would score with every partner in the travel-time
    /// window on every grid: what the tiles' pruning is measured against.
    pub window_pairs: u64,
    /// Per sensor id, the time from which it reports nothing (the deployment's state of health:
    /// failed, jammed or destroyed); infinite while it reports.
    out_from_s: Vec<f64>,
    /// Arrival times that left the buffer, per sensor, kept a horizon and more: the negative
    /// evidence test asks whether a sensor heard something before the seed.
    left: HashMap<u32, VecDeque<f64>>,
    /// Candidates dropped because the microphones nearer their fit than their members heard
    /// nothing at the times it predicts.
    pub unheard: u64,
    /// Candidates formed, held until no later one can be of the same event (`admit`).
    formed: VecDeque<Formed>,
    /// Candidates joined to an earlier one that one fit explains with it.
    pub merged: u64,
    /// Candidates dissolved because a later one with more members explains most of their arrivals.
    pub dissolved: u64,
    /// The fits of the current seed's member sets (buffer indices), each worked out once: the
    /// refits, the χ² trim and the wave test often fit the same set again.
    fits: RefCell<Vec<(Vec<usize>, Option<super::Estimate>)>>,
}

/// What a sensor's picks say of a predicted arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hearing {
    /// An arrival within the predicted window.
    Heard,
    /// None, the picker dead at the predicted time after an earlier pick.
    Deaf,
    /// None, the picker free to pick it.
    Silent,
}

/// A candidate as formed: its detections in time order, their observations, its fit (None for
/// what cannot be fitted alone) and its seed's arrival time.
struct Formed {
    detections: Candidate,
    obs: Vec<Observation>,
    fit: Option<super::Estimate>,
    seed_t_s: f64,
}

impl<'m> Blind<'m> {
    /// `horizon_s`: the longest travel time between two sensors; `search_radius_m`: how far
    /// from the first sensor to hear it a source may be.
    pub fn new(models: &'m [SensorModel], horizon_s: f64, search_radius_m: f64, scorer: &'m dyn LevelScorer) -> Self {
        Self {
            models,
            buffer: VecDeque::new(),
            horizon_s,
            search_radius_m,
            scorer,
            unassociated: 0,
            window_pairs: 0,
            out_from_s: vec![f64::INFINITY; models.len()],
            left: HashMap::new(),
            unheard: 0,
            formed: VecDeque::new(),
            merged: 0,
            dissolved: 0,
            fits: RefCell::new(Vec::new()),
        }
    }

    /// The time from which each sensor reports nothing (by id; infinite: it reports throughout).
    pub fn with_outages(mut self, out_from_s: Vec<f64>) -> Self {
        self.out_from_s = out_from_s;
        self
    }

    /// An arrival leaves the buffer: its time is kept for the negative evidence test.
    fn remember(&mut self, b: &Buffered) {
        let keep_s = 2.0 * self.horizon_s;
        let times = self.left.entry(b.d.sensor_id).or_default();
        while times.front().is_some_and(|&t| b.d.t_s - t > keep_s) {
            times.pop_front();
        }
        times.push_back(b.d.t_s);
    }

    /// Detections must arrive in time order.
    pub fn push(&mut self, d: DetectionRecord) {
        let o = observation(&self.models[d.sensor_id as usize], &d);
        self.buffer.push_back(Buffered { slowest_mps: o.slowest_mps(), confirm_range_m: confirming_range_m(&o), d, o });
    }

    /// Seeds arrivals more than the horizon before `now` (all their partners have arrived), and
    /// gives out the candidates no later one can be of the same event with: every arrival of an
    /// event comes within a horizon of its seed, and a candidate seeded by one forms a horizon
    /// after it.
    pub fn ready(&mut self, now: f64) -> Result<Vec<Candidate>> {
        while self.buffer.front().is_some_and(|b| now - b.d.t_s > self.horizon_s) {
            if let Some(formed) = self.seed_front()? {
                self.admit(formed);
            }
        }
        let mut out = Vec::new();
        while self.formed.front().is_some_and(|f| now - f.seed_t_s > 2.0 * self.horizon_s) {
            out.extend(self.formed.pop_front().map(|f| f.detections));
        }
        Ok(out)
    }

    pub fn finish(&mut self) -> Result<Vec<Candidate>> {
        while !self.buffer.is_empty() {
            if let Some(formed) = self.seed_front()? {
                self.admit(formed);
            }
        }
        Ok(std::mem::take(&mut self.formed).into_iter().map(|f| f.detections).collect())
    }

    /// A new candidate joins the latest held one that one fit explains with it (the same event
    /// split: an impact's ground waves and its sound seeded apart, a radar's lone report and the
    /// microphones that heard the same launch), or is held itself. One fit explains both when
    /// their positions agree (`SEED_AGREEMENT_CHI2` in their summed covariance) and their origin
    /// times by `MAX_CONFIRMING_WINDOW_S`, no sensor has the same kind of wave in both, and their
    /// union's fit is confirmed and passes the verifier's χ² gate.
    /// Otherwise it takes the arrivals of held candidates with fewer members whose arrivals it
    /// explains for the most part (`taken_from`): such a candidate is dissolved, and what the new
    /// one's fit, refitted, still explains joins it. An arrival of another event seeds a
    /// candidate the first time round with a few arrivals of an event whose own seed comes later:
    /// a compact group of them fixes a direction, the seed the range, and the fit passes.
    fn admit(&mut self, mut new: Formed) {
        let Some(fit) = new.fit else {
            self.formed.push_back(new);
            return;
        };
        for k in (0..self.formed.len()).rev() {
            if let Some(union) = merged(&self.formed[k], &new, &fit) {
                self.formed[k] = union;
                self.merged += 1;
                return;
            }
        }
        let mut k = 0;
        while k < self.formed.len() {
            let Some(taken) = taken_from(&self.formed[k], &new, &fit) else {
                k += 1;
                continue;
            };
            let Some(held) = self.formed.remove(k) else { break };
            self.dissolved += 1;
            self.unassociated += (held.detections.len() - taken.detections.len()) as u64;
            let joined = merged_unchecked(&new, &taken);
            match locate(&joined.obs).filter(|e| confirmed(&joined.obs, e) && passes_the_gate(&joined.obs, e)) {
                Some(e) => new = Formed { fit: Some(e), ..joined },
                None => self.unassociated += taken.detections.len() as u64,
            }
        }
        self.formed.push_back(new);
    }

    /// Try the earliest buffered arrival as a seed; it leaves the buffer either way.
    fn seed_front(&mut self) -> Result<Option<Formed>> {
        // Buffer indices name arrivals only until this seed's arrivals leave.
        self.fits.get_mut().clear();
        let Some(seed) = self.buffer.front() else { return Ok(None) };
        let (seed_sensor, s0) = (seed.d.sensor_id, seed.o);
        // Partners: arrivals no later than the travel time between the two sensors allows.
        let (partners, observations): (Vec<usize>, Vec<Observation>) = self
            .buffer
            .iter()
            .enumerate()
            .skip(1)
            .take_while(|(_, b)| b.o.t_s - s0.t_s <= self.horizon_s)
            .filter(|(_, b)| {
                let o = &b.o;
                let between = (o.x - s0.x).hypot(o.y - s0.y);
                let (after, latest) = (o.t_s - s0.t_s, between / b.slowest_mps);
                // The tolerance (never negative) is worked out only where it decides.
                b.d.sensor_id != seed_sensor && (after <= latest || after <= latest + tolerance(&s0, o, 0.0, between))
            })
            .map(|(j, b)| (j, b.o))
            .unzip();
        // Only arrivals that could confirm a source within the search radius are searched with:
        // a candidate needs `BLIND_MIN_SENSORS` of them giving `BLIND_MIN_CONSTRAINTS`, and the others (a
        // sensor far off, whose window is seconds wide) would match arrivals of other events at
        // every grid point. A seed without enough of them is dropped before any search.
        let seed_confirms = seed.confirm_range_m >= 0.0;
        let searchable: Vec<usize> = (0..partners.len())
            .filter(|&k| {
                let (o, b) = (&observations[k], &self.buffer[partners[k]]);
                b.confirm_range_m >= (o.x - s0.x).hypot(o.y - s0.y) - self.search_radius_m
            })
            .collect();
        let mut confirming_sensors: BTreeMap<u32, bool> = BTreeMap::new();
        if seed_confirms {
            confirming_sensors.insert(seed_sensor, s0.bearing.is_some());
        }
        for &k in &searchable {
            let bearing = confirming_sensors.entry(self.buffer[partners[k]].d.sensor_id).or_default();
            *bearing |= observations[k].bearing.is_some();
        }
        let most_constraints = confirming_sensors.values().map(|&bearing| 1 + usize::from(bearing)).sum::<usize>();
        if confirming_sensors.len() < BLIND_MIN_SENSORS || most_constraints < BLIND_MIN_CONSTRAINTS {
            return Ok(self.drop_seed());
        }
        let searched: Vec<(Observation, f64, f64)> = searchable
            .iter()
            .map(|&k| {
                let b = &self.buffer[partners[k]];
                (observations[k], b.slowest_mps, b.confirm_range_m)
            })
            .collect();
        let peaks = self.search(&s0, &searched, partners.len())?;
        // Consistent arrivals at a searched position, one per sensor (the closest in time).
        let members_at = |at: [f64; 2]| {
            let t0 = s0.t_s - travel_time_s(&s0, at);
            let seed_range = (s0.x - at[0]).hypot(s0.y - at[1]);
            self.consistent(&observations, &partners, at, |o, range| {
                ((o.t_s - t0 - travel_time_s(o, at)).abs(), tolerance(&s0, o, seed_range, range))
            })
        };
        // Of the peaks the search refined, the one most partners agree with (the best scored
        // first on a tie): a peak of chance coincidences scores well with arrivals the members'
        // tighter windows then leave out.
        let mut members = Vec::new();
        for peak in peaks {
            let agreeing = members_at(peak);
            if agreeing.len() > members.len() {
                members = agreeing;
            }
        }
        // Members are only ever dropped from here on unless a fit is confirmed, and a fit is
        // confirmed only by enough of them: too few now is no candidate, whatever the fits say.
        if !self.could_confirm(&members) {
            return Ok(self.drop_seed());
        }
        // Confirm with the least-squares fit, which estimates the event's weather: the members
        // are chosen again from every partner by their residual from the fit, twice (the second
        // fit is free of what the first one's choice let in).
        for _ in 0..REFITS {
            let Some((obs, e)) = self.fit(&members) else { break };
            if !confirmed(&obs, &e) {
                break;
            }
            let at = [e.x, e.y];
            members = self.consistent(&observations, &partners, at, |o, range| {
                (residual_s(o, &e).abs(), consistency_window_s(o, range))
            });
        }
        // Drop what one fit does not explain; a set that no fit explains is no candidate.
        self.trim_to_the_gate(&mut members);
        let fit = if self.could_confirm(&members) { self.drop_refuted_waves(&mut members) } else { None };
        let Some((obs, e)) = fit.filter(|(obs, e)| confirmed(obs, e) && passes_the_gate(obs, e)) else {
            return Ok(self.drop_seed());
        };
        // The seed must belong: the others' own fit, without it, must agree with the whole fit.
        // A leftover arrival of an earlier event otherwise drags a later event's arrivals (a
        // compact row of geophones, say, that fixes a direction only) to where it points.
        // Both tests: the fits' positions agree, and the seed adds no more to χ² than its own
        // constraints may (at its 1e-3 upper point).
        // And the location must not hinge on the seed: if the others alone fix it only to an
        // ellipse `MAX_SEED_SHRINK` times the area, nothing tests the seed's association (a
        // compact row that fixes a direction, plus one arrival of another event for the range).
        // A seed with a bearing is held out by its time alone: its bearing crossing the others'
        // lines of position fixes the source apart from its time, which the fit then tests (three
        // arrays with bearings are a candidate as five constraints from three sensors are).
        // Agreeing is not enough: the others must test the seed (`seed_is_tested`).
        let (without, held_out) = match obs[0].bearing {
            Some(_) => {
                let mut untimed = obs.clone();
                untimed[0].sigma_t_s = f64::INFINITY;
                (locate(&untimed), 1)
            }
            None => (locate(&obs[1..]), constraints(&obs[..1])),
        };
        let seed_belongs = without.is_some_and(|without| {
            without.mahalanobis2_to([e.x, e.y]) <= SEED_AGREEMENT_CHI2
                && e.chi2 - without.chi2 <= super::chi2_upper_quantile(held_out as f64, SEED_TAIL_SIGMAS)
                && ellipse_area(&without) <= MAX_SEED_SHRINK * ellipse_area(&e)
                && seed_is_tested(&obs, &without, &e)
        });
        if !seed_belongs {
            return Ok(self.drop_seed());
        }
        if !self.heard_where_expected(&members, &e) {
            self.unheard += 1;
            return Ok(self.drop_seed());
        }
        // The event's other arrivals, those its fit explains within the tolerance of its weather
        // before the fit (a second phase, a pick the tight choice left out), leave with it:
        // left behind, each would seed a candidate of its own from arrivals of later events.
        let at = [e.x, e.y];
        let stragglers: Vec<usize> = observations
            .iter()
            .zip(&partners)
            .filter(|&(o, j)| {
                let sigma = o.sigma_at_s((o.x - at[0]).hypot(o.y - at[1]), true);
                !members.contains(j)
                    && residual_s(o, &e).abs() <= CONSISTENCY_SIGMAS * sigma + MODEL_SLACK_S
                    && points_at(o, at)
            })
            .map(|(_, &j)| j)
            .collect();
        self.unassociated += stragglers.len() as u64;
        let mut leaving: Vec<(usize, bool)> =
            members.iter().map(|&j| (j, true)).chain(stragglers.iter().map(|&j| (j, false))).collect();
        leaving.sort_unstable();
        let seed_t_s = s0.t_s;
        let mut candidate = Vec::with_capacity(members.len());
        for &(j, member) in leaving.iter().rev() {
            if let Some(b) = self.buffer.remove(j) {
                self.remember(&b);
                if member {
                    candidate.push((b.d, b.o));
                }
            }
        }
        candidate.reverse();
        let (detections, obs) = candidate.into_iter().unzip();
        Ok(Some(Formed { detections, obs, fit: Some(e), seed_t_s }))
    }

    /// The seed leaves the buffer without partners: a candidate alone if it fixes its source by
    /// itself (a radar's range and bearing: a weapon-locating radar's report stands alone as a
    /// deployed system's does), else unassociated.
    fn drop_seed(&mut self) -> Option<Formed> {
        let seed = self.buffer.pop_front()?;
        self.remember(&seed);
        if seed.o.range.is_some() && seed.o.bearing.is_some() {
            let obs = vec![seed.o];
            return Some(Formed { detections: vec![seed.d], fit: locate(&obs), obs, seed_t_s: seed.d.t_s });
        }
        self.unassociated += 1;
        None
    }

    /// The seed (buffer index 0) and, per sensor, the partner arrival closest in time among those
    /// whose timing miss is within its tolerance, whose bearing, if any, points at the source, and
    /// whose confirming range reaches it (a farther arrival's window is wide enough to take some
    /// arrival of another event; it leaves with the candidate as a straggler if the fit explains
    /// it, but does not move the fit): `judge` gives an observation's miss and tolerance for a
    /// source at `at`, given its range from there.
    fn consistent(
        &self,
        observations: &[Observation],
        partners: &[usize],
        at: [f64; 2],
        judge: impl Fn(&Observation, f64) -> (f64, f64),
    ) -> Vec<usize> {
        let mut chosen: BTreeMap<u32, (f64, usize)> = BTreeMap::new();
        for (o, &j) in observations.iter().zip(partners) {
            // Most partners are out of reach (far sensors, whose windows take any event's arrival):
            // the cheap test first.
            let range = (o.x - at[0]).hypot(o.y - at[1]);
            if self.buffer[j].confirm_range_m < range {
                continue;
            }
            let (miss, tolerance) = judge(o, range);
            if miss <= tolerance && points_at(o, at) {
                let sensor = self.buffer[j].d.sensor_id;
                if chosen.get(&sensor).is_none_or(|&(m, _)| miss < m) {
                    chosen.insert(sensor, (miss, j));
                }
            }
        }
        std::iter::once(0).chain(chosen.values().map(|&(_, j)| j)).collect()
    }

    /// The members' observations and their fit.
    fn fit(&self, members: &[usize]) -> Option<(Vec<Observation>, super::Estimate)> {
        let obs: Vec<Observation> = members.iter().map(|&j| self.buffer[j].o).collect();
        self.located(members, &obs).map(|e| (obs, e))
    }

    /// `locate` of the members' observations `obs`, once per member set and seed.
    fn located(&self, members: &[usize], obs: &[Observation]) -> Option<super::Estimate> {
        if let Some((_, e)) = self.fits.borrow().iter().find(|(m, _)| m == members) {
            return *e;
        }
        let e = locate(obs);
        self.fits.borrow_mut().push((members.to_vec(), e));
        e
    }

    /// Whether the microphones that a source at the fit would reach louder than half its member
    /// microphones (within `NEAR_FRACTION` of their median range, no less sensitive than the
    /// least sensitive member, reporting at the time) heard it: at least `MIN_HEARD_FRACTION` of
    /// them have an arrival (a member's, or any other) within the window the fit predicts for
    /// them, when there are `MIN_EXPECTED_HEARERS` of them. A microphone whose picker was still
    /// dead at the predicted time after an earlier pick (a salvo's earlier gun, another event)
    /// could not have picked it: its silence says nothing, and it is not counted.
    fn heard_where_expected(&self, members: &[usize], e: &super::Estimate) -> bool {
        let at = [e.x, e.y];
        let sounds: Vec<&Buffered> =
            members.iter().map(|&j| &self.buffer[j]).filter(|b| b.d.modality == Modality::Acoustic).collect();
        if sounds.is_empty() {
            return true;
        }
        let mut ranges: Vec<f64> = sounds.iter().map(|b| (b.o.x - at[0]).hypot(b.o.y - at[1])).collect();
        ranges.sort_unstable_by(f64::total_cmp);
        let radius = NEAR_FRACTION * ranges[ranges.len() / 2];
        let least_sensitive =
            sounds.iter().map(|b| self.models[b.d.sensor_id as usize].threshold_db).fold(f64::NEG_INFINITY, f64::max);
        let member_sensors: Vec<u32> = members.iter().map(|&j| self.buffer[j].d.sensor_id).collect();
        let (mut expected, mut heard) = (0usize, 0usize);
        for (id, m) in self.models.iter().enumerate() {
            let range = (m.x - at[0]).hypot(m.y - at[1]);
            if m.modality != Modality::Acoustic
                || range > radius
                || m.threshold_db > least_sensitive
                || self.out_from_s[id] <= e.t0_s
            {
                continue;
            }
            let hearing =
                if member_sensors.contains(&(id as u32)) { Hearing::Heard } else { self.hearing(id as u32, m, e) };
            expected += usize::from(hearing != Hearing::Deaf);
            heard += usize::from(hearing == Hearing::Heard);
        }
        expected < MIN_EXPECTED_HEARERS || heard as f64 >= MIN_HEARD_FRACTION * expected as f64
    }

    /// Whether sensor `id` has an arrival, in the buffer or gone from it, within the window the
    /// fit `e` predicts for it (its pick at threshold, the path's own speed error, and the fit's
    /// position error along the path); if not, whether an earlier pick held its picker dead at
    /// the predicted time.
    fn hearing(&self, id: u32, m: &SensorModel, e: &super::Estimate) -> Hearing {
        let template = DetectionRecord {
            event_id: -1,
            sensor_id: id,
            modality: m.modality,
            t_s: 0.0,
            snr_db: m.threshold_db as f32,
            level_db: 0.0,
            bearing_rad: f32::NAN,
            range_m: f32::NAN,
            phase: crate::physics::seismic::Phase::Direct,
            signature: crate::output::SignatureCode::None,
        };
        let o = observation(m, &template);
        // With t = 0 the residual is −(t0 + travel time).
        let predicted = -residual_s(&o, e);
        let range = (o.x - e.x).hypot(o.y - e.y).max(1.0);
        let u = [(o.x - e.x) / range, (o.y - e.y) / range];
        let c = e.cov_xy;
        let along_m = (u[0] * u[0] * c[0][0] + 2.0 * u[0] * u[1] * c[0][1] + u[1] * u[1] * c[1][1]).max(0.0).sqrt();
        let sigma = o.sigma_at_s(range, false).hypot(along_m / o.speed_mps);
        let window = CONSISTENCY_SIGMAS * sigma + MODEL_SLACK_S;
        // Arrivals from the start of the dead time before the predicted time to the window's end.
        let (from, to) = ((predicted - m.dead_time_s).min(predicted - window), predicted + window);
        let first = self.buffer.partition_point(|b| b.d.t_s < from);
        let buffered = self.buffer.range(first..).take_while(|b| b.d.t_s <= to).filter(|b| b.d.sensor_id == id);
        let left = self.left.get(&id).into_iter().flatten().copied().filter(|&t| (from..=to).contains(&t));
        let mut hearing = Hearing::Silent;
        for t in buffered.map(|b| b.d.t_s).chain(left) {
            if (t - predicted).abs() <= window {
                return Hearing::Heard;
            }
            if t < predicted - window && crate::detect::picker::holds(t, predicted, m.dead_time_s) {
                hearing = Hearing::Deaf;
            }
        }
        hearing
    }

    /// While the members' fit fails the verifier's χ² gate (1 − 1e-4), drop the arrival that
    /// misses it most, in its own σ (never the seed), and refit: arrivals of other events that
    /// fell inside the windows leave one by one, and what one fit explains stays.
    fn trim_to_the_gate(&self, members: &mut Vec<usize>) {
        // The first fit searches from many starts; each after it starts from the last (one arrival
        // fewer moves the solution little), which a fit that fails the gate makes worth it: it
        // would otherwise search a wide ring of starts every round.
        let mut last: Option<Refit> = None;
        while self.could_confirm(members) {
            let obs: Vec<Observation> = members.iter().map(|&j| self.buffer[j].o).collect();
            let fit = match &last {
                None => self.located(members, &obs).map(|e| Refit::from(&e)),
                Some(last) => refit(&obs, last),
            };
            let Some(e) = fit else { return };
            if !super::exceeds_chi2_gate(e.chi2, constraints(&obs).saturating_sub(3).max(1)) {
                return;
            }
            let miss = |o: &Observation| {
                let range = (o.x - e.x).hypot(o.y - e.y);
                (o.t_s - e.t0_s - travel_time_s(o, [e.x, e.y])).abs() / o.sigma_at_s(range, true)
            };
            let worst = (1..members.len()).max_by(|&a, &b| miss(&obs[a]).total_cmp(&miss(&obs[b])));
            match worst {
                Some(k) if members[k] != 0 => {
                    members.remove(k);
                }
                _ => return,
            }
            last = Some(e);
        }
    }

    /// While the members of one kind of wave (sound, a ground wave, Lg, a radar's echo) pull the
    /// fit away from where the others alone put it (beyond `SEED_AGREEMENT_CHI2` in the others'
    /// own covariance), or fix it where the others alone leave an ellipse `MAX_SEED_SHRINK` times
    /// the area or fix nothing, while too few to fix a source by themselves (so nothing tests
    /// that they belong), they leave; false when that kind is the seed's (the seed does not
    /// belong) or what is left fixes no source; otherwise the observations of what stays and
    /// their fit.
    /// A pair of Lg picks of another event, a few tenths of a second sharp, otherwise fixes the
    /// range that a row of microphones 10–30 km away leaves to the unknown weather, and passes the
    /// χ² gate there.
    fn drop_refuted_waves(&self, members: &mut Vec<usize>) -> Option<(Vec<Observation>, super::Estimate)> {
        let kind = |j: usize| wave_kind(&self.buffer[j].d);
        let seed_kind = kind(0);
        loop {
            let obs: Vec<Observation> = members.iter().map(|&j| self.buffer[j].o).collect();
            let whole = self.located(members, &obs)?;
            let mut kinds: Vec<(u8, u8)> = members.iter().map(|&j| kind(j)).collect();
            // The seed's kind is judged last, once the others are clear of what does not belong.
            kinds.sort_unstable_by_key(|&k| (k == seed_kind, k));
            kinds.dedup();
            if kinds.len() < 2 {
                return Some((obs, whole));
            }
            let refuted = kinds.into_iter().find(|&k| {
                let of_kind = |wanted: bool| -> Vec<Observation> {
                    members.iter().zip(&obs).filter(|&(&j, _)| (kind(j) == k) == wanted).map(|(_, o)| *o).collect()
                };
                let (own, others) = (of_kind(true), of_kind(false));
                // Whether the location hinges on these arrivals while nothing tests that they
                // belong: alone they fix no source.
                let untested = || locate(&own).is_none();
                match locate(&others) {
                    Some(without) => {
                        without.mahalanobis2_to([whole.x, whole.y]) > SEED_AGREEMENT_CHI2
                            || (ellipse_area(&without) > MAX_SEED_SHRINK * ellipse_area(&whole) && untested())
                    }
                    None => untested(),
                }
            });
            match refuted {
                Some(k) if k == seed_kind => return None,
                Some(k) => members.retain(|&j| kind(j) != k),
                None => return Some((obs, whole)),
            }
            if !self.could_confirm(members) {
                return None;
            }
        }
    }

    /// Whether `members` are enough to confirm a fit at all (`confirmed`: `BLIND_MIN_SENSORS`
    /// giving `BLIND_MIN_CONSTRAINTS`, one arrival per sensor), before any fit: the fits of a set
    /// too small for it are skipped, as their candidate would be refused.
    fn could_confirm(&self, members: &[usize]) -> bool {
        let bearings = members.iter().filter(|&&j| self.buffer[j].o.bearing.is_some()).count();
        members.len() >= BLIND_MIN_SENSORS && members.len() + bearings >= BLIND_MIN_CONSTRAINTS
    }

    /// The positions around the seed sensor that the partners' arrivals agree with best: a
    /// beam of a few distinct peaks of the grid (the first level's also the best point next to
    /// the seed's sensor), each refined coarse to fine (`search`, on the device or its f64
    /// reference), best scored first. The score counts each partner by how close its arrival is to the
    /// predicted one (a triangular kernel as wide as the tolerance plus the cell), so ties at
    /// coarse levels break towards the true position.
    /// `searched`: each partner's observation, the slowest speed its signal travels at and its
    /// confirming range; `window_partners`: the partners in the travel-time window, searched or
    /// not (for `window_pairs`).
    fn search(
        &mut self,
        s0: &Observation,
        searched: &[(Observation, f64, f64)],
        window_partners: usize,
    ) -> Result<Vec<[f64; 2]>> {
        let origin = [s0.x, s0.y];
        let seed_slowest = s0.slowest_mps();
        let seed = SearchArrival::of(s0, origin, s0.t_s);
        let partners: Vec<Observation> = searched.iter().map(|&(o, _, _)| o).collect();
        let slowest: Vec<f64> = searched.iter().map(|&(_, v, _)| v).collect();
        let mut all: Vec<SearchArrival> = searched
            .iter()
            .map(|(o, _, confirm_range_m)| SearchArrival {
                confirm_range_m: confirm_range_m.min(f64::from(f32::MAX)) as f32,
                ..SearchArrival::of(o, origin, s0.t_s)
            })
            .collect();
        let mut beam = vec![[0.0, 0.0]];
        let mut half = self.search_radius_m;
        for level in 0..SEARCH_LEVELS {
            let step = 2.0 * half / (SEARCH_POINTS - 1) as f64;
            let cell_slack = |slowest_mps: f64| std::f64::consts::SQRT_2 * step / slowest_mps;
            // Each partner's kernel width is the same at every point of this level.
            for ((a, o), &v) in all.iter_mut().zip(&partners).zip(&slowest) {
                let between = (o.x - s0.x).hypot(o.y - s0.y);
                a.width_s = (tolerance(s0, o, half, between + half) + cell_slack(v) + cell_slack(seed_slowest)) as f32;
            }
            // Each centre's job holds the seed and only the partners that can score on its grid:
            // below the first level a grid spans a few cells, and most of the partners in the
            // travel-time window (arrivals of other events) score nothing there.
            // Each centre's grid is scored as TILES × TILES tiles, each a job of its own: the
            // first level's grid spans the whole search radius, a tile a third of it.
            let tile_half = (TILE_POINTS - 1) as f64 / 2.0 * step;
            let (reach, cell) = (std::f64::consts::SQRT_2 * tile_half, std::f64::consts::SQRT_2 * step);
            let mut arrivals = Vec::new();
            let mut jobs = Vec::with_capacity(beam.len() * TILES * TILES);
            for centre in &beam {
                for (a, b) in (0..TILES).flat_map(|a| (0..TILES).map(move |b| (a, b))) {
                    let shift = |k: usize| (k as f64 - (TILES - 1) as f64 / 2.0) * TILE_POINTS as f64 * step;
                    let tile = [centre[0] + shift(a), centre[1] + shift(b)];
                    let first = arrivals.len() as u32;
                    arrivals.push(seed);
                    arrivals.extend(
                        all.iter()
                            .zip(&slowest)
                            .filter(|(p, v)| p.can_score_near(&seed, tile, reach, cell, [seed_slowest, **v]))
                            .map(|(p, _)| *p),
                    );
                    jobs.push(SearchJob {
                        centre_x: tile[0] as f32,
                        centre_y: tile[1] as f32,
                        half_m: tile_half as f32,
                        step_m: step as f32,
                        first,
                        count: arrivals.len() as u32 - first,
                        points: TILE_POINTS as u32,
                        pad: 0,
                    });
                }
            }
            self.window_pairs += (beam.len() * SEARCH_POINTS * SEARCH_POINTS * window_partners) as u64;
            let scores = self.scorer.score(&arrivals, &jobs)?;
            let per_job = TILE_POINTS * TILE_POINTS;
            let mut scored: Vec<([f64; 2], f64)> =
                scores.iter().enumerate().map(|(k, &score)| (jobs[k / per_job].point(k % per_job), score)).collect();
            scored.sort_by(|x, y| y.1.total_cmp(&x.1));
            // Distinct peaks, not the neighbours of one: a coarse level's best points are often
            // one cluster of other events' arrivals that fit by chance, and the seed's own
            // event, a lower peak elsewhere, would otherwise be left behind.
            // The first level keeps the best point next to the seed's own sensor as well: the first
            // sensor to hear a source is most often the nearest, and a source heard by a few
            // sensors a few kilometres off scores less on a coarse grid than chance coincidences
            // of the many arrivals of a busy sector far away.
            beam.clear();
            if level == 0
                && let Some(&(at, _)) =
                    scored.iter().find(|(at, _)| at[0].hypot(at[1]) <= SEED_NEIGHBOURHOOD_STEPS * step)
            {
                beam.push(at);
            }
            for (at, _) in scored {
                if beam.len() == BEAM {
                    break;
                }
                if beam.iter().all(|b: &[f64; 2]| (b[0] - at[0]).hypot(b[1] - at[1]) > PEAK_SEPARATION_STEPS * step) {
                    beam.push(at);
                }
            }
            half = 1.5 * step;
            if step < 1.0 {
                break;
            }
        }
        Ok(beam.iter().map(|b| [b[0] + origin[0], b[1] + origin[1]]).collect())
    }
}

/// The arrivals of `held` that `new`'s fit explains (at `CONSISTENCY_SIGMAS` of their σ at the
/// fit, and bearings pointing at it), when they are at least half of them, `new` has more
/// members, and none of them repeats a sensor's wave in `new`.
fn taken_from(held: &Formed, new: &Formed, fit: &super::Estimate) -> Option<Formed> {
    if held.fit.is_none() || held.detections.len() >= new.detections.len() {
        return None;
    }
    let new_waves: Vec<(u32, (u8, u8))> = new.detections.iter().map(|d| (d.sensor_id, wave_kind(d))).collect();
    let at = [fit.x, fit.y];
    let count = held.detections.len();
    let (mut detections, mut obs) = (Vec::new(), Vec::new());
    let mut unexplained = 0;
    for (d, o) in held.detections.iter().zip(&held.obs) {
        let explained = residual_s(o, fit).abs() <= consistency_window_s(o, (o.x - at[0]).hypot(o.y - at[1]))
            && points_at(o, at)
            && !new_waves.contains(&(d.sensor_id, wave_kind(d)));
        if explained {
            detections.push(*d);
            obs.push(*o);
            continue;
        }
        // Every new candidate is tried against every held one, nearly all another event's: stop
        // as soon as it can no longer explain half.
        unexplained += 1;
        if 2 * (count - unexplained) < count {
            return None;
        }
    }
    Some(Formed { detections, obs, fit: None, seed_t_s: held.seed_t_s })
}

/// `a` and `b` as one candidate in time order, unfitted.
fn merged_unchecked(a: &Formed, b: &Formed) -> Formed {
    let mut both: Vec<(DetectionRecord, Observation)> = a
        .detections
        .iter()
        .copied()
        .zip(a.obs.iter().copied())
        .chain(b.detections.iter().copied().zip(b.obs.iter().copied()))
        .collect();
    both.sort_by(|x, y| x.0.t_s.total_cmp(&y.0.t_s));
    let (detections, obs) = both.into_iter().unzip();
    Formed { detections, obs, fit: None, seed_t_s: a.seed_t_s.min(b.seed_t_s) }
}

/// `held` and `new` as one candidate, if one fit explains both (`Blind::admit`); `fit` is `new`'s.
fn merged(held: &Formed, new: &Formed, fit: &super::Estimate) -> Option<Formed> {
    let other = held.fit.as_ref()?;
    let d = [fit.x - other.x, fit.y - other.y];
    let sum = std::array::from_fn(|i| std::array::from_fn(|j| fit.cov_xy[i][j] + other.cov_xy[i][j]));
    if (fit.t0_s - other.t0_s).abs() > MAX_CONFIRMING_WINDOW_S || mahalanobis2(&sum, d)? > SEED_AGREEMENT_CHI2 {
        return None;
    }
    let waves = |f: &Formed| f.detections.iter().map(|d| (d.sensor_id, wave_kind(d))).collect::<Vec<_>>();
    let held_waves = waves(held);
    if waves(new).iter().any(|w| held_waves.contains(w)) {
        return None;
    }
    let union = merged_unchecked(held, new);
    let fit = locate(&union.obs).filter(|e| confirmed(&union.obs, e) && passes_the_gate(&union.obs, e))?;
    Some(Formed { fit: Some(fit), ..union })
}

/// Half-width of the window, s, within which a member's arrival must fall of the time a fit
/// predicts for a sensor `range_m` from it (its σ with the event's weather fitted).
fn consistency_window_s(o: &Observation, range_m: f64) -> f64 {
    CONSISTENCY_SIGMAS * o.sigma_at_s(range_m, false) + MODEL_SLACK_S
}

/// d' Σ⁻¹ d for a 2 × 2 covariance; None when it is singular.
fn mahalanobis2(c: &[[f64; 2]; 2], d: [f64; 2]) -> Option<f64> {
    let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    (det > 0.0).then(|| (c[1][1] * d[0] * d[0] - 2.0 * c[0][1] * d[0] * d[1] + c[0][0] * d[1] * d[1]) / det)
}

/// The kind of wave a detection travelled as: its modality and phase.
fn wave_kind(d: &DetectionRecord) -> (u8, u8) {
    (d.modality as u8, d.phase as u8)
}

/// The farthest source an arrival can confirm a candidate from: the range at which its window,
/// `CONSISTENCY_SIGMAS` σ with the event's weather fitted, reaches `MAX_CONFIRMING_WINDOW_S`
/// (`confirmed`); infinite without a path speed error, negative if its pick alone is too blunt.
fn confirming_range_m(o: &Observation) -> f64 {
    let spare = CONFIRMING_SIGMA_S.powi(2) - o.sigma_t_s.powi(2);
    if spare < 0.0 {
        return -1.0;
    }
    if o.path_speed_sigma_mps <= 0.0 {
        return f64::INFINITY;
    }
    spare.sqrt() * o.speed_mps * o.speed_mps / o.path_speed_sigma_mps
}

/// Whether a fit's confirming observations, those whose arrival time is known to within
/// `MAX_CONFIRMING_WINDOW_S` at the fit (one per sensor), give `BLIND_MIN_CONSTRAINTS` from
/// `BLIND_MIN_SENSORS` at least.
fn confirmed(obs: &[Observation], e: &super::Estimate) -> bool {
    let confirming: Vec<Observation> = obs
        .iter()
        .filter(|o| o.sigma_at_s((o.x - e.x).hypot(o.y - e.y), false) <= CONFIRMING_SIGMA_S)
        .copied()
        .collect();
    confirming.len() >= BLIND_MIN_SENSORS && constraints(&confirming) >= BLIND_MIN_CONSTRAINTS
}

/// Whether the others, `obs[1..]`, test the seed `obs[0]`: they predict its arrival time
/// (`predicts_the_seed`), or, for a seed with a bearing, they fix the source without it, so that
/// its bearing must point there. Two arrivals nearly in line with their source fix only that line (their
/// time difference is the sensors' separation all along it): any bearing crosses it, and a seed's
/// time fits somewhere along it, so an arrival of another event passes both tests with one
/// degree of freedom to spare (on the full line a fit 11.5 km off with σ 40 m, docs/design.md §6).
///
/// A seed's bearing may also pull the fit along a line of position the others leave long (a far
/// row of arrays fixes a direction, the range to a kilometre or two): the others' own χ² at the
/// whole fit may then exceed their least by no more than `SEED_AGREEMENT_CHI2` (a likelihood-ratio
/// test; a seed without a bearing is held out whole, and its `without` is already the others').
fn seed_is_tested(obs: &[Observation], without: &super::Estimate, whole: &super::Estimate) -> bool {
    let (seed, others) = (&obs[0], &obs[1..]);
    if seed.bearing.is_none() {
        return predicts_the_seed(others, without, seed);
    }
    let Some(own) = refit(others, &Refit::from(whole)) else { return false };
    chi2_at(others, [whole.x, whole.y]) - own.chi2 <= SEED_AGREEMENT_CHI2
        && (predicts_the_seed(others, without, seed) || locate(others).is_some())
}

/// Whether the others predict the seed's arrival time to a confirming window: its time from
/// their origin time and its range, at ±1σ along the long axis of `without` (the fit with the
/// seed's time held out), changes by at most ±`CONFIRMING_SIGMA_S`. A wider prediction tests the
/// seed's time no better than a far arrival's wide window does (`confirming_range_m`).
fn predicts_the_seed(others: &[Observation], without: &super::Estimate, seed: &Observation) -> bool {
    let (u, sigma) = without.long_axis();
    let predicted = |k: f64| {
        let at = [without.x + k * sigma * u[0], without.y + k * sigma * u[1]];
        origin_time_at(others, at).map(|t0| t0 + travel_time_s(seed, at))
    };
    match (predicted(1.0), predicted(-1.0)) {
        (Some(ahead), Some(behind)) => (ahead - behind).abs() <= 2.0 * CONFIRMING_SIGMA_S,
        _ => false,
    }
}

/// Whether a fit passes the verifier's χ² gate.
fn passes_the_gate(obs: &[Observation], e: &super::Estimate) -> bool {
    !super::exceeds_chi2_gate(e.chi2, constraints(obs).saturating_sub(3).max(1))
}

/// Area of an estimate's error ellipse, up to a constant: √det Σ.
fn ellipse_area(e: &super::Estimate) -> f64 {
    (e.cov_xy[0][0] * e.cov_xy[1][1] - e.cov_xy[0][1] * e.cov_xy[1][0]).max(0.0).sqrt()
}

/// Location constraints of a set of observations: one per arrival and one per bearing.
fn constraints(obs: &[Observation]) -> usize {
    obs.len() + obs.iter().filter(|o| o.bearing.is_some()).count()
}

/// Whether an observation's bearing, if it has one, points at `at` within `BEARING_SIGMAS` of its
/// σ (blurred by the surveyed position's error at that range).
fn points_at(o: &Observation, at: [f64; 2]) -> bool {
    let Some((bearing, sigma)) = o.bearing else { return true };
    let (dx, dy) = (at[0] - o.x, at[1] - o.y);
    let range = dx.hypot(dy).max(1.0);
    let mut miss = bearing - dx.atan2(dy);
    miss -= std::f64::consts::TAU * ((miss + std::f64::consts::PI) / std::f64::consts::TAU).floor();
    miss.abs() <= BEARING_SIGMAS * sigma.hypot(o.position_sigma_m / range)
}

/// Arrival-time tolerance between two arrivals of one event from sources about `range_a` and
/// `range_b` away: their timing and the speed errors of their paths, the event's weather error
/// included (nothing has estimated it yet).
fn tolerance(a: &Observation, b: &Observation, range_a: f64, range_b: f64) -> f64 {
    CONSISTENCY_SIGMAS * a.sigma_at_s(range_a, true).hypot(b.sigma_at_s(range_b, true)) + MODEL_SLACK_S
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::records::ModalityCode;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// An observation at a model's sensor, for the travel time to it.
    fn listener(m: &SensorModel) -> Observation {
        Observation {
            x: m.x,
            y: m.y,
            t_s: 0.0,
            sigma_t_s: m.sigma_t_s,
            speed_mps: m.speed_mps,
            wind_mps: m.wind_mps,
            bearing: None,
            range: None,
            path_speed_sigma_mps: 0.0,
            position_sigma_m: 0.0,
            shared: None,
            air: None,
        }
    }

    /// An acoustic array at `at` under the wind `wind_mps`, with sharp picks and a bearing σ
    /// (rad) at its 10 dB threshold and its floor.
    fn array_at(at: [f64; 2], wind_mps: [f64; 2], bearing_sigma: f64, bearing_floor: f64) -> SensorModel {
        SensorModel {
            x: at[0],
            y: at[1],
            speed_mps: 335.0,
            wind_mps,
            sigma_t_s: 1e-3,
            threshold_db: 10.0,
            fixed_sigma_s: 0.0,
            path_speed_sigma_mps: 0.0,
            shared: None,
            air: None,
            position_sigma_m: 0.0,
            modality: crate::scenario::Modality::Acoustic,
            bearing: Some((bearing_sigma, bearing_floor, 10.0)),
            range_sigma_m: None,
            lg: None,
            dead_time_s: 0.0,
        }
    }

    /// Two sources fired in the same second 1.5 km apart, heard by the same twelve arrays, with
    /// false alarms mixed in: blind association separates them, each with its own arrivals.
    #[test]
    fn simultaneous_nearby_events_are_separated_and_false_alarms_dropped() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let models: Vec<SensorModel> = (0..12)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::TAU / 12.0;
                let at = [
                    8_000.0 * a.cos() + rng.random_range(-500.0..500.0),
                    8_000.0 * a.sin() + rng.random_range(-500.0..500.0),
                ];
                array_at(at, [3.0, -1.0], 3f64.to_radians(), 0.3f64.to_radians())
            })
            .collect();
        let sources = [([0.0, 0.0], 100.0), ([1_500.0, 0.0], 100.4)];
        let mut detections = Vec::new();
        for (event_id, (at, t0)) in sources.iter().enumerate() {
            for (sensor_id, m) in models.iter().enumerate() {
                let (dx, dy) = (at[0] - m.x, at[1] - m.y);
                detections.push(DetectionRecord {
                    event_id: event_id as i64,
                    sensor_id: sensor_id as u32,
                    modality: ModalityCode::Acoustic,
                    t_s: t0 + travel_time_s(&listener(m), *at) + rng.random_range(-1e-3..1e-3),
                    snr_db: 20.0,
                    level_db: 80.0,
                    bearing_rad: (dx.atan2(dy) + rng.random_range(-0.01..0.01)) as f32,
                    range_m: f32::NAN,
                    phase: crate::output::PhaseCode::Direct,
                    signature: crate::output::SignatureCode::None,
                });
            }
        }
        for _ in 0..10 {
            detections.push(DetectionRecord {
                event_id: -1,
                sensor_id: rng.random_range(0..12),
                modality: ModalityCode::Acoustic,
                t_s: rng.random_range(90.0..160.0),
                snr_db: 11.0,
                level_db: 70.0,
                bearing_rad: rng.random_range(-3.0..3.0),
                range_m: f32::NAN,
                phase: crate::output::PhaseCode::Direct,
                signature: crate::output::SignatureCode::None,
            });
        }
        detections.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let mut blind = Blind::new(&models, 60.0, 20_000.0, &super::super::search::CpuScorer);
        for d in detections {
            blind.push(d);
        }
        let candidates = blind.finish().expect("the reference scores");
        let located: Vec<&Candidate> = candidates.iter().filter(|c| c.len() >= 10).collect();
        assert_eq!(located.len(), 2, "{candidates:?}");
        for c in located {
            let first = c[0].event_id;
            assert!(first >= 0 && c.iter().all(|d| d.event_id == first), "one event per candidate: {c:?}");
            assert_eq!(c.len(), 12, "every arrival of the event");
        }
        assert!(candidates.iter().flatten().filter(|d| d.event_id < 0).count() <= 1, "false alarms are dropped");
    }

    /// A round heard by six arrays with bearings, the first 1.2 km away, is found whole though a
    /// busier patch 16 km along the first's bearing scores more on the coarse grid: 24
    /// microphones beyond it heard other events that fit a source there with the first arrival's
    /// origin time to seconds, as chance coincidences do, not to the picks' milliseconds. A beam of the
    /// best coarse points' neighbours refined that patch alone and dropped the round's seed.
    #[test]
    fn the_seeds_own_event_is_found_beside_a_stronger_coarse_peak_of_chance_arrivals() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        const OWN: usize = 6;
        let (source, patch) = ([0.0, 1_200.0], [0.0, 16_000.0]);
        let array = |at: [f64; 2]| array_at(at, [0.0, 0.0], 3f64.to_radians(), 0.3f64.to_radians());
        // The first array due south of the round; five more on a ring 2.5 km around it.
        let mut models = vec![array([0.0, 0.0])];
        models.extend((0..OWN - 1).map(|i| {
            let a = (30.0 + 70.0 * i as f64).to_radians();
            array([source[0] + 2_500.0 * a.sin(), source[1] + 2_500.0 * a.cos()])
        }));
        // The patch's microphones on an arc 18 km beyond it, so that their arrivals come after
        // the first array's.
        models.extend((0..24).map(|i| {
            let a = (-60.0 + 5.0 * f64::from(i)).to_radians();
            let at = [patch[0] + 18_000.0 * a.sin(), patch[1] + 18_000.0 * a.cos()];
            SensorModel { bearing: None, ..array_at(at, [0.0; 2], 0.0, 0.0) }
        }));
        let record = |event_id: i64, sensor_id: usize, t_s: f64, bearing_rad: f64| DetectionRecord {
            event_id,
            sensor_id: sensor_id as u32,
            modality: ModalityCode::Acoustic,
            t_s,
            snr_db: 20.0,
            level_db: 80.0,
            bearing_rad: bearing_rad as f32,
            range_m: f32::NAN,
            phase: crate::output::PhaseCode::Direct,
            signature: crate::output::SignatureCode::None,
        };
        let t0 = 100.0;
        let mut detections: Vec<DetectionRecord> = (0..OWN)
            .map(|i| {
                let m = &models[i];
                let bearing = (source[0] - m.x).atan2(source[1] - m.y);
                record(0, i, t0 + travel_time_s(&listener(m), source) + rng.random_range(-1e-3..1e-3), bearing)
            })
            .collect();
        // The patch's arrivals fit a source there fired when the seed's arrival says, to ±2.5 s.
        let seed_t = detections[0].t_s;
        let patch_t0 = seed_t - travel_time_s(&listener(&models[0]), patch);
        for (i, m) in models.iter().enumerate().skip(OWN) {
            let t = patch_t0 + travel_time_s(&listener(m), patch) + rng.random_range(-2.5..2.5);
            detections.push(record(1 + i as i64, i, t, f64::NAN));
        }
        detections.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let mut blind = Blind::new(&models, 120.0, 30_000.0, &super::super::search::CpuScorer);
        for d in detections {
            blind.push(d);
        }
        let candidates = blind.finish().expect("the reference scores");
        let whole = candidates.iter().any(|c| c.iter().filter(|d| d.event_id == 0).count() == OWN);
        assert!(whole, "the round's six arrivals in one candidate: {candidates:?}");
    }

    /// One event's arrivals formed as two candidates (six arrays each) are one candidate with all
    /// twelve; the same halves of two events 3 km apart, or 2 s apart, stay two; and two halves
    /// that share a sensor's arrival of the same wave stay two. A candidate that took a few of an
    /// event's arrivals is dissolved by the event's own, larger one.
    #[test]
    fn candidates_one_fit_explains_are_merged() {
        let models: Vec<SensorModel> = (0..12)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::TAU / 12.0;
                array_at([8_000.0 * a.cos(), 8_000.0 * a.sin()], [0.0; 2], 0.0, 0.5f64.to_radians())
            })
            .collect();
        let formed = |sensors: &[usize], source: [f64; 2], t0: f64| -> Formed {
            let detections: Candidate = sensors
                .iter()
                .map(|&id| {
                    let m = &models[id];
                    DetectionRecord {
                        event_id: 0,
                        sensor_id: id as u32,
                        modality: ModalityCode::Acoustic,
                        t_s: t0 + travel_time_s(&listener(m), source),
                        snr_db: 20.0,
                        level_db: 80.0,
                        bearing_rad: (source[0] - m.x).atan2(source[1] - m.y) as f32,
                        range_m: f32::NAN,
                        phase: crate::output::PhaseCode::Direct,
                        signature: crate::output::SignatureCode::None,
                    }
                })
                .collect();
            let obs: Vec<Observation> =
                detections.iter().map(|d| observation(&models[d.sensor_id as usize], d)).collect();
            Formed { detections, fit: locate(&obs), obs, seed_t_s: t0 }
        };
        let (even, odd): (Vec<usize>, Vec<usize>) = (0..12).partition(|i| i % 2 == 0);
        let source = [500.0, -300.0];
        let first = formed(&even, source, 100.0);
        assert!(first.fit.is_some(), "six arrays with bearings fix the source");
        let join = |new: &Formed| merged(&first, new, new.fit.as_ref().expect("fitted"));
        let union = join(&formed(&odd, source, 100.0)).expect("one event's halves merge");
        assert_eq!(union.detections.len(), 12);
        assert!(union.detections.windows(2).all(|w| w[0].t_s <= w[1].t_s), "in time order");
        assert!(join(&formed(&odd, [3_500.0, -300.0], 100.0)).is_none(), "3 km apart: two events");
        assert!(join(&formed(&odd, source, 102.0)).is_none(), "2 s apart: two events");
        let overlapping: Vec<usize> = odd.iter().copied().chain([0]).collect();
        assert!(join(&formed(&overlapping, source, 100.0)).is_none(), "one sensor's sound in both");

        // A candidate of three of the event's arrivals and one of another event (its seed) is
        // dissolved by the event's own candidate of eight: the three join it, the other is left.
        let mut blind = Blind::new(&models, 60.0, 20_000.0, &super::super::search::CpuScorer);
        let stolen = formed(&[0, 1, 2], source, 100.0);
        let mut held = merged_unchecked(&formed(&[3], [-4_000.0, 2_000.0], 95.0), &stolen);
        held.fit = stolen.fit;
        blind.formed.push_back(held);
        blind.admit(formed(&(4..12).collect::<Vec<usize>>(), source, 100.0));
        assert_eq!((blind.dissolved, blind.merged, blind.unassociated), (1, 0, 1));
        assert_eq!(blind.formed.len(), 1);
        assert_eq!(blind.formed[0].detections.len(), 11, "the eight and the three");
        // A smaller candidate takes nothing from a larger one.
        let mut blind = Blind::new(&models, 60.0, 20_000.0, &super::super::search::CpuScorer);
        blind.formed.push_back(formed(&(4..12).collect::<Vec<usize>>(), source, 100.0));
        let few = formed(&[0, 1, 2], [-4_000.0, 2_000.0], 95.0);
        blind.admit(few);
        assert_eq!((blind.dissolved, blind.formed.len()), (0, 2));
    }

    /// An arrival confirms (its window at the range within `MAX_CONFIRMING_WINDOW_S`) exactly
    /// out to its confirming range: sharp and blunt picks, slow and fast paths.
    /// Microphone `i` of two rows of twelve 1 km apart, the rows 4 km apart, with sharp picks
    /// and no bearings, its picker dead for `dead_time_s` after each pick.
    fn row_microphone(i: usize, dead_time_s: f64) -> SensorModel {
        let at = [(i % 12) as f64 * 1_000.0, if i < 12 { 0.0 } else { 4_000.0 }];
        SensorModel {
            speed_mps: 340.0,
            sigma_t_s: 2e-3,
            bearing: None,
            dead_time_s,
            ..array_at(at, [0.0; 2], 0.0, 0.0)
        }
    }

    /// A microphone's arrival at 20 dB SNR, without a bearing.
    fn sound_arrival(sensor: usize, t_s: f64, event_id: i64) -> DetectionRecord {
        DetectionRecord {
            event_id,
            sensor_id: sensor as u32,
            modality: ModalityCode::Acoustic,
            t_s,
            snr_db: 20.0,
            level_db: 80.0,
            bearing_rad: f32::NAN,
            range_m: f32::NAN,
            phase: crate::output::PhaseCode::Direct,
            signature: crate::output::SignatureCode::None,
        }
    }

    /// Two rows of microphones 4 km apart, a source between them: with every arrival it is one
    /// candidate. Without the arrivals of the six microphones nearest to it, the rest still fit,
    /// but microphones far nearer than their median range heard nothing: dropped as unheard,
    /// unless the deployment's state of health says those six were out.
    #[test]
    fn a_fit_where_the_nearest_microphones_heard_nothing_is_dropped() {
        let models: Vec<SensorModel> = (0..24).map(|i| row_microphone(i, 0.0)).collect();
        let source = [5_500.0, 1_000.0];
        let silent = |id: usize| (3..=8).contains(&id);
        let arrivals = |keep: &dyn Fn(usize) -> bool| -> Vec<DetectionRecord> {
            let mut out: Vec<DetectionRecord> = models
                .iter()
                .enumerate()
                .filter(|&(id, _)| keep(id))
                .map(|(id, m)| sound_arrival(id, 50.0 + travel_time_s(&listener(m), source), 0))
                .collect();
            out.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
            out
        };
        let associate = |detections: Vec<DetectionRecord>, out_from_s: Vec<f64>| {
            let mut blind =
                Blind::new(&models, 40.0, 20_000.0, &super::super::search::CpuScorer).with_outages(out_from_s);
            for d in detections {
                blind.push(d);
            }
            let candidates = blind.finish().expect("the reference scores");
            (candidates.iter().map(Vec::len).max().unwrap_or(0), blind.unheard)
        };
        let up = vec![f64::INFINITY; models.len()];
        assert_eq!(associate(arrivals(&|_| true), up.clone()), (24, 0), "every arrival, one candidate");
        let (largest, unheard) = associate(arrivals(&|id| !silent(id)), up);
        assert!(largest < BLIND_MIN_CONSTRAINTS && unheard >= 1, "largest {largest}, unheard {unheard}");
        let out: Vec<f64> = (0..models.len()).map(|id| if silent(id) { 0.0 } else { f64::INFINITY }).collect();
        assert_eq!(associate(arrivals(&|id| !silent(id)), out), (18, 0), "the six were out: nothing to hear");
    }

    /// The six nearest microphones of the test above picked something else (another round of a
    /// salvo, say) 0.10–0.45 s before the source's sound reached them. With a picker dead for
    /// 0.5 s after each pick they could not pick it: their silence says nothing, and the others
    /// are a candidate. With one dead for 0.05 s they could, and their silence drops the fit (as
    /// it drops every fit of the others in the test above).
    #[test]
    fn microphones_whose_picker_was_dead_are_not_expected_to_hear() {
        let source = [5_500.0, 1_000.0];
        let near = |id: usize| (3..=8).contains(&id);
        let associate = |dead_time_s: f64| {
            let models: Vec<SensorModel> = (0..24).map(|i| row_microphone(i, dead_time_s)).collect();
            let mut detections: Vec<DetectionRecord> = models
                .iter()
                .enumerate()
                .map(|(id, m)| {
                    let t_s = 50.0 + travel_time_s(&listener(m), source);
                    // A near microphone's pick of something else, and its picker deaf to this.
                    if near(id) {
                        sound_arrival(id, t_s - 0.10 - 0.07 * (id - 3) as f64, -1)
                    } else {
                        sound_arrival(id, t_s, 0)
                    }
                })
                .collect();
            detections.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
            let mut blind = Blind::new(&models, 40.0, 20_000.0, &super::super::search::CpuScorer);
            for d in detections {
                blind.push(d);
            }
            let candidates = blind.finish().expect("the reference scores");
            let largest = candidates.iter().filter(|c| c.iter().all(|d| d.event_id == 0)).map(Vec::len).max();
            (largest.unwrap_or(0), blind.unheard)
        };
        // Dead: the others are a candidate (a few of them may go with the earlier picks, which a
        // seed among those ties to the source's position).
        let (largest, unheard) = associate(0.5);
        assert!(largest >= 12 && unheard == 0, "largest {largest}, unheard {unheard}");
        let (largest, unheard) = associate(0.05);
        assert!(largest < BLIND_MIN_CONSTRAINTS && unheard >= 1, "largest {largest}, unheard {unheard}");
    }

    /// Two arrays in line with a source 20 km north fix only that line. A third array's arrival
    /// of another event, whose bearing crosses the line 14 km north at just the time a source
    /// there would give, fits them exactly, but a time that fits somewhere along the line and a
    /// bearing that crosses it test nothing. Moved off the line, the second array crosses the
    /// first's bearing: the two fix the source, and the third array's own bearing must point there.
    #[test]
    fn a_seed_whose_time_fits_anywhere_along_the_others_line_is_untested() -> Result<(), String> {
        let bearing_sigma = 2f64.to_radians();
        let heard = |m: &SensorModel, at: [f64; 2], t0: f64| {
            let (dx, dy) = (at[0] - m.x, at[1] - m.y);
            Observation {
                t_s: t0 + travel_time_s(&listener(m), at),
                bearing: Some((dx.atan2(dy), bearing_sigma)),
                ..listener(m)
            }
        };
        // Picks to 20 ms: sharper ones would make the two arrays' hyperbola a line of position
        // far thinner than their bearings' crossing, an ellipse `locate` calls no fix.
        let array =
            |at: [f64; 2]| SensorModel { sigma_t_s: 0.02, ..array_at(at, [0.0; 2], bearing_sigma, bearing_sigma) };
        let (source, crossing, t0) = ([0.0, 20_000.0], [0.0, 14_000.0], 100.0);
        let seed_array = array([10_000.0, 4_000.0]);
        let first = array([0.0, 0.0]);
        let first_heard = heard(&first, source, t0);
        for (second, seed_own, tested) in [([0.0, -3_000.0], false, false), ([8_000.0, 0.0], true, true)] {
            let others = [first_heard, heard(&array(second), source, t0)];
            let seed = if seed_own {
                heard(&seed_array, source, t0)
            } else {
                // The time a source at the crossing would give, the line's t0 there.
                let t0_there = first_heard.t_s - travel_time_s(&first_heard, crossing);
                heard(&seed_array, crossing, t0_there)
            };
            let untimed: Vec<Observation> =
                std::iter::once(Observation { sigma_t_s: f64::INFINITY, ..seed }).chain(others).collect();
            let without = locate(&untimed).ok_or("the seed's bearing crosses the others'")?;
            let at = if seed_own { source } else { crossing };
            assert!((without.x - at[0]).hypot(without.y - at[1]) < 100.0, "{without:?}");
            let obs: Vec<Observation> = std::iter::once(seed).chain(others).collect();
            let whole = locate(&obs).ok_or("the whole fit")?;
            assert_eq!(seed_is_tested(&obs, &without, &whole), tested, "second array at {second:?}");
        }
        Ok(())
    }

    #[test]
    fn the_confirming_range_is_where_the_window_reaches_its_limit() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (mut near, mut never) = (0, 0);
        for _ in 0..2_000 {
            let o = Observation {
                x: 0.0,
                y: 0.0,
                t_s: 0.0,
                sigma_t_s: rng.random_range(0.001..0.2),
                speed_mps: if rng.random_bool(0.5) { 340.0 } else { 3_500.0 },
                wind_mps: [0.0, 0.0],
                bearing: None,
                range: None,
                path_speed_sigma_mps: if rng.random_bool(0.1) { 0.0 } else { rng.random_range(0.1..30.0) },
                position_sigma_m: 0.0,
                shared: None,
                air: None,
            };
            let limit = confirming_range_m(&o);
            let range = rng.random_range(0.0..100_000.0);
            let confirms = CONSISTENCY_SIGMAS * o.sigma_at_s(range, false) <= MAX_CONFIRMING_WINDOW_S;
            assert_eq!(confirms, range <= limit, "{o:?} at {range} m: limit {limit} m");
            near += usize::from(confirms && limit.is_finite());
            never += usize::from(limit < 0.0);
        }
        assert!(near > 100 && never > 100, "{near} confirming within a finite range, {never} never");
    }

    /// A compact row of three arrays 15 km from a source fixes its direction but hardly its range
    /// (to kilometres);
    /// two sharp seismic picks of another event, 5 km farther along that direction at just the
    /// time that makes the row's arrivals fit it, would fix the range at the wrong place and pass
    /// the χ² gate. Alone they fix nothing, so nothing tests that they belong: they leave. Taken as
    /// the seed, they make no candidate.
    #[test]
    fn untested_arrivals_of_another_wave_do_not_fix_the_location() {
        let acoustic = |x: f64| SensorModel {
            x,
            y: 0.0,
            speed_mps: 340.0,
            wind_mps: [0.0, 0.0],
            sigma_t_s: 0.05,
            threshold_db: 10.0,
            fixed_sigma_s: 0.0,
            path_speed_sigma_mps: 0.5,
            shared: None,
            air: None,
            position_sigma_m: 0.0,
            modality: crate::scenario::Modality::Acoustic,
            bearing: Some((3f64.to_radians(), 0.3f64.to_radians(), 10.0)),
            range_sigma_m: None,
            lg: None,
            dead_time_s: 0.0,
        };
        let seismic = |y: f64| SensorModel {
            x: 0.0,
            y,
            speed_mps: 3_500.0,
            modality: crate::scenario::Modality::Seismic,
            sigma_t_s: 0.01,
            path_speed_sigma_mps: 10.0,
            bearing: None,
            ..acoustic(0.0)
        };
        let models = vec![acoustic(-1_500.0), acoustic(0.0), acoustic(1_500.0), seismic(17_000.0), seismic(30_000.0)];
        let (source, ghost) = ([0.0, 15_000.0], [0.0, 20_000.0]);
        let (t0, t0_ghost) = (100.0, 100.0 - 5_000.0 / 340.0);
        let arrival = |sensor: usize, at: [f64; 2], t0: f64, event_id: i64| {
            let m = &models[sensor];
            let (dx, dy) = (at[0] - m.x, at[1] - m.y);
            DetectionRecord {
                event_id,
                sensor_id: sensor as u32,
                modality: if m.modality == crate::scenario::Modality::Acoustic {
                    ModalityCode::Acoustic
                } else {
                    ModalityCode::Seismic
                },
                t_s: t0 + dx.hypot(dy) / m.speed_mps,
                snr_db: 20.0,
                level_db: 80.0,
                bearing_rad: if m.bearing.is_some() { dx.atan2(dy) as f32 } else { f32::NAN },
                range_m: f32::NAN,
                phase: crate::output::PhaseCode::Direct,
                signature: crate::output::SignatureCode::None,
            }
        };
        let sound: Vec<DetectionRecord> = (0..3).map(|i| arrival(i, source, t0, 0)).collect();
        let ground: Vec<DetectionRecord> = (3..5).map(|i| arrival(i, ghost, t0_ghost, 1)).collect();
        let members: Vec<usize> = (0..5).collect();
        for (seed_is_sound, order) in
            [(true, [&sound[..], &ground[..]].concat()), (false, [&ground[..], &sound[..]].concat())]
        {
            let mut blind = Blind::new(&models, 100.0, 30_000.0, &super::super::search::CpuScorer);
            for d in order {
                blind.push(d);
            }
            let all: Vec<Observation> = blind.buffer.iter().map(|b| b.o).collect();
            let whole = locate(&all).expect("five arrivals and three bearings fit");
            assert!((whole.y - ghost[1]).abs() < 1_000.0, "the seismic pair fixes the range at the ghost: {whole:?}");
            let mut kept = members.clone();
            let seed_stays = blind.drop_refuted_waves(&mut kept).is_some();
            assert_eq!(seed_stays, seed_is_sound);
            if seed_is_sound {
                assert_eq!(kept, vec![0, 1, 2], "the seismic picks leave");
            }
        }
    }
}
