#!/usr/bin/env python3
"""Score the VADER validation sentences with the Python reference implementation.

detente's lexicon scorer (src/score/lexicon/) is a port of vaderSentiment 3.3.2.
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

With --fixture FIXTURE it also writes the small committed fixture
(tests/fixtures/vader_reference.tsv: header `neg neu pos compound text`): the
reference's scores for a few sentences per rule of the model, picked from the
23,703 by watching which rules change a value while scoring (shortest first),
plus the hand-written sentences in HANDWRITTEN below.

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


# Hand-written sentences for the rules and quirks that the validation sets exercise rarely
# or not at all (emoji, Unicode, idioms, "least", "no", caps, punctuation caps).
HANDWRITTEN = [
    "The book was good.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as \U0001f498 and \U0001f48b and \U0001f601",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Without a doubt, an excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!! Poor direction. VERY poor production.",
    "He said that the new treaty is the bomb.",
    "The talks, yeah right, were a great success.",
    "For the coalition that vote was the kiss of death.",
    "Their new embassy garden is to die for.",
    "We waited at the bus stop for the envoy.",
    "It was a beating heart of the old city.",
    "I have no doubt that the deal is good.",
    "There is no good deal and no bad deal.",
    "no no good",
    "It is not good, nor bad, nor great.",
    "Least good outcome, at least for now, and the very least good one.",
    "It was just enough good news for the markets.",
    "The ministers were sort of happy with the result.",
    "one two three this good",
    "they said it was so good and this bad",
    "It is not so bad and never so bad.",
    "good good but good good",
    "Good, but bad, but good.",
    "The summit is good?!?!",
    "Is the summit good???? Really????",
    "Great!!!!!!! Wonderful!!!",
    "The talks were GOOD and the outcome was BAD.",
    "ALL CAPS HEADLINE SAYS GREAT THINGS",
    "An EXTREMELY good and a VERY bad decision.",
    "It was kind of a KIND gesture.",
    "The envoy\u2019s visit was a disaster \U0001f620 for both sides \U0001f44d\U0001f3fd.",
    "\U0001f51b the talks are back on",
    "Families \U0001f468\u200d\U0001f469\u200d\U0001f467 cheered and \U0001f3f3\ufe0f\u200d\U0001f308 flags flew",
    "Peace \u262e\ufe0f talks \u2764 resumed\u00a0today \U0001f389\U0001f389",
    "\u00c9T\u00c9 GOOD times in \u0130stanbul with \u01c5emal",
    "Stra\u00dfe party was NICE\u2003and FUN",
    "He said (:) and :-) and ;) then left",
    "'good' \"great\" ...bad... (terrible)",
    "Don't worry, it isn't bad; DON'T PANIC.",
    "The ceasefire didn't hold and wasn't respected.",
    "Nothing good came of it, nor anything bad.",
    "Rarely has a summit been so productive.",
    "The accord was hardly a success and barely a failure.",
    "The minister was slightly annoyed but deeply grateful.",
    "The deal is totally, utterly, completely awesome",
    "The delegates were Fucking Brilliant",
    "xoxo <3 :( :/ </3 lol rofl",
    "The U.S.-led talks: a win-win? Hardly!",
]


def fixture_rows(analyzer, data):
    """Pick sentences that make each rule fire, and score the hand-written ones."""
    import vaderSentiment.vaderSentiment as vs

    tags = set()
    base = analyzer

    class Probe(vs.SentimentIntensityAnalyzer):
        def __init__(self):
            self.lexicon = base.lexicon
            self.emojis = base.emojis

        def _negation_check(self, valence, words, start_i, i):
            out = vs.SentimentIntensityAnalyzer._negation_check(valence, words, start_i, i)
            if out != valence:
                tags.add("negation_%d_%s" % (start_i, "x1.25" if out == valence * 1.25 else "negated"))
            lw = [w.lower() for w in words]
            if (start_i == 1 and lw[i - 2] == "without" and lw[i - 1] == "doubt") or \
               (start_i == 2 and lw[i - 3] == "without" and "doubt" in (lw[i - 2], lw[i - 1])):
                tags.add("without_doubt")
            return out

        def _least_check(self, valence, words, i):
            out = vs.SentimentIntensityAnalyzer._least_check(self, valence, words, i)
            if out != valence:
                tags.add("least")
            return out

        def _special_idioms_check(self, valence, words, i):
            out = vs.SentimentIntensityAnalyzer._special_idioms_check(valence, words, i)
            if out != valence:
                tags.add("booster_bigram" if abs(out - valence - vs.B_DECR) < 1e-12 else "special_case")
            return out

        def _but_check(self, words, sentiments):
            if "but" in [w.lower() for w in words]:
                nz = [s for s in sentiments if s != 0]
                tags.add("but_repeated_value" if len(set(nz)) < len(nz) else "but")
            return vs.SentimentIntensityAnalyzer._but_check(words, sentiments)

    orig_scalar = vs.scalar_inc_dec

    def scalar(word, valence, is_cap_diff):
        out = orig_scalar(word, valence, is_cap_diff)
        if out != 0:
            tags.add("booster_caps" if word.isupper() and is_cap_diff else
                     ("dampener" if vs.BOOSTER_DICT[word.lower()] < 0 else "booster"))
        return out

    probe = Probe()
    picked = {}
    vs.scalar_inc_dec = scalar
    try:
        for set_name, sid, mean, text in sorted(data, key=lambda r: (len(r[3]), r[0], r[1])):
            if text != text.strip():
                continue  # keep the fixture's last column unambiguous for TSV readers
            tags.clear()
            scores = probe.polarity_scores(text)
            st = vs.SentiText(text)
            words = st.words_and_emoticons
            lw = [w.lower() for w in words]
            for k, w in enumerate(words):
                if lw[k] in base.lexicon and w.isupper() and st.is_cap_diff:
                    tags.add("caps")
                if lw[k] == "no" and k + 1 < len(words) and lw[k + 1] in base.lexicon:
                    tags.add("no_before_lexicon_word")
                if lw[k] == "kind" and k + 1 < len(words) and lw[k + 1] == "of":
                    tags.add("kind_of")
                if "n't" in lw[k]:
                    tags.add("contraction")
            for raw in text.split():
                if raw.strip(vs.string.punctuation) != raw:
                    tags.add("emoticon_kept" if len(raw.strip(vs.string.punctuation)) <= 2 else "punct_stripped")
            ep, qm = text.count("!"), text.count("?")
            if ep:
                tags.add("exclamation" if ep <= 4 else "exclamation_capped")
            if qm > 1:
                tags.add("question" if qm <= 3 else "question_capped")
            if any(c in base.emojis for c in text):
                tags.add("emoji")
            if not text.isascii():
                tags.add("non_ascii")
            if scores["compound"] == 0 and str(scores["compound"]) == "-0.0":
                tags.add("negative_zero")
            if not words:
                tags.add("no_words")
            for t in tags:
                if len(picked.setdefault(t, [])) < 10:
                    picked[t].append(text)
    finally:
        vs.scalar_inc_dec = orig_scalar
    chosen = []
    for t in sorted(picked):
        for text in picked[t]:
            if text not in chosen:
                chosen.append(text)
    for text in HANDWRITTEN:
        if text not in chosen:
            chosen.append(text)
    print("fixture: %d sentences; rules seen: %s" % (len(chosen), ", ".join(
        "%s %d" % (t, len(picked[t])) for t in sorted(picked))), file=sys.stderr)
    return [(analyzer.polarity_scores(t), t) for t in chosen]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", help="sdist .tar.gz, unpacked sdist, inner archive or its folder")
    ap.add_argument("out", help="output TSV path")
    ap.add_argument("--repeat", type=int, default=1, help="timing passes (default 1)")
    ap.add_argument("--fixture", help="also write the small rule-coverage fixture here")
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
    if args.fixture:
        rows = fixture_rows(analyzer, data)
        with open(args.fixture, "w", encoding="utf-8", newline="\n") as out:
            out.write("neg\tneu\tpos\tcompound\ttext\n")
            for s, text in rows:
                out.write("\t".join([repr(s["neg"]), repr(s["neu"]), repr(s["pos"]),
                                     repr(s["compound"]), text]) + "\n")
        print("wrote %d fixture rows to %s" % (len(rows), args.fixture), file=sys.stderr)

    counts = {}
    for row in data:
        counts[row[0]] = counts.get(row[0], 0) + 1
    print("wrote %d rows to %s (%s)" % (len(data), args.out,
          ", ".join("%s %d" % (k, counts[k]) for k, _f in SETS)), file=sys.stderr)


if __name__ == "__main__":
    main()
