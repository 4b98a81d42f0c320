// A source and a sensor: the deterministic part of every pair (received level, noise, speed,
// or the detection probability of radars and cameras), shared by the detection and coverage
// kernels. The kernel declares the `terrain` uniform and the `heights` it reads. The modality
// codes and the constants shared with Rust come from the generated `constants`. The Rust f64
// twin is src/detect/reference.rs::received.

#import constants
#import propagation
#import terrain

struct Params {
    roughness_m: f32,
    surface_layer_m: f32,
    lapse_aloft_k_per_m: f32,
    shadow_max_db: f32,
    noise_acoustic_day_db: f32,
    noise_acoustic_night_db: f32,
    noise_seismic_day_db: f32,
    noise_seismic_night_db: f32,
    rayleigh_speed_mps: f32,
    seismic_q: f32,
    // Detection: per-pair σ of a path's sound speed (m/s) and ground speed (fraction).
    // Coverage: the verifier's σ of a sound path's speed (m/s) and of a surveyed position (m).
    speed_sigma_mps: f32,
    ground_speed_sigma_fraction: f32,
    survey_sigma_m: f32,
    footprint_sigma_mps: f32,
    seed_lo: u32,
    seed_hi: u32,
    grid_nx: u32,
    grid_ny: u32,
    cell_size_m: f32,
    grid_origin_x: f32,
    grid_origin_y: f32,
    item_count: u32,
    capacity: u32,
    extinction_visible_per_m: f32,
    extinction_thermal_per_m: f32,
    // Lg: Q(f) = lg_q0·f^lg_q_exponent, group speed; σ of that speed per pair (detection) or as
    // the verifier believes it (coverage), fraction.
    lg_q0: f32,
    lg_q_exponent: f32,
    lg_speed_mps: f32,
    lg_speed_sigma_fraction: f32,
    // Coverage: σ of a sound path's own speed once the event's weather is fitted, m/s.
    fitted_speed_sigma_mps: f32,
    pad2: u32,
    pad3: u32,
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
    rcs_dbsm: f32,
    critical_dim_m: f32,
    contrast_visible: f32,
    contrast_thermal: f32,
    rf_dbm_1m: f32,
    reach_radar_m: f32,
    reach_eo_m: f32,
    reach_rf_m: f32,
    // Radar cross-section of the projectile in flight (launches), dBsm; UNSEEN_DB: none.
    projectile_rcs_dbsm: f32,
    // 1: persists (a scanning camera comes round to it); 0: a transient flash or blast.
    persistent: u32,
    // The weather at the event: still-air sound speed, air temperature (K), the surface layer's
    // temperature gradient (K/m), the 10 m wind (towards) and the acoustic background in it.
    sound_speed_mps: f32,
    temperature_k: f32,
    surface_gradient_k_per_m: f32,
    wind_to_x_mps: f32,
    wind_to_y_mps: f32,
    acoustic_noise_db: f32,
    // Regional seismic phase: Lg's peak ground velocity at 100 km (dB re 1 nm/s; UNSEEN_DB:
    // none) and the frequency it is picked at.
    regional_db: f32,
    regional_freq_hz: f32,
    // How it moves: MOTION_UNMODELLED, MOTION_KNOWN (velocity), MOTION_ANY_HEADING (speed).
    velocity_x_mps: f32,
    velocity_y_mps: f32,
    speed_mps: f32,
    motion: u32,
    // Coverage: the class's salvos, guns fired within salvo_spread_s (0 guns: none).
    salvo_spread_s: f32,
    salvo_guns_min: u32,
    salvo_guns_max: u32,
    pad: u32,
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
    // Coverage: slot + 1 of the sensor's viewshed (viewshed.wgsl); 0: march the sight line.
    view: u32,
    // Coverage: the onset picker's dead time, s (coverage.wgsl::salvo_pick_free).
    dead_time_s: f32,
}

// What a radar, camera or RF detector sees, in an array parallel to the sensors: the acoustic
// and seismic walks never load it.
struct Sight {
    gain_db: f32,
    pfa: f32,
    n50: f32,
    ifov_rad: f32,
    min_contrast: f32,
    band: u32,
    min_range_m: f32,
    max_range_m: f32,
    azimuth_rad: f32,
    half_sector_rad: f32,
    los_exponent: f32,
    nlos_exponent: f32,
    range_sigma_m: f32,
    // Counter-battery radar: tracks projectiles above the launcher and reports the launch
    // point with a per-axis σ of location_fraction × range.
    counter_battery: u32,
    location_fraction: f32,
    fence_height_m: f32,
    // Camera: the fraction of its sector in view at once (transient sources).
    view_fraction: f32,
    // Surveillance radar: minimum detectable radial velocity, m/s.
    mdv_mps: f32,
}

struct Received {
    // Acoustic, seismic: level and background; RF: received and sensitivity, dBm. Radar: mean
    // SNR (noise 0); cameras: 10·log10(N/N50) (noise 0).
    level_db: f32,
    noise_db: f32,
    speed_mps: f32,
    range_m: f32,
    // P(detect) of radars (Swerling 1) and cameras (TTP); −1 for thresholded modalities.
    pd: f32,
    // Least terrain clearance of the sight line, m; +inf where terrain is ignored.
    clearance_m: f32,
    // The seismic phase picked: PHASE_LG or PHASE_DIRECT (every other path).
    phase: u32,
}

fn infinity() -> f32 {
    return bitcast<f32>(0x7f800000u);
}

fn wrap_pi(a: f32) -> f32 {
    return a - TAU * floor((a + PI) / TAU);
}

// Inside the sensor's instrumented range and sector (azimuth sensor → source).
fn in_view(e: Event, s: Sensor, v: Sight, horizontal: f32) -> bool {
    let azimuth = atan2(e.x - s.x, e.y - s.y);
    return horizontal >= v.min_range_m && horizontal <= v.max_range_m
        && abs(wrap_pi(azimuth - v.azimuth_rad)) <= v.half_sector_rad;
}

// The sight line to the source, or for a counter-battery radar to its round rising through
// the fence above the launcher.
fn sight_clearance(e: Event, s: Sensor, v: Sight) -> f32 {
    let lift = select(0.0, v.fence_height_m, s.modality == MODALITY_RADAR && v.counter_battery != 0u);
    return sight_line_clearance(s, vec3<f32>(s.x, s.y, s.z), vec3<f32>(e.x, e.y, e.z + lift));
}

// σ of the ground range a radar reports, m: its own, or a counter-battery radar's share of range.
fn range_sigma(e: Event, s: Sensor, v: Sight) -> f32 {
    return v.range_sigma_m + v.location_fraction * length(vec2<f32>(e.x - s.x, e.y - s.y));
}

// P(the radial speed reaches the radar's MDV): the Doppler notch that rejects ground clutter
// rejects slower movers too (src/physics/radar.rs::passes_notch).
fn passes_notch(e: Event, v: Sight, dx: f32, dy: f32, horizontal: f32) -> f32 {
    if v.mdv_mps <= 0.0 || e.motion == MOTION_UNMODELLED {
        return 1.0;
    }
    if e.motion == MOTION_ANY_HEADING {
        if e.speed_mps <= v.mdv_mps {
            return 0.0;
        }
        return 1.0 - 2.0 / PI * asin(v.mdv_mps / e.speed_mps);
    }
    var radial = 0.0;
    if horizontal > 0.0 {
        radial = abs(e.velocity_x_mps * dx + e.velocity_y_mps * dy) / horizontal;
    }
    return select(0.0, 1.0, radial >= v.mdv_mps);
}

// Radar, camera, RF. Radar: SNR = gain + σ(dBsm) − 40·log10 R, Pd = Pfa^(1/(1+SNR)). Camera:
// apparent contrast C0·exp(−3.912·R/V) must reach the least resolvable contrast, then the TTP
// curve of N = dc/(2·R·IFOV). RF: log-distance loss with the LOS or NLOS exponent. `modality` is
// the sensor's; the walks pass it as a constant, so that the compiler keeps only that modality's
// code (llvmpipe runs every branch a SIMD group's lanes take, each for the whole group).
fn received_by_sight(e: Event, s: Sensor, v: Sight, modality: u32) -> Received {
    let dx = e.x - s.x;
    let dy = e.y - s.y;
    let dz = e.z - s.z;
    let horizontal = sqrt(dx * dx + dy * dy);
    let range = max(sqrt(dx * dx + dy * dy + dz * dz), 1.0);
    let c = SPEED_OF_LIGHT_MPS;
    let reach = select(select(e.reach_rf_m, e.reach_eo_m, modality == MODALITY_EO_IR), e.reach_radar_m,
                       modality == MODALITY_RADAR);
    let unseen = select(-1.0, 0.0, modality != MODALITY_RF);
    if reach <= 0.0 || !in_view(e, s, v, horizontal) {
        return Received(UNSEEN_DB, 0.0, c, range, unseen, infinity(), PHASE_DIRECT);
    }
    let clearance = sight_clearance(e, s, v);
    if modality == MODALITY_RF {
        let exponent = select(v.nlos_exponent, v.los_exponent, clearance >= 0.0);
        return Received(e.rf_dbm_1m - 10.0 * exponent * log10_f32(range), -v.gain_db, c, range, -1.0, clearance, PHASE_DIRECT);
    }
    if clearance < 0.0 {
        return Received(UNSEEN_DB, 0.0, c, range, 0.0, clearance, PHASE_DIRECT);
    }
    if modality == MODALITY_RADAR {
        let rcs_dbsm = select(e.rcs_dbsm, e.projectile_rcs_dbsm, v.counter_battery != 0u);
        if rcs_dbsm <= 0.5 * UNSEEN_DB {
            return Received(UNSEEN_DB, 0.0, c, range, 0.0, clearance, PHASE_DIRECT);
        }
        let snr_db = v.gain_db + rcs_dbsm - 40.0 * log10_f32(range);
        let snr = pow(10.0, min(snr_db / 10.0, 30.0));
        var notch = 1.0;
        if v.counter_battery == 0u {
            notch = passes_notch(e, v, dx, dy, horizontal);
        }
        return Received(snr_db, 0.0, c, range, exp(log(v.pfa) / (1.0 + snr)) * notch, clearance, PHASE_DIRECT);
    }
    let contrast0 = select(e.contrast_visible, e.contrast_thermal, v.band == 1u);
    let extinction = select(params.extinction_visible_per_m, params.extinction_thermal_per_m, v.band == 1u);
    if contrast0 * exp(-extinction * range) < v.min_contrast {
        return Received(UNSEEN_DB, 0.0, c, range, 0.0, clearance, PHASE_DIRECT);
    }
    let ratio = e.critical_dim_m / (2.0 * range * v.ifov_rad * v.n50);
    let exponent = 1.51 + 0.24 * ratio;
    // (N/N50)^E / (1 + (N/N50)^E), written so that a large ratio gives 1, not inf/inf; a
    // scanning camera sees a transient source only when it happens in view.
    let in_view = select(v.view_fraction, 1.0, e.persistent != 0u);
    let pd = in_view / (1.0 + exp(-exponent * log(ratio)));
    return Received(10.0 * log10_f32(ratio), 0.0, c, range, pd, clearance, PHASE_DIRECT);
}

// Any modality (the pair-list entry point; the walks call the modality's own function).
fn received(e: Event, s: Sensor, v: Sight) -> Received {
    if s.modality >= MODALITY_RADAR {
        return received_by_sight(e, s, v, s.modality);
    }
    return received_ground(e, s, s.modality);
}

// Mean received level (before fluctuation), the background noise it competes with, and the
// propagation speed, for a source at e heard by acoustic or seismic sensor s (`modality` as in
// `received_by_sight`).
fn received_ground(e: Event, s: Sensor, modality: u32) -> Received {
    let dx = e.x - s.x;
    let dy = e.y - s.y;
    let dz = e.z - s.z;
    let horizontal = sqrt(dx * dx + dy * dy);
    let range = max(sqrt(dx * dx + dy * dy + dz * dz), 1.0);
    if modality == MODALITY_SEISMIC {
        let is_day = e.is_day != 0u;
        let local = seismic_level_db(e.seismic_db, range, e.seismic_freq_hz, params.seismic_q, params.rayleigh_speed_mps);
        let noise = select(params.noise_seismic_night_db, params.noise_seismic_day_db, is_day);
        // Lg travels ten times faster than the local wave: a sensor that hears it picks it.
        if e.regional_db > 0.5 * UNSEEN_DB {
            let lg = lg_level_db(e.regional_db, range, e.regional_freq_hz, params.lg_q0, params.lg_q_exponent,
                                 params.lg_speed_mps);
            if lg > local {
                return Received(lg, noise, params.lg_speed_mps, range, -1.0, infinity(), PHASE_LG);
            }
        }
        return Received(local, noise, params.rayleigh_speed_mps, range, -1.0, infinity(), PHASE_DIRECT);
    }
    // Wind component along the path from source to sensor.
    var wind_along = 0.0;
    if horizontal > 0.0 {
        wind_along = -(dx * e.wind_to_x_mps + dy * e.wind_to_y_mps) / horizontal;
    }
    let wind_speed = length(vec2<f32>(e.wind_to_x_mps, e.wind_to_y_mps));
    let height = path_height_m(e.sound_speed_mps, e.temperature_k, e.surface_gradient_k_per_m, wind_speed, range);
    let gradient = layer_gradient_per_s(e.sound_speed_mps, e.temperature_k, e.surface_gradient_k_per_m, wind_along, height);
    let level = e.acoustic_db - spreading_db(range) - e.alpha_db_per_m * range
        - ground_attenuation_db(range, e.z, s.z)
        - shadow_attenuation_db(range, gradient, e.sound_speed_mps, e.z, s.z, params.shadow_max_db);
    let speed = e.sound_speed_mps + wind_along * path_wind_factor(height);
    return Received(level, e.acoustic_noise_db, speed, range, -1.0, infinity(), PHASE_DIRECT);
}

fn reach_of(e: Event, s: Sensor) -> f32 {
    return modality_reach(e, s.modality);
}

fn modality_reach(e: Event, modality: u32) -> f32 {
    switch modality {
        case 0u: { return e.reach_acoustic_m; }
        case 1u: { return e.reach_seismic_m; }
        case 2u: { return e.reach_radar_m; }
        case 3u: { return e.reach_eo_m; }
        default: { return e.reach_rf_m; }
    }
}

// σ of an onset pick at threshold, s: the row's, or for Lg no finer than half its period
// (src/physics/seismic.rs::pick_at_threshold_s).
fn pick_at_threshold_s(e: Event, s: Sensor, r: Received) -> f32 {
    if r.phase == PHASE_LG {
        return max(s.timing_sigma_s, 0.5 / max(e.regional_freq_hz, 1e-3));
    }
    return s.timing_sigma_s;
}

// σ of the ground speed along a path, as a fraction of its own: the local wave's or Lg's.
fn ground_speed_sigma_fraction(r: Received) -> f32 {
    return select(params.ground_speed_sigma_fraction, params.lg_speed_sigma_fraction, r.phase == PHASE_LG);
}

// Bearing error at an SNR: ∝ 1/√SNR (linear), from the floor up to π (no information); the
// exponent is clamped so that f32 never overflows. Radars and cameras point to a fraction of
// their beam or pixel whatever the signal: their σ is the row's, constant.
fn bearing_sigma(s: Sensor, snr_db: f32) -> f32 {
    if s.modality == MODALITY_RADAR || s.modality == MODALITY_EO_IR {
        return s.bearing_sigma_rad;
    }
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
