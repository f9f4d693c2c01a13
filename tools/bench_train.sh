#!/usr/bin/env bash
# One training step (forward + backward, batch 1, every parameter trained) of ResNet-50 → layer3 and
# S3D-G → Mixed_4e, Swift (bench-train) next to PyTorch CPU (tools/bench_train_torch.py) on the same
# graphs, in one invocation, with the ratio of medians and of bests per case.
#
#   tools/bench_train.sh [THREADS] [RUNS] [ROUNDS] [BN]   (defaults: 2 threads, 3 runs, 3 rounds, training)
#
# Needs a venv with torch and torchvision at $VENV (default /work/.venv-torch:
#   python3 -m venv /work/.venv-torch && /work/.venv-torch/bin/pip install torch torchvision safetensors numpy).
# Builds bench-train in release mode in $SCRATCH (default .build-bench). Each round runs PyTorch then
# Swift, RUNS timed steps each after one warm-up, so both see the same machine load; the summary
# takes best and median over every round. CASES (default all four) selects cases:
# resnet_full, s3dg_full (full width, [1,3,320,400] / [1,3,20,320,400]), resnet_quarter,
# s3dg_quarter (width 1/4, [1,3,160,200] / [1,3,20,160,200]).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
RUNS=${2:-3}
ROUNDS=${3:-3}
BN=${4:-training}
VENV=${VENV:-/work/.venv-torch}
SCRATCH=${SCRATCH:-.build-bench}
CASES=${CASES:-resnet_full,s3dg_full,resnet_quarter,s3dg_quarter}
swift build -c release --scratch-path "$SCRATCH" --product bench-train >/dev/null
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "bench_train: $THREADS threads, $ROUNDS rounds x $RUNS runs, BN $BN, $(date -u +%H:%M) UTC"
for ((round = 1; round <= ROUNDS; round++)); do
  "$VENV/bin/python" tools/bench_train_torch.py --threads "$THREADS" --runs "$RUNS" --bn "$BN" --cases "$CASES" | tee -a "$LOG"
  "$SCRATCH/release/bench-train" --threads "$THREADS" --runs "$RUNS" --bn "$BN" --cases "$CASES" | tee -a "$LOG"
done
python3 - "$LOG" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if not parts or parts[0] not in ("swift", "torch"):
        continue
    fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
    entry = rows.setdefault((fields["case"], parts[0]), {"best": [], "median": [], "peak": []})
    entry["best"].append(float(fields["best_ms"]))
    entry["median"].append(float(fields["median_ms"]))
    entry["peak"].append(float(fields.get("peak_mib", "nan")))
print()
print(f"{'case':<16}{'swift best':>11}{'median':>9}{'peak MiB':>10}{'torch best':>12}{'median':>9}{'peak MiB':>10}{'ratio (median)':>16}{'(best)':>8}")
for case in sorted({c for c, _ in rows}):
    s, t = rows.get((case, "swift")), rows.get((case, "torch"))
    if not s or not t:
        continue
    sb, sm, tb, tm = min(s["best"]), statistics.median(s["median"]), min(t["best"]), statistics.median(t["median"])
    print(f"{case:<16}{sb:>11.0f}{sm:>9.0f}{max(s['peak']):>10.0f}{tb:>12.0f}{tm:>9.0f}{max(t['peak']):>10.0f}{tm / sm:>15.2f}x{tb / sb:>7.2f}x")
PY
