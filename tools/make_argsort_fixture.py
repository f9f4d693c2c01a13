#!/usr/bin/env python3
"""Records numpy <= 1.24's default argsort order on arrays with many ties.

The fixture pins the tie order ACT and MOC ran on (numpy's classic introsort `argsort`, before
numpy 1.25 dispatched argsort to x86-simd-sort). Tests compare `NumpyLegacyArgsort` with it.

Run with numpy 1.24 (any machine; 1.24 never used the SIMD path for argsort):
    python3 -m venv /work/.venv-np124 && /work/.venv-np124/bin/pip install numpy==1.24.4
    /work/.venv-np124/bin/python tools/make_argsort_fixture.py \
        Tests/EvaluationTests/Fixtures/numpy124_argsort.json
"""
import json
import sys

import numpy as np

assert np.__version__.startswith("1.24."), f"needs numpy 1.24, found {np.__version__}"

rng = np.random.default_rng(20240601)
cases = []
lengths = list(range(0, 40)) + [64, 100, 129, 200, 300, 700]
for n in lengths:
    for dtype in ("float32", "float64"):
        levels = int(rng.integers(1, max(2, n // 2) + 1))
        pool = np.round(rng.random(levels), 3).astype(dtype)
        values = rng.choice(pool, size=n)
        if n and rng.random() < 0.5:
            values = -values  # ACT sorts -score
        if n > 3 and rng.random() < 0.3:
            values[rng.integers(0, n, size=n // 3)] = 0.0
        order = np.argsort(values)
        cases.append({
            "dtype": dtype,
            "values": [float(v) for v in values],
            "order": [int(i) for i in order],
        })
# Adversarial inputs that exhaust the depth budget and reach the heapsort fallback.
for n in (64, 300, 900):
    for dtype in ("float32", "float64"):
        values = np.zeros(n, dtype=dtype)
        values[: n // 2] = np.arange(n // 2)[::-1]
        values[n // 2:] = np.arange(n - n // 2) % 5
        cases.append({
            "dtype": dtype,
            "values": [float(v) for v in values],
            "order": [int(i) for i in np.argsort(values)],
        })

# numpy's heapsort (the introsort fallback) on its own: `kind="heapsort"`.
heap_cases = []
for n in (1, 2, 5, 17, 64, 333):
    for dtype in ("float32", "float64"):
        values = np.round(rng.random(n) * 4).astype(dtype)
        heap_cases.append({
            "dtype": dtype,
            "values": [float(v) for v in values],
            "order": [int(i) for i in np.argsort(values, kind="heapsort")],
        })

with open(sys.argv[1], "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases, "heapsort_cases": heap_cases}, f,
              separators=(",", ":"))
print(f"wrote {len(cases)} cases to {sys.argv[1]}")
