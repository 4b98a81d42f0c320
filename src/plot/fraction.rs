//! A chart of a covered fraction (0–1) against a quantity (cost, sensors lost), with a target
//! line and a legend: the frame the sizing plots share.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub type FractionChart<'a> = ChartContext<'a, BitMapBackend<'a>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes 0..`x_max` by 0..1.02 with their descriptions, a title, and the target as a
/// horizontal line in the legend.
pub fn fraction_chart<'a>(
    root: &DrawingArea<BitMapBackend<'a>, Shift>,
    title: &str,
    x: (f64, &str),
    y_desc: &str,
    target: f64,
) -> Result<FractionChart<'a>, String> {
    let e = |x: &dyn std::fmt::Display| x.to_string();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x.0, 0.0..1.02)
        .map_err(|x| e(&x))?;
    chart.configure_mesh().x_desc(x.1).y_desc(y_desc).label_style(("sans-serif", 14)).draw().map_err(|x| e(&x))?;
    chart
        .draw_series(LineSeries::new([(0.0, target), (x.0, target)], BLACK.stroke_width(1)))
        .map_err(|x| e(&x))?
        .label(format!("target {target:.2}"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK));
    Ok(chart)
}

/// Draw the legend at `position` (after every series is labelled).
pub fn legend(chart: &mut FractionChart, position: SeriesLabelPosition) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(|x| x.to_string())
}
