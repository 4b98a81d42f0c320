//! llvmpipe ends a SIMD group's loops after 65,535 iterations in all, silently: the kernels
//! check that every loop ran to its end, and the host recomputes what was cut with the f64
//! reference (src/gpu/loop_budget.rs).

use super::detection_gpu_vs_cpu::{random_event, random_params, random_sensor, random_terrain};
use super::support::gpu;
use linewatch::coverage::{CellSite, FixRule, GpuCell, GpuCoverage, cell_metrics};
use linewatch::detect::gpu::GpuDetector;
use linewatch::detect::reference;
use linewatch::detect::*;
use linewatch::gpu::Gpu;
use linewatch::gpu::loop_budget::LLVMPIPE_LOOP_LIMIT;
use linewatch::terrain::{Dem, STANDARD_K_FACTOR, Terrain};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const RING_SENSORS: u32 = 240;
const RING_RADIUS_M: f32 = 20_000.0;
const MARCH_STEP_M: f64 = 40.0;

/// 240 radars on a 20 km ring over flat ground sampled every 40 m: each sight line marches
/// 500 samples, 120,000 loop iterations for a cell at the centre, past llvmpipe's limit.
fn ring_of_radars() -> (Vec<GpuSensor>, Terrain) {
    let sensors = (0..RING_SENSORS)
        .map(|i| {
            let a = i as f32 / RING_SENSORS as f32 * std::f32::consts::TAU;
            GpuSensor {
                x: RING_RADIUS_M * a.cos(),
                y: RING_RADIUS_M * a.sin(),
                // 30 m masts: a 2 m target at 20 km is above the 4/3-earth horizon (28 km).
                z: 30.0,
                id: i,
                modality: MODALITY_RADAR,
                enabled: 1,
                // 13 dB on 1 m² at 10 km (R⁴ law), Pfa 1e-6: P(detect) ≈ 0.01 for 1.6 m² at 20 km, so
                // that every sensor left out would show.
                gain_db: (13.0 + 40.0 * 10_000f64.log10()) as f32,
                pfa: 1e-6,
                max_range_m: 1e6,
                half_sector_rad: std::f32::consts::PI,
                ..Default::default()
            }
        })
        .collect();
    let n = (2.0 * 21_000.0 / MARCH_STEP_M) as usize + 1;
    let dem = Dem::flat(-21_000.0, -21_000.0, MARCH_STEP_M, n, n, 120.0).expect("flat grid");
    let terrain = Terrain { dem, step_m: MARCH_STEP_M, k_factor: STANDARD_K_FACTOR, source: "test".into() };
    (sensors, terrain)
}

fn centre_cells() -> Vec<GpuCell> {
    (0..64)
        .map(|i| GpuCell {
            x: (i % 8) as f32 * 10.0,
            y: (i / 8) as f32 * 10.0,
            offset_m: 300.0,
            normal_x: 0.0,
            normal_y: 1.0,
            pad: [0.0; 3],
        })
        .collect()
}

#[test]
fn a_cell_past_the_loop_limit_still_weighs_every_sensor() {
    let (sensors, terrain) = ring_of_radars();
    let mut params = random_params(&mut ChaCha8Rng::seed_from_u64(5));
    SensorGrid::by_modality(&sensors, 5_000.0).apply(&mut params);
    let source = GpuEvent { z: 2.0, rcs_dbsm: 2.0, reach_radar_m: 25_000.0, ..Default::default() };
    let cells = centre_cells();
    let coverage = GpuCoverage::new(gpu(), params, &terrain, &sensors, 5_000.0).expect("coverage kernel");
    let out = coverage.evaluate(&source, &cells, FixRule::Constraints(3)).expect("coverage");
    for (cell, g) in cells.iter().zip(&out) {
        // Cut and recomputed on lavapipe; whole on a GPU, past the limit llvmpipe would impose.
        assert_eq!(g.by_reference == 1, gpu().cuts_long_loops(), "{g:?}");
        if g.by_reference == 0 {
            assert!(g.loop_iterations > LLVMPIPE_LOOP_LIMIT, "{} iterations", g.loop_iterations);
        }
        let e = GpuEvent { x: cell.x, y: cell.y, ..source };
        let site = CellSite { offset_m: f64::from(cell.offset_m), normal: [0.0, 1.0] };
        let c = cell_metrics(&params, &terrain, &e, site, &sensors, FixRule::Constraints(3));
        assert_eq!(g.sensors, RING_SENSORS, "every radar weighs in");
        assert_eq!(c.sensors, RING_SENSORS);
        assert!((f64::from(g.p_k) - c.p_k).abs() < 1e-4, "p_k {} vs {}", g.p_k, c.p_k);
        assert!((f64::from(g.p_detect) - c.p_detect).abs() < 1e-4);
        assert!(c.p_detect > 0.5 && c.p_detect < 0.99, "the ring's radars are each unsure: {}", c.p_detect);
    }
}

/// Why the check exists: on llvmpipe the kernel's own output for these cells has sensors left
/// out, and every such cell says so. (If Mesa ever lifts the limit this fails, and the
/// recomputation can go.)
#[test]
fn lavapipe_cuts_the_loops_short_and_the_kernel_says_so() {
    let (sensors, terrain) = ring_of_radars();
    let mut params = random_params(&mut ChaCha8Rng::seed_from_u64(5));
    SensorGrid::by_modality(&sensors, 5_000.0).apply(&mut params);
    let source = GpuEvent { z: 2.0, rcs_dbsm: 2.0, reach_radar_m: 25_000.0, ..Default::default() };
    let coverage = GpuCoverage::new(gpu(), params, &terrain, &sensors, 5_000.0).expect("coverage kernel");
    let out = coverage.evaluate_on_device(&source, &centre_cells(), FixRule::Constraints(3)).expect("coverage");
    for o in &out {
        assert!(o.sensors == RING_SENSORS || o.by_reference == 1, "a silent cut: {o:?}");
    }
    if gpu().cuts_long_loops() {
        assert!(out.iter().all(|o| o.by_reference == 1), "every cell is past the limit");
        assert!(out.iter().any(|o| o.sensors < RING_SENSORS), "llvmpipe counted every sensor: {:?}", out[0]);
    } else {
        assert!(out.iter().all(|o| o.by_reference == 0 && o.sensors == RING_SENSORS));
    }
}

/// An event whose lanes go over the budget is detected by the reference instead: with a tiny
/// budget every event is, and the detections are the reference's, pair for pair.
#[test]
fn events_over_the_budget_are_detected_by_the_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut params = random_params(&mut rng);
    let sensors: Vec<GpuSensor> = (0..400).map(|i| random_sensor(&mut rng, i)).collect();
    let grid = SensorGrid::by_modality(&sensors, 7_000.0);
    grid.apply(&mut params);
    let terrain = random_terrain(&mut rng);
    let events: Vec<GpuEvent> = (0..300)
        .map(|i| {
            let mut e = random_event(&mut rng, i, &params);
            (e.reach_acoustic_m, e.reach_radar_m, e.reach_eo_m, e.reach_rf_m) = (20_000.0, 15_000.0, 8_000.0, 12_000.0);
            e
        })
        .collect();
    let mut tight = Gpu::new().expect("adapter");
    tight.set_loop_budget(Some(3));
    let mut detector = GpuDetector::new(&tight, params, &grid, &terrain).expect("detector");
    let mut found: Vec<(u32, u32, f32)> =
        detector.detect(&events).expect("detect").iter().map(|d| (d.event_id, d.sensor_id, d.snr_db)).collect();
    found.sort_by_key(|d| (d.0, d.1));
    assert_eq!(detector.stats.events_by_reference, events.len() as u64);
    let (expected, pairs) = reference::detect_events(&params, &terrain, &events, &grid);
    assert!(!expected.is_empty());
    assert_eq!(detector.stats.pairs, pairs);
    let expected: Vec<(u32, u32, f32)> =
        expected.iter().map(|d| (d.event_id, d.sensor_id, d.outcome.snr_db as f32)).collect();
    assert_eq!(found, expected);
    // The default budget keeps every one of these light events on the device.
    let mut detector = GpuDetector::new(gpu(), params, &grid, &terrain).expect("detector");
    let on_device = detector.detect(&events).expect("detect");
    assert_eq!(detector.stats.events_by_reference, 0);
    assert!(on_device.len().abs_diff(expected.len()) * 100 <= expected.len());
}

/// Only the events over the budget go to the reference; the rest stay on the device, and
/// every event's detections come back once, from one side or the other.
#[test]
fn only_the_events_over_the_budget_are_detected_again() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut params = random_params(&mut rng);
    let sensors: Vec<GpuSensor> = (0..600).map(|i| random_sensor(&mut rng, i)).collect();
    let grid = SensorGrid::by_modality(&sensors, 7_000.0);
    grid.apply(&mut params);
    let terrain = random_terrain(&mut rng);
    // Reaches from nothing to the whole field: the loop counts spread widely.
    let events: Vec<GpuEvent> = (0..200)
        .map(|i| {
            let mut e = random_event(&mut rng, i, &params);
            let reach = 1_000.0 * (i % 25) as f32;
            (e.reach_acoustic_m, e.reach_radar_m, e.reach_eo_m, e.reach_rf_m) = (reach, reach, reach, reach);
            e
        })
        .collect();
    let (expected, _) = reference::detect_events(&params, &terrain, &events, &grid);
    let expected: std::collections::HashSet<(u32, u32)> = expected.iter().map(|d| (d.event_id, d.sensor_id)).collect();
    assert!(expected.len() > 1_000, "{} detections", expected.len());
    let mut mixed = false;
    for budget in [4, 8, 16, 32, 64, 128, 256] {
        let mut tight = Gpu::new().expect("adapter");
        tight.set_loop_budget(Some(budget));
        let mut detector = GpuDetector::new(&tight, params, &grid, &terrain).expect("detector");
        let found: Vec<(u32, u32)> =
            detector.detect(&events).expect("detect").iter().map(|d| (d.event_id, d.sensor_id)).collect();
        let unique: std::collections::HashSet<(u32, u32)> = found.iter().copied().collect();
        assert_eq!(unique.len(), found.len(), "budget {budget}: a detection came back twice");
        // f32 on the device, f64 in the reference: a pair near its threshold may differ.
        let differ = unique.symmetric_difference(&expected).count();
        assert!(differ * 100 <= expected.len(), "budget {budget}: {differ} of {} differ", expected.len());
        let by_reference = detector.stats.events_by_reference;
        mixed |= by_reference > 0 && by_reference < events.len() as u64;
    }
    assert!(mixed, "no budget split the events between the device and the reference");
}
