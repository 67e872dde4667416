#!/usr/bin/env bash
# Installs what Rong needs to build and test on Debian bookworm, then configures
# and builds it. Idempotent: packages already present are skipped, and a
# configured build directory is only rebuilt.
#
#   scripts/setup.sh            # deps + build into ./build
#   RONG_BUILD_DIR=/tmp/b scripts/setup.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${RONG_BUILD_DIR:-$ROOT/build}"

# LLVM/MLIR 22 and the toolchain (Debian bookworm-security carries LLVM 22),
# GoogleTest, ccache/ninja for fast rebuilds, protobuf for the ONNX frontend,
# FlatBuffers for the artifact format and OpenBLAS for the runtime's CPU gemm.
APT_PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22 clang-22
  libclang-rt-22-dev ninja-build ccache libgtest-dev protobuf-compiler libprotobuf-dev
  flatbuffers-compiler libflatbuffers-dev libopenblas-dev
)
# OpenCL: the ICD loader and headers, and PoCL, which runs OpenCL kernels on
# the CPU so the GPU kernel strategies execute in CI without a GPU; CLBlast
# runs the OpenCL session's gemm and conv2d (the runtime opens it with dlopen).
APT_PACKAGES+=(ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo
  libclblast-dev)
# pybind11, the Python headers and the DLPack header for the Python module
# rong._rong.
APT_PACKAGES+=(pybind11-dev python3-dev libdlpack-dev)
# ROCm's HIP runtime (5.2): the HIP session opens it with dlopen; with no AMD
# GPU here, the tests check that every entry point resolves and that session
# creation fails with a message.
APT_PACKAGES+=(libamdhip64-5)
# Any cmake >= 3.20 on PATH will do; Debian's is the fallback.
command -v cmake >/dev/null 2>&1 || APT_PACKAGES+=(cmake)
# module=pip requirement; the onnx package provides the ONNX schema (onnx.proto)
# the frontend is built from, and builds the test models.
PY_PACKAGES=(numpy=numpy pytest=pytest onnx=onnx==1.23.0)
# PyTorch and onnxscript (which its ONNX exporter needs) export the real
# models the frontend tests import; onnxruntime is the reference for execution
# tests.
PY_PACKAGES+=(torch=torch==2.13.0 onnxscript=onnxscript==0.7.2 onnxruntime=onnxruntime==1.30.0)
# transformers provides the BERT model the Python-frontend tests compile.
PY_PACKAGES+=(transformers=transformers==5.23.0)

log() { printf '[rong-setup] %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
else
  log "Debian packages present"
fi

PYTHON="${PYTHON:-python3}"
py_missing=()
for entry in "${PY_PACKAGES[@]}"; do
  "$PYTHON" -c "import ${entry%%=*}" 2>/dev/null || py_missing+=("${entry#*=}")
done
if ((${#py_missing[@]})); then
  log "installing Python packages: ${py_missing[*]}"
  "$PYTHON" -m pip install -q "${py_missing[@]}"
else
  log "Python packages present"
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  log "configuring $BUILD"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_LINKER_TYPE=LLD \
    -DPython3_EXECUTABLE="$(command -v "$PYTHON")"
fi
log "building"
cmake --build "$BUILD"
