//! Line of sight over terrain: the WGSL march against the f64 reference on random rays over a
//! procedural relief.

use super::support::gpu;
use linewatch::terrain::gpu::{GpuRay, LosKernel};
use linewatch::terrain::{STANDARD_K_FACTOR, clearance_m, procedural};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn los_kernel_matches_the_f64_reference_on_random_rays() {
    let relief = procedural::Relief::default();
    let dem = procedural::dem(&relief, 3, -30_000.0, -30_000.0, 30_000.0, 30_000.0, 200.0).expect("dem");
    let step = 50.0;
    let kernel = LosKernel::new(gpu(), &dem, step, STANDARD_K_FACTOR).expect("LOS kernel");
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let point = |rng: &mut ChaCha8Rng, mast: f32| {
        [rng.random_range(-25_000.0..25_000.0), rng.random_range(-25_000.0..25_000.0), mast, 0.0]
    };
    let rays: Vec<GpuRay> = (0..4000)
        .map(|_| {
            let (mast_a, mast_b) = (rng.random_range(1.0..40.0), rng.random_range(0.0..5.0));
            GpuRay { a: point(&mut rng, mast_a), b: point(&mut rng, mast_b) }
        })
        .collect();
    let gpu_clearance = kernel.clearance(&rays).expect("GPU clearance");
    assert_eq!(gpu_clearance.len(), rays.len());
    let (mut visible, mut blocked, mut near_boundary) = (0, 0, 0);
    for (ray, &g) in rays.iter().zip(&gpu_clearance) {
        let f = |p: [f32; 4]| [f64::from(p[0]), f64::from(p[1]), f64::from(p[2])];
        let c = clearance_m(&dem, f(ray.a), f(ray.b), step, STANDARD_K_FACTOR);
        assert!(!g.is_nan(), "{ray:?}");
        // f32 positions of tens of km and heights of hundreds of metres: a few cm.
        assert!((f64::from(g) - c).abs() < 0.05, "GPU {g} m vs CPU {c} m for {ray:?}");
        if c.abs() < 0.05 {
            near_boundary += 1;
        } else if c >= 0.0 {
            visible += 1;
            assert!(g >= 0.0);
        } else {
            blocked += 1;
            assert!(g < 0.0);
        }
    }
    assert!(visible > 200 && blocked > 200, "both outcomes occur: {visible} visible, {blocked} blocked");
    assert!(near_boundary < 40, "{near_boundary} rays within 5 cm of grazing");
}
