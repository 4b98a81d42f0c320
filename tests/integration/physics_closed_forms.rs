//! Detection physics against closed forms, through the GPU kernel and the CPU reference.

use super::support::gpu;
use linewatch::detect::gpu::evaluate_pairs;
use linewatch::detect::reference;
use linewatch::detect::*;
use linewatch::terrain::Terrain;

/// Source 120 dB, noise 40 dB, threshold 10 dB: with absorption, ground and refraction off,
/// Pd = 0.5 where spreading alone eats the 70 dB margin: r = 10^(70/20) m ≈ 3162 m.
const SOURCE_DB: f32 = 120.0;
const NOISE_DB: f32 = 40.0;
const THRESHOLD_DB: f32 = 10.0;
/// Source and sensor high enough that ISO 9613-2's ground term is zero at these ranges.
const HEIGHT_M: f32 = 5_000.0;

fn setup(draws: u32, ranges: &[f32]) -> (GpuParams, Vec<GpuEvent>, Vec<GpuSensor>, Vec<[u32; 2]>) {
    let params =
        GpuParams { roughness_m: 0.05, surface_layer_m: 100.0, shadow_max_db: 0.0, seed_lo: 99, ..Default::default() };
    // Absorption off: alpha_db_per_m = 0 (the default).
    let events: Vec<GpuEvent> = (0..draws)
        .map(|i| {
            GpuEvent {
                z: HEIGHT_M,
                id: i,
                acoustic_db: SOURCE_DB,
                acoustic_freq_hz: 0.01,
                is_day: 1,
                ..Default::default()
            }
            .in_still_air(15.0, f64::from(NOISE_DB))
        })
        .collect();
    let sensors: Vec<GpuSensor> = ranges
        .iter()
        .enumerate()
        .map(|(k, &r)| GpuSensor {
            x: r,
            z: HEIGHT_M,
            id: k as u32,
            enabled: 1,
            threshold_db: THRESHOLD_DB,
            fluctuation_db: 5.0,
            ..Default::default()
        })
        .collect();
    let pairs = (0..draws).flat_map(|e| (0..ranges.len() as u32).map(move |s| [e, s])).collect();
    (params, events, sensors, pairs)
}

/// Range where the detected fraction crosses 0.5. Near Pd = 0.5, Pd = Φ((L(r) − N − T)/σ) is
/// linear in log r, so a least-squares line through the points with 0.4 ≤ Pd ≤ 0.6 against
/// log10 r gives it without bias.
fn half_range(ranges: &[f32], fraction: &[f64]) -> f64 {
    let pts: Vec<(f64, f64)> = ranges
        .iter()
        .zip(fraction)
        .filter(|(_, p)| (0.4..=0.6).contains(*p))
        .map(|(&r, &p)| (f64::from(r).log10(), p))
        .collect();
    assert!(pts.len() >= 5, "too few points near Pd = 0.5: {pts:?}");
    let n = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxy: f64 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = pts.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    10f64.powf(mx + (0.5 - my) / (sxy / sxx))
}

#[test]
fn single_sensor_pd_half_range_is_the_spreading_limit() {
    let expected = 10f64.powf(f64::from(SOURCE_DB - NOISE_DB - THRESHOLD_DB) / 20.0);
    let ranges: Vec<f32> = (0..41).map(|k| (expected * (0.8 + 0.01 * f64::from(k))) as f32).collect();
    let draws = 20_000;
    let (params, events, sensors, pairs) = setup(draws, &ranges);
    let out = evaluate_pairs(gpu(), &params, &Terrain::flat(), &events, &sensors, &pairs).expect("GPU");
    let mut gpu_hits = vec![0u32; ranges.len()];
    let mut cpu_hits = vec![0u32; ranges.len()];
    for (pair, o) in pairs.iter().zip(&out) {
        let s = pair[1] as usize;
        gpu_hits[s] += o.detected;
        cpu_hits[s] += u32::from(
            reference::evaluate_pair(&params, &Terrain::flat(), &events[pair[0] as usize], &sensors[s]).detected,
        );
        assert_eq!(o.range_m, ranges[s]);
    }
    for (name, hits) in [("GPU", gpu_hits), ("CPU", cpu_hits)] {
        let fraction: Vec<f64> = hits.iter().map(|&h| f64::from(h) / f64::from(draws)).collect();
        let r50 = half_range(&ranges, &fraction);
        assert!((r50 / expected - 1.0).abs() < 0.01, "{name}: Pd = 0.5 at {r50:.0} m, closed form {expected:.0} m");
    }
}

#[test]
fn received_level_without_fluctuation_is_source_minus_spreading() {
    let (params, events, mut sensors, _) = setup(1, &[10.0, 100.0, 1000.0, 10_000.0]);
    for s in &mut sensors {
        s.fluctuation_db = 0.0;
    }
    for s in &sensors {
        let o = reference::evaluate_pair(&params, &Terrain::flat(), &events[0], s);
        let expected = f64::from(SOURCE_DB) - 20.0 * f64::from(s.x).log10();
        assert!((o.mean_level_db - expected).abs() < 1e-6, "{} m: {} vs {expected}", s.x, o.mean_level_db);
    }
}

/// A 250 kg blast's regional phase through the kernel: a geophone far out picks Lg at the level of
/// the closed form (the magnitude law, the Wood–Anderson anchor at 100 km, Kvamme's Q and the
/// spherical-then-cylindrical spreading), and a near one picks the local surface wave.
#[test]
fn a_large_blast_is_heard_far_out_on_lg_and_near_on_the_local_wave() {
    use linewatch::physics::{explosion, seismic};
    let params = GpuParams { rayleigh_speed_mps: 300.0, seismic_q: 20.0, seed_lo: 3, ..Default::default() };
    let ml = seismic::local_magnitude(250.0);
    let event = GpuEvent {
        seismic_db: explosion::seismic_source_db(250.0, -20.0) as f32,
        seismic_freq_hz: 10.0,
        regional_db: seismic::lg_anchor_db(ml, 8.0) as f32,
        regional_freq_hz: 8.0,
        reach_seismic_m: 1e7,
        is_day: 1,
        ..Default::default()
    };
    let ranges = [300.0f32, 30_000.0, 100_000.0, 200_000.0, 400_000.0];
    let sensors: Vec<GpuSensor> = ranges
        .iter()
        .enumerate()
        .map(|(k, &x)| GpuSensor { x, id: k as u32, modality: MODALITY_SEISMIC, enabled: 1, ..Default::default() })
        .collect();
    let pairs: Vec<[u32; 2]> = (0..ranges.len() as u32).map(|s| [0, s]).collect();
    let out = evaluate_pairs(gpu(), &params, &Terrain::flat(), &[event], &sensors, &pairs).expect("GPU");
    // ML 1.442: 10^(1.442 − 3) mm / 2800 · 2π · 8 Hz = 0.497 µm/s, 53.93 dB at 100 km.
    let anchor = seismic::lg_anchor_db(ml, 8.0);
    assert!((ml - 1.4422).abs() < 1e-4 && (anchor - 53.93).abs() < 0.01, "ML {ml}, {anchor} dB");
    for (k, o) in out.iter().enumerate() {
        let r = f64::from(ranges[k]);
        let c = reference::evaluate_pair(&params, &Terrain::flat(), &event, &sensors[k]);
        if k == 0 {
            assert_eq!((o.phase, c.phase), (0, 0), "the local wave at 300 m");
            continue;
        }
        let closed = seismic::lg_level_db(anchor, r, 8.0, 440.0, 0.7, 3500.0);
        assert_eq!((o.phase, c.phase), (1, 1), "Lg at {r} m");
        // The event carries its anchor level in f32: ~1e-5 dB of rounding.
        assert!((c.mean_level_db - closed).abs() < 1e-4, "{r} m: {} vs {closed}", c.mean_level_db);
        assert!((f64::from(o.level_db) - c.level_db).abs() < 1e-3, "{r} m: GPU {} vs {}", o.level_db, c.level_db);
        // It travels at Lg's speed, 3.5 km/s, within its 2.7 %·4σ and the pick.
        let travel = f64::from(o.delay_s);
        assert!((travel * 3500.0 / r - 1.0).abs() < 0.12, "{r} m in {travel} s");
    }
}

/// A line-of-sight sensor at the origin looking at `draws` events (ids 0..draws) at `range_m`
/// along +x, over flat ground: the fraction the GPU and the CPU detect, and one CPU outcome.
fn sight_fraction(sensor: GpuSensor, event: GpuEvent, range_m: f32, draws: u32) -> (f64, f64, reference::Outcome) {
    let params = GpuParams { seed_lo: 7, ..Default::default() };
    let flat = Terrain::flat();
    let events: Vec<GpuEvent> = (0..draws).map(|id| GpuEvent { x: range_m, id, ..event }).collect();
    let pairs: Vec<[u32; 2]> = (0..draws).map(|e| [e, 0]).collect();
    let out = evaluate_pairs(gpu(), &params, &flat, &events, &[sensor], &pairs).expect("GPU");
    let gpu_hits: u32 = out.iter().map(|o| o.detected).sum();
    let cpu_hits: u32 =
        events.iter().map(|e| u32::from(reference::evaluate_pair(&params, &flat, e, &sensor).detected)).sum();
    let n = f64::from(draws);
    (f64::from(gpu_hits) / n, f64::from(cpu_hits) / n, reference::evaluate_pair(&params, &flat, &events[0], &sensor))
}

fn sight_sensor(modality: u32) -> GpuSensor {
    GpuSensor {
        z: 10.0,
        modality,
        enabled: 1,
        max_range_m: 1e6,
        half_sector_rad: std::f32::consts::PI,
        view_fraction: 1.0,
        ..Default::default()
    }
}

/// Four binomial standard errors at `n` draws around `p` (and a floor for p near 0 or 1).
fn binomial_tolerance(p: f64, n: u32) -> f64 {
    4.0 * (p * (1.0 - p) / f64::from(n)).sqrt() + 1e-3
}

#[test]
fn radar_detection_follows_the_radar_equation_and_swerling_1() {
    use linewatch::physics::radar;
    // 13 dB on 1 m² at 10 km, Pfa 1e-6; a 10 m² target.
    let sensor =
        GpuSensor { gain_db: (13.0 + 40.0 * 10_000f64.log10()) as f32, pfa: 1e-6, ..sight_sensor(MODALITY_RADAR) };
    let event = GpuEvent { z: 10.0, rcs_dbsm: 10.0, reach_radar_m: 1e6, ..Default::default() };
    let draws = 20_000;
    for range in [5_000.0f32, 12_000.0, 20_000.0, 30_000.0] {
        let (gpu_pd, cpu_pd, o) = sight_fraction(sensor, event, range, draws);
        let snr = radar::snr_db(13.0, 10_000.0, f64::from(range), 10.0, 1.0);
        let closed = radar::swerling1_pd(snr, 1e-6);
        assert!((o.snr_db - snr).abs() < 1e-9, "SNR {} vs {snr}", o.snr_db);
        for (name, pd) in [("GPU", gpu_pd), ("CPU", cpu_pd)] {
            assert!((pd - closed).abs() < binomial_tolerance(closed, draws), "{name} at {range} m: {pd} vs {closed}");
        }
    }
}

#[test]
fn camera_detection_follows_the_ttp_curve_and_the_contrast_limit() {
    use linewatch::physics::electro_optical::{
        THERMAL_WAVELENGTH_UM, cycles_on_target, extinction_per_m, ttp_probability,
    };
    // 15 µm pixels behind 100 mm: IFOV 0.15 mrad; a 2.3 m target, N50 0.75.
    let sensor = GpuSensor { ifov_rad: 1.5e-4, n50: 0.75, min_contrast: 0.02, band: 1, ..sight_sensor(MODALITY_EO_IR) };
    let event = GpuEvent { z: 10.0, critical_dim_m: 2.3, contrast_thermal: 0.5, reach_eo_m: 1e6, ..Default::default() };
    let draws = 20_000;
    for range in [3_000.0f32, 8_000.0, 15_000.0, 25_000.0] {
        let (gpu_pd, cpu_pd, _) = sight_fraction(sensor, event, range, draws);
        let closed = ttp_probability(cycles_on_target(2.3, f64::from(range), 1.5e-4), 0.75);
        for (name, pd) in [("GPU", gpu_pd), ("CPU", cpu_pd)] {
            assert!((pd - closed).abs() < binomial_tolerance(closed, draws), "{name} at {range} m: {pd} vs {closed}");
        }
    }
    // A camera that scans its sector with a quarter of it in view sees a transient flash a quarter
    // as often, and a persistent vehicle as often as one that stares.
    let scanning = GpuSensor { view_fraction: 0.25, ..sensor };
    let closed = ttp_probability(cycles_on_target(2.3, 8_000.0, 1.5e-4), 0.75);
    for (persistent, expected) in [(0, 0.25 * closed), (1, closed)] {
        let (gpu_pd, cpu_pd, _) = sight_fraction(scanning, GpuEvent { persistent, ..event }, 8_000.0, draws);
        for (name, pd) in [("GPU", gpu_pd), ("CPU", cpu_pd)] {
            assert!((pd - expected).abs() < binomial_tolerance(expected, draws), "{name} scanning: {pd} vs {expected}");
        }
    }
    // Beyond the range where haze brings the contrast under the threshold, nothing; a visible
    // camera sees nothing of a source without visible contrast (night).
    // 5 km of haze seen at 10 µm: the Kruse–Kim extinction (physics::electro_optical).
    let extinction = extinction_per_m(5_000.0, THERMAL_WAVELENGTH_UM);
    let params = GpuParams { extinction_thermal_per_m: extinction as f32, ..Default::default() };
    let limit = (0.5f64 / 0.02).ln() / extinction;
    for (range, seen) in [(limit * 0.99, true), (limit * 1.01, false)] {
        let e = GpuEvent { x: range as f32, ..event };
        let o = reference::evaluate_pair(&params, &Terrain::flat(), &e, &sensor);
        assert_eq!(o.pd > 0.0, seen, "{range} m: contrast {}", 0.5 * (-extinction * range).exp());
    }
    let visible = GpuSensor { band: 0, ..sensor };
    let (gpu_pd, cpu_pd, _) = sight_fraction(visible, event, 3_000.0, 1_000);
    assert_eq!((gpu_pd, cpu_pd), (0.0, 0.0), "no visible contrast, no detection");
}

#[test]
fn rf_detection_follows_the_link_budget() {
    use linewatch::physics::rf;
    // A 20 dBm, 2.4 GHz video link at full duty; −95 dBm sensitivity, 6 dB shadowing.
    let p1 = rf::received_dbm(20.0, 1.0, rf::free_space_loss_db(1.0, 2.4e9));
    let sensor = GpuSensor {
        gain_db: 95.0,
        fluctuation_db: 6.0,
        los_exponent: 2.0,
        nlos_exponent: 3.5,
        ..sight_sensor(MODALITY_RF)
    };
    let event = GpuEvent { z: 100.0, rf_dbm_1m: p1 as f32, reach_rf_m: 1e6, ..Default::default() };
    let draws = 20_000;
    for range in [5_000.0f32, 10_000.0, 16_000.0, 30_000.0] {
        let (gpu_pd, cpu_pd, o) = sight_fraction(sensor, event, range, draws);
        let slant = (f64::from(range).powi(2) + 90.0f64.powi(2)).sqrt();
        let received = rf::received_dbm(20.0, 1.0, rf::log_distance_loss_db(slant, 2.4e9, 2.0));
        assert!((o.mean_level_db - received).abs() < 1e-6, "{} vs {received} dBm", o.mean_level_db);
        let closed = linewatch::physics::normal_cdf((received + 95.0) / 6.0);
        for (name, pd) in [("GPU", gpu_pd), ("CPU", cpu_pd)] {
            assert!((pd - closed).abs() < binomial_tolerance(closed, draws), "{name} at {range} m: {pd} vs {closed}");
        }
    }
}

/// Over a flat earth a mast of height h sees a target on the ground out to the radar horizon
/// √(2·k·R·h): the kernels' march agrees with the closed form to within a step.
#[test]
fn radar_horizon_on_a_flat_earth_through_the_kernel() {
    use linewatch::terrain::{Dem, STANDARD_K_FACTOR, radar_horizon_m};
    let dem = Dem::flat(-10_000.0, -10_000.0, 100.0, 800, 200, 0.0).expect("flat");
    let terrain = Terrain { dem, step_m: 50.0, k_factor: STANDARD_K_FACTOR, source: "flat".into() };
    let params = GpuParams::default();
    let sensor = GpuSensor { z: 20.0, gain_db: 300.0, pfa: 1e-6, ..sight_sensor(MODALITY_RADAR) };
    let horizon = radar_horizon_m(20.0, STANDARD_K_FACTOR) as f32;
    let ranges = [horizon - 200.0, horizon + 200.0];
    let events: Vec<GpuEvent> = ranges
        .iter()
        .enumerate()
        .map(|(id, &x)| GpuEvent { x, id: id as u32, rcs_dbsm: 10.0, reach_radar_m: 1e6, ..Default::default() })
        .collect();
    let out = evaluate_pairs(gpu(), &params, &terrain, &events, &[sensor], &[[0, 0], [1, 0]]).expect("GPU");
    for (k, seen) in [(0, true), (1, false)] {
        let c = reference::evaluate_pair(&params, &terrain, &events[k], &sensor);
        assert_eq!(out[k].clearance_m >= 0.0, seen, "GPU at {} m (horizon {horizon})", ranges[k]);
        assert_eq!(c.clearance_m >= 0.0, seen, "CPU at {} m", ranges[k]);
        assert_eq!(out[k].detected != 0, seen, "a radar does not see below the horizon");
    }
}

/// A counter-battery radar: the radar equation and Swerling 1 on the round's cross-section
/// (not the launcher's), blind to sources without a round, and the launch point reported with
/// a per-axis error of its share of range.
#[test]
fn counter_battery_radar_tracks_rounds_and_reports_the_launch_point() {
    use linewatch::physics::radar;
    // 13 dB on 0.01 m² at 20 km; CEP 0.4 % of range, σ = 0.004/1.1774 per metre.
    let fraction = 0.004 / 1.177_410_022_515_474_6;
    let sensor = GpuSensor {
        gain_db: (13.0 + 40.0 * 20_000f64.log10() - 10.0 * 0.01f64.log10()) as f32,
        pfa: 1e-6,
        counter_battery: 1,
        location_fraction: fraction as f32,
        bearing_sigma_rad: fraction as f32,
        bearing_floor_rad: fraction as f32,
        fence_height_m: 200.0,
        ..sight_sensor(MODALITY_RADAR)
    };
    let launch =
        GpuEvent { z: 2.0, rcs_dbsm: -1000.0, projectile_rcs_dbsm: -20.0, reach_radar_m: 1e6, ..Default::default() };
    let draws = 20_000;
    for range in [10_000.0f32, 20_000.0, 30_000.0] {
        let (gpu_pd, cpu_pd, o) = sight_fraction(sensor, launch, range, draws);
        let snr = 13.0 - 40.0 * (f64::from(range) / 20_000.0).log10();
        let expected = radar::swerling1_pd(snr, 1e-6);
        assert!((o.pd - expected).abs() < 1e-4, "{range} m: reference {} vs closed form {expected}", o.pd);
        let tolerance = binomial_tolerance(expected, draws);
        assert!((gpu_pd - expected).abs() < tolerance, "{range} m: GPU {gpu_pd} vs {expected}");
        assert!((cpu_pd - expected).abs() < tolerance, "{range} m: CPU {cpu_pd} vs {expected}");
    }
    // A vehicle has a cross-section but no round: the counter-battery radar never sees it, and
    // a surveillance radar never sees a round's launch by its round.
    let vehicle = GpuEvent { rcs_dbsm: 10.0, projectile_rcs_dbsm: -1000.0, ..launch };
    assert_eq!(sight_fraction(sensor, vehicle, 5_000.0, 1000).0, 0.0);
    let surveillance = GpuSensor { counter_battery: 0, ..sensor };
    assert_eq!(sight_fraction(surveillance, launch, 5_000.0, 1000).0, 0.0);

    // The reported range scatters by fraction × range (and the bearing by fraction).
    let params = GpuParams { seed_lo: 11, ..Default::default() };
    let flat = Terrain::flat();
    let range = 15_000.0f32;
    let events: Vec<GpuEvent> = (0..draws).map(|id| GpuEvent { x: range, id, ..launch }).collect();
    let pairs: Vec<[u32; 2]> = (0..draws).map(|e| [e, 0]).collect();
    let out = evaluate_pairs(gpu(), &params, &flat, &events, &[sensor], &pairs).expect("GPU");
    let errors: Vec<f64> = out.iter().map(|o| f64::from(o.measured_range_m) - f64::from(range)).collect();
    let n = errors.len() as f64;
    let mean = errors.iter().sum::<f64>() / n;
    let sd = (errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let expected_sd = fraction * f64::from(range);
    assert!(mean.abs() < 4.0 * expected_sd / n.sqrt(), "unbiased: mean error {mean} m");
    assert!((sd / expected_sd - 1.0).abs() < 0.03, "σ {sd} m vs {expected_sd} m");
}

/// The round is seen where it rises above the terrain mask, not where it leaves the ground: a
/// 120 m ridge 9 km from the radar and 8 km from the battery hides the gun, not a round 300 m
/// above it (the ray passes the crest at ~164 m, less 4 m of earth bulge).
#[test]
fn a_counter_battery_radar_sees_rounds_over_a_ridge_that_hides_the_gun() {
    use linewatch::terrain::{Dem, STANDARD_K_FACTOR};
    let (nx, ny, spacing) = (201, 11, 100.0);
    let heights = (0..ny)
        .flat_map(|_| (0..nx).map(|i| (120.0 * (-((f64::from(i) * spacing - 10_000.0) / 300.0).powi(2)).exp()) as f32))
        .collect();
    let dem = Dem::new(0.0, -500.0, spacing, nx as usize, ny as usize, heights).expect("grid");
    let terrain = Terrain { dem, step_m: 50.0, k_factor: STANDARD_K_FACTOR, source: "test".into() };
    let params = GpuParams { seed_lo: 3, ..Default::default() };
    let radar = GpuSensor {
        x: 1_000.0,
        // 71 dB on the round at 17 km: seen for certain when in view.
        gain_db: 260.0,
        pfa: 1e-6,
        counter_battery: 1,
        fence_height_m: 300.0,
        ..sight_sensor(MODALITY_RADAR)
    };
    let gun = GpuEvent {
        x: 18_000.0,
        z: 2.0,
        rcs_dbsm: 10.0,
        projectile_rcs_dbsm: -20.0,
        reach_radar_m: 1e6,
        ..Default::default()
    };
    for (sensor, seen) in [
        (radar, true),
        (GpuSensor { fence_height_m: 20.0, ..radar }, false),
        (GpuSensor { counter_battery: 0, ..radar }, false),
    ] {
        let gpu_out = evaluate_pairs(gpu(), &params, &terrain, &[gun], &[sensor], &[[0, 0]]).expect("GPU")[0];
        let cpu = reference::evaluate_pair(&params, &terrain, &gun, &sensor);
        assert_eq!(cpu.clearance_m >= 0.0, seen, "fence {} m: clearance {}", sensor.fence_height_m, cpu.clearance_m);
        assert_eq!(gpu_out.clearance_m >= 0.0, seen);
        assert_eq!(gpu_out.detected != 0, seen);
        assert_eq!(cpu.detected, seen);
    }
}
