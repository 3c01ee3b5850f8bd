# case 34 embedding_decoder_tie_default
# Nested tie dec.weight is emb.weight: named_parameters() lists only emb.weight; with
# tie_weights=True the decoder uses the supplied emb.weight too.
import torch
import torch.nn as nn
from torch.func import functional_call

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
d = {"emb.weight": W}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([0, 2]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
list(dict(m.named_parameters()).keys())  #= key named_parameters_default
list(dict(m.named_parameters(remove_duplicate=False)).keys())  #= key named_parameters_remove_duplicate_false
