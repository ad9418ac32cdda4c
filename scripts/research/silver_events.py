#!/usr/bin/env python3
"""Silver event rows from the PETRARCH2 verb dictionary over real unlabelled sentences, for
`detente train --extra-tension` (models/heads.md, "Silver roots of unlabelled news").

    python3 scripts/research/silver_events.py OUT.tsv [--datasets DIR]
    python3 scripts/research/silver_events.py --check    # the rule against the gold classes

Codes every sentence of `newsmtsc_train.jsonl` and of the 2023 UN General Debate speeches
(split at . ! ? followed by white space; 4 to 60 words) as scripts/build/silver_roots.py
does, and keeps a sentence only where the pattern is unambiguous: at least one dictionary
verb is coded, every coded verb has the same CAMEO root, and at least one of them matched a
pattern of its verb (not only the verb's default code). The row's class is that root's
under detente's grouping. On the 1,349 labelled sentences of `cameo_quad_train.tsv` this
rule fires for 224, whose class agrees with the gold class in 82.6% (`--check`).

OUT.tsv holds the sentences' text (research-use data): write it outside the repository.
Columns: id (n<line> for NewsMTSC, u<speech><k> for the speeches), kind (`silver`),
event_class, cameo_root, text. Standard library only; about 20 s.
"""
import argparse, collections, json, re, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'build'))
import cameo_grouping as cg  # noqa: E402
from silver_roots import GROUP  # noqa: E402

CLASSES = ['statement', 'verbal_cooperation', 'material_cooperation', 'verbal_conflict', 'material_conflict']


def unambiguous_root(sentence, index):
    toks, verbish = cg.tokens(sentence)
    coded = [(c[:2], p) for _, _, c, p in cg.sentence_verbs(toks, index, verbish) if c]
    roots = {r for r, _ in coded}
    if len(roots) != 1 or not any(p for _, p in coded):
        return None
    root = roots.pop()
    return root if root in GROUP else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out', nargs='?')
    ap.add_argument('--check', action='store_true', help='measure the rule on cameo_quad_train.tsv and write nothing')
    ap.add_argument('--datasets', help='data-set folder (default: $DETENTE_DATASETS, else <repo>/../shared/datasets)')
    args = ap.parse_args()
    args.cameo = None
    ds, _ = cg.paths(args)
    _, index, _ = cg.load_verbs(ds / 'petrarch2' / 'CAMEO.verbpatterns.150430.txt')
    if args.check:
        agree, fired = collections.Counter(), collections.Counter()
        for line in open(ds / 'cameo_quad_train.tsv', encoding='utf-8'):
            if line.strip():
                sentence, gold = line.rstrip('\n').rsplit('\t', 1)
                root = unambiguous_root(sentence, index)
                if root:
                    fired[root] += 1
                    agree[root] += GROUP[root] == int(gold)
        n, a = sum(fired.values()), sum(agree.values())
        print(f'the rule fires for {n} labelled sentences; class agrees with gold in {a} ({a / n:.1%})')
        print('by root:', ' '.join(f'{r} {agree[r]}/{fired[r]}' for r in sorted(fired)))
        return
    if not args.out:
        ap.error('name OUT.tsv (or --check)')
    counts = collections.Counter()
    with open(args.out, 'w', encoding='utf-8') as out:
        out.write('id\tkind\tevent_class\tcameo_root\ttext\n')

        def emit(key, sentence):
            sentence = ' '.join(sentence.split())
            if not 4 <= len(sentence.split()) <= 60:
                return
            root = unambiguous_root(sentence, index)
            if root:
                out.write(f'{key}\tsilver\t{CLASSES[GROUP[root]]}\t{root}\t{sentence}\n')
                counts[root] += 1

        for k, line in enumerate(open(ds / 'newsmtsc_train.jsonl', encoding='utf-8')):
            emit(f'n{k}', json.loads(line)['sentence_normalized'])
        for path in sorted((ds / 'ungdc_2023').glob('*.txt')):
            text = path.read_text(encoding='utf-8', errors='replace')
            for k, sentence in enumerate(re.split(r'(?<=[.!?])\s+', text)):
                emit(f'u{path.stem}-{k}', sentence)
    print(f'{sum(counts.values())} rows; by root: {dict(sorted(counts.items()))}; written to {args.out}')


if __name__ == '__main__':
    main()
