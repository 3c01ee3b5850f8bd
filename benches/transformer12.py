# A 12-block transformer (pre-norm attention + MLP, tied embedding and head) for the object
# diagram's benchmark (benches/diagram.rs) and the browser test (kernel/tests/browser/visuals.sh).
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
    def forward(self, x):
        q, k, v = self.attn(self.ln_1(x)).split(x.shape[-1], dim=-1)
        a = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(x.shape[-1]), dim=-1) @ v
        x = x + self.proj(a)
        return x + self.out(F.gelu(self.fc(self.ln_2(x))))

class Transformer(nn.Module):
    def __init__(self, n, d, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.h = nn.ModuleList([Block(d) for _ in range(n)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.wte.weight
    def forward(self, idx):
        x = self.wte(idx)
        for b in self.h:
            x = b(x)
        return self.head(self.ln_f(x))

torch.manual_seed(0)
model = Transformer(12, 64, 128)
params = {k: v.detach() for k, v in model.named_parameters()}
idx = torch.randint(0, 128, (2, 8))
