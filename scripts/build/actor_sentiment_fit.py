#!/usr/bin/env python3
"""Can the shipped encoder give the sentiment of a sentence toward one of its actors?

An experiment for `actor_sentiment` (issue 17's optional step). NewsMTSC labels the
sentiment toward each named target of a sentence. The shipped encoder (LoRA delta merged,
models/heads) is run once per sentence; a target's features are its token states averaged
over the tokens of its mentions (the main one and `further_mentions`), with the sentence
embedding beside them. A 3-way logistic regression on those features is trained on the
targets of single-polarity sentences and tested on the targets of the mixed-polarity
sentences, which the shipped encoder never saw labels of (`detente train --news` leaves
them out), and which are the case a per-actor score exists for. Baselines on the same
targets: the sentence's own `sentiment_label` (the news head) given to every target, and
the majority class.

  actor_sentiment_fit.py [--models DIR] [--data newsmtsc_train.jsonl] [--threads N]
                         [--write DIR --fixture FILE]
  actor_sentiment_fit.py --fixture-only DIR --fixture FILE

The shipped head is fit by `detente train --head actor-sentiment` (src/train/
actor_sentiment.rs); scripts/build/actor_sentiment then runs this script with
--fixture-only models/actor_sentiment --fixture tests/fixtures/actor_reference.jsonl: the
parity fixture of that head, computed by the Python reference, with no fit. The fit below
is the earlier Python recipe, kept for the card's Python figures.

--mixed-weights W... adds a 5-fold CV (by sentence) over the mixed sentences whose
training folds also hold the other mixed sentences' targets, weighted W: the recipe of the
shipped head, measured where the encoder never saw a label.

--write DIR exports the head fit on every target (the mixed sentences' targets weighted
--ship-mixed-weight, default 5) as DIR/head.safetensors (`actor.weight` 3 x 768 with the
standardisation folded in, `actor.bias`) and DIR/config.json, which records the sha256
of the heads.safetensors whose encoder it was fit on; --fixture FILE writes the reference
that `tests/it` checks detente's `actor_sentiment` against: own sentences (FIXTURE below),
each state's mention spans, and p(negative, neutral, positive) per state, fp32.

Prints one JSON object: counts, macro-F1 and per-class F1 of each method on the mixed
targets, and 5-fold CV (by sentence) on the single-polarity targets, which the encoder did
see at sentence level and which is therefore optimistic.
"""
import argparse
import json
import os
import random
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
from score import load_model, batches, MAX_TOKENS  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

LABEL = {2.0: 0, 4.0: 1, 6.0: 2}
NAMES = ["negative", "neutral", "positive"]


def f1s(gold, pred, k=3):
    out = []
    for c in range(k):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        out.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return out


def report(gold, pred):
    f = f1s(gold, pred)
    acc = sum(g == p for g, p in zip(gold, pred)) / max(len(gold), 1)
    return {"n": len(gold), "macro_f1": round(sum(f) / 3, 4), "accuracy": round(acc, 4),
            **{f"f1_{n}": round(x, 4) for n, x in zip(NAMES, f)}}


def encode(model, tok, texts):
    """Token states (fp32) and char offsets of each text, one forward pass each batch."""
    enc = tok.encode_batch(texts)
    ids = [e.ids[:MAX_TOKENS - 1] + e.ids[-1:] if len(e.ids) > MAX_TOKENS else e.ids for e in enc]
    offs = [e.offsets[:len(i)] for e, i in zip(enc, ids)]
    states = [None] * len(texts)
    with torch.inference_mode():
        for b in batches([len(i) for i in ids]):
            width = max(len(ids[i]) for i in b)
            x = torch.zeros(len(b), width, dtype=torch.long)
            m = torch.zeros(len(b), width, dtype=torch.long)
            for r, i in enumerate(b):
                x[r, :len(ids[i])] = torch.tensor(ids[i])
                m[r, :len(ids[i])] = 1
            h = model(input_ids=x, attention_mask=m).last_hidden_state.float()
            for r, i in enumerate(b):
                states[i] = h[r, :len(ids[i])].clone()
    return states, offs


def features(states, offs, spans):
    h = states
    sent = F.normalize(h.mean(0), dim=0)
    sel = [t for t, (a, b) in enumerate(offs) if b > a and any(a < e and b > s for s, e in spans)]
    span = h[sel].mean(0) if sel else h.mean(0)
    return torch.cat([F.normalize(span, dim=0), sent])


def fit(x, y, epochs=300, wd=1e-3, raw=False, weights=None):
    mu, sd = x.mean(0), x.std(0) + 1e-6
    w = torch.zeros(x.shape[1], 3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=epochs, line_search_fn="strong_wolfe")
    xs = (x - mu) / sd

    def closure():
        opt.zero_grad()
        if weights is None:
            ce = F.cross_entropy(xs @ w + b, y)
        else:
            ce = (F.cross_entropy(xs @ w + b, y, reduction="none") * weights).sum() / weights.sum()
        loss = ce + wd * (w * w).sum()
        loss.backward()
        return loss
    opt.step(closure)
    if raw:
        return w.detach(), b.detach()
    return lambda z: ((z - mu) / sd @ w + b).argmax(1)


# Own sentences for the parity fixture, with the state each bare name stands for; every
# occurrence of a name is a mention of its state.
FIXTURE = [
    ("Japan praised South Korea for its restraint.", {"Japan": "JPN", "South Korea": "KOR"}),
    ("South Korea accused Japan of distorting history.", {"South Korea": "KOR", "Japan": "JPN"}),
    ("China and Vietnam signed a fishing agreement.", {"China": "CHN", "Vietnam": "VNM"}),
    ("India condemned Pakistan after the attack, and Pakistan denied any role.",
     {"India": "IND", "Pakistan": "PAK"}),
    ("Germany welcomed the ceasefire.", {"Germany": "DEU"}),
    ("Russia warned Norway that the exercises were a provocation.",
     {"Russia": "RUS", "Norway": "NOR"}),
    ("Brazil thanked Argentina for its generous help with the floods.",
     {"Brazil": "BRA", "Argentina": "ARG"}),
    ("Iran threatened to close the strait, and Oman urged calm.", {"Iran": "IRN", "Oman": "OMN"}),
    ("Kenya and Ethiopia will hold talks on the border next week.",
     {"Kenya": "KEN", "Ethiopia": "ETH"}),
    ("Canada expelled a diplomat, and Mexico said nothing.", {"Canada": "CAN", "Mexico": "MEX"}),
]


def fold_head(w, b, mu, sd):
    """The logistic head on raw features: logits = x @ (w / sd) + b - (mu / sd) @ w."""
    wf = w / sd.unsqueeze(1)
    bf = b - (mu / sd) @ w
    return wf.T.contiguous(), bf


def write(a, model, heads, tok, x, y, tr, te, measured):
    import hashlib
    from safetensors.torch import save_file
    every = tr + te
    mu, sd = x[every].mean(0), x[every].std(0) + 1e-6
    wts = torch.tensor([1.0] * len(tr) + [a.ship_mixed_weight] * len(te))
    fitted = fit(x[every], y[every], wd=a.wd, raw=True, weights=wts)
    weight, bias = fold_head(fitted[0], fitted[1], mu, sd)
    os.makedirs(a.write, exist_ok=True)
    save_file({"actor.weight": weight.float().contiguous(), "actor.bias": bias.float().contiguous()},
              os.path.join(a.write, "head.safetensors"))
    sha = hashlib.sha256(open(os.path.join(a.models, "heads", "heads.safetensors"), "rb").read()).hexdigest()
    data_sha = hashlib.sha256(open(a.data, "rb").read()).hexdigest()
    config = {
        "labels": NAMES,
        "features": ["mention", "sentence"],
        "heads_sha256": sha,
        "training": {"data": "newsmtsc_train.jsonl", "data_sha256": data_sha,
                     "targets": "every target: single-polarity sentences (weight 1) and "
                                "mixed-polarity sentences (weight %g)" % a.ship_mixed_weight,
                     "n_single": len(tr), "n_mixed": len(te), "l2": a.wd,
                     "optimizer": "L-BFGS (strong Wolfe), 300 iterations, standardised features",
                     "measured": measured},
    }
    with open(os.path.join(a.write, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
        f.write("\n")
    if a.fixture:
        write_fixture(a.fixture, model, tok, weight, bias)


def write_fixture(path, model, tok, weight, bias):
    """The parity fixture: FIXTURE's sentences, each state's mention spans (bytes) and
    p(negative, neutral, positive) of the head (weight, bias) on the raw features, fp32."""
    with open(path, "w", encoding="utf-8") as f:
        texts = [t for t, _ in FIXTURE]
        states, offs = encode(model, tok, texts)
        for k, (text, names) in enumerate(FIXTURE):
            emb = F.normalize(states[k].mean(0), dim=0)
            out = []
            order = sorted(((text.find(n), n) for n in names), key=lambda p: p[0])
            for _, n in order:
                spans, i = [], text.find(n)
                while i >= 0:
                    spans.append((i, i + len(n)))
                    i = text.find(n, i + 1)
                feat = features(states[k], offs[k], spans)[:384]
                logits = torch.cat([feat, emb]) @ weight.T + bias
                p = F.softmax(logits.double(), dim=0).tolist()
                byte = lambda c: len(text[:c].encode("utf-8"))
                out.append({"state": names[n], "spans": [[byte(s), byte(e)] for s, e in spans],
                            "p": [round(v, 6) for v in p]})
            f.write(json.dumps({"text": text, "states": out}) + "\n")


def fixture_only(a):
    """--fixture-only: the fixture of the head already in DIR/head.safetensors (as
    `detente train --head actor-sentiment` writes it), with no fit."""
    import hashlib
    from safetensors.torch import load_file
    head = load_file(os.path.join(a.fixture_only, "head.safetensors"))
    config = json.load(open(os.path.join(a.fixture_only, "config.json"), encoding="utf-8"))
    sha = hashlib.sha256(open(os.path.join(a.models, "heads", "heads.safetensors"), "rb").read()).hexdigest()
    if config["heads_sha256"] != sha:
        sys.exit(f"{a.fixture_only} was fit on heads.safetensors {config['heads_sha256']}, "
                 f"but models/heads/heads.safetensors is {sha}: refit it first")
    model, _, _ = load_model(a.models, "fp32")
    tok = Tokenizer.from_file(os.path.join(a.models, "all-MiniLM-L6-v2", "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    write_fixture(a.fixture, model, tok, head["actor.weight"].float(), head["actor.bias"].float())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "newsmtsc_train.jsonl"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--wd", type=float, default=1e-3)
    ap.add_argument("--cache", help="keep the features in this file (torch.save) and reuse them")
    ap.add_argument("--mixed-weights", type=float, nargs="*", default=[],
                    help="also CV over the mixed sentences with their targets in training, at these weights")
    ap.add_argument("--ship-mixed-weight", type=float, default=5.0,
                    help="with --write: the weight of the mixed sentences' targets")
    ap.add_argument("--write", help="export the head fit on all single-polarity targets to DIR")
    ap.add_argument("--fixture", help="with --write or --fixture-only: the parity fixture to write")
    ap.add_argument("--fixture-only", metavar="DIR",
                    help="fit nothing: write --fixture from the head in DIR (the shipped recipe)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.fixture_only:
        if not a.fixture:
            ap.error("--fixture-only needs --fixture FILE")
        return fixture_only(a)
    rows = [json.loads(l) for l in open(a.data, encoding="utf-8")]
    model, heads, config = load_model(a.models, "fp32")
    tok = Tokenizer.from_file(os.path.join(a.models, "all-MiniLM-L6-v2", "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    texts = [r["sentence_normalized"] for r in rows]
    states, offs = encode(model, tok, texts) if not a.cache or not os.path.exists(a.cache) else (None, None)
    if a.cache and os.path.exists(a.cache):
        x, y, sid, mixed, sent_label = torch.load(a.cache, weights_only=False)
        rows = []
    xs, ys = [], []
    if rows:
        sid, mixed, sent_label = [], [], []
    for k, r in enumerate(rows):
        pols = {t["polarity"] for t in r["targets"]}
        emb = F.normalize(states[k].mean(0), dim=0)
        news = int((emb @ heads["news.weight"].T + heads["news.bias"]).argmax())
        for t in r["targets"]:
            spans = [(t["from"], t["to"])] + [(m["from"], m["to"]) for m in t.get("further_mentions", [])]
            xs.append(features(states[k], offs[k], spans))
            ys.append(LABEL[t["polarity"]])
            sid.append(k)
            mixed.append(len(pols) > 1)
            sent_label.append(news)
    if xs:
        x = torch.stack(xs)
        y = torch.tensor(ys)
        if a.cache:
            torch.save((x, y, sid, mixed, sent_label), a.cache)
    ys = y.tolist()
    tr = [i for i in range(len(ys)) if not mixed[i]]
    te = [i for i in range(len(ys)) if mixed[i]]
    out = {"targets": len(ys), "single_polarity_targets": len(tr), "mixed_targets": len(te),
           "mixed_sentences": len({sid[i] for i in te})}
    gold = [ys[i] for i in te]
    major = max(range(3), key=lambda c: sum(1 for i in tr if ys[i] == c))
    out["mixed_majority"] = report(gold, [major] * len(te))
    out["mixed_sentence_label"] = report(gold, [sent_label[i] for i in te])
    for name, cols in [("span+sentence", slice(None)), ("span", slice(0, 384)), ("sentence", slice(384, 768))]:
        pred = fit(x[tr][:, cols], y[tr], wd=a.wd)
        out[f"mixed_{name}"] = report(gold, pred(x[te][:, cols]).tolist())
    # 5-fold CV by sentence over the mixed sentences, training on every single-polarity
    # target and the other folds' mixed targets (weighted): what adding them would give.
    msents = sorted({sid[i] for i in te})
    random.Random(17).shuffle(msents)
    mfold = {s: n % 5 for n, s in enumerate(msents)}
    for wm in a.mixed_weights:
        pred = {}
        for f in range(5):
            a_ = tr + [i for i in te if mfold[sid[i]] != f]
            b_ = [i for i in te if mfold[sid[i]] == f]
            wts = torch.tensor([1.0] * len(tr) + [wm] * (len(a_) - len(tr)))
            p = fit(x[a_], y[a_], wd=a.wd, weights=wts)(x[b_]).tolist()
            pred.update(zip(b_, p))
        out[f"mixed_cv_with_mixed_w{wm}"] = report(gold, [pred[i] for i in te])
    # 5-fold CV by sentence on the single-polarity targets (optimistic: the encoder saw them).
    sents = sorted({sid[i] for i in tr})
    random.Random(17).shuffle(sents)
    fold = {s: n % 5 for n, s in enumerate(sents)}
    pred = [None] * len(ys)
    for f in range(5):
        a_ = [i for i in tr if fold[sid[i]] != f]
        b_ = [i for i in tr if fold[sid[i]] == f]
        p = fit(x[a_], y[a_], wd=a.wd)(x[b_]).tolist()
        for i, q in zip(b_, p):
            pred[i] = q
    out["cv_single_span+sentence"] = report([ys[i] for i in tr], [pred[i] for i in tr])
    out["cv_single_sentence_label"] = report([ys[i] for i in tr], [sent_label[i] for i in tr])
    print(json.dumps(out, indent=1))
    if a.write:
        measured = {k: out[k]["macro_f1"] for k in out if isinstance(out[k], dict)}
        if model is None:
            model, heads, config = load_model(a.models, "fp32")
        write(a, model, heads, tok, x, y, tr, te, measured)


if __name__ == "__main__":
    main()
