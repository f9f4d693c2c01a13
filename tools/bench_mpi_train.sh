#!/usr/bin/env bash
# Steps per second of the default model's training (width 1/4, 192×240, 20-frame clips, every part
# learning) on this machine: one process with 2 compute threads against 2 MPI ranks with 1 thread
# each, the same global batch, interleaved by round.
#
#   bash tools/bench_mpi_train.sh [STEPS] [ROUNDS]      (defaults 20 and 2)
#   BATCH=8 BN=batch bash tools/bench_mpi_train.sh 12 2  (the default model's recipe: global batch 8,
#                                                         statistics across each rank's samples)
#
# BATCH is the global batch (default 2), BN the --bn mode (default training: per-sample statistics).
# Needs a release build (swift build -c release) and Open MPI (tools/setup.sh). Run it on a quiet
# machine; it prints the median seconds per step of each round (the first 3 steps of a run are left
# out: calibration and first-touch) and the ratio.
set -euo pipefail
steps=${1:-20}
rounds=${2:-2}
batch=${BATCH:-2}
bn=${BN:-training}
bin=$(pwd)/.build/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/make-synthetic-actions" --out "$work/set" --videos 20 --seed 5 --test-videos 2 > /dev/null
common=(synthetic split1 --gt "$work/set/Synthetic-GT.pkl" --frames-root "$work/set/Frames"
  --scratch 192x240,20,4,64,50 --steps "$steps" --batch-size "$batch" --lr 0.01 --warmup 5 --schedule cosine
  --train all --bn "$bn" --checkpoint-every 0 --seed 1 --calibration-samples 2)
median() { awk -F, -v skip=3 'NR > 1 + skip { print $8 }' "$1" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
mpirun=(mpirun --oversubscribe -np 2 --bind-to core)
if [ "$(id -u)" = 0 ]; then mpirun+=(--allow-run-as-root); fi
echo "round  1 rank x 2 threads (s/step)  2 ranks x 1 thread (s/step)  ratio (1x2 / 2x1)"
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/one" "$work/two"
  "$bin/train" "${common[@]}" --threads 2 --run "$work/one" > /dev/null
  "${mpirun[@]}" "$bin/train" "${common[@]}" --threads 1 --run "$work/two" > /dev/null
  a=$(median "$work/one/log.csv")
  b=$(median "$work/two/log.csv")
  awk -v r="$r" -v a="$a" -v b="$b" 'BEGIN { printf "%5d  %27.3f  %27.3f  %.2f\n", r, a, b, a / b }'
done
