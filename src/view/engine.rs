//! The viewer's compute thread: loads scenes, runs the coverage kernel over the visible window
//! and paints it into a texture on the shared device, and recomputes the along-line summary.
//! The UI thread only sends requests and picks up outcomes, so a frame never waits on the GPU.
//! Requests that queue up while one runs are merged: only the newest window is computed. Over
//! 400 lines: the thread's loop, the request merging and the chunked layer are one protocol.

use super::scene::Scene;
use crate::coverage::paint::{Metric, Painted, Painter};
use crate::coverage::profile::{Gap, Profile};
use crate::coverage::{FixRule, GpuCell, GpuCoverage};

use crate::error::{Error, Result};
use crate::geo::ContactLine;
use crate::gpu::Gpu;
use crate::scenario::LoadedScenario;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Instant;

/// A part of the map to paint: world box [x_min, y_min, x_max, y_max] (m) at `width`×`height`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub rect: [f64; 4],
    pub width: u32,
    pub height: u32,
}

/// The coarse pass of a layer has this many times fewer texels a side (16× fewer cells).
pub const COARSE_FACTOR: u32 = 4;

impl Window {
    /// The same box at 1/`factor` of the texels a side; None when that would be under 32.
    pub fn coarse(&self, factor: u32) -> Option<Window> {
        let (width, height) = (self.width / factor, self.height / factor);
        (width.min(height) >= 32).then_some(Window { rect: self.rect, width, height })
    }
}

/// What the UI asks for.
#[derive(Debug, Clone)]
pub struct Request {
    /// A scenario (as edited) to load in place of the current one.
    pub scenario: Option<LoadedScenario>,
    /// Sensors switched off by hand, by id.
    pub switched_off: BTreeSet<u32>,
    pub class: usize,
    pub metric: Metric,
    pub window: Option<Window>,
    pub summary: bool,
    /// Set by `Engine::send`: the number of the window asked for (a layer still being
    /// computed when a newer window is asked for is abandoned).
    pub window_seq: u64,
}

impl Request {
    /// `newer` arrived while `self` waited: it wins, but a scenario or a summary asked for in
    /// between is not lost.
    fn merged(self, newer: Request) -> Request {
        Request {
            scenario: newer.scenario.or(self.scenario),
            summary: newer.summary || self.summary,
            window: newer.window.or(self.window),
            window_seq: if newer.window.is_some() { newer.window_seq } else { self.window_seq },
            ..newer
        }
    }
}

/// A painted coverage layer, ready for `register_native_texture`.
pub struct Layer {
    pub painted: Painted,
    pub window: Window,
    pub class: usize,
    pub metric: Metric,
    /// Cells evaluated (those within the corridor) and the time from request to a finished
    /// texture.
    pub cells: usize,
    pub seconds: f64,
}

/// The along-line summary of one class.
#[derive(Debug, Clone)]
pub struct Summary {
    pub class: usize,
    pub target: f64,
    pub covered_fraction: f64,
    pub profile: Profile,
    pub gaps: Vec<Gap>,
    pub sensors_on: usize,
    pub sensors_total: usize,
    pub cost_eur: f64,
    /// Finite cross-line σ of the cells, m (the predicted localisation error).
    pub sigma_n_m: Vec<f32>,
    pub resolution_m: f64,
    pub cells: usize,
    pub pairs: u64,
    pub seconds: f64,
}

pub enum Outcome {
    Scene(Arc<Scene>),
    Layer(Box<Layer>),
    Summary(Box<Summary>),
    /// A scenario that would not load, or a GPU failure: shown in the window.
    Failed(String),
}

/// The handle the UI keeps.
pub struct Engine {
    requests: Sender<Request>,
    outcomes: Receiver<Outcome>,
    pending: Arc<AtomicUsize>,
    /// The number of the latest window asked for.
    latest_window: Arc<AtomicU64>,
    pub adapter: String,
}

impl Engine {
    /// Start the compute thread on `gpu`; `wake` is called after each outcome (the UI's
    /// request_repaint).
    pub fn start(gpu: Gpu, wake: impl Fn() + Send + 'static) -> Self {
        let (requests, inbox) = channel::<Request>();
        let (outbox, outcomes) = channel();
        let pending = Arc::new(AtomicUsize::new(0));
        let adapter = gpu.describe();
        let counter = pending.clone();
        let latest_window = Arc::new(AtomicU64::new(0));
        let latest = latest_window.clone();
        std::thread::Builder::new()
            .name("linewatch-view-compute".into())
            .spawn(move || serve(&gpu, &inbox, &outbox, &counter, &latest, &wake))
            .map_or_else(|e| eprintln!("linewatch view: cannot start the compute thread: {e}"), |_| ());
        Self { requests, outcomes, pending, latest_window, adapter }
    }

    pub fn send(&self, mut request: Request) {
        if request.window.is_some() {
            request.window_seq = self.latest_window.fetch_add(1, Ordering::SeqCst) + 1;
        }
        self.pending.fetch_add(1, Ordering::SeqCst);
        if self.requests.send(request).is_err() {
            self.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Whatever has finished since the last call.
    pub fn poll(&self) -> Vec<Outcome> {
        self.outcomes.try_iter().collect()
    }

    /// Requests sent and not yet answered.
    pub fn busy(&self) -> bool {
        self.pending.load(Ordering::SeqCst) > 0
    }
}

/// The thread's loop: one scene at a time, its kernel kept while only the window, the class or
/// the sensors switched off change.
fn serve(
    gpu: &Gpu,
    inbox: &Receiver<Request>,
    outbox: &Sender<Outcome>,
    pending: &AtomicUsize,
    latest_window: &AtomicU64,
    wake: &dyn Fn(),
) {
    let send = |o: Outcome| {
        let _ = outbox.send(o);
        wake();
    };
    let painter = match Painter::new(gpu) {
        Ok(p) => p,
        Err(e) => return send(Outcome::Failed(e.to_string())),
    };
    let mut carried: Option<(Request, usize)> = None;
    let mut chunk = Chunking::default();
    let mut scene: Option<Arc<Scene>> = None;
    loop {
        let Some((mut request, mut count)) = carried.take().or_else(|| next(inbox)) else { return };
        if let Some(loaded) = request.scenario.take() {
            match Scene::load(loaded) {
                Ok(s) => {
                    let s = Arc::new(s);
                    send(Outcome::Scene(s.clone()));
                    scene = Some(s);
                }
                Err(e) => send(Outcome::Failed(e.to_string())),
            }
        }
        let Some(current) = scene.clone() else {
            pending.fetch_sub(count, Ordering::SeqCst);
            continue;
        };
        let kernel = match kernel(gpu, &current) {
            Ok(k) => k,
            Err(e) => {
                send(Outcome::Failed(e.to_string()));
                pending.fetch_sub(count, Ordering::SeqCst);
                continue;
            }
        };
        let mut kernel = kernel;
        let mut enabled_for: Option<BTreeSet<u32>> = None;
        // Serve requests on this scene until one brings another scenario.
        loop {
            if enabled_for.as_ref() != Some(&request.switched_off) {
                let enabled = current.enabled(&request.switched_off);
                if let Err(e) = kernel.set_enabled(&enabled) {
                    send(Outcome::Failed(e.to_string()));
                }
                enabled_for = Some(request.switched_off.clone());
            }
            if let Some(window) = request.window {
                let stale = || latest_window.load(Ordering::SeqCst) != request.window_seq;
                // A quick coarse pass first, so that a layer follows a pan on a slow device.
                for w in window.coarse(COARSE_FACTOR).into_iter().chain([window]) {
                    match layer(gpu, &painter, &kernel, &current, &request, w, &mut chunk, &stale) {
                        Ok(Some(l)) => send(Outcome::Layer(Box::new(l))),
                        Ok(None) => break,
                        Err(e) => {
                            send(Outcome::Failed(e.to_string()));
                            break;
                        }
                    }
                }
            }
            if request.summary {
                match summary(&kernel, &current, &request) {
                    Ok(s) => send(Outcome::Summary(Box::new(s))),
                    Err(e) => send(Outcome::Failed(e.to_string())),
                }
            }
            pending.fetch_sub(count, Ordering::SeqCst);
            wake();
            match next(inbox) {
                None => return,
                Some((r, c)) if r.scenario.is_some() => {
                    carried = Some((r, c));
                    break;
                }
                Some((r, c)) => (request, count) = (r, c),
            }
        }
    }
}

/// The next request, merged with any that queued behind it, and how many were merged.
fn next(inbox: &Receiver<Request>) -> Option<(Request, usize)> {
    let mut request = inbox.recv().ok()?;
    let mut count = 1;
    loop {
        match inbox.try_recv() {
            Ok(newer) => {
                request = request.merged(newer);
                count += 1;
            }
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return Some((request, count)),
        }
    }
}

/// The coverage kernel over the scene's sensors, settling sight lines as the scenario says.
pub fn kernel<'s>(gpu: &'s Gpu, scene: &'s Scene) -> Result<GpuCoverage<'s>> {
    let s = &scene.loaded.scenario;
    crate::world::coverage_kernel(gpu, s, &scene.terrain, &scene.sensors, &scene.sources, s.coverage.sight_lines)
}

/// The cells of a window within the corridor, and the texel (row-major from the top) of each.
pub fn window_cells(line: &ContactLine, half_width_m: f64, w: &Window) -> (Vec<GpuCell>, Vec<u32>) {
    let [x0, y0, x1, y1] = w.rect;
    let (dx, dy) = ((x1 - x0) / f64::from(w.width), (y1 - y0) / f64::from(w.height));
    let rows: Vec<Vec<(GpuCell, u32)>> = (0..w.height)
        .into_par_iter()
        .map(|r| {
            let y = y1 - (f64::from(r) + 0.5) * dy;
            (0..w.width)
                .filter_map(|c| {
                    let x = x0 + (f64::from(c) + 0.5) * dx;
                    let at = line.locate([x, y]);
                    (at.offset_m.abs() <= half_width_m).then(|| (GpuCell::at(x, y, &at), r * w.width + c))
                })
                .collect()
        })
        .collect();
    rows.into_iter().flatten().unzip()
}

/// How many cells one submission of a layer takes: sized so that each runs for about
/// `TARGET_S`. The window's own frames share the device's queue, so on a CPU adapter a layer
/// in one submission would hold the next frame back for as long as it runs.
#[derive(Debug, Clone, Copy)]
pub struct Chunking {
    pub cells: usize,
}

impl Chunking {
    /// About two frames at 60 Hz.
    const TARGET_S: f64 = 0.03;
    const MIN_CELLS: usize = 256;

    /// Learn from a submission of `cells` that took `seconds`.
    fn observe(&mut self, cells: usize, seconds: f64) {
        if cells < self.cells / 2 || seconds <= 0.0 {
            return;
        }
        let ideal = (cells as f64 * Self::TARGET_S / seconds) as usize;
        // Move at most ×2 per step: one odd submission does not swing it.
        self.cells = ideal.clamp(self.cells / 2, self.cells * 2).max(Self::MIN_CELLS);
    }
}

impl Default for Chunking {
    fn default() -> Self {
        Self { cells: 1024 }
    }
}

/// The layer of `window`, painted chunk by chunk; None when a newer window was asked for
/// before it was done (`stale`).
#[allow(clippy::too_many_arguments)]
pub fn layer(
    gpu: &Gpu,
    painter: &Painter,
    kernel: &GpuCoverage,
    scene: &Scene,
    request: &Request,
    window: Window,
    chunk: &mut Chunking,
    stale: &dyn Fn() -> bool,
) -> Result<Option<Layer>> {
    let started = Instant::now();
    let source = scene.sources.get(request.class).ok_or_else(|| Error::Gpu("no such class".into()))?;
    let half_width_m = scene.loaded.scenario.coverage.half_width_km * 1000.0;
    let (cells, texels) = window_cells(&scene.line, half_width_m, &window);
    let painted = Painter::texture(gpu, window.width, window.height)?;
    let rule = FixRule::of(&scene.loaded.scenario);
    let mut done = 0;
    while done < cells.len() {
        if stale() {
            return Ok(None);
        }
        let size = chunk.cells.min(kernel.max_cells_per_dispatch()).max(1);
        let end = (done + size).min(cells.len());
        let submitted = Instant::now();
        let on_device = kernel.dispatch(source, &cells[done..end], rule)?;
        painter.paint_into(gpu, &painted, request.metric, &on_device, &texels[done..end])?;
        gpu.finish()?;
        chunk.observe(end - done, submitted.elapsed().as_secs_f64());
        done = end;
    }
    Ok(Some(Layer {
        painted,
        window,
        class: request.class,
        metric: request.metric,
        cells: cells.len(),
        seconds: started.elapsed().as_secs_f64(),
    }))
}

/// The summary: the class's verifiable probability over the summary raster, read back.
pub fn summary(kernel: &GpuCoverage, scene: &Scene, request: &Request) -> Result<Summary> {
    let started = Instant::now();
    let spec = &scene.loaded.scenario.coverage;
    let source = scene.sources.get(request.class).ok_or_else(|| Error::Gpu("no such class".into()))?;
    let out = kernel.evaluate(source, &scene.summary_cells, FixRule::of(&scene.loaded.scenario))?;
    let mut profile = Profile::new(spec.profile_bin_km, scene.line.length_km());
    let mut covered = 0usize;
    for (o, &chainage) in out.iter().zip(&scene.summary_chainage_km) {
        profile.add(chainage, f64::from(o.verifiable), spec.target);
        covered += usize::from(f64::from(o.verifiable) >= spec.target);
    }
    let enabled = scene.enabled(&request.switched_off);
    Ok(Summary {
        class: request.class,
        target: spec.target,
        covered_fraction: if out.is_empty() { 0.0 } else { covered as f64 / out.len() as f64 },
        gaps: profile.gaps(spec.target),
        profile,
        sensors_on: enabled.iter().filter(|&&on| on).count(),
        sensors_total: enabled.len(),
        cost_eur: scene.cost_eur(&enabled),
        sigma_n_m: out.iter().map(|o| o.sigma_n_m).filter(|s| s.is_finite()).collect(),
        resolution_m: scene.summary_resolution_m,
        cells: out.len(),
        pairs: out.iter().map(|o| u64::from(o.sensors)).sum(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(class: usize, window: Option<Window>, summary: bool) -> Request {
        Request {
            scenario: None,
            switched_off: BTreeSet::new(),
            class,
            metric: Metric::Verifiable,
            window,
            summary,
            window_seq: class as u64,
        }
    }

    #[test]
    fn merged_requests_keep_the_newest_window_and_any_summary() {
        let w = |x: f64| Window { rect: [x, 0.0, x + 1.0, 1.0], width: 4, height: 4 };
        let (tx, rx) = channel();
        tx.send(request(0, Some(w(1.0)), true)).expect("sends");
        tx.send(request(1, Some(w(2.0)), false)).expect("sends");
        tx.send(request(2, None, false)).expect("sends");
        let (merged, count) = next(&rx).expect("a request");
        assert_eq!(count, 3);
        assert_eq!(merged.class, 2, "the newest class");
        assert_eq!(merged.window, Some(w(2.0)), "the newest window asked for");
        assert!(merged.summary, "a summary asked for in between is not lost");
        assert_eq!(merged.window_seq, 1, "the number of the window kept");
    }

    #[test]
    fn chunks_grow_and_shrink_towards_the_target_time_by_at_most_two() {
        let mut c = Chunking::default();
        c.observe(1024, 0.003);
        assert_eq!(c.cells, 2048, "ten times too fast: doubled, not ×10");
        c.observe(2048, 0.12);
        assert_eq!(c.cells, 1024, "four times too slow: halved");
        c.observe(100, 10.0);
        assert_eq!(c.cells, 1024, "a short tail chunk teaches nothing");
        for _ in 0..20 {
            c.observe(c.cells, 1e3);
        }
        assert_eq!(c.cells, Chunking::MIN_CELLS);
    }
}
