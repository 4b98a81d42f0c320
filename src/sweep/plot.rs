//! The sweep's plots: for each axis, one PNG with a panel per headline metric, and one per
//! group of metrics (a class's, a class's coverage) with a panel for every metric in it that
//! was measured; each panel shows each point's estimate against the axis value with its 95 %
//! interval.

use super::SweepDir;
use super::summary::{Summary, headline};
use crate::error::{Error, Result};
use crate::plot::{WIDTH_PX, font_ready};
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Height of one panel, px; panels are laid out three across.
const PANEL_PX: u32 = 300;
const COLUMNS: usize = 3;

/// `sweep.h5` → beside it, per axis: `sweep-<axis>.png` (headline metrics) and
/// `sweep-<axis>-<group>.png` for each group of metrics (`artillery`, `coverage_artillery`, …).
pub fn draw(out: &Path, dir: &SweepDir, summaries: &[Summary], names: &[String]) -> Result<Vec<PathBuf>> {
    let measured: Vec<usize> =
        (0..names.len()).filter(|&j| summaries.iter().any(|s| s.metrics[j].0.is_finite())).collect();
    let mut pages: Vec<(String, Vec<usize>)> = Vec::new();
    let shown_metrics = headline(names, summaries);
    if !shown_metrics.is_empty() {
        pages.push((String::new(), shown_metrics));
    }
    for &j in &measured {
        let group = names[j].rsplit_once('.').map_or("metrics", |(g, _)| if g.is_empty() { "metrics" } else { g });
        match pages.iter_mut().find(|(g, _)| !g.is_empty() && g == group) {
            Some((_, members)) => members.push(j),
            None => pages.push((group.to_string(), vec![j])),
        }
    }
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sweep".into());
    let mut written = Vec::new();
    for (k, axis) in dir.sweep.axes.iter().enumerate() {
        for (group, members) in &pages {
            let name = if group.is_empty() {
                format!("{stem}-{}.png", slug(&axis.path))
            } else {
                format!("{stem}-{}-{}.png", slug(&axis.path), slug(group))
            };
            let path = out.with_file_name(name);
            draw_axis(&path, dir, k, summaries, names, members)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// A path or group as a file-name part: letters, digits and `_`.
fn slug(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

fn draw_axis(
    path: &Path,
    dir: &SweepDir,
    k: usize,
    summaries: &[Summary],
    names: &[String],
    metrics: &[usize],
) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: String| Error::output(&shown, format!("cannot draw the sweep plot: {e}"));
    font_ready().map_err(fail)?;
    let e = |x: &dyn std::fmt::Display| fail(x.to_string());
    let axis = &dir.sweep.axes[k];
    // Numeric axes plot at their values; others at their position, labelled.
    let x_of = |v: usize| if axis.is_numeric() { axis.number(v).unwrap_or(v as f64) } else { v as f64 };
    let xs: Vec<f64> = (0..axis.values.len()).map(x_of).collect();
    let (x_min, x_max) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let pad = if x_max > x_min { 0.08 * (x_max - x_min) } else { 1.0 };
    let rows = metrics.len().div_ceil(COLUMNS);
    let root = BitMapBackend::new(path, (WIDTH_PX, 60 + PANEL_PX * rows as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let title = format!(
        "{}: metrics against {} ({} replicas per point, 95 % intervals)",
        dir.loaded.scenario.name, axis.path, dir.sweep.replicas
    );
    let root = root.titled(&title, ("sans-serif", 22)).map_err(|x| e(&x))?;
    let panels = root.split_evenly((rows, COLUMNS));
    for (panel, &j) in panels.iter().zip(metrics) {
        let points: Vec<(f64, f64, f64, f64)> = summaries
            .iter()
            .map(|s| (x_of(s.values[k]), s.metrics[j].0, s.metrics[j].1, s.metrics[j].2))
            .filter(|p| p.1.is_finite())
            .collect();
        let finite = points.iter().flat_map(|p| [p.1, p.2, p.3]).filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let margin = if hi > lo { 0.1 * (hi - lo) } else { 0.05 * hi.abs().max(1.0) };
        let mut chart = ChartBuilder::on(panel)
            .caption(&names[j], ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(60)
            .build_cartesian_2d((x_min - pad)..(x_max + pad), (lo - margin)..(hi + margin))
            .map_err(|x| e(&x))?;
        let labels = |x: &f64| {
            if axis.is_numeric() {
                format!("{x}")
            } else {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < axis.values.len() {
                    axis.label(i as usize)
                } else {
                    String::new()
                }
            }
        };
        chart
            .configure_mesh()
            .x_desc(axis.path.as_str())
            .x_label_formatter(&labels)
            .light_line_style(WHITE)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|x| e(&x))?;
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| p.2.is_finite() && p.3.is_finite())
                    .map(|&(x, m, l, h)| ErrorBar::new_vertical(x, l, m, h, BLUE.stroke_width(2), 10)),
            )
            .map_err(|x| e(&x))?;
        chart
            .draw_series(points.iter().map(|&(x, m, _, _)| Circle::new((x, m), 4, BLUE.filled())))
            .map_err(|x| e(&x))?;
    }
    root.present().map_err(|x| e(&x))?;
    Ok(())
}
