//! The viewer driven headlessly by egui_kittest on the simulation's own device (lavapipe
//! without a GPU): a scenario computed live, its layer and class switched, a spacing edited,
//! sensors switched off, a result file replayed, and bad files reported in the window. The
//! snapshots of the main states are compared with a tolerance.

use super::support::{gpu, linewatch, smoke_scenario};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use linewatch::view::app::Mode;
use linewatch::view::{Source, ViewerApp, shared_setup, source_of};
use std::time::{Duration, Instant};

/// Long enough for the slowest step (a scene load and a layer on lavapipe in a debug build);
/// a hang guard, not a timing check.
const SETTLE: Duration = Duration::from_secs(300);

/// A scratch directory by a path relative to the crate root (the tests' working directory):
/// the paths the window shows, and so the snapshots, are the same on every machine.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new("target/kittest").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates target/kittest");
    dir
}

/// The smoke scenario by a relative path, for the same reason.
fn smoke() -> std::path::PathBuf {
    std::path::PathBuf::from("scenarios/ci-smoke.toml")
}

fn harness(source: Source) -> Harness<'static, ViewerApp> {
    let gpu = gpu();
    Harness::builder()
        .with_size(egui::vec2(1000.0, 640.0))
        .wgpu_setup(shared_setup(gpu))
        .build_eframe(move |cc| ViewerApp::new(cc, gpu.share(), source))
}

/// Step until the compute thread has answered everything and the frame shows it.
fn settle(h: &mut Harness<'static, ViewerApp>) {
    let started = Instant::now();
    let mut quiet = 0;
    while quiet < 3 {
        h.step();
        quiet = if h.state().busy() { 0 } else { quiet + 1 };
        assert!(started.elapsed() < SETTLE, "the viewer did not settle");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
}

fn snapshot(h: &mut Harness<'static, ViewerApp>, name: &str) {
    h.remove_cursor();
    h.run_steps(1);
    // Antialiased edges may shift by a shade between drivers; a moved widget or a changed
    // colour map fails.
    h.snapshot_options(name, &SnapshotOptions::new().threshold(2.0).max_failed_pixels(200));
}

fn summary(h: &Harness<'static, ViewerApp>) -> (f64, usize, f64) {
    match &h.state().mode {
        Mode::WhatIf(w) => {
            let s = w.summary.as_ref().expect("a summary");
            (s.covered_fraction, s.sensors_on, s.cost_eur)
        }
        _ => panic!("not a scenario"),
    }
}

#[test]
fn scenario_opens_switches_layer_and_class_and_recomputes_after_an_edit() {
    let mut h = harness(source_of(Some(&smoke())).expect("the smoke scenario loads"));
    settle(&mut h);
    let (covered, sensors, cost) = summary(&h);
    assert!(sensors > 100, "{sensors} sensors on");
    assert!(covered > 0.0 && covered <= 1.0, "{covered}");
    let (cells, _, metric, class) = h.state().layer_info().expect("a coverage layer on screen");
    assert!(cells > 1000, "{cells} cells painted");
    assert_eq!((metric.name(), class), ("verifiable", 0));
    snapshot(&mut h, "viewer_scenario_verifiable");

    // Layer: the metric combo box, then the cross-line σ.
    h.get_by_label("metric").click();
    h.run_steps(2);
    h.get_by_label("sigma_n_m").click();
    settle(&mut h);
    let (_, _, metric, _) = h.state().layer_info().expect("a layer");
    assert_eq!(metric.name(), "sigma_n_m");

    // Class: artillery → mortar; the layer and the summary follow.
    h.get_by_label("class").click();
    h.run_steps(2);
    h.get_by_label("mortar").click();
    settle(&mut h);
    let (_, _, _, class) = h.state().layer_info().expect("a layer");
    assert_eq!(class, 1);
    let (mortar_covered, _, _) = summary(&h);
    assert_ne!(mortar_covered, covered, "mortar and artillery differ");
    snapshot(&mut h, "viewer_scenario_mortar_sigma");

    // Spacing: the first row from 2 km to 6 km; fewer sensors, cheaper, less covered.
    let values: Vec<_> = h.get_all_by_role(egui::accesskit::Role::SpinButton).map(|n| n.value()).collect();
    let spacing = h
        .get_all_by_role(egui::accesskit::Role::SpinButton)
        .find(|n| n.value().as_deref() == Some("2.00"))
        .unwrap_or_else(|| panic!("the first row's spacing field among {values:?}"));
    spacing.set_value_accesskit(6.0);
    settle(&mut h);
    let (wider_covered, wider_sensors, wider_cost) = summary(&h);
    assert!(wider_sensors < sensors, "{wider_sensors} against {sensors}");
    assert!(wider_cost < cost || cost == 0.0, "{wider_cost} against {cost}");
    assert!(wider_covered < mortar_covered, "{wider_covered} against {mortar_covered}");
    match &h.state().mode {
        Mode::WhatIf(w) => assert!(w.loaded.text.contains("spacing_km = 6"), "the edit is in the scenario text"),
        _ => unreachable!(),
    }
}

#[test]
fn switching_sensors_off_lowers_the_summary_and_saves_as_out_of_service() {
    let mut h = harness(source_of(Some(&smoke())).expect("loads"));
    settle(&mut h);
    let (covered, sensors, _) = summary(&h);
    let ids: Vec<u32> = match &h.state().mode {
        Mode::WhatIf(w) => w.scene.as_ref().expect("scene").sensors.iter().map(|s| s.id).step_by(2).collect(),
        _ => unreachable!(),
    };
    h.state_mut().toggle_sensors(&ids);
    settle(&mut h);
    let (fewer_covered, fewer, _) = summary(&h);
    assert_eq!(fewer, sensors - ids.len());
    assert!(fewer_covered < covered, "{fewer_covered} against {covered}");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("edited.toml");
    if let Mode::WhatIf(w) = &mut h.state_mut().mode {
        w.save_path = path.display().to_string();
    }
    h.get_by_label("Save TOML").click_accesskit();
    h.run_steps(2);
    let message = match &h.state().mode {
        Mode::WhatIf(w) => w.message.clone(),
        _ => unreachable!(),
    };
    assert_eq!(message, Some(format!("saved {}", path.display())));
    let saved = linewatch::scenario::LoadedScenario::load(Some(&path)).expect("the saved scenario loads");
    assert_eq!(saved.scenario.losses.out_of_service, ids);
    assert_eq!(saved.scenario.rows.len(), 4);
    let original = std::fs::read_to_string(smoke_scenario()).expect("reads");
    let first_comment = original.lines().find(|l| l.starts_with('#')).expect("the smoke scenario has comments");
    assert!(saved.text.contains(first_comment), "comments are kept");
}

/// A press at `from` and a release at `to` (with shift: a box), as the window sends them.
fn press_release(h: &mut Harness<'static, ViewerApp>, from: egui::Pos2, to: egui::Pos2, shift: bool) {
    let modifiers = if shift { egui::Modifiers::SHIFT } else { egui::Modifiers::NONE };
    let button =
        |pos, pressed| egui::Event::PointerButton { pos, button: egui::PointerButton::Primary, pressed, modifiers };
    h.event_modifiers(egui::Event::PointerMoved(from), modifiers);
    h.event_modifiers(button(from, true), modifiers);
    if from == to {
        // A click: pressed and released in one frame, as kittest clicks a widget.
        h.event_modifiers(button(to, false), modifiers);
        h.step();
        return;
    }
    h.step();
    for k in 1..=4 {
        h.event_modifiers(egui::Event::PointerMoved(from + (to - from) * k as f32 / 4.0), modifiers);
        h.step();
    }
    h.event_modifiers(button(to, false), modifiers);
    h.step();
}

#[test]
fn clicking_a_sensor_and_drawing_a_box_switch_sensors_off() {
    let mut h = harness(source_of(Some(&smoke())).expect("loads"));
    settle(&mut h);
    let (_, sensors, _) = summary(&h);
    let state = h.state();
    let (view, screen) = (state.view.expect("a view"), state.map_rect.expect("a map"));
    let Mode::WhatIf(w) = &state.mode else { unreachable!() };
    let scene = w.scene.clone().expect("a scene");
    // The sensor nearest the middle of the map, clicked.
    let target = scene
        .sensors
        .iter()
        .min_by(|a, b| {
            let d = |s: &linewatch::deploy::Sensor| view.to_screen(screen, [s.x, s.y]).distance(screen.center());
            d(a).total_cmp(&d(b))
        })
        .expect("sensors");
    let at = view.to_screen(screen, [target.x, target.y]);
    press_release(&mut h, at, at, false);
    settle(&mut h);
    let off = |h: &Harness<'static, ViewerApp>| match &h.state().mode {
        Mode::WhatIf(w) => w.switched_off.clone(),
        _ => unreachable!(),
    };
    assert_eq!(off(&h).into_iter().collect::<Vec<_>>(), vec![target.id], "the clicked sensor is off");
    assert_eq!(summary(&h).1, sensors - 1);
    // A shift-drawn box around the map's centre: every sensor inside it goes off.
    let (from, to) = (screen.center() - egui::vec2(60.0, 60.0), screen.center() + egui::vec2(60.0, 60.0));
    let inside: std::collections::BTreeSet<u32> = scene
        .sensors
        .iter()
        .filter(|s| egui::Rect::from_two_pos(from, to).contains(view.to_screen(screen, [s.x, s.y])))
        .map(|s| s.id)
        .collect();
    assert!(inside.len() > 3, "{} sensors in the box", inside.len());
    press_release(&mut h, from, to, true);
    settle(&mut h);
    let now_off = off(&h);
    assert!(inside.is_subset(&now_off), "{inside:?} not all in {now_off:?}");
    assert_eq!(summary(&h).1, sensors - now_off.len());
}

#[test]
fn replay_steps_through_a_run_and_shows_an_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("smoke.h5");
    let o = linewatch(dir.path(), &["run", smoke_scenario().to_str().expect("utf-8"), "-o", "smoke.h5"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut h = harness(source_of(Some(&out)).expect("a result file"));
    settle(&mut h);
    let (events, detections) = match &h.state().mode {
        Mode::Replay(r) => (r.replay.events.len(), r.replay.detections.len()),
        _ => panic!("the result file did not open for replay"),
    };
    assert!(events > 10 && detections > 10, "{events} events, {detections} detections");
    // The coverage map the file holds, shown under the replay.
    h.get_by_label("stored class").click();
    h.run_steps(2);
    h.get_by_label("mortar").click();
    settle(&mut h);
    match &h.state().mode {
        Mode::Replay(r) => {
            let shown = r.stored_shown().map(|(c, m)| (c.as_str(), m.name()));
            assert_eq!(shown, Some(("mortar", "verifiable")));
        }
        _ => unreachable!(),
    }
    h.get_by_label("step").click();
    h.run_steps(2);
    h.get_by_label("step").click();
    h.run_steps(2);
    let time = match &h.state().mode {
        Mode::Replay(r) => r.time_s,
        _ => unreachable!(),
    };
    assert_eq!(time, 600.0, "two steps of the 300 s trail");
    let shown = match &h.state().mode {
        Mode::Replay(r) => r.replay.events_between(r.time_s - r.trail_s, r.time_s).len(),
        _ => unreachable!(),
    };
    assert!(shown > 0, "events in the trail");
    // For the picture: a short trail (fewer rays, a smaller snapshot) just after the first
    // launch the verifier located, selected, to show its rays, its estimate and its verdict.
    if let Mode::Replay(r) = &mut h.state_mut().mode {
        let located = r
            .replay
            .events
            .iter()
            .find(|e| e.kind != linewatch::output::EventKindCode::Impact && r.replay.estimate_of(e.id).is_some())
            .copied()
            .expect("a located launch");
        r.trail_s = 30.0;
        r.time_s = located.t_s + 20.0;
        r.selected = Some(located.id);
        let by_scan = r.replay.detections.iter().filter(|d| d.event_id == i64::from(located.id)).count();
        assert_eq!(r.replay.detections_of(located.id).len(), by_scan, "the event index finds every detection");
        assert!(by_scan > 2, "{by_scan} detections of a located event");
    }
    h.run_steps(2);
    assert!(h.query_by_label("verdict").is_some(), "the selected event's verdict is shown");
    snapshot(&mut h, "viewer_replay");

    // The same file cut short at several points, or stamped with a schema version from the
    // future: the window shows why it cannot replay it, and nothing panics.
    let bytes = std::fs::read(&out).expect("reads the result");
    let cuts = [1024, bytes.len() / 4, bytes.len() / 2, bytes.len() - 1];
    let future = dir.path().join("future.h5");
    std::fs::copy(&out, &future).expect("copies the result");
    super::support::open_h5_rw_unlocked(&future)
        .and_then(|f| f.attr("schema_version")?.write_scalar(&99u32))
        .expect("restamps the schema version");
    let mut hostile: Vec<(std::path::PathBuf, &str)> = vec![(future, "schema version 99")];
    for (i, cut) in cuts.into_iter().enumerate() {
        let path = dir.path().join(format!("cut-{i}.h5"));
        std::fs::write(&path, &bytes[..cut]).expect("writes the cut file");
        hostile.push((path, ""));
    }
    for (path, expected) in hostile {
        let mut h = harness(source_of(Some(&path)).expect("an HDF5 path opens the window"));
        settle(&mut h);
        match &h.state().mode {
            Mode::Failed(message) => assert!(message.contains(expected), "{}: {message}", path.display()),
            _ => panic!(
                "{} ({} of {} bytes) opened for replay",
                path.display(),
                std::fs::metadata(&path).map_or(0, |m| m.len()),
                bytes.len()
            ),
        }
    }
}

#[test]
fn corrupt_and_foreign_hdf5_files_show_an_error_in_the_window() {
    let dir = scratch("bad-files");
    let corrupt = dir.join("corrupt.h5");
    std::fs::write(&corrupt, b"\x89HDF\r\n\x1a\nthis is not the rest of an HDF5 file").expect("writes");
    let foreign = dir.join("foreign.h5");
    {
        let f = super::support::create_h5_unlocked(&foreign);
        f.new_dataset::<f64>().shape(3).create("x").expect("a dataset");
    }
    for (path, expected) in [(corrupt, "not a readable HDF5 file"), (foreign, "not a linewatch result")] {
        let mut h = harness(source_of(Some(&path)).expect("an HDF5 path opens the window"));
        settle(&mut h);
        match &h.state().mode {
            Mode::Failed(message) => assert!(message.contains(expected), "{message}"),
            _ => panic!("{} opened", path.display()),
        }
        assert!(h.query_by_label_contains(expected).is_some(), "the window shows: {expected}");
        if expected.contains("linewatch") {
            snapshot(&mut h, "viewer_foreign_file");
        }
    }
}

/// The real window (eframe, winit, the wgpu surface) under Xvfb: it renders the smoke
/// scenario with its coverage layer and captures itself. `make deps` installs xvfb; the test
/// fails, never skips, without it.
#[test]
fn the_real_window_renders_under_xvfb_and_captures_itself() {
    let dir = scratch("xvfb");
    let shot = dir.join("window.png");
    let o = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", env!("CARGO_BIN_EXE_linewatch"), "view"])
        .arg(smoke_scenario())
        .arg("--screenshot")
        .arg(&shot)
        .env("XDG_RUNTIME_DIR", std::env::temp_dir().join("linewatch-test-xdg"))
        .output()
        .expect("xvfb-run runs (make deps installs xvfb)");
    assert!(o.status.success(), "{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let image = image::open(&shot).expect("the screenshot is a PNG").to_rgba8();
    assert!(image.width() >= 800 && image.height() >= 500, "{}×{}", image.width(), image.height());
    // The coverage layer is there: many pixels close to the colour map's bright end (a
    // covered cell), blended at the default opacity over the map's background.
    let [r, g, b] = linewatch::coverage::paint::viridis(1.0).map(|c| c * 255.0);
    let bright = image
        .pixels()
        .filter(|p| {
            let [pr, pg, pb, _] = p.0.map(f64::from);
            (pr - r).abs() < 40.0 && (pg - g).abs() < 40.0 && (pb - b).abs() < 60.0
        })
        .count();
    assert!(bright > 10_000, "{bright} pixels of covered cells");
}
