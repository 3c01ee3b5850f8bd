# case 11 str_is_a_sequence
# Quirk: a str is a Sequence; '' has no elements so it acts like {}; 'ab' fails the all-dicts
# check.
# fcall has one string type; like a Python str it is a sequence of one-character strings.
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
#= scope empty_string
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
functional_call(m, "", (torch.tensor([[3.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
#= scope string_ab
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
functional_call(m, "ab", (torch.tensor([[3.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
