// A source and a sensor: the deterministic part of every pair (received level, noise, speed),
// shared by the detection and coverage kernels. Composed after propagation.wgsl. The Rust f64
// twin is src/detect/reference.rs::received.

const MODALITY_SEISMIC: u32 = 1u;
const BEARING_EXPONENT_MAX: f32 = 8.0;

struct Params {
    temperature_c: f32,
    relative_humidity_pct: f32,
    pressure_kpa: f32,
    sound_speed_mps: f32,
    wind_to_x_mps: f32,
    wind_to_y_mps: f32,
    dtdz_day_k_per_m: f32,
    dtdz_night_k_per_m: f32,
    shadow_max_db: f32,
    noise_acoustic_day_db: f32,
    noise_acoustic_night_db: f32,
    noise_seismic_day_db: f32,
    noise_seismic_night_db: f32,
    rayleigh_speed_mps: f32,
    seismic_q: f32,
    seed_lo: u32,
    seed_hi: u32,
    grid_nx: u32,
    grid_ny: u32,
    cell_size_m: f32,
    grid_origin_x: f32,
    grid_origin_y: f32,
    item_count: u32,
    capacity: u32,
}

struct Event {
    x: f32,
    y: f32,
    z: f32,
    id: u32,
    acoustic_db: f32,
    acoustic_freq_hz: f32,
    seismic_db: f32,
    seismic_freq_hz: f32,
    reach_acoustic_m: f32,
    reach_seismic_m: f32,
    is_day: u32,
    // ISO 9613-1 absorption at the source's frequency in this weather, dB/m: computed once per
    // event in f64 on the host (f32 exp/pow would cost ~1e-5 relative over 200 dB of loss).
    alpha_db_per_m: f32,
}

struct Sensor {
    x: f32,
    y: f32,
    z: f32,
    id: u32,
    modality: u32,
    enabled: u32,
    threshold_db: f32,
    fluctuation_db: f32,
    timing_sigma_s: f32,
    bearing_sigma_rad: f32,
    bearing_floor_rad: f32,
    pad: u32,
}

struct Received {
    level_db: f32,
    noise_db: f32,
    speed_mps: f32,
    range_m: f32,
}

// Mean received level (before fluctuation), the background noise it competes with, and the
// propagation speed, for a source at e heard by s.
fn received(e: Event, s: Sensor) -> Received {
    let dx = e.x - s.x;
    let dy = e.y - s.y;
    let dz = e.z - s.z;
    let horizontal = sqrt(dx * dx + dy * dy);
    let range = max(sqrt(dx * dx + dy * dy + dz * dz), 1.0);
    let is_day = e.is_day != 0u;
    if s.modality == MODALITY_SEISMIC {
        let level = seismic_level_db(e.seismic_db, range, e.seismic_freq_hz, params.seismic_q, params.rayleigh_speed_mps);
        let noise = select(params.noise_seismic_night_db, params.noise_seismic_day_db, is_day);
        return Received(level, noise, params.rayleigh_speed_mps, range);
    }
    // Wind component along the path from source to sensor.
    var wind_along = 0.0;
    if horizontal > 0.0 {
        wind_along = -(dx * params.wind_to_x_mps + dy * params.wind_to_y_mps) / horizontal;
    }
    let dtdz = select(params.dtdz_night_k_per_m, params.dtdz_day_k_per_m, is_day);
    let gradient = effective_gradient_per_s(params.temperature_c, dtdz, wind_along);
    let level = e.acoustic_db - spreading_db(range) - e.alpha_db_per_m * range
        - ground_attenuation_db(range, e.z, s.z)
        - shadow_attenuation_db(range, gradient, params.sound_speed_mps, e.z, s.z, params.shadow_max_db);
    let noise = select(params.noise_acoustic_night_db, params.noise_acoustic_day_db, is_day);
    return Received(level, noise, params.sound_speed_mps + wind_along, range);
}

fn reach_of(e: Event, s: Sensor) -> f32 {
    return select(e.reach_acoustic_m, e.reach_seismic_m, s.modality == MODALITY_SEISMIC);
}

// Bearing error at an SNR: ∝ 1/√SNR (linear), from the floor up to π (no information); the
// exponent is clamped so that f32 never overflows.
fn bearing_sigma(s: Sensor, snr_db: f32) -> f32 {
    let growth = pow(10.0, min(-(snr_db - s.threshold_db) / 20.0, BEARING_EXPONENT_MAX));
    return clamp(s.bearing_sigma_rad * growth, s.bearing_floor_rad, PI);
}

// Grid cells (x0, x1, y0, y1) of the square of half side `reach` around the source, clamped to
// the grid: the sensors that may hear it are in these cells.
fn search_box(e: Event, reach: f32) -> vec4<i32> {
    let nx = i32(params.grid_nx);
    let ny = i32(params.grid_ny);
    return vec4<i32>(
        clamp(i32(floor((e.x - reach - params.grid_origin_x) / params.cell_size_m)), 0, nx - 1),
        clamp(i32(floor((e.x + reach - params.grid_origin_x) / params.cell_size_m)), 0, nx - 1),
        clamp(i32(floor((e.y - reach - params.grid_origin_y) / params.cell_size_m)), 0, ny - 1),
        clamp(i32(floor((e.y + reach - params.grid_origin_y) / params.cell_size_m)), 0, ny - 1),
    );
}

// The columns (x0, x1) of grid row cy that the disc of radius `reach` around the source can
// touch, within the box's columns: the walk follows the disc, not its bounding square (about
// π/4 of the sensors when the reach spans the deployment).
fn row_span(e: Event, reach: f32, cy: i32, box_x: vec2<i32>) -> vec2<i32> {
    let row_y0 = params.grid_origin_y + f32(cy) * params.cell_size_m;
    let dy = max(max(row_y0 - e.y, e.y - (row_y0 + params.cell_size_m)), 0.0);
    let half = sqrt(max(reach * reach - dy * dy, 0.0));
    let nx = i32(params.grid_nx);
    return vec2<i32>(
        max(clamp(i32(floor((e.x - half - params.grid_origin_x) / params.cell_size_m)), 0, nx - 1), box_x.x),
        min(clamp(i32(floor((e.x + half - params.grid_origin_x) / params.cell_size_m)), 0, nx - 1), box_x.y),
    );
}
