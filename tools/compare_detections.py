"""How far two runs of a detector differ, detection by detection (e.g. fp32 against bf16 GEMMs).

    python3 tools/compare_detections.py A B [--videos LIST] [--min-score S]

A and B are detection CSVs (video,frame,label,score,x1,y1,x2,y2, as `detect` and `eval-framemap
--detector --cache` write them) or folders of them (an `eval-framemap` cache: one CSV per video).
LIST restricts both to those video ids (one per line). Within each (video, frame, label), A's
detections are matched to B's greedily by descending IoU (IoU > 0.5 to count as the same
detection). Counted are the pairs where either score is >= S (default 0.05, detect's own
threshold) and the detections of score >= S with no partner at any score. Prints those counts,
the score change of the pairs (max, 99th percentile, mean of |B - A|), their box IoU (min, 1st
percentile, mean), and per frame whether the top-scoring label is the same.
"""
import argparse
import collections
import csv
import os
import sys
import urllib.parse

from direction_check import iou  # same folder: plain IoU of (x1, y1, x2, y2) boxes


def read(path, videos):
    """(video, frame) -> label -> [(score, box)] from a CSV or a folder of CSVs."""
    files = [path]
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".csv"))
        if videos is not None:
            files = [f for f in files if urllib.parse.unquote(os.path.basename(f)[:-4]) in videos]
    found = collections.defaultdict(lambda: collections.defaultdict(list))
    for name in files:
        with open(name, newline="") as f:
            for row in csv.reader(f):
                if not row or row[0] == "video":
                    continue
                if videos is not None and row[0] not in videos:
                    continue
                box = tuple(float(x) for x in row[4:8])
                found[(row[0], int(row[1]))][row[2]].append((float(row[3]), box))
    return found


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--videos")
    parser.add_argument("--min-score", type=float, default=0.05)
    args = parser.parse_args()
    videos = None
    if args.videos:
        with open(args.videos) as f:
            videos = {line.split()[0] for line in f if line.strip()}
    a, b = read(args.a, videos), read(args.b, videos)
    if not a or not b:
        sys.exit(f"no detections in {'A' if not a else 'B'}")
    deltas, ious = [], []
    unmatched_a = unmatched_b = 0
    same_top = frames = 0
    for key in sorted(set(a) | set(b)):
        la, lb = a.get(key, {}), b.get(key, {})
        top_a = max(((s, l) for l, d in la.items() for s, _ in d), default=None)
        top_b = max(((s, l) for l, d in lb.items() for s, _ in d), default=None)
        if top_a and top_a[0] >= args.min_score:
            frames += 1
            same_top += top_b is not None and top_b[1] == top_a[1]
        for label in set(la) | set(lb):
            da, db = list(la.get(label, [])), list(lb.get(label, []))
            pairs = sorted(
                ((iou(x[1], y[1]), i, j) for i, x in enumerate(da) for j, y in enumerate(db)), reverse=True
            )
            used_a, used_b = set(), set()
            for overlap, i, j in pairs:
                if overlap <= 0.5:
                    break
                if i in used_a or j in used_b:
                    continue
                used_a.add(i)
                used_b.add(j)
                if max(da[i][0], db[j][0]) >= args.min_score:
                    deltas.append(abs(db[j][0] - da[i][0]))
                    ious.append(overlap)
            unmatched_a += sum(1 for i, x in enumerate(da) if i not in used_a and x[0] >= args.min_score)
            unmatched_b += sum(1 for j, y in enumerate(db) if j not in used_b and y[0] >= args.min_score)
    print(f"detections of score >= {args.min_score}: {len(deltas)} matched; unmatched {unmatched_a} in A, {unmatched_b} in B")
    print(
        f"|score change|: max {max(deltas):.5f}, 99th percentile {percentile(deltas, 99):.5f}, "
        f"mean {sum(deltas) / len(deltas):.6f}"
    )
    print(f"box IoU: min {min(ious):.4f}, 1st percentile {percentile(ious, 1):.4f}, mean {sum(ious) / len(ious):.5f}")
    print(f"frames whose top label is the same: {same_top} of {frames} ({100 * same_top / max(frames, 1):.2f} %)")


if __name__ == "__main__":
    main()
