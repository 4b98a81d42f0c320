//! The two charts under the map (egui_plot): a profile along the line against its target, and
//! a histogram of localisation errors on a log scale.

use super::state::{Mode, ViewerApp};
use egui::Color32;
use egui_plot::{Bar, BarChart, HLine, Line, Plot, PlotPoints, VLine};

/// Bins per decade of the error histogram.
const BINS_PER_DECADE: f64 = 4.0;

/// A profile: `values[i]` over the bin starting at `chainage_km[i]`, with a target line and
/// the gaps shaded.
pub fn profile(
    ui: &mut egui::Ui,
    title: &str,
    chainage_km: &[f64],
    values: &[f64],
    target: Option<f64>,
    gaps: &[[f64; 2]],
) {
    ui.label(title);
    Plot::new(title).include_y(0.0).include_y(1.0).x_axis_label("chainage, km").allow_scroll(false).show(ui, |plot| {
        let points: PlotPoints =
            chainage_km.iter().zip(values).filter(|(_, v)| v.is_finite()).map(|(&x, &y)| [x, y]).collect();
        plot.line(Line::new(title, points).color(Color32::from_rgb(40, 120, 200)));
        if let Some(t) = target {
            plot.hline(HLine::new(format!("target {t}"), t).color(Color32::from_rgb(200, 60, 40)));
        }
        for (k, [a, b]) in gaps.iter().enumerate() {
            let name = if k == 0 { "gap" } else { "" };
            for x in [*a, *b] {
                plot.vline(VLine::new(name, x).color(Color32::from_rgba_unmultiplied(200, 60, 40, 90)));
            }
        }
    });
}

/// Counts of `values_m` in log10 bins: (bin centre in log10 m, count).
pub fn log_histogram(values_m: &[f64]) -> Vec<(f64, usize)> {
    let logs: Vec<f64> = values_m.iter().filter(|v| v.is_finite() && **v > 0.0).map(|v| v.log10()).collect();
    let (Some(lo), Some(hi)) = (logs.iter().copied().reduce(f64::min), logs.iter().copied().reduce(f64::max)) else {
        return Vec::new();
    };
    let first = (lo * BINS_PER_DECADE).floor() as i64;
    let last = (hi * BINS_PER_DECADE).floor() as i64;
    let mut counts = vec![0usize; (last - first + 1) as usize];
    for l in logs {
        counts[((l * BINS_PER_DECADE).floor() as i64 - first) as usize] += 1;
    }
    counts.into_iter().enumerate().map(|(k, n)| (((first + k as i64) as f64 + 0.5) / BINS_PER_DECADE, n)).collect()
}

pub fn histogram(ui: &mut egui::Ui, title: &str, values_m: &[f64]) {
    ui.label(title);
    let width = 0.9 / BINS_PER_DECADE;
    let bars: Vec<Bar> = log_histogram(values_m).into_iter().map(|(x, n)| Bar::new(x, n as f64).width(width)).collect();
    Plot::new(title)
        .x_axis_label("log10 of the error, m")
        .allow_scroll(false)
        .show(ui, |plot| plot.bar_chart(BarChart::new(title, bars).color(Color32::from_rgb(90, 160, 90))));
}

/// The data the plots draw, computed from the mode.
pub fn plot_data(app: &ViewerApp) -> Option<PlotData> {
    match &app.mode {
        Mode::WhatIf(w) => w.summary.as_ref().map(|s| PlotData {
            profile_title: "mean verifiable probability along the line".into(),
            chainage_km: s.profile.bin_starts().iter().map(|b| b + 0.5 * s.profile.bin_km).collect(),
            profile: s.profile.mean_verifiable(),
            target: Some(s.target),
            gaps: s.gaps.iter().map(|g| [g.start_km, g.end_km]).collect(),
            histogram_title: "predicted cross-line error σn of the cells (coverage)".into(),
            errors_m: s.sigma_n_m.iter().map(|&v| f64::from(v)).collect(),
        }),
        Mode::Replay(r) => {
            let (chainage_km, located) = r.located.clone();
            Some(PlotData {
                profile_title: "fraction of events located along the line".into(),
                chainage_km,
                profile: located,
                target: None,
                gaps: Vec::new(),
                histogram_title: "localisation error of the estimates (truth known)".into(),
                errors_m: r.replay.errors_m(),
            })
        }
        _ => None,
    }
}

pub struct PlotData {
    pub profile_title: String,
    pub chainage_km: Vec<f64>,
    pub profile: Vec<f64>,
    pub target: Option<f64>,
    pub gaps: Vec<[f64; 2]>,
    pub histogram_title: String,
    pub errors_m: Vec<f64>,
}

pub fn draw_plots(ui: &mut egui::Ui, data: &PlotData) {
    ui.columns(2, |columns| {
        profile(&mut columns[0], &data.profile_title, &data.chainage_km, &data.profile, data.target, &data.gaps);
        histogram(&mut columns[1], &data.histogram_title, &data.errors_m);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_histogram_counts_every_finite_positive_value_once() {
        let values = [1.0, 9.0, 10.0, 11.0, 100.0, 1000.0, f64::NAN, f64::INFINITY, 0.0, -3.0];
        let bins = log_histogram(&values);
        assert_eq!(bins.iter().map(|b| b.1).sum::<usize>(), 6);
        // 10 and 11 share the bin [1, 1.25) in log10; 9 is in the one below.
        let bin_of = |v: f64| bins.iter().find(|(c, _)| (v.log10() - c).abs() <= 0.5 / BINS_PER_DECADE).map(|b| b.1);
        assert_eq!(bin_of(10.5), Some(2));
        assert_eq!(bin_of(9.0), Some(1));
        assert!(log_histogram(&[f64::NAN]).is_empty());
    }
}
