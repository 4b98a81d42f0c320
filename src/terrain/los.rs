//! Line of sight over terrain with atmospheric refraction as an effective earth radius.

use super::Dem;

/// Mean earth radius, m (IUGG, Moritz 1980: R1 = 6,371,008.8 m).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Effective-earth-radius factor of the standard atmosphere: 4/3 (ITU-R P.453 / P.834: a
/// refractivity gradient of −40 N-units/km gives k ≈ 4/3).
pub const STANDARD_K_FACTOR: f64 = 4.0 / 3.0;

/// Distance to the horizon over a smooth earth of effective radius k·R from height h, m:
/// √(2·k·R·h) (h ≪ R).
pub fn radar_horizon_m(height_m: f64, k_factor: f64) -> f64 {
    (2.0 * k_factor * EARTH_RADIUS_M * height_m.max(0.0)).sqrt()
}

/// The least clearance of the straight ray between two points, each given as (x, y, height
/// above ground), over the terrain between them, m: negative when the terrain blocks it. The
/// terrain and its land cover (`Dem::surface_at`; the ends stand on the ground) are sampled
/// every `step_m` along the path (the ends excluded) and raised by the
/// earth's bulge d1·d2/(2·k·R) under the chord (d1, d2 the distances to the two ends), the
/// standard flat-earth profile with an effective radius k·R. +∞ when no sample lies between.
pub fn clearance_m(dem: &Dem, a: [f64; 3], b: [f64; 3], step_m: f64, k_factor: f64) -> f64 {
    let za = dem.height_at(a[0], a[1]) + a[2];
    let zb = dem.height_at(b[0], b[1]) + b[2];
    let d = (b[0] - a[0]).hypot(b[1] - a[1]);
    let steps = (d / step_m.max(1e-3)).ceil().max(1.0) as usize;
    let effective_radius = k_factor * EARTH_RADIUS_M;
    (1..steps)
        .map(|n| {
            let t = n as f64 / steps as f64;
            let (x, y) = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
            let (d1, d2) = (t * d, (1.0 - t) * d);
            za + t * (zb - za) - (dem.surface_at(x, y) + d1 * d2 / (2.0 * effective_radius))
        })
        .fold(f64::INFINITY, f64::min)
}

/// Whether the ray between the two points clears the terrain (`clearance_m` ≥ 0).
pub fn line_of_sight(dem: &Dem, a: [f64; 3], b: [f64; 3], step_m: f64, k_factor: f64) -> bool {
    clearance_m(dem, a, b, step_m, k_factor) >= 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over flat ground a mast of height h sees a target on the ground out to √(2kRh): the
    /// sampled march agrees with the closed form to within one step.
    #[test]
    fn flat_earth_horizon_matches_the_closed_form() {
        let dem = Dem::flat(-1e3, -1e3, 1e3, 80, 3, 0.0).expect("flat grid");
        for h in [5.0, 10.0, 30.0] {
            let horizon = radar_horizon_m(h, STANDARD_K_FACTOR);
            let step = 10.0;
            let seen = |d: f64| line_of_sight(&dem, [0.0, 0.0, h], [d, 0.0, 0.0], step, STANDARD_K_FACTOR);
            assert!(seen(horizon - 2.0 * step), "h = {h}: inside the horizon {horizon}");
            assert!(!seen(horizon + 2.0 * step), "h = {h}: beyond the horizon {horizon}");
        }
        // 10 m at k = 4/3: 13.0 km (the textbook 4.12·√h km).
        assert!((radar_horizon_m(10.0, STANDARD_K_FACTOR) / 1000.0 - 4.12 * 10f64.sqrt()).abs() < 0.05);
    }

    /// A 20 m wood between a 10 m mast and a vehicle hides it; a 60 m mast looks over it; a
    /// vehicle standing in the wood is under it, not on it, and a mast in the wood is blind.
    #[test]
    fn land_cover_hides_what_is_behind_and_under_it() {
        let (nx, ny, s) = (81, 11, 50.0);
        // A wood 1 km deep across the path, x = 1,500–2,500 m.
        let clutter: Vec<f32> =
            (0..ny).flat_map(|_| (0..nx).map(|i| if (30..=50).contains(&i) { 20.0 } else { 0.0 })).collect();
        let dem = Dem::flat(0.0, 0.0, s, nx, ny, 100.0).and_then(|d| d.with_clutter(clutter)).expect("grid");
        let k = STANDARD_K_FACTOR;
        let los = |a: [f64; 3], b: [f64; 3]| line_of_sight(&dem, a, b, 10.0, k);
        assert!(!los([500.0, 250.0, 10.0], [3_500.0, 250.0, 2.0]), "the wood hides the vehicle");
        // At the wood's far edge the ray from 60 m down to 2 m is 60 − 58·2/3 = 21.3 m up.
        assert!(los([500.0, 250.0, 60.0], [3_500.0, 250.0, 2.0]), "a 60 m mast sees over it");
        assert!(!los([500.0, 250.0, 30.0], [2_000.0, 250.0, 2.0]), "a vehicle in the wood is under the trees");
        assert!(!los([2_000.0, 250.0, 10.0], [3_800.0, 250.0, 2.0]), "a 10 m mast in the wood is blind");
        assert_eq!(dem.surface_at(2_000.0, 250.0), 120.0);
        assert_eq!(dem.height_at(2_000.0, 250.0), 100.0);
        assert!(Dem::flat(0.0, 0.0, s, 2, 2, 0.0).and_then(|d| d.with_clutter(vec![-1.0; 4])).is_none());
    }

    /// A 50 m ridge between a 2 m sensor and a 1.5 m target hides it; the same ridge beside the
    /// path does not, and a mast that looks over the ridge sees the target again.
    #[test]
    fn a_ridge_hides_what_is_behind_it() {
        let (nx, ny, s) = (101, 21, 50.0);
        let heights = (0..ny)
            .flat_map(|j| {
                (0..nx).map(move |i| {
                    let x = i as f64 * s;
                    let y = j as f64 * s;
                    // A ridge along y at x = 2,500 m, only for y < 600 m.
                    let ridge = 50.0 * (-((x - 2_500.0) / 100.0).powi(2)).exp();
                    (if y < 600.0 { ridge } else { 0.0 }) as f32
                })
            })
            .collect();
        let dem = Dem::new(0.0, 0.0, s, nx, ny, heights).expect("valid grid");
        let k = STANDARD_K_FACTOR;
        assert!(!line_of_sight(&dem, [500.0, 200.0, 2.0], [4_500.0, 200.0, 1.5], 10.0, k), "the ridge blocks");
        assert!(line_of_sight(&dem, [500.0, 900.0, 2.0], [4_500.0, 900.0, 1.5], 10.0, k), "beside the ridge");
        assert!(line_of_sight(&dem, [500.0, 200.0, 120.0], [4_500.0, 200.0, 1.5], 10.0, k), "over the ridge");
        // Symmetric.
        assert!(!line_of_sight(&dem, [4_500.0, 200.0, 1.5], [500.0, 200.0, 2.0], 10.0, k));
    }
}
