# fcall fuzz program (values): seed 1, index 155
import torch

torch.manual_seed(300)
a = torch.tensor(4.0)
b = torch.tensor([4.0, 2.5, -0.5])
c = torch.tensor([[8.0, 2.0], [1.0, 0.0], [-1.0, -1.0]])
w = torch.tensor([[0.5, -0.5, 0.0], [3.5, 0.5, -1.5]], requires_grad=True)
print(c.dtype, c.shape, c)
a += 4.0
view = c[0]
view.zero_()
print(c, view)
c.shape
a += 3.5
a + b
c.unsqueeze(0).shape
b = b.max()
repr(c.max())
view = c[0]
view.zero_()
print(c, view)
view = c[0]
view.add_(1)
print(c, view)
print(b.mean())
b = a / b
a @ c
y = w.softmax(-1)[0, 0]
y
y.grad_fn.name()
y.backward()
w.grad
repr(c.float() / 0)
a = a.unsqueeze(0).shape
a + c
print(c.dtype, c.shape, c)
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-16370/values1_155.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where         │ fcall                                    │ PyTorch
# ─────┼───────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 34   │ a + c     │ error.message │ unsupported operand type(s) for +: 'tor… │ can only concatenate tuple (not Tensor)…
