//! The detection kernel against its f64 CPU reference on random inputs.

use super::support::gpu;
use linewatch::detect::gpu::{GpuDetector, evaluate_pairs};
use linewatch::detect::reference::{self, wrap_angle};
use linewatch::detect::*;
use linewatch::terrain::procedural::{self, Relief};
use linewatch::terrain::{STANDARD_K_FACTOR, Terrain};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn random_params(rng: &mut ChaCha8Rng) -> GpuParams {
    GpuParams {
        roughness_m: rng.random_range(0.005..0.5),
        surface_layer_m: rng.random_range(20.0..300.0),
        lapse_aloft_k_per_m: rng.random_range(-0.0098..-0.003),
        speed_sigma_mps: rng.random_range(0.0..2.0),
        ground_speed_sigma_fraction: rng.random_range(0.0..0.2),
        survey_sigma_m: rng.random_range(0.0..10.0),
        shadow_max_db: rng.random_range(0.0..25.0),
        noise_acoustic_day_db: rng.random_range(40.0..65.0),
        noise_acoustic_night_db: rng.random_range(30.0..55.0),
        noise_seismic_day_db: rng.random_range(40.0..70.0),
        noise_seismic_night_db: rng.random_range(30.0..60.0),
        rayleigh_speed_mps: rng.random_range(150.0..600.0),
        seismic_q: rng.random_range(10.0..60.0),
        seed_lo: rng.random(),
        seed_hi: rng.random(),
        extinction_visible_per_m: rng.random_range(1e-4..2e-3),
        extinction_thermal_per_m: rng.random_range(1e-5..1e-3),
        lg_q0: rng.random_range(100.0..1000.0),
        lg_q_exponent: rng.random_range(0.0..0.8),
        lg_speed_mps: rng.random_range(3000.0..4000.0),
        lg_speed_sigma_fraction: rng.random_range(0.0..0.05),
        ..GpuParams::default()
    }
}

/// Hills of ±40 m over 12 km waves, sampled every 250 m, over the box the random positions
/// use, with woods and villages on a tenth of it: enough to hide many of the sight lines, not all.
pub fn random_terrain(rng: &mut ChaCha8Rng) -> Terrain {
    let relief = Relief { base_m: 150.0, amplitude_m: 40.0, wavelength_m: 12_000.0, octaves: 5 };
    let seed = rng.random();
    let bare = procedural::dem(&relief, seed, -32_000.0, -32_000.0, 32_000.0, 32_000.0, 250.0).expect("dem");
    let cover = procedural::Cover {
        forest_fraction: 0.06,
        forest_height_m: 20.0,
        settlement_fraction: 0.04,
        settlement_height_m: 10.0,
        patch_m: 2_000.0,
    };
    let clutter = procedural::land_cover(&cover, seed, &bare);
    let dem = bare.with_clutter(clutter).expect("land cover on the grid");
    Terrain { dem, step_m: 250.0, k_factor: STANDARD_K_FACTOR, source: "procedural".into() }
}

/// The weather fields of an event: a random temperature, surface-layer gradient, wind and
/// acoustic background.
pub fn random_weather(rng: &mut ChaCha8Rng, event: GpuEvent) -> GpuEvent {
    let temp = rng.random_range(-20.0..35.0f64);
    GpuEvent {
        sound_speed_mps: linewatch::physics::acoustic::sound_speed_mps(temp) as f32,
        temperature_k: (temp + 273.15) as f32,
        surface_gradient_k_per_m: rng.random_range(-0.02..0.05),
        wind_to_x_mps: rng.random_range(-8.0..8.0),
        wind_to_y_mps: rng.random_range(-8.0..8.0),
        acoustic_noise_db: rng.random_range(30.0..65.0),
        alpha_db_per_m: linewatch::physics::acoustic::absorption_db_per_m(
            f64::from(event.acoustic_freq_hz),
            temp,
            rng.random_range(10.0..100.0),
            rng.random_range(90.0..105.0),
        ) as f32,
        ..event
    }
}

pub fn random_event(rng: &mut ChaCha8Rng, id: u32, _p: &GpuParams) -> GpuEvent {
    let freq = rng.random_range(10.0..1000.0);
    let event = GpuEvent {
        x: rng.random_range(-30_000.0..30_000.0),
        y: rng.random_range(-30_000.0..30_000.0),
        // A third airborne (drones), the rest on the ground.
        z: if rng.random_bool(0.3) { rng.random_range(50.0..300.0) } else { rng.random_range(0.0..5.0) },
        id,
        acoustic_db: rng.random_range(100.0..200.0),
        acoustic_freq_hz: freq as f32,
        // Up to a large explosion at 10 m: enough ground-wave detections to compare.
        seismic_db: rng.random_range(80.0..200.0),
        seismic_freq_hz: rng.random_range(2.0..30.0),
        reach_acoustic_m: 1e9,
        reach_seismic_m: 1e9,
        is_day: rng.random_range(0..2),
        persistent: rng.random_range(0..2),
        rcs_dbsm: rng.random_range(-20.0..15.0),
        critical_dim_m: rng.random_range(0.3..4.0),
        contrast_visible: rng.random_range(0.0..0.6),
        contrast_thermal: rng.random_range(0.0..0.6),
        rf_dbm_1m: rng.random_range(-40.0..10.0),
        reach_radar_m: 1e9,
        reach_eo_m: 1e9,
        reach_rf_m: 1e9,
        // Half are launches whose rounds a counter-battery radar can track.
        projectile_rcs_dbsm: if rng.random_bool(0.5) { rng.random_range(-30.0..-10.0) } else { -1000.0 },
        // Half are large blasts with a regional phase (Lg at 100 km up to a magnitude ~3).
        regional_db: if rng.random_bool(0.5) { rng.random_range(20.0..110.0) } else { -1000.0 },
        regional_freq_hz: rng.random_range(1.0..15.0),
        // Still, moving with a known velocity, or (coverage) at a speed in any heading.
        motion: rng.random_range(0..3),
        velocity_x_mps: rng.random_range(-10.0..10.0),
        velocity_y_mps: rng.random_range(-10.0..10.0),
        speed_mps: rng.random_range(0.0..10.0),
        ..GpuEvent::default()
    };
    random_weather(rng, event)
}

pub fn random_sensor(rng: &mut ChaCha8Rng, id: u32) -> GpuSensor {
    let has_bearing = rng.random_bool(0.7);
    let modality = rng.random_range(0..MODALITY_COUNT);
    GpuSensor {
        x: rng.random_range(-30_000.0..30_000.0),
        y: rng.random_range(-30_000.0..30_000.0),
        // Masts for the sensors that need a line of sight.
        z: if modality >= MODALITY_RADAR { rng.random_range(2.0..30.0) } else { rng.random_range(0.0..5.0) },
        id,
        modality,
        enabled: u32::from(rng.random_bool(0.95)),
        threshold_db: rng.random_range(3.0..20.0),
        fluctuation_db: rng.random_range(0.0..6.0),
        timing_sigma_s: rng.random_range(0.0..0.01),
        bearing_sigma_rad: if has_bearing { rng.random_range(0.005..0.1) } else { 0.0 },
        bearing_floor_rad: if has_bearing { 0.002 } else { 0.0 },
        gain_db: rng.random_range(100.0..200.0),
        pfa: 10f32.powf(rng.random_range(-8.0..-3.0)),
        n50: rng.random_range(0.5..3.0),
        ifov_rad: rng.random_range(2e-5..2e-4),
        min_contrast: rng.random_range(0.005..0.05),
        band: rng.random_range(0..2),
        min_range_m: rng.random_range(0.0..500.0),
        max_range_m: rng.random_range(5_000.0..60_000.0),
        azimuth_rad: rng.random_range(-3.2..3.2),
        half_sector_rad: rng.random_range(0.2..3.2),
        los_exponent: rng.random_range(2.0..2.5),
        nlos_exponent: rng.random_range(3.0..4.5),
        range_sigma_m: rng.random_range(0.0..50.0),
        // A third of the radars locate weapons: σ a share of range, the round above a fence.
        counter_battery: u32::from(modality == MODALITY_RADAR && rng.random_bool(0.33)),
        location_fraction: rng.random_range(0.0..0.01),
        fence_height_m: rng.random_range(50.0..400.0),
        // Cameras that stare and cameras that scan.
        view_fraction: if rng.random_bool(0.5) { 1.0 } else { rng.random_range(0.05..1.0) },
        // Surveillance radars with and without a Doppler notch.
        mdv_mps: if rng.random_bool(0.7) { rng.random_range(0.1..3.0) } else { 0.0 },
        ..Default::default()
    }
}

/// Decisions may differ between f32 and f64 only at the edge: SNR within 1e-3 dB of the
/// threshold (or P(detect) within 1e-4 of the draw), or a sight line within 1 cm of grazing.
fn at_the_edge(c: &reference::Outcome) -> bool {
    let tolerance = if c.pd >= 0.0 { 1e-4 } else { 1e-3 };
    c.margin.abs() < tolerance || c.clearance_m.abs() < 0.01
}

#[test]
fn kernel_matches_f64_reference_on_random_pairs() {
    let mut rng = ChaCha8Rng::seed_from_u64(2025);
    let (mut pairs_total, mut disagreements, mut worst_level, mut meaningful) = (0usize, 0usize, 0.0f64, 0usize);
    let (mut sight_lines, mut blocked, mut clearance_differs, mut worst_clearance) = (0usize, 0usize, 0usize, 0.0f64);
    let mut by_modality = std::collections::BTreeMap::new();
    let mut unseen = 0usize;
    let mut ranges = 0usize;
    let (mut lg_pairs, mut lg_ties) = (0usize, 0usize);
    for _round in 0..6 {
        let params = random_params(&mut rng);
        let events: Vec<GpuEvent> = (0..300).map(|i| random_event(&mut rng, i * 7 + 3, &params)).collect();
        let sensors: Vec<GpuSensor> = (0..300).map(|i| random_sensor(&mut rng, i * 11 + 5)).collect();
        let pairs: Vec<[u32; 2]> = (0..25_000).map(|_| [rng.random_range(0..300), rng.random_range(0..300)]).collect();
        let terrain = random_terrain(&mut rng);
        let out = evaluate_pairs(gpu(), &params, &terrain, &events, &sensors, &pairs).expect("GPU evaluation");
        assert_eq!(out.len(), pairs.len(), "every pair is written");
        for (pair, g) in pairs.iter().zip(&out) {
            let (e, s) = (&events[pair[0] as usize], &sensors[pair[1] as usize]);
            let c = reference::evaluate_pair(&params, &terrain, e, s);
            *by_modality.entry((s.modality, c.detected)).or_insert(0) += 1;
            if c.clearance_m.is_finite() {
                sight_lines += 1;
                blocked += usize::from(c.clearance_m < 0.0);
                let d = (f64::from(g.clearance_m) - c.clearance_m).abs();
                worst_clearance = worst_clearance.max(d);
                if d > 0.05 {
                    clearance_differs += 1;
                    continue;
                }
            } else {
                assert!(g.clearance_m.is_infinite(), "clearance {} vs {}", g.clearance_m, c.clearance_m);
            }
            assert!(g.level_db.is_finite() && g.snr_db.is_finite() && g.delay_s.is_finite(), "{g:?}");
            let level_error = (f64::from(g.level_db) - c.level_db).abs();
            // Every level that can matter (above −300 dB, far below any noise floor) within
            // 1e-3 dB; the −10⁴ dB of pairs far beyond any reach within 1e-6 relative (a few f32
            // ulps: the kernel never evaluates such pairs in a run).
            let meaningful_level = c.level_db > -300.0;
            unseen += usize::from(c.level_db == linewatch::detect::UNSEEN_DB);
            let tolerance = if meaningful_level { 1e-3 } else { 1e-6 * c.level_db.abs() };
            if meaningful_level {
                worst_level = worst_level.max(level_error);
                meaningful += 1;
            }
            assert!(level_error < tolerance, "level {} vs {} for {e:?} {s:?}", g.level_db, c.level_db);
            // The seismic phase is the stronger one's: both sides agree unless the two are
            // within f32 rounding of each other (then the arrival travels at the other speed).
            lg_pairs += usize::from(c.phase == 1);
            if g.phase != c.phase {
                assert!(s.modality == MODALITY_SEISMIC, "phase {} vs {} off a seismic pair", g.phase, c.phase);
                lg_ties += 1;
                continue;
            }
            assert!((f64::from(g.delay_s) - c.delay_s).abs() < 1e-5 * c.delay_s.max(1.0), "delay {g:?} vs {c:?}");
            assert_eq!(g.bearing_rad.is_nan(), c.bearing_rad.is_nan());
            if !c.bearing_rad.is_nan() {
                let d = wrap_angle(f64::from(g.bearing_rad) - c.bearing_rad).abs();
                assert!(d < 1e-4, "bearing {} vs {}", g.bearing_rad, c.bearing_rad);
            }
            // Radar ranges: the ground range plus σr (metres, or a share of range) times a draw.
            assert_eq!(g.measured_range_m.is_nan(), c.measured_range_m.is_nan(), "{g:?} vs {c:?}");
            if c.measured_range_m.is_finite() {
                ranges += 1;
                let d = (f64::from(g.measured_range_m) - c.measured_range_m).abs();
                assert!(
                    d < 0.05 + 1e-6 * c.measured_range_m.abs(),
                    "range {} vs {}",
                    g.measured_range_m,
                    c.measured_range_m
                );
            }
            if (g.detected != 0) != c.detected {
                disagreements += 1;
                assert!(at_the_edge(&c), "decisions differ away from the edge: {g:?} {c:?}");
            }
            pairs_total += 1;
        }
    }
    assert!(disagreements as f64 <= 1e-3 * pairs_total as f64, "{disagreements} of {pairs_total} decisions differ");
    assert!(ranges > 1000, "radar ranges compared: {ranges}");
    assert!(lg_pairs > 1000, "pairs on the regional phase: {lg_pairs}");
    assert!(lg_ties as f64 <= 1e-4 * pairs_total as f64, "{lg_ties} pairs differ in phase");
    // A march of a different step count (f32 against f64 near an integer number of steps) may
    // sample other points: rare, and counted.
    assert!(clearance_differs as f64 <= 1e-3 * sight_lines as f64, "{clearance_differs} of {sight_lines} clearances");
    assert!(blocked * 5 > sight_lines && blocked * 5 < sight_lines * 4, "terrain hides {blocked} of {sight_lines}");
    for m in 0..MODALITY_COUNT {
        for detected in [false, true] {
            let n = by_modality.get(&(m, detected)).copied().unwrap_or(0);
            assert!(n > 100, "modality {m}, detected {detected}: only {n} pairs");
        }
    }
    eprintln!("{sight_lines} sight lines, {blocked} blocked, worst clearance difference {worst_clearance:.2e} m");
    // Pairs out of a radar's, camera's or RF detector's view have no level at all.
    let seen = pairs_total - unseen;
    assert!(meaningful * 2 > seen, "most pairs in view have levels that matter: {meaningful} of {seen}");
    eprintln!("{pairs_total} pairs: worst level error {worst_level:.2e} dB, {disagreements} decisions differ");
}

#[test]
fn grid_search_finds_the_same_detections_as_the_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let mut params = random_params(&mut rng);
    let sensors: Vec<GpuSensor> = (0..800).map(|i| random_sensor(&mut rng, i)).collect();
    let grid = SensorGrid::by_modality(&sensors, 7_000.0);
    grid.apply(&mut params);
    let terrain = random_terrain(&mut rng);
    let events: Vec<GpuEvent> = (0..2000)
        .map(|i| {
            let mut e = random_event(&mut rng, i, &params);
            // Finite, varied reaches so the grid culling matters.
            e.reach_acoustic_m = rng.random_range(0.0..25_000.0);
            e.reach_seismic_m = rng.random_range(0.0..8_000.0);
            e.reach_radar_m = rng.random_range(0.0..20_000.0);
            e.reach_eo_m = rng.random_range(0.0..10_000.0);
            e.reach_rf_m = rng.random_range(0.0..15_000.0);
            e
        })
        .collect();
    let mut detector = GpuDetector::new(gpu(), params, &grid, &terrain).expect("detector");
    let mut g: Vec<(u32, u32)> =
        detector.detect(&events).expect("detect").iter().map(|d| (d.event_id, d.sensor_id)).collect();
    g.sort_unstable();
    let (c, cpu_pairs) = reference::detect_events(&params, &terrain, &events, &grid);
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
        roughness_m: 0.05,
        surface_layer_m: 100.0,
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
    let grid = SensorGrid::by_modality(&sensors, 10_000.0);
    grid.apply(&mut params);
    let events: Vec<GpuEvent> = (0..64)
        .map(|i| {
            GpuEvent {
                id: i,
                acoustic_db: 200.0,
                acoustic_freq_hz: 50.0,
                alpha_db_per_m: 1e-4,
                reach_acoustic_m: 1e5,
                ..Default::default()
            }
            .in_still_air(10.0, 40.0)
        })
        .collect();
    let flat = Terrain::flat();
    let mut detector = GpuDetector::new(gpu(), params, &grid, &flat).expect("detector");
    let found = detector.detect(&events).expect("detect");
    assert_eq!(found.len(), 64 * 20_000);
}
