#!/usr/bin/env python3
"""Accuracy of detente's directed actors on the gold set (datasets/events_gold.tsv).

Each sentence is scored alone, as one JSONL record (`--format jsonl --no-split`), with its
row's date when it has one. A role is right when the first three letters of its codes
match the gold ones as sets (`KORGOV;JPN` ~ `KOR;JPN`; both empty counts as right).
Prints accuracy per split, role and kind of mention; `--errors` lists the wrong dev rows.

  scripts/actors/eval_events.py [--bin target/release/detente] [--errors] [--split dev]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_gold(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#") and l.strip()]
    header = lines[0].rstrip("\n").split("\t")
    for l in lines[1:]:
        rows.append(dict(zip(header, l.rstrip("\n").split("\t"))))
    return rows


def key(codes):
    return sorted({c[:3] for c in codes.split(";") if c})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/detente"))
    ap.add_argument("--gold", default=os.path.join(ROOT, "datasets/events_gold.tsv"))
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--split", default="dev")
    a = ap.parse_args()
    gold = read_gold(a.gold)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "gold.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for g in gold:
                rec = {"id": g["id"], "text": g["sentence"]}
                if g["date"]:
                    rec["date"] = g["date"]
                f.write(json.dumps(rec) + "\n")
        out = os.path.join(d, "out.csv")
        subprocess.run([a.bin, "score", src, "--format", "jsonl", "--no-split", "--scorers", "actors",
                        "-o", out, "--quiet"], check=True)
        with open(out, encoding="utf-8") as f:
            got = {r["doc_id"]: r for r in csv.DictReader(f)}
    stats = {}
    for g in gold:
        r = got[g["id"]]
        for role in ("source", "target"):
            ok = key(g[role]) == key(r[role])
            for k in ((g["split"], role, "all"), (g["split"], role, g["kind"])):
                n, c = stats.get(k, (0, 0))
                stats[k] = (n + 1, c + ok)
        both = key(g["source"]) == key(r["source"]) and key(g["target"]) == key(r["target"])
        n, c = stats.get((g["split"], "both", "all"), (0, 0))
        stats[(g["split"], "both", "all")] = (n + 1, c + both)
        if a.errors and g["split"] == a.split and not both:
            print(f'{g["id"]} [{g["kind"]}] {g["sentence"]}\n   gold {g["source"]} > {g["target"]}   got {r["source"]} > {r["target"]}  ({r["source_text"]} > {r["target_text"]})')
    for k in sorted(stats):
        n, c = stats[k]
        print(f"{k[0]:5} {k[1]:7} {k[2]:13} {c:4}/{n:<4} {c / n:.3f}")


if __name__ == "__main__":
    sys.exit(main())
