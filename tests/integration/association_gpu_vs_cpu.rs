//! The blind association's search kernel against its f64 reference, on random seeds and
//! partners (with and without bearings and the wind profile, near and far), and the recompute
//! path for points the device reports cut short.

use super::support::gpu;
use linewatch::physics::acoustic::AirColumn;
use linewatch::verify::Observation;
use linewatch::verify::search::{LevelScorer, SearchArrival, SearchJob, score_level};
use linewatch::verify::search_gpu::GpuScorer;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_observation(rng: &mut ChaCha8Rng, source: [f64; 2], t0: f64) -> Observation {
    let at = [rng.random_range(-40_000.0..40_000.0), rng.random_range(-40_000.0..40_000.0)];
    let speed = if rng.random_bool(0.8) { rng.random_range(320.0..350.0) } else { rng.random_range(2_000.0..3_600.0) };
    let air = rng.random_bool(0.6).then(|| AirColumn {
        sound_speed_mps: speed,
        temperature_k: rng.random_range(250.0..310.0),
        surface_gradient_k_per_m: rng.random_range(-0.05..0.05),
        surface_layer_m: rng.random_range(20.0..300.0),
        lapse_aloft_k_per_m: -0.0065,
        roughness_m: 10f64.powf(rng.random_range(-4.0..0.0)),
        wind_speed_mps: rng.random_range(0.0..12.0),
    });
    let range = (at[0] - source[0]).hypot(at[1] - source[1]);
    Observation {
        x: at[0],
        y: at[1],
        // Most arrive as from the source; a fifth are other events' or false alarms.
        t_s: if rng.random_bool(0.8) { t0 + range / speed } else { t0 + rng.random_range(-30.0..150.0) },
        sigma_t_s: rng.random_range(1e-3..0.3),
        speed_mps: speed,
        wind_mps: [rng.random_range(-8.0..8.0), rng.random_range(-8.0..8.0)],
        bearing: rng.random_bool(0.5).then(|| {
            let b = (source[0] - at[0]).atan2(source[1] - at[1]) + rng.random_range(-0.1..0.1);
            (b, rng.random_range(0.003..0.1))
        }),
        range: None,
        path_speed_sigma_mps: 0.5,
        position_sigma_m: 0.0,
        shared: None,
        air,
    }
}

/// Seeds with 1–120 partners, three beam centres each, on levels from 4 km to 1 m cells.
fn random_level(rng: &mut ChaCha8Rng) -> (Vec<SearchArrival>, Vec<SearchJob>) {
    let (mut arrivals, mut jobs) = (Vec::new(), Vec::new());
    let points = 21;
    for _ in 0..12 {
        let source = [rng.random_range(-20_000.0..20_000.0), rng.random_range(-20_000.0..20_000.0)];
        let t0 = rng.random_range(0.0..86_400.0);
        let seed = random_observation(rng, source, t0);
        let partners: Vec<Observation> =
            (0..rng.random_range(1..=120)).map(|_| random_observation(rng, source, t0)).collect();
        let first = arrivals.len() as u32;
        let origin = [seed.x, seed.y];
        arrivals.push(SearchArrival::of(&seed, origin, seed.t_s));
        for p in &partners {
            let mut a = SearchArrival::of(p, origin, seed.t_s);
            a.width_s = rng.random_range(0.01..20.0);
            // Half the partners confirm only within a range that cuts through the grids.
            if rng.random_bool(0.5) {
                a.confirm_range_m = rng.random_range(100.0..40_000.0);
            }
            arrivals.push(a);
        }
        let half = 10f64.powf(rng.random_range(1.0..4.6));
        for _ in 0..3 {
            jobs.push(SearchJob {
                centre_x: (source[0] - origin[0] + rng.random_range(-half..half)) as f32,
                centre_y: (source[1] - origin[1] + rng.random_range(-half..half)) as f32,
                half_m: half as f32,
                step_m: (2.0 * half / f64::from(points - 1)) as f32,
                first,
                count: partners.len() as u32 + 1,
                points,
                pad: 0,
            });
        }
    }
    (arrivals, jobs)
}

#[test]
fn search_kernel_matches_the_reference() {
    let gpu = gpu();
    let scorer = GpuScorer::new(gpu).expect("associate.wgsl compiles");
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let mut worst: f64 = 0.0;
    for _ in 0..4 {
        let (arrivals, jobs) = random_level(&mut rng);
        let on_device = scorer.score(&arrivals, &jobs).expect("scored on the device");
        let reference = score_level(&arrivals, &jobs);
        assert_eq!(on_device.len(), reference.len());
        let per_job = jobs[0].point_count();
        for (k, (g, c)) in on_device.iter().zip(&reference).enumerate() {
            // f32 travel times of up to ~100 s are good to ~1e-5 s: each partner's kernel
            // moves by at most that over its width, and bearings by ~1e-6 rad over theirs.
            let count = f64::from(jobs[k / per_job].count);
            assert!((g - c).abs() <= 1e-3 * count + 1e-4, "point {k}: device {g}, reference {c}");
            worst = worst.max((g - c).abs() / count);
        }
        assert!(reference.iter().any(|&s| s > 5.0), "some points agree with many partners");
    }
    eprintln!("worst difference per arrival: {worst:.2e}");
}

/// With a loop budget of 20 partners set by hand, the points of seeds with more come back
/// marked and are scored by the reference: the caller sees the reference's scores.
#[test]
fn points_over_the_loop_budget_are_scored_by_the_reference() {
    let mut gpu = gpu().share();
    gpu.set_loop_budget(Some(20));
    let scorer = GpuScorer::new(&gpu).expect("associate.wgsl compiles");
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let (arrivals, jobs) = random_level(&mut rng);
    let on_device = scorer.score(&arrivals, &jobs).expect("scored");
    let reference = score_level(&arrivals, &jobs);
    let per_job = jobs[0].point_count();
    let over: u64 = jobs.iter().filter(|j| j.count - 1 > 20).map(|j| j.point_count() as u64).sum();
    assert!(over > 0, "some seeds have more than 20 partners");
    assert!(scorer.recomputed.get() >= over, "{} recomputed, {over} over the budget", scorer.recomputed.get());
    for (k, (g, c)) in on_device.iter().zip(&reference).enumerate() {
        let job = &jobs[k / per_job];
        if job.count - 1 > 20 {
            assert_eq!(g, c, "point {k} is the reference's own");
        } else {
            assert!((g - c).abs() <= 1e-3 * f64::from(job.count) + 1e-4);
        }
    }
}
