"""Reads linewatch's ASDF export with pyasdf, trace by trace, and checks it against the result
file and the waveforms export of the same result.

Usage: check_asdf.py RESULT.h5 WAVEFORMS_DIR ASDF_DIR
Used by tests/integration/waveforms.rs; exits non-zero on any problem and prints "asdf ok".
"""
import sys
import warnings

import h5py
import numpy as np
import pyasdf


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main(result_path, waveforms_dir, asdf_dir):
    with h5py.File(result_path, "r") as result:
        events = result["events"][:]
        sensors = result["sensors"][:]
        detections = result["detections"][:]
    with h5py.File(f"{waveforms_dir}/waveforms.h5", "r") as w:
        windows = w["waveforms"][:]
        rate = float(w["waveforms"].attrs["rate_hz"])
        window_time = w["time"][:]
        window_sensor = w["sensor_id"][:]
        window_event = w["event_id"][:]

    # Any pyasdf warning (a bad version, a name it would not write, a broken StationXML) fails.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = pyasdf.ASDFDataSet(f"{asdf_dir}/asdf.h5", mode="r")
    try:
        check(ds, events, sensors, detections, windows, rate, window_time, window_sensor, window_event)
    finally:
        del ds
    print("asdf ok")


def check(ds, events, sensors, detections, windows, rate, window_time, window_sensor, window_event):
    if ds.asdf_format_version != "1.0.3":
        fail(f"format version {ds.asdf_format_version}")
    catalogue = ds.events
    false_alarms = int(np.sum(detections["event_id"] < 0))
    if len(catalogue) != len(events) + (1 if false_alarms else 0):
        fail(f"{len(catalogue)} events in the QuakeML, the result has {len(events)}")
    event_ids = {str(e.resource_id) for e in catalogue}

    by_sensor = {int(s["id"]): s for s in sensors}
    stations = ds.waveforms.list()
    expected_stations = {f"LW.{s}" for s in np.unique(window_sensor)}
    if set(stations) != expected_stations:
        fail(f"{len(stations)} stations, the windows are on {len(expected_stations)} sensors")

    covered = np.zeros(len(windows), dtype=bool)
    traces = 0
    worst = 0.0
    for name in stations:
        sensor_id = int(name.split(".")[1])
        station = ds.waveforms[name]
        inventory = station.StationXML
        channels = inventory.get_contents()["channels"]
        if len(channels) != 1:
            fail(f"{name}: channels {channels}")
        coordinates = inventory.get_coordinates(channels[0])
        s = by_sensor[sensor_id]
        if abs(coordinates["latitude"] - s["lat"]) > 1e-6 or abs(coordinates["longitude"] - s["lon"]) > 1e-6:
            fail(f"{name}: StationXML at {coordinates}, the sensor is surveyed at ({s['lat']}, {s['lon']})")
        if inventory[0][0][0].sample_rate != rate:
            fail(f"{name}: sample rate {inventory[0][0][0].sample_rate}, the traces are at {rate}")
        mine = np.flatnonzero(window_sensor == sensor_id)
        previous_end = -np.inf
        for tr in station.raw_recording:
            traces += 1
            if tr.id != channels[0]:
                fail(f"{tr.id}: not the station's channel {channels[0]}")
            if tr.stats.sampling_rate != rate:
                fail(f"{tr.id}: {tr.stats.sampling_rate} Hz")
            start = tr.stats.starttime.timestamp
            end = start + tr.stats.npts / rate
            if start < previous_end:
                fail(f"{tr.id}: starts at {start} before the previous trace ends at {previous_end}")
            previous_end = end
            trace_events = {str(r) for r in tr.stats.asdf.get("event_ids", [])}
            if not trace_events <= event_ids:
                fail(f"{tr.id}: event ids {trace_events - event_ids} are not in the catalogue")
            data = tr.data.astype(np.float64)
            for w in mine[(window_time[mine] >= start - 0.5 / rate) & (window_time[mine] < end)]:
                offset = int(round((window_time[w] - start) * rate))
                piece = data[offset:offset + windows.shape[1]]
                if len(piece) != windows.shape[1]:
                    fail(f"{tr.id}: window {w} runs past the trace's end")
                miss = np.max(np.abs(piece - windows[w]) / (1.0 + np.abs(windows[w])))
                worst = max(worst, miss)
                # The same samples from differently placed kernel windows: pulse delays are f32
                # seconds from each window's start, so sharp pulses differ in the last digits.
                if miss > 1e-3:
                    fail(f"{tr.id}: window {w} differs from the waveforms export by {miss}")
                if f"smi:linewatch/event/{window_event[w]}" not in trace_events:
                    fail(f"{tr.id}: window {w}'s event {window_event[w]} is not among the trace's events")
                covered[w] = True
    if not covered.all():
        fail(f"{int((~covered).sum())} of {len(windows)} windows are in no trace")
    print(f"{traces} traces on {len(stations)} stations hold all {len(windows)} windows; "
          f"worst relative difference {worst:.2e}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
