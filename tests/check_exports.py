"""Reads linewatch's exports with the libraries they are for, and checks them against the
result file they came from.

Usage: check_exports.py RESULT.h5 QUAKEML_DIR STONESOUP_DIR START_UTC
(START_UTC: the UTC instant of scenario time 0, ISO 8601). Used by
tests/integration/exports.rs; exits non-zero on any problem and prints "exports ok".
"""
import sys
from datetime import datetime, timezone

import h5py
import numpy as np
from obspy import UTCDateTime, read_events, read_inventory
from obspy.io.quakeml.core import _validate as validate_quakeml
from obspy.io.stationxml.core import validate_stationxml
from stonesoup.reader.hdf5 import HDF5DetectionReader, HDF5GroundTruthReader


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check_quakeml(result, folder, zero):
    events = result["events"][:]
    detections = result["detections"][:]
    estimates = result["estimates"][:]
    false_alarms = int(np.sum(detections["event_id"] < 0))

    # Against the schemas ObsPy ships (QuakeML 1.2 BED RelaxNG, FDSN StationXML XSD): ObsPy's
    # reader alone skips elements it does not know.
    for name in ("truth.xml", "estimates.xml"):
        if not validate_quakeml(f"{folder}/{name}", verbose=True):
            fail(f"{name} is not valid QuakeML 1.2")
    valid, errors = validate_stationxml(f"{folder}/stations.xml")
    if not valid:
        fail(f"stations.xml is not valid StationXML: {errors}")

    truth = read_events(f"{folder}/truth.xml")
    expected = len(events) + (1 if false_alarms else 0)
    if len(truth) != expected:
        fail(f"truth.xml: {len(truth)} events, expected {expected}")
    picks = [p for e in truth for p in e.picks]
    if len(picks) != len(detections):
        fail(f"truth.xml: {len(picks)} picks, the result has {len(detections)} detections")
    arrivals = sum(len(o.arrivals) for e in truth for o in e.origins)
    if arrivals != len(detections) - false_alarms:
        fail(f"truth.xml: {arrivals} arrivals, expected {len(detections) - false_alarms}")
    words = {0: "none", 1: "launch", 2: "detonation"}
    for p in picks:
        want = f"signature={words[int(detections['signature'][int(str(p.resource_id).rsplit('/', 1)[1])])]}"
        if not any(want in c.text for c in p.comments):
            fail(f"{p.resource_id}: comment does not carry {want}")
    by_id = {int(e["id"]): e for e in events}
    for e in truth:
        rid = str(e.resource_id)
        if rid.endswith("false-alarms"):
            if e.event_type != "not existing" or any(
                    detections["event_id"][int(str(p.resource_id).rsplit("/", 1)[1])] >= 0 for p in e.picks):
                fail("the false-alarm event holds a pick some event caused")
            continue
        row = by_id[int(rid.rsplit("/", 1)[1])]
        origin = e.preferred_origin()
        if abs(origin.latitude - row["lat"]) > 1e-6 or abs(origin.longitude - row["lon"]) > 1e-6:
            fail(f"{rid}: origin ({origin.latitude}, {origin.longitude}) is not the event's")
        if abs((origin.time - zero) - row["t_s"]) > 1e-5:
            fail(f"{rid}: origin time {origin.time} is not scenario time {row['t_s']}")
        for p in e.picks:
            d = detections[int(str(p.resource_id).rsplit("/", 1)[1])]
            if int(d["event_id"]) != int(row["id"]):
                fail(f"{rid}: pick {p.resource_id} belongs to event {d['event_id']}")
            if abs((p.time - zero) - d["t_s"]) > 1e-5:
                fail(f"{p.resource_id}: time {p.time} is not arrival {d['t_s']}")
            if p.waveform_id.network_code != "LW" or int(p.waveform_id.station_code) != int(d["sensor_id"]):
                fail(f"{p.resource_id}: stream {p.waveform_id} is not sensor {d['sensor_id']}")
            if np.isfinite(d["bearing_rad"]) != (p.backazimuth is not None):
                fail(f"{p.resource_id}: back-azimuth present only with a bearing")
            if p.backazimuth is not None:
                # Grid and true north differ by the meridian convergence: at most a few
                # degrees across the line.
                grid = np.degrees(d["bearing_rad"]) % 360.0
                gap = abs((p.backazimuth - grid + 180.0) % 360.0 - 180.0)
                if gap > 5.0:
                    fail(f"{p.resource_id}: back-azimuth {p.backazimuth} vs grid bearing {grid}")

    located = read_events(f"{folder}/estimates.xml")
    if len(located) != len(estimates):
        fail(f"estimates.xml: {len(located)} events, the result has {len(estimates)} estimates")
    by_estimate = {int(e["id"]): e for e in estimates}
    for e in located:
        row = by_estimate[int(str(e.resource_id).rsplit("/", 1)[1])]
        origin = e.preferred_origin()
        if abs(origin.latitude - row["lat"]) > 1e-6 or abs((origin.time - zero) - row["t0_s"]) > 1e-5:
            fail(f"{e.resource_id}: origin differs from the estimate")
        u = origin.origin_uncertainty
        major, minor = u.max_horizontal_uncertainty, u.min_horizontal_uncertainty
        # The ellipse's axes bound the plane's σ; its area is that of the covariance.
        sx, sy, rho = row["sigma_x_m"], row["sigma_y_m"], row["rho_xy"]
        if not (minor <= min(sx, sy) * (1 + 1e-3) + 1e-3 and major >= max(sx, sy) * (1 - 1e-3) - 1e-3):
            fail(f"{e.resource_id}: ellipse {major}/{minor} does not bound σ {sx}/{sy}")
        if abs(major * minor - sx * sy * np.sqrt(1 - rho * rho)) > 1e-3 * sx * sy + 1e-3:
            fail(f"{e.resource_id}: ellipse area is not the covariance's")
        truth_text = f"truth_event={'none' if row['truth_event_id'] < 0 else 'smi:linewatch/event/%d' % row['truth_event_id']}"
        if not any(truth_text in c.text for c in e.comments):
            fail(f"{e.resource_id}: comment does not name {truth_text}")
    sensors = result["sensors"][:]
    inventory = read_inventory(f"{folder}/stations.xml")
    stations = {int(st.code): st for net in inventory for st in net}
    if len(stations) != len(sensors):
        fail(f"stations.xml: {len(stations)} stations, {len(sensors)} sensors")
    waves = 0
    for s in sensors:
        st = stations[int(s["id"])]
        if abs(st.latitude - s["lat"]) > 1e-6 or abs(st.longitude - s["lon"]) > 1e-6:
            fail(f"station {st.code} is not where sensor {s['id']} was surveyed")
        waves += len(st.channels)
    acoustic_or_seismic = int(np.sum(sensors["modality"] <= 1))
    if waves != acoustic_or_seismic:
        fail(f"stations.xml: {waves} channels, {acoustic_or_seismic} acoustic and seismic sensors")
    # Every pick's stream is a channel of the inventory, or a station without one.
    for p in picks[:: max(1, len(picks) // 500)]:
        if p.waveform_id.channel_code and not inventory.select(
                network="LW", station=p.waveform_id.station_code, channel=p.waveform_id.channel_code):
            fail(f"{p.resource_id}: stream {p.waveform_id.get_seed_string()} is not in stations.xml")
    return len(truth), len(picks), len(located)


def check_stonesoup(result, folder, zero_posix):
    events = result["events"][:]
    detections = result["detections"][:]
    estimates = result["estimates"][:]

    # time_res_micro=1 keeps the microseconds: the readers' default (1e6) drops the fraction of
    # every second.
    reader = HDF5GroundTruthReader(f"{folder}/groundtruth.h5", state_vector_fields=["x", "y"],
                                   time_field="time", timestamp=True, path_id_field="path_id",
                                   time_res_micro=1)
    paths = set()
    for _, updated in reader:
        paths.update(updated)
    tracks = set(int(t) for t in events["track_id"] if t >= 0)
    expected = len(tracks) + int(np.sum(events["track_id"] < 0))
    if len(paths) != expected:
        fail(f"groundtruth.h5: {len(paths)} paths, expected {expected}")
    states = sorted((s for p in paths for s in p), key=lambda s: int(s.metadata["event_id"]))
    if len(states) != len(events):
        fail(f"groundtruth.h5: {len(states)} states, {len(events)} events")
    by_id = {int(e["id"]): e for e in events}
    for s in states[:: max(1, len(states) // 200)]:
        e = by_id[int(s.metadata["event_id"])]
        if abs(s.state_vector[0, 0] - e["x"]) > 1e-6 or abs(s.state_vector[1, 0] - e["y"]) > 1e-6:
            fail(f"event {e['id']}: state {s.state_vector.ravel()} is not ({e['x']}, {e['y']})")
        expected_time = datetime.fromtimestamp(zero_posix + e["t_s"], timezone.utc).replace(tzinfo=None)
        if abs((s.timestamp - expected_time).total_seconds()) > 1e-5:
            fail(f"event {e['id']}: time {s.timestamp} is not {expected_time}")

    reader = HDF5DetectionReader(f"{folder}/estimates.h5", state_vector_fields=["x", "y"],
                                 time_field="time", timestamp=True, time_res_micro=1)
    located = [d for _, ds in reader for d in ds]
    if len(located) != len(estimates):
        fail(f"estimates.h5: {len(located)} detections, {len(estimates)} estimates")
    by_estimate = {int(e["id"]): e for e in estimates}
    for d in located:
        e = by_estimate[int(d.metadata["estimate_id"])]
        if abs(d.state_vector[0, 0] - e["x"]) > 1e-6 or abs(float(d.metadata["cov_xx"]) - e["sigma_x_m"] ** 2) > 1e-6 * e["sigma_x_m"] ** 2:
            fail(f"estimate {e['id']}: state or covariance differs")

    reader = HDF5DetectionReader(f"{folder}/detections.h5", state_vector_fields=["sensor_x", "sensor_y"],
                                 time_field="time", timestamp=True, time_res_micro=1,
                                 metadata_fields=["sensor_id", "event_id", "bearing_rad"])
    reports = [d for _, ds in reader for d in ds]
    if len(reports) != len(detections):
        fail(f"detections.h5: {len(reports)} reports, {len(detections)} detections")
    return len(paths), len(located), len(reports)


def main(result_path, quakeml_dir, stonesoup_dir, start_utc):
    zero = UTCDateTime(start_utc)
    with h5py.File(result_path, "r") as result:
        n_truth, n_picks, n_located = check_quakeml(result, quakeml_dir, zero)
        n_paths, n_estimates, n_reports = check_stonesoup(result, stonesoup_dir, zero.timestamp)
    for folder in (quakeml_dir, stonesoup_dir):
        with open(f"{folder}/DATACARD.md") as card:
            text = card.read()
        if "seed" not in text or start_utc[:19] not in text:
            fail(f"{folder}/DATACARD.md lacks the seed or the start")
    print(f"quakeml: {n_truth} events, {n_picks} picks, {n_located} located")
    print(f"stonesoup: {n_paths} paths, {n_estimates} estimates, {n_reports} reports")
    print("exports ok")


if __name__ == "__main__":
    main(*sys.argv[1:5])
