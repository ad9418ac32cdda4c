#!/usr/bin/env python3
"""Compare detente's VADER scores with the Python reference's (vaderSentiment 3.3.2).

REF is the TSV written by scripts/vader_reference.py
(set, id, human_mean, neg, neu, pos, compound, text). OURS holds detente's scores for
the same sentences, in the same order, as either
  * a TSV with a header that has `compound` (and optionally neg/neu/pos and text)
    columns, or
  * JSON lines (file name ending in .jsonl or --format jsonl), one object per
    sentence; the compound score is read from the first key among --compound-key
    (default: sentiment_lexicon, vader_compound, lexicon_compound, compound),
    neg/neu/pos from `lexicon_neg` etc. when present, and the text, if present, from
    `text`/`sentence` (compared after trimming surrounding whitespace, which VADER
    ignores). Objects without a compound key are skipped, so extra record types
    (headers, summaries) do no harm.

Prints: how many sentences agree within --tol (default 1e-4) on compound (and on
neg/neu/pos when OURS has them), every remaining difference, and the Pearson r of
compound against the human mean per set, for detente and for the reference, next to
the figures published with VADER (its ICWSM 2014 paper, table 4, shipped in the
same archive as vader_icwsm2014_final.pdf); `detente evaluate` (--bin) computes the r.
Exit status 1 when the agreement is below --min-agree (default 0.999).

Usage:
  python3 scripts/evaluate/vader_compare.py vader_reference_full.tsv detente_scores.tsv
  python3 scripts/evaluate/vader_compare.py vader_reference_full.tsv detente.jsonl --format jsonl
  # one way to feed detente the sentences, one per line, in reference order:
  #   tail -n +2 vader_reference_full.tsv | cut -f8 > sentences.txt
"""
import argparse
import json
import os
import sys

# Correlation (Pearson r) of VADER's compound score with the human mean, as published.
PUBLISHED_R = {
    "tweets": 0.881,
    "movie_reviews": 0.451,
    "amazon_reviews": 0.565,
    "nyt_editorials": 0.492,
}
SET_ORDER = ["tweets", "movie_reviews", "amazon_reviews", "nyt_editorials"]


def read_tsv(path):
    with open(path, encoding="utf-8", newline="\n") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        rows = []
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            rows.append(dict(zip(header, line.split("\t", len(header) - 1))))
    return header, rows


def read_jsonl(path, keys):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            key = next((k for k in keys if k in obj), None)
            if key is None:
                continue
            row = {"compound": obj[key]}
            prefix = key[: -len("compound")] if key.endswith("compound") else ""
            for part in ("neg", "neu", "pos"):
                for pk in (prefix + part, "lexicon_" + part, "vader_" + part, part):
                    if pk in obj:
                        row[part] = obj[pk]
                        break
            for tk in ("text", "sentence"):
                if tk in obj:
                    row["text"] = obj[tk]
                    break
            rows.append(row)
    return rows


def pearson_per_set(ref, ours, binary):
    """Pearson r of detente's and the reference's compound against the human mean, per set,
    as `detente evaluate` computes it: {set: (n, r_ours, r_ref)}."""
    import csv, os, subprocess, tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "compound.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "set", "human", "detente", "python"])
            for k, (r, o) in enumerate(zip(ref, ours)):
                w.writerow([k, r["set"], r["human_mean"], o["compound"], r["compound"]])
        out = subprocess.run([binary, "evaluate", path, "--id", "id", "--by", "set", "--json",
                              "--number", "detente=human", "--number", "python=human"],
                             check=True, capture_output=True, text=True).stdout
    ours_r, ref_r = json.loads(out)["metrics"]
    nan = lambda x: float("nan") if x is None else x  # noqa: E731
    return {a["group"]: (a["n"], nan(a["pearson"]), nan(b["pearson"]))
            for a, b in zip(ours_r["groups"], ref_r["groups"])}


def read_detente_csv(path):
    """detente's output CSV: sentiment_lexicon is compound; lexicon_pos/neu/neg if present."""
    import csv
    csv.field_size_limit(1 << 30)
    names = {"sentiment_lexicon": "compound", "lexicon_neg": "neg", "lexicon_neu": "neu",
             "lexicon_pos": "pos", "text": "text"}
    with open(path, encoding="utf-8", newline="") as f:
        return [{names[k]: v for k, v in row.items() if k in names} for row in csv.DictReader(f)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ref")
    ap.add_argument("ours")
    ap.add_argument("--format", choices=["tsv", "jsonl", "csv"],
                    help="format of OURS (default: by extension; .csv is detente's output CSV)")
    ap.add_argument("--compound-key", action="append",
                    help="JSON key of the compound score (repeatable; default sentiment_lexicon, "
                         "vader_compound, lexicon_compound, compound)")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--min-agree", type=float, default=0.999)
    ap.add_argument("--bin", default=os.environ.get("DETENTE_BIN") or
                    os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                 "target", "release", "detente"),
                    help="the detente binary that computes the correlations (`detente evaluate`; "
                         "default $DETENTE_BIN, else target/release/detente)")
    args = ap.parse_args()

    _h, ref = read_tsv(args.ref)
    fmt = args.format or ("jsonl" if args.ours.endswith((".jsonl", ".json"))
                          else "csv" if args.ours.endswith(".csv") else "tsv")
    if fmt == "csv":
        ours = read_detente_csv(args.ours)
    elif fmt == "jsonl":
        ours = read_jsonl(args.ours, args.compound_key or
                         ["sentiment_lexicon", "vader_compound", "lexicon_compound", "compound"])
    else:
        _oh, ours = read_tsv(args.ours)
    if len(ours) != len(ref):
        sys.exit("row count differs: reference %d, ours %d" % (len(ref), len(ours)))

    cols = [c for c in ("compound", "neg", "neu", "pos") if c in ours[0]]
    if "compound" not in cols:
        sys.exit("OURS has no compound score (columns: %s)" % ", ".join(sorted(ours[0])))
    agree = {c: 0 for c in cols}
    all_agree = 0
    diffs = []
    for k, (r, o) in enumerate(zip(ref, ours)):
        if "text" in o and o["text"].strip() != r["text"].strip():
            sys.exit("row %d: text differs (rows out of order?)\n  ref:  %r\n  ours: %r" % (k + 1, r["text"], o["text"]))
        bad = []
        for c in cols:
            d = abs(float(o[c]) - float(r[c]))
            if d <= args.tol:
                agree[c] += 1
            else:
                bad.append((c, float(r[c]), float(o[c])))
        if bad:
            diffs.append((r, bad))
        else:
            all_agree += 1

    n = len(ref)
    print("sentences: %d" % n)
    for c in cols:
        print("  %-8s within %g: %d (%.3f%%)" % (c, args.tol, agree[c], 100.0 * agree[c] / n))
    print("  all of %s within %g: %d (%.3f%%)" % ("/".join(cols), args.tol, all_agree, 100.0 * all_agree / n))
    print("differences: %d" % len(diffs))
    for r, bad in diffs:
        print("  %s %s: %s" % (r["set"], r["id"], ", ".join("%s ref %r ours %r" % b for b in bad)))
        print("    text: %r" % r["text"])

    print("Pearson r of compound vs human mean:")
    print("  %-15s %6s %8s %8s %9s" % ("set", "n", "detente", "python", "published"))
    per_set = pearson_per_set(ref, ours, args.bin)
    for s in SET_ORDER:
        if s in per_set:
            n, r_ours, r_ref = per_set[s]
            print("  %-15s %6d %8.3f %8.3f %9.3f" % (s, n, r_ours, r_ref, PUBLISHED_R[s]))

    frac = agree["compound"] / n
    if frac < args.min_agree:
        print("FAIL: compound agreement %.4f below %.4f" % (frac, args.min_agree))
        sys.exit(1)


if __name__ == "__main__":
    main()
