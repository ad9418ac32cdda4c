"""Writes two labelled sets that `detente score` can be run on, each sentence carrying its
gold labels into the scored table (`--keep-fields`), for `detente evaluate` to measure:

  * the CAMEO codebook's example sentences (gdelt-py 0.1.11 cameo_codes.json, 157 of 162 with
    four words or more; never trained on): `root` (the code's root), `class` (its event class
    under detente's grouping), `gs` (the code's Goldstein value), `kind` (`01-02` for
    statements and appeals, else `03-20`);
  * political-news sentences (NewsMTSC training split, the 7,353 whose targets share one
    polarity): `gold` (negative, neutral, positive) and `value` (-1, 0, 1). The shipped model
    trains on these, so this is a figure for models that did not (the previous model,
    VADER); `detente train --cv` gives the honest one.

    python3 scripts/evaluate/codebook_news.py DIR     # writes DIR/codebook.jsonl, DIR/news.jsonl
    detente score DIR/codebook.jsonl --no-split --keep-fields root,class,gs,kind -o DIR/codebook.csv
    detente evaluate DIR/codebook.csv --by kind --label cameo_root=root --label event_class=class \
        --number goldstein=gs        # root accuracy (all; without 01-02: the 03-20 row), Spearman
    detente score DIR/news.jsonl --no-split --keep-fields gold,value -o DIR/news.csv
    detente evaluate DIR/news.csv --label sentiment_label=gold \
        --number sentiment_lexicon=value --band 0.05   # VADER's compound at ±0.05: the macro-F1 column

Data: $DETENTE_DATASETS (else ../shared/datasets) and $DETENTE_HOME/data/cameo (else
~/.cache/detente/data/cameo). Standard library only.
"""
import json, os, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GROUP = {r: k for k, rs in enumerate([
    ['01', '02'], ['03', '04', '05'], ['06', '07', '08'],
    ['09', '10', '11', '12', '13', '16'], ['14', '15', '17', '18', '19', '20']]) for r in rs}
CLASSES = ['statement', 'verbal_cooperation', 'material_cooperation', 'verbal_conflict', 'material_conflict']
POLARITY = {2.0: ('negative', -1), 4.0: ('neutral', 0), 6.0: ('positive', 1)}


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
                root = code[:2]
                f.write(json.dumps({'id': f'{code}#{i}', 'text': text, 'root': root,
                                    'class': CLASSES[GROUP[root]], 'gs': gold[code]['value'],
                                    'kind': '01-02' if root in ('01', '02') else '03-20'}) + '\n')
                n += 1
    m = 0
    with open(out / 'news.jsonl', 'w', encoding='utf-8') as f:
        for i, line in enumerate(open(ds / 'newsmtsc_train.jsonl', encoding='utf-8')):
            d = json.loads(line)
            ps = {t['polarity'] for t in d['targets']}
            if len(ps) == 1:
                label, value = POLARITY[ps.pop()]
                f.write(json.dumps({'id': str(i), 'text': d['sentence_normalized'], 'gold': label,
                                    'value': value}) + '\n')
                m += 1
    print(f'{n} codebook examples, {m} news sentences in {out}')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    prepare(Path(sys.argv[1]))
