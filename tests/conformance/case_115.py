# case 115 detached_params_output_grad_fn
# test_using_detach_functional_call: out.grad_fn is None iff params are detached (buffers
# supplied too).
import torch
import torch.nn as nn
from torch.func import functional_call

class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
            self.linear.bias.copy_(torch.tensor([0.0, 0.0]))
        self.buffer = nn.Buffer(torch.tensor([1.0, 1.0]))
    def forward(self, x):
        return self.linear(x) + self.buffer
m = Foo()
x = torch.tensor([[1.0, 2.0]])
functional_call(m, ({k: v.detach() for k, v in m.named_parameters()}, dict(m.named_buffers())), x)  #= key detached
functional_call(m, (dict(m.named_parameters()), dict(m.named_buffers())), x)  #= key not_detached
