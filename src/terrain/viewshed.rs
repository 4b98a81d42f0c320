//! Per-sensor viewsheds for the coverage maps: the sensor's horizon, swept once along rays
//! fanning out from it, then looked up by every cell that weighs the sensor instead of marching
//! the terrain again for each (cell, sensor) pair.
//!
//! In the frame of the sensor's tangent plane, with the earth's drop d²/(2kR) taken off the
//! ground, a straight sight line from the sensor at height z_s to a target at distance D is
//! clear of the ground iff its slope reaches the greatest slope (h'(d) − z_s)/d of the ground
//! at every d < D. That is exactly the march's test: the march's clearance at d is
//! d·(slope of the target − slope of the ground at d), the bulge d1·d2/(2kR) being the drop
//! seen from the chord. The sweep stores, along each ray and at each march step, the greatest
//! ground slope so far (the radial sweep of viewshed analysis, e.g. Franklin & Ray 1994,
//! "Higher isn't necessarily better: visibility algorithms and experiments"); a lookup is one
//! DEM sample at the target and one table read.
//!
//! What it approximates: the ground is sampled along the nearest stored ray, not along the
//! exact line to the target. Rays are spaced so that neighbours are at most one DEM spacing
//! apart at the end of the table, and samples fall every march step, so the sampling error is
//! that of the march itself (which also reads a bilinear surface every step); the tests
//! measure how often the two disagree. `[coverage] sight_lines = "march"` turns the cache
//! off. Pairs outside a table (farther than the sensor's instrumented range or its class
//! reach, or out of its sector) are marched.
//!
//! The f64 twin of `shaders/viewshed.wgsl` (lookup) and `shaders/viewshed_sweep.wgsl` (sweep).

use super::{EARTH_RADIUS_M, Terrain};
use crate::abi::{GpuSensor, MODALITY_RADAR};
use bytemuck::{Pod, Zeroable};
use rayon::prelude::*;
use std::f64::consts::TAU;

/// Table entries at most over all sensors: 32 M f32 are 128 MB on the device, within what
/// every wgpu adapter binds by default (128 MiB); sensors past it are marched.
pub const MAX_TABLE_ENTRIES: usize = 32 << 20;
/// Rays per sensor at most (0.044° apart): past ~360 km at 250 m nothing is gained.
const MAX_AZIMUTHS: usize = 8_192;
/// Rays per sensor at least, however short its range.
const MIN_AZIMUTHS: usize = 64;
/// March steps per ray at most: the sweep's loop stays far inside llvmpipe's loop budget.
pub const MAX_RANGE_STEPS: usize = 4_096;

/// One sensor's table, as the kernels read it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuView {
    pub x: f32,
    pub y: f32,
    /// Height of the sensor above ground, m.
    pub mast_m: f32,
    /// Index of the table's first entry.
    pub offset: u32,
    /// Rays stored.
    pub azimuth_count: u32,
    /// Index of the first stored ray, in units of `azimuth_step_rad` clockwise from grid north.
    pub first_azimuth: i32,
    pub azimuth_step_rad: f32,
    /// Samples per ray, every terrain step: sample n (0-based) is at (n + 1)·step.
    pub range_count: u32,
}

/// Where each sensor's table is; the sensors carry their slot + 1 in `GpuSensor::view`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewPlan {
    pub views: Vec<GpuView>,
    /// Table entries over all views.
    pub entries: usize,
    /// Sight sensors left to the march because the table budget ran out.
    pub marched: usize,
}

impl ViewPlan {
    /// Plan a table for every enabled radar, camera and RF sensor: rays out to the lesser of
    /// its instrumented range and `reach_m(modality)` (the farthest any mapped class reaches
    /// with that modality), over its sector. Sets each planned sensor's `view`; clears the rest.
    /// Nothing is planned over the flat stand-in, which the kernels never march.
    pub fn new(sensors: &mut [GpuSensor], terrain: &Terrain, reach_m: impl Fn(u32) -> f64) -> Self {
        Self::within(sensors, terrain, reach_m, MAX_TABLE_ENTRIES)
    }

    /// `new` with a budget of table entries.
    pub fn within(
        sensors: &mut [GpuSensor],
        terrain: &Terrain,
        reach_m: impl Fn(u32) -> f64,
        max_entries: usize,
    ) -> Self {
        let mut plan = Self::default();
        let step = terrain.step_m;
        for s in sensors.iter_mut() {
            s.view = 0;
            if terrain.is_none() || s.modality < MODALITY_RADAR || s.enabled == 0 {
                continue;
            }
            let range = f64::from(s.max_range_m).min(reach_m(s.modality));
            if range.is_nan() || range <= 0.0 {
                continue;
            }
            let range_count = ((range / step).ceil() as usize).clamp(1, MAX_RANGE_STEPS);
            // Neighbouring rays at most one DEM spacing apart at the table's end.
            let reach_end = range_count as f64 * step;
            let full = ((TAU * reach_end / terrain.dem.spacing_m).ceil() as usize).clamp(MIN_AZIMUTHS, MAX_AZIMUTHS);
            let azimuth_step = TAU / full as f64;
            let half = f64::from(s.half_sector_rad);
            let (first, count) = if half >= std::f64::consts::PI {
                (0, full)
            } else {
                let lo = ((f64::from(s.azimuth_rad) - half) / azimuth_step).floor() as i64 - 1;
                let hi = ((f64::from(s.azimuth_rad) + half) / azimuth_step).ceil() as i64 + 1;
                (lo, ((hi - lo + 1) as usize).min(full))
            };
            let entries = count * range_count;
            if plan.entries + entries > max_entries {
                plan.marched += 1;
                continue;
            }
            plan.views.push(GpuView {
                x: s.x,
                y: s.y,
                mast_m: s.z,
                offset: plan.entries as u32,
                azimuth_count: count as u32,
                first_azimuth: first as i32,
                azimuth_step_rad: azimuth_step as f32,
                range_count: range_count as u32,
            });
            plan.entries += entries;
            s.view = plan.views.len() as u32;
        }
        plan
    }

    /// The tables in f64: entry (view, ray a, sample n) is the greatest ground slope seen from
    /// the sensor along ray `first_azimuth + a` out to (n + 1)·step, in the tangent frame.
    pub fn sweep(&self, terrain: &Terrain) -> Vec<f64> {
        let mut table = vec![0.0; self.entries];
        let mut rest = table.as_mut_slice();
        let mut slices = Vec::with_capacity(self.views.len());
        for v in &self.views {
            let (head, tail) = rest.split_at_mut(v.azimuth_count as usize * v.range_count as usize);
            slices.push((v, head));
            rest = tail;
        }
        slices.into_par_iter().for_each(|(v, out)| {
            for (a, ray) in out.chunks_mut(v.range_count as usize).enumerate() {
                sweep_ray(terrain, v, a, ray);
            }
        });
        table
    }
}

fn sweep_ray(terrain: &Terrain, v: &GpuView, a: usize, ray: &mut [f64]) {
    let f = f64::from;
    let (sx, sy) = (f(v.x), f(v.y));
    let zs = terrain.dem.height_at(sx, sy) + f(v.mast_m);
    let azimuth = (f64::from(v.first_azimuth) + a as f64) * f(v.azimuth_step_rad);
    let (ux, uy) = (azimuth.sin(), azimuth.cos());
    let two_kr = 2.0 * terrain.k_factor * EARTH_RADIUS_M;
    let mut greatest = f64::NEG_INFINITY;
    for (n, entry) in ray.iter_mut().enumerate() {
        let d = (n + 1) as f64 * terrain.step_m;
        // The top of the land cover: what a sight line must clear.
        let ground = terrain.dem.surface_at(sx + d * ux, sy + d * uy) - d * d / two_kr;
        greatest = greatest.max((ground - zs) / d);
        *entry = greatest;
    }
}

/// How the f64 reference settles a sensor's sight lines: by the march, or by its viewshed.
pub trait SightLines: Sync {
    /// Least clearance of the line from sensor `s` at `a` to `b`, each (x, y, height above
    /// ground), m; negative when the terrain hides it.
    fn sight_clearance_m(&self, s: &GpuSensor, a: [f64; 3], b: [f64; 3]) -> f64;
}

impl SightLines for Terrain {
    fn sight_clearance_m(&self, _: &GpuSensor, a: [f64; 3], b: [f64; 3]) -> f64 {
        self.clearance_m(a, b)
    }
}

/// The march, except for sensors with a viewshed (`GpuSensor::view`), which look it up.
pub struct CachedSightLines<'a> {
    pub terrain: &'a Terrain,
    pub views: &'a [GpuView],
    pub table: &'a [f64],
}

impl SightLines for CachedSightLines<'_> {
    fn sight_clearance_m(&self, s: &GpuSensor, a: [f64; 3], b: [f64; 3]) -> f64 {
        let view = (s.view as usize).checked_sub(1).and_then(|slot| self.views.get(slot));
        view.and_then(|v| clearance_m(self.terrain, v, self.table, b)).unwrap_or_else(|| self.terrain.clearance_m(a, b))
    }
}

/// The clearance of the sight line from the sensor of `v` to the target `b` (x, y, height
/// above ground) by its table: the height by which the target stands above the sensor's
/// horizon in its direction, scaled to its distance, m (negative: hidden). None where the
/// table does not reach (farther than its rays, out of its sector): march instead.
pub fn clearance_m(terrain: &Terrain, v: &GpuView, table: &[f64], b: [f64; 3]) -> Option<f64> {
    let f = f64::from;
    let (dx, dy) = (b[0] - f(v.x), b[1] - f(v.y));
    let d = dx.hypot(dy);
    // The march samples strictly between the ends: as many samples as fit below d.
    let samples = ((d / terrain.step_m).ceil() as i64 - 1).max(0) as usize;
    if samples == 0 {
        return Some(f64::INFINITY);
    }
    if samples > v.range_count as usize {
        return None;
    }
    let ray = ray_index(v, dx.atan2(dy))?;
    let horizon = table[v.offset as usize + ray * v.range_count as usize + samples - 1];
    let zs = terrain.dem.height_at(f(v.x), f(v.y)) + f(v.mast_m);
    let two_kr = 2.0 * terrain.k_factor * EARTH_RADIUS_M;
    let target = terrain.dem.height_at(b[0], b[1]) + b[2] - d * d / two_kr;
    Some(((target - zs) / d - horizon) * d)
}

/// The stored ray nearest the azimuth, if stored.
fn ray_index(v: &GpuView, azimuth: f64) -> Option<usize> {
    let step = f64::from(v.azimuth_step_rad);
    let full = (TAU / step).round() as i64;
    let nearest = (azimuth / step).round() as i64;
    let relative = (nearest - i64::from(v.first_azimuth)).rem_euclid(full) as usize;
    (relative < v.azimuth_count as usize).then_some(relative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{MODALITY_ACOUSTIC, MODALITY_EO_IR};
    use crate::terrain::{Dem, STANDARD_K_FACTOR};

    fn terrain_of(dem: Dem, step_m: f64) -> Terrain {
        Terrain { dem, step_m, k_factor: STANDARD_K_FACTOR, source: "test".into() }
    }

    fn sight_sensor(x: f32, y: f32, mast_m: f32, range_m: f32) -> GpuSensor {
        GpuSensor {
            x,
            y,
            z: mast_m,
            modality: MODALITY_RADAR,
            enabled: 1,
            max_range_m: range_m,
            half_sector_rad: std::f32::consts::PI,
            ..Default::default()
        }
    }

    /// Over flat ground the table's horizon is the smooth earth's, √(2kRh), as the march's.
    #[test]
    fn flat_earth_horizon_matches_the_closed_form() {
        let dem = Dem::flat(-30e3, -30e3, 100.0, 601, 601, 0.0).expect("flat grid");
        let terrain = terrain_of(dem, 100.0);
        for h in [5.0f32, 10.0, 30.0] {
            let mut sensors = [sight_sensor(0.0, 0.0, h, 29e3)];
            let plan = ViewPlan::new(&mut sensors, &terrain, |_| f64::INFINITY);
            let table = plan.sweep(&terrain);
            let horizon = super::super::radar_horizon_m(f64::from(h), STANDARD_K_FACTOR);
            for azimuth in [0.3f64, 2.0, -1.7] {
                let at = |d: f64| [d * azimuth.sin(), d * azimuth.cos(), 0.0];
                let seen = |d| clearance_m(&terrain, &plan.views[0], &table, at(d)).expect("in the table") >= 0.0;
                assert!(seen(horizon - 200.0), "h = {h}: inside the horizon {horizon}");
                assert!(!seen(horizon + 200.0), "h = {h}: beyond the horizon {horizon}");
            }
        }
    }

    /// A ridge hides what is behind it and nothing beside it; a mast over it sees again.
    #[test]
    fn a_ridge_hides_what_is_behind_it() {
        let (nx, ny, s) = (101, 41, 50.0);
        let heights = (0..ny)
            .flat_map(|j| {
                (0..nx).map(move |i| {
                    let ridge = 50.0 * (-((i as f64 * s - 2_500.0) / 100.0).powi(2)).exp();
                    (if (j as f64) * s < 600.0 { ridge } else { 0.0 }) as f32
                })
            })
            .collect();
        let terrain = terrain_of(Dem::new(0.0, 0.0, s, nx, ny, heights).expect("grid"), s);
        let mut sensors = [sight_sensor(500.0, 200.0, 2.0, 5e3), sight_sensor(500.0, 1_500.0, 2.0, 5e3)];
        let plan = ViewPlan::new(&mut sensors, &terrain, |_| f64::INFINITY);
        let table = plan.sweep(&terrain);
        let clear = |view: usize, b| clearance_m(&terrain, &plan.views[view], &table, b).expect("in the table");
        assert!(clear(0, [4_500.0, 200.0, 1.5]) < 0.0, "the ridge blocks");
        assert!(clear(1, [4_500.0, 1_500.0, 1.5]) >= 0.0, "beside the ridge");
        assert!(clear(0, [4_500.0, 200.0, 200.0]) >= 0.0, "a target high above it");
    }

    #[test]
    fn plans_only_sight_sensors_within_the_budget_and_sectors() {
        let dem = Dem::flat(-10e3, -10e3, 250.0, 81, 81, 0.0).expect("flat grid");
        let terrain = terrain_of(dem, 250.0);
        let camera = GpuSensor {
            modality: MODALITY_EO_IR,
            azimuth_rad: 0.5,
            half_sector_rad: 0.25,
            ..sight_sensor(0.0, 0.0, 5.0, 8e3)
        };
        let acoustic = GpuSensor { modality: MODALITY_ACOUSTIC, view: 7, ..sight_sensor(0.0, 0.0, 2.0, 8e3) };
        let mut sensors = [sight_sensor(0.0, 0.0, 10.0, 8e3), camera, acoustic];
        let plan = ViewPlan::new(&mut sensors, &terrain, |_| 6e3);
        assert_eq!(sensors.map(|s| s.view), [1, 2, 0]);
        let [radar_view, camera_view] = [plan.views[0], plan.views[1]];
        assert_eq!(radar_view.range_count, 24, "the class reach (6 km) bounds the table");
        assert!(camera_view.azimuth_count < radar_view.azimuth_count / 5, "{camera_view:?}");
        // Out of the camera's sector: no ray stored.
        assert!(clearance_m(&terrain, &camera_view, &plan.sweep(&terrain), [-3e3, -3e3, 1.0]).is_none());
        // Inside the sector, and past the table's end.
        let table = plan.sweep(&terrain);
        assert!(clearance_m(&terrain, &camera_view, &table, [2e3 * 0.5f64.sin(), 2e3 * 0.5f64.cos(), 1.0]).is_some());
        assert!(clearance_m(&terrain, &radar_view, &table, [0.0, 7e3, 1.0]).is_none());
        // A budget of one table: the camera is left to the march.
        let small = ViewPlan::within(&mut sensors, &terrain, |_| 6e3, plan.views[0].azimuth_count as usize * 24);
        assert_eq!((small.views.len(), small.marched), (1, 1));
        assert_eq!(sensors.map(|s| s.view), [1, 0, 0]);
        // Nothing over the flat stand-in.
        assert!(ViewPlan::new(&mut sensors, &Terrain::flat(), |_| 6e3).views.is_empty());
    }
}
