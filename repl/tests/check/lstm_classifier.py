# An LSTM sequence classifier as the PyTorch tutorials write one: Embedding -> LSTM(batch_first)
# -> Linear on the last layer's final hidden state; a forward, a loss, and functional_call over
# its detached parameters (the same values, then new ones), with torch.func.grad of the loss.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad

class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, x):
        embedded = self.embedding(x)                 # (batch, seq, embed_dim)
        output, (hidden, cell) = self.lstm(embedded)  # hidden: (num_layers, batch, hidden_dim)
        return self.fc(hidden[-1])

torch.manual_seed(0)
model = LSTMClassifier(vocab_size=20, embed_dim=8, hidden_dim=6, num_classes=3, num_layers=2)
model
[(n, tuple(p.shape)) for n, p in model.named_parameters()]
tokens = torch.randint(1, 20, (4, 7))
labels = torch.tensor([0, 2, 1, 2])
logits = model(tokens)
logits
loss = F.cross_entropy(logits, labels)
loss
params = {k: v.detach() for k, v in model.named_parameters()}
same = functional_call(model, params, (tokens,))
torch.allclose(same, logits)
new = {k: v * 0.5 for k, v in params.items()}
functional_call(model, new, (tokens,))
model.fc.weight.requires_grad
def loss_fn(p, x, y):
    return F.cross_entropy(functional_call(model, p, (x,)), y)
g = grad(loss_fn)(params, tokens, labels)
list(g.keys())
g["lstm.weight_hh_l1"]
g["embedding.weight"][0]
g["fc.bias"]
loss.backward()
torch.allclose(model.lstm.weight_ih_l0.grad, g["lstm.weight_ih_l0"])
