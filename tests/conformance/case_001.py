# case 1 single_dict_identity
# One dict with all params/buffers (identity map): result uses dict values; module untouched;
# dict entries are the same objects afterwards.
import torch
import torch.nn as nn
from torch.func import functional_call

class MockModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        self.buffer = nn.Buffer(torch.ones(1))
        self.foo = 0.0
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.l1(x) + self.buffer
m = MockModule()
d = {"l1.weight": torch.tensor([[1.0]]), "l1.bias": torch.tensor([0.0]), "buffer": torch.tensor([0.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[3.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
