# case 51 strict_sort_is_lexicographic
# Key lists are sorted as plain strings: '10.bias' < '2.bias'; 'Z' < '_x' < 'a'.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Sequential()
for i in range(12):
    m.append(nn.Linear(1, 1))
d = {"a": torch.tensor(0.0), "_x": torch.tensor(0.0), "Z": torch.tensor(0.0), "1.weight": torch.tensor([[1.0]])}
functional_call(m, d, (torch.tensor([[1.0]]),), strict=True)  #= key error_only
