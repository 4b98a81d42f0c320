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
        cpu_hits[s] += u32::from(reference::evaluate_pair(&params, &Terrain::flat(), &events[pair[0] as usize], &sensors[s]).detected);
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
