#!/usr/bin/env bash
# Detector benchmark: Swift (bench-detector) and ONNX Runtime on the same graphs with the same seeded
# weights, one after the other in one run. Results go to stdout; eval/BENCHMARKS.md records a run.
#   bash tools/bench_detector.sh [THREADS]        (default 2)
# Needs /work/.venv-torch (torch, torchvision, numpy, onnx) and /work/.venv-ort (numpy, onnxruntime);
# set TORCH_PY / ORT_PY to other interpreters. ONNX files go to ${ONNX_DIR:-/tmp/bench-detector-onnx}.
set -euo pipefail
THREADS=${1:-2}
TORCH_PY=${TORCH_PY:-/work/.venv-torch/bin/python}
ORT_PY=${ORT_PY:-/work/.venv-ort/bin/python}
ONNX_DIR=${ONNX_DIR:-/tmp/bench-detector-onnx}
cd "$(dirname "$0")/.."
[ -f "$ONNX_DIR/tail_shared.onnx" ] || "$TORCH_PY" tools/bench_detector_onnx.py export "$ONNX_DIR"
swift build -c release --product bench-detector ${SCRATCH:+--scratch-path "$SCRATCH"} >/dev/null
BIN=$(swift build -c release --show-bin-path ${SCRATCH:+--scratch-path "$SCRATCH"})
echo "== ONNX Runtime ($THREADS threads)"
"$ORT_PY" tools/bench_detector_onnx.py run "$ONNX_DIR" --threads "$THREADS" --repeats 3
echo "== Swift ($THREADS threads)"
"$BIN/bench-detector" --threads "$THREADS" --runs 4
