// Detection kernel: for every (event, sensor within reach) pair, the received level, the
// stochastic detection, arrival delay and bearing. CPU f64 reference: src/detect/reference.rs.

#import rng
#import propagation
#import terrain
#import pair

const WORKGROUP_SIZE: u32 = 64u;
// Lanes per event in `detect_events`, set by the host (src/detect/gpu.rs::lanes_per_event): the
// SIMD width on llvmpipe, which pays for the kernel's code once per SIMD group and event.
override EVENT_LANES: u32 = 64u;

struct Detection {
    event_id: u32,
    sensor_id: u32,
    delay_s: f32,
    snr_db: f32,
    level_db: f32,
    bearing_rad: f32,
    range_m: f32,
    phase: u32,
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
    measured_range_m: f32,
    phase: u32,
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
    // Ground range sensor → source as a radar measures it (N(0, σr) added); NaN for others.
    measured_range_m: f32,
    phase: u32,
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
@group(0) @binding(10) var<storage, read> sights: array<Sight>;

// Every event is somewhere new: its sight lines are marched (pair.wgsl asks).
fn sight_line_clearance(s: Sensor, a: vec3<f32>, b: vec3<f32>) -> f32 {
    return terrain_clearance(terrain, a, b);
}

fn quiet_nan() -> f32 {
    return bitcast<f32>(0x7fc00000u);
}

// `harmonics`: the event's footprint weights (event_normals), drawn once per event by the caller.
// `modality`: the sensor's, a constant where the caller knows it (see pair.wgsl::received_by_sight).
fn evaluate_pair(e: Event, s: Sensor, r: Received, range_sigma_m: f32, harmonics: vec4<f32>, modality: u32) -> Outcome {
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
    var measured_range = quiet_nan();
    if range_sigma_m > 0.0 {
        measured_range = length(vec2<f32>(e.x - s.x, e.y - s.y)) + range_sigma_m * z.w;
    }
    return Outcome(level, snr, arrival_delay(e, s, r, snr, z, harmonics, modality), bearing,
                   margin >= 0.0 && s.enabled != 0u, r.range_m, margin, r.clearance_m, measured_range, r.phase);
}

// The sound speed's departure over the event's footprint towards this sensor, m/s: the second and
// third azimuthal harmonics with per-event N(0, 1/2) weights, σ = footprint_sigma_mps
// (src/detect/reference.rs::footprint_speed_mps).
fn footprint_speed(e: Event, s: Sensor, a: vec4<f32>) -> f32 {
    if params.footprint_sigma_mps <= 0.0 {
        return 0.0;
    }
    let theta = atan2(s.x - e.x, s.y - e.y);
    let harmonics = a.x * cos(2.0 * theta) + a.y * sin(2.0 * theta) + a.z * cos(3.0 * theta) + a.w * sin(3.0 * theta);
    return params.footprint_sigma_mps * harmonics * 0.70710678;
}

// Travel time plus onset-picking error. Sound and ground waves travel at the path's own speed
// (a per-pair departure from the layered model) and are picked worse as the SNR falls; light
// keeps the row's timing σ (src/detect/reference.rs::arrival_delay_s).
fn arrival_delay(e: Event, s: Sensor, r: Received, snr: f32, z: vec4<f32>, harmonics: vec4<f32>, modality: u32) -> f32 {
    if modality == MODALITY_ACOUSTIC || modality == MODALITY_SEISMIC {
        let sound = r.speed_mps + params.speed_sigma_mps * z.w + footprint_speed(e, s, harmonics);
        let speed = select(r.speed_mps * (1.0 + ground_speed_sigma_fraction(r) * z.w), sound,
                           modality == MODALITY_ACOUSTIC);
        let pick = pick_at_threshold_s(e, s, r) * clamp(pow(10.0, -(snr - s.threshold_db) / 20.0), PICK_FLOOR_FRACTION, 1.0);
        return r.range_m / max(speed, 1.0) + pick * z.y;
    }
    return r.range_m / r.speed_mps + s.timing_sigma_s * z.y;
}

fn record(e: Event, s: Sensor, o: Outcome) {
    if o.detected {
        let slot = atomicAdd(&counters[0], 1u);
        if slot < params.capacity {
            detections[slot] = Detection(e.id, s.id, o.delay_s, o.snr_db, o.level_db, o.bearing_rad,
                                         o.measured_range_m, o.phase);
        }
    }
}

fn within_reach(e: Event, s: Sensor, reach: f32) -> bool {
    let dx = e.x - s.x;
    let dy = e.y - s.y;
    let dz = e.z - s.z;
    return dx * dx + dy * dy + dz * dz <= reach * reach;
}

// Per event of the dispatch: the most loop iterations of its lanes, with bit 31 set when
// llvmpipe cut any of its loops short, and the pairs it evaluated. The host has the f64
// reference detect exactly the cut events again (src/gpu/loop_budget.rs).
@group(0) @binding(11) var<storage, read_write> event_loops: array<atomic<u32>>;

const LOOP_CUT_BIT: u32 = 0x80000000u;

// Pairs within reach this lane evaluated.
var<private> evaluated: u32;

// Where a lane is in its walk over one layer's candidates: grid row `cy`, sensor `j` of the
// row's run [.., end), and the candidates of the layer's earlier rows (`consumed`), from which
// the lane's place in the next row follows.
struct Cursor {
    cy: i32,
    j: u32,
    end: u32,
    consumed: u32,
}

// A cursor before the first row of the box.
fn cursor_before(search: vec4<i32>) -> Cursor {
    return Cursor(search.z - 1, 0u, 0u, 0u);
}

// Walk outcomes: still looking, a candidate found, the candidates spent.
const LOOKING: u32 = 0u;
const FOUND: u32 = 1u;
const SPENT: u32 = 2u;

// Moves the cursor to the next row with candidates left for this lane; false past the last row.
// Lanes continue their stride across rows, so each gets an equal share of the candidates
// however short the rows are.
fn next_row(e: Event, layer: i32, reach: f32, search: vec4<i32>, lane: u32, c: ptr<function, Cursor>) -> bool {
    var state = LOOKING;
    for (; state == LOOKING;) {
        loop_iterations += 1u;
        (*c).cy += 1;
        if (*c).cy > search.w {
            state = SPENT;
        } else {
            let nx = i32(params.grid_nx);
            let base = layer * nx * i32(params.grid_ny) + (*c).cy * nx;
            let span = row_span(e, reach, (*c).cy, search.xy);
            let start = cell_start[u32(base + span.x)];
            let end = cell_start[u32(base + span.y + 1)];
            let skip = (lane + EVENT_LANES - (*c).consumed % EVENT_LANES) % EVENT_LANES;
            (*c).consumed += end - start;
            (*c).j = start + skip;
            (*c).end = end;
            state = select(LOOKING, FOUND, (*c).j < end);
        }
    }
    loop_cut = loop_cut || state == LOOKING;
    return state == FOUND;
}

// The cursors below stop at the lane's next candidate worth evaluating, so that all lanes of a
// SIMD group evaluate a pair together. llvmpipe runs a branch for the whole group while any of
// its lanes takes it: a walk that tested and evaluated candidates in one step would keep nearly
// every group on the pair's code with one lane busy in four (the share of a search box's
// sensors within reach). Here only the cheap test diverges.

// Acoustic and seismic: the next sensor within reach; false when the lane's candidates are spent.
fn next_ground(e: Event, layer: i32, reach: f32, search: vec4<i32>, lane: u32, c: ptr<function, Cursor>) -> bool {
    var state = LOOKING;
    for (; state == LOOKING;) {
        loop_iterations += 1u;
        if (*c).j >= (*c).end && !next_row(e, layer, reach, search, lane, c) {
            state = SPENT;
        } else if within_reach(e, sensors[(*c).j], reach) {
            evaluated += 1u;
            state = FOUND;
        } else {
            (*c).j += EVENT_LANES;
        }
    }
    loop_cut = loop_cut || state == LOOKING;
    return state == FOUND;
}

// Radar, camera, RF: the next sensor within reach and in view. A pair out of view is counted as
// evaluated but cannot be detected (pair.wgsl::received_by_sight gives it no level).
fn next_sight(e: Event, layer: i32, reach: f32, search: vec4<i32>, lane: u32, c: ptr<function, Cursor>) -> bool {
    var state = LOOKING;
    for (; state == LOOKING;) {
        loop_iterations += 1u;
        if (*c).j >= (*c).end && !next_row(e, layer, reach, search, lane, c) {
            state = SPENT;
        } else {
            let s = sensors[(*c).j];
            let reached = within_reach(e, s, reach);
            evaluated += select(0u, 1u, reached);
            let dx = e.x - s.x;
            let dy = e.y - s.y;
            if reached && in_view(e, s, sights[(*c).j], sqrt(dx * dx + dy * dy)) {
                state = FOUND;
            } else {
                (*c).j += EVENT_LANES;
            }
        }
    }
    loop_cut = loop_cut || state == LOOKING;
    return state == FOUND;
}

// One layer's pairs for this lane: its stride over the layer's candidates within the modality's
// reach, evaluating each it stops at. `layer` is a constant at every call: the compiler inlines
// each call with only that modality's code (llvmpipe runs every branch a SIMD group's lanes
// take, for the whole group, so a walk over every modality would pay for all their laws).
fn walk_layer(e: Event, harmonics: vec4<f32>, lane: u32, layer: i32) {
    let modality = u32(layer);
    let reach = modality_reach(e, modality);
    if reach <= 0.0 {
        return;
    }
    let search = search_box(e, reach);
    var c = cursor_before(search);
    var spent = false;
    for (; !spent; c.j += EVENT_LANES) {
        loop_iterations += 1u;
        if modality <= MODALITY_SEISMIC {
            spent = !next_ground(e, layer, reach, search, lane, &c);
            if !spent {
                let s = sensors[c.j];
                record(e, s, evaluate_pair(e, s, received_ground(e, s, modality), 0.0, harmonics, modality));
            }
        } else {
            spent = !next_sight(e, layer, reach, search, lane, &c);
            if !spent {
                let s = sensors[c.j];
                let v = sights[c.j];
                record(e, s, evaluate_pair(e, s, received_by_sight(e, s, v, modality), range_sigma(e, s, v), harmonics,
                                           modality));
            }
        }
    }
    loop_cut = loop_cut || !spent;
}

// One workgroup per event; its lanes stride over the sensors of the grid cells within reach.
// Sensors are sorted by (modality layer, cell row-major), so each grid row of a layer's search
// box is one contiguous run of sensors, and the runs together are one strided sequence. Each
// layer is walked with its own modality's reach and its own code.
@compute @workgroup_size(EVENT_LANES)
fn detect_events(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
    let event_index = group.x;
    if event_index >= params.item_count {
        return;
    }
    let e = events[event_index];
    // Shared by every pair of this event: drawn once, not per sensor.
    let harmonics = event_normals(params.seed_lo, params.seed_hi, e.id);
    walk_layer(e, harmonics, lane, 0);
    walk_layer(e, harmonics, lane, 1);
    walk_layer(e, harmonics, lane, 2);
    walk_layer(e, harmonics, lane, 3);
    walk_layer(e, harmonics, lane, 4);
    if evaluated > 0u {
        atomicAdd(&counters[1], evaluated);
        atomicAdd(&event_loops[2u * event_index + 1u], evaluated);
    }
    atomicMax(&event_loops[2u * event_index], min(loop_iterations, ~LOOP_CUT_BIT) | select(0u, LOOP_CUT_BIT, loop_cut));
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
    let v = sights[pairs[k].y];
    let o = evaluate_pair(e, s, received(e, s, v), range_sigma(e, s, v),
                          event_normals(params.seed_lo, params.seed_hi, e.id), s.modality);
    pair_out[k] = PairOut(o.level_db, o.snr_db, o.delay_s, o.bearing_rad, select(0u, 1u, o.detected),
                          o.range_m, o.margin, o.clearance_m, o.measured_range_m, o.phase);
}
