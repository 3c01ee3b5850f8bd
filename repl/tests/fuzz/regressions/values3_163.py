# fcall fuzz program (values): seed 3, index 163
import torch

a = torch.tensor([[3.5, 3.5], [1.0, 3.0], [2.0, 0.0]])
b = torch.tensor([-1.0, -1.5, -2.0])
c = torch.tensor([3, 4, -4])
w = torch.tensor([[1.0, -3.5, -4.0], [-4.0, -2.0, -3.5]], requires_grad=True)
y = (w * 2).sum()
y
y.grad_fn.name()
y.backward()
w.grad
a += 0.0
y = w.exp().sum()
y
y.grad_fn.name()
y.backward()
w.grad
b.exp()
b = b.sum()
c.long()
view = b[0]
view.zero_()
print(b, view)
a.prod()
-c
c > c
-b
print(b - a * 2)
c.long()
a = -c
a += 2.5
c.tolist()
a.std()
print(a.argmax())
b > b
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-2589/values3_163.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where                       │ fcall │ PyTorch
# ─────┼───────────┼─────────────────────────────┼───────┼────────
# 28   │ c.long()  │ value.id (equality pattern) │ 1156  │ 5
