//! The map's background: a hillshade of the scenario's terrain (DEM or procedural), computed
//! once per scene on the CPU at no more than `MAX_SIDE` samples a side.

use crate::terrain::Dem;

/// Longest side of the hillshade image, samples.
pub const MAX_SIDE: usize = 1024;
/// Sun azimuth and altitude of the conventional cartographic hillshade: light from the north
/// west, 45° up (Imhof, Cartographic Relief Presentation, 1982, §10; ESRI "How Hillshade works").
const SUN_AZIMUTH_DEG: f64 = 315.0;
const SUN_ALTITUDE_DEG: f64 = 45.0;
/// Vertical exaggeration: the steppe's slopes of a few per cent would shade almost uniformly at
/// the scale of the whole line; cartographers exaggerate low relief 5–10× (Imhof 1982, §10).
const VERTICAL_EXAGGERATION: f64 = 8.0;
/// Relief below which the map gets no background (flat ground has nothing to show), m.
const MIN_RELIEF_M: f64 = 1.0;

/// A grey image, row 0 at the north, over the world box [x_min, y_min, x_max, y_max].
#[derive(Debug, Clone, PartialEq)]
pub struct Relief {
    pub width: usize,
    pub height: usize,
    /// Brightness 0–255, row-major from the north.
    pub shade: Vec<u8>,
    pub rect: [f64; 4],
}

/// The hillshade of `dem`: Lambertian illumination of the surface normal (heights exaggerated
/// `VERTICAL_EXAGGERATION`×), the slopes by central differences. None on flat ground.
pub fn hillshade(dem: &Dem) -> Option<Relief> {
    if dem.relief_m() < MIN_RELIEF_M {
        return None;
    }
    let stride = dem.nx.max(dem.ny).div_ceil(MAX_SIDE).max(1);
    let (width, height) = (dem.nx.div_ceil(stride), dem.ny.div_ceil(stride));
    let spacing = dem.spacing_m * stride as f64 / VERTICAL_EXAGGERATION;
    let at = |i: usize, j: usize| {
        f64::from(dem.heights[(j * stride).min(dem.ny - 1) * dem.nx + (i * stride).min(dem.nx - 1)])
    };
    let (azimuth, altitude) = (SUN_AZIMUTH_DEG.to_radians(), SUN_ALTITUDE_DEG.to_radians());
    // Unit vector towards the sun: x east, y north, z up.
    let sun = [azimuth.sin() * altitude.cos(), azimuth.cos() * altitude.cos(), altitude.sin()];
    let mut shade = Vec::with_capacity(width * height);
    for row in 0..height {
        let j = height - 1 - row;
        for i in 0..width {
            let dzdx = (at((i + 1).min(width - 1), j) - at(i.saturating_sub(1), j)) / (2.0 * spacing);
            let dzdy = (at(i, (j + 1).min(height - 1)) - at(i, j.saturating_sub(1))) / (2.0 * spacing);
            let norm = (dzdx * dzdx + dzdy * dzdy + 1.0).sqrt();
            let lit = (-dzdx * sun[0] - dzdy * sun[1] + sun[2]) / norm;
            shade.push((lit.clamp(0.0, 1.0) * 255.0).round() as u8);
        }
    }
    let rect =
        [dem.x0, dem.y0, dem.x0 + (dem.nx - 1) as f64 * dem.spacing_m, dem.y0 + (dem.ny - 1) as f64 * dem.spacing_m];
    Some(Relief { width, height, shade, rect })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slopes_facing_the_sun_are_brighter_and_flat_ground_has_no_relief() {
        // A ramp rising to the east faces west, towards a north-west sun: brighter than flat
        // ground lit at 45° (sin 45° = 0.707); one rising to the west faces away: darker.
        let (nx, ny) = (20, 10);
        let east =
            Dem::new(0.0, 0.0, 100.0, nx, ny, (0..nx * ny).map(|k| (k % nx) as f32 * 20.0).collect()).expect("dem");
        let west = Dem::new(0.0, 0.0, 100.0, nx, ny, (0..nx * ny).map(|k| (nx - k % nx) as f32 * 20.0).collect())
            .expect("dem");
        let lit = |d: &Dem| f64::from(hillshade(d).expect("relief").shade[ny / 2 * nx + nx / 2]);
        let flat = (45f64.to_radians().sin() * 255.0).round();
        assert!(lit(&east) > flat && lit(&west) < flat, "{} {} {flat}", lit(&east), lit(&west));
        assert!(hillshade(&Dem::flat(0.0, 0.0, 100.0, 5, 5, 3.0).expect("dem")).is_none());
        let r = hillshade(&east).expect("relief");
        assert_eq!((r.width, r.height, r.shade.len()), (nx, ny, nx * ny));
        assert_eq!(r.rect, [0.0, 0.0, 1900.0, 900.0]);
    }
}
