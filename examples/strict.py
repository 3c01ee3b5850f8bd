# strict=True (torch.func.functional_call, PyTorch 2.13).
#
# The documentation: "If True, then the parameters and buffers passed in must match the
# parameters and buffers in the original module. Therefore, if True and there are any missing
# or unexpected keys, it will error." Concretely: the keys are compared with every name of
# named_parameters/named_buffers(remove_duplicate=False) (aliases included, non-persistent
# buffers included, None slots and plain attributes excluded), after tied names were expanded,
# before anything is swapped. The message is not load_state_dict's.

import torch
import torch.nn as nn
from torch.func import functional_call

class Mock(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        self.buffer = nn.Buffer(torch.ones(1))
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.l1(x) + self.buffer
m = Mock()
x = torch.tensor([[1.0]])

# Exactly all names: fine. 1 * 2 + 5 + 3 = 10.
functional_call(m, {"l1.weight": torch.tensor([[2.0]]), "l1.bias": torch.tensor([5.0]), "buffer": torch.tensor([3.0])}, (x,), strict=True)

# Missing names: RuntimeError, sorted, repr-quoted. Nothing swapped, nothing written back.
functional_call(m, {"l1.weight": torch.tensor([[2.0]])}, (x,), strict=True)
# An extra name, and both at once: Unexpected comes first, then Missing.
functional_call(m, {"l1.weight": torch.tensor([[2.0]]), "l1.bias": torch.tensor([5.0]), "buffer": torch.tensor([3.0]), "extra": torch.tensor([1.0])}, (x,), strict=True)
functional_call(m, {"l1.weight": torch.tensor([[2.0]]), "extra": torch.tensor([1.0])}, (x,), strict=True)

# Without strict the same extra key is simply set as a plain attribute during the call and
# removed afterwards (forward ignores it): 3 * 2 + 0.25 + 1 = 7.25.
functional_call(m, {"l1.weight": torch.tensor([[2.0]]), "extra": torch.tensor([1.0])}, (torch.tensor([[3.0]]),))
hasattr(m, "extra")

# Ties: with tie_weights=True an alias counts as given with its partner; with tie_weights=False every
# alias name must be passed.
class MockTied(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        self.tied_bias = self.l1.bias
        self.buffer = nn.Buffer(torch.ones(1))
        self.tied_buffer = self.buffer
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.l1(x) + self.tied_bias + self.buffer + self.tied_buffer
mt = MockTied()
full_set = {"l1.weight": torch.tensor([[2.0]]), "l1.bias": torch.tensor([5.0]), "buffer": torch.tensor([3.0])}
functional_call(mt, full_set, (x,), strict=True)     # 2 + 5 + 5 + 3 + 3 = 18
functional_call(mt, full_set, (x,), strict=True, tie_weights=False)

# Order of the checks: the tie check (ValueError) runs before strict ...
functional_call(mt, {"l1.bias": torch.tensor([0.0]), "tied_bias": torch.tensor([1.0]), "extra": torch.tensor(0.0)}, (x,), strict=True)
# ... and strict looks at keys only, before any value is checked: a non-tensor value plus an
# unexpected key gives strict's RuntimeError, not the TypeError about the value.
functional_call(m, {"l1.weight": 3, "l1.bias": torch.tensor([0.0]), "buffer": torch.tensor([0.0]), "extra": torch.tensor(0.0)}, (x,), strict=True)

# Non-persistent buffers are required although state_dict() leaves them out.
class NP(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(1.0))
        self.register_buffer("np_buf", torch.tensor(2.0), persistent=False)
    def forward(self, x):
        return x * self.w + self.np_buf
np = NP()
list(np.state_dict().keys())
functional_call(np, {"w": torch.tensor(3.0)}, (torch.tensor(1.0),), strict=True)
functional_call(np, {"w": torch.tensor(3.0), "np_buf": torch.tensor(10.0)}, (torch.tensor(1.0),), strict=True)

# Sorting is plain string sorting: '10.bias' < '2.bias', and 'Z' < '_x' < 'a'.
seq = nn.Sequential()
for i in range(12):
    seq.append(nn.Linear(1, 1))
p = dict(seq.named_parameters())
_ = p.pop("2.bias")
_ = p.pop("10.bias")
functional_call(seq, (p, {"a": torch.tensor(0.0), "_x": torch.tensor(0.0), "Z": torch.tensor(0.0)}), (x,), strict=True)
