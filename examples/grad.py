# torch.func.grad over a model's parameters through functional_call (PyTorch 2.13).
#
# The documentation's example:
#
#   x = torch.randn(4, 3)
#   t = torch.randn(4, 3)
#   model = nn.Linear(3, 3)
#
#   def compute_loss(params, x, t):
#       y = functional_call(model, params, x)
#       return nn.functional.mse_loss(y, t)
#
#   grad_weights = grad(compute_loss)(dict(model.named_parameters()), x, t)
#
# With torch.manual_seed(0) first every number below is the one PyTorch prints.

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value

torch.manual_seed(0)
x = torch.randn(4, 3)
t = torch.randn(4, 3)
model = nn.Linear(3, 3)

def compute_loss(params, x, t):
    y = functional_call(model, params, (x,))
    return F.mse_loss(y, t)

grad_weights = grad(compute_loss)(dict(model.named_parameters()), x, t)

# grad of a function of a dict returns a dict with the same keys: one gradient per parameter.
grad_weights
print(grad_weights["weight"])
print(grad_weights["bias"])

# The gradients carry a grad_fn (TBackward0, ViewBackward0): the inputs were the module's own
# Parameters, which require grad, so autograd still tracks the gradient computation outside
# the transform. grad_detached.py shows the cheaper variant.
print(grad_weights["weight"].grad_fn, grad_weights["bias"].grad_fn)

# grad works on the values passed in; it never fills the module's .grad.
print(model.weight.grad)

# The loss and the gradients in one pass (grad_and_value), then one step of gradient descent
# on the dict. Dict arithmetic applies per key. The module itself is not changed by any of it.
p = {k: v.detach() for k, v in model.named_parameters()}
gv = grad_and_value(compute_loss)(p, x, t)
g = gv[0]
print(gv[1])                             # the loss at p
new_p = {k: v - 0.1 * g[k] for k, v in p.items()}
print(compute_loss(new_p, x, t))         # lower after the step
model.weight
