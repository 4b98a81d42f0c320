// The blind association's grid search, one level: one thread per grid point of a job, scoring
// how many partner arrivals (a triangular kernel of their timing miss) and bearings agree with a
// source there. CPU f64 reference: src/verify/search.rs (`score_point`); records there too.

#import constants

const WORKGROUP_SIZE: u32 = 64u;
const MIN_RANGE_M: f32 = 1e-3;

struct Arrival {
    x: f32,
    y: f32,
    dt_s: f32,
    speed_mps: f32,
    wind_x_mps: f32,
    wind_y_mps: f32,
    width_s: f32,
    bearing_rad: f32,
    bearing_tolerance_rad: f32,
    height_per_range2: f32,
    top_m: f32,
    roughness_m: f32,
    inverse_log_reference: f32,
    // Farthest source whose arrival here could confirm a candidate (search.rs): a partner
    // farther from a point scores nothing there.
    confirm_range_m: f32,
    pad0: u32,
    pad1: u32,
}

struct Job {
    centre_x: f32,
    centre_y: f32,
    half_m: f32,
    step_m: f32,
    first: u32,
    count: u32,
    points: u32,
    pad: u32,
}

// Where one level's points start: the job of each output row is found by its offset.
struct Level {
    jobs: u32,
    points_per_job: u32,
    // Partner iterations past which a point is left to the reference (gpu/loop_budget.rs).
    loop_budget: u32,
    pad: u32,
}

@group(0) @binding(0) var<uniform> level: Level;
@group(0) @binding(1) var<storage, read> arrivals: array<Arrival>;
@group(0) @binding(2) var<storage, read> jobs: array<Job>;
// Score per point; a negative score: the partner loop was cut (llvmpipe), the host recomputes it.
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;

// Mean of ln(1 + z/z0) over [0, h] (acoustic.rs::log_profile_mean).
fn log_profile_mean(height_m: f32, z0: f32) -> f32 {
    let x = height_m / z0;
    return (1.0 + x) * log(1.0 + x) / x - 1.0;
}

// The multiple of the 10 m wind a path of this range travels in (acoustic.rs::path_wind_factor).
fn wind_factor(a: Arrival, range_m: f32) -> f32 {
    if a.height_per_range2 <= 0.0 {
        return 1.0;
    }
    let height = max(range_m * range_m * a.height_per_range2, WIND_REFERENCE_HEIGHT_M);
    return log_profile_mean(min(height, a.top_m), a.roughness_m) * a.inverse_log_reference;
}

fn travel_time_s(a: Arrival, at: vec2<f32>) -> f32 {
    let v = vec2<f32>(a.x, a.y) - at;
    let d = max(length(v), MIN_RANGE_M);
    let wind_along = a.wind_x_mps * v.x + a.wind_y_mps * v.y;
    return d * d / (a.speed_mps * d + wind_along * wind_factor(a, d));
}

fn bearing_agreement(a: Arrival, at: vec2<f32>, cell_m: f32) -> f32 {
    if a.bearing_tolerance_rad < 0.0 {
        return 0.0;
    }
    let d = at - vec2<f32>(a.x, a.y);
    let range = max(length(d), 1.0);
    var miss = a.bearing_rad - atan2(d.x, d.y);
    miss -= TAU * floor((miss + PI) / TAU);
    let width = a.bearing_tolerance_rad + min(cell_m / range, PI);
    return max(1.0 - abs(miss) / width, 0.0);
}

// 1 where the bearing, if any, agrees; 0 where it does not at all; linear over the kernel's
// last BEARING_GATE_RAMP (search.rs::bearing_gate).
const BEARING_GATE_RAMP: f32 = 0.1;

fn bearing_gate(a: Arrival, at: vec2<f32>, cell_m: f32) -> f32 {
    if a.bearing_tolerance_rad < 0.0 {
        return 1.0;
    }
    return min(bearing_agreement(a, at, cell_m) / BEARING_GATE_RAMP, 1.0);
}

const PI: f32 = 3.141592653589793;
const TAU: f32 = 6.283185307179586;

@compute @workgroup_size(WORKGROUP_SIZE)
fn score_points(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let index = id.x + id.y * groups.x * WORKGROUP_SIZE;
    if index >= level.jobs * level.points_per_job {
        return;
    }
    let job = jobs[index / level.points_per_job];
    let k = index % level.points_per_job;
    let a = k / job.points;
    let b = k % job.points;
    let at = vec2<f32>(job.centre_x - job.half_m + f32(a) * job.step_m,
                       job.centre_y - job.half_m + f32(b) * job.step_m);
    let seed = arrivals[job.first];
    let cell = 1.4142135623730951 * job.step_m;
    // A point the seed's bearing points away from scores nothing (search.rs::score_point); a job
    // over the loop budget is the reference's either way.
    let seed_gate = bearing_gate(seed, at, cell);
    if seed_gate <= 0.0 && job.count - 1u <= level.loop_budget {
        scores[index] = 0.0;
        return;
    }
    let t0 = -travel_time_s(seed, at);
    var score = bearing_agreement(seed, at, cell);
    var i = 1u;
    loop {
        if i >= job.count {
            break;
        }
        let p = arrivals[job.first + i];
        if length(at - vec2<f32>(p.x, p.y)) <= p.confirm_range_m {
            let timing = max(1.0 - abs(p.dt_s - t0 - travel_time_s(p, at)) / p.width_s, 0.0);
            score += timing * bearing_gate(p, at, cell) + bearing_agreement(p, at, cell);
        }
        i += 1u;
    }
    // llvmpipe leaves long loops early without a word (gpu/loop_budget.rs): say so.
    if i < job.count || job.count - 1u > level.loop_budget {
        scores[index] = -1.0;
        return;
    }
    scores[index] = seed_gate * score;
}
