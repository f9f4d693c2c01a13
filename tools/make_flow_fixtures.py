#!/usr/bin/env python3
"""Makes the TV-L1 parity fixtures of Tests/FlowTests/Fixtures from ../shared/data/videos.

Run from anywhere, with a scratch venv outside the repository (OpenCV 5.1.0, numpy 2.4 made the
committed files):

    python3 -m venv /work/.venv-flow
    /work/.venv-flow/bin/pip install opencv-contrib-python numpy
    /work/.venv-flow/bin/python tools/make_flow_fixtures.py

Needs ffmpeg on PATH. For each pair below it decodes two consecutive frames to RGB24 with the
ffmpeg command line (`ffmpeg -i IN -f rawvideo -pix_fmt rgb24`, byte-equal to Media's VideoReader),
crops them, converts them to grey with `cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)` (on this build:
(9798 R + 19235 G + 3735 B + 16384) >> 15), and runs `cv2.optflow.DualTVL1OpticalFlow_create()`
with its default parameters on the two grey images (uint8), single-threaded
(`cv2.setNumThreads(1)`; the result does not depend on the thread count, checked below).

Outputs (little-endian, row-major, no headers):
  NAME.gray0.u8, NAME.gray1.u8   the two grey frames the flow was computed on (bytes)
  NAME.flow.f32                  OpenCV's flow, float32 pairs (dx, dy) per pixel, as its H×W×2 array
  gray_patch.rgb24, gray_patch.u8  a 64×32 RGB crop of a real frame and OpenCV's grey of it
  flow_fixtures.txt              one line per pair: "NAME WIDTH HEIGHT VIDEO FRAME0 X Y" (frames
                                 0-based; the crop's top-left corner X, Y in the source frame)
Sizes: one full 320×240 pair and three 160×120 crops (the window of the source with the largest
frame difference), about 1.3 MB in all.
"""
import os
import subprocess
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIDEOS = os.path.join(os.path.dirname(ROOT), "shared", "data", "videos")
OUT = os.path.join(ROOT, "Tests", "FlowTests", "Fixtures")

# name, video, first frame (0-based), crop size (None: the whole 320x240 frame)
PAIRS = [
    ("eyemakeup_f050", "applyeyemakeup_mpeg4.avi", 50, None),
    ("armwrestling_f100", "arm_wrestling_h264.mp4", 100, (160, 120)),
    ("biking_f040", "ucf24_v_Biking_g01_c01.mp4", 40, (160, 120)),
    ("basketball_f030", "ucf24_v_Basketball_g01_c02.mp4", 30, (160, 120)),
]


def decode(video, first, count):
    """Frames first..first+count-1 of video as RGB24 arrays (H, W, 3)."""
    path = os.path.join(VIDEOS, video)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
         "-of", "csv=p=0", path], check=True, capture_output=True, text=True).stdout.strip()
    width, height = map(int, probe.split(","))
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    return frames[first:first + count]


def busiest_window(a, b, size):
    """Top-left corner (x, y) of the size=(w, h) window, on an 8-pixel grid, with the largest
    absolute grey difference between a and b."""
    w, h = size
    diff = np.abs(a.astype(np.int32) - b.astype(np.int32))
    best = None
    for y in range(0, a.shape[0] - h + 1, 8):
        for x in range(0, a.shape[1] - w + 1, 8):
            score = int(diff[y:y + h, x:x + w].sum())
            if best is None or score > best[0]:
                best = (score, x, y)
    return best[1], best[2]


def tvl1(g0, g1, threads):
    cv2.setNumThreads(threads)
    flow = cv2.optflow.DualTVL1OpticalFlow_create().calc(g0, g1, None)
    return flow.astype(np.float32)


def main():
    print("OpenCV", cv2.__version__, "numpy", np.__version__)
    os.makedirs(OUT, exist_ok=True)
    lines = []
    for name, video, first, crop in PAIRS:
        rgb = decode(video, first, 2)
        gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in rgb]
        if crop is None:
            x, y = 0, 0
            w, h = gray[0].shape[1], gray[0].shape[0]
            assert (w, h) == (320, 240), (video, w, h)
        else:
            w, h = crop
            x, y = busiest_window(gray[0], gray[1], crop)
        g0 = np.ascontiguousarray(gray[0][y:y + h, x:x + w])
        g1 = np.ascontiguousarray(gray[1][y:y + h, x:x + w])
        flow = tvl1(g0, g1, 1)
        again = tvl1(g0, g1, 2)
        assert np.array_equal(flow, again), "OpenCV's TV-L1 depends on the thread count"
        g0.tofile(os.path.join(OUT, name + ".gray0.u8"))
        g1.tofile(os.path.join(OUT, name + ".gray1.u8"))
        flow.astype("<f4").tofile(os.path.join(OUT, name + ".flow.f32"))
        lines.append(f"{name} {w} {h} {video} {first} {x} {y}")
        mag = np.hypot(flow[..., 0], flow[..., 1])
        print(f"{name}: {w}x{h} at ({x},{y}) of {video} frames {first},{first + 1}; "
              f"|flow| mean {mag.mean():.3f} max {mag.max():.3f} px")
    # RGB -> grey check on a real patch.
    rgb = decode("arm_wrestling_h264.mp4", 100, 1)[0][100:132, 100:164]
    np.ascontiguousarray(rgb).tofile(os.path.join(OUT, "gray_patch.rgb24"))
    cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).tofile(os.path.join(OUT, "gray_patch.u8"))
    with open(os.path.join(OUT, "flow_fixtures.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
