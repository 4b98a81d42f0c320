// Per-sensor viewsheds (the coverage kernel's cache of sight lines): each sensor's horizon,
// the greatest ground slope seen along rays fanning out from it, in the frame of its tangent
// plane. The kernel declares `views` and `horizons`. The f64
// twin, and why a table lookup answers what the march answers, is src/terrain/viewshed.rs.

#import terrain

struct View {
    x: f32,
    y: f32,
    mast_m: f32,
    offset: u32,
    azimuth_count: u32,
    first_azimuth: i32,
    azimuth_step_rad: f32,
    // Samples per ray: sample n (0-based) is at (n + 1)·step.
    range_count: u32,
}

// Ground height at p less the earth's drop below the tangent plane at distance d.
fn tangent_ground(t: Terrain, p: vec2<f32>, d: f32) -> f32 {
    return terrain_height(t, p.x, p.y) - d * d / (2.0 * t.effective_radius_m);
}

// The same for the top of the land cover: what a sight line must clear.
fn tangent_surface(t: Terrain, p: vec2<f32>, d: f32) -> f32 {
    return surface_height(t, p.x, p.y) - d * d / (2.0 * t.effective_radius_m);
}

// The stored ray nearest the azimuth, or −1.
fn view_ray(v: View, azimuth: f32) -> i32 {
    let full = i32(round(TAU / v.azimuth_step_rad));
    let nearest = i32(round(azimuth / v.azimuth_step_rad));
    let relative = ((nearest - v.first_azimuth) % full + full) % full;
    return select(-1, relative, relative < i32(v.azimuth_count));
}

// Clearance of the line from the view's sensor to b (x, y, height above ground) by its table:
// how far the target stands above the horizon in its direction, scaled to its distance, m;
// negative when hidden. Marched where the table does not reach.
fn view_clearance(t: Terrain, v: View, a: vec3<f32>, b: vec3<f32>) -> f32 {
    let delta = b.xy - vec2<f32>(v.x, v.y);
    let d = length(delta);
    let samples = i32(ceil(d / max(t.step_m, 1e-3))) - 1;
    if samples <= 0 {
        return bitcast<f32>(0x7f800000u);
    }
    let ray = view_ray(v, atan2(delta.x, delta.y));
    if samples > i32(v.range_count) || ray < 0 {
        return terrain_clearance(t, a, b);
    }
    let horizon = horizons[v.offset + u32(ray) * v.range_count + u32(samples - 1)];
    let zs = terrain_height(t, v.x, v.y) + v.mast_m;
    let seen = tangent_ground(t, b.xy, d) + b.z;
    return ((seen - zs) / d - horizon) * d;
}
