# Detached parameters under torch.func.grad (PyTorch 2.13).
#
# The documentation's note:
#
#   detached_params = {k: v.detach() for k, v in model.named_parameters()}
#   grad_weights = grad(compute_loss)(detached_params, x, t)
#   grad_weights.grad_fn  # None--it's not tracking gradients outside of grad
#
# The values are the same as with the Parameters themselves (grad.py); the difference is that
# nothing outside the transform is tracked. One correction: grad of a function of a dict
# returns a dict, and a dict has no grad_fn: `grad_weights.grad_fn` raises AttributeError in
# PyTorch. It is each entry's grad_fn that is None.

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad

torch.manual_seed(0)
x = torch.randn(4, 3)
t = torch.randn(4, 3)
model = nn.Linear(3, 3)

def compute_loss(params, x, t):
    y = functional_call(model, params, (x,))
    return F.mse_loss(y, t)

detached_params = {k: v.detach() for k, v in model.named_parameters()}  # {k: v.detach() for k, v in model.named_parameters()}
grad_weights = grad(compute_loss)(detached_params, x, t)
grad_weights
print(grad_weights["weight"])

# The documentation's line, as PyTorch really runs it: AttributeError (a dict has no grad_fn).
grad_weights.grad_fn
# Each entry's grad_fn is None, and the entries do not require grad.
print(grad_weights["weight"].grad_fn, grad_weights["bias"].grad_fn)
print(grad_weights["weight"].requires_grad)

# "This means that the user cannot call grad_weight.backward()": autograd refuses.
grad_weights["weight"].sum().backward()

# The values equal the ones computed from the module's own Parameters.
with_params = grad(compute_loss)(dict(model.named_parameters()), x, t)
print(grad_weights["weight"].allclose(with_params["weight"]), grad_weights["bias"].allclose(with_params["bias"]))
print(with_params["weight"].grad_fn)

# Outside grad the same holds for a plain functional call: the output has no grad_fn when
# every tensor forward uses is detached, and has one as soon as a module Parameter is used
# (here the module's own bias, since only the weight is passed).
y = functional_call(model, detached_params, (x,))
print(y.grad_fn)
y2 = functional_call(model, {"weight": detached_params["weight"]}, (x,))
print(y2.grad_fn)
