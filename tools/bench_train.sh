#!/usr/bin/env bash
# One training step (forward + backward, batch 1, every parameter trained) of ResNet-50 → layer3 and
# S3D-G → Mixed_4e, Swift (bench-train) next to PyTorch CPU (tools/bench_train_torch.py) on the same
# graphs, in one invocation, with the ratio of medians and of bests per case.
#
#   tools/bench_train.sh [THREADS] [RUNS] [ROUNDS]   (defaults: 2 threads, 3 runs, 3 rounds)
#
# Needs a venv with torch and torchvision at $VENV (default /work/.venv-torch:
#   python3 -m venv /work/.venv-torch && /work/.venv-torch/bin/pip install torch torchvision safetensors numpy).
# Builds bench-train in release mode in $SCRATCH (default .build-bench). Each round runs PyTorch then
# Swift, RUNS timed steps each after one warm-up, so both see the same machine load; the summary
# takes best and median over every round. CASES (resnet_layer3,s3d_mixed_4e), WIDTHS (width
# divisors, 1,4: full width on [1,3,320,400] / [1,3,20,320,400], 1/4 on [1,3,160,200] /
# [1,3,20,160,200]) and BN (training,frozen) select rows.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
RUNS=${2:-3}
ROUNDS=${3:-3}
BN=${BN:-training,frozen}
WIDTHS=${WIDTHS:-1,4}
VENV=${VENV:-/work/.venv-torch}
SCRATCH=${SCRATCH:-.build-bench}
CASES=${CASES:-resnet_layer3,s3d_mixed_4e}
source tools/require_python.sh
require_python bench_train "$VENV/bin/python" "torch, torchvision, numpy" VENV
swift build -c release --scratch-path "$SCRATCH" --product bench-train >/dev/null
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "bench_train: $THREADS threads, $ROUNDS rounds x $RUNS runs, BN $BN, widths $WIDTHS, $(date -u +%H:%M) UTC"
for ((round = 1; round <= ROUNDS; round++)); do
  "$VENV/bin/python" tools/bench_train_torch.py --threads "$THREADS" --rounds "$RUNS" --bn "$BN" \
    --cases "$CASES" --widths "$WIDTHS" | tee -a "$LOG"
  "$SCRATCH/release/bench-train" --threads "$THREADS" --runs "$RUNS" --bn "$BN" --cases "$CASES" \
    --widths "$WIDTHS" | tee -a "$LOG"
done
python3 - "$LOG" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if not parts or parts[0] not in ("swift", "torch"):
        continue
    fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
    key = (f'{fields["case"]} w1/{fields["width"]} {fields["bn"]}', parts[0])
    entry = rows.setdefault(key, {"best": [], "median": [], "peak": []})
    entry["best"].append(float(fields["best_ms"]))
    entry["median"].append(float(fields["median_ms"]))
    entry["peak"].append(float(fields.get("peak_rss_mb", "nan")))
print()
print(f"{'case':<32}{'swift best':>11}{'median':>9}{'peak MiB':>10}{'torch best':>12}{'median':>9}{'peak MiB':>10}{'ratio (median)':>16}{'(best)':>8}")
for case in sorted({c for c, _ in rows}):
    s, t = rows.get((case, "swift")), rows.get((case, "torch"))
    if not s or not t:
        continue
    sb, sm, tb, tm = min(s["best"]), statistics.median(s["median"]), min(t["best"]), statistics.median(t["median"])
    print(f"{case:<32}{sb:>11.0f}{sm:>9.0f}{max(s['peak']):>10.0f}{tb:>12.0f}{tm:>9.0f}{max(t['peak']):>10.0f}{tm / sm:>15.2f}x{tb / sb:>7.2f}x")
PY
