"""Multi-task small-delta fine-tuning of the top K MiniLM layers, using cached frozen hidden states
(cache_layers.py) for the bottom 6-K layers (exact same maths as the full model: bottom layers are frozen).

Model: MiniLM layers [start..5] with LoRA (rank r, alpha, on --targets linear layers) and/or BitFit;
mean pooling over the attention mask, L2 normalisation -> e (384).
Sentiment head: Linear(384->1), output = rating/4, MSE loss.  Tension head: Linear(384->5), CE loss.
Each step: sentiment batch (--sbs, length-bucketed) + tension batch (--tbs, cycled shuffled pool,
i.e. tension is oversampled).  loss = w_sent*MSE + w_ten*CE.  AdamW, linear warmup 6% + linear decay.
"""
import argparse, time, json, math, random, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2)
from common import *
from model import build_encoder, delta_params

ap = argparse.ArgumentParser()
ap.add_argument('--mode', default='lora')
ap.add_argument('--start', type=int, default=3)     # first tuned layer (cache level)
ap.add_argument('--r', type=int, default=8)
ap.add_argument('--alpha', type=float, default=16)
ap.add_argument('--targets', default='all')
ap.add_argument('--lr', type=float, default=1e-3)
ap.add_argument('--head_lr', type=float, default=5e-3)
ap.add_argument('--epochs', type=float, default=1.0)
ap.add_argument('--sbs', type=int, default=32)
ap.add_argument('--tbs', type=int, default=8)
ap.add_argument('--w_sent', type=float, default=1.0)
ap.add_argument('--w_ten', type=float, default=0.5)
ap.add_argument('--max_len', type=int, default=64)
ap.add_argument('--folds', default='0')             # comma list of tension folds; -1 = all tension
ap.add_argument('--sent', default='dev')            # dev | all
ap.add_argument('--cameo', type=int, default=0)
ap.add_argument('--nyt', type=int, default=0)
ap.add_argument('--seed', type=int, default=SEED)
ap.add_argument('--tag', default='run')
ap.add_argument('--save', type=int, default=0)
a = ap.parse_args()
print(vars(a), flush=True)

class Cache:
    def __init__(self, name, level):
        z = np.load(f'{CACHE}/layers_{name}.npz'); self.off = z['off']; self.h = z[f'h{level}']
    def __len__(self): return len(self.off) - 1
    def length(self, i): return self.off[i + 1] - self.off[i]
    def batch(self, idx, max_len):
        L = min(max_len, max(self.length(i) for i in idx))
        x = np.zeros((len(idx), L, 384), np.float32); m = np.zeros((len(idx), L), np.float32)
        for b, i in enumerate(idx):
            n = min(self.length(i), L)
            if n == L and self.length(i) > L:   # truncation: keep [CLS] .. tokens, force last = [SEP] state
                x[b, :n - 1] = self.h[self.off[i]:self.off[i] + n - 1]; x[b, n - 1] = self.h[self.off[i + 1] - 1]
            else:
                x[b, :n] = self.h[self.off[i]:self.off[i] + n]
            m[b, :n] = 1
        return torch.from_numpy(x), torch.from_numpy(m)
# NB truncating cached states is only an approximation of re-tokenising at max_len (lower layers saw the
# full sentence); it affects <1% of training sentences (>64 tokens). Evaluation uses up to 128 (= cache).

tx, ys, src, dev, nyt = sentiment_train_split()
tt, ty = load_tension(); cty = load_cameo_examples()[1]
folds = tension_folds(ty)
C = {n: Cache(n, a.start) for n in ['sent', 'nyt', 'ten', 'cameo']}

def encode(layers, x, m):
    ext = (1.0 - m[:, None, None, :]) * torch.finfo(torch.float32).min
    h = x
    for layer in layers:
        h = layer(h, attention_mask=ext)[0]
    mm = m.unsqueeze(-1)
    return F.normalize((h * mm).sum(1) / mm.sum(1).clamp(min=1e-9), dim=-1)

def embed_cached(layers, cache, idx, bs=128):
    idx = np.asarray(idx); order = idx[np.argsort([cache.length(i) for i in idx])]
    out = {}
    with torch.no_grad():
        for i in range(0, len(order), bs):
            b = order[i:i + bs]; x, m = cache.batch(b, 128)
            for j, e in zip(b, encode(layers, x, m)): out[j] = e
    return torch.stack([out[j] for j in idx])

def run(fold):
    torch.manual_seed(a.seed); np.random.seed(a.seed); random.seed(a.seed)
    if a.sent == 'dev': s_tr, s_ev = np.where(~dev)[0], np.where(dev)[0]
    else: s_tr, s_ev = np.arange(len(tx)), np.where(dev)[0]
    if fold >= 0: t_tr, t_ev = folds[fold]
    else: t_tr, t_ev = np.arange(len(ty)), np.array([], int)
    pool = [('ten', i, ty[i]) for i in t_tr]
    if a.cameo: pool += [('cameo', i, cty[i]) for i in range(len(cty))]
    enc = build_encoder(a.mode, r=a.r, alpha=a.alpha, targets=a.targets, start_layer=a.start)
    layers = enc.encoder.layer[a.start:]
    delta = delta_params(enc); n_delta = sum(p.numel() for p in delta.values())
    h_s, h_t = nn.Linear(384, 1), nn.Linear(384, 5)
    for p in list(h_s.parameters()) + list(h_t.parameters()): nn.init.zeros_(p)
    opt = torch.optim.AdamW([{'params': list(delta.values()), 'lr': a.lr, 'weight_decay': 0.0},
                             {'params': list(h_s.parameters()) + list(h_t.parameters()), 'lr': a.head_lr, 'weight_decay': 0.01}])
    steps = int(math.ceil(len(s_tr) * a.epochs / a.sbs)); warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    def sent_batches():
        while True:
            p = np.random.permutation(s_tr); bl = []
            for c in range(0, len(p), a.sbs * 20):
                ch = p[c:c + a.sbs * 20]; ch = ch[np.argsort([C['sent'].length(i) for i in ch])]
                bl += [ch[i:i + a.sbs] for i in range(0, len(ch) - a.sbs + 1, a.sbs)]
            for k in np.random.permutation(len(bl)): yield bl[k]
    def ten_batches():
        while True:
            p = np.random.permutation(len(pool))
            for i in range(0, len(p) - a.tbs + 1, a.tbs): yield [pool[k] for k in p[i:i + a.tbs]]
    sb, tb = sent_batches(), ten_batches()
    t0 = time.time(); enc.train(); ls_s = ls_t = 0.0
    for step in range(steps):
        si = next(sb); xs, ms = C['sent'].batch(si, a.max_len)
        e_s = encode(layers, xs, ms)
        loss_s = F.mse_loss(h_s(e_s).squeeze(-1), torch.from_numpy(ys[si] / 4.0).float())
        loss = a.w_sent * loss_s
        if a.tbs > 0 and a.w_ten > 0:
            tbat = next(tb)
            xs2 = [C[n].batch([i], a.max_len) for n, i, _ in tbat]
            L = max(x.shape[1] for x, _ in xs2)
            xt = torch.stack([F.pad(x[0], (0, 0, 0, L - x.shape[1])) for x, _ in xs2])
            mt = torch.stack([F.pad(m[0], (0, L - m.shape[1])) for _, m in xs2])
            e_t = encode(layers, xt, mt)
            loss_t = F.cross_entropy(h_t(e_t), torch.tensor([l for _, _, l in tbat]))
            loss = loss + a.w_ten * loss_t; ls_t = 0.98 * ls_t + 0.02 * loss_t.item()
        ls_s = 0.98 * ls_s + 0.02 * loss_s.item()
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if step % 100 == 0 or step == steps - 1:
            print(f'fold {fold} step {step}/{steps} mse {ls_s:.4f} ce {ls_t:.4f} {time.time()-t0:.0f}s', flush=True)
    train_s = time.time() - t0
    enc.eval(); res = dict(vars(a), fold=fold, n_delta=n_delta, train_s=round(train_s)); out = {}
    with torch.no_grad():
        E = embed_cached(layers, C['sent'], s_ev); p = h_s(E).squeeze(-1).numpy() * 4
        res['dev'] = sent_metrics(p, ys[s_ev]); out['dev_pred'] = p
        if len(t_ev):
            E = embed_cached(layers, C['ten'], t_ev); pr = F.softmax(h_t(E), -1).numpy()
            res['ten'] = tension_metrics(pr, ty[t_ev]); out['ten_prob'] = pr; out['ten_idx'] = t_ev
            out['ten_emb'] = E.numpy()
        if a.nyt:
            E = embed_cached(layers, C['nyt'], np.arange(len(C['nyt']))); p = h_s(E).squeeze(-1).numpy() * 4
            res['nyt'] = sent_metrics(p, nyt[1]); out['nyt_pred'] = p
    res['total_s'] = round(time.time() - t0)
    print('RESULT', json.dumps(res), flush=True)
    with open(f'{CACHE}/results.jsonl', 'a') as f: f.write(json.dumps(res) + '\n')
    np.savez(f'{CACHE}/pred_{a.tag}_f{fold}.npz', **out)
    if a.save:
        torch.save({'delta': {k: v.detach() for k, v in delta.items()}, 'h_sent': h_s.state_dict(),
                    'h_ten': h_t.state_dict(), 'args': vars(a)}, f'{CACHE}/model_{a.tag}_f{fold}.pt')
    return res

for f in [int(x) for x in a.folds.split(',')]:
    run(f)
