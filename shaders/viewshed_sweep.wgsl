// The viewshed sweep: one invocation per (view, ray) marches the ray once, every terrain step,
// and stores the greatest ground slope seen so far at each sample. f64 twin: ViewPlan::sweep in
// src/terrain/viewshed.rs.

#import terrain
#import viewshed

const WORKGROUP_SIZE: u32 = 64u;
const TAU: f32 = 6.283185307179586;

struct Sweep {
    first_view: u32,
    view_count: u32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> terrain: Terrain;
@group(0) @binding(1) var<storage, read> heights: array<f32>;
@group(0) @binding(2) var<storage, read> views: array<View>;
@group(0) @binding(3) var<storage, read_write> horizons: array<f32>;
@group(0) @binding(4) var<uniform> sweep: Sweep;

@compute @workgroup_size(WORKGROUP_SIZE)
fn sweep_views(@builtin(global_invocation_id) id: vec3<u32>) {
    if id.y >= sweep.view_count {
        return;
    }
    let v = views[sweep.first_view + id.y];
    let a = id.x;
    if a >= v.azimuth_count {
        return;
    }
    let azimuth = f32(v.first_azimuth + i32(a)) * v.azimuth_step_rad;
    let u = vec2<f32>(sin(azimuth), cos(azimuth));
    let origin = vec2<f32>(v.x, v.y);
    let zs = terrain_height(terrain, v.x, v.y) + v.mast_m;
    var greatest = -bitcast<f32>(0x7f800000u);
    let base = v.offset + a * v.range_count;
    for (var n = 0u; n < v.range_count; n++) {
        let d = f32(n + 1u) * terrain.step_m;
        greatest = max(greatest, (tangent_surface(terrain, origin + d * u, d) - zs) / d);
        horizons[base + n] = greatest;
    }
}
