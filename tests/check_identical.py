"""Two result files store the same bytes: every chunk of every chunked dataset (compressed, as
stored, so padding or uninitialised memory would show), every contiguous dataset's raw
elements, and every attribute but the creation time. Usage: check_identical.py A.h5 B.h5"""
import sys

import h5py
import numpy as np

SKIP_ATTRS = {"created_utc"}


def stored_bytes(ds):
    """The dataset as stored: its chunks' bytes, or its elements' raw bytes."""
    if ds.dtype.kind == "O":
        # Variable-length strings: the stored bytes are heap references; compare the strings.
        return [bytes(v) if isinstance(v, bytes) else str(v).encode() for v in np.ravel(ds[()])]
    if ds.chunks is None:
        return [np.ascontiguousarray(ds[()]).tobytes()]
    out = []
    dsid = ds.id
    for i in range(dsid.get_num_chunks()):
        info = dsid.get_chunk_info(i)
        out.append((info.chunk_offset, dsid.read_direct_chunk(info.chunk_offset)))
    return out


def attrs(obj):
    out = {}
    for k in obj.attrs:
        if k in SKIP_ATTRS:
            continue
        v = obj.attrs[k]
        if k in ("DIMENSION_LIST", "REFERENCE_LIST"):
            # Object references: addresses inside each file; their count is what must agree.
            out[k] = len(v)
            continue
        if isinstance(v, np.ndarray) and v.dtype.kind == "O":
            v = [obj.file[r].name if isinstance(r, h5py.Reference) else str(r) for r in v.ravel()]
        out[k] = repr(v) if not isinstance(v, np.ndarray) else v.tobytes() + str(v.dtype).encode()
    return out


def main(a_path, b_path):
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names_a, names_b = [], []
        a.visit(names_a.append)
        b.visit(names_b.append)
        if names_a != names_b:
            problems.append(f"different objects: {set(names_a) ^ set(names_b)}")
        checked = 0
        for name in names_a:
            if name not in b:
                continue
            x, y = a[name], b[name]
            if attrs(x) != attrs(y):
                problems.append(f"{name}: attributes differ")
            if isinstance(x, h5py.Dataset):
                checked += 1
                if x.dtype != y.dtype or stored_bytes(x) != stored_bytes(y):
                    problems.append(f"{name}: stored bytes differ")
        if attrs(a) != attrs(b):
            problems.append("/: root attributes differ")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"identical: {checked} datasets")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
