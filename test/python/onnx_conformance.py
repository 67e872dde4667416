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


def run_case(build, target, name, model, inputs, expected, rtol, atol):
    config = TARGETS[target]
    rongc = os.path.join(build, "bin", "rongc")
    rong_run = os.path.join(build, "bin", "rong-run")
    with tempfile.TemporaryDirectory() as tmp:
        artifact = os.path.join(tmp, "model.rong")
        model_path = os.path.join(tmp, "model.onnx")
        with open(model_path, "wb") as f:
            f.write(model.SerializeToString())
        done = subprocess.run([rongc, model_path, "-o", artifact,
                               *config["rongc"]],
                              capture_output=True, text=True, check=False)
        if crashed(done):
            return name, "crashed", "rongc: " + (done.stderr.strip().splitlines() or ["?"])[-1]
        if done.returncode != 0:
            return name, "not-compiled", short_reason(done.stderr)
        args = [rong_run, artifact, "--device", config["device"]]
        for i, x in enumerate(inputs):
            path = os.path.join(tmp, f"in{i}.npy")
            x = as_array(x)
            # rong-run reads bfloat16 as its bit patterns.
            np.save(path, x.view(np.uint16) if is_bfloat16(x.dtype) else x)
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
    lines = [f"ONNX node tests run through rongc + rong-run ({what}): "
             f"{counts['passed']} passed of {len(results)}"]
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


def check(results, expected, min_passed, where=""):
    """Asserts that `results` match the expected-failure list exactly: no
    crash, no failure the list does not name, no listed test that passes,
    and at least `min_passed` passes. `where` (" on OpenCL") goes into the
    messages."""
    crashed = {n: r for n, (o, r) in results.items() if o == "crashed"}
    assert not crashed, f"a tool crashed on {len(crashed)} node tests: {crashed}"
    failing = {n: f"{o}: {r}" for n, (o, r) in results.items() if o != "passed"}
    unexpected = {n: r for n, r in failing.items() if n not in expected}
    fixed = sorted(n for n in expected if results.get(n, ("",))[0] == "passed")
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
            f"{len(results)} pass; {len(failing)} are listed.", ""]
    for outcome in ("mismatch", "run-error", "not-compiled", "crashed"):
        if by_outcome[outcome]:
            text.append(f"# --- {outcome} ({len(by_outcome[outcome])})")
            text.extend(by_outcome[outcome])
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
