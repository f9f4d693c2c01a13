#!/usr/bin/env python3
"""OpenCV's side of tools/bench_flow.sh: makes the benchmark's 320x240 grey frame pairs, and times
cv2.optflow.DualTVL1OpticalFlow_create() (default parameters) on them.

    bench_flow_opencv.py --make-pairs DIR      decode the pairs below into DIR (see bench_flow.sh)
    bench_flow_opencv.py --pairs DIR --threads N --runs R [--write-flow]

Pairs: two consecutive frames, RGB24 from the ffmpeg command line (byte-equal to Media's
VideoReader), the central 320x240 crop, grey by cv2.cvtColor(RGB2GRAY). DIR gets NAME.gray0.u8,
NAME.gray1.u8 and pairs.txt ("NAME WIDTH HEIGHT" per line). Timing prints one line per pair,
"opencv NAME ms1 ms2 ...", each run one calc() on a fresh object after one untimed warm-up calc();
--write-flow also writes OpenCV's flow to NAME.flow.f32 (float32 dx, dy per pixel).
"""
import argparse
import os
import subprocess
import time

import cv2
import numpy as np

VIDEOS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "shared", "data", "videos")
PAIRS = [
    ("eyemakeup_f010", "applyeyemakeup_mpeg4.avi", 10),
    ("eyemakeup_f090", "applyeyemakeup_mpeg4.avi", 90),
    ("armwrestling_f100", "arm_wrestling_h264.mp4", 100),
    ("biking_f040", "ucf24_v_Biking_g01_c01.mp4", 40),
    ("basketball_f030", "ucf24_v_Basketball_g01_c02.mp4", 30),
    ("horseriding_f060", "ucf24_v_HorseRiding_g01_c03.mp4", 60),
]


def decode(video, first):
    path = os.path.join(VIDEOS, video)
    size = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
         "-of", "csv=p=0", path], check=True, capture_output=True, text=True).stdout.strip()
    width, height = map(int, size.split(","))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)[first:first + 2]


def make_pairs(out):
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, video, first in PAIRS:
        frames = decode(video, first)
        h, w = frames.shape[1:3]
        y, x = (h - 240) // 2, (w - 320) // 2
        for k in range(2):
            gray = cv2.cvtColor(np.ascontiguousarray(frames[k, y:y + 240, x:x + 320]), cv2.COLOR_RGB2GRAY)
            gray.tofile(os.path.join(out, f"{name}.gray{k}.u8"))
        lines.append(f"{name} 320 240")
    with open(os.path.join(out, "pairs.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def time_pairs(folder, threads, runs, write_flow):
    cv2.setNumThreads(threads)
    for line in open(os.path.join(folder, "pairs.txt")):
        name, w, h = line.split()
        w, h = int(w), int(h)
        g0 = np.fromfile(os.path.join(folder, f"{name}.gray0.u8"), np.uint8).reshape(h, w)
        g1 = np.fromfile(os.path.join(folder, f"{name}.gray1.u8"), np.uint8).reshape(h, w)
        flow = cv2.optflow.DualTVL1OpticalFlow_create().calc(g0, g1, None)
        if write_flow:
            flow.astype("<f4").tofile(os.path.join(folder, f"{name}.flow.f32"))
        times = []
        for _ in range(runs):
            tvl1 = cv2.optflow.DualTVL1OpticalFlow_create()
            start = time.perf_counter()
            tvl1.calc(g0, g1, None)
            times.append((time.perf_counter() - start) * 1000)
        print("opencv", name, " ".join(f"{t:.1f}" for t in times), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--make-pairs")
    parser.add_argument("--pairs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--write-flow", action="store_true")
    args = parser.parse_args()
    if args.make_pairs:
        make_pairs(args.make_pairs)
    if args.pairs:
        time_pairs(args.pairs, args.threads, args.runs, args.write_flow)


if __name__ == "__main__":
    main()
