//! The detection kernel against its f64 CPU reference on random inputs.

use super::support::gpu;
use linewatch::detect::gpu::{GpuDetector, evaluate_pairs};
use linewatch::detect::reference::{self, wrap_angle};
use linewatch::detect::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn random_params(rng: &mut ChaCha8Rng) -> GpuParams {
    let temp = rng.random_range(-20.0..35.0f32);
    GpuParams {
        temperature_c: temp,
        relative_humidity_pct: rng.random_range(10.0..100.0),
        pressure_kpa: rng.random_range(90.0..105.0),
        sound_speed_mps: linewatch::physics::acoustic::sound_speed_mps(f64::from(temp)) as f32,
        wind_to_x_mps: rng.random_range(-8.0..8.0),
        wind_to_y_mps: rng.random_range(-8.0..8.0),
        dtdz_day_k_per_m: rng.random_range(-0.01..0.0),
        dtdz_night_k_per_m: rng.random_range(0.0..0.03),
        shadow_max_db: rng.random_range(0.0..25.0),
        noise_acoustic_day_db: rng.random_range(40.0..65.0),
        noise_acoustic_night_db: rng.random_range(30.0..55.0),
        noise_seismic_day_db: rng.random_range(40.0..70.0),
        noise_seismic_night_db: rng.random_range(30.0..60.0),
        rayleigh_speed_mps: rng.random_range(150.0..600.0),
        seismic_q: rng.random_range(10.0..60.0),
        seed_lo: rng.random(),
        seed_hi: rng.random(),
        ..GpuParams::default()
    }
}

pub fn random_event(rng: &mut ChaCha8Rng, id: u32, p: &GpuParams) -> GpuEvent {
    let freq = rng.random_range(10.0..1000.0);
    GpuEvent {
        x: rng.random_range(-30_000.0..30_000.0),
        y: rng.random_range(-30_000.0..30_000.0),
        z: rng.random_range(0.0..5.0),
        id,
        acoustic_db: rng.random_range(100.0..200.0),
        acoustic_freq_hz: freq as f32,
        seismic_db: rng.random_range(80.0..170.0),
        seismic_freq_hz: rng.random_range(2.0..30.0),
        reach_acoustic_m: 1e9,
        reach_seismic_m: 1e9,
        is_day: rng.random_range(0..2),
        alpha_db_per_m: linewatch::physics::acoustic::absorption_db_per_m(
            freq,
            f64::from(p.temperature_c),
            f64::from(p.relative_humidity_pct),
            f64::from(p.pressure_kpa),
        ) as f32,
    }
}

pub fn random_sensor(rng: &mut ChaCha8Rng, id: u32) -> GpuSensor {
    let has_bearing = rng.random_bool(0.7);
    GpuSensor {
        x: rng.random_range(-30_000.0..30_000.0),
        y: rng.random_range(-30_000.0..30_000.0),
        z: rng.random_range(0.0..5.0),
        id,
        modality: rng.random_range(0..2),
        enabled: u32::from(rng.random_bool(0.95)),
        threshold_db: rng.random_range(3.0..20.0),
        fluctuation_db: rng.random_range(0.0..6.0),
        timing_sigma_s: rng.random_range(0.0..0.01),
        bearing_sigma_rad: if has_bearing { rng.random_range(0.005..0.1) } else { 0.0 },
        bearing_floor_rad: if has_bearing { 0.002 } else { 0.0 },
        pad: 0,
    }
}

#[test]
fn kernel_matches_f64_reference_on_random_pairs() {
    let mut rng = ChaCha8Rng::seed_from_u64(2025);
    let (mut pairs_total, mut disagreements, mut worst_level, mut meaningful) = (0usize, 0usize, 0.0f64, 0usize);
    for _round in 0..4 {
        let params = random_params(&mut rng);
        let events: Vec<GpuEvent> = (0..300).map(|i| random_event(&mut rng, i * 7 + 3, &params)).collect();
        let sensors: Vec<GpuSensor> = (0..300).map(|i| random_sensor(&mut rng, i * 11 + 5)).collect();
        let pairs: Vec<[u32; 2]> = (0..25_000).map(|_| [rng.random_range(0..300), rng.random_range(0..300)]).collect();
        let out = evaluate_pairs(gpu(), &params, &events, &sensors, &pairs).expect("GPU evaluation");
        assert_eq!(out.len(), pairs.len(), "every pair is written");
        for (pair, g) in pairs.iter().zip(&out) {
            let (e, s) = (&events[pair[0] as usize], &sensors[pair[1] as usize]);
            let c = reference::evaluate_pair(&params, e, s);
            assert!(g.level_db.is_finite() && g.snr_db.is_finite() && g.delay_s.is_finite(), "{g:?}");
            let level_error = (f64::from(g.level_db) - c.level_db).abs();
            // Every level that can matter (above −300 dB, far below any noise floor) within
            // 1e-3 dB; the −10⁴ dB of pairs far beyond any reach within 1e-6 relative (a few f32
            // ulps: the kernel never evaluates such pairs in a run).
            let meaningful_level = c.level_db > -300.0;
            let tolerance = if meaningful_level { 1e-3 } else { 1e-6 * c.level_db.abs() };
            if meaningful_level {
                worst_level = worst_level.max(level_error);
                meaningful += 1;
            }
            assert!(level_error < tolerance, "level {} vs {} for {e:?} {s:?}", g.level_db, c.level_db);
            assert!((f64::from(g.delay_s) - c.delay_s).abs() < 1e-5 * c.delay_s.max(1.0), "delay {g:?} vs {c:?}");
            assert_eq!(g.bearing_rad.is_nan(), c.bearing_rad.is_nan());
            if !c.bearing_rad.is_nan() {
                let d = wrap_angle(f64::from(g.bearing_rad) - c.bearing_rad).abs();
                assert!(d < 1e-4, "bearing {} vs {}", g.bearing_rad, c.bearing_rad);
            }
            if (g.detected != 0) != c.detected {
                disagreements += 1;
                let margin = c.snr_db - f64::from(s.threshold_db);
                assert!(margin.abs() < 1e-3, "decisions differ {margin} dB from the threshold: {g:?} {c:?}");
            }
            pairs_total += 1;
        }
    }
    assert!(disagreements as f64 <= 1e-3 * pairs_total as f64, "{disagreements} of {pairs_total} decisions differ");
    assert!(meaningful * 2 > pairs_total, "most pairs have levels that matter: {meaningful} of {pairs_total}");
    eprintln!("{pairs_total} pairs: worst level error {worst_level:.2e} dB, {disagreements} decisions differ");
}

#[test]
fn grid_search_finds_the_same_detections_as_the_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let mut params = random_params(&mut rng);
    let sensors: Vec<GpuSensor> = (0..800).map(|i| random_sensor(&mut rng, i)).collect();
    let grid = SensorGrid::build(&sensors, 7_000.0);
    grid.apply(&mut params);
    let events: Vec<GpuEvent> = (0..2000)
        .map(|i| {
            let mut e = random_event(&mut rng, i, &params);
            // Finite, varied reaches so the grid culling matters.
            e.reach_acoustic_m = rng.random_range(0.0..25_000.0);
            e.reach_seismic_m = rng.random_range(0.0..8_000.0);
            e
        })
        .collect();
    let mut detector = GpuDetector::new(gpu(), params, &grid).expect("detector");
    let mut g: Vec<(u32, u32)> =
        detector.detect(&events).expect("detect").iter().map(|d| (d.event_id, d.sensor_id)).collect();
    g.sort_unstable();
    let (c, cpu_pairs) = reference::detect_events(&params, &events, &grid);
    let c: Vec<(u32, u32)> = c.iter().map(|d| (d.event_id, d.sensor_id)).collect();
    assert!(!c.is_empty(), "the test must exercise detections");
    assert_eq!(detector.stats.pairs, cpu_pairs, "both evaluate the same pairs within reach");
    let only_gpu = g.iter().filter(|p| c.binary_search(p).is_err()).count();
    let only_cpu = c.iter().filter(|p| g.binary_search(p).is_err()).count();
    assert!(
        (only_gpu + only_cpu) as f64 <= 1e-3 * cpu_pairs as f64,
        "{only_gpu} GPU-only and {only_cpu} CPU-only detections out of {cpu_pairs} pairs"
    );
}

#[test]
fn overflowing_the_output_buffer_grows_it_and_loses_nothing() {
    // 64 events heard by all 20,000 co-located sensors: 1.28 M detections > the first buffer.
    let mut params = GpuParams {
        seed_lo: 1,
        temperature_c: 10.0,
        relative_humidity_pct: 70.0,
        pressure_kpa: 101.325,
        sound_speed_mps: 337.0,
        rayleigh_speed_mps: 300.0,
        seismic_q: 20.0,
        ..Default::default()
    };
    let sensors: Vec<GpuSensor> = (0..20_000)
        .map(|i| GpuSensor {
            x: (i % 100) as f32,
            y: (i / 100) as f32,
            id: i,
            enabled: 1,
            threshold_db: 0.0,
            ..Default::default()
        })
        .collect();
    let grid = SensorGrid::build(&sensors, 10_000.0);
    grid.apply(&mut params);
    let events: Vec<GpuEvent> = (0..64)
        .map(|i| GpuEvent {
            id: i,
            acoustic_db: 200.0,
            acoustic_freq_hz: 50.0,
            alpha_db_per_m: 1e-4,
            reach_acoustic_m: 1e5,
            ..Default::default()
        })
        .collect();
    let mut detector = GpuDetector::new(gpu(), params, &grid).expect("detector");
    let found = detector.detect(&events).expect("detect");
    assert_eq!(found.len(), 64 * 20_000);
}
