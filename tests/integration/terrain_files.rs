//! DEM files as users bring them: an ESRI ASCII grid and the GeoTIFF GDAL makes from it
//! (float and 16-bit integer), read, resampled onto the working plane, and a ridge in them
//! that blocks the line of sight behind it.

use super::support::{linewatch, text};
use linewatch::geo::Plane;
use linewatch::terrain::read::{parse_ascii_grid, read_geotiff, resample};
use linewatch::terrain::{STANDARD_K_FACTOR, line_of_sight};
use std::process::Command;

/// 0.5° × 0.3° at 0.005° (about 370 m × 560 m): flat at 100 m with a 120 m ridge running
/// north–south along lon 37.25, and one missing sample in the north-east corner.
fn ridge_grid() -> String {
    let (ncols, nrows, cell) = (101, 61, 0.005);
    let mut s =
        format!("ncols {ncols}\nnrows {nrows}\nxllcorner 37.0\nyllcorner 48.2\ncellsize {cell}\nNODATA_value -9999\n");
    for j in 0..nrows {
        let row: Vec<String> = (0..ncols)
            .map(|i| {
                if i == ncols - 1 && j == 0 {
                    return "-9999".to_string();
                }
                let lon = 37.0 + (i as f64 + 0.5) * cell;
                let h = 100.0 + 120.0 * (-((lon - 37.25) / 0.01).powi(2)).exp();
                format!("{h:.1}")
            })
            .collect();
        s.push_str(&row.join(" "));
        s.push('\n');
    }
    s
}

#[test]
fn gdal_geotiffs_and_ascii_grids_load_and_the_ridge_blocks_the_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let asc = dir.path().join("ridge.asc");
    std::fs::write(&asc, ridge_grid()).expect("write grid");
    let ascii = parse_ascii_grid(&ridge_grid(), "ridge.asc").expect("ASCII grid");
    for (name, kind) in [("ridge-f32.tif", "Float32"), ("ridge-i16.tif", "Int16")] {
        let tif = dir.path().join(name);
        let o = Command::new("gdal_translate")
            .args(["-q", "-a_srs", "EPSG:4326", "-ot", kind, "-a_nodata", "-9999"])
            .arg(&asc)
            .arg(&tif)
            .output()
            .expect("gdal_translate runs (gdal-bin, installed by the Makefile)");
        assert!(o.status.success(), "{}", text(&o.stderr));
        let g = read_geotiff(&tif).expect("GeoTIFF");
        assert_eq!((g.ncols, g.nrows), (ascii.ncols, ascii.nrows), "{name}");
        assert!((g.west_lon - ascii.west_lon).abs() < 1e-9 && (g.north_lat - ascii.north_lat).abs() < 1e-9, "{name}");
        // Integer samples round the heights to the metre.
        let tolerance = if kind == "Int16" { 0.51 } else { 1e-3 };
        for (lon, lat) in [(37.1, 48.3), (37.25, 48.4), (37.26, 48.25)] {
            let (a, b) = (g.height_at(lon, lat).expect("covered"), ascii.height_at(lon, lat).expect("covered"));
            assert!((a - b).abs() < tolerance, "{name} at ({lon}, {lat}): {a} vs {b}");
        }
        assert!(g.height_at(37.499, 48.499).is_none(), "{name}: the no-data corner stays missing");
    }

    // On the plane: a 2 m sensor 7 km west of the ridge cannot see a vehicle 1.5 m tall 7 km
    // east of it; an aerostat at 300 m can (the ray passes the 213 m crest at ~250 m).
    let plane = Plane::transverse_mercator(37.25, 48.35).expect("plane");
    let dem =
        resample(&ascii, &plane, [-15_000.0, -12_000.0, 15_000.0, 12_000.0], 100.0, "ridge.asc").expect("resampled");
    let west = plane.forward(37.15, 48.35).expect("west");
    let east = plane.forward(37.35, 48.35).expect("east");
    let ridge_top = dem.height_at(0.0, 0.0);
    // Samples sit 0.0025° either side of the crest line: 100 + 120·exp(−0.25²) = 212.7 m.
    assert!((ridge_top - 212.7).abs() < 1.0, "the sampled ridge crest: {ridge_top}");
    let (sensor, mast, target) = ([west[0], west[1], 2.0], [west[0], west[1], 300.0], [east[0], east[1], 1.5]);
    assert!(!line_of_sight(&dem, sensor, target, 20.0, STANDARD_K_FACTOR), "the ridge hides the target");
    assert!(line_of_sight(&dem, mast, target, 20.0, STANDARD_K_FACTOR), "the aerostat sees over it");
    let north_west = plane.forward(37.15, 48.40).expect("north-west");
    let north_west_2 = plane.forward(37.20, 48.40).expect("west of the ridge");
    assert!(line_of_sight(
        &dem,
        [north_west[0], north_west[1], 2.0],
        [north_west_2[0], north_west_2[1], 1.5],
        20.0,
        STANDARD_K_FACTOR
    ));

    // A box the DEM does not cover is an error that says where.
    let err = resample(&ascii, &plane, [-60_000.0, -1_000.0, 0.0, 1_000.0], 1_000.0, "ridge.asc").expect_err("outside");
    assert!(err.contains("ridge.asc") && err.contains("no height at lon"), "{err}");
    // A projected GeoTIFF is refused with the command that fixes it.
    let projected = dir.path().join("projected.tif");
    let o = Command::new("gdalwarp")
        .args(["-q", "-t_srs", "EPSG:32637"])
        .arg(dir.path().join("ridge-f32.tif"))
        .arg(&projected)
        .output()
        .expect("gdalwarp runs");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = read_geotiff(&projected).expect_err("projected");
    assert!(err.contains("EPSG:4326") && err.contains("gdalwarp"), "{err}");
}

/// A GeoTIFF made by GDAL with a 150 m ridge along the contact line, against the same terrain
/// without it, and against flat ground with a 20 m wood 1 km wide along the line given as a
/// land-cover GeoTIFF: a row of radars 5 km west of the line sees vehicles east of it only on
/// bare flat ground; west of the ridge the maps agree cell for cell.
#[test]
fn a_geotiff_ridge_changes_the_coverage_behind_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ncols, nrows, cell, west, south) = (121, 121, 0.005, 36.95, 48.05);
    for (name, crest_m) in [("ridge", 150.0), ("flat", 0.0), ("wood", -20.0)] {
        let mut grid = format!("ncols {ncols}\nnrows {nrows}\nxllcorner {west}\nyllcorner {south}\ncellsize {cell}\n");
        for _ in 0..nrows {
            let row: Vec<String> = (0..ncols)
                .map(|i| {
                    let lon = west + (f64::from(i) + 0.5) * cell;
                    if crest_m < 0.0 {
                        // Land cover: -crest_m metres of trees within ~0.5 km of the line.
                        return format!("{:.1}", if (lon - 37.25).abs() < 0.007 { -crest_m } else { 0.0 });
                    }
                    format!("{:.1}", 100.0 + crest_m * (-((lon - 37.25) / 0.01).powi(2)).exp())
                })
                .collect();
            grid.push_str(&row.join(" "));
            grid.push('\n');
        }
        let asc = dir.path().join(format!("{name}.asc"));
        std::fs::write(&asc, grid).expect("write grid");
        let o = Command::new("gdal_translate")
            .args(["-q", "-a_srs", "EPSG:4326", "-ot", "Float32"])
            .arg(&asc)
            .arg(dir.path().join(format!("{name}.tif")))
            .output()
            .expect("gdal_translate runs");
        assert!(o.status.success(), "{}", text(&o.stderr));
        let scenario = match name {
            "wood" => ridge_scenario("flat.tif", Some("wood.tif")),
            _ => ridge_scenario(&format!("{name}.tif"), None),
        };
        std::fs::write(dir.path().join(format!("{name}.toml")), scenario).expect("write scenario");
    }
    std::fs::write(
        dir.path().join("line.geojson"),
        r#"{"type": "LineString", "coordinates": [[37.25, 48.25], [37.25, 48.45]]}"#,
    )
    .expect("write line");
    let p_detect = |name: &str| {
        let o = linewatch(dir.path(), &["coverage", &format!("{name}.toml"), "-o", &format!("{name}.h5")]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let file = hdf5::File::open(dir.path().join(format!("{name}.h5"))).expect("open");
        let terrain_source = file.group("terrain").expect("terrain").attr("source").expect("source");
        let source: hdf5::types::VarLenUnicode = terrain_source.read_scalar().expect("source");
        let dem = if name == "wood" { "flat" } else { name };
        assert_eq!(source.as_str(), format!("{dem}.tif"));
        assert_eq!(file.dataset("terrain/land_cover").is_ok(), name == "wood", "{name}: land cover written");
        let x: Vec<f64> = file.dataset("coverage/vehicle/x").expect("x").read_raw().expect("x");
        let p: Vec<f32> = file.dataset("coverage/vehicle/p_detect").expect("p").read_raw().expect("p");
        (x, p)
    };
    let ((x, ridge), (_, flat), (_, wood)) = (p_detect("ridge"), p_detect("flat"), p_detect("wood"));
    let east = |p: &[f32]| {
        let cells: Vec<f64> = p
            .iter()
            .enumerate()
            .filter(|(k, v)| !v.is_nan() && (1_000.0..6_000.0).contains(&x[k % x.len()]))
            .map(|(_, v)| f64::from(*v))
            .collect();
        cells.iter().sum::<f64>() / cells.len().max(1) as f64
    };
    assert!(east(&wood) < 0.05, "behind the wood the radars see nothing ({})", east(&wood));
    let (mut west_cells, mut east_ridge, mut east_flat, mut east_cells) = (0, 0.0, 0.0, 0);
    for (k, (r, f)) in ridge.iter().zip(&flat).enumerate() {
        if r.is_nan() || f.is_nan() {
            continue;
        }
        let xk = x[k % x.len()];
        if (-4_000.0..-500.0).contains(&xk) {
            assert!((r - f).abs() < 1e-6, "west of the ridge the terrain is the same: {r} vs {f} at x = {xk}");
            west_cells += 1;
        } else if (1_000.0..6_000.0).contains(&xk) {
            (east_ridge, east_flat, east_cells) =
                (east_ridge + f64::from(*r), east_flat + f64::from(*f), east_cells + 1);
        }
    }
    let (east_ridge, east_flat) = (east_ridge / f64::from(east_cells), east_flat / f64::from(east_cells));
    assert!(west_cells > 100 && east_cells > 100, "{west_cells} and {east_cells} cells compared");
    assert!(east_flat > 0.9, "flat ground: the radars see 1–6 km east of the line ({east_flat})");
    assert!(east_ridge < 0.05, "behind the ridge they do not ({east_ridge})");
}

/// The scenario over a DEM file, with a land-cover file or none at all (no procedural patches:
/// the maps compare the terrain alone).
fn ridge_scenario(dem: &str, land_cover: Option<&str>) -> String {
    let cover = land_cover
        .map_or("forest_fraction = 0.0\nsettlement_fraction = 0.0".to_string(), |f| format!("land_cover = \"{f}\""));
    format!(
        r#"name = "ridge"
seed = 1
duration_h = 1.0

[line]
geojson = "line.geojson"

[terrain]
dem = "{dem}"
spacing_m = 100.0
{cover}

[coverage]
half_width_km = 8.0
resolution_m = 250.0
k = 1
classes = ["vehicle"]

[[rows]]
name = "A-radar"
modality = "radar"
offset_km = -5.0
spacing_km = 4.0
height_m = 8.0
timing_sigma_ms = 1.0
snr_ref_db = 13.0
range_ref_km = 10.0
rcs_ref_m2 = 1.0
pfa = 1e-6
max_range_km = 20.0
sector_deg = 120.0
unit_cost_eur = 250000.0

[[classes]]
name = "vehicle"
kind = "movement"
rate_per_day = 100.0
depth_km = [0.5, 6.0]
source = {{ acoustic_db = 99.0, acoustic_freq_hz = 63.0, seismic_db = 110.0, seismic_freq_hz = 15.0, height_m = 1.5, rcs_m2 = 10.0 }}
"#
    )
}
