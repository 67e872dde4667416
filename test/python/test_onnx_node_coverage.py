"""The ONNX node-test sweep as a test: no model may crash the importer, and
the number that import may not fall below the recorded coverage."""

import os
import pathlib

import onnx_node_coverage as coverage

# The count recorded in docs/onnx-coverage.md; raise it as coverage grows.
MIN_IMPORTED = 1075


def test_no_node_test_crashes_the_importer(rong_build_dir):
    results = coverage.sweep(str(rong_build_dir / "bin" / "rongc"))
    print("\n" + coverage.report(results))
    crashed = {n: r for n, (o, r) in results.items() if o == "crashed"}
    assert not crashed, f"the importer crashed on {len(crashed)} models: {crashed}"
    imported = sum(o == "imported" for o, _ in results.values())
    assert imported >= MIN_IMPORTED, (
        f"only {imported} node tests import, below the recorded {MIN_IMPORTED}")
