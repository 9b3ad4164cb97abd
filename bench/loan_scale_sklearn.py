"""scikit-learn side of bench/loan-scale.ts (normally started by it, not by hand).

    bench/.venv/bin/python bench/loan_scale_sklearn.py SPEC.json

SPEC.json names two binary matrices, train and test: little-endian float64, column after column (first the label,
then the encoded features, NaN where a value is missing), `rows` values each; `columns` counts the label too. They
are the project's own encoded gold at that scale under the bench's out-of-time split, so both sides fit the same
rows and columns. Each of the three product peers of bench/loan_sklearn.py is fitted once, one after another.

Prints one JSON object to stdout: {"versions": {...}, "loadSeconds", "peakRssBytes", "results": [{model, impl,
fitSeconds, fitCpuSeconds, testAuc, peakRssBytesAfter}]}. peakRssBytes is this process's peak resident memory
(the matrices loaded and the three fits); peakRssBytesAfter the peak so far when that fit ended.
Run with OMP_NUM_THREADS=1 for a one-core comparison (bench/loan-scale.ts does this).
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

from loan_sklearn import models


def load_matrix(path: str, rows: int, columns: int) -> tuple[np.ndarray, np.ndarray]:
    stored = np.fromfile(path, dtype="<f8").reshape(columns, rows)
    y = stored[0].astype(int)
    X = np.ascontiguousarray(stored[1:].T)
    return X, y


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def main() -> None:
    with open(sys.argv[1], encoding="utf8") as f:
        spec = json.load(f)
    start = time.perf_counter()
    X_train, y_train = load_matrix(spec["train"], spec["trainRows"], spec["columns"])
    X_test, y_test = load_matrix(spec["test"], spec["testRows"], spec["columns"])
    load_seconds = time.perf_counter() - start
    results = []
    seen: set[str] = set()
    for family, impl, make in models(spec["seed"]):
        if family in seen:  # the first of each family is the product's peer; the rest are references
            continue
        seen.add(family)
        print(f"sklearn: {impl} ...", file=sys.stderr, flush=True)
        model = make()
        start, cpu_start = time.perf_counter(), time.process_time()
        model.fit(X_train, y_train)
        fit_seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        proba = model.predict_proba(X_test)[:, 1]
        results.append(
            {
                "model": family,
                "impl": impl,
                "fitSeconds": fit_seconds,
                "fitCpuSeconds": cpu_seconds,
                "testAuc": float(roc_auc_score(y_test, proba)),
                "peakRssBytesAfter": peak_rss_bytes(),
            }
        )
        del model
    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    json.dump(
        {"versions": versions, "loadSeconds": load_seconds, "peakRssBytes": peak_rss_bytes(), "results": results},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
