"""A merged sweep file as a user reads it: every virtual table reads through to every task's
file, row for row; the task table holds each task's metrics; the summary agrees with the tasks
(a rate pooled from the tasks' counts, anything else the mean over replicas, each inside its
interval); xarray opens the task table and the summary along their dimensions.
Usage: check_sweep.py SWEEP.h5 SWEEP_DIR"""
import os
import sys

import h5py
import numpy as np
import xarray as xr

TABLES = ["events", "detections", "estimates", "metrics"]


def same_rows(a, b):
    """Field by field, NaN equal to NaN (the virtual dataset's memory layout may differ)."""
    if a.shape != b.shape or a.dtype.names != b.dtype.names:
        return False
    for name in a.dtype.names:
        x, y = a[name], b[name]
        if x.dtype.kind == "f":
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


def main(path, sweep_dir):
    f = h5py.File(path, "r")
    assert f.attrs["format"] == "linewatch-sweep", f.attrs["format"]
    assert f.attrs["complete"] == 1, "the merge says the sweep is incomplete"
    tasks = f["sweep/tasks"]
    n = len(tasks["task"])
    assert n == f.attrs["tasks"] and list(tasks["status"].asstr()[()]) == ["done"] * n
    files = [h5py.File(os.path.join(sweep_dir, "tasks", f"task-{i:06d}.h5"), "r") for i in range(n)]
    rows_checked = 0
    for table in TABLES:
        whole = f[table][()]
        if len(whole):
            assert f[table].is_virtual, f"/{table} is not a virtual dataset"
        starts, counts = tasks[f"{table}_start"][()], tasks[f"{table}_rows"][()]
        assert counts.sum() == len(whole), (table, counts.sum(), len(whole))
        for i, task in enumerate(files):
            own = task[table][()]
            part = whole[starts[i] : starts[i] + counts[i]]
            assert same_rows(part, own), f"/{table} rows of task {i} differ from its file"
            rows_checked += len(own)
    # The task table's metrics are the tasks' own.
    names = [m.decode() if isinstance(m, bytes) else m for m in files[0]["task/metric"][()]]
    per_task = {}
    for i, task in enumerate(files):
        values, succ, trials = (task[f"task/{c}"][()] for c in ("value", "successes", "trials"))
        for k, name in enumerate(names):
            per_task.setdefault(name, []).append((values[k], succ[k], trials[k]))
            stored = tasks[name][i]
            assert (np.isnan(stored) and np.isnan(values[k])) or stored == values[k], (name, i, stored, values[k])
    # The summary from the tasks.
    summary = f["sweep/summary"]
    replicas = int(f["sweep"].attrs["replicas"])
    points = len(summary["point"])
    assert points * replicas == n
    checked = 0
    for name in names:
        for p in range(points):
            rows = per_task[name][p * replicas : (p + 1) * replicas]
            estimate, low, high = (summary[f"{name}{s}"][p] for s in ("", "_low", "_high"))
            if all(np.isfinite(r[2]) for r in rows):
                s, t = sum(r[1] for r in rows), sum(r[2] for r in rows)
                expected = s / t if t > 0 else np.nan
            else:
                finite = [r[0] for r in rows if np.isfinite(r[0])]
                expected = np.mean(finite) if finite else np.nan
            if np.isnan(expected):
                assert np.isnan(estimate), (name, p, estimate)
                continue
            assert abs(estimate - expected) <= 1e-9 * max(1.0, abs(expected)), (name, p, estimate, expected)
            if np.isfinite(low):
                assert low - 1e-12 <= estimate <= high + 1e-12, (name, p, low, estimate, high)
            checked += 1
    assert checked > 0, "no summary value was checked"
    ds = xr.open_dataset(path, group="sweep/summary", engine="h5netcdf", phony_dims="sort")
    assert ds.sizes["point"] == points, ds.sizes
    dt = xr.open_dataset(path, group="sweep/tasks", engine="h5netcdf", phony_dims="sort")
    assert dt.sizes["task"] == n, dt.sizes
    print(f"sweep ok: {n} tasks, {rows_checked} rows read through, {checked} summary values agree")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
