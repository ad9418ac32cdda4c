#!/usr/bin/env python3
"""Reference sentence embeddings for the encoder parity test.

Runs the original implementation (sentence-transformers 3.0.1 on torch 2.4.0) on the
sentences of tests/fixtures/parity_sentences.txt with the local all-MiniLM-L6-v2 folder
and writes tests/fixtures/parity_reference.jsonl: one object per sentence with `text`,
`input_ids` (Hugging Face tokenizer, truncated at 256 as the model is) and `embedding`
(384 floats, L2-normalised, as sentence-transformers returns them).

Set-up (about 3 GB; none of it is needed to run detente or its tests):
    python3 -m venv ~/.cache/detente/refvenv
    ~/.cache/detente/refvenv/bin/pip install torch==2.4.0 transformers==4.44.2 \
        sentence-transformers==3.0.1 'numpy<2'
    ~/.cache/detente/refvenv/bin/python scripts/reference_embeddings.py
"""
import json
import os
import sys

import torch
from sentence_transformers import SentenceTransformer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "all-MiniLM-L6-v2")
SENTENCES = os.path.join(ROOT, "tests", "fixtures", "parity_sentences.txt")
OUT = os.path.join(ROOT, "tests", "fixtures", "parity_reference.jsonl")


def main():
    torch.set_num_threads(1)
    model = SentenceTransformer(MODEL, device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    with open(SENTENCES, encoding="utf-8") as f:
        sentences = [line.rstrip("\n") for line in f if line.strip()]
    # One at a time: the reference for each sentence is its embedding alone.
    embeddings = [model.encode([s], convert_to_numpy=True, normalize_embeddings=False)[0] for s in sentences]
    with open(OUT, "w", encoding="utf-8") as f:
        for s, e in zip(sentences, embeddings):
            ids = model.tokenizer(s, truncation=True, max_length=model.max_seq_length)["input_ids"]
            f.write(json.dumps({"text": s, "input_ids": ids, "embedding": [round(float(x), 8) for x in e]},
                               ensure_ascii=False) + "\n")
    print(f"wrote {len(sentences)} reference embeddings to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
