# A user's name shadows the built-in of that name from its binding on (the export must keep both).
import torch
import torch.nn as nn
from torch.func import functional_call

linear = nn.Linear(2, 1)
x = torch.tensor([[1.0, 2.0]])
mean = linear(x).mean()
mean
F = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
functional_call(linear, F, (x,))
def relu(t):
    return t * 2
relu(x)
for sum in [1, 2]:
    print(sum)
sum
