# clamp with Python-number bounds: the Scalar? overload on every dtype, and its errors as values (no crash)
import torch

a = torch.tensor([True, False])
a.clamp_(min=0)
a.clamp(min=0)
i = torch.tensor([1, -3, 5])
i.clamp(min=0)
i.clamp(max=2)
i.clamp(0, 2)
i.clamp_(min=-1)
i
i.clamp(min=0.5)
f = torch.tensor([1.0, -2.0])
f.clamp(min=0)
f.clamp_(max=0.5)
f
g = torch.tensor([1.0, -2.0], requires_grad=True)
g.clamp(max=0)
g.clamp(min=-1, max=0.5)
g.clamp_(min=0)
print("alive")
g.clamp(min=torch.tensor(0.0))
g.clamp()
