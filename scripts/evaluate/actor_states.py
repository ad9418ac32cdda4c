"""Scores an own-labelled state test set: actor_sentiment against per-state gold labels.

    python3 scripts/evaluate/actor_states.py GOLD.tsv OUT.csv

GOLD.tsv: `text<TAB>labels` (`KOR:negative;JPN:neutral`), one row per sentence; OUT.csv:
`detente score --format lines --no-split` of its sentences, in the same order. Each state
becomes one row of a table that `detente evaluate` measures (Spearman, macro-F1; the binary
is $DETENTE_BIN, else target/release/detente); the pairwise order is counted here.
"""
import csv, itertools, json, os, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
V = {'negative': -1, 'neutral': 0, 'positive': 1}


def main(gold_path, scored_path):
    gold = [l.rstrip('\n').split('\t') for l in open(gold_path, encoding='utf-8')][1:]
    rows = list(csv.DictReader(open(scored_path, encoding='utf-8')))
    states, pairs = [], []
    for k, ((t, lab), r) in enumerate(zip(gold, rows)):
        g = {s: V[v] for s, v in (x.split(':') for x in lab.split(';'))}
        p = {s: float(v) for s, v in (x.split(':') for x in r['actor_sentiment'].split(';') if x)}
        assert set(g) == set(p), (t, g, p)
        for s in g:
            states.append({'id': f'{k}:{s}', 'gold': g[s], 'gold_label': [l for l in V if V[l] == g[s]][0],
                           'actor_sentiment': p[s], 'sentiment': r['sentiment'],
                           'label_value': V[r['sentiment_label']], 'sentiment_label': r['sentiment_label']})
        for a, b in itertools.combinations(g, 2):
            if g[a] != g[b]:
                pairs.append((g[a] - g[b]) * (p[a] - p[b]) > 0)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'states.csv')
        with open(path, 'w', newline='', encoding='utf-8') as f:
            w = csv.DictWriter(f, fieldnames=list(states[0]))
            w.writeheader()
            w.writerows(states)
        binary = os.environ.get('DETENTE_BIN') or os.path.join(REPO, 'target/release/detente')
        out = subprocess.run([binary, 'evaluate', path, '--id', 'id', '--band', repr(1 / 3), '--json',
                              '--number', 'actor_sentiment=gold', '--number', 'sentiment=gold',
                              '--number', 'label_value=gold', '--label', 'sentiment_label=gold_label'],
                             check=True, capture_output=True, text=True).stdout
    (a, s, l, lab) = [m['groups'][0] for m in json.loads(out)['metrics']]
    G = [x['gold'] for x in states]
    print(f"states {len(G)} (neg {G.count(-1)}, neu {G.count(0)}, pos {G.count(1)}); pairs with different gold {len(pairs)}")
    print(f"Spearman actor_sentiment {a['spearman']:.3f}; sentence sentiment {s['spearman']:.3f}; sentence_label {l['spearman']:.3f}")
    print(f"pairwise order right: actor_sentiment {sum(pairs) / len(pairs):.3f} ({sum(pairs)}/{len(pairs)}); any sentence-level score 0.5 (ties)")
    print(f"macro-F1 actor_sentiment (|v|>1/3 band) {a['macro_f1_3']:.3f}")
    print(f"macro-F1 sentence_label for every state {lab['macro_f1']:.3f} {[round(f, 3) for _, f in lab['per_class_f1']]}")


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
