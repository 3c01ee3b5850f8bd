# Complex tensors and Python complex numbers as statement values (records compared part by
# part) and through functional_call.
import torch
import torch.nn as nn
from torch.func import functional_call
z = torch.complex(torch.tensor([1.0, -0.5]), torch.tensor([2.0, float("inf")]))
z
w = z * z.conj()
w
z.real
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.complex(torch.ones(2), torch.ones(2)))

    def forward(self, x):
        return self.w * x

m = M()
functional_call(m, {"w": torch.complex(torch.zeros(2), torch.ones(2))}, (torch.ones(2),))
m.w
z[0].item()
z.tolist()
(0.1 + 0.2j) * 3
abs(3 - 4j)
torch.tensor([1 + 2j, 3j]) * 1j
[1j, 2.5, complex(-0.0, 1)]
