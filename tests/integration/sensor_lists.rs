//! Sensors at listed places (CSV or GeoJSON) instead of, or beside, rows along the line.

use super::support::{linewatch, smoke_scenario, text};
use linewatch::output::SensorRecord;

const LISTED_ROW: &str = r#"
[[rows]]
name = "listed"
modality = "acoustic"
positions = "sensors.csv"
threshold_db = 10.0
timing_sigma_ms = 1.0
"#;

#[test]
fn a_csv_row_places_sensors_where_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let listed = [[37.20, 48.30, 4.0], [37.25, 48.28, 2.5], [37.30, 48.27, 0.0]];
    let mut csv = String::from("id, lon, lat, height_m\n");
    for (i, p) in listed.iter().enumerate() {
        csv.push_str(&format!("s{i}, {}, {}, {}\n", p[0], p[1], p[2]));
    }
    std::fs::write(dir.path().join("sensors.csv"), csv).expect("write csv");
    let scenario = std::fs::read_to_string(smoke_scenario()).expect("smoke") + LISTED_ROW;
    std::fs::write(dir.path().join("listed.toml"), scenario).expect("write scenario");
    let o = linewatch(dir.path(), &["run", "listed.toml", "-o", "out.h5"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let file = hdf5::File::open(dir.path().join("out.h5")).expect("open");
    let sensors = file.dataset("sensors").expect("table").read_raw::<SensorRecord>().expect("rows");
    let row_index = 4; // the smoke scenario has four rows before this one
    let placed: Vec<&SensorRecord> = sensors.iter().filter(|s| s.row == row_index).collect();
    assert_eq!(placed.len(), listed.len());
    for (s, p) in placed.iter().zip(listed) {
        assert!((s.lon - p[0]).abs() < 1e-9 && (s.lat - p[1]).abs() < 1e-9, "{s:?} vs {p:?}");
        assert_eq!(s.z, p[2]);
    }
}

#[test]
fn a_bad_csv_names_the_field_the_file_and_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("sensors.csv"), "lon,lat\n37.2,48.3\n37.3,NaN\n").expect("write csv");
    let scenario = std::fs::read_to_string(smoke_scenario()).expect("smoke") + LISTED_ROW;
    std::fs::write(dir.path().join("listed.toml"), scenario).expect("write scenario");
    let o = linewatch(dir.path(), &["run", "listed.toml", "-o", "out.h5"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("rows[4].positions") && stderr.contains("sensors.csv:3"), "{stderr}");
    assert!(!dir.path().join("out.h5").exists());
}
