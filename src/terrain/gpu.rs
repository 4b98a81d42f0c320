//! Runs `shaders/los.wgsl`: the clearance of many rays over a DEM on the GPU, in chunks within
//! the adapter's dispatch limits.

use super::viewshed::ViewPlan;
use super::{Dem, Terrain};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::gpu::buffers::{bind_group, nonempty, output_buffer, read_back, storage_init};
use crate::shaders;
use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

/// Workgroup size of `los_rays`; the shader validation test checks it.
pub const WORKGROUP_SIZE: u32 = 64;

/// The DEM's frame as the kernel reads it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuTerrain {
    pub x0: f32,
    pub y0: f32,
    pub spacing_m: f32,
    pub nx: u32,
    pub ny: u32,
    pub effective_radius_m: f32,
    pub step_m: f32,
    /// Where the surface heights (ground plus land cover) start in the heights buffer, after
    /// the ground's; 0: bare ground.
    pub surface_offset: u32,
}

/// A ray between two points, each (x, y, height above ground, unused).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuRay {
    pub a: [f32; 4],
    pub b: [f32; 4],
}

/// A DEM on the device: its frame (uniform) and heights (storage), as every kernel that
/// marches sight lines binds them.
pub struct DeviceTerrain {
    pub frame: wgpu::Buffer,
    pub heights: wgpu::Buffer,
}

impl DeviceTerrain {
    /// Upload the terrain. Positions go to f32 relative to the plane's origin: keep the plane's
    /// origin near the data (the default projection is centred on the line).
    pub fn upload(gpu: &Gpu, terrain: &Terrain) -> Result<Self> {
        let dem = &terrain.dem;
        let limits = gpu.limits();
        // The ground, then the top of the land cover on it (the frame says where it starts):
        // bilinear sampling is linear, so one lookup of the sum is the two lookups the f64
        // reference adds (Dem::surface_at), with half the memory traffic of a sight-line march.
        let surface = dem.heights.iter().zip(&dem.clutter).map(|(ground, cover)| ground + cover);
        let samples: Vec<f32> = dem.heights.iter().copied().chain(surface).collect();
        let bytes = std::mem::size_of_val(samples.as_slice()) as u64;
        if bytes > limits.max_storage_buffer_binding_size.min(limits.max_buffer_size) {
            return Err(Error::Gpu(format!(
                "the DEM ({} × {} samples, {bytes} bytes) exceeds what {} can bind; coarsen terrain.spacing_m",
                dem.nx,
                dem.ny,
                gpu.describe()
            )));
        }
        let frame = gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("terrain"),
            contents: bytemuck::bytes_of(&terrain.frame()),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        Ok(Self { frame, heights: storage_init(&gpu.device, "heights", &samples) })
    }
}

/// A DEM on the device, ready to trace rays over.
pub struct LosKernel<'g> {
    gpu: &'g Gpu,
    pipeline: wgpu::ComputePipeline,
    terrain: DeviceTerrain,
}

impl<'g> LosKernel<'g> {
    pub fn new(gpu: &'g Gpu, dem: &Dem, step_m: f64, k_factor: f64) -> Result<Self> {
        let terrain = Terrain { dem: dem.clone(), step_m, k_factor, source: String::new() };
        let pipeline = gpu
            .compute_pipelines(&shaders::los_kernel(), &["los_rays"])?
            .pop()
            .ok_or_else(|| Error::Gpu("los.wgsl: no pipeline".into()))?;
        Ok(Self { terrain: DeviceTerrain::upload(gpu, &terrain)?, gpu, pipeline })
    }

    /// The least clearance of each ray over the terrain, m (negative: blocked).
    pub fn clearance(&self, rays: &[GpuRay]) -> Result<Vec<f32>> {
        let device = &self.gpu.device;
        let per_dispatch = (self.gpu.limits().max_compute_workgroups_per_dimension * WORKGROUP_SIZE) as usize;
        let mut out = Vec::with_capacity(rays.len());
        for chunk in rays.chunks(per_dispatch.max(1)) {
            let ray_buffer = storage_init(device, "rays", chunk);
            let results = output_buffer(device, (chunk.len() * 4) as u64);
            let bind = bind_group(
                device,
                &self.pipeline,
                &[&self.terrain.frame, &self.terrain.heights, &ray_buffer, &results],
                &[0, 1, 2, 3],
            );
            let mut encoder = device.create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, &bind, &[]);
                pass.dispatch_workgroups((chunk.len() as u32).div_ceil(WORKGROUP_SIZE), 1, 1);
            }
            self.gpu.queue.submit([encoder.finish()]);
            out.extend(read_back::<f32>(self.gpu, &results, chunk.len())?);
        }
        Ok(out)
    }
}

/// Workgroup size of `sweep_views`; the shader validation test checks it.
pub const SWEEP_WORKGROUP_SIZE: u32 = 64;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
struct SweepRange {
    first_view: u32,
    view_count: u32,
    pad: [u32; 2],
}

/// The viewsheds of a plan on the device, swept there (`shaders/viewshed_sweep.wgsl`): the
/// tables stay on the device for the coverage kernel.
pub struct DeviceViews {
    pub views: wgpu::Buffer,
    pub horizons: wgpu::Buffer,
}

impl DeviceViews {
    pub fn sweep(gpu: &Gpu, terrain: &Terrain, device_terrain: &DeviceTerrain, plan: &ViewPlan) -> Result<Self> {
        let device = &gpu.device;
        let limits = gpu.limits();
        let bytes = (plan.entries * 4) as u64;
        if bytes > limits.max_storage_buffer_binding_size.min(limits.max_buffer_size) {
            return Err(Error::Gpu(format!(
                "the viewsheds ({bytes} bytes) exceed what {} can bind; set coverage.sight_lines = \"march\"",
                gpu.describe()
            )));
        }
        let views = storage_init(device, "views", &nonempty(&plan.views));
        let horizons = output_buffer(device, bytes);
        if plan.views.is_empty() || terrain.is_none() {
            return Ok(Self { views, horizons });
        }
        let pipeline = gpu
            .compute_pipelines(&shaders::viewshed_sweep_kernel(), &["sweep_views"])?
            .pop()
            .ok_or_else(|| Error::Gpu("viewshed_sweep.wgsl: no pipeline".into()))?;
        let most_rays = plan.views.iter().map(|v| v.azimuth_count).max().unwrap_or(1);
        let max_groups = limits.max_compute_workgroups_per_dimension.max(1) as usize;
        let mut encoder = device.create_command_encoder(&Default::default());
        let mut ranges = Vec::new();
        for first in (0..plan.views.len()).step_by(max_groups) {
            let count = (plan.views.len() - first).min(max_groups);
            let range = SweepRange { first_view: first as u32, view_count: count as u32, pad: [0; 2] };
            ranges.push((
                device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("sweep"),
                    contents: bytemuck::bytes_of(&range),
                    usage: wgpu::BufferUsages::UNIFORM,
                }),
                count as u32,
            ));
        }
        for (range, count) in &ranges {
            let bind = bind_group(
                device,
                &pipeline,
                &[&device_terrain.frame, &device_terrain.heights, &views, &horizons, range],
                &[0, 1, 2, 3, 4],
            );
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(most_rays.div_ceil(SWEEP_WORKGROUP_SIZE), *count, 1);
        }
        gpu.queue.submit([encoder.finish()]);
        Ok(Self { views, horizons })
    }

    /// The tables as swept, for the tests.
    pub fn read_tables(&self, gpu: &Gpu, plan: &ViewPlan) -> Result<Vec<f32>> {
        read_back::<f32>(gpu, &self.horizons, plan.entries)
    }
}
