#!/usr/bin/env bash
# Builds Rong's runtime on a GPU machine (no LLVM/MLIR there) and runs the GPU
# checks: the CUDA smoke test, the whole-model artifacts (run_models.py) and
# the per-kernel benchmark (run_rong_kernels.py).
#
# Needs, next to the checkout: build/lib/Runtime/flatbuffers-include (the
# generated artifact header), bench-models/ (make_models.py) and
# bench-kernels/sm_90 (make_kernels.py), all produced where Rong is built.
#
# Usage: bench/gpu/run_on_gpu.sh OUT_DIR [smoke] [models] [kernels]
#        (no step names: all three)
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: run_on_gpu.sh OUT_DIR [smoke] [models] [kernels]}
shift
steps=${*:-smoke models kernels}
mkdir -p "$out"

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv \
  >"$out/device.txt" 2>&1
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' \
  >>"$out/device.txt" 2>&1
cat "$out/device.txt"

if [ ! -x build-rt/bin/rong-run ]; then
  cmake -S lib/Runtime -B build-rt -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DRONG_FLATBUFFERS_INCLUDE="$PWD/build/lib/Runtime/flatbuffers-include" \
    >/tmp/rong-build-rt.log 2>&1 && ninja -C build-rt >>/tmp/rong-build-rt.log 2>&1 ||
    { tail -40 /tmp/rong-build-rt.log; exit 1; }
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
      --rong-run build-rt/bin/rong-run --out "$out/models" || status=1 ;;
  kernels)
    PYTHONUNBUFFERED=1 python3 bench/gpu/run_rong_kernels.py \
      --kernels bench-kernels/sm_90 --out "$out/kernels" || status=1 ;;
  *) echo "unknown step $step"; status=1 ;;
  esac
done
exit $status
