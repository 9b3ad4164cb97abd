"""Fit timing shared by the scikit-learn sides of the classifier benchmarks (bench/*_sklearn.py import it)."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import roc_auc_score

Factory = Callable[[], ClassifierMixin]


def bench_model(
    make: Factory, X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray, repeats: int
) -> dict[str, object]:
    """A cold first fit, then `repeats` timed fits (wall and process CPU) of fresh estimators; test AUC of the last."""
    fit_seconds: list[float] = []
    cpu_seconds: list[float] = []
    model = make()
    for _ in range(repeats + 1):  # the first fit is reported separately as "cold"
        model = make()
        start, cpu_start = time.perf_counter(), time.process_time()
        model.fit(X_train, y_train)
        fit_seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
    proba = model.predict_proba(X_test)[:, 1]
    return {
        "coldSeconds": fit_seconds[0],
        "fitSeconds": fit_seconds[1:],
        "fitCpuSeconds": cpu_seconds[1:],
        "testAuc": float(roc_auc_score(y_test, proba)),
    }
