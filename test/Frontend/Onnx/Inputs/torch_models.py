"""Exports the PyTorch models the frontend's real-model test imports.

Usage: torch_models.py OUTPUT_DIR

Writes mlp.onnx, encoder.onnx and cnn.onnx into OUTPUT_DIR: a two-layer MLP,
an nn.TransformerEncoderLayer (batch_first, eval mode) and a small CNN
(conv, batchnorm, relu, maxpool, global average pool, linear), exported with
the exporter's defaults as users get them. The default export runs the
exporter's graph optimiser, which folds each BatchNormalization into the Conv
before it and the attention scale's Shape/Slice/Sqrt arithmetic into a
constant; encoder_unoptimized.onnx and cnn_unoptimized.onnx are the same
models exported with optimize=False, so the importer also sees the
BatchNormalization nodes and the raw shape arithmetic. Weights are
random from a fixed seed, so every run writes the same models, and every
parameter and running statistic is drawn rather than left at PyTorch's
initial ones and zeros, which an exporter's optimiser could fold away.

The models go through torch.onnx.export(dynamo=True), the exporter
torch.onnx.export uses by default since PyTorch 2.9 and the one users get.
The legacy TorchScript exporter (dynamo=False) is deprecated, and in PyTorch
2.13 it cannot export nn.TransformerEncoderLayer at all: in eval mode under
no_grad it meets the fused aten::_transformer_encoder_layer_fwd, which it
has no symbolic for, and with gradients enabled tracing fails inside
scaled_dot_product_attention. Shapes are static and the opset is 18.
"""

import os
import sys
import warnings

import torch
from torch import nn

OPSET = 18


class SmallCNN(nn.Module):
    """Two conv/batchnorm/relu stages with a max pool between them, a global
    average pool, and a linear classifier."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def randomize(module):
    """Draws every parameter and batchnorm statistic from the seeded
    generator (variances kept positive)."""
    with torch.no_grad():
        for param in module.parameters():
            param.copy_(torch.randn_like(param) * 0.2)
        for name, buf in module.named_buffers():
            if name.endswith("running_var"):
                buf.copy_(torch.rand_like(buf) + 0.5)
            elif name.endswith("running_mean"):
                buf.copy_(torch.randn_like(buf) * 0.1)
    return module.eval()


def models():
    return {
        "mlp": (nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8)),
                torch.randn(4, 16)),
        "encoder": (nn.TransformerEncoderLayer(d_model=32, nhead=4,
                                               dim_feedforward=64,
                                               batch_first=True),
                    torch.randn(2, 5, 32)),
        "cnn": (SmallCNN(), torch.randn(1, 3, 16, 16)),
    }


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    # The exporter reports its progress and optional-package notices; the
    # test only wants the files.
    warnings.filterwarnings("ignore")
    for name, (module, example) in models().items():
        randomize(module)
        variants = [(name, True)]
        if name != "mlp":  # the MLP has nothing for the optimiser to fold
            variants.append((name + "_unoptimized", False))
        for file, optimize in variants:
            with torch.no_grad():
                torch.onnx.export(module, (example,),
                                  os.path.join(out, file + ".onnx"),
                                  dynamo=True, opset_version=OPSET,
                                  optimize=optimize, verbose=False)


if __name__ == "__main__":
    main()
