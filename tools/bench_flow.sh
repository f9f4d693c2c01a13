#!/usr/bin/env bash
# TV-L1 optical flow, Swift (bench-flow) next to OpenCV (cv2.optflow.DualTVL1OpticalFlow_create(),
# default parameters) on the same 320x240 grey frame pairs with the same thread count, in one
# invocation: median and best per pair and overall, and the ratios.
#
#   tools/bench_flow.sh [THREADS] [RUNS] [ROUNDS]   (defaults: 2 threads, 1 run, 3 rounds)
#
# Needs a venv with opencv-contrib-python and numpy at $VENV (default /work/.venv-flow:
#   python3 -m venv /work/.venv-flow && /work/.venv-flow/bin/pip install opencv-contrib-python numpy),
# ffmpeg on PATH and ../shared/data/videos. Builds bench-flow in release mode in $SCRATCH (default
# .build-bench). The pairs (tools/bench_flow_opencv.py --make-pairs: two consecutive frames of six
# clips, central 320x240 crop, grey by cv2.cvtColor) are made once in $SCRATCH/bench-out/flow-pairs
# with OpenCV's flows (for the end-point differences bench-flow prints). Each round runs OpenCV
# (cv2.setNumThreads(THREADS)) then Swift (Compute threads THREADS), RUNS timed runs per pair
# after one warm-up each, so both see the same machine load; the summary takes median and best
# over every round.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
RUNS=${2:-1}
ROUNDS=${3:-3}
VENV=${VENV:-/work/.venv-flow}
SCRATCH=${SCRATCH:-.build-bench}
PAIRS="$SCRATCH/bench-out/flow-pairs"
source tools/require_python.sh
require_python bench_flow "$VENV/bin/python" "cv2, numpy" VENV "opencv-contrib-python numpy"
swift build -c release --scratch-path "$SCRATCH" --product bench-flow >/dev/null
if [[ ! -f "$PAIRS/pairs.txt" ]]; then
  "$VENV/bin/python" tools/bench_flow_opencv.py --make-pairs "$PAIRS"
  "$VENV/bin/python" tools/bench_flow_opencv.py --pairs "$PAIRS" --threads 1 --runs 0 --write-flow
fi
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "bench_flow: $THREADS threads, $ROUNDS rounds x $RUNS runs, $(date -u +%Y-%m-%d\ %H:%M) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= ROUNDS; round++)); do
  "$VENV/bin/python" tools/bench_flow_opencv.py --pairs "$PAIRS" --threads "$THREADS" --runs "$RUNS" | tee -a "$LOG"
  "$SCRATCH/release/bench-flow" --pairs "$PAIRS" --threads "$THREADS" --runs "$RUNS" | tee -a "$LOG"
done
python3 - "$LOG" <<'PY'
import statistics, sys
times, epe = {}, {}
for line in open(sys.argv[1]):
    parts = line.split()
    if parts and parts[0] in ("swift", "opencv"):
        times.setdefault((parts[0], parts[1]), []).extend(map(float, parts[2:]))
    elif parts and parts[0] == "epe":
        epe[parts[1]] = parts[2:]
names = sorted({name for _, name in times}, key=lambda n: list(epe).index(n) if n in epe else 0)
print("\n| pair | OpenCV median / best ms | Swift median / best ms | speed-up (median) | (best) | EPE mean / p99 px |")
print("|---|---|---|---|---|---|")
total = {"swift": [0.0, 0.0], "opencv": [0.0, 0.0]}
for name in names:
    o, s = times[("opencv", name)], times[("swift", name)]
    om, ob, sm, sb = statistics.median(o), min(o), statistics.median(s), min(s)
    total["opencv"][0] += om; total["opencv"][1] += ob; total["swift"][0] += sm; total["swift"][1] += sb
    e = epe.get(name, ["-", "-"])
    print(f"| {name} | {om:.0f} / {ob:.0f} | {sm:.0f} / {sb:.0f} | {om / sm:.1f}x | {ob / sb:.1f}x | {e[0]} / {e[1]} |")
o, s = total["opencv"], total["swift"]
print(f"| all pairs (sum) | {o[0]:.0f} / {o[1]:.0f} | {s[0]:.0f} / {s[1]:.0f} | **{o[0] / s[0]:.1f}x** | {o[1] / s[1]:.1f}x | |")
PY
