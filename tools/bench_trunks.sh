#!/usr/bin/env bash
# Speed of the two trunks against ONNX Runtime on the same graphs, in one invocation.
#
#   tools/bench_trunks.sh [THREADS] [RUNS]        (defaults: 2 threads, 5 runs)
#
# Needs: a venv with onnx, onnxruntime and numpy at $VENV (default /work/.venv-ort:
#   python3 -m venv /work/.venv-ort && /work/.venv-ort/bin/pip install onnx onnxruntime numpy),
# ../shared/bench beside the repository. Builds bench-trunks in release mode in $SCRATCH
# (default .build-bench), makes the ONNX graphs once into $SCRATCH/bench-out/models, runs ONNX
# Runtime (whole-model latency via peer_onnxruntime.py, per-kind split via tools/ort_kinds.py),
# then bench-trunks with the same thread count, which prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
RUNS=${2:-5}
VENV=${VENV:-/work/.venv-ort}
SCRATCH=${SCRATCH:-.build-bench}
BENCH=../shared/bench
OUT="$SCRATCH/bench-out"
mkdir -p "$OUT"
swift build -c release --scratch-path "$SCRATCH" --product bench-trunks >/dev/null
for model in resnet s3dg; do
  name=$([[ $model == resnet ]] && echo resnet50_l3 || echo s3dg_m4e)
  if [[ ! -f "$OUT/models/$name.onnx" ]]; then
    "$VENV/bin/python" "$BENCH/make_models.py" --only "$model" --out "$OUT/models"
  fi
done
rm -f "$OUT/ort.jsonl" "$OUT/ort_kinds.jsonl"
"$VENV/bin/python" "$BENCH/peer_onnxruntime.py" --dir "$OUT/models" --threads "$THREADS" --runs "$RUNS" \
  --warmup 2 --json "$OUT/ort.jsonl" resnet50_l3 s3dg_m4e
"$VENV/bin/python" tools/ort_kinds.py --threads "$THREADS" --runs 2 \
  "$OUT/models/resnet50_l3.onnx" "$OUT/models/s3dg_m4e.onnx" > "$OUT/ort_kinds.jsonl"
"$SCRATCH/release/bench-trunks" --threads "$THREADS" --runs "$RUNS" \
  --ort "$OUT/ort.jsonl" --ort-kinds "$OUT/ort_kinds.jsonl"
