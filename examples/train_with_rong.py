"""Training a small transformer classifier with torch.compile(backend="rong"),
side by side with eager PyTorch, then compiling the trained model for
inference with rong.compile and saving the artifact.

    PYTHONPATH=build/python_packages python3 examples/train_with_rong.py
"""

import copy
import logging
import tempfile

import torch
from torch import nn

import rong

logging.basicConfig(format="%(message)s")
logging.getLogger("rong").setLevel(logging.INFO)


class Classifier(nn.Module):
    def __init__(self, features=16, dim=32, classes=4):
        super().__init__()
        self.embed = nn.Linear(features, dim)
        self.encoder = nn.TransformerEncoderLayer(
            dim, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        return self.head(self.encoder(self.embed(x)).mean(dim=1))


torch.manual_seed(0)
eager_model = Classifier()
rong_model = copy.deepcopy(eager_model)
compiled = torch.compile(rong_model, backend="rong")

eager_opt = torch.optim.AdamW(eager_model.parameters(), lr=1e-3)
rong_opt = torch.optim.AdamW(rong_model.parameters(), lr=1e-3)

for step in range(5):
    x = torch.randn(8, 10, 16)
    y = torch.randint(0, 4, (8,))
    losses = []
    for model, opt in ((eager_model, eager_opt), (compiled, rong_opt)):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"step {step}: loss eager {losses[0]:.6f}  rong {losses[1]:.6f}")
    assert abs(losses[0] - losses[1]) < 1e-4

# Inference: the whole model in one artifact, weights included.
rong_model.eval()
example = torch.randn(2, 10, 16)
inference = rong.compile(rong_model, (example,))
print(inference)
with tempfile.TemporaryDirectory() as tmp:
    rong.save(inference, f"{tmp}/classifier.rong")
    reloaded = rong.load(f"{tmp}/classifier.rong")
    with torch.no_grad():
        error = (reloaded(example) - rong_model(example)).abs().max().item()
print(f"max |rong - eager| after reload: {error:.2e}")
assert error < 1e-4
