# How tensors print (torch/_tensor_str.py): modes and widths from the nonzero finite values,
# suffixes wrapped at 80 columns; indexing errors of 0-dim tensors; Tensor.norm.
import torch

torch.tensor([2.0, 0.0, -1.0]).log()
torch.tensor([0.0, 0.0])
torch.tensor([1.0, -1.0]) / 0
torch.tensor([3.0, 0.0]).log() * torch.tensor([1.0, 0.0])
torch.tensor([1e-05, 12345.678, 0.5])
torch.tensor([1e9, 7.25, 0.00012, 100000.0, 0.00012, 0.00012], dtype=torch.float64)
torch.tensor([1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5], dtype=torch.float64, requires_grad=True)
torch.tensor([[1, -20, 3], [4, 5, 600]])
torch.tensor([[-3.5e-07, 0.5], [7.25, -2.0]])
torch.tensor([True, False])
c = torch.tensor(2.0)
c[0]
c[-1]
c[:]
c[:, 1]
torch.tensor([1.0, 2.0])[0, 0]
w = torch.tensor([[3.0, 4.0], [0.0, 1.0]], requires_grad=True)
w.norm()
w.norm(1)
w.norm(dim=1, keepdim=True)
torch.tensor([1, 2]).norm()
y = (w * 2).sum()
y.backward()
g = w.grad
y2 = (w * 3).sum()
y2.backward()
w.grad is g
g
# A method that returns its own tensor returns the same object.
i = torch.tensor([1, 2])
i.long() is i
i.float() is i
f = torch.tensor([1.0])
f.float() is f
f.contiguous() is f
f.double() is f
