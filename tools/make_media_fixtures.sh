#!/usr/bin/env bash
# Makes the small committed fixtures of Tests/MediaTests/Fixtures from ../shared/data/videos.
#
#   tools/make_media_fixtures.sh          (from the repo root; needs ffmpeg/ffprobe 5.1 on PATH)
#
# Outputs (all deterministic for a given FFmpeg build; made with FFmpeg 5.1.x, Debian 12):
#   audio_only.mp4        0.3 s of a 440 Hz sine, AAC in MP4, no video stream (~1.6 KB)
#   cut_at_packet.avi     12 frames of testsrc 64x48 MPEG-4 in AVI, cut right before the 9th video
#                         packet: the header says 12 frames, the file holds 8 intact packets
#   cut_faststart_h264.mp4  12 frames of testsrc 64x48 H.264 (libx264) in MP4 with the index first
#                         (+faststart), cut to its first two thirds: the last packets are partial
#   odd_63x47.avi         6 frames of testsrc 63x47 (odd size) MPEG-4 yuv420p in AVI, and
#                         odd_63x47_f003.rgb24 the whole of its frame 3 as ffmpeg converts it to RGB24
#   testsrc_16x12_FMT.png one 16x12 testsrc frame as a PNG of pixel format FMT (rgb24, rgba, gray,
#                         pal8, rgb48be, ya8), and testsrc_16x12_FMT.rgb24 its pixels as ffmpeg
#                         converts them to RGB24
#   *.rgb24               reference pixels: the first ROWS rows of one decoded frame, converted to
#                         packed RGB24 by the ffmpeg command line, for byte-equality tests
#   reference_frames.txt  one line per .rgb24 file: "file source frame_index width rows"
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
videos="$root/../shared/data/videos"
out="$root/Tests/MediaTests/Fixtures"
rows=64
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ffmpeg -v error -y -bitexact -f lavfi -i "sine=frequency=440:duration=0.3" -ac 1 -c:a aac -b:a 16k \
  -fflags +bitexact "$out/audio_only.mp4"

ffmpeg -v error -y -f lavfi -i "testsrc=size=64x48:rate=25" -frames:v 12 -c:v mpeg4 -g 4 \
  -flags +bitexact -fflags +bitexact "$tmp/full.avi"
# Byte offset of the 9th video packet's chunk header (pos points at the payload; the RIFF chunk
# header "00dc" + size is 8 bytes before it).
pos=$(ffprobe -v error -select_streams v:0 -show_entries packet=pos -of csv=p=0 "$tmp/full.avi" | sed -n 9p)
head -c $((pos - 8)) "$tmp/full.avi" >"$out/cut_at_packet.avi"

ffmpeg -v error -y -f lavfi -i "testsrc=size=64x48:rate=25" -frames:v 12 -c:v libx264 -preset ultrafast \
  -g 4 -bf 2 -movflags +faststart -flags +bitexact -fflags +bitexact "$tmp/faststart.mp4"
head -c $(($(stat -c %s "$tmp/faststart.mp4") * 2 / 3)) "$tmp/faststart.mp4" >"$out/cut_faststart_h264.mp4"

ffmpeg -v error -y -f lavfi -i "testsrc=size=63x47:rate=25" -frames:v 6 -c:v mpeg4 -pix_fmt yuv420p \
  -flags +bitexact -fflags +bitexact "$out/odd_63x47.avi"
ffmpeg -v error -y -i "$out/odd_63x47.avi" -vf "select=eq(n\,3)" -fps_mode passthrough -frames:v 1 \
  -f rawvideo -pix_fmt rgb24 "$out/odd_63x47_f003.rgb24"

for format in rgb24 rgba gray pal8 rgb48be ya8; do
  ffmpeg -v error -y -f lavfi -i "testsrc=size=16x12" -frames:v 1 -pix_fmt "$format" -flags +bitexact \
    "$out/testsrc_16x12_$format.png"
  ffmpeg -v error -y -i "$out/testsrc_16x12_$format.png" -f rawvideo -pix_fmt rgb24 "$out/testsrc_16x12_$format.rgb24"
done

# reference frames: source, 0-based frame index, output name
refs=(
  "ucf24_v_Basketball_g01_c02.mp4 0 basketball_g01_c02_f000"
  "applyeyemakeup_mpeg4.avi 50 applyeyemakeup_f050"
  "arm_wrestling_h264.mp4 100 arm_wrestling_f100"
  "jpeg_frames/img_00001.jpg 0 jpeg_frames_f000"
)
: >"$out/reference_frames.txt"
for ref in "${refs[@]}"; do
  read -r source index name <<<"$ref"
  width=$(ffprobe -v error -select_streams v:0 -show_entries stream=width -of csv=p=0 "$videos/$source")
  ffmpeg -v error -y -i "$videos/$source" -vf "select=eq(n\,$index)" -fps_mode passthrough -frames:v 1 \
    -f rawvideo -pix_fmt rgb24 "$tmp/frame.rgb"
  head -c $((width * 3 * rows)) "$tmp/frame.rgb" >"$out/$name.rgb24"
  echo "$name.rgb24 $source $index $width $rows" >>"$out/reference_frames.txt"
done
ls -l "$out"
