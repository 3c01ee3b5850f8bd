# case 36 embedding_decoder_grad
# torch.func.grad wrt {'emb.weight'}: tie_weights=True accumulates embedding+decoder uses;
# tie_weights=False only the embedding use.
import torch
import torch.nn as nn
from torch.func import functional_call, grad

class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(3, 2)
        self.dec = nn.Linear(2, 3, bias=False)
        self.dec.weight = self.emb.weight
        with torch.no_grad():
            self.emb.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    def forward(self, idx):
        return self.dec(self.emb(idx))
m = TinyLM()
W = torch.tensor([[2.0, 0.0], [0.0, 3.0], [1.0, -1.0]])
idx = torch.tensor([0, 2])
def loss(p, tie):
    return functional_call(m, p, idx, tie_weights=tie).sum()
grad(loss)({"emb.weight": W}, True)   #= key grad_tie_true
grad(loss)({"emb.weight": W}, False)   #= key grad_tie_false
m.emb.weight   #= key module_emb_weight_after
