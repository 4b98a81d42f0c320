// Propagation models, f32; the Rust f64 twins are in src/physics/. Constants and sources are
// documented there.

const LOG10_E: f32 = 0.4342944819032518;
const PI: f32 = 3.141592653589793;

fn log10_f32(x: f32) -> f32 {
    return log(x) * LOG10_E;
}

// ISO 9613-1:1993 pure-tone absorption, dB/m.
fn absorption_db_per_m(freq_hz: f32, temp_c: f32, rh_pct: f32, pressure_kpa: f32) -> f32 {
    let t = temp_c + 273.15;
    let pa = pressure_kpa / 101.325;
    let exponent = -6.8346 * pow(273.16 / t, 1.261) + 4.6151;
    let h = rh_pct * pow(10.0, exponent) / pa;
    let tr = t / 293.15;
    let fr_o = pa * (24.0 + 4.04e4 * h * (0.02 + h) / (0.391 + h));
    let fr_n = pa * pow(tr, -0.5) * (9.0 + 280.0 * h * exp(-4.170 * (pow(tr, -1.0 / 3.0) - 1.0)));
    let f2 = freq_hz * freq_hz;
    return 8.686 * f2 * (1.84e-11 / pa * sqrt(tr)
        + pow(tr, -2.5) * (0.01275 * exp(-2239.1 / t) / (fr_o + f2 / fr_o)
        + 0.1068 * exp(-3352.0 / t) / (fr_n + f2 / fr_n)));
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
