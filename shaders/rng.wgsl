// Counter-based random numbers; the Rust twin is src/rng.rs (bit-identical u32 hashes).
// pcg4d: Jarzynski & Olano, "Hash Functions for GPU Rendering", JCGT 9(3), 2020.

#import constants

fn pcg4d(v_in: vec4<u32>) -> vec4<u32> {
    var v = v_in * 1664525u + 1013904223u;
    v.x += v.y * v.w;
    v.y += v.z * v.x;
    v.z += v.x * v.y;
    v.w += v.y * v.z;
    v = v ^ (v >> vec4<u32>(16u));
    v.x += v.y * v.w;
    v.y += v.z * v.x;
    v.z += v.x * v.y;
    v.w += v.y * v.z;
    return v;
}

// Uniform in (0, 1], 24 bits: exact in f32, never zero.
fn unit_open0(u: u32) -> f32 {
    return f32((u >> 8u) + 1u) * (1.0 / 16777216.0);
}

fn box_muller(u1: u32, u2: u32) -> vec2<f32> {
    let radius = sqrt(-2.0 * log(unit_open0(u1)));
    let angle = TAU * unit_open0(u2);
    return vec2<f32>(radius * cos(angle), radius * sin(angle));
}

// Four standard normals for one (event, sensor) pair.
fn pair_normals(seed_lo: u32, seed_hi: u32, event_id: u32, sensor_id: u32) -> vec4<f32> {
    let h = pcg4d(vec4<u32>(seed_lo, event_id, sensor_id, STREAM_DETECT ^ seed_hi));
    return vec4<f32>(box_muller(h.x, h.y), box_muller(h.z, h.w));
}

// Four standard normals shared by every pair of one event.
fn event_normals(seed_lo: u32, seed_hi: u32, event_id: u32) -> vec4<f32> {
    let h = pcg4d(vec4<u32>(seed_lo, event_id, EVENT_WIDE, STREAM_EVENT ^ seed_hi));
    return vec4<f32>(box_muller(h.x, h.y), box_muller(h.z, h.w));
}

// The uniform in (0, 1] a radar or camera pair compares with its P(detect).
fn pair_uniform(seed_lo: u32, seed_hi: u32, event_id: u32, sensor_id: u32) -> f32 {
    return unit_open0(pcg4d(vec4<u32>(seed_lo, event_id, sensor_id, STREAM_DETECT_DRAW ^ seed_hi)).x);
}
