# case 110 parametrization_grad_regular_name
# torch.func.grad over {'weight'} of a parametrized module: right_inverse path calls set_ on a
# captured tensor -> RuntimeError.
import torch
import torch.nn as nn
from torch.func import functional_call, grad

class ClampPos(nn.Module):
    def forward(self, X):
        return X.clamp(min=0)
    def right_inverse(self, Y):
        return Y
m = nn.Linear(2, 1, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[-1.0, 2.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", ClampPos())
def loss(p, x):
    return functional_call(m, p, x).sum()
grad(loss)({"weight": torch.tensor([[-5.0, 3.0]])}, torch.tensor([[1.0, 1.0]]))  #= key raised
m.parametrizations.weight.original   #= key original_after
