// Coverage kernel (docs/design.md §5): one thread per corridor cell, a source of one class placed
// there. CPU f64 reference: src/coverage/reference.rs. CellOut is in cell_out.wgsl; MAX_K and
// the numerical floors come from the generated `constants`.

#import constants
#import propagation
#import terrain
#import viewshed
#import pair
#import cell_out

const WORKGROUP_SIZE: u32 = 64u;

struct Settings {
    k: u32,
    cell_count: u32,
    // Threads per row of the 2-D dispatch (workgroups in x times WORKGROUP_SIZE).
    row_threads: u32,
    // 1: blind association's rule, `k` its constraints (src/coverage/fix_rule.rs).
    blind: u32,
}

struct Cell {
    x: f32,
    y: f32,
    offset_m: f32,
    normal_x: f32,
    normal_y: f32,
    pad0: f32,
    pad1: f32,
    pad2: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: Event;
@group(0) @binding(2) var<storage, read> sensors: array<Sensor>;
@group(0) @binding(3) var<storage, read> cell_start: array<u32>;
@group(0) @binding(4) var<storage, read> cells: array<Cell>;
@group(0) @binding(5) var<storage, read_write> out: array<CellOut>;
@group(0) @binding(6) var<uniform> settings: Settings;
@group(0) @binding(7) var<uniform> terrain: Terrain;
@group(0) @binding(8) var<storage, read> heights: array<f32>;
@group(0) @binding(9) var<storage, read> sights: array<Sight>;
@group(0) @binding(10) var<storage, read> views: array<View>;
@group(0) @binding(11) var<storage, read> horizons: array<f32>;

// A sight line from the sensor's viewshed where it has one (pair.wgsl asks).
fn sight_line_clearance(s: Sensor, a: vec3<f32>, b: vec3<f32>) -> f32 {
    if s.view == 0u {
        return terrain_clearance(terrain, a, b);
    }
    return view_clearance(terrain, views[s.view - 1u], a, b);
}

// Complementary error function, Numerical Recipes 3rd ed. §6.2.2 (fractional error < 1.2e-7).
fn erfc_approx(x: f32) -> f32 {
    let z = abs(x);
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    let r = t * exp(poly);
    return select(2.0 - r, r, x >= 0.0);
}

fn normal_cdf(x: f32) -> f32 {
    return 0.5 * erfc_approx(-x * 0.7071067811865476);
}

// Information about (x, y) with the origin time eliminated: West's weighted incremental
// covariance of the arrival gradients plus the bearing terms (see LocationInfo in the reference).
struct LocationInfo {
    weight: f32,
    mean: vec2<f32>,
    s: vec3<f32>,
}

fn add_arrival(info: ptr<function, LocationInfo>, a: vec2<f32>, w: f32) {
    // S += (W_old·w/W)·δδᵀ: no cancellation however the weights compare.
    let previous = (*info).weight;
    (*info).weight += w;
    let delta = a - (*info).mean;
    let ratio = w / (*info).weight;
    (*info).mean += ratio * delta;
    (*info).s += (previous * ratio) * vec3<f32>(delta.x * delta.x, delta.x * delta.y, delta.y * delta.y);
}

fn add_bearing(info: ptr<function, LocationInfo>, h: vec2<f32>, v: f32) {
    (*info).s += v * vec3<f32>(h.x * h.x, h.x * h.y, h.y * h.y);
}

// √(nᵀ S⁻¹ n); +inf when S is singular or conditioned worse than 1e-3 (see SINGULAR_DET in
// the reference).
fn cross_line_sigma(info: LocationInfo, n: vec2<f32>) -> f32 {
    let a = info.s.x;
    let b = info.s.y;
    let d = info.s.z;
    let scale = max(abs(a), abs(d));
    let infinity = bitcast<f32>(0x7f800000u);
    if scale <= 0.0 {
        return infinity;
    }
    // Normalised, so f32 neither overflows nor underflows whatever the units.
    let an = a / scale;
    let bn = b / scale;
    let dn = d / scale;
    let det = an * dn - bn * bn;
    if det <= SINGULAR_DET {
        return infinity;
    }
    let variance = (n.x * n.x * dn - 2.0 * n.x * n.y * bn + n.y * n.y * an) / (det * scale);
    if variance <= 0.0 {
        return infinity;
    }
    return sqrt(variance);
}

// What the sensors walked so far add up to for one cell.
struct Tally {
    // below[j] = P(exactly j location constraints so far from the detections that count), j < k.
    below: array<f32, 8>,
    none: f32,
    // Blind association: P(no radar fixes the source alone with its range and bearing).
    no_lone_fix: f32,
    count: u32,
}

// P(a margin, mean `margin_db`, fluctuating by σ `fluctuation_db`, is ≥ 0); a step without.
fn margin_probability(margin_db: f32, fluctuation_db: f32) -> f32 {
    if fluctuation_db > 0.0 {
        return normal_cdf(margin_db / fluctuation_db);
    }
    return select(0.0, 1.0, margin_db >= 0.0);
}

// P(the picker is free when a round of a salvo arrives: no other round of its salvo within the
// dead time before it) (src/coverage/reference.rs::salvo_pick_free, which derives it).
fn salvo_pick_free(dead_time_s: f32, e: Event) -> f32 {
    let fewest = max(e.salvo_guns_min, 1u);
    if dead_time_s <= 0.0 || e.salvo_guns_max < 2u || fewest > e.salvo_guns_max {
        return 1.0;
    }
    var x = 1.0;
    if e.salvo_spread_s > 0.0 {
        x = min(dead_time_s / e.salvo_spread_s, 1.0);
    }
    var free = 0.0;
    var rounds = 0.0;
    var q = pow(1.0 - x, f32(fewest));
    var n = fewest;
    for (; n <= e.salvo_guns_max; n++) {
        loop_iterations += 1u;
        free += 1.0 + f32(n - 1u) * q;
        rounds += f32(n);
        q *= 1.0 - x;
    }
    loop_cut = loop_cut || n <= e.salvo_guns_max;
    return free / rounds;
}

fn add_sensor(tally: ptr<function, Tally>, info: ptr<function, LocationInfo>, e: Event, s: Sensor, modality: u32,
              r: Received, range_sigma_m: f32, k: u32) {
    let snr = r.level_db - r.noise_db;
    var heard = r.pd;
    if heard < 0.0 {
        heard = margin_probability(snr - s.threshold_db, s.fluctuation_db);
    }
    // A salvo's earlier round may hold the picker when this one arrives.
    let free = salvo_pick_free(s.dead_time_s, e);
    let pd = heard * free;
    if pd <= 0.0 {
        return;
    }
    (*tally).none *= 1.0 - pd;
    let dx = e.x - s.x;
    let dy = e.y - s.y;
    let h = sqrt(dx * dx + dy * dy);
    let bearing = s.bearing_sigma_rad > 0.0;
    let ranged = range_sigma_m > 0.0;
    // How often its detection enters the fit and the location constraints it gives there
    // (src/coverage/reference.rs::cell_metrics): under the oracle its arrival, a bearing, a
    // range; under blind association a radar's range and bearing stand alone, and any other
    // detection counts its arrival and bearing only where its arrival time can confirm.
    var counts = pd;
    var c = 1 + select(0, 1, bearing) + select(0, 1, ranged);
    if settings.blind != 0u {
        c = 1 + select(0, 1, bearing);
        if !(ranged && bearing) {
            counts = free * confirming_pd(e, s, modality, r, heard, snr);
        }
    }
    if settings.blind != 0u && ranged && bearing {
        (*tally).no_lone_fix *= 1.0 - pd;
    } else {
        var jj = i32(k) - 1;
        for (; jj >= 0; jj--) {
            loop_iterations += 1u;
            var arrive = 0.0;
            if jj >= c {
                arrive = (*tally).below[jj - c] * counts;
            }
            (*tally).below[jj] = (*tally).below[jj] * (1.0 - counts) + arrive;
        }
        loop_cut = loop_cut || jj >= 0;
    }
    if h <= 0.0 || counts < LOCATION_PD_FLOOR {
        return;
    }
    let u = vec2<f32>(-dx, -dy) / h;
    // Arrival times locate only at the speed of sound or of the ground; a radar adds its range
    // along u.
    if modality <= MODALITY_SEISMIC {
        let st = arrival_sigma_s(e, s, modality, r, snr);
        add_arrival(info, -u / r.speed_mps, counts / (st * st));
    } else if ranged {
        // The surveyed position's error adds to a range and, over the range, to a bearing.
        let sr2 = range_sigma_m * range_sigma_m + params.survey_sigma_m * params.survey_sigma_m;
        add_bearing(info, u, counts / sr2);
    }
    if bearing {
        let sigma = bearing_sigma(s, snr);
        let blur = params.survey_sigma_m / h;
        add_bearing(info, vec2<f32>(u.y / h, -u.x / h), counts / (sigma * sigma + blur * blur));
    }
}

// σ of the speed a wave's path travels at as the verifier weighs it, m/s: for sound the believed
// σ with the event's weather folded in, or (`fitted`) the path's own; for ground waves their own
// fraction (src/coverage/reference.rs::path_speed_sigma_mps).
fn path_speed_sigma(modality: u32, r: Received, fitted: bool) -> f32 {
    if modality == MODALITY_ACOUSTIC {
        return select(params.speed_sigma_mps, params.fitted_speed_sigma_mps, fitted);
    }
    return ground_speed_sigma_fraction(r) * r.speed_mps;
}

// σ of an arrival time as the verifier weighs it (src/coverage/reference.rs::arrival_sigma_s):
// the pick at this SNR, the surveyed position's error along the path, and the error of the
// speed the path is believed to travel at over its range, r·σc/c².
fn arrival_sigma_s(e: Event, s: Sensor, modality: u32, r: Received, snr: f32) -> f32 {
    let pick = pick_at_threshold_s(e, s, r) * clamp(pow(10.0, -(snr - s.threshold_db) / 20.0), PICK_FLOOR_FRACTION, 1.0);
    let model = r.range_m * path_speed_sigma(modality, r, false) / (r.speed_mps * r.speed_mps);
    let survey = params.survey_sigma_m / r.speed_mps;
    return max(sqrt(pick * pick + survey * survey + model * model), MIN_TIMING_SIGMA_S);
}

// P(a detection by s can confirm a blind candidate: its arrival time, the event's weather fitted,
// known to CONFIRMING_SIGMA_S) (src/coverage/reference.rs::confirming_probability). A wave's pick
// sharpens with the SNR: it confirms when its margin clears the one at which it fits.
fn confirming_pd(e: Event, s: Sensor, modality: u32, r: Received, pd: f32, snr: f32) -> f32 {
    if modality > MODALITY_SEISMIC {
        return select(0.0, pd, s.timing_sigma_s <= CONFIRMING_SIGMA_S);
    }
    let model = r.range_m * path_speed_sigma(modality, r, true) / (r.speed_mps * r.speed_mps);
    let survey = params.survey_sigma_m / r.speed_mps;
    let spare = CONFIRMING_SIGMA_S * CONFIRMING_SIGMA_S - model * model - survey * survey;
    let at_threshold = pick_at_threshold_s(e, s, r);
    let sharpest = at_threshold * PICK_FLOOR_FRACTION;
    if spare <= 0.0 || spare < sharpest * sharpest {
        return 0.0;
    }
    let allowed = sqrt(spare);
    if allowed >= at_threshold {
        return pd;
    }
    if r.pd >= 0.0 {
        return 0.0;
    }
    // 20·log10(x) as 20·log10(2)·log2(x).
    let needed_db = 6.020599913279624 * log2(at_threshold / allowed);
    return margin_probability(snr - s.threshold_db - needed_db, s.fluctuation_db);
}

fn in_reach(e: Event, s: Sensor, reach: f32) -> bool {
    let dx = e.x - s.x;
    let dy = e.y - s.y;
    let dz = e.z - s.z;
    return dx * dx + dy * dy + dz * dz <= reach * reach && s.enabled != 0u;
}

// Sensors [start, end) of grid row cy of a layer within the reach disc.
fn row_run(e: Event, layer: i32, reach: f32, cy: i32, box_x: vec2<i32>) -> vec2<u32> {
    let nx = i32(params.grid_nx);
    let base = layer * nx * i32(params.grid_ny) + cy * nx;
    let span = row_span(e, reach, cy, box_x);
    return vec2<u32>(cell_start[u32(base + span.x)], cell_start[u32(base + span.y + 1)]);
}

// The sensors of `modality`'s layer within its reach of e (and, for radar, camera and RF, in
// view), added to the tally. Called with a constant modality, so each call's code holds only its
// own law.
fn walk_layer(e: Event, modality: u32, k: u32, tally: ptr<function, Tally>, info: ptr<function, LocationInfo>) {
    let layer = i32(modality);
    let reach = modality_reach(e, modality);
    let search = search_box(e, reach);
    var cy = search.z;
    for (; cy <= search.w && reach > 0.0; cy++) {
        loop_iterations += 1u;
        let run = row_run(e, layer, reach, cy, search.xy);
        var js = run.x;
        for (; js < run.y; js++) {
            loop_iterations += 1u;
            let s = sensors[js];
            if in_reach(e, s, reach) {
                (*tally).count += 1u;
                if modality <= MODALITY_SEISMIC {
                    add_sensor(tally, info, e, s, modality, received_ground(e, s, modality), 0.0, k);
                } else {
                    let v = sights[js];
                    add_sensor(tally, info, e, s, modality, received_by_sight(e, s, v, modality), range_sigma(e, s, v), k);
                }
            }
        }
        loop_cut = loop_cut || js < run.y;
    }
    loop_cut = loop_cut || (cy <= search.w && reach > 0.0);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn coverage_cells(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x + id.y * settings.row_threads;
    if i >= settings.cell_count {
        return;
    }
    let cell = cells[i];
    var e = source;
    e.x = cell.x;
    e.y = cell.y;
    let k = clamp(settings.k, 1u, MAX_K);
    var below: array<f32, 8>;
    below[0] = 1.0;
    var tally = Tally(below, 1.0, 1.0, 0u);
    var info = LocationInfo(0.0, vec2<f32>(0.0), vec3<f32>(0.0));
    // Layer m holds the sensors of modality m: each is walked over its own modality's reach
    // disc, so no sensor out of its modality's reach is visited. Each layer's walk is compiled
    // with its modality a constant, so only its own law is in it (llvmpipe runs every branch of
    // a loop body for all lanes: the march would slow the acoustic walk, and every modality's
    // law each sensor's).
    walk_layer(e, MODALITY_ACOUSTIC, k, &tally, &info);
    walk_layer(e, MODALITY_SEISMIC, k, &tally, &info);
    walk_layer(e, MODALITY_RADAR, k, &tally, &info);
    walk_layer(e, MODALITY_EO_IR, k, &tally, &info);
    walk_layer(e, MODALITY_RF, k, &tally, &info);
    var below_sum = 0.0;
    var jj = 0u;
    for (; jj < k; jj++) {
        loop_iterations += 1u;
        below_sum += tally.below[jj];
    }
    loop_cut = loop_cut || jj < k;
    let p_k = clamp(1.0 - tally.no_lone_fix * below_sum, 0.0, 1.0);
    let sigma_n = cross_line_sigma(info, vec2<f32>(cell.normal_x, cell.normal_y));
    var p_attrib = 0.5;
    if sigma_n < bitcast<f32>(0x7f800000u) {
        p_attrib = normal_cdf(abs(cell.offset_m) / sigma_n);
    }
    out[i] = CellOut(clamp(1.0 - tally.none, 0.0, 1.0), p_k, sigma_n, p_attrib, p_k * p_attrib, tally.count,
                     loop_iterations, select(0u, 1u, loop_cut));
}
