// Coverage kernel (DESIGN §5): one thread per corridor cell, a source of one class placed
// there. Composed after propagation.wgsl, terrain.wgsl and pair.wgsl. CPU f64 reference:
// src/coverage/reference.rs.

const WORKGROUP_SIZE: u32 = 64u;
const MAX_K: u32 = 8u;
const MIN_TIMING_SIGMA_S: f32 = 1e-6;
const SINGULAR_DET: f32 = 1e-3;
const LOCATION_PD_FLOOR: f32 = 1e-6;

struct Settings {
    k: u32,
    cell_count: u32,
    // Threads per row of the 2-D dispatch (workgroups in x times WORKGROUP_SIZE).
    row_threads: u32,
    pad: u32,
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

struct CellOut {
    p_detect: f32,
    p_k: f32,
    sigma_n_m: f32,
    p_attrib: f32,
    verifiable: f32,
    sensors: u32,
    pad0: u32,
    pad1: u32,
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
    // below[j] = P(exactly j detections so far), j < k.
    var below: array<f32, 8>;
    below[0] = 1.0;
    var none = 1.0;
    var info = LocationInfo(0.0, vec2<f32>(0.0), vec3<f32>(0.0));
    var count = 0u;
    let nx = i32(params.grid_nx);
    let layer_cells = nx * i32(params.grid_ny);
    // Layer m holds the sensors of modality m: each is walked over its own modality's reach
    // disc, so no sensor out of its modality's reach is visited.
    for (var layer = 0; layer < 5; layer++) {
    let reach = modality_reach(e, u32(layer));
    let search = search_box(e, reach);
    for (var cy = search.z; cy <= search.w && reach > 0.0; cy++) {
        let span = row_span(e, reach, cy, search.xy);
        let start = cell_start[u32(layer * layer_cells + cy * nx + span.x)];
        let end = cell_start[u32(layer * layer_cells + cy * nx + span.y + 1)];
        for (var js = start; js < end; js++) {
            let s = sensors[js];
            let dx = e.x - s.x;
            let dy = e.y - s.y;
            let dz = e.z - s.z;
            let r_reach = reach_of(e, s);
            if dx * dx + dy * dy + dz * dz > r_reach * r_reach || s.enabled == 0u {
                continue;
            }
            count += 1u;
            let r = received(e, s);
            var pd = r.pd;
            if pd < 0.0 {
                let margin = r.level_db - r.noise_db - s.threshold_db;
                pd = select(0.0, 1.0, margin >= 0.0);
                if s.fluctuation_db > 0.0 {
                    pd = normal_cdf(margin / s.fluctuation_db);
                }
            }
            if pd <= 0.0 {
                continue;
            }
            none *= 1.0 - pd;
            for (var jj = i32(k) - 1; jj >= 0; jj--) {
                var arrive = 0.0;
                if jj > 0 {
                    arrive = below[jj - 1] * pd;
                }
                below[jj] = below[jj] * (1.0 - pd) + arrive;
            }
            let h = sqrt(dx * dx + dy * dy);
            if h <= 0.0 || pd < LOCATION_PD_FLOOR {
                continue;
            }
            let u = vec2<f32>(-dx, -dy) / h;
            // Arrival times locate only at the speed of sound or of the ground; a radar adds
            // its range along u.
            if s.modality <= MODALITY_SEISMIC {
                let st = max(s.timing_sigma_s, MIN_TIMING_SIGMA_S);
                add_arrival(&info, -u / r.speed_mps, pd / (st * st));
            } else if s.range_sigma_m > 0.0 {
                add_bearing(&info, u, pd / (s.range_sigma_m * s.range_sigma_m));
            }
            if s.bearing_sigma_rad > 0.0 {
                let sigma = bearing_sigma(s, r.level_db - r.noise_db);
                add_bearing(&info, vec2<f32>(u.y / h, -u.x / h), pd / (sigma * sigma));
            }
        }
    }
    }
    var below_sum = 0.0;
    for (var jj = 0u; jj < k; jj++) {
        below_sum += below[jj];
    }
    let p_k = clamp(1.0 - below_sum, 0.0, 1.0);
    let sigma_n = cross_line_sigma(info, vec2<f32>(cell.normal_x, cell.normal_y));
    var p_attrib = 0.5;
    if sigma_n < bitcast<f32>(0x7f800000u) {
        p_attrib = normal_cdf(abs(cell.offset_m) / sigma_n);
    }
    out[i] = CellOut(clamp(1.0 - none, 0.0, 1.0), p_k, sigma_n, p_attrib, p_k * p_attrib, count, 0u, 0u);
}
