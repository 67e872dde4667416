"""The ONNX backend node tests, numerically, through `rongc --target=opencl`
and `rong-run --device opencl` (PoCL in CI; see onnx_conformance.py).

The sweep runs the node tests of the kernel strategies alone: those whose
graphs hold no op that becomes a library call (onnx_conformance.LIBRARY_OPS:
MatMul, Gemm, Conv, Attention, ...). PoCL compiles every kernel the first
time it meets it, which makes a sweep of all node tests take 21 minutes on
the 2-core machine with an empty kernel cache (3 minutes with a warm one);
gemm and conv2d on OpenCL are covered by the end-to-end models and the
runtime's unit tests instead. Every selected test passes or is listed, with
its reason, in onnx_conformance_opencl_expected_failures.txt (the failures of
the whole sweep, `onnx_conformance.py --target opencl`); a listed test that
now passes must be removed from the list, so the list stays exact."""

import onnx_conformance as conformance

# The pass count of the selection recorded in docs/onnx-coverage.md; raise
# it as it grows.
MIN_PASSED = 1045


def test_onnx_node_tests_match_expected_outputs_on_opencl(rong_build_dir):
    results = conformance.sweep(str(rong_build_dir), target="opencl",
                                select=conformance.kernels_only)
    report = conformance.report(results, "opencl", conformance.KERNELS_ONLY)
    print("\n" + report)
    # scripts/test.sh prints this summary after the pytest stage.
    (rong_build_dir / "onnx-conformance-opencl.txt").write_text(report + "\n")
    expected = conformance.read_expected(
        conformance.TARGETS["opencl"]["expected"])
    conformance.check(results, expected, MIN_PASSED, where=" on OpenCL")
