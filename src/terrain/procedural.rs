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

/// Procedural land cover: patches of trees and of houses over given shares of the ground.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cover {
    pub forest_fraction: f64,
    pub forest_height_m: f64,
    pub settlement_fraction: f64,
    pub settlement_height_m: f64,
    /// Wavelength of the patches' noise, m.
    pub patch_m: f64,
}

/// Salts that give forest and settlement fields of their own from the scenario's seed.
const FOREST_SALT: u64 = 0x0f0e_5700;
const SETTLEMENT_SALT: u64 = 0x5e77_1e00;

/// The height of the land cover on each sample of `dem`, m: two fields of value noise (two
/// octaves at the patch wavelength), each cut at the quantile that leaves its fraction of the
/// samples above it; a settlement stands where both would.
pub fn land_cover(cover: &Cover, seed: u64, dem: &Dem) -> Vec<f32> {
    let field = |salt: u64| -> Vec<f64> {
        let noise = Relief { base_m: 0.0, amplitude_m: 1.0, wavelength_m: cover.patch_m, octaves: 2 };
        (0..dem.ny)
            .into_par_iter()
            .flat_map_iter(|j| {
                (0..dem.nx).map(move |i| {
                    height_m(&noise, seed ^ salt, dem.x0 + i as f64 * dem.spacing_m, dem.y0 + j as f64 * dem.spacing_m)
                })
            })
            .collect()
    };
    // The value above which `fraction` of the field lies (+∞ for none).
    let cut = |values: &[f64], fraction: f64| -> f64 {
        let above = (fraction * values.len() as f64).round() as usize;
        if above == 0 {
            return f64::INFINITY;
        }
        let mut sorted = values.to_vec();
        let k = values.len() - above.min(values.len());
        *sorted.select_nth_unstable_by(k, f64::total_cmp).1
    };
    let (forest, settlement) = (field(FOREST_SALT), field(SETTLEMENT_SALT));
    let (forest_cut, settlement_cut) =
        (cut(&forest, cover.forest_fraction), cut(&settlement, cover.settlement_fraction));
    forest
        .iter()
        .zip(&settlement)
        .map(|(&f, &s)| {
            if s >= settlement_cut {
                cover.settlement_height_m as f32
            } else if f >= forest_cut {
                cover.forest_height_m as f32
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patches cover their fractions (a settlement wins where both fall), stand at their
    /// heights, are seeded, and come in patches, not salt and pepper.
    #[test]
    fn land_cover_covers_its_fractions_in_patches() {
        let d = dem(&Relief::default(), 7, 0.0, 0.0, 40_000.0, 40_000.0, 250.0).expect("dem");
        let cover = Cover {
            forest_fraction: 0.075,
            forest_height_m: 20.0,
            settlement_fraction: 0.05,
            settlement_height_m: 10.0,
            patch_m: 2_000.0,
        };
        let c = land_cover(&cover, 7, &d);
        assert_eq!(c.len(), d.heights.len());
        let share = |h: f32| c.iter().filter(|&&x| x == h).count() as f64 / c.len() as f64;
        assert!((share(10.0) - 0.05).abs() < 1e-3, "settlement {}", share(10.0));
        assert!(share(20.0) > 0.06 && share(20.0) <= 0.075 + 1e-3, "forest {}", share(20.0));
        assert_ne!(c, land_cover(&cover, 8, &d), "another seed, other patches");
        // Most covered samples have a covered neighbour: patches.
        let covered = |i: usize, j: usize| c[j * d.nx + i] > 0.0;
        let (mut inside, mut total) = (0, 0);
        for j in 1..d.ny - 1 {
            for i in 1..d.nx - 1 {
                if covered(i, j) {
                    total += 1;
                    inside += usize::from(covered(i + 1, j) && covered(i - 1, j));
                }
            }
        }
        assert!(inside * 2 > total, "{inside} of {total} covered samples lie inside a patch");
        let none = Cover { forest_fraction: 0.0, settlement_fraction: 0.0, ..cover };
        assert!(land_cover(&none, 7, &d).iter().all(|&h| h == 0.0));
    }

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
