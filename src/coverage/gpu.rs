//! Runs `shaders/coverage.wgsl`: one thread per cell, cells in chunks within the adapter's
//! limits, one class (source) per call.

use super::fix_rule::FixRule;
use super::reference::{CellMetrics, CellSite, cell_metrics};
use crate::abi::{GpuEvent, GpuParams, GpuSensor, split_sensors};
use crate::detect::SensorGrid;
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::gpu::buffers::{bind_group, nonempty, output_buffer, read_back, storage_init, storage_init_writable};
use crate::shaders;
use crate::terrain::Terrain;
use crate::terrain::gpu::{DeviceTerrain, DeviceViews};
use crate::terrain::viewshed::{CachedSightLines, ViewPlan};
use bytemuck::{Pod, Zeroable};
use rayon::prelude::*;
use std::sync::OnceLock;
use wgpu::util::DeviceExt;

/// Workgroup size of `coverage_cells`; a test checks it against the shader.
pub const WORKGROUP_SIZE: u32 = 64;

/// A corridor cell as the kernel reads it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuCell {
    pub x: f32,
    pub y: f32,
    /// Signed offset from the line, m (negative: side A).
    pub offset_m: f32,
    /// Unit normal of the line at the nearest point.
    pub normal_x: f32,
    pub normal_y: f32,
    pub pad: [f32; 3],
}

impl GpuCell {
    /// The cell centred at (x, y), placed on the line at `at`.
    pub fn at(x: f64, y: f64, at: &crate::geo::LinePoint) -> Self {
        Self {
            x: x as f32,
            y: y as f32,
            offset_m: at.offset_m as f32,
            normal_x: at.normal[0] as f32,
            normal_y: at.normal[1] as f32,
            pad: [0.0; 3],
        }
    }
}

/// The kernel's result for one cell.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuCellOut {
    pub p_detect: f32,
    pub p_k: f32,
    pub sigma_n_m: f32,
    pub p_attrib: f32,
    pub verifiable: f32,
    /// Sensors within reach: the (cell, sensor) pairs evaluated.
    pub sensors: u32,
    /// Loop iterations the cell's invocation ran (see `gpu::loop_budget`).
    pub loop_iterations: u32,
    /// 1 where llvmpipe cut the cell's loops short (as the kernel writes it), or, after
    /// `evaluate`, where the f64 reference computed the cell instead.
    pub by_reference: u32,
}

impl GpuCellOut {
    /// The reference's metrics in the kernel's form, marked as computed on the CPU.
    fn from_reference(m: &CellMetrics, loop_iterations: u32) -> Self {
        Self {
            p_detect: m.p_detect as f32,
            p_k: m.p_k as f32,
            sigma_n_m: m.sigma_n_m as f32,
            p_attrib: m.p_attrib as f32,
            verifiable: m.verifiable as f32,
            sensors: m.sensors,
            loop_iterations,
            by_reference: 1,
        }
    }
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
struct Settings {
    k: u32,
    cell_count: u32,
    row_threads: u32,
    /// 1: blind association's rule (`FixRule::Blind`), `k` its constraints.
    blind: u32,
}

/// The kernel's results for a dispatch, left on the device.
pub struct DeviceCells {
    /// `count` [`GpuCellOut`] records.
    pub results: wgpu::Buffer,
    pub count: usize,
}

/// The sensors on the device, ready to map sources placed at cells.
pub struct GpuCoverage<'g> {
    gpu: &'g Gpu,
    /// The host's copies, for the cells the reference recomputes.
    host_sensors: Vec<GpuSensor>,
    host_terrain: &'g Terrain,
    pipeline: wgpu::ComputePipeline,
    params: GpuParams,
    sensors: wgpu::Buffer,
    sights: wgpu::Buffer,
    cell_start: wgpu::Buffer,
    terrain: DeviceTerrain,
    /// The sensors' viewsheds on the device (an empty plan: every sight line is marched).
    views: DeviceViews,
    plan: ViewPlan,
    /// The same tables in f64, swept when the reference first needs them.
    host_tables: OnceLock<Vec<f64>>,
    /// Index into `host_sensors` of each slot of the device's grid order.
    grid_positions: Vec<usize>,
    max_cells_per_dispatch: usize,
}

impl<'g> GpuCoverage<'g> {
    /// The sensors go into a grid of `cell_m` cells, one layer per modality (the kernel walks
    /// each layer with its own reach); every sight line is marched.
    pub fn new(
        gpu: &'g Gpu,
        params: GpuParams,
        terrain: &'g Terrain,
        sensors: &[GpuSensor],
        cell_m: f64,
    ) -> Result<Self> {
        let mut sensors = sensors.to_vec();
        sensors.iter_mut().for_each(|s| s.view = 0);
        Self::planned(gpu, params, terrain, sensors, cell_m, ViewPlan::default())
    }

    /// As `new`, with a viewshed for each radar, camera and RF sensor out to the lesser of its
    /// range and `reach_m(modality)` (`terrain::viewshed`), swept once on the device.
    pub fn with_viewsheds(
        gpu: &'g Gpu,
        params: GpuParams,
        terrain: &'g Terrain,
        sensors: &[GpuSensor],
        cell_m: f64,
        reach_m: impl Fn(u32) -> f64,
    ) -> Result<Self> {
        let mut sensors = sensors.to_vec();
        let plan = ViewPlan::new(&mut sensors, terrain, reach_m);
        Self::planned(gpu, params, terrain, sensors, cell_m, plan)
    }

    fn planned(
        gpu: &'g Gpu,
        mut params: GpuParams,
        terrain: &'g Terrain,
        sensors: Vec<GpuSensor>,
        cell_m: f64,
        plan: ViewPlan,
    ) -> Result<Self> {
        let grid = SensorGrid::by_modality(&sensors, cell_m);
        grid.apply(&mut params);
        let pipeline = gpu
            .compute_pipelines(&shaders::coverage_kernel(), &["coverage_cells"])?
            .pop()
            .ok_or_else(|| Error::Gpu("coverage.wgsl: no pipeline".into()))?;
        let limits = gpu.limits();
        let max_binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        let per_cell = std::mem::size_of::<GpuCellOut>().max(std::mem::size_of::<GpuCell>()) as u64;
        let by_dims = u64::from(limits.max_compute_workgroups_per_dimension).pow(2) * u64::from(WORKGROUP_SIZE);
        let max_cells_per_dispatch = (max_binding / per_cell).min(by_dims).max(1) as usize;
        let (heads, sights) = split_sensors(&nonempty(&grid.sensors));
        let device_terrain = DeviceTerrain::upload(gpu, terrain)?;
        let views = DeviceViews::sweep(gpu, terrain, &device_terrain, &plan)?;
        // Writable: `set_enabled` switches sensors off and on between evaluations.
        let sensor_buffer = storage_init_writable(&gpu.device, "sensors", &heads);
        Ok(Self {
            grid_positions: {
                let position: std::collections::HashMap<u32, usize> =
                    sensors.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
                grid.sensors.iter().filter_map(|s| position.get(&s.id).copied()).collect()
            },
            sensors: sensor_buffer,
            sights: storage_init(&gpu.device, "sights", &sights),
            cell_start: storage_init(&gpu.device, "cell_start", &grid.cell_start),
            terrain: device_terrain,
            views,
            plan,
            host_tables: OnceLock::new(),
            gpu,
            host_sensors: sensors,
            host_terrain: terrain,
            pipeline,
            params,
            max_cells_per_dispatch,
        })
    }

    /// Metrics of a source like `source` placed at each cell, its fix by `rule`; the cells
    /// whose loops the device cut short are recomputed by the f64 reference.
    pub fn evaluate(&self, source: &GpuEvent, cells: &[GpuCell], rule: FixRule) -> Result<Vec<GpuCellOut>> {
        let mut out = self.evaluate_on_device(source, cells, rule)?;
        self.recompute_cut(source, cells, &mut out, rule);
        Ok(out)
    }

    /// What the kernel writes, cut cells flagged in `by_reference` but not recomputed.
    pub fn evaluate_on_device(&self, source: &GpuEvent, cells: &[GpuCell], rule: FixRule) -> Result<Vec<GpuCellOut>> {
        let mut out = Vec::with_capacity(cells.len());
        for chunk in cells.chunks(self.max_cells_per_dispatch) {
            let on_device = self.dispatch(source, chunk, rule)?;
            out.extend(read_back::<GpuCellOut>(self.gpu, &on_device.results, chunk.len())?);
        }
        Ok(out)
    }

    /// Cells the kernel can take in one dispatch on this adapter.
    pub fn max_cells_per_dispatch(&self) -> usize {
        self.max_cells_per_dispatch
    }

    /// Run the kernel over at most `max_cells_per_dispatch` cells and leave the results on the
    /// device (the viewer paints them from there). Submitted, not waited for.
    pub fn dispatch(&self, source: &GpuEvent, cells: &[GpuCell], rule: FixRule) -> Result<DeviceCells> {
        if cells.len() > self.max_cells_per_dispatch {
            return Err(Error::Gpu(format!(
                "{} cells exceed one dispatch of {} on this adapter",
                cells.len(),
                self.max_cells_per_dispatch
            )));
        }
        let device = &self.gpu.device;
        let params = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::bytes_of(&self.params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let source_buffer = storage_init(device, "source", std::slice::from_ref(source));
        let max_groups = self.gpu.limits().max_compute_workgroups_per_dimension;
        let groups = (cells.len() as u32).div_ceil(WORKGROUP_SIZE).max(1);
        let (gx, gy) = (groups.min(max_groups), groups.div_ceil(groups.min(max_groups)));
        let settings = Settings {
            k: rule.constraints(),
            cell_count: cells.len() as u32,
            row_threads: gx * WORKGROUP_SIZE,
            blind: u32::from(rule.is_blind()),
        };
        let settings = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("settings"),
            contents: bytemuck::bytes_of(&settings),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let cell_buffer = storage_init(device, "cells", &nonempty(cells));
        let results = output_buffer(device, std::mem::size_of_val(cells) as u64);
        let bind = bind_group(
            device,
            &self.pipeline,
            &[
                &params,
                &source_buffer,
                &self.sensors,
                &self.cell_start,
                &cell_buffer,
                &results,
                &settings,
                &self.terrain.frame,
                &self.terrain.heights,
                &self.sights,
                &self.views.views,
                &self.views.horizons,
            ],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        );
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(gx, gy, 1);
        }
        self.gpu.queue.submit([encoder.finish()]);
        Ok(DeviceCells { results, count: cells.len() })
    }

    /// The f64 reference for every cell the device cut short (or that went over a budget set
    /// by hand).
    fn recompute_cut(&self, source: &GpuEvent, cells: &[GpuCell], out: &mut [GpuCellOut], rule: FixRule) {
        let cut = |o: &GpuCellOut| o.by_reference != 0 || self.gpu.over_loop_budget(o.loop_iterations);
        if !out.iter().any(cut) {
            return;
        }
        let sight = self.reference_sight_lines();
        out.par_iter_mut().zip(cells).filter(|(o, _)| cut(o)).for_each(|(o, cell)| {
            let e = GpuEvent { x: cell.x, y: cell.y, ..*source };
            let m = cell_metrics(&self.params, &sight, &e, CellSite::of(cell), &self.host_sensors, rule);
            *o = GpuCellOut::from_reference(&m, o.loop_iterations);
        });
    }

    /// Every cell by the f64 reference, with this kernel's sight lines (its viewsheds swept
    /// in f64 on first use): what the benchmark and the tests compare the device against.
    pub fn reference(&self, source: &GpuEvent, cells: &[GpuCell], rule: FixRule) -> Vec<CellMetrics> {
        let sight = self.reference_sight_lines();
        cells
            .par_iter()
            .map(|cell| {
                let e = GpuEvent { x: cell.x, y: cell.y, ..*source };
                cell_metrics(&self.params, &sight, &e, CellSite::of(cell), &self.host_sensors, rule)
            })
            .collect()
    }

    /// Switch sensors on or off (`enabled[i]` for the i-th sensor given to the constructor) for
    /// the evaluations that follow, on the device and in the reference's copy; the grid and the
    /// viewsheds stay.
    pub fn set_enabled(&mut self, enabled: &[bool]) -> Result<()> {
        if enabled.len() != self.host_sensors.len() {
            return Err(Error::Gpu(format!(
                "set_enabled: {} flags for {} sensors",
                enabled.len(),
                self.host_sensors.len()
            )));
        }
        for (s, &on) in self.host_sensors.iter_mut().zip(enabled) {
            s.enabled = u32::from(on);
        }
        let ordered: Vec<GpuSensor> = self.grid_positions.iter().map(|&i| self.host_sensors[i]).collect();
        if ordered.is_empty() {
            return Ok(());
        }
        let (heads, _) = split_sensors(&ordered);
        self.gpu.queue.write_buffer(&self.sensors, 0, bytemuck::cast_slice(&heads));
        Ok(())
    }

    /// Viewshed tables swept on the device.
    pub fn viewsheds(&self) -> usize {
        self.plan.views.len()
    }

    /// The sensors as the kernel has them, each with its viewshed slot (`GpuSensor::view`).
    pub fn sensors(&self) -> &[GpuSensor] {
        &self.host_sensors
    }

    /// The viewsheds planned (none: every sight line is marched).
    pub fn view_plan(&self) -> &ViewPlan {
        &self.plan
    }

    /// The viewshed tables as the device swept them, for the tests.
    pub fn device_tables(&self) -> Result<Vec<f32>> {
        self.views.read_tables(self.gpu, &self.plan)
    }

    /// How the f64 reference settles this kernel's sight lines: the same viewsheds, swept in
    /// f64, and the march for every sensor without one.
    pub fn reference_sight_lines(&self) -> CachedSightLines<'_> {
        let table = self.host_tables.get_or_init(|| self.plan.sweep(self.host_terrain));
        CachedSightLines { terrain: self.host_terrain, views: &self.plan.views, table }
    }
}
