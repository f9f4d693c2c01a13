#!/usr/bin/env bash
# Speed of the two trunks against ONNX Runtime on the same graphs, in one invocation.
#
#   tools/bench_trunks.sh [THREADS] [RUNS] [ROUNDS]   (defaults: 2 threads, 5 runs, 5 rounds)
#
# Needs: a venv with onnx, onnxruntime and numpy at $VENV (default /work/.venv-ort:
#   python3 -m venv /work/.venv-ort && /work/.venv-ort/bin/pip install onnx onnxruntime numpy),
# ../shared/bench beside the repository. Builds bench-trunks in release mode in $SCRATCH
# (default .build-bench), makes the ONNX graphs once into $SCRATCH/bench-out/models, profiles ONNX
# Runtime per layer kind (tools/ort_kinds.py), then runs bench-trunks with the same thread count.
# bench-trunks keeps ONNX Runtime running in a subprocess (tools/ort_peer_server.py: the session
# options of peer_onnxruntime.py) and alternates run by run: each of its ROUNDS rounds makes RUNS
# pairs, one ONNX Runtime run then one of ours, so both sides see the same machine state (on shared
# hosts, conditions change within seconds). It prints best/median of each side, the ratios of medians,
# the median of the pairs' ratios, and the 5th–95th percentiles of the ratio of medians when the
# rounds are drawn again with replacement (how far one invocation's figure can be trusted). Five
# rounds of five by default: on the shared 2-vCPU hosts a burst of load slows a round of one side by
# 30–80 %, and a median of 3 × 3 runs moved with it (eval/BENCHMARKS.md, session 35). Before each
# round both sides make the same number of untimed runs, enough to fill ROUND_WARMUP seconds of ours
# (default 1; 0: one run each): runs in the first second after the idle wait are slow. Before every
# round it waits up to WAIT_IDLE seconds (default 60) for a second in which other processes use less
# than 0.3 cores.
# BENCH_LAYER_DETAIL=1 makes the per-kind tables per layer (channels and output size), ONNX Runtime's
# profiled times beside ours (its fastest of 2 profiled runs per layer: its kernels alone).
# PRECISION=bf16 runs our trunks with bf16 GEMMs (bench-trunks --precision; needs AVX512_BF16);
# ONNX Runtime stays fp32.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
RUNS=${2:-5}
ROUNDS=${3:-5}
VENV=${VENV:-/work/.venv-ort}
SCRATCH=${SCRATCH:-.build-bench}
BENCH=../shared/bench
OUT="$SCRATCH/bench-out"
mkdir -p "$OUT"
source tools/require_python.sh
require_python bench_trunks "$VENV/bin/python" "onnx, onnxruntime, numpy" VENV
swift build -c release --scratch-path "$SCRATCH" --product bench-trunks >/dev/null
for model in resnet s3dg; do
  name=$([[ $model == resnet ]] && echo resnet50_l3 || echo s3dg_m4e)
  if [[ ! -f "$OUT/models/$name.onnx" ]]; then
    "$VENV/bin/python" "$BENCH/make_models.py" --only "$model" --out "$OUT/models"
  fi
done
rm -f "$OUT/ort_kinds.jsonl"
# With BENCH_LAYER_DETAIL=1 (bench-trunks' per-layer table), ONNX Runtime's times per layer too.
DETAIL=$([[ "${BENCH_LAYER_DETAIL:-}" == 1 ]] && echo --detailed || true)
"$VENV/bin/python" tools/ort_kinds.py --threads "$THREADS" --runs 2 $DETAIL \
  "$OUT/models/resnet50_l3.onnx" "$OUT/models/s3dg_m4e.onnx" > "$OUT/ort_kinds.jsonl"
"$SCRATCH/release/bench-trunks" --threads "$THREADS" --runs "$RUNS" --rounds "$ROUNDS" --wait-idle "${WAIT_IDLE:-60}" \
  --peer-python "$VENV/bin/python" --peer-script tools/ort_peer_server.py --peer-models "$OUT/models" \
  --ort-kinds "$OUT/ort_kinds.jsonl" --precision "${PRECISION:-fp32}" --round-warmup "${ROUND_WARMUP:-1}"
