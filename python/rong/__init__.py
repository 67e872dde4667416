"""Rong: a fusing compiler for PyTorch and ONNX graphs.

Three entry points:

- `rong.compile(model, example_inputs)` compiles a whole `torch.nn.Module`
  (through `torch.export`) or an ONNX model into an artifact and returns a
  callable; `rong.save` / `rong.load` write and read artifacts.
- `torch.compile(model, backend="rong")` compiles what Rong supports of each
  captured graph (forward and backward) and runs the rest eagerly.
- `rong.onnx.Backend` is an `onnx.backend.base.Backend`.

The package is two extensions: `rong._rong_runtime` (sessions; it links
only Rong's runtime, so it also builds alone where there is no LLVM, e.g. on
a GPU machine that runs artifacts compiled elsewhere) and `rong._rong` (the
compiler, imported when something is compiled).

Errors: `rong.CompileError` (the model cannot be compiled; the message names
the op and why), `rong.ArtifactError` (a corrupt or incompatible artifact),
`rong.UnsupportedOpError` (an op the PyTorch importer does not support).
"""

from . import _rong_runtime
from ._rong_runtime import ArtifactError, CompileError, Session
from .compiler import CompiledModel, compile, load, save
from .fx_importer import UnsupportedOpError

__version__ = _rong_runtime.version()

__all__ = [
    "ArtifactError", "CompileError", "CompiledModel", "Session",
    "UnsupportedOpError", "compile", "load", "save", "__version__",
]


from . import dynamo  # noqa: E402  (registers the torch.compile backend)

dynamo.register()
