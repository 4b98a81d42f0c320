//! The coverage kernel against its f64 reference on random sensor layouts.

use super::detection_gpu_vs_cpu::{random_event, random_params, random_sensor, random_terrain};
use super::support::gpu;
use linewatch::coverage::{CellSite, FixRule, GpuCell, GpuCoverage, cell_metrics};
use linewatch::detect::SensorGrid;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Odd rounds settle the sight lines by viewsheds (swept on the device; the reference sweeps
/// its own in f64), even rounds by the march. The first four count k constraints (k = 1, 3, 5,
/// 7), the last two blind association's fix, with timing σ on both sides of its confirming
/// window. From the third round the class fires in salvos and the sensors' pickers have a dead
/// time (the chance a salvo's earlier round holds the picker).
#[test]
fn coverage_kernel_matches_f64_reference_on_random_layouts() {
    let mut rng = ChaCha8Rng::seed_from_u64(314);
    let (mut cells_total, mut finite_sigma, mut finiteness_differs) = (0usize, 0usize, 0usize);
    let (mut pairs_cpu, mut pairs_differ) = (0u64, 0u64);
    let mut viewed_sensors = 0;
    // Blind cells where some detections confirm and some do not: the confirming test decides.
    let mut blind_partial = 0;
    for round in 0..6 {
        let rule = if round < 4 { FixRule::Constraints(1 + round as u32 * 2) } else { FixRule::Blind };
        let mut params = random_params(&mut rng);
        params.fitted_speed_sigma_mps = params.speed_sigma_mps * rng.random_range(0.0..1.0f32);
        // Timing errors of real deployments, 0.1–10 ms (GNSS clock plus onset picking): the
        // location weights 1/σt² then span four orders of magnitude, not ten.
        let sensors: Vec<_> = (0..300)
            .map(|i| {
                let mut s = random_sensor(&mut rng, i);
                s.timing_sigma_s =
                    if rule.is_blind() { rng.random_range(1e-3..0.3) } else { rng.random_range(1e-4..1e-2) };
                if round >= 2 {
                    s.dead_time_s = rng.random_range(0.0..2.0);
                }
                s
            })
            .collect();
        // The grid's geometry, for the random events' reach (the kernel builds its own grid,
        // one layer per modality, from the same sensors and cell size).
        SensorGrid::by_modality(&sensors, 7_000.0).apply(&mut params);
        let terrain = random_terrain(&mut rng);
        let mut source = random_event(&mut rng, 0, &params);
        source.reach_acoustic_m = 20_000.0;
        source.reach_seismic_m = 6_000.0;
        source.reach_radar_m = 15_000.0;
        source.reach_eo_m = 8_000.0;
        source.reach_rf_m = 12_000.0;
        if round >= 2 {
            source.salvo_spread_s = rng.random_range(0.0..12.0);
            source.salvo_guns_min = rng.random_range(1..4);
            source.salvo_guns_max = source.salvo_guns_min + rng.random_range(0..6);
        }
        let cells: Vec<GpuCell> = (0..3000)
            .map(|_| {
                let a: f32 = rng.random_range(0.0..std::f32::consts::TAU);
                GpuCell {
                    x: rng.random_range(-30_000.0..30_000.0),
                    y: rng.random_range(-30_000.0..30_000.0),
                    offset_m: rng.random_range(-5_000.0..5_000.0),
                    normal_x: a.cos(),
                    normal_y: a.sin(),
                    pad: [0.0; 3],
                }
            })
            .collect();
        let coverage = if round % 2 == 1 {
            let reach = |_| 15_000.0;
            GpuCoverage::with_viewsheds(gpu(), params, &terrain, &sensors, 7_000.0, reach).expect("coverage kernel")
        } else {
            GpuCoverage::new(gpu(), params, &terrain, &sensors, 7_000.0).expect("coverage kernel")
        };
        viewed_sensors += coverage.view_plan().views.len();
        let sight = coverage.reference_sight_lines();
        let out = coverage.evaluate(&source, &cells, rule).expect("GPU coverage");
        assert_eq!(out.len(), cells.len(), "every cell is written");
        for (cell, g) in cells.iter().zip(&out) {
            let mut e = source;
            e.x = cell.x;
            e.y = cell.y;
            let site = CellSite {
                offset_m: f64::from(cell.offset_m),
                normal: [f64::from(cell.normal_x), f64::from(cell.normal_y)],
            };
            let c = cell_metrics(&params, &sight, &e, site, coverage.sensors(), rule);
            // Within ~1e-7 of the singularity threshold f32 and f64 may decide differently;
            // such cells are counted (at most 0.1 %) and their attribution is not compared.
            let same_finiteness = g.sigma_n_m.is_finite() == c.sigma_n_m.is_finite();
            finiteness_differs += usize::from(!same_finiteness);
            for (name, gv, cv, compare) in [
                ("p_detect", g.p_detect, c.p_detect, true),
                ("p_k", g.p_k, c.p_k, true),
                ("p_attrib", g.p_attrib, c.p_attrib, same_finiteness),
                ("verifiable", g.verifiable, c.verifiable, same_finiteness),
            ] {
                assert!(!gv.is_nan(), "{name} is NaN at {cell:?}");
                if compare {
                    assert!(
                        (f64::from(gv) - cv).abs() < 1e-4,
                        "{name}: GPU {gv} vs CPU {cv} at {cell:?}\n{g:?}\n{c:?}"
                    );
                }
            }
            assert!(g.p_attrib >= 0.5, "written: p_attrib is never below 0.5 ({g:?})");
            assert!(!g.sigma_n_m.is_nan());
            if g.sigma_n_m.is_finite() && c.sigma_n_m.is_finite() {
                finite_sigma += 1;
                let rel = (f64::from(g.sigma_n_m) / c.sigma_n_m - 1.0).abs();
                assert!(rel < 1e-3, "sigma_n: GPU {} vs CPU {} at {cell:?} ({c:?})", g.sigma_n_m, c.sigma_n_m);
            }
            blind_partial += usize::from(rule.is_blind() && c.p_k > 0.01 && c.p_k < c.p_detect - 0.01);
            pairs_cpu += u64::from(c.sensors);
            pairs_differ += u64::from(g.sensors.abs_diff(c.sensors));
            cells_total += 1;
        }
    }
    // The pairs in reach (the work counted by the benchmark) are the same, up to f32 rounding of
    // distances right at a reach boundary.
    assert!(pairs_cpu > 0 && pairs_differ * 1000 <= pairs_cpu, "{pairs_differ} of {pairs_cpu} pairs differ");
    assert!(blind_partial > 100, "blind rounds exercise the confirming test: {blind_partial} cells");
    assert!(viewed_sensors > 50, "the viewshed rounds have radars, cameras and RF: {viewed_sensors}");
    assert!(finite_sigma * 4 > cells_total, "many cells are locatable: {finite_sigma} of {cells_total}");
    assert!(finiteness_differs * 1000 <= cells_total, "{finiteness_differs} cells disagree on singularity");
}
