"""ONNX's own node-test runner (`onnx.backend.test.BackendTest`) against
`rong.onnx.Backend`, in-process through the Python module.

It runs every ONNX node test that the conformance sweep
(test_onnx_conformance.py, which drives rongc and rong-run) expects to pass,
so the two routes into Rong are held to the same list; ONNX's runner applies
its own tolerances.
"""

import onnx.backend.test
import pytest

import onnx_conformance
import rong.onnx

# Listed tests fail, or pass only with inputs fixed at compile time, which
# the backend API (prepare, then run) has no way to ask for.
_expected_failures = onnx_conformance.read_expected()
_all_node_tests = [case[0] for case in onnx_conformance.load_cases()]
_passing = sorted(set(_all_node_tests) - set(_expected_failures))

backend_test = onnx.backend.test.BackendTest(rong.onnx.Backend, __name__)
# One anchored alternative per test: ONNX names each case <test>_cpu.
backend_test.include("^(" + "|".join(_passing) + ")_cpu$")

# BackendTest reports every test it was not told to include as skipped;
# only the included ones are collected here, so the summary counts what ran.
_wanted = {f"{name}_cpu" for name in _passing}
_cases = backend_test.test_cases  # a property that rebuilds on each read
for _case in _cases.values():
    for _attr in [a for a in vars(_case) if a.startswith("test_")]:
        if _attr not in _wanted:
            delattr(_case, _attr)
globals().update(_cases)


def test_backend_runs_the_expected_count():
    # The include list is the conformance sweep's passing set; if it shrank
    # to nothing the runner above would silently test nothing.
    import test_onnx_conformance
    constant = onnx_conformance.passes_with_constants(_expected_failures)
    assert len(_passing) >= test_onnx_conformance.MIN_PASSED - len(constant)


def test_backend_rejects_other_devices():
    assert rong.onnx.Backend.supports_device("CPU")
    assert not rong.onnx.Backend.supports_device("CUDA")
    with pytest.raises(ValueError, match="CUDA"):
        rong.onnx.Backend.prepare(onnx.ModelProto(), device="CUDA")
