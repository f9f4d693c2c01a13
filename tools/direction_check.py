"""Direction accuracy of sit_down / stand_up detections (tools/direction_check.sh writes the input).

    python3 tools/direction_check.py GT.pkl DETECT_DIR

DETECT_DIR/<video>/detections.csv for each sit_down/stand_up video of GT.pkl, and
DETECT_DIR/<video>_rev/detections.csv for the same video played backwards (frame f of n is frame
n + 1 - f, and its label is the other one). At each annotated keyframe the detector scored, the
best-scoring sit_down or stand_up detection with IoU >= 0.5 to the ground-truth box counts as right
when its label is the true one (none overlapping: wrong). Prints the counts per direction and label
and the overall fraction (a direction-blind detector: about 0.5).
"""
import collections
import csv
import glob
import os
import pickle
import sys

PARTNER = {"sit_down": "stand_up", "stand_up": "sit_down"}


def iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def main(gt_path, detect_dir):
    with open(gt_path, "rb") as f:
        gt = pickle.load(f, encoding="latin1")
    labels = gt["labels"]
    right, total = collections.Counter(), collections.Counter()
    for path in sorted(glob.glob(os.path.join(detect_dir, "*", "detections.csv"))):
        name = os.path.basename(os.path.dirname(path))
        reversed_ = name.endswith("_rev")
        base = name[: -len("_rev")] if reversed_ else name
        video = next(k for k in gt["gttubes"] if k.split("/")[-1] == base)
        frames = gt["nframes"][video]
        detections = collections.defaultdict(list)
        with open(path) as f:
            for row in csv.DictReader(f):
                box = [float(row[k]) for k in ("x1", "y1", "x2", "y2")]
                detections[int(row["frame"])].append((float(row["score"]), row["label"], box))
        for label, tubes in gt["gttubes"][video].items():
            true = labels[label]
            if true not in PARTNER:
                continue
            true = PARTNER[true] if reversed_ else true
            for tube in tubes:
                for row in tube:
                    frame = frames + 1 - int(row[0]) if reversed_ else int(row[0])
                    if frame not in detections:
                        continue
                    hits = sorted(
                        (d for d in detections[frame] if d[1] in PARTNER and iou(list(row[1:5]), d[2]) >= 0.5),
                        key=lambda d: -d[0],
                    )
                    key = ("backwards" if reversed_ else "forwards", true)
                    total[key] += 1
                    right[key] += bool(hits) and hits[0][1] == true
    for key in sorted(total):
        print(f"{key[0]:9s} {key[1]:8s} {right[key]:4d} / {total[key]:4d}  {right[key] / total[key]:.3f}")
    r, t = sum(right.values()), sum(total.values())
    print(f"sit_down/stand_up direction right: {r} / {t} = {r / max(t, 1):.3f} (a direction-blind detector: about 0.5)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
