# -*- Python -*-
# Configuration of Rong's lit suite.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Rong"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.rong_obj_root, "test")
# Unit tests have their own suite (Unit/lit.cfg.py); the pytest stage runs
# outside lit.
# gpu/ holds the CUDA smoke test, built and run on GPU machines only; tools/
# holds test helpers' sources.
config.excludes = ["Unit", "python", "Inputs", "gpu", "tools", "CMakeLists.txt",
                   "lit.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%rong_obj_root", config.rong_obj_root))
config.substitutions.append(("%rong_src_root", config.rong_src_root))
# The C compiler of the build, for CPU kernels the runtime tests compile.
config.substitutions.append(("%cc", config.host_cc))

# Tests that expect CUDA to be unavailable are skipped where a driver loads.
try:
    import ctypes
    ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    pass

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# FileCheck, not and count come from the LLVM install, which is not on PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Variables captured in one CHECK-LABEL block stay inside it.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

tool_dirs = [config.rong_tools_dir, config.llvm_tools_dir]
tools = [ToolSubst("rong-opt", unresolved="fatal"),
         ToolSubst("rong-gpu-compile", unresolved="fatal"),
         ToolSubst("rongc", unresolved="fatal"),
         ToolSubst("rong-fuzz-onnx", unresolved="fatal"),
         ToolSubst("rong-run", unresolved="fatal"),
         ToolSubst("rong-cl-run", unresolved="fatal"),
         ToolSubst("rong-test-artifact", unresolved="fatal")]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The NVIDIA backend links libdevice from the CUDA toolkit and assembles PTX
# with its ptxas. Tests that need them say `REQUIRES: libdevice` / `REQUIRES:
# ptxas` and are reported UNSUPPORTED, not passed, where the toolkit is absent
# (configure with -DRONG_CUDA_TOOLKIT=... to point at another one).
# `lit --param cuda_toolkit=PATH` overrides the configured toolkit.
cuda_toolkit = lit_config.params.get("cuda_toolkit",
                                     getattr(config, "cuda_toolkit", ""))
config.substitutions.append(("%cuda_path", cuda_toolkit))
if cuda_toolkit and os.path.exists(
        os.path.join(cuda_toolkit, "nvvm", "libdevice", "libdevice.10.bc")):
    config.available_features.add("libdevice")
ptxas = os.path.join(cuda_toolkit, "bin", "ptxas") if cuda_toolkit else ""
if ptxas and os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# The source backend's checks: nvcc compiles the `cuda` profile, clang (HIP,
# device side only) the `hip` profile, and an OpenCL platform (PoCL in CI)
# runs the `opencl` profile. Each is UNSUPPORTED where its tool is missing.
nvcc = os.path.join(cuda_toolkit, "bin", "nvcc") if cuda_toolkit else ""
if nvcc and os.access(nvcc, os.X_OK):
    config.available_features.add("nvcc")
    config.substitutions.append(("%nvcc", nvcc))
import shutil
clangxx = shutil.which("clang++", path=config.llvm_tools_dir) or \
    shutil.which("clang++-22")
if clangxx:
    config.available_features.add("clang-hip")
    config.substitutions.append(("%clangxx", clangxx))
# The AMDGPU backend links HSA code objects with the ld.lld of the LLVM
# installation; the host check of its math rewrites lowers with mlir-opt and
# runs on mlir-runner with the C runner utilities.
if shutil.which("ld.lld", path=config.llvm_tools_dir):
    config.available_features.add("ld.lld")
runner_utils = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib",
                            "libmlir_c_runner_utils.so")
if shutil.which("mlir-runner", path=config.llvm_tools_dir) and \
        shutil.which("mlir-opt", path=config.llvm_tools_dir) and \
        os.path.exists(runner_utils):
    config.available_features.add("mlir-runner")
    config.substitutions.append(("%mlir_c_runner_utils", runner_utils))
try:
    import ctypes
    _cl = ctypes.CDLL("libOpenCL.so.1")
    _n = ctypes.c_uint(0)
    if _cl.clGetPlatformIDs(0, None, ctypes.byref(_n)) == 0 and _n.value > 0:
        config.available_features.add("opencl")
except (OSError, AttributeError):
    pass
# The execution harness runs under the configured Python, which may not be
# the one running lit.
import subprocess
if subprocess.run([config.python_executable, "-c", "import numpy"],
                  capture_output=True).returncode == 0:
    config.available_features.add("numpy")
# The CPU backend compiles for the host; tests that read its assembly say
# `REQUIRES: x86_64-host`.
import platform
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("x86_64-host")
