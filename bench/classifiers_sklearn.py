"""scikit-learn side of bench/classifiers.ts (normally started by it, not by hand).

    bench/.venv/bin/python bench/classifiers_sklearn.py SPEC.json

SPEC.json (written by bench/classifiers.ts) names the data file (Parquet or CSV), the label and feature columns,
the train/test row indices, the seed and the number of repeats, so both sides fit on exactly the same rows.
Prints one JSON object to stdout: {"sklearn": version, "results": [{model, impl, coldSeconds, fitSeconds[], fitCpuSeconds[], testAuc}]}.
Run with OMP_NUM_THREADS=1 for a one-core comparison (bench/classifiers.ts does this).
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn_fits import bench_model


def load_table(path: str, fmt: str) -> pd.DataFrame:
    return pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)


def models(seed: int):
    """(family, description, estimator factory): same families and defaults as the TypeScript side."""
    return [
        (
            "logistic-regression",
            "sklearn LogisticRegression(C=1, lbfgs) + mean imputer + StandardScaler",
            lambda: make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)),
        ),
        (
            "random-forest",
            "sklearn RandomForestClassifier(n_estimators=100, n_jobs=1)",
            lambda: RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=seed),
        ),
        (
            "gradient-boosting",
            "sklearn HistGradientBoostingClassifier (defaults)",
            lambda: HistGradientBoostingClassifier(random_state=seed),
        ),
        (
            "gradient-boosting",
            "sklearn GradientBoostingClassifier (exact, reference) + mean imputer",
            lambda: make_pipeline(SimpleImputer(), GradientBoostingClassifier(random_state=seed)),
        ),
    ]


def main() -> None:
    spec = json.loads(open(sys.argv[1], encoding="utf8").read())
    table = load_table(spec["data"], spec["format"])
    X = table[spec["features"]].astype(float).to_numpy()
    y = table[spec["label"]].astype(int).to_numpy()
    train, test = np.asarray(spec["train"]), np.asarray(spec["test"])
    results = []
    for family, impl, make in models(spec["seed"]):
        timing = bench_model(make, X[train], y[train], X[test], y[test], spec["repeats"])
        results.append({"model": family, "impl": impl, **timing})
    json.dump({"sklearn": sklearn.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
