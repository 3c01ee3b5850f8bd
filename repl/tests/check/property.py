# @property on a class method (a read-only property): read, used in forward, and a key that
# names it in functional_call (the getter runs, then setattr finds no setter).
import torch
import torch.nn as nn
from torch.func import functional_call

class Prop(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(2.0))
    @property
    def scale(self):
        return self.w * 3
    def forward(self, x):
        return x * self.scale
m = Prop()
m.scale
m(torch.tensor(1.0))
hasattr(m, "scale")
functional_call(m, {"scale": torch.tensor(5.0)}, (torch.tensor(1.0),))
functional_call(m, {"w": torch.tensor(5.0)}, (torch.tensor(1.0),))
functional_call(m, {"w": torch.tensor(5.0), "scale": torch.tensor(1.0)}, (torch.tensor(1.0),))
m.scale = torch.tensor(1.0)
m.scale = nn.Parameter(torch.tensor(1.0))
m.scale
list(dict(m.named_parameters()).keys())
{**dict(m.named_parameters()), **dict(m.named_buffers())}
class Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(1, 1)
    @property
    def weight_sum(self):
        return self.lin.weight.sum() + self.lin.bias.sum()
    def forward(self, x):
        return self.lin(x) * self.weight_sum
t = Twice()
functional_call(t, {"lin.weight": torch.tensor([[2.0]]), "lin.bias": torch.tensor([1.0])}, (torch.tensor([[1.0]]),))
functional_call(t, {"weight_sum": torch.tensor(1.0)}, (torch.tensor([[1.0]]),))
