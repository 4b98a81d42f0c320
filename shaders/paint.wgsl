// Paints coverage results into an RGBA8 texture for the viewer, on the device that computed
// them (docs/design.md §9: the viewer shares the device; nothing is read back for display).
// One thread per evaluated cell. CPU f64 reference: src/coverage/paint.rs (`colour`).

#import cell_out

const WORKGROUP_SIZE: u32 = 64u;

struct Paint {
    // 0 p_detect, 1 p_k, 2 sigma_n_m, 3 p_attrib, 4 verifiable.
    metric: u32,
    count: u32,
    width: u32,
    // 1: the colour scale runs over log10 of the value.
    log_scale: u32,
    // The value (or its log10) painted at the low and the high end of the colour map.
    low: f32,
    high: f32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> paint: Paint;
@group(0) @binding(1) var<storage, read> results: array<CellOut>;
@group(0) @binding(2) var<storage, read> texels: array<u32>;
@group(0) @binding(3) var image: texture_storage_2d<rgba8unorm, write>;

// Polynomial fit to matplotlib's viridis (van der Walt & Smith 2015) by Matt Zucker
// (shadertoy.com/view/WlfXRN, CC0); within 1/255 of the table. Output is sRGB-encoded.
fn viridis(t: f32) -> vec3<f32> {
    let c0 = vec3<f32>(0.2777273272234177, 0.005407344544966578, 0.3340998053353061);
    let c1 = vec3<f32>(0.1050930431085774, 1.404613529898575, 1.384590162594685);
    let c2 = vec3<f32>(-0.3308618287255563, 0.214847559468213, 0.09509516302823659);
    let c3 = vec3<f32>(-4.634230498983486, -5.799100973351585, -19.33244095627987);
    let c4 = vec3<f32>(6.228269936347081, 14.17993336680509, 56.69055260068105);
    let c5 = vec3<f32>(4.776384997670288, -13.74514537774601, -65.35303263337234);
    let c6 = vec3<f32>(-5.435455855934631, 4.645852612178535, 26.3124352495832);
    return clamp(c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6))))), vec3<f32>(0.0), vec3<f32>(1.0));
}

fn metric_value(o: CellOut) -> f32 {
    switch paint.metric {
        case 0u: { return o.p_detect; }
        case 1u: { return o.p_k; }
        case 2u: { return o.sigma_n_m; }
        case 3u: { return o.p_attrib; }
        default: { return o.verifiable; }
    }
}

@compute @workgroup_size(64)
fn paint_cells(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= paint.count {
        return;
    }
    let o = results[i];
    let texel = vec2<i32>(i32(texels[i] % paint.width), i32(texels[i] / paint.width));
    if o.loop_cut != 0u {
        // llvmpipe cut this cell's loops short (gpu::loop_budget): a grey checker, never a
        // value that may be wrong.
        let light = select(0.35, 0.65, ((texel.x + texel.y) & 1) == 0);
        textureStore(image, texel, vec4<f32>(light, light, light, 1.0));
        return;
    }
    var x = metric_value(o);
    if paint.log_scale != 0u {
        x = log2(x) * 0.30102999566398120;
    }
    var t = (x - paint.low) / (paint.high - paint.low);
    // NaN fails every comparison and paints as the low end, as does -inf.
    if !(t >= 0.0) {
        t = 0.0;
    }
    textureStore(image, texel, vec4<f32>(viridis(min(t, 1.0)), 1.0));
}
