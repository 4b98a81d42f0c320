//! The paint kernel (coverage results → the viewer's texture, on the device) against its f64
//! reference, on random results including NaN, infinite σ and cells cut short by llvmpipe.

use super::support::gpu;
use linewatch::coverage::paint::{Metric, Painter, colour};
use linewatch::coverage::{DeviceCells, GpuCellOut};
use linewatch::gpu::buffers::storage_init;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_result(rng: &mut ChaCha8Rng) -> GpuCellOut {
    let mut p = || if rng.random_bool(0.1) { f32::NAN } else { rng.random_range(-0.05..1.05) };
    let (p_detect, p_k, p_attrib, verifiable) = (p(), p(), p(), p());
    let sigma_n_m = match rng.random_range(0..10) {
        0 => f32::INFINITY,
        1 => 0.0,
        _ => 10f32.powf(rng.random_range(0.0..5.0)),
    };
    GpuCellOut {
        p_detect,
        p_k,
        sigma_n_m,
        p_attrib,
        verifiable,
        sensors: rng.random_range(0..100),
        loop_iterations: 0,
        by_reference: u32::from(rng.random_bool(0.05)),
    }
}

#[test]
fn paint_kernel_matches_the_reference_colours() {
    let gpu = gpu();
    let painter = Painter::new(gpu).expect("paint.wgsl compiles");
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let (width, height) = (97u32, 61u32);
    let mut texels: Vec<u32> = (0..width * height).collect();
    texels.shuffle(&mut rng);
    // A third of the texture stays unpainted: outside the corridor, it must stay transparent.
    texels.truncate((width * height * 2 / 3) as usize);
    let results: Vec<GpuCellOut> = texels.iter().map(|_| random_result(&mut rng)).collect();
    let cells = DeviceCells { results: storage_init(&gpu.device, "results", &results), count: results.len() };
    let (mut compared, mut off_by_one) = (0usize, 0usize);
    for metric in Metric::ALL {
        let painted = painter.paint(gpu, metric, &cells, &texels, width, height).expect("paints");
        let bytes = painted.read(gpu).expect("reads back");
        assert_eq!(bytes.len(), (width * height * 4) as usize);
        let mut painted_at = vec![None; (width * height) as usize];
        for (t, o) in texels.iter().zip(&results) {
            painted_at[*t as usize] = Some(o);
        }
        for (index, at) in painted_at.iter().enumerate() {
            let got = &bytes[index * 4..][..4];
            let (x, y) = (index as u32 % width, index as u32 / width);
            let Some(o) = at else {
                assert_eq!(got, [0, 0, 0, 0], "{metric:?}: unpainted texel ({x}, {y})");
                continue;
            };
            let want = colour(metric, o, x, y);
            for c in 0..4 {
                let diff = (i32::from(got[c]) - i32::from(want[c])).abs();
                assert!(diff <= 1, "{metric:?} at ({x}, {y}) of {o:?}: device {got:?}, reference {want:?}");
                off_by_one += usize::from(diff == 1);
            }
            compared += 1;
        }
    }
    assert_eq!(compared, texels.len() * Metric::ALL.len());
    // f32 against f64 rounding may flip a byte, rarely.
    assert!(off_by_one * 20 < compared * 4, "{off_by_one} of {} channels off by one", compared * 4);
}

#[test]
fn paint_refuses_mismatched_texels() {
    let gpu = gpu();
    let painter = Painter::new(gpu).expect("paint.wgsl compiles");
    let results = vec![GpuCellOut::default(); 4];
    let cells = DeviceCells { results: storage_init(&gpu.device, "results", &results), count: 4 };
    assert!(painter.paint(gpu, Metric::Verifiable, &cells, &[0, 1, 2], 2, 2).is_err(), "too few texels");
    assert!(painter.paint(gpu, Metric::Verifiable, &cells, &[0, 1, 2, 4], 2, 2).is_err(), "texel outside");
    assert!(painter.paint(gpu, Metric::Verifiable, &cells, &[0, 1, 2, 3], 0, 2).is_err(), "empty texture");
}

#[test]
fn colour_scale_positions_round_trip() {
    for metric in Metric::ALL {
        for t in [0.0, 0.25, 0.5, 1.0] {
            let v = metric.value_at(t);
            assert!((metric.position(v) - t).abs() < 1e-9, "{metric:?} at {t}: value {v}");
        }
    }
    // Small σ is good: bright.
    assert!(Metric::SigmaN.position(20.0) > Metric::SigmaN.position(2_000.0));
    assert_eq!(Metric::SigmaN.position(f64::INFINITY), 0.0);
    assert_eq!(Metric::Verifiable.position(f64::NAN), 0.0);
}
