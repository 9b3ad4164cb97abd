"""Writes test/fixtures/classifiers-reference.json: scikit-learn / numpy reference numbers for src/ml.

Usage (from the repo root, with the bench venv):
    bench/.venv/bin/python scripts/reference/classifiers_reference.py

Everything is generated from fixed seeds, so re-running gives the same file for a given scikit-learn/numpy version.
NaN is written as null (JSON has no NaN); the TypeScript tests map null back to NaN. The file is then formatted
with the repo's Prettier (best effort) so `prettier --check .` stays clean.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "classifiers-reference.json"


def jsonable(value):
    """Recursively converts numpy values to JSON-safe Python values (NaN -> None, inf -> "Infinity")."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def metrics_cases():
    rng = np.random.default_rng(11)
    y_small = rng.integers(0, 2, size=40)
    # Scores rounded to one decimal so there are many ties (exercises rank averaging and curve thresholds).
    s_small = np.round(np.clip(0.35 * y_small + rng.normal(0.4, 0.25, size=40), 0, 1), 1)
    y_big = (rng.random(1000) < 0.29).astype(int)
    s_big = 1 / (1 + np.exp(-(1.1 * y_big + rng.normal(0, 1.3, size=1000))))

    def case(y, s, threshold=0.5):
        y_pred = (s >= threshold).astype(int)
        fpr, tpr, thr = roc_curve(y, s)
        fpr_all, tpr_all, thr_all = roc_curve(y, s, drop_intermediate=False)
        prec, rec, pr_thr = precision_recall_curve(y, s)
        prec_d, rec_d, pr_thr_d = precision_recall_curve(y, s, drop_intermediate=True)
        tn, fp, fn, tp = confusion_matrix(y, y_pred, labels=[0, 1]).ravel()
        return {
            "yTrue": y,
            "score": s,
            "threshold": threshold,
            "auc": roc_auc_score(y, s),
            "roc": {"fpr": fpr, "tpr": tpr, "thresholds": thr},
            "rocAll": {"fpr": fpr_all, "tpr": tpr_all, "thresholds": thr_all},
            "pr": {"precision": prec, "recall": rec, "thresholds": pr_thr},
            "prDropped": {"precision": prec_d, "recall": rec_d, "thresholds": pr_thr_d},
            "confusion": {"tn": tn, "fp": fp, "fn": fn, "tp": tp},
            "precision": precision_score(y, y_pred, zero_division=0),
            "recall": recall_score(y, y_pred, zero_division=0),
            "f1": f1_score(y, y_pred, zero_division=0),
            "accuracy": accuracy_score(y, y_pred),
            "logLoss": log_loss(y, s),
        }

    # Probabilities at exactly 0 and 1 exercise log_loss clipping; threshold 0.99 leaves no positive predictions.
    y_edge = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    s_edge = np.array([0.0, 1.0, 0.7, 0.2, 0.0, 1.0, 0.5, 0.5])
    return {
        "small": case(y_small, s_small),
        "big": case(y_big, s_big),
        "edge": case(y_edge, s_edge),
        "noPositivePredictions": case(y_edge, s_edge, threshold=1.5),
    }


def make_dataset(n=600, seed=20240611):
    """Synthetic loan-default-like table: 8 features, nonlinear signal, informative missingness, ~30% positives."""
    rng = np.random.default_rng(seed)
    x0 = rng.normal(size=n)
    x1 = rng.normal(size=n)
    x2 = rng.uniform(-2, 2, size=n)
    x3 = rng.integers(0, 5, size=n).astype(float)
    x4 = rng.binomial(1, 0.3, size=n).astype(float)
    x5 = rng.exponential(1.0, size=n)
    x6 = rng.normal(size=n)
    x7 = np.round(rng.normal(size=n), 1)
    x5_missing = rng.random(n) < 0.15
    logit = (
        -2.0
        + 1.6 * x0
        - 1.0 * x1
        + 1.5 * np.sin(1.5 * x2)
        + 0.5 * (x3 - 2)
        + 1.2 * x4 * (x0 > 0)
        + 0.8 * np.minimum(x5, 3)
        + 1.2 * x5_missing
        + 0.6 * x7 * x2
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    x1 = np.where(rng.random(n) < 0.1, np.nan, x1)
    x5 = np.where(x5_missing, np.nan, x5)
    X = np.column_stack([x0, x1, x2, x3, x4, x5, x6, x7])
    return X, y


def binning_reference(X_train):
    out = {}
    for max_bins in (255, 16):
        mapper = _BinMapper(n_bins=max_bins + 1, random_state=0).fit(X_train)
        out[str(max_bins)] = {
            "thresholds": [list(t) for t in mapper.bin_thresholds_],
            "nBinsNonMissing": mapper.n_bins_non_missing_,
            "missingBin": mapper.missing_values_bin_idx_,
        }
        if max_bins == 255:  # feature-major codes, like our BinnedMatrix (one bin count only, to stay small)
            out[str(max_bins)]["codes"] = mapper.transform(X_train).T
    return out


def logistic_reference(X_train, y_train, X_test, columns):
    Xtr, Xte = X_train[:, columns], X_test[:, columns]
    out = {"columns": columns, "fits": []}
    for C in (1.0, 0.05):
        tight = make_pipeline(StandardScaler(), LogisticRegression(C=C, tol=1e-12, max_iter=10_000)).fit(Xtr, y_train)
        default = make_pipeline(StandardScaler(), LogisticRegression(C=C)).fit(Xtr, y_train)
        lr = tight[-1]
        out["fits"].append(
            {
                "C": C,
                "coef": lr.coef_[0],
                "intercept": lr.intercept_[0],
                "mean": tight[0].mean_,
                "scale": tight[0].scale_,
                "testProba": tight.predict_proba(Xte)[:, 1],
                "defaultTolTestProba": default.predict_proba(Xte)[:, 1],
            }
        )
    return out


def tree_reference(X_train, y_train, X_test):
    """Exact CART on low-cardinality features (<= 255 distinct values), where histogram splits are exact too."""
    columns = [0, 2, 3, 4, 7]
    Xtr = np.round(X_train[:, columns], 1)
    Xte = np.round(X_test[:, columns], 1)
    clf = DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=0).fit(Xtr, y_train)
    t = clf.tree_
    return {
        "XTrain": Xtr,
        "XTest": Xte,
        "params": {"maxDepth": 4, "minSamplesLeaf": 5},
        "tree": {
            "left": t.children_left,
            "right": t.children_right,
            "feature": t.feature,
            "threshold": t.threshold,
            "value": t.value[:, 0, 1],  # sklearn >= 1.4 stores class fractions
        },
        "testProba": clf.predict_proba(Xte)[:, 1],
    }


def forest_reference(X_train, y_train, X_test, y_test, seeds=(0, 1, 2, 3, 4)):
    """Forests differ run to run, so keep several seeds: the mean AUC and the seed-averaged probabilities."""
    probas = [
        RandomForestClassifier(n_estimators=200, random_state=seed, n_jobs=1).fit(X_train, y_train).predict_proba(X_test)[:, 1]
        for seed in seeds
    ]
    aucs = [roc_auc_score(y_test, p) for p in probas]
    return {
        "nEstimators": 200,
        "testAucBySeed": aucs,
        "meanTestAuc": float(np.mean(aucs)),
        "meanTestProba": np.mean(probas, axis=0),
    }


def boosting_reference(X_train, y_train, X_test, y_test):
    params = dict(learning_rate=0.1, max_iter=100, max_leaf_nodes=31, min_samples_leaf=20, l2_regularization=0.0)
    hgb = HistGradientBoostingClassifier(**params, early_stopping=False, random_state=0).fit(X_train, y_train)
    proba = hgb.predict_proba(X_test)[:, 1]
    baseline = float(hgb._baseline_prediction.ravel()[0])
    first_tree = hgb._predictors[0][0].nodes
    return {
        "params": params,
        "baseline": baseline,
        "nIter": hgb.n_iter_,
        "testAuc": roc_auc_score(y_test, proba),
        "testProba": proba,
        "trainProba": hgb.predict_proba(X_train)[:, 1],
        "firstTreeLeafCount": int(first_tree["is_leaf"].sum()),
        "firstTreeRootFeature": int(first_tree[0]["feature_idx"]),
        "firstTreeRootThreshold": float(first_tree[0]["num_threshold"]),
    }


def psi_reference():
    rng = np.random.default_rng(5)
    expected = rng.normal(0, 1, size=1000)
    actual = rng.normal(0.3, 1.2, size=800)
    bins = 10
    edges = np.unique(np.quantile(expected, np.arange(1, bins) / bins))
    e_pct = np.bincount(np.searchsorted(edges, expected, side="left"), minlength=len(edges) + 1) / len(expected)
    a_pct = np.bincount(np.searchsorted(edges, actual, side="left"), minlength=len(edges) + 1) / len(actual)
    e, a = np.maximum(e_pct, 1e-4), np.maximum(a_pct, 1e-4)
    return {
        "expected": expected,
        "actual": actual,
        "bins": bins,
        "edges": edges,
        "expectedPct": e_pct,
        "actualPct": a_pct,
        "psi": float(np.sum((a - e) * np.log(a / e))),
    }


def main():
    X, y = make_dataset()
    n_train = 450
    X_train, X_test, y_train, y_test = X[:n_train], X[n_train:], y[:n_train], y[n_train:]
    fixture = {
        "generatedBy": "scripts/reference/classifiers_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "metrics": metrics_cases(),
        "psi": psi_reference(),
        "dataset": {"X": X, "y": y, "nTrain": n_train, "positiveRate": float(y.mean())},
        "binning": binning_reference(X_train),
        "logistic": logistic_reference(X_train, y_train, X_test, columns=[0, 2, 3, 4, 6, 7]),
        "tree": tree_reference(X_train, y_train, X_test),
        "forest": forest_reference(X_train, y_train, X_test, y_test),
        "boosting": boosting_reference(X_train, y_train, X_test, y_test),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(jsonable(fixture), separators=(",", ":")) + "\n")
    if shutil.which("npx"):
        subprocess.run(["npx", "--no-install", "prettier", "--write", str(OUT)], cwd=ROOT, check=False, capture_output=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
