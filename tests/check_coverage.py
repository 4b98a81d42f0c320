"""Opens the coverage groups of a linewatch result with xarray (engine h5netcdf), as users
will, and checks named dimensions, coordinates and value ranges. Prints "coverage ok".
"""
import sys

import numpy as np
import xarray as xr

METRICS = ["p_detect", "p_k", "sigma_n_m", "p_attrib", "verifiable"]


def main(path, classes):
    for cls in classes:
        ds = xr.open_dataset(path, group=f"coverage/{cls}", engine="h5netcdf")
        for m in METRICS:
            if m not in ds.data_vars:
                sys.exit(f"FAIL: {cls}: {m} missing")
            if ds[m].dims != ("y", "x"):
                sys.exit(f"FAIL: {cls}: {m} dims {ds[m].dims}")
            if "units" not in ds[m].attrs:
                sys.exit(f"FAIL: {cls}: {m} has no units")
        if not (np.all(np.diff(ds["x"].values) > 0) and np.all(np.diff(ds["y"].values) > 0)):
            sys.exit(f"FAIL: {cls}: coordinates not increasing")
        v = ds["verifiable"].values
        inside = ~np.isnan(v)
        if inside.sum() == 0 or inside.all():
            sys.exit(f"FAIL: {cls}: the corridor mask is empty or everything")
        for m in ["p_detect", "p_k", "p_attrib", "verifiable"]:
            values = ds[m].values[inside]
            if np.any(values < 0) or np.any(values > 1):
                sys.exit(f"FAIL: {cls}: {m} outside [0, 1]")
        if np.any(ds["p_attrib"].values[inside] < 0.5):
            sys.exit(f"FAIL: {cls}: p_attrib below chance")
        if np.any(ds["p_k"].values[inside] > ds["p_detect"].values[inside] + 1e-6):
            sys.exit(f"FAIL: {cls}: P(>=k) exceeds P(>=1)")
        profile = xr.open_dataset(path, group=f"coverage/{cls}/profile", engine="h5netcdf")
        if "mean_verifiable" not in profile.data_vars:
            sys.exit(f"FAIL: {cls}: no profile")
        print(f"{cls}: {int(inside.sum())} cells, mean verifiable {float(np.nanmean(v)):.3f}")
    print("coverage ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
