"""scikit-learn side of bench/segmentation.ts (normally started by it, not by hand).

    bench/.venv/bin/python bench/segmentation_sklearn.py SPEC.json

SPEC.json (written by bench/segmentation.ts) names the Mall CSV (or null), the credit-card CSV, the k
ranges, n_init values, the seeds and the number of timed repeats. Both sides scale with MinMaxScaler.
Prints one JSON object to stdout:
  {"versions": {...},
   "mall": {"sse": [[per k] per seed], "knees": [per seed], "seconds": [...], "cpuSeconds": [...]} | null,
   "credit": {"bic": [[per k] per seed], "knees": [...], "seconds": [...], "cpuSeconds": [...]}}
Timed repeats use random_state = seeds[0]; the other seeds only give the spread of SSE/BIC.
Run with OMP_NUM_THREADS=1 for a one-core comparison (bench/segmentation.ts does this).
"""

from __future__ import annotations

import json
import sys
import time

import kneed
import numpy as np
import pandas as pd
import sklearn
from kneed import KneeLocator
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import MinMaxScaler


def scaled(path: str, columns: list[str]) -> np.ndarray:
    # Rows with a blank feature are dropped, as the pipeline does.
    return MinMaxScaler().fit_transform(pd.read_csv(path)[columns].dropna().to_numpy(dtype=float))


def knee(ks: list[int], values: list[float]) -> float | None:
    found = KneeLocator(ks, values, S=1.0, curve="convex", direction="decreasing", interp_method="interp1d").knee
    return None if found is None else float(found)


def sweep(fit_score, ks: list[int], seeds: list[int], repeats: int) -> dict:
    """fit_score(k, seed) -> SSE or BIC. Times `repeats` sweeps with seeds[0], then runs the remaining seeds."""
    seconds, cpu_seconds, curves = [], [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        curve = [fit_score(k, seeds[0]) for k in ks]
        seconds.append(time.perf_counter() - wall)
        cpu_seconds.append(time.process_time() - cpu)
    curves.append(curve)
    curves += [[fit_score(k, seed) for k in ks] for seed in seeds[1:]]
    return {
        "curves": curves,
        "knees": [knee(ks, curve) for curve in curves],
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
    }


def main() -> None:
    spec = json.loads(open(sys.argv[1], encoding="utf8").read())
    seeds, repeats = spec["seeds"], spec["repeats"]
    result = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "kneed": kneed.__version__},
        "mall": None,
        "credit": None,
    }
    if spec["mall"] is not None:
        mall = scaled(spec["mall"]["path"], spec["mall"]["columns"])
        n_init = spec["mall"]["nInit"]
        result["mall"] = sweep(
            lambda k, seed: float(KMeans(k, n_init=n_init, random_state=seed).fit(mall).inertia_),
            spec["mall"]["k"],
            seeds,
            repeats,
        )
    credit = scaled(spec["credit"]["path"], spec["credit"]["columns"])
    n_init = spec["credit"]["nInit"]
    result["credit"] = sweep(
        lambda k, seed: float(GaussianMixture(k, n_init=n_init, random_state=seed).fit(credit).bic(credit)),
        spec["credit"]["k"],
        seeds,
        repeats,
    )
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
