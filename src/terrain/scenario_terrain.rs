//! The terrain a run uses: the scenario's DEM (or its procedural relief) over the area the run
//! touches, with the line-of-sight step and refraction factor the kernels march with.

use super::gpu::GpuTerrain;
use super::procedural::{self, Cover, Relief};
use super::read::{parse_ascii_grid, read_geotiff, resample};
use super::{Dem, EARTH_RADIUS_M, clearance_m};
use crate::deploy::Sensor;
use crate::error::Result;
use crate::geo::{ContactLine, Plane};
use crate::scenario::{FieldPath, LoadedScenario};

/// DEM samples, at most: 64 M f32 samples are 256 MB on the device (lavapipe binds 2 GB, many
/// GPUs 128 MB–4 GB; the driver reports its limit and the upload checks it).
const MAX_DEM_SAMPLES: f64 = 6.4e7;
/// Margin around the sensors and the corridor, m: terrain just outside still shapes the view.
const MARGIN_M: f64 = 2_000.0;

/// `Terrain::source` of the flat stand-in.
const NO_TERRAIN: &str = "none";

/// A DEM with how rays are marched over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Terrain {
    pub dem: Dem,
    /// Sampling step of the line-of-sight march, m (the DEM spacing: finer adds no information).
    pub step_m: f64,
    /// Effective-earth-radius factor.
    pub k_factor: f64,
    /// Where it came from, for the result file: a path, "procedural" or "none".
    pub source: String,
}

impl Terrain {
    /// Flat ground at sea level with the standard atmosphere: for runs with no sensor that
    /// needs a line of sight (two samples each way, so nothing to upload).
    pub fn flat() -> Self {
        Self {
            dem: Dem { x0: 0.0, y0: 0.0, spacing_m: 1.0e6, nx: 2, ny: 2, heights: vec![0.0; 4], clutter: Vec::new() },
            step_m: 1.0e6,
            k_factor: super::STANDARD_K_FACTOR,
            source: NO_TERRAIN.into(),
        }
    }

    /// Whether this is the flat stand-in of `flat()`, which the kernels never march.
    pub fn is_none(&self) -> bool {
        self.source == NO_TERRAIN
    }

    /// Least clearance of the ray between two points given as (x, y, height above ground), m.
    pub fn clearance_m(&self, a: [f64; 3], b: [f64; 3]) -> f64 {
        clearance_m(&self.dem, a, b, self.step_m, self.k_factor)
    }

    /// The frame as the kernels read it.
    pub fn frame(&self) -> GpuTerrain {
        GpuTerrain {
            x0: self.dem.x0 as f32,
            y0: self.dem.y0 as f32,
            spacing_m: self.dem.spacing_m as f32,
            nx: self.dem.nx as u32,
            ny: self.dem.ny as u32,
            effective_radius_m: (self.k_factor * EARTH_RADIUS_M) as f32,
            step_m: self.step_m as f32,
            surface_offset: if self.dem.clutter.is_empty() { 0 } else { self.dem.heights.len() as u32 },
        }
    }
}

/// A GeoTIFF or ESRI ASCII grid named in the scenario, resampled onto the working plane's grid.
fn read_grid(
    loaded: &LoadedScenario,
    path: &str,
    plane: &Plane,
    bounds: [f64; 4],
    spacing_m: f64,
) -> std::result::Result<Dem, String> {
    let full = loaded.resolve(path);
    let name = full.display().to_string();
    let is_ascii = full.extension().is_some_and(|e| e.eq_ignore_ascii_case("asc"));
    let grid = if is_ascii {
        crate::input_file::read_text(&full)
            .map_err(|e| format!("{name}: {e}"))
            .and_then(|text| parse_ascii_grid(&text, &name))
    } else {
        read_geotiff(&full)
    }?;
    resample(&grid, plane, bounds, spacing_m, &name)
}

/// The scenario's terrain over the sensors and the corridor around the line; flat when no
/// sensor needs a line of sight. Errors name `terrain.dem` or `terrain.spacing_m`.
pub fn load(loaded: &LoadedScenario, plane: &Plane, line: &ContactLine, sensors: &[Sensor]) -> Result<Terrain> {
    if !sensors.iter().any(|s| s.modality.needs_terrain()) {
        return Ok(Terrain::flat());
    }
    let s = &loaded.scenario;
    let spec = &s.terrain;
    let depth_km = s
        .classes
        .iter()
        .flat_map(|c| [Some(c.depth_km[1]), c.impact_depth_km.map(|d| d[1])])
        .flatten()
        .fold(s.coverage.half_width_km, f64::max);
    let reach = depth_km * 1000.0 + MARGIN_M;
    let points = line.xy.iter().copied().chain(sensors.iter().map(|s| [s.x, s.y]));
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in points {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let bounds = [lo[0] - reach, lo[1] - reach, hi[0] + reach, hi[1] + reach];
    let samples = ((bounds[2] - bounds[0]) / spec.spacing_m + 1.0) * ((bounds[3] - bounds[1]) / spec.spacing_m + 1.0);
    if samples > MAX_DEM_SAMPLES {
        return Err(loaded.error_at(
            &FieldPath::parse("terrain.spacing_m"),
            format!(
                "{:.0} × {:.0} km at {} m is {samples:.3e} samples, over the limit of {MAX_DEM_SAMPLES:.1e}; \
                 coarsen the spacing",
                (bounds[2] - bounds[0]) / 1000.0,
                (bounds[3] - bounds[1]) / 1000.0,
                spec.spacing_m
            ),
        ));
    }
    let (dem, source) = match &spec.dem {
        Some(path) => {
            let field = FieldPath::parse("terrain.dem");
            let dem = read_grid(loaded, path, plane, bounds, spec.spacing_m).map_err(|e| loaded.error_at(&field, e))?;
            (dem, path.clone())
        }
        None => {
            let relief = Relief {
                base_m: spec.relief_base_m,
                amplitude_m: spec.relief_amplitude_m,
                wavelength_m: spec.relief_wavelength_km * 1000.0,
                ..Relief::default()
            };
            let dem = procedural::dem(&relief, s.seed, bounds[0], bounds[1], bounds[2], bounds[3], spec.spacing_m)
                .ok_or_else(|| loaded.error_at(&FieldPath::parse("terrain"), "the area to cover is empty"))?;
            (dem, "procedural".to_string())
        }
    };
    let clutter = match &spec.land_cover {
        Some(path) => {
            let field = FieldPath::parse("terrain.land_cover");
            let cover =
                read_grid(loaded, path, plane, bounds, spec.spacing_m).map_err(|e| loaded.error_at(&field, e))?;
            if let Some(bad) = cover.heights.iter().find(|h| **h < 0.0) {
                return Err(
                    loaded.error_at(&field, format!("{path}: a land-cover height of {bad} m is below the ground"))
                );
            }
            cover.heights
        }
        None => procedural::land_cover(
            &Cover {
                forest_fraction: spec.forest_fraction,
                forest_height_m: spec.forest_height_m,
                settlement_fraction: spec.settlement_fraction,
                settlement_height_m: spec.settlement_height_m,
                patch_m: spec.land_cover_patch_km * 1000.0,
            },
            s.seed,
            &dem,
        ),
    };
    let dem = if clutter.iter().all(|&h| h == 0.0) {
        dem
    } else {
        dem.with_clutter(clutter)
            .ok_or_else(|| loaded.error_at(&FieldPath::parse("terrain.land_cover"), "land cover off the DEM's grid"))?
    };
    Ok(Terrain { dem, step_m: spec.spacing_m, k_factor: spec.k_factor, source })
}
