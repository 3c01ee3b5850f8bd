# case 104 dropout_eval_identity
# Dropout in eval mode inside functional_call is the identity.
import torch
import torch.nn as nn
from torch.func import functional_call

l0 = nn.Linear(2, 2)
with torch.no_grad():
    l0.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    l0.bias.copy_(torch.tensor([0.0, 0.0]))
m = nn.Sequential(l0, nn.Dropout(0.5))
m.eval()
d = {"0.weight": torch.tensor([[2.0, 0.0], [0.0, 2.0]])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 2.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
