# fcall fuzz program (values): seed 3, index 209
import torch

a = torch.tensor(-2.0)
b = torch.tensor([[-1, 5, -2]])
c = torch.tensor(1)
w = torch.tensor([[3.5, 2.0, 2.0], [-2.0, 0.0, 3.5]], requires_grad=True)
print(c.item())
print(c.dtype, c.shape, c)
c.long()
print(b.dtype, b.shape, b)
view = a[0]
view.add_(1)
print(a, view)
c += -2.5
view = b[0]
view.zero_()
print(b, view)
a.float() / 0
print(a.float() / 0)
b[-1]
c.long()
b > c
b.reshape(-1)
c += 1.5
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-2589/values3_209.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where                       │ fcall │ PyTorch
# ─────┼───────────┼─────────────────────────────┼───────┼────────
# 20   │ c.long()  │ value.id (equality pattern) │ 141   │ 1
