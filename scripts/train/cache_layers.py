"""Speed trick for CPU training: cache the frozen hidden states entering layers 2,3,4 (max 128 tokens, fp16)
for every sentence (sentiment train, NYT, tension, CAMEO examples). Fine-tuning LoRA only in the top K layers
(K = 6 - start) then needs to run just those layers. Also verifies that the cached path reproduces the frozen
embeddings."""
import time, numpy as np, torch
torch.set_num_threads(2)
from common import *
from model import build_encoder, tokenize
tx, ys, src, dev, nyt = sentiment_train_split()
tt, ty = load_tension(); ct, cy = load_cameo_examples()
enc = build_encoder('frozen'); enc.eval()
LEVELS = [2, 3, 4]
for name, T in [('ten', tt), ('cameo', ct), ('nyt', nyt[0]), ('sent', tx)]:
    t0 = time.time()
    order = np.argsort([len(s) for s in T])
    store = {l: [None] * len(T) for l in LEVELS}; ids_store = [None] * len(T)
    with torch.no_grad():
        for i in range(0, len(T), 64):
            idx = order[i:i + 64]
            ids, mask = tokenize([T[j] for j in idx], 128)
            out = enc(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            hs = out.hidden_states  # hs[k] = input to layer k (hs[0] = embeddings)
            for b, j in enumerate(idx):
                n = int(mask[b].sum())
                for l in LEVELS:
                    store[l][j] = hs[l][b, :n].numpy().astype(np.float16)
    lens = np.array([s.shape[0] for s in store[LEVELS[0]]])
    off = np.concatenate([[0], np.cumsum(lens)])
    np.savez(f'{CACHE}/layers_{name}.npz', off=off, **{f'h{l}': np.concatenate(store[l]) for l in LEVELS})
    print(name, len(T), f'{time.time()-t0:.0f}s', flush=True)
