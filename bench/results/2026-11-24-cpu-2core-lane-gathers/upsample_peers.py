"""2x upsampling of 1 x 64 x 160 x 160 f32 on the CPU, side by side in one
run: Rong from ONNX Resize and from torch.export (F.interpolate), against
onnxruntime, PyTorch eager and torch.compile (inductor). Times in ms: Rong's
the median of `rong-run --benchmark` (100 runs after 10 warm-ups), the
peers' the median of 30 runs after 5 warm-ups. The torch route exports
with fx_importer.decompositions(), as rong.compile does. Run from the
repository root with the build's Python package on PYTHONPATH."""

import pathlib
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np
import onnxruntime as ort
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, "test/python")
import rong_tools  # noqa: E402
from rong import fx_importer  # noqa: E402

warnings.filterwarnings("ignore")
SHAPE, OUT = [1, 64, 160, 160], [1, 64, 320, 320]
MODES = {  # name -> (ONNX Resize attributes, F.interpolate mode)
    "nearest": (dict(mode="nearest", nearest_mode="floor",
                     coordinate_transformation_mode="asymmetric"), "nearest"),
    "bilinear": (dict(mode="linear"), "bilinear"),
    "bicubic": (dict(mode="cubic"), "bicubic"),
}


def median_ms(fn, warmup=5, runs=30):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


class Up(torch.nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        return F.interpolate(x, scale_factor=2, mode=self.mode)


def main():
    torch.set_num_threads(2)
    x = np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)
    tx = torch.from_numpy(x)
    tmp = pathlib.Path(tempfile.mkdtemp())
    rows = {}
    # Compile everything first, then time Rong while no PyTorch or
    # onnxruntime worker threads are about, then the peers.
    for name, (attrs, mode) in MODES.items():
        onnx_path = str(tmp / f"{name}.onnx")
        rong_tools.save_onnx_model(
            onnx_path, [helper.make_node("Resize", ["x", "", "s"], ["y"],
                                         **attrs)],
            [("x", TensorProto.FLOAT, SHAPE)], [("y", TensorProto.FLOAT, OUT)],
            [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "s")],
            opset=19)
        rong_tools.compile_model(onnx_path, str(tmp / f"{name}_onnx.rong"))
        ep = torch.export.export(Up(mode).eval(), (tx,)).run_decompositions(
            fx_importer.decompositions())
        graph = fx_importer.import_exported_program(ep)
        (tmp / f"{name}.mlir").write_text(graph.to_standalone_text())
        rong_tools.compile_model(str(tmp / f"{name}.mlir"),
                                 str(tmp / f"{name}_torch.rong"))
    for name in MODES:
        rows[name] = [rong_tools.benchmark_artifact(
            str(tmp / f"{name}_{route}.rong"), [x], warmup=10,
            iterations=100) for route in ("onnx", "torch")]
    for name in MODES:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        session = ort.InferenceSession(str(tmp / f"{name}.onnx"), options,
                                       providers=["CPUExecutionProvider"])
        rows[name].append(median_ms(lambda: session.run(None, {"x": x})))
    print("mode | rong(onnx) | rong(torch) | onnxruntime | eager | "
          "torch.compile | max diff vs eager")
    for name, (_, mode) in MODES.items():
        model = Up(mode).eval()
        got = rong_tools.run_artifact(str(tmp / f"{name}_torch.rong"), [x], 1)
        with torch.no_grad():
            want = model(tx)
            eager_ms = median_ms(lambda: model(tx))
            try:
                compiled = torch.compile(model)
                compiled(tx)
                compile_ms = f"{median_ms(lambda: compiled(tx)):.3f}"
            except Exception as error:  # no C++ toolchain for inductor
                compile_ms = f"n/a ({type(error).__name__})"
        diff = float(np.abs(got[0] - want.numpy()).max())
        onnx_ms, torch_ms, ort_ms = rows[name]
        print(f"{name} | {onnx_ms:.3f} | {torch_ms:.3f} | {ort_ms:.3f} | "
              f"{eager_ms:.3f} | {compile_ms} | {diff:.2e}")


if __name__ == "__main__":
    main()
