"""Silver CAMEO root labels for the tension training sentences, constrained by their gold class.

    python3 scripts/build/silver_roots.py [--datasets DIR] [--out datasets/cameo_quad_roots.tsv]

`detente train` learns the root classifier's within-class part from this table (models/heads.md).
For each line of cameo_quad_train.tsv, the PETRARCH2 verb dictionary codes every verb of the
sentence as scripts/build/cameo_grouping.py does (its docstring has the rules). The silver
root is the root most of the sentence's coded verbs share *among the roots of its gold class*
under detente's grouping (docs/cameo-grouping.md):

    0 statement             01 02
    1 verbal cooperation    03 04 05
    2 material cooperation  06 07 08
    3 verbal conflict       09 10 11 12 13 16
    4 material conflict     14 15 17 18 19 20

(ties: the first such verb in the sentence). A sentence with no coded verb in its gold class's
roots gets no silver root; it still trains the five-class part. The table keeps line numbers,
a hash of the sentence and labels, never the text (the sentences are GPL-3.0 Multi-CoPED data
that the repository does not ship). Columns: line (1-based line of the .tsv), sha256 (first 12 hex
digits of the UTF-8 sentence's, so a different file is detected), gold (class 0-4), root (01-20
or empty), via (pattern: a dictionary pattern matched; default: a verb's default code; or
empty), verbs (the coded verbs' roots in sentence order, for checking).
Standard library only; about 2 s.
"""
import argparse, collections, hashlib, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cameo_grouping as cg  # noqa: E402

GROUP = {r: k for k, rs in enumerate([
    ['01', '02'], ['03', '04', '05'], ['06', '07', '08'],
    ['09', '10', '11', '12', '13', '16'], ['14', '15', '17', '18', '19', '20']]) for r in rs}


def constrained_root(verbs, gold):
    roots = [(c[:2], p) for _, _, c, p in verbs if c and GROUP.get(c[:2]) == gold]
    if not roots:
        return None, None
    counts = collections.Counter(r for r, _ in roots)
    best = max(counts.values())
    root = next(r for r, _ in roots if counts[r] == best)
    via = 'pattern' if any(p for r, p in roots if r == root) else 'default'
    return root, via


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--datasets', help='data-set folder (default: $DETENTE_DATASETS, else <repo>/../shared/datasets)')
    ap.add_argument('--out', default=str(cg.REPO / 'datasets' / 'cameo_quad_roots.tsv'))
    args = ap.parse_args()
    args.cameo = None
    ds, _ = cg.paths(args)
    tsv, verbs_p = ds / 'cameo_quad_train.tsv', ds / 'petrarch2' / 'CAMEO.verbpatterns.150430.txt'
    for p in (tsv, verbs_p):
        if not p.is_file():
            sys.exit(f'{p} not found (set DETENTE_DATASETS or pass --datasets)')
    _, index, _ = cg.load_verbs(verbs_p)
    rows, n_root = [], collections.Counter()
    for i, line in enumerate(open(tsv, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip():
            continue
        s, lab = line.rsplit('\t', 1)
        gold = int(lab)
        toks, verbish = cg.tokens(s)
        vs = cg.sentence_verbs(toks, index, verbish)
        root, via = constrained_root(vs, gold)
        sha = hashlib.sha256(s.encode('utf-8')).hexdigest()[:12]
        coded = ' '.join(c[:2] for _, _, c, _ in vs if c)
        rows.append((i, sha, gold, root or '', via or '', coded))
        n_root[gold, root is not None] += 1
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('# Silver CAMEO roots of ../shared/datasets/cameo_quad_train.tsv, constrained by the gold class\n'
                '# (scripts/build/silver_roots.py; PETRARCH2 verb dictionary, MIT). No sentence text.\n')
        f.write('line\tsha256\tgold\troot\tvia\tverbs\n')
        for r in rows:
            f.write('\t'.join(map(str, r)) + '\n')
    tot = sum(1 for r in rows if r[3])
    print(f'{len(rows)} sentences, {tot} ({tot / len(rows):.1%}) with a silver root in their gold class; by class: ' +
          ', '.join(f'{k} {n_root[k, True]}/{n_root[k, True] + n_root[k, False]}' for k in range(5)))
    print('roots:', dict(sorted(collections.Counter(r[3] for r in rows if r[3]).items())))
    print(f'written to {args.out}')


if __name__ == '__main__':
    main()
