#!/usr/bin/env python3
"""Makes the input of tools/bench_videomap.sh: per-frame detections at the scale of UCF-101-24
split 1, synthesised from the real ground truth, as a detections CSV.

  make_ucf_videomap_bench.py OUT [--pyannot FILE] [--testlist FILE] [--videos N]

Ground truth: the corrected UCF-101-24 annotations (pyannot.pkl, default ../shared/data/gt/ucf24/)
and the split-1 test list (910 videos, testlist01.txt), read the way `eval-videomap ucf24` reads
them (GroundTruth+Pyannot.swift, box convention `road`): a tube with 0-based start `sf` and end `ef`
covers frames sf + 1 ... ef, its box [x, y, w, h] is x1 = x, y1 = y, x2 = x + w, y2 = y + h.
`--videos N` keeps N test videos spread evenly over the list (every label has some), for trial runs.

Detections (seeded, deterministic), per test video and frame, as a detector that scores every box
for several labels writes them (SSD/YOWO-like; one CSV row per box and label):
  * each ground-truth box, jittered (per-tube jitter level; 1 % of frames dropped, 2 % far off),
    scored for its label (per-tube level plus noise) and for 2-3 other labels (low scores); in one
    tube in ten another label dominates for a stretch (what ROAD's temporal labelling trims);
  * a near duplicate of one box in ten (shifted, half the scores);
  * 1-3 false-positive tracks per video (5-80 frames, drifting, one dominant label and 2 others);
  * 0-3 clutter boxes per frame with 3 labels at low scores.
Scores are float32 values with full mantissas; coordinates lie on a 5/256-pixel grid in x and a
15/1024-pixel grid in y inside 320 x 240, so that ROAD's normalised input (x / 320, y / 240 in
float32) multiplies back to the same pixels exactly. Every number is written so that it parses to
the same float32 in Swift and Python. No two boxes of a frame are equal (ROAD's input groups a
frame's rows by box).

Writes OUT/dets.csv (video,frame,label,score,x1,y1,x2,y2; frame-major within each video) and
OUT/videos.txt (the test videos used, one per line). Needs numpy (to read the pickle).
"""
import argparse
import os
import pickle
import random

import numpy as np

LABELS = [
    "Basketball", "BasketballDunk", "Biking", "CliffDiving", "CricketBowling", "Diving", "Fencing",
    "FloorGymnastics", "GolfSwing", "HorseRiding", "IceDancing", "LongJump", "PoleVault", "RopeClimbing",
    "SalsaSpin", "SkateBoarding", "Skiing", "Skijet", "SoccerJuggling", "Surfing", "TennisSwing",
    "TrampolineJumping", "VolleyballSpiking", "WalkingWithDog",
]
W, H = 320, 240
GX, GY = 5 / 256, 15 / 1024  # x / 320 and y / 240 are then multiples of 2^-14: exact in float32
F32 = np.float32
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data/gt/ucf24")


def load_ground_truth(pyannot, testlist, limit=None):
    """[(video, frames, [(label, first frame, [[x1, y1, x2, y2] ints])])] in test-list order."""
    with open(pyannot, "rb") as f:
        data = pickle.load(f)
    with open(testlist) as f:
        videos = [line.strip() for line in f if line.strip()]
    if limit and limit < len(videos):
        videos = [videos[k * len(videos) // limit] for k in range(limit)]
    out = []
    for v in videos:
        tubes = []
        for t in data[v]["annotations"]:
            boxes = [[int(x), int(y), int(x) + int(w), int(y) + int(h)] for x, y, w, h in t["boxes"]]
            assert len(boxes) == int(t["ef"]) - int(t["sf"]), v
            tubes.append((int(t["label"]), int(t["sf"]) + 1, boxes))
        out.append((v, int(data[v]["numf"]), tubes))
    return out


def on_grid(box):
    x1 = min(max(box[0], 0.0), W - 4.0)
    y1 = min(max(box[1], 0.0), H - 4.0)
    x2 = min(max(box[2], x1 + 2.0), float(W))
    y2 = min(max(box[3], y1 + 2.0), float(H))
    return (round(x1 / GX) * GX, round(y1 / GY) * GY, round(x2 / GX) * GX, round(y2 / GY) * GY)


def score(x):
    return float(F32(min(0.999, max(0.002, x))))


def others(rng, label, n):
    return rng.sample([k for k in range(len(LABELS)) if k != label], n)


def make_video(rng, frames, tubes):
    """{frame: [(box, {label: score})]}."""
    per_frame = {f: [] for f in range(1, frames + 1)}
    for label, first, boxes in tubes:
        level = rng.uniform(0.3, 0.95)
        spread = rng.choice([0.02, 0.04, 0.08])
        side = others(rng, label, rng.choice([2, 3]))
        switch = None
        if rng.random() < 0.1 and len(boxes) > 20:
            start = first + rng.randrange(len(boxes) - 10)
            switch = (start, start + rng.randint(5, 30), side[0])
        for k, b in enumerate(boxes):
            f = first + k
            if f > frames or rng.random() < 0.01:
                continue
            w, h = b[2] - b[0], b[3] - b[1]
            s = spread if rng.random() < 0.98 else 0.3
            box = on_grid([b[i] + rng.gauss(0, s) * (w if i % 2 == 0 else h) for i in range(4)])
            scores = {label: score(level + rng.gauss(0, 0.05))}
            for o in side:
                scores[o] = score(rng.uniform(0.005, 0.3))
            if switch and switch[0] <= f < switch[1]:
                scores[switch[2]] = score(level + 0.1 + rng.gauss(0, 0.05))
                scores[label] = score(level * 0.4)
            per_frame[f].append((box, scores))
            if rng.random() < 0.1:
                near = on_grid([c + rng.gauss(0, 6) for c in box])
                per_frame[f].append((near, {k: score(v * 0.5) for k, v in scores.items()}))
    for _ in range(rng.randint(1, 3)):  # false-positive tracks
        start = rng.randint(1, frames)
        length = rng.randint(5, 80)
        x, y = rng.uniform(0, 230), rng.uniform(0, 150)
        bw, bh = rng.uniform(30, 90), rng.uniform(50, 90)
        label = rng.randrange(len(LABELS))
        side = others(rng, label, 2)
        level = rng.uniform(0.05, 0.6)
        for f in range(start, min(frames, start + length - 1) + 1):
            x += rng.gauss(0, 1.5)
            y += rng.gauss(0, 1.5)
            scores = {label: score(level + rng.gauss(0, 0.05))}
            for o in side:
                scores[o] = score(rng.uniform(0.005, 0.2))
            per_frame[f].append((on_grid([x, y, x + bw, y + bh]), scores))
    for f in range(1, frames + 1):  # clutter
        for _ in range(rng.randint(0, 3)):
            x, y = rng.uniform(0, 280), rng.uniform(0, 200)
            box = on_grid([x, y, x + rng.uniform(15, 120), y + rng.uniform(20, 120)])
            per_frame[f].append((box, {k: score(rng.uniform(0.005, 0.3)) for k in rng.sample(range(24), 3)}))
    for f in per_frame:  # one prior per box: drop exact repeats
        seen, kept = set(), []
        for box, scores in per_frame[f]:
            if box not in seen:
                seen.add(box)
                kept.append((box, scores))
        per_frame[f] = kept
    return per_frame


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--pyannot", default=f"{SHARED}/pyannot.pkl")
    parser.add_argument("--testlist", default=f"{SHARED}/testlist01.txt")
    parser.add_argument("--videos", type=int, default=None)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    videos = load_ground_truth(args.pyannot, args.testlist, args.videos)
    rng = random.Random(2412)
    rows = boxes = frames = 0
    with open(os.path.join(args.out, "dets.csv.tmp"), "w") as out:
        out.write("video,frame,label,score,x1,y1,x2,y2\n")
        for v, n, tubes in videos:
            per_frame = make_video(rng, n, tubes)
            frames += n
            for f in range(1, n + 1):
                for box, scores in per_frame[f]:
                    boxes += 1
                    coords = ",".join(repr(c) for c in box)
                    for k in sorted(scores):
                        out.write(f"{v},{f},{LABELS[k]},{scores[k]!r},{coords}\n")
                        rows += 1
    os.replace(os.path.join(args.out, "dets.csv.tmp"), os.path.join(args.out, "dets.csv"))
    with open(os.path.join(args.out, "videos.txt"), "w") as out:
        out.write("".join(v + "\n" for v, _, _ in videos))
    gt = sum(len(t[2]) for _, _, tubes in videos for t in tubes)
    print(f"{len(videos)} videos, {frames} frames, {gt} ground-truth boxes; {boxes} boxes, {rows} rows "
          f"in {args.out}/dets.csv")


if __name__ == "__main__":
    main()
