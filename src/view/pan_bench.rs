//! `linewatch view --bench-pan`: the frame times the window measures while it pans.

/// Frame times while panning, measured between frames of the real window: first along the
/// whole line with the layer frozen (the UI and the renderer alone), then again with the
/// layer recomputed for each new window (the compute thread competing).
#[derive(Debug, Default)]
pub struct PanBench {
    pub frames: usize,
    /// [frozen, live].
    pub times_s: [Vec<f64>; 2],
    pub(super) last: Option<std::time::Instant>,
    /// Layers that arrived during the live pass.
    pub layers: usize,
}

impl PanBench {
    pub fn new(frames: usize) -> Self {
        Self { frames, ..Self::default() }
    }

    /// 0 while the layer is frozen, 1 while it is live, 2 when done.
    pub(super) fn pass(&self) -> usize {
        self.times_s.iter().take_while(|t| t.len() >= self.frames).count()
    }

    pub fn report(&self) -> String {
        let line = |name: &str, times: &[f64]| {
            let mut t = times.to_vec();
            t.sort_by(f64::total_cmp);
            let at = |q: f64| t.get(((t.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN);
            let mean = t.iter().sum::<f64>() / t.len().max(1) as f64;
            format!(
                "  {name:<14} {} frames: mean {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
                t.len(),
                1e3 * mean,
                1e3 * at(0.5),
                1e3 * at(0.95),
                1e3 * at(1.0)
            )
        };
        format!(
            "pan benchmark, along the whole line, 100 km across the view\n{}\n{} ({} coverage layers redrawn)",
            line("layer frozen", &self.times_s[0]),
            line("layer live", &self.times_s[1]),
            self.layers
        )
    }
}
