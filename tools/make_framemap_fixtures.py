#!/usr/bin/env python3
"""Makes the committed frame-AP fixtures of Tests/EvaluationTests/Fixtures.

From JHMDB-GT.pkl (split 1) it takes two test videos per label (42 videos) and writes
  jhmdb_subset_videos.txt   `video nframes` per line, split order
  jhmdb_subset_gt.csv       the real GT boxes of those videos: video,label,tube,frame,x1,y1,x2,y2
  jhmdb_labels.txt          the 21 label names
  jhmdb_perturbed_a.csv     detections: every GT box jittered (1/16-px steps), 10 % dropped,
                            5 % label flips, 8 % duplicates, ~25 % false positives, tubelet scores
                            shared by 7 frames (many ties), plus a few degenerate rows; also the
                            README's worked example
  jhmdb_perturbed_b.csv     a sparser set with only 8 score levels (heavy ties)
  framemap_expected.json    tools/framemap_reference.py's results on both files, for every
                            protocol and both tie rules
Videos are written in reverse split order so the canonical ordering is exercised.

From pyannot.pkl (UCF-101-24 split 1, boxes x1 = x, x2 = x + w as the Swift reader does by
default) it takes the 8 shortest test videos with at least two tubes (several boxes per frame,
frames without any box) and writes ucf_subset_videos.txt, ucf_subset_gt.csv, ucf_labels.txt,
ucf_perturbed.csv, with their expected results in the same framemap_expected.json.

Run from the repository root with numpy 1.24 (needed for the numpy-legacy tie order):
    python3 -m venv /work/.venv-np124 && /work/.venv-np124/bin/pip install numpy==1.24.4
    /work/.venv-np124/bin/python tools/make_framemap_fixtures.py ../shared/data/gt/jhmdb/JHMDB-GT.pkl \
        ../shared/data/gt/ucf24/pyannot.pkl ../shared/data/gt/ucf24/testlist01.txt annotations/ucf24/labels.txt
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


def load_ucf(pyannot, testlist, labels_file):
    """pyannot.pkl in the ACT layout: labels, split-1 test list, nframes, gttubes."""
    with open(pyannot, "rb") as f:
        p = pickle.load(f, encoding="latin1")
    with open(labels_file) as f:
        labels = [line.strip() for line in f if line.strip()]
    with open(testlist) as f:
        split = [line.strip() for line in f if line.strip()]
    gttubes, nframes = {}, {}
    for v in split:
        nframes[v] = int(p[v]["numf"])
        tubes = {}
        for t in p[v]["annotations"]:
            b = np.asarray(t["boxes"]).astype(np.int64)
            frames = np.arange(int(t["sf"]) + 1, int(t["ef"]) + 1)
            rows = np.stack([frames, b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]], 1)
            tubes.setdefault(int(t["label"]), []).append(rows.astype(np.float32))
        gttubes[v] = tubes
    return {"labels": labels, "test_videos": [split], "nframes": nframes, "gttubes": gttubes}


def main(pkl, pyannot, testlist, ucf_labels):
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
    expected = {"numpy": np.__version__, "iou": 0.5, "files": {}}
    make_set("jhmdb", d, labels, subset, split, [("jhmdb_perturbed_a.csv", 1, 0.10, 0),
                                                ("jhmdb_perturbed_b.csv", 2, 0.40, 8)], expected)
    u = load_ucf(pyannot, testlist, ucf_labels)
    usplit = u["test_videos"][0]
    multi = [v for v in usplit if sum(len(ts) for ts in u["gttubes"][v].values()) >= 2]
    multi.sort(key=lambda v: u["nframes"][v])
    usubset = [v for v in usplit if v in set(multi[:8])]
    make_set("ucf", u, u["labels"], usubset, usplit, [("ucf_perturbed.csv", 3, 0.10, 0)], expected)
    with open(f"{OUT}/framemap_expected.json", "w") as f:
        json.dump(expected, f, indent=0)


def make_set(prefix, d, labels, subset, split, files, expected):
    with open(f"{OUT}/{prefix}_labels.txt", "w") as f:
        f.write("\n".join(labels) + "\n")
    with open(f"{OUT}/{prefix}_subset_videos.txt", "w") as f:
        for v in subset:
            f.write(f"{v} {int(d['nframes'][v])}\n")
    with open(f"{OUT}/{prefix}_subset_gt.csv", "w") as f:
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
        # Degenerate rows: inverted and zero-area boxes, an unknown label, a video outside the
        # subset, a frame past the end of its video. (NaN scores are refused by the CSV reader;
        # the evaluator's handling of them is tested through its API.)
        v0 = subset[0]
        l0 = labels[next(iter(d["gttubes"][v0]))]
        rows.append((v0, 3, l0, 0.75, [100.0, 50.0, 40.0, 120.0]))
        rows.append((v0, 4, l0, 0.75, [60.0, 50.0, 60.0, 120.0]))
        rows.append((v0, 6, "not_a_label", 0.9, [60.0, 50.0, 100.0, 120.0]))
        outside = next(v for v in split if v not in set(subset))
        rows.append((outside, 1, l0, 0.9, [60.0, 50.0, 100.0, 120.0]))
        rows.append((v0, int(d["nframes"][v0]) + 5, l0, 0.8, [60.0, 50.0, 100.0, 120.0]))
        with open(f"{OUT}/{name}", "w") as f:
            f.write("video,frame,label,score,x1,y1,x2,y2\n")
            for v, fr, lab, s, b in rows:
                f.write(f"{v},{fr},{lab},{s!r},{b[0]!r},{b[1]!r},{b[2]!r},{b[3]!r}\n")
        return len(rows)

    counts = [write_dets(name, seed, drop, levels) for name, seed, drop, levels in files]
    labels_, vlist, _, tubes = ref.load_flat(
        f"{OUT}/{prefix}_subset_gt.csv", f"{OUT}/{prefix}_subset_videos.txt", f"{OUT}/{prefix}_labels.txt")
    for name, _, _, _ in files:
        alldets, _ = ref.load_detections(f"{OUT}/{name}", labels_, vlist)
        runs = {}
        for protocol in ("act", "voc", "tfod", "yowo"):
            for ties in ("stable", "numpy-legacy"):
                r = ref.evaluate(labels_, vlist, tubes, alldets, protocol, ties, 0.5)
                runs[f"{protocol}/{ties}"] = {"mAP": r["mAP"], "classes": r["classes"]}
                print(f"{name} {protocol:5s} {ties:13s} mAP {r['mAP']:.6f}")
        expected["files"][name] = runs
    print(f"rows: {counts}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
