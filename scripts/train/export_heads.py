"""Export a trained checkpoint (ft_cached.py --save 1) to models/heads/ for detente.

Writes models/heads/heads.safetensors (the LoRA delta `lora.<layer>.A/B`, the heads
`sentiment.*` and `tension.*`, and `cameo.prototypes`) and models/heads/config.json.

- cameo.prototypes: for each of the 20 CAMEO root event types, the mean embedding (tuned
  encoder, L2-normalised) of the root's name, its codes' names and descriptions, and their
  example news sentences (gdelt-py 0.1.11 cameo_codes.json); renormalised.
- tension.goldstein: the mean Goldstein value (cameo_goldstein.json) of each class's codes
  (class 0: the codes under root 01; classes 1-4: the codes of that GDELT quad class).
- tension.conflict_weight: max(0, -goldstein_c) / max_c max(0, -goldstein_c), so that
  statements and cooperation weigh 0 and the most violent class 1.

Usage: python export_heads.py CHECKPOINT.pt OUT_DIR [--negative-below X --positive-above Y]
"""
import argparse, json, os
import numpy as np, torch, torch.nn.functional as F
from safetensors.torch import save_file
from common import CAMEO, GOLDSTEIN
from model import build_encoder, tokenize, pool

ap = argparse.ArgumentParser()
ap.add_argument('checkpoint'); ap.add_argument('out')
ap.add_argument('--negative-below', type=float, default=-0.05)
ap.add_argument('--positive-above', type=float, default=0.05)
a = ap.parse_args()
torch.set_num_threads(2)
ck = torch.load(a.checkpoint)
args = ck['args']
enc = build_encoder(args['mode'], r=args['r'], alpha=args['alpha'], targets=args['targets'], start_layer=args['start'])
missing = enc.load_state_dict(ck['delta'], strict=False)
assert not missing.unexpected_keys, missing.unexpected_keys
enc.eval()

tensors = {}
targets = sorted({k[:-2] for k in ck['delta'] if k.endswith('.A')})
for t in targets:
    tensors[f'lora.{t}.A'] = ck['delta'][f'{t}.A'].float().contiguous()
    tensors[f'lora.{t}.B'] = ck['delta'][f'{t}.B'].float().contiguous()
assert len(tensors) == len(ck['delta']), 'only LoRA deltas can be exported'
for head, key in [('sentiment', 'h_sent'), ('tension', 'h_ten')]:
    for p in ('weight', 'bias'):
        tensors[f'{head}.{p}'] = ck[key][p].float().contiguous()

codes = json.load(open(CAMEO)); gold = json.load(open(GOLDSTEIN))
roots = sorted(c for c, v in codes.items() if v.get('root'))
texts, owner = [], []
for r in roots:
    for c, v in codes.items():
        if c[:2] != r:
            continue
        for t in [v.get('name'), v.get('description')] + list(v.get('examples') or []):
            if t:
                texts.append(t); owner.append(r)
with torch.no_grad():
    embs = []
    for i in range(0, len(texts), 64):
        ids, mask = tokenize(texts[i:i + 64], 128)
        embs.append(pool(enc, ids, mask))
    E = torch.cat(embs)
protos = []
for r in roots:
    idx = [i for i, o in enumerate(owner) if o == r]
    protos.append(F.normalize(E[idx].mean(0), dim=0))
tensors['cameo.prototypes'] = torch.stack(protos).contiguous()

def klass(code):
    return 0 if code[:2] == '01' else int(codes[code]['quad_class'])
g = [[] for _ in range(5)]
for c, v in gold.items():
    if c in codes:
        g[klass(c)].append(float(v['value']))
goldstein = [float(np.mean(x)) for x in g]
neg = [max(0.0, -x) for x in goldstein]
conflict_weight = [x / max(neg) for x in neg]

os.makedirs(a.out, exist_ok=True)
save_file(tensors, os.path.join(a.out, 'heads.safetensors'), metadata={'format': 'pt'})
config = {
    'encoder': 'all-MiniLM-L6-v2',
    'lora': {'rank': args['r'], 'alpha': args['alpha'], 'targets': targets},
    'sentiment': {'negative_below': a.negative_below, 'positive_above': a.positive_above},
    'tension': {'labels': ['statement', 'verbal_cooperation', 'material_cooperation', 'verbal_conflict', 'material_conflict'],
                'goldstein': [round(x, 6) for x in goldstein], 'conflict_weight': [round(x, 6) for x in conflict_weight]},
    'cameo_roots': [{'code': r, 'name': codes[r]['name'].capitalize()} for r in roots],
    'training': {k: v for k, v in args.items() if k not in ('save', 'tag')},
}
json.dump(config, open(os.path.join(a.out, 'config.json'), 'w'), indent=1)
# Reference outputs of the exported model (full fp32 forward, each sentence alone) for
# detente's test suite: tests/fixtures/heads_reference.jsonl.
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sents = [l.rstrip('\n') for l in open(os.path.join(root, 'tests/fixtures/parity_sentences.txt'), encoding='utf-8') if l.strip()]
h_s = torch.nn.Linear(384, 1); h_s.load_state_dict(ck['h_sent'])
h_t = torch.nn.Linear(384, 5); h_t.load_state_dict(ck['h_ten'])
with open(os.path.join(root, 'tests/fixtures/heads_reference.jsonl'), 'w', encoding='utf-8') as f, torch.no_grad():
    for s_ in sents:
        ids, mask = tokenize([s_], 256)
        e = pool(enc, ids, mask)
        f.write(json.dumps({'text': s_, 'sentiment': float(h_s(e)[0, 0]),
                            'probs': [float(x) for x in F.softmax(h_t(e), -1)[0]]}, ensure_ascii=False) + '\n')
print('exported', len(targets), 'LoRA layers,', sum(t.numel() for t in tensors.values()), 'values to', a.out)
print('goldstein per class', config['tension']['goldstein'], 'conflict weight', config['tension']['conflict_weight'])
