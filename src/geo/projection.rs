//! The local conformal metric plane all computation happens in (docs/design.md §2).

use proj4rs::proj::Proj;

/// WGS84 geographic coordinates as proj4rs sees them (radians).
const WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// A projection between WGS84 lon/lat (degrees) and a metric plane (m).
pub struct Plane {
    geographic: Proj,
    projected: Proj,
    /// PROJ string of the plane, stored in result files.
    pub definition: String,
}

impl std::fmt::Debug for Plane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plane").field("definition", &self.definition).finish()
    }
}

impl Plane {
    /// Transverse Mercator on the given central meridian and origin latitude, scale 1.
    pub fn transverse_mercator(lon0_deg: f64, lat0_deg: f64) -> Result<Self, String> {
        Self::from_proj_string(&format!(
            "+proj=tmerc +lat_0={lat0_deg:.6} +lon_0={lon0_deg:.6} +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
        ))
    }

    pub fn from_proj_string(definition: &str) -> Result<Self, String> {
        let geographic = Proj::from_proj_string(WGS84).map_err(|e| format!("WGS84: {e}"))?;
        let projected = Proj::from_proj_string(definition).map_err(|e| format!("'{definition}': {e}"))?;
        if projected.is_latlong() {
            return Err(format!("'{definition}' is geographic; the working plane must be projected in metres"));
        }
        Ok(Self { geographic, projected, definition: definition.to_string() })
    }

    /// Central meridian, origin latitude and scale of a transverse Mercator plane on WGS84, read
    /// from its PROJ string; None for any other projection.
    pub fn transverse_mercator_parameters(&self) -> Option<(f64, f64, f64)> {
        let mut tmerc = false;
        let (mut lon0, mut lat0, mut k, mut wgs84) = (0.0, 0.0, 1.0, false);
        for token in self.definition.split_whitespace() {
            let (key, value) = token.trim_start_matches('+').split_once('=').unwrap_or((token, ""));
            match key {
                "proj" => tmerc = value == "tmerc",
                "lon_0" => lon0 = value.parse().ok()?,
                "lat_0" => lat0 = value.parse().ok()?,
                "k" | "k_0" => k = value.parse().ok()?,
                "x_0" | "y_0" if value.parse::<f64>().ok()? != 0.0 => return None,
                "datum" | "ellps" => wgs84 = value == "WGS84",
                _ => {}
            }
        }
        (tmerc && wgs84).then_some((lon0, lat0, k))
    }

    /// lon/lat in degrees → x/y in metres.
    pub fn forward(&self, lon_deg: f64, lat_deg: f64) -> Result<[f64; 2], String> {
        let mut p = (lon_deg.to_radians(), lat_deg.to_radians(), 0.0);
        proj4rs::transform::transform(&self.geographic, &self.projected, &mut p)
            .map_err(|e| format!("cannot project ({lon_deg}, {lat_deg}): {e}"))?;
        Ok([p.0, p.1])
    }

    /// x/y in metres → lon/lat in degrees.
    pub fn inverse(&self, x: f64, y: f64) -> Result<[f64; 2], String> {
        let mut p = (x, y, 0.0);
        proj4rs::transform::transform(&self.projected, &self.geographic, &mut p)
            .map_err(|e| format!("cannot unproject ({x}, {y}): {e}"))?;
        Ok([p.0.to_degrees(), p.1.to_degrees()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_metric_scale() {
        let plane = Plane::transverse_mercator(35.0, 48.0).expect("plane");
        let origin = plane.forward(35.0, 48.0).expect("fwd");
        assert!(origin[0].abs() < 1e-6 && origin[1].abs() < 1e-6, "{origin:?}");
        // One degree of latitude near 48° N is about 111.2 km on the WGS84 ellipsoid.
        let north = plane.forward(35.0, 48.5).expect("fwd");
        let south = plane.forward(35.0, 47.5).expect("fwd");
        assert!((north[1] - south[1] - 111_200.0).abs() < 300.0, "{}", north[1] - south[1]);
        let back = plane.inverse(north[0] + 1000.0, north[1]).expect("inv");
        let again = plane.forward(back[0], back[1]).expect("fwd");
        assert!((again[0] - north[0] - 1000.0).abs() < 1e-6);
    }
}
