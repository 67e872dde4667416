"""`rong.compile`, `rong.save` and `rong.load`: whole-graph compilation of a
PyTorch module (through `torch.export`) or an ONNX model into an artifact,
wrapped in a callable that runs it with Rong's runtime.

The module form exports `model` to core ATen ops, imports the graph into the
rong dialect (`rong.fx_importer`) with its parameters and buffers as
constants, and compiles it with the same C++ entry point as `rongc`. Every op
of the graph must be supported: the error lists each one that is not. (The
`torch.compile` backend in `rong.dynamo` is the partial-graph route: what Rong
cannot compile runs eagerly there.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from . import _rong_runtime
from .fx_importer import UnsupportedOpError


def compiler_module():
    """`rong._rong`, the compiler extension. The package built with the
    runtime alone (lib/Runtime with RONG_RUNTIME_PYTHON=ON, on a machine
    without LLVM) has none: it loads and runs artifacts compiled elsewhere."""
    try:
        from . import _rong
    except ImportError as err:
        raise ImportError(
            f"rong's compiler (rong._rong) cannot be imported: {err}. This "
            "rong can load and run artifacts (rong.load, rong.Session); "
            "compiling needs the full build (scripts/setup.sh)") from err
    return _rong


@dataclass(frozen=True)
class OutputSource:
    """Where one output of a compiled callable comes from: a result of the
    artifact ("result"), one of the call's inputs ("input"), a constant
    ("constant") or nothing ("none")."""

    kind: str
    index: int = -1
    value: Any = None


class CompiledModel:
    """A compiled graph and the session that runs it.

    Calling it with tensors (PyTorch or NumPy, in the order of the graph's
    inputs) runs the artifact. PyTorch inputs give PyTorch outputs written in
    place by the runtime (no copies); NumPy inputs give NumPy outputs. An
    artifact for a GPU (`sm_NN`, `rocm:gfxNNN`) takes PyTorch tensors on
    that GPU and runs on PyTorch's current stream, as a PyTorch op does.

    The session is opened on `device` (None: the device the artifact was
    compiled for) at the first call, so a model compiled for a GPU can be
    saved where there is none.
    """

    def __init__(self, artifact: bytes, *, device: str | None = None,
                 num_threads: int = 0, steps=None,
                 outputs: Sequence[OutputSource] | None = None,
                 single_output: bool | None = None):
        self.artifact = bytes(artifact)
        self._device = device
        self._num_threads = num_threads
        self._session = None
        self.steps = list(steps or [])
        self._given_outputs = list(outputs) if outputs is not None else None
        self._single_output = single_output

    @property
    def session(self):
        """The `rong.Session` running the artifact, opened on first use."""
        if self._session is None:
            self._session = _rong_runtime.Session(
                self.artifact, device=self._device,
                num_threads=self._num_threads)
        return self._session

    @property
    def _outputs(self):
        if self._given_outputs is None:
            self._given_outputs = [OutputSource("result", i)
                                   for i in range(len(self.session.outputs))]
        return self._given_outputs

    @property
    def _single(self):
        if self._single_output is None:
            return len(self._outputs) == 1
        return self._single_output

    @property
    def inputs(self):
        """The artifact's input specs (name, dtype, shape)."""
        return self.session.inputs

    @property
    def outputs(self):
        """The artifact's output specs (name, dtype, shape)."""
        return self.session.outputs

    def kernel_count(self) -> int:
        """Number of generated kernels the plan launches."""
        return sum(1 for kind, _, _ in self.steps if kind == "kernel")

    def __call__(self, *args):
        if any(_is_torch(a) for a in args):
            results = run_torch(self.session, args)
        elif self.session.device in _GPU_DEVICES:
            raise TypeError(
                f"this model runs on {self.session.device}:"
                f"{self.session.device_index}: call it with torch tensors "
                "on that device")
        else:
            results = self.session.run([np.asarray(a, order="C") for a in args])
        values = [_pick(src, results, args) for src in self._outputs]
        return values[0] if self._single else tuple(values)

    def __repr__(self) -> str:
        if self._session is None:
            return (f"<rong.CompiledModel ({len(self.artifact)} bytes of "
                    f"artifact, {self.kernel_count()} kernel(s), not loaded)>")
        ins = ", ".join(f"{s.name}: {s.dtype}{list(s.shape)}"
                        for s in self.inputs)
        return (f"<rong.CompiledModel ({ins}) -> {len(self._outputs)} "
                f"output(s), {self.kernel_count()} kernel(s)>")


def _pick(src: OutputSource, results, args):
    if src.kind == "result":
        return results[src.index]
    if src.kind == "input":
        return args[src.index]
    if src.kind == "constant":
        return src.value
    return None


def _is_torch(value) -> bool:
    torch = _torch_or_none()
    return torch is not None and isinstance(value, torch.Tensor)


def _torch_or_none():
    import sys
    return sys.modules.get("torch")


_TORCH_DTYPES = {
    "float32": "float32", "float16": "float16", "bfloat16": "bfloat16",
    "float64": "float64", "int64": "int64", "int32": "int32",
    "int16": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
    "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
}


def torch_dtype(name: str):
    """The torch dtype of a runtime dtype name ("float32", "int64", ...)."""
    import torch
    return getattr(torch, _TORCH_DTYPES[name])


_GPU_DEVICES = ("cuda", "hip")


def run_torch(session, args):
    """Runs `session` on PyTorch tensors: inputs are made contiguous (a no-op
    for contiguous ones) and outputs are allocated with torch and written in
    place by the runtime through DLPack. A GPU session's outputs are
    allocated on its GPU and the plan is enqueued on PyTorch's current
    stream there; inputs on another device are refused by the session."""
    import torch
    device = torch.device("cpu")
    if session.device in _GPU_DEVICES:
        # PyTorch calls ROCm devices "cuda" too.
        device = torch.device("cuda", session.device_index)
    inputs = [a.detach().contiguous() if isinstance(a, torch.Tensor)
              else torch.as_tensor(a, device=device).contiguous()
              for a in args]
    outputs = [torch.empty(tuple(spec.shape), dtype=torch_dtype(spec.dtype),
                           device=device)
               for spec in session.outputs]
    if device.type == "cpu":
        session.run_into(inputs, outputs)
        return outputs
    with torch.cuda.device(device):
        stream = torch.cuda.current_stream(device)
        session.run_into(inputs, outputs, stream=stream.cuda_stream)
    return outputs


def compile(model, example_inputs: Sequence[Any] | None = None, *,
            target: str = "cpu", fuse: bool = True, explain: bool = False,
            num_threads: int = 0,
            dims: dict[str, int] | None = None) -> CompiledModel:
    """Compiles `model` for `target` and returns a callable.

    `model` is a `torch.nn.Module` (exported with `torch.export` on
    `example_inputs`, parameters and buffers frozen into the artifact as
    constants), an ONNX `ModelProto`, or a path to an `.onnx` file.
    `fuse=False` compiles one kernel per op (the unfused baseline).
    `dims` sizes an ONNX model's symbolic input dimensions by name
    (`{"batch": 8}`, as `rongc --dim batch=8`); Rong compiles static shapes.
    """
    if isinstance(model, (str, os.PathLike)):
        result = compiler_module().compile_onnx(
            os.fspath(model), target=target, fuse=fuse, explain=explain,
            dims=dict(dims or {}))
        return _wrap(result, num_threads)
    if type(model).__name__ == "ModelProto":
        result = compiler_module().compile_onnx_bytes(
            model.SerializeToString(), source_name=model.graph.name or "model",
            target=target, fuse=fuse, explain=explain, dims=dict(dims or {}))
        return _wrap(result, num_threads)
    import torch
    if isinstance(model, torch.nn.Module):
        if dims:
            raise TypeError("rong.compile: dims sizes an ONNX model's symbolic "
                            "dimensions; a torch.nn.Module takes its shapes "
                            "from example_inputs")
        if example_inputs is None:
            raise TypeError("rong.compile: a torch.nn.Module needs "
                            "example_inputs to export it")
        return _compile_module(model, tuple(example_inputs), target, fuse,
                               explain, num_threads)
    raise TypeError(f"rong.compile: cannot compile a {type(model).__name__}; "
                    "expected a torch.nn.Module, an onnx.ModelProto or a path "
                    "to an .onnx file")


def _wrap(result, num_threads, outputs=None, single=None):
    return CompiledModel(result.artifact, num_threads=num_threads,
                         steps=result.steps, outputs=outputs,
                         single_output=single)


def _compile_module(model, example_inputs, target, fuse, explain,
                    num_threads):
    import torch
    from torch.export.graph_signature import InputKind, OutputKind

    from . import fx_importer

    ep = torch.export.export(model, example_inputs).run_decompositions(
        fx_importer.decompositions())
    for spec in ep.graph_signature.input_specs:
        if spec.kind not in (InputKind.USER_INPUT, InputKind.PARAMETER,
                             InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
            raise NotImplementedError(
                f"rong.compile: exported input {spec.arg.name} is a "
                f"{spec.kind.name}, which Rong does not support")
    for spec in ep.graph_signature.output_specs:
        if spec.kind != OutputKind.USER_OUTPUT:
            raise NotImplementedError(
                f"rong.compile: the exported graph has a {spec.kind.name} "
                f"output ({spec.target}); export the model in eval mode")
    gm = ep.graph_module
    unsupported = unsupported_nodes(gm)
    if unsupported:
        raise UnsupportedGraphError(unsupported)
    graph = fx_importer.import_exported_program(ep)
    result = compiler_module().compile_mlir(
        graph.text, resources=graph.resources,
        source_name=type(model).__name__, target=target, fuse=fuse,
        explain=explain)
    outputs = _output_sources(graph)
    single = not isinstance(model(*example_inputs), (tuple, list))
    return _wrap(result, num_threads, outputs, single)


class UnsupportedGraphError(UnsupportedOpError):
    """Raised by `rong.compile` for a graph with unsupported ops; lists
    every one (`.nodes`: (node name, op, reason)), the first as the
    `UnsupportedOpError` fields."""

    def __init__(self, nodes):
        self.nodes = list(nodes)
        listing = "\n".join(f"  node '{name}' ({target}): {why}"
                            for name, target, why in self.nodes)
        super().__init__(*self.nodes[0], message=
            f"rong.compile: {len(self.nodes)} op(s) of the exported graph "
            f"are not supported:\n{listing}\n(torch.compile(model, "
            "backend=\"rong\") runs such ops eagerly)")


def unsupported_nodes(gm) -> list[tuple[str, str, str]]:
    """(node name, op, reason) of every call in `gm` Rong cannot compile."""
    from . import fx_importer
    found = []
    for node in gm.graph.nodes:
        if node.op != "call_function":
            continue
        ok, why = fx_importer.is_supported(node)
        if not ok:
            found.append((node.name, str(node.target), why))
    return found


def _output_sources(graph) -> list[OutputSource]:
    sources = []
    for out in graph.outputs:
        if out.kind == "constant":
            sources.append(OutputSource("constant", value=out.value))
        else:
            sources.append(OutputSource(out.kind, out.index))
    return sources


def save(compiled: CompiledModel, path) -> None:
    """Writes the artifact of `compiled` to `path` (the same file `rongc -o`
    writes; `rong-run` runs it)."""
    # Without given output sources every output is a result of the artifact
    # (no session needed to say so: a GPU model saves without a GPU).
    given = compiled._given_outputs or []
    if any(src.kind != "result" for src in given):
        raise ValueError("rong.save: this model returns inputs or constants "
                         "directly, which an artifact cannot hold")
    with open(path, "wb") as f:
        f.write(compiled.artifact)


def load(path, *, device: str | None = None,
         num_threads: int = 0) -> CompiledModel:
    """Loads an artifact written by `rong.save` or `rongc` on `device`
    (None: the device it was compiled for); corrupt or wrong-version files
    raise `rong.ArtifactError`."""
    with open(path, "rb") as f:
        data = f.read()
    compiled = CompiledModel(data, device=device, num_threads=num_threads)
    compiled.session  # opens it, so that a bad file fails here
    return compiled
