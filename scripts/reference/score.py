#!/usr/bin/env python3
"""The Python reference of detente's trained scorers: what a competent Python user would
write to score the same sentences with the same model files.

Hugging Face `tokenizers` (batch encoding, no padding, truncation at 256 keeping [SEP]),
torch 2.4 with `transformers`' BertModel loaded from models/all-MiniLM-L6-v2, the LoRA
delta of models/heads merged into its weights, sentences sorted by token count and cut
into batches under a token budget (no padding waste), inference mode, mean pooling over
the mask, L2 normalisation, then the four heads: sentiment (with its VADER stack), news
(`sentiment_label`), tension (five classes) and CAMEO root, combined as
src/score/tension.rs does (p(root) = p(class) * p(root | class); goldstein and tension are
expectations over the roots; cameo_root is the most probable root of the event class).

  score.py SENTENCES.csv OUT.csv [--models DIR] [--threads N] [--precision fp32|bf16]
           [--autocast bf16] [--batching budget|sorted64] [--quantize int8]
           [--onnx ENCODER.onnx] [--embeddings OUT.npy]

--autocast bf16 is the one-line bf16 peer of issue 14: the fp32 model with its forward
pass under `torch.autocast('cpu', dtype=torch.bfloat16)` (matrix products in bfloat16,
norms and softmax in float32), cut into length-sorted batches of 64 sentences (padded to
each batch's longest; no token budget), as a user adding autocast to a plain script would.
--batching overrides the plan: `budget` (the default without autocast: length-sorted,
at most 64 sentences and 4,096 tokens, as detente plans them) or `sorted64`.
--quantize int8: the fp32 model (LoRA merged) with its linear layers quantized dynamically
to int8 (`torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear},
dtype=torch.qint8)`). --onnx: the encoder runs in ONNX Runtime from that file (an export
of the same merged model: scripts/bench/onnx_export.py, fp32 or its dynamic int8
quantization), with the same tokenizer, batches, mean pooling, normalisation and heads;
intra-op threads = --threads, one inter-op thread. --embeddings also writes the sentence
embeddings, N×384 float32 rows aligned with OUT.csv (for the cosine between precisions).

SENTENCES.csv is a `detente score` or `detente segment` output (columns doc_id,
paragraph, sentence, text); OUT.csv gets doc_id, paragraph, sentence, the numeric
score columns (6 decimals) and the label columns, row for row. The sentences come already segmented, so this
pipeline does less work than `detente score` does. Prints one JSON line on stderr with
its own timings.
"""
import argparse
import contextlib
import csv
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import BertModel
from transformers.utils import logging as hf_logging

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_TOKENS = 256
MAX_SENTENCES = 64
TOKEN_BUDGET = 4096


def load_heads(models):
    heads = load_file(os.path.join(models, "heads", "heads.safetensors"))
    config = json.load(open(os.path.join(models, "heads", "config.json")))
    return heads, config


def load_model(models, precision, quantize=None):
    enc_dir = os.path.join(models, "all-MiniLM-L6-v2")
    hf_logging.set_verbosity_error()  # the checkpoint's unused pooler is expected
    model = BertModel.from_pretrained(enc_dir, add_pooling_layer=False).eval()
    heads, config = load_heads(models)
    scale = config["lora"]["alpha"] / config["lora"]["rank"]
    with torch.no_grad():
        for target in config["lora"]["targets"]:
            layer = model.get_submodule(target)
            layer.weight += scale * heads[f"lora.{target}.B"] @ heads[f"lora.{target}.A"]
    if precision == "bf16":
        model = model.to(torch.bfloat16)
    if quantize == "int8":
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model, heads, config


def onnx_encoder(path, threads):
    """The encoder as a function of (input_ids, attention_mask) -> last hidden state, run by
    ONNX Runtime from an export (scripts/bench/onnx_export.py)."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])

    def forward(input_ids, attention_mask):
        h = sess.run(None, {"input_ids": input_ids.numpy(),
                            "attention_mask": attention_mask.numpy()})[0]
        return torch.from_numpy(h)
    return forward


def tokenize(enc_dir, texts):
    tok = Tokenizer.from_file(os.path.join(enc_dir, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    ids = [e.ids for e in tok.encode_batch(texts)]
    return [i if len(i) <= MAX_TOKENS else i[:MAX_TOKENS - 1] + i[-1:] for i in ids]


def batches(lengths):
    """Length-sorted batches under the token budget, as detente plans them."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    out, cur = [], []
    for i in order:
        if cur and (len(cur) >= MAX_SENTENCES or (len(cur) + 1) * lengths[i] > TOKEN_BUDGET):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


def sorted_batches(lengths, size=MAX_SENTENCES):
    """Length-sorted batches of `size` sentences, no token budget (the autocast peer's)."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[k:k + size] for k in range(0, len(order), size)]


def embed(model, ids, plan, autocast=None, dim=None):
    """Mean-pooled, L2-normalised embeddings; `model` is a BertModel, or a function of
    (input_ids, attention_mask) returning the last hidden state (onnx_encoder)."""
    dim = dim or model.config.hidden_size
    out = torch.empty(len(ids), dim)
    forward = model if not isinstance(model, torch.nn.Module) else (
        lambda x, m: model(input_ids=x, attention_mask=m).last_hidden_state)

    def amp():
        if autocast == "bf16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    with torch.inference_mode():
        for b in plan:
            width = max(len(ids[i]) for i in b)
            x = torch.zeros(len(b), width, dtype=torch.long)
            m = torch.zeros(len(b), width, dtype=torch.long)
            for r, i in enumerate(b):
                x[r, :len(ids[i])] = torch.tensor(ids[i])
                m[r, :len(ids[i])] = 1
            with amp():
                h = forward(x, m)
            h = h.float()
            mf = m.unsqueeze(-1).float()
            mean = (h * mf).sum(1) / mf.sum(1).clamp(min=1e-9)
            out[b] = F.normalize(mean, p=2, dim=1)
    return out


def scores(e, heads, config, texts):
    sentiment = (e @ heads["sentiment.weight"].T + heads["sentiment.bias"]).squeeze(1).double()
    stack = config["sentiment"].get("stack")
    if stack:  # a ridge on the head and VADER's four outputs (models/heads.md)
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        vader = SentimentIntensityAnalyzer()
        assert stack["features"] == ["head", "vader_neg", "vader_neu", "vader_pos", "vader_compound"]
        polarity = [vader.polarity_scores(t) for t in texts]
        x = torch.tensor([[p["neg"], p["neu"], p["pos"], p["compound"]] for p in polarity],
                         dtype=torch.float64)
        w = torch.tensor(stack["weights"], dtype=torch.float64)
        sentiment = stack["intercept"] + w[0] * sentiment + x @ w[1:]
    sentiment = sentiment.clamp(-1, 1)
    news = e @ heads["news.weight"].T + heads["news.bias"]
    # Event type: p(root) = p(class) * softmax of the root logits within the class.
    p = F.softmax(e @ heads["tension.weight"].T + heads["tension.bias"], dim=1).double()
    root_logits = (e @ heads["root.weight"].T + heads["root.bias"]).double()
    t = config["tension"]
    roots = t["roots"]
    root_class = torch.tensor([r["class"] for r in roots])
    p_root = torch.zeros_like(root_logits)
    for c in range(p.shape[1]):
        members = (root_class == c).nonzero().squeeze(1)
        p_root[:, members] = p[:, c:c + 1] * F.softmax(root_logits[:, members], dim=1)
    event = p.argmax(1)
    in_class = root_class.unsqueeze(0) == event.unsqueeze(1)
    root = p_root.masked_fill(~in_class, -1.0).argmax(1)
    goldstein = p_root @ torch.tensor([r["goldstein"] for r in roots], dtype=torch.float64)
    tension = p_root @ torch.tensor([r["conflict_weight"] for r in roots], dtype=torch.float64)
    cols = {
        "sentiment": sentiment,
        "event_confidence": p.max(1).values,
        "goldstein": goldstein.clamp(-10, 10),
        "tension": tension.clamp(0, 1),
        "cameo_confidence": p_root.gather(1, root.unsqueeze(1)).squeeze(1),
    }
    for k, label in enumerate(t["labels"]):
        cols[f"p_{label}"] = p[:, k]
    labels = {
        "sentiment_label": [config["sentiment"]["labels"][k] for k in news.argmax(1).tolist()],
        "event_class": [t["labels"][k] for k in event.tolist()],
        "cameo_root": [roots[k]["code"] for k in root.tolist()],
    }
    return cols, labels

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sentences")
    ap.add_argument("out")
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="the weights' type (bf16: the whole network converted)")
    ap.add_argument("--autocast", choices=["bf16"],
                    help="run the fp32 model's forward pass under torch.autocast('cpu', bf16)")
    ap.add_argument("--batching", choices=["budget", "sorted64"],
                    help="batch plan (default: sorted64 with --autocast, else budget)")
    ap.add_argument("--quantize", choices=["int8"],
                    help="dynamic int8 quantization of the fp32 model's linear layers")
    ap.add_argument("--onnx", metavar="ENCODER.onnx",
                    help="run the encoder in ONNX Runtime from this export")
    ap.add_argument("--embeddings", metavar="OUT.npy",
                    help="also write the sentence embeddings (N x 384 float32)")
    a = ap.parse_args()
    if (a.autocast or a.quantize or a.onnx) and a.precision != "fp32":
        ap.error("--autocast, --quantize and --onnx need the fp32 model (--precision fp32)")
    if sum(map(bool, (a.autocast, a.quantize, a.onnx))) > 1:
        ap.error("--autocast, --quantize and --onnx exclude one another")
    batching = a.batching or ("sorted64" if a.autocast else "budget")
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    with open(a.sentences, newline="", encoding="utf-8") as f:
        rows = [(r["doc_id"], r["paragraph"], r["sentence"], r["text"]) for r in csv.DictReader(f)]
    if a.onnx:
        heads, config = load_heads(a.models)
        model = onnx_encoder(a.onnx, a.threads)
        dim = heads["sentiment.weight"].shape[1]
    else:
        model, heads, config = load_model(a.models, a.precision, a.quantize)
        dim = None
    t1 = time.perf_counter()
    ids = tokenize(os.path.join(a.models, "all-MiniLM-L6-v2"), [r[3] for r in rows])
    lengths = [len(i) for i in ids]
    plan = batches(lengths) if batching == "budget" else sorted_batches(lengths)
    e = embed(model, ids, plan, a.autocast, dim)
    cols, labels = scores(e, heads, config, [r[3] for r in rows])
    t2 = time.perf_counter()
    if a.embeddings:
        import numpy as np
        np.save(a.embeddings, e.numpy().astype(np.float32))
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["doc_id", "paragraph", "sentence"] + list(cols) + list(labels))
        values = [c.tolist() for c in cols.values()]
        for k, r in enumerate(rows):
            w.writerow(list(r[:3]) + [f"{v[k]:.6f}" for v in values]
                       + [v[k] for v in labels.values()])
    print(json.dumps({"precision": a.precision, "autocast": a.autocast, "quantize": a.quantize,
                      "onnx": os.path.basename(a.onnx) if a.onnx else None, "batching": batching,
                      "batches": len(plan), "threads": a.threads,
                      "sentences": len(rows), "tokens": sum(len(i) for i in ids),
                      "load_s": round(t1 - t0, 3), "compute_s": round(t2 - t1, 3),
                      "total_s": round(time.perf_counter() - t0, 3)}), file=sys.stderr)


if __name__ == "__main__":
    main()
