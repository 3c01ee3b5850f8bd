# fcall fuzz program (values): seed 4, index 384
import torch

torch.manual_seed(534)
a = torch.tensor([[8.0, 0.0, -8.0]], dtype=torch.float64)
b = torch.tensor([1, 1, 6])
c = torch.tensor([9.0, 4.0, 5.0])
w = torch.tensor([[2.5, 3.0, 1.5], [-3.0, 0.5, 2.0]], requires_grad=True)
a - a * 2
a.exp()
b.long()
b.std()
a.reshape(-1)
a = c.tolist()
b.double() / 3
c.exp()
view = a[0]
view.zero_()
print(a, view)
a += 1.0
print(b.dtype, b.shape, b)
a ** 2
print(c.long())
repr(c.abs().round())
y = w.relu().sum()
y
y.grad_fn.name()
y.backward()
w.grad
print(a.abs().round())
print(b.dtype, b.shape, b)
c.double() / 3
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-17800/values4_384.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where         │ fcall                                    │ PyTorch
# ─────┼───────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 20   │ a ** 2    │ error.message │ unsupported operand type(s) for **: 'li… │ unsupported operand type(s) for ** or p…
