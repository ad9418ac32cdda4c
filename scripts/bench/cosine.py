#!/usr/bin/env python3
"""Cosine similarity of sentence embeddings to a base configuration's, row for row, for
scripts/bench/peers (how far a faster precision or runtime moves the embeddings).

  cosine.py BASE.npy NAME=OTHER.npy ... > OUT.json

Prints {"NAME": {"mean": ..., "min": ..., "n": ...}, ...}; a missing file gives null.
"""
import json
import os
import sys

import numpy as np


def unit(a):
    a = a.astype(np.float64)
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def main():
    base = unit(np.load(sys.argv[1]))
    out = {}
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        if not os.path.exists(path):
            out[name] = None
            continue
        other = unit(np.load(path))
        if other.shape != base.shape:
            sys.exit(f"cosine: {path} is {other.shape}, {sys.argv[1]} is {base.shape}")
        cos = (base * other).sum(1)
        out[name] = {"mean": float(cos.mean()), "min": float(cos.min()), "n": len(cos)}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
