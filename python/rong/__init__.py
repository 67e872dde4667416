"""Rong: an MLIR-based fusing compiler for PyTorch and ONNX graphs.

`rong._rong` is the extension over Rong's C++ compiler and runtime
(docs/python.md).
"""

from . import _rong
