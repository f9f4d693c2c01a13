#!/usr/bin/env python3
"""Makes Tests/EvaluationTests/Fixtures/yowo_videomap_expected.json: YOWO's video-mAP (its tube
linking and its video-AP) computed by YOWO's own, unmodified code on a small detector-shaped input.

Reference revision (read-only snapshot): wei-tim/YOWO 9d202c1694dfa883e67fd8c5455a2b7ad779684f,
`core/eval_results.py` (`evaluate_videoAP`, `video_ap_one_class`, `link_video_one_class`,
`link_bbxes_between_frames`, `compute_score_one_class`) and `core/utils.py` (`bbox_iou`, `iou3d`,
`iou3dt`, `nms_3d`, `voc_ap`), called as `video_mAP.py` calls them:
`evaluate_videoAP(gt_videos, detected_boxes, CLASSES, iou_th, True)`. Extract it, e.g.
  git --git-dir=/work/.mirror/wei-tim+YOWO/repo archive 9d202c1694dfa883e67fd8c5455a2b7ad779684f core \
    | tar x -C REFS
Only imports that a numpy-only venv lacks are stubbed, and none of the stubs is called by the
functions above: `torch` (with `torch.autograd.Variable`) and `PIL` (`Image`, `ImageDraw`,
`ImageFont`), both imported at the top of `core/utils.py`. (`cv2` is not needed: `core/utils.py`
imports it nowhere at module level.) `link_video_one_class` is wrapped, never changed, to record the
tubes it returns; `voc_ap` and everything else run as they are.

Run from the repository root with numpy < 1.24 (`link_bbxes_between_frames` uses `np.bool`, removed
in 1.24; numpy 1.x scalar promotion is what YOWO ran on):
  python3 -m venv /work/.venv-np123 && /work/.venv-np123/bin/pip install 'numpy<1.24'
  /work/.venv-np123/bin/python tools/make_yowo_videomap_fixtures.py REFS
(made with numpy 1.23.5, Python 3.11).

Input (seeded, deterministic for a given Python): 4 JHMDB labels and 13 videos. Eight are the
committed JHMDB split-1 subset videos of those labels (jhmdb_subset_gt.csv), cut to 12-24 frames,
two with temporally trimmed tubes; five are made from the same boxes: a video with two tubes of one
label (starting at frames 1 and 9), two videos named `catch/twin` and `catch/twin-b` (YOWO pairs
detections and ground truth by sorted-name position, and `catch/twin-b/00001.png` sorts before
`catch/twin/00001.png`), a video without detections and a 1-frame video. Per frame, boxes as a
detector gives them: one near each ground-truth box (mostly; some far off), a drifting
false-positive track, random boxes, exact duplicates, empty frames (whose boxes YOWO fills from the
nearest frame); every box carries a score for every label, multiples of 1/32 (many ties).
Coordinates are multiples of 1/16 pixel. Everything is exact in float32, so the numbers in the JSON
are the float32 values both sides use.

JSON written: `labels`; `videos` (id, frame count, ground-truth tubes: label, first frame, boxes),
in an order that is not sorted; `boxes` (video index, frame, x1, y1, x2, y2, one score per label)
in frame order; `linked` (per label and video in YOWO's order: each tube's float32 score bits and,
per frame, the index of the box it took; the linking does not depend on the threshold); `thresholds`
(per IoU threshold: YOWO's per-label AP, a fraction, with its float64 bits, and the float64
`np.mean` of those APs, which YOWO itself does not compute); `primitives` (see make_primitives:
edge scores and `iou3dt` on full-mantissa float32 values, as float32/float64 bits).

Tolerance in YOWOVideoAPTests: none; APs, tube scores, edge scores and IoUs are compared through
their bits (the mAP, a mean we compute in percent, to 1e-9 points).
"""
import copy
import json
import os
import random
import struct
import sys
import types

import numpy as np

OUT = "Tests/EvaluationTests/Fixtures"
LABELS = ["brush_hair", "catch", "clap", "climb_stairs"]
# video_mAP.py's list, then 0.5, 0.55, ..., 0.95 as MOC computes them (0.5:0.95).
THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75] + [0.5 + 0.05 * i for i in range(10)]


def q(x, step):
    return round(x / step) * step


def load_subset():
    """{video: [(label, {frame: [x1, y1, x2, y2]})]} for the subset videos of LABELS."""
    with open(f"{OUT}/jhmdb_labels.txt") as f:
        labels = [line.strip() for line in f if line.strip()]
    tubes = {}
    with open(f"{OUT}/jhmdb_subset_gt.csv") as f:
        next(f)
        for line in f:
            v, label, tube, frame, x1, y1, x2, y2 = line.strip().split(",")
            name = labels[int(label)]
            if name not in LABELS:
                continue
            per = tubes.setdefault(v, {}).setdefault(int(tube), (LABELS.index(name), {}))
            per[1][int(frame)] = [float(x1), float(y1), float(x2), float(y2)]
    return {v: [tubes[v][k] for k in sorted(tubes[v])] for v in tubes}


def make_videos(subset):
    """[(id, frames, [(label, first, [box, ...])])]: the fixture's ground truth."""
    names = sorted(subset)
    lengths = [18, 14, 22, 16, 20, 12, 24, 15]
    trims = {2: (3, 2), 5: (1, 4)}  # video position: (first frame kept, frames cut at the end)
    videos = []
    for i, v in enumerate(names):
        n = lengths[i]
        first, cut = trims.get(i, (1, 0))
        tubes = []
        for label, boxes in subset[v]:
            frames = [f for f in sorted(boxes) if first <= f <= n - cut]
            tubes.append((label, frames[0], [boxes[f] for f in frames]))
        videos.append((v, n, tubes))

    def boxes_of(i, count):
        label, boxes = subset[names[i]][0]
        return [boxes[f] for f in sorted(boxes)[:count]]

    videos.append(("clap/two_people", 24, [(2, 1, boxes_of(0, 16)), (2, 9, boxes_of(3, 16))]))
    videos.append(("catch/twin", 14, [(1, 1, boxes_of(6, 14))]))
    videos.append(("catch/twin-b", 18, [(1, 1, boxes_of(5, 18))]))
    videos.append(("climb_stairs/no_detections", 12, [(3, 1, boxes_of(7, 12))]))
    videos.append(("brush_hair/one_frame", 1, [(0, 1, boxes_of(1, 1))]))
    order = [9, 3, 0, 12, 5, 10, 1, 7, 11, 2, 8, 6, 4]  # not sorted: the evaluator must sort
    return [videos[i] for i in order]


def clamp_box(b):
    x1 = min(max(b[0], 0.0), 318.0)
    y1 = min(max(b[1], 0.0), 238.0)
    return [q(x1, 1 / 16), q(y1, 1 / 16), q(min(max(b[2], x1 + 2), 320.0), 1 / 16),
            q(min(max(b[3], y1 + 2), 240.0), 1 / 16)]


def make_boxes(videos, seed=14):
    """[(video index, frame, x1, y1, x2, y2, [score per label])], frame by frame."""
    rng = random.Random(seed)
    nl = len(LABELS)
    out = []
    for vi, (v, n, tubes) in enumerate(videos):
        if v.endswith("no_detections"):
            continue
        track = [rng.uniform(10, 200), rng.uniform(10, 120), rng.uniform(40, 100), rng.uniform(50, 110)]
        track_label = rng.randrange(nl)
        levels = [rng.choice([0.01, 0.03, 0.06, 0.1]) for _ in tubes]  # jitter, relative to the box size
        empty = set(f for f in range(1, n + 1) if rng.random() < 0.12)
        if vi % 4 == 0 and n > 6:
            empty |= {1, 2, 5}  # leading empties and one between two full frames (a distance tie)
        for f in range(1, n + 1):
            if f in empty and n > 1:
                continue
            frame = []
            for (label, first, boxes), level in zip(tubes, levels):
                if not first <= f < first + len(boxes) or rng.random() < 0.1:
                    continue
                b = boxes[f - first]
                w, h = b[2] - b[0], b[3] - b[1]
                spread = level if rng.random() < 0.85 else 0.4
                box = clamp_box([b[k] + rng.gauss(0, spread) * (w if k % 2 == 0 else h) for k in range(4)])
                scores = [q(rng.uniform(0.0, 0.3), 1 / 32) for _ in range(nl)]
                scores[label] = q(rng.uniform(0.4, 0.95), 1 / 32)
                frame.append((box, scores))
            if rng.random() < 0.75:
                track = [track[0] + rng.gauss(0, 2), track[1] + rng.gauss(0, 2), track[2], track[3]]
                box = clamp_box([track[0], track[1], track[0] + track[2], track[1] + track[3]])
                scores = [q(rng.uniform(0.0, 0.4), 1 / 32) for _ in range(nl)]
                scores[track_label] = q(rng.uniform(0.2, 0.7), 1 / 32)
                frame.append((box, scores))
            for _ in range(rng.choice([0, 0, 1, 2])):
                x1, y1 = rng.uniform(0, 250), rng.uniform(0, 170)
                box = clamp_box([x1, y1, x1 + rng.uniform(20, 120), y1 + rng.uniform(30, 120)])
                frame.append((box, [q(rng.uniform(0.0, 0.5), 1 / 32) for _ in range(nl)]))
            if frame and rng.random() < 0.12:
                frame.append(copy.deepcopy(frame[rng.randrange(len(frame))]))  # an exact duplicate
            if frame and rng.random() < 0.08:
                frame = [(box, [0.25] * nl) for box, _ in frame]  # every score tied
            rng.shuffle(frame)
            for box, scores in frame:
                out.append((vi, f, *box, scores))
    return out


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def install_stubs():
    class Unused:  # never called by the video-mAP functions
        pass

    torch = stub("torch")
    torch.autograd = stub("torch.autograd", Variable=Unused)
    pil = stub("PIL")
    pil.Image = stub("PIL.Image")
    pil.ImageDraw = stub("PIL.ImageDraw")
    pil.ImageFont = stub("PIL.ImageFont")


def bits64(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def bits32(x):
    return "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(x)))[0]


def f32_bits(values):
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in np.asarray(values, np.float32).ravel()]


def make_primitives(eval_results, utils, seed=15):
    """Direct calls on float32 values with full mantissas (the tube fixture's 1/16 grid is exact in
    every precision, so it cannot tell float32 from float64 steps): `compute_score_one_class` (with
    `bbox_iou` inside), `iou3dt` of two float32 tubes (as `nms_3d` calls it) and of a float64 ground
    truth with a float32 detection (as `video_ap_one_class` calls it). Values as float32 bits."""
    rng = np.random.RandomState(seed)

    def boxes(n):
        xy = rng.uniform(0, 200, size=(n, 2))
        wh = rng.uniform(5, 120, size=(n, 2))
        b = np.concatenate([xy, xy + wh, rng.uniform(0, 1, size=(n, 1))], axis=1).astype(np.float32)
        b[rng.uniform(size=n) < 0.2, 4] = 0.5  # some tied scores
        return b

    edges = []
    for _ in range(12):
        a, b = boxes(rng.randint(1, 5)), boxes(rng.randint(1, 5))
        b[0, :4] = a[0, :4] + rng.uniform(-3, 3, size=4).astype(np.float32)  # an overlapping pair
        scores = eval_results.compute_score_one_class(a, b)
        edges.append({"a": f32_bits(a), "b": f32_bits(b), "scores": f32_bits(scores)})

    def tube(first, n):
        base = boxes(1)[0]
        rows = [[first + k, *(base[:4] + rng.uniform(-4, 4, size=4).astype(np.float32))] for k in range(n)]
        return np.array(rows, dtype=np.float32)

    tubes = []
    for _ in range(24):
        a, b = tube(rng.randint(1, 6), rng.randint(1, 9)), tube(rng.randint(1, 6), rng.randint(1, 9))
        b[:, 1:5] = a[0, 1:5] + rng.uniform(-6, 6, size=(len(b), 4)).astype(np.float32)
        detections = float(utils.iou3dt(a, b))  # two float32 tubes (nms_3d)
        with_truth = float(utils.iou3dt(a.astype(np.float64), b))  # float64 ground truth, float32 detection
        tubes.append({"a": f32_bits(a), "b": f32_bits(b), "detections": bits64(detections),
                      "groundTruth": bits64(with_truth)})
    return {"edges": edges, "tubes": tubes}


def main():
    refs = sys.argv[1]
    install_stubs()
    sys.path.insert(0, refs)
    from core import eval_results, utils  # noqa: E402  (YOWO core/, unmodified)

    videos = make_videos(load_subset())
    boxes = make_boxes(videos)

    # YOWO's inputs, as video_mAP.py builds them. detected_boxes: every frame of every video, keyed
    # '<video>/<frame:05d>.png', {label + 1: float32 [n, 5] rows x1 y1 x2 y2 score} (n may be 0).
    detected = {}
    for vi, (v, n, _) in enumerate(videos):
        for f in range(1, n + 1):
            rows = [b for b in boxes if b[0] == vi and b[1] == f]
            detected[f"{v}/{f:05d}.png"] = {
                c + 1: np.array([[*r[2:6], r[6][c]] for r in rows], dtype=np.float32).reshape(-1, 5)
                for c in range(len(LABELS))}
    # gt_videos: {video: {'tubes': [float64 [m, 5] rows frame x1 y1 x2 y2], 'gt_classes': label + 1}}.
    gt_videos = {}
    for v, _, tubes in videos:
        assert len({t[0] for t in tubes}) == 1, "YOWO keeps one label per video"
        gt_videos[v] = {
            "gt_classes": tubes[0][0] + 1,
            "tubes": [np.array([[first + k, *b] for k, b in enumerate(bs)], dtype=np.float64)
                      for _, first, bs in tubes]}

    recorded = []
    original = eval_results.link_video_one_class

    def recording(vid_det, *args):
        res = original(vid_det, *args)
        recorded.append(res)
        return res

    eval_results.link_video_one_class = recording
    result = {"numpy": np.__version__, "reference": "wei-tim/YOWO 9d202c1694dfa883e67fd8c5455a2b7ad779684f",
              "labels": LABELS,
              "videos": [{"id": v, "frames": n,
                          "tubes": [{"label": l, "first": first, "boxes": bs} for l, first, bs in tubes]}
                         for v, n, tubes in videos],
              "boxes": [[b[0], b[1], *b[2:6], b[6]] for b in boxes],
              "thresholds": []}
    for th in THRESHOLDS:
        recorded.clear()
        aps = eval_results.evaluate_videoAP(copy.deepcopy(gt_videos), copy.deepcopy(detected), LABELS, th, True)
        result["thresholds"].append({"iou": th, "ap": [float(a) for a in aps], "apBits": [bits64(a) for a in aps],
                                     "mAP": float(np.mean(aps)), "mAPBits": bits64(np.mean(aps))})
    eval_results.link_video_one_class = original

    # The tubes of the last call, in call order: label by label, videos in sorted image-name order.
    order = sorted(range(len(videos)), key=lambda i: videos[i][0] + "/")
    assert len(recorded) == len(LABELS) * len(videos)
    linked = []
    for k, tubes in enumerate(recorded):
        label, vi = divmod(k, len(videos))
        vi = order[vi]
        entry = {"label": label, "video": videos[vi][0], "tubes": []}
        for t in tubes:
            rows = []
            for f, x1, y1, x2, y2, s in t.tolist():
                match = [i for i, b in enumerate(boxes)
                         if b[0] == vi and list(b[2:6]) == [x1, y1, x2, y2] and b[6][label] == s]
                rows.append(match[0])
            entry["tubes"].append({"scoreBits": bits32(np.mean(t[:, 5])), "boxes": rows})
        linked.append(entry)
    result["linked"] = linked
    result["primitives"] = make_primitives(eval_results, utils)
    with open(f"{OUT}/yowo_videomap_expected.json", "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(len(boxes), "boxes;", sum(len(e["tubes"]) for e in linked), "tubes;",
          {round(t["iou"], 2): round(100 * t["mAP"], 4) for t in result["thresholds"]}, file=sys.stderr)


if __name__ == "__main__":
    main()
