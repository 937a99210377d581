#!/usr/bin/env bash
# Exports the benchmark models (../shared/bench/models/export.py) into .cache/bench-models, once.
# Needs Debian's python3 with torch, torchvision and onnx (installed here when missing and run as root).
# Usage: scripts/export-bench-models.sh [--only name,name]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export_py="${GE4J_BENCH_EXPORT:-$root/../shared/bench/models/export.py}"
out="$root/.cache/bench-models"
if [ ! -f "$export_py" ]; then
  echo "export-bench-models: $export_py not found (set GE4J_BENCH_EXPORT); the ONNX Runtime differential tests will be skipped" >&2
  exit 0
fi
if ! /usr/bin/python3 -c "import torch, torchvision, onnx" 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchvision python3-onnx >/dev/null
  else
    echo "export-bench-models: needs python3-torch python3-torchvision python3-onnx (apt-get install as root)" >&2
    exit 1
  fi
fi
if [ -f "$out/manifest.tsv" ] && [ $# -eq 0 ]; then echo "export-bench-models: $out already has the models"; exit 0; fi
mkdir -p "$out"
/usr/bin/python3 "$export_py" "$out" "$@"
