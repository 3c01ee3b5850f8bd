# fcall fuzz program (values): seed 1, index 26
import torch

torch.manual_seed(424)
a = torch.tensor([[12345.678, 12345.678, 12345.678], [12345.678, 12345.678, -3.5e-7]])
b = torch.tensor([[-5, 4], [2, -4], [1, -4]])
c = torch.tensor([[0, 6], [-1, -1], [-1, 0]])
w = torch.tensor([[3.5, 3.5, 2.0], [3.5, 2.5, -0.5]], requires_grad=True)
y = (w ** 2).mean()
y
y.grad_fn.name()
y.backward()
w.grad
view = a[0]
view.mul_(-2)
print(a, view)
a @ b
c.double() / 3
y = w.relu().sum()
y
y.grad_fn.name()
y.backward()
w.grad
b = a.tolist()
print(a.dtype, a.shape, a)
y = (w @ w.t()).sum()
y
y.grad_fn.name()
y.backward()
w.grad
b[:, 1]
print(a.dtype, a.shape, a)
b + c
repr(b.float() / 0)
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-16370/values1_26.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where         │ fcall                                    │ PyTorch
# ─────┼───────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 31   │ b + c     │ error.message │ unsupported operand type(s) for +: 'lis… │ can only concatenate list (not "Tensor"…
