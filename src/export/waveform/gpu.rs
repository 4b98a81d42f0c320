//! `shaders/waveform.wgsl` on the run's device: windows in batches that fit one dispatch and
//! one storage binding.

use super::{WaveParams, WavePulse, WaveWindow};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::gpu::buffers::{bind_group, nonempty, output_buffer, read_back, storage_init};
use crate::shaders;
use wgpu::util::DeviceExt;

/// Workgroup size of `synthesise`; the shader validation test checks it.
pub const WORKGROUP_SIZE: u32 = 64;

pub struct WaveformKernel<'g> {
    gpu: &'g Gpu,
    pipeline: wgpu::ComputePipeline,
}

impl<'g> WaveformKernel<'g> {
    pub fn new(gpu: &'g Gpu) -> Result<Self> {
        let pipeline = gpu
            .compute_pipelines(&shaders::waveform_kernel(), &["synthesise"])?
            .pop()
            .ok_or_else(|| Error::Gpu("waveform.wgsl: no pipeline".into()))?;
        Ok(Self { gpu, pipeline })
    }

    /// How many windows of `samples` each one call may take: one dispatch's threads and one
    /// binding's bytes.
    pub fn windows_per_call(&self, samples: u32) -> usize {
        let limits = self.gpu.limits();
        let threads = u64::from(limits.max_compute_workgroups_per_dimension) * u64::from(WORKGROUP_SIZE);
        let bytes = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        let per_window = u64::from(samples.max(1));
        (threads.min(bytes / 4) / per_window).max(1) as usize
    }

    /// The samples of `windows` (at most `windows_per_call`), window after window.
    pub fn synthesise(&self, params: &WaveParams, windows: &[WaveWindow], pulses: &[WavePulse]) -> Result<Vec<f32>> {
        let device = &self.gpu.device;
        let count = windows.len() * params.samples_per_window as usize;
        if count == 0 {
            return Ok(Vec::new());
        }
        let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("waveform params"),
            contents: bytemuck::bytes_of(params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let window_buffer = storage_init(device, "windows", windows);
        let pulse_buffer = storage_init(device, "pulses", &nonempty(pulses));
        let out = output_buffer(device, (count * 4) as u64);
        let bind = bind_group(device, &self.pipeline, &[&uniform, &window_buffer, &pulse_buffer, &out], &[0, 1, 2, 3]);
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups((count as u32).div_ceil(WORKGROUP_SIZE), 1, 1);
        }
        self.gpu.queue.submit([encoder.finish()]);
        read_back(self.gpu, &out, count)
    }
}
