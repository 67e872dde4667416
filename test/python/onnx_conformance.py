"""Runs the ONNX backend node tests through Rong, numerically.

Each node test's model is compiled with `rongc model.onnx -o model.rong
--target=cpu`, run with `rong-run` on the test's inputs (test_data_set_0)
and compared with the test's expected outputs with the test's own tolerances
(ONNX's defaults: rtol 1e-3, atol 1e-7) for floats, exactly for integers and
bools. Outcomes:

  passed       every output matches
  mismatch     an output differs (value, shape or type)
  run-error    rong-run refused the artifact or the inputs
  not-compiled rongc stopped with an error (unsupported op, element type,
               a shape Rong does not handle yet, ...)
  crashed      a tool died instead of reporting an error

Rong takes some operands as compile-time constants (reduction axes, shapes,
pads, slice bounds: PARAMETER_INPUTS). Many node tests feed those as graph
inputs. When rongc asks for such a constant, the test is compiled again with
those graph inputs fixed to the test's values (`rongc --constant-input
NAME=FILE.npy`) and run on its other inputs; such a pass is reported apart
("passed with parameter inputs fixed at compile time").

With `--target opencl` the models are compiled with `--target=opencl` and
run with `rong-run --device opencl` (PoCL in CI) instead; each target has its
own expected-failure list (TARGETS below). `--kernels-only` keeps the node
tests whose graphs hold no op that becomes a library call (MatMul, Gemm,
Conv, Attention, ...; see LIBRARY_OPS): the tests of the kernel strategies
alone, which is what the OpenCL pytest runs.

Usage: python3 test/python/onnx_conformance.py [--build DIR] [--jobs N]
           [--target cpu|opencl] [--kernels-only] [--write-expected FILE]
           [--filter SUBSTRING]
"""

import argparse
import collections
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnx.numpy_helper

CRASH_MARKERS = ("Stack dump", "LLVM ERROR", "Assertion", "Segmentation",
                 "terminate called")
UNSUPPORTED_OP = re.compile(r"\((?P<op>[A-Za-z0-9_]+)\): unsupported op")
ELEMENT_TYPE = re.compile(r"element type (?P<type>[A-Z0-9_]+), which Rong does not support")
OPSET = re.compile(r"model uses ONNX opset (?P<opset>\d+)")

HERE = pathlib.Path(__file__).resolve().parent
EXPECTED_FILE = HERE / "onnx_conformance_expected_failures.txt"

# Per target: rongc flags, the rong-run device and the expected-failure list.
TARGETS = {
    "cpu": {"rongc": ["--target=cpu"], "device": "cpu",
            "expected": EXPECTED_FILE},
    "opencl": {"rongc": ["--target=opencl"], "device": "opencl",
               "expected": HERE / "onnx_conformance_opencl_expected_failures.txt"},
}


# ONNX ops that Rong runs as library calls (gemm, batched_gemm, conv2d) or
# whose expansions contain such ops.
LIBRARY_OPS = {"MatMul", "Gemm", "Conv", "ConvTranspose", "Attention",
               "Einsum", "MatMulInteger", "ConvInteger", "QLinearMatMul",
               "QLinearConv"}


KERNELS_ONLY = "tests without library calls"


# The inputs that Rong takes as compile-time constants, by op type: axes,
# shapes, pads, bounds, repeat counts. The node tests feed them as graph
# inputs; when rongc asks for a constant, the sweep compiles again with the
# graph inputs in these slots fixed to the test's values (`rongc
# --constant-input`), as a user would, and reports those passes apart.
PARAMETER_INPUTS = {
    "ReduceSum": (1,), "ReduceMean": (1,), "ReduceMax": (1,),
    "ReduceMin": (1,), "ReduceProd": (1,), "ReduceL1": (1,), "ReduceL2": (1,),
    "ReduceLogSum": (1,), "ReduceLogSumExp": (1,), "ReduceSumSquare": (1,),
    "Reshape": (1,), "Expand": (1,), "Tile": (1,), "Squeeze": (1,),
    "Unsqueeze": (1,), "Split": (1,), "Slice": (1, 2, 3, 4),
    "Pad": (1, 2, 3), "Range": (0, 1, 2), "Clip": (1, 2),
    "Dropout": (1, 2), "ConstantOfShape": (0,), "CumSum": (1,),
    "CumProd": (1,), "TopK": (1,), "OneHot": (1,), "Resize": (1, 2, 3),
    "Trilu": (1,), "CenterCropPad": (1,),
}
CONSTANT_INPUTS = "with constant inputs: "
CONSTANT_OUTCOME = "constant-inputs:"
NEEDS_CONSTANT = re.compile(r"must be (a )?(compile-time )?constant")


def parameter_inputs(model):
    """The names of the graph inputs that feed a PARAMETER_INPUTS slot."""
    graph_inputs = {i.name for i in model.graph.input}
    names = set()
    for node in model.graph.node:
        for slot in PARAMETER_INPUTS.get(node.op_type, ()):
            if slot < len(node.input) and node.input[slot] in graph_inputs:
                names.add(node.input[slot])
    return names


def graph_ops(graph):
    """Every op type in `graph` and its subgraphs."""
    ops = set()
    for node in graph.node:
        ops.add(node.op_type)
        for attribute in node.attribute:
            if attribute.g and attribute.g.node:
                ops |= graph_ops(attribute.g)
            for subgraph in attribute.graphs:
                ops |= graph_ops(subgraph)
    return ops


def kernels_only(name, model):
    """The node tests of the kernel strategies alone: no op of the model is a
    library call."""
    return not graph_ops(model.graph) & LIBRARY_OPS


def load_cases(name_filter=None):
    """(name, model, inputs, expected outputs, rtol, atol) per node test.
    onnx generates the node tests in memory, with its reference outputs."""
    import warnings

    import onnx.backend.test.loader as loader

    warnings.filterwarnings("ignore")
    np.seterr(all="ignore")
    cases = []
    for test in loader.load_model_tests(kind="node"):
        if name_filter and name_filter not in test.name:
            continue
        if test.model is None or not test.data_sets:
            continue
        inputs, outputs = test.data_sets[0]
        cases.append((test.name, test.model, list(inputs), list(outputs),
                      test.rtol, test.atol))
    return sorted(cases, key=lambda c: c[0])


def short_reason(stderr):
    if m := UNSUPPORTED_OP.findall(stderr):
        return "unsupported op " + ", ".join(sorted(set(m)))
    if m := ELEMENT_TYPE.search(stderr):
        return f"element type {m.group('type')}"
    if m := OPSET.search(stderr):
        return f"opset {m.group('opset')}"
    lines = [l for l in stderr.strip().splitlines() if "error:" in l]
    first = lines[0] if lines else (stderr.strip().splitlines() or ["?"])[0]
    first = re.sub(r"^.*?error: ", "", first)
    first = re.sub(r"node '[^']*' ", "", first)
    first = re.sub(r"\S*/(in\d+\.npy)", r"\1", first)
    return first[:160]


def as_array(x):
    """A test input or output as NumPy: the float16/bfloat16 cast tests give
    TensorProtos (bfloat16 comes back as ml_dtypes' bfloat16)."""
    if isinstance(x, onnx.TensorProto):
        return onnx.numpy_helper.to_array(x)
    return np.asarray(x)


def is_bfloat16(dtype):
    return dtype.name == "bfloat16"


def crashed(done):
    return done.returncode not in (0, 1) or any(
        m in done.stderr for m in CRASH_MARKERS)


def save_input(path, x):
    x = as_array(x)
    # rongc and rong-run read bfloat16 as its bit patterns.
    np.save(path, x.view(np.uint16) if is_bfloat16(x.dtype) else x)


def run_case(build, target, name, model, inputs, expected, rtol, atol):
    config = TARGETS[target]
    rongc = os.path.join(build, "bin", "rongc")
    rong_run = os.path.join(build, "bin", "rong-run")
    with tempfile.TemporaryDirectory() as tmp:
        artifact = os.path.join(tmp, "model.rong")
        model_path = os.path.join(tmp, "model.onnx")
        with open(model_path, "wb") as f:
            f.write(model.SerializeToString())
        compile_args = [rongc, model_path, "-o", artifact, *config["rongc"]]
        done = subprocess.run(compile_args, capture_output=True, text=True,
                              check=False)
        # The test data holds one value per graph input that is not an
        # initializer, in order.
        initializers = {t.name for t in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in initializers]
        fixed = set()
        if (done.returncode == 1 and NEEDS_CONSTANT.search(done.stderr)
                and (fixed := parameter_inputs(model) & set(names[:len(inputs)]))):
            for i, (input_name, x) in enumerate(zip(names, inputs)):
                if input_name in fixed:
                    path = os.path.join(tmp, f"const{i}.npy")
                    save_input(path, x)
                    compile_args.append(f"--constant-input={input_name}={path}")
            done = subprocess.run(compile_args, capture_output=True, text=True,
                                  check=False)
        if crashed(done):
            return name, "crashed", "rongc: " + (done.stderr.strip().splitlines() or ["?"])[-1]
        if done.returncode != 0:
            return name, "not-compiled", short_reason(done.stderr)
        args = [rong_run, artifact, "--device", config["device"]]
        for i, (input_name, x) in enumerate(zip(names, inputs)):
            if input_name in fixed:
                continue
            path = os.path.join(tmp, f"in{i}.npy")
            save_input(path, x)
            args += ["--input", path]
        outs = [os.path.join(tmp, f"out{i}.npy") for i in range(len(expected))]
        for path in outs:
            args += ["--output", path]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if crashed(done):
            return name, "crashed", "rong-run: " + (done.stderr.strip().splitlines() or ["?"])[-1]
        if done.returncode != 0:
            return name, "run-error", short_reason(done.stderr)
        for i, (path, want) in enumerate(zip(outs, expected)):
            want = as_array(want)
            got = np.load(path)
            if is_bfloat16(want.dtype) and got.dtype == np.uint16:
                got = got.view(want.dtype)
            if got.shape != want.shape:
                return name, "mismatch", f"output {i}: shape {got.shape}, expected {want.shape}"
            if got.dtype != want.dtype:
                return name, "mismatch", f"output {i}: {got.dtype}, expected {want.dtype}"
            if is_bfloat16(want.dtype):
                ok = np.allclose(got.astype(np.float32),
                                 want.astype(np.float32), rtol=rtol,
                                 atol=atol, equal_nan=True)
            elif want.dtype.kind == "f":
                ok = np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
            else:
                ok = np.array_equal(got, want)
            if not ok:
                diff = (np.abs(got.astype(np.float64) - want.astype(np.float64)).max()
                        if got.size else 0)
                return name, "mismatch", f"output {i}: max difference {diff:.3g}"
    if fixed:
        return name, "passed", CONSTANT_INPUTS + ", ".join(sorted(fixed))
    return name, "passed", ""


def sweep(build, jobs=None, name_filter=None, target="cpu", select=None):
    """{test name: (outcome, reason)}; `select(name, model)` may leave tests
    out."""
    cases = load_cases(name_filter)
    if select:
        cases = [c for c in cases if select(c[0], c[1])]
    jobs = jobs or os.cpu_count() or 2
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, outcome, reason in pool.map(
                lambda c: run_case(build, target, *c), cases):
            results[name] = (outcome, reason)
    return results


def report(results, target="cpu", selection=""):
    counts = collections.Counter(o for o, _ in results.values())
    what = f"{target}, {selection}" if selection else target
    constant = sum(o == "passed" and r.startswith(CONSTANT_INPUTS)
                   for o, r in results.values())
    lines = [f"ONNX node tests run through rongc + rong-run ({what}): "
             f"{counts['passed']} passed of {len(results)}",
             f"  passed as given: {counts['passed'] - constant}",
             f"  passed with parameter inputs fixed at compile time: {constant}"]
    for outcome in ("mismatch", "run-error", "not-compiled", "crashed"):
        lines.append(f"  {outcome}: {counts[outcome]}")
    reasons = collections.Counter(r for o, r in results.values()
                                  if o in ("mismatch", "run-error"))
    if reasons:
        lines.append("  compiled but failing, by reason:")
        for reason, n in reasons.most_common():
            lines.append(f"    {n:4d}  {reason}")
    return "\n".join(lines)


def read_expected(path=EXPECTED_FILE):
    """{test name: reason} from the expected-failure list."""
    path = pathlib.Path(path)
    expected = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        expected[name] = reason.strip()
    return expected


def passes_with_constants(expected):
    """The listed tests that pass once their parameter inputs are fixed."""
    return {n for n, r in expected.items() if r.startswith(CONSTANT_OUTCOME)}


def check(results, expected, min_passed, where=""):
    """Asserts that `results` match the expected-failure list exactly: no
    crash, no failure the list does not name, no listed test that passes
    (as given, or with constant inputs when the list says it fails), and at
    least `min_passed` passes. `where` (" on OpenCL") goes into the
    messages."""
    crashed = {n: r for n, (o, r) in results.items() if o == "crashed"}
    assert not crashed, f"a tool crashed on {len(crashed)} node tests: {crashed}"
    constant = passes_with_constants(expected)
    failing = {n: f"{o}: {r}" for n, (o, r) in results.items()
               if o != "passed" or (r and n not in constant)}
    unexpected = {n: r for n, r in failing.items()
                  if n not in expected or n in constant}
    fixed = sorted(n for n in expected if results.get(n, ("",))[0] == "passed"
                   and (n not in constant or not results[n][1]))
    assert not unexpected, (
        f"{len(unexpected)} node tests fail{where} that are not in the "
        f"expected-failure list: {unexpected}")
    assert not fixed, (
        f"{len(fixed)} node tests in the expected-failure list now pass{where}; "
        f"remove them: {fixed}")
    passed = sum(o == "passed" for o, _ in results.values())
    assert passed >= min_passed, f"only {passed} node tests pass (< {min_passed})"


def write_expected(results, path, target="cpu"):
    failing = {n: (o, r) for n, (o, r) in results.items() if o != "passed"}
    by_outcome = collections.defaultdict(list)
    for name, (outcome, reason) in sorted(failing.items()):
        by_outcome[outcome].append(f"{name} {outcome}: {reason}")
    constant = sorted((n, r[len(CONSTANT_INPUTS):]) for n, (o, r) in results.items()
                      if o == "passed" and r)
    test_file = ("test_onnx_conformance.py" if target == "cpu"
                 else f"test_onnx_conformance_{target}.py")
    flag = "" if target == "cpu" else f"--target {target} "
    text = ["# ONNX node tests that do not pass through rongc + rong-run on the",
            f"# {target} target, one per line: `<test> <outcome>: <reason>`.",
            f"# test/python/{test_file} fails when a test listed",
            "# here passes (remove it) or one not listed fails (fix it or list",
            "# it with its reason). Regenerate with",
            f"#   python3 test/python/onnx_conformance.py {flag}--write-expected " +
            f"test/python/{pathlib.Path(TARGETS[target]['expected']).name}",
            f"# {sum(o == 'passed' for o, _ in results.values())} of "
            f"{len(results)} pass; {len(failing)} are listed as failing.",
            "# The tests under `constant-inputs` pass once the graph inputs",
            "# named after the colon are fixed at compile time (rongc",
            "# --constant-input); they must keep passing that way.", ""]
    for outcome in ("mismatch", "run-error", "not-compiled", "crashed"):
        if by_outcome[outcome]:
            text.append(f"# --- {outcome} ({len(by_outcome[outcome])})")
            text.extend(by_outcome[outcome])
            text.append("")
    if constant:
        text.append(f"# --- {CONSTANT_OUTCOME[:-1]} ({len(constant)})")
        text.extend(f"{n} {CONSTANT_OUTCOME} {inputs}" for n, inputs in constant)
        text.append("")
    pathlib.Path(path).write_text("\n".join(text))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.environ.get(
        "RONG_BUILD_DIR", str(HERE.parents[1] / "build")))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--filter", default=None)
    parser.add_argument("--target", choices=sorted(TARGETS), default="cpu")
    parser.add_argument("--kernels-only", action="store_true")
    parser.add_argument("--write-expected", default=None)
    args = parser.parse_args()
    if args.write_expected and (args.kernels_only or args.filter):
        parser.error("--write-expected lists the failures of the whole sweep; "
                     "leave out --kernels-only and --filter")
    results = sweep(args.build, args.jobs, args.filter, args.target,
                    kernels_only if args.kernels_only else None)
    print(report(results, args.target,
                 KERNELS_ONLY if args.kernels_only else ""))
    if args.write_expected:
        write_expected(results, args.write_expected, args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
