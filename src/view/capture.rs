//! What the real window measures and captures of itself: `--bench-pan` (frame times while it
//! pans along the line) and `--screenshot` (a PNG once everything is computed).

use super::state::{Mode, ViewerApp};

impl ViewerApp {
    /// `--bench-pan`: once the first layer is shown, follow the line from end to end in
    /// `frames` frames, 100 km across the view, twice (`PanBench`), and time the frames.
    pub(super) fn pan_step(&mut self, ctx: &egui::Context) {
        let (Some(b), Some(view)) = (&mut self.bench_pan, self.view.as_mut()) else { return };
        let Mode::WhatIf(w) = &self.mode else { return };
        let (Some(scene), true) = (&w.scene, self.layer.is_some()) else { return };
        let pass = b.pass();
        if pass == 2 {
            return;
        }
        let now = std::time::Instant::now();
        if let Some(last) = b.last {
            b.times_s[pass].push(now.duration_since(last).as_secs_f64());
        }
        b.last = Some(now);
        let screen_points = ctx.content_rect().width().max(1.0);
        view.m_per_point = 100_000.0 / f64::from(screen_points);
        let along = scene.line.length_km() * b.times_s[b.pass().min(1)].len() as f64 / b.frames.max(1) as f64;
        view.center = scene.line.point_at(along, 0.0);
        if b.pass() == 2 {
            println!("{}", b.report());
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ctx.request_repaint();
    }

    /// `--screenshot`: once nothing is pending for a few frames, capture, save and close.
    pub(super) fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(path) = self.screenshot.clone() else { return };
        let ready = match &self.mode {
            Mode::WhatIf(w) => w.summary.is_some() && self.layer.is_some(),
            Mode::Replay(_) | Mode::Failed(_) => true,
            Mode::Loading(..) => false,
        };
        self.idle_frames = if ready && !self.busy() { self.idle_frames + 1 } else { 0 };
        if self.idle_frames == 3 {
            let (slot, closer) = (self.screenshot_result.clone(), ctx.clone());
            ctx.request_screenshot(move |image| {
                let [w, h] = image.size;
                let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
                let saved = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
                    .ok_or_else(|| "the screenshot buffer has the wrong size".to_string())
                    .and_then(|img| img.save(&path).map_err(|e| format!("{}: {e}", path.display())));
                if let Ok(mut s) = slot.lock() {
                    *s = Some(saved);
                }
                closer.send_viewport_cmd(egui::ViewportCommand::Close);
            });
        }
        ctx.request_repaint();
    }
}
