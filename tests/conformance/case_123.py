# case 123 circular_reference
# test_circular_references: l1.m points back to the root. tie_weights=False works with paths
# through the cycle; tie_weights=True (default, even with an empty dict) and strict=True recurse
# forever in named_parameters(remove_duplicate=False) -> RecursionError.
# On a cyclic module graph the remove_duplicate=false walk recurses forever (RecursionError) in
# PyTorch and in fcall; cases.py then falls back to the deduplicated walk for module_after, and so
# does state(m) here.
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
m.l1.m = m
d = {"l1.m.l1.weight": torch.tensor([[1.0]]), "l1.bias": torch.tensor([0.0]), "l1.m.buffer": torch.tensor([0.0])}
#= scope tie_false
{**dict(m.named_parameters()), **dict(m.named_buffers())}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[2.0]]),), tie_weights=False)  #= call
{**dict(m.named_parameters()), **dict(m.named_buffers())}  #= module
d   #= dicts
#= scope tie_true
functional_call(m, {"l1.m.l1.weight": torch.tensor([[1.0]]), "l1.bias": torch.tensor([0.0]), "l1.m.buffer": torch.tensor([0.0])}, (torch.tensor([[2.0]]),))  #= raised_type
#= scope tie_true_empty_dict
functional_call(m, {}, (torch.tensor([[2.0]]),))  #= raised_type
#= scope strict_tie_false
functional_call(m, {"l1.m.l1.weight": torch.tensor([[1.0]]), "l1.bias": torch.tensor([0.0]), "l1.m.buffer": torch.tensor([0.0])}, (torch.tensor([[2.0]]),), tie_weights=False, strict=True)  #= raised_type
