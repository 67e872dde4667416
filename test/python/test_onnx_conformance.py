"""The ONNX backend node tests, numerically, through rongc and rong-run on
the CPU (see onnx_conformance.py). Every test passes or is listed, with its
reason, in onnx_conformance_expected_failures.txt; a listed test that now
passes must be removed from the list, so the list stays exact."""

import onnx_conformance as conformance

# The pass count recorded in docs/onnx-coverage.md; raise it as it grows.
MIN_PASSED = 639


def test_onnx_node_tests_match_expected_outputs(rong_build_dir):
    results = conformance.sweep(str(rong_build_dir))
    report = conformance.report(results)
    print("\n" + report)
    # scripts/test.sh prints this summary after the pytest stage.
    (rong_build_dir / "onnx-conformance.txt").write_text(report + "\n")
    expected = conformance.read_expected()
    crashed = {n: r for n, (o, r) in results.items() if o == "crashed"}
    assert not crashed, f"a tool crashed on {len(crashed)} node tests: {crashed}"
    failing = {n: f"{o}: {r}" for n, (o, r) in results.items() if o != "passed"}
    unexpected = {n: r for n, r in failing.items() if n not in expected}
    fixed = sorted(n for n in expected if results.get(n, ("",))[0] == "passed")
    assert not unexpected, (
        f"{len(unexpected)} node tests fail that are not in the expected-failure "
        f"list: {unexpected}")
    assert not fixed, (
        f"{len(fixed)} node tests in the expected-failure list now pass; remove "
        f"them: {fixed}")
    passed = sum(o == "passed" for o, _ in results.values())
    assert passed >= MIN_PASSED, f"only {passed} node tests pass (< {MIN_PASSED})"
