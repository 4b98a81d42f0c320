//! Location by nonlinear least squares over arrival times (origin time unknown) and bearings:
//! Levenberg–Marquardt over (x, y, t0) and the event's unknown weather (the error of the
//! forecast wind and sound speed, with their stated σ as priors) from several starts, with the
//! covariance of the estimate from the Gauss–Newton information at the solution, the weather
//! marginalised out. Each arrival is weighed by its timing σ and by the error of the speed its
//! own path travels at over its range, r·σc/c² (docs/design.md §6).

use crate::physics::acoustic::{self, AirColumn};
use rayon::prelude::*;
use std::f64::consts::PI;

/// A range beyond every path's, m: where the wind factor of a path reaches its ceiling.
const FAR_M: f64 = 1e7;

/// One detection as the locator sees it: where the sensor is, when the signal arrived, how
/// fast it travelled, and how well each is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Sensor position in the working plane, m.
    pub x: f64,
    pub y: f64,
    pub t_s: f64,
    /// σ of the arrival time, s; infinite: untimed (only its bearing or range locate).
    pub sigma_t_s: f64,
    pub speed_mps: f64,
    /// Wind (towards), m/s: a signal from x travels at speed + wind·û, û the unit vector from x
    /// to the sensor. Zero for ground waves.
    pub wind_mps: [f64; 2],
    /// Bearing, radians clockwise from grid north, sensor to source, and its standard deviation;
    /// None when the sensor gives no bearing.
    pub bearing: Option<(f64, f64)>,
    /// Ground range sensor to source and its standard deviation, m (radars); None without.
    pub range: Option<(f64, f64)>,
    /// σ of the speed this path travels at about the model, its own part, m/s (0 for light).
    pub path_speed_sigma_mps: f64,
    /// σ of each coordinate of the sensor's surveyed position, m: it blurs bearings by σ/r and
    /// ranges by σ (arrival times carry it in `sigma_t_s`).
    pub position_sigma_m: f64,
    /// For sound: the σ of the event's weather error its speed shares with the other arrivals.
    pub shared: Option<WeatherError>,
    /// For sound: the nominal air, whose log wind profile sets the multiple of the 10 m wind a
    /// path of a given range travels in (`acoustic::path_wind_factor`, the simulation's own
    /// law); None: the wind as given.
    pub air: Option<AirColumn>,
}

/// Slowest speed a signal travels at against the wind, m/s: the 10 m wind at the largest share
/// of it any path travels in (`acoustic::path_wind_factor` at its ceiling; 1 without `air`).
pub fn slowest_speed_mps(speed_mps: f64, wind_mps: [f64; 2], air: Option<AirColumn>) -> f64 {
    let ceiling = air.map_or(1.0, |air| acoustic::path_wind_factor(&air, FAR_M));
    (speed_mps - wind_mps[0].hypot(wind_mps[1]) * ceiling).max(1.0)
}

/// σ of the forecast's error at an event, shared by every sound path from it: per component of
/// the wind, of the still-air sound speed, and of the speed's variation over the footprint
/// (second and third azimuthal harmonics of the direction to the sensor), m/s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeatherError {
    pub wind_sigma_mps: f64,
    pub sound_speed_sigma_mps: f64,
    pub footprint_sigma_mps: f64,
}

impl Observation {
    /// Slowest speed a signal can reach this sensor with (against the wind), m/s.
    pub fn slowest_mps(&self) -> f64 {
        slowest_speed_mps(self.speed_mps, self.wind_mps, self.air)
    }

    /// The multiple of the 10 m wind a path of this range travels in, by the nominal profile.
    pub fn wind_factor(&self, range_m: f64) -> f64 {
        self.air.map_or(1.0, |air| acoustic::path_wind_factor(&air, range_m))
    }

    /// σ of the arrival time from a source `range_m` away, s: timing plus the path's speed error
    /// (`with_shared`: also the event's weather error, before a fit has estimated it).
    pub fn sigma_at_s(&self, range_m: f64, with_shared: bool) -> f64 {
        let mut speed = self.path_speed_sigma_mps.powi(2);
        if let (true, Some(w)) = (with_shared, self.shared) {
            speed += w.wind_sigma_mps.powi(2) + w.sound_speed_sigma_mps.powi(2) + w.footprint_sigma_mps.powi(2);
        }
        let model = range_m * speed.sqrt() / (self.speed_mps * self.speed_mps);
        self.sigma_t_s.hypot(model)
    }
}

/// Parameters: x, y, t0, then the weather error: wind x, wind y, sound speed, and the four
/// footprint harmonics (cos 2θ, sin 2θ, cos 3θ, sin 3θ).
const N: usize = 10;
/// Weather parameters, after x, y, t0.
pub const WEATHER: usize = N - 3;
type Matrix = [[f64; N]; N];
type Vector = [f64; N];

/// A located source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub x: f64,
    pub y: f64,
    pub t0_s: f64,
    /// Covariance of (x, y), m², with the origin time marginalised out.
    pub cov_xy: [[f64; 2]; 2],
    /// Weighted sum of squared residuals at the solution (χ² with n − 3 degrees of freedom
    /// when the model and the σ are right).
    pub chi2: f64,
    pub iterations: u32,
    /// The event's weather error as fitted: wind x, wind y, sound speed, footprint harmonics.
    pub weather: [f64; WEATHER],
}

impl Estimate {
    /// √(nᵀ Σ n): standard deviation along the unit vector n, m.
    pub fn sigma_along(&self, n: [f64; 2]) -> f64 {
        variance_along(&self.cov_xy, n).max(0.0).sqrt()
    }

    /// The ellipse's long axis: its unit vector and the standard deviation along it, m.
    pub fn long_axis(&self) -> ([f64; 2], f64) {
        let (angle, variance) = major_axis(&self.cov_xy);
        ([angle.cos(), angle.sin()], variance.max(0.0).sqrt())
    }

    /// eᵀ Σ⁻¹ e for the error e of this estimate from `truth`: χ² with 2 degrees of freedom when
    /// the covariance is honest.
    pub fn nees(&self, truth: [f64; 2]) -> f64 {
        self.mahalanobis2_to(truth)
    }

    /// (p − x)ᵀ Σ⁻¹ (p − x): how far `p` lies from this estimate in its own covariance.
    pub fn mahalanobis2_to(&self, p: [f64; 2]) -> f64 {
        mahalanobis2(&self.cov_xy, [self.x - p[0], self.y - p[1]])
    }
}

/// The long axis of a 2 × 2 covariance: its angle from the x axis, rad, and the variance along it.
fn major_axis(cov: &[[f64; 2]; 2]) -> (f64, f64) {
    let (a, b, c) = (cov[0][0], cov[0][1], cov[1][1]);
    let major = 0.5 * (a + c) + (0.25 * (a - c) * (a - c) + b * b).sqrt();
    // Eigenvector of the larger eigenvalue; for a diagonal matrix, the axis of the larger entry.
    let angle = if b.abs() > f64::EPSILON * major {
        b.atan2(major - c)
    } else if a >= c {
        0.0
    } else {
        std::f64::consts::FRAC_PI_2
    };
    (angle, major)
}

/// nᵀ Σ n: the variance of a 2 × 2 covariance Σ along the unit vector n.
fn variance_along(c: &[[f64; 2]; 2], n: [f64; 2]) -> f64 {
    n[0] * n[0] * c[0][0] + 2.0 * n[0] * n[1] * c[0][1] + n[1] * n[1] * c[1][1]
}

/// Σ + k·d·dᵀ: a 2 × 2 covariance widened along d.
fn widen_along(c: &mut [[f64; 2]; 2], k: f64, d: [f64; 2]) {
    c[0][0] += k * d[0] * d[0];
    c[0][1] += k * d[0] * d[1];
    c[1][0] += k * d[0] * d[1];
    c[1][1] += k * d[1] * d[1];
}

/// dᵀ Σ⁻¹ d for a 2 × 2 covariance Σ.
fn mahalanobis2(c: &[[f64; 2]; 2], d: [f64; 2]) -> f64 {
    let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    (d[0] * d[0] * c[1][1] - 2.0 * d[0] * d[1] * c[0][1] + d[1] * d[1] * c[0][0]) / det
}

/// Iterations of Levenberg–Marquardt per start, at most.
const MAX_ITERATIONS: u32 = 60;
/// Converged when a step moves the position less than this, m.
const STEP_TOLERANCE_M: f64 = 1e-3;
/// Range below which a sensor is taken to be at the source (the gradients are undefined), m.
const MIN_RANGE_M: f64 = 1e-3;

/// σ below which a weather error is held fixed rather than estimated, m/s.
const FIXED_SIGMA_MPS: f64 = 1e-6;

/// The speed and wind one path travels in under the parameters' weather error.
struct Path {
    c: f64,
    wind: [f64; 2],
    /// Footprint harmonics (cos 2θ, sin 2θ, cos 3θ, sin 3θ) of the azimuth source → sensor.
    harmonics: [f64; 4],
}

impl Path {
    /// `f`: the path's multiple of the 10 m wind; `v`: sensor − source, m.
    fn new(o: &Observation, p: &Vector, f: f64, v: [f64; 2]) -> Self {
        let theta = v[0].atan2(v[1]);
        let h = [(2.0 * theta).cos(), (2.0 * theta).sin(), (3.0 * theta).cos(), (3.0 * theta).sin()];
        let (dw, dc) = if o.shared.is_some() {
            ([p[3], p[4]], p[5] + (0..4).map(|k| p[6 + k] * h[k]).sum::<f64>())
        } else {
            ([0.0; 2], 0.0)
        };
        // The 10 m wind and its error, scaled to the layer this path samples.
        Self { c: o.speed_mps + dc, wind: [(o.wind_mps[0] + dw[0]) * f, (o.wind_mps[1] + dw[1]) * f], harmonics: h }
    }
}

/// An arrival's timing residual from a fitted source, its weather error included, s.
pub fn residual_s(o: &Observation, e: &Estimate) -> f64 {
    let mut p = [0.0; N];
    p[..3].copy_from_slice(&[e.x, e.y, e.t0_s]);
    p[3..].copy_from_slice(&e.weather);
    let v = [o.x - e.x, o.y - e.y];
    let d = v[0].hypot(v[1]).max(MIN_RANGE_M);
    let Path { c, wind, .. } = Path::new(o, &p, o.wind_factor(d), v);
    o.t_s - e.t0_s - d * d / (c * d + wind[0] * v[0] + wind[1] * v[1])
}

/// Residuals (weighted), their Jacobian rows, for parameters p = (x, y, t0, δwx, δwy, δc, the
/// four harmonics), with each observation's σ and the weather's prior σ from `weights`.
fn linearise(obs: &[Observation], weights: &Weights, p: Vector, mut row: impl FnMut(f64, Vector)) {
    for (k, o) in obs.iter().enumerate() {
        let st = weights.sigma_t[k];
        let (dx, dy) = (p[0] - o.x, p[1] - o.y);
        let d = dx.hypot(dy).max(MIN_RANGE_M);
        let w = 1.0 / st;
        // Travel time d / (c + wind·v/d) = d² / D with v = sensor − source, D = c·d + wind·v;
        // sound adds the weather error to c and the wind.
        let v = [-dx, -dy];
        let shared = o.shared.is_some();
        let f = weights.wind_factor[k];
        let Path { c, wind, harmonics: h } = Path::new(o, &p, f, v);
        let big_d = c * d + wind[0] * v[0] + wind[1] * v[1];
        let predicted = p[2] + d * d / big_d;
        // ∂(d²)/∂x = −2v, ∂D/∂x = −c·v/d − wind; ∂D/∂δc = d, ∂D/∂δw = v (the harmonics' turn
        // with x is left out of the Jacobian: second order).
        let gradient = |k: usize| (-2.0 * v[k] * big_d + d * d * (c * v[k] / d + wind[k])) / (big_d * big_d);
        let by_d = -d * d / (big_d * big_d) * w;
        let mut j = [0.0; N];
        j[..3].copy_from_slice(&[gradient(0) * w, gradient(1) * w, w]);
        if shared {
            j[3] = by_d * v[0] * f;
            j[4] = by_d * v[1] * f;
            j[5] = by_d * d;
            for k in 0..4 {
                j[6 + k] = by_d * d * h[k];
            }
        }
        row((o.t_s - predicted) * w, j);
        if let Some((bearing, _)) = o.bearing {
            // Bearing φ = atan2(dx, dy), clockwise from north; residual wrapped to (−π, π].
            let predicted = dx.atan2(dy);
            let mut r = bearing - predicted;
            r -= (2.0 * PI) * ((r + PI) / (2.0 * PI)).floor();
            let w = 1.0 / weights.sigma_bearing[k];
            let d2 = d * d;
            let mut j = [0.0; N];
            j[..2].copy_from_slice(&[dy / d2 * w, -dx / d2 * w]);
            row(r * w, j);
        }
        if let Some((range, _)) = o.range {
            // Ground range d, ∂d/∂(x, y) = (dx, dy)/d.
            let w = 1.0 / weights.sigma_range[k];
            let mut j = [0.0; N];
            j[..2].copy_from_slice(&[dx / d * w, dy / d * w]);
            row((range - d) * w, j);
        }
    }
    // The weather error's priors: zero mean, the forecast's σ (a σ of zero holds it at zero).
    for (k, sigma) in weights.prior.into_iter().enumerate() {
        let w = 1.0 / sigma.max(FIXED_SIGMA_MPS);
        let mut j = [0.0; N];
        j[3 + k] = w;
        row(-p[3 + k] * w, j);
    }
}

/// The weather prior of a set of observations: the largest σ any sound arrival states; each
/// harmonic's weight has variance σ²/2, so that the footprint's σ is the same in every direction.
fn weather_prior(obs: &[Observation]) -> [f64; WEATHER] {
    obs.iter().filter_map(|o| o.shared).fold([0.0; WEATHER], |a, w| {
        let harmonic = w.footprint_sigma_mps * std::f64::consts::FRAC_1_SQRT_2;
        let stated =
            [w.wind_sigma_mps, w.wind_sigma_mps, w.sound_speed_sigma_mps, harmonic, harmonic, harmonic, harmonic];
        std::array::from_fn(|k| a[k].max(stated[k]))
    })
}

/// Travel time from a source at `at` to the observation's sensor, s.
pub fn travel_time_s(o: &Observation, at: [f64; 2]) -> f64 {
    let v = [o.x - at[0], o.y - at[1]];
    let d = v[0].hypot(v[1]).max(MIN_RANGE_M);
    let f = o.wind_factor(d);
    d * d / (o.speed_mps * d + (o.wind_mps[0] * v[0] + o.wind_mps[1] * v[1]) * f)
}

/// What one fit weighs: each observation's σ for a source at one place, and the weather prior.
struct Weights {
    sigma_t: Vec<f64>,
    /// Each observation's bearing and range σ with its survey error, where it has them.
    sigma_bearing: Vec<f64>,
    sigma_range: Vec<f64>,
    /// Each sound path's multiple of the 10 m wind at that range (1 for other signals).
    wind_factor: Vec<f64>,
    prior: [f64; WEATHER],
}

impl Weights {
    /// For a source at `at`: timing and the path's own speed error; bearings and ranges blurred
    /// by the surveyed position's error.
    fn at(obs: &[Observation], at: [f64; 2]) -> Self {
        let range = |o: &Observation| (o.x - at[0]).hypot(o.y - at[1]).max(MIN_RANGE_M);
        Self {
            sigma_t: obs.iter().map(|o| o.sigma_at_s(range(o), false)).collect(),
            sigma_bearing: obs
                .iter()
                .map(|o| o.bearing.map_or(f64::NAN, |(_, s)| s.hypot(o.position_sigma_m / range(o))))
                .collect(),
            sigma_range: obs.iter().map(|o| o.range.map_or(f64::NAN, |(_, s)| s.hypot(o.position_sigma_m))).collect(),
            wind_factor: obs.iter().map(|o| o.wind_factor(range(o))).collect(),
            prior: weather_prior(obs),
        }
    }

    fn cost(&self, obs: &[Observation], p: Vector) -> f64 {
        let mut c = 0.0;
        linearise(obs, self, p, |r, _| c += r * r);
        c
    }

    /// Normal equations JᵀJ and Jᵀr at p.
    fn normal_equations(&self, obs: &[Observation], p: Vector) -> (Matrix, Vector, f64) {
        let mut a = [[0.0; N]; N];
        let mut g = [0.0; N];
        let mut c = 0.0;
        linearise(obs, self, p, |r, j| {
            c += r * r;
            for u in 0..N {
                g[u] += j[u] * r;
                for v in 0..N {
                    a[u][v] += j[u] * j[v];
                }
            }
        });
        (a, g, c)
    }
}

/// Inverse of a symmetric positive matrix by Gauss–Jordan elimination with partial pivoting,
/// after scaling it to unit diagonal (the parameters mix metres, seconds and metres per second,
/// so their raw magnitudes differ by orders); None when the scaled matrix is singular to working
/// precision.
pub fn invert(m: &Matrix) -> Option<Matrix> {
    let mut scale = [0.0; N];
    for (i, s) in scale.iter_mut().enumerate() {
        let d = m[i][i];
        if !(d.is_finite() && d > 0.0) {
            return None;
        }
        *s = 1.0 / d.sqrt();
    }
    let mut a = [[0.0; N]; N];
    let mut inv = [[0.0; N]; N];
    for r in 0..N {
        for c in 0..N {
            a[r][c] = m[r][c] * scale[r] * scale[c];
        }
        inv[r][r] = 1.0;
    }
    for col in 0..N {
        let pivot = (col..N).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        // NaN fails too.
        if a[pivot][col].abs().partial_cmp(&SINGULAR_PIVOT) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = a[col][col];
        for c in 0..N {
            a[col][c] /= p;
            inv[col][c] /= p;
        }
        for r in 0..N {
            if r != col {
                let f = a[r][col];
                if f != 0.0 {
                    for c in 0..N {
                        a[r][c] -= f * a[col][c];
                        inv[r][c] -= f * inv[col][c];
                    }
                }
            }
        }
    }
    for r in 0..N {
        for c in 0..N {
            inv[r][c] *= scale[r] * scale[c];
        }
    }
    Some(inv)
}

/// Least pivot of the unit-diagonal matrix that is still invertible.
const SINGULAR_PIVOT: f64 = 1e-12;

/// Normal equations with the position held where it is: its rows and columns cleared (unit
/// diagonal, zero gradient), so that a step moves only the origin time and the weather.
fn hold_position((mut a, mut g, c): (Matrix, Vector, f64)) -> (Matrix, Vector, f64) {
    for row in a.iter_mut() {
        row[0] = 0.0;
        row[1] = 0.0;
    }
    for i in 0..2 {
        a[i] = [0.0; N];
        a[i][i] = 1.0;
        g[i] = 0.0;
    }
    (a, g, c)
}

/// Levenberg–Marquardt from one start; the final parameters and cost.
fn refine(obs: &[Observation], weights: &Weights, start: Vector) -> (Vector, f64, u32) {
    refine_holding(obs, weights, start, false)
}

/// Levenberg–Marquardt from one start, the position free or held; the final parameters and cost.
fn refine_holding(obs: &[Observation], weights: &Weights, start: Vector, hold: bool) -> (Vector, f64, u32) {
    let equations = |p: Vector| {
        let e = weights.normal_equations(obs, p);
        if hold { hold_position(e) } else { e }
    };
    let mut p = start;
    let (mut a, mut g, mut c) = equations(p);
    let mut lambda = 1e-3;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let mut damped = a;
        for (i, row) in damped.iter_mut().enumerate() {
            row[i] += lambda * a[i][i];
        }
        let Some(inv) = invert(&damped) else {
            lambda *= 10.0;
            continue;
        };
        let mut trial = p;
        for u in 0..N {
            trial[u] += (0..N).map(|v| inv[u][v] * g[v]).sum::<f64>();
        }
        let trial_cost = weights.cost(obs, trial);
        if trial_cost < c {
            let moved = (trial[0] - p[0]).hypot(trial[1] - p[1]);
            // A held position converges when the cost stops falling.
            let gained = c - trial_cost;
            p = trial;
            (a, g, c) = equations(p);
            lambda = (lambda * 0.3).max(1e-9);
            if (!hold && moved < STEP_TOLERANCE_M) || (hold && gained < 1e-9 * c.max(1.0)) {
                break;
            }
        } else {
            lambda *= 10.0;
            if lambda > 1e12 {
                break;
            }
        }
    }
    (p, c, iterations)
}

/// The reflection of `point` across the principal axis of the sensors' positions (the line a
/// row of them lies along); None when they do not define a direction.
fn mirror_across_sensors(obs: &[Observation], point: [f64; 2]) -> Option<[f64; 2]> {
    let n = obs.len() as f64;
    if obs.len() < 2 {
        return None;
    }
    let (mx, my) = (obs.iter().map(|o| o.x).sum::<f64>() / n, obs.iter().map(|o| o.y).sum::<f64>() / n);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for o in obs {
        let (dx, dy) = (o.x - mx, o.y - my);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if sxx + syy <= 0.0 {
        return None;
    }
    // Direction of the larger eigenvalue of the scatter matrix.
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let u = [angle.cos(), angle.sin()];
    let d = [point[0] - mx, point[1] - my];
    let along = d[0] * u[0] + d[1] * u[1];
    Some([mx + 2.0 * along * u[0] - d[0], my + 2.0 * along * u[1] - d[1]])
}

/// Ranges of the wide ring of starts around the earliest sensor, m: from the near field to
/// beyond the deepest artillery (20 km) a row hears.
const WIDE_START_RANGES_M: [f64; 3] = [2_000.0, 8_000.0, 25_000.0];
/// Directions of the ring.
const WIDE_START_DIRECTIONS: u32 = 8;

/// Starts on rings around the earliest arrival's sensor, for a fit that failed from `starts`.
fn wide_starts(obs: &[Observation]) -> Vec<[f64; 2]> {
    let Some(first) = obs.iter().min_by(|a, b| a.t_s.total_cmp(&b.t_s)) else { return Vec::new() };
    let mut points = Vec::with_capacity(WIDE_START_RANGES_M.len() * WIDE_START_DIRECTIONS as usize);
    for r in WIDE_START_RANGES_M {
        for k in 0..WIDE_START_DIRECTIONS {
            let azimuth = std::f64::consts::TAU * f64::from(k) / f64::from(WIDE_START_DIRECTIONS);
            points.push([first.x + r * azimuth.sin(), first.y + r * azimuth.cos()]);
        }
    }
    points
}

/// Starting points: each of the earliest arrivals' sensors (the source is nearest the first to
/// hear it), the centroid of the sensors, and the point the bearings agree on best.
fn starts(obs: &[Observation]) -> Vec<[f64; 2]> {
    let mut by_time: Vec<&Observation> = obs.iter().collect();
    by_time.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    let mut points: Vec<[f64; 2]> = Vec::new();
    // A little off the sensor: the range gradient is undefined on it.
    for o in by_time.iter().take(3) {
        points.push([o.x + 1.0, o.y + 1.0]);
    }
    let n = obs.len() as f64;
    points.push([obs.iter().map(|o| o.x).sum::<f64>() / n + 1.0, obs.iter().map(|o| o.y).sum::<f64>() / n + 1.0]);
    // Two bearings of the earliest: the intersection of their rays.
    let bearings: Vec<&Observation> = by_time.iter().copied().filter(|o| o.bearing.is_some()).take(2).collect();
    if let [a, b] = bearings.as_slice()
        && let (Some((pa, _)), Some((pb, _))) = (a.bearing, b.bearing)
    {
        let (ua, ub) = ([pa.sin(), pa.cos()], [pb.sin(), pb.cos()]);
        let det = ua[0] * -ub[1] + ub[0] * ua[1];
        if det.abs() > 1e-6 {
            let (rx, ry) = (b.x - a.x, b.y - a.y);
            let s = (rx * -ub[1] + ub[0] * ry) / det;
            if s > 0.0 {
                points.push([a.x + s * ua[0], a.y + s * ua[1]]);
            }
        }
    }
    // A radar's range and bearing place the source directly.
    if let Some(o) = by_time.iter().find(|o| o.bearing.is_some() && o.range.is_some())
        && let (Some((phi, _)), Some((r, _))) = (o.bearing, o.range)
    {
        points.push([o.x + r * phi.sin(), o.y + r * phi.cos()]);
    }
    points
}

/// The least χ² of the detections with the source held at `at` (origin time and weather free),
/// weighed as for a source there: the constrained fit of a likelihood-ratio test.
pub fn chi2_at(obs: &[Observation], at: [f64; 2]) -> f64 {
    if obs.is_empty() {
        return 0.0;
    }
    held_at(obs, at).1
}

/// The origin time that fits the detections best with the source held at `at` (weather free), s;
/// None without detections.
pub fn origin_time_at(obs: &[Observation], at: [f64; 2]) -> Option<f64> {
    if obs.is_empty() {
        return None;
    }
    Some(held_at(obs, at).0[2])
}

/// The fit with the source held at `at`: its parameters and χ².
fn held_at(obs: &[Observation], at: [f64; 2]) -> (Vector, f64) {
    let t0 = obs.iter().map(|o| o.t_s - travel_time_s(o, at)).sum::<f64>() / obs.len() as f64;
    let mut start = [0.0; N];
    start[..3].copy_from_slice(&[at[0], at[1], t0]);
    let (p, chi2, _) = refine_holding(obs, &Weights::at(obs, at), start, true);
    (p, chi2)
}

/// Mahalanobis distance², under the linearised covariance, beyond which another root the starts
/// reached is distinct from the best, and χ² excess within which it still explains the detections:
/// the 99.9 % point of χ² with two degrees of freedom.
const DISTINCT_ROOT_CHI2: f64 = 13.8;

/// The (x, y) covariance, widened where the linearisation claims more than the detections say.
/// Every start converges somewhere; where one ends at an offset d whose χ² (evaluated with the
/// final weights) exceeds the best by only Δ < 13.8, while the linearised covariance puts it
/// m² > 13.8 away, the fit is not quadratic there: a few arrivals and a bearing can cross twice, and
/// the linearisation at one crossing knows nothing of the other. The variance along d is raised
/// to |d|²/max(Δ, 1), the width a quadratic χ² through both points would have, by adding
/// d·dᵀ·(1/max(Δ, 1) − 1/m²) (docs/design.md §6: the covariance must cover the fit's ambiguity).
fn widen_for_ambiguity(
    obs: &[Observation],
    weights: &Weights,
    best: &Vector,
    chi2: f64,
    linear: [[f64; 2]; 2],
    solutions: &[(Vector, f64)],
) -> [[f64; 2]; 2] {
    if !is_a_fix(&linear) {
        return linear;
    }
    let mut cov = linear;
    for (q, _) in solutions {
        let d = [q[0] - best[0], q[1] - best[1]];
        let m2 = mahalanobis2(&linear, d);
        if m2 <= DISTINCT_ROOT_CHI2 {
            continue;
        }
        let (_, _, c) = weights.normal_equations(obs, *q);
        let delta = (c - chi2).max(1.0);
        if c.is_finite() && delta < DISTINCT_ROOT_CHI2 {
            widen_along(&mut cov, 1.0 / delta - 1.0 / m2, d);
        }
    }
    cov
}

/// Doublings of the ellipse's σ along a line that `widen_along_ridges` steps out to: 2¹² σ, about
/// 2,000 km for the longest ellipses located (σ ~ 500 m), beyond any line's monitoring band.
const RIDGE_DOUBLINGS: i32 = 12;
/// Constraints to spare above which no ridge is walked: a ridge needs every constraint to agree
/// along one line, and the walk costs a fit over every detection per step (the glide bombs'
/// hundreds of bearings would double the verifier's time on the full line). A stated choice;
/// the ridges found there had one to spare.
const RIDGE_MAX_SPARE: usize = 6;
/// Bearings whose lines of position `widen_along_ridges` walks: those of the earliest arrivals.
/// A stated choice: the ridges found on the full line start at the nearest sensor.
const RIDGE_BEARINGS: usize = 4;

/// The (x, y) covariance, widened along a line where the fit's χ² stays flat beyond the ellipse:
/// a ridge no start converged onto. Two bearings nearly along the baseline of their two sensors
/// fit any source on that ray beyond the nearer one (the time difference between the two is the
/// same all along it), yet the linearisation at one point of the ray can give a small, round
/// ellipse (on the full line, a fit 37 m from the nearer sensor, 8.3 km from the source, NEES
/// 2,424). The lines tried are the ellipse's long axis and every reported bearing's line of
/// position. Along each, χ² with the position held (`chi2_at`) is evaluated at 2σ, 4σ, … (σ the
/// ellipse's along that line) both ways; the variance along the line is raised to s²/max(Δ, 1)
/// for the farthest step s whose rise Δ stays within the distinct-root gate. A quadratic χ²
/// gives s²/Δ ≤ σ² at every step (no change), a flat ridge s² (docs/design.md §6).
fn widen_along_ridges(obs: &[Observation], best: [f64; 2], cov: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    if !is_a_fix(&cov) {
        return cov;
    }
    let (long_axis, _) = major_axis(&cov);
    // Angles from the x axis; a bearing φ (clockwise from north) points along (sin φ, cos φ).
    // The earliest arrivals' bearings: the nearest sensors, one of which a ray-shaped ridge
    // starts from; a fit with many bearings has no ridge left, and each try costs a fit.
    let mut by_time: Vec<&Observation> = obs.iter().filter(|o| o.bearing.is_some()).collect();
    by_time.sort_by(|p, q| p.t_s.total_cmp(&q.t_s));
    let lines = std::iter::once(long_axis).chain(
        by_time.iter().take(RIDGE_BEARINGS).filter_map(|o| o.bearing).map(|(phi, _)| std::f64::consts::FRAC_PI_2 - phi),
    );
    let base = chi2_at(obs, best);
    let mut cov = cov;
    for angle in lines {
        let u = [angle.cos(), angle.sin()];
        let along = variance_along(&cov, u);
        let sigma = along.max(0.0).sqrt();
        let mut variance = along;
        for sign in [1.0, -1.0] {
            for j in 1..=RIDGE_DOUBLINGS {
                let s = sigma * f64::from(1 << j);
                let rise = chi2_at(obs, [best[0] + sign * s * u[0], best[1] + sign * s * u[1]]) - base;
                // NaN (no fit there) ends the walk as a steep rise does.
                if rise.is_nan() || rise >= DISTINCT_ROOT_CHI2 {
                    break;
                }
                variance = variance.max(s * s / rise.max(1.0));
            }
        }
        if variance > along {
            widen_along(&mut cov, variance - along, u);
        }
    }
    cov
}

/// Longest to shortest axis of an error ellipse beyond which the detections give a line of
/// position, not a fix: two nearly parallel bearings, or a bearing along a hyperbola's asymptote.
/// The linearised short axis of such a fit is an artefact (its errors run to kilometres across
/// it); a stated choice, well above the ratios of real crossings (~10–100).
const MAX_AXIS_RATIO: f64 = 1e3;

/// A positive-definite covariance whose ellipse is not a line (`MAX_AXIS_RATIO`).
fn is_a_fix(cov: &[[f64; 2]; 2]) -> bool {
    let (a, b, c) = (cov[0][0], cov[0][1], cov[1][1]);
    let det = a * c - b * b;
    if !(a > 0.0 && c > 0.0 && det > 0.0) {
        return false;
    }
    // Eigenvalues λ± = t/2 ± √(t²/4 − det); their ratio is the axis ratio squared.
    let half = 0.5 * (a + c);
    let root = (half * half - det).max(0.0).sqrt();
    let (major, minor) = (half + root, half - root);
    minor > 0.0 && major / minor <= MAX_AXIS_RATIO * MAX_AXIS_RATIO
}

/// Locate a source from its detections. None when fewer constraints than unknowns (fewer than
/// three arrivals without bearings) or when no start converges to a usable covariance.
pub fn locate(obs: &[Observation]) -> Option<Estimate> {
    let constraints = constraint_count(obs);
    if !can_fit(obs) {
        return None;
    }
    let mut solutions: Vec<(Vector, f64)> = Vec::new();
    // The starts are independent: refined side by side, kept in their order (the first of equal
    // minima wins, as in a loop).
    let refine_from = |points: Vec<[f64; 2]>, solutions: &mut Vec<(Vector, f64)>| {
        let refined = points.par_iter().filter_map(|&[x, y]| {
            // The origin time that fits this start best on average.
            let t0 = obs.iter().map(|o| o.t_s - travel_time_s(o, [x, y])).sum::<f64>() / obs.len() as f64;
            let mut start = [0.0; N];
            start[..3].copy_from_slice(&[x, y, t0]);
            let (p, c, _) = refine(obs, &Weights::at(obs, [x, y]), start);
            c.is_finite().then_some((p, c))
        });
        solutions.par_extend(refined);
    };
    refine_from(starts(obs), &mut solutions);
    // Sensors along a row hear a source and its mirror image across the row alike: start from
    // the mirror of the best fit too, so that the widening sees both roots.
    if let Some(&(best, _)) = solutions.iter().min_by(|a, b| a.1.total_cmp(&b.1))
        && let Some(mirror) = mirror_across_sensors(obs, [best[0], best[1]])
    {
        refine_from(vec![mirror], &mut solutions);
    }
    // A source far beyond a row of sensors fits badly from starts near them (a local minimum
    // near the row): when the best fit fails the verifier's χ² gate, search a wide ring too. A
    // fit with at most one constraint to spare always does: three arrivals' hyperbolas cross
    // twice, both roots fit exactly, and only finding the other lets the covariance cover it.
    let best_cost = solutions.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
    let dof = constraints.saturating_sub(3);
    if dof <= 1 || super::exceeds_chi2_gate(best_cost, dof) {
        refine_from(wide_starts(obs), &mut solutions);
    }
    let (p, _) = *solutions.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    // The paths' speed errors grow with range: weigh them again from the solution, and refit.
    let weights = Weights::at(obs, [p[0], p[1]]);
    let (p, chi2, iterations) = refine(obs, &weights, p);
    let (a, _, _) = weights.normal_equations(obs, p);
    let cov = invert(&a)?;
    let linear = [[cov[0][0], cov[0][1]], [cov[1][0], cov[1][1]]];
    let cov_xy = widen_for_ambiguity(obs, &weights, &p, chi2, linear, &solutions);
    let cov_xy = if dof <= RIDGE_MAX_SPARE { widen_along_ridges(obs, [p[0], p[1]], cov_xy) } else { cov_xy };
    if !is_a_fix(&cov_xy) {
        return None;
    }
    let weather = std::array::from_fn(|k| p[3 + k]);
    Some(Estimate { x: p[0], y: p[1], t0_s: p[2], cov_xy, chi2, iterations, weather })
}

/// Arrivals, bearings and ranges: the constraints a set of observations puts on a source. An
/// arrival with an infinite timing σ is untimed: its bearing and range count, its time does not.
fn constraint_count(obs: &[Observation]) -> usize {
    obs.iter().filter(|o| o.sigma_t_s.is_finite()).count()
        + obs.iter().filter(|o| o.bearing.is_some()).count()
        + obs.iter().filter(|o| o.range.is_some()).count()
}

/// Whether a fit is possible at all: three constraints for x, y and t0, and every observation
/// with a positive timing σ and speed.
fn can_fit(obs: &[Observation]) -> bool {
    constraint_count(obs) >= 3 && obs.iter().all(|o| o.sigma_t_s > 0.0 && o.speed_mps > 0.0)
}

/// A fit refined from an earlier one, without the search from many starts or the covariance: what
/// a loop that drops one observation at a time needs to judge the next (`refit`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Refit {
    pub x: f64,
    pub y: f64,
    pub t0_s: f64,
    pub chi2: f64,
    pub weather: [f64; WEATHER],
}

impl From<&Estimate> for Refit {
    fn from(e: &Estimate) -> Self {
        Self { x: e.x, y: e.y, t0_s: e.t0_s, chi2: e.chi2, weather: e.weather }
    }
}

/// Levenberg–Marquardt from `from` alone (weighed at it, then again at the solution, as `locate`
/// does): after one observation of a fit leaves, the old solution is the start the many starts
/// would lead back to, at a fraction of their cost. None where `locate` would have too few
/// constraints.
pub fn refit(obs: &[Observation], from: &Refit) -> Option<Refit> {
    if !can_fit(obs) {
        return None;
    }
    let mut start = [0.0; N];
    start[..3].copy_from_slice(&[from.x, from.y, from.t0_s]);
    start[3..].copy_from_slice(&from.weather);
    let (p, _, _) = refine(obs, &Weights::at(obs, [from.x, from.y]), start);
    let (p, chi2, _) = refine(obs, &Weights::at(obs, [p[0], p[1]]), p);
    chi2.is_finite().then(|| Refit { x: p[0], y: p[1], t0_s: p[2], chi2, weather: std::array::from_fn(|k| p[3 + k]) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, Normal};

    fn observe(rng: &mut ChaCha8Rng, sensors: &[[f64; 2]], source: [f64; 2], bearings: bool) -> Vec<Observation> {
        let (sigma_t, sigma_b, c) = (1e-3, 2f64.to_radians(), 340.0);
        let noise = Normal::new(0.0, 1.0).expect("unit normal");
        sensors
            .iter()
            .map(|s| {
                let (dx, dy) = (source[0] - s[0], source[1] - s[1]);
                Observation {
                    x: s[0],
                    y: s[1],
                    t_s: 100.0 + dx.hypot(dy) / c + sigma_t * noise.sample(rng),
                    sigma_t_s: sigma_t,
                    speed_mps: c,
                    wind_mps: [0.0; 2],
                    bearing: bearings.then(|| (dx.atan2(dy) + sigma_b * noise.sample(rng), sigma_b)),
                    range: None,
                    path_speed_sigma_mps: 0.0,
                    position_sigma_m: 0.0,
                    shared: None,
                    air: None,
                }
            })
            .collect()
    }

    #[test]
    fn noiseless_arrivals_locate_exactly_with_and_without_wind() {
        let sensors = [[0.0, 0.0], [5_000.0, 0.0], [0.0, 5_000.0], [6_000.0, 7_000.0]];
        let source = [2_300.0, 3_100.0];
        for wind_mps in [[0.0, 0.0], [6.0, -5.0]] {
            let mut obs: Vec<Observation> = sensors
                .iter()
                .map(|s| Observation {
                    x: s[0],
                    y: s[1],
                    t_s: 0.0,
                    sigma_t_s: 1e-3,
                    speed_mps: 340.0,
                    wind_mps,
                    bearing: None,
                    range: None,
                    path_speed_sigma_mps: 0.0,
                    position_sigma_m: 0.0,
                    shared: None,
                    air: None,
                })
                .collect();
            for o in &mut obs {
                // Downwind paths are faster: distance over (c + wind·û).
                let (ux, uy) = (o.x - source[0], o.y - source[1]);
                let d = ux.hypot(uy);
                o.t_s = 7.0 + d / (340.0 + (wind_mps[0] * ux + wind_mps[1] * uy) / d);
            }
            let e = locate(&obs).expect("located");
            assert!((e.x - source[0]).abs() < 1e-3 && (e.y - source[1]).abs() < 1e-3, "{e:?}");
            assert!((e.t0_s - 7.0).abs() < 1e-8);
            assert!(e.chi2 < 1e-9);
        }
    }

    #[test]
    fn the_mirror_of_a_point_across_a_row_of_sensors() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        // A row along y = 2x + 100.
        let sensors: Vec<[f64; 2]> = (0..6).map(|k| [f64::from(k) * 1000.0, f64::from(k) * 2000.0 + 100.0]).collect();
        let obs = observe(&mut rng, &sensors, [0.0, 0.0], false);
        let m = mirror_across_sensors(&obs, [3000.0, 0.0]).expect("a row has a direction");
        // The reflection of (3000, 0) across y = 2x + 100 is (−1880, 2440).
        assert!((m[0] + 1880.0).abs() < 1e-6 && (m[1] - 2440.0).abs() < 1e-6, "{m:?}");
        assert!(mirror_across_sensors(&obs[..1], [0.0, 0.0]).is_none());
    }

    #[test]
    fn a_line_of_position_is_not_a_fix() {
        assert!(is_a_fix(&[[1.0, 0.0], [0.0, 1.0]]));
        assert!(is_a_fix(&[[1e4, 0.0], [0.0, 1.0]]));
        // Axis ratio 10⁴: σ 100 m one way, 1 cm the other.
        assert!(!is_a_fix(&[[1e4, 0.0], [0.0, 1e-4]]));
        let r: f64 = 1.0 - 1e-9;
        assert!(!is_a_fix(&[[1e6, r * 1e6], [r * 1e6, 1e6]]));
        assert!(!is_a_fix(&[[1.0, 0.0], [0.0, -1.0]]));
    }

    /// Two arrays in line with the source, the source beyond the nearer (the full line's NEES
    /// 2,424 case): both bearings point along the baseline, the time difference is the same
    /// anywhere on the ray beyond the nearer array, so the detections fix a ray, not a point. The
    /// fit must not claim a small ellipse somewhere on it: either no fix, or one whose covariance
    /// covers the source.
    #[test]
    fn two_bearings_along_their_baseline_do_not_claim_a_point() {
        let sensors = [[0.0, 0.0], [300.0, -9_800.0]];
        let source = [-150.0, 8_300.0];
        let (mut located, mut worst) = (0, 0.0f64);
        for seed in 0..20 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut obs = observe(&mut rng, &sensors, source, true);
            // The verifier's stated model error, as on the full line.
            for o in &mut obs {
                o.path_speed_sigma_mps = 0.5;
                o.position_sigma_m = 3.0;
                o.shared =
                    Some(WeatherError { wind_sigma_mps: 1.5, sound_speed_sigma_mps: 0.9, footprint_sigma_mps: 1.0 });
            }
            if let Some(e) = locate(&obs) {
                located += 1;
                worst = worst.max(e.nees(source));
            }
        }
        eprintln!("{located} of 20 located, worst NEES {worst:.1}");
        assert!(worst < 20.0, "a ray was reported as a point: NEES {worst:.1}");
    }

    #[test]
    fn two_arrivals_without_bearings_do_not_locate() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let obs = observe(&mut rng, &[[0.0, 0.0], [1_000.0, 0.0]], [300.0, 400.0], false);
        assert!(locate(&obs).is_none());
    }

    /// The covariance is honest: over 2,000 random sources inside random eight-sensor arrays,
    /// with timing and bearing noise of the stated σ, the normalised estimation error squared
    /// averages within 10 % of its 2 degrees of freedom.
    #[test]
    fn covariance_is_consistent_nees_averages_two() {
        let mut rng = ChaCha8Rng::seed_from_u64(2026);
        for bearings in [false, true] {
            let (mut sum, mut n) = (0.0, 0usize);
            for _ in 0..2000 {
                let sensors: Vec<[f64; 2]> =
                    (0..8).map(|_| [rng.random_range(0.0..20_000.0), rng.random_range(0.0..20_000.0)]).collect();
                let source = [rng.random_range(4_000.0..16_000.0), rng.random_range(4_000.0..16_000.0)];
                let obs = observe(&mut rng, &sensors, source, bearings);
                let e = locate(&obs).expect("eight sensors around the source locate it");
                sum += e.nees(source);
                n += 1;
            }
            let mean = sum / n as f64;
            eprintln!("mean NEES {mean:.3} over {n} events (bearings {bearings})");
            assert!((mean - 2.0).abs() < 0.2, "mean NEES {mean} (bearings {bearings})");
        }
    }

    /// The covariance stays honest when the world's weather is not the forecast: each event's
    /// sound speed, wind and footprint harmonics are off by draws of the stated σ, every path's
    /// speed by its own, and
    /// the locator knows only those σ. The normalised estimation error squared still averages
    /// within 10 % of 2, and ignoring the model error would make it far larger.
    #[test]
    fn covariance_is_consistent_under_weather_and_path_errors() {
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        let noise = Normal::new(0.0, 1.0).expect("unit normal");
        let (c, wind, sigma_t) = (335.0, [3.0, -2.0], 2e-3);
        let weather = WeatherError { wind_sigma_mps: 1.5, sound_speed_sigma_mps: 0.9, footprint_sigma_mps: 1.0 };
        let path_sigma = 1.0;
        let (mut honest, mut naive, mut n) = (0.0, 0.0, 0usize);
        for _ in 0..1500 {
            let sensors: Vec<[f64; 2]> =
                (0..10).map(|_| [rng.random_range(0.0..20_000.0), rng.random_range(0.0..20_000.0)]).collect();
            let source = [rng.random_range(4_000.0..16_000.0), rng.random_range(4_000.0..16_000.0)];
            let dc = weather.sound_speed_sigma_mps * noise.sample(&mut rng);
            let dw = [weather.wind_sigma_mps * noise.sample(&mut rng), weather.wind_sigma_mps * noise.sample(&mut rng)];
            let a: [f64; 4] = std::array::from_fn(|_| noise.sample(&mut rng) * std::f64::consts::FRAC_1_SQRT_2);
            let obs: Vec<Observation> = sensors
                .iter()
                .map(|s| {
                    let v = [s[0] - source[0], s[1] - source[1]];
                    let d = v[0].hypot(v[1]);
                    let along = ((wind[0] + dw[0]) * v[0] + (wind[1] + dw[1]) * v[1]) / d;
                    let theta = v[0].atan2(v[1]);
                    let footprint = weather.footprint_sigma_mps
                        * (a[0] * (2.0 * theta).cos()
                            + a[1] * (2.0 * theta).sin()
                            + a[2] * (3.0 * theta).cos()
                            + a[3] * (3.0 * theta).sin());
                    let speed = c + dc + footprint + along + path_sigma * noise.sample(&mut rng);
                    Observation {
                        x: s[0],
                        y: s[1],
                        t_s: 50.0 + d / speed + sigma_t * noise.sample(&mut rng),
                        sigma_t_s: sigma_t,
                        speed_mps: c,
                        wind_mps: wind,
                        bearing: None,
                        range: None,
                        path_speed_sigma_mps: path_sigma,
                        position_sigma_m: 0.0,
                        shared: Some(weather),
                        air: None,
                    }
                })
                .collect();
            let Some(e) = locate(&obs) else { continue };
            honest += e.nees(source);
            let blind: Vec<Observation> =
                obs.iter().map(|o| Observation { path_speed_sigma_mps: 0.0, shared: None, ..*o }).collect();
            if let Some(b) = locate(&blind) {
                naive += b.nees(source);
            }
            n += 1;
        }
        let (honest, naive) = (honest / n as f64, naive / n as f64);
        eprintln!("mean NEES {honest:.3} with the model error, {naive:.1} without, over {n} events");
        assert!(n > 1400, "only {n} located");
        assert!((honest - 2.0).abs() < 0.2, "mean NEES {honest}");
        assert!(naive > 10.0, "ignoring the model error should be overconfident: {naive}");
    }

    /// Over many noise draws on one geometry, the spread of the estimates across a direction
    /// matches the Cramér–Rao bound that the coverage maps report for that place.
    #[test]
    fn spread_matches_the_coverage_crlb() {
        use crate::coverage::reference::LocationInfo;
        let sensors: [[f64; 2]; 5] =
            [[0.0, 0.0], [9_000.0, 1_000.0], [2_000.0, 8_000.0], [10_000.0, 9_000.0], [5_000.0, -3_000.0]];
        let source: [f64; 2] = [4_000.0, 4_500.0];
        let normal = [0.6, 0.8];
        let (c, sigma_t) = (340.0, 1e-3);
        let mut info = LocationInfo::default();
        for s in sensors {
            let (ux, uy) = (s[0] - source[0], s[1] - source[1]);
            let h = ux.hypot(uy);
            info.add_arrival([-ux / h / c, -uy / h / c], 1.0 / (sigma_t * sigma_t));
        }
        let crlb = info.cross_line_sigma(normal);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let errors: Vec<f64> = (0..3000)
            .map(|_| {
                let e = locate(&observe(&mut rng, &sensors, source, false)).expect("located");
                (e.x - source[0]) * normal[0] + (e.y - source[1]) * normal[1]
            })
            .collect();
        let spread = (errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64).sqrt();
        eprintln!("cross-line spread {spread:.3} m, CRLB {crlb:.3} m");
        assert!((spread / crlb - 1.0).abs() < 0.1, "spread {spread} m against the CRLB {crlb} m");
    }

    /// One radar's range and bearing fix a source by themselves: the estimate is the polar
    /// point, with σ = σr along the ray and r·σθ across it.
    #[test]
    fn a_radar_range_and_bearing_locate_on_their_own() {
        let (r, phi, sigma_r, sigma_b) = (8_000.0f64, 0.6f64, 15.0, 0.002);
        let radar = Observation {
            x: 1_000.0,
            y: -2_000.0,
            t_s: 50.0 + r / 299_792_458.0,
            sigma_t_s: 1e-3,
            speed_mps: 299_792_458.0,
            wind_mps: [0.0; 2],
            bearing: Some((phi, sigma_b)),
            range: Some((r, sigma_r)),
            path_speed_sigma_mps: 0.0,
            position_sigma_m: 0.0,
            shared: None,
            air: None,
        };
        let e = locate(&[radar]).expect("located by one radar");
        let truth = [radar.x + r * phi.sin(), radar.y + r * phi.cos()];
        assert!((e.x - truth[0]).hypot(e.y - truth[1]) < 1e-3, "{e:?} vs {truth:?}");
        let along = e.sigma_along([phi.sin(), phi.cos()]);
        let across = e.sigma_along([phi.cos(), -phi.sin()]);
        assert!((along / sigma_r - 1.0).abs() < 1e-3, "along the ray {along}");
        assert!((across / (r * sigma_b) - 1.0).abs() < 1e-3, "across the ray {across}");
        // Without the range one bearing is not enough.
        assert!(locate(&[Observation { range: None, ..radar }]).is_none());
    }
}
