// Terrain: a DEM on a regular grid of the working plane and line of sight over it with the
// effective-earth bulge. The f64 twin is src/terrain/ (Dem::height_at, los::clearance_m).

// llvmpipe (lavapipe) ends every loop of a SIMD group of invocations once the group has run
// 65,535 loop iterations in all, silently. Every loop of the kernels checks on leaving that it
// ran to its end and sets `loop_cut` if not; the host recomputes what was cut on the CPU
// (src/gpu/loop_budget.rs). `loop_iterations` counts this invocation's iterations, for the
// reports.
var<private> loop_iterations: u32;
var<private> loop_cut: bool;

struct Terrain {
    x0: f32,
    y0: f32,
    spacing_m: f32,
    nx: u32,
    ny: u32,
    // k·R, the effective earth radius, m.
    effective_radius_m: f32,
    step_m: f32,
    // Where the surface heights (ground plus land cover) start in `heights`, after the
    // ground's; 0: bare ground.
    surface_offset: u32,
}

// The grid of the frame's shape that starts at `offset` in `heights`, at (x, y): bilinear,
// clamped to the grid's edge outside it.
fn grid_bilinear(t: Terrain, offset: u32, x: f32, y: f32) -> f32 {
    let fx = clamp((x - t.x0) / t.spacing_m, 0.0, f32(t.nx - 1u));
    let fy = clamp((y - t.y0) / t.spacing_m, 0.0, f32(t.ny - 1u));
    let i = min(u32(floor(fx)), t.nx - 2u);
    let j = min(u32(floor(fy)), t.ny - 2u);
    let u = fx - f32(i);
    let v = fy - f32(j);
    let k = offset + j * t.nx + i;
    let bottom = heights[k] * (1.0 - u) + heights[k + 1u] * u;
    let top = heights[k + t.nx] * (1.0 - u) + heights[k + t.nx + 1u] * u;
    return bottom * (1.0 - v) + top * v;
}

// Ground height at (x, y).
fn terrain_height(t: Terrain, x: f32, y: f32) -> f32 {
    return grid_bilinear(t, 0u, x, y);
}

// The top of the land cover at (x, y): the ground plus what stands on it, summed per sample on
// the host (bilinear is linear: the reference's sum of the two lookups, in one).
fn surface_height(t: Terrain, x: f32, y: f32) -> f32 {
    return grid_bilinear(t, t.surface_offset, x, y);
}

// Least clearance of the ray a → b (x, y, height above ground) over the terrain and its land
// cover, m (the ends stand on the ground); negative when blocked, +inf with no sample between.
fn terrain_clearance(t: Terrain, a: vec3<f32>, b: vec3<f32>) -> f32 {
    let za = terrain_height(t, a.x, a.y) + a.z;
    let zb = terrain_height(t, b.x, b.y) + b.z;
    let d = length(b.xy - a.xy);
    let steps = u32(max(ceil(d / max(t.step_m, 1e-3)), 1.0));
    var least = bitcast<f32>(0x7f800000u);
    var n = 1u;
    for (; n < steps; n++) {
        loop_iterations += 1u;
        let f = f32(n) / f32(steps);
        let p = a.xy + f * (b.xy - a.xy);
        let bulge = (f * d) * ((1.0 - f) * d) / (2.0 * t.effective_radius_m);
        least = min(least, za + f * (zb - za) - (surface_height(t, p.x, p.y) + bulge));
    }
    loop_cut = loop_cut || n < steps;
    return least;
}
