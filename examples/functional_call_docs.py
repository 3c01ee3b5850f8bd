# The examples of torch.func.functional_call's documentation page, pasted as the page shows
# them (>>> prompts removed), with `Foo` and `Bar` written as the page describes them.
import torch
import torch.nn as nn
from torch.func import functional_call, grad


# "If the module performs in-place operations on parameters/buffers, these will be reflected
# in the parameter_and_buffer_dicts input."
class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("foo", torch.zeros(()))

    def forward(self, x):
        self.foo.add_(1)  # does self.foo = self.foo + 1, in place
        return x + self.foo


a = {'foo': torch.zeros(())}
mod = Foo()  # does self.foo = self.foo + 1
print(mod.foo)  # tensor(0.)
functional_call(mod, a, torch.ones(()))
print(mod.foo)  # tensor(0.)
print(a['foo'])  # tensor(1.)


# "If the module has tied weights, whether or not functional_call respects the tying is
# determined by the tie_weights flag."
class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(1.0))
        self.foo_tied = self.foo

    def forward(self, x):
        return x + self.foo + self.foo_tied


a = {'foo': torch.zeros(())}
mod = Foo()  # has both self.foo and self.foo_tied which are tied. Returns x + self.foo + self.foo_tied
print(mod.foo)  # tensor(1.)
mod(torch.zeros(()))  # tensor(2.)
functional_call(mod, a, torch.zeros(()))  # tensor(0.) since it will change self.foo_tied too
functional_call(mod, a, torch.zeros(()), tie_weights=False)  # tensor(1.)--self.foo_tied is not updated
new_a = {'foo': torch.zeros(()), 'foo_tied': torch.zeros(())}
# The page's last line calls torch.zeros() (a TypeError) and says tensor(0.): with two
# distinct tensors for one tie group it raises ValueError instead (SEMANTICS.md §11).
try:
    functional_call(mod, new_a, torch.zeros(()))
except ValueError as e:
    print("ValueError:", e)


# "An example of passing multiple dictionaries"
class Bar(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.register_buffer("buffer", torch.randn(out_features))

    def forward(self, x):
        return self.weight @ x + self.buffer


torch.manual_seed(0)
a = ({'weight': torch.ones(1, 1)}, {'buffer': torch.zeros(1)})  # two separate dictionaries
mod = Bar(1, 1)  # return self.weight @ x + self.buffer
print(mod.weight)  # tensor(...)
print(mod.buffer)  # tensor(...)
x = torch.randn((1, 1))
functional_call(mod, a, x)  # same as x
print(mod.weight)  # same as before functional_call


# "And here is an example of applying the grad transform over the parameters of a model."
x = torch.randn(4, 3)
t = torch.randn(4, 3)
model = nn.Linear(3, 3)

def compute_loss(params, x, t):
    y = functional_call(model, params, x)
    return nn.functional.mse_loss(y, t)

grad_weights = grad(compute_loss)(dict(model.named_parameters()), x, t)

detached_params = {k: v.detach() for k, v in model.named_parameters()}
grad_weights = grad(compute_loss)(detached_params, x, t)
grad_weights['weight'].grad_fn  # None--it's not tracking gradients outside of grad
