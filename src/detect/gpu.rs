//! Runs `shaders/detect.wgsl` through wgpu: chunked dispatches within the adapter's limits,
//! an output buffer that grows (or a chunk that splits) when detections overflow it.

use crate::abi::SensorGrid;
use crate::abi::*;
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::gpu::buffers::{bind_group, nonempty, output_buffer, read_back, storage_init, storage_init_writable};
use crate::shaders;
use crate::terrain::Terrain;
use crate::terrain::gpu::DeviceTerrain;
use wgpu::util::DeviceExt;

/// Workgroup size of both entry points; a test checks it against the shader.
pub const WORKGROUP_SIZE: u32 = 64;
/// First capacity of the detections buffer (rows); it grows on demand.
const INITIAL_CAPACITY: u64 = 1 << 20;
/// Events per dispatch, at most: an output overflow then repeats only this much work.
const EVENTS_PER_DISPATCH: u64 = 4096;
/// The kernel's counters: detections found, pairs evaluated.
const COUNTER_BYTES: u64 = 8;

/// The compiled detection kernel.
pub struct DetectKernel {
    detect_events: wgpu::ComputePipeline,
    evaluate_pairs: wgpu::ComputePipeline,
}

/// The pipeline-overridable constant in detect.wgsl that sizes `detect_events`'s workgroup.
pub const EVENT_LANES_OVERRIDE: &str = "EVENT_LANES";

/// Lanes per event in `detect_events`. On llvmpipe a workgroup runs as SIMD groups of the
/// vector width (8 lanes at 256 bits), and lanes are masked off rather than branched around,
/// so each group steps through much of the kernel's code once per event whatever its lanes
/// have to do: a kernel that returned at its first line still took 23 µs per 64-lane event.
/// One SIMD group per event pays that once (full line, 24 h, 2 cores: 3.8 s with 64 lanes,
/// 2.5 s with 8). The width is in the adapter's name, "llvmpipe (LLVM 15.0.6, 256 bits)";
/// GPUs keep 64.
pub fn lanes_per_event(gpu: &Gpu) -> u32 {
    const GPU_LANES: u32 = 64;
    const F32_BITS: u32 = 32;
    if !gpu.cuts_long_loops() {
        return GPU_LANES;
    }
    let name = gpu.describe();
    let bits = name
        .split(['(', ',', ')'])
        .filter_map(|part| part.trim().strip_suffix(" bits"))
        .find_map(|n| n.trim().parse::<u32>().ok());
    // 128-bit SSE is llvmpipe's least width.
    bits.map_or(4, |b| (b / F32_BITS).clamp(4, GPU_LANES))
}

impl DetectKernel {
    pub fn new(gpu: &Gpu) -> Result<Self> {
        let lanes = f64::from(lanes_per_event(gpu));
        let mut pipelines = gpu
            .compute_pipelines_with(
                &shaders::detect_kernel(),
                &["detect_events", "evaluate_pairs"],
                &[(EVENT_LANES_OVERRIDE, lanes)],
            )?
            .into_iter();
        match (pipelines.next(), pipelines.next()) {
            (Some(detect_events), Some(evaluate_pairs)) => Ok(Self { detect_events, evaluate_pairs }),
            _ => Err(Error::Gpu("detect.wgsl: missing pipelines".into())),
        }
    }
}

/// Counts from one detection pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetectStats {
    /// (event, sensor) pairs within reach that the kernel evaluated.
    pub pairs: u64,
    pub dispatches: u64,
    /// Bytes copied to and from the device.
    pub bytes_moved: u64,
    /// Events whose invocations went over the adapter's loop budget, detected by the f64
    /// reference instead (see `gpu::loop_budget`).
    pub events_by_reference: u64,
}

/// What one dispatch reports besides the detections.
struct DispatchCounts {
    found: u64,
    pairs: u64,
    /// Per event of the dispatch: (the most loop iterations of its lanes, with
    /// `LOOP_CUT_BIT` set when llvmpipe cut any of its loops short; the pairs it evaluated).
    event_loops: Vec<[u32; 2]>,
}

/// Set in an event's loop count when llvmpipe cut any of its loops short (detect.wgsl).
const LOOP_CUT_BIT: u32 = 0x8000_0000;

/// The sensors on the device, ready to take events.
pub struct GpuDetector<'g> {
    gpu: &'g Gpu,
    /// The host's copies, for events the reference detects.
    grid: SensorGrid,
    host_terrain: &'g Terrain,
    kernel: DetectKernel,
    params: GpuParams,
    sensors: wgpu::Buffer,
    sights: wgpu::Buffer,
    cell_start: wgpu::Buffer,
    terrain: DeviceTerrain,
    counters: wgpu::Buffer,
    detections: wgpu::Buffer,
    capacity: u64,
    max_capacity: u64,
    max_events_per_dispatch: usize,
    pub stats: DetectStats,
}

impl<'g> GpuDetector<'g> {
    pub fn new(gpu: &'g Gpu, mut params: GpuParams, grid: &SensorGrid, terrain: &'g Terrain) -> Result<Self> {
        let limits = gpu.limits();
        let max_binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        let sensor_bytes = std::mem::size_of_val(grid.sensors.as_slice()) as u64;
        if sensor_bytes > max_binding {
            return Err(Error::Gpu(format!(
                "{} sensors need {sensor_bytes} bytes, over the adapter's {max_binding}-byte storage binding",
                grid.sensors.len()
            )));
        }
        if grid.layers != MODALITY_COUNT {
            return Err(Error::Gpu(format!(
                "the detection kernel walks one grid layer per modality; this grid has {}",
                grid.layers
            )));
        }
        grid.apply(&mut params);
        let kernel = DetectKernel::new(gpu)?;
        let record = std::mem::size_of::<GpuDetection>() as u64;
        let max_capacity = (max_binding / record).min(u64::from(u32::MAX));
        let capacity = INITIAL_CAPACITY.min(max_capacity);
        let event_size = std::mem::size_of::<GpuEvent>() as u64;
        let max_events_per_dispatch = (limits.max_compute_workgroups_per_dimension as u64)
            .min(max_binding / event_size)
            .clamp(1, EVENTS_PER_DISPATCH) as usize;
        let device = &gpu.device;
        let (heads, sights) = split_sensors(&nonempty(&grid.sensors));
        Ok(Self {
            sensors: storage_init_writable(device, "sensors", &heads),
            sights: storage_init(device, "sights", &sights),
            cell_start: storage_init(device, "cell_start", &grid.cell_start),
            terrain: DeviceTerrain::upload(gpu, terrain)?,
            counters: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("counters"),
                size: COUNTER_BYTES,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            detections: output_buffer(device, capacity * record),
            gpu,
            grid: grid.clone(),
            host_terrain: terrain,
            kernel,
            params,
            capacity,
            max_capacity,
            max_events_per_dispatch,
            stats: DetectStats { bytes_moved: sensor_bytes, ..Default::default() },
        })
    }

    /// Switch these sensors (by id) off from the next `detect` on, on the device and for the
    /// events the reference detects.
    pub fn disable(&mut self, ids: &[u32]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let off: std::collections::HashSet<u32> = ids.iter().copied().collect();
        for s in self.grid.sensors.iter_mut().filter(|s| off.contains(&s.id)) {
            s.enabled = 0;
        }
        let (heads, _) = split_sensors(&nonempty(&self.grid.sensors));
        self.gpu.queue.write_buffer(&self.sensors, 0, bytemuck::cast_slice(&heads));
        Ok(())
    }

    /// Every detection of `events`, in no particular order (the caller sorts).
    pub fn detect(&mut self, events: &[GpuEvent]) -> Result<Vec<GpuDetection>> {
        let mut out = Vec::new();
        for chunk in events.chunks(self.max_events_per_dispatch) {
            self.detect_chunk(chunk, &mut out)?;
        }
        Ok(out)
    }

    fn detect_chunk(&mut self, events: &[GpuEvent], out: &mut Vec<GpuDetection>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let DispatchCounts { found, pairs, event_loops } = self.dispatch(events)?;
        if found > self.capacity {
            if found <= self.max_capacity {
                self.capacity = found;
                let bytes = found * std::mem::size_of::<GpuDetection>() as u64;
                self.detections = output_buffer(&self.gpu.device, bytes);
            } else if events.len() > 1 {
                let (a, b) = events.split_at(events.len() / 2);
                self.detect_chunk(a, out)?;
                return self.detect_chunk(b, out);
            } else {
                return Err(Error::Gpu(format!(
                    "one event has {found} detections, more than one buffer of this adapter holds"
                )));
            }
            return self.detect_chunk(events, out);
        }
        let rows: Vec<GpuDetection> = read_back(self.gpu, &self.detections, found as usize)?;
        self.stats.bytes_moved += std::mem::size_of_val(rows.as_slice()) as u64;
        // Events whose loops were cut short (or went over a budget set by hand): their
        // detections may be incomplete, so the reference detects exactly those again.
        let cut: Vec<usize> = (0..events.len())
            .filter(|&i| {
                let iterations = event_loops[i][0];
                iterations & LOOP_CUT_BIT != 0 || self.gpu.over_loop_budget(iterations & !LOOP_CUT_BIT)
            })
            .collect();
        if cut.is_empty() {
            self.stats.pairs += pairs;
            out.extend(rows);
            return Ok(());
        }
        let cut_pairs: u64 = cut.iter().map(|&i| u64::from(event_loops[i][1])).sum();
        self.stats.pairs += pairs - cut_pairs.min(pairs);
        let cut_ids: std::collections::HashSet<u32> = cut.iter().map(|&i| events[i].id).collect();
        out.extend(rows.into_iter().filter(|d| !cut_ids.contains(&d.event_id)));
        let redo: Vec<GpuEvent> = cut.iter().map(|&i| events[i]).collect();
        self.detect_by_reference(&redo, out);
        Ok(())
    }

    /// The f64 reference's detections of `events`, in the kernel's form.
    fn detect_by_reference(&mut self, events: &[GpuEvent], out: &mut Vec<GpuDetection>) {
        let (found, pairs) = super::reference::detect_events(&self.params, self.host_terrain, events, &self.grid);
        self.stats.pairs += pairs;
        self.stats.events_by_reference += events.len() as u64;
        out.extend(found.iter().map(|d| GpuDetection {
            event_id: d.event_id,
            sensor_id: d.sensor_id,
            delay_s: d.outcome.delay_s as f32,
            snr_db: d.outcome.snr_db as f32,
            level_db: d.outcome.level_db as f32,
            bearing_rad: d.outcome.bearing_rad as f32,
            range_m: d.outcome.measured_range_m as f32,
            phase: d.outcome.phase,
        }));
    }

    /// One dispatch over `events`.
    fn dispatch(&mut self, events: &[GpuEvent]) -> Result<DispatchCounts> {
        let device = &self.gpu.device;
        let mut params = self.params;
        params.item_count = events.len() as u32;
        params.capacity = self.capacity as u32;
        let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::bytes_of(&params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let event_buffer = storage_init(device, "events", events);
        // Created zeroed, as every wgpu buffer is.
        let event_loops = output_buffer(device, (2 * events.len() * std::mem::size_of::<u32>()) as u64);
        self.gpu.queue.write_buffer(&self.counters, 0, &[0u8; COUNTER_BYTES as usize]);
        let bind = bind_group(
            device,
            &self.kernel.detect_events,
            &[
                &uniform,
                &event_buffer,
                &self.sensors,
                &self.cell_start,
                &self.detections,
                &self.counters,
                &self.terrain.frame,
                &self.terrain.heights,
                &self.sights,
                &event_loops,
            ],
            &[0, 1, 2, 3, 4, 5, 8, 9, 10, 11],
        );
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.kernel.detect_events);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(events.len() as u32, 1, 1);
        }
        self.gpu.queue.submit([encoder.finish()]);
        self.stats.dispatches += 1;
        self.stats.bytes_moved += std::mem::size_of_val(events) as u64 + COUNTER_BYTES;
        let counts: Vec<u32> = read_back(self.gpu, &self.counters, 2)?;
        let event_loops: Vec<[u32; 2]> = read_back(self.gpu, &event_loops, events.len())?;
        self.stats.bytes_moved += std::mem::size_of_val(event_loops.as_slice()) as u64;
        Ok(DispatchCounts { found: u64::from(counts[0]), pairs: u64::from(counts[1]), event_loops })
    }
}

/// Evaluate explicit (event index, sensor index) pairs on the GPU: the kernel side of the
/// GPU-against-CPU tests and of the pair benchmark.
pub fn evaluate_pairs(
    gpu: &Gpu,
    params: &GpuParams,
    terrain: &Terrain,
    events: &[GpuEvent],
    sensors: &[GpuSensor],
    pairs: &[[u32; 2]],
) -> Result<Vec<GpuPairOut>> {
    evaluate_pairs_with(&DetectKernel::new(gpu)?, gpu, params, terrain, events, sensors, pairs)
}

/// `evaluate_pairs` with a kernel compiled beforehand (the benchmark times the work alone).
pub fn evaluate_pairs_with(
    kernel: &DetectKernel,
    gpu: &Gpu,
    params: &GpuParams,
    terrain: &Terrain,
    events: &[GpuEvent],
    sensors: &[GpuSensor],
    pairs: &[[u32; 2]],
) -> Result<Vec<GpuPairOut>> {
    let device = &gpu.device;
    let limits = gpu.limits();
    let per_dispatch = (limits.max_compute_workgroups_per_dimension as usize * WORKGROUP_SIZE as usize)
        .min((limits.max_storage_buffer_binding_size / std::mem::size_of::<GpuPairOut>() as u64) as usize);
    let event_buffer = storage_init(device, "events", &nonempty(events));
    let (heads, sights) = split_sensors(&nonempty(sensors));
    let sensor_buffer = storage_init(device, "sensors", &heads);
    let sight_buffer = storage_init(device, "sights", &sights);
    let device_terrain = DeviceTerrain::upload(gpu, terrain)?;
    let mut out = Vec::with_capacity(pairs.len());
    for chunk in pairs.chunks(per_dispatch.max(1)) {
        let mut p = *params;
        p.item_count = chunk.len() as u32;
        let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::bytes_of(&p),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let pair_buffer = storage_init(device, "pairs", chunk);
        let results = output_buffer(device, (chunk.len() * std::mem::size_of::<GpuPairOut>()) as u64);
        let bind = bind_group(
            device,
            &kernel.evaluate_pairs,
            &[
                &uniform,
                &event_buffer,
                &sensor_buffer,
                &pair_buffer,
                &results,
                &device_terrain.frame,
                &device_terrain.heights,
                &sight_buffer,
            ],
            &[0, 1, 2, 6, 7, 8, 9, 10],
        );
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&kernel.evaluate_pairs);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups((chunk.len() as u32).div_ceil(WORKGROUP_SIZE), 1, 1);
        }
        gpu.queue.submit([encoder.finish()]);
        out.extend(read_back::<GpuPairOut>(gpu, &results, chunk.len())?);
    }
    Ok(out)
}
