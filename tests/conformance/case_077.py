# case 77 moduledict_naming
# ModuleDict keys appear in paths: 'layers.enc.weight'.
import torch
import torch.nn as nn
from torch.func import functional_call

def linear(w, b):
    l = nn.Linear(1, 1)
    with torch.no_grad():
        l.weight.copy_(torch.tensor(w))
        l.bias.copy_(torch.tensor(b))
    return l
class MD(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({"enc": linear([[1.0]], [0.0]), "dec": linear([[1.0]], [0.0])})
    def forward(self, x):
        return self.layers["dec"](self.layers["enc"](x))
m = MD()
d = {"layers.enc.weight": torch.tensor([[3.0]]), "layers.dec.bias": torch.tensor([1.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[2.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
names = []
for n, _ in m.named_parameters():
    names.append(n)
names   #= key names
