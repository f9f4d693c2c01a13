#!/usr/bin/env python3
"""Makes the committed frame-AP fixtures of Tests/EvaluationTests/Fixtures.

From JHMDB-GT.pkl (split 1) it takes two test videos per label (42 videos) and writes
  jhmdb_subset_videos.txt   `video nframes` per line, split order
  jhmdb_subset_gt.csv       the real GT boxes of those videos: video,label,tube,frame,x1,y1,x2,y2
  jhmdb_labels.txt          the 21 label names
  jhmdb_perturbed_a.csv     detections: every GT box jittered (1/16-px steps), 10 % dropped,
                            5 % label flips, 8 % duplicates, ~25 % false positives, tubelet scores
                            shared by 7 frames (many ties), plus a few degenerate rows
  jhmdb_perturbed_b.csv     a sparser set with only 8 score levels (heavy ties)
  framemap_expected.json    tools/framemap_reference.py's results on both files, for every
                            protocol and both tie rules
Videos are written in reverse split order so the canonical ordering is exercised.

Run from the repository root with numpy 1.24 (needed for the numpy-legacy tie order):
    python3 -m venv /work/.venv-np124 && /work/.venv-np124/bin/pip install numpy==1.24.4
    /work/.venv-np124/bin/python tools/make_framemap_fixtures.py ../shared/data/gt/jhmdb/JHMDB-GT.pkl
"""
import json
import os
import pickle
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import framemap_reference as ref  # noqa: E402

OUT = "Tests/EvaluationTests/Fixtures"


def q16(x):
    return float(np.round(np.float64(x) * 16) / 16)


def main(pkl):
    with open(pkl, "rb") as f:
        d = pickle.load(f, encoding="latin1")
    labels = list(d["labels"])
    split = list(d["test_videos"][0])
    chosen = []
    for ilabel in range(len(labels)):
        vids = [v for v in split if ilabel in d["gttubes"][v]]
        chosen += vids[:2]
    subset = [v for v in split if v in set(chosen)]
    os.makedirs(OUT, exist_ok=True)
    with open(f"{OUT}/jhmdb_labels.txt", "w") as f:
        f.write("\n".join(labels) + "\n")
    with open(f"{OUT}/jhmdb_subset_videos.txt", "w") as f:
        for v in subset:
            f.write(f"{v} {int(d['nframes'][v])}\n")
    with open(f"{OUT}/jhmdb_subset_gt.csv", "w") as f:
        f.write("video,label,tube,frame,x1,y1,x2,y2\n")
        for v in subset:
            t = 0
            for label in sorted(d["gttubes"][v]):
                for tube in d["gttubes"][v][label]:
                    for row in tube:
                        fr, x1, y1, x2, y2 = (float(x) for x in row)
                        f.write(f"{v},{label},{t},{int(fr)},{x1:g},{y1:g},{x2:g},{y2:g}\n")
                    t += 1

    def write_dets(name, seed, drop, levels):
        rng = np.random.default_rng(seed)
        rows = []
        for v in reversed(subset):
            nf = int(d["nframes"][v])
            tubelet_scores = {}
            per_frame = {f: [] for f in range(1, nf + 1)}
            for label in sorted(d["gttubes"][v]):
                for tube in d["gttubes"][v][label]:
                    for row in tube:
                        fr = int(row[0])
                        tk = (fr - 1) // 7
                        if tk not in tubelet_scores:
                            if levels:
                                tubelet_scores[tk] = float(rng.integers(1, levels + 1)) / levels
                            else:
                                tubelet_scores[tk] = float(rng.integers(1, 4097)) / 4096
                        s = tubelet_scores[tk]
                        if rng.random() < drop:
                            continue
                        lab = label
                        if rng.random() < 0.05:
                            lab = int(rng.integers(0, len(labels)))
                        big = rng.random() < 0.1
                        j = rng.integers(-200 if big else -24, 201 if big else 25, 4) / 16
                        box = [q16(row[1] + j[0]), q16(row[2] + j[1]), q16(row[3] + j[2]), q16(row[4] + j[3])]
                        per_frame[fr].append((labels[lab], s, box))
                        if rng.random() < 0.08:
                            j2 = rng.integers(-40, 41, 4) / 16
                            s2 = s if rng.random() < 0.5 else s * 0.5
                            per_frame[fr].append((labels[lab], s2, [q16(b + e) for b, e in zip(box, j2)]))
            for fr in range(1, nf + 1):
                if rng.random() < 0.25:
                    x1 = q16(rng.random() * 250)
                    y1 = q16(rng.random() * 170)
                    box = [x1, y1, q16(x1 + 20 + rng.random() * 60), q16(y1 + 30 + rng.random() * 60)]
                    s = tubelet_scores.get((fr - 1) // 7, 0.5) if rng.random() < 0.5 else \
                        float(rng.integers(1, 4097)) / 4096
                    per_frame[fr].append((labels[int(rng.integers(0, len(labels)))], s, box))
                for lab, s, box in per_frame[fr]:
                    rows.append((v, fr, lab, s, box))
        # Degenerate rows: inverted and zero-area boxes, a NaN score, an unknown label, a video
        # outside the subset, a frame past the end of its video.
        v0 = subset[0]
        l0 = labels[next(iter(d["gttubes"][v0]))]
        rows.append((v0, 3, l0, 0.75, [100.0, 50.0, 40.0, 120.0]))
        rows.append((v0, 4, l0, 0.75, [60.0, 50.0, 60.0, 120.0]))
        rows.append((v0, 5, l0, float("nan"), [60.0, 50.0, 100.0, 120.0]))
        rows.append((v0, 6, "not_a_label", 0.9, [60.0, 50.0, 100.0, 120.0]))
        outside = next(v for v in split if v not in set(subset))
        rows.append((outside, 1, l0, 0.9, [60.0, 50.0, 100.0, 120.0]))
        rows.append((v0, int(d["nframes"][v0]) + 5, l0, 0.8, [60.0, 50.0, 100.0, 120.0]))
        with open(f"{OUT}/{name}", "w") as f:
            f.write("video,frame,label,score,x1,y1,x2,y2\n")
            for v, fr, lab, s, b in rows:
                f.write(f"{v},{fr},{lab},{s!r},{b[0]!r},{b[1]!r},{b[2]!r},{b[3]!r}\n")
        return len(rows)

    n_a = write_dets("jhmdb_perturbed_a.csv", 1, 0.10, 0)
    n_b = write_dets("jhmdb_perturbed_b.csv", 2, 0.40, 8)
    labels_, vlist, _, tubes = ref.load_flat(
        f"{OUT}/jhmdb_subset_gt.csv", f"{OUT}/jhmdb_subset_videos.txt", f"{OUT}/jhmdb_labels.txt")
    expected = {"numpy": np.__version__, "iou": 0.5, "files": {}}
    for name in ("jhmdb_perturbed_a.csv", "jhmdb_perturbed_b.csv"):
        alldets, _ = ref.load_detections(f"{OUT}/{name}", labels_, vlist)
        runs = {}
        for protocol in ("act", "voc", "tfod", "yowo"):
            for ties in ("stable", "numpy-legacy"):
                r = ref.evaluate(labels_, vlist, tubes, alldets, protocol, ties, 0.5)
                runs[f"{protocol}/{ties}"] = {"mAP": r["mAP"], "classes": r["classes"]}
                print(f"{name} {protocol:5s} {ties:13s} mAP {r['mAP']:.6f}")
        expected["files"][name] = runs
    with open(f"{OUT}/framemap_expected.json", "w") as f:
        json.dump(expected, f, indent=0)
    print(f"rows: {n_a}, {n_b}")


if __name__ == "__main__":
    main(sys.argv[1])
