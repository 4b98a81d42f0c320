//! Named places (towns) near the line, to say where a stretch is: "near Siversk (4 km)".

use super::Plane;
use super::load::parse_geojson;

/// The towns shipped with the default line (assets/places-2025.geojson).
pub const EMBEDDED_PLACES_GEOJSON: &str = include_str!("../../assets/places-2025.geojson");

/// Stretches longer than this are named by their ends, km: one town cannot stand for them.
const LONG_STRETCH_KM: f64 = 40.0;

/// Named points in the working plane.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub names: Vec<String>,
    pub xy: Vec<[f64; 2]>,
}

impl Places {
    /// Points with a string `name` property from GeoJSON (a Feature or FeatureCollection of
    /// Points), projected onto the plane; features without a name or not a Point are an error.
    pub fn parse(text: &str, file: &str, plane: &Plane) -> Result<Self, String> {
        let gj = parse_geojson(text, file)?;
        let features: Vec<&geojson::Feature> = match &gj {
            geojson::GeoJson::FeatureCollection(fc) => fc.features.iter().collect(),
            geojson::GeoJson::Feature(f) => vec![f],
            geojson::GeoJson::Geometry(_) => {
                return Err(format!("{file}: places need names: give Features with a \"name\" property"));
            }
        };
        let mut places = Self::default();
        for (i, f) in features.iter().enumerate() {
            let name = f
                .property("name")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("{file}: feature {i} has no string \"name\" property"))?;
            let point = match f.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::Point { coordinates: p })
                    if p.len() >= 2 && p[0].is_finite() && p[1].is_finite() =>
                {
                    [p[0], p[1]]
                }
                _ => return Err(format!("{file}: feature {i} ('{name}') is not a Point with finite lon, lat")),
            };
            places.names.push(name.to_string());
            places.xy.push(plane.forward(point[0], point[1]).map_err(|e| format!("{file}: '{name}': {e}"))?);
        }
        Ok(places)
    }

    /// The nearest place to `p` and its distance in km; None without places.
    pub fn nearest(&self, p: [f64; 2]) -> Option<(&str, f64)> {
        self.names
            .iter()
            .zip(&self.xy)
            .map(|(n, q)| (n.as_str(), (p[0] - q[0]).hypot(p[1] - q[1]) / 1000.0))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// "near Siversk (4 km)", or an empty string without places.
    pub fn describe(&self, p: [f64; 2]) -> String {
        self.nearest(p).map(|(n, km)| format!("near {n} ({km:.0} km)")).unwrap_or_default()
    }

    /// A stretch: "near Siversk (4 km)" at its middle when it is short, else "from Kherson
    /// (3 km) to Vovchansk (8 km)" by its ends; empty without places.
    pub fn describe_stretch(&self, start: [f64; 2], middle: [f64; 2], end: [f64; 2], length_km: f64) -> String {
        if length_km <= LONG_STRETCH_KM {
            return self.describe(middle);
        }
        match (self.nearest(start), self.nearest(end)) {
            (Some((a, ka)), Some((b, kb))) => format!("from {a} ({ka:.0} km) to {b} ({kb:.0} km)"),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_places_parse_and_the_nearest_is_found() {
        let plane = Plane::transverse_mercator(37.0, 48.5).expect("plane");
        let places = Places::parse(EMBEDDED_PLACES_GEOJSON, "places", &plane).expect("embedded places parse");
        assert!(places.names.len() >= 30);
        let near_siversk = plane.forward(38.12, 48.86).expect("forward");
        let (name, km) = places.nearest(near_siversk).expect("a place");
        assert_eq!(name, "Siversk");
        assert!(km < 3.0, "{km}");
        assert!(Places::default().describe(near_siversk).is_empty());
        let kherson = plane.forward(32.62, 46.65).expect("forward");
        let long = places.describe_stretch(kherson, near_siversk, near_siversk, 900.0);
        assert!(long.starts_with("from Kherson (") && long.contains(" to Siversk ("), "{long}");
        assert!(places.describe_stretch(kherson, near_siversk, kherson, 20.0).starts_with("near Siversk"));
    }

    #[test]
    fn unnamed_or_non_point_features_are_errors() {
        let plane = Plane::transverse_mercator(37.0, 48.5).expect("plane");
        let unnamed = r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37,48]}}"#;
        assert!(Places::parse(unnamed, "p.geojson", &plane).expect_err("no name").contains("name"));
        let line = r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"LineString","coordinates":[[37,48],[38,48]]}}"#;
        assert!(Places::parse(line, "p.geojson", &plane).expect_err("not a point").contains("Point"));
    }
}
