"""Shared data loading / metrics for detente ML experiments."""
import json, os, numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import f1_score, accuracy_score, roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOME = os.environ.get('DETENTE_HOME', os.path.expanduser('~/.cache/detente'))
# Written by scripts/train_heads (from PyPI, sha256-checked) and read from ../shared.
HUTTO = os.environ.get('DETENTE_HUTTO', f'{HOME}/data/hutto_ICWSM_2014')
MODEL = os.path.join(ROOT, 'models', 'all-MiniLM-L6-v2')
CACHE = os.environ.get('DETENTE_TRAIN_CACHE', f'{HOME}/train')
TENSION = os.environ.get('DETENTE_TENSION', os.path.join(os.path.dirname(ROOT), 'shared', 'datasets', 'cameo_quad_train.tsv'))
CAMEO = os.environ.get('DETENTE_CAMEO', f'{HOME}/data/cameo/cameo_codes.json')
GOLDSTEIN = os.environ.get('DETENTE_GOLDSTEIN', f'{HOME}/data/cameo/cameo_goldstein.json')
SEED = 1234
os.makedirs(CACHE, exist_ok=True)

def load_hutto(name):
    texts, ys = [], []
    with open(f'{HUTTO}/{name}_GroundTruth.txt', encoding='utf-8', errors='replace', newline='') as f:
        for line in f.read().splitlines():
            if not line.strip():
                continue
            parts = line.split('\t')
            if len(parts) < 3:
                continue
            texts.append('\t'.join(parts[2:]).strip())
            ys.append(float(parts[1]))
    return texts, np.array(ys, dtype=np.float32)

def load_sentiment():
    """Returns dict name -> (texts, ratings). Train sets: tweets, movie, amazon. Test: nyt."""
    return {k: load_hutto(v) for k, v in [('tweets', 'tweets'), ('movie', 'movieReviewSnippets'),
                                           ('amazon', 'amazonReviewSnippets'), ('nyt', 'nytEditorialSnippets')]}

def sentiment_train_split():
    """All sentiment training data concatenated + fixed 10% held-out dev mask (seed)."""
    d = load_sentiment()
    texts, ys, src = [], [], []
    for i, k in enumerate(['tweets', 'movie', 'amazon']):
        texts += d[k][0]; ys.append(d[k][1]); src += [i] * len(d[k][0])
    ys = np.concatenate(ys); src = np.array(src)
    rng = np.random.RandomState(SEED)
    dev = rng.rand(len(texts)) < 0.10
    return texts, ys, src, dev, d['nyt']

def load_tension():
    texts, ys = [], []
    for line in open(TENSION, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line: continue
        s, l = line.rsplit('\t', 1)
        texts.append(s); ys.append(int(l))
    return texts, np.array(ys)

def tension_folds(y, k=5):
    from sklearn.model_selection import StratifiedKFold
    return list(StratifiedKFold(k, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))

def load_cameo_examples():
    d = json.load(open(CAMEO))
    texts, ys = [], []
    for code, v in d.items():
        for ex in v.get('examples', []) or []:
            root = code[:2]
            lab = 0 if root == '01' else int(v['quad_class'])
            texts.append(ex); ys.append(lab)
    return texts, np.array(ys)

def sent_metrics(pred, y):
    """pred, y on the -4..4 scale (or any scale: thresholds applied at +-0.05 on both)."""
    r = pearsonr(pred, y)[0]
    def c3(v): return np.where(v > 0.05, 2, np.where(v < -0.05, 0, 1))
    f1 = f1_score(c3(y), c3(pred), average='macro')
    return dict(r=float(r), f1_3=float(f1))

def tension_metrics(prob, y):
    pred = prob.argmax(1)
    m = (y >= 1)
    conflict = prob[:, 3] + prob[:, 4]
    coop = prob[:, 1] + prob[:, 2]
    score = conflict - coop
    auc = roc_auc_score((y[m] >= 3).astype(int), score[m])
    return dict(f1=float(f1_score(y, pred, average='macro')), acc=float(accuracy_score(y, pred)), auc=float(auc))
