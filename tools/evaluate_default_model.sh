#!/usr/bin/env bash
# Scores a detector trained on the synthetic benchmark (the default model, or its keyframe-only
# ablation) on a held-out synthetic test split made with a seed never used for training, under the
# act protocol, and writes the tables eval/DEFAULT_MODEL.md quotes.
#
#   bash tools/evaluate_default_model.sh CHECKPOINT OUT_DIR [THREADS]
#   CONTEXT=perClip bash tools/evaluate_default_model.sh …   # the context trunk per keyframe clip, as trained
#   RANKS=2 bash tools/evaluate_default_model.sh CHECKPOINT OUT_DIR 1   # detection shared by 2 MPI ranks
#                                                                       # of 1 thread each (Open MPI)
#   FLOW=flow.safetensors [FLOW_ROOT=DIR] [FLOW_WEIGHT=W] bash tools/evaluate_default_model.sh RGB OUT
#       # two streams: FLOW scores RGB's boxes, (1 − W)·RGB + W·flow (W 0.5 default; 1: flow alone),
#       # the test videos' flow read from DIR/<video id>/ (as `flow` writes it) or computed (TV-L1)
#
# With RANKS, eval-framemap runs under `mpirun -np RANKS` (THREADS per rank); its --json is the
# single process's (README, "Many machines"), and eval-videomap then reads the cached detections.
# The test split: 200 videos from seed 777 (the default model's training sets used seeds 1001 and 3001).
# Needs a release build (swift build -c release). Takes about 17 minutes on 2 idle cores (one process,
# 2 threads), 11 with RANKS=2 and 1 thread per rank.
set -euo pipefail
checkpoint=$1
out=$2
threads=${3:-2}
ranks=${RANKS:-1}
context=${CONTEXT:-shared}
name=$(basename "$checkpoint" .safetensors)
[ "$context" = shared ] || name=$name-$context
stream=()
if [ -n "${FLOW:-}" ]; then
  weight=${FLOW_WEIGHT:-0.5}
  name=$name+$(basename "$FLOW" .safetensors)-w$weight
  stream=(--flow-detector "$FLOW" --flow-weight "$weight")
  if [ -n "${FLOW_ROOT:-}" ]; then stream+=(--flow-root "$FLOW_ROOT"); fi
fi
bin=.build/release
launch=()
if [ "$ranks" -gt 1 ]; then
  launch=(mpirun --oversubscribe -np "$ranks" --bind-to core)
  if [ "$(id -u)" = 0 ]; then launch+=(--allow-run-as-root); fi
fi
test_split=$out/synthetic-test
mkdir -p "$out"
if [ ! -f "$test_split/Synthetic-GT.pkl" ]; then
  "$bin/make-synthetic-actions" --out "$test_split" --videos 200 --seed 777 --test-videos 200
fi
"${launch[@]}" "$bin/eval-framemap" jhmdb split1 --gt "$test_split/Synthetic-GT.pkl" --detector "$checkpoint" \
  "${stream[@]}" --frames-root "$test_split/Frames" --cache "$out/cache-$name" \
  --detector-threads "$threads" --detector-context "$context" --detector-score-threshold 0.001 --protocol act \
  --json "$out/framemap-$name.json" | tee "$out/framemap-$name.txt"
"$bin/eval-videomap" jhmdb split1 --gt "$test_split/Synthetic-GT.pkl" --detector "$checkpoint" \
  "${stream[@]}" --frames-root "$test_split/Frames" --cache "$out/cache-$name" \
  --detector-threads "$threads" --detector-context "$context" --detector-score-threshold 0.001 \
  --json "$out/videomap-$name.json" | tee "$out/videomap-$name.txt"
