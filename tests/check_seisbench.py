"""Checks linewatch's SeisBench export against SeisBench's documented dataset layout, reading it
the way seisbench.data.WaveformDataset does, and against the waveforms export of the same result.

SeisBench itself is not installed: it imports torch when imported (seisbench/util/arraytools.py),
a deep-learning stack the test venv does not take. What WaveformDataset relies on is checked
instead: metadata.csv's columns, `data_format` (dimension order, sampling rate), trace names
`bucket$location` parsed as SeisBench's `_parse_location` does, and the split column.

Usage: check_seisbench.py RESULT.h5 WAVEFORMS_DIR SEISBENCH_DIR
Used by tests/integration/waveforms.rs; exits non-zero on any problem and prints "seisbench ok".
"""
import sys

import h5py
import numpy as np
import pandas as pd

# The columns WaveformDataset and its labellers read (SeisBench docs, "Data format").
REQUIRED = [
    "trace_name", "split", "source_id", "source_origin_time", "source_latitude_deg",
    "source_longitude_deg", "source_depth_km", "station_network_code", "station_code",
    "station_location_code", "station_latitude_deg", "station_longitude_deg",
    "station_elevation_m", "trace_sampling_rate_hz", "trace_start_time",
    "trace_component_order", "trace_channel",
]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def parse_location(location):
    """SeisBench's WaveformDataset._parse_location: "5,:1,:4000" -> (5, slice(None, 1), ...)."""
    def number(s):
        return None if s == "" else int(s)
    out = []
    for part in location.replace(" ", "").split(","):
        pieces = part.split(":")
        out.append(number(pieces[0]) if len(pieces) == 1 else slice(*map(number, pieces)))
    return tuple(out)


def main(result_path, waveforms_dir, seisbench_dir):
    with h5py.File(result_path, "r") as result:
        events = result["events"][:]
        detections = result["detections"][:]
    with h5py.File(f"{waveforms_dir}/waveforms.h5", "r") as w:
        windows = w["waveforms"][:]
        rate = float(w["waveforms"].attrs["rate_hz"])
        window_row = w["detection_row"][:]
        window_start = w["start_t_s"][:]
    by_row = {int(r): i for i, r in enumerate(window_row)}

    metadata = pd.read_csv(f"{seisbench_dir}/metadata.csv", dtype={"station_location_code": str})
    missing = [c for c in REQUIRED if c not in metadata.columns]
    if missing:
        fail(f"metadata.csv lacks {missing}")
    if len(metadata) != len(windows):
        fail(f"{len(metadata)} rows, the waveforms export has {len(windows)} windows")
    if set(metadata["split"]) != {"train", "dev", "test"}:
        fail(f"splits {set(metadata['split'])}")
    # False alarms (source_id -1) are each a group of their own.
    shares = metadata[metadata["source_id"] >= 0].groupby("source_id")["split"].nunique()
    if (shares > 1).any():
        fail(f"sources in two splits: {list(shares[shares > 1].index[:5])}")
    linked = {int(e["id"]): int(e["linked_id"]) for e in events if e["linked_id"] >= 0}
    split_of = dict(zip(metadata["source_id"], metadata["split"]))
    for a, b in linked.items():
        if a in split_of and b in split_of and split_of[a] != split_of[b]:
            fail(f"launch {a} and impact {b} are in different splits")
    train_share = float(np.mean(metadata[metadata["source_id"] >= 0].drop_duplicates("source_id")["split"] == "train"))
    false_alarms = int((metadata["source_id"] < 0).sum())
    if false_alarms != int(np.sum((detections["event_id"] < 0) & (detections["modality"] <= 1))):
        fail(f"{false_alarms} false-alarm traces, the result has another count of acoustic and seismic false alarms")
    if not 0.55 < train_share < 0.85:
        fail(f"{train_share:.2f} of sources in train, 0.7 intended")

    with h5py.File(f"{seisbench_dir}/waveforms.hdf5", "r") as f:
        data_format = {k: f["data_format"][k][()] for k in f["data_format"]}
        data_format = {k: v.decode() if isinstance(v, bytes) else v for k, v in data_format.items()}
        if data_format.get("dimension_order") != "CW":
            fail(f"data_format {data_format}")
        if float(data_format["sampling_rate"]) != rate or (metadata["trace_sampling_rate_hz"] != rate).any():
            fail(f"sampling rate {data_format['sampling_rate']}, the windows are at {rate}")
        for row in metadata.itertuples():
            block, location = row.trace_name.split("$")
            trace = f["data"][block][parse_location(location)]
            if trace.shape != (1, windows.shape[1]):
                fail(f"{row.trace_name}: shape {trace.shape}")
            w = by_row.get(int(row.detection_row))
            if w is None:
                fail(f"{row.trace_name}: detection row {row.detection_row} has no window in the waveforms export")
            if not np.array_equal(trace[0], windows[w]):
                fail(f"{row.trace_name}: differs from the waveforms export's window {w}")
            d = detections[int(row.detection_row)]
            if int(row.source_id) != int(d["event_id"]) or int(row.station_code) != int(d["sensor_id"]):
                fail(f"{row.trace_name}: source {row.source_id} station {row.station_code}, the detection's differ")
            picks = [getattr(row, c) for c in ("trace_I_arrival_sample", "trace_Rg_arrival_sample",
                                               "trace_Lg_arrival_sample")]
            given = [p for p in picks if not np.isnan(p)]
            expected = round((d["t_s"] - window_start[w]) * rate)
            if len(given) != 1 or int(given[0]) != expected:
                fail(f"{row.trace_name}: picks {picks}, expected sample {expected}")
            component = "F" if d["modality"] == 0 else "Z"
            if row.trace_component_order != component:
                fail(f"{row.trace_name}: component {row.trace_component_order}")
    print(f"{len(metadata)} traces in {metadata['trace_name'].str.split('$').str[0].nunique()} buckets; "
          f"train share of sources {train_share:.2f}")
    print("seisbench ok")


if __name__ == "__main__":
    main(*sys.argv[1:4])
