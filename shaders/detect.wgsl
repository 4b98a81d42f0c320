// Detection kernel: for every (event, sensor within reach) pair, the received level, the
// stochastic detection, arrival delay and bearing. Composed after rng.wgsl, propagation.wgsl,
// terrain.wgsl and pair.wgsl. CPU f64 reference: src/detect/reference.rs.

const WORKGROUP_SIZE: u32 = 64u;

struct Detection {
    event_id: u32,
    sensor_id: u32,
    delay_s: f32,
    snr_db: f32,
    level_db: f32,
    bearing_rad: f32,
}

struct PairOut {
    level_db: f32,
    snr_db: f32,
    delay_s: f32,
    bearing_rad: f32,
    detected: u32,
    range_m: f32,
    margin_db: f32,
    clearance_m: f32,
}

struct Outcome {
    level_db: f32,
    snr_db: f32,
    delay_s: f32,
    bearing_rad: f32,
    detected: bool,
    range_m: f32,
    // SNR − threshold, dB; radars and cameras: P(detect) − draw.
    margin: f32,
    clearance_m: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> events: array<Event>;
@group(0) @binding(2) var<storage, read> sensors: array<Sensor>;
@group(0) @binding(3) var<storage, read> cell_start: array<u32>;
@group(0) @binding(4) var<storage, read_write> detections: array<Detection>;
@group(0) @binding(5) var<storage, read_write> counters: array<atomic<u32>, 2>;
@group(0) @binding(6) var<storage, read> pairs: array<vec2<u32>>;
@group(0) @binding(7) var<storage, read_write> pair_out: array<PairOut>;
@group(0) @binding(8) var<uniform> terrain: Terrain;
@group(0) @binding(9) var<storage, read> heights: array<f32>;

fn quiet_nan() -> f32 {
    return bitcast<f32>(0x7fc00000u);
}

fn evaluate_pair(e: Event, s: Sensor) -> Outcome {
    let r = received(e, s);
    let z = pair_normals(params.seed_lo, params.seed_hi, e.id, s.id);
    var level = r.level_db;
    var snr = r.level_db - r.noise_db;
    var margin = 0.0;
    if r.pd >= 0.0 {
        // Radar and camera: the law is a probability; compare it with a uniform draw.
        margin = r.pd - pair_uniform(params.seed_lo, params.seed_hi, e.id, s.id);
    } else {
        let fluctuation = s.fluctuation_db * z.x;
        level += fluctuation;
        snr += fluctuation;
        margin = snr - s.threshold_db;
    }
    var bearing = quiet_nan();
    if s.bearing_sigma_rad > 0.0 {
        bearing = wrap_pi(atan2(e.x - s.x, e.y - s.y) + bearing_sigma(s, snr) * z.z);
    }
    return Outcome(level, snr, r.range_m / r.speed_mps + s.timing_sigma_s * z.y, bearing,
                   margin >= 0.0 && s.enabled != 0u, r.range_m, margin, r.clearance_m);
}

// One workgroup per event; its lanes stride over the sensors of the grid cells within reach.
// Sensors are sorted by cell, row-major, so each grid row of the search box is one contiguous
// run of sensors, and the runs together are one strided sequence.
@compute @workgroup_size(WORKGROUP_SIZE)
fn detect_events(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
    let event_index = group.x;
    if event_index >= params.item_count {
        return;
    }
    let e = events[event_index];
    let reach = max(max(max(e.reach_acoustic_m, e.reach_seismic_m), max(e.reach_radar_m, e.reach_eo_m)), e.reach_rf_m);
    if reach <= 0.0 {
        return;
    }
    let nx = i32(params.grid_nx);
    let ny = i32(params.grid_ny);
    let search = search_box(e, reach);
    let cx0 = search.x;
    let cx1 = search.y;
    let cy0 = search.z;
    let cy1 = search.w;
    var evaluated = 0u;
    // Candidates seen in earlier rows: lanes continue their stride across row boundaries, so each
    // lane gets an equal share of the candidates however short the rows are.
    var consumed = 0u;
    for (var cy = cy0; cy <= cy1; cy++) {
        let start = cell_start[u32(cy * nx + cx0)];
        let end = cell_start[u32(cy * nx + cx1 + 1)];
        let skip = (lane + WORKGROUP_SIZE - consumed % WORKGROUP_SIZE) % WORKGROUP_SIZE;
        consumed += end - start;
        for (var j = start + skip; j < end; j += WORKGROUP_SIZE) {
            let s = sensors[j];
            let dx = e.x - s.x;
            let dy = e.y - s.y;
            let dz = e.z - s.z;
            let r = reach_of(e, s);
            if dx * dx + dy * dy + dz * dz > r * r {
                continue;
            }
            evaluated += 1u;
            let o = evaluate_pair(e, s);
            if o.detected {
                let slot = atomicAdd(&counters[0], 1u);
                if slot < params.capacity {
                    detections[slot] = Detection(e.id, s.id, o.delay_s, o.snr_db, o.level_db, o.bearing_rad);
                }
            }
        }
    }
    if evaluated > 0u {
        atomicAdd(&counters[1], evaluated);
    }
}

// Every listed pair, unconditionally: the GPU side of the GPU-against-CPU tests.
@compute @workgroup_size(WORKGROUP_SIZE)
fn evaluate_pairs(@builtin(global_invocation_id) id: vec3<u32>) {
    let k = id.x;
    if k >= params.item_count {
        return;
    }
    let e = events[pairs[k].x];
    let s = sensors[pairs[k].y];
    let o = evaluate_pair(e, s);
    pair_out[k] = PairOut(o.level_db, o.snr_db, o.delay_s, o.bearing_rad, select(0u, 1u, o.detected),
                          o.range_m, o.margin, o.clearance_m);
}
