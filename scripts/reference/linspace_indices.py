#!/usr/bin/env python3
"""Reference for uniformFrameIndices: np.linspace(0, n - 1, count).astype(int), as DeepfakeBench/DFDC code do.
Writes Tests/ExtractTests/Fixtures/linspace_indices.json: [{"total": n, "count": c, "indices": [...]}, ...]."""
import json
import pathlib
import numpy as np

rng = np.random.default_rng(7)
pairs = [(1, 1), (5, 1), (2, 2), (10, 10), (11, 10), (270, 32), (795, 32), (444, 32), (68, 32), (300, 32),
         (300, 20), (301, 20), (1000, 7), (3, 5), (5, 32), (100, 3), (97, 96), (33, 32), (64, 32)]
pairs += [(int(rng.integers(1, 5000)), int(rng.integers(1, 200))) for _ in range(120)]
cases = [{"total": n, "count": c, "indices": np.linspace(0, n - 1, c).astype(int).tolist()} for n, c in pairs]
out = pathlib.Path(__file__).resolve().parents[2] / "Tests/ExtractTests/Fixtures/linspace_indices.json"
out.write_text(json.dumps(cases))
print(f"wrote {len(cases)} cases to {out}")
