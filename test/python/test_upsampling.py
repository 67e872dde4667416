"""Upsampling and multi-tensor indexing from PyTorch (python/rong/
fx_importer.py). F.interpolate exports as aten.upsample_* (nearest, linear,
bilinear, trilinear; bicubic, nearest-exact and antialiasing arrive as index
arithmetic and aten.index with several index tensors). Rong reads each
axis's source indices and weights off PyTorch's own kernels, flattens the
spatial axes and gathers by constant index tables; the results are compared
with PyTorch eager, and a feature pyramid's upsample + add is one kernel.
"""

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import rong_tools
from rong import fx_importer
from test_fx_importer import assert_matches, check_exported, execute, export

pytestmark = pytest.mark.filterwarnings("ignore:.*LeafSpec:FutureWarning")


class Interpolate(nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        self.kwargs = kwargs

    def forward(self, x):
        return F.interpolate(x, **self.kwargs) * 2 + 1


# name -> (input shape, F.interpolate arguments).
CASES = {
    "nearest_2x": ([2, 3, 6, 7], dict(scale_factor=2)),
    "nearest_1p5": ([2, 3, 6, 7], dict(scale_factor=1.5)),
    "nearest_size": ([1, 2, 6, 7], dict(size=(5, 13))),
    "nearest_exact": ([1, 2, 6, 7], dict(scale_factor=2.5,
                                        mode="nearest-exact")),
    "nearest_1d": ([2, 3, 7], dict(scale_factor=2)),
    "nearest_3d": ([1, 2, 3, 4, 5], dict(scale_factor=2)),
    "linear_1d": ([2, 3, 7], dict(scale_factor=3, mode="linear")),
    "bilinear_2x": ([2, 3, 6, 7], dict(scale_factor=2, mode="bilinear")),
    "bilinear_align_corners": ([1, 2, 6, 7], dict(
        size=(9, 11), mode="bilinear", align_corners=True)),
    "bilinear_antialias_down": ([1, 2, 12, 10], dict(
        scale_factor=0.5, mode="bilinear", antialias=True)),
    "trilinear": ([1, 2, 3, 4, 5], dict(scale_factor=2, mode="trilinear")),
    "bicubic_2x": ([1, 2, 6, 7], dict(scale_factor=2, mode="bicubic")),
    "bicubic_align_corners": ([1, 2, 6, 7], dict(
        size=(7, 5), mode="bicubic", align_corners=True)),
    "bicubic_antialias_down": ([1, 2, 10, 10], dict(
        scale_factor=0.6, mode="bicubic", antialias=True)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_interpolate_matches_pytorch(name, tmp_path):
    """torch.export's default decompositions: bicubic, nearest-exact and
    antialiasing arrive as index arithmetic and aten.index."""
    shape, kwargs = CASES[name]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    check_exported(Interpolate(**kwargs), (x,), tmp_path, name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_interpolate_kept_whole_matches_pytorch(name, tmp_path):
    """fx_importer.decompositions() (what rong.compile and the torch.compile
    backend use) keeps every mode as one aten.upsample_* op: one kernel."""
    shape, kwargs = CASES[name]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    model = Interpolate(**kwargs).eval()
    ep = torch.export.export(model, (x,)).run_decompositions(
        fx_importer.decompositions())
    targets = [n.target for n in ep.graph_module.graph.nodes
               if n.op == "call_function"]
    assert any(t.overloadpacket in fx_importer._UPSAMPLING for t in targets)
    graph = fx_importer.import_exported_program(ep)
    got = execute(graph, [x], tmp_path, name)
    with torch.no_grad():
        assert_matches(got, model(x), name)
    source = tmp_path / f"{name}_plan.mlir"
    source.write_text(graph.to_standalone_text())
    plan = rong_tools.compile_model(str(source), str(tmp_path / "p.rong"))
    assert rong_tools.plan_counts(plan) == (1, 0), plan


def test_bfloat16_bilinear_matches_pytorch(tmp_path):
    """bf16 in and out, weights and sums in f32: within a bf16 rounding."""
    model = Interpolate(scale_factor=2, mode="bilinear")
    x = torch.randn(1, 4, 6, 8, generator=torch.Generator().manual_seed(1))
    x = x.to(torch.bfloat16)
    graph = fx_importer.import_exported_program(export(model, x))
    source = tmp_path / "bf16.mlir"
    source.write_text(graph.to_standalone_text())
    artifact = str(tmp_path / "bf16.rong")
    rong_tools.compile_model(str(source), artifact)
    # bf16 travels as its bits in uint16 arrays.
    bits = x.view(torch.int16).numpy().view(np.uint16)
    got = rong_tools.run_artifact(artifact, [bits], 1)[0]
    got = torch.from_numpy(got.view(np.int16)).view(torch.bfloat16).float()
    want = model(x).float()
    # One bf16 ulp of the largest output.
    assert (got - want).abs().max() <= want.abs().max() * 2**-7


class Pyramid(nn.Module):
    """A feature pyramid's top-down step: the coarse map upsampled and added
    to the finer one."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, coarse, fine):
        return F.interpolate(coarse, scale_factor=2, mode=self.mode) + fine


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_upsample_and_add_is_one_kernel(mode, tmp_path):
    """The gathers read the coarse map where the sum needs it: no upsampled
    tensor in memory."""
    gen = torch.Generator().manual_seed(2)
    coarse = torch.randn(1, 16, 10, 10, generator=gen)
    fine = torch.randn(1, 16, 20, 20, generator=gen)
    graph = check_exported(Pyramid(mode), (coarse, fine), tmp_path, mode)
    source = tmp_path / f"{mode}_plan.mlir"
    source.write_text(graph.to_standalone_text())
    plan = rong_tools.compile_model(str(source), str(tmp_path / "p.rong"))
    assert rong_tools.plan_counts(plan) == (1, 0), plan


class Index(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x, *indices):
        return self.fn(x, *indices)


INDEXING = {
    # Adjacent index tensors broadcast together, negative ones included.
    "adjacent": (lambda x, i, j: x[:, i, j], [3, 5, 6, 4],
                 [([4, 1], torch.int64, 5), ([3], torch.int64, 6)]),
    # Not adjacent: the broadcast index dimensions come first.
    "apart": (lambda x, i, j: x[i, :, j], [5, 3, 6],
              [([2, 4], torch.int64, 5), ([4], torch.int32, 6)]),
    "three": (lambda x, i, j, k: x[i, j, k] * 2, [4, 5, 6, 8],
              [([7], torch.int32, 4), ([7], torch.int32, 5),
               ([1], torch.int32, 6)]),
}


@pytest.mark.parametrize("name", sorted(INDEXING))
def test_multi_tensor_indexing_matches_pytorch(name, tmp_path):
    fn, shape, specs = INDEXING[name]
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(*shape, generator=gen)
    indices = [torch.randint(-n, n, s, generator=gen).to(dtype)
               for s, dtype, n in specs]
    check_exported(Index(fn), (x, *indices), tmp_path, name)


def test_boolean_mask_index_is_reported(tmp_path):
    ep = export(Index(lambda x, i, j: x[i, j]), torch.randn(4, 5),
                torch.tensor([0, 1]), torch.tensor([2, 3]))
    node = next(n for n in ep.graph_module.graph.nodes
                if n.target == torch.ops.aten.index.Tensor)
    # Swap one index tensor's dtype for bool in the recorded metadata.
    index = node.args[1][1]
    index.meta["val"] = index.meta["val"].to(torch.bool)
    supported, reason = fx_importer.is_supported(node)
    assert not supported
    assert "index tensors of dtype torch.bool are not supported" in reason
