# torch.Size (t.shape, t.size()): a tuple subclass that prints as torch.Size([...]); sequence + and * with Python's errors.
import torch

a = torch.ones(3, 2)
s = a.shape
s
print(s)
repr(s)
str(s)
s[0]
s[1:]
s + (1,)
(1,) + s
s * 2
s == (3, 2)
s == [3, 2]
s / s
s * 2.5
len(s)
list(s)
s + [1]
s - s
s.numel()
a.size()
a.size(0)
torch.zeros(s)
a.reshape(s)
[1, 2] * 2
[1] * 2.5
(1,) * 2
[1] + (1,)
(1,) + 2.0
2 * [1]
x = (1, 2)
x += 3.0
s.sum()
type(s)
for d in s:
    print(d)
n, m = s
print(n, m)
# a sequence next to a tensor
[1.0, 2.0] + torch.ones(2)
torch.ones(2) + [1.0, 2.0]
(1.0, 2.0) + torch.ones(2)
s + torch.ones(2)
[1] * torch.tensor(2)
[1.0] * torch.ones(2)
torch.ones(2) * (1,)
[1.0, 2.0] - torch.ones(2)
