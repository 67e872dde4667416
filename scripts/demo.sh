#!/usr/bin/env bash
# Rong's quick start: builds Rong (installing what is missing) and runs its
# main job on the bundled example, examples/encoder_layer.onnx (a PyTorch
# nn.TransformerEncoderLayer exported to ONNX, random weights):
#   1. rongc compiles it for the CPU into an artifact and prints the plan:
#      which ops were fused into which kernel, and the library calls (GEMMs);
#   2. rong-run executes the artifact; the outputs are compared with
#      onnxruntime's and both are timed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RONG_BUILD_DIR="${RONG_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh" >/dev/null
PYTHON="${PYTHON:-python3}"

MODEL="$ROOT/examples/encoder_layer.onnx"
OUT="$RONG_BUILD_DIR/demo"
mkdir -p "$OUT"

echo "== $MODEL: $("$PYTHON" -c "import onnx,sys; print(len(onnx.load(sys.argv[1]).graph.node))" "$MODEL") ONNX nodes"
echo "== compiled for the CPU: rongc encoder_layer.onnx -o encoder_layer.rong --target=cpu"
"$RONG_BUILD_DIR/bin/rongc" "$MODEL" -o "$OUT/encoder_layer.rong" --target=cpu --print-plan
echo
echo "== run by rong-run, checked against onnxruntime"
"$PYTHON" "$ROOT/scripts/demo_run.py" "$OUT/encoder_layer.rong" "$MODEL"
