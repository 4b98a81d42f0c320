//! A picture of the waveforms: the launch with a linked impact whose windows are most numerous,
//! a few of its sensors' traces (the strongest) beside a few of its impact's, each normalised to
//! its own peak, with the picks marked. What the README shows.

use super::gpu::WaveformKernel;
use super::{Plan, WaveformOptions};
use crate::error::{Error, Result};
use crate::events::EventKind;
use crate::export::source::Source;
use crate::plot::{WIDTH_PX, font_ready};
use plotters::prelude::*;
use std::path::Path;

/// Traces per column.
const TRACES: usize = 4;

pub fn draw(
    path: &Path,
    source: &Source,
    options: &WaveformOptions,
    plan: &Plan,
    kernel: &WaveformKernel<'_>,
) -> Result<()> {
    let shown = path.display().to_string();
    let fail = |e: String| Error::output(&shown, format!("cannot draw the waveforms: {e}"));
    font_ready().map_err(fail)?;
    let e = |x: &dyn std::fmt::Display| fail(x.to_string());
    // Windows per event, strongest first.
    let windows_of = |event_id: i64| {
        let mut mine: Vec<usize> =
            (0..plan.rows.len()).filter(|&w| source.detections[plan.rows[w]].event_id == event_id).collect();
        mine.sort_by(|&a, &b| {
            source.detections[plan.rows[b]].snr_db.total_cmp(&source.detections[plan.rows[a]].snr_db)
        });
        mine.truncate(TRACES);
        mine
    };
    // Artillery's if the scenario has it (the README's picture), else any class's.
    let score = |ev: &&crate::output::EventRecord| {
        let preferred = usize::from(source.class_name(ev) == "artillery");
        preferred * 1_000_000 + windows_of(i64::from(ev.id)).len() * 1000 + windows_of(ev.linked_id).len()
    };
    let launch = source
        .events
        .iter()
        .filter(|ev| ev.kind == EventKind::Launch && ev.linked_id >= 0)
        .filter(|ev| !windows_of(i64::from(ev.id)).is_empty() && !windows_of(ev.linked_id).is_empty())
        .max_by_key(score)
        .ok_or_else(|| fail("no launch with a linked impact has waveforms of both".into()))?;
    let columns = [("launch", windows_of(i64::from(launch.id))), ("impact", windows_of(launch.linked_id))];
    let samples = options.samples() as usize;
    let root = BitMapBackend::new(path, (WIDTH_PX, 80 + 150 * TRACES as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let title = format!(
        "{}: {} launch {} and its impact: sensor waveforms, each scaled to its peak, picks marked in red",
        source.scenario_name,
        source.class_name(launch),
        launch.id
    );
    let root = root.titled(&title, ("sans-serif", 20)).map_err(|x| e(&x))?;
    for (panel, (kind, windows)) in root.split_evenly((1, 2)).iter().zip(&columns) {
        let traces = plan.synthesise(kernel, options, source.seed, windows.iter().copied())?;
        // From 0.2 s before the pick to 1 s after (the window starts `pre_s` before it).
        let shown_from = (options.pre_s - 0.2).max(0.0);
        let shown_to = (options.pre_s + 1.0).min(samples as f64 / options.rate_hz);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{kind}: {} strongest windows", windows.len()), ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(150)
            .build_cartesian_2d(shown_from..shown_to, -0.5..(TRACES as f64 - 0.5))
            .map_err(|x| e(&x))?;
        let labels: Vec<String> = windows
            .iter()
            .map(|&w| {
                let d = &source.detections[plan.rows[w]];
                format!("{} {} {:.0} dB", super::super::quakeml::modality_word(d.modality), d.sensor_id, d.snr_db)
            })
            .collect();
        let label_of = |y: &f64| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(format!("s from the window's start ({} s before the pick)", options.pre_s))
            .y_label_formatter(&label_of)
            .y_labels(TRACES + 1)
            .light_line_style(WHITE)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|x| e(&x))?;
        for (k, (&w, trace)) in windows.iter().zip(traces.chunks(samples)).enumerate() {
            let peak = trace.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
            let points = trace
                .iter()
                .enumerate()
                .map(|(i, v)| (i as f64 / options.rate_hz, k as f64 + 0.4 * f64::from(v / peak)))
                .filter(|(t, _)| (shown_from..=shown_to).contains(t));
            chart.draw_series(LineSeries::new(points, BLACK.stroke_width(1))).map_err(|x| e(&x))?;
            let pick = source.detections[plan.rows[w]].t_s - f64::from(plan.windows[w].first_sample) / options.rate_hz;
            chart
                .draw_series(LineSeries::new([(pick, k as f64 + 0.42), (pick, k as f64 + 0.49)], RED.stroke_width(3)))
                .map_err(|x| e(&x))?;
        }
    }
    root.present().map_err(|x| e(&x))
}
