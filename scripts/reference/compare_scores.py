#!/usr/bin/env python3
"""Compares the score columns of two `detente score` CSVs row by row.

Prints, per numeric score column, the largest absolute difference and where it occurs,
and per label column the share of rows whose label differs. Rows are matched by position
and must agree on doc_id/paragraph/sentence (same input, same segmentation).

  compare_scores.py A.csv B.csv [--json]
"""
import csv
import json
import sys

NUMERIC = ["sentiment", "event_confidence", "goldstein", "tension", "cameo_confidence",
           "p_statement", "p_verbal_cooperation", "p_material_cooperation",
           "p_verbal_conflict", "p_material_conflict"]
LABELS = ["sentiment_label", "event_class", "cameo_root", "cameo_name"]
KEY = ["doc_id", "paragraph", "sentence"]


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def compare(a_path, b_path):
    worst = {}
    changed = {}
    n = 0
    for a, b in zip(rows(a_path), rows(b_path), strict=True):
        if [a[k] for k in KEY] != [b[k] for k in KEY]:
            sys.exit(f"compare_scores: row {n + 2} differs in {KEY}: {a_path} vs {b_path}")
        n += 1
        for c in NUMERIC:
            if c in a and a[c] != "" and b.get(c, "") != "":
                d = abs(float(a[c]) - float(b[c]))
                if d > worst.get(c, (-1.0,))[0]:
                    worst[c] = (d, a["doc_id"], a["sentence"])
        for c in LABELS:
            if c in a and c in b:
                changed[c] = changed.get(c, 0) + (a[c] != b[c])
    return {
        "rows": n,
        "max_abs_diff": {c: {"value": round(v[0], 6), "doc_id": v[1], "sentence": int(v[2])}
                         for c, v in worst.items()},
        "label_changed_share": {c: round(k / max(n, 1), 6) for c, k in changed.items()},
    }


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    result = compare(*args)
    if "--json" in sys.argv:
        print(json.dumps(result))
        return
    print(f"{result['rows']} rows")
    for c, v in result["max_abs_diff"].items():
        print(f"  max |Δ| {c:<24} {v['value']:.6f}  ({v['doc_id']} sentence {v['sentence']})")
    for c, v in result["label_changed_share"].items():
        print(f"  {c:<31} changed in {100 * v:.3f}% of rows")


if __name__ == "__main__":
    main()
