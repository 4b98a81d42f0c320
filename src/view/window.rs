//! Opening the window: the source to show, the shared device, eframe.

pub use super::app::{Source, ViewerApp};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::scenario::LoadedScenario;
use eframe::egui_wgpu::{WgpuConfiguration, WgpuSetup, WgpuSetupExisting};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// First bytes of every HDF5 file (HDF5 File Format Specification, §II.A "Format Signature").
const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

/// What `path` holds: a result file to replay (by extension or signature) or a scenario. A
/// scenario that does not parse is an input error (exit 2) before any window opens; a result
/// file that cannot be read is reported in the window.
pub fn source_of(path: Option<&Path>) -> Result<Source> {
    let Some(path) = path else { return Ok(Source::Scenario(Box::new(LoadedScenario::load(None)?))) };
    if !path.is_file() {
        return Err(Error::file(path.display().to_string(), "file", "no such file".to_string()));
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let signature = std::fs::File::open(path).ok().and_then(|mut f| {
        let mut head = [0u8; 8];
        std::io::Read::read_exact(&mut f, &mut head).ok().map(|()| head)
    });
    if matches!(extension.as_str(), "h5" | "hdf5" | "he5" | "nc") || signature.as_ref() == Some(HDF5_SIGNATURE) {
        return Ok(Source::Replay(path.to_path_buf()));
    }
    Ok(Source::Scenario(Box::new(LoadedScenario::load(Some(path))?)))
}

/// The wgpu setup that hands the simulation's device to egui (one device for both).
pub fn shared_setup(gpu: &Gpu) -> WgpuSetup {
    WgpuSetup::Existing(WgpuSetupExisting {
        instance: gpu.instance.clone(),
        adapter: gpu.adapter.clone(),
        device: gpu.device.clone(),
        queue: gpu.queue.clone(),
    })
}

/// A wgpu error no scope caught is reported, not a panic of the UI thread (egui-wgpu's
/// default); the compute thread's kernels check their own scopes.
fn report_uncaptured_errors(gpu: &Gpu) {
    gpu.device.on_uncaptured_error(Arc::new(|e: wgpu::Error| eprintln!("linewatch view: GPU error: {e}")));
}

/// Open the window; returns when it is closed. With `screenshot`, the window captures itself
/// once everything is computed, writes the PNG there and closes.
pub fn open(path: Option<&Path>, screenshot: Option<PathBuf>, bench_pan: Option<usize>) -> Result<()> {
    let source = source_of(path)?;
    let gpu = Gpu::new()?;
    report_uncaptured_errors(&gpu);
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default().with_inner_size([1500.0, 950.0]).with_title("linewatch"),
        renderer: eframe::Renderer::Wgpu,
        wgpu_options: WgpuConfiguration { wgpu_setup: shared_setup(&gpu), ..Default::default() },
        ..Default::default()
    };
    let outcome: Arc<std::sync::Mutex<Option<std::result::Result<(), String>>>> = Arc::default();
    let seen = outcome.clone();
    eframe::run_native(
        "linewatch",
        options,
        Box::new(move |cc| {
            let mut app = ViewerApp::new(cc, gpu, source);
            app.screenshot = screenshot;
            app.bench_pan = bench_pan.map(super::app::PanBench::new);
            app.screenshot_result = seen;
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| Error::Window(format!("cannot open the window: {e}")))?;
    let result = outcome.lock().map(|mut o| o.take()).unwrap_or(None);
    match result {
        Some(Err(e)) => Err(Error::Window(format!("screenshot: {e}"))),
        _ => Ok(()),
    }
}
