#!/usr/bin/env python3
"""Compares two embedding caches (docs/cache-format.md) through h5dump, so it needs no h5py and reads HDF5
virtual datasets the way any HDF5 client does: the same videos, labels, splits, frame indices and valid flags,
and embeddings equal within a tolerance (shards batch frames differently, which may change float rounding).

usage: compare-caches.py REFERENCE CANDIDATE [--tolerance 1e-4]
Prints one line per dataset; exits 1 if any differs.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

EXACT = ["/videos", "/labels", "/frame_indices", "/valid", "/splits", "/total_frames"]


def data_block(path, dataset):
    """The values of a dataset as h5dump prints them (no indices, one line), or None when it is absent."""
    run = subprocess.run(["h5dump", "-y", "-w", "0", "-d", dataset, path], capture_output=True, text=True)
    if run.returncode != 0:
        if "unable to get link info" in run.stderr or "not found" in run.stderr:
            return None
        sys.exit(f"compare-caches: h5dump could not read {dataset} of {path}: {run.stderr.strip()}")
    text = run.stdout
    start = text.find("DATA {")
    return text[start:text.find("}", start)] if start >= 0 else ""


def embeddings(path):
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "embeddings.bin")
        run = subprocess.run(["h5dump", "-d", "/embeddings", "-b", "LE", "-o", out, path], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"compare-caches: h5dump could not read /embeddings of {path}: {run.stderr.strip()}")
        return np.fromfile(out, dtype="<f4")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("candidate")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    same = True
    for dataset in EXACT:
        a, b = data_block(args.reference, dataset), data_block(args.candidate, dataset)
        ok = a == b
        same &= ok
        print(f"  {dataset}: {'same' if ok else 'DIFFERENT'}{'' if a is not None else ' (absent in both)' if ok else ''}")
    a, b = embeddings(args.reference), embeddings(args.candidate)
    if a.shape != b.shape:
        print(f"  /embeddings: DIFFERENT sizes {a.size} and {b.size}")
        same = False
    else:
        worst = float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(a)))) if a.size else 0.0
        ok = worst <= args.tolerance
        same &= ok
        print(f"  /embeddings: {a.size} values, largest difference {worst:.2e} ({'within' if ok else 'OVER'} {args.tolerance:g})")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
