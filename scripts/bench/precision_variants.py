#!/usr/bin/env python3
"""Which reduced precision to build: in the Python reference (torch 2.4, the same model
files), how far each variant moves the scores from fp32, and how fast the encoder runs
on one thread.

  precision_variants.py SENTENCES.csv [--n 400]

SENTENCES.csv: a `detente score` or `segment` output. Variants: the whole network
converted to bf16; bf16 autocast (matrix products in bf16, layer norms and softmax in
fp32: what `--precision bf16` implements); int8 dynamic quantization of the linear layers
(torch.ao quantize_dynamic, per-tensor, fbgemm).
"""
import argparse
import copy
import csv
import contextlib
import os
import sys
import time

import torch

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SCRIPTS, "reference"))  # the Python reference, score.py
import score as S  # noqa: E402

COLUMNS = ["sentiment", "tension", "event_confidence"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sentences")
    ap.add_argument("--n", type=int, default=400)
    a = ap.parse_args()
    torch.set_num_threads(1)
    with open(a.sentences, newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:a.n]
    model, heads, config = S.load_model(os.path.join(S.ROOT, "models"), "fp32")
    ids = S.tokenize(os.path.join(S.ROOT, "models", "all-MiniLM-L6-v2"), texts)
    plan = S.batches([len(i) for i in ids])

    def run(m, ctx):
        t0 = time.perf_counter()
        with ctx():
            e = S.embed(m, ids, plan)
        return S.scores(e, heads, config, texts), len(texts) / (time.perf_counter() - t0)

    base, rate = run(model, contextlib.nullcontext)
    print(f"fp32           {rate:7.1f} sentences/s (1 thread)")
    variants = [
        ("bf16 (whole)", copy.deepcopy(model).to(torch.bfloat16), contextlib.nullcontext),
        ("bf16 autocast", model, lambda: torch.autocast("cpu", dtype=torch.bfloat16)),
        ("int8 dynamic", torch.ao.quantization.quantize_dynamic(
            copy.deepcopy(model), {torch.nn.Linear}, dtype=torch.qint8), contextlib.nullcontext),
    ]
    for name, m, ctx in variants:
        cols, rate = run(m, ctx)
        diffs = "  ".join(f"{c} {float((cols[c] - base[c]).abs().max()):.4f}" for c in COLUMNS)
        print(f"{name:<14} {rate:7.1f} sentences/s (1 thread); max |Δ| vs fp32: {diffs}")


if __name__ == "__main__":
    main()
