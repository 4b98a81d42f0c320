//! A run is a function of its scenario and seed.

use super::support::{python_script, run_smoke};
use linewatch::output::DetectionRecord;

fn detections(path: &std::path::Path) -> Vec<DetectionRecord> {
    let file = hdf5::File::open(path).expect("result opens");
    file.dataset("detections").expect("table").read_raw::<DetectionRecord>().expect("rows")
}

#[test]
fn same_seed_same_detections_other_seed_different() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = detections(&run_smoke(dir.path(), "a.h5", &[]));
    let b = detections(&run_smoke(dir.path(), "b.h5", &[]));
    let c = detections(&run_smoke(dir.path(), "c.h5", &["--seed", "8"]));
    assert!(a.len() > 1000, "the smoke run detects things: {}", a.len());
    // Bitwise, NaN bearings included.
    let bits = |v: &[DetectionRecord]| -> Vec<(i64, u32, u64, u32, u32, u32)> {
        v.iter()
            .map(|d| {
                (
                    d.event_id,
                    d.sensor_id,
                    d.t_s.to_bits(),
                    d.snr_db.to_bits(),
                    d.level_db.to_bits(),
                    d.bearing_rad.to_bits(),
                )
            })
            .collect()
    };
    assert_eq!(bits(&a), bits(&b), "same seed, same detections");
    assert_ne!(bits(&a), bits(&c), "another seed, other detections");
}

/// Two runs of one seed store the same bytes in every dataset and attribute (but the creation
/// time): chunks are compared as stored, so padding or uninitialised memory in a row would show.
#[test]
fn same_seed_same_stored_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = run_smoke(dir.path(), "a.h5", &[]);
    let b = run_smoke(dir.path(), "b.h5", &[]);
    let report = python_script("check_identical.py", &[a.as_os_str(), b.as_os_str()]);
    assert!(report.starts_with("identical: "), "{report}");
}
