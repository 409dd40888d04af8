#!/usr/bin/env python3
"""Reference values for MetricsReferenceTests: the evaluation metrics on fixed score vectors with ties,
computed by scikit-learn, plus two things scikit-learn lacks, written out from their definitions in numpy:
the EER (where the ROC polyline crosses FPR = FNR) and DeLong's AUC variance and paired test
(DeLong, DeLong & Clarke-Pearson 1988, by direct pairwise comparison rather than Sun & Xu's midranks).

Scores are multiples of 1/256, exact in float32, so Swift reads the very values scikit-learn scored.
Run (scikit-learn in a throwaway venv):
  /usr/bin/python3 -m venv --system-site-packages /tmp/venv-sk && /tmp/venv-sk/bin/pip install scikit-learn
  /tmp/venv-sk/bin/python scripts/reference/metrics_reference.py > Tests/TrainTests/Fixtures/metrics_reference.json
"""
import json
import math
import sys

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score, log_loss,
                             roc_auc_score, roc_curve)


def quantize(p):
    return np.clip(np.round(np.asarray(p) * 256) / 256, 1 / 256, 255 / 256)


def eer(y, p):
    fpr, tpr, _ = roc_curve(y, p, drop_intermediate=False)
    fnr = 1 - tpr
    g = fpr - fnr                      # rises from -1 at (0, 0) to +1 at (1, 1)
    i = int(np.argmax(g >= 0))
    if i == 0:
        return float(fpr[0])
    a = -g[i - 1] / (g[i] - g[i - 1])
    return float(fpr[i - 1] + a * (fpr[i] - fpr[i - 1]))


def chosen_threshold(y, p):
    """Brute force over the rule: fake when p > t; t is 0.5 or a midpoint between consecutive distinct
    scores; the highest validation balanced accuracy wins, ties go to the t closest to 0.5, then the lower."""
    distinct = np.unique(p)
    candidates = [0.5] + [(a + b) / 2 for a, b in zip(distinct[:-1], distinct[1:])]
    scored = [(balanced_accuracy_score(y, p > t), t) for t in candidates]
    best = max(s for s, _ in scored)
    return min((abs(t - 0.5), t) for s, t in scored if s == best)[1]


def structural_components(y, p):
    """V10 per positive and V01 per negative: mean of psi over the other class (psi = 1, 1/2 on ties, 0)."""
    pos, neg = p[y == 1], p[y == 0]
    psi = (pos[:, None] > neg[None, :]).astype(float) + 0.5 * (pos[:, None] == neg[None, :])
    return psi.mean(axis=1), psi.mean(axis=0)


def delong(y, scores):
    """AUCs, their covariance matrix S10/m + S01/n, and for two: z and the two-sided p value."""
    comps = [structural_components(y, s) for s in scores]
    v10 = np.array([c[0] for c in comps])
    v01 = np.array([c[1] for c in comps])
    m, n = v10.shape[1], v01.shape[1]
    cov = np.atleast_2d(np.cov(v10, ddof=1)) / m + np.atleast_2d(np.cov(v01, ddof=1)) / n
    aucs = v10.mean(axis=1)
    return aucs, cov


def case(name, y, p):
    y, p = np.asarray(y, dtype=int), quantize(p)
    t = chosen_threshold(y, p)
    aucs, cov = delong(y, [p])
    out = dict(name=name, labels=y.tolist(), scores=p.tolist(),
               auc=roc_auc_score(y, p), average_precision=average_precision_score(y, p),
               log_loss=log_loss(y, p, labels=[0, 1]), eer=eer(y, p),
               accuracy_05=accuracy_score(y, p > 0.5), balanced_accuracy_05=balanced_accuracy_score(y, p > 0.5),
               val_threshold=float(t), accuracy_at_threshold=accuracy_score(y, p > t),
               balanced_accuracy_at_threshold=balanced_accuracy_score(y, p > t),
               delong_variance=float(cov[0, 0]))
    assert abs(aucs[0] - out["auc"]) < 1e-12
    return {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in out.items()}


def paired(name, y, a, b):
    y, a, b = np.asarray(y, dtype=int), quantize(a), quantize(b)
    aucs, cov = delong(y, [a, b])
    z = (aucs[0] - aucs[1]) / math.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    return dict(name=name, labels=y.tolist(), scores_a=a.tolist(), scores_b=b.tolist(),
                auc_a=float(aucs[0]), auc_b=float(aucs[1]), variance_a=float(cov[0, 0]), variance_b=float(cov[1, 1]),
                covariance=float(cov[0, 1]), z=float(z), p_value=float(math.erfc(abs(z) / math.sqrt(2))))


def main():
    rng = np.random.default_rng(20261206)
    cases = []
    y = rng.permutation([0] * 20 + [1] * 20)
    cases.append(case("balanced_coarse_ties", y, np.round((0.5 + 0.18 * (2 * y - 1) + rng.normal(0, 0.2, 40)) * 8) / 8))
    y = rng.permutation([0] * 5 + [1] * 45)
    cases.append(case("imbalanced_1_to_9", y, 0.55 + 0.12 * y + rng.normal(0, 0.15, 50)))
    cases.append(case("all_tied", [0, 1] * 5, [0.5] * 10))
    cases.append(case("separable", [0] * 6 + [1] * 4, [0.1, 0.2, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.7, 0.9]))
    y = rng.permutation([0] * 15 + [1] * 25)
    cases.append(case("inverted", y, 0.6 - 0.2 * y + rng.normal(0, 0.15, 40)))
    y = rng.permutation([0] * 150 + [1] * 250)
    cases.append(case("large_fine_ties", y, 0.5 + 0.1 * (2 * y - 1) + rng.normal(0, 0.2, 400)))

    pairs = []
    y = rng.permutation([0] * 50 + [1] * 70)
    shared = rng.normal(0, 0.15, 120)
    pairs.append(paired("correlated", y, 0.5 + 0.15 * (2 * y - 1) + shared + rng.normal(0, 0.1, 120),
                        0.5 + 0.08 * (2 * y - 1) + shared + rng.normal(0, 0.1, 120)))
    y = rng.permutation([0] * 30 + [1] * 30)
    pairs.append(paired("coarse_ties", y, np.round((0.5 + 0.2 * (2 * y - 1) + rng.normal(0, 0.2, 60)) * 6) / 6,
                        np.round((0.5 + 0.1 * (2 * y - 1) + rng.normal(0, 0.2, 60)) * 6) / 6))

    json.dump(dict(generated_by="scripts/reference/metrics_reference.py", sklearn=sklearn.__version__,
                   numpy=np.__version__, cases=cases, paired=pairs), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
