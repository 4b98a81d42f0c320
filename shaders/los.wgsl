// Line of sight for a list of point pairs: the GPU side of the terrain tests and the kernel
// that viewsheds and the radar, camera and RF modalities build on.

#import terrain

const WORKGROUP_SIZE: u32 = 64u;

struct Ray {
    a: vec4<f32>,
    b: vec4<f32>,
}

@group(0) @binding(0) var<uniform> terrain: Terrain;
@group(0) @binding(1) var<storage, read> heights: array<f32>;
@group(0) @binding(2) var<storage, read> rays: array<Ray>;
@group(0) @binding(3) var<storage, read_write> clearance: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn los_rays(@builtin(global_invocation_id) id: vec3<u32>) {
    let k = id.x;
    if k >= arrayLength(&rays) {
        return;
    }
    clearance[k] = terrain_clearance(terrain, rays[k].a.xyz, rays[k].b.xyz);
}
