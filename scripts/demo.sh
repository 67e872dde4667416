#!/usr/bin/env bash
# Rong's quick start: builds Rong (installing what is missing) and runs its
# main job on the bundled example, a transformer MLP block as an exporter
# writes it (with constant shape arithmetic): the graph is verified,
# canonicalised and folded, the op counts before and after are printed, and
# then it is fused into kernels for the CPU and for an H100 (sm_90) with the
# fusion report (which ops share a kernel, what each saves, what was refused
# and why). Code generation and execution join this script as they land.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RONG_BUILD_DIR="${RONG_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh" >/dev/null

OPT="$RONG_BUILD_DIR/bin/rong-opt"
EXAMPLE="$ROOT/examples/mlp_block.mlir"

echo "== $EXAMPLE, canonicalised by rong-opt"
"$OPT" "$EXAMPLE" --canonicalize --cse
echo
echo "== op counts before"
"$OPT" "$EXAMPLE" --print-op-stats -o /dev/null 2>&1 | sed -n '/Operations encountered/,$p'
echo "== op counts after --canonicalize --cse"
"$OPT" "$EXAMPLE" --canonicalize --cse --print-op-stats -o /dev/null 2>&1 \
  | sed -n '/Operations encountered/,$p'
echo
echo "== fused for the CPU"
"$OPT" "$EXAMPLE" --canonicalize --cse \
  --rong-fusion-pipeline="target=cpu explain=true" 2>&1 >/dev/null
echo
echo "== fused for sm_90, the fused IR"
"$OPT" "$EXAMPLE" --canonicalize --cse --rong-fusion-pipeline="target=sm_90"
