"""Shared fixtures of Rong's pytest stage.

The tests drive the tools of a CMake build; RONG_BUILD_DIR names it (default:
`build/` at the top of the source tree).
"""

import os
import pathlib
import subprocess

import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


# Helper modules next to the tests (e.g. the ONNX node-test sweep) import as
# plain modules.
sys.path.insert(0, str(pathlib.Path(__file__).parent))


def _build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("RONG_BUILD_DIR", ROOT / "build"))


# The build assembles the Python package `rong` (the extension and
# python/rong/*.py) in <build>/python_packages; tests import it from there.
sys.path.insert(0, str(_build_dir() / "python_packages"))


@pytest.fixture(scope="session")
def rong_build_dir() -> pathlib.Path:
    """The CMake build directory the tests use."""
    return _build_dir()


@pytest.fixture(scope="session")
def rong_opt():
    """Returns a function that runs rong-opt on IR text and gives its stdout."""
    tool = _build_dir() / "bin" / "rong-opt"
    if not tool.exists():
        pytest.fail(f"{tool} does not exist: build Rong first (scripts/test.sh)")

    def run(ir: str, *args: str) -> str:
        done = subprocess.run([str(tool), *args], input=ir, text=True,
                              capture_output=True, check=False)
        if done.returncode != 0:
            raise AssertionError(f"rong-opt {' '.join(args)} failed:\n{done.stderr}\n{ir}")
        return done.stdout

    return run


@pytest.fixture(scope="module")
def exported(tmp_path_factory, request):
    """name -> (model path, example inputs, onnxruntime's outputs) for the
    models of model_zoo.py, each exported once per test module."""
    import rong_tools  # Next to the tests (sys.path above).

    folder = tmp_path_factory.mktemp(request.module.__name__ + "_zoo")
    return rong_tools.zoo_references(str(folder))
