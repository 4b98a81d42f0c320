//! The along-line profile of every mapped class: the fraction of cells within the profile depth
//! that are verifiable at the target, per chainage bin, with the target and the gaps marked.

use super::{WIDTH_PX, font_ready};
use crate::coverage::map::ClassMap;
use crate::error::{Error, Result};
use plotters::prelude::*;
use std::path::Path;

/// Height of one class's panel, px.
const PANEL_PX: u32 = 230;
/// Light red of the gap stretches.
const GAP_FILL: RGBColor = RGBColor(250, 200, 200);

/// One panel per class, stacked, sharing the chainage axis.
pub fn draw_profiles(path: &Path, maps: &[ClassMap], target: f64, depth_km: f64, title: &str) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: String| Error::output(&shown, format!("cannot draw the profile plot: {e}"));
    font_ready().map_err(fail)?;
    let e = |x: &dyn std::fmt::Display| fail(x.to_string());
    if maps.is_empty() {
        return Err(fail("no class was mapped".to_string()));
    }
    let height = 60 + PANEL_PX * maps.len() as u32;
    let root = BitMapBackend::new(path, (WIDTH_PX, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let root = root.titled(title, ("sans-serif", 24)).map_err(|x| e(&x))?;
    let panels = root.split_evenly((maps.len(), 1));
    for (panel, map) in panels.iter().zip(maps) {
        let p = &map.profile;
        let length_km = p.cells.len() as f64 * p.bin_km;
        let mut chart = ChartBuilder::on(panel)
            .caption(
                format!(
                    "{}: {:.1} % of cells within {depth_km} km verifiable at {target}, {} gaps",
                    map.class,
                    100.0 * map.covered_fraction(),
                    map.gaps.len()
                ),
                ("sans-serif", 17),
            )
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..length_km, 0.0..1.0)
            .map_err(|x| e(&x))?;
        chart
            .configure_mesh()
            .x_desc("chainage along the line (km)")
            .y_desc("fraction verifiable")
            .y_labels(6)
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(|x| e(&x))?;
        chart
            .draw_series(
                map.gaps.iter().map(|g| Rectangle::new([(g.start_km, 0.0), (g.end_km, 1.0)], GAP_FILL.filled())),
            )
            .map_err(|x| e(&x))?;
        chart
            .draw_series(LineSeries::new([(0.0, target), (length_km, target)], RED.stroke_width(1)))
            .map_err(|x| e(&x))?;
        // The fraction of cells at or above the target, and the mean verifiable probability
        // (the gaps are where the mean falls below the target).
        let series = [
            (p.covered_fraction(), BLUE, "fraction of cells ≥ target"),
            (p.mean_verifiable(), BLACK, "mean verifiable"),
        ];
        for (values, colour, label) in series {
            for (n, steps) in steps(&values, p.bin_km).into_iter().enumerate() {
                let drawn = chart.draw_series(LineSeries::new(steps, colour.stroke_width(1))).map_err(|x| e(&x))?;
                if n == 0 {
                    drawn.label(label).legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour));
                }
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|x| e(&x))?;
    }
    root.present().map_err(|x| e(&x))?;
    Ok(())
}

/// A staircase per run of bins that hold cells; empty bins (beyond the mapped stretch) break it.
fn steps(values: &[f64], bin_km: f64) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for (b, v) in values.iter().enumerate() {
        if v.is_finite() {
            let x = b as f64 * bin_km;
            if let Some(run) = runs.last_mut() {
                run.extend([(x, *v), (x + bin_km, *v)]);
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

#[cfg(test)]
mod tests {
    use super::steps;

    #[test]
    fn empty_bins_break_the_staircase() {
        let runs = steps(&[0.5, f64::NAN, f64::NAN, 1.0, 0.0], 2.0);
        assert_eq!(runs, vec![vec![(0.0, 0.5), (2.0, 0.5)], vec![(6.0, 1.0), (8.0, 1.0), (8.0, 0.0), (10.0, 0.0)]]);
    }
}
