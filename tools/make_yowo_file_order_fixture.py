#!/usr/bin/env python3
"""Writes Tests/EvaluationTests/Fixtures/yowo_file_order.json: a small UCF-101-24-shaped split whose
tied scores cross from `Basketball/…` to `BasketballDunk/…`, scored by YOWO's frame-mAP code,
unmodified.

Why: YOWO reads one detection file per annotated frame, named `<label>_<video>_<frame:05d>.txt`, in
sorted name order, and Padilla's stable sort keeps equal scores in that order. `BasketballDunk_…`
sorts before `Basketball_…` (`D` < `_`) while the split lists `Basketball/` first, so a detector's
equal scores on the two folders rank differently from split order. The fixture's detections are in
split order (videos, frames, then box-major, one row per label, as a detections CSV would be);
`yowo` must reproduce YOWO's result from them under both tie rules.

Reference: wei-tim/YOWO 9d202c1694dfa883e67fd8c5455a2b7ad779684f (see make_tied_yowo_expected.py for
extracting `evaluation_ucf24_jhmdb` to REFS). Run from the repository root, with either venv:
  /work/.venv-ties/bin/python tools/make_yowo_file_order_fixture.py REFS
  /work/.venv-ties2/bin/python tools/make_yowo_file_order_fixture.py REFS --check
The detections are drawn once from a fixed seed and kept in the JSON; --check re-scores the
committed detections and fails when YOWO's result differs from the committed one.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tied_yowo_expected import install_stubs, run_padilla  # noqa: E402

PATH = "Tests/EvaluationTests/Fixtures/yowo_file_order.json"
LABELS = ["Basketball", "BasketballDunk"]
VIDEOS = ["Basketball/v_Basketball_g01_c01", "BasketballDunk/v_BasketballDunk_g01_c01"]
FRAMES = 6


def draw():
    """Ground truth (one box per frame, the video's label) and tied detections in split order."""
    rng = np.random.default_rng(2024)
    gt, rows = {}, []
    for v, video in enumerate(VIDEOS):
        boxes = []
        for frame in range(1, FRAMES + 1):
            x, y = int(rng.integers(20, 200)), int(rng.integers(10, 100))
            boxes.append([frame, x, y, x + 60, y + 120])
            candidates = [[x + int(rng.integers(-6, 7)), y + int(rng.integers(-6, 7)), x + 60, y + 120],
                          [x + 90, y, x + 150, y + 120],
                          [x + int(rng.integers(-30, 31)), y + 40, x + 60, y + 160]]
            for box in candidates:
                scores = [float(rng.choice([0.25, 0.5, 0.75])) for _ in LABELS]
                rows.append([v, frame] + [float(c) for c in box] + scores)
        gt[video] = {v: [np.array(boxes, dtype=np.float32)]}
    return gt, rows


def score(refs, gt, rows):
    mAP, classes = run_padilla(refs, LABELS, VIDEOS, gt, rows)
    return {"mAP": mAP, "classes": classes}


def main():
    refs = sys.argv[1]
    install_stubs()
    if "--check" in sys.argv[2:]:
        with open(PATH) as f:
            old = json.load(f)
        gt = {video: {v: [np.array(old["groundTruth"][video], dtype=np.float32)]}
              for v, video in enumerate(VIDEOS)}
        rows = [[VIDEOS.index(r["video"]), r["frame"]] + r["box"] + r["scores"] for r in old["detections"]]
        same = score(refs, gt, rows) == old["yowo"]
        print("YOWO gives the committed result:", same, file=sys.stderr)
        sys.exit(0 if same else 1)
    gt, rows = draw()
    result = {
        "numpy": np.__version__, "iou": 0.5, "labels": LABELS, "videos": VIDEOS, "frameCount": FRAMES,
        "groundTruth": {video: gt[video][v][0].tolist() for v, video in enumerate(VIDEOS)},
        "detections": [{"video": VIDEOS[r[0]], "frame": r[1], "box": r[2:6], "scores": r[6:]} for r in rows],
        "yowo": score(refs, gt, rows),
    }
    with open(PATH, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("yowo mAP", result["yowo"]["mAP"], file=sys.stderr)


if __name__ == "__main__":
    main()
