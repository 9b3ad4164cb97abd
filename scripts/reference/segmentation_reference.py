"""Writes test/fixtures/segmentation-reference.json: scikit-learn / kneed reference numbers for src/ml's
segmentation algorithms (min-max scaling, K-Means, Gaussian mixture, Kneedle).

Usage (from the repo root, with the bench venv):
    bench/.venv/bin/python scripts/reference/segmentation_reference.py

Small datasets are generated here from fixed numpy seeds and stored in the fixture, so the tests need no
Python. Every k sweep keeps each seed's curve (ssePerSeed / bicPerSeed) beside their median and kneed's knee of
each and of the median, so the tests can apply the pipeline's own elbow selection to exactly the curves kneed saw.
Mall-customer references (k = 1..50 SSE, k = 1..10 BIC, per seed and median, and the knees) are added when
../shared/datasets/Mall_Customers.csv exists next to the repo; the data itself is not copied.
scikit-learn runs single-threaded. The file is formatted with the repo's Prettier (best effort).
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import shutil  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import kneed  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from kneed import KneeLocator  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "segmentation-reference.json"
MALL = ROOT.parent / "shared" / "datasets" / "Mall_Customers.csv"
MALL_FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"]
SEEDS = range(10)


def rows(a: np.ndarray) -> list:
    return np.asarray(a, dtype=float).tolist()


def knee_of(x, y, **kwargs) -> float | None:
    knee = KneeLocator(list(x), list(y), interp_method="interp1d", **kwargs).knee
    return None if knee is None else float(knee)


def minmax_cases() -> dict:
    data = np.array([[1.0, 5.0, -2.0], [3.0, 5.0, 0.5], [2.0, 5.0, 8.0], [10.0, 5.0, -1.0]])
    scaler = MinMaxScaler().fit(data)
    unseen = np.array([[0.0, 4.0, 10.0], [5.5, 5.0, 3.0]])
    return {
        "rows": rows(data),
        "min": rows(scaler.data_min_),
        "max": rows(scaler.data_max_),
        "transformed": rows(scaler.transform(data)),
        "unseen": rows(unseen),
        "unseenTransformed": rows(scaler.transform(unseen)),
    }


def kneedle_cases() -> list:
    x = np.arange(1, 21)
    convex_decreasing = np.round(1000 / x + np.linspace(0, 8, 20), 4)
    concave_increasing = np.round(np.log(x) * 10, 4)
    uneven_x = np.array([1, 2, 3, 5, 8, 13, 21, 34, 55, 89], dtype=float)
    uneven_y = np.round(100 * np.exp(-uneven_x / 6) + 0.1 * uneven_x, 4)
    rng = np.random.default_rng(7)
    noisy = np.round(500 / x + rng.normal(0, 4, 20), 3)
    wiggly = np.array([10, 9, 8.9, 5, 4.9, 4.85, 3, 2.95, 2.9, 2.88, 1, 0.99, 0.98], dtype=float)
    curves = [
        ("convex decreasing", x, convex_decreasing),
        ("convex increasing", x, convex_decreasing[::-1]),
        ("concave increasing", x, concave_increasing),
        ("concave decreasing", x, concave_increasing[::-1]),
        ("uneven x", uneven_x, uneven_y),
        ("noisy", x, noisy),
        ("wiggly staircase", np.arange(1, 14), wiggly),
        ("straight line", x, 100 - 3.0 * x),
        ("constant", x, np.full(20, 4.0)),
    ]
    cases = []
    for name, cx, cy in curves:
        for curve in ("convex", "concave"):
            for direction in ("decreasing", "increasing"):
                for online in (False, True):
                    for s in (1.0, 0.5, 3.0):
                        with np.errstate(all="ignore"):
                            locator = KneeLocator(
                                list(cx), list(cy), S=s, curve=curve, direction=direction, online=online
                            )
                        diff = [None if not np.isfinite(v) else float(v) for v in locator.y_difference]
                        cases.append(
                            {
                                "name": name,
                                "x": rows(cx),
                                "y": rows(cy),
                                "S": s,
                                "curve": curve,
                                "direction": direction,
                                "online": online,
                                "knee": None if locator.knee is None else float(locator.knee),
                                "difference": diff if all(v is not None for v in diff) else [],
                            }
                        )
    return cases


def blobs(seed: int, centers: list, sizes: list, scale: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parts = [rng.normal(c, scale, size=(n, len(c))) for c, n in zip(centers, sizes)]
    return np.round(np.vstack(parts), 4)


def kmeans_sweep(data: np.ndarray, ks) -> dict:
    sse = np.array([[KMeans(k, n_init=10, random_state=s).fit(data).inertia_ for k in ks] for s in SEEDS])
    knees = [knee_of(ks, curve, curve="convex", direction="decreasing") for curve in sse]
    return {
        "k": list(ks),
        "ssePerSeed": rows(sse),
        "sseMedian": rows(np.median(sse, axis=0)),
        "sseMin": rows(sse.min(axis=0)),
        "sseMax": rows(sse.max(axis=0)),
        "kneePerSeed": knees,
        "kneeOfMedian": knee_of(ks, np.median(sse, axis=0), curve="convex", direction="decreasing"),
    }


def kmeans_cases() -> dict:
    data = blobs(11, [[0, 0], [5, 5], [0, 6]], [20, 25, 15], 0.8)
    fit = KMeans(3, n_init=10, random_state=0).fit(data)
    return {
        "blobs": {
            "rows": rows(data),
            "k3": {"inertia": float(fit.inertia_), "centroids": rows(fit.cluster_centers_), "labels": fit.labels_.tolist()},
            "sweep": kmeans_sweep(data, range(1, 9)),
        }
    }


def gmm_fit_summary(model: GaussianMixture, data: np.ndarray) -> dict:
    return {
        "weights": rows(model.weights_),
        "means": rows(model.means_),
        "covariances": rows(model.covariances_),
        "logLikelihood": float(model.score(data) * len(data)),
        "bic": float(model.bic(data)),
        "aic": float(model.aic(data)),
        "converged": bool(model.converged_),
        "iterations": int(model.n_iter_),
    }


def gmm_cases() -> dict:
    data = blobs(5, [[0, 0], [4, 1], [1, 5]], [40, 30, 30], [0.6, 0.9])
    # Skewed, correlated 3-D data exercising full covariances.
    rng = np.random.default_rng(21)
    base = rng.normal(size=(150, 3)) @ np.array([[1.0, 0.6, 0.2], [0.0, 0.8, -0.4], [0.0, 0.0, 0.5]])
    skewed = np.round(np.vstack([base[:90] + [0, 0, 0], 0.5 * base[90:] + [3, -2, 1]]), 4)
    cases = {}
    for name, x, ks in (("blobs2d", data, range(1, 5)), ("skewed3d", skewed, range(1, 4))):
        defaults = {}
        tight = {}
        for k in ks:
            defaults[k] = gmm_fit_summary(GaussianMixture(k, random_state=0).fit(x), x)
            # Run to (almost) exact convergence: the optimum our accelerated EM should reach.
            tight[k] = gmm_fit_summary(GaussianMixture(k, random_state=0, tol=1e-10, max_iter=100000).fit(x), x)
        bic = np.array([[GaussianMixture(k, random_state=s).fit(x).bic(x) for k in ks] for s in SEEDS])
        model = GaussianMixture(3 if name == "blobs2d" else 2, random_state=0, tol=1e-10, max_iter=100000).fit(x)
        probe = np.round(np.vstack([x[:5], x.mean(axis=0), x.max(axis=0) + 3]), 4)
        cases[name] = {
            "rows": rows(x),
            "k": list(ks),
            "defaults": [defaults[k] for k in ks],
            "converged": [tight[k] for k in ks],
            "bicPerSeed": rows(bic),
            "bicMedian": rows(np.median(bic, axis=0)),
            "kneePerSeed": [knee_of(ks, curve, curve="convex", direction="decreasing") for curve in bic],
            "kneeOfMedian": knee_of(ks, np.median(bic, axis=0), curve="convex", direction="decreasing"),
            "predict": {
                "model": gmm_fit_summary(model, x),
                "rows": rows(probe),
                "proba": rows(model.predict_proba(probe)),
                "labels": model.predict(probe).tolist(),
            },
        }
    return cases


def mall_cases() -> dict | None:
    if not MALL.exists():
        return None
    frame = pd.read_csv(MALL)
    data = MinMaxScaler().fit_transform(frame[MALL_FEATURES].to_numpy(dtype=float))
    ks = range(1, 11)
    bic = np.array([[GaussianMixture(k, random_state=s).fit(data).bic(data) for k in ks] for s in SEEDS])
    return {
        "features": MALL_FEATURES,
        "rows": len(frame),
        "kmeans": kmeans_sweep(data, range(1, 51)),
        "gmm": {
            "k": list(ks),
            "bicPerSeed": rows(bic),
            "bicMedian": rows(np.median(bic, axis=0)),
            "kneePerSeed": [knee_of(ks, curve, curve="convex", direction="decreasing") for curve in bic],
            "kneeOfMedian": knee_of(ks, np.median(bic, axis=0), curve="convex", direction="decreasing"),
        },
    }


def main() -> None:
    reference = {
        "generatedBy": "scripts/reference/segmentation_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "kneed": kneed.__version__},
        "seeds": list(SEEDS),
        "minmax": minmax_cases(),
        "kneedle": kneedle_cases(),
        "kmeans": kmeans_cases(),
        "gmm": gmm_cases(),
        "mall": mall_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(reference) + "\n")
    npx = shutil.which("npx")
    if npx:
        subprocess.run([npx, "prettier", "--write", str(OUT)], cwd=ROOT, check=False, capture_output=True)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
