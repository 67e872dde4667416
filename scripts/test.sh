#!/usr/bin/env bash
# Runs every Rong test on a fresh Debian bookworm machine: installs what is
# missing, builds, then runs the pytest stage and the lit suite (dialect,
# transform and tool tests plus the GoogleTest unit tests).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RONG_BUILD_DIR="${RONG_BUILD_DIR:-$ROOT/build}"
PYTHON="${PYTHON:-python3}"

"$ROOT/scripts/setup.sh"

echo "== pytest (test/python)"
rm -f "$RONG_BUILD_DIR/onnx-conformance.txt" \
  "$RONG_BUILD_DIR/onnx-conformance-opencl.txt"
"$PYTHON" -m pytest "$ROOT/test/python" -q
for summary in onnx-conformance.txt onnx-conformance-opencl.txt; do
  if [ -f "$RONG_BUILD_DIR/$summary" ]; then
    echo "== $(head -1 "$RONG_BUILD_DIR/$summary")"
  fi
done

echo "== lit (test/)"
cmake --build "$RONG_BUILD_DIR" --target check-rong

# The OpenCL execution check (test/Target/Source/opencl-pocl.test) keeps its
# per-kernel results; show the count.
log="$RONG_BUILD_DIR/test/Target/Source/Output/opencl-pocl.test.tmp.log"
if [ -f "$log" ]; then
  echo "== OpenCL kernels on PoCL against NumPy: $(tail -1 "$log")"
fi
