"""The `torch.compile` backend named "rong".

`torch.compile(model, backend="rong")` hands Rong the graphs TorchDynamo
captures. AOTAutograd turns each into a forward graph and, when gradients are
needed, a backward graph, both in core ATen ops. Each of them is partitioned:
the maximal groups of nodes the FX importer supports are compiled into Rong
artifacts (fused kernels), and the other nodes stay in the graph and run
eagerly between them. One log line per graph names the ops left to eager.

The backend is registered under the `torch_dynamo_backends` entry point (so
it needs no import once Rong is installed) and again when `rong` is imported.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import threading
from typing import Any, Sequence

import torch

from . import fx_importer
from ._rong_runtime import CompileError
from .compiler import CompiledModel, compiler_module, run_torch

log = logging.getLogger("rong")

# Nodes that move no data: a partition made of them only is not worth a call.
_FREE_OPS = {
    "aten.view.default", "aten._unsafe_view.default", "aten.reshape.default",
    "aten.alias.default", "aten.detach.default", "aten.squeeze.dim",
    "aten.squeeze.dims", "aten.unsqueeze.default", "aten.t.default",
    "aten.permute.default", "aten.expand.default", "aten.transpose.int",
    "<built-in function getitem>",
}


class BackendStats:
    """What the backend did in this process (tests read it)."""

    def __init__(self):
        self.graphs = 0
        self.partitions = 0
        self.kernels = 0
        self.eager_ops: collections.Counter = collections.Counter()
        self.compile_failures: list[str] = []

    def reset(self):
        self.__init__()


stats = BackendStats()

_cache: dict[str, CompiledModel] = {}
_cache_lock = threading.Lock()


class _Support(torch.fx.passes.operator_support.OperatorSupportBase):
    def __init__(self):
        self.rejected: dict[str, str] = {}

    def is_node_supported(self, submodules, node) -> bool:
        if node.op != "call_function":
            return False
        ok, why = fx_importer.is_supported(node)
        if ok:
            ok, why = _on_cpu(node)
        if not ok:
            self.rejected.setdefault(str(node.target), why)
        return ok


def _on_cpu(node) -> tuple[bool, str]:
    values = node.meta.get("val")
    values = values if isinstance(values, (tuple, list)) else [values]
    for value in values:
        if isinstance(value, torch.Tensor) and value.device.type != "cpu":
            return False, f"runs on {value.device}, Rong's runtime here is the CPU"
    return True, ""


class Config:
    """Switches of the backend.

    `check`: every call of a compiled partition also runs the partition's
    ATen graph eagerly and raises `PartitionMismatch` if an output differs
    beyond the dtype's tolerance (slow; for finding miscompiles).
    """

    check = False


config = Config()


class PartitionMismatch(AssertionError):
    pass


_CHECK_TOLERANCE = {torch.float32: (1e-4, 1e-5), torch.float16: (1e-2, 1e-3),
                    torch.bfloat16: (2e-2, 1e-2)}


class RongSubgraph(torch.nn.Module):
    """A partition of the graph compiled by Rong; calls run its artifact."""

    def __init__(self, compiled: CompiledModel, sources, num_outputs: int,
                 single: bool, reference: torch.fx.GraphModule | None = None,
                 text: str = ""):
        super().__init__()
        self.compiled = compiled
        self.sources = sources
        self.num_outputs = num_outputs
        self.single = single
        self.reference = reference
        self.text = text

    def forward(self, *args):
        out = self._run(*args)
        if config.check and self.reference is not None:
            self._check(args, out)
        return out

    def _check(self, args, out):
        expected = self.reference(*args)
        got = (out,) if self.single else out
        want = (expected,) if self.single else tuple(expected)
        for i, (a, b) in enumerate(zip(got, want)):
            if not isinstance(a, torch.Tensor):
                continue
            rtol, atol = _CHECK_TOLERANCE.get(b.dtype, (0, 0))
            if not torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
                diff = (a.double() - b.double()).abs().max().item()
                raise PartitionMismatch(
                    f"rong: output {i} of a compiled partition differs from "
                    f"eager by {diff:.3g}\npartition graph:\n"
                    f"{self.reference.graph}\nRong IR:\n{self.text}")

    def _run(self, *args):
        results = run_torch(self.compiled.session, args)
        values = []
        for src in self.sources:
            if src.kind == "result":
                values.append(results[src.index])
            elif src.kind == "input":
                values.append(args[src.index])
            elif src.kind == "constant":
                values.append(src.value)
            else:
                values.append(None)
        return values[0] if self.single else tuple(values)


def _fill_placeholder_meta(sub: torch.fx.GraphModule, call: torch.fx.Node):
    """Copies the values the caller passes into the submodule's placeholders
    where the fuser left them without metadata."""
    placeholders = [n for n in sub.graph.nodes if n.op == "placeholder"]
    for ph, arg in zip(placeholders, call.args):
        if "val" not in ph.meta and isinstance(arg, torch.fx.Node):
            if "val" in arg.meta:
                ph.meta["val"] = arg.meta["val"]


def _example_values(sub: torch.fx.GraphModule):
    return [n.meta.get("val") for n in sub.graph.nodes if n.op == "placeholder"]


def _compile_partition(sub: torch.fx.GraphModule) -> RongSubgraph:
    from .compiler import _output_sources

    graph = fx_importer.import_graph(sub, _example_values(sub))
    key = hashlib.sha256(graph.text.encode()).hexdigest()
    with _cache_lock:
        compiled = _cache.get(key)
    if compiled is None:
        result = compiler_module().compile_mlir(
            graph.text, resources=graph.resources,
            source_name="torch.compile partition")
        compiled = CompiledModel(result.artifact, steps=result.steps)
        compiled.session  # opened now, while the graph is being compiled
        with _cache_lock:
            _cache[key] = compiled
    sources = _output_sources(graph)
    output_node = next(n for n in sub.graph.nodes if n.op == "output")
    single = not isinstance(output_node.args[0], (tuple, list))
    stats.kernels += compiled.kernel_count()
    return RongSubgraph(compiled, sources, len(sources), single,
                        reference=sub, text=graph.text)


def compile_graph(gm: torch.fx.GraphModule,
                  example_inputs: Sequence[Any]) -> torch.fx.GraphModule:
    """Partitions an ATen graph into Rong-compiled subgraphs and eager ops;
    returns a GraphModule that runs it."""
    from torch.fx.passes.infra.partitioner import CapabilityBasedPartitioner

    stats.graphs += 1
    support = _Support()
    partitioner = CapabilityBasedPartitioner(
        gm, support, allows_single_node_partition=True)
    partitions = [p for p in partitioner.propose_partitions()
                  if any(str(n.target) not in _FREE_OPS for n in p.nodes)]
    fused = partitioner.fuse_partitions(partitions)

    compiled_count = 0
    for node in list(fused.graph.nodes):
        if node.op != "call_module":
            continue
        sub = getattr(fused, node.target)
        _fill_placeholder_meta(sub, node)
        try:
            module = _compile_partition(sub)
        except (CompileError, fx_importer.UnsupportedOpError) as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            stats.compile_failures.append(str(err))
            log.warning("rong: a partition of %d ops runs eagerly, Rong could "
                        "not compile it: %s", _count_calls(sub), first)
            continue
        setattr(fused, node.target, module)
        compiled_count += 1
    fused.recompile()
    stats.partitions += compiled_count

    eager = collections.Counter(
        str(n.target) for n in fused.graph.nodes
        if n.op == "call_function" and str(n.target) not in _FREE_OPS)
    stats.eager_ops.update(eager)
    if eager:
        listing = ", ".join(
            f"{op} x{count}" + (f" ({support.rejected[op]})"
                                if op in support.rejected else "")
            for op, count in sorted(eager.items()))
        log.info("rong: %d partition(s) compiled; ops run eagerly: %s",
                 compiled_count, listing)
    else:
        log.info("rong: %d partition(s) compiled; no ops run eagerly",
                 compiled_count)
    return fused


def _count_calls(gm) -> int:
    return sum(1 for n in gm.graph.nodes if n.op == "call_function")


def _boxed(gm, example_inputs):
    from functorch.compile import make_boxed_func
    return make_boxed_func(compile_graph(gm, example_inputs).forward)


def _decompositions():
    from torch._decomp import core_aten_decompositions, get_decompositions
    # Upsampling stays whole: Rong computes its taps at compile time.
    table = fx_importer.decompositions(core_aten_decompositions())
    # Training-mode batch norm as its parts (var_mean over N, H and W, the
    # normalisation, the running-statistics update), which Rong fuses: the
    # core table keeps it as one op, which would run eagerly.
    table.update(get_decompositions(
        [torch.ops.aten._native_batch_norm_legit_functional]))
    return table


def rong_backend(gm: torch.fx.GraphModule, example_inputs, **kwargs):
    """The `torch.compile` backend: AOTAutograd with Rong compiling the
    forward, backward and inference graphs."""
    from torch._dynamo.backends.common import aot_autograd

    from torch.nn.attention import SDPBackend, sdpa_kernel

    backend = aot_autograd(fw_compiler=_boxed, bw_compiler=_boxed,
                           decompositions=_decompositions())
    # Attention is traced as its math (matmuls and a softmax), which Rong
    # fuses and differentiates like any other ops. Tracing the CPU flash
    # kernel instead would keep its backward as one opaque op, and the core
    # decomposition of its forward does not produce the statistics that
    # backward op reads (gradients come out wrong).
    with sdpa_kernel(SDPBackend.MATH):
        return backend(gm, example_inputs, **kwargs)


def register() -> None:
    """Registers the backend with TorchDynamo under the name "rong" (a no-op
    when the entry point already did)."""
    from torch._dynamo import list_backends, register_backend
    if "rong" not in list_backends(exclude_tags=()):
        register_backend(rong_backend, name="rong")
