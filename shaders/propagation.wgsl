// Propagation models, f32; the Rust f64 twins are in src/physics/. Constants and sources are
// documented there. ISO 9613-1 absorption is not here: it depends only on the source and the
// weather, so the host computes it once per event in f64 (GpuEvent.alpha_db_per_m).

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

fn sound_speed_mps(temp_c: f32) -> f32 {
    return 331.3 * sqrt(1.0 + temp_c / 273.15);
}

fn effective_gradient_per_s(temp_c: f32, dtdz_k_per_m: f32, wind_along_path_mps: f32) -> f32 {
    let c = sound_speed_mps(temp_c);
    return c / (2.0 * (temp_c + 273.15)) * dtdz_k_per_m + wind_along_path_mps / 10.0;
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
