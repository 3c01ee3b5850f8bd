# Parametrized tensors in a functional call (torch.nn.utils.parametrize, PyTorch 2.13).
#
# The documentation says: "If the module has active parametrizations, passing a value in the
# parameter_and_buffer_dicts argument with the name set to the regular parameter name will
# completely disable the parametrization. If you want to apply the parametrization function to
# the value passed please set the key as {submodule_name}.parametrizations.{parameter_name}.original."
#
# The second sentence is right. The first is not: the regular name does NOT disable the
# parametrization. `weight` is a property; functional_call sets it, which runs the
# parametrization's right_inverse and writes the result into `original` in place
# (original.set_(...)); forward then reads weight = forward(right_inverse(value)). On the way
# back the same happens with the old weight, so `original` ends as
# right_inverse(forward(original)): lossless only if that round trip is the identity. And the
# caller's dict gets the parametrized tensor written back as a NEW object.

import torch
import torch.nn as nn
from torch.func import functional_call, grad

class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
    def right_inverse(self, A):
        return A.triu()
model = nn.Linear(2, 2, bias=False)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
nn.utils.parametrize.register_parametrization(model, "weight", Symmetric())

# The names PyTorch lists: the tensor now lives at parametrizations.weight.original (the
# right_inverse of the old weight: its upper triangle); `weight` is computed on every read.
list(dict(model.named_parameters()).keys())
model.weight

# 1. The `original` key: an ordinary swap. The parametrization is applied to the value passed
#    (sym(V) = [[10, 20], [20, 40]]); original is restored exactly; the dict keeps its object.
x = torch.tensor([[1.0, 0.0]])
q = {"parametrizations.weight.original": torch.tensor([[10.0, 20.0], [30.0, 40.0]])}
functional_call(model, q, (x,))

# 2. The regular name `weight`: not disabled. Forward sees sym(triu(V)) = [[10, 20], [20, 40]],
#    not V = [[10, 20], [30, 40]] (with V itself the result would be [[10., 30.]]).
p = {"weight": torch.tensor([[10.0, 20.0], [30.0, 40.0]])}
functional_call(model, p, (x,))
# The dict's entry was replaced by the parametrized tensor, a new object with a grad_fn.
p
# Here `original` is back to its values (triu(sym(W)) = W for an upper-triangular W): the
# table above flags it because it was written in place twice (set_ on the way in and out).
model.parametrizations.weight.original

# 3. Where the round trip is lossy the change is permanent. ClampPos clamps at 0 and has an
#    identity right_inverse: passing `weight` leaves original = clamp(original).
class ClampPos(nn.Module):
    def forward(self, X):
        return X.clamp(min=0)
    def right_inverse(self, Y):
        return Y
m2 = nn.Linear(2, 1, bias=False)
with torch.no_grad():
    m2.weight.copy_(torch.tensor([[-1.0, 2.0]]))
nn.utils.parametrize.register_parametrization(m2, "weight", ClampPos())
m2.parametrizations.weight.original
functional_call(m2, {"weight": torch.tensor([[-5.0, 3.0]])}, (torch.tensor([[1.0, 1.0]]),))
m2.parametrizations.weight.original      # was [[-1., 2.]]: permanently [[0., 2.]]

# 4. The regular name needs a right_inverse; without one, RuntimeError (module unchanged).
class SymNoInverse(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
m3 = nn.Linear(2, 2, bias=False)
nn.utils.parametrize.register_parametrization(m3, "weight", SymNoInverse())
functional_call(m3, {"weight": torch.eye(2)}, (torch.tensor([[1.0, 1.0]]),))

# 5. strict=True rejects the regular name: the valid name is the `original` one.
functional_call(model, p, (x,), strict=True)

# 6. Under torch.func.grad the regular name fails: right_inverse's set_ would mutate a tensor
#    captured from outside the transform. The `original` key works and the gradient flows
#    through the parametrization (clamp passes no gradient where the value is negative).
m4 = nn.Linear(2, 1, bias=False)
with torch.no_grad():
    m4.weight.copy_(torch.tensor([[-1.0, 2.0]]))
nn.utils.parametrize.register_parametrization(m4, "weight", ClampPos())
def loss(p, x):
    return functional_call(m4, p, (x,)).sum()
grad(loss)({"weight": torch.tensor([[-5.0, 3.0]])}, torch.tensor([[1.0, 1.0]]))
m4.parametrizations.weight.original
g = grad(loss)({"parametrizations.weight.original": torch.tensor([[-5.0, 3.0]])}, torch.tensor([[1.0, 1.0]]))
print(g["parametrizations.weight.original"])
