"""scikit-learn side of bench/loan.ts (normally started by it, not by hand).

    bench/.venv/bin/python bench/loan_sklearn.py SPEC.json

SPEC.json (written by bench/loan.ts) names two CSV files, train and test, holding the project's own encoded gold
matrices (column "label", then the encoded features: numeric columns with missing values left empty, one-hot columns
for the categorical features), exported by the TypeScript side after its stratified 80/20 split (seed 42). Both
sides therefore fit on exactly the same rows and columns. Preprocessing added here mirrors the project's:
median imputation (training medians) + standardisation for the linear model; the trees take NaN as it is.

Prints one JSON object to stdout:
{"versions": {...}, "results": [{model, impl, coldSeconds, fitSeconds[], fitCpuSeconds[], testAuc}]}.
Run with OMP_NUM_THREADS=1 for a one-core comparison (bench/loan.ts does this).
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
from sklearn_fits import Factory, bench_model


def load_matrix(path: str) -> tuple[np.ndarray, np.ndarray]:
    table = pd.read_csv(path, float_precision="round_trip")
    y = table["label"].astype(int).to_numpy()
    X = table.drop(columns=["label"]).astype(float).to_numpy()
    return X, y


def models(seed: int) -> list[tuple[str, str, Factory]]:
    """(family, description, estimator factory), as LOAN_MODEL_SPECS in src/pipelines/loan/model.ts."""
    return [
        (
            "logistic-regression",
            "sklearn LogisticRegression(C=1, lbfgs) + median imputer + StandardScaler",
            lambda: make_pipeline(
                SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)
            ),
        ),
        (
            "random-forest",
            "sklearn RandomForestClassifier(n_estimators=100, min_samples_leaf=5, n_jobs=1), NaN-aware",
            lambda: RandomForestClassifier(n_estimators=100, min_samples_leaf=5, n_jobs=1, random_state=seed),
        ),
        (
            "gradient-boosting",
            "sklearn HistGradientBoostingClassifier(lr=0.1, max_iter=300, early_stopping=True)",
            lambda: HistGradientBoostingClassifier(
                learning_rate=0.1, max_iter=300, early_stopping=True, random_state=seed
            ),
        ),
        (
            "gradient-boosting",
            "sklearn GradientBoostingClassifier (exact, defaults; reference) + median imputer",
            lambda: make_pipeline(SimpleImputer(strategy="median"), GradientBoostingClassifier(random_state=seed)),
        ),
    ]


def main() -> None:
    with open(sys.argv[1], encoding="utf8") as f:
        spec = json.load(f)
    X_train, y_train = load_matrix(spec["train"])
    X_test, y_test = load_matrix(spec["test"])
    results = []
    for family, impl, make in models(spec["seed"]):
        print(f"sklearn: {impl} ...", file=sys.stderr, flush=True)
        timing = bench_model(make, X_train, y_train, X_test, y_test, spec["repeats"])
        results.append({"model": family, "impl": impl, **timing})
    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}
    json.dump({"versions": versions, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
