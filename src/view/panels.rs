//! The panels around the map: the top bar, the what-if controls and summary, the replay
//! controls and the selected event, the legend, and what the replay draws on the map. Long
//! because egui's immediate mode writes a panel's layout, state changes and events together;
//! each function is one panel.

use super::edit::Field;
use super::map::{self, MapView, SIDE_A, SIDE_B};
use super::plots::{draw_plots, plot_data};
use super::replay::{Replay, ReplayEvent, verdict};
use super::state::{Mode, ReplayState, ViewerApp, WhatIf};
use crate::coverage::paint::{Metric, viridis};
use crate::geo::ContactLine;
use crate::output::records::SideCode;
use crate::scenario::{Modality, TimeOfDay};
use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, pos2, vec2};
use toml_edit::Value;

pub fn top_bar(ui: &mut egui::Ui, app: &ViewerApp) {
    egui::Panel::top("top").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong("linewatch");
            // The file's name here, its whole path on hover.
            let name = |p: &str| {
                std::path::Path::new(p).file_name().map_or_else(|| p.to_string(), |n| n.to_string_lossy().into_owned())
            };
            let (what, path) = match &app.mode {
                Mode::WhatIf(w) => {
                    (format!("scenario '{}' ({})", w.loaded.scenario.name, name(&w.loaded.file)), w.loaded.file.clone())
                }
                Mode::Replay(r) => (
                    format!(
                        "replay of {} (schema version {}, scenario '{}')",
                        name(&r.replay.file),
                        r.replay.schema_version,
                        r.replay.scenario_name
                    ),
                    r.replay.file.clone(),
                ),
                Mode::Loading(p, _) => (format!("reading {}", p.display()), p.display().to_string()),
                Mode::Failed(_) => ("no file open".into(), String::new()),
            };
            ui.label(what).on_hover_text(path);
            ui.separator();
            ui.label(format!("device: {}", app.adapter()));
            if app.busy() {
                ui.separator();
                ui.spinner();
                ui.label("computing");
            }
        });
    });
}

pub fn side_panel(ui: &mut egui::Ui, app: &mut ViewerApp) {
    if let Some(e) = &app.error {
        ui.colored_label(Color32::from_rgb(190, 30, 30), e);
        ui.separator();
    }
    let mut action: Option<Action> = None;
    match &mut app.mode {
        Mode::WhatIf(w) => whatif_panel(ui, w, &mut app.opacity, &mut action),
        Mode::Replay(r) => replay_panel(ui, r, &mut app.opacity),
        Mode::Loading(..) => {
            ui.spinner();
        }
        Mode::Failed(message) => {
            ui.heading("cannot open the file");
            ui.colored_label(Color32::from_rgb(190, 30, 30), message.as_str());
        }
    }
    match action {
        Some(Action::Class(c)) => app.set_class(c),
        Some(Action::Metric(m)) => app.set_metric(m),
        Some(Action::Edit(field, value)) => app.edit(&field, value),
        Some(Action::AllOn) => {
            if let Mode::WhatIf(w) = &app.mode {
                let ids: Vec<u32> = w.switched_off.iter().copied().collect();
                app.toggle_sensors(&ids);
            }
        }
        Some(Action::Save) => app.save(),
        None => {}
    }
}

/// What a control asked for; applied once the panel has been drawn.
enum Action {
    Class(usize),
    Metric(Metric),
    Edit(Field, Value),
    AllOn,
    Save,
}

/// A number field that edits the scenario when the user lets go of it (not on every pixel of
/// a drag: each edit reloads the scene).
fn number(ui: &mut egui::Ui, label: &str, value: f64, speed: f64, field: Field, action: &mut Option<Action>) {
    let mut v = value;
    ui.horizontal(|ui| {
        ui.label(label);
        let r = ui.add(egui::DragValue::new(&mut v).speed(speed).max_decimals(3));
        if (r.drag_stopped() || r.lost_focus() || (r.changed() && !r.dragged())) && v != value && v.is_finite() {
            *action = Some(Action::Edit(field, Value::from(v)));
        }
    });
}

fn whatif_panel(ui: &mut egui::Ui, w: &mut WhatIf, opacity: &mut f32, action: &mut Option<Action>) {
    ui.heading("Coverage layer");
    if let Some(scene) = &w.scene {
        let mut class = w.class;
        egui::ComboBox::from_label("class").selected_text(scene.classes.get(class).map_or("", String::as_str)).show_ui(
            ui,
            |ui| {
                for (k, name) in scene.classes.iter().enumerate() {
                    ui.selectable_value(&mut class, k, name);
                }
            },
        );
        if class != w.class {
            *action = Some(Action::Class(class));
        }
    }
    let mut metric = w.metric;
    egui::ComboBox::from_label("metric").selected_text(metric.name()).show_ui(ui, |ui| {
        for m in Metric::ALL {
            ui.selectable_value(&mut metric, m, m.name());
        }
    });
    if metric != w.metric {
        *action = Some(Action::Metric(metric));
    }
    ui.add(egui::Slider::new(opacity, 0.0..=1.0).text("opacity"));
    ui.separator();
    ui.heading("Summary");
    match &w.summary {
        Some(s) => {
            let class = w.scene.as_ref().and_then(|sc| sc.classes.get(s.class)).map_or("?", String::as_str);
            egui::Grid::new("summary").num_columns(2).show(ui, |ui| {
                ui.label(format!("{class} covered"));
                ui.strong(format!("{:.1} %", 100.0 * s.covered_fraction));
                ui.end_row();
                ui.label("gaps");
                ui.label(format!(
                    "{} (longest {:.0} km)",
                    s.gaps.len(),
                    s.gaps.iter().map(|g| g.end_km - g.start_km).fold(0.0, f64::max)
                ));
                ui.end_row();
                ui.label("sensors on");
                ui.strong(format!("{} of {}", s.sensors_on, s.sensors_total));
                ui.end_row();
                ui.label("cost");
                ui.strong(format!("{:.2} M EUR", s.cost_eur / 1e6));
                ui.end_row();
            });
            ui.small(format!(
                "verifiable ≥ {} within the profile depth, on {} cells at {:.1} km",
                s.target,
                s.cells,
                s.resolution_m / 1000.0
            ))
            .on_hover_text(format!("{} (cell, sensor) pairs in {:.2} s", s.pairs, s.seconds));
        }
        None => {
            ui.spinner();
        }
    }
    ui.separator();
    ui.heading("What if");
    ui.small("Click a sensor to switch it off or on; shift-drag a box to switch off every sensor in it.");
    if !w.switched_off.is_empty() {
        ui.horizontal(|ui| {
            ui.label(format!("{} switched off by hand", w.switched_off.len()));
            if ui.button("all on").clicked() {
                *action = Some(Action::AllOn);
            }
        });
    }
    let s = &w.loaded.scenario;
    for (i, row) in s.rows.iter().enumerate() {
        egui::CollapsingHeader::new(format!("row {}", row.name)).id_salt(("row", i)).default_open(i < 2).show(
            ui,
            |ui| {
                let mut modality = row.modality;
                egui::ComboBox::from_id_salt(("modality", i)).selected_text(modality.name()).show_ui(ui, |ui| {
                    for m in Modality::ALL {
                        ui.selectable_value(&mut modality, m, m.name());
                    }
                });
                if modality != row.modality {
                    *action = Some(Action::Edit(Field::Row(i, "modality"), Value::from(modality.name())));
                }
                if row.positions.is_some() {
                    ui.small("placed from a file: not editable here");
                    return;
                }
                if let Some(v) = row.offset_km {
                    number(ui, "offset, km", v, 0.05, Field::Row(i, "offset_km"), action);
                }
                if let Some(v) = row.spacing_km {
                    number(ui, "spacing, km", v, 0.02, Field::Row(i, "spacing_km"), action);
                }
                if matches!(row.modality, Modality::Acoustic | Modality::Seismic | Modality::Rf) {
                    number(ui, "threshold, dB", row.threshold_or_default(), 0.1, Field::Row(i, "threshold_db"), action);
                }
            },
        );
    }
    egui::CollapsingHeader::new("environment").default_open(true).show(ui, |ui| {
        let env = &s.environment;
        number(ui, "wind, m/s", env.wind_speed_mps, 0.1, Field::Environment("wind_speed_mps"), action);
        number(ui, "wind from, °", env.wind_from_deg, 1.0, Field::Environment("wind_from_deg"), action);
        number(ui, "temperature, °C", env.temperature_c, 0.2, Field::Environment("temperature_c"), action);
        let mut time = s.coverage.time_of_day;
        ui.horizontal(|ui| {
            ui.radio_value(&mut time, TimeOfDay::Day, "day");
            ui.radio_value(&mut time, TimeOfDay::Night, "night");
        });
        if time != s.coverage.time_of_day {
            let name = if time == TimeOfDay::Day { "day" } else { "night" };
            *action = Some(Action::Edit(Field::Coverage("time_of_day"), Value::from(name)));
        }
    });
    ui.separator();
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut w.save_path).desired_width(200.0));
        if ui.button("Save TOML").clicked() {
            *action = Some(Action::Save);
        }
    });
    if let Some(m) = &w.message {
        ui.small(m.as_str());
    }
}

fn replay_panel(ui: &mut egui::Ui, r: &mut ReplayState, opacity: &mut f32) {
    if !r.replay.coverage_classes.is_empty() {
        ui.heading("Coverage in the file");
        let mut class = r.stored_choice.as_ref().map(|c| c.0.clone());
        let mut metric = r.stored_choice.as_ref().map_or(Metric::Verifiable, |c| c.1);
        egui::ComboBox::from_label("stored class").selected_text(class.as_deref().unwrap_or("none")).show_ui(
            ui,
            |ui| {
                ui.selectable_value(&mut class, None, "none");
                for c in &r.replay.coverage_classes {
                    ui.selectable_value(&mut class, Some(c.clone()), c);
                }
            },
        );
        egui::ComboBox::from_label("stored metric").selected_text(metric.name()).show_ui(ui, |ui| {
            for m in Metric::ALL {
                ui.selectable_value(&mut metric, m, m.name());
            }
        });
        r.stored_choice = class.map(|c| (c, metric));
        ui.add(egui::Slider::new(opacity, 0.0..=1.0).text("opacity"));
        ui.separator();
    }
    ui.heading("Replay");
    let duration = r.replay.duration_s.max(1.0);
    ui.add(egui::Slider::new(&mut r.time_s, 0.0..=duration).text("time, s"));
    ui.horizontal(|ui| {
        if ui.button(if r.playing { "pause" } else { "play" }).clicked() {
            r.playing = !r.playing;
            if r.time_s >= duration {
                r.time_s = 0.0;
            }
        }
        if ui.button("step").clicked() {
            r.time_s = (r.time_s + r.trail_s).min(duration);
        }
        ui.label(format!(
            "{:02}:{:02}:{:02}",
            (r.time_s / 3600.0) as u32,
            (r.time_s / 60.0) as u32 % 60,
            r.time_s as u32 % 60
        ));
    });
    ui.add(egui::Slider::new(&mut r.speed, 1.0..=7200.0).logarithmic(true).text("speed, × real time"));
    ui.add(egui::Slider::new(&mut r.trail_s, 10.0..=3600.0).logarithmic(true).text("trail, s"));
    let window = r.replay.events_between(r.time_s - r.trail_s, r.time_s);
    let detections = r.replay.detections_between(r.time_s - r.trail_s, r.time_s);
    ui.label(format!("{} events and {} detections in the trail", window.len(), detections.len()));
    ui.small(format!(
        "{} events, {} detections, {} estimates in the file",
        r.replay.events.len(),
        r.replay.detections.len(),
        r.replay.estimates.len()
    ));
    ui.small("Click an event on the map to see its detections, estimate and verdict.");
    ui.separator();
    legend_sides(ui);
    let Some(id) = r.selected else { return };
    let Some(event) = r.replay.event(id) else { return };
    ui.heading(format!("event {id}"));
    let estimate = r.replay.estimate_of(id);
    let class = r.replay.class_names.get(usize::from(event.class)).map_or("?", String::as_str);
    egui::Grid::new("event").num_columns(2).show(ui, |ui| {
        for (k, v) in [
            ("class", format!("{class} ({:?})", event.kind)),
            ("time", format!("{:.1} s", event.t_s)),
            ("responsible", side_name(event.side).to_string()),
            ("detections", r.replay.detections_of(id).len().to_string()),
            ("verdict", verdict(event, estimate).to_string()),
        ] {
            ui.label(k);
            ui.strong(v);
            ui.end_row();
        }
        if let Some(e) = estimate {
            ui.label("estimate");
            ui.label(format!(
                "error {:.1} m, σ {:.1}×{:.1} m, confidence {:.3}",
                e.error_m, e.sigma_x_m, e.sigma_y_m, e.confidence
            ));
            ui.end_row();
        }
    });
    let detections = r.replay.detections_of(id);
    for d in detections.iter().take(12) {
        let modality = r.replay.sensor(d.sensor).map_or(0, |s| s.modality as usize);
        ui.small(format!(
            "sensor {} ({}) at {:.2} s{}",
            d.sensor,
            map::MODALITY_NAMES[modality.min(4)],
            d.t_s,
            if d.bearing_rad.is_finite() {
                format!(", bearing {:.1}°", d.bearing_rad.to_degrees())
            } else {
                String::new()
            }
        ));
    }
    if detections.len() > 12 {
        ui.small(format!("… and {} more", detections.len() - 12));
    }
}

fn side_name(side: SideCode) -> &'static str {
    match side {
        SideCode::A => "side A",
        SideCode::B => "side B",
        SideCode::Indeterminate => "indeterminate",
    }
}

fn side_colour(side: SideCode) -> Color32 {
    match side {
        SideCode::A => SIDE_A,
        SideCode::B => SIDE_B,
        SideCode::Indeterminate => map::INDETERMINATE,
    }
}

/// A filled dot of the colour, as a legend key.
fn swatch(ui: &mut egui::Ui, colour: Color32) {
    let (rect, _) = ui.allocate_exact_size(vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 5.0, colour);
}

fn legend_sides(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        for (name, colour) in [("side A", SIDE_A), ("side B", SIDE_B), ("indeterminate", map::INDETERMINATE)] {
            swatch(ui, colour);
            ui.label(name);
        }
    });
    ui.small("Events by responsible side; estimates (a cross with its 2σ ellipse) by attributed side.");
    ui.horizontal_wrapped(|ui| {
        for (name, colour) in map::MODALITY_NAMES.iter().zip(map::MODALITY_COLOURS) {
            swatch(ui, colour);
            ui.label(*name);
        }
    });
}

pub fn plots(ui: &mut egui::Ui, app: &ViewerApp) {
    match plot_data(app) {
        Some(data) => draw_plots(ui, &data),
        None => {
            ui.label("plots appear once the summary is computed");
        }
    }
}

/// The colour bar of the coverage layer, with the target marked (for the probabilities).
pub fn draw_legend(painter: &egui::Painter, screen: Rect, metric: Metric, target: f64) {
    let size = vec2(220.0, 14.0);
    let origin = screen.right_top() + vec2(-size.x - 16.0, 28.0);
    let frame = Rect::from_min_size(origin - vec2(8.0, 22.0), size + vec2(16.0, 44.0));
    painter.rect_filled(frame, 4.0, Color32::from_white_alpha(215));
    let steps = 64;
    for k in 0..steps {
        let t = (f64::from(k) + 0.5) / f64::from(steps);
        let [r, g, b] = viridis(t);
        let x0 = origin.x + size.x * k as f32 / steps as f32;
        painter.rect_filled(
            Rect::from_min_size(pos2(x0, origin.y), vec2(size.x / steps as f32 + 0.5, size.y)),
            0.0,
            Color32::from_rgb((r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8),
        );
    }
    let font = FontId::proportional(11.0);
    painter.text(origin - vec2(0.0, 4.0), Align2::LEFT_BOTTOM, metric.name(), font.clone(), Color32::BLACK);
    let label = |v: f64| if metric == Metric::SigmaN { format!("{v:.0} m") } else { format!("{v:.1}") };
    for t in [0.0, 0.5, 1.0] {
        let x = origin.x + size.x * t as f32;
        painter.text(
            pos2(x, origin.y + size.y + 2.0),
            Align2::CENTER_TOP,
            label(metric.value_at(t)),
            font.clone(),
            Color32::BLACK,
        );
    }
    if metric != Metric::SigmaN {
        let x = origin.x + size.x * metric.position(target) as f32;
        painter
            .line_segment([pos2(x, origin.y - 3.0), pos2(x, origin.y + size.y + 3.0)], Stroke::new(2.0, Color32::RED));
    }
}

/// Events, detections and estimates of the trail, on the map.
pub fn draw_replay(painter: &egui::Painter, view: &MapView, screen: Rect, r: &ReplayState) {
    let t0 = r.time_s - r.trail_s;
    let fade = |t: f64| (1.0 - ((r.time_s - t) / r.trail_s).clamp(0.0, 1.0) * 0.7) as f32;
    let events = &r.replay.events[r.replay.events_between(t0, r.time_s)];
    // Detections as rays from their sensors: along the bearing where there is one, to the
    // event otherwise; false alarms as a ring on the sensor.
    for d in &r.replay.detections[r.replay.detections_between(t0, r.time_s)] {
        let Some(sensor) = r.replay.sensor(d.sensor) else { continue };
        let from = view.to_screen(screen, [sensor.x, sensor.y]);
        let alpha = fade(d.t_s) * 0.6;
        let event = (d.event_id >= 0).then(|| r.replay.event(d.event_id as u32)).flatten();
        let colour = event.map_or(Color32::from_gray(80), |e| side_colour(e.side)).gamma_multiply(alpha);
        match (event, d.bearing_rad.is_finite()) {
            (Some(e), true) => {
                let length = (e.x - sensor.x).hypot(e.y - sensor.y).max(500.0);
                let b = f64::from(d.bearing_rad);
                let to = view.to_screen(screen, [sensor.x + length * b.sin(), sensor.y + length * b.cos()]);
                painter.line_segment([from, to], Stroke::new(1.0, colour));
            }
            (Some(e), false) => {
                painter.line_segment([from, view.to_screen(screen, [e.x, e.y])], Stroke::new(0.5, colour));
            }
            (None, _) => {
                painter.circle_stroke(from, 5.0, Stroke::new(1.0, colour));
            }
        }
    }
    for e in events {
        let at = view.to_screen(screen, [e.x, e.y]);
        let selected = r.selected == Some(e.id);
        painter.circle(
            at,
            if selected { 6.0 } else { 3.5 },
            side_colour(e.side).gamma_multiply(fade(e.t_s)),
            Stroke::new(if selected { 2.0 } else { 0.5 }, Color32::BLACK),
        );
    }
    for est in r.replay.estimates.iter().filter(|e| e.t0_s >= t0 && e.t0_s <= r.time_s) {
        let colour = side_colour(est.side);
        let at = view.to_screen(screen, [est.x, est.y]);
        let d = 4.0;
        painter.line_segment([at - vec2(d, 0.0), at + vec2(d, 0.0)], Stroke::new(1.5, colour));
        painter.line_segment([at - vec2(0.0, d), at + vec2(0.0, d)], Stroke::new(1.5, colour));
        if est.sigma_x_m.is_finite() && est.sigma_y_m.is_finite() {
            // 2σ per axis: the ellipse the estimate's covariance puts ~86 % of fixes in.
            painter.add(map::ellipse(
                view,
                screen,
                [est.x, est.y],
                2.0 * est.sigma_x_m,
                2.0 * est.sigma_y_m,
                Stroke::new(1.0, colour),
            ));
        }
    }
}

/// The event of the trail nearest to a click.
pub fn event_at(view: &MapView, screen: Rect, r: &ReplayState, p: Pos2, within: f32) -> Option<u32> {
    let events: &[ReplayEvent] = &r.replay.events[r.replay.events_between(r.time_s - r.trail_s, r.time_s)];
    events
        .iter()
        .map(|e| (e.id, view.to_screen(screen, [e.x, e.y]).distance(p)))
        .filter(|(_, d)| *d <= within)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

/// Fraction of the attributable events (launches, fire, movements) the verifier located, by
/// 20 km of chainage: (bin centres, fractions).
pub fn located_profile(replay: &Replay, line: &ContactLine) -> (Vec<f64>, Vec<f64>) {
    const BIN_KM: f64 = 20.0;
    let bins = (line.length_km() / BIN_KM).ceil().max(1.0) as usize;
    let (mut events, mut located) = (vec![0u32; bins], vec![0u32; bins]);
    let found: std::collections::HashSet<i64> = replay.estimates.iter().map(|e| e.truth_event_id).collect();
    for e in &replay.events {
        if e.kind == crate::output::records::EventKindCode::Impact {
            continue;
        }
        let chainage = line.locate([e.x, e.y]).chainage_km;
        let b = ((chainage / BIN_KM) as usize).min(bins - 1);
        events[b] += 1;
        located[b] += u32::from(found.contains(&i64::from(e.id)));
    }
    let centres = (0..bins).map(|b| (b as f64 + 0.5) * BIN_KM).collect();
    let fractions = events
        .iter()
        .zip(&located)
        .map(|(&n, &l)| if n > 0 { f64::from(l) / f64::from(n) } else { f64::NAN })
        .collect();
    (centres, fractions)
}
