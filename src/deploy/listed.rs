//! Sensors at listed places: a CSV file (header naming `lon`, `lat`, optionally `height_m`) or
//! a GeoJSON file of Points or MultiPoints, in WGS84.

use crate::error::Result;
use crate::geo::Plane;
use crate::scenario::{FieldPath, LoadedScenario};

/// Places in the working plane, [x, y, height above ground], from the file at `path` (relative
/// to the scenario). Errors name the scenario field and the file, line and column at fault.
pub fn read(
    loaded: &LoadedScenario,
    field: &FieldPath,
    path: &str,
    plane: &Plane,
    default_height_m: f64,
) -> Result<Vec<[f64; 3]>> {
    let resolved = loaded.resolve(path);
    let shown = resolved.display().to_string();
    let text = crate::input_file::read_text(&resolved)
        .map_err(|e| loaded.error_at(field, format!("cannot read '{shown}': {e}")))?;
    let lonlat = if shown.to_ascii_lowercase().ends_with(".csv") {
        from_csv(&text, &shown, default_height_m)
    } else {
        from_geojson(&text, &shown, default_height_m)
    }
    .map_err(|e| loaded.error_at(field, e))?;
    if lonlat.is_empty() {
        return Err(loaded.error_at(field, format!("{shown}: lists no sensors")));
    }
    lonlat
        .into_iter()
        .map(|[lon, lat, h]| plane.forward(lon, lat).map(|[x, y]| [x, y, h]))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| loaded.error_at(field, format!("{shown}: {e}")))
}

fn check(lon: f64, lat: f64, height: f64, at: &str) -> std::result::Result<[f64; 3], String> {
    let valid = lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
    if !valid {
        return Err(format!("{at}: ({lon}, {lat}) is not a WGS84 lon/lat"));
    }
    if !(height.is_finite() && (0.0..=1e4).contains(&height)) {
        return Err(format!("{at}: height_m {height} is not in [0, 10000]"));
    }
    Ok([lon, lat, height])
}

fn from_csv(text: &str, file: &str, default_height_m: f64) -> std::result::Result<Vec<[f64; 3]>, String> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{file}: {e}"))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(lon_col), Some(lat_col)) = (column("lon"), column("lat")) else {
        return Err(format!("{file}:1: the header must name the columns lon and lat"));
    };
    let height_col = column("height_m");
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{file}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let number = |col: usize, name: &str| -> std::result::Result<f64, String> {
            let raw = record.get(col).unwrap_or("");
            raw.parse::<f64>().map_err(|_| format!("{file}:{line}: {name} '{raw}' is not a number"))
        };
        let height = match height_col {
            Some(c) => number(c, "height_m")?,
            None => default_height_m,
        };
        out.push(check(number(lon_col, "lon")?, number(lat_col, "lat")?, height, &format!("{file}:{line}"))?);
    }
    Ok(out)
}

fn from_geojson(text: &str, file: &str, default_height_m: f64) -> std::result::Result<Vec<[f64; 3]>, String> {
    let gj = crate::geo::parse_geojson(text, file)?;
    let mut positions = Vec::new();
    for g in crate::geo::geometries(&gj, file)? {
        match &g.value {
            geojson::GeometryValue::Point { coordinates } => positions.push(coordinates.clone()),
            geojson::GeometryValue::MultiPoint { coordinates } => positions.extend(coordinates.iter().cloned()),
            other => return Err(format!("{file}: sensors must be Points or MultiPoints, found {}", other.type_name())),
        }
    }
    positions
        .iter()
        .enumerate()
        .map(|(i, p)| match p.as_slice() {
            [lon, lat] => check(*lon, *lat, default_height_m, &format!("{file}: point {i}")),
            [lon, lat, _elevation, ..] => check(*lon, *lat, default_height_m, &format!("{file}: point {i}")),
            _ => Err(format!("{file}: point {i} has fewer than two coordinates")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_heights_and_errors_with_line_numbers() {
        let good = "name,lon,lat,height_m\na,37.5,48.1,3\nb,37.6,48.2,0\n";
        let rows = from_csv(good, "s.csv", 2.0).expect("parses");
        assert_eq!(rows, vec![[37.5, 48.1, 3.0], [37.6, 48.2, 0.0]]);
        let bad = "lon,lat\n37.5,48.1\n37.6,north\n";
        let err = from_csv(bad, "s.csv", 2.0).expect_err("bad latitude");
        assert!(err.starts_with("s.csv:3:"), "{err}");
        assert!(from_csv("x,y\n1,2\n", "s.csv", 2.0).expect_err("no lon").contains("lon and lat"));
    }

    #[test]
    fn geojson_points() {
        let fc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.5,48.1]}},
            {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[37.6,48.2],[37.7,48.3]]}}]}"#;
        assert_eq!(from_geojson(fc, "s.geojson", 1.0).expect("parses").len(), 3);
        let line = r#"{"type":"LineString","coordinates":[[37.5,48.1],[37.6,48.2]]}"#;
        assert!(from_geojson(line, "s.geojson", 1.0).expect_err("line").contains("Points"));
    }
}
