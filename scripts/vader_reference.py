#!/usr/bin/env python3
"""Score the VADER validation sentences with the Python reference implementation.

detente's lexicon scorer (src/score/vader.rs) is a port of vaderSentiment 3.3.2.
This script produces the reference scores that the port is checked against.

Input: the vaderSentiment 3.3.2 source distribution, which ships
additional_resources/hutto_ICWSM_2014.tar.gz with 23,703 human-rated
sentences in four sets (tweets, movie review snippets, Amazon review
snippets, NYT editorial snippets; each file is `id<TAB>mean rating<TAB>text`
with CRLF line ends). PATH may be any of:
  * the sdist itself:              vaderSentiment-3.3.2.tar.gz
  * the unpacked sdist folder:     vaderSentiment-3.3.2/
  * the inner archive:             hutto_ICWSM_2014.tar.gz
  * the unpacked inner folder:     hutto_ICWSM_2014/

Output: a TSV with a header row and the columns
  set  id  human_mean  neg  neu  pos  compound  text
where set is one of tweets, movie_reviews, amazon_reviews, nyt_editorials,
neg/neu/pos/compound are the reference's `polarity_scores` values written with
Python's repr (shortest round-trip form), and text is the sentence verbatim.

Usage (Python 3.11 was used for the committed figures; the reference needs
`pip install vadersentiment==3.3.2 requests` in the interpreter that runs it):
  pip download --no-deps --no-binary :all: vadersentiment==3.3.2 -d DL
  python3 scripts/vader_reference.py DL/vaderSentiment-3.3.2.tar.gz vader_reference_full.tsv

It also prints the reference's single-thread throughput (sentences/second) to
stderr; pass --repeat N to time N passes over the 23,703 sentences.

Note: Python 3.12 changed the built-in sum() of floats to compensated
summation, which the reference uses to total word valences; scores from 3.12+
can differ from 3.11 in the last bit, visible only when a value lies on a
rounding boundary.
"""
import argparse
import io
import os
import sys
import tarfile
import time

SETS = [
    ("tweets", "tweets_GroundTruth.txt"),
    ("movie_reviews", "movieReviewSnippets_GroundTruth.txt"),
    ("amazon_reviews", "amazonReviewSnippets_GroundTruth.txt"),
    ("nyt_editorials", "nytEditorialSnippets_GroundTruth.txt"),
]
INNER = "hutto_ICWSM_2014.tar.gz"


def _read_from_tar(tf):
    """Return {file name: bytes} for the ground-truth files, or the inner tarball."""
    found = {}
    for member in tf.getmembers():
        base = os.path.basename(member.name)
        if base == INNER:
            inner = tarfile.open(fileobj=io.BytesIO(tf.extractfile(member).read()), mode="r:*")
            return _read_from_tar(inner)
        if base in dict((f, s) for s, f in SETS):
            found[base] = tf.extractfile(member).read()
    return found


def load_files(path):
    if os.path.isdir(path):
        for root, _dirs, files in os.walk(path):
            names = set(files)
            if all(f in names for _s, f in SETS):
                out = {}
                for _s, f in SETS:
                    with open(os.path.join(root, f), "rb") as fh:
                        out[f] = fh.read()
                return out
            if INNER in names:
                with tarfile.open(os.path.join(root, INNER), "r:*") as tf:
                    return _read_from_tar(tf)
        sys.exit("no ground-truth files or %s under %s" % (INNER, path))
    with tarfile.open(path, "r:*") as tf:
        return _read_from_tar(tf)


def parse(raw, fname):
    rows = []
    text = raw.decode("utf-8")
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line:
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3:
            sys.exit("%s:%d: expected 3 tab-separated fields" % (fname, n))
        sid, mean, sentence = parts
        if "\t" in sentence or "\r" in sentence:
            sys.exit("%s:%d: tab or CR inside the text" % (fname, n))
        float(mean)  # validate; the original spelling is kept in the output
        rows.append((sid, mean, sentence))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", help="sdist .tar.gz, unpacked sdist, inner archive or its folder")
    ap.add_argument("out", help="output TSV path")
    ap.add_argument("--repeat", type=int, default=1, help="timing passes (default 1)")
    args = ap.parse_args()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    files = load_files(args.path)
    data = []
    for set_name, fname in SETS:
        if fname not in files:
            sys.exit("missing %s in %s" % (fname, args.path))
        for sid, mean, sentence in parse(files[fname], fname):
            data.append((set_name, sid, mean, sentence))

    analyzer = SentimentIntensityAnalyzer()
    t0 = time.perf_counter()
    for _ in range(max(1, args.repeat)):
        scores = [analyzer.polarity_scores(row[3]) for row in data]
    dt = time.perf_counter() - t0
    n = len(data) * max(1, args.repeat)
    print("reference: %d sentences in %.3f s = %.0f sentences/s (one thread, Python %s)"
          % (n, dt, n / dt, sys.version.split()[0]), file=sys.stderr)

    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("set\tid\thuman_mean\tneg\tneu\tpos\tcompound\ttext\n")
        for (set_name, sid, mean, sentence), s in zip(data, scores):
            out.write("\t".join([set_name, sid, mean, repr(s["neg"]), repr(s["neu"]),
                                 repr(s["pos"]), repr(s["compound"]), sentence]) + "\n")
    counts = {}
    for row in data:
        counts[row[0]] = counts.get(row[0], 0) + 1
    print("wrote %d rows to %s (%s)" % (len(data), args.out,
          ", ".join("%s %d" % (k, counts[k]) for k, _f in SETS)), file=sys.stderr)


if __name__ == "__main__":
    main()
