//! Coverage results painted into a texture on the device (`shaders/paint.wgsl`): what the
//! viewer shows, with no read-back. `colour` is the kernel's f64 reference.

use super::gpu::{DeviceCells, GpuCellOut};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::gpu::buffers::storage_init;
use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

/// Workgroup size of `paint_cells`; a test checks it against the shader.
pub const WORKGROUP_SIZE: u32 = 64;
/// The texture format: one view serves as storage and for sampling, so the colours are written
/// sRGB-encoded into a linear format (an sRGB view cannot be a storage binding).
pub const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

/// The five coverage metrics (docs/design.md §5), in the kernel's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    PDetect,
    PK,
    SigmaN,
    PAttrib,
    Verifiable,
}

impl Metric {
    pub const ALL: [Metric; 5] = [Self::PDetect, Self::PK, Self::SigmaN, Self::PAttrib, Self::Verifiable];

    /// The dataset name under /coverage/<class>.
    pub fn name(self) -> &'static str {
        match self {
            Self::PDetect => "p_detect",
            Self::PK => "p_k",
            Self::SigmaN => "sigma_n_m",
            Self::PAttrib => "p_attrib",
            Self::Verifiable => "verifiable",
        }
    }

    pub fn value(self, o: &GpuCellOut) -> f32 {
        match self {
            Self::PDetect => o.p_detect,
            Self::PK => o.p_k,
            Self::SigmaN => o.sigma_n_m,
            Self::PAttrib => o.p_attrib,
            Self::Verifiable => o.verifiable,
        }
    }

    /// The colour scale: (value at the dark end, value at the bright end, log10 scale). The
    /// cross-line σ runs from 10 km (useless: the corridor is ±30 km) to 10 m (a mortar
    /// position), bright where small.
    pub fn scale(self) -> (f32, f32, bool) {
        match self {
            Self::SigmaN => (4.0, 1.0, true),
            _ => (0.0, 1.0, false),
        }
    }

    /// A result with this metric at `value` and the others zero: what the colour map of one
    /// metric needs.
    pub fn cell_with(self, value: f32) -> GpuCellOut {
        let mut o = GpuCellOut::default();
        *match self {
            Self::PDetect => &mut o.p_detect,
            Self::PK => &mut o.p_k,
            Self::SigmaN => &mut o.sigma_n_m,
            Self::PAttrib => &mut o.p_attrib,
            Self::Verifiable => &mut o.verifiable,
        } = value;
        o
    }

    /// Where `value` falls on the colour map, in [0, 1].
    pub fn position(self, value: f64) -> f64 {
        let (low, high, log) = self.scale();
        let x = if log { value.log10() } else { value };
        let t = (x - f64::from(low)) / f64::from(high - low);
        if t >= 0.0 { t.min(1.0) } else { 0.0 }
    }

    /// Inverse of `position`: the value painted at t.
    pub fn value_at(self, t: f64) -> f64 {
        let (low, high, log) = self.scale();
        let x = f64::from(low) + t * f64::from(high - low);
        if log { 10f64.powf(x) } else { x }
    }
}

/// Polynomial fit to matplotlib's viridis by Matt Zucker (shadertoy.com/view/WlfXRN, CC0),
/// as in the kernel: sRGB-encoded, in [0, 1].
pub fn viridis(t: f64) -> [f64; 3] {
    const C: [[f64; 3]; 7] = [
        [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
        [0.1050930431085774, 1.404613529898575, 1.384590162594685],
        [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
        [-4.634230498983486, -5.799100973351585, -19.33244095627987],
        [6.228269936347081, 14.17993336680509, 56.69055260068105],
        [4.776384997670288, -13.74514537774601, -65.35303263337234],
        [-5.435455855934631, 4.645852612178535, 26.3124352495832],
    ];
    std::array::from_fn(|c| C.iter().rev().fold(0.0, |acc, k| acc * t + k[c]).clamp(0.0, 1.0))
}

/// The texel the kernel writes for a cell at texture position (x, y): the reference.
pub fn colour(metric: Metric, o: &GpuCellOut, x: u32, y: u32) -> [u8; 4] {
    let byte = |v: f64| (v * 255.0).round() as u8;
    if o.by_reference != 0 {
        let light = byte(if (x + y).is_multiple_of(2) { 0.65 } else { 0.35 });
        return [light, light, light, 255];
    }
    let [r, g, b] = viridis(metric.position(f64::from(metric.value(o))));
    [byte(r), byte(g), byte(b), 255]
}

/// The kernel's uniform.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct PaintSettings {
    metric: u32,
    count: u32,
    width: u32,
    log_scale: u32,
    low: f32,
    high: f32,
    pad: [u32; 2],
}

/// The compiled paint kernel.
pub struct Painter {
    pipeline: wgpu::ComputePipeline,
}

/// A painted texture and the view the renderer samples.
pub struct Painted {
    pub texture: wgpu::Texture,
    pub view: wgpu::TextureView,
    pub width: u32,
    pub height: u32,
}

impl Painter {
    pub fn new(gpu: &Gpu) -> Result<Self> {
        let pipeline = gpu
            .compute_pipelines(&crate::shaders::paint_kernel(), &["paint_cells"])?
            .pop()
            .ok_or_else(|| Error::Gpu("paint.wgsl: no pipeline".into()))?;
        Ok(Self { pipeline })
    }

    /// A `width`×`height` texture, transparent except at `texels[i]` (row-major index, row 0 at
    /// the top), painted from the i-th result of `cells`. Submitted, not waited for.
    pub fn paint(
        &self,
        gpu: &Gpu,
        metric: Metric,
        cells: &DeviceCells,
        texels: &[u32],
        width: u32,
        height: u32,
    ) -> Result<Painted> {
        let painted = Self::texture(gpu, width, height)?;
        self.paint_into(gpu, &painted, metric, cells, texels)?;
        Ok(painted)
    }

    /// A transparent `width`×`height` texture to paint into.
    pub fn texture(gpu: &Gpu, width: u32, height: u32) -> Result<Painted> {
        let max_side = gpu.limits().max_texture_dimension_2d;
        if width == 0 || height == 0 || width > max_side || height > max_side {
            return Err(Error::Gpu(format!("a {width}×{height} texture is outside this adapter's 1–{max_side}")));
        }
        let texture = gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("coverage layer"),
            size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::STORAGE_BINDING
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = texture.create_view(&Default::default());
        Ok(Painted { texture, view, width, height })
    }

    /// Paint the i-th result of `cells` at `texels[i]` of `painted` (the viewer paints a layer
    /// chunk by chunk). Submitted, not waited for.
    pub fn paint_into(
        &self,
        gpu: &Gpu,
        painted: &Painted,
        metric: Metric,
        cells: &DeviceCells,
        texels: &[u32],
    ) -> Result<()> {
        let device = &gpu.device;
        let (width, height) = (painted.width, painted.height);
        if texels.len() != cells.count || texels.iter().any(|&t| u64::from(t) >= u64::from(width) * u64::from(height)) {
            return Err(Error::Gpu("paint: texel indices do not match the cells".into()));
        }
        if cells.count == 0 {
            return Ok(());
        }
        let (low, high, log) = metric.scale();
        let settings = PaintSettings {
            metric: metric as u32,
            count: cells.count as u32,
            width,
            log_scale: u32::from(log),
            low,
            high,
            pad: [0; 2],
        };
        let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("paint"),
            contents: bytemuck::bytes_of(&settings),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let texel_buffer = storage_init(device, "texels", texels);
        let bind = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("paint"),
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: cells.results.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: texel_buffer.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: wgpu::BindingResource::TextureView(&painted.view) },
            ],
        });
        let groups = (cells.count as u32).div_ceil(WORKGROUP_SIZE);
        if groups > gpu.limits().max_compute_workgroups_per_dimension {
            return Err(Error::Gpu(format!("paint: {} cells exceed one dispatch", cells.count)));
        }
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(groups, 1, 1);
        }
        gpu.queue.submit([encoder.finish()]);
        Ok(())
    }
}

impl Painted {
    /// The texture's RGBA bytes, row-major from the top: for the tests and screenshots only.
    pub fn read(&self, gpu: &Gpu) -> Result<Vec<u8>> {
        let row = self.width * 4;
        let padded = row.next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("texture read-back"),
            size: u64::from(padded) * u64::from(self.height),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        encoder.copy_texture_to_buffer(
            self.texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &staging,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(padded),
                    rows_per_image: Some(self.height),
                },
            },
            self.texture.size(),
        );
        gpu.queue.submit([encoder.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        gpu.finish()?;
        rx.recv()
            .map_err(|e| Error::Gpu(format!("map callback lost: {e}")))?
            .map_err(|e| Error::Gpu(format!("mapping the texture: {e}")))?;
        let mapped = staging.get_mapped_range(..).map_err(|e| Error::Gpu(format!("mapping the texture: {e}")))?;
        let mut bytes = Vec::with_capacity((row * self.height) as usize);
        for r in 0..self.height as usize {
            bytes.extend_from_slice(&mapped[r * padded as usize..][..row as usize]);
        }
        Ok(bytes)
    }
}
