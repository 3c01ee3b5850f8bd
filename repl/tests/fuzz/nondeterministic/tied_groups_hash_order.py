# Found by the fuzzer (seed 1, index 1 of its first version). NOT a fcall bug: PyTorch 2.13 itself
# is nondeterministic here. Two tie groups (s1.w/s2.w and s1.b/s2.b, a shared submodule) both
# get two different objects; torch.nn.utils.stateless._untie_named_tensors_map iterates a `set`
# of names, so which group its ValueError names depends on PYTHONHASHSEED (run the export a few
# times: ['s1.w', 's2.w'] or ['s1.b', 's2.b']). fcall always names the first. The generator
# avoids this (only one tie group may conflict per program, and `z` is never shared across tie
# groups, which gives the same hash-order pick in the 3-name KeyError). No test runs
# this file (tests/check.rs checks tests/fuzz/regressions/, not this folder).
import torch
import torch.nn as nn
from torch.func import functional_call

class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, 1.0]))
        self.b = nn.Buffer(torch.tensor([-2.0, -1.0]))
    def forward(self, x):
        return x * self.w + self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
    def forward(self, x):
        return self.s1(x) + self.s2(x)
m = Top()
x = torch.tensor([[-1.5, 3.0]])
d1 = {"s1.w": torch.tensor([2.5, 0.5]), "s1.b": torch.tensor([-3.0, -0.5]), "s2.w": torch.tensor([-2.5, -3.5]), "s2.b": torch.tensor([1.0, 1.0])}
functional_call(m, d1, (x,))
