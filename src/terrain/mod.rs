//! Terrain (docs/design.md §3, the terrain issue): a digital elevation model on a regular grid of the
//! working plane, sampled bilinearly, a seeded procedural relief for when no DEM is given, and
//! line of sight over it with the 4/3-earth refraction model. This is the f64 reference that
//! the GPU line-of-sight march will be checked against.

pub mod gpu;
pub mod los;
pub mod procedural;
pub mod read;
pub mod viewshed;

pub use los::{EARTH_RADIUS_M, STANDARD_K_FACTOR, clearance_m, line_of_sight, radar_horizon_m};
pub use scenario_terrain::{Terrain, load};

mod scenario_terrain;

/// Ground heights above sea level on a regular grid of the working plane. Sample (i, j) is at
/// (x0 + i·spacing, y0 + j·spacing); rows run south to north.
#[derive(Debug, Clone, PartialEq)]
pub struct Dem {
    pub x0: f64,
    pub y0: f64,
    pub spacing_m: f64,
    pub nx: usize,
    pub ny: usize,
    /// Heights, m, row-major (j·nx + i).
    pub heights: Vec<f32>,
    /// Land cover: the height of what stands on the ground (trees, houses), m, on the same
    /// grid; empty for bare ground. Sight lines pass over it; sensors and sources stand under
    /// it, on the ground.
    pub clutter: Vec<f32>,
}

impl Dem {
    /// A grid of heights; None when the sizes disagree, the spacing is not positive, a height
    /// is not finite, or the grid has fewer than 2 × 2 samples.
    pub fn new(x0: f64, y0: f64, spacing_m: f64, nx: usize, ny: usize, heights: Vec<f32>) -> Option<Self> {
        let valid = nx >= 2
            && ny >= 2
            && heights.len() == nx * ny
            && spacing_m.is_finite()
            && spacing_m > 0.0
            && x0.is_finite()
            && y0.is_finite()
            && heights.iter().all(|h| h.is_finite());
        valid.then_some(Self { x0, y0, spacing_m, nx, ny, heights, clutter: Vec::new() })
    }

    /// Flat ground at height `h` over the box.
    pub fn flat(x0: f64, y0: f64, spacing_m: f64, nx: usize, ny: usize, h: f32) -> Option<Self> {
        Self::new(x0, y0, spacing_m, nx, ny, vec![h; nx * ny])
    }

    /// The same ground with land cover of these heights on it; None when the sizes disagree or a
    /// height is negative or not finite.
    pub fn with_clutter(self, clutter: Vec<f32>) -> Option<Self> {
        let valid = clutter.len() == self.heights.len() && clutter.iter().all(|h| h.is_finite() && *h >= 0.0);
        valid.then_some(Self { clutter, ..self })
    }

    /// Highest minus lowest sample, m.
    pub fn relief_m(&self) -> f64 {
        let (lo, hi) =
            self.heights.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &h| (lo.min(h), hi.max(h)));
        f64::from(hi - lo)
    }

    /// Height of the top of the land cover at (x, y), m: the ground plus what stands on it,
    /// each bilinear (the ground alone without land cover).
    pub fn surface_at(&self, x: f64, y: f64) -> f64 {
        self.height_at(x, y) + if self.clutter.is_empty() { 0.0 } else { self.bilinear(&self.clutter, x, y) }
    }

    /// Ground height at (x, y), bilinear between the four samples around it; outside the grid
    /// the nearest edge sample's height (the DEM is taken to continue flat).
    pub fn height_at(&self, x: f64, y: f64) -> f64 {
        self.bilinear(&self.heights, x, y)
    }

    /// A grid of this DEM's shape sampled bilinearly, clamped to its edge.
    fn bilinear(&self, grid: &[f32], x: f64, y: f64) -> f64 {
        let fx = ((x - self.x0) / self.spacing_m).clamp(0.0, (self.nx - 1) as f64);
        let fy = ((y - self.y0) / self.spacing_m).clamp(0.0, (self.ny - 1) as f64);
        let (i, j) = ((fx.floor() as usize).min(self.nx - 2), (fy.floor() as usize).min(self.ny - 2));
        let (u, v) = (fx - i as f64, fy - j as f64);
        let at = |i: usize, j: usize| f64::from(grid[j * self.nx + i]);
        let bottom = at(i, j) * (1.0 - u) + at(i + 1, j) * u;
        let top = at(i, j + 1) * (1.0 - u) + at(i + 1, j + 1) * u;
        bottom * (1.0 - v) + top * v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilinear_sampling_reproduces_a_plane_and_clamps_outside() {
        // h = 2x + 3y is reproduced exactly by bilinear interpolation.
        let (nx, ny, s) = (5, 4, 10.0);
        let heights =
            (0..ny).flat_map(|j| (0..nx).map(move |i| (2.0 * i as f64 * s + 3.0 * j as f64 * s) as f32)).collect();
        let dem = Dem::new(0.0, 0.0, s, nx, ny, heights).expect("valid grid");
        for (x, y) in [(0.0, 0.0), (12.5, 7.0), (39.9, 29.9), (25.0, 15.0)] {
            assert!((dem.height_at(x, y) - (2.0 * x + 3.0 * y)).abs() < 1e-3, "({x}, {y})");
        }
        assert_eq!(dem.height_at(-100.0, 0.0), dem.height_at(0.0, 0.0));
        assert!(Dem::new(0.0, 0.0, 0.0, 2, 2, vec![0.0; 4]).is_none());
        assert!(Dem::new(0.0, 0.0, 1.0, 2, 2, vec![0.0, 1.0, f32::NAN, 0.0]).is_none());
        assert!(Dem::new(0.0, 0.0, 1.0, 3, 2, vec![0.0; 4]).is_none());
    }
}
