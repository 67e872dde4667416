"""Drives Rong's command-line tools from Python: compile a model with rongc
and run the artifact with rong-run. The tests and the benchmarks share it."""

import os
import pathlib
import subprocess
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("RONG_BUILD_DIR", ROOT / "build"))


def tool(name: str) -> str:
    path = build_dir() / "bin" / name
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: build Rong first "
                                "(scripts/test.sh)")
    return str(path)


def llvm_tool(name: str) -> str:
    """An LLVM tool (llvm-objdump, ...) of the LLVM the build was configured
    with (LLVM_DIR in its CMake cache)."""
    cache = build_dir() / "CMakeCache.txt"
    for line in cache.read_text().splitlines():
        if line.startswith("LLVM_DIR:"):
            path = pathlib.Path(line.split("=", 1)[1]).parents[2] / "bin" / name
            if path.exists():
                return str(path)
            raise FileNotFoundError(f"{path} does not exist")
    raise FileNotFoundError(f"{cache} names no LLVM_DIR")


class ToolError(RuntimeError):
    pass


# The targets whose kernels run on this machine, as (rongc target, print
# profile, rong-run device): the CPU backend, OpenCL on PoCL, and sm_90's
# kernel IR (warps of 32, 16-byte vectors) printed as OpenCL C.
KERNEL_TARGETS = [("cpu", "", "cpu"), ("opencl", "", "opencl"),
                  ("sm_90", "opencl", "opencl")]


def compile_model(model: str, artifact: str, target: str = "cpu",
                  fuse: bool = True, profile: str = "") -> str:
    """Compiles `model` (.onnx or .mlir) to `artifact`; returns the plan
    rongc prints. `profile="opencl"` prints the kernels of a GPU target as
    OpenCL C."""
    args = [tool("rongc"), model, "-o", artifact, f"--target={target}",
            "--print-plan"]
    if profile:
        args.append(f"--profile={profile}")
    if not fuse:
        args.append("--no-fusion")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ToolError(f"rongc failed on {model}:\n{done.stderr}")
    return done.stdout


def plan_counts(plan: str) -> tuple[int, int]:
    """(kernels, library calls) of a plan printed by rongc --print-plan."""
    kernels = sum(1 for line in plan.splitlines() if "  kernel  " in line)
    calls = sum(1 for line in plan.splitlines() if "  library " in line)
    return kernels, calls


def run_artifact(artifact: str, inputs, num_outputs: int, threads: int = 0,
                 device: str = "cpu"):
    """Runs `artifact` on NumPy `inputs` with rong-run on `device`; returns
    the outputs."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [tool("rong-run"), artifact, "--device", device]
        for i, x in enumerate(inputs):
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, np.ascontiguousarray(x))
            args += ["--input", path]
        outs = [os.path.join(tmp, f"out{i}.npy") for i in range(num_outputs)]
        for path in outs:
            args += ["--output", path]
        if threads:
            args += ["--threads", str(threads)]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ToolError(f"rong-run failed on {artifact}:\n{done.stderr}")
        return [np.load(path) for path in outs]


def benchmark_artifact(artifact: str, inputs, warmup: int = 5,
                       iterations: int = 20) -> float:
    """Median latency of `artifact` in milliseconds, measured by rong-run."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [tool("rong-run"), artifact, "--benchmark",
                "--warmup", str(warmup), "--iterations", str(iterations)]
        for i, x in enumerate(inputs):
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, np.ascontiguousarray(x))
            args += ["--input", path]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ToolError(f"rong-run --benchmark failed:\n{done.stderr}")
        for line in done.stdout.splitlines():
            if "median" in line:
                return float(line.split("median")[1].split()[0].strip(":= "))
        raise ToolError(f"no median in rong-run output:\n{done.stdout}")


def onnxruntime_reference(path, inputs):
    """The outputs of ONNX model `path` on `inputs` from onnxruntime's CPU
    provider, all graph optimisations on."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options,
                                   providers=["CPUExecutionProvider"])
    feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs)}
    return session.run(None, feeds)


def zoo_references(out_dir: str):
    """Returns a function name -> (model path, example inputs, onnxruntime's
    outputs) for the models of model_zoo.py, each exported to `out_dir` and
    run by onnxruntime once."""
    import model_zoo  # Imports torch: only where a test needs the models.

    cache = {}

    def get(name):
        if name not in cache:
            path, inputs = model_zoo.export(name, out_dir)
            cache[name] = (path, inputs, onnxruntime_reference(path, inputs))
        return cache[name]

    return get


def assert_close(got, want, what):
    """Rong's outputs against a reference's, at tolerance(dtype)."""
    assert len(got) == len(want), f"{what}: {len(got)} outputs, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.shape == w.shape, f"{what} output {i}: shape {g.shape} != {w.shape}"
        rtol, atol = tolerance(w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol,
                                   err_msg=f"{what} output {i}")


def tolerance(dtype) -> tuple[float, float]:
    """(rtol, atol) for comparing with a reference computed in `dtype`."""
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return 1e-2, 1e-2
    if dtype == np.float32:
        return 1e-4, 1e-4
    if dtype == np.float64:
        return 1e-7, 1e-8
    return 0.0, 0.0


def ordered_bits(x):
    """bf16/f16 values as integers in the order of the values, so that the
    difference of two is their distance in ulps (+0 and -0 coincide)."""
    bits = x.view(np.uint16).astype(np.int64)
    return np.where(bits & 0x8000, 0x8000 - bits, bits)


def save_onnx_model(path, nodes, inputs, outputs, initializers=(),
                    opset=18):
    """Writes a checked one-graph ONNX model: `inputs` and `outputs` are
    (name, TensorProto element type, shape) triples."""
    import onnx
    from onnx import helper
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=list(initializers))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def axes_tensor(name, values):
    """An int64 initializer `name` holding the axes `values`."""
    from onnx import TensorProto, helper
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)
