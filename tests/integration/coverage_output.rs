//! Coverage maps as users read them: xarray with named dimensions, the HDF5 layout, the CLI.

use super::support::{linewatch, python_script, run_smoke, smoke_scenario, text};
use std::ffi::OsStr;
use std::process::Command;

#[test]
fn xarray_opens_every_coverage_group_with_named_dimensions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &[]);
    let mut args = vec![out.as_os_str()];
    args.extend(["artillery", "mortar", "small_arms", "vehicle"].map(OsStr::new));
    assert!(python_script("check_coverage.py", &args).contains("coverage ok"));
}

#[test]
fn coverage_command_maps_one_class_and_draws_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = smoke_scenario();
    let args = [
        "coverage",
        scenario.to_str().expect("utf-8"),
        "-o",
        "cov.h5",
        "--png",
        "cov.png",
        "--profile-png",
        "profile.png",
        "--class",
        "artillery",
    ];
    let o = linewatch(dir.path(), &args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report = text(&o.stdout);
    assert!(report.contains("artillery") && !report.contains("mortar"), "{report}");
    let file = hdf5::File::open(dir.path().join("cov.h5")).expect("open");
    let group = file.group("coverage").expect("coverage group");
    assert_eq!(group.member_names().expect("members"), vec!["artillery".to_string()]);
    let verifiable = file.dataset("coverage/artillery/verifiable").expect("raster");
    let x = file.dataset("coverage/artillery/x").expect("x").size();
    let y = file.dataset("coverage/artillery/y").expect("y").size();
    assert_eq!(verifiable.shape(), vec![y, x]);
    let gaps = file.dataset("coverage/artillery/gaps").expect("gaps");
    assert!(gaps.attr("units").is_ok());
    // The smoke stretch ends with its rows, so its ends are gaps; each is named after the
    // nearest town shipped with the embedded line.
    let places = file
        .dataset("coverage/artillery/gaps_place")
        .expect("gaps_place")
        .read_raw::<hdf5::types::VarLenUnicode>()
        .expect("names");
    assert!(gaps.size() > 0 && places.len() == gaps.size(), "{} gaps, {} places", gaps.size(), places.len());
    let named = |p: &str| (p.starts_with("near ") || p.starts_with("from ")) && p.ends_with(" km)");
    assert!(places.iter().all(|p| named(p.as_str())), "{places:?}");
    assert!(report.contains("near "), "the longest gap is placed in the summary: {report}");
    for picture in ["cov.png", "profile.png"] {
        let png = std::fs::read(dir.path().join(picture)).expect("picture");
        assert_eq!(&png[1..4], b"PNG");
    }
}

#[test]
fn no_coverage_skips_the_maps_and_unknown_classes_are_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_smoke(dir.path(), "smoke.h5", &["--no-coverage"]);
    let file = hdf5::File::open(&out).expect("open");
    assert!(file.group("coverage").is_err(), "no coverage group with --no-coverage");
    let scenario = smoke_scenario();
    let o = linewatch(dir.path(), &["coverage", scenario.to_str().expect("utf-8"), "--class", "tanks"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("tanks"));
}

#[test]
fn gdalinfo_reads_the_geotiffs_with_their_crs_and_extent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = smoke_scenario();
    let args = ["coverage", scenario.to_str().expect("utf-8"), "-o", "cov.h5", "--geotiff", "gis", "--class", "mortar"];
    let o = linewatch(dir.path(), &args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let file = hdf5::File::open(dir.path().join("cov.h5")).expect("open");
    let x = file.dataset("coverage/mortar/x").expect("x").read_raw::<f64>().expect("x");
    let y = file.dataset("coverage/mortar/y").expect("y").read_raw::<f64>().expect("y");
    let res = x[1] - x[0];
    for metric in ["p_detect", "p_k", "sigma_n_m", "p_attrib", "verifiable"] {
        let tif = dir.path().join(format!("gis/mortar_{metric}.tif"));
        let o = Command::new("gdalinfo").arg("-json").arg(&tif).output().expect("gdalinfo runs (gdal-bin)");
        assert!(o.status.success(), "{metric}: {}", text(&o.stderr));
        let info: serde_json::Value = serde_json::from_slice(&o.stdout).expect("gdalinfo JSON");
        let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap_or_default();
        assert!(wkt.contains("Transverse Mercator") && wkt.contains("WGS 84"), "{metric}: {wkt}");
        assert_eq!(info["size"], serde_json::json!([x.len(), y.len()]), "{metric}");
        let gt: Vec<f64> =
            info["geoTransform"].as_array().expect("geotransform").iter().filter_map(|v| v.as_f64()).collect();
        let expected = [x[0] - 0.5 * res, res, 0.0, y[y.len() - 1] + 0.5 * res, 0.0, -res];
        for (g, e) in gt.iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{metric}: geotransform {gt:?} vs {expected:?}");
        }
    }
    // North-up: GeoTIFF row r is HDF5 row ny − 1 − r. Compare in-corridor pixels.
    let raster = file.dataset("coverage/mortar/p_detect").expect("raster").read_2d::<f32>().expect("values");
    let tif = dir.path().join("gis/mortar_p_detect.tif");
    let (ny, nx) = raster.dim();
    let mut compared = 0;
    for (j, i) in [(ny / 2, nx / 2), (ny / 3, nx / 4), (2 * ny / 3, 3 * nx / 4), (ny / 2, nx / 5)] {
        let value = raster[(j, i)];
        if value.is_nan() {
            continue;
        }
        let args = ["-valonly", tif.to_str().expect("utf-8"), &i.to_string(), &(ny - 1 - j).to_string()];
        let o = Command::new("gdallocationinfo").args(args).output().expect("gdallocationinfo runs");
        let read: f32 = text(&o.stdout).trim().parse().expect("a number");
        assert_eq!(read, value, "pixel ({i}, {j})");
        compared += 1;
    }
    assert!(compared >= 2, "enough in-corridor pixels compared");
    let csv = std::fs::read_to_string(dir.path().join("gis/mortar_profile.csv")).expect("profile CSV");
    assert!(csv.starts_with("chainage_start_km,chainage_end_km,cells,covered_fraction,mean_verifiable\n"), "{csv}");
    assert!(csv.lines().count() > 50, "a row per km of the 60 km stretch");
}
