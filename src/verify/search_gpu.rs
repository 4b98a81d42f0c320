//! Runs `shaders/associate.wgsl`: one level of the blind association's grid search for many
//! jobs in one dispatch. Points whose partner loop llvmpipe cut short (or that go over a loop
//! budget set by hand) come back negative and are scored again by the f64 reference
//! (`gpu::loop_budget`).

use super::search::{LevelScorer, SearchArrival, SearchJob, score_point};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::gpu::buffers::{bind_group, output_buffer, read_back, storage_init};
use crate::shaders;
use bytemuck::{Pod, Zeroable};
use std::cell::Cell;
use wgpu::util::DeviceExt;

/// Workgroup size of `score_points`; a test checks it against the shader.
pub const WORKGROUP_SIZE: u32 = 64;

/// The uniform: how many jobs, and points per job (every job of a level has as many).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SearchLevel {
    pub jobs: u32,
    pub points_per_job: u32,
    /// Partners past which a point is left to the reference (`Gpu::loop_budget`; u32::MAX: none).
    pub loop_budget: u32,
    pub pad: u32,
}

/// The compiled search kernel on a device, with counts of what it did.
pub struct GpuScorer<'g> {
    gpu: &'g Gpu,
    pipeline: wgpu::ComputePipeline,
    /// Points scored on the device, (point, partner arrival) pairs evaluated, points the
    /// reference scored again, dispatches, and the wall time from upload to read-back, s.
    pub points: Cell<u64>,
    pub pairs: Cell<u64>,
    pub recomputed: Cell<u64>,
    pub dispatches: Cell<u64>,
    pub seconds: Cell<f64>,
}

impl<'g> GpuScorer<'g> {
    pub fn new(gpu: &'g Gpu) -> Result<Self> {
        let pipeline = gpu
            .compute_pipelines(&shaders::associate_kernel(), &["score_points"])?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Gpu("associate.wgsl: missing pipeline".into()))?;
        Ok(Self {
            gpu,
            pipeline,
            points: Cell::new(0),
            pairs: Cell::new(0),
            recomputed: Cell::new(0),
            dispatches: Cell::new(0),
            seconds: Cell::new(0.0),
        })
    }
}

impl LevelScorer for GpuScorer<'_> {
    fn score(&self, arrivals: &[SearchArrival], jobs: &[SearchJob]) -> Result<Vec<f64>> {
        let Some(first) = jobs.first() else { return Ok(Vec::new()) };
        let points_per_job = first.point_count();
        if jobs.iter().any(|j| j.point_count() != points_per_job) || arrivals.is_empty() {
            return Err(Error::Gpu("associate: every job of a level must have its points and arrivals".into()));
        }
        let total = jobs.len() * points_per_job;
        let limits = self.gpu.limits();
        let groups = (total as u64).div_ceil(u64::from(WORKGROUP_SIZE));
        let max_x = u64::from(limits.max_compute_workgroups_per_dimension);
        let (gx, gy) = (groups.min(max_x), groups.div_ceil(max_x));
        let bytes = (total * 4) as u64;
        if gy > max_x || bytes > limits.max_storage_buffer_binding_size {
            return Err(Error::Gpu(format!(
                "associate: {total} points exceed one dispatch on {}",
                self.gpu.describe()
            )));
        }
        let started = std::time::Instant::now();
        let device = &self.gpu.device;
        let level = SearchLevel {
            jobs: jobs.len() as u32,
            points_per_job: points_per_job as u32,
            loop_budget: self.gpu.loop_budget().unwrap_or(u32::MAX),
            pad: 0,
        };
        let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("search level"),
            contents: bytemuck::bytes_of(&level),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let arrival_buffer = storage_init(device, "search arrivals", arrivals);
        let job_buffer = storage_init(device, "search jobs", jobs);
        let scores = output_buffer(device, bytes);
        let bind =
            bind_group(device, &self.pipeline, &[&uniform, &arrival_buffer, &job_buffer, &scores], &[0, 1, 2, 3]);
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(gx as u32, gy as u32, 1);
        }
        self.gpu.queue.submit([encoder.finish()]);
        let raw: Vec<f32> = read_back(self.gpu, &scores, total)?;
        self.seconds.set(self.seconds.get() + started.elapsed().as_secs_f64());
        self.dispatches.set(self.dispatches.get() + 1);
        self.points.set(self.points.get() + total as u64);
        let partners: u64 = jobs.iter().map(|j| u64::from(j.count.saturating_sub(1))).sum();
        self.pairs.set(self.pairs.get() + partners * points_per_job as u64);
        let mut out = Vec::with_capacity(total);
        for (index, &score) in raw.iter().enumerate() {
            if score < 0.0 || !score.is_finite() {
                // Cut short (llvmpipe's loop limit) or not a number: the reference scores it.
                let job = &jobs[index / points_per_job];
                let mine = &arrivals[job.first as usize..(job.first + job.count) as usize];
                out.push(score_point(mine, job.point(index % points_per_job), f64::from(job.step_m)));
                self.recomputed.set(self.recomputed.get() + 1);
            } else {
                out.push(f64::from(score));
            }
        }
        Ok(out)
    }
}
