# case 113 doc_grad_detached
# Docstring note: detached params -> same grad values, grad_fn None.
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
detached = {k: v.detach() for k, v in model.named_parameters()}
grad(compute_loss)(detached, x, t)  #= key grads
