"""Beamforms linewatch's per-element acoustic array channels (ASDF, read with pyasdf) and checks
that the bearing and the sound speed they give are the true ones.

For each strong acoustic pick, the outer elements' delays against the centre element are found
by cross-correlation (with a parabolic peak), the horizontal slowness vector is fitted to the
elements' offsets taken from the StationXML, and its back-azimuth is compared with the true
source's azimuth from the sensor.

Usage: check_array.py RESULT.h5 ASDF_DIR START_UTC
Used by tests/integration/waveforms.rs; exits non-zero on any problem and prints "array ok".
"""
import sys

import h5py
import numpy as np
import pyasdf
from obspy import UTCDateTime
from obspy.geodetics import gps2dist_azimuth


# Enough picks for the statistics, few enough to keep the test short.
MAX_PICKS = 120


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def local_offsets(channels):
    """Element offsets east and north of element 00, m, from the channels' coordinates."""
    centre = channels["00"]
    out = {}
    for loc, (lat, lon) in channels.items():
        dist, az, _ = gps2dist_azimuth(centre[0], centre[1], lat, lon)
        out[loc] = (dist * np.sin(np.radians(az)), dist * np.cos(np.radians(az)))
    return out


def delay(reference, other, max_lag):
    """Lag (samples) of `other` behind `reference` at the cross-correlation's peak."""
    lags = np.arange(-max_lag, max_lag + 1)
    cc = np.array([np.dot(reference[max_lag:-max_lag], other[max_lag + k:len(other) - max_lag + k]) for k in lags])
    i = int(np.argmax(cc))
    if 0 < i < len(cc) - 1:
        a, b, c = cc[i - 1], cc[i], cc[i + 1]
        return lags[i] + 0.5 * (a - c) / (a - 2 * b + c)
    return float(lags[i])


def main(result_path, asdf_dir, start_utc):
    zero = UTCDateTime(start_utc)
    with h5py.File(result_path, "r") as f:
        events = {int(e["id"]): e for e in f["events"][:]}
        sensors = {int(s["id"]): s for s in f["sensors"][:]}
        detections = f["detections"][:]
    ds = pyasdf.ASDFDataSet(f"{asdf_dir}/asdf.h5", mode="r")
    try:
        errors, speeds = [], []
        for name in ds.waveforms.list():
            sensor_id = int(name.split(".")[1])
            if sensors[sensor_id]["modality"] != 0:
                continue
            station = ds.waveforms[name]
            inventory = station.StationXML
            coordinates = {ch.location_code: (ch.latitude, ch.longitude) for ch in inventory[0][0]}
            if sorted(coordinates) != ["00", "01", "02", "03"]:
                fail(f"{name}: element channels {sorted(coordinates)}")
            offsets = local_offsets(coordinates)
            aperture = max(np.hypot(*o) for o in offsets.values())
            if not 9.0 < aperture < 11.0:
                fail(f"{name}: aperture {aperture:.2f} m, 10 m stated")
            stream = station.raw_recording
            mine = detections[(detections["sensor_id"] == sensor_id) & (detections["event_id"] >= 0)
                              & (detections["snr_db"] > 25)]
            for d in mine:
                if len(errors) >= MAX_PICKS:
                    break
                event = events[int(d["event_id"])]
                pick = zero + float(d["t_s"])
                period = 0.5 / float(event["acoustic_freq_hz"])
                piece = stream.slice(pick - 0.15, pick + 0.15 + 4 * period)
                traces = {tr.stats.location: tr for tr in piece}
                if sorted(traces) != ["00", "01", "02", "03"] or len({len(t.data) for t in traces.values()}) != 1:
                    continue
                rate = traces["00"].stats.sampling_rate
                max_lag = int(np.ceil(1.5 * aperture / 330.0 * rate)) + 2
                ref = traces["00"].data.astype(np.float64)
                rows, lags = [], []
                for loc in ("01", "02", "03"):
                    lags.append(delay(ref, traces[loc].data.astype(np.float64), max_lag) / rate)
                    rows.append(offsets[loc])
                # An element at offset r hears a plane wave with horizontal slowness p after r·p.
                p, *_ = np.linalg.lstsq(np.array(rows), np.array(lags), rcond=None)
                back_azimuth = np.degrees(np.arctan2(-p[0], -p[1])) % 360.0
                _, truth, _ = gps2dist_azimuth(sensors[sensor_id]["lat"], sensors[sensor_id]["lon"],
                                               event["lat"], event["lon"])
                errors.append((back_azimuth - truth + 180.0) % 360.0 - 180.0)
                speeds.append(1.0 / np.hypot(*p))
    finally:
        del ds
    if len(errors) < 20:
        fail(f"only {len(errors)} strong picks to beamform")
    errors, speeds = np.abs(np.array(errors)), np.array(speeds)
    median, p90 = np.median(errors), np.percentile(errors, 90)
    print(f"{len(errors)} picks beamformed: back-azimuth error median {median:.2f}°, 90th percentile "
          f"{p90:.2f}°; apparent speed median {np.median(speeds):.1f} m/s")
    if median > 2.0 or p90 > 6.0:
        fail("the elements' delays do not point at the source")
    if not 320.0 < np.median(speeds) < 360.0:
        fail(f"apparent speed {np.median(speeds):.1f} m/s is not the speed of sound")
    print("array ok")


if __name__ == "__main__":
    main(*sys.argv[1:4])
