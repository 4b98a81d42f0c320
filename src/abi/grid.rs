//! The sensors in a uniform grid per modality: the spatial index the kernels walk.

use super::layout::*;

/// Grid cells, at most (the cell grows to keep the index small).
const MAX_GRID_CELLS: f64 = 4.0e6;
/// Default grid cell, m. Bigger cells mean longer contiguous runs of sensors per grid row (busier
/// lanes) but more candidates outside short reaches. Measured on the full line, 24 h, lavapipe:
/// 10 km 5.9e6, 25 km 7.2e6, 50 km 7.6e6 pairs/s; 25 km keeps culling useful for the short-range
/// classes.
pub const DEFAULT_CELL_M: f64 = 25_000.0;

/// Sensors bucketed in a uniform grid, sorted by (layer, cell row-major), so the sensors of a
/// run of cells in one grid row of one layer are contiguous. `by_modality` puts each modality
/// in the layer of its code, so that a walk with one modality's reach visits only that
/// modality's sensors.
#[derive(Debug, Clone)]
pub struct SensorGrid {
    pub sensors: Vec<GpuSensor>,
    /// Index of the first sensor of each cell; `layers·nx·ny + 1` entries.
    pub cell_start: Vec<u32>,
    pub layers: u32,
    pub nx: u32,
    pub ny: u32,
    pub origin: [f64; 2],
    pub cell_m: f64,
}

impl SensorGrid {
    /// One layer per modality, indexed by its code.
    pub fn by_modality(sensors: &[GpuSensor], cell_m: f64) -> Self {
        Self::layered(sensors, cell_m, MODALITY_COUNT, |s| s.modality)
    }

    fn layered(sensors: &[GpuSensor], cell_m: f64, layers: u32, layer_of: impl Fn(&GpuSensor) -> u32) -> Self {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for s in sensors {
            for (k, v) in [f64::from(s.x), f64::from(s.y)].into_iter().enumerate() {
                lo[k] = lo[k].min(v);
                hi[k] = hi[k].max(v);
            }
        }
        if sensors.is_empty() {
            lo = [0.0; 2];
            hi = [0.0; 2];
        }
        let mut cell = cell_m;
        let cells = |c: f64| ((hi[0] - lo[0]) / c + 1.0).floor() * ((hi[1] - lo[1]) / c + 1.0).floor();
        while cells(cell) > MAX_GRID_CELLS {
            cell *= 2.0;
        }
        let nx = ((hi[0] - lo[0]) / cell).floor() as u32 + 1;
        let ny = ((hi[1] - lo[1]) / cell).floor() as u32 + 1;
        let cell_of = |s: &GpuSensor| {
            let cx = (((f64::from(s.x) - lo[0]) / cell).floor() as u32).min(nx - 1);
            let cy = (((f64::from(s.y) - lo[1]) / cell).floor() as u32).min(ny - 1);
            layer_of(s).min(layers - 1) * nx * ny + cy * nx + cx
        };
        let mut sorted = sensors.to_vec();
        sorted.sort_by_key(|s| (cell_of(s), s.id));
        let mut cell_start = vec![0u32; (layers * nx * ny + 1) as usize];
        for s in &sorted {
            cell_start[cell_of(s) as usize + 1] += 1;
        }
        for i in 1..cell_start.len() {
            cell_start[i] += cell_start[i - 1];
        }
        Self { sensors: sorted, cell_start, layers, nx, ny, origin: lo, cell_m: cell }
    }

    /// Copy the grid's geometry into the kernel parameters.
    pub fn apply(&self, p: &mut GpuParams) {
        p.grid_nx = self.nx;
        p.grid_ny = self.ny;
        p.cell_size_m = self.cell_m as f32;
        p.grid_origin_x = self.origin[0] as f32;
        p.grid_origin_y = self.origin[1] as f32;
    }
}
