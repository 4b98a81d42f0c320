//! `[losses]` in a run: failed and jammed sensors report nothing, destroyed ones nothing after
//! the impact that destroys them, and every other detection is exactly as without losses.

use crate::support::{linewatch, smoke_scenario, text};
use linewatch::output::{DetectionRecord, LossCauseCode, SensorLossRecord, SensorRecord};
use std::collections::HashMap;
use std::path::Path;

fn run(dir: &Path, name: &str, extra_toml: &str) -> hdf5::File {
    let smoke = std::fs::read_to_string(smoke_scenario()).expect("ci-smoke");
    let scenario = dir.join(format!("{name}.toml"));
    std::fs::write(&scenario, format!("{smoke}{extra_toml}")).expect("write scenario");
    let out = dir.join(format!("{name}.h5"));
    let o = linewatch(
        dir,
        &["run", scenario.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8"), "--no-coverage", "--no-verify"],
    );
    assert!(o.status.success(), "{name}: {}\n{}", text(&o.stdout), text(&o.stderr));
    hdf5::File::open(&out).expect("result opens")
}

#[test]
fn lost_sensors_report_nothing_from_their_loss_and_the_rest_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let intact = run(dir.path(), "intact", "");
    // A jamming bubble near the middle of the smoke stretch, 10 % failures, and a lethal radius
    // wide enough that two hours of shelling destroy some sensors.
    let degraded = run(
        dir.path(),
        "degraded",
        "\n[losses]\navailability = 0.9\nlethal_radius_m = 600.0\njamming = [{ lon = 37.3, lat = 48.3, radius_km = 8.0 }]\n",
    );
    let table =
        |f: &hdf5::File| f.dataset("detections").expect("detections").read_raw::<DetectionRecord>().expect("rows");
    let losses =
        degraded.dataset("sensor_losses").expect("/sensor_losses").read_raw::<SensorLossRecord>().expect("rows");
    let count = |c: LossCauseCode| losses.iter().filter(|l| l.cause == c).count();
    let (failed, jammed, destroyed) =
        (count(LossCauseCode::Failed), count(LossCauseCode::Jammed), count(LossCauseCode::Destroyed));
    assert!(
        failed > 0 && jammed > 0 && destroyed > 0,
        "each cause happens: {failed} failed, {jammed} jammed, {destroyed} destroyed"
    );
    let lost_at: HashMap<u32, f64> = losses.iter().map(|l| (l.sensor_id, l.t_s)).collect();
    assert_eq!(lost_at.len(), losses.len(), "a sensor is lost once");
    let sensors = degraded.dataset("sensors").expect("sensors").read_raw::<SensorRecord>().expect("rows");
    for s in &sensors {
        let out_from_start = lost_at.get(&s.id).is_some_and(|&t| t == 0.0);
        assert_eq!(s.status == 1, out_from_start, "status of sensor {}", s.id);
    }
    // Same seed, counter-based draws: the degraded run's detections are the intact run's less
    // those of lost sensors at or after their loss.
    let expected: Vec<_> =
        table(&intact).into_iter().filter(|d| lost_at.get(&d.sensor_id).is_none_or(|&t| d.t_s < t)).collect();
    // h5py reads the losses as Python users will: the cause enum, time order.
    let printed = crate::support::python_script("check_output.py", &[dir.path().join("degraded.h5").as_os_str()]);
    assert!(printed.contains("schema ok"), "{printed}");
    let got = table(&degraded);
    assert!(got.len() < table(&intact).len(), "losses cost detections");
    assert_eq!(got.len(), expected.len(), "detections kept");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!((g.event_id, g.sensor_id), (e.event_id, e.sensor_id));
        assert!(g.t_s.to_bits() == e.t_s.to_bits() && g.snr_db.to_bits() == e.snr_db.to_bits(), "{g:?} against {e:?}");
    }
}
