# case 112 doc_grad_example
# Docstring grad example (fixed values): grad wrt dict(model.named_parameters()) returns a dict
# with the same keys; grads carry grad_fn because the inputs are requires_grad Parameters.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad

model = nn.Linear(3, 3)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]))
    model.bias.copy_(torch.tensor([0.0, 1.0, 0.0]))
x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [2.0, 0.0, 1.0]])
t = torch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 2.0], [1.0, 0.0, 0.0]])
def compute_loss(params, x, t):
    y = functional_call(model, params, x)
    return F.mse_loss(y, t)
grad(compute_loss)(dict(model.named_parameters()), x, t)  #= key grads
model.weight.grad   #= key module_weight_grad_attr
