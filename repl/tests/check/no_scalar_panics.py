# No libtorch error may crash fcall: tch's Scalar arguments panic on one, so full, arange and
# numbers next to tensors are made without them (casts wrap as PyTorch's: int8 + 300 is 45).
import torch
from torch.func import grad

torch.full((-1,), 2.0)
torch.full((2, 2), 7, dtype=torch.int64)
torch.full((2,), 2.5, dtype=torch.int64)
torch.arange(0, 10, 0)
torch.arange(5, 0, 1)
torch.arange(-1)
torch.arange(5)
torch.arange(1, 2, 0.25)
torch.arange(5, 0, -2)
torch.tensor([1], dtype=torch.int8) + 300
torch.tensor([1], dtype=torch.uint8) * 300
torch.tensor([True]) + 5
torch.tensor([1.5]) * 2
torch.tensor([2]) / 3
x = torch.tensor([1.0, 2.0], requires_grad=True)
def f(x):
    return (x * 3 + 1).sum()
grad(f)(x)
print("alive")
torch.arange(0, 1e30)
torch.arange(0.0, 2.0, 0.5)
torch.arange(3, dtype=torch.float64)
torch.arange(0, 1, 0.3)
