#!/usr/bin/env python3
"""Does a head trained directly on Goldstein values rank intensity better than `goldstein`,
the expectation of the root head's Goldstein means? (models/heads.md, "Levers measured:
intensity")

    python goldstein_head.py OUT_DIR

Reads OUT_DIR/train.csv + train.npy and OUT_DIR/cb.csv + cb.npy, written by `detente score`
with the shipped model (commands below), cameo_goldstein.json (gdelt-py 0.1.11, installed by
scripts/bootstrap under $DETENTE_HOME/data/cameo/), datasets/cameo_quad_roots.tsv and
models/heads/config.json. Needs numpy and scipy.

    # one JSON line per sentence of cameo_quad_train.tsv (id t<line>) and per codebook
    # example of 4 words or more (its id), then:
    detente score OUT_DIR/train.jsonl --no-split --scorers tension --class-probs \
        -o OUT_DIR/train.csv --embeddings OUT_DIR/train.npy
    detente score OUT_DIR/cb.jsonl --no-split --scorers tension --class-probs \
        -o OUT_DIR/cb.csv --embeddings OUT_DIR/cb.npy

A ridge regression of the Goldstein value on the tuned sentence embedding, fit on the 1,026
sentences with a silver root (target: that root's mean Goldstein value), or on all 1,349 (the
rest take their gold class's mean); the penalty by 5-fold CV (seed 1234) on the training side.
Test: Spearman with the Goldstein value of each codebook example's own CAMEO code, never trained
on, beside the shipped `goldstein`. The embeddings of the training sentences come from the
encoder tuned on them, so the in-collection CV figure is optimistic; the codebook figure is not.
"""
import csv, json, os, sys
import numpy as np
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATASETS = os.environ.get("DETENTE_DATASETS", os.path.join(REPO, "..", "shared", "datasets"))
HOME = os.environ.get("DETENTE_HOME", os.path.expanduser("~/.cache/detente"))
if len(sys.argv) != 2:
    sys.exit(__doc__)
out = sys.argv[1]

G = json.load(open(os.path.join(HOME, "data", "cameo", "cameo_goldstein.json")))


def code_value(code):
    while code and code not in G:
        code = code[:-1]
    return G[code]["value"]


cfg = json.load(open(os.path.join(REPO, "models", "heads", "config.json")))
root_g = {r["code"]: r["goldstein"] for r in cfg["tension"]["roots"]}
silver = {}
for line in open(os.path.join(REPO, "datasets", "cameo_quad_roots.tsv")):
    if line.startswith("#") or line.startswith("line\t"):
        continue
    f = line.rstrip("\n").split("\t")
    silver[int(f[0])] = (int(f[2]), f[3])


def load(name):
    return np.load(os.path.join(out, f"{name}.npy")), list(csv.DictReader(open(os.path.join(out, f"{name}.csv"))))


Xt, rt = load("train")
Xc, rc = load("cb")
gold = [silver[int(r["doc_id"][1:])][0] for r in rt]
yt = np.array([root_g[silver[int(r["doc_id"][1:])][1]] if silver[int(r["doc_id"][1:])][1] else np.nan for r in rt])
class_mean = {c: np.nanmean(yt[[g == c for g in gold]]) for c in range(5)}
filled = np.array([y if not np.isnan(y) else class_mean[g] for y, g in zip(yt, gold)])
examples = {r["id"]: r for r in csv.DictReader(open(os.path.join(DATASETS, "cameo_examples_roles.tsv")), delimiter="\t")}
yc = np.array([code_value(examples[r["doc_id"]]["cameo_code"]) for r in rc])
shipped = np.array([float(r["goldstein"]) for r in rc])
print(f"codebook examples: {len(yc)}; shipped goldstein Spearman {spearmanr(shipped, yc)[0]:.3f}")


def ridge(X, y, lam):
    xm, ym = X.mean(0), y.mean()
    w = np.linalg.solve((X - xm).T @ (X - xm) + lam * np.eye(X.shape[1]), (X - xm).T @ (y - ym))
    return lambda Z: (Z - xm) @ w + ym


def pick(X, y):
    folds = np.array_split(np.random.default_rng(1234).permutation(len(y)), 5)
    best = None
    for lam in [0.01, 0.1, 1, 3, 10, 30, 100]:
        pred = np.zeros(len(y))
        for f in folds:
            keep = np.ones(len(y), bool)
            keep[f] = False
            pred[f] = ridge(X[keep], y[keep], lam)(X[f])
        s = spearmanr(pred, y)[0]
        if best is None or s > best[1]:
            best = (lam, s)
    return best


has = ~np.isnan(yt)
for name, X, y in [("silver roots only", Xt[has], yt[has]), ("all, class mean for the rest", Xt, filled)]:
    lam, s = pick(X, y)
    pc = ridge(X, y, lam)(Xc)
    print(f"{name}: n={len(y)} penalty {lam}; in-collection CV Spearman {s:.3f}; "
          f"codebook Spearman {spearmanr(pc, yc)[0]:.3f}; sum with the shipped goldstein "
          f"{spearmanr(pc + shipped, yc)[0]:.3f}")
