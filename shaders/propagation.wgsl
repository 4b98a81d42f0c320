// Propagation models, f32; the Rust f64 twins are in src/physics/. Constants and sources are
// documented there. ISO 9613-1 absorption is not here: it depends only on the source and the
// weather, so the host computes it once per event in f64 (GpuEvent.alpha_db_per_m). The kernel
// declares the `params` uniform (the profile's shape) these read.

const LOG10_E: f32 = 0.4342944819032518;
const PI: f32 = 3.141592653589793;
const TAU: f32 = 6.283185307179586;

fn log10_f32(x: f32) -> f32 {
    return log(x) * LOG10_E;
}

// ISO 9613-2:1996 eq. (10).
fn ground_attenuation_db(range_m: f32, source_height_m: f32, sensor_height_m: f32) -> f32 {
    let mean_height = 0.5 * (source_height_m + sensor_height_m);
    return max(4.8 - (2.0 * mean_height / range_m) * (17.0 + 300.0 / range_m), 0.0);
}

// Mean effective sound-speed gradient over [0, h], 1/s: log wind profile plus a surface layer
// and a lapse aloft (src/physics/acoustic.rs::layer_gradient_per_s).
fn layer_gradient_per_s(speed_mps: f32, temperature_k: f32, surface_k_per_m: f32, wind_along_mps: f32,
                        height_m: f32) -> f32 {
    let h = max(height_m, 1e-3);
    let depth = params.surface_layer_m;
    let aloft = min(params.lapse_aloft_k_per_m, surface_k_per_m);
    let rise = surface_k_per_m * min(h, depth) + aloft * max(h - depth, 0.0);
    let z0 = max(params.roughness_m, MIN_ROUGHNESS_M);
    let b = wind_along_mps / log(1.0 + WIND_REFERENCE_HEIGHT_M / z0);
    return speed_mps / (2.0 * temperature_k) * rise / h + b * log(1.0 + h / z0) / h;
}

// Height a path of ground range r samples: the apex of the circular ray (acoustic.rs::path_height_m).
fn path_height_m(speed_mps: f32, temperature_k: f32, surface_k_per_m: f32, wind_speed_mps: f32, range_m: f32) -> f32 {
    let scale = abs(speed_mps / (2.0 * temperature_k) * surface_k_per_m) + abs(wind_speed_mps) / WIND_REFERENCE_HEIGHT_M;
    return max(range_m * range_m * scale / (8.0 * speed_mps), WIND_REFERENCE_HEIGHT_M);
}

// The wind a sound path travels in, per unit of 10 m wind (acoustic.rs::path_wind_factor).
fn path_wind_factor(height_m: f32) -> f32 {
    let top = min(height_m, max(params.surface_layer_m, WIND_REFERENCE_HEIGHT_M));
    let z0 = max(params.roughness_m, MIN_ROUGHNESS_M);
    return log_profile_mean(top, z0) / log(1.0 + WIND_REFERENCE_HEIGHT_M / z0);
}

fn log_profile_mean(height_m: f32, z0: f32) -> f32 {
    let x = height_m / z0;
    return (1.0 + x) * log(1.0 + x) / x - 1.0;
}

// Upward-refraction shadow zone (Embleton 1996), ramping to max_db between r_s and 2 r_s.
fn shadow_attenuation_db(range_m: f32, gradient_per_s: f32, speed_mps: f32,
                         source_height_m: f32, sensor_height_m: f32, max_db: f32) -> f32 {
    if gradient_per_s >= 0.0 {
        return 0.0;
    }
    let onset = sqrt(2.0 * speed_mps / -gradient_per_s)
        * (sqrt(max(source_height_m, 0.0)) + sqrt(max(sensor_height_m, 0.0)));
    if onset <= 0.0 {
        return max_db;
    }
    return max_db * clamp((range_m - onset) / onset, 0.0, 1.0);
}

fn spreading_db(range_m: f32) -> f32 {
    return 20.0 * log10_f32(max(range_m, 1.0));
}

// Surface waves: spreading exponent 1/2, anelastic loss, reference distance 10 m.
fn seismic_level_db(source_db: f32, range_m: f32, freq_hz: f32, quality_factor: f32, speed_mps: f32) -> f32 {
    let r = max(range_m, 10.0);
    return source_db - 10.0 * log10_f32(r / 10.0)
        - 8.686 * PI * freq_hz * (r - 10.0) / (quality_factor * speed_mps);
}

// Lg, from its level at the 100 km anchor: spherical spreading to LG_CROSSOVER_M, cylindrical
// beyond, and the anelastic loss 8.686·π·f·(r − 100 km)/(Q(f)·U) (src/physics/seismic.rs).
fn lg_level_db(anchor_db: f32, range_m: f32, freq_hz: f32, q0: f32, exponent: f32, speed_mps: f32) -> f32 {
    let r = max(range_m, LG_NEAREST_M);
    var spreading = 20.0 * log10_f32(min(r, LG_CROSSOVER_M) / LG_ANCHOR_M);
    if r > LG_CROSSOVER_M {
        spreading += 10.0 * log10_f32(r / LG_CROSSOVER_M);
    }
    let q = q0 * pow(max(freq_hz, 1e-3), exponent);
    return anchor_db - spreading - 8.686 * PI * freq_hz * (r - LG_ANCHOR_M) / (q * speed_mps);
}
