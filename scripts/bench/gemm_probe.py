#!/usr/bin/env python3
"""Dense matmul throughput through libtorch (torch 2.4, the same library detente links)
at the shapes of all-MiniLM-L6-v2's linear layers: the denominator of the hardware bound
that scripts/bench/peers prints (peers_table.py has the FLOPs per sentence).

  gemm_probe.py [--threads N] [--dtype fp32|bf16] [--seconds S]

Prints one JSON object: GFLOP/s for each shape and their FLOP-weighted harmonic mean
(`gflops`), which is what the encoder's linear layers could reach at best.
"""
import argparse
import json
import time

import torch

HIDDEN, FFN = 384, 1536
ROWS = 2048  # tokens in one batch (a 4,096-token budget is about half full on average)



def probe(m, k, n, dtype, seconds):
    a = torch.randn(m, k).to(dtype)
    w = torch.randn(n, k).to(dtype)
    with torch.inference_mode():
        for _ in range(3):
            torch.nn.functional.linear(a, w)
        reps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            torch.nn.functional.linear(a, w)
            reps += 1
        el = time.perf_counter() - t0
    return 2 * m * k * n * reps / el / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--seconds", type=float, default=2.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.float32 if a.dtype == "fp32" else torch.bfloat16
    # (in, out, share of a layer's linear FLOPs)
    shapes = {"qkvo 384x384": (HIDDEN, HIDDEN, 4 * HIDDEN * HIDDEN),
              "ffn_in 384x1536": (HIDDEN, FFN, HIDDEN * FFN),
              "ffn_out 1536x384": (FFN, HIDDEN, HIDDEN * FFN)}
    total = sum(s[2] for s in shapes.values())
    rates = {name: probe(ROWS, k, n, dtype, a.seconds) for name, (k, n, _) in shapes.items()}
    mean = total / sum(shapes[name][2] / r for name, r in rates.items())
    print(json.dumps({"threads": a.threads, "dtype": a.dtype, "rows": ROWS,
                      "by_shape": {k: round(v, 1) for k, v in rates.items()},
                      "gflops": round(mean, 1)}))


if __name__ == "__main__":
    main()
