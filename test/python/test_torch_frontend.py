"""PyTorch through Rong's Python package: `rong.compile` on whole modules
(torch.export), `torch.compile(backend="rong")` for inference and training
(forward and backward graphs, partitioned where an op is unsupported), the
entry point, and DDP with the gloo backend. Every check compares with eager
PyTorch."""

import importlib.metadata
import logging
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

import model_zoo
import rong
import rong.dynamo

F32 = dict(rtol=1e-4, atol=1e-5)


def _close(actual, expected, **tol):
    tol = tol or F32
    torch.testing.assert_close(actual, expected, **tol)


# ---------------------------------------------------------------------------
# rong.compile on whole modules
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mlp", "bert_layer", "cnn", "resnet18",
                                  "layernorm", "softmax", "gelu", "rmsnorm"])
def test_compile_module_matches_eager(name):
    torch.manual_seed(0)
    module, example = model_zoo.models("test")[name]
    model_zoo.randomize(module)
    with torch.no_grad():
        expected = module(*example)
    compiled = rong.compile(module, example)
    actual = compiled(*example)
    assert isinstance(actual, torch.Tensor)
    tol = dict(rtol=1e-4, atol=1e-4) if name == "resnet18" else F32
    _close(actual, expected, **tol)
    assert compiled.kernel_count() >= 1


def test_compile_bert_from_transformers():
    import transformers
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=512, hidden_size=64, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=128,
        max_position_embeddings=64, attn_implementation="eager")
    model = transformers.BertModel(config, add_pooling_layer=False).eval()

    class Encoder(nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, ids):
            # Explicit token types: BERT's default gathers them from a
            # buffer with aten.gather, which Rong does not import yet.
            return self.bert(input_ids=ids, token_type_ids=torch.zeros_like(
                ids)).last_hidden_state

    wrapped = Encoder(model).eval()
    ids = torch.randint(0, 512, (2, 16))
    with torch.no_grad():
        expected = wrapped(ids)
    compiled = rong.compile(wrapped, (ids,))
    _close(compiled(ids), expected, rtol=1e-4, atol=1e-4)
    other = torch.randint(0, 512, (2, 16))
    with torch.no_grad():
        _close(compiled(other), wrapped(other), rtol=1e-4, atol=1e-4)


def test_compile_numpy_inputs_give_numpy_outputs():
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(8, 4), nn.Tanh()).eval()
    x = torch.randn(3, 8)
    compiled = rong.compile(module, (x,))
    out = compiled(x.numpy())
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, module(x).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_compile_fuse_false_is_unfused_baseline():
    torch.manual_seed(0)
    module, example = model_zoo.models("test")["layernorm"]
    fused = rong.compile(module, example)
    unfused = rong.compile(module, example, fuse=False)
    assert fused.kernel_count() == 1
    assert unfused.kernel_count() > fused.kernel_count()
    _close(unfused(*example), fused(*example))


def test_compile_rejects_unsupported_op_by_name():
    class Sorts(nn.Module):
        def forward(self, x):
            return torch.sort(x, dim=-1).values * 2

    with pytest.raises(rong.UnsupportedOpError, match=r"aten\.sort"):
        rong.compile(Sorts(), (torch.randn(4, 4),))


def test_compile_wrong_input_shape_is_clear_error():
    module = nn.Linear(8, 4).eval()
    compiled = rong.compile(module, (torch.randn(2, 8),))
    with pytest.raises(ValueError, match=r"input 0"):
        compiled(torch.randn(3, 8))


def test_save_load_roundtrip(tmp_path):
    torch.manual_seed(0)
    module, example = model_zoo.models("test")["mlp"]
    compiled = rong.compile(module.eval(), example)
    path = tmp_path / "mlp.rong"
    rong.save(compiled, path)
    loaded = rong.load(path)
    _close(loaded(*example), compiled(*example), rtol=0, atol=0)

    data = path.read_bytes()
    (tmp_path / "cut.rong").write_bytes(data[: len(data) // 2])
    with pytest.raises(rong.ArtifactError):
        rong.load(tmp_path / "cut.rong")


def test_compile_onnx_path_matches_onnxruntime(tmp_path):
    import onnxruntime as ort
    path, inputs = model_zoo.export("rmsnorm", str(tmp_path))
    compiled = rong.compile(path)
    expected = ort.InferenceSession(path).run(None, {
        i.name: x for i, x in zip(ort.InferenceSession(path).get_inputs(),
                                  inputs)})[0]
    np.testing.assert_allclose(compiled(*inputs), expected, rtol=1e-5,
                               atol=1e-6)


# ---------------------------------------------------------------------------
# torch.compile(backend="rong")
# ---------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fresh_dynamo():
    torch._dynamo.reset()
    rong.dynamo.stats.reset()
    yield
    torch._dynamo.reset()


def test_inference_graph_compiles_and_matches():
    torch.manual_seed(0)
    module, example = model_zoo.models("test")["bert_layer"]
    module.eval()
    compiled = torch.compile(module, backend="rong")
    # PyTorch's fused fast path (one native op for the whole layer) would
    # leave nothing to compile; the layer's ATen ops are what Rong fuses.
    fastpath = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        with torch.no_grad():
            _close(compiled(*example), module(*example))
    finally:
        torch.backends.mha.set_fastpath_enabled(fastpath)
    assert rong.dynamo.stats.partitions >= 1
    assert rong.dynamo.stats.kernels >= 5


class TinyTransformer(nn.Module):
    def __init__(self, dim=32, heads=4, classes=5):
        super().__init__()
        self.inp = nn.Linear(16, dim)
        self.layer = nn.TransformerEncoderLayer(
            d_model=dim, nhead=heads, dim_feedforward=64, dropout=0.0,
            batch_first=True, activation="gelu")
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        return self.head(self.norm(self.layer(self.inp(x))).mean(dim=1))


def _mlp():
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64),
                         nn.GELU(), nn.Linear(64, 5))


def _train(model, batches, compiled, steps):
    torch.manual_seed(1)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    step_fn = torch.compile(model, backend="rong") if compiled else model
    losses, grads = [], []
    for x, y in batches[:steps]:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(step_fn(x), y)
        loss.backward()
        losses.append(loss.detach().clone())
        grads.append([p.grad.detach().clone() for p in model.parameters()])
        opt.step()
    return losses, grads


def _train_like_eager(make, batches):
    """Trains one model eagerly and a copy through Rong on `batches`, checks
    that every step's loss and gradients agree, and returns both models."""
    torch.manual_seed(0)
    reference = make()
    model = make()
    model.load_state_dict(reference.state_dict())
    eager_losses, eager_grads = _train(reference, batches, False, len(batches))
    rong_losses, rong_grads = _train(model, batches, True, len(batches))
    for a, b in zip(rong_losses, eager_losses):
        _close(a, b, rtol=1e-4, atol=1e-5)
    for ga, gb in zip(rong_grads, eager_grads):
        for a, b in zip(ga, gb):
            _close(a, b, rtol=1e-3, atol=1e-5)
    return model, reference


@pytest.mark.parametrize("make,shape", [(_mlp, (8, 20)),
                                        (TinyTransformer, (4, 6, 16))])
def test_training_matches_eager_every_step(make, shape):
    gen = torch.Generator().manual_seed(2)
    batches = [(torch.randn(*shape, generator=gen),
                torch.randint(0, 5, (shape[0],), generator=gen))
               for _ in range(5)]
    _train_like_eager(make, batches)
    # A forward and a backward graph were compiled, both with Rong kernels.
    assert rong.dynamo.stats.graphs >= 2
    assert rong.dynamo.stats.partitions >= 2
    assert rong.dynamo.stats.kernels >= 4


def test_batch_norm_training_is_compiled_and_matches_eager():
    """BatchNorm2d in training mode: the batch statistics over N, H and W,
    the normalisation and the running-statistics update are compiled by Rong
    (none of it runs eagerly), and losses, gradients and running statistics
    follow eager PyTorch step by step."""
    def make():
        return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8),
                             nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6 * 6, 5))
    gen = torch.Generator().manual_seed(2)
    batches = [(torch.randn(6, 3, 6, 6, generator=gen) * 2 + 0.5,
                torch.randint(0, 5, (6,), generator=gen)) for _ in range(3)]
    model, reference = _train_like_eager(make, batches)
    for name in ("running_mean", "running_var"):
        _close(getattr(model[1], name), getattr(reference[1], name),
               rtol=1e-4, atol=1e-6)
    assert not rong.dynamo.stats.compile_failures
    eager = {str(op) for op in rong.dynamo.stats.eager_ops}
    assert not any("batch_norm" in op for op in eager), eager


def test_convolution_training_is_compiled_and_matches_eager():
    """Strided, grouped and transposed convolutions (an encoder-decoder):
    their backward (convolution_backward: input gradients as transposed or
    plain convolutions, weight gradients as convolutions, bias gradients as
    sums) is compiled by Rong, and losses and gradients follow eager
    PyTorch."""
    def make():
        return nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                             nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1),
                             nn.Tanh(),
                             nn.Conv2d(4, 4, 3, padding=2, dilation=2, groups=2),
                             nn.Flatten(), nn.Linear(4 * 10 * 10, 5))
    gen = torch.Generator().manual_seed(2)
    batches = [(torch.randn(4, 3, 10, 10, generator=gen),
                torch.randint(0, 5, (4,), generator=gen)) for _ in range(3)]
    _train_like_eager(make, batches)
    assert not rong.dynamo.stats.compile_failures
    eager = {str(op) for op in rong.dynamo.stats.eager_ops}
    assert not any("convolution" in op for op in eager), eager


def test_float64_training_is_compiled_and_matches_eager():
    """A float64 model trains through torch.compile in f64: dgemm, f64
    kernels forward and backward, nothing eager, and every step's loss and
    gradients within a few f64 roundings of eager PyTorch (an f32 anywhere
    on the way would be ~1e-7 off)."""
    gen = torch.Generator().manual_seed(2)
    batches = [(torch.randn(8, 20, generator=gen, dtype=torch.float64),
                torch.randint(0, 5, (8,), generator=gen)) for _ in range(3)]
    torch.manual_seed(0)
    reference = _mlp().double()
    model = _mlp().double()
    model.load_state_dict(reference.state_dict())
    eager_losses, eager_grads = _train(reference, batches, False, 3)
    rong_losses, rong_grads = _train(model, batches, True, 3)
    for a, b in zip(rong_losses, eager_losses):
        assert a.dtype == torch.float64
        _close(a, b, rtol=1e-12, atol=1e-14)
    for ga, gb in zip(rong_grads, eager_grads):
        for a, b in zip(ga, gb):
            _close(a, b, rtol=1e-10, atol=1e-13)
    assert not rong.dynamo.stats.compile_failures
    assert not rong.dynamo.stats.eager_ops, rong.dynamo.stats.eager_ops
    assert rong.dynamo.stats.kernels >= 4


def test_llama_training_is_compiled_and_matches_eager():
    """A LLaMA-style decoder layer (RMSNorm, rotary embeddings, grouped-query
    causal attention, SwiGLU) trains through torch.compile with nothing left
    to eager, forward and backward: rotate_half's backward writes into zeros
    with slice_scatter, RMSNorm's backward stretches its per-row sum with an
    explicit expand inside a reduction group."""
    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = model_zoo.LlamaLayer(32, 4, 2, 64, 8)
            self.head = nn.Linear(32, 5)

        def forward(self, x):
            return self.head(self.layer(x).mean(dim=1))

    gen = torch.Generator().manual_seed(2)
    batches = [(torch.randn(3, 8, 32, generator=gen),
                torch.randint(0, 5, (3,), generator=gen)) for _ in range(3)]
    _train_like_eager(Classifier, batches)
    assert not rong.dynamo.stats.compile_failures
    assert not rong.dynamo.stats.eager_ops, rong.dynamo.stats.eager_ops


def test_unsupported_op_runs_eagerly_and_is_logged(caplog):
    class WithSort(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(8, 8)

        def forward(self, x):
            y = torch.relu(self.lin(x))
            y = torch.sort(y, dim=-1).values
            return torch.softmax(y * 2.0, dim=-1)

    torch.manual_seed(0)
    module = WithSort().eval()
    x = torch.randn(4, 8)
    with caplog.at_level(logging.INFO, logger="rong"):
        with torch.no_grad():
            out = torch.compile(module, backend="rong")(x)
            _close(out, module(x))
    assert rong.dynamo.stats.eager_ops["aten.sort.default"] >= 1
    assert rong.dynamo.stats.partitions >= 2
    assert any("aten.sort.default" in r.getMessage() for r in caplog.records)


def test_entry_point_registers_backend_without_import(rong_build_dir):
    names = [ep.name for ep in importlib.metadata.entry_points(
        group="torch_dynamo_backends")]
    assert "rong" in names
    script = (
        "import torch\n"
        "m = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU())\n"
        "x = torch.randn(2, 4)\n"
        "y = torch.compile(m, backend='rong')(x)\n"
        "torch.testing.assert_close(y, m(x))\n"
        "import sys; assert 'rong' in sys.modules\n"
        "print('ok')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(rong_build_dir / "python_packages"), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", script], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")


DDP_SCRIPT = r"""
import os, sys, torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

def train(rank, world, port, compiled, out):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 3))
    # DDP around the compiled module: torch.compile(DDP(model)) graph-breaks
    # inside DDP's forward in this PyTorch, so no backend sees a graph.
    step = DDP(torch.compile(model, backend="rong") if compiled else model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    gen = torch.Generator().manual_seed(100 + rank)
    losses = []
    for _ in range(4):
        x = torch.randn(6, 12, generator=gen)
        y = torch.randint(0, 3, (6,), generator=gen)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(step(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    params = torch.cat([p.detach().flatten() for p in model.parameters()])
    partitions = 0
    if compiled:
        import rong.dynamo
        partitions = rong.dynamo.stats.partitions
    torch.save({"losses": losses, "params": params, "partitions": partitions},
               f"{out}.{rank}.pt")
    dist.destroy_process_group()

if __name__ == "__main__":
    port, compiled, out = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
    # The workers find the "rong" backend through its entry point.
    torch.multiprocessing.spawn(train, args=(2, port, compiled, out), nprocs=2)
"""


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ddp_gloo_trains_like_eager(tmp_path, rong_build_dir):
    script = tmp_path / "ddp.py"
    script.write_text(DDP_SCRIPT)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(rong_build_dir / "python_packages"), env.get("PYTHONPATH", "")])
    env["RONG_NUM_THREADS"] = "1"
    results = {}
    for compiled in ("0", "1"):
        out = tmp_path / f"run{compiled}"
        done = subprocess.run(
            [sys.executable, str(script), str(_free_port()), compiled,
             str(out)], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-4000:]
        results[compiled] = [torch.load(f"{out}.{rank}.pt")
                             for rank in range(2)]
    for rank in range(2):
        eager, rong_run = results["0"][rank], results["1"][rank]
        np.testing.assert_allclose(rong_run["losses"], eager["losses"],
                                   rtol=1e-5, atol=1e-6)
        _close(rong_run["params"], eager["params"], rtol=1e-5, atol=1e-6)
        assert rong_run["partitions"] >= 2, "Rong compiled nothing under DDP"
    # DDP keeps the replicas identical under both.
    _close(results["1"][0]["params"], results["1"][1]["params"], rtol=0,
           atol=0)


def test_user_guide_example_runs_as_written(rong_build_dir):
    script = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                          "train_with_rong.py")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(rong_build_dir / "python_packages"), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, script], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "step 4: loss eager" in done.stdout
    assert "max |rong - eager| after reload" in done.stdout
