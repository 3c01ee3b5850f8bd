# case 78 members_inside_forward
# test_functional_call_member_reference: inside forward, named_parameters/buffers yield the
# supplied objects (plain Tensors in parameter slots; a None slot is skipped).
import torch
import torch.nn as nn
from torch.func import functional_call

d = {"l1.weight": torch.tensor([[2.0]]), "l1.bias": None, "buffer": torch.tensor([3.0])}
seen = {}
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
        self.buffer = nn.Buffer(torch.ones(1))
    def forward(self, x):
        seen["params"] = []
        for n, p in self.named_parameters():
            seen["params"].append((n, type(p).__name__, p is d.get(n)))
        seen["buffers"] = []
        for n, b in self.named_buffers():
            seen["buffers"].append((n, type(b).__name__, b is d.get(n)))
        return self.l1(x) + self.buffer
m = M()
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
seen   #= key inside_forward
