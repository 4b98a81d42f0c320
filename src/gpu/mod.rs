//! The wgpu device: picked from the environment (WGPU_BACKEND, WGPU_ADAPTER_NAME), lavapipe on
//! machines without a GPU, with the adapter's own limits.

pub mod buffers;
pub mod loop_budget;

use crate::error::{Error, Result};

/// A device and queue with the adapter they came from.
pub struct Gpu {
    pub instance: wgpu::Instance,
    pub adapter: wgpu::Adapter,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    /// Loop iterations past which an invocation is recomputed (see `loop_budget`); `None`.
    loop_budget: Option<u32>,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// One line per adapter wgpu can see on the environment's backends.
pub fn list_adapters() -> Vec<wgpu::AdapterInfo> {
    let instance = instance();
    pollster::block_on(instance.enumerate_adapters(backends())).into_iter().map(|a| a.get_info()).collect()
}

fn backends() -> wgpu::Backends {
    wgpu::Backends::from_env().unwrap_or(wgpu::Backends::PRIMARY | wgpu::Backends::GL)
}

fn instance() -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: backends(),
        ..wgpu::InstanceDescriptor::new_without_display_handle_from_env()
    })
}

impl Gpu {
    /// The adapter named by WGPU_ADAPTER_NAME if set, else the high-performance default.
    pub fn new() -> Result<Self> {
        let instance = instance();
        let adapter = pollster::block_on(wgpu::util::initialize_adapter_from_env_or_default(&instance, None))
            .map_err(|e| Error::Gpu(format!("no usable adapter ({e}); install mesa-vulkan-drivers for lavapipe")))?;
        let info = adapter.get_info();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("linewatch"),
            required_limits: adapter.limits(),
            ..Default::default()
        }))
        .map_err(|e| Error::Gpu(format!("cannot open {}: {e}", info.name)))?;
        Ok(Self { instance, adapter, device, queue, info, loop_budget: None })
    }

    /// The same device and queue, for another thread (the viewer computes off its UI thread).
    pub fn share(&self) -> Self {
        Self {
            instance: self.instance.clone(),
            adapter: self.adapter.clone(),
            device: self.device.clone(),
            queue: self.queue.clone(),
            info: self.info.clone(),
            loop_budget: self.loop_budget,
        }
    }

    /// "name (backend, device type)".
    pub fn describe(&self) -> String {
        format!("{} ({:?}, {:?})", self.info.name, self.info.backend, self.info.device_type)
    }

    /// Wait until everything submitted so far has run (for timing what is not read back).
    pub fn finish(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| Error::Gpu(format!("waiting for the device: {e}")))
    }

    pub fn limits(&self) -> wgpu::Limits {
        self.device.limits()
    }

    /// Compile a composed WGSL kernel and one compute pipeline per entry point; a shader the
    /// device rejects is a GPU error naming the kernel, the adapter and, where naga finds the
    /// fault, the original file and line.
    pub fn compute_pipelines(
        &self,
        kernel: &crate::shaders::Composed,
        entries: &[&str],
    ) -> Result<Vec<wgpu::ComputePipeline>> {
        self.compute_pipelines_with(kernel, entries, &[])
    }

    /// `compute_pipelines` with values for the kernel's `override` constants.
    pub fn compute_pipelines_with(
        &self,
        kernel: &crate::shaders::Composed,
        entries: &[&str],
        constants: &[(&str, f64)],
    ) -> Result<Vec<wgpu::ComputePipeline>> {
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = self.device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(kernel.name),
            source: wgpu::ShaderSource::Wgsl(kernel.source.as_str().into()),
        });
        let pipelines = entries
            .iter()
            .map(|&entry| {
                self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(entry),
                    layout: None,
                    module: &module,
                    entry_point: Some(entry),
                    compilation_options: wgpu::PipelineCompilationOptions { constants, ..Default::default() },
                    cache: None,
                })
            })
            .collect();
        if let Some(e) = pollster::block_on(scope.pop()) {
            let at = kernel.diagnose().map(|d| format!(" ({d})")).unwrap_or_default();
            return Err(Error::Gpu(format!(
                "the {} kernel does not compile on {}: {e}{at}",
                kernel.name,
                self.describe()
            )));
        }
        Ok(pipelines)
    }
}
