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
    let params = GpuParams {
        temperature_c: 15.0,
        relative_humidity_pct: 50.0,
        pressure_kpa: 101.325,
        sound_speed_mps: 340.0,
        shadow_max_db: 0.0,
        noise_acoustic_day_db: NOISE_DB,
        noise_acoustic_night_db: NOISE_DB,
        seed_lo: 99,
        ..Default::default()
    };
    // Absorption off: alpha_db_per_m = 0 (the default).
    let events: Vec<GpuEvent> = (0..draws)
        .map(|i| GpuEvent {
            z: HEIGHT_M,
            id: i,
            acoustic_db: SOURCE_DB,
            acoustic_freq_hz: 0.01,
            is_day: 1,
            ..Default::default()
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

/// A line-of-sight sensor at the origin looking at `draws` events (ids 0..draws) at `range_m`
/// along +x, over flat ground: the fraction the GPU and the CPU detect, and one CPU outcome.
fn sight_fraction(sensor: GpuSensor, event: GpuEvent, range_m: f32, draws: u32) -> (f64, f64, reference::Outcome) {
    let params = GpuParams { visibility_m: 1e9, seed_lo: 7, ..Default::default() };
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
    use linewatch::physics::electro_optical::{apparent_contrast, cycles_on_target, ttp_probability};
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
    // Beyond the range where haze brings the contrast under the threshold, nothing; a visible
    // camera sees nothing of a source without visible contrast (night).
    let params = GpuParams { visibility_m: 5_000.0, ..Default::default() };
    let limit = 5_000.0 / 3.912 * (0.5f64 / 0.02).ln();
    for (range, seen) in [(limit * 0.99, true), (limit * 1.01, false)] {
        let e = GpuEvent { x: range as f32, ..event };
        let o = reference::evaluate_pair(&params, &Terrain::flat(), &e, &sensor);
        assert_eq!(o.pd > 0.0, seen, "{range} m: contrast {}", apparent_contrast(0.5, range, 5_000.0));
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
