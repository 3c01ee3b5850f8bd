# case 76 sequential_naming
# Sequential children are named by index: '0.weight', '2.bias' (ReLU at index 1 has no tensors).
import torch
import torch.nn as nn
from torch.func import functional_call

l0 = nn.Linear(2, 2)
with torch.no_grad():
    l0.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    l0.bias.copy_(torch.tensor([0.0, 0.0]))
l2 = nn.Linear(2, 1)
with torch.no_grad():
    l2.weight.copy_(torch.tensor([[1.0, 1.0]]))
    l2.bias.copy_(torch.tensor([0.0]))
m = nn.Sequential(l0, nn.ReLU(), l2)
d = {"0.weight": torch.tensor([[2.0, 0.0], [0.0, -1.0]]), "0.bias": torch.tensor([1.0, 1.0]), "2.bias": torch.tensor([10.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
list(dict(m.named_parameters()).keys())  #= key names
