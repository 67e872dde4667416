#!/usr/bin/env bash
# Builds Rong's runtime on a GPU machine (no LLVM/MLIR there), with the
# runtime-only Python package (rong._rong_runtime) where pybind11 and the
# Python headers are present, and runs the GPU checks: the CUDA smoke test,
# the whole-model artifacts (run_models.py, through rong-run and, with the
# package, through rong.load on PyTorch's CUDA tensors) and the per-kernel
# benchmark (run_rong_kernels.py).
#
# Needs, next to the checkout: build/lib/Runtime/flatbuffers-include (the
# generated artifact header), bench-models/ (make_models.py) and
# bench-kernels/sm_90 (make_kernels.py), all produced where Rong is built.
#
# Usage: bench/gpu/run_on_gpu.sh OUT_DIR [smoke] [models] [python] [kernels]
#        (no step names: all four)
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: run_on_gpu.sh OUT_DIR [smoke] [models] [python] [kernels]}
shift
steps=${*:-smoke models python kernels}
mkdir -p "$out"

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv \
  >"$out/device.txt" 2>&1
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' \
  >>"$out/device.txt" 2>&1
cat "$out/device.txt"

# The Python package needs pybind11's CMake files and dlpack/dlpack.h: both
# come with the Python packages there (PyTorch ships DLPack's header as
# ATen/dlpack.h).
python_args=()
pybind11_dir=$(python3 -m pybind11 --cmakedir 2>/dev/null)
torch_dlpack=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "include", "ATen", "dlpack.h"))' 2>/dev/null)
if [ -n "$pybind11_dir" ] && [ -f "$torch_dlpack" ]; then
  mkdir -p /tmp/rong-dlpack/dlpack
  ln -sf "$torch_dlpack" /tmp/rong-dlpack/dlpack/dlpack.h
  python_args=(-DRONG_RUNTIME_PYTHON=ON -Dpybind11_DIR="$pybind11_dir"
    -DRONG_DLPACK_INCLUDE=/tmp/rong-dlpack
    -DPython3_EXECUTABLE="$(command -v python3)")
else
  echo "no pybind11 or DLPack header: building without the Python package"
fi
if [ ! -x build-rt/bin/rong-run ]; then
  cmake -S lib/Runtime -B build-rt -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DRONG_FLATBUFFERS_INCLUDE="$PWD/build/lib/Runtime/flatbuffers-include" \
    "${python_args[@]}" >/tmp/rong-build-rt.log 2>&1 &&
    ninja -C build-rt >>/tmp/rong-build-rt.log 2>&1 ||
    { tail -40 /tmp/rong-build-rt.log; exit 1; }
fi
python_package=()
if ls build-rt/python_packages/rong/_rong_runtime*.so >/dev/null 2>&1; then
  python_package=(--python-package build-rt/python_packages)
fi

# cuBLAS: the CUDA toolkit's, else the one PyTorch's wheels bring.
cublas=$(ldconfig -p | awk '/libcublas\.so\.1[23] /{print $NF; exit}')
if [ -z "$cublas" ]; then
  site=$(python3 -c 'import site; print(" ".join(site.getsitepackages()))')
  cublas=$(find /usr/local/cuda*/lib64 $site -name 'libcublas.so.1[23]' \
    2>/dev/null | head -1)
fi
echo "cuBLAS: ${cublas:-none found}" | tee -a "$out/device.txt"
[ -n "$cublas" ] && export LD_LIBRARY_PATH="$(dirname "$cublas"):${LD_LIBRARY_PATH:-}"

status=0
for step in $steps; do
  case $step in
  smoke)
    build-rt/test/gpu/rong-cuda-smoke 2>&1 | tee "$out/smoke.log" || status=1 ;;
  models)
    PYTHONUNBUFFERED=1 python3 bench/gpu/run_models.py --artifacts bench-models \
      --rong-run build-rt/bin/rong-run --out "$out/models" \
      "${python_package[@]}" || status=1 ;;
  python)
    if [ ${#python_package[@]} -eq 0 ]; then
      echo "python: no runtime-only package was built"; status=1
    else
      PYTHONUNBUFFERED=1 python3 bench/gpu/check_python_session.py \
        --artifacts bench-models "${python_package[@]}" --out "$out/python" ||
        status=1
    fi ;;
  kernels)
    PYTHONUNBUFFERED=1 python3 bench/gpu/run_rong_kernels.py \
      --kernels bench-kernels/sm_90 --out "$out/kernels" || status=1 ;;
  *) echo "unknown step $step"; status=1 ;;
  esac
done
exit $status
