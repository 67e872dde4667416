#!/usr/bin/env bash
# Rong's quick start: builds Rong (installing what is missing) and runs its
# main job on the bundled example. Until the compile path lands, the main job
# is the graph stage: the example, a transformer MLP block as an exporter
# writes it (with constant shape arithmetic), is verified, canonicalised and
# folded by rong-opt, and the op counts before and after are printed.
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
