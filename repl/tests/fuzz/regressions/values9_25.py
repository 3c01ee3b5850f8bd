# fcall fuzz program (values): seed 9, index 25
import torch

torch.manual_seed(85)
a = torch.tensor([[-0.5, -1.0], [-3.5, 4.0], [1.5, -2.0]], dtype=torch.float64)
b = torch.tensor([[6.0, 8.0, 4.0]])
c = torch.tensor([[-4.0, -7.0, -2.0]])
w = torch.tensor([[1.0, 3.0, 0.0], [0.5, -3.5, -2.5]], requires_grad=True)
y = w.exp().sum()
y
y.grad_fn.name()
y.backward()
w.grad
c = a > a
view = c[0]
view.clamp_(min=0)
print(c, view)
repr(a / c)
a.float() / 0
c.prod()
b = a.sum(0)
c[0]
repr((a > 0).all())
repr(a.exp())
a = a > a
y = w.exp().sum()
y
y.grad_fn.name()
y.backward()
w.grad
repr(a.sum(0))
b.sqrt()
print(a, b, c, w)
# `fcall check` found:
# /tmp/fcall-fuzz-values-26059/values9_25.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement          │ where         │ fcall                                    │ PyTorch
# ─────┼────────────────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 14   │ view.clamp_(min=0) │ error.message │ result type Long can't be cast to the d… │ result type Long can't be cast to the d…
