//! The corridor raster: the band within a half width of the line, on a regular grid over its
//! bounding box, produced row band by row band so memory stays bounded at any resolution.

use super::gpu::GpuCell;
use crate::error::Result;
use crate::geo::ContactLine;
use crate::scenario::{FieldPath, LoadedScenario};
use rayon::prelude::*;

/// The corridor a scenario's `[coverage]` maps, refused when one class's map would exceed
/// `limits.max_coverage_cells` (estimated from the box, before anything is computed).
pub fn scenario_corridor(loaded: &LoadedScenario, line: &ContactLine) -> Result<Corridor> {
    let s = &loaded.scenario;
    let spec = &s.coverage;
    let corridor = Corridor::around(line, spec.half_width_km * 1000.0, spec.resolution_m);
    let cells = corridor.cell_count();
    if cells <= s.limits.max_coverage_cells {
        return Ok(corridor);
    }
    Err(loaded.error_at(
        &FieldPath::parse("coverage.resolution_m"),
        format!(
            "a coverage map would have {cells:.3e} cells ({:.0} m cells, ±{} km), over limits.max_coverage_cells = {}; coarsen the resolution or narrow the corridor",
            spec.resolution_m, spec.half_width_km, s.limits.max_coverage_cells
        ),
    ))
}

/// A regular grid over the corridor's bounding box. Cell (i, j) has its centre at
/// (x0 + i·res, y0 + j·res); rows run south to north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corridor {
    pub x0: f64,
    pub y0: f64,
    pub nx: usize,
    pub ny: usize,
    pub resolution_m: f64,
    pub half_width_m: f64,
}

/// The in-band cells of a band of rows.
#[derive(Debug, Clone, Default)]
pub struct Tile {
    /// Index within the band (row · nx + column) of each in-band cell.
    pub index: Vec<usize>,
    pub cells: Vec<GpuCell>,
    pub chainage_km: Vec<f64>,
}

impl Corridor {
    pub fn around(line: &ContactLine, half_width_m: f64, resolution_m: f64) -> Self {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in &line.xy {
            lo = [lo[0].min(p[0]), lo[1].min(p[1])];
            hi = [hi[0].max(p[0]), hi[1].max(p[1])];
        }
        let (x_min, y_min) = (lo[0] - half_width_m, lo[1] - half_width_m);
        let nx = ((hi[0] + half_width_m - x_min) / resolution_m).ceil().max(1.0) as usize;
        let ny = ((hi[1] + half_width_m - y_min) / resolution_m).ceil().max(1.0) as usize;
        Self { x0: x_min + 0.5 * resolution_m, y0: y_min + 0.5 * resolution_m, nx, ny, resolution_m, half_width_m }
    }

    pub fn x(&self, i: usize) -> f64 {
        self.x0 + i as f64 * self.resolution_m
    }

    pub fn y(&self, j: usize) -> f64 {
        self.y0 + j as f64 * self.resolution_m
    }

    pub fn cell_count(&self) -> u64 {
        self.nx as u64 * self.ny as u64
    }

    /// The in-band cells of rows [r0, r1), each located on the line (in parallel).
    pub fn tile(&self, line: &ContactLine, r0: usize, r1: usize) -> Tile {
        let rows: Vec<Vec<(usize, GpuCell, f64)>> = (r0..r1.min(self.ny))
            .into_par_iter()
            .map(|j| {
                let y = self.y(j);
                (0..self.nx)
                    .filter_map(|i| {
                        let x = self.x(i);
                        let at = line.locate([x, y]);
                        (at.offset_m.abs() <= self.half_width_m)
                            .then(|| ((j - r0) * self.nx + i, GpuCell::at(x, y, &at), at.chainage_km))
                    })
                    .collect()
            })
            .collect();
        let mut tile = Tile::default();
        for (index, cell, chainage) in rows.into_iter().flatten() {
            tile.index.push(index);
            tile.cells.push(cell);
            tile.chainage_km.push(chainage);
        }
        tile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_of_a_straight_line_is_a_strip() {
        let pts = vec![[0.0, 0.0], [10_000.0, 0.0]];
        let line = ContactLine::new(vec![pts.clone()], vec![pts]);
        let corridor = Corridor::around(&line, 1_000.0, 100.0);
        assert_eq!((corridor.nx, corridor.ny), (120, 20));
        let tile = corridor.tile(&line, 0, corridor.ny);
        // Cells within 1 km of the segment: 100 × 20 beside it, plus the round caps.
        assert!(tile.cells.len() > 2000 && tile.cells.len() < 120 * 20, "{}", tile.cells.len());
        assert!(tile.cells.iter().all(|c| c.offset_m.abs() <= 1000.0));
        let side_a = tile.cells.iter().filter(|c| c.y > 0.0).all(|c| c.offset_m < 0.0);
        assert!(side_a, "left of the line's direction is side A");
    }
}
