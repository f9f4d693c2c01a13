#!/usr/bin/env bash
# Video-mAP at UCF-101-24 split-1 scale: `eval-videomap --protocol act|yowo|road` next to the
# references' own code in one invocation (MOC-Detector's ACT video-AP and YOWO's in Python, ROAD's
# MATLAB in GNU Octave), seconds per protocol and the ratio; also checks that both sides give the
# same mAP and per-label APs.
#
#   tools/bench_videomap.sh [RUNS]   (RUNS timed runs of ours per protocol, default 3; median reported)
#
# Environment (defaults in brackets):
#   SCRATCH     SwiftPM scratch folder for the release build and the input [.build-bench]
#   MIRROR      read-only snapshots of the references [/work/.mirror]: MCG-NJU+MOC-Detector
#               (45c3fd0c), wei-tim+YOWO (9d202c16), gurkirt+realtime-action-detection (9dd8e1b5)
#   VENV_ACT    venv with numpy 1.24 (what ACT/MOC ran on) [/work/.venv-ties]
#   VENV_YOWO   venv with numpy < 1.24 (YOWO uses np.bool) [/work/.venv-np123]
#   PYTHON_ROAD python with numpy and scipy, for ROAD's .mat input [python3]
#   ROAD=0      skip ROAD (Octave takes about 50 minutes at this scale; needs `octave`)
#   VIDEOS=N    N test videos spread over the list instead of all 910 (a trial run)
#
# Disk: the input CSV (173 MB) and the references' own input files (ACT: per-frame pickles, ROAD:
# per-frame .mat files, about 650 MB each) stay in $SCRATCH/bench-out/videomap-ucf24.
# Input (made once in $SCRATCH/bench-out/videomap-ucf24): tools/make_ucf_videomap_bench.py, the real
# split-1 ground truth (../shared/data/gt/ucf24/pyannot.pkl) with synthetic detections made from it.
# Each reference first gets that input in its own format (not timed; cached beside the input), then
# runs as its authors run it (tools/bench_videomap_reference.py, tools/bench_videomap_road.m say
# exactly what is timed). Ours: the whole command, reading the ground truth and the CSV included.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCRATCH=${SCRATCH:-.build-bench}
MIRROR=${MIRROR:-/work/.mirror}
VENV_ACT=${VENV_ACT:-/work/.venv-ties}
VENV_YOWO=${VENV_YOWO:-/work/.venv-np123}
PYTHON_ROAD=${PYTHON_ROAD:-python3}
ROAD=${ROAD:-1}
WORK="$SCRATCH/bench-out/videomap-ucf24${VIDEOS:+-$VIDEOS}"
GT=../shared/data/gt/ucf24/pyannot.pkl

swift build -c release --scratch-path "$SCRATCH" --product eval-videomap >/dev/null
[[ -f "$WORK/dets.csv" ]] || "$VENV_ACT/bin/python" tools/make_ucf_videomap_bench.py "$WORK" ${VIDEOS:+--videos "$VIDEOS"}

REFS=$(mktemp -d)
LOG=$(mktemp)
trap 'rm -rf "$REFS" "$LOG"' EXIT
extract() {  # extract REPO COMMIT PATH: one folder of a reference snapshot into $REFS/REPO
  local git="$MIRROR/$1/repo"
  [[ -d "$git/.git" ]] && git="$git/.git"
  mkdir -p "$REFS/$1"
  # The snapshots lack some large files elsewhere in the tree, which git names; the folder is whole.
  git --git-dir="$git" archive "$2" "$3" 2>/dev/null | tar x -C "$REFS/$1"
  [[ "$(git --git-dir="$git" ls-tree -r --name-only "$2" "$3" | wc -l)" == "$(cd "$REFS/$1" && find "$3" -type f | wc -l)" ]] \
    || { echo "bench_videomap: $1 $3 is incomplete in $MIRROR" >&2; exit 1; }
}
extract MCG-NJU+MOC-Detector 45c3fd0c5e4ca455e7e739f3ad80b2c91813df35 src
extract wei-tim+YOWO 9d202c1694dfa883e67fd8c5455a2b7ad779684f core
extract gurkirt+realtime-action-detection 9dd8e1b5642c7cb3170a31cc3ec5a3c586a3b261 online-tubes

echo "bench_videomap: $(wc -l <"$WORK/videos.txt") videos, $(($(wc -l <"$WORK/dets.csv") - 1)) rows; $RUNS runs of ours per protocol; $(date -u +%Y-%m-%d\ %H:%M) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
ours() {  # ours PROTOCOL: RUNS timed runs, the last one's JSON kept
  local videos=()
  [[ -n "${VIDEOS:-}" ]] && videos=(--videos "$WORK/videos.txt")
  for ((run = 1; run <= RUNS; run++)); do
    local start end
    start=$(date +%s.%N)
    "$SCRATCH/release/eval-videomap" ucf24 split1 --gt "$GT" "${videos[@]}" --detections "$WORK/dets.csv" \
      --protocol "$1" --json "$WORK/$1-ours.json" >"$WORK/$1-ours.txt"
    end=$(date +%s.%N)
    echo "ours $1 $(awk "BEGIN { printf \"%.3f\", $end - $start }")" | tee -a "$LOG"
  done
}

ours act
"$VENV_ACT/bin/python" tools/bench_videomap_reference.py act "$REFS/MCG-NJU+MOC-Detector" "$WORK" | tee -a "$LOG"
ours yowo
"$VENV_YOWO/bin/python" tools/bench_videomap_reference.py yowo "$REFS/wei-tim+YOWO" "$WORK" | tee -a "$LOG"
if [[ "$ROAD" != 0 ]]; then
  ours road
  "$PYTHON_ROAD" tools/bench_videomap_reference.py road-input "$WORK"
  tubes="$REFS/gurkirt+realtime-action-detection/online-tubes"
  rm -rf "$WORK/road/ucf24/actionPaths" "$WORK/road/ucf24/actionTubes" "$WORK/road/facade"
  mkdir -p "$WORK/road/facade"
  sed -n '/^function videos = getVideoNames/,$p' "$tubes/I01onlineTubes.m" >"$WORK/road/facade/getVideoNames.m"
  octave --no-gui --no-window-system --quiet tools/bench_videomap_road.m "$tubes" "$WORK/road" >"$WORK/road/octave.log" 2>&1 \
    || { tail -20 "$WORK/road/octave.log" >&2; exit 1; }
  tee -a "$LOG" <"$WORK/road/road-seconds.txt"
  cp "$WORK/road/road-reference.json" "$WORK/road-reference.json"
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$LOG" "$WORK" <<'PY'
import json, statistics, sys
log, work = sys.argv[1], sys.argv[2]
ours, ref = {}, {}
for line in open(log):
    p = line.split()
    if p and p[0] == "ours":
        ours.setdefault(p[1], []).append(float(p[2]))
    elif p and p[0] == "seconds":
        ref[(p[1], p[2])] = float(p[3])
names = {"act": "MOC-Detector (ACT) Python", "yowo": "YOWO Python", "road": "ROAD MATLAB in Octave"}
print("\n| protocol | ours median (best) s | reference | reference s (stages) | ratio | mAP@0.2 / 0.5 / 0.75 / 0.5:0.95 (ours) | same APs as the reference |")
print("|---|---|---|---|---|---|---|")
for p in ours:
    if (p, "total") not in ref:
        continue
    o = json.load(open(f"{work}/{p}-ours.json"))
    r = json.load(open(f"{work}/{p}-reference.json"))
    maps = [x["mAP"] for x in o["results"]]
    dm = max(abs(a - b) for a, b in zip(maps, r["mAP"]))
    da = max(abs(c["ap"] - x) for a, b in zip(o["results"], r["ap"]) for c, x in zip(a["classes"], b))
    shown = f"{maps[0]:.4f} / {maps[1]:.4f} / {maps[6]:.4f} / {o['mAP050to095']:.4f}"
    labels = len(o["results"][0]["classes"])
    same = (f"identical ({labels} labels x {len(maps)} thresholds)" if dm == 0 and da == 0
            else f"max |dmAP| {dm:.3g}, max |dAP| {da:.3g}")
    m = statistics.median(ours[p])
    total = ref[(p, "total")]
    parts = " + ".join(f"{ref[(p, s)]:.1f}" for s in ("linking", "labelling", "ap") if (p, s) in ref)
    print(f"| {p} | {m:.2f} ({min(ours[p]):.2f}) | {names[p]} | {total:.1f} ({parts}) | **{total / m:.0f}x** | {shown} | {same} |")
PY
