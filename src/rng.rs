//! Counter-based random numbers shared bit for bit with `shaders/rng.wgsl`.
//!
//! Every draw is a hash of `(seed, event id, sensor id, stream)`, so the GPU and the CPU
//! reference see the same numbers whatever the thread scheduling, and a run is
//! reproducible from its seed alone. The hash is `pcg4d` from Jarzynski & Olano,
//! "Hash Functions for GPU Rendering", JCGT 9(3), 2020.

/// Which independent draws a pair or a sensor uses (the fourth hash input).
pub mod stream {
    /// Detection: fluctuation, timing, bearing (one hash gives four uniforms).
    pub const DETECT: u32 = 0;
    /// False alarms of one sensor in one time block.
    pub const FALSE_ALARM: u32 = 1;
    /// The uniform draw of radars and cameras, whose detection law is a probability.
    pub const DETECT_DRAW: u32 = 2;
    /// Draws shared by every pair of one event (the sensor word is `EVENT_WIDE`).
    pub const EVENT: u32 = 3;
    /// A sensor's waveform noise (the event word is the sensor, the sensor word the sample).
    pub const WAVEFORM: u32 = 4;
    /// A microphone's wind noise, xor the octave shifted left by 8 (`export::waveform::noise`).
    pub const WIND_NOISE: u32 = 5;
    /// A moving source's burst: its tones' frequencies and phases (the event word is the event,
    /// the sensor word the tone).
    pub const BURST: u32 = 6;
    /// A small-arms round's line of fire (the event word is the event).
    pub const SHOCK: u32 = 7;
    /// A microphone's launch-or-detonation call of an arrival (`detect::signature`; the sensor
    /// word is `EVENT_WIDE` for the event's shared draw).
    pub const SIGNATURE: u32 = 8;
    /// The sensor word of an event-wide draw: no sensor has this id.
    pub const EVENT_WIDE: u32 = u32::MAX;
}

/// The purpose tags of the CPU's independent streams (`sub_seed`): each use of randomness on
/// the host draws from its own stream, so adding one never shifts another.
pub mod purpose {
    /// A deployed row's jitter and survey (index: the row).
    pub const DEPLOY_ROW: u32 = 0x5e45;
    /// Random failures at the start (`[losses] availability`).
    pub const AVAILABILITY: u32 = 0xfa11;
    /// False alarms, xor the time block (index: the sensor).
    pub const FALSE_ALARMS: u32 = 0xfa15_0000;
    /// Violations of a class, plus the class index (index: the time block).
    pub const EVENTS: u32 = 0xe7e7;
    /// The sizing's random losses (index: loss level and draw).
    pub const RESILIENCE: u32 = 0x1055;
    /// The world's weather departures (`weather::WeatherField`).
    pub const WEATHER: u32 = 0x3ea7;
    /// The world's sensor survey errors and clock offsets (index: the sensor).
    pub const SENSOR_TRUTH: u32 = 0x7a6e;
    /// Whether a drone carries an RF link (index: 1 for a track, 0 for a lone event).
    pub const RF_LINK: u32 = 0xf1be;
    /// A sweep's replica seeds (index: the replica; `scenario::sweep`).
    pub const SWEEP_REPLICA: u32 = 0x5eed;
    /// A sweep summary's bootstrap resamples (index: the point).
    pub const SWEEP_BOOTSTRAP: u32 = 0xb007;
    /// A dataset export's train/dev/test split (index: the source group).
    pub const DATASET_SPLIT: u32 = 0x5b17;
}

/// A 64-bit seed for one independent stream of a run, derived from the run's seed.
pub fn sub_seed(seed: u64, purpose: u32, index: u32) -> u64 {
    let h = pcg4d(key(seed, purpose, index, 0xd1ce));
    (u64::from(h[0]) << 32) | u64::from(h[1])
}

/// The `pcg4d` hash: four 32-bit words in, four well-mixed words out.
pub fn pcg4d(v: [u32; 4]) -> [u32; 4] {
    let mut v = v.map(|x| x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223));
    for round in 0..2 {
        v[0] = v[0].wrapping_add(v[1].wrapping_mul(v[3]));
        v[1] = v[1].wrapping_add(v[2].wrapping_mul(v[0]));
        v[2] = v[2].wrapping_add(v[0].wrapping_mul(v[1]));
        v[3] = v[3].wrapping_add(v[1].wrapping_mul(v[2]));
        if round == 0 {
            v = v.map(|x| x ^ (x >> 16));
        }
    }
    v
}

/// Hash input for a given 64-bit seed: the high seed word is folded into the stream word.
pub fn key(seed: u64, a: u32, b: u32, stream: u32) -> [u32; 4] {
    [seed as u32, a, b, stream ^ (seed >> 32) as u32]
}

/// Uniform in (0, 1]: 24 bits, exact in both f32 and f64, never zero (safe under `ln`).
pub fn unit_open0(u: u32) -> f64 {
    f64::from((u >> 8) + 1) * (1.0 / 16_777_216.0)
}

/// Two standard normals from two uniforms by the Box–Muller transform.
pub fn box_muller(u1: u32, u2: u32) -> (f64, f64) {
    let radius = (-2.0 * unit_open0(u1).ln()).sqrt();
    let angle = std::f64::consts::TAU * unit_open0(u2);
    (radius * angle.cos(), radius * angle.sin())
}

/// Four standard normals for one (event, sensor) pair: one hash, two Box–Muller pairs.
pub fn pair_normals(seed: u64, event_id: u32, sensor_id: u32) -> [f64; 4] {
    let h = pcg4d(key(seed, event_id, sensor_id, stream::DETECT));
    let (a, b) = box_muller(h[0], h[1]);
    let (c, d) = box_muller(h[2], h[3]);
    [a, b, c, d]
}

/// Four standard normals shared by every pair of one event.
pub fn event_normals(seed: u64, event_id: u32) -> [f64; 4] {
    let h = pcg4d(key(seed, event_id, stream::EVENT_WIDE, stream::EVENT));
    let (a, b) = box_muller(h[0], h[1]);
    let (c, d) = box_muller(h[2], h[3]);
    [a, b, c, d]
}

/// One standard normal of any stream's (a, b) draw.
pub fn normal(seed: u64, a: u32, b: u32, stream: u32) -> f64 {
    let h = pcg4d(key(seed, a, b, stream));
    box_muller(h[0], h[1]).0
}

/// The uniform in (0, 1] a radar or camera pair compares with its P(detect).
pub fn pair_uniform(seed: u64, event_id: u32, sensor_id: u32) -> f64 {
    unit_open0(pcg4d(key(seed, event_id, sensor_id, stream::DETECT_DRAW))[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcg4d_is_deterministic_and_sensitive_to_every_input() {
        let base = pcg4d([1, 2, 3, 4]);
        assert_eq!(base, pcg4d([1, 2, 3, 4]));
        for i in 0..4 {
            let mut v = [1, 2, 3, 4];
            v[i] ^= 1;
            assert_ne!(pcg4d(v), base, "flipping input word {i} must change the hash");
        }
    }

    #[test]
    fn normals_have_unit_variance() {
        let n = 200_000u32;
        let (mut sum, mut sum2) = (0.0, 0.0);
        for i in 0..n / 4 {
            for z in pair_normals(7, i, 11) {
                sum += z;
                sum2 += z * z;
            }
        }
        let count = f64::from(n);
        let mean = sum / count;
        let var = sum2 / count - mean * mean;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
    }

    #[test]
    fn uniforms_are_in_half_open_unit_interval() {
        assert_eq!(unit_open0(u32::MAX), 1.0);
        assert!(unit_open0(0) > 0.0);
    }
}
