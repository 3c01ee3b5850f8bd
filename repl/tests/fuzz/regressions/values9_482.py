# fcall fuzz program (values): seed 9, index 482
import torch

torch.manual_seed(286)
a = torch.tensor([-2.0, 1e-05, 1e9])
b = torch.tensor(-3.0)
c = torch.tensor([-4, 1, 2])
w = torch.tensor([[1.0, -3.5, -2.0], [0.0, 4.0, -1.0]], requires_grad=True)
a += 1.5
a = b.shape
y = (w * 2).sum()
y
y.grad_fn.name()
y.backward()
w.grad
view = c[0]
view.add_(1)
print(c, view)
a = c @ a
view = a[0]
view.clamp_(min=0)
print(a, view)
print(b.dtype, b.shape, b)
a.sqrt()
c.unsqueeze(0).shape
repr(a.softmax(-1))
print(b + a)
a = a.abs().round()
print(a.dtype, a.shape, a)
b.reshape(-1)
repr(a.unsqueeze(0).shape)
print(a.dtype, a.shape, a)
a.argmax()
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-26059/values9_482.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement   │ where         │ fcall                         │ PyTorch
# ─────┼─────────────┼───────────────┼───────────────────────────────┼─────────────────────────
# 18   │ view = a[0] │ error.message │ torch.Size index out of range │ tuple index out of range
