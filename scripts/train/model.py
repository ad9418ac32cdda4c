"""Encoder wrapper: MiniLM + optional LoRA / BitFit, mean pooling + L2 norm, two heads."""
import math, torch, torch.nn as nn, torch.nn.functional as F, numpy as np
from transformers import AutoModel, AutoTokenizer
from common import MODEL

class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r=8, alpha=16, dropout=0.0):
        super().__init__()
        self.base = base
        self.r, self.scale = r, alpha / r
        self.A = nn.Parameter(torch.empty(r, base.in_features))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))  # same as PEFT default
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
    def forward(self, x):
        return self.base(x) + (self.drop(x) @ self.A.t() @ self.B.t()) * self.scale

LORA_TARGETS = {
    'qv': ['attention.self.query', 'attention.self.value'],
    'qkvo': ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense'],
    'all': ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense',
            'intermediate.dense', 'output.dense'],
}

def build_encoder(mode='frozen', r=8, alpha=16, targets='all', lora_dropout=0.0, start_layer=0):
    enc = AutoModel.from_pretrained(MODEL)
    for p in enc.parameters():
        p.requires_grad = False
    if mode in ('lora', 'lora+bitfit'):
        names = LORA_TARGETS[targets]
        for layer in enc.encoder.layer[start_layer:]:
            for n in names:
                parent = layer
                parts = n.split('.')
                for pp in parts[:-1]:
                    parent = getattr(parent, pp)
                # 'output.dense' must be the FFN output (layer.output.dense), not attention.output.dense
                setattr(parent, parts[-1], LoRALinear(getattr(parent, parts[-1]), r, alpha, lora_dropout))
    if mode in ('bitfit', 'lora+bitfit'):
        for n, p in enc.named_parameters():
            if not n.startswith('encoder.layer.'):
                continue
            if int(n.split('.')[2]) < start_layer:
                continue
            if n.endswith('.bias') or 'LayerNorm' in n:
                p.requires_grad = True
    return enc

def delta_params(enc):
    return {n: p for n, p in enc.named_parameters() if p.requires_grad}

def pool(enc, ids, mask):
    h = enc(input_ids=ids, attention_mask=mask).last_hidden_state
    m = mask.unsqueeze(-1).to(h.dtype)
    e = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return F.normalize(e, dim=-1)

_tok = None
def tokenizer():
    global _tok
    if _tok is None:
        _tok = AutoTokenizer.from_pretrained(MODEL, clean_up_tokenization_spaces=True)
    return _tok

def tokenize(texts, max_len):
    t = tokenizer()(texts, padding=True, truncation=True, max_length=max_len, return_tensors='pt')
    return t['input_ids'], t['attention_mask']

@torch.no_grad()
def embed(enc, texts, max_len=128, bs=64):
    enc.eval()
    order = np.argsort([len(s) for s in texts])
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i in range(0, len(texts), bs):
        idx = order[i:i + bs]
        ids, mask = tokenize([texts[j] for j in idx], max_len)
        out[idx] = pool(enc, ids, mask).numpy()
    return out
