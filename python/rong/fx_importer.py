"""Imports PyTorch FX graphs of ATen ops into Rong's `rong` dialect, as MLIR text.

The graphs come from `torch.export(...).run_decompositions()` (the
`ExportedProgram`'s graph module, whose placeholders are parameters, buffers,
lifted constants and user inputs) or from AOTAutograd, which hands a
`torch.compile` backend forward and backward graphs whose placeholders are all
runtime inputs. Every node carries its shape and dtype in `node.meta["val"]`;
where it does not, placeholders fall back to the example inputs and other nodes
are evaluated on the meta device.

One table, `_OPS`, maps ATen overloads to emitter functions. The importer runs
them to write the MLIR, and `is_supported` runs the very same emitter on a
scratch builder, so a graph partitioner asking "can Rong compile this node?"
gets the answer the importer would act on. Emitters that meet arguments they
cannot lower raise `UnsupportedOpError` with the reason.

Element types: f32, f16, bf16, i64, i32 and bool (i1), a subset of the
dialect's (the 8- and 16-bit and unsigned integers come from ONNX only so
far); shapes are static. PyTorch's type promotion is read off the result dtype recorded in
the graph: operands are cast to it and Python scalars become rank-0 constants of
that type.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
import struct
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch
import torch.fx

aten = torch.ops.aten
prims = torch.ops.prims

__all__ = [
    "GraphOutput",
    "ImportedGraph",
    "TensorMeta",
    "UnsupportedOpError",
    "decompositions",
    "import_exported_program",
    "import_graph",
    "is_supported",
    "supported_targets",
]

# ===----------------------------------------------------------------------===#
# Public types
# ===----------------------------------------------------------------------===#

_ELEMENT_TYPES = {
    torch.float32: "f32",
    torch.float64: "f64",
    torch.float16: "f16",
    torch.bfloat16: "bf16",
    torch.int64: "i64",
    torch.int32: "i32",
    torch.bool: "i1",
}
_FLOAT_DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
_INT_DTYPES = (torch.int64, torch.int32)


class UnsupportedOpError(Exception):
    """A node Rong cannot import: names the node, its target and the reason."""

    def __init__(self, node_name: str, target: Any, reason: str,
                 message: str | None = None):
        self.node_name = node_name
        self.target = target
        self.reason = reason
        super().__init__(message or
                         f"node '{node_name}' ({_target_name(target)}): {reason}")


@dataclasses.dataclass(frozen=True)
class TensorMeta:
    """Static shape and dtype of a tensor."""

    shape: tuple
    dtype: torch.dtype

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def mlir_type(self) -> str:
        return _tensor_type(self.shape, self.dtype)


@dataclasses.dataclass(frozen=True)
class GraphOutput:
    """Where one graph output comes from.

    kind "result": result `index` of the MLIR function; "input": function
    argument `index` (the graph returns an input unchanged); "constant": a
    constant placeholder or attribute (`name`) or a Python literal, held in
    `value`; "none": the graph returns None (backward graphs do).
    """

    kind: str
    index: int | None = None
    name: str | None = None
    value: Any = None


@dataclasses.dataclass
class ImportedGraph:
    """The imported function and how its inputs and outputs map to the graph's."""

    text: str
    resources: dict[str, np.ndarray]
    input_nodes: list[str]
    input_meta: list[TensorMeta]
    outputs: list[GraphOutput]
    output_meta: list[TensorMeta]
    func_name: str = "main"

    def to_standalone_text(self) -> str:
        """The module text with its resources inline, for rongc to read from a
        file: each blob is a 4-byte little-endian alignment, then the raw bytes."""
        if not self.resources:
            return self.text
        lines = ["{-#", "  dialect_resources: {", "    builtin: {"]
        entries = []
        for key, array in self.resources.items():
            data = np.ascontiguousarray(array)
            blob = struct.pack("<I", max(data.dtype.itemsize, 1)) + data.tobytes()
            entries.append(f'      {key}: "0x{blob.hex().upper()}"')
        lines.append(",\n".join(entries))
        lines += ["    }", "  }", "#-}"]
        return self.text + "\n" + "\n".join(lines) + "\n"


# ===----------------------------------------------------------------------===#
# Formatting helpers
# ===----------------------------------------------------------------------===#


def _target_name(target: Any) -> str:
    if isinstance(target, torch._ops.OpOverload):
        return f"{target._schema.name.replace('::', '.')}.{target._overloadname}"
    if isinstance(target, torch._ops.OpOverloadPacket):
        return target._qualified_op_name.replace("::", ".")
    return getattr(target, "__name__", str(target))


def _tensor_type(shape: Sequence[int], dtype: torch.dtype) -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{_ELEMENT_TYPES[dtype]}>"


_NONFINITE_BITS = {
    torch.float32: ("0x7FC00000", "0x7F800000", "0xFF800000"),
    torch.float16: ("0x7E00", "0x7C00", "0xFC00"),
    torch.bfloat16: ("0x7FC0", "0x7F80", "0xFF80"),
    torch.float64: ("0x7FF8000000000000", "0x7FF0000000000000",
                    "0xFFF0000000000000"),
}


def _float_text(value: float, dtype: torch.dtype = torch.float64) -> str:
    """A literal MLIR reads back as exactly `value` rounded to `dtype`."""
    if dtype != torch.float64:
        value = torch.tensor(float(value), dtype=dtype).item()
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        nan, inf, ninf = _NONFINITE_BITS[dtype]
        return nan if math.isnan(value) else (inf if value > 0 else ninf)
    text = repr(value)
    # MLIR's float literals need a '.' before any exponent.
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")


def _element_text(value: Any, dtype: torch.dtype) -> str:
    if dtype == torch.bool:
        return "true" if value else "false"
    if dtype in _INT_DTYPES:
        return str(int(value))
    return _float_text(value, dtype)


def _ints(values: Iterable[int]) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def _broadcast(a: Sequence[int], b: Sequence[int]) -> tuple:
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(y if x == 1 else x)
    return tuple(out)


def _is_number(x: Any) -> bool:
    return isinstance(x, (bool, int, float)) and not isinstance(x, torch.Tensor)


# ===----------------------------------------------------------------------===#
# Shape and dtype of nodes
# ===----------------------------------------------------------------------===#


@dataclasses.dataclass(frozen=True)
class _NonTensor:
    """A node value that is not a tensor (a SymInt, a Python number)."""

    what: str


def _to_meta(val: Any) -> Any:
    if isinstance(val, torch.Tensor):
        shape = tuple(d if isinstance(d, int) else None for d in val.shape)
        return TensorMeta(shape, val.dtype)
    if isinstance(val, (list, tuple)):
        return tuple(_to_meta(v) for v in val)
    if val is None:
        return None
    return _NonTensor(type(val).__name__)


class _Metas:
    """Shapes and dtypes of the graph's nodes: `node.meta["val"]` (or
    "tensor_meta"), the example inputs for placeholders, else the target run
    on meta tensors."""

    def __init__(self, example_inputs: dict | None = None):
        self._examples = example_inputs or {}
        self._cache: dict[torch.fx.Node, Any] = {}

    def get(self, node: torch.fx.Node) -> Any:
        if node not in self._cache:
            self._cache[node] = self._compute(node)
        return self._cache[node]

    def _compute(self, node: torch.fx.Node) -> Any:
        if "val" in node.meta:
            return _to_meta(node.meta["val"])
        tm = node.meta.get("tensor_meta")
        if tm is not None and hasattr(tm, "shape"):
            return TensorMeta(tuple(tm.shape), tm.dtype)
        if node.op == "get_attr":
            try:
                return _to_meta(_get_attr(node.graph.owning_module, node.target))
            except AttributeError as error:
                raise _Unsupported(str(error)) from None
        if node.op == "placeholder":
            if node.name in self._examples:
                return _to_meta(self._examples[node.name])
            raise _Unsupported("the placeholder has no shape information "
                               "(node.meta['val']) and no example input")
        if node.op == "call_function":
            return self._propagate(node)
        raise _Unsupported(f"cannot infer the shape of a {node.op} node")

    def _propagate(self, node: torch.fx.Node) -> Any:
        def fake(arg):
            meta = self.get(arg)
            if isinstance(meta, TensorMeta):
                if None in meta.shape:
                    raise _Unsupported("dynamic shapes are not supported")
                return torch.empty(meta.shape, dtype=meta.dtype, device="meta")
            if isinstance(meta, tuple):
                return tuple(torch.empty(m.shape, dtype=m.dtype, device="meta")
                             if isinstance(m, TensorMeta) else None for m in meta)
            raise _Unsupported("an argument is not a tensor")

        args = torch.fx.node.map_arg(node.args, fake)
        kwargs = dict(torch.fx.node.map_arg(node.kwargs, fake))
        if "device" in kwargs:
            kwargs["device"] = "meta"
        try:
            return _to_meta(node.target(*args, **kwargs))
        except Exception as error:  # the op has no meta kernel
            raise _Unsupported(f"no shape information and evaluating it on "
                               f"the meta device failed: {error}") from None


# ===----------------------------------------------------------------------===#
# The builder
# ===----------------------------------------------------------------------===#


class _Unsupported(Exception):
    """Raised by emitters; the driver turns it into UnsupportedOpError."""


class _Unavailable:
    """A result of a multi-result node that Rong does not produce."""

    def __init__(self, reason: str):
        self.reason = reason


class _Value:
    """An SSA value of the function being written."""

    def __init__(self, name: str, meta: TensorMeta, kind: str = "op",
                 index: int | None = None, key: str | None = None):
        self.name = name
        self.meta = meta
        self.kind = kind  # "op", "arg" or "resource"
        self.index = index  # argument index
        self.key = key  # resource key
        self.tensor: torch.Tensor | None = None  # a resource's data
        self.origin: str | None = None  # the placeholder or attribute of a resource

    @property
    def shape(self) -> tuple:
        return self.meta.shape

    @property
    def dtype(self) -> torch.dtype:
        return self.meta.dtype

    @property
    def rank(self) -> int:
        return self.meta.rank

    @property
    def type(self) -> str:
        return self.meta.mlir_type


class _Builder:
    """Writes rong ops for one function. Op lines are kept as parts so that a
    node's final value can take the node's name once its emitter returns.

    In check mode (`is_supported`) node arguments are stand-ins made from their
    metas and nothing is kept."""

    def __init__(self, metas: _Metas, check: bool = False):
        self.metas = metas
        self.check = check
        self.lines: list[list] = []
        self.values: dict[torch.fx.Node, Any] = {}
        self.names: set[str] = set()
        self.node: torch.fx.Node | None = None
        self._count = 0
        self._constants: dict[tuple, _Value] = {}

    # -- names and lines ----------------------------------------------------

    def unique(self, base: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.$-]", "_", base) or "v"
        if base[0].isdigit():
            base = "v" + base
        name, k = base, 1
        while name in self.names:
            name, k = f"{base}_{k}", k + 1
        self.names.add(name)
        return name

    def _fresh(self) -> str:
        self._count += 1
        base = self.node.name if self.node is not None else "c"
        return self.unique(f"{base}.{self._count}")

    def emit(self, meta: TensorMeta, *parts: Any) -> _Value:
        """Appends `%result = parts...` and returns the result."""
        result = _Value(self._fresh(), meta)
        loc = self.node.name if self.node is not None else "constant"
        self.lines.append([result, " = ", *parts, f' loc("{loc}")'])
        return result

    # -- node arguments -----------------------------------------------------

    def meta(self, node: torch.fx.Node) -> Any:
        return self.metas.get(node)

    def out(self, index: int | None = None) -> TensorMeta:
        """The meta of the current node's result (or result `index`)."""
        meta = self.meta(self.node)
        if index is not None:
            meta = meta[index]
        if not isinstance(meta, TensorMeta):
            raise _Unsupported("the result is not a tensor")
        return meta

    def value(self, arg: Any) -> Any:
        """The value(s) of an FX node argument."""
        if not isinstance(arg, torch.fx.Node):
            raise _Unsupported(f"expected a tensor argument, got {arg!r}")
        if arg in self.values:
            return self.values[arg]
        if not self.check:
            raise AssertionError(f"node {arg.name} used before it was imported")
        meta = self.meta(arg)
        if isinstance(meta, TensorMeta):
            _check_tensor(meta, f"argument '{arg.name}'")
            stand_in = _Value(f"arg_{arg.name}", meta, kind="arg", index=-1)
        elif isinstance(meta, tuple):
            stand_in = tuple(_Value(f"arg_{arg.name}_{i}", m, kind="arg", index=-1)
                             if isinstance(m, TensorMeta) else None
                             for i, m in enumerate(meta))
        else:
            raise _Unsupported(f"argument '{arg.name}' is not a tensor")
        self.values[arg] = stand_in
        return stand_in

    def tensor(self, arg: Any) -> _Value:
        value = self.value(arg)
        if not isinstance(value, _Value):
            raise _Unsupported(f"argument '{arg.name}' is not a single tensor")
        return value

    def operand(self, arg: Any, dtype: torch.dtype) -> _Value:
        """A tensor argument cast to `dtype`, or a Python scalar as a rank-0
        constant of `dtype`."""
        if _is_number(arg):
            return self.splat(arg, dtype)
        return self.cast(self.tensor(arg), dtype)

    def arg_meta(self, arg: Any) -> Any:
        """A tensor argument as a meta tensor, or a Python scalar as is, for
        torch.result_type."""
        if _is_number(arg):
            return arg
        meta = self.tensor(arg).meta
        return torch.empty(meta.shape, dtype=meta.dtype, device="meta")

    # -- constants ----------------------------------------------------------

    def splat(self, value: Any, dtype: torch.dtype, shape: Sequence[int] = ()) -> _Value:
        """A constant whose elements all equal `value` (rank 0 by default)."""
        if dtype not in _ELEMENT_TYPES:
            raise _Unsupported(f"constants of dtype {dtype} are not supported")
        if dtype in _INT_DTYPES and isinstance(value, float) and not value.is_integer():
            raise _Unsupported(f"the value {value} does not fit {dtype}")
        shape = tuple(shape)
        text = _element_text(value, dtype)
        key = (text, dtype, shape)
        if key not in self._constants:
            meta = TensorMeta(shape, dtype)
            self._constants[key] = self.emit(
                meta, f"rong.constant dense<{text}> : {meta.mlir_type}")
        return self._constants[key]

    def dense(self, values: np.ndarray, dtype: torch.dtype) -> _Value:
        """A small constant written element by element."""
        meta = TensorMeta(tuple(values.shape), dtype)
        flat = [_element_text(v, dtype) for v in values.reshape(-1).tolist()]
        if values.ndim == 0:
            body = flat[0]
        else:
            body = self._nested(flat, list(values.shape))
        return self.emit(meta, f"rong.constant dense<{body}> : {meta.mlir_type}")

    @staticmethod
    def _nested(flat: list[str], shape: list[int]) -> str:
        if len(shape) == 1:
            return "[" + ", ".join(flat) + "]"
        step = len(flat) // shape[0] if shape[0] else 0
        return "[" + ", ".join(_Builder._nested(flat[i * step:(i + 1) * step], shape[1:])
                               for i in range(shape[0])) + "]"

    # -- ops ----------------------------------------------------------------

    def unary(self, op: str, x: _Value, attrs: str = "") -> _Value:
        return self.emit(x.meta, f"rong.{op} ", x, attrs, f" : {x.type}")

    def binary(self, op: str, a: _Value, b: _Value) -> _Value:
        if a.dtype != b.dtype:
            raise AssertionError(f"rong.{op} on {a.type} and {b.type}")
        shape = _broadcast(a.shape, b.shape)
        dtype = torch.bool if op in ("eq", "lt", "le", "gt", "ge") else a.dtype
        return self.emit(TensorMeta(shape, dtype), f"rong.{op} ", a, ", ", b,
                         f" : {a.type}, {b.type}")

    def where(self, cond: _Value, a: _Value, b: _Value) -> _Value:
        shape = _broadcast(_broadcast(cond.shape, a.shape), b.shape)
        return self.emit(TensorMeta(shape, a.dtype), "rong.where ", cond, ", ", a,
                         ", ", b, f" : {cond.type}, {a.type}, {b.type}")

    def cast(self, x: _Value, dtype: torch.dtype) -> _Value:
        if x.dtype == dtype:
            return x
        if dtype not in _ELEMENT_TYPES:
            raise _Unsupported(f"casts to {dtype} are not supported")
        return self.emit(TensorMeta(x.shape, dtype), "rong.cast ", x,
                         f" to {_ELEMENT_TYPES[dtype]} : {x.type}")

    def to_bool(self, x: _Value) -> _Value:
        return self.cast(x, torch.bool)

    def reshape(self, x: _Value, shape: Sequence[int]) -> _Value:
        shape = tuple(shape)
        if shape == x.shape:
            return x
        if math.prod(shape) != x.meta.numel:
            raise AssertionError(f"reshape of {x.type} to {shape}")
        return self.emit(TensorMeta(shape, x.dtype), "rong.reshape ", x,
                         f" shape = {_ints(shape)} : {x.type}")

    def transpose(self, x: _Value, perm: Sequence[int]) -> _Value:
        perm = [p % x.rank if x.rank else 0 for p in perm]
        if perm == list(range(x.rank)):
            return x
        shape = tuple(x.shape[p] for p in perm)
        return self.emit(TensorMeta(shape, x.dtype), "rong.transpose ", x,
                         f" permutation = {_ints(perm)} : {x.type}")

    def broadcast_to(self, x: _Value, shape: Sequence[int]) -> _Value:
        shape = tuple(shape)
        if shape == x.shape:
            return x
        _broadcast(x.shape, shape)
        return self.emit(TensorMeta(shape, x.dtype), "rong.broadcast_to ", x,
                         f" shape = {_ints(shape)} : {x.type}")

    def slice(self, x: _Value, dim: int, start: int, end: int, step: int) -> _Value:
        """Elements start, start + step, ... < end of dimension `dim` (already
        clamped into range, as `slice.indices` gives them)."""
        size = x.shape[dim]
        length = len(range(start, end, step))
        if (start, length, step) == (0, size, 1):
            return x
        starts, ends, steps = [0] * x.rank, list(x.shape), [1] * x.rank
        starts[dim], ends[dim], steps[dim] = start, end, step
        shape = list(x.shape)
        shape[dim] = length
        return self.emit(TensorMeta(tuple(shape), x.dtype), "rong.slice ", x,
                         f" starts = {_ints(starts)} ends = {_ints(ends)} "
                         f"steps = {_ints(steps)} : {x.type}")

    def concat(self, inputs: list[_Value], axis: int) -> _Value:
        if len(inputs) == 1:
            return inputs[0]
        shape = list(inputs[0].shape)
        shape[axis] = sum(v.shape[axis] for v in inputs)
        parts: list[Any] = ["rong.concat "]
        for i, v in enumerate(inputs):
            parts += [", " if i else "", v]
        parts.append(f" axis = {axis} : " + ", ".join(v.type for v in inputs))
        return self.emit(TensorMeta(tuple(shape), inputs[0].dtype), *parts)

    def gather(self, x: _Value, indices: _Value, axis: int) -> _Value:
        if indices.dtype not in _INT_DTYPES:
            raise _Unsupported(f"indices must be int64 or int32, got {indices.dtype}")
        shape = x.shape[:axis] + indices.shape + x.shape[axis + 1:]
        return self.emit(TensorMeta(shape, x.dtype), "rong.gather ", x, ", ",
                         indices, f" axis = {axis} : {x.type}, {indices.type}")

    def gather_elements(self, x: _Value, indices: _Value, axis: int) -> _Value:
        if indices.dtype not in _INT_DTYPES:
            raise _Unsupported(f"indices must be int64 or int32, got {indices.dtype}")
        if indices.rank != x.rank or any(
                i > s for d, (i, s) in enumerate(zip(indices.shape, x.shape))
                if d != axis):
            raise _Unsupported(f"gather indices {list(indices.shape)} do not fit "
                               f"the input {list(x.shape)} along dim {axis}")
        return self.emit(TensorMeta(indices.shape, x.dtype),
                         "rong.gather_elements ", x, ", ", indices,
                         f" axis = {axis} : {x.type}, {indices.type}")

    def reduce(self, op: str, x: _Value, axes: Sequence[int], keepdims: bool) -> _Value:
        axes = sorted({a % x.rank for a in axes})
        if not axes:
            return x
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)
                      if keepdims or i not in axes)
        keep = " keepdims" if keepdims else ""
        return self.emit(TensorMeta(shape, x.dtype), f"rong.{op} ", x,
                         f" axes = {_ints(axes)}{keep} : {x.type}")

    def matmul(self, a: _Value, b: _Value) -> _Value:
        shape = tuple(torch.matmul(torch.empty(a.shape, device="meta"),
                                   torch.empty(b.shape, device="meta")).shape)
        return self.emit(TensorMeta(shape, a.dtype), "rong.matmul ", a, ", ", b,
                         f" : {a.type}, {b.type}")

    def render(self) -> list[str]:
        return ["".join(f"%{p.name}" if isinstance(p, _Value) else p for p in line)
                for line in self.lines]


def _check_tensor(meta: TensorMeta, what: str) -> None:
    if meta.dtype not in _ELEMENT_TYPES:
        raise _Unsupported(f"{what} has dtype {meta.dtype}; Rong supports "
                           "float32, float64, float16, bfloat16, int64, int32 "
                           "and bool")
    if any(d is None for d in meta.shape):
        raise _Unsupported(f"{what} has a dynamic shape {list(meta.shape)}; "
                           "Rong imports static shapes only")


# ===----------------------------------------------------------------------===#
# Argument helpers
# ===----------------------------------------------------------------------===#


def _arg(node: torch.fx.Node, index: int, name: str, default: Any = None) -> Any:
    """Argument `index` of `node`, positional or by keyword."""
    if index < len(node.args):
        return node.args[index]
    return node.kwargs.get(name, default)


def _dims(dims: Any, rank: int) -> list[int]:
    """Reduction dims: None or [] mean every axis."""
    if dims is None:
        return list(range(rank))
    if isinstance(dims, int):
        dims = [dims]
    dims = list(dims)
    if not dims:
        return list(range(rank))
    if rank == 0:
        return []
    return [d % rank for d in dims]


def _pair(value: Any, what: str) -> list[int]:
    values = [value] if isinstance(value, int) else list(value)
    if len(values) == 1:
        values *= 2
    if len(values) != 2:
        raise _Unsupported(f"{what} {values} must have one or two entries")
    return [int(v) for v in values]


def _require_float(x: _Value | TensorMeta, what: str = "the input") -> None:
    if x.dtype not in _FLOAT_DTYPES:
        raise _Unsupported(f"{what} must be float32, float64, float16 or "
                           f"bfloat16, got {x.dtype}")


# ===----------------------------------------------------------------------===#
# Emitters: elementwise
# ===----------------------------------------------------------------------===#

Emitter = Callable[[_Builder, torch.fx.Node], Any]
_OPS: dict[Any, Emitter] = {}


def _register(*targets: Any) -> Callable[[Emitter], Emitter]:
    def wrap(fn: Emitter) -> Emitter:
        for target in targets:
            _OPS[target] = fn
        return fn
    return wrap


def _unary(op: str, kind: str) -> Emitter:
    """One rong op on the input cast to the result dtype. `kind` is the
    dtypes the op takes: "float" or "numeric"."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        if kind == "float":
            _require_float(out, "the result")
        elif out.dtype == torch.bool:
            raise _Unsupported(f"rong.{op} does not take booleans")
        return b.unary(op, b.cast(b.tensor(node.args[0]), out.dtype))
    return emit


for _target, _op, _kind in [
        (aten.neg.default, "neg", "numeric"),
        (aten.abs.default, "abs", "numeric"),
        (aten.sign.default, "sign", "numeric"),
        (aten.relu.default, "relu", "numeric"),
        (aten.exp.default, "exp", "float"),
        (aten.log.default, "log", "float"),
        (aten.sqrt.default, "sqrt", "float"),
        (aten.rsqrt.default, "rsqrt", "float"),
        (aten.reciprocal.default, "reciprocal", "float"),
        (aten.tanh.default, "tanh", "float"),
        (aten.sigmoid.default, "sigmoid", "float"),
        (aten.erf.default, "erf", "float"),
        (aten.sin.default, "sin", "float"),
        (aten.cos.default, "cos", "float"),
        (aten.floor.default, "floor", "float"),
        (aten.ceil.default, "ceil", "float")]:
    _OPS[_target] = _unary(_op, _kind)


@_register(aten.gelu.default)
def _gelu(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    _require_float(x)
    approximate = _arg(node, 1, "approximate", "none")
    if approximate not in ("none", "tanh"):
        raise _Unsupported(f"approximate = '{approximate}' is not 'none' or 'tanh'")
    return b.unary("gelu", x, " approximate = tanh" if approximate == "tanh" else "")


@_register(aten.leaky_relu.default)
def _leaky_relu(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    _require_float(x)
    slope = float(_arg(node, 1, "negative_slope", 0.01))
    return b.unary("leaky_relu", x, f" {{alpha = {_float_text(slope)} : f64}}")


@_register(aten.silu.default)
def _silu(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    _require_float(x)
    return b.binary("mul", x, b.unary("sigmoid", x))


@_register(aten.elu.default)
def _elu(b: _Builder, node: torch.fx.Node) -> _Value:
    """scale * (x > 0 ? x : alpha * (exp(input_scale * x) - 1))."""
    x = b.tensor(node.args[0])
    _require_float(x)
    alpha = float(_arg(node, 1, "alpha", 1.0))
    scale = float(_arg(node, 2, "scale", 1.0))
    input_scale = float(_arg(node, 3, "input_scale", 1.0))
    c = lambda v: b.splat(v, x.dtype)
    scaled = x if input_scale == 1.0 else b.binary("mul", x, c(input_scale))
    negative = b.binary("mul", c(alpha), b.binary("sub", b.unary("exp", scaled), c(1)))
    result = b.where(b.binary("gt", x, c(0)), x, negative)
    return result if scale == 1.0 else b.binary("mul", result, c(scale))


@_register(aten.log1p.default)
def _log1p(b: _Builder, node: torch.fx.Node) -> _Value:
    """log(1 + x): exact to float rounding of 1 + x, so tiny x lose relative
    precision (the absolute error stays below one ulp of 1)."""
    out = b.out()
    _require_float(out, "the result")
    x = b.cast(b.tensor(node.args[0]), out.dtype)
    return b.unary("log", b.binary("add", x, b.splat(1, out.dtype)))


def _clip(b: _Builder, x: _Value, lo: Any, hi: Any) -> _Value:
    if lo is not None and hi is not None and lo > hi:
        # PyTorch gives max everywhere; rong.clip requires min <= max.
        return _clip(b, _clip(b, x, lo, None), None, hi)
    attrs = ""
    if lo is not None:
        attrs += f" min = {_float_text(lo)}"
    if hi is not None:
        attrs += f" max = {_float_text(hi)}"
    return b.unary("clip", x, attrs) if attrs else x


def _clamp_scalars(b: _Builder, node: torch.fx.Node, lo: Any, hi: Any) -> _Value:
    out = b.out()
    if out.dtype == torch.bool:
        raise _Unsupported("clamping booleans is not supported")
    for bound in (lo, hi):
        if bound is not None and not _is_number(bound):
            raise _Unsupported("the bounds must be Python numbers")
    return _clip(b, b.cast(b.tensor(node.args[0]), out.dtype), lo, hi)


@_register(aten.clamp.default)
def _clamp(b: _Builder, node: torch.fx.Node) -> _Value:
    return _clamp_scalars(b, node, _arg(node, 1, "min"), _arg(node, 2, "max"))


@_register(aten.clamp_min.default)
def _clamp_min(b: _Builder, node: torch.fx.Node) -> _Value:
    return _clamp_scalars(b, node, node.args[1], None)


@_register(aten.clamp_max.default)
def _clamp_max(b: _Builder, node: torch.fx.Node) -> _Value:
    return _clamp_scalars(b, node, None, node.args[1])


@_register(aten.hardtanh.default)
def _hardtanh(b: _Builder, node: torch.fx.Node) -> _Value:
    return _clamp_scalars(b, node, _arg(node, 1, "min_val", -1.0),
                          _arg(node, 2, "max_val", 1.0))


@_register(aten.clamp.Tensor)
def _clamp_tensor(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    if out.dtype == torch.bool:
        raise _Unsupported("clamping booleans is not supported")
    x = b.cast(b.tensor(node.args[0]), out.dtype)
    lo, hi = _arg(node, 1, "min"), _arg(node, 2, "max")
    if lo is not None:
        x = b.binary("max", x, b.operand(lo, out.dtype))
    if hi is not None:
        x = b.binary("min", x, b.operand(hi, out.dtype))
    return x


def _arith(op: str) -> Emitter:
    """add/sub/mul/div/maximum/minimum: both operands (tensors or Python
    scalars, either side) in the result dtype, `alpha` scaling the second."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        if out.dtype == torch.bool:
            raise _Unsupported(f"boolean {op} is not supported")
        lhs = b.operand(node.args[0], out.dtype)
        rhs = b.operand(node.args[1], out.dtype)
        alpha = _arg(node, 2, "alpha", 1)
        if alpha != 1:
            if op not in ("add", "sub"):
                raise _Unsupported("alpha is only defined for add and sub")
            rhs = b.binary("mul", rhs, b.splat(alpha, out.dtype))
        return b.binary(op, lhs, rhs)
    return emit


for _target, _op in [
        (aten.add.Tensor, "add"), (aten.add.Scalar, "add"),
        (aten.sub.Tensor, "sub"), (aten.sub.Scalar, "sub"),
        (aten.mul.Tensor, "mul"), (aten.mul.Scalar, "mul"),
        (aten.div.Tensor, "div"), (aten.div.Scalar, "div"),
        (aten.maximum.default, "max"), (aten.minimum.default, "min")]:
    _OPS[_target] = _arith(_op)


@_register(aten.div.Tensor_mode, aten.div.Scalar_mode)
def _div_mode(b: _Builder, node: torch.fx.Node) -> _Value:
    mode = _arg(node, 2, "rounding_mode")
    out = b.out()
    lhs = b.operand(node.args[0], out.dtype)
    rhs = b.operand(node.args[1], out.dtype)
    if mode is None:
        return b.binary("div", lhs, rhs)
    if mode == "trunc" and out.dtype in _INT_DTYPES:
        return b.binary("div", lhs, rhs)  # rong.div truncates integers
    if mode == "floor" and out.dtype in _FLOAT_DTYPES:
        return b.unary("floor", b.binary("div", lhs, rhs))
    raise _Unsupported(f"rounding_mode = '{mode}' on {out.dtype} is not supported")


@_register(aten.rsub.Scalar, aten.rsub.Tensor)
def _rsub(b: _Builder, node: torch.fx.Node) -> _Value:
    """other - alpha * self."""
    out = b.out()
    if out.dtype == torch.bool:
        raise _Unsupported("boolean sub is not supported")
    x = b.operand(node.args[0], out.dtype)
    other = b.operand(node.args[1], out.dtype)
    alpha = _arg(node, 2, "alpha", 1)
    if alpha != 1:
        x = b.binary("mul", x, b.splat(alpha, out.dtype))
    return b.binary("sub", other, x)


def _pow_scalar_exponent(b: _Builder, x: _Value, exponent: Any) -> _Value:
    """x ** exponent for a Python exponent, with the common exponents as
    cheaper ops."""
    c = float(exponent)
    if c == 1:
        return x
    if c == 0:
        return b.broadcast_to(b.splat(1, x.dtype), x.shape)
    if c == 2:
        return b.binary("mul", x, x)
    if c == 3:
        return b.binary("mul", b.binary("mul", x, x), x)
    if x.dtype not in _FLOAT_DTYPES:
        raise _Unsupported(f"integer pow with exponent {exponent} is not supported")
    if c == 0.5:
        return b.unary("sqrt", x)
    if c == -0.5:
        return b.unary("rsqrt", x)
    if c == -1:
        return b.unary("reciprocal", x)
    return b.binary("pow", x, b.splat(exponent, x.dtype))


@_register(aten.pow.Tensor_Scalar)
def _pow_tensor_scalar(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    if out.dtype == torch.bool:
        raise _Unsupported("boolean pow is not supported")
    return _pow_scalar_exponent(b, b.cast(b.tensor(node.args[0]), out.dtype),
                                node.args[1])


@_register(aten.pow.Tensor_Tensor, aten.pow.Scalar)
def _pow(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    _require_float(out, "the result")
    return b.binary("pow", b.operand(node.args[0], out.dtype),
                    b.operand(node.args[1], out.dtype))


def _compare(op: str, negate: bool = False) -> Emitter:
    """Comparisons happen in the promoted dtype of the operands; booleans are
    ordered as 0 and 1."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        lhs, rhs = node.args[0], node.args[1]
        dtype = torch.result_type(b.arg_meta(lhs), b.arg_meta(rhs))
        if dtype not in _ELEMENT_TYPES:
            raise _Unsupported(f"comparison in {dtype} is not supported")
        if dtype == torch.bool and op != "eq":
            dtype = torch.int32
        result = b.binary(op, b.operand(lhs, dtype), b.operand(rhs, dtype))
        return b.unary("not", result) if negate else result
    return emit


for _name, _op, _negate in [("eq", "eq", False), ("ne", "eq", True),
                            ("lt", "lt", False), ("le", "le", False),
                            ("gt", "gt", False), ("ge", "ge", False)]:
    _packet = getattr(aten, _name)
    _OPS[_packet.Tensor] = _OPS[_packet.Scalar] = _compare(_op, _negate)


@_register(aten.logical_not.default)
def _logical_not(b: _Builder, node: torch.fx.Node) -> _Value:
    return b.unary("not", b.to_bool(b.tensor(node.args[0])))


def _require_bits(dtype: torch.dtype, what: str) -> None:
    if dtype != torch.bool and dtype not in _INT_DTYPES:
        raise _Unsupported(f"{what} on {dtype} is not supported (bool, int64 "
                           "and int32 are)")


@_register(aten.bitwise_not.default)
def _bitwise_not(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    _require_bits(x.dtype, "bitwise_not")
    return b.unary("not", x)


def _shift(op: str) -> Emitter:
    """Bit shifts: arithmetic right shifts of signed integers, as PyTorch's;
    amounts of the width or more give 0 (or -1 for a negative value shifted
    right), as on PyTorch's CPU."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        if out.dtype not in _INT_DTYPES:
            raise _Unsupported(f"shifts of {out.dtype} are not supported "
                               "(int64 and int32 are)")
        return b.binary(op, b.operand(node.args[0], out.dtype),
                        b.operand(node.args[1], out.dtype))
    return emit


for _op in ("left", "right"):
    _packet = getattr(aten, f"bitwise_{_op}_shift")
    _OPS[_packet.Tensor] = _OPS[_packet.Tensor_Scalar] = \
        _OPS[_packet.Scalar_Tensor] = _shift(f"shift_{_op}")
    _packet = getattr(aten, f"__{_op[0]}shift__")
    _OPS[_packet.Tensor] = _OPS[_packet.Scalar] = _shift(f"shift_{_op}")


def _logical(op: str, bitwise: bool) -> Emitter:
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        if bitwise and out.dtype != torch.bool:
            _require_bits(out.dtype, f"bitwise_{op}")
            return b.binary(op, b.operand(node.args[0], out.dtype),
                            b.operand(node.args[1], out.dtype))
        lhs = b.operand(node.args[0], torch.bool)
        rhs = b.operand(node.args[1], torch.bool)
        if op == "xor":  # a xor b == (a != b) on booleans
            return b.unary("not", b.binary("eq", lhs, rhs))
        return b.binary(op, lhs, rhs)
    return emit


for _op in ("and", "or", "xor"):
    _OPS[getattr(aten, f"logical_{_op}").default] = _logical(_op, False)
    _packet = getattr(aten, f"bitwise_{_op}")
    _OPS[_packet.Tensor] = _OPS[_packet.Scalar] = _logical(_op, True)


@_register(aten.where.self)
def _where(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    cond = b.to_bool(b.tensor(node.args[0]))
    return b.where(cond, b.operand(node.args[1], out.dtype),
                   b.operand(node.args[2], out.dtype))


@_register(aten.masked_fill.Scalar, aten.masked_fill.Tensor)
def _masked_fill(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    x = b.cast(b.tensor(node.args[0]), out.dtype)
    mask = b.to_bool(b.tensor(node.args[1]))
    return b.where(mask, b.operand(node.args[2], out.dtype), x)


@_register(aten.threshold_backward.default)
def _threshold_backward(b: _Builder, node: torch.fx.Node) -> _Value:
    """grad where self > threshold, else 0."""
    out = b.out()
    grad = b.cast(b.tensor(node.args[0]), out.dtype)
    x = b.tensor(node.args[1])
    if x.dtype == torch.bool:
        raise _Unsupported("threshold_backward on booleans is not supported")
    below = b.binary("le", x, b.splat(node.args[2], x.dtype))
    return b.where(below, b.splat(0, out.dtype), grad)


@_register(aten.tanh_backward.default)
def _tanh_backward(b: _Builder, node: torch.fx.Node) -> _Value:
    """grad * (1 - y^2)."""
    out = b.out()
    _require_float(out, "the result")
    grad, y = b.operand(node.args[0], out.dtype), b.operand(node.args[1], out.dtype)
    one = b.splat(1, out.dtype)
    return b.binary("mul", grad, b.binary("sub", one, b.binary("mul", y, y)))


@_register(aten.sigmoid_backward.default)
def _sigmoid_backward(b: _Builder, node: torch.fx.Node) -> _Value:
    """grad * y * (1 - y)."""
    out = b.out()
    _require_float(out, "the result")
    grad, y = b.operand(node.args[0], out.dtype), b.operand(node.args[1], out.dtype)
    one = b.splat(1, out.dtype)
    return b.binary("mul", grad, b.binary("mul", y, b.binary("sub", one, y)))


@_register(aten._to_copy.default, prims.convert_element_type.default)
def _to_copy(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    device = node.kwargs.get("device")
    source = node.args[0].meta.get("val") if isinstance(node.args[0], torch.fx.Node) else None
    if device is not None and isinstance(source, torch.Tensor) and \
            torch.device(device) != source.device:
        raise _Unsupported(f"copies to another device ({device}) are not supported")
    if node.kwargs.get("layout") not in (None, torch.strided):
        raise _Unsupported(f"layout {node.kwargs['layout']} is not supported")
    return b.cast(x, b.out().dtype)


# ===----------------------------------------------------------------------===#
# Emitters: identities, layout and data movement
# ===----------------------------------------------------------------------===#


@_register(aten.clone.default, aten.alias.default, aten.detach.default,
           aten.lift_fresh_copy.default)
def _identity(b: _Builder, node: torch.fx.Node) -> _Value:
    return b.tensor(node.args[0])


@_register(aten.view.default, aten._unsafe_view.default, aten.reshape.default,
           aten.squeeze.default, aten.squeeze.dim, aten.squeeze.dims,
           aten.unsqueeze.default, aten.flatten.using_ints)
def _reshape(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    out = b.out()
    if out.dtype != x.dtype:
        raise _Unsupported("reinterpreting the element type is not supported")
    return b.reshape(x, out.shape)


@_register(aten.expand.default)
def _expand(b: _Builder, node: torch.fx.Node) -> _Value:
    return b.broadcast_to(b.tensor(node.args[0]), b.out().shape)


@_register(aten.permute.default)
def _permute(b: _Builder, node: torch.fx.Node) -> _Value:
    return b.transpose(b.tensor(node.args[0]), node.args[1])


@_register(aten.t.default)
def _t(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    return b.transpose(x, [1, 0]) if x.rank == 2 else x


@_register(aten.transpose.int)
def _transpose(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    if x.rank < 2:
        return x
    perm = list(range(x.rank))
    d0, d1 = node.args[1] % x.rank, node.args[2] % x.rank
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return b.transpose(x, perm)


@_register(aten.slice.Tensor)
def _slice(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    if x.rank == 0:
        raise _Unsupported("slicing a rank-0 tensor")
    dim = _arg(node, 1, "dim", 0) % x.rank
    start, end = _arg(node, 2, "start"), _arg(node, 3, "end")
    step = _arg(node, 4, "step", 1)
    if step <= 0:
        raise _Unsupported(f"step {step} must be positive")
    start, end, step = slice(start, end, step).indices(x.shape[dim])
    return b.slice(x, dim, start, max(end, start), step)


@_register(aten.select.int)
def _select(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    dim, index = node.args[1] % x.rank, node.args[2]
    index %= x.shape[dim]
    return b.reshape(b.slice(x, dim, index, index + 1, 1), b.out().shape)


def _scatter_slice(b: _Builder, x: _Value, src: _Value, dim: int,
                   start: int, end: int, step: int) -> _Value:
    """`x` with elements start, start + step, ... < end of dimension `dim`
    replaced by `src` (what slicing's backward writes into zeros). With step
    1 the result is x's parts before and after the slice around `src`; with
    a larger step, src is gathered to every position and a mask keeps x
    elsewhere."""
    src = b.cast(src, x.dtype)
    size = x.shape[dim]
    if step == 1:
        parts = [b.slice(x, dim, 0, start, 1), src,
                 b.slice(x, dim, end, size, 1)]
        return b.concat([v for v in parts if v.shape[dim]], dim)
    positions = np.arange(size)
    hit = (positions >= start) & (positions < end) & \
        ((positions - start) % step == 0)
    index = np.clip((positions - start) // step, 0, src.shape[dim] - 1)
    along = [1] * x.rank
    along[dim] = size
    mask = b.reshape(b.dense(hit, torch.bool), along)
    spread = b.gather(src, b.dense(index.astype(np.int64), torch.int64), dim)
    return b.where(mask, spread, x)


@_register(aten.slice_scatter.default)
def _slice_scatter(b: _Builder, node: torch.fx.Node) -> _Value:
    x, src = b.tensor(node.args[0]), b.tensor(node.args[1])
    if x.rank == 0:
        raise _Unsupported("slice_scatter into a rank-0 tensor")
    dim = _arg(node, 2, "dim", 0) % x.rank
    step = _arg(node, 5, "step", 1)
    if step <= 0:
        raise _Unsupported(f"step {step} must be positive")
    start, end, step = slice(_arg(node, 3, "start"), _arg(node, 4, "end"),
                             step).indices(x.shape[dim])
    end = max(end, start)
    if src.shape[dim] != len(range(start, end, step)):
        raise _Unsupported(f"src {src.type} does not fill the slice "
                           f"{start}:{end}:{step} of dimension {dim}")
    return _scatter_slice(b, x, src, dim, start, end, step)


@_register(aten.select_scatter.default)
def _select_scatter(b: _Builder, node: torch.fx.Node) -> _Value:
    x, src = b.tensor(node.args[0]), b.tensor(node.args[1])
    dim = node.args[2] % x.rank
    index = node.args[3] % x.shape[dim]
    shape = list(x.shape)
    shape[dim] = 1
    return _scatter_slice(b, x, b.reshape(src, shape), dim, index, index + 1, 1)


@_register(aten.split_with_sizes.default, aten.split.Tensor)
def _split(b: _Builder, node: torch.fx.Node) -> list[_Value]:
    x = b.tensor(node.args[0])
    dim = _arg(node, 2, "dim", 0) % x.rank
    sizes = node.args[1]
    if isinstance(sizes, int):
        sizes = [min(sizes, x.shape[dim] - s) for s in range(0, x.shape[dim], sizes)]
    results, start = [], 0
    for size in sizes:
        results.append(b.slice(x, dim, start, start + size, 1))
        start += size
    return results


@_register(aten.cat.default)
def _cat(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    dim = _arg(node, 1, "dim", 0) % out.rank
    inputs = [b.cast(b.tensor(t), out.dtype) for t in node.args[0]]
    # PyTorch lets a 1-D empty tensor join anything; it adds nothing.
    inputs = [v for v in inputs if not (v.shape == (0,) and out.rank != 1)]
    return b.concat(inputs, dim)


@_register(aten.repeat.default)
def _repeat(b: _Builder, node: torch.fx.Node) -> _Value:
    """Tile: each dimension gets a new leading axis of size `repeat` by
    broadcasting, and the pairs merge."""
    x = b.tensor(node.args[0])
    repeats = list(node.args[1])
    shape = (1,) * (len(repeats) - x.rank) + x.shape
    interleaved = [d for s in shape for d in (1, s)]
    tiled = [d for r, s in zip(repeats, shape) for d in (r, s)]
    x = b.broadcast_to(b.reshape(x, interleaved), tiled)
    return b.reshape(x, [r * s for r, s in zip(repeats, shape)])


@_register(aten.constant_pad_nd.default)
def _constant_pad(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    pad = list(node.args[1])
    value = _arg(node, 2, "value", 0)
    if len(pad) % 2 or len(pad) // 2 > x.rank:
        raise _Unsupported(f"pad {pad} does not fit a rank-{x.rank} input")
    begins, ends = [0] * x.rank, [0] * x.rank
    for i in range(len(pad) // 2):  # PyTorch lists the last dimension first
        begins[x.rank - 1 - i], ends[x.rank - 1 - i] = pad[2 * i], pad[2 * i + 1]
    if not any(begins) and not any(ends):
        return x
    if x.dtype == torch.bool:
        raise _Unsupported("padding booleans is not supported")
    return b.emit(b.out(), "rong.pad ", x,
                  f" pads = {_ints(begins + ends)} mode = constant value = "
                  f"{_float_text(value)} : {x.type}")


@_register(aten.index_select.default)
def _index_select(b: _Builder, node: torch.fx.Node) -> _Value:
    x, index = b.tensor(node.args[0]), b.tensor(node.args[2])
    dim = node.args[1] % max(x.rank, 1)
    return b.reshape(b.gather(x, index, dim), b.out().shape)


@_register(aten.gather.default)
def _gather(b: _Builder, node: torch.fx.Node) -> _Value:
    x, index = b.tensor(node.args[0]), b.tensor(node.args[2])
    return b.gather_elements(x, index, node.args[1] % max(x.rank, 1))


@_register(aten.embedding.default)
def _embedding(b: _Builder, node: torch.fx.Node) -> _Value:
    return b.gather(b.tensor(node.args[0]), b.tensor(node.args[1]), 0)


@_register(aten.index.Tensor)
def _index(b: _Builder, node: torch.fx.Node) -> _Value:
    """x[..., i, j, ...]: integer index tensors between full slices. One
    gathers along its dimension. Several are broadcast together and combined
    into one index into their dimensions flattened (moved to the front first
    when they are not adjacent, which is where PyTorch puts their result)."""
    x = b.tensor(node.args[0])
    indices = list(node.args[1])
    dims = [d for d, i in enumerate(indices) if i is not None]
    if not dims:
        raise _Unsupported("indexing without an index tensor is not supported")
    tensors = [b.tensor(indices[d]) for d in dims]
    for t in tensors:
        if t.dtype not in _INT_DTYPES:
            raise _Unsupported(f"index tensors of dtype {t.dtype} are not "
                               "supported (boolean masks give data-dependent "
                               "shapes)")
    if len(dims) == 1:
        return b.gather(x, tensors[0], dims[0])
    if dims != list(range(dims[0], dims[0] + len(dims))):
        x = b.transpose(x, dims + [d for d in range(x.rank) if d not in dims])
        dims = list(range(len(dims)))
    first, last = dims[0], dims[-1] + 1
    sizes = x.shape[first:last]
    flat = b.reshape(x, x.shape[:first] + (math.prod(sizes),) + x.shape[last:])
    dtype = _flat_index_dtype(sizes, [t.dtype for t in tensors])
    index = None
    for t, size, stride in zip(tensors, sizes, _strides(sizes)):
        # Negative indices count from the end of their own dimension.
        t = b.cast(t, dtype)
        zero = b.splat(0, dtype)
        t = b.where(b.binary("lt", t, zero),
                    b.binary("add", t, b.splat(size, dtype)), t)
        if stride != 1:
            t = b.binary("mul", t, b.splat(stride, dtype))
        index = t if index is None else b.binary("add", index, t)
    return b.reshape(b.gather(flat, index, first), b.out().shape)


def _strides(sizes: Sequence[int]) -> list[int]:
    """Row-major strides of `sizes`."""
    return [math.prod(sizes[d + 1:]) for d in range(len(sizes))]


def _flat_index_dtype(sizes: Sequence[int],
                      dtypes: Sequence[torch.dtype] = ()) -> torch.dtype:
    """int32 for an index into `sizes` flattened where it fits and no index
    tensor is wider (twice the lanes of a vector load), int64 otherwise."""
    fits = math.prod(sizes) < 2**31
    return torch.int32 if fits and torch.int64 not in dtypes else torch.int64


# ===----------------------------------------------------------------------===#
# Emitters: resampling
# ===----------------------------------------------------------------------===#

# Upsampling ops -> (spatial rank, whether the op takes align_corners).
_UPSAMPLING = {
    aten.upsample_nearest1d: (1, False),
    aten.upsample_nearest2d: (2, False),
    aten.upsample_nearest3d: (3, False),
    aten._upsample_nearest_exact1d: (1, False),
    aten._upsample_nearest_exact2d: (2, False),
    aten._upsample_nearest_exact3d: (3, False),
    aten.upsample_linear1d: (1, True),
    aten.upsample_bilinear2d: (2, True),
    aten.upsample_trilinear3d: (3, True),
    aten.upsample_bicubic2d: (2, True),
    aten._upsample_bilinear2d_aa: (2, True),
    aten._upsample_bicubic2d_aa: (2, True),
}


def _real_tensors():
    """A context in which PyTorch ops make real tensors: constants Rong reads
    off PyTorch must be computed even while the caller (AOTAutograd, when
    torch.compile partitions a graph) has a fake tensor mode active."""
    return torch._subclasses.fake_tensor.unset_fake_temporarily()


# Rows of the identity resampled at a time when reading an axis's matrix.
_BASIS_ROWS = 256


def _axis_taps(packet: Any, rank: int, corners: Any, scale: Any,
               n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """How the op maps one spatial axis of `n_in` to `n_out` elements, read
    off PyTorch itself: the rows of the identity, resampled in float64 as
    the last spatial axis (the others of size 1 stay as they are; the
    antialiased kernels mishandle a last axis of size 1), form the
    (n_in x n_out) matrix whose column o holds output o's weights. Returns
    (index, weight) arrays of shape (n_out, taps), taps being the most
    nonzero weights of any output; unused taps have weight 0."""
    columns: list[list[tuple[int, float]]] = [[] for _ in range(n_out)]
    with _real_tensors():
        for start in range(0, n_in, _BASIS_ROWS):
            rows = min(_BASIS_ROWS, n_in - start)
            basis = torch.zeros((1, rows) + (1,) * (rank - 1) + (n_in,),
                                dtype=torch.float64)
            basis.view(rows, n_in)[torch.arange(rows),
                                   torch.arange(start, start + rows)] = 1
            args: list[Any] = [basis, [1] * (rank - 1) + [n_out]]
            if corners is not None:
                args.append(corners)
            args += [None] * (rank - 1) + [scale]
            matrix = packet.default(*args).reshape(rows, n_out).numpy()
            for i, o in zip(*np.nonzero(matrix)):
                columns[o].append((start + int(i), float(matrix[i, o])))
    taps = max(1, max(len(c) for c in columns))
    index = np.zeros((n_out, taps), np.int64)
    weight = np.zeros((n_out, taps), np.float64)
    for o, column in enumerate(columns):
        for t, (i, w) in enumerate(column):
            index[o, t], weight[o, t] = i, w
    return index, weight


def _upsample(packet: Any) -> Emitter:
    """Nearest, linear, cubic and antialiased upsampling of the trailing
    spatial axes: per axis, the source indices and weights PyTorch uses
    (_axis_taps); the spatial axes flattened into one; one gather per
    combination of taps, by a constant index table, times the product of the
    axes' weights, summed (in f32 for f16 and bf16). Nearest is one gather,
    which fuses with what consumes it."""
    rank, takes_corners = _UPSAMPLING[packet]

    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        x, out = b.tensor(node.args[0]), b.out()
        if x.rank != rank + 2:
            raise _Unsupported(f"expects a rank-{rank + 2} input, got "
                               f"{list(x.shape)}")
        corners = bool(node.args[2]) if takes_corners else None
        scales_at = 3 if takes_corners else 2
        if node.target._overloadname == "vec":
            factors = _arg(node, scales_at, "scale_factors")
            scales = list(factors) if factors else [None] * rank
        else:
            names = ["scales_d", "scales_h", "scales_w"][3 - rank:]
            if rank == 1:
                names = ["scales"]
            scales = [_arg(node, scales_at + d, names[d]) for d in range(rank)]
        taps = [_axis_taps(packet, rank, corners, scales[d], x.shape[2 + d],
                           out.shape[2 + d]) for d in range(rank)]
        return _resample(b, x, taps, out)
    return emit


def _resample(b: _Builder, x: _Value, taps: list, out: TensorMeta) -> _Value:
    """Sum over tap combinations of x's trailing axes (flattened) gathered at
    the combined index, times the combined weight; see _upsample."""
    rank = len(taps)
    sizes = x.shape[-rank:]
    flat = b.reshape(x, x.shape[:-rank] + (math.prod(sizes),))
    dtype = _flat_index_dtype(sizes)
    # f16 and bf16 taps are summed in f32.
    compute = (torch.float32 if x.dtype in (torch.float16, torch.bfloat16)
               else x.dtype)
    result = None
    counts = [index.shape[1] for index, _ in taps]
    for combination in np.ndindex(*counts):
        index = weight = None
        skip = False
        for d, ((idx, w), t, stride) in enumerate(
                zip(taps, combination, _strides(sizes))):
            # Along output axis d, broadcast over the later ones.
            shape = (idx.shape[0],) + (1,) * (rank - 1 - d)
            part = b.dense((idx[:, t] * stride).reshape(shape), dtype)
            index = part if index is None else b.binary("add", index, part)
            skip |= not w[:, t].any()
            if (w[:, t] != 1).any():
                factor = b.dense(w[:, t].reshape(shape), compute)
                weight = factor if weight is None else b.binary(
                    "mul", weight, factor)
        # A tap no output uses adds nothing (but one term is kept).
        last = combination == tuple(c - 1 for c in counts)
        if skip and (result is not None or not last):
            continue
        term = b.cast(b.gather(flat, index, x.rank - rank), compute)
        if weight is not None:
            term = b.binary("mul", term, weight)
        result = term if result is None else b.binary("add", result, term)
    return b.cast(result, out.dtype)


for _packet in _UPSAMPLING:
    for _overload in ("default", "vec"):
        _OPS[getattr(_packet, _overload)] = _upsample(_packet)


# ===----------------------------------------------------------------------===#
# Emitters: constants
# ===----------------------------------------------------------------------===#


def _fill(value_index: int | None, value: Any = None) -> Emitter:
    """Tensors of one value (full, zeros_like, ...): a splat of the result's
    shape and dtype."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        fill = value if value_index is None else node.args[value_index]
        if not _is_number(fill):
            raise _Unsupported("the fill value must be a Python number")
        return b.splat(fill, out.dtype, out.shape)
    return emit


_OPS[aten.full.default] = _fill(1)
_OPS[aten.full_like.default] = _fill(1)
_OPS[aten.new_full.default] = _fill(2)
_OPS[aten.scalar_tensor.default] = _fill(0)
_OPS[aten.zeros.default] = _fill(None, 0)
_OPS[aten.zeros_like.default] = _fill(None, 0)
_OPS[aten.new_zeros.default] = _fill(None, 0)
_OPS[aten.ones.default] = _fill(None, 1)
_OPS[aten.ones_like.default] = _fill(None, 1)
_OPS[aten.new_ones.default] = _fill(None, 1)

_MAX_ARANGE = 1 << 16


@_register(aten.arange.default, aten.arange.start, aten.arange.start_step)
def _arange(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    if out.numel > _MAX_ARANGE:
        raise _Unsupported(f"arange of {out.numel} elements is larger than the "
                           f"{_MAX_ARANGE} Rong writes out as a constant")
    if not all(_is_number(a) for a in node.args):
        raise _Unsupported("arange bounds must be Python numbers")
    with _real_tensors():
        values = torch.arange(*node.args, dtype=out.dtype)
        if values.dtype == torch.bfloat16:
            values = values.float()
        values = values.numpy()
    return b.dense(values, out.dtype)


# ===----------------------------------------------------------------------===#
# Emitters: reductions and normalisations
# ===----------------------------------------------------------------------===#


def _reduction(op: str, dims_index: int | None, keep_index: int | None) -> Emitter:
    """sum/mean/amax/amin/prod: the input cast to the result dtype (which also
    covers the `dtype` argument), reduced over the listed axes."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        x = b.tensor(node.args[0])
        dims = _dims(None if dims_index is None else _arg(node, dims_index, "dim"),
                     x.rank)
        keep = bool(_arg(node, keep_index, "keepdim", False)) if keep_index else False
        if op == "reduce_mean":
            _require_float(out, "the result")
        if out.dtype == torch.bool:
            raise _Unsupported(f"rong.{op} does not take booleans")
        return b.reduce(op, b.cast(x, out.dtype), dims, keep)
    return emit


_OPS[aten.sum.dim_IntList] = _reduction("reduce_sum", 1, 2)
_OPS[aten.sum.default] = _reduction("reduce_sum", None, None)
_OPS[aten.mean.dim] = _reduction("reduce_mean", 1, 2)
_OPS[aten.mean.default] = _reduction("reduce_mean", None, None)
_OPS[aten.amax.default] = _reduction("reduce_max", 1, 2)
_OPS[aten.amin.default] = _reduction("reduce_min", 1, 2)
_OPS[aten.prod.dim_int] = _reduction("reduce_prod", 1, 2)
_OPS[aten.prod.default] = _reduction("reduce_prod", None, None)


def _any_all(op: str, dims_index: int | None) -> Emitter:
    """any/all: booleans as 0/1 floats (exact), reduced by max/min."""
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        x = b.tensor(node.args[0])
        dims = _dims(None if dims_index is None else _arg(node, dims_index, "dim"),
                     x.rank)
        flags = b.cast(b.to_bool(x), torch.float32)
        # The cast back follows a reduction that keeps its axes (see _var_parts).
        return b.reshape(b.to_bool(b.reduce(op, flags, dims, True)), b.out().shape)
    return emit


_OPS[aten.any.dim] = _OPS[aten.any.dims] = _any_all("reduce_max", 1)
_OPS[aten.any.default] = _any_all("reduce_max", None)
_OPS[aten.all.dim] = _OPS[aten.all.dims] = _any_all("reduce_min", 1)
_OPS[aten.all.default] = _any_all("reduce_min", None)


@_register(aten.argmax.default)
def _argmax(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    if x.dtype == torch.bool:
        raise _Unsupported("argmax of booleans is not supported")
    dim = _arg(node, 1, "dim")
    keep = bool(_arg(node, 2, "keepdim", False))
    if dim is None or x.rank == 0:
        x, dim = b.reshape(x, [x.meta.numel]), 0
    dim %= x.rank
    shape = tuple(1 if i == dim else d for i, d in enumerate(x.shape)
                  if keep or i != dim)
    result = b.emit(TensorMeta(shape, torch.int64), "rong.argmax ", x,
                    f" axis = {dim}{' keepdims' if keep else ''} : {x.type}")
    return b.reshape(result, b.out().shape)


@_register(aten.max.dim)
def _max_dim(b: _Builder, node: torch.fx.Node) -> tuple:
    x = b.tensor(node.args[0])
    if x.dtype == torch.bool:
        raise _Unsupported("max of booleans is not supported")
    dim = node.args[1] % max(x.rank, 1)
    keep = bool(_arg(node, 2, "keepdim", False))
    values = b.reduce("reduce_max", x, [dim], keep) if x.rank else x
    keeps = " keepdims" if keep else ""
    indices = b.emit(b.out(1), "rong.argmax ", x, f" axis = {dim}{keeps} : {x.type}") \
        if x.rank else _Unavailable("indices of a rank-0 max")
    return values, indices


@_register(aten.min.dim)
def _min_dim(b: _Builder, node: torch.fx.Node) -> tuple:
    x = b.tensor(node.args[0])
    if x.dtype == torch.bool:
        raise _Unsupported("min of booleans is not supported")
    dim = node.args[1] % max(x.rank, 1)
    keep = bool(_arg(node, 2, "keepdim", False))
    values = b.reduce("reduce_min", x, [dim], keep) if x.rank else x
    return values, _Unavailable("the indices of min.dim are not supported")


def _var_parts(b: _Builder, node: torch.fx.Node) -> tuple[_Value, _Value, list, bool]:
    """var(x) = sum((x - mean)^2) / (N - correction) over the dims, and the
    mean with keepdims."""
    x = b.tensor(node.args[0])
    _require_float(x)
    dims = _dims(_arg(node, 1, "dim"), x.rank)
    correction = node.kwargs.get("correction")
    correction = 1 if correction is None else correction
    keep = bool(node.kwargs.get("keepdim", False))
    count = math.prod(x.shape[d] for d in dims)
    mean = b.reduce("reduce_mean", x, dims, True)
    centered = b.binary("sub", x, mean)
    # Every step keeps the reduced axes, as the row-wise norms do; the result
    # drops them at the end when keepdim is false.
    total = b.reduce("reduce_sum", b.binary("mul", centered, centered), dims, True)
    var = b.binary("div", total, b.splat(max(count - correction, 0), x.dtype))
    return b.reshape(var, b.out(0 if isinstance(b.meta(node), tuple) else None).shape), \
        mean, dims, keep


@_register(aten.var.correction)
def _var(b: _Builder, node: torch.fx.Node) -> _Value:
    return _var_parts(b, node)[0]


@_register(aten.var_mean.correction)
def _var_mean(b: _Builder, node: torch.fx.Node) -> tuple:
    var, mean, dims, keep = _var_parts(b, node)
    return var, b.reshape(mean, var.shape) if not keep else mean


@_register(aten.linalg_vector_norm.default)
def _vector_norm(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    _require_float(out, "the result")
    x = b.cast(b.tensor(node.args[0]), out.dtype)
    order = float(_arg(node, 1, "ord", 2))
    dims = _dims(_arg(node, 2, "dim"), x.rank)
    if order == 2:
        # The square root follows a reduction that keeps its axes, as in the
        # row-wise norms; the reshape drops them.
        norm = b.unary("sqrt", b.reduce("reduce_sum", b.binary("mul", x, x), dims, True))
    elif order == 1:
        norm = b.reduce("reduce_sum", b.unary("abs", x), dims, True)
    elif order == math.inf:
        norm = b.reduce("reduce_max", b.unary("abs", x), dims, True)
    else:
        raise _Unsupported(f"ord = {order} is not supported (1, 2 and inf are)")
    return b.reshape(norm, out.shape)


def _softmax_like(op: str) -> Emitter:
    def emit(b: _Builder, node: torch.fx.Node) -> _Value:
        out = b.out()
        _require_float(out, "the result")
        x = b.cast(b.tensor(node.args[0]), out.dtype)  # half_to_float
        axis = node.args[1] % max(x.rank, 1)
        if x.rank == 0:
            raise _Unsupported("softmax of a rank-0 tensor")
        return b.emit(x.meta, f"rong.{op} ", x, f" axis = {axis} : {x.type}")
    return emit


_OPS[aten._softmax.default] = _softmax_like("softmax")
_OPS[aten._log_softmax.default] = _softmax_like("log_softmax")


@_register(aten._softmax_backward_data.default)
def _softmax_backward(b: _Builder, node: torch.fx.Node) -> _Value:
    """y * (g - sum(g * y, dim))."""
    out = b.out()
    _require_float(out, "the result")
    grad, y = b.tensor(node.args[0]), b.tensor(node.args[1])
    dim = node.args[2] % y.rank
    grad = b.cast(grad, y.dtype)
    dot = b.reduce("reduce_sum", b.binary("mul", grad, y), [dim], True)
    return b.cast(b.binary("mul", y, b.binary("sub", grad, dot)), out.dtype)


@_register(aten._log_softmax_backward_data.default)
def _log_softmax_backward(b: _Builder, node: torch.fx.Node) -> _Value:
    """g - exp(y) * sum(g, dim)."""
    out = b.out()
    _require_float(out, "the result")
    grad, y = b.tensor(node.args[0]), b.tensor(node.args[1])
    dim = node.args[2] % y.rank
    grad = b.cast(grad, y.dtype)
    total = b.reduce("reduce_sum", grad, [dim], True)
    return b.cast(b.binary("sub", grad, b.binary("mul", b.unary("exp", y), total)),
                  out.dtype)


def _used_results(node: torch.fx.Node) -> set[int]:
    """Indices of a multi-result node that its users read (any user other than
    getitem, such as the output node, reads them all)."""
    used: set[int] = set()
    for user in node.users:
        if user.target is operator.getitem:
            if user.users:  # traces keep getitems of unused results
                used.add(user.args[1])
        else:
            used.update(range(len(node.meta.get("val") or ()) or 3))
    return used


@_register(aten.native_layer_norm.default)
def _layer_norm(b: _Builder, node: torch.fx.Node) -> tuple:
    """(output, mean, rstd): rong.layer_norm for the output; the statistics,
    when read, as reductions."""
    x = b.tensor(node.args[0])
    _require_float(x)
    normalized = tuple(node.args[1])
    weight, bias, eps = node.args[2], node.args[3], float(node.args[4])
    k = len(normalized)
    if k == 0 or x.shape[x.rank - k:] != normalized:
        raise _Unsupported(f"normalized_shape {list(normalized)} does not end "
                           f"the input shape {list(x.shape)}")
    axis = x.rank - k
    scale = b.splat(1, x.dtype, normalized) if weight is None else \
        b.cast(b.tensor(weight), x.dtype)
    operands: list[Any] = ["rong.layer_norm ", x, ", ", scale]
    types = f"{x.type}, {scale.type}"
    if bias is not None:
        shift = b.cast(b.tensor(bias), x.dtype)
        operands += [", ", shift]
        types += f", {shift.type}"
    output = b.emit(x.meta, *operands,
                    f" axis = {axis} epsilon = {_float_text(eps)} : {types}")
    if not {1, 2} & _used_results(node):
        return output, None, None
    stats = b.cast(x, b.out(1).dtype)
    axes = list(range(axis, x.rank))
    mean = b.reduce("reduce_mean", stats, axes, True)
    centered = b.binary("sub", stats, mean)
    var = b.reduce("reduce_mean", b.binary("mul", centered, centered), axes, True)
    rstd = b.unary("rsqrt", b.binary("add", var, b.splat(eps, stats.dtype)))
    return output, mean, rstd


def _batch_norm_inference(b: _Builder, node: torch.fx.Node, eps: float) -> tuple:
    x = b.tensor(node.args[0])
    _require_float(x)
    if x.rank < 2:
        raise _Unsupported("batch norm needs an input of rank >= 2")
    channels = (x.shape[1],)
    params = []
    for index, fallback in ((1, 1), (2, 0), (3, None), (4, None)):
        arg = node.args[index]
        if arg is None:
            if fallback is None:
                raise _Unsupported("inference batch norm needs running statistics")
            params.append(b.splat(fallback, x.dtype, channels))
        else:
            params.append(b.cast(b.tensor(arg), x.dtype))
    parts: list[Any] = ["rong.batch_norm ", x]
    for p in params:
        parts += [", ", p]
    parts.append(f" epsilon = {_float_text(eps)} : " +
                 ", ".join(v.type for v in [x, *params]))
    saved = _Unavailable("the saved statistics of batch norm are not produced")
    return b.emit(x.meta, *parts), saved, saved


@_register(aten._native_batch_norm_legit_no_training.default)
def _batch_norm_no_training(b: _Builder, node: torch.fx.Node) -> tuple:
    return _batch_norm_inference(b, node, float(node.args[6]))


@_register(aten._native_batch_norm_legit.default, aten.native_batch_norm.default)
def _batch_norm(b: _Builder, node: torch.fx.Node) -> tuple:
    if node.args[5]:
        raise _Unsupported("training-mode batch norm (batch statistics) is not "
                           "supported")
    return _batch_norm_inference(b, node, float(node.args[7]))


@_register(aten.native_dropout.default)
def _native_dropout(b: _Builder, node: torch.fx.Node) -> tuple:
    x = b.tensor(node.args[0])
    p, train = node.args[1], _arg(node, 2, "train")
    if p != 0 and train is not False:
        raise _Unsupported(f"dropout with p = {p} in training mode is random; "
                           "only p = 0 or train = False is supported")
    return x, b.splat(True, torch.bool, x.shape)


# ===----------------------------------------------------------------------===#
# Emitters: contractions and windows
# ===----------------------------------------------------------------------===#


@_register(aten.mm.default, aten.bmm.default, aten.matmul.default)
def _mm(b: _Builder, node: torch.fx.Node) -> _Value:
    out = b.out()
    if out.dtype == torch.bool:
        raise _Unsupported("boolean matmul is not supported")
    return b.matmul(b.cast(b.tensor(node.args[0]), out.dtype),
                    b.cast(b.tensor(node.args[1]), out.dtype))


@_register(aten.addmm.default)
def _addmm(b: _Builder, node: torch.fx.Node) -> _Value:
    """beta * bias + alpha * (a @ b), as the ONNX importer builds Gemm."""
    out = b.out()
    if out.dtype == torch.bool:
        raise _Unsupported("boolean matmul is not supported")
    bias = b.cast(b.tensor(node.args[0]), out.dtype)
    product = b.matmul(b.cast(b.tensor(node.args[1]), out.dtype),
                       b.cast(b.tensor(node.args[2]), out.dtype))
    beta, alpha = node.kwargs.get("beta", 1), node.kwargs.get("alpha", 1)
    if alpha != 1:
        product = b.binary("mul", product, b.splat(alpha, out.dtype))
    if beta == 0:
        return b.broadcast_to(product, out.shape)
    if beta != 1:
        bias = b.binary("mul", bias, b.splat(beta, out.dtype))
    return b.binary("add", product, bias)


@_register(aten.linear.default)
def _linear(b: _Builder, node: torch.fx.Node) -> _Value:
    x, weight = b.tensor(node.args[0]), b.tensor(node.args[1])
    bias = _arg(node, 2, "bias")
    if weight.rank != 2:
        raise _Unsupported("the weight must be a matrix")
    result = b.matmul(x, b.transpose(weight, [1, 0]))
    return result if bias is None else b.binary("add", result, b.tensor(bias))


@_register(aten.convolution.default)
def _convolution(b: _Builder, node: torch.fx.Node) -> _Value:
    """2-D convolution, plain or transposed; 1-D as a 2-D one of height 1."""
    x, weight = b.tensor(node.args[0]), b.tensor(node.args[1])
    bias = node.args[2]
    stride, padding, dilation = node.args[3], node.args[4], node.args[5]
    transposed, output_padding, groups = node.args[6], node.args[7], node.args[8]
    one_d = _conv_input(x)
    if one_d:
        x, weight = _lift_1d(b, x), _lift_1d(b, weight)
        output_padding = [0, output_padding[0]] if output_padding else []
    stride, padding, dilation = _conv_window(stride, padding, dilation, one_d)
    kh, kw = weight.shape[2:]
    if transposed:
        # PyTorch's conv_transpose: the full result, less `padding` on both
        # sides, plus `output_padding` at the end (a negative end pad).
        extra = _pair(output_padding or 0, "output_padding")
        op, pads = "rong.conv_transpose2d ", padding + [
            padding[0] - extra[0], padding[1] - extra[1]]
        channels = weight.shape[1] * int(groups)
        oh, ow = ((x.shape[2 + i] - 1) * stride[i] + dilation[i] * (k - 1) + 1
                  - pads[i] - pads[2 + i] for i, k in enumerate((kh, kw)))
    else:
        op, pads, channels = "rong.conv2d ", padding + padding, weight.shape[0]
        oh, ow = ((x.shape[2 + i] + 2 * padding[i] - dilation[i] * (k - 1) - 1)
                  // stride[i] + 1 for i, k in enumerate((kh, kw)))
    result = _emit_conv(b, op, x, weight, None if bias is None else b.tensor(bias),
                        stride, pads, dilation, int(groups),
                        (x.shape[0], channels, oh, ow))
    return b.reshape(result, b.out().shape) if one_d else result


def _conv_input(x: _Value) -> bool:
    """Checks a convolution's input (float, N x C x W or N x C x H x W);
    True for 1-D, which runs as 2-D over a unit row."""
    _require_float(x)
    if x.rank not in (3, 4):
        raise _Unsupported(f"only 1-D and 2-D convolutions are supported, got an "
                           f"input of rank {x.rank}")
    return x.rank == 3


def _lift_1d(b: _Builder, v: _Value) -> _Value:
    """[A, B, W] -> [A, B, 1, W]."""
    return b.reshape(v, v.shape[:2] + (1,) + v.shape[2:])


def _conv_window(stride: Any, padding: Any, dilation: Any,
                 one_d: bool) -> tuple[list, list, list]:
    """A convolution's stride, padding and dilation as pairs (the unit row
    of a 1-D one first)."""
    if one_d:
        stride, padding, dilation = [1, stride[0]], [0, padding[0]], [1, dilation[0]]
    return (_pair(stride, "stride"), _pair(padding, "padding"),
            _pair(dilation, "dilation"))


def _emit_conv(b: _Builder, op: str, x: _Value, weight: _Value,
               bias: _Value | None, stride: list, pads: list, dilation: list,
               groups: int, shape: tuple) -> _Value:
    """One rong.conv2d or rong.conv_transpose2d (`op`) with result `shape`."""
    parts: list[Any] = [op, x, ", ", weight]
    types = f"{x.type}, {weight.type}"
    if bias is not None:
        parts += [", ", bias]
        types += f", {bias.type}"
    parts.append(f" strides = {_ints(stride)} pads = {_ints(pads)} "
                 f"dilations = {_ints(dilation)} groups = {groups} : {types}")
    return b.emit(TensorMeta(shape, x.dtype), *parts)


def _weight_gradient(b: _Builder, data: _Value, spread: _Value, stride: list,
                     padding: list, dilation: list, groups: int,
                     kernel: Sequence[int]) -> _Value:
    """The weight gradient [Cs, Cd/g, kH, kW] of a window that reads `data`
    ([N, Cd, H, W]) at i * stride - padding + k * dilation and spreads it
    into `spread` ([N, Cs, OH, OW]): dW[s, j] sums over the batch of data
    channel group(s) * Cd/g + j correlated with spread channel s. That is a
    convolution with the batch as the channels and Cd/g as the batch, stride
    and dilation swapping roles, sliced to the kernel (taps past it come
    from rows the stride left unread)."""
    n, channels, h, w = data.shape
    per_group = channels // groups
    grouped = b.reshape(data, (n, groups, per_group, h, w))
    grouped = b.reshape(b.transpose(grouped, [2, 1, 0, 3, 4]),
                        (per_group, groups * n, h, w))
    filters = b.transpose(spread, [1, 0, 2, 3])
    size = [(data.shape[2 + i] + 2 * padding[i]
             - stride[i] * (spread.shape[2 + i] - 1) - 1) // dilation[i] + 1
            for i in range(2)]
    result = _emit_conv(b, "rong.conv2d ", grouped, filters, None, dilation,
                        padding + padding, stride, groups,
                        (per_group, spread.shape[1], *size))
    for axis in (2, 3):
        if size[axis - 2] != kernel[axis - 2]:
            result = b.slice(result, axis, 0, kernel[axis - 2], 1)
    return b.transpose(result, [1, 0, 2, 3])


@_register(aten.convolution_backward.default)
def _convolution_backward(b: _Builder, node: torch.fx.Node) -> tuple:
    """The gradients of a 2-D (or 1-D) convolution, plain or transposed,
    each when asked for. Plain: the input's is a transposed convolution of
    the output gradient; transposed: a plain convolution of it. The weight's
    is a convolution of whichever side the window reads by the side it
    spreads into (`_weight_gradient`); the bias's is a sum."""
    (grad_arg, x_arg, weight_arg, _, stride, padding, dilation, transposed,
     output_padding, groups, mask) = node.args
    grad, x, weight = (b.tensor(a) for a in (grad_arg, x_arg, weight_arg))
    one_d = _conv_input(x)
    if one_d:
        grad, x, weight = (_lift_1d(b, v) for v in (grad, x, weight))
    stride, padding, dilation = _conv_window(stride, padding, dilation, one_d)
    groups, kernel = int(groups), weight.shape[2:]
    results: list[Any] = [None, None, None]
    if mask[0] and transposed:
        # The forward spread x into grad; reading grad back is a convolution
        # (output_padding's rows are past its last window).
        size = tuple((grad.shape[2 + i] + 2 * padding[i] - dilation[i] * (k - 1)
                      - 1) // stride[i] + 1 for i, k in enumerate(kernel))
        if size != x.shape[2:]:
            raise _Unsupported(f"output_padding {list(output_padding)} reaches "
                               f"past the stride")
        results[0] = _emit_conv(b, "rong.conv2d ", grad, weight, None, stride,
                                padding + padding, dilation, groups, x.shape)
    elif mask[0]:
        # The rows and columns the forward's floor division left unread get
        # no gradient: a smaller end pad extends the result over them.
        extra = [(x.shape[2 + i] + 2 * padding[i] - dilation[i] * (k - 1) - 1)
                 % stride[i] for i, k in enumerate(kernel)]
        pads = padding + [padding[0] - extra[0], padding[1] - extra[1]]
        results[0] = _emit_conv(b, "rong.conv_transpose2d ", grad, weight, None,
                                stride, pads, dilation, groups, x.shape)
    if mask[1]:
        data, spread = (grad, x) if transposed else (x, grad)
        results[1] = _weight_gradient(b, data, spread, stride, padding, dilation,
                                      groups, kernel)
    if mask[2]:
        results[2] = b.reduce("reduce_sum", grad, [0, 2, 3], False)
    if one_d:
        results = [r if r is None else b.reshape(r, b.out(i).shape)
                   for i, r in enumerate(results[:2])] + results[2:]
    return tuple(results)


def _pool_input(b: _Builder, node: torch.fx.Node) -> _Value:
    x = b.tensor(node.args[0])
    if x.rank == 3:
        return b.reshape(x, (1,) + x.shape)
    if x.rank != 4:
        raise _Unsupported(f"2-D pooling needs an input of rank 3 or 4, got {x.rank}")
    return x


def _pool_window(node: torch.fx.Node) -> tuple[list, list, list]:
    kernel = _pair(node.args[1], "kernel_size")
    stride = _arg(node, 2, "stride", [])
    stride = kernel if not stride else _pair(stride, "stride")
    padding = _pair(_arg(node, 3, "padding", 0), "padding")
    return kernel, stride, padding + padding


@_register(aten.max_pool2d_with_indices.default, aten.max_pool2d.default)
def _max_pool(b: _Builder, node: torch.fx.Node) -> Any:
    x = _pool_input(b, node)
    kernel, stride, pads = _pool_window(node)
    dilation = _pair(_arg(node, 4, "dilation", 1), "dilation")
    ceil = bool(_arg(node, 5, "ceil_mode", False))
    out = b.out(0 if node.target is aten.max_pool2d_with_indices.default else None)
    shape = out.shape if out.rank == 4 else (1,) + out.shape
    result = b.emit(TensorMeta(shape, x.dtype), "rong.max_pool2d ", x,
                    f" kernel = {_ints(kernel)} strides = {_ints(stride)} "
                    f"pads = {_ints(pads)} dilations = {_ints(dilation)}"
                    f"{' ceil_mode' if ceil else ''} : {x.type}")
    result = b.reshape(result, out.shape)
    if node.target is aten.max_pool2d.default:
        return result
    return result, _Unavailable("the indices of max pooling are not produced")


@_register(aten.avg_pool2d.default)
def _avg_pool(b: _Builder, node: torch.fx.Node) -> _Value:
    x = _pool_input(b, node)
    _require_float(x)
    kernel, stride, pads = _pool_window(node)
    ceil = bool(_arg(node, 4, "ceil_mode", False))
    include_pad = bool(_arg(node, 5, "count_include_pad", True))
    if _arg(node, 6, "divisor_override") is not None:
        raise _Unsupported("divisor_override is not supported")
    out = b.out()
    shape = out.shape if out.rank == 4 else (1,) + out.shape
    flags = (" ceil_mode" if ceil else "") + (" count_include_pad" if include_pad else "")
    result = b.emit(TensorMeta(shape, x.dtype), "rong.avg_pool2d ", x,
                    f" kernel = {_ints(kernel)} strides = {_ints(stride)} "
                    f"pads = {_ints(pads)}{flags} : {x.type}")
    return b.reshape(result, out.shape)


@_register(aten._adaptive_avg_pool2d.default)
def _adaptive_avg_pool(b: _Builder, node: torch.fx.Node) -> _Value:
    """A mean over H and W for a 1x1 output, else an average pool whose
    window tiles the input exactly."""
    x = _pool_input(b, node)
    _require_float(x)
    out = b.out()
    h, w = x.shape[2:]
    size = node.args[1]
    size = [size] if isinstance(size, int) else list(size)
    size = size * 2 if len(size) == 1 else size
    oh, ow = (h if size[0] is None else size[0]), (w if size[1] is None else size[1])
    if (oh, ow) == (1, 1):
        return b.reshape(b.reduce("reduce_mean", x, [2, 3], True), out.shape)
    if h % oh or w % ow:
        raise _Unsupported(f"an output of {oh}x{ow} does not tile an input of {h}x{w}")
    kernel = [h // oh, w // ow]
    result = b.emit(TensorMeta(x.shape[:2] + (oh, ow), x.dtype), "rong.avg_pool2d ", x,
                    f" kernel = {_ints(kernel)} strides = {_ints(kernel)} "
                    f"pads = [0, 0, 0, 0] : {x.type}")
    return b.reshape(result, out.shape)


# ===----------------------------------------------------------------------===#
# Emitters: graph plumbing
# ===----------------------------------------------------------------------===#


@_register(operator.getitem)
def _getitem(b: _Builder, node: torch.fx.Node) -> Any:
    source, index = node.args
    if b.check and source not in b.values and source.op == "call_function":
        # Which results exist depends on the source's emitter: run it too.
        current = b.node
        b.values[source] = _emit_node(b, source)
        b.node = current
    values = b.value(source)
    if not isinstance(values, (tuple, list)):
        raise _Unsupported(f"getitem on '{source.name}', which has one result")
    value = values[index]
    if isinstance(value, _Unavailable):
        raise _Unsupported(f"result {index} of '{source.name}': {value.reason}")
    if value is None:
        raise AssertionError(f"result {index} of '{source.name}' was not emitted")
    return value


@_register(aten._assert_tensor_metadata.default)
def _assertion(b: _Builder, node: torch.fx.Node) -> None:
    return None


_NO_RESULT = {aten._assert_tensor_metadata.default}


# ===----------------------------------------------------------------------===#
# Driver
# ===----------------------------------------------------------------------===#


def _emit_node(b: _Builder, node: torch.fx.Node) -> Any:
    """Runs the emitter of `node`, checks the dtypes and shapes it meets and
    produces, and names its result after the node."""
    emitter = _OPS.get(node.target)
    if emitter is None:
        raise UnsupportedOpError(node.name, node.target,
                                 "Rong has no lowering for this op")
    b.node = node
    b._count = 0
    first_line = len(b.lines)
    try:
        meta = b.meta(node)
        if node.target not in _NO_RESULT:
            for m in (meta if isinstance(meta, tuple) else (meta,)):
                if m is not None and not isinstance(m, TensorMeta):
                    raise _Unsupported(f"a result is not a tensor ({m.what})")
                if m is not None:
                    _check_tensor(m, "the result")
        result = emitter(b, node)
        _check_result(node, meta, result)
    except _Unsupported as error:
        raise UnsupportedOpError(node.name, node.target, str(error)) from None
    finally:
        b.node = None
    # The node's own value takes its name, and so does a result that getitem
    # picks out of a multi-result node.
    if isinstance(result, _Value) and result.kind == "op" and (
            any(line[0] is result for line in b.lines[first_line:]) or
            (node.target is operator.getitem and
             result.name.startswith(f"{node.args[0].name}."))):
        b.names.discard(result.name)
        result.name = b.unique(node.name)
    return result


def _check_result(node: torch.fx.Node, meta: Any, result: Any) -> None:
    """The emitted value must have the shape and dtype the graph records."""
    pairs = []
    if isinstance(result, _Value):
        pairs.append((meta, result))
    elif isinstance(result, (tuple, list)) and isinstance(meta, tuple):
        pairs.extend(zip(meta, result))
    for want, got in pairs:
        if isinstance(got, _Value) and isinstance(want, TensorMeta) and \
                (tuple(got.shape) != tuple(want.shape) or got.dtype != want.dtype):
            raise _Unsupported(f"internal error: emitted {got.type} where the graph "
                               f"has {want.mlir_type}")


def supported_targets() -> list[str]:
    """The names of the ATen overloads (and FX builtins) Rong imports."""
    return sorted(_target_name(t) for t in _OPS)


def is_supported(node: torch.fx.Node, example_inputs: dict | None = None
                 ) -> tuple[bool, str]:
    """Whether Rong can import `node`, and why not. The node's emitter runs on
    a scratch builder, so the answer is exactly what `import_graph` would do.
    `example_inputs` maps placeholder names to tensors for graphs whose
    placeholders lack `node.meta["val"]`."""
    metas = _Metas(example_inputs)
    if node.op in ("placeholder", "get_attr"):
        try:
            meta = metas.get(node) if node.op == "placeholder" else _to_meta(
                _get_attr(node.graph.owning_module, node.target))
            if not isinstance(meta, TensorMeta):
                return False, f"'{node.name}' is not a tensor"
            _check_tensor(meta, f"'{node.name}'")
        except (_Unsupported, AttributeError) as error:
            return False, str(error)
        return True, ""
    if node.op == "output":
        return True, ""
    if node.op != "call_function":
        return False, f"{node.op} nodes are not supported"
    try:
        _emit_node(_Builder(metas, check=True), node)
    except UnsupportedOpError as error:
        return False, error.reason
    return True, ""


def _get_attr(module: torch.nn.Module | None, target: str) -> Any:
    if module is None:
        raise AttributeError(f"no module holds attribute '{target}'")
    value = module
    for part in target.split("."):
        value = getattr(value, part)
    return value


def _live_nodes(output: torch.fx.Node | None) -> set[torch.fx.Node]:
    """The nodes the output depends on: traces keep dead nodes (getitems of
    unused results, say), which need not be importable."""
    live: set[torch.fx.Node] = set()
    work = [output] if output is not None else []
    while work:
        node = work.pop()
        if node in live:
            continue
        live.add(node)
        work.extend(node.all_input_nodes)
    return live


def _flatten_outputs(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flatten_outputs(item)]
    return [value]


def _resource_array(tensor: torch.Tensor) -> np.ndarray:
    tensor = tensor.detach().to("cpu").contiguous()
    if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16: keep the bits
        return tensor.view(torch.int16).numpy().view(np.uint16).copy()
    return tensor.numpy().copy()


def import_graph(gm: torch.fx.GraphModule, example_inputs: Sequence | None = None,
                 *, constants: dict[str, torch.Tensor] | None = None,
                 func_name: str = "main") -> ImportedGraph:
    """Imports an FX graph of ATen ops as one `func.func @func_name`.

    Placeholders named in `constants` become `dense_resource` constants whose
    data goes to `ImportedGraph.resources`; the others become the function's
    arguments, in graph order. `example_inputs` stand in for placeholders that
    lack shape metadata: either one per placeholder or one per argument.
    Raises UnsupportedOpError for the first node Rong cannot import.
    """
    constants = dict(constants or {})
    graph = gm.graph
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    arguments = [n for n in placeholders if n.name not in constants]
    examples: dict[str, Any] = {}
    if example_inputs is not None:
        example_inputs = list(example_inputs)
        aligned = placeholders if len(example_inputs) == len(placeholders) else arguments
        examples = {n.name: x for n, x in zip(aligned, example_inputs)}
    for name, tensor in constants.items():
        examples.setdefault(name, tensor)
    b = _Builder(_Metas(examples))

    # Placeholders: arguments and resources.
    resources: dict[str, np.ndarray] = {}
    signature, input_meta = [], []
    for node in placeholders:
        try:
            if node.name in constants:
                tensor = constants[node.name]
                meta = _to_meta(tensor)
                _check_tensor(meta, "the constant")
                if node.users:
                    b.values[node] = _resource(b, node.name, tensor, resources)
                continue
            meta = b.meta(node)
            if not isinstance(meta, TensorMeta):
                raise _Unsupported("the input is not a tensor")
            _check_tensor(meta, "the input")
        except _Unsupported as error:
            raise UnsupportedOpError(node.name, "placeholder", str(error)) from None
        value = _Value(b.unique(node.name), meta, kind="arg", index=len(signature))
        b.values[node] = value
        signature.append(value)
        input_meta.append(meta)

    output_node = next((n for n in graph.nodes if n.op == "output"), None)
    live = _live_nodes(output_node)
    for node in graph.nodes:
        if node.op in ("placeholder", "output") or node not in live:
            continue
        if node.op == "get_attr":
            attr = _get_attr(gm, node.target)
            if not isinstance(attr, torch.Tensor):
                raise UnsupportedOpError(node.name, "get_attr",
                                         "only tensor attributes are supported")
            try:
                _check_tensor(_to_meta(attr), "the attribute")
            except _Unsupported as error:
                raise UnsupportedOpError(node.name, "get_attr", str(error)) from None
            b.values[node] = _resource(b, node.target, attr, resources)
            continue
        if node.op != "call_function":
            raise UnsupportedOpError(node.name, node.target,
                                     f"{node.op} nodes are not supported")
        b.values[node] = _emit_node(b, node)

    # Outputs: distinct computed values become the function's results.
    outputs: list[GraphOutput] = []
    results: list[_Value] = []
    flat = _flatten_outputs(output_node.args[0]) if output_node is not None else []
    for item in flat:
        if item is None:
            outputs.append(GraphOutput("none"))
        elif not isinstance(item, torch.fx.Node):
            outputs.append(GraphOutput("constant", value=item))
        else:
            value = b.values.get(item)
            if not isinstance(value, _Value):
                raise UnsupportedOpError(item.name, item.target,
                                         "the graph returns a value that is not a tensor")
            if value.kind == "arg":
                outputs.append(GraphOutput("input", index=value.index,
                                           name=arguments[value.index].name))
            elif value.kind == "resource":
                outputs.append(GraphOutput("constant", name=value.origin,
                                           value=value.tensor))
            else:
                if value not in results:
                    results.append(value)
                outputs.append(GraphOutput("result", index=results.index(value)))

    args_text = ", ".join(f"%{v.name}: {v.type}" for v in signature)
    result_types = ", ".join(v.type for v in results)
    lines = [f"func.func @{func_name}({args_text}) -> ({result_types}) {{"]
    lines += ["  " + line for line in b.render()]
    if results:
        lines.append("  return " + ", ".join(f"%{v.name}" for v in results) +
                     f" : {result_types}")
    else:
        lines.append("  return")
    lines.append("}")
    return ImportedGraph(
        text="\n".join(lines) + "\n",
        resources=resources,
        input_nodes=[n.name for n in arguments],
        input_meta=input_meta,
        outputs=outputs,
        output_meta=[v.meta for v in results],
        func_name=func_name,
    )


def _resource(b: _Builder, name: str, tensor: torch.Tensor,
              resources: dict[str, np.ndarray]) -> _Value:
    """A `dense_resource` constant for a weight; its bytes go to `resources`."""
    key = re.sub(r"[^A-Za-z0-9_.]", "_", name)
    if not key or key[0].isdigit():
        key = "r_" + key
    base, k = key, 1
    while key in resources:
        key, k = f"{base}_{k}", k + 1
    resources[key] = _resource_array(tensor)
    meta = _to_meta(tensor)
    value = _Value(b.unique(name), meta, kind="resource", key=key)
    value.tensor, value.origin = tensor, name
    b.lines.append([value, f" = rong.constant dense_resource<{key}> : {meta.mlir_type}"
                           f' loc("{name}")'])
    return value


def decompositions(table: dict | None = None) -> dict:
    """`table` (torch.export's default decompositions when None) without the
    upsampling ops Rong imports whole: their taps are then computed at
    compile time, where the decompositions would compute them at run time
    with index arithmetic (bicubic, nearest-exact, antialiasing)."""
    if table is None:
        table = torch.export.default_decompositions()
    for op in list(table):
        if getattr(op, "overloadpacket", None) in _UPSAMPLING:
            table.pop(op)
    return table


def import_exported_program(ep: "torch.export.ExportedProgram", *,
                            func_name: str = "main") -> ImportedGraph:
    """Imports an ExportedProgram (run `run_decompositions()` first, with
    `decompositions()` to keep the upsampling ops whole): its
    parameters, buffers and lifted constants become resources, its user inputs
    the function's arguments."""
    state = dict(ep.state_dict)
    state.update(ep.constants)
    sig = ep.graph_signature
    names = {}
    names.update(sig.inputs_to_parameters)
    names.update(sig.inputs_to_buffers)
    names.update(getattr(sig, "inputs_to_lifted_tensor_constants", {}))
    constants = {}
    for placeholder, target in names.items():
        tensor = state[target]
        if not isinstance(tensor, torch.Tensor):
            continue
        constants[placeholder] = tensor
    return import_graph(ep.graph_module, constants=constants, func_name=func_name)
