"""Runs a compiled artifact on random inputs, compares it with onnxruntime
and times both. Used by scripts/demo.sh.

Usage: demo_run.py ARTIFACT MODEL.onnx
"""

import pathlib
import statistics
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "test" / "python"))
import rong_tools  # noqa: E402

ONNX_TO_NUMPY = {onnx.TensorProto.FLOAT: np.float32,
                 onnx.TensorProto.FLOAT16: np.float16,
                 onnx.TensorProto.INT64: np.int64,
                 onnx.TensorProto.INT32: np.int32,
                 onnx.TensorProto.BOOL: np.bool_}


def main():
    artifact, model_path = sys.argv[1], sys.argv[2]
    model = onnx.load(model_path)
    initializers = {t.name for t in model.graph.initializer}
    rng = np.random.default_rng(0)
    inputs = []
    for value in model.graph.input:
        if value.name in initializers:
            continue
        tensor = value.type.tensor_type
        shape = [d.dim_value for d in tensor.shape.dim]
        dtype = ONNX_TO_NUMPY[tensor.elem_type]
        inputs.append(rng.standard_normal(shape).astype(dtype))

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model_path, options,
                                   providers=["CPUExecutionProvider"])
    feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs)}
    want = session.run(None, feeds)
    got = rong_tools.run_artifact(artifact, inputs, len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        diff = float(np.abs(g.astype(np.float64) - w.astype(np.float64)).max())
        print(f"output {i} {list(g.shape)}: largest difference from "
              f"onnxruntime {diff:.3g}")

    rong_ms = rong_tools.benchmark_artifact(artifact, inputs, warmup=10,
                                            iterations=200)
    times = []
    for i in range(210):
        start = time.perf_counter()
        session.run(None, feeds)
        if i >= 10:
            times.append((time.perf_counter() - start) * 1e3)
    ort_ms = statistics.median(times)
    print(f"median latency: rong {rong_ms:.4f} ms, onnxruntime {ort_ms:.4f} ms "
          f"(all graph optimisations) on this machine's CPU")


if __name__ == "__main__":
    main()
