#!/usr/bin/env python3
"""Prints scripts/bench's results table from its work folder (times, parity checks,
matmul probes, the fp32 outputs for the token counts).

  bench_table.py WORK_DIR
"""
import csv
import json
import statistics
import sys

HIDDEN, FFN, LAYERS, MAX_TOKENS = 384, 1536, 6, 256
PARITY_TOLERANCE = 1e-4


def flops_per_sentence(n):
    """2 × multiply-adds of all-MiniLM-L6-v2 for one sentence of n tokens: per layer the
    Q, K, V and output projections (4·n·h²), the FFN (2·n·h·f), attention scores and
    context (2·n²·h). 6.7e8 for n = 31."""
    return LAYERS * 2 * (4 * n * HIDDEN * HIDDEN + 2 * n * HIDDEN * FFN + 2 * n * n * HIDDEN)


def token_counts(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [min(int(r["n_tokens"]), MAX_TOKENS) for r in csv.DictReader(f)]


def main():
    work = sys.argv[1]
    times = {}
    for line in open(f"{work}/times"):
        key, secs = line.rsplit(" ", 1)
        times.setdefault(tuple(key.split(" ")), []).append(float(secs))
    gflops = {d: json.load(open(f"{work}/gemm.{d}.json"))["gflops"] for d in ("fp32", "bf16")}
    print(f"matmul throughput at the encoder's shapes: fp32 {gflops['fp32']} GFLOP/s, "
          f"bf16 {gflops['bf16']} GFLOP/s")
    head = ("set", "sent", "tok", "ref fp32", "det fp32", "×ref", "det bf16", "×ref",
            "bound32", "fp32 %", "bound16", "bf16 %", "parity", "bf16 max|Δ|")
    print("sentences/s, median of %d rounds (wall clock of each process)" %
          len(next(iter(times.values()))))
    print("{:<6} {:>6} {:>5} {:>8} {:>8} {:>5} {:>8} {:>5} {:>8} {:>6} {:>8} {:>6} {:>7} {:>11}".format(*head))
    ok = True
    for s in ("ungdc", "short", "long"):
        if (s, "detente_fp32") not in times:
            continue
        toks = token_counts(f"{work}/{s}.fp32.csv")
        n = len(toks)
        rate = {k: n / statistics.median(times[(s, k)])
                for k in ("reference_fp32", "detente_fp32", "detente_bf16")}
        flops = sum(flops_per_sentence(t) for t in toks)
        bound = {d: n / (flops / (g * 1e9)) for d, g in gflops.items()}
        parity = json.load(open(f"{work}/{s}.parity.json"))["max_abs_diff"]
        worst = max(v["value"] for v in parity.values())
        ok &= worst <= PARITY_TOLERANCE
        bdiff = json.load(open(f"{work}/{s}.bf16diff.json"))["max_abs_diff"]
        bworst = max(v["value"] for k, v in bdiff.items() if k != "goldstein")
        print("{:<6} {:>6} {:>5.1f} {:>8.1f} {:>8.1f} {:>5.2f} {:>8.1f} {:>5.2f} {:>8.1f} {:>5.0f}% {:>8.1f} {:>5.0f}% {:>7} {:>11.4f}".format(
            s, n, sum(toks) / n, rate["reference_fp32"], rate["detente_fp32"],
            rate["detente_fp32"] / rate["reference_fp32"], rate["detente_bf16"],
            rate["detente_bf16"] / rate["reference_fp32"], bound["fp32"],
            100 * rate["detente_fp32"] / bound["fp32"], bound["bf16"],
            100 * rate["detente_bf16"] / bound["bf16"],
            "ok" if worst <= PARITY_TOLERANCE else f"{worst:.1e}", bworst))
    print("tok: mean tokens per sentence. bound: sentences/s if every FLOP of the encoder ran at "
          "the measured matmul rate. parity: detente fp32 vs reference, max |Δ| over the score "
          f"columns (tolerance {PARITY_TOLERANCE}). bf16 max|Δ|: detente bf16 vs fp32 over "
          "sentiment, tension, event_confidence and class probabilities.")
    if not ok:
        print("bench: PARITY FAILED: detente fp32 and the reference differ by more than "
              f"{PARITY_TOLERANCE}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
