"""Reads linewatch's ASDF export with pyasdf, trace by trace, and checks it against the result
file and the waveforms export of the same result.

Usage: check_asdf.py RESULT.h5 WAVEFORMS_DIR ASDF_DIR [FROM_H TO_H]
With FROM_H TO_H the export holds continuous traces over those scenario hours (of any sensors):
each trace must span them exactly, and the windows that lie inside them are checked.
Used by tests/integration/waveforms.rs and scenario_waveforms.rs; exits non-zero on any problem
and prints "asdf ok".
"""
import sys
import warnings

import h5py
import numpy as np
import pyasdf


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main(result_path, waveforms_dir, asdf_dir, from_h=None, to_h=None):
    continuous = None if from_h is None else (float(from_h), float(to_h))
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
        # POSIX seconds of scenario time 0.
        zero = float(w["time"][0] - w["start_t_s"][0]) if len(windows) else 0.0

    # Any pyasdf warning (a bad version, a name it would not write, a broken StationXML) fails.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = pyasdf.ASDFDataSet(f"{asdf_dir}/asdf.h5", mode="r")
    try:
        check(ds, events, sensors, detections, windows, rate, window_time, window_sensor, window_event,
              continuous, zero)
    finally:
        del ds
    print("asdf ok")


def check(ds, events, sensors, detections, windows, rate, window_time, window_sensor, window_event,
          continuous, zero):
    if ds.asdf_format_version != "1.0.3":
        fail(f"format version {ds.asdf_format_version}")
    catalogue = ds.events
    false_alarms = int(np.sum(detections["event_id"] < 0))
    if len(catalogue) != len(events) + (1 if false_alarms else 0):
        fail(f"{len(catalogue)} events in the QuakeML, the result has {len(events)}")
    event_ids = {str(e.resource_id) for e in catalogue}

    by_sensor = {int(s["id"]): s for s in sensors}
    stations = ds.waveforms.list()
    if continuous is None:
        expected_stations = {f"LW.{s}" for s in np.unique(window_sensor)}
        if set(stations) != expected_stations:
            fail(f"{len(stations)} stations, the windows are on {len(expected_stations)} sensors")
        expected = np.ones(len(windows), dtype=bool)
    else:
        if not stations:
            fail("no station")
        span = (zero + continuous[0] * 3600.0, zero + continuous[1] * 3600.0)
        inside = (window_time >= span[0]) & (window_time + windows.shape[1] / rate <= span[1])
        expected = inside & np.isin(window_sensor, [int(n.split(".")[1]) for n in stations])

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
            if continuous is not None and (abs(start - span[0]) > 1e-6 or abs(end - span[1]) > 1e-6):
                fail(f"{tr.id}: spans {start}..{end}, asked {span}")
            trace_events = {str(r) for r in tr.stats.asdf.get("event_ids", [])}
            if continuous is not None and trace_events:
                fail(f"{tr.id}: a continuous trace lists events")
            if not trace_events <= event_ids:
                fail(f"{tr.id}: event ids {trace_events - event_ids} are not in the catalogue")
            data = tr.data.astype(np.float64)
            for w in mine[expected[mine] & (window_time[mine] >= start - 0.5 / rate) & (window_time[mine] < end)]:
                offset = int(round((window_time[w] - start) * rate))
                piece = data[offset:offset + windows.shape[1]]
                if len(piece) != windows.shape[1]:
                    fail(f"{tr.id}: window {w} runs past the trace's end")
                miss = np.max(np.abs(piece - windows[w]) / (1.0 + np.abs(windows[w])))
                worst = max(worst, miss)
                # The same samples from differently placed kernel windows: every pulse's time
                # from the sample is counted in whole samples, so they agree bit for bit.
                if miss != 0.0:
                    fail(f"{tr.id}: window {w} differs from the waveforms export by {miss}")
                known = window_event[w] >= 0
                if continuous is None and known and f"smi:linewatch/event/{window_event[w]}" not in trace_events:
                    fail(f"{tr.id}: window {w}'s event {window_event[w]} is not among the trace's events")
                covered[w] = True
    if (expected & ~covered).any() or not covered.any():
        fail(f"{int((expected & ~covered).sum())} of {int(expected.sum())} windows are in no trace")
    print(f"{traces} traces on {len(stations)} stations hold all {int(expected.sum())} windows expected "
          f"in them; worst relative difference {worst:.2e}")


if __name__ == "__main__":
    main(*sys.argv[1:6])
