"""Fit the similarity model's coefficients on MSRP train (label 1 = same meaning).

Usage: python tools/fit_similarity.py [../shared/data/dev/msrp_train.tsv]
Prints 5-fold cross-validated accuracy/F1 and the coefficients to paste into storyline/similarity.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_predict

from storyline.clean import normalize
from storyline.textsim import FEATURES, build_bank, pair_features


def load(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    a, b, y = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in {"0", "1"}:
            continue
        y.append(int(parts[0]))
        a.append(parts[1])
        b.append(parts[2])
    return a, b, np.array(y)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/dev/msrp_train.tsv")
    a, b, y = load(path)
    norms = [normalize(s) for pair in zip(a, b, strict=True) for s in pair]
    bank = build_bank(norms)
    idx = np.arange(0, len(norms), 2)
    x = pair_features(bank, idx, idx + 1)
    model = LogisticRegression(C=1.0, max_iter=2000)
    pred = cross_val_predict(model, x, y, cv=5)
    print(f"pairs={len(y)} 5-fold CV accuracy={np.mean(pred == y):.4f} F1={f1_score(y, pred):.4f}")
    model.fit(x, y)
    print("FEATURES =", FEATURES)
    print("COEF = np.array([" + ", ".join(f"{c:.4f}" for c in model.coef_[0]) + "])")
    print(f"INTERCEPT = {model.intercept_[0]:.4f}")


if __name__ == "__main__":
    main()
