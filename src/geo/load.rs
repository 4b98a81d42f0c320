//! Reading the contact line: the embedded asset or the user's GeoJSON, projected and checked.

use super::{ContactLine, Plane};
use crate::error::Result;
use crate::scenario::{FieldPath, LoadedScenario};

/// The approximate line of contact on 2025-11-22 (see assets/README.md for provenance).
pub const EMBEDDED_LINE_GEOJSON: &str = include_str!("../../assets/contact-line-2025-11-22.geojson");

/// Longest line accepted, in vertices (a 1,200 km line at 1 m resolution is 1.2 M).
const MAX_VERTICES: usize = 5_000_000;

/// Parse GeoJSON text. A JSON syntax error carries `file:line:column`.
pub fn parse_geojson(text: &str, file: &str) -> std::result::Result<geojson::GeoJson, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{file}:{}:{}: not valid JSON: {e}", e.line(), e.column()))?;
    serde_json::from_value(json).map_err(|e| format!("{file}: not valid GeoJSON: {e}"))
}

/// Every geometry of a GeoJSON document: itself, its feature's, or its features' (features
/// without a geometry are skipped; a lone feature without one is an error).
pub fn geometries<'g>(gj: &'g geojson::GeoJson, file: &str) -> std::result::Result<Vec<&'g geojson::Geometry>, String> {
    Ok(match gj {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => {
            vec![f.geometry.as_ref().ok_or_else(|| format!("{file}: the feature has no geometry"))?]
        }
        geojson::GeoJson::FeatureCollection(fc) => fc.features.iter().filter_map(|f| f.geometry.as_ref()).collect(),
    })
}

/// Parse GeoJSON text into parts of lon/lat vertices. Errors carry `file:line:column` of a JSON
/// syntax error, or say which geometry is unusable.
pub fn parse_line_geojson(text: &str, file: &str) -> std::result::Result<Vec<Vec<[f64; 2]>>, String> {
    let gj = parse_geojson(text, file)?;
    let mut parts = Vec::new();
    for g in geometries(&gj, file)? {
        match &g.value {
            geojson::GeometryValue::LineString { coordinates } => parts.push(coordinates.clone()),
            geojson::GeometryValue::MultiLineString { coordinates } => parts.extend(coordinates.iter().cloned()),
            other => {
                return Err(format!(
                    "{file}: the line must be a LineString or MultiLineString, found {}",
                    other.type_name()
                ));
            }
        }
    }
    let mut out = Vec::new();
    for (k, part) in parts.into_iter().enumerate() {
        let mut pts: Vec<[f64; 2]> = Vec::with_capacity(part.len());
        for (i, pos) in part.iter().enumerate() {
            if pos.len() < 2 {
                return Err(format!("{file}: part {k} vertex {i} has fewer than two coordinates"));
            }
            let (lon, lat) = (pos[0], pos[1]);
            if !(lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
            {
                return Err(format!("{file}: part {k} vertex {i}: ({lon}, {lat}) is not a WGS84 lon/lat"));
            }
            if pts.last() != Some(&[lon, lat]) {
                pts.push([lon, lat]);
            }
        }
        if pts.len() >= 2 {
            out.push(pts);
        }
    }
    let total: usize = out.iter().map(Vec::len).sum();
    if out.is_empty() {
        return Err(format!("{file}: the line is empty (no part has two distinct vertices)"));
    }
    if total > MAX_VERTICES {
        return Err(format!("{file}: {total} vertices exceed the limit of {MAX_VERTICES}"));
    }
    Ok(out)
}

/// The scenario's named places: its `[line] places` file, the towns shipped with the embedded
/// line when it uses that line, or none.
pub fn load_places(loaded: &LoadedScenario, plane: &Plane) -> Result<super::Places> {
    let field = FieldPath::parse("line.places");
    match (&loaded.scenario.line.places, &loaded.scenario.line.geojson) {
        (Some(path), _) => {
            let resolved = loaded.resolve(path);
            let text = crate::input_file::read_text(&resolved)
                .map_err(|e| loaded.error_at(&field, format!("cannot read '{}': {e}", resolved.display())))?;
            super::Places::parse(&text, &resolved.display().to_string(), plane).map_err(|e| loaded.error_at(&field, e))
        }
        (None, None) => super::Places::parse(super::EMBEDDED_PLACES_GEOJSON, "<embedded places>", plane)
            .map_err(|e| loaded.error_at(&field, e)),
        (None, Some(_)) => Ok(super::Places::default()),
    }
}

/// The scenario's line, projected onto its working plane and cut to its chainage window.
pub fn load_line(loaded: &LoadedScenario) -> Result<(Plane, ContactLine)> {
    let field = FieldPath::parse("line.geojson");
    let parts = match &loaded.scenario.line.geojson {
        None => parse_line_geojson(EMBEDDED_LINE_GEOJSON, "<embedded line>").map_err(|e| loaded.error_at(&field, e))?,
        Some(path) => {
            let resolved = loaded.resolve(path);
            let text = crate::input_file::read_text(&resolved)
                .map_err(|e| loaded.error_at(&field, format!("cannot read '{}': {e}", resolved.display())))?;
            parse_line_geojson(&text, &resolved.display().to_string()).map_err(|e| loaded.error_at(&field, e))?
        }
    };
    let plane = match &loaded.scenario.line.projection {
        Some(def) => {
            Plane::from_proj_string(def).map_err(|e| loaded.error_at(&FieldPath::parse("line.projection"), e))?
        }
        None => {
            let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
            for p in parts.iter().flatten() {
                for k in 0..2 {
                    lo[k] = lo[k].min(p[k]);
                    hi[k] = hi[k].max(p[k]);
                }
            }
            Plane::transverse_mercator(0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1]))
                .map_err(|e| loaded.error_at(&field, e))?
        }
    };
    let project = |parts: &[Vec<[f64; 2]>]| -> std::result::Result<Vec<Vec<[f64; 2]>>, String> {
        parts.iter().map(|part| part.iter().map(|p| plane.forward(p[0], p[1])).collect()).collect()
    };
    let xy = project(&parts).map_err(|e| loaded.error_at(&field, e))?;
    let mut line = ContactLine::new(parts, xy);
    if let Some(touch) = line.self_intersections().first() {
        let v = touch.1;
        return Err(loaded.error_at(
            &field,
            format!(
                "the line touches itself: segment {} crosses segment {} near lon/lat ({:.4}, {:.4}); sides would be ambiguous",
                touch.0, touch.1, line.lonlat[v][0], line.lonlat[v][1]
            ),
        ));
    }
    if let Some([c0, c1]) = loaded.scenario.line.chainage_km {
        line = cut(&plane, &line, c0, c1).map_err(|e| loaded.error_at(&FieldPath::parse("line.chainage_km"), e))?;
    }
    Ok((plane, line))
}

/// The stretch of `line` between two chainages, as a one-part line.
fn cut(plane: &Plane, line: &ContactLine, c0: f64, c1: f64) -> std::result::Result<ContactLine, String> {
    let length = line.length_km();
    if c0 >= length {
        return Err(format!("starts at {c0} km but the line is only {length:.1} km long"));
    }
    let c1 = c1.min(length);
    let mut xy = vec![line.point_at(c0, 0.0)];
    for (i, &c) in line.chainage_km.iter().enumerate() {
        if c > c0 && c < c1 {
            xy.push(line.xy[i]);
        }
    }
    xy.push(line.point_at(c1, 0.0));
    let lonlat = xy.iter().map(|p| plane.inverse(p[0], p[1])).collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(ContactLine::new(vec![lonlat], vec![xy]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_line_has_226_points_and_about_950_km() {
        let loaded = LoadedScenario::load(None).expect("embedded");
        let mut s = loaded.clone();
        s.scenario.line.chainage_km = None;
        let (_, line) = load_line(&s).expect("line");
        assert_eq!(line.xy.len(), 226);
        assert!((900.0..1000.0).contains(&line.length_km()), "{} km", line.length_km());
        // Kherson (32.62, 46.64) is on the Ukrainian-held bank: side A.
        let plane_pt = line.locate(line.point_at(10.0, -5_000.0));
        assert!(plane_pt.offset_m < 0.0);
    }

    #[test]
    fn rejects_points_and_bad_json() {
        let point = r#"{"type":"Point","coordinates":[30.0,50.0]}"#;
        assert!(parse_line_geojson(point, "p.geojson").expect_err("point").contains("LineString"));
        let broken = "{\n  \"type\": \"LineString\",\n  \"coordinates\": [[1,2],\n";
        let err = parse_line_geojson(broken, "b.geojson").expect_err("broken");
        assert!(err.starts_with("b.geojson:"), "{err}");
        let empty = r#"{"type":"LineString","coordinates":[[30.0,50.0]]}"#;
        assert!(parse_line_geojson(empty, "e.geojson").expect_err("empty").contains("empty"));
    }
}
