#!/usr/bin/env bash
# Can a detector trained on the synthetic benchmark tell sit down from stand up? Those two actions
# are exact time reverses, so only the order of the frames separates them. Every sit_down and
# stand_up video of a small held-out set (100 videos, seed 5555, never used for training) is run
# forwards and backwards (a sit-down played backwards is a stand-up, frame for frame); at each
# annotated keyframe the best-scoring sit_down/stand_up detection overlapping the box (IoU >= 0.5)
# must carry the right one of the two labels. A direction-blind model scores about 0.5.
#
#   bash tools/direction_check.sh CHECKPOINT OUT_DIR [THREADS]
#   FLOW=FLOW_CHECKPOINT bash tools/direction_check.sh ...   # two streams (detect --flow, fused
#                                                            # scores; the TV-L1 flow of the frames
#                                                            # as played, stored once in OUT_DIR/flow
#                                                            # by `flow` and read with --flow-root,
#                                                            # as training reads it)
#   FLOW=... FLOW_WEIGHT=1 bash tools/direction_check.sh ... # the flow stream's scores alone
#                                                            # (detect --flow-weight; default 0.5)
#
# Needs a release build (swift build -c release) and python3 with numpy (the pickle holds arrays).
# Takes about 2 minutes on 2 cores (detect --every 5 --context perClip on 40 videos of 40-80 frames);
# with FLOW about 10 minutes more the first time (TV-L1 of every frame pair), then reused.
set -euo pipefail
checkpoint=$1
out=$2
threads=${3:-2}
bin=.build/release
set_dir=$out/synthetic-direction
mkdir -p "$out"
if [ ! -f "$set_dir/Synthetic-GT.pkl" ]; then
  "$bin/make-synthetic-actions" --out "$set_dir" --videos 100 --seed 5555 --test-videos 100 >/dev/null
fi
frames=$out/frames
rm -rf "$frames"
mkdir -p "$frames"
for video in "$set_dir"/Frames/sit_down/* "$set_dir"/Frames/stand_up/*; do
  name=$(basename "$video")
  ln -s "$(cd "$video" && pwd)" "$frames/$name"
  mkdir "$frames/${name}_rev"
  i=1
  for f in $(ls "$video" | sort -r); do
    ln -s "$(cd "$video" && pwd)/$f" "$frames/${name}_rev/$(printf %05d.jpg $i)"
    i=$((i + 1))
  done
done
flow_args=()
if [ -n "${FLOW:-}" ]; then
  for video in "$frames"/*; do
    name=$(basename "$video")
    n=$(ls "$video" | wc -l)
    [ -f "$out/flow/$name/y_$(printf %05d $((n - 1))).jpg" ] && continue
    "$bin/flow" "$video" --out "$out/flow/$name" --threads "$threads" --no-progress >/dev/null
  done
  flow_args=(--flow "$FLOW" --flow-root "$out/flow")
fi
detections=$out/detect-$(basename "$checkpoint" .safetensors)${FLOW:+-flow-$(basename "$FLOW" .safetensors)}${FLOW_WEIGHT:+-w$FLOW_WEIGHT}
rm -rf "$detections"
"$bin/detect" "$frames"/* --weights "$checkpoint" "${flow_args[@]}" ${FLOW_WEIGHT:+--flow-weight "$FLOW_WEIGHT"} --out "$detections" --every 5 \
  --score-threshold 0.001 --context perClip --threads "$threads" >"$detections.log"
python3 tools/direction_check.py "$set_dir/Synthetic-GT.pkl" "$detections" | tee "$detections.txt"
