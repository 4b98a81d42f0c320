//! An acoustic sensor as the array it is: its elements' own channels, each the plane wave's
//! arrival at the element's offset, with its own noise (docs/design.md §14), so bearing
//! estimation and beamforming can be tested on the waveforms.
//!
//! The geometry is a stated assumption, not a surveyed design: four elements, one at the
//! sensor's position and three on a circle of `APERTURE_RADIUS_M` at grid bearings 0°, 120°
//! and 240° (a centred triangle, the usual small-aperture layout; at 1 kHz a plane wave takes
//! up to 51 samples to cross it, enough to resolve a bearing by cross-correlation).

/// Elements per acoustic array; element 0 is the sensor's own channel.
pub const ELEMENTS: u8 = 4;
/// Radius of the outer elements' circle, m (stated assumption).
pub const APERTURE_RADIUS_M: f64 = 10.0;
/// Sensor ids below this can be arrays: the element is folded into the noise channel above it.
pub const MAX_ARRAY_SENSOR_ID: u32 = 1 << 24;

/// An element's offset from the sensor, grid east and north, m.
pub fn offset_m(element: u8) -> [f64; 2] {
    if element == 0 {
        return [0.0, 0.0];
    }
    let bearing = (f64::from(element - 1) * 120.0).to_radians();
    [APERTURE_RADIUS_M * bearing.sin(), APERTURE_RADIUS_M * bearing.cos()]
}

/// The kernel's noise channel of an element: element 0 keeps the sensor's own noise (its trace
/// is the single-channel export's, sample for sample), the others draw their own.
pub fn noise_channel(sensor_id: u32, element: u8) -> u32 {
    sensor_id | (u32::from(element) << 24)
}

/// SEED location code of an element: "00" for the sensor's own position, "01".."03" for the
/// outer elements.
pub fn location_code(element: u8) -> String {
    format!("{element:02}")
}

/// How much earlier (negative) or later a plane wave from `source` reaches the element at
/// `offset` than the sensor at `sensor` (plane coordinates, m; `speed`: sound speed, m/s).
pub fn delay_s(offset: [f64; 2], sensor: [f64; 2], source: [f64; 2], speed_mps: f64) -> f64 {
    let (dx, dy) = (source[0] - sensor[0], source[1] - sensor[1]);
    let distance = dx.hypot(dy);
    if distance == 0.0 {
        return 0.0;
    }
    -(offset[0] * dx + offset[1] * dy) / (distance * speed_mps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_element_towards_the_source_hears_first_by_its_projection_over_c() {
        // Source due north of the sensor: element 1 (north, 10 m) hears 10/c earlier; elements 2
        // and 3 (at ±120°) 5/c later; the centre on time.
        let c = 340.0;
        let at = |e| delay_s(offset_m(e), [0.0, 0.0], [0.0, 5_000.0], c);
        assert!((at(1) + 10.0 / c).abs() < 1e-12);
        assert!((at(2) - 5.0 / c).abs() < 1e-9 && (at(3) - 5.0 / c).abs() < 1e-9);
        assert_eq!(at(0), 0.0);
        assert_eq!(noise_channel(7, 0), 7);
        assert_ne!(noise_channel(7, 1), noise_channel(7, 2));
    }
}
