//! Quick-look pictures, PNG, drawn with plotters and an embedded font (no system fonts): the
//! map of a run (the line, the sensors by modality, every event coloured by how many sensors
//! heard it), a class's coverage map, the along-line profiles, and the frame of the sizing plots.

mod fraction;
mod profile;
pub use fraction::{FractionChart, fraction_chart, legend};
pub use profile::draw_profiles;

use crate::error::{Error, Result};
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::Path;
use std::sync::OnceLock;

/// DejaVu Sans (free licence, assets/fonts/DejaVu-LICENSE.txt): text without system fonts.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Events drawn at most; beyond this the map keeps the first ones (memory stays bounded).
pub const MAX_PLOTTED_EVENTS: usize = 500_000;
pub const WIDTH_PX: u32 = 1600;

/// How well an event was heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Unheard,
    /// One or two sensors: detected but not locatable by time differences.
    Few,
    /// Three or more.
    Located,
}

/// A plotted event in plane coordinates (m).
#[derive(Debug, Clone, Copy)]
pub struct PlottedEvent {
    pub x: f32,
    pub y: f32,
    pub heard: Heard,
}

/// Everything the map shows.
pub struct RunMap<'a> {
    pub title: String,
    pub line_xy: &'a [[f64; 2]],
    /// Points inside side A and side B, for the side labels.
    pub side_labels: [[f64; 2]; 2],
    pub acoustic: Vec<[f64; 2]>,
    pub seismic: Vec<[f64; 2]>,
    /// Radars, cameras and RF detectors.
    pub sight: Vec<[f64; 2]>,
    pub events: &'a [PlottedEvent],
}

/// Register the embedded font with plotters once; every plot calls this first.
pub fn font_ready() -> std::result::Result<(), String> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
                .map_err(|_| "embedded font is invalid".to_string())
        })
        .clone()
}

pub fn draw(path: &Path, map: &RunMap<'_>) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: String| Error::output(&shown, format!("cannot draw the map: {e}"));
    font_ready().map_err(fail)?;
    let km = |p: &[f64; 2]| (p[0] / 1000.0, p[1] / 1000.0);
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    let events = map.events.iter().map(|p| [f64::from(p.x), f64::from(p.y)]);
    let everything = map
        .line_xy
        .iter()
        .copied()
        .chain(map.acoustic.iter().copied())
        .chain(map.seismic.iter().copied())
        .chain(map.sight.iter().copied());
    for p in everything.chain(events) {
        let (x, y) = km(&p);
        lo = [lo[0].min(x), lo[1].min(y)];
        hi = [hi[0].max(x), hi[1].max(y)];
    }
    let pad = 0.08 * (hi[0] - lo[0]).max(hi[1] - lo[1]).max(10.0);
    let (x0, x1, y0, y1) = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad);
    // Equal scale on both axes: the plot area keeps the map's aspect ratio.
    let height = ((f64::from(WIDTH_PX) - 100.0) * (y1 - y0) / (x1 - x0) + 140.0).clamp(400.0, 2400.0) as u32;
    let root = BitMapBackend::new(path, (WIDTH_PX, height)).into_drawing_area();
    let e = |x: &dyn std::fmt::Display| fail(x.to_string());
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&map.title, ("sans-serif", 26))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|x| e(&x))?;
    chart
        .configure_mesh()
        .x_desc("x (km, working plane)")
        .y_desc("y (km)")
        .light_line_style(WHITE)
        .label_style(("sans-serif", 16))
        .draw()
        .map_err(|x| e(&x))?;
    let layers = [
        (Heard::Located, RGBColor(150, 150, 150), "event heard by ≥3 sensors"),
        (Heard::Few, RGBColor(240, 150, 0), "event heard by 1–2 sensors"),
        (Heard::Unheard, RGBColor(220, 0, 0), "event not heard"),
    ];
    for (heard, colour, label) in layers {
        chart
            .draw_series(
                map.events
                    .iter()
                    .filter(|p| p.heard == heard)
                    .map(|p| Circle::new((f64::from(p.x) / 1000.0, f64::from(p.y) / 1000.0), 1, colour.filled())),
            )
            .map_err(|x| e(&x))?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, colour.filled()));
    }
    for (points, colour, label) in [
        (&map.acoustic, RGBColor(0, 90, 200), "acoustic sensor"),
        (&map.seismic, RGBColor(0, 150, 70), "seismic sensor"),
        (&map.sight, RGBColor(150, 40, 170), "radar, camera or RF sensor"),
    ] {
        chart
            .draw_series(points.iter().map(|p| Circle::new(km(p), 2, colour.filled())))
            .map_err(|x| e(&x))?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, colour.filled()));
    }
    chart
        .draw_series(LineSeries::new(map.line_xy.iter().map(km), BLACK.stroke_width(2)))
        .map_err(|x| e(&x))?
        .label("line of contact")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
    for (p, text) in map.side_labels.iter().zip(["side A", "side B"]) {
        chart.draw_series(std::iter::once(Text::new(text, km(p), ("sans-serif", 22)))).map_err(|x| e(&x))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|x| e(&x))?;
    root.present().map_err(|x| e(&x))?;
    Ok(())
}

/// Viridis (Smith & van der Walt, matplotlib's default map), by linear interpolation between
/// nine of its published anchor colours: perceptually uniform and readable in grey.
fn viridis(v: f32) -> RGBColor {
    const ANCHORS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = v.clamp(0.0, 1.0) * (ANCHORS.len() - 1) as f32;
    let k = (t.floor() as usize).min(ANCHORS.len() - 2);
    let f = t - k as f32;
    let mix = |a: u8, b: u8| (f32::from(a) + f * (f32::from(b) - f32::from(a))).round() as u8;
    let (a, b) = (ANCHORS[k], ANCHORS[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The verifiable-probability map of one class, with a colour bar, the line and the sensors.
pub fn draw_coverage(
    path: &Path,
    map: &crate::coverage::map::ClassMap,
    line_xy: &[[f64; 2]],
    sensors: &[[f64; 2]],
    title: &str,
) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: String| Error::output(&shown, format!("cannot draw the coverage map: {e}"));
    font_ready().map_err(fail)?;
    let e = |x: &dyn std::fmt::Display| fail(x.to_string());
    let c = &map.corridor;
    let half = 0.5 * c.resolution_m / 1000.0;
    let (x0, x1) = (c.x(0) / 1000.0 - half, c.x(c.nx - 1) / 1000.0 + half);
    let (y0, y1) = (c.y(0) / 1000.0 - half, c.y(c.ny - 1) / 1000.0 + half);
    let height = ((f64::from(WIDTH_PX) - 260.0) * (y1 - y0) / (x1 - x0) + 140.0).clamp(400.0, 2400.0) as u32;
    let root = BitMapBackend::new(path, (WIDTH_PX, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let (main, side) = root.split_horizontally(WIDTH_PX - 150);
    let mut chart = ChartBuilder::on(&main)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|x| e(&x))?;
    chart
        .configure_mesh()
        .x_desc("x (km, working plane)")
        .y_desc("y (km)")
        .light_line_style(WHITE)
        .label_style(("sans-serif", 16))
        .draw()
        .map_err(|x| e(&x))?;
    let p = &map.preview;
    let pixel_km = p.factor as f64 * c.resolution_m / 1000.0;
    let cells = (0..p.height).flat_map(|j| (0..p.width).map(move |i| (i, j)));
    chart
        .draw_series(cells.filter_map(|(i, j)| {
            p.value(i, j).map(|v| {
                let (left, bottom) = (x0 + i as f64 * pixel_km, y0 + j as f64 * pixel_km);
                Rectangle::new([(left, bottom), (left + pixel_km, bottom + pixel_km)], viridis(v).filled())
            })
        }))
        .map_err(|x| e(&x))?;
    chart
        .draw_series(LineSeries::new(line_xy.iter().map(|p| (p[0] / 1000.0, p[1] / 1000.0)), WHITE.stroke_width(2)))
        .map_err(|x| e(&x))?;
    chart
        .draw_series(sensors.iter().map(|s| Circle::new((s[0] / 1000.0, s[1] / 1000.0), 1, BLACK.filled())))
        .map_err(|x| e(&x))?;
    // Colour bar.
    let mut bar = ChartBuilder::on(&side)
        .margin_top(80)
        .margin_bottom(80)
        .margin_right(30)
        .y_label_area_size(45)
        .caption("verifiable", ("sans-serif", 16))
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(|x| e(&x))?;
    bar.configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .disable_x_axis()
        .y_labels(6)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(|x| e(&x))?;
    bar.draw_series((0..100).map(|k| {
        let v = k as f64 / 100.0;
        Rectangle::new([(0.0, v), (1.0, v + 0.01)], viridis(v as f32).filled())
    }))
    .map_err(|x| e(&x))?;
    root.present().map_err(|x| e(&x))?;
    Ok(())
}
