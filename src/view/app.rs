//! The viewer's frame: the map, the layer and its requests, the screenshot, for a scenario
//! computed live (what-if) or a result file replayed. The state is in `state`. Over 400 lines:
//! the map's interactions (pan, zoom, pick, box select) and the layer's requests share the frame's
//! state and are kept together.

pub use super::pan_bench::PanBench;
pub use super::state::{Mode, ReplayState, Source, ViewerApp, WhatIf};

use super::edit::{self, Field};
use super::engine::{Engine, Layer, Outcome, Window};
use super::map::{self, MapView, Mark};
use super::panels;
use super::replay::Replay;
use super::state::{LAYER_SIDE_CPU, LAYER_SIDE_GPU, ShownLayer};
use crate::coverage::paint::Metric;
use crate::geo::ContactLine;
use crate::gpu::Gpu;
use crate::scenario::LoadedScenario;
use egui::{Color32, Rect, Sense, Stroke, pos2};
use std::sync::Arc;

impl ViewerApp {
    pub fn new(cc: &eframe::CreationContext<'_>, gpu: Gpu, source: Source) -> Self {
        let ctx = cc.egui_ctx.clone();
        let gpu_side = if gpu.cuts_long_loops() { LAYER_SIDE_CPU } else { LAYER_SIDE_GPU };
        let engine = Engine::start(gpu, move || ctx.request_repaint());
        let mode = match source {
            Source::Scenario(loaded) => {
                let loaded = *loaded;
                let switched_off = loaded.scenario.losses.out_of_service.iter().copied().collect();
                let save_path = suggested_save_path(&loaded);
                let w = WhatIf {
                    loaded,
                    scene: None,
                    switched_off,
                    class: 0,
                    metric: Metric::Verifiable,
                    summary: None,
                    save_path,
                    message: None,
                    asked: None,
                    generation: 1,
                    scene_generation: 0,
                };
                engine.send(w.request(true, None, true));
                Mode::WhatIf(Box::new(w))
            }
            Source::Replay(path) => {
                let (tx, rx) = std::sync::mpsc::channel();
                let (p, ctx) = (path.clone(), cc.egui_ctx.clone());
                std::thread::spawn(move || {
                    let _ = tx.send(Replay::open(&p));
                    ctx.request_repaint();
                });
                Mode::Loading(path, rx)
            }
        };
        Self {
            mode,
            engine,
            render: cc.wgpu_render_state.clone(),
            layer: None,
            relief: None,
            view: None,
            map_rect: None,
            box_start: None,
            opacity: 0.8,
            error: None,
            gpu_side,
            screenshot: None,
            screenshot_result: Arc::default(),
            idle_frames: 0,
            bench_pan: None,
        }
    }

    /// Work sent to the compute thread or a file still loading.
    pub fn busy(&self) -> bool {
        let stored = matches!(&self.mode, Mode::Replay(r) if r.stored_loading());
        self.engine.busy() || stored || matches!(self.mode, Mode::Loading(..))
    }

    pub fn adapter(&self) -> &str {
        &self.engine.adapter
    }

    pub fn layer_info(&self) -> Option<(usize, f64, Metric, usize)> {
        self.layer.as_ref().map(|l| (l.layer.cells, l.layer.seconds, l.layer.metric, l.layer.class))
    }

    /// Apply an edit of the scenario text; the engine reloads the scene from it.
    pub fn edit(&mut self, field: &Field, value: toml_edit::Value) {
        let Mode::WhatIf(w) = &mut self.mode else { return };
        match edit::set(&w.loaded, field, value) {
            Ok(loaded) => {
                if matches!(field, Field::Row(..)) && !w.switched_off.is_empty() {
                    // The rows are redeployed and renumbered: the ids switched off meant
                    // other sensors.
                    w.switched_off.clear();
                    w.message = Some("rows redeployed: sensors switched off by hand are on again".into());
                }
                w.loaded = loaded;
                w.generation += 1;
                self.error = None;
                self.engine.send(w.request(true, None, true));
                w.asked = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Switch sensors off (or back on when all of `ids` are off already).
    pub fn toggle_sensors(&mut self, ids: &[u32]) {
        let Mode::WhatIf(w) = &mut self.mode else { return };
        if ids.is_empty() {
            return;
        }
        if ids.iter().all(|id| w.switched_off.contains(id)) {
            ids.iter().for_each(|id| {
                w.switched_off.remove(id);
            });
        } else {
            w.switched_off.extend(ids.iter().copied());
        }
        self.request_summary();
    }

    pub fn set_class(&mut self, class: usize) {
        if let Mode::WhatIf(w) = &mut self.mode {
            w.class = class;
        }
        self.request_summary();
    }

    pub fn set_metric(&mut self, metric: Metric) {
        if let Mode::WhatIf(w) = &mut self.mode {
            w.metric = metric;
        }
    }

    fn request_summary(&mut self) {
        let Mode::WhatIf(w) = &mut self.mode else { return };
        self.engine.send(w.request(false, None, true));
    }

    /// Write the edited scenario (with the sensors switched off) to the save path.
    pub fn save(&mut self) {
        let Mode::WhatIf(w) = &mut self.mode else { return };
        let result = edit::set_out_of_service(&w.loaded, &w.switched_off).and_then(|saved| {
            std::fs::write(&w.save_path, &saved.text)
                .map_err(|e| crate::Error::file(&w.save_path, "file", format!("cannot write: {e}")))
        });
        w.message = Some(match result {
            Ok(()) => format!("saved {}", w.save_path),
            Err(e) => format!("not saved: {e}"),
        });
    }

    fn take_outcomes(&mut self, ctx: &egui::Context) {
        for outcome in self.engine.poll() {
            match outcome {
                Outcome::Scene(scene) => {
                    self.relief = scene.relief.as_ref().map(|r| {
                        let image = egui::ColorImage::from_gray([r.width, r.height], &r.shade);
                        (ctx.load_texture("relief", image, egui::TextureOptions::LINEAR), r.rect)
                    });
                    if let Mode::WhatIf(w) = &mut self.mode {
                        w.class = w.class.min(scene.classes.len().saturating_sub(1));
                        w.scene = Some(scene);
                        w.scene_generation += 1;
                        w.asked = None;
                    }
                }
                Outcome::Layer(layer) => self.show_layer(layer),
                Outcome::Summary(s) => {
                    if let Mode::WhatIf(w) = &mut self.mode {
                        w.summary = Some(s);
                    }
                }
                Outcome::Failed(message) => self.error = Some(message),
            }
        }
    }

    fn show_layer(&mut self, layer: Box<Layer>) {
        if let Some(b) = &mut self.bench_pan
            && b.pass() == 1
        {
            b.layers += 1;
        }
        let Some(render) = &self.render else { return };
        let mut renderer = render.renderer.write();
        let texture = renderer.register_native_texture(&render.device, &layer.painted.view, wgpu::FilterMode::Nearest);
        if let Some(old) = self.layer.replace(ShownLayer { texture, layer }) {
            renderer.free_texture(&old.texture);
        }
    }

    /// Ask for the visible window's coverage when the view, class, metric or sensors changed.
    fn ask_for_window(&mut self, screen: Rect) {
        if self.bench_pan.as_ref().is_some_and(|b| b.pass() == 0 && self.layer.is_some()) {
            return;
        }
        let Mode::WhatIf(w) = &mut self.mode else { return };
        let (Some(view), Some(_)) = (self.view, &w.scene) else { return };
        let side = self.gpu_side;
        let scale = (side / screen.width().max(screen.height())).min(1.0);
        let window = Window {
            rect: view.visible(screen),
            width: (screen.width() * scale).round().max(1.0) as u32,
            height: (screen.height() * scale).round().max(1.0) as u32,
        };
        let key = (window, w.class, w.metric, w.switched_off.clone(), w.scene_generation);
        // While the compute thread works, the view waits: asking on every frame of a pan would
        // abandon each layer before it is done on a slow device (the last view is asked for
        // as soon as it is free).
        if w.asked.as_ref() == Some(&key) || w.scene_generation == 0 || self.engine.busy() {
            return;
        }
        w.asked = Some(key);
        self.engine.send(w.request(false, Some(window), false));
    }

    fn poll_loading(&mut self) {
        let Mode::Loading(path, rx) = &self.mode else { return };
        let Ok(result) = rx.try_recv() else { return };
        self.mode = match result {
            Ok(replay) => {
                let line = ContactLine::new(vec![replay.line_lonlat.clone()], vec![replay.line_xy.clone()]);
                let located = panels::located_profile(&replay, &line);
                Mode::Replay(Box::new(ReplayState {
                    located,
                    stored_choice: None,
                    stored: None,
                    stored_loading: None,
                    time_s: 0.0,
                    playing: false,
                    speed: 600.0,
                    trail_s: 300.0,
                    selected: None,
                    line,
                    replay,
                }))
            }
            Err(e) => Mode::Failed(format!("cannot replay {}:\n{e}", path.display())),
        };
    }

    fn bounds(&self) -> Option<[f64; 4]> {
        match &self.mode {
            Mode::WhatIf(w) => w.scene.as_ref().map(|s| s.bounds()),
            Mode::Replay(r) => {
                let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
                for p in &r.replay.line_xy {
                    b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
                }
                let pad = 0.05 * (b[2] - b[0]).max(b[3] - b[1]);
                Some([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad])
            }
            _ => None,
        }
    }

    fn marks(&self) -> Vec<Mark> {
        match &self.mode {
            Mode::WhatIf(w) => w.scene.as_ref().map_or_else(Vec::new, |s| {
                s.sensors
                    .iter()
                    .map(|x| Mark {
                        id: x.id,
                        modality: x.modality as usize,
                        xy: [x.x, x.y],
                        on: x.active && !w.switched_off.contains(&x.id),
                    })
                    .collect()
            }),
            Mode::Replay(r) => r
                .replay
                .sensors
                .iter()
                .map(|s| Mark {
                    id: s.id,
                    modality: s.modality as usize,
                    xy: [s.x, s.y],
                    on: s.up && s.lost_at_s > r.time_s,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn map_ui(&mut self, ui: &mut egui::Ui) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let screen = response.rect;
        self.map_rect = Some(screen);
        painter.rect_filled(screen, 0.0, Color32::from_rgb(236, 238, 232));
        let Some(bounds) = self.bounds() else {
            let text = match &self.mode {
                Mode::Loading(p, _) => format!("reading {} …", p.display()),
                Mode::Failed(message) => message.clone(),
                _ => "loading the scenario …".into(),
            };
            let colour =
                if matches!(self.mode, Mode::Failed(_)) { Color32::from_rgb(170, 20, 20) } else { Color32::DARK_GRAY };
            let galley = painter.layout(text, egui::FontId::proportional(16.0), colour, screen.width() - 40.0);
            let at = egui::Align2::CENTER_CENTER.anchor_size(screen.center(), galley.size()).min;
            painter.galley(at, galley, colour);
            return;
        };
        let widest = MapView::fit(bounds, screen).m_per_point * 2.0;
        let mut view = *self.view.get_or_insert_with(|| MapView::fit(bounds, screen));
        let marks = self.marks();
        // Shift-drag draws a box of sensors to switch off; a plain drag pans.
        // The box starts where a shift-drag starts, and is kept until the button is released
        // (egui forgets the press origin on release).
        if response.drag_started() {
            self.box_start = ui
                .input(|i| i.modifiers.shift)
                .then(|| ui.input(|i| i.pointer.press_origin()))
                .flatten()
                .filter(|_| matches!(self.mode, Mode::WhatIf(_)));
        }
        let boxing = self.box_start.is_some();
        if response.dragged() && !boxing {
            view.pan(response.drag_delta());
        }
        if let Some(hover) = response.hover_pos() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            let zoom = ui.input(|i| i.zoom_delta());
            let factor = f64::from(zoom) * (f64::from(scroll) / 200.0).exp();
            if (factor - 1.0).abs() > 1e-6 {
                view.zoom(screen, hover, factor, widest);
            }
        }
        self.view = Some(view);
        let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        if let Some((texture, rect)) = &self.relief {
            // Faint: the relief is context, the coverage is the subject.
            painter.with_clip_rect(screen).image(
                texture.id(),
                view.screen_rect_of(screen, *rect),
                uv,
                Color32::from_white_alpha(90),
            );
        }
        if let Mode::Replay(r) = &self.mode
            && let Some((texture, rect, _)) = &r.stored
        {
            let alpha = Color32::from_white_alpha((self.opacity * 255.0) as u8);
            painter.with_clip_rect(screen).image(texture.id(), view.screen_rect_of(screen, *rect), uv, alpha);
        }
        if let Some(shown) = &self.layer {
            let rect = view.screen_rect_of(screen, shown.layer.window.rect);
            painter.with_clip_rect(screen).image(
                shown.texture,
                rect,
                uv,
                Color32::from_white_alpha((self.opacity * 255.0) as u8),
            );
        }
        let line = match &self.mode {
            Mode::WhatIf(w) => w.scene.as_ref().map(|s| &s.line),
            Mode::Replay(r) => Some(&r.line),
            _ => None,
        };
        let painter = painter.with_clip_rect(screen);
        if let Some(line) = line {
            if let Mode::WhatIf(w) = &self.mode
                && let Some(s) = &w.summary
            {
                for g in &s.gaps {
                    let points: Vec<_> = (0..=16)
                        .map(|k| line.point_at(g.start_km + (g.end_km - g.start_km) * f64::from(k) / 16.0, 0.0))
                        .map(|p| view.to_screen(screen, p))
                        .collect();
                    painter.add(egui::Shape::line(
                        points,
                        Stroke::new(9.0, Color32::from_rgba_unmultiplied(230, 30, 30, 150)),
                    ));
                }
            }
            map::draw_line(&painter, &view, screen, line);
        }
        map::draw_sensors(&painter, &view, screen, &marks);
        if let Mode::Replay(r) = &self.mode {
            panels::draw_replay(&painter, &view, screen, r);
        }
        let plane = match &self.mode {
            Mode::WhatIf(w) => w.scene.as_ref().map(|s| &s.plane),
            Mode::Replay(r) => r.replay.plane.as_ref(),
            _ => None,
        };
        map::draw_scale_and_cursor(&painter, &view, screen, plane, response.hover_pos());
        if let Mode::WhatIf(w) = &self.mode {
            panels::draw_legend(&painter, screen, w.metric, w.loaded.scenario.coverage.target);
        }
        // Clicks and boxes.
        if let (Some(start), Some(now)) = (self.box_start, ui.input(|i| i.pointer.latest_pos())) {
            let rect = Rect::from_two_pos(start, now);
            if response.dragged() {
                painter.rect_stroke(rect, 0.0, Stroke::new(1.5, Color32::RED), egui::StrokeKind::Inside);
            }
            if response.drag_stopped() {
                self.box_start = None;
                let ids: Vec<u32> =
                    marks.iter().filter(|m| rect.contains(view.to_screen(screen, m.xy))).map(|m| m.id).collect();
                self.toggle_sensors(&ids);
            }
        }
        if response.clicked()
            && let Some(p) = response.interact_pointer_pos()
        {
            match &mut self.mode {
                Mode::WhatIf(_) => {
                    if let Some(id) = map::sensor_at(&view, screen, &marks, p, 8.0) {
                        self.toggle_sensors(&[id]);
                    }
                }
                Mode::Replay(r) => r.selected = panels::event_at(&view, screen, r, p, 10.0),
                _ => {}
            }
        }
        self.ask_for_window(screen);
    }
}

/// `<name>-edited.toml` beside the scenario (relative paths in it keep working).
fn suggested_save_path(loaded: &LoadedScenario) -> String {
    let stem = std::path::Path::new(&loaded.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.starts_with('<'))
        .unwrap_or("full-line");
    loaded.base_dir.join(format!("{stem}-edited.toml")).display().to_string()
}

impl eframe::App for ViewerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.take_outcomes(&ctx);
        self.poll_loading();
        if let Mode::Replay(r) = &mut self.mode
            && let Some(e) = r.update_stored(&ctx)
        {
            self.error = Some(e);
        }
        if let Mode::Replay(r) = &mut self.mode
            && r.playing
        {
            let dt = f64::from(ctx.input(|i| i.stable_dt).min(0.1));
            r.time_s = (r.time_s + dt * r.speed).min(r.replay.duration_s);
            r.playing = r.time_s < r.replay.duration_s;
            ctx.request_repaint();
        }
        panels::top_bar(ui, self);
        // Its width never follows the content: the same on every frame whatever is loading.
        egui::Panel::left("controls").resizable(true).default_size(320.0).min_size(320.0).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| panels::side_panel(ui, self));
        });
        egui::Panel::bottom("plots")
            .resizable(true)
            .default_size(230.0)
            .min_size(200.0)
            .show(ui, |ui| panels::plots(ui, self));
        egui::CentralPanel::default().show(ui, |ui| self.map_ui(ui));
        if self.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.screenshot_step(&ctx);
        self.pan_step(&ctx);
    }
}
