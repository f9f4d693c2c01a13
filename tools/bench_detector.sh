#!/usr/bin/env bash
# Detector benchmark: Swift (bench-detector) and ONNX Runtime on the same graphs with the same seeded
# weights, alternating in one run. Results go to stdout; eval/BENCHMARKS.md records runs.
#   bash tools/bench_detector.sh [THREADS]        (default 2)
# Environment:
#   PRECISION=fp32|bf16   Swift's GEMM precision (bench-detector --precision; ONNX Runtime is fp32)
#   ROUNDS=N              N rounds of (ONNX Runtime, then Swift), default 1; with N > 1 the end
#                         prints best and median of the paper's keyframe (variant A) over the rounds
#   PAPER=1               only the paper's keyframe: ORT graphs keyframe, rpn, context, head_keep_300
#                         and Swift variant A (faster)
# Needs /work/.venv-torch (torch, torchvision, numpy, onnx) and /work/.venv-ort (numpy, onnxruntime);
# set TORCH_PY / ORT_PY to other interpreters. ONNX files go to ${ONNX_DIR:-/tmp/bench-detector-onnx}.
set -euo pipefail
THREADS=${1:-2}
PRECISION=${PRECISION:-fp32}
ROUNDS=${ROUNDS:-1}
TORCH_PY=${TORCH_PY:-/work/.venv-torch/bin/python}
ORT_PY=${ORT_PY:-/work/.venv-ort/bin/python}
ONNX_DIR=${ONNX_DIR:-/tmp/bench-detector-onnx}
cd "$(dirname "$0")/.."
source tools/require_python.sh
if [ ! -f "$ONNX_DIR/tail_shared.onnx" ]; then
  require_python bench_detector "$TORCH_PY" "torch, torchvision, onnx, numpy" TORCH_PY
  "$TORCH_PY" tools/bench_detector_onnx.py export "$ONNX_DIR"
fi
require_python bench_detector "$ORT_PY" "onnxruntime, numpy" ORT_PY
swift build -c release --product bench-detector ${SCRATCH:+--scratch-path "$SCRATCH"} >/dev/null
BIN=$(swift build -c release --show-bin-path ${SCRATCH:+--scratch-path "$SCRATCH"})
ORT_ONLY=()
SWIFT_ONLY=()
if [[ ${PAPER:-0} == 1 ]]; then
  ORT_ONLY=(--only keyframe,rpn,context,head_keep_300)
  SWIFT_ONLY=(--variants A)
fi
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
for ((round = 1; round <= ROUNDS; round++)); do
  echo "== ONNX Runtime ($THREADS threads, fp32), round $round"
  "$ORT_PY" tools/bench_detector_onnx.py run "$ONNX_DIR" --threads "$THREADS" --repeats 3 "${ORT_ONLY[@]}"
  echo "== Swift ($THREADS threads, $PRECISION), round $round"
  "$BIN/bench-detector" --threads "$THREADS" --runs 4 --precision "$PRECISION" "${SWIFT_ONLY[@]}"
done | tee "$LOG"
if ((ROUNDS > 1)); then
  # Paper keyframe (A): ORT "total with head_keep_300", Swift's "A  per-ROI tail, T kept, 300" total.
  awk -v precision="$PRECISION" '
    /^total with head_keep_300/ { ort[n_ort++] = $(NF - 1) }
    /^A  per-ROI tail, T kept, 300/ { swift[n_swift++] = $NF }
    function sort(a, n,   i, j, t) { for (i = 1; i < n; i++) for (j = i; j > 0 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t } }
    END {
      if (n_ort == 0 || n_swift == 0) exit
      sort(ort, n_ort); sort(swift, n_swift)
      mo = ort[int(n_ort / 2)]; ms = swift[int(n_swift / 2)]
      printf "paper keyframe (A), %d rounds: ONNX Runtime fp32 best %.1f median %.1f ms; Swift %s best %.1f median %.1f ms", n_ort, ort[0], mo, precision, swift[0], ms
      printf " -> ratio %.2fx (medians), %.2fx (bests)\n", mo / ms, ort[0] / swift[0]
    }' "$LOG"
fi
