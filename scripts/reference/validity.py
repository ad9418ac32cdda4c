#!/usr/bin/env python3
"""Validity figures of the trained scorers from `detente score` output, in pure Python
(no numpy), computed as `detente train` (src/train/metrics.rs) computes them for the model card.

  validity.py inputs DIR             write nyt.csv and tension.csv (id,text) into DIR
  validity.py nyt NYT.csv OUT.csv    Pearson r and 3-class macro-F1 against the ratings
  validity.py tension TSV OUT.csv    macro-F1, accuracy, AUC conflict vs cooperation

Each figure prints as one JSON object.
"""
import csv
import json
import math
import os
import sys

CLASSES = ["statement", "verbal_cooperation", "material_cooperation",
           "verbal_conflict", "material_conflict"]


def read_nyt(path):
    rows = []
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        for line in f.read().splitlines():
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) >= 3:
                rows.append((parts[0], float(parts[1]), "\t".join(parts[2:]).strip()))
    return rows


def read_tension(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            line = line.rstrip("\n")
            if line:
                text, label = line.rsplit("\t", 1)
                rows.append((f"t{i}", int(label), text))
    return rows


def write_inputs(out_dir, nyt_path, tension_path):
    for name, rows in [("nyt.csv", read_nyt(nyt_path)), ("tension.csv", read_tension(tension_path))]:
        with open(os.path.join(out_dir, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "text"])
            for rid, _, text in rows:
                w.writerow([rid, text])


def scored(out_csv):
    """doc_id -> row; inputs are run with --no-split, so one row per id."""
    with open(out_csv, newline="", encoding="utf-8") as f:
        return {r["doc_id"]: r for r in csv.DictReader(f)}


def pearson(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


def macro_f1(truth, pred, labels):
    f1s = []
    for c in labels:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        fp = sum(t != c and p == c for t, p in zip(truth, pred))
        fn = sum(t == c and p != c for t, p in zip(truth, pred))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s)


def auc(pos, neg):
    """Mann-Whitney AUC with ties counted half."""
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # average 1-based rank of the tie group
        rank_sum += mid * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def nyt_figures(nyt_path, out_csv):
    rows, got = read_nyt(nyt_path), scored(out_csv)
    truth = [y for _, y, _ in rows]
    pred = [4 * float(got[rid]["sentiment"]) for rid, _, _ in rows]
    c3 = lambda v: 2 if v > 0.05 else (0 if v < -0.05 else 1)  # noqa: E731
    return {"nyt_r": pearson(pred, truth),
            "nyt_f1_3": macro_f1([c3(v) for v in truth], [c3(v) for v in pred], [0, 1, 2]),
            "n": len(rows)}


def tension_figures(tsv, out_csv):
    rows, got = read_tension(tsv), scored(out_csv)
    truth = [y for _, y, _ in rows]
    probs = [[float(got[rid][f"p_{c}"]) for c in CLASSES] for rid, _, _ in rows]
    pred = [max(range(5), key=lambda k: p[k]) for p in probs]
    score = [p[3] + p[4] - p[1] - p[2] for p in probs]
    pos = [s for s, y in zip(score, truth) if y >= 3]
    neg = [s for s, y in zip(score, truth) if y in (1, 2)]
    return {"tension_f1": macro_f1(truth, pred, range(5)),
            "tension_acc": sum(t == p for t, p in zip(truth, pred)) / len(truth),
            "tension_auc": auc(pos, neg), "n": len(rows)}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "inputs" and len(sys.argv) == 5:
        write_inputs(*sys.argv[2:])
    elif cmd == "nyt" and len(sys.argv) == 4:
        print(json.dumps(nyt_figures(*sys.argv[2:])))
    elif cmd == "tension" and len(sys.argv) == 4:
        print(json.dumps(tension_figures(*sys.argv[2:])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
