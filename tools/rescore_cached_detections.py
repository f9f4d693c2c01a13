"""Frame-mAP of cached detections after a post-processing rescoring, without running the network.

    python3 tools/rescore_cached_detections.py GT.pkl DETECTIONS cross-label [--split K]
    python3 tools/rescore_cached_detections.py GT.pkl DETECTIONS smooth [--split K]

DETECTIONS is an `eval-framemap --cache` folder (one CSV per video). The act protocol's frame-mAP
(as tools/diagnose_framemap.py computes it) of the detections as they are, then of each setting:

  cross-label  a detection overlapped at IoU >= t by a higher-scored detection of another label in
               its frame has its score multiplied by f (t in 0.5, 0.7; f in 0, 0.3, 0.6)
  smooth       each detection's score becomes (1 - w) * its own + w * the mean over frames f-k .. f+k
               that have detections of its label of the score of the best of them that overlaps it
               at IoU >= 0.5, or 0 where none does (k in 2, 4, 8; w in 0.5, 0.8)

eval/DEFAULT_MODEL.md (session 19) quotes its figures. Pure Python: about a minute for every setting
on 20 videos on one idle core, roughly ten times that on 200.
"""
import argparse
import itertools

import numpy as np

from diagnose_framemap import diagnose_label, load_split  # same folder
from framemap_reference import act_iou


def frame_map(labels, vlist, tubes, detections):
    """The act protocol's frame-mAP at IoU 0.5, in percent."""
    return 100 * np.mean([diagnose_label(i, name, vlist, tubes, detections, 0.5)[0] for i, name in enumerate(labels)])


def by_frame(rows):
    """frame -> the detections (label, score, frame, box) of that frame."""
    frames = {}
    for row in rows:
        frames.setdefault(row[2], []).append(row)
    return frames


def cross_label(detections, t, factor):
    """Scales each detection that a higher-scored detection of another label overlaps at IoU >= t."""
    rescored = {}
    for video, rows in detections.items():
        out = []
        for frame_rows in by_frame(rows).values():
            frame_rows = sorted(frame_rows, key=lambda r: -r[1])
            for i, (label, score, frame, box) in enumerate(frame_rows):
                covered = any(other != label and act_iou(b[None].astype(np.float64), box)[0] >= t
                              for other, _, _, b in frame_rows[:i])
                out.append((label, score * factor if covered else score, frame, box))
        rescored[video] = out
    return rescored


def smooth(detections, k, weight):
    """Mixes each detection's score with its same-label neighbours' in frames f-k .. f+k."""
    rescored = {}
    for video, rows in detections.items():
        index = {}
        for row in rows:
            index.setdefault((row[2], row[0]), []).append(row)
        out = []
        for label, score, frame, box in rows:
            neighbours = []
            for other in range(frame - k, frame + k + 1):
                candidates = index.get((other, label))
                if other == frame or not candidates:
                    continue
                ious = act_iou(np.array([c[3] for c in candidates], dtype=np.float64), box)
                best = int(np.argmax(ious))
                neighbours.append(candidates[best][1] if ious[best] >= 0.5 else 0.0)
            mean = np.mean(neighbours) if neighbours else score
            out.append((label, (1 - weight) * score + weight * mean, frame, box))
        rescored[video] = out
    return rescored


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gt")
    parser.add_argument("detections")
    parser.add_argument("mode", choices=("cross-label", "smooth"))
    parser.add_argument("--split", type=int, default=1)
    args = parser.parse_args()
    labels, vlist, tubes, detections = load_split("rescore_cached_detections", args.gt, args.detections, args.split)
    print(f"as cached: {frame_map(labels, vlist, tubes, detections):.2f}", flush=True)
    if args.mode == "cross-label":
        for t, factor in itertools.product((0.5, 0.7), (0.0, 0.3, 0.6)):
            print(f"cross-label t {t} f {factor}: {frame_map(labels, vlist, tubes, cross_label(detections, t, factor)):.2f}", flush=True)
    else:
        for weight, k in itertools.product((0.5, 0.8), (2, 4, 8)):
            print(f"smooth k {k} w {weight}: {frame_map(labels, vlist, tubes, smooth(detections, k, weight)):.2f}", flush=True)


if __name__ == "__main__":
    main()
