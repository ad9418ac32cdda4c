"""Pools the out-of-fold predictions of `detente train --cv` (fold-K.csv, news-fold-K.csv),
however the folds were split between processes, and prints the tables of models/heads.md.

    python3 scripts/experiments/pool_cv.py [DIR]      # default: $DETENTE_HOME/train/cv

Tension (fold-K.csv): five-class macro-F1, accuracy, conflict-vs-cooperation AUC, per-class
F1, reliability of event_confidence. Roots (the same files, sentences with a silver root):
accuracy of cameo_root, without roots 01-02, given a right event_class, per root; Spearman of
goldstein with the silver root's mean Goldstein value (models/heads/config.json). News
(news-fold-K.csv): three-class macro-F1, accuracy, per-class F1, reliability of the label's
probability. Standard library only.
"""
import csv, json, os, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLASSES = ['statement', 'verbal_cooperation', 'material_cooperation', 'verbal_conflict', 'material_conflict']
NEWS = ['negative', 'neutral', 'positive']
BINS = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0 + 1e-9]


def read(paths):
    rows = []
    for p in paths:
        with open(p, newline='', encoding='utf-8') as f:
            rows.extend(csv.DictReader(f))
    return rows


def f1s(gold, pred, k):
    out = []
    for c in range(k):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        ng = sum(1 for g in gold if g == c)
        npred = sum(1 for p in pred if p == c)
        out.append(2 * tp / (ng + npred) if ng + npred else float('nan'))
    return out


def auc(score, pos):
    p = [s for s, y in zip(score, pos) if y]
    n = [s for s, y in zip(score, pos) if not y]
    tot = sum((a > b) + 0.5 * (a == b) for a in p for b in n)
    return tot / (len(p) * len(n))


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
    return cov / (sum((x - ma) ** 2 for x in a) ** 0.5 * sum((y - mb) ** 2 for y in b) ** 0.5)


def reliability(probs, gold):
    table([max(p) for p in probs], [p.index(max(p)) == g for p, g in zip(probs, gold)])


def table(conf, right, bins=BINS):
    print('| confidence | n | mean confidence | accuracy |\n|---|---:|---:|---:|')
    for lo, hi in zip(bins, bins[1:]):
        sel = [(c, r) for c, r in zip(conf, right) if lo <= c < hi]
        if sel:
            print(f'| {lo:.2f}–{min(hi, 1):.2f} | {len(sel)} | {sum(c for c, _ in sel) / len(sel):.3f} | '
                  f'{sum(r for _, r in sel) / len(sel):.3f} |')


def main():
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get('DETENTE_HOME') or Path.home() / '.cache/detente') / 'train/cv'
    ten = read(sorted(d.glob('fold-*.csv')))
    news = read(sorted(d.glob('news-fold-*.csv')))
    folds = sorted({int(r['fold']) for r in ten})
    print(f'{d}: folds {folds}; {len(ten)} tension, {len(news)} news sentences out of fold')
    probs = [[float(r[f'p_{c}']) for c in CLASSES] for r in ten]
    gold = [int(r['gold']) for r in ten]
    pred = [p.index(max(p)) for p in probs]
    per = f1s(gold, pred, 5)
    sel = [i for i, g in enumerate(gold) if g >= 1]
    a = auc([probs[i][3] + probs[i][4] - probs[i][1] - probs[i][2] for i in sel], [gold[i] >= 3 for i in sel])
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    print(f'\ntension: macro-F1 {sum(per) / 5:.3f}, accuracy {acc:.3f}, AUC conflict vs cooperation {a:.3f}')
    print('per class F1: ' + ', '.join(f'{c} {f:.3f}' for c, f in zip(CLASSES, per)))
    for f in folds:
        idx = [i for i, r in enumerate(ten) if int(r['fold']) == f]
        g = [gold[i] for i in idx]
        p = [pred[i] for i in idx]
        print(f'  fold {f}: macro-F1 {sum(f1s(g, p, 5)) / 5:.3f} accuracy {sum(x == y for x, y in zip(g, p)) / len(g):.3f}')
    reliability(probs, gold)

    config = json.load(open(REPO / 'models/heads/config.json', encoding='utf-8'))
    roots = config['tension']['roots']
    G = {r['code']: r['goldstein'] for r in roots}
    cls = {r['code']: r['class'] for r in roots}
    sr = [r for r in ten if r['silver_root']]
    hit = [r['cameo_root'] == r['silver_root'] for r in sr]
    no12 = [h for h, r in zip(hit, sr) if r['silver_root'] not in ('01', '02')]
    given = [h for h, r in zip(hit, sr) if CLASSES.index(max(CLASSES, key=lambda c: float(r[f'p_{c}']))) == cls[r['silver_root']]]
    rho = pearson(ranks([float(r['goldstein']) for r in sr]), ranks([G[r['silver_root']] for r in sr]))
    print(f'\nroots (held-out sentences with a silver root, {len(sr)}): cameo_root = silver root {sum(hit) / len(hit):.3f}; '
          f'without 01-02 ({len(no12)}) {sum(no12) / len(no12):.3f}; given a right event_class ({len(given)}) '
          f'{sum(given) / len(given):.3f}; Spearman goldstein vs silver root G {rho:.3f}')
    print('| root | n | cameo_root right |\n|---|---:|---:|')
    for r in roots:
        h = [x for x, row in zip(hit, sr) if row['silver_root'] == r['code']]
        if h:
            print(f"| {r['code']} {r['name']} | {len(h)} | {sum(h) / len(h):.3f} |")
    print('\nreliability of cameo_confidence (p(root)) on those sentences:')
    table([float(r['cameo_confidence']) for r in sr], hit, [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0 + 1e-9])

    if news:
        probs = [[float(r[f'p_{c}']) for c in NEWS] for r in news]
        gold = [int(r['gold']) for r in news]
        pred = [p.index(max(p)) for p in probs]
        per = f1s(gold, pred, 3)
        acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
        print(f'\nnews sentiment_label: macro-F1 {sum(per) / 3:.3f}, accuracy {acc:.3f}; per class F1: ' +
              ', '.join(f'{c} {f:.3f}' for c, f in zip(NEWS, per)))
        for f in folds:
            idx = [i for i, r in enumerate(news) if int(r['fold']) == f]
            print(f'  fold {f}: macro-F1 {sum(f1s([gold[i] for i in idx], [pred[i] for i in idx], 3)) / 3:.3f}')
        reliability(probs, gold)


if __name__ == '__main__':
    main()
