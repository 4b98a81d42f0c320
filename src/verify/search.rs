//! The blind association's grid search, one level at a time: every point of a square grid
//! around each job's centre is scored by how many partner arrivals, and bearings, agree with a
//! source there (docs/design.md §6). The records below are what `shaders/associate.wgsl` reads;
//! [`score_level`] is its f64 reference, and [`LevelScorer`] lets the association run on either.
//!
//! Positions are relative to the seed's sensor and times to the seed's arrival, so that f32 on
//! the device keeps millimetres and tenths of a millisecond.

use super::locate::Observation;
use crate::error::Result;
use crate::physics::acoustic;
use bytemuck::{Pod, Zeroable};

/// Bearing consistency, in σ of the bearing.
pub const BEARING_SIGMAS: f64 = 3.0;
/// Range below which a sensor is taken to be at the source, m (as the locator's).
const MIN_RANGE_M: f64 = 1e-3;

/// One arrival as the search kernel reads it; the job's first is its seed.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable, Default)]
pub struct SearchArrival {
    /// Sensor position relative to the seed's sensor, m.
    pub x: f32,
    pub y: f32,
    /// Arrival time after the seed's, s.
    pub dt_s: f32,
    pub speed_mps: f32,
    pub wind_x_mps: f32,
    pub wind_y_mps: f32,
    /// Half-width of the timing kernel at this level, s (unused for the seed).
    pub width_s: f32,
    /// Bearing sensor → source (rad, clockwise from grid north) and its tolerance
    /// `BEARING_SIGMAS·σ`; a negative tolerance: no bearing.
    pub bearing_rad: f32,
    pub bearing_tolerance_rad: f32,
    /// The nominal wind profile (`acoustic::path_wind_factor`): the path-height coefficient
    /// (height = range² × it), the top of the layer, the roughness and 1/ln(1 + 10 m/z0); a
    /// coefficient of 0: no profile, the wind as given.
    pub height_per_range2: f32,
    pub top_m: f32,
    pub roughness_m: f32,
    pub inverse_log_reference: f32,
    /// Farthest source whose arrival here could confirm a candidate, m (the association's
    /// confirming window): a partner farther from a point scores nothing there. The seed's is
    /// not read.
    pub confirm_range_m: f32,
    pub pad: [u32; 2],
}

/// One grid to score: `points`² points spaced `step_m` starting `half_m` below and left of the
/// centre, against the arrivals `first .. first + count`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable, Default)]
pub struct SearchJob {
    pub centre_x: f32,
    pub centre_y: f32,
    pub half_m: f32,
    pub step_m: f32,
    pub first: u32,
    pub count: u32,
    pub points: u32,
    pub pad: u32,
}

impl SearchJob {
    /// The grid point `k` (row-major over x, then y), relative to the seed's sensor.
    pub fn point(&self, k: usize) -> [f64; 2] {
        let n = self.points as usize;
        let (a, b) = (k / n, k % n);
        let (half, step) = (f64::from(self.half_m), f64::from(self.step_m));
        [f64::from(self.centre_x) - half + a as f64 * step, f64::from(self.centre_y) - half + b as f64 * step]
    }

    pub fn point_count(&self) -> usize {
        (self.points as usize).pow(2)
    }
}

impl SearchArrival {
    /// An observation relative to the seed's sensor and arrival.
    pub fn of(o: &Observation, origin: [f64; 2], t_origin_s: f64) -> Self {
        let (height_per_range2, top_m, roughness_m, inverse_log_reference) = match o.air {
            Some(air) => {
                let p = acoustic::PathProfile::of(&air);
                (p.height_per_range2, p.top_m, p.roughness_m, 1.0 / p.log_reference)
            }
            None => (0.0, 0.0, 1.0, 1.0),
        };
        let (bearing_rad, bearing_tolerance_rad) = o.bearing.map_or((0.0, -1.0), |(b, s)| (b, BEARING_SIGMAS * s));
        Self {
            x: (o.x - origin[0]) as f32,
            y: (o.y - origin[1]) as f32,
            dt_s: (o.t_s - t_origin_s) as f32,
            speed_mps: o.speed_mps as f32,
            wind_x_mps: o.wind_mps[0] as f32,
            wind_y_mps: o.wind_mps[1] as f32,
            width_s: 0.0,
            bearing_rad: bearing_rad as f32,
            bearing_tolerance_rad: bearing_tolerance_rad as f32,
            height_per_range2: height_per_range2 as f32,
            top_m: top_m as f32,
            roughness_m: roughness_m as f32,
            inverse_log_reference: inverse_log_reference as f32,
            confirm_range_m: f32::MAX,
            pad: [0; 2],
        }
    }

    /// The multiple of the 10 m wind a path of this range travels in.
    fn wind_factor(&self, range_m: f64) -> f64 {
        if self.height_per_range2 <= 0.0 {
            return 1.0;
        }
        let height = (range_m * range_m * f64::from(self.height_per_range2)).max(acoustic::WIND_REFERENCE_HEIGHT_M);
        let top = height.min(f64::from(self.top_m));
        acoustic::log_profile_mean(top, f64::from(self.roughness_m)) * f64::from(self.inverse_log_reference)
    }

    /// Travel time from `at` to this sensor, s (the locator's law, `locate::travel_time_s`).
    pub fn travel_time_s(&self, at: [f64; 2]) -> f64 {
        let v = [f64::from(self.x) - at[0], f64::from(self.y) - at[1]];
        let d = v[0].hypot(v[1]).max(MIN_RANGE_M);
        let wind_along = f64::from(self.wind_x_mps) * v[0] + f64::from(self.wind_y_mps) * v[1];
        d * d / (f64::from(self.speed_mps) * d + wind_along * self.wind_factor(d))
    }

    /// Whether a source at `at` is within this partner's confirming range.
    fn can_confirm_at(&self, at: [f64; 2]) -> bool {
        (at[0] - f64::from(self.x)).hypot(at[1] - f64::from(self.y)) <= f64::from(self.confirm_range_m)
    }

    /// How well the bearing points at `at`, in [0, 1] (0 without a bearing): a triangular
    /// kernel as wide as the tolerance plus the angle a cell of `cell_m` subtends.
    fn bearing_agreement(&self, at: [f64; 2], cell_m: f64) -> f64 {
        if self.bearing_tolerance_rad < 0.0 {
            return 0.0;
        }
        let (dx, dy) = (at[0] - f64::from(self.x), at[1] - f64::from(self.y));
        let range = dx.hypot(dy).max(1.0);
        let mut miss = f64::from(self.bearing_rad) - dx.atan2(dy);
        miss -= std::f64::consts::TAU * ((miss + std::f64::consts::PI) / std::f64::consts::TAU).floor();
        let width = f64::from(self.bearing_tolerance_rad) + (cell_m / range).min(std::f64::consts::PI);
        (1.0 - miss.abs() / width).max(0.0)
    }
}

/// Share of a bearing's kernel over which its gate ramps from 0 to 1: the gate is continuous,
/// so that the f32 kernel and its f64 reference agree at its edge, and all but shut at it.
const BEARING_GATE_RAMP: f64 = 0.1;

impl SearchArrival {
    /// 1 where the bearing, if any, agrees with `at` (`bearing_agreement` ≥ `BEARING_GATE_RAMP`),
    /// 0 where it does not agree at all, linear between.
    fn bearing_gate(&self, at: [f64; 2], cell_m: f64) -> f64 {
        if self.bearing_tolerance_rad < 0.0 {
            return 1.0;
        }
        (self.bearing_agreement(at, cell_m) / BEARING_GATE_RAMP).min(1.0)
    }
}

impl SearchArrival {
    /// Whether this partner of `seed` can add to the score anywhere within `reach_m` of `centre`
    /// (a job's grid: `reach_m` = half its side × √2; `cell_m` its cell's diagonal), given the
    /// slowest speeds either signal travels at: its timing miss at the centre changes across the
    /// grid by at most the travel times' change, reach × (1/slowest + 1/slowest of the seed), and
    /// the bearing to a point by at most asin(reach / range). A partner that fails scores zero at
    /// every point of the grid, so leaving it out of the job changes no score.
    pub fn can_score_near(
        &self,
        seed: &SearchArrival,
        centre: [f64; 2],
        reach_m: f64,
        cell_m: f64,
        slowest: [f64; 2],
    ) -> bool {
        let distance = (centre[0] - f64::from(self.x)).hypot(centre[1] - f64::from(self.y));
        if distance - reach_m > f64::from(self.confirm_range_m) {
            return false;
        }
        let miss = f64::from(self.dt_s) + seed.travel_time_s(centre) - self.travel_time_s(centre);
        let drift = LIPSCHITZ_MARGIN * reach_m * (1.0 / slowest[0] + 1.0 / slowest[1]);
        if miss.abs() < f64::from(self.width_s) + drift {
            return true;
        }
        if self.bearing_tolerance_rad < 0.0 {
            return false;
        }
        let (dx, dy) = (centre[0] - f64::from(self.x), centre[1] - f64::from(self.y));
        let range = dx.hypot(dy);
        if range <= reach_m + 1.0 {
            return true;
        }
        let mut miss = f64::from(self.bearing_rad) - dx.atan2(dy);
        miss -= std::f64::consts::TAU * ((miss + std::f64::consts::PI) / std::f64::consts::TAU).floor();
        let width = f64::from(self.bearing_tolerance_rad) + (cell_m / (range - reach_m)).min(std::f64::consts::PI);
        miss.abs() < width + (reach_m / range).asin() * LIPSCHITZ_MARGIN
    }
}

/// Safety factor on the bound of how fast a travel time changes with the source's position: the
/// bound 1/slowest leaves out the wind's share changing with range and direction (a few per cent
/// of it for winds of ~10 m/s against sound at ~340 m/s).
const LIPSCHITZ_MARGIN: f64 = 1.25;

/// The score of one point: each partner's timing kernel at the origin time the seed implies,
/// plus every arrival's bearing agreement (bearings break the mirror ambiguity of a row); a
/// partner farther from the point than its confirming range adds nothing. A bearing also gates:
/// a partner whose bearing points away adds no timing (the association would not take it,
/// `points_at`), and a point the seed's own bearing points away from scores nothing (the seed is
/// always a member). Without the gate, the arrivals of another event that happen to fit the
/// seed's time at a point its bearing rules out can outscore the seed's own event.
pub fn score_point(arrivals: &[SearchArrival], at: [f64; 2], step_m: f64) -> f64 {
    let Some((seed, partners)) = arrivals.split_first() else { return 0.0 };
    let cell = std::f64::consts::SQRT_2 * step_m;
    let seed_gate = seed.bearing_gate(at, cell);
    if seed_gate <= 0.0 {
        return 0.0;
    }
    let t0 = -seed.travel_time_s(at);
    let partner_score: f64 = partners
        .iter()
        .filter(|p| p.can_confirm_at(at))
        .map(|p| {
            let timing = (1.0 - (f64::from(p.dt_s) - t0 - p.travel_time_s(at)).abs() / f64::from(p.width_s)).max(0.0);
            timing * p.bearing_gate(at, cell) + p.bearing_agreement(at, cell)
        })
        .sum();
    seed_gate * (seed.bearing_agreement(at, cell) + partner_score)
}

/// The f64 reference of the search kernel: every point of every job, job-major.
pub fn score_level(arrivals: &[SearchArrival], jobs: &[SearchJob]) -> Vec<f64> {
    use rayon::prelude::*;
    jobs.par_iter()
        .flat_map_iter(|job| {
            let mine = &arrivals[job.first as usize..(job.first + job.count) as usize];
            (0..job.point_count()).map(move |k| score_point(mine, job.point(k), f64::from(job.step_m)))
        })
        .collect()
}

/// Scores one level of jobs: the GPU kernel or its f64 reference.
pub trait LevelScorer {
    fn score(&self, arrivals: &[SearchArrival], jobs: &[SearchJob]) -> Result<Vec<f64>>;
}

/// The f64 reference, on the CPU (rayon).
pub struct CpuScorer;

impl LevelScorer for CpuScorer {
    fn score(&self, arrivals: &[SearchArrival], jobs: &[SearchJob]) -> Result<Vec<f64>> {
        Ok(score_level(arrivals, jobs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::locate::travel_time_s;

    /// The reference's travel time is the locator's, wind profile included.
    #[test]
    fn the_travel_time_is_the_locators() {
        let air = acoustic::AirColumn {
            sound_speed_mps: 337.0,
            temperature_k: 283.0,
            surface_gradient_k_per_m: -0.01,
            surface_layer_m: 100.0,
            lapse_aloft_k_per_m: -0.0065,
            roughness_m: 0.1,
            wind_speed_mps: 5.0,
        };
        let o = Observation {
            x: 1_000.0,
            y: -2_000.0,
            t_s: 50.0,
            sigma_t_s: 0.01,
            speed_mps: 337.0,
            wind_mps: [3.0, 4.0],
            bearing: None,
            range: None,
            path_speed_sigma_mps: 0.5,
            position_sigma_m: 0.0,
            shared: None,
            air: Some(air),
        };
        let a = SearchArrival::of(&o, [0.0, 0.0], 0.0);
        for at in [[0.0, 0.0], [900.0, -1_950.0], [20_000.0, 5_000.0], [-3_000.0, 40_000.0]] {
            let (ours, theirs) = (a.travel_time_s(at), travel_time_s(&o, at));
            assert!((ours - theirs).abs() < 1e-5 * theirs.max(1e-3), "{at:?}: {ours} vs {theirs}");
        }
    }

    /// A partner that `can_score_near` leaves out of a job scores nothing at any of its points:
    /// random partners (sound in a wind with the nominal profile, and ground waves), random grids.
    #[test]
    fn partners_left_out_of_a_job_score_nothing_there() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let air = acoustic::AirColumn {
            sound_speed_mps: 337.0,
            temperature_k: 283.0,
            surface_gradient_k_per_m: -0.01,
            surface_layer_m: 100.0,
            lapse_aloft_k_per_m: -0.0065,
            roughness_m: 0.1,
            wind_speed_mps: 12.0,
        };
        let observation = |rng: &mut rand_chacha::ChaCha8Rng, sound: bool| Observation {
            x: rng.random_range(-40_000.0..40_000.0),
            y: rng.random_range(-40_000.0..40_000.0),
            t_s: rng.random_range(0.0..120.0),
            sigma_t_s: 0.01,
            speed_mps: if sound { 337.0 } else { 3_500.0 },
            wind_mps: if sound { [9.0, -7.5] } else { [0.0; 2] },
            bearing: rng.random_bool(0.5).then(|| (rng.random_range(-3.1..3.1), 0.05)),
            range: None,
            path_speed_sigma_mps: 0.5,
            position_sigma_m: 0.0,
            shared: None,
            air: sound.then_some(air),
        };
        let (mut left_out, mut kept) = (0, 0);
        for _ in 0..40 {
            let s0 = observation(&mut rng, true);
            let seed = SearchArrival::of(&s0, [s0.x, s0.y], s0.t_s);
            let half = rng.random_range(200.0..8_000.0);
            let step = 2.0 * half / 20.0;
            let centre = [rng.random_range(-20_000.0..20_000.0), rng.random_range(-20_000.0..20_000.0)];
            let job = SearchJob {
                centre_x: centre[0] as f32,
                centre_y: centre[1] as f32,
                half_m: half as f32,
                step_m: step as f32,
                first: 0,
                count: 2,
                points: 21,
                pad: 0,
            };
            for _ in 0..50 {
                let sound = rng.random_bool(0.7);
                let o = observation(&mut rng, sound);
                let mut partner = SearchArrival::of(&o, [s0.x, s0.y], s0.t_s);
                partner.width_s = rng.random_range(0.01..2.0);
                if rng.random_bool(0.5) {
                    partner.confirm_range_m = rng.random_range(100.0..60_000.0);
                }
                let reach = std::f64::consts::SQRT_2 * half;
                let cell = std::f64::consts::SQRT_2 * step;
                let slowest = [s0.slowest_mps(), o.slowest_mps()];
                let pair = [seed, partner];
                if partner.can_score_near(
                    &seed,
                    [f64::from(job.centre_x), f64::from(job.centre_y)],
                    reach,
                    cell,
                    slowest,
                ) {
                    kept += 1;
                    continue;
                }
                left_out += 1;
                for k in 0..job.point_count() {
                    let at = job.point(k);
                    let with = score_point(&pair, at, step);
                    let without = score_point(&pair[..1], at, step);
                    assert_eq!(with, without, "a partner left out scores at {at:?}");
                }
            }
        }
        assert!(left_out > 200 && kept > 50, "both kinds of partner tried: {left_out} left out, {kept} kept");
    }
}
