"""Where a detector's frame-mAP goes: what each kind of false positive costs, and the recall bound.

    python3 tools/diagnose_framemap.py GT.pkl DETECTIONS [--split K] [--iou 0.5]

GT.pkl is an ACT-format ground-truth pickle (its split K test videos, default 1); DETECTIONS is an
`eval-framemap --cache` folder (one CSV per video) or one CSV (video,frame,label,score,x1,y1,x2,y2).
Each label's AP is computed as the act protocol does (framemap_reference.py: +1-pixel IoU, each
detection takes the best still-unmatched ground-truth box of its frame, trapezoid AP from (0, 1)),
then every false positive gets one kind, tried in this order:

  dup          IoU >= th with a box of its own label that a higher-scored detection already took
  wrong-label  IoU >= th with a ground-truth box of another label in its frame
  loose-box    IoU >= 0.1 with a ground-truth box of its own label (found, but not tightly enough)
  loose-wrong  IoU >= 0.1 with a ground-truth box of another label
  idle         on an annotated actor outside the annotated span of its action (IoU >= 0.3 with the
               tube's first or last box), where the synthetic set's actors idle
  other        none of these: an unannotated actor, a distractor, background

The table gives each label's AP and the AP it would gain if the false positives of one kind were
removed (kinds one at a time; their sum understates removing them together), and `all` the gain if
every false positive were removed: what recall alone allows. Then the boxes' bias: for each ground-
truth box, the highest-scored detection of its label that overlaps it (IoU > 0.1), minus the box.
"""
import argparse
import csv
import os
import sys

import numpy as np

from framemap_reference import act_iou, load_pkl  # same folder

KINDS = ("dup", "wrong-label", "loose-box", "loose-wrong", "idle", "other")


def read_detections(path, vlist):
    """video -> list of (label name, score, frame, box) in file order."""
    wanted = set(vlist)
    files = [path]
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".csv"))
    found = {v: [] for v in vlist}
    for name in files:
        with open(name, newline="") as f:
            for row in csv.reader(f):
                if row and row[0] in wanted:
                    box = np.array([float(x) for x in row[4:8]], dtype=np.float32)
                    found[row[0]].append((row[2], float(row[3]), int(row[1]), box))
    return found


def load_split(program, gt, detections_path, split):
    """(labels, test videos, tubes, detections) of split `split`, or exit with one line naming `program`."""
    for path in (gt, detections_path):
        if not os.path.exists(path):
            sys.exit(f"{program}: {path}: no such file or folder")
    try:
        labels, vlist, _, tubes = load_pkl(gt, split)
    except Exception as error:  # a pickle that is not an ACT ground truth, or a split it lacks
        sys.exit(f"{program}: {gt}: not an ACT ground-truth pickle with split {split} ({error})")
    detections = read_detections(detections_path, vlist)
    if not any(detections.values()):
        sys.exit(f"{program}: no detections of the split's videos in {detections_path}")
    return labels, vlist, tubes, detections


def trapezoid_ap(positive, npos):
    """The act protocol's AP of a ranked list of hit flags (float32 precision and recall)."""
    flags = np.asarray(positive, dtype=np.float64)
    tp, fp = np.cumsum(flags), np.cumsum(1 - flags)
    precision = np.concatenate([[1], tp / np.maximum(tp + fp, 1)]).astype(np.float32)
    recall = np.concatenate([[0], tp / max(npos, 1)]).astype(np.float32)
    return float(np.sum((recall[1:] - recall[:-1]) * (precision[1:] + precision[:-1]) * 0.5))


def best_iou(boxes, box):
    return float(np.max(act_iou(np.asarray(boxes, dtype=np.float64), box))) if len(boxes) else 0.0


def diagnose_label(ilabel, name, vlist, tubes, detections, th):
    """AP, per-kind gains and the all-false-positives gain of one label."""
    own, others, spans = {}, {}, {}  # spans: video -> [(first frame, last frame, first box, last box)]
    for v in vlist:
        for label, tube in tubes[v]:
            for row in tube:
                (own if label == ilabel else others).setdefault((v, int(row[0])), []).append(row[1:5])
            if label == ilabel:
                spans.setdefault(v, []).append((int(tube[0, 0]), int(tube[-1, 0]), tube[0, 1:5], tube[-1, 1:5]))
    npos = sum(len(b) for b in own.values())
    ranked = [(score, iv, i, frame, box) for iv, v in enumerate(vlist)
              for i, (label, score, frame, box) in enumerate(detections[v]) if label == name]
    ranked.sort(key=lambda d: (-d[0], d[1], d[2]))
    unmatched = {k: list(b) for k, b in own.items()}
    hits, kinds = [], []
    for _, iv, _, frame, box in ranked:
        key = (vlist[iv], frame)
        free = unmatched.get(key, [])
        if free:
            ious = act_iou(np.asarray(free, dtype=np.float64), box)
            j = int(np.argmax(ious))
            if ious[j] >= th:
                del free[j]
                hits.append(True)
                kinds.append(None)
                continue
        hits.append(False)
        if best_iou(own.get(key, []), box) >= th:
            kinds.append("dup")
        elif best_iou(others.get(key, []), box) >= th:
            kinds.append("wrong-label")
        elif best_iou(own.get(key, []), box) >= 0.1:
            kinds.append("loose-box")
        elif best_iou(others.get(key, []), box) >= 0.1:
            kinds.append("loose-wrong")
        elif any(frame < a and best_iou([first], box) >= 0.3 or frame > z and best_iou([last], box) >= 0.3
                 for a, z, first, last in spans.get(key[0], [])):
            kinds.append("idle")
        else:
            kinds.append("other")
    ap = trapezoid_ap(hits, npos)
    gains = {k: trapezoid_ap([h for h, kk in zip(hits, kinds) if kk != k], npos) - ap for k in KINDS}
    gains["all"] = trapezoid_ap([h for h in hits if h], npos) - ap
    return ap, gains


def box_bias(labels, vlist, tubes, detections):
    """det - gt (x1, y1, x2, y2) of each ground-truth box's top-scored overlapping detection."""
    diffs, sizes, ious = [], [], []
    for v in vlist:
        by_frame = {}
        for label, score, frame, box in detections[v]:
            by_frame.setdefault((frame, label), []).append((score, box))
        for label, tube in tubes[v]:
            for row in tube:
                gt = row[1:5]
                overlapping = [(s, b, best_iou([gt], b)) for s, b in by_frame.get((int(row[0]), labels[label]), [])]
                overlapping = [o for o in overlapping if o[2] > 0.1]
                if overlapping:
                    _, box, overlap = max(overlapping, key=lambda o: o[0])
                    diffs.append(box - gt)
                    sizes.append((gt[2] - gt[0] + 1, gt[3] - gt[1] + 1))
                    ious.append(overlap)
    return np.array(diffs), np.array(sizes), np.array(ious)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gt")
    parser.add_argument("detections")
    parser.add_argument("--split", type=int, default=1)
    parser.add_argument("--iou", type=float, default=0.5)
    args = parser.parse_args()
    labels, vlist, tubes, detections = load_split("diagnose_framemap", args.gt, args.detections, args.split)
    columns = KINDS + ("all",)
    print(f"{'label':<10}{'AP':>7}  AP gained without the false positives of each kind")
    print(f"{'':<17}" + "".join(f"{k:>12}" for k in columns))
    rows = []
    for ilabel, name in enumerate(labels):
        ap, gains = diagnose_label(ilabel, name, vlist, tubes, detections, args.iou)
        rows.append((ap, gains))
        print(f"{name:<10}{100 * ap:7.2f}" + "".join(f"{100 * gains[k]:12.2f}" for k in columns))
    mean_ap = np.mean([r[0] for r in rows])
    print(f"{'mean':<10}{100 * mean_ap:7.2f}" + "".join(f"{100 * np.mean([r[1][k] for r in rows]):12.2f}" for k in columns))
    diffs, sizes, ious = box_bias(labels, vlist, tubes, detections)
    if len(diffs):
        scale = np.concatenate([sizes, sizes], axis=1)
        print(f"\nbox of each ground-truth box's top-scored overlapping detection ({len(diffs)} of "
              f"{sum(len(t) for v in vlist for _, t in tubes[v])} boxes): IoU mean {ious.mean():.3f}, "
              f"below {args.iou}: {100 * (ious < args.iou).mean():.1f} %")
        print("  det - gt (x1 y1 x2 y2), pixels, mean:  " + " ".join(f"{x:6.2f}" for x in diffs.mean(0)))
        print("  |det - gt| / gt width or height, mean:  " + " ".join(f"{x:6.3f}" for x in np.abs(diffs / scale).mean(0)))


if __name__ == "__main__":
    main()
