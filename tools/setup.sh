#!/usr/bin/env bash
# Installs every Debian package a fresh Debian 12 + Swift 6.3 machine lacks to build, test and run
# this project. Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev  # Media: video decoding (FFmpeg 5.1)
  libopenblas-dev                                               # Tensor: sgemm
  libpng-dev zlib1g-dev                                         # Rendering: PNG files
  libopenmpi-dev openmpi-bin                                    # Distributed: MPI (Open MPI 4.1), mpirun
  ffmpeg                                                        # tests: ffprobe and fixture making
  valgrind                                                      # tests: leak checks of error paths
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: every package is installed"
  exit 0
fi

sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
