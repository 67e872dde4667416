"""The ONNX backend node tests, numerically, through rongc and rong-run on
the CPU (see onnx_conformance.py). Every test passes or is listed, with its
reason, in onnx_conformance_expected_failures.txt; a listed test that now
passes must be removed from the list, so the list stays exact."""

import onnx_conformance as conformance

# The pass count recorded in docs/onnx-coverage.md; raise it as it grows.
MIN_PASSED = 1285


def test_onnx_node_tests_match_expected_outputs(rong_build_dir):
    results = conformance.sweep(str(rong_build_dir))
    report = conformance.report(results)
    print("\n" + report)
    # scripts/test.sh prints this summary after the pytest stage.
    (rong_build_dir / "onnx-conformance.txt").write_text(report + "\n")
    expected = conformance.read_expected()
    conformance.check(results, expected, MIN_PASSED)
