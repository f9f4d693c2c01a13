#!/usr/bin/env bash
# Leak and memory-error check of Media's error paths (and good inputs), under valgrind.
#
#   tools/valgrind-media.sh          (from the repo root; needs valgrind and ffmpeg's sample data in
#                                     ../shared/data/videos; takes a few minutes)
#
# Builds `video-info` (debug, scratch folder .build-valgrind unless SCRATCH is set), then runs
#   valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 video-info --count --decode INPUT
# on every bad input (missing, empty, text renamed .mp4, MP4/raw MPEG-4/AVI cut in half, AVI cut at a
# packet, indexed MP4 cut mid-packet, audio only, /dev/null, empty folder, folder with a text or
# half-JPEG frame) and on good inputs (a UCF-101-24 clip, the JPEG folder, an odd-sized AVI).
# A bad input must exit 1 (our one-line error), a good one 0; valgrind's 9 means a definite
# leak or a memory error. Not part of `swift test` (too slow). Prints one line per input and exits
# non-zero if any input misbehaves.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
videos="$root/../shared/data/videos"
fixtures="$root/Tests/MediaTests/Fixtures"
scratch=${SCRATCH:-$root/.build-valgrind}
cd "$root"
swift build --scratch-path "$scratch" --product video-info >/dev/null
tool="$(swift build --scratch-path "$scratch" --show-bin-path)/video-info"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
half() { head -c $(($(stat -c %s "$1") / 2)) "$1" >"$2"; }
: >"$tmp/empty.mp4"
echo "These are notes, not a video." >"$tmp/notes.mp4"
half "$videos/arm_wrestling_h264.mp4" "$tmp/arm_wrestling_cut.mp4"
half "$videos/ucf24_v_Basketball_g07_c04.mp4" "$tmp/ucf24_cut.mp4"
half "$videos/applyeyemakeup_mpeg4.avi" "$tmp/applyeyemakeup_cut.avi"
mkdir "$tmp/empty_folder" "$tmp/text_frame" "$tmp/half_jpeg"
echo "hello" >"$tmp/text_frame/00001.png"
half "$videos/jpeg_frames/img_00001.jpg" "$tmp/half_jpeg/img_00001.jpg"

bad=(
  "$tmp/missing.mp4" "$tmp/empty.mp4" "$tmp/notes.mp4" "$tmp/arm_wrestling_cut.mp4" "$tmp/ucf24_cut.mp4"
  "$tmp/applyeyemakeup_cut.avi" "$fixtures/cut_at_packet.avi" "$fixtures/cut_faststart_h264.mp4"
  "$fixtures/audio_only.mp4" /dev/null
  "$tmp/empty_folder" "$tmp/text_frame" "$tmp/half_jpeg"
)
good=("$videos/ucf24_v_Basketball_g07_c04.mp4" "$videos/jpeg_frames" "$fixtures/odd_63x47.avi")

failures=0
run() { # expected-status input
  local expected=$1 input=$2 status=0
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
    --log-file="$tmp/valgrind.log" "$tool" --count --decode "$input" >"$tmp/out.txt" 2>&1 || status=$?
  local verdict=ok
  if [[ $status != "$expected" ]]; then
    verdict="FAIL (exit $status, expected $expected)"
    failures=$((failures + 1))
    cat "$tmp/valgrind.log"
  fi
  printf '%-4s exit %s  %s\n     %s\n' "$([[ $verdict == ok ]] && echo ok || echo FAIL)" "$status" \
    "${input#"$tmp/"}" "$(tr '\n' ' ' <"$tmp/out.txt")"
}
for input in "${bad[@]}"; do run 1 "$input"; done
for input in "${good[@]}"; do run 0 "$input"; done

if ((failures > 0)); then
  echo "valgrind-media: $failures input(s) misbehaved"
  exit 1
fi
echo "valgrind-media: all $((${#bad[@]} + ${#good[@]})) inputs clean (no definite leaks, no memory errors)"
