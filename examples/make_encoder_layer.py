"""Writes examples/encoder_layer.onnx, the model the quick start compiles: a
PyTorch nn.TransformerEncoderLayer (hidden 64, 4 heads, FFN 128, GELU,
batch-first, eval mode) with seeded random weights, exported with
torch.onnx.export and saved as one self-contained file.

Usage: python3 examples/make_encoder_layer.py [OUTPUT]
"""

import os
import sys
import tempfile
import warnings

import onnx
import torch
from torch import nn


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "encoder_layer.onnx")
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128,
                                       activation="gelu", batch_first=True)
    with torch.no_grad():
        for param in layer.parameters():
            param.copy_(torch.randn_like(param) * 0.1)
    layer.eval()
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        path = os.path.join(tmp, "model.onnx")
        torch.onnx.export(layer, (torch.randn(2, 16, 64),), path, dynamo=True,
                          opset_version=18, verbose=False)
        model = onnx.load(path)  # pulls the external weights in
    onnx.save(model, out, save_as_external_data=False)


if __name__ == "__main__":
    main()
