//! `linewatch bench viewer`: what an edit in the viewer costs on a 100 km sector of the line.
//! A row's spacing is changed, the scene redeployed, the kernel rebuilt and the sector's
//! coverage computed and painted into a texture on the device (nothing read back), as the
//! viewer's compute thread does; then the same cells by the f64 reference and the CPU colour
//! map, for the ratio. Frame time while panning needs the window: `linewatch view
//! --bench-pan` (BENCHMARKS.md).

use crate::coverage::FixRule;
use crate::coverage::paint::{Metric, Painter, colour};
use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::scenario::LoadedScenario;
use crate::view::edit::{self, Field};
use crate::view::engine::{self, Chunking, Request, Window};
use crate::view::scene::Scene;
use std::fmt;
use std::time::Instant;

/// Length of the sector along the line, km (the "100 km sector").
const SECTOR_KM: f64 = 100.0;

#[derive(Debug, Clone)]
pub struct ViewerBench {
    pub scenario: String,
    pub adapter: String,
    pub class: String,
    pub edit: String,
    pub sensors: usize,
    /// Per texture size: (width, height, cells in the corridor, pairs, seconds of each step).
    pub sizes: Vec<SectorTiming>,
    pub scene_seconds: f64,
    pub kernel_seconds: f64,
    pub summary_cells: usize,
    pub summary_seconds: f64,
}

#[derive(Debug, Clone)]
pub struct SectorTiming {
    pub width: u32,
    pub height: u32,
    pub cells: usize,
    pub pairs: u64,
    pub locate_seconds: f64,
    pub gpu_seconds: f64,
    /// As the viewer draws it: the coarse pass then the full one, each in ~30 ms submissions
    /// (locating the cells included).
    pub viewer_coarse_seconds: f64,
    pub viewer_seconds: f64,
    pub cpu_seconds: f64,
    /// Texels whose device colour differs from the reference's by more than one level.
    pub texels_differing: usize,
}

impl fmt::Display for ViewerBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "viewer benchmark — scenario '{}', class {}", self.scenario, self.class)?;
        writeln!(f, "  adapter          {}", self.adapter)?;
        writeln!(f, "  edit             {} ({} sensors after it)", self.edit, self.sensors)?;
        writeln!(f, "  scene reload     {:.3} s (deploy, losses, terrain, sources)", self.scene_seconds)?;
        writeln!(f, "  kernel rebuild   {:.3} s (grid, upload, viewsheds, pipeline)", self.kernel_seconds)?;
        writeln!(
            f,
            "  summary          {} cells in {:.3} s (read back: the profile and the covered fraction)",
            self.summary_cells, self.summary_seconds
        )?;
        writeln!(
            f,
            "  {SECTOR_KM:.0} km sector   texture      cells       pairs   locate s    GPU s   f64 CPU s   ratio   texels off   viewer: coarse s  full s"
        )?;
        for s in &self.sizes {
            writeln!(
                f,
                "                 {:>4}×{:<4} {:>9} {:>11} {:>9.3} {:>8.3} {:>10.3} {:>7.1} {:>10} {:>17.3} {:>7.3}",
                s.width,
                s.height,
                s.cells,
                s.pairs,
                s.locate_seconds,
                s.gpu_seconds,
                s.cpu_seconds,
                s.cpu_seconds / s.gpu_seconds.max(1e-12),
                s.texels_differing,
                s.viewer_coarse_seconds,
                s.viewer_seconds
            )?;
        }
        let first = self.sizes.first();
        if let Some(s) = first {
            writeln!(
                f,
                "  edit → redrawn   {:.2} s at {}×{} as the viewer does it (scene + kernel + coarse pass + full pass); the coarse layer is on screen after {:.2} s",
                self.scene_seconds + self.kernel_seconds + s.viewer_coarse_seconds + s.viewer_seconds,
                s.width,
                s.height,
                self.scene_seconds + self.kernel_seconds + s.viewer_coarse_seconds
            )?;
        }
        Ok(())
    }
}

/// The world box of the line between two chainages, padded by the corridor's half width.
fn sector_box(scene: &Scene, from_km: f64, to_km: f64) -> [f64; 4] {
    let pad = scene.loaded.scenario.coverage.half_width_km * 1000.0;
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for k in 0..=100 {
        let p = scene.line.point_at(from_km + (to_km - from_km) * f64::from(k) / 100.0, 0.0);
        b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
    }
    [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]
}

pub fn viewer(loaded: &LoadedScenario, class: Option<&str>, sides: &[u32]) -> Result<ViewerBench> {
    let gpu = Gpu::new()?;
    let row = loaded
        .scenario
        .rows
        .iter()
        .position(|r| r.spacing_km.is_some())
        .ok_or_else(|| Error::file(&loaded.file, "rows", "no row with a spacing to edit".to_string()))?;
    let spacing = loaded.scenario.rows[row].spacing_km.unwrap_or(1.0);
    let edited = edit::set(loaded, &Field::Row(row, "spacing_km"), spacing * 1.1)?;
    let edit_text =
        format!("rows[{row}] '{}' spacing {spacing} → {:.3} km", loaded.scenario.rows[row].name, spacing * 1.1);
    let started = Instant::now();
    let scene = Scene::load(edited)?;
    let scene_seconds = started.elapsed().as_secs_f64();
    let class_index = match class {
        Some(name) => scene
            .classes
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| Error::file(&loaded.file, "classes", format!("no class named '{name}'")))?,
        None => 0,
    };
    let started = Instant::now();
    let mut kernel = engine::kernel(&gpu, &scene)?;
    kernel.set_enabled(&scene.enabled(&Default::default()))?;
    gpu.finish()?;
    let kernel_seconds = started.elapsed().as_secs_f64();
    let painter = Painter::new(&gpu)?;
    let source = scene.sources[class_index];
    let rule = FixRule::of(&scene.loaded.scenario);
    let middle = 0.5 * scene.line.length_km();
    let rect = sector_box(&scene, middle - 0.5 * SECTOR_KM, middle + 0.5 * SECTOR_KM);
    let half_width_m = scene.loaded.scenario.coverage.half_width_km * 1000.0;
    let mut sizes = Vec::new();
    for &side in sides {
        let aspect = (rect[3] - rect[1]) / (rect[2] - rect[0]);
        let (width, height) = if aspect <= 1.0 {
            (side, ((f64::from(side) * aspect).round() as u32).max(1))
        } else {
            (((f64::from(side) / aspect).round() as u32).max(1), side)
        };
        let window = Window { rect, width, height };
        let started = Instant::now();
        let (cells, texels) = engine::window_cells(&scene.line, half_width_m, &window);
        let locate_seconds = started.elapsed().as_secs_f64();
        if cells.len() > kernel.max_cells_per_dispatch() {
            return Err(Error::Gpu(format!("{} cells exceed one dispatch on this adapter", cells.len())));
        }
        let started = Instant::now();
        let on_device = kernel.dispatch(&source, &cells, rule)?;
        let painted = painter.paint(&gpu, Metric::Verifiable, &on_device, &texels, width, height)?;
        gpu.finish()?;
        let gpu_seconds = started.elapsed().as_secs_f64();
        // Not timed: the device's texture and its own results, for the comparison and the
        // work count.
        let device_texels = painted.read(&gpu)?;
        let out = crate::gpu::buffers::read_back::<crate::coverage::GpuCellOut>(&gpu, &on_device.results, cells.len())?;
        let started = Instant::now();
        let reference = kernel.reference(&source, &cells, rule);
        let reference_colours: Vec<[u8; 4]> = reference
            .iter()
            .zip(&texels)
            .map(|(m, &t)| {
                colour(Metric::Verifiable, &Metric::Verifiable.cell_with(m.verifiable as f32), t % width, t / width)
            })
            .collect();
        let cpu_seconds = started.elapsed().as_secs_f64();
        let texels_differing = reference_colours
            .iter()
            .zip(&texels)
            .zip(&out)
            .filter(|((c, t), o)| {
                let got = &device_texels[**t as usize * 4..][..4];
                o.by_reference == 0 && c.iter().zip(got).any(|(a, b)| (i32::from(*a) - i32::from(*b)).abs() > 1)
            })
            .count();
        // The viewer's own path: chunked submissions, a coarse pass first.
        let request = Request {
            scenario: None,
            switched_off: Default::default(),
            class: class_index,
            metric: Metric::Verifiable,
            window: Some(window),
            summary: false,
            window_seq: 0,
        };
        let mut chunking = Chunking::default();
        let never_stale = || false;
        let mut viewer_pass = |w: Window| -> Result<f64> {
            let started = Instant::now();
            engine::layer(&gpu, &painter, &kernel, &scene, &request, w, &mut chunking, &never_stale)?;
            Ok(started.elapsed().as_secs_f64())
        };
        let viewer_coarse_seconds = window.coarse(engine::COARSE_FACTOR).map_or(Ok(0.0), &mut viewer_pass)?;
        let viewer_seconds = viewer_pass(window)?;
        sizes.push(SectorTiming {
            viewer_coarse_seconds,
            viewer_seconds,
            width,
            height,
            cells: cells.len(),
            pairs: out.iter().map(|o| u64::from(o.sensors)).sum(),
            locate_seconds,
            gpu_seconds,
            cpu_seconds,
            texels_differing,
        });
    }
    let started = Instant::now();
    let summary_out = kernel.evaluate(&source, &scene.summary_cells, rule)?;
    let summary_seconds = started.elapsed().as_secs_f64();
    Ok(ViewerBench {
        scenario: loaded.scenario.name.clone(),
        adapter: gpu.describe(),
        class: scene.classes[class_index].clone(),
        edit: edit_text,
        sensors: scene.sensors.len(),
        sizes,
        scene_seconds,
        kernel_seconds,
        summary_cells: summary_out.len(),
        summary_seconds,
    })
}
