"""Scores detente's CSV output against two labelled sets that `detente score` can be run on:

  * the CAMEO codebook's example sentences (gdelt-py 0.1.11 cameo_codes.json, 157 of 162 with
    four words or more; never trained on): root accuracy of `cameo_root` (all, and without
    statements and appeals, roots 01-02), five-class accuracy of `event_class` under detente's
    grouping, Spearman of `goldstein` with the example's code's Goldstein value;
  * political-news sentences (NewsMTSC training split, the 7,353 whose targets share one
    polarity): 3-class macro-F1 of `sentiment_label`. The shipped model trains on these, so
    this is a figure for models that did not (the previous model, VADER); `detente train --cv`
    gives the honest one.

    python3 scripts/experiments/eval_codebook_news.py prepare DIR     # writes DIR/codebook.jsonl, DIR/news.jsonl
    detente score DIR/codebook.jsonl --no-split --keep-fields code,gs -o DIR/codebook.csv
    detente score DIR/news.jsonl --no-split --keep-fields gold -o DIR/news.csv
    python3 scripts/experiments/eval_codebook_news.py report DIR

Data: $DETENTE_DATASETS (else ../shared/datasets) and $DETENTE_HOME/data/cameo (else
~/.cache/detente/data/cameo). Standard library only.
"""
import collections, csv, json, os, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GROUP = {r: k for k, rs in enumerate([
    ['01', '02'], ['03', '04', '05'], ['06', '07', '08'],
    ['09', '10', '11', '12', '13', '16'], ['14', '15', '17', '18', '19', '20']]) for r in rs}
CLASSES = ['statement', 'verbal_cooperation', 'material_cooperation', 'verbal_conflict', 'material_conflict']
POLARITY = {2.0: 'negative', 4.0: 'neutral', 6.0: 'positive'}


def dirs():
    ds = Path(os.environ.get('DETENTE_DATASETS') or REPO.parent / 'shared' / 'datasets')
    home = Path(os.environ.get('DETENTE_HOME') or Path.home() / '.cache' / 'detente')
    return ds, home / 'data' / 'cameo'


def prepare(out):
    ds, cam = dirs()
    out.mkdir(parents=True, exist_ok=True)
    codes = json.load(open(cam / 'cameo_codes.json', encoding='utf-8'))
    gold = json.load(open(cam / 'cameo_goldstein.json', encoding='utf-8'))
    n = 0
    with open(out / 'codebook.jsonl', 'w', encoding='utf-8') as f:
        for code, v in codes.items():
            for i, text in enumerate(v.get('examples') or []):
                if len(text.split()) < 4 or code not in gold:
                    continue
                f.write(json.dumps({'id': f'{code}#{i}', 'text': text, 'code': code,
                                    'gs': gold[code]['value']}) + '\n')
                n += 1
    m = 0
    with open(out / 'news.jsonl', 'w', encoding='utf-8') as f:
        for i, line in enumerate(open(ds / 'newsmtsc_train.jsonl', encoding='utf-8')):
            d = json.loads(line)
            ps = {t['polarity'] for t in d['targets']}
            if len(ps) == 1:
                f.write(json.dumps({'id': str(i), 'text': d['sentence_normalized'], 'gold': POLARITY[ps.pop()]}) + '\n')
                m += 1
    print(f'{n} codebook examples, {m} news sentences in {out}')


def first_rows(path):
    """One row per document: its first sentence row (detente --no-split keeps a document whole
    unless it is over-long)."""
    seen = {}
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            seen.setdefault(row['doc_id'], row)
    return list(seen.values())


def ranks(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a) ** 0.5
    vb = sum((y - mb) ** 2 for y in b) ** 0.5
    return cov / (va * vb)


def macro_f1(gold, pred, labels):
    f = []
    for c in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f), f


def report(d):
    rows = first_rows(d / 'codebook.csv')
    roots = [r['code'][:2] for r in rows]
    pred = [r['cameo_root'] for r in rows]
    acc = sum(a == b for a, b in zip(roots, pred)) / len(rows)
    keep = [i for i, r in enumerate(roots) if r not in ('01', '02')]
    acc2 = sum(roots[i] == pred[i] for i in keep) / len(keep)
    cls = sum(CLASSES[GROUP[r]] == row['event_class'] for r, row in zip(roots, rows)) / len(rows)
    gs = [float(r['gs']) for r in rows]
    g = [float(r['goldstein']) for r in rows]
    rho = pearson(ranks(g), ranks(gs))
    print(f'codebook examples ({len(rows)}): cameo_root accuracy {acc:.3f}; without roots 01-02 ({len(keep)}) {acc2:.3f}; '
          f'event_class accuracy (grouping) {cls:.3f}; Spearman goldstein vs code value {rho:.3f}')
    news = d / 'news.csv'
    if news.is_file():
        rows = first_rows(news)
        gold = [r['gold'] for r in rows]
        labels = ['negative', 'neutral', 'positive']
        out = []
        for col in ('sentiment_label',):
            f, per = macro_f1(gold, [r[col] for r in rows], labels)
            out.append(f'{col} macro-F1 {f:.3f} (' + ', '.join(f'{l} {x:.3f}' for l, x in zip(labels, per)) + ')')
        if 'sentiment_lexicon' in rows[0]:
            v = ['negative' if float(r['sentiment_lexicon']) <= -0.05 else 'positive' if float(r['sentiment_lexicon']) >= 0.05
                 else 'neutral' for r in rows]
            f, _ = macro_f1(gold, v, labels)
            out.append(f'VADER compound (±0.05) macro-F1 {f:.3f}')
        print(f'news sentences ({len(rows)}): ' + '; '.join(out))


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in ('prepare', 'report'):
        sys.exit(__doc__)
    (prepare if sys.argv[1] == 'prepare' else report)(Path(sys.argv[2]))
