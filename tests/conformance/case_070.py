# case 70 error_precedence_within_key
# Per key, the submodule path is resolved first, then the value type is checked, then the
# attribute name, then the existing attribute's type.
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
functional_call(m, {"": 3}, (torch.tensor([[3.0]]),))  #= key empty_name_non_tensor_value
functional_call(m, {"nope.x": 3}, (torch.tensor([[3.0]]),))  #= key missing_path_non_tensor_value
functional_call(m, {"foo": 3}, (torch.tensor([[3.0]]),))  #= key non_tensor_attr_non_tensor_value
functional_call(m, {"l1.weight.x": 3}, (torch.tensor([[3.0]]),))  #= key tensor_prefix_non_tensor_value
functional_call(m, {"foo": torch.tensor(1.0), "nope.x": torch.tensor(1.0)}, (torch.tensor([[3.0]]),))  #= key first_bad_key_in_dict_order_wins
