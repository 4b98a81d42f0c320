"""Reads a linewatch result with h5py and checks the schema of docs/design.md §7.

Used by the integration tests (tests/integration/output_files.rs); exits non-zero on any
problem and prints "schema ok" when everything is there and consistent.
"""
import sys

import h5py
import numpy as np

ROOT_ATTRS = ["format", "schema_version", "linewatch_version", "created_utc", "seed",
              "scenario_toml", "crs", "adapter"]
TABLES = {
    "sensors": ["id", "modality", "lon", "lat", "x", "y", "z", "chainage_km", "offset_m",
                "side", "row", "status", "cost_eur"],
    "events": ["id", "class", "responsible_side", "t_s", "lon", "lat", "x", "y",
               "chainage_km", "offset_m", "linked_id", "track_id", "track_sample", "salvo_id"],
    "detections": ["event_id", "sensor_id", "modality", "t_s", "snr_db", "level_db",
                   "bearing_rad"],
    "sensor_losses": ["sensor_id", "t_s", "cause"],
}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main(path):
    with h5py.File(path, "r") as f:
        for a in ROOT_ATTRS:
            if a not in f.attrs:
                fail(f"root attribute {a} missing")
        if f.attrs["format"] != "linewatch" or int(f.attrs["schema_version"]) != 1:
            fail("format/schema_version")
        for name in ["lonlat", "xy", "chainage_km"]:
            d = f["line"][name]
            if "units" not in d.attrs or "description" not in d.attrs:
                fail(f"/line/{name} lacks units or description")
        if f["line/lonlat"].shape[1] != 2 or np.any(np.diff(f["line/chainage_km"][:]) < 0):
            fail("/line shape or chainage order")
        for table, fields in TABLES.items():
            d = f[table]
            for attr in ["units", "description"]:
                if attr not in d.attrs:
                    fail(f"/{table} lacks {attr}")
            units = d.attrs["units"]
            for field in fields:
                if field not in d.dtype.names:
                    fail(f"/{table} lacks column {field}")
                if f"{field}:" not in units:
                    fail(f"/{table} units do not describe {field}")
        if h5py.check_enum_dtype(f["detections"].dtype["modality"]) is None:
            fail("modality is not an HDF5 enum")
        causes = h5py.check_enum_dtype(f["sensor_losses"].dtype["cause"])
        if causes is None or set(causes) != {"Failed", "Jammed", "Destroyed", "OutOfService"}:
            fail(f"/sensor_losses cause is not the enum Failed/Jammed/Destroyed/OutOfService: {causes}")
        losses = f["sensor_losses"][:]
        if np.any(np.diff(losses["t_s"]) < 0) if len(losses) > 1 else False:
            fail("/sensor_losses is not in time order")
        sensors = f["sensors"][:]
        events = f["events"][:]
        det = f["detections"][:]
        if len(sensors) == 0 or len(events) == 0 or len(det) == 0:
            fail("empty tables")
        if not np.array_equal(sensors["id"], np.arange(len(sensors))):
            fail("sensor ids are not 0..n")
        event_ids = set(events["id"].tolist())
        refs = det["event_id"]
        bad = [e for e in np.unique(refs) if e != -1 and e not in event_ids]
        if bad:
            fail(f"detections refer to missing events {bad[:5]}")
        if np.any(det["sensor_id"] >= len(sensors)):
            fail("detections refer to missing sensors")
        if np.any(np.diff(det["t_s"]) < 0):
            fail("detections are not sorted by arrival time")
        linked = events["linked_id"]
        for i in np.nonzero(linked >= 0)[0][:200]:
            partner = events[events["id"] == linked[i]]
            if len(partner) != 1 or partner["linked_id"][0] != events["id"][i]:
                fail(f"launch/impact link of event {events['id'][i]} is not mutual")
        # Tracks: each sampled 0, 1, 2, ... in time, of one class and one responsible side.
        tracked = events[events["track_id"] >= 0]
        if len(tracked) == 0:
            fail("no moving source has a track")
        for track in np.unique(tracked["track_id"])[:200]:
            samples = tracked[tracked["track_id"] == track]
            samples = samples[np.argsort(samples["track_sample"])]
            if not np.array_equal(samples["track_sample"], np.arange(len(samples))):
                fail(f"track {track} samples are not 0..n")
            if np.any(np.diff(samples["t_s"]) <= 0):
                fail(f"track {track} does not move forward in time")
            if len(np.unique(samples["class"])) != 1 or len(np.unique(samples["responsible_side"])) != 1:
                fail(f"track {track} changes class or side")
        if np.any(events[events["track_id"] < 0]["track_sample"] != 0):
            fail("events without a track have a sample index")
        class_names = list(f["events"].attrs["class_names"])
        if np.any(events["class"] >= len(class_names)):
            fail("class index beyond class_names")
        n_false = int(np.sum(refs == -1))
    print(f"schema ok: {len(sensors)} sensors, {len(events)} events, {len(det)} detections "
          f"({n_false} false alarms), classes {class_names}")


if __name__ == "__main__":
    main(sys.argv[1])
