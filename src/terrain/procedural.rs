//! A seeded procedural relief for scenarios without a DEM: fractal value noise (octaves of
//! smoothly interpolated lattice noise, each half the wavelength and amplitude of the last)
//! around a base height. Deterministic in the seed through the counter-based hash of
//! `crate::rng`, so every run and every device sees the same hills.

use super::Dem;
use crate::rng;
use rayon::prelude::*;

/// The relief of the Donbas and the Azov upland, roughly: ground between ~50 and ~350 m
/// (the Donets Ridge peaks at 367 m, Mohyla Mechetna), rolling over 5–40 km, with valleys and
/// ravines (balky) of a few tens of metres at the km scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relief {
    pub base_m: f64,
    /// Amplitude of the longest octave, m; the octaves together reach about twice this.
    pub amplitude_m: f64,
    /// Wavelength of the longest octave, m.
    pub wavelength_m: f64,
    pub octaves: u32,
}

impl Default for Relief {
    fn default() -> Self {
        Self { base_m: 180.0, amplitude_m: 80.0, wavelength_m: 40_000.0, octaves: 6 }
    }
}

/// Lattice value in [−1, 1) at integer point (i, j) of octave `o`.
fn lattice(seed: u64, o: u32, i: i64, j: i64) -> f64 {
    let h = rng::pcg4d(rng::key(seed, i as u32, j as u32, 0x7e22_0000 | o));
    2.0 * (f64::from(h[0]) / 4_294_967_296.0) - 1.0
}

/// Quintic fade: C2-continuous, so slopes have no creases at lattice lines.
fn fade(t: f64) -> f64 {
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

/// The relief's height at a point of the plane, m.
pub fn height_m(relief: &Relief, seed: u64, x: f64, y: f64) -> f64 {
    let mut h = relief.base_m;
    let (mut amplitude, mut wavelength) = (relief.amplitude_m, relief.wavelength_m);
    for o in 0..relief.octaves {
        let (fx, fy) = (x / wavelength, y / wavelength);
        let (i, j) = (fx.floor() as i64, fy.floor() as i64);
        let (u, v) = (fade(fx - i as f64), fade(fy - j as f64));
        let value = |di: i64, dj: i64| lattice(seed, o, i + di, j + dj);
        let bottom = value(0, 0) * (1.0 - u) + value(1, 0) * u;
        let top = value(0, 1) * (1.0 - u) + value(1, 1) * u;
        h += amplitude * (bottom * (1.0 - v) + top * v);
        amplitude *= 0.5;
        wavelength *= 0.5;
    }
    h
}

/// A DEM of the relief over a box of the plane at `spacing_m`; None for an empty box.
pub fn dem(relief: &Relief, seed: u64, x0: f64, y0: f64, x1: f64, y1: f64, spacing_m: f64) -> Option<Dem> {
    if !(x1 > x0 && y1 > y0 && spacing_m > 0.0) {
        return None;
    }
    let nx = ((x1 - x0) / spacing_m).ceil() as usize + 1;
    let ny = ((y1 - y0) / spacing_m).ceil() as usize + 1;
    // Rows in parallel: the full line's relief is millions of samples of six octaves each.
    let heights = (0..ny)
        .into_par_iter()
        .flat_map_iter(|j| {
            (0..nx).map(move |i| height_m(relief, seed, x0 + i as f64 * spacing_m, y0 + j as f64 * spacing_m) as f32)
        })
        .collect();
    Dem::new(x0, y0, spacing_m, nx, ny, heights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relief_is_seeded_bounded_and_rolling() {
        let r = Relief::default();
        let d = dem(&r, 7, 0.0, 0.0, 60_000.0, 60_000.0, 500.0).expect("dem");
        let again = dem(&r, 7, 0.0, 0.0, 60_000.0, 60_000.0, 500.0).expect("dem");
        let other = dem(&r, 8, 0.0, 0.0, 60_000.0, 60_000.0, 500.0).expect("dem");
        assert_eq!(d, again, "same seed, same hills");
        assert_ne!(d.heights, other.heights, "another seed, other hills");
        let (lo, hi) = d.heights.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &h| (lo.min(h), hi.max(h)));
        // Octave amplitudes sum to < 2 × 80 m around 180 m.
        assert!(lo > 20.0 && hi < 340.0 && hi - lo > 60.0, "{lo}..{hi}");
        // Neighbouring samples 500 m apart differ by a slope a walker would call a hill,
        // not a cliff: under 15 % everywhere.
        let steepest = (0..d.ny)
            .flat_map(|j| (1..d.nx).map(move |i| (i, j)))
            .map(|(i, j)| (d.heights[j * d.nx + i] - d.heights[j * d.nx + i - 1]).abs() / 500.0)
            .fold(0.0, f32::max);
        assert!(steepest < 0.15, "steepest slope {steepest}");
    }
}
