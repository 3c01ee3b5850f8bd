# case 85 backward_to_dict_tensors
# test_functional_call_with_gradient: backward() fills .grad of the supplied tensors, not of the
# module's parameters.
import torch
import torch.nn as nn
from torch.func import functional_call

class MockModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        self.buffer = nn.Buffer(torch.ones(1))
        self.foo = 0.0
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.l1(x) + self.buffer
m = MockModule()
w = torch.tensor([[1.0]], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
buf = torch.tensor([0.0])
d = {"l1.weight": w, "l1.bias": b, "buffer": buf}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
out = functional_call(m, d, (torch.tensor([[3.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
out.sum().backward()
{"dict_weight": w.grad, "dict_bias": b.grad, "dict_buffer": buf.grad, "module_weight": m.l1.weight.grad, "module_bias": m.l1.bias.grad}  #= key grads
