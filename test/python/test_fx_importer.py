"""The FX importer (python/rong/fx_importer.py) end to end: small PyTorch
modules exported with torch.export and decomposed to core ATen, or captured as
AOTAutograd forward/backward graphs, are imported with their weights as
resources, compiled by rongc, run by rong-run and compared with PyTorch eager.
is_supported and UnsupportedOpError are checked on ops Rong cannot import."""

import operator
import pathlib
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import rong_tools

from rong import fx_importer  # the build tree's package (conftest.py)

RTOL, ATOL = 1e-4, 1e-5

# torch.export's own pytree code warns about its deprecated LeafSpec.
pytestmark = pytest.mark.filterwarnings("ignore:.*LeafSpec:FutureWarning")


def export(model, *inputs):
    return torch.export.export(model.eval(), inputs).run_decompositions()


def execute(graph, inputs, workdir, name):
    """Compiles an ImportedGraph, runs it on `inputs` (one per argument) and
    returns one array (or None) per graph output."""
    source = workdir / f"{name}.mlir"
    source.write_text(graph.to_standalone_text())
    artifact = str(workdir / f"{name}.rong")
    rong_tools.compile_model(str(source), artifact)
    arrays = [np.ascontiguousarray(x.detach().numpy()) for x in inputs]
    results = rong_tools.run_artifact(artifact, arrays, len(graph.output_meta))
    for got, meta in zip(results, graph.output_meta):
        assert got.shape == tuple(meta.shape), (got.shape, meta)
    outputs = []
    for out in graph.outputs:
        if out.kind == "result":
            outputs.append(results[out.index])
        elif out.kind == "input":
            outputs.append(arrays[out.index])
        elif out.kind == "constant":
            outputs.append(np.asarray(out.value.detach().numpy()
                                      if isinstance(out.value, torch.Tensor)
                                      else out.value))
        else:
            outputs.append(None)
    return outputs


def assert_matches(got, want, what):
    want = want if isinstance(want, (tuple, list)) else (want,)
    assert len(got) == len(want), f"{what}: {len(got)} outputs, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        w = w.detach().numpy()
        assert g.dtype == w.dtype, f"{what} output {i}: {g.dtype} != {w.dtype}"
        assert g.shape == w.shape, f"{what} output {i}: {g.shape} != {w.shape}"
        rtol, atol = ((RTOL, ATOL) if w.dtype not in (np.float16, np.float64)
                      else rong_tools.tolerance(w.dtype))
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol,
                                   err_msg=f"{what} output {i}")


def check_exported(model, inputs, workdir, name):
    """Exports, imports with the weights as resources, runs and compares."""
    ep = export(model, *inputs)
    for node in ep.graph_module.graph.nodes:
        assert fx_importer.is_supported(node) == (True, ""), node.name
    graph = fx_importer.import_exported_program(ep)
    assert "dense_resource" in graph.text or not graph.resources
    assert len(graph.input_nodes) == len(inputs)
    got = execute(graph, inputs, workdir, name)
    with torch.no_grad():
        want = model(*inputs)
    assert_matches(got, want, name)
    return graph


# ===----------------------------------------------------------------------===#
# Models
# ===----------------------------------------------------------------------===#


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(32, 64), nn.Linear(64, 48), nn.Linear(48, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.gelu(self.fc1(x)))))


class TanhGeluBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)

    def forward(self, x):  # a 3-D input: Linear flattens rows, then restores
        return F.gelu(self.fc(x), approximate="tanh") + x


class Norm(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(24)
        self.ln2 = nn.LayerNorm([4, 24], elementwise_affine=False)

    def forward(self, x):
        return self.ln(x), self.ln2(x)


class Softmaxes(nn.Module):
    def forward(self, x):
        return torch.softmax(x, -1), torch.log_softmax(x, 1), torch.softmax(x * 0.5, -1)


class Attention(nn.Module):
    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x):
        b, s, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        split = lambda t: t.reshape(b, s, self.heads, d // self.heads).permute(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        scores = torch.matmul(q, k.transpose(-1, -2)) / (d // self.heads) ** 0.5
        context = torch.matmul(torch.softmax(scores, dim=-1), v)
        return self.out(context.permute(0, 2, 1, 3).reshape(b, s, d))


class ConvBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, bias=False)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        y = self.pool(F.relu(self.bn(self.conv(x))))
        return F.avg_pool2d(self.conv2(y), 2), F.adaptive_avg_pool2d(y, 1)


class RMSNorm(nn.Module):
    def __init__(self, dim=64, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.rand(dim) + 0.5)

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class CastsAndCompares(nn.Module):
    def forward(self, x, ids):
        mask = (x > 0.25) | (ids == 2)
        picked = torch.where(mask, x, -x * 0.5)
        scaled = ids * 0.5 + x  # an int64 tensor times a float promotes
        halves = x.half().float()  # a round trip through float16
        clipped = torch.clamp(x, -0.5, 0.75) + torch.maximum(x, scaled)
        truncated = (x * 4).to(torch.int32)  # float to int truncates towards 0
        ne = (ids != 1) & ~(x < -1)
        return picked, scaled, halves, clipped, truncated, ne, x.sign() * x.abs().sqrt()


class DataMovement(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)

    def forward(self, x, ids):
        a, b = x.split([3, 5], dim=1)
        joined = torch.cat([b, a * 2], dim=1)
        return (self.emb(ids), joined, x[:, 1:7:2], x.t().contiguous(),
                F.pad(x, (1, 2)), x.repeat(2, 1), x.unsqueeze(1).squeeze(1),
                x.index_select(1, ids[0]), x[:, ids[1]], x[ids[2, :3]])


class Elementwise(nn.Module):
    """Scalar operands on either side, alpha, the pow special cases, and the
    activations that become compositions."""

    def forward(self, x, y, mask):
        pos = x.abs() + 0.5
        return (torch.add(x, y, alpha=2), torch.sub(x, y, alpha=0.5), 3.0 - x,
                torch.rsub(x, 2.0), x.pow(3), pos.pow(0.5), pos.pow(-0.5), pos.pow(-1),
                pos.pow(1.7), torch.pow(pos, y), torch.pow(2.0, x),
                torch.clamp(x, min=y * 0.1, max=y + 1), x.masked_fill(mask, -3.0),
                torch.where(mask, 1.0, x), F.elu(x, alpha=0.5), F.leaky_relu(x, 0.2),
                F.hardtanh(x, -0.3, 0.4), F.relu6(x * 4), F.hardswish(x), F.softplus(x),
                F.silu(x), torch.log1p(pos), pos.log(), x.exp(), x.erf(), x.sin(),
                x.cos(), x.floor(), x.ceil(), pos.reciprocal(), x.tanh(), x.sigmoid(),
                torch.div(x, 0.7, rounding_mode="floor"))


class Reductions(nn.Module):
    def forward(self, x, mask):
        var, mean = torch.var_mean(x, -1, keepdim=True)
        return (var, mean, torch.var_mean(x, [1, 2])[0], x.std(-1), x.max(-1).values,
                x.min(-1, keepdim=True).values, x.amax(-1), x.prod(-1),
                torch.norm(x, dim=-1, p=1), torch.linalg.vector_norm(x, dim=-1),
                x.mean(), x.sum(), torch.any(mask, -1), torch.all(mask, -1))


class Conv1dPools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 3, padding=2, dilation=2)

    def forward(self, x):
        y = self.conv(x).unsqueeze(0)
        return (F.max_pool2d(y, 3, 2, padding=1, ceil_mode=True),
                F.avg_pool2d(y, 2, padding=1, count_include_pad=False))


class ConvTransposes(nn.Module):
    """Transposed convolutions: grouped with output_padding, DCGAN's kernel
    4 stride 2 without bias, and a dilated 1-D one."""

    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(6, 4, 3, stride=2, padding=1,
                                     output_padding=1, groups=2)
        self.up2 = nn.ConvTranspose2d(4, 3, 4, stride=2, padding=1, bias=False)
        self.up1d = nn.ConvTranspose1d(6, 2, 5, stride=3, padding=2, dilation=2)

    def forward(self, x, s):
        return self.up2(F.relu(self.up(x))), self.up1d(s)


class Generators(nn.Module):
    def forward(self, x):
        return (torch.arange(6, dtype=torch.float32) * x, torch.zeros_like(x) + x,
                torch.full((4, 6), 2.5) * x, F.dropout(x * 2, 0.0, True))


class Losses(nn.Module):
    """cross_entropy and nll_loss, which export spells with aten.gather."""

    def forward(self, x, t, weight):
        ignored = torch.where(t == 2, -100, t)
        return (F.cross_entropy(x, t), F.cross_entropy(x, ignored, reduction="sum"),
                F.nll_loss(F.log_softmax(x, 1), t, weight=weight),
                torch.gather(x, 1, t[:, None].expand(-1, 3)))


class HalfBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(16)

    def forward(self, x):
        return torch.softmax(self.ln(F.gelu(x) * 2 + 1), -1), x.float().sum(-1)


class Bits(nn.Module):
    """Bitwise ops and shifts on int64, amounts up to 69: past the width a
    left shift gives 0 and a right shift the sign, as PyTorch's CPU does."""

    def forward(self, a, b, n):
        return ((a & b) | (~a ^ 5), a << n, a >> n, a >> 40,
                torch.bitwise_left_shift(b, 3))


class DoubleBlock(nn.Module):
    """float64 throughout: a matmul (BLAS's dgemm), LayerNorm, the erf GELU
    and softmax computed in f64, a linear upsampling's taps summed in f64,
    and a cast to float32."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 24)
        self.ln = nn.LayerNorm(24)

    def forward(self, x):
        h = F.gelu(self.ln(self.fc(x)))
        up = F.interpolate(h, scale_factor=2, mode="linear")
        return torch.softmax(h, -1), up, h.float()


EXPORTED = {
    "mlp": (MLP, lambda: (torch.randn(4, 32),)),
    "tanh_gelu": (TanhGeluBlock, lambda: (torch.randn(2, 5, 16),)),
    "layernorm": (Norm, lambda: (torch.randn(3, 4, 24),)),
    "softmax": (Softmaxes, lambda: (torch.randn(6, 10) * 3,)),
    "attention": (Attention, lambda: (torch.randn(2, 8, 32),)),
    "conv_bn_relu_pool": (ConvBlock, lambda: (torch.randn(2, 3, 16, 16),)),
    "rmsnorm": (RMSNorm, lambda: (torch.randn(2, 7, 64),)),
    "casts_compares": (CastsAndCompares,
                       lambda: (torch.randn(4, 6), torch.randint(0, 4, (4, 6)))),
    "data_movement": (DataMovement,
                      lambda: (torch.randn(4, 8), torch.randint(0, 8, (4, 8)))),
    "elementwise": (Elementwise, lambda: (torch.randn(4, 6), torch.rand(4, 6) + 0.5,
                                          torch.rand(4, 6) > 0.5)),
    "reductions": (Reductions, lambda: (torch.randn(2, 3, 6), torch.rand(2, 3, 6) > 0.3)),
    "conv1d_pools": (Conv1dPools, lambda: (torch.randn(2, 4, 9),)),
    "conv_transpose": (ConvTransposes,
                       lambda: (torch.randn(2, 6, 5, 7), torch.randn(2, 6, 9))),
    "generators": (Generators, lambda: (torch.randn(4, 6),)),
    "losses": (Losses, lambda: (torch.randn(8, 10), torch.randint(0, 10, (8,)),
                                torch.rand(10) + 0.5)),
    "float16": (lambda: HalfBlock().half(), lambda: (torch.randn(4, 16).half(),)),
    "bits": (Bits, lambda: (torch.randint(-1000, 1000, (4, 8)),
                            torch.randint(-1000, 1000, (4, 8)),
                            torch.randint(0, 70, (4, 8)))),
    "float64": (lambda: DoubleBlock().double(),
                lambda: (torch.randn(2, 4, 16, dtype=torch.float64),)),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fx")


@pytest.mark.parametrize("name", sorted(EXPORTED))
def test_exported_model_matches_eager(name, workdir):
    torch.manual_seed(0)
    make_model, make_inputs = EXPORTED[name]
    model = make_model()
    if name == "conv_bn_relu_pool":  # non-trivial running statistics
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 2.0)
    check_exported(model, make_inputs(), workdir, name)


class Lambda(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


# Explicit broadcasts inside reduction groups: a per-row value stretched over
# the row (RMSNorm's backward spells its mean this way), before and after the
# reduction, and over a lead axis.
@pytest.mark.parametrize("fn,inputs", [
    pytest.param(lambda x: x.amax(-1, keepdim=True).expand(6, 10) * x,
                 lambda: (torch.randn(6, 10),), id="after_reduction"),
    pytest.param(lambda x, s: (x * s.expand(6, 10)).sum(-1),
                 lambda: (torch.randn(6, 10), torch.randn(6, 1)),
                 id="before_reduction"),
    pytest.param(lambda x: (x.sum(-1, keepdim=True).expand(6, 10) / 10.0) * 2.0,
                 lambda: (torch.randn(6, 10),), id="into_scalar_op"),
    pytest.param(lambda x, w: torch.softmax(x + w.expand(4, 3, 8), -1),
                 lambda: (torch.randn(4, 3, 8), torch.randn(1, 3, 8)),
                 id="lead_axis"),
])
def test_broadcast_in_reduction_groups(fn, inputs, workdir):
    check_exported(Lambda(fn), inputs(), workdir, "broadcast_rows")


# Slicing's backward writes the gradient into zeros with slice_scatter (and
# select_scatter for integer indexing).
@pytest.mark.parametrize("fn", [
    pytest.param(lambda x, s: x.slice_scatter(s[:, :3], 1, 2, 5), id="middle"),
    pytest.param(lambda x, s: x.slice_scatter(s[:, :4], 1, 4), id="tail"),
    pytest.param(lambda x, s: x.slice_scatter(s[:, :4], 1, 0, 8, 2), id="step"),
    pytest.param(lambda x, s: x.slice_scatter(s[:2], 0, -2), id="negative"),
    pytest.param(lambda x, s: x.select_scatter(s[:, 0], 1, -1), id="select"),
])
def test_scatter_into_slices(fn, workdir):
    check_exported(Lambda(fn), (torch.randn(5, 8), torch.randn(5, 8)), workdir,
                   "slice_scatter")


def test_float16_matmul(workdir):
    # The CPU's BLAS has no f16 GEMM; the matmul runs in f32 between casts.
    torch.manual_seed(0)
    check_exported(Lambda(lambda a, b: a @ b),
                   (torch.randn(4, 8).half(), torch.randn(8, 4).half()),
                   workdir, "float16_matmul")


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(0),
    lambda x: torch.softmax(x, 0),
    lambda x: x.sum(-1) / 3,
    lambda x: x.mean(dim=(0, 2), keepdim=True) * x,
    lambda x: x.argmax(-1),
], ids=["sum_over_leading_axis", "softmax_over_leading_axis",
        "elementwise_after_reduction", "mean_over_outer_axes", "argmax"])
def test_reductions_over_any_axes(fn, workdir):
    torch.manual_seed(0)
    check_exported(Lambda(fn), (torch.randn(6, 5, 10),), workdir, "reduction")


def test_integer_arithmetic(workdir):
    torch.manual_seed(0)
    check_exported(Lambda(lambda x, ids: (x >= 0).to(torch.int64) + ids * 2),
                   (torch.randn(6, 10), torch.randint(0, 4, (6, 10))), workdir,
                   "integers")


def test_weights_are_resources(workdir):
    """Parameters become dense_resource constants whose blobs are the exact
    bytes behind a 4-byte alignment; the text itself holds no weight data."""
    torch.manual_seed(0)
    model = MLP()
    graph = fx_importer.import_exported_program(export(model, torch.randn(4, 32)))
    assert set(graph.resources) == {"p_fc1_weight", "p_fc1_bias", "p_fc2_weight",
                                    "p_fc2_bias", "p_fc3_weight", "p_fc3_bias"}
    np.testing.assert_array_equal(graph.resources["p_fc1_weight"],
                                  model.fc1.weight.detach().numpy())
    assert "rong.constant dense_resource<p_fc1_weight> : tensor<64x32xf32>" in graph.text
    assert "dialect_resources" not in graph.text
    blob = model.fc3.bias.detach().numpy().tobytes()
    assert f'p_fc3_bias: "0x04000000{blob.hex().upper()}"' in graph.to_standalone_text()


def test_bfloat16_weights_compile(workdir):
    """bfloat16 weights travel as their 16-bit patterns (NumPy has no
    bfloat16); rong-run reads no bfloat16 .npy files, so this only compiles."""
    model = HalfBlock().to(torch.bfloat16)
    graph = fx_importer.import_exported_program(
        export(model, torch.randn(4, 16).to(torch.bfloat16)))
    weight = graph.resources["p_ln_weight"]
    assert weight.dtype == np.uint16
    np.testing.assert_array_equal(weight, model.ln.weight.detach().view(torch.int16)
                                  .numpy().view(np.uint16))
    assert "tensor<16xbf16>" in graph.text
    source = workdir / "bf16.mlir"
    source.write_text(graph.to_standalone_text())
    rong_tools.compile_model(str(source), str(workdir / "bf16.rong"))


def test_layer_norm_statistics(workdir):
    """native_layer_norm's mean and rstd, when read, come from reductions."""
    def norm_with_stats(x, w, b):
        return torch.ops.aten.native_layer_norm.default(x, [16], w, b, 1e-5)

    inputs = (torch.randn(3, 5, 16), torch.rand(16) + 0.5, torch.randn(16))
    gm = torch.fx.experimental.proxy_tensor.make_fx(norm_with_stats)(*inputs)
    graph = fx_importer.import_graph(gm)
    assert "rong.layer_norm" in graph.text
    assert_matches(execute(graph, inputs, workdir, "ln_stats"),
                   norm_with_stats(*inputs), "native_layer_norm")


def test_undecomposed_aten_ops(workdir):
    """Overloads that decompositions usually remove but graphs traced without
    them keep: linear, matmul, the activation backwards, batch norm with a
    training flag of False and without affine parameters."""
    aten = torch.ops.aten

    def ops(x, w, b, g, mean, var):
        y = aten.linear.default(x, w, b)
        s = aten._softmax.default(y, -1, False)
        ls = aten._log_softmax.default(y, -1, False)
        t, sg = aten.tanh.default(y), aten.sigmoid.default(y)
        image = x.reshape(4, 3, 2, 2)
        return (aten.matmul.default(x, w.t()), s, ls,
                aten._softmax_backward_data.default(g, s, -1, torch.float32),
                aten._log_softmax_backward_data.default(g, ls, -1, torch.float32),
                aten.tanh_backward.default(g, t), aten.sigmoid_backward.default(g, sg),
                aten.native_batch_norm.default(image, None, None, mean, var, False,
                                               0.1, 1e-5)[0],
                aten.ones.default([4, 5]) * y, aten.silu.default(y))

    inputs = (torch.randn(4, 12), torch.randn(5, 12), torch.randn(5),
              torch.randn(4, 5), torch.randn(3), torch.rand(3) + 0.5)
    gm = torch.fx.experimental.proxy_tensor.make_fx(ops)(*inputs)
    graph = fx_importer.import_graph(gm)
    assert_matches(execute(graph, inputs, workdir, "undecomposed"), ops(*inputs),
                   "undecomposed")


# ===----------------------------------------------------------------------===#
# AOTAutograd forward and backward graphs
# ===----------------------------------------------------------------------===#


def capture_aot(model, x):
    """Compiles `model` with a backend that records the forward and backward
    graphs (core ATen) and the real tensors the forward was called with."""
    from torch._decomp import core_aten_decompositions
    from torch._dynamo.backends.common import aot_autograd
    from torch._functorch.aot_autograd import make_boxed_func

    captured = {}

    def compiler(kind):
        def compile_graph(gm, example_inputs):
            captured[kind] = gm

            def call(*args):
                captured[f"{kind}_args"] = list(args)
                return gm(*args)
            return make_boxed_func(call)
        return compile_graph

    torch._dynamo.reset()
    backend = aot_autograd(fw_compiler=compiler("fw"), bw_compiler=compiler("bw"),
                           decompositions=core_aten_decompositions())
    out = torch.compile(model, backend=backend)(x)
    out.backward(torch.ones_like(out))  # makes AOTAutograd compile the backward
    torch._dynamo.reset()
    return captured


def check_training_step(model, x, workdir, name):
    """Runs the forward graph, then the backward graph on its saved tensors,
    with Rong; the gradients must equal torch.autograd's."""
    captured = capture_aot(model, x)
    fw, bw, fw_args = captured["fw"], captured["bw"], captured["fw_args"]

    forward = fx_importer.import_graph(fw, fw_args, func_name="forward")
    fw_outputs = execute(forward, fw_args, workdir, f"{name}_fw")
    with torch.no_grad():
        assert_matches(fw_outputs[:1], model(x), f"{name} forward")

    bw_placeholders = [n for n in bw.graph.nodes if n.op == "placeholder"]
    tangent = torch.randn(fw_outputs[0].shape)
    saved = [torch.from_numpy(a) for a in fw_outputs[1:]]
    assert len(saved) + 1 == len(bw_placeholders)
    bw_inputs = saved + [tangent]
    backward = fx_importer.import_graph(bw, bw_inputs, func_name="backward")
    grads = execute(backward, bw_inputs, workdir, f"{name}_bw")

    model.zero_grad()
    x.grad = None
    model(x).backward(tangent)
    leaves = list(model.parameters()) + ([x] if x.requires_grad else [])
    by_pointer = {t.data_ptr(): t for t in leaves}
    checked = 0
    for arg, grad in zip(fw_args, grads):
        leaf = by_pointer.get(arg.data_ptr())
        if leaf is None:
            assert grad is None  # the input does not require grad
            continue
        np.testing.assert_allclose(grad, leaf.grad.numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{name}: gradient of {tuple(leaf.shape)}")
        checked += 1
    assert checked == len(leaves)
    return forward, backward


def test_aot_backward_without_bias(workdir):
    """Linear+ReLU+Linear without biases: the backward graph is matmuls,
    transposes and threshold_backward (a select)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16, bias=False), nn.ReLU(),
                          nn.Linear(16, 4, bias=False))
    forward, backward = check_training_step(model, torch.randn(3, 8), workdir,
                                            "mlp_nobias")
    kinds = [o.kind for o in forward.outputs]
    assert "input" in kinds  # the forward saves its input x unchanged
    assert [o.kind for o in backward.outputs].count("none") == 1  # no grad for x


def test_aot_backward_with_bias(workdir):
    """Linear+ReLU+Linear: the MLP the partitioner will see most."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    # The bias gradients are sums over the leading (batch) axis.
    check_training_step(model, torch.randn(3, 8), workdir, "mlp_bias")


class Block(nn.Module):
    """LayerNorm (no affine), GELU, tanh * sigmoid, log_softmax + softmax."""

    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(16, elementwise_affine=False)
        self.fc1 = nn.Linear(16, 16, bias=False)
        self.fc2 = nn.Linear(16, 16, bias=False)

    def forward(self, x):
        h = F.gelu(self.fc1(self.ln(x)))
        h = torch.tanh(h) * torch.sigmoid(h)
        return torch.log_softmax(self.fc2(h), -1) + torch.softmax(h, -1)


def test_aot_backward_of_a_block(workdir):
    """The decomposed backward of layer norm, GELU and the softmaxes, with the
    input's gradient; the forward saves layer norm's mean and rstd."""
    torch.manual_seed(0)
    x = torch.randn(2, 5, 16, requires_grad=True)
    forward, backward = check_training_step(Block(), x, workdir, "block")
    assert "rong.layer_norm" in forward.text and "rong.rsqrt" in forward.text


class ConvNet(nn.Module):
    """Strided, grouped and dilated convolutions, 2-D and 1-D, whose backward
    is convolution_backward (input, weight and bias gradients)."""

    def __init__(self):
        super().__init__()
        # 10 + 2 - 3 is odd: the stride-2 forward leaves the last row and
        # column unread, which get no input gradient.
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 4, 3, padding=2, dilation=2, groups=2,
                               bias=False)
        self.conv1d = nn.Conv1d(4, 2, 3, stride=2)

    def forward(self, x):
        y = torch.tanh(self.conv2(F.relu(self.conv1(x))))
        return self.conv1d(y.flatten(2)).sum(-1)


def test_aot_backward_of_convolutions(workdir):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 10, 10, requires_grad=True)
    _, backward = check_training_step(ConvNet(), x, workdir, "convnet")
    # The input gradients are transposed convolutions, the weight gradients
    # convolutions: nothing of the backward is left to PyTorch.
    assert backward.text.count("rong.conv_transpose2d") == 3
    assert backward.text.count("rong.conv2d") == 3


class UpNet(nn.Module):
    """Transposed convolutions (output_padding, groups, 1-D with dilation),
    whose backward is convolution_backward with `transposed` set."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1,
                                      output_padding=1)
        self.up2 = nn.ConvTranspose2d(4, 4, 4, stride=2, padding=1, groups=2,
                                      bias=False)
        self.up1d = nn.ConvTranspose1d(4, 2, 3, stride=2, dilation=2)

    def forward(self, x):
        y = torch.tanh(self.up2(F.relu(self.up1(x))))
        return self.up1d(y.flatten(2)).sum(-1)


def test_aot_backward_of_transposed_convolutions(workdir):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    _, backward = check_training_step(UpNet(), x, workdir, "upnet")
    # Reading a spread back is a convolution, and so is each weight
    # gradient: six, and no transposed convolution.
    assert backward.text.count("rong.conv2d") == 6
    assert "rong.conv_transpose2d" not in backward.text


def test_example_inputs_stand_in_for_missing_meta(workdir):
    """Without node.meta the placeholders take the example inputs' shapes and
    every other node is evaluated on the meta device: same function."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    captured = capture_aot(model, torch.randn(3, 8))
    fw, args = captured["fw"], captured["fw_args"]
    want = fx_importer.import_graph(fw, args).text
    for node in fw.graph.nodes:
        node.meta.pop("val", None)
        node.meta.pop("tensor_meta", None)
    assert fx_importer.import_graph(fw, args).text == want
    with pytest.raises(fx_importer.UnsupportedOpError, match="primals_1"):
        fx_importer.import_graph(fw)


# ===----------------------------------------------------------------------===#
# Outputs that need no computation
# ===----------------------------------------------------------------------===#


def test_output_kinds(workdir):
    """Inputs, constants, None and duplicates are recorded, not computed."""
    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    w = graph.placeholder("w")
    y = graph.call_function(torch.ops.aten.mul.Tensor, (x, w))
    graph.output((y, x, None, w, y, 3))
    gm = torch.fx.GraphModule(torch.nn.Module(), graph)
    weight = torch.arange(4.0)
    imported = fx_importer.import_graph(gm, [torch.ones(4)], constants={"w": weight})
    assert imported.input_nodes == ["x"]
    assert [(o.kind, o.index) for o in imported.outputs] == [
        ("result", 0), ("input", 0), ("none", None), ("constant", None),
        ("result", 0), ("constant", None)]
    assert imported.outputs[3].name == "w" and imported.outputs[3].value is weight
    assert imported.outputs[5].value == 3
    assert len(imported.output_meta) == 1
    got = execute(imported, [torch.full((4,), 2.0)], workdir, "kinds")
    np.testing.assert_array_equal(got[0], [0, 2, 4, 6])


# ===----------------------------------------------------------------------===#
# Support checks and errors
# ===----------------------------------------------------------------------===#


def nodes_by_target(gm):
    return {n.target: n for n in gm.graph.nodes if n.op == "call_function"}


def test_is_supported_rejects_what_rong_cannot_compile():
    class Unsupported(nn.Module):
        def forward(self, x, z):
            return F.dropout(x, 0.5, True), torch.sort(x).values, z * 2, x.relu()

    ep = torch.export.export(Unsupported().train(), (
        torch.randn(4, 4), torch.randn(4, dtype=torch.complex64))).run_decompositions()
    nodes = nodes_by_target(ep.graph_module)
    aten = torch.ops.aten

    ok, why = fx_importer.is_supported(nodes[aten.native_dropout.default])
    assert not ok and "p = 0.5" in why
    ok, why = fx_importer.is_supported(nodes[aten.sort.default])
    assert not ok and "no lowering" in why
    ok, why = fx_importer.is_supported(nodes[aten.mul.Tensor])
    assert not ok and "complex64" in why
    z = next(n for n in ep.graph_module.graph.nodes if n.name == "z")
    assert not fx_importer.is_supported(z)[0]
    assert fx_importer.is_supported(nodes[aten.relu.default]) == (True, "")


def test_dynamic_shapes_are_rejected():
    batch = torch.export.Dim("batch")
    ep = torch.export.export(Lambda(lambda x: x.relu()), (torch.randn(4, 3),),
                             dynamic_shapes={"args": ({0: batch},)})
    relu = nodes_by_target(ep.graph_module)[torch.ops.aten.relu.default]
    ok, why = fx_importer.is_supported(relu)
    assert not ok and "dynamic shape" in why
    with pytest.raises(fx_importer.UnsupportedOpError, match="node 'args_0'.*dynamic shape"):
        fx_importer.import_exported_program(ep)


def test_is_supported_follows_the_emitters():
    """Support is decided per node by running its emitter: max pooling is
    supported while its indices are unused, and a getitem of the indices is not."""
    def pool(x):
        values, indices = torch.ops.aten.max_pool2d_with_indices.default(x, [2, 2])
        return values, indices

    gm = torch.fx.experimental.proxy_tensor.make_fx(pool)(torch.randn(1, 2, 4, 4))
    getitems = [n for n in gm.graph.nodes if n.target is operator.getitem]
    assert fx_importer.is_supported(getitems[0]) == (True, "")
    ok, why = fx_importer.is_supported(getitems[1])
    assert not ok and "indices" in why
    assert "aten.mm.default" in fx_importer.supported_targets()


def test_unsupported_op_error_names_the_node():
    class Sorts(nn.Module):
        def forward(self, x):
            return torch.sort(x + 1).values

    ep = export(Sorts(), torch.randn(3, 3))
    with pytest.raises(fx_importer.UnsupportedOpError) as info:
        fx_importer.import_exported_program(ep)
    assert info.value.node_name == "sort"
    assert info.value.target is torch.ops.aten.sort.default
    assert str(info.value).startswith("node 'sort' (aten.sort.default): ")
