//! `linewatch size`: the closed-form spacing of one row, the greedy adversary against random
//! losses, and a chosen layout that `linewatch check` accepts.

use crate::support::{linewatch, repo, smoke_scenario, text};
use linewatch::abi;
use linewatch::coverage::{CellSite, FixRule, cell_metrics};
use linewatch::detect::{BestCase, GpuEvent};
use linewatch::scenario::LoadedScenario;
use linewatch::size::{SizeOptions, size};
use linewatch::terrain::Terrain;

fn toy() -> LoadedScenario {
    LoadedScenario::load(Some(&repo().join("scenarios/size-toy.toml"))).expect("size-toy loads")
}

/// Range at which one of the toy's microphones detects the toy's shot with probability 0.5,
/// through the f64 reference (spreading, ISO 9613 absorption and ground, no wind).
fn half_range_m(loaded: &LoadedScenario) -> f64 {
    let s = &loaded.scenario;
    let (plane, line) = linewatch::geo::load_line(loaded).expect("line");
    let sensors = linewatch::deploy::deploy(loaded, &plane, &line).expect("deploy");
    let sensor = abi::gpu_sensor(&sensors[sensors.len() / 2]);
    let params = abi::belief_params(&s.environment, &s.truth, s.seed);
    let flat = Terrain::flat();
    let best = BestCase::of(&sensors).over(&flat);
    let source = linewatch::world::coverage_source(s, &best, &s.classes[0], false);
    let p_at = |r: f64| {
        let e = GpuEvent { x: sensor.x, y: sensor.y + r as f32, ..source };
        cell_metrics(
            &params,
            &flat,
            &e,
            CellSite { offset_m: r, normal: [0.0, 1.0] },
            &[sensor],
            FixRule::Constraints(1),
        )
        .p_detect
    };
    let (mut lo, mut hi): (f64, f64) = (1.0, 50_000.0);
    assert!(p_at(lo) > 0.5 && p_at(hi) < 0.5, "the toy's detection range is not bracketed");
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if p_at(mid) >= 0.5 { lo = mid } else { hi = mid }
    }
    lo
}

/// Covered fraction of a band |y| ≤ D around a row of spacing s, each sensor covering a disc of
/// radius R: (1/2D)·∫ min(1, 2·√(R² − y²)/s) dy.
fn covered_fraction(spacing_m: f64, radius_m: f64, depth_m: f64) -> f64 {
    let n = 20_000;
    (0..n)
        .map(|i| {
            let y = -depth_m + (i as f64 + 0.5) * 2.0 * depth_m / n as f64;
            let chord = 2.0 * (radius_m * radius_m - y * y).max(0.0).sqrt();
            (chord / spacing_m).min(1.0)
        })
        .sum::<f64>()
        / n as f64
}

#[test]
fn size_finds_the_closed_form_spacing_of_one_row() {
    let loaded = toy();
    let radius = half_range_m(&loaded);
    let depth = loaded.scenario.coverage.profile_depth_km() * 1000.0;
    let wanted = loaded.scenario.size.targets[0].fraction;
    assert!(radius > depth, "the closed form below assumes R ({radius:.0} m) beyond the band ({depth} m)");
    let (mut lo, mut hi): (f64, f64) = (100.0, 100_000.0);
    for _ in 0..80 {
        let mid = (lo * hi).sqrt();
        if covered_fraction(mid, radius, depth) >= wanted { lo = mid } else { hi = mid }
    }
    let analytic_km = lo / 1000.0;
    let dir = tempfile::tempdir().expect("tempdir");
    let options = SizeOptions { out_dir: dir.path().to_path_buf(), resilience: false, progress: false };
    let report = size(&loaded, &options).expect("size runs");
    let chosen = report.outcome.chosen().expect("a layout meets the target");
    let found_km = chosen.layout.choices[0].as_ref().expect("the only row is deployed").spacing_km[0];
    // The search settles the spacing to `spacing_tolerance` below the widest feasible one; the
    // raster (50 m cells against R ≈ 1 km) and the line's two ends add about 1 %.
    let tolerance = loaded.scenario.size.spacing_tolerance + 0.015;
    eprintln!("R = {radius:.1} m; size chose {found_km:.4} km, closed form {analytic_km:.4} km");
    assert!(
        (found_km / analytic_km - 1.0).abs() <= tolerance,
        "size chose {found_km:.4} km, the closed form gives {analytic_km:.4} km (R = {radius:.0} m)"
    );
    assert!(chosen.meets && chosen.fractions[0] >= wanted, "the chosen layout meets its target: {chosen:?}");
    // Every layout evaluated is consistent with monotonicity: a wider spacing never covers more
    // than the closed form allows plus the raster error.
    for c in &report.outcome.visited {
        let s = c.layout.choices[0].as_ref().expect("deployed").spacing_km[0] * 1000.0;
        let f = covered_fraction(s, radius, depth);
        assert!(
            (c.fractions[0] - f).abs() < 0.02,
            "spacing {s:.0} m: kernel {:.4}, closed form {f:.4}",
            c.fractions[0]
        );
    }
    for file in ["front.csv", "front.png", "layout.toml"] {
        assert!(dir.path().join(file).is_file(), "{file} written");
    }
    let layout = LoadedScenario::load(Some(&dir.path().join("layout.toml"))).expect("the chosen layout loads");
    assert_eq!(layout.scenario.rows[0].spacing_km, Some(found_km), "the TOML carries the chosen spacing");
    // Its p_detect target becomes an expectation that `check` evaluates and passes.
    let written = std::fs::read_to_string(dir.path().join("layout.toml")).expect("layout.toml");
    assert!(written.contains("p_detect_fraction = \">= "), "the target becomes an expectation:\n{written}");
    let o = linewatch(dir.path(), &["check", "layout.toml", "-o", "check.h5", "--quiet"]);
    assert!(o.status.success(), "check of the chosen layout failed: {}\n{}", text(&o.stdout), text(&o.stderr));

    // By stretch: the line is the same everywhere, so each stretch finds the same spacing, and
    // each stretch meets the target on its own.
    let mut by_stretch = loaded.clone();
    by_stretch.scenario.size.stretch_km = Some(100.0);
    by_stretch.scenario.size.front_points = 0;
    let report = size(&by_stretch, &options).expect("size by stretch runs");
    let i = report.outcome.best_by_stretch.expect("a per-stretch layout meets the target");
    let chosen = &report.outcome.visited[i];
    let spacings = &chosen.layout.choices[0].as_ref().expect("deployed").spacing_km;
    eprintln!("by stretch: {spacings:?}, fractions {:?}", chosen.stretch_fractions);
    assert_eq!(spacings.len(), 3, "296 km in stretches of 100 km");
    for (j, s) in spacings.iter().enumerate() {
        assert!(
            (s / analytic_km - 1.0).abs() <= tolerance + 0.02,
            "stretch {j}: {s:.4} km against {analytic_km:.4} km"
        );
        assert!(chosen.stretch_fractions[0][j] >= wanted, "stretch {j} meets the target: {chosen:?}");
    }
    let toml = std::fs::read_to_string(dir.path().join("layout.toml")).expect("layout.toml");
    assert!(toml.contains("microphones@100-200km"), "one row per stretch in the TOML:\n{toml}");
    let rerun = LoadedScenario::load(Some(&dir.path().join("layout.toml"))).expect("the per-stretch layout loads");
    assert_eq!(rerun.scenario.rows.len(), 3);
}

#[test]
fn a_greedy_adversary_hurts_more_than_random_losses() {
    let mut loaded = toy();
    let r = &mut loaded.scenario.size.resilience;
    r.loss_fractions = vec![0.0, 0.1, 0.2, 0.3];
    r.random_draws = 4;
    r.influence_km = 4.0;
    // A jamming bubble over the middle of the line silences the sensors inside it.
    loaded.scenario.losses.jamming = vec![linewatch::scenario::JammingZone { lon: 32.0, lat: 48.5, radius_km: 10.0 }];
    // A spacing where the discs overlap: losing neighbours costs more than losing strangers.
    loaded.scenario.size.rows[0].spacing_km = [1.6, 1.6];
    let dir = tempfile::tempdir().expect("tempdir");
    let options = SizeOptions { out_dir: dir.path().to_path_buf(), resilience: true, progress: false };
    let report = size(&loaded, &options).expect("size --resilience runs");
    let curve = &report.resilience.as_ref().expect("resilience measured").curve;
    assert_eq!(curve.len(), 4);
    eprintln!("{curve:#?}");
    assert!((curve[0].targeted - curve[0].random_mean).abs() < 1e-12, "no loss, no difference: {curve:?}");
    for p in &curve[1..] {
        assert!(p.lost > 0, "{p:?}");
        assert!(p.targeted < p.random_mean, "targeted below random at {} lost: {p:?}", p.lost);
        assert!(p.targeted <= p.random_min + 1e-9, "below even the luckiest random draw: {p:?}");
    }
    for w in curve.windows(2) {
        assert!(w[1].targeted <= w[0].targeted + 1e-9, "more losses never help: {curve:?}");
    }
    let r = report.resilience.as_ref().expect("resilience measured");
    let jamming = r.degradations.iter().find(|d| d.name.starts_with("jamming")).expect("the jamming case");
    // 20 km of row at 1.6 km: 12 or 13 sensors inside the bubble.
    assert!((11.0..=14.0).contains(&jamming.lost), "{jamming:?}");
    assert!(
        jamming.fractions[0] < r.baseline[0] - 0.03,
        "jamming costs coverage: {jamming:?} against {:?}",
        r.baseline
    );
    for file in ["resilience.csv", "resilience.png"] {
        assert!(dir.path().join(file).is_file(), "{file} written");
    }
}

#[test]
fn the_chosen_layout_passes_linewatch_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let smoke = std::fs::read_to_string(smoke_scenario()).expect("ci-smoke");
    // The smoke stretch's acoustic rows sized for artillery at the smoke's coverage settings
    // (500 m both in the search and in the check).
    let scenario = dir.path().join("size-smoke.toml");
    let extra = r#"
[size]
resolution_m = 500.0
spacing_tolerance = 0.05
front_points = 3

[[size.targets]]
class = "artillery"
fraction = 0.75

[[size.rows]]
row = "A-acoustic"
spacing_km = [1.0, 12.0]

[[size.rows]]
row = "B-acoustic"
spacing_km = [1.0, 12.0]
"#;
    // The smoke's own [expect] asks more than this target; keep only the sizing's.
    let body = smoke.split("\n[expect]").next().expect("text before [expect]");
    std::fs::write(&scenario, format!("{body}{extra}")).expect("write scenario");
    let out = dir.path().join("sized");
    let o = linewatch(dir.path(), &["size", scenario.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8")]);
    assert!(o.status.success(), "size failed: {}\n{}", text(&o.stdout), text(&o.stderr));
    let summary = text(&o.stdout);
    assert!(summary.contains("Pareto front") && summary.contains("cost by row"), "{summary}");
    let layout = out.join("layout.toml");
    let written = std::fs::read_to_string(&layout).expect("layout.toml");
    assert!(written.contains("verifiable_fraction = \">= 0.75\""), "the target becomes an expectation:\n{written}");
    let o = linewatch(dir.path(), &["check", layout.to_str().expect("utf-8"), "-o", "check.h5", "--quiet"]);
    assert!(o.status.success(), "check of the chosen layout failed: {}\n{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn a_design_space_with_no_answer_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let toy = std::fs::read_to_string(repo().join("scenarios/size-toy.toml")).expect("toy");
    let impossible =
        toy.replace("fraction = 0.8", "fraction = 1.0").replace("spacing_km = [0.5, 20.0]", "spacing_km = [5.0, 20.0]");
    let line = repo().join("assets/toy-line.geojson");
    let impossible = impossible.replace("../assets/toy-line.geojson", line.to_str().expect("utf-8"));
    let scenario = dir.path().join("impossible.toml");
    std::fs::write(&scenario, impossible).expect("write");
    let o = linewatch(dir.path(), &["size", scenario.to_str().expect("utf-8"), "-o", "out", "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains("no layout in the design space meets every target"), "{}", text(&o.stdout));
}

#[test]
fn the_full_line_sizes_on_lavapipe_with_a_reduced_design_space() {
    // The embedded scenario's targets over the whole line; the design space reduced to the two
    // acoustic rows 3 km back (the radars stay), as CI can afford on two cores.
    let mut loaded = LoadedScenario::load(None).expect("embedded scenario");
    let size_spec = &mut loaded.scenario.size;
    size_spec.rows.retain(|r| r.row.contains("acoustic"));
    size_spec.front_points = 2;
    size_spec.spacing_tolerance = 0.1;
    assert_eq!(size_spec.rows.len(), 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let options = SizeOptions { out_dir: dir.path().to_path_buf(), resilience: false, progress: false };
    let report = size(&loaded, &options).expect("size runs on the full line");
    let visited = &report.outcome.visited;
    let chosen = report.outcome.chosen().expect("the embedded targets can be met");
    assert!(chosen.meets, "{chosen:?}");
    let densest = visited
        .iter()
        .find(|c| c.layout.choices.iter().flatten().all(|c| c.spacing_km[0] == 1.0))
        .expect("the densest layout was evaluated first");
    assert!(chosen.cost.total() < densest.cost.total(), "thinning saved money: {chosen:?}");
    // Monotonicity where the search relies on it: thinning both rows never raised coverage by
    // more than the sensors' shift along the row can explain.
    for a in visited {
        for b in visited {
            let wider = a.layout.choices.iter().zip(&b.layout.choices).all(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => x.spacing_km[0] >= y.spacing_km[0],
                _ => false,
            });
            if wider {
                for (fa, fb) in a.fractions.iter().zip(&b.fractions) {
                    assert!(fa <= &(fb + 0.01), "a wider layout covered more: {a:?} against {b:?}");
                }
            }
        }
    }
    assert!(report.to_string().contains("Pareto front"));
}

#[test]
fn size_without_a_size_section_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let smoke = smoke_scenario();
    let o = linewatch(dir.path(), &["size", smoke.to_str().expect("utf-8"), "-o", "out", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let message = text(&o.stderr);
    assert!(message.contains("ci-smoke.toml") && message.contains("[[size.targets]]"), "{message}");
    assert!(!dir.path().join("out").exists(), "no output folder for bad input");
}
