# A GPT-shaped module (token and position embeddings, n pre-norm blocks, the head tied to the
# token embedding, a step counter written in place by forward) for the call display's test
# (tests/call_display.rs: GPT(50, 16, 12), 150 names) and benchmark (benches/call_display.rs:
# GPT(8192, 1024, 3), 52.5M parameters). Runs in fcall and in PyTorch alike.
import torch
import torch.nn as nn
from torch.func import functional_call

class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(3 * d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
    def forward(self, x):
        x = x + self.proj(self.qkv(self.ln1(x)))
        return x + self.out(torch.relu(self.fc(self.ln2(x))))

class GPT(nn.Module):
    def __init__(self, vocab, d, n):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(64, d)
        self.h = nn.ModuleList([Block(d) for _ in range(n)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.wte.weight
        self.register_buffer('steps', torch.zeros(()))
    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[-1]))
        for b in self.h:
            x = b(x)
        self.steps.add_(1)
        return self.head(self.ln_f(x))
