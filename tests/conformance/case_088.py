# case 88 doc_rebind_buffer
# Docstring example with foo a buffer (0): forward does self.foo = self.foo + 1; mod.foo stays
# 0; a['foo'] (0) is replaced by a NEW tensor 1; returns ones + 1 = 2.
import torch
import torch.nn as nn
from torch.func import functional_call

class RebindFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Buffer(torch.tensor(0.0))
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
m = RebindFoo()
a_foo = torch.zeros(())
a = {"foo": a_foo}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
a   #= dicts
functional_call(m, a, (torch.ones(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
a   #= dicts
m.foo   #= key mod_foo_after
a_foo   #= key original_input_tensor_after
