#!/usr/bin/env python3
"""Writes a tiny synthetic action dataset in the ACT/JHMDB layout, for trying `train` end to end:

    OUT/Frames/<class>/<video>/00001.png …   a bright rectangle moving on a grey background
    OUT/synthetic-GT.pkl                      ACT-format ground truth (labels, gttubes, nframes,
                                              resolution, train_videos, test_videos; one split)

Classes: `left` (a yellow rectangle moving left) and `right` (a cyan one moving right); the same
motion as Tests/TrainingTests/SyntheticSet.swift. Boxes are 0-based inclusive pixel indices, as in
JHMDB-GT.pkl. Needs only python3 and numpy (PNGs are written with zlib).

    python3 tools/make_synthetic_action_set.py OUT [--videos-per-class 2] [--frames 8] [--size 64x80]
"""
import argparse
import os
import pickle
import struct
import zlib

import numpy as np


def write_png(path, rgb):
    """An 8-bit RGB PNG of the (H, W, 3) uint8 array `rgb`."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--videos-per-class", type=int, default=2)
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--size", default="64x80")
    args = parser.parse_args()
    height, width = (int(v) for v in args.size.split("x"))
    labels = ["left", "right"]
    colours = [(250, 230, 40), (40, 220, 250)]
    gttubes, nframes, resolution, videos = {}, {}, {}, []
    for label, name in enumerate(labels):
        for v in range(args.videos_per_class):
            video = f"{name}/v{v}"
            folder = os.path.join(args.out, "Frames", video)
            os.makedirs(folder, exist_ok=True)
            w, h = 24 + 4 * v, 28
            y = 10 + 6 * v
            rows = []
            for f in range(args.frames):
                t = f / (args.frames - 1) if args.frames > 1 else 0
                travel = width - w - 4
                x = 2 + int(travel * (1 - t) if label == 0 else travel * t)
                image = np.full((height, width, 3), 40, dtype=np.uint8)
                image[y:y + h, x:x + w] = colours[label]
                write_png(os.path.join(folder, f"{f + 1:05d}.png"), image)
                rows.append([f + 1, x, y, x + w - 1, y + h - 1])
            gttubes[video] = {label: [np.array(rows, dtype=np.float32)]}
            nframes[video] = args.frames
            resolution[video] = (height, width)
            videos.append(video)
    gt = {
        "labels": labels, "gttubes": gttubes, "nframes": nframes, "resolution": resolution,
        "train_videos": [videos], "test_videos": [videos],
    }
    with open(os.path.join(args.out, "synthetic-GT.pkl"), "wb") as f:
        pickle.dump(gt, f, protocol=2)
    print(f"{len(videos)} videos of {args.frames} frames ({height}x{width}) in {args.out}/Frames; "
          f"ground truth {args.out}/synthetic-GT.pkl")


if __name__ == "__main__":
    main()
