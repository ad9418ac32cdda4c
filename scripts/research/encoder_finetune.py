#!/usr/bin/env python3
"""Fine-tuned, does a larger encoder read event classes better? The whole encoder and a head
(mean pooling -> dropout 0.1 -> Linear(dim, 5)) trained on the 1,349 sentences of
cameo_quad_train.tsv, then tested on the CAMEO codebook's example sentences and the team's
own cases, as encoder_probe.py does (models/heads.md, "Levers measured on another collection").

    python encoder_finetune.py MODEL_DIR LR SEED OUT_DIR

MODEL_DIR: a sentence-transformers folder (models/all-MiniLM-L6-v2, lr 5e-5; the reassembled
all-mpnet-base-v2 of encoder_probe.py, lr 2e-5). AdamW (weight decay 0.01), batch 16, 64
tokens in training and 128 in testing, 3 epochs, 6% linear warm-up then linear decay, 2 torch
threads. Same environment as encoder_probe.py. Writes OUT_DIR/res_<model>_<seed>.json.
"""
import os, sys, json, time, random, platform
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["TRANSFORMERS_OFFLINE"] = "1"
import numpy as np
import torch
import transformers
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from encoder_probe import load_train, load_A, load_B, metrics, NAMES  # the same data and metrics

torch.set_num_threads(2)
BATCH, EPOCHS, WARMUP, WD = 16, 3, 0.06, 0.01
MAXLEN_TRAIN, MAXLEN_TEST = 64, 128


class Clf(torch.nn.Module):
    def __init__(self, path):
        super().__init__()
        self.enc = AutoModel.from_pretrained(path)
        self.drop = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.enc.config.hidden_size, 5)

    def forward(self, input_ids, attention_mask, **kw):
        h = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        e = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)  # mean pooling as sentence-transformers
        return self.head(self.drop(e))


@torch.no_grad()
def predict(model, tok, X, bs=32):
    model.eval()
    out = []
    for i in range(0, len(X), bs):
        b = tok(X[i:i + bs], padding=True, truncation=True, max_length=MAXLEN_TEST, return_tensors="pt")
        out.append(torch.softmax(model(b["input_ids"], b["attention_mask"]), -1).numpy())
    return np.concatenate(out)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    path, lr, seed, out = os.path.abspath(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    name = os.path.basename(path.rstrip("/"))
    os.makedirs(out, exist_ok=True)
    random.seed(seed); np.random.seed(seed); torch.manual_seed(seed)
    Xtr, ytr = load_train()
    XA, yA, idsA = load_A()
    XB, yB, idsB, kindsB = load_B()
    tok = AutoTokenizer.from_pretrained(path)
    model = Clf(path)
    n_trunc = sum(len(tok(x)["input_ids"]) > MAXLEN_TRAIN for x in Xtr)

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": WD},
        {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(params, lr=lr)
    steps_per_epoch = (len(Xtr) + BATCH - 1) // BATCH
    total = steps_per_epoch * EPOCHS
    sched = get_linear_schedule_with_warmup(opt, int(round(WARMUP * total)), total)
    lossf = torch.nn.CrossEntropyLoss()
    ytr_t = torch.tensor(ytr)
    g = torch.Generator().manual_seed(seed)

    t0 = time.perf_counter()
    log = []
    for ep in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(Xtr), generator=g).tolist()
        tot, nb = 0.0, 0
        for i in range(0, len(perm), BATCH):
            idx = perm[i:i + BATCH]
            b = tok([Xtr[j] for j in idx], padding=True, truncation=True, max_length=MAXLEN_TRAIN, return_tensors="pt")
            loss = lossf(model(b["input_ids"], b["attention_mask"]), ytr_t[idx])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            tot += loss.item(); nb += 1
            if nb % 20 == 0:
                print(f"  step {ep*steps_per_epoch+nb}/{total} loss {loss.item():.3f} t={time.perf_counter()-t0:.0f}s", flush=True)
        el = time.perf_counter() - t0
        log.append({"epoch": ep + 1, "mean_loss": tot / nb, "elapsed_s": el})
        print(f"[{name} s{seed}] epoch {ep+1} loss {tot/nb:.4f} elapsed {el:.0f}s", flush=True)
    train_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    PTr = predict(model, tok, Xtr); PA = predict(model, tok, XA); PB = predict(model, tok, XB)
    eval_s = time.perf_counter() - t1
    res = {"model": name, "path": path, "seed": seed, "lr": lr, "batch": BATCH, "epochs": EPOCHS,
           "steps": total, "warmup_steps": int(round(WARMUP * total)), "train_s": train_s, "eval_s": eval_s,
           "train_truncated_at_64": int(n_trunc), "epoch_log": log,
           "train_fit": {k: v for k, v in metrics(ytr, PTr).items() if k in ("macro_f1", "accuracy")},
           "A": metrics(yA, PA), "B": metrics(yB, PB),
           "B_by_kind": {k: float(np.mean(PB.argmax(1)[np.array(kindsB) == k] == yB[np.array(kindsB) == k]))
                         for k in sorted(set(kindsB))},
           "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                        "numpy": np.__version__, "python": platform.python_version(),
                        "threads": torch.get_num_threads()}}
    np.save(f"{out}/probs_{name}_{seed}_A.npy", PA); np.save(f"{out}/probs_{name}_{seed}_B.npy", PB)
    json.dump(res, open(f"{out}/res_{name}_{seed}.json", "w"), indent=1)
    for s in ("A", "B"):
        r = res[s]
        print(f"{s}: macroF1(5)={r['macro_f1']:.3f} macroF1(present)={r['macro_f1_present_classes']:.3f} "
              f"acc={r['accuracy']:.3f} auc={r['auc_conflict_vs_coop']:.3f} cm={r['confusion']}", flush=True)
    print(f"train_s={train_s:.1f} eval_s={eval_s:.1f}", flush=True)


if __name__ == "__main__":
    main()
