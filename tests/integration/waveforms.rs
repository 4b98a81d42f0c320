//! Waveforms: the kernel against its f64 reference on random windows and pulses, the smoke
//! run's waveforms against its picks (onset and peak SNR), its ASDF export read by pyasdf
//! its SeisBench export read as SeisBench reads it, and its acoustic arrays' element channels
//! beamformed back to their sources.

use super::support::{gpu, linewatch, python_script, run_smoke, text};
use linewatch::export::waveform::gpu::WaveformKernel;
use linewatch::export::waveform::{
    SHAPE_BURST, SHAPE_FRIEDLANDER, SHAPE_NWAVE, SHAPE_RICKER, WaveParams, WavePulse, WaveWindow, WaveformOptions,
    noise, reference,
};
use rand::{Rng, SeedableRng};

#[test]
fn kernel_matches_its_f64_reference_on_random_windows() {
    let kernel = WaveformKernel::new(gpu()).expect("kernel");
    for seed in 0..3u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let rate_hz = [200.0f32, 1000.0, 4000.0][seed as usize];
        let samples = 700u32;
        let mut windows = Vec::new();
        let mut pulses = Vec::new();
        for _ in 0..150 {
            let first_pulse = pulses.len() as u32;
            let count = rng.random_range(0..5u32);
            for _ in 0..count {
                pulses.push(WavePulse {
                    delay_samples: rng.random_range((-0.2 * rate_hz) as i32..samples as i32),
                    delay_fraction: rng.random_range(0.0..1.0),
                    amplitude: 10f32.powf(rng.random_range(0.0..2.0)),
                    // At least five samples per period: the f32 time's rounding stays small
                    // against the pulse.
                    period_s: rng.random_range(5.0 / rate_hz..0.3),
                    shape: [SHAPE_FRIEDLANDER, SHAPE_RICKER, SHAPE_BURST, SHAPE_NWAVE][rng.random_range(0..4usize)],
                    smoothing_s: if rng.random_bool(0.5) { rng.random_range(0.0..0.01) } else { 0.0 },
                    duration_s: rng.random_range(0.05..3.0),
                    key: rng.random(),
                });
            }
            let first_sample = rng.random_range(0..80_000_000);
            windows.push(WaveWindow {
                sensor_id: rng.random_range(0..5000),
                first_sample,
                first_pulse,
                pulse_count: count,
                red_share: if rng.random_bool(0.5) { rng.random_range(0.0..1.0) } else { 0.0 },
                red_share_after: rng.random_range(0.0..1.0),
                // Half the windows turn from day to night (or back) somewhere inside.
                switch_sample: if rng.random_bool(0.5) {
                    first_sample + rng.random_range(0..samples)
                } else {
                    u32::MAX
                },
            });
        }
        let run_seed: u64 = rng.random();
        let octaves = noise::red_octaves(f64::from(rate_hz));
        let params = WaveParams {
            samples_per_window: samples,
            window_count: windows.len() as u32,
            rate_hz,
            seed_lo: run_seed as u32,
            seed_hi: (run_seed >> 32) as u32,
            red_octaves: octaves,
            red_norm: noise::red_norm(octaves) as f32,
            pad: 0,
        };
        let on_gpu = kernel.synthesise(&params, &windows, &pulses).expect("synthesise");
        let want = reference::synthesise(&params, &windows, &pulses, run_seed);
        assert_eq!(on_gpu.len(), want.len());
        let mut worst = 0.0f64;
        for (k, (g, r)) in on_gpu.iter().zip(&want).enumerate() {
            let w = &windows[k / samples as usize];
            let mine = &pulses[w.first_pulse as usize..(w.first_pulse + w.pulse_count) as usize];
            let sum_amplitude: f64 = mine.iter().map(|p| f64::from(p.amplitude)).sum();
            // A burst's tones run through many cycles: f32 time (relative error ~6e-8) misses
            // their phase by up to ~1e-7 of the cycles counted, times the tones' summed weight.
            let window_s = f64::from(samples) / f64::from(rate_hz);
            let burst_slack: f64 = mine
                .iter()
                .filter(|p| p.shape == SHAPE_BURST)
                .map(|p| {
                    let delay_s = f64::from(p.delay_samples.unsigned_abs()) / f64::from(rate_hz);
                    let cycles = 1.5 / f64::from(p.period_s) * (window_s + delay_s);
                    f64::from(p.amplitude) * 4.0 * std::f64::consts::TAU * cycles * 1e-7
                })
                .sum();
            // An N-wave ends in a step: where the sample falls within f32's rounding of its end,
            // the two may take either side of it.
            let i = (k % samples as usize) as f64;
            let step_slack: f64 = mine
                .iter()
                .filter(|p| p.shape == SHAPE_NWAVE)
                .filter(|p| {
                    let tau = (i - f64::from(p.delay_samples) - f64::from(p.delay_fraction)) / f64::from(rate_hz);
                    (tau - f64::from(p.period_s)).abs() < 1e-5
                })
                .map(|p| 2.0 * f64::from(p.amplitude))
                .sum();
            let tolerance = 2e-4 * (1.0 + sum_amplitude) + burst_slack + step_slack;
            let miss = (f64::from(*g) - r).abs();
            assert!(g.is_finite() && miss <= tolerance, "seed {seed} sample {k}: gpu {g} reference {r}");
            worst = worst.max(miss / (1.0 + sum_amplitude));
        }
        assert!(worst > 0.0, "the two differ somewhere (f32 against f64): the comparison is real");
    }
}

/// Mean periodogram of `windows` (rows of `n` samples) at `freq_hz`, Hann-tapered.
fn power_at(values: &[f32], n: usize, rate_hz: f64, freq_hz: f64) -> f64 {
    let rows = values.len() / n;
    let mut total = 0.0;
    for row in values.chunks(n) {
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for (i, v) in row.iter().enumerate() {
            let taper = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos();
            let phase = std::f64::consts::TAU * freq_hz * i as f64 / rate_hz;
            re += taper * f64::from(*v) * phase.cos();
            im += taper * f64::from(*v) * phase.sin();
        }
        total += re * re + im * im;
    }
    total / rows as f64
}

#[test]
fn wind_noise_falls_as_f_to_the_minus_seven_thirds_and_the_ambient_is_flat() {
    let kernel = WaveformKernel::new(gpu()).expect("kernel");
    let options = WaveformOptions::windows(1000.0, 0.0, 8.192);
    let n = options.samples() as usize;
    let freqs = [4.0, 8.0, 16.0, 32.0, 64.0];
    for (share, expected) in [(1.0f32, -noise::WIND_NOISE_EXPONENT), (0.0, 0.0)] {
        let windows: Vec<WaveWindow> = (0..48)
            .map(|k| WaveWindow {
                sensor_id: k % 6,
                first_sample: (k / 6) * n as u32,
                first_pulse: 0,
                pulse_count: 0,
                red_share: share,
                red_share_after: share,
                switch_sample: u32::MAX,
            })
            .collect();
        let params = WaveParams::new(&options, windows.len(), 11);
        let values = kernel.synthesise(&params, &windows, &[]).expect("synthesise");
        let variance = values.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / values.len() as f64;
        assert!((variance - 1.0).abs() < 0.1, "share {share}: variance {variance}");
        // Least-squares slope of log power against log frequency.
        let points: Vec<(f64, f64)> =
            freqs.iter().map(|&f| (f64::ln(f), power_at(&values, n, options.rate_hz, f).ln())).collect();
        let (mx, my) = (
            points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64,
            points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64,
        );
        let slope = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>()
            / points.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>();
        println!("wind share {share}: spectral slope {slope:.2} (expected {expected:.2}), variance {variance:.3}");
        assert!((slope - expected).abs() < 0.35, "share {share}: slope {slope:.2}, expected {expected:.2}");
    }
}

#[test]
fn rifle_shots_crack_ahead_of_their_muzzle_blasts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = super::support::repo().join("scenarios/validation/gunshot-location.toml");
    let o = linewatch(
        dir.path(),
        &["run", scenario.to_str().expect("utf-8"), "-o", "gun.h5", "--no-coverage", "--no-verify", "--quiet"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let args = [
        "export",
        "gun.h5",
        "--format",
        "waveforms",
        "-o",
        "w",
        "--rate-hz",
        "24000",
        "--pre-s",
        "0.6",
        "--post-s",
        "0.1",
    ];
    let mut with_rows = args.to_vec();
    with_rows.extend(["--rows", "grid-+0.0km"]);
    let o = linewatch(dir.path(), &with_rows);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let file = hdf5::File::open(dir.path().join("w/waveforms.h5")).expect("opens");
    let data = file.dataset("waveforms").expect("waveforms").read_2d::<f32>().expect("reads");
    let f64s = |name: &str| file.dataset(name).and_then(|d| d.read_raw::<f64>()).expect(name);
    let i64s = |name: &str| file.dataset(name).and_then(|d| d.read_raw::<i64>()).expect(name);
    let (start, onset, shock_t, shock_peak) =
        (f64s("start_t_s"), f64s("onset_t_s"), f64s("shock_t_s"), f64s("shock_peak"));
    let (event, shock_event) = (i64s("event_id"), i64s("shock_event_id"));
    let (mut own, mut cracks) = (0usize, 0usize);
    for w in 0..data.nrows() {
        if shock_event[w] != event[w] || event[w] < 0 {
            continue;
        }
        own += 1;
        // The cone is the earliest path: never after the muzzle blast's pick.
        assert!(shock_t[w] <= onset[w] + 1e-9, "window {w}: shock {} after the pick {}", shock_t[w], onset[w]);
        // Its N-wave starts at its peak: the first samples after its arrival hold most of it.
        let at = ((shock_t[w] - start[w]) * 24_000.0).ceil() as usize;
        let loudest = data.row(w).iter().skip(at).take(3).map(|v| f64::from(v.abs())).fold(0.0, f64::max);
        if loudest >= 0.8 * shock_peak[w] && loudest <= 1.05 * shock_peak[w] + 5.0 {
            cracks += 1;
        }
    }
    println!("{own} windows hold their own shot's shock wave; {cracks} show it at 80–105 % of its peak");
    assert!(own >= 50, "{own} windows with their own shot's shock wave");
    assert!(cracks as f64 >= 0.9 * own as f64, "{cracks} of {own} show the crack");
}

#[test]
fn smoke_waveforms_agree_with_their_picks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let result = run_smoke(dir.path(), "smoke.h5", &["--no-coverage", "--no-verify"]);
    let result_arg = result.to_str().expect("utf-8");
    let o = linewatch(dir.path(), &["export", result_arg, "--format", "waveforms", "-o", "w", "--png", "w.png"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let png = std::fs::read(dir.path().join("w.png")).expect("the picture");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a PNG of {} bytes", png.len());
    // Bad requests: exit 2, nothing written.
    for (args, field) in [
        (vec!["--format", "quakeml", "--png", "q.png"], "--png"),
        (vec!["--format", "waveforms", "--rate-hz", "0"], "--rate-hz"),
        (vec!["--format", "waveforms", "--post-s", "NaN"], "--post-s"),
        (vec!["--format", "asdf", "--pre-s=-1"], "--pre-s"),
        (vec!["--format", "asdf", "--png", "q.png"], "--png"),
        (vec!["--format", "seisbench", "--rate-hz", "inf"], "--rate-hz"),
        (vec!["--format", "seisbench", "--array-elements"], "--array-elements"),
        // More samples than one dispatch synthesises.
        (vec!["--format", "waveforms", "--rate-hz", "100000", "--post-s", "300"], "--post-s"),
    ] {
        let mut all = vec!["export", result_arg, "-o", "bad"];
        all.extend(args);
        let o = linewatch(dir.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{all:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(field), "{all:?}: {}", text(&o.stderr));
        assert!(!dir.path().join("bad").exists() && !dir.path().join("q.png").exists());
    }
    let file = hdf5::File::open(dir.path().join("w/waveforms.h5")).expect("opens");
    let data = file.dataset("waveforms").expect("waveforms").read_2d::<f32>().expect("reads");
    let rate_hz: f64 =
        file.dataset("waveforms").and_then(|d| d.attr("rate_hz")).and_then(|a| a.read_scalar()).expect("rate");
    let column = |name: &str| file.dataset(name).and_then(|d| d.read_raw::<f64>()).expect(name);
    let (start, onset, snr, period) =
        (column("start_t_s"), column("onset_t_s"), column("snr_db"), column("pulse_period_s"));
    let (smoothing, peak_delay) = (column("pulse_smoothing_s"), column("peak_delay_s"));
    let filtered = smoothing.iter().filter(|&&s| s * rate_hz > 0.5).count();
    assert!(filtered > 100, "air absorption filters {filtered} pulses by more than half a sample");
    let modality: Vec<String> = file
        .dataset("modality")
        .and_then(|d| d.read_raw::<hdf5::types::VarLenUnicode>())
        .expect("modality")
        .iter()
        .map(|m| m.as_str().to_string())
        .collect();
    assert!(data.nrows() > 1000, "{} windows", data.nrows());
    let shapes: Vec<String> = file
        .dataset("pulse_shape")
        .and_then(|d| d.read_raw::<hdf5::types::VarLenUnicode>())
        .expect("pulse_shape")
        .iter()
        .map(|m| m.as_str().to_string())
        .collect();
    let (mut checked, mut peak_close, mut onset_close) = (0usize, 0usize, 0usize);
    let (mut bursts, mut bursts_close) = (0usize, 0usize);
    let mut quiet = Vec::new();
    for w in 0..data.nrows() {
        let row = data.row(w);
        let at = ((onset[w] - start[w]) * rate_hz).ceil() as usize;
        // The noise before the window's own pulse: σ 1 (other pulses may reach in, so the
        // estimate is the median absolute value's, robust to them).
        if onset[w] - start[w] > 0.5 {
            quiet.extend(row.iter().take((0.2 * rate_hz) as usize).map(|v| f64::from(v.abs())));
        }
        // A moving source's burst: its power over the window (the envelope is two track samples
        // long, ≈ 1 across it) less the noise's is its SNR.
        if shapes[w] == "burst" {
            if snr[w] >= 10.0 {
                bursts += 1;
                let power = row.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / row.len() as f64 - 1.0;
                if (10.0 * (power.max(1e-9)).log10() - snr[w]).abs() <= 2.0 {
                    bursts_close += 1;
                }
            }
            continue;
        }
        // Pulses sampled at least 8 times per period, well above the noise.
        if period[w] * rate_hz < 8.0 || snr[w] < 15.0 || at >= row.len() {
            continue;
        }
        checked += 1;
        let ricker = modality[w] == "seismic";
        let span = ((if ricker { 3.0 } else { 1.0 }) * period[w] * rate_hz).ceil() as usize + 1;
        // The level just before the pulse's rise taken off, as an analyst's baseline: wind noise
        // is slow against a pulse and would otherwise ride under its peak.
        let rise = ((6.0 * smoothing[w] * rate_hz).ceil() as usize).min(at);
        let before = ((0.02 * rate_hz) as usize).max(4).min(at - rise);
        let baseline =
            row.iter().skip(at - rise - before).take(before).map(|v| f64::from(*v)).sum::<f64>() / before.max(1) as f64;
        let window = row.iter().skip(at).take(span).map(|v| (f64::from(*v) - baseline).abs());
        let (peak_at, peak) = window.enumerate().fold((0, 0.0), |b, (i, v)| if v > b.1 { (i, v) } else { b });
        let expected = 10f64.powf(snr[w] / 20.0);
        if (20.0 * (peak / expected).log10()).abs() <= 2.0 {
            peak_close += 1;
        }
        // A Friedlander pulse peaks at its onset (a little after once filtered), a Ricker
        // wavelet 1.5 periods after it: the column says when.
        let peak_time = (at + peak_at) as f64 / rate_hz + start[w];
        let expected_peak_time = onset[w] + peak_delay[w];
        assert!(ricker || peak_delay[w] < 3.0 * smoothing[w] + 1e-9, "window {w}: peak delay {}", peak_delay[w]);
        if (peak_time - expected_peak_time).abs() <= 0.1 * period[w] + 1.0 / rate_hz {
            onset_close += 1;
        }
    }
    quiet.sort_by(f64::total_cmp);
    // The median of |N(0, 1)| is 0.6745.
    let noise_sigma = quiet[quiet.len() / 2] / 0.674_489_75;
    assert!((noise_sigma - 1.0).abs() < 0.03, "noise σ {noise_sigma} over {} samples", quiet.len());
    assert!(checked > 200, "{checked} windows checked");
    let (peak_share, onset_share) = (peak_close as f64 / checked as f64, onset_close as f64 / checked as f64);
    assert!(peak_share >= 0.9, "peak within 2 dB of the pick's SNR in {peak_share:.3} of {checked}");
    assert!(onset_share >= 0.9, "peak where the pick puts it in {onset_share:.3} of {checked}");
    println!(
        "{checked} windows: peak within 2 dB {peak_share:.3}, at its time {onset_share:.3}, noise σ {noise_sigma:.3}"
    );
    assert!(bursts >= 10, "{bursts} moving sources' bursts above 10 dB");
    let burst_share = bursts_close as f64 / bursts as f64;
    println!("{bursts} bursts: power within 2 dB of the SNR in {burst_share:.3}");
    assert!(burst_share >= 0.8, "burst power within 2 dB of the pick's SNR in {burst_share:.3} of {bursts}");

    // The same signal as ASDF: pyasdf reads every trace, and each window above is found in its
    // sensor's trace sample for sample.
    let o = linewatch(dir.path(), &["export", result_arg, "--format", "asdf", "-o", "asdf", "--start", "2026-11-15"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (waveforms_dir, asdf_dir) = (dir.path().join("w"), dir.path().join("asdf"));
    let printed =
        python_script("check_asdf.py", &[result.as_os_str(), waveforms_dir.as_os_str(), asdf_dir.as_os_str()]);
    assert!(printed.contains("asdf ok"), "{printed}");
    println!("{}", printed.trim());

    // And as a SeisBench dataset: every row's trace is its window, bit for bit.
    let o = linewatch(dir.path(), &["export", result_arg, "--format", "seisbench", "-o", "sb"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let seisbench_dir = dir.path().join("sb");
    let printed = python_script(
        "check_seisbench.py",
        &[result.as_os_str(), waveforms_dir.as_os_str(), seisbench_dir.as_os_str()],
    );
    assert!(printed.contains("seisbench ok"), "{printed}");
    println!("{}", printed.trim());

    // The acoustic sensors as arrays: beamforming their elements' channels finds the sources.
    let o = linewatch(
        dir.path(),
        &["export", result_arg, "--format", "asdf", "-o", "arrays", "--array-elements", "--rows", "A-acoustic"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let arrays_dir = dir.path().join("arrays");
    let zero = std::ffi::OsStr::new("2026-11-14T22:00:00Z");
    let printed = python_script("check_array.py", &[result.as_os_str(), arrays_dir.as_os_str(), zero]);
    assert!(printed.contains("array ok"), "{printed}");
    println!("{}", printed.trim());
}
