//! The viewer's state: what the window shows (a live what-if scenario, a replay, a file that
//! failed), and the application that holds it. `app` draws frames from it, `panels` edits it.

use super::engine::{Engine, Layer, Request, Summary, Window};
use super::map::MapView;
use super::pan_bench::PanBench;
use super::replay::Replay;
use super::scene::Scene;
use crate::coverage::paint::Metric;
use crate::geo::ContactLine;
use crate::scenario::LoadedScenario;
use egui::Rect;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

/// What the window was opened on.
pub enum Source {
    Scenario(Box<LoadedScenario>),
    Replay(PathBuf),
}

/// Texture side of the coverage layer: a CPU adapter (lavapipe) gets a coarser layer so an
/// edit still redraws in seconds; a GPU fills the window.
pub(super) const LAYER_SIDE_CPU: f32 = 256.0;
pub(super) const LAYER_SIDE_GPU: f32 = 1024.0;

/// A layer on screen: its texture registered with the renderer.
pub(super) struct ShownLayer {
    pub(super) texture: egui::TextureId,
    pub(super) layer: Box<Layer>,
}

/// The live what-if state.
pub struct WhatIf {
    pub loaded: LoadedScenario,
    pub scene: Option<Arc<Scene>>,
    pub switched_off: BTreeSet<u32>,
    pub class: usize,
    pub metric: Metric,
    pub summary: Option<Box<Summary>>,
    pub save_path: String,
    pub message: Option<String>,
    /// The window last asked for, so a frame asks again only when the view changes.
    pub(super) asked: Option<(Window, usize, Metric, BTreeSet<u32>, u64)>,
    /// Bumped by each scenario sent to the engine.
    pub(super) generation: u64,
    /// The generation of the scene last received.
    pub(super) scene_generation: u64,
}

impl WhatIf {
    /// A request for the current class, metric and sensors.
    pub(super) fn request(&self, scenario: bool, window: Option<Window>, summary: bool) -> Request {
        Request {
            scenario: scenario.then(|| self.loaded.clone()),
            switched_off: self.switched_off.clone(),
            class: self.class,
            metric: self.metric,
            window,
            summary,
            window_seq: 0,
        }
    }
}

/// The replay state.
pub struct ReplayState {
    pub replay: Replay,
    pub line: ContactLine,
    pub time_s: f64,
    pub playing: bool,
    /// Simulated seconds per real second.
    pub speed: f64,
    /// How far back events and detections stay drawn, s.
    pub trail_s: f64,
    pub selected: Option<u32>,
    /// Fraction of events located by chainage (computed once: it locates every event).
    pub located: (Vec<f64>, Vec<f64>),
    /// The stored coverage map asked for (class, metric), none: no layer.
    pub stored_choice: Option<(String, Metric)>,
    /// The one on screen, and the world box it covers.
    pub(super) stored: Option<(egui::TextureHandle, [f64; 4], (String, Metric))>,
    pub(super) stored_loading: Option<Receiver<crate::Result<crate::view::replay::StoredMap>>>,
}

impl ReplayState {
    /// Start reading the stored map asked for when it is not the one shown; show one that has
    /// been read.
    pub(super) fn update_stored(&mut self, ctx: &egui::Context) -> Option<String> {
        let mut failed = None;
        if let Some(rx) = &self.stored_loading
            && let Ok(result) = rx.try_recv()
        {
            self.stored_loading = None;
            match result {
                Ok(m) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied([m.width, m.height], &m.rgba);
                    let texture = ctx.load_texture("stored coverage", image, egui::TextureOptions::NEAREST);
                    self.stored = Some((texture, m.rect, (m.class, m.metric)));
                }
                Err(e) => {
                    self.stored_choice = None;
                    failed = Some(e.to_string());
                }
            }
        }
        let shown = self.stored.as_ref().map(|s| &s.2);
        if self.stored_choice.is_none() {
            self.stored = None;
        } else if self.stored_loading.is_none()
            && shown != self.stored_choice.as_ref()
            && let Some((class, metric)) = self.stored_choice.clone()
        {
            let (tx, rx) = std::sync::mpsc::channel();
            let (path, ctx) = (PathBuf::from(&self.replay.file), ctx.clone());
            std::thread::spawn(move || {
                let _ = tx.send(crate::view::replay::read_stored_map(&path, &class, metric));
                ctx.request_repaint();
            });
            self.stored_loading = Some(rx);
        }
        failed
    }

    /// The stored map on screen: its class and metric.
    pub fn stored_shown(&self) -> Option<&(String, Metric)> {
        self.stored.as_ref().map(|s| &s.2)
    }

    pub fn stored_loading(&self) -> bool {
        self.stored_loading.is_some()
    }
}

pub enum Mode {
    WhatIf(Box<WhatIf>),
    Loading(PathBuf, Receiver<crate::Result<Replay>>),
    Replay(Box<ReplayState>),
    /// A file that could not be opened: the message is the window's content.
    Failed(String),
}

pub struct ViewerApp {
    pub mode: Mode,
    pub(super) engine: Engine,
    pub(super) render: Option<eframe::egui_wgpu::RenderState>,
    pub(super) layer: Option<ShownLayer>,
    /// The terrain's hillshade under the layer, and the world box it covers.
    pub(super) relief: Option<(egui::TextureHandle, [f64; 4])>,
    pub view: Option<MapView>,
    /// Where the map was drawn in the last frame (the tests click on it).
    pub map_rect: Option<Rect>,
    /// Where a shift-drag box started, while it is drawn.
    pub(super) box_start: Option<egui::Pos2>,
    pub opacity: f32,
    /// The last error of the engine (a bad edit, a GPU failure).
    pub error: Option<String>,
    pub(super) gpu_side: f32,
    /// Set by `--screenshot`: capture the window once everything has been computed, then close.
    pub screenshot: Option<PathBuf>,
    pub screenshot_result: Arc<std::sync::Mutex<Option<Result<(), String>>>>,
    pub(super) idle_frames: u32,
    /// Set by `--bench-pan N`: pan along the whole line for N frames once the first layer is
    /// on screen, then print the frame times and close.
    pub bench_pan: Option<PanBench>,
}
