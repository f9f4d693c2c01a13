#!/usr/bin/env python3
"""Input and assembly steps of tools/make_road_linking_fixture.sh (read that script first).

  make_road_linking_fixture.py input WORK     writes ROAD's own input for the reference (per-frame
                                              .mat detections, the split list, the annotation
                                              file) under WORK, plus the committed detections CSV
  make_road_linking_fixture.py assemble WORK  reads WORK/reference.json (what the Octave driver
                                              dumped) and writes the committed expected JSON
  make_road_linking_fixture.py input-jhmdb WORK / assemble-jhmdb WORK
                                              the same for the committed JHMDB subset and its
                                              video-mAP detections (road_jhmdb_expected.json: APs)

Input (seeded, deterministic): 7 UCF-101-24-like videos of 16-48 frames at 320 x 240 with the 24
UCF-101-24 labels. Per frame, "priors" as ROAD's SSD writes them (`test-ucf24.py`: `scipy.io.savemat`
of float32 `scores`, N x 25 with the background first, and float32 `loc`, N x 4 normalised x1 y1 x2
y2): tracks that follow ground-truth tubes with jitter, either SSD-like (one box, a score for several
labels) or class-specific (one box per label); clutter; a false-positive track; 1-, 2- and 3-frame
gaps; empty frames; frames with 60 overlapping boxes (ROAD keeps 50, then NMS, then 10); boxes
across the frame border (ROAD clamps them); exactly tied scores (two actors with the same score
sequence, a near-duplicate box with the same scores, two constant-score tracks in two videos);
segments where another label dominates (ROAD's temporal labelling trims them, one only at alpha 3).
Ground-truth tubes are temporally trimmed, several per video in three videos, integer boxes.

The CSV (`video,frame,label,score,x1,y1,x2,y2`) holds, prior by prior in file order, one row per
label whose score is not 0, with the prior's box in pixels: `x1 = float32(loc_x1 * 320)` etc., the
float32 product ROAD's `readDetections` computes before it clamps and adds 1. Scores below 1e-4 are
set to 0 in the .mat files (and have no row). All numbers are float32 values written so that they
parse back exactly.
"""
import json
import os
import random
import struct
import sys

import numpy as np
import scipy.io as sio

FIXTURES = "Tests/EvaluationTests/Fixtures"
CSV = f"{FIXTURES}/road_ucf_dets.csv"
EXPECTED = f"{FIXTURES}/road_ucf_expected.json"
LABELS = [
    "Basketball", "BasketballDunk", "Biking", "CliffDiving", "CricketBowling", "Diving", "Fencing",
    "FloorGymnastics", "GolfSwing", "HorseRiding", "IceDancing", "LongJump", "PoleVault", "RopeClimbing",
    "SalsaSpin", "SkateBoarding", "Skiing", "Skijet", "SoccerJuggling", "Surfing", "TennisSwing",
    "TrampolineJumping", "VolleyballSpiking", "WalkingWithDog",
]
W, H = 320, 240
F32 = np.float32


def L(name):
    return LABELS.index(name)


class Video:
    def __init__(self, vid, frames):
        self.id, self.frames = vid, frames
        self.tubes = []  # (label, first frame, [[x1, y1, x2, y2] ints])
        self.priors = {f: [] for f in range(1, frames + 1)}  # frame: [(loc float32[4], scores float32[24])]

    def gt(self, label, first, last, box, velocity):
        boxes = []
        for k in range(last - first + 1):
            dx, dy = velocity[0] * k, velocity[1] * k
            boxes.append([int(round(box[0] + dx)), int(round(box[1] + dy)), int(round(box[2] + dx)),
                          int(round(box[3] + dy))])
        self.tubes.append((L(label), first, boxes))
        return {first + k: b for k, b in enumerate(boxes)}

    def add(self, frame, box, scores):
        """One prior: `box` in pixels (float), `scores` {label name: score}."""
        loc = np.array([box[0] / W, box[1] / H, box[2] / W, box[3] / H], dtype=F32)
        vector = np.zeros(len(LABELS), dtype=F32)
        for name, s in scores.items():
            vector[L(name)] = F32(s) if s >= 1e-4 else F32(0)
        self.priors[frame].append((loc, vector))


def jitter(rng, box, sigma):
    return [box[k] + rng.gauss(0, sigma) for k in range(4)]


def u(rng, a, b):
    return float(F32(rng.uniform(a, b)))


def make_videos(seed=14):
    rng = random.Random(seed)
    videos = []

    # Two fencers (SSD-like boxes). Fencer A: IceDancing dominates frames 24-39 by ~0.45 a frame,
    # a gain of ~7: ROAD's labelling switches there at alpha 3 (cost 2 * 3) but not at alpha 5
    # (2 * 5); fencer B: SalsaSpin dominates frames 6-13, trimmed off at both alphas. A misses frame
    # 20 (bridged). Two clutter boxes a frame.
    v = Video("Fencing/v_Fencing_g90_c01", 48)
    a = v.gt("Fencing", 1, 48, [40, 60, 120, 200], (0.5, 0))
    b = v.gt("Fencing", 6, 44, [180, 50, 260, 210], (-1, 0.2))
    for f in range(1, 49):
        if f in a and f != 20:
            if 24 <= f <= 39:
                s = {"Fencing": u(rng, 0.1, 0.2), "IceDancing": u(rng, 0.55, 0.65), "SalsaSpin": u(rng, 0.005, 0.03)}
            else:
                s = {"Fencing": u(rng, 0.55, 0.9), "IceDancing": u(rng, 0.02, 0.1), "SalsaSpin": u(rng, 0.005, 0.03)}
            v.add(f, jitter(rng, a[f], 3), s)
        if f in b:
            if f <= 13:
                s = {"Fencing": u(rng, 0.03, 0.06), "SalsaSpin": u(rng, 0.75, 0.85), "IceDancing": u(rng, 0.0, 0.02)}
            else:
                s = {"Fencing": u(rng, 0.45, 0.8), "SalsaSpin": u(rng, 0.01, 0.1), "IceDancing": u(rng, 0.0, 0.02)}
            v.add(f, jitter(rng, b[f], 5), s)
        for _ in range(2):
            x, y = rng.uniform(0, 260), rng.uniform(0, 180)
            v.add(f, [x, y, x + rng.uniform(20, 60), y + rng.uniform(20, 60)], {"Fencing": u(rng, 0.002, 0.05)})
    videos.append(v)

    # Three cyclists, class-specific boxes: a 2-frame gap (bridged), a 3-frame gap (the path dies,
    # a new one starts), a 1-frame gap; a static false-positive track; clutter.
    v = Video("Biking/v_Biking_g90_c01", 40)
    c1 = v.gt("Biking", 1, 40, [20, 80, 90, 200], (2, 0))
    c2 = v.gt("Biking", 5, 30, [150, 90, 210, 190], (1, -0.5))
    c3 = v.gt("Biking", 18, 40, [240, 70, 300, 200], (-1.5, 0))
    for f in range(1, 41):
        if f in c1 and f not in (12, 13):
            v.add(f, jitter(rng, c1[f], 3), {"Biking": u(rng, 0.6, 0.95)})
        if f in c2 and f not in (15, 16, 17):
            v.add(f, jitter(rng, c2[f], 4), {"Biking": u(rng, 0.4, 0.8)})
        if f in c3 and f != 25:
            v.add(f, jitter(rng, c3[f], 7), {"Biking": u(rng, 0.3, 0.7)})
        if 10 <= f <= 31:
            v.add(f, jitter(rng, [100, 20, 140, 60], 1), {"Biking": u(rng, 0.05, 0.2)})
        x, y = rng.uniform(0, 260), rng.uniform(0, 180)
        v.add(f, [x, y, x + 40, y + 50], {"Biking": u(rng, 0.002, 0.02)})
    videos.append(v)

    # Two dancers with the same scores on every frame (ties), frames 1-2 empty; on frames 10-15 a
    # near-duplicate of dancer 1's box, after it, with the same scores (ROAD's NMS keeps the later);
    # on frames 20-22 a box beside dancer 2's, before it, with the same scores (IoU about 0.35: both
    # survive the NMS and both can extend dancer 2's path; MATLAB's max takes the first).
    v = Video("SalsaSpin/v_SalsaSpin_g90_c01", 36)
    d1 = v.gt("SalsaSpin", 1, 36, [30, 40, 110, 220], (0.5, 0))
    d2 = v.gt("SalsaSpin", 3, 33, [190, 45, 270, 225], (-0.5, 0))
    for f in range(3, 34):
        s = {"SalsaSpin": u(rng, 0.4, 0.7), "IceDancing": u(rng, 0.1, 0.3)}
        box1 = jitter(rng, d1[f], 2)
        v.add(f, box1, s)
        if 10 <= f <= 15:
            v.add(f, [box1[0] + 4, box1[1] + 3, box1[2] + 4, box1[3] + 3], s)
        box2 = jitter(rng, d2[f], 2)
        if 20 <= f <= 22:
            v.add(f, [box2[0] + 35, box2[1], box2[2] + 35, box2[3]], s)  # both linkable, same score
        v.add(f, box2, s)
    videos.append(v)

    # One player at the frame's right and bottom edge (boxes past 320 x 240, clamped by ROAD);
    # frames 12-13 hold 60 more boxes around the player (top 50, NMS 0.45, top 10); a clutter box
    # left of the frame (x1 < 0).
    v = Video("Basketball/v_Basketball_g90_c01", 30)
    p = v.gt("Basketball", 8, 30, [250, 100, 318, 236], (0, 0))
    for f in range(6, 31):
        v.add(f, jitter(rng, [p[8][0], p[8][1], p[8][2] + 4, p[8][3] + 3], 3),
              {"Basketball": u(rng, 0.5, 0.8), "BasketballDunk": u(rng, 0.1, 0.3)})
        if f in (12, 13):
            for _ in range(60):
                v.add(f, jitter(rng, p[8], 18), {"Basketball": u(rng, 0.002, 0.9), "BasketballDunk": u(rng, 0.0, 0.1)})
        if f % 3 == 0:
            v.add(f, [-6.5, 30, 40, 90], {"Basketball": u(rng, 0.01, 0.1)})
    videos.append(v)

    # A diver found on 6 frames only (a path, but too short a tube); a CliffDiving false-positive
    # track with the constant score 0.75, which ties with the true positive of the next video.
    v = Video("Diving/v_Diving_g90_c01", 24)
    dv = v.gt("Diving", 4, 22, [120, 30, 180, 150], (0, 3))
    for f in range(4, 10):
        v.add(f, jitter(rng, dv[f], 2), {"Diving": u(rng, 0.5, 0.7)})
    for f in range(2, 22):
        v.add(f, jitter(rng, [200, 40, 260, 160], 1.5), {"CliffDiving": 0.75})
    videos.append(v)

    # A cliff diver tracked at 0.75 (the tie above); a 10-frame false-positive track (kept: ROAD
    # needs te - ts > 8) and a 9-frame one (dropped).
    v = Video("CliffDiving/v_CliffDiving_g90_c01", 22)
    cd = v.gt("CliffDiving", 3, 22, [100, 20, 150, 120], (0.5, 5))
    for f in range(3, 23):
        v.add(f, jitter(rng, cd[f], 1.5), {"CliffDiving": 0.75})
    for f in range(2, 12):
        v.add(f, jitter(rng, [240, 150, 300, 230], 2), {"CliffDiving": u(rng, 0.3, 0.5)})
    for f in range(12, 21):
        v.add(f, jitter(rng, [20, 150, 70, 230], 2), {"CliffDiving": u(rng, 0.3, 0.5)})
    videos.append(v)

    # A skier with no detection at all.
    v = Video("Skiing/v_Skiing_g90_c01", 16)
    v.gt("Skiing", 1, 16, [60, 60, 120, 180], (2, 0))
    videos.append(v)
    return videos


def hex32(values):
    return ["%08x" % struct.unpack(">I", struct.pack(">f", v))[0] for v in np.asarray(values, F32).ravel()]


def hex64(values):
    return ["%016x" % struct.unpack(">Q", struct.pack(">d", v))[0] for v in np.asarray(values, np.float64).ravel()]


def make_primitives(seed=15):
    """Direct calls of ROAD's stand-alone functions on hand-made float32 values, for what the
    pipeline input cannot pin down: `dpEM_max` with ties between labels (scores on a 1/4 or 1/2 grid,
    alpha a multiple of 1/4), `nms` with tied scores, and `compute_spatio_temporal_iou` on full-mantissa
    boxes, on tubes sharing one frame, and on an IoU of exactly 0.5. Returns (MATLAB inputs, JSON
    inputs)."""
    rng = np.random.default_rng(seed)
    viterbi, nms, stiou = [], [], []
    cases = [(4, 12, 0.25, "grid"), (4, 12, 0.5, "grid"), (3, 15, 1.0, "grid"), (5, 20, 0.3, "full"),
             (24, 30, 3.0, "one-hot"), (1, 6, 5.0, "full"), (6, 1, 5.0, "grid")]
    cases += [(3 + k % 3, 10 + k, (0.25, 0.5, 1.0)[k % 3], "coarse") for k in range(8)]
    for r, c, alpha, kind in cases:
        if kind == "coarse":  # many equal sums: ties between staying and switching
            scores = rng.integers(0, 3, size=(c, r)).astype(F32) / F32(2)
        elif kind == "grid":
            scores = rng.integers(0, 5, size=(c, r)).astype(F32) / F32(4)
        elif kind == "full":
            scores = rng.random((c, r), dtype=F32)
        else:  # class-specific boxes: one label scores, the others are 0
            scores = np.zeros((c, r), dtype=F32)
            scores[:, 6] = rng.random(c, dtype=F32)
            scores[10:20, 10] = rng.random(10, dtype=F32)
        viterbi.append((scores, alpha))
    for n in (6, 9, 12):
        centre = rng.uniform(40, 200, size=2)
        boxes = []
        for _ in range(n):
            x, y = centre + rng.normal(0, 12, size=2)
            boxes.append([x, y, x + rng.uniform(30, 60), y + rng.uniform(40, 80)])
        boxes = np.asarray(boxes, dtype=F32)
        scores = rng.choice(np.asarray([0.25, 0.5, 0.5, 0.75, 0.6180339], dtype=F32), size=n)
        nms.append((boxes, scores))

    def tube(first, length, origin, jitter):
        out = []
        for k in range(length):
            x, y = origin[0] + 1.5 * k + rng.normal(0, jitter), origin[1] + rng.normal(0, jitter)
            out.append([x, y, x + 60.5 + rng.normal(0, jitter), y + 90.25 + rng.normal(0, jitter)])
        return first, np.asarray(out, dtype=F32)

    pairs = [((3, 12, (50, 40), 0), (1, 9, (52, 41), 2)),  # partial overlap, full-mantissa detection
             ((1, 20, (80, 30), 1), (11, 15, (81, 30), 3)),  # the detection runs past the end
             ((5, 6, (10, 10), 0), (10, 6, (10, 10), 0)),  # one shared frame: 0
             ((1, 8, (100, 60), 0), (9, 4, (100, 60), 0))]  # no shared frame: 0
    for gt, det in pairs:
        (g0, gb), (d0, db) = tube(*gt), tube(*det)
        stiou.append((g0, np.round(gb), d0, db))
    # A detection that ROAD sees exactly on the ground truth on frames 1-2 of 1-4: ST-IoU 2/4 * 1.
    gb = np.asarray([[20, 30, 80, 120]] * 4, dtype=F32)
    stiou.append((1, gb, 1, np.asarray([[18, 28, 77, 117]] * 2, dtype=F32)))

    matlab = {"viterbi": [], "nms": [], "stiou": []}
    inputs = {"viterbi": [], "nms": [], "stiou": []}
    for scores, alpha in viterbi:
        matlab["viterbi"].append({"M": (scores + F32(20)).T.astype(F32), "alpha": float(alpha)})
        inputs["viterbi"].append({"labels": scores.shape[1], "scores": hex32(scores), "alpha": alpha})
    for boxes, scores in nms:
        matlab["nms"].append({"boxes": np.concatenate([boxes, scores[:, None]], axis=1).astype(F32)})
        inputs["nms"].append({"boxes": hex32(boxes), "scores": hex32(scores)})
    for g0, gb, d0, db in stiou:
        # ROAD's annotation [x y w h] (float64) and convert2eval's [x y w h] of the detection after
        # readDetections' + 1 (float32).
        gxywh = np.stack([gb[:, 0], gb[:, 1], gb[:, 2].astype(np.float64) - gb[:, 0], gb[:, 3].astype(np.float64) - gb[:, 1]], axis=1)
        r = db + F32(1)
        dxywh = np.stack([r[:, 0], r[:, 1], r[:, 2] - r[:, 0], r[:, 3] - r[:, 1]], axis=1).astype(F32)
        matlab["stiou"].append({"gt_fnr": np.arange(g0, g0 + len(gb), dtype=np.float64).reshape(1, -1),
                                "gt_bb": gxywh.astype(np.float64),
                                "dt_fnr": np.arange(d0, d0 + len(db), dtype=np.float64).reshape(1, -1),
                                "dt_bb": dxywh})
        inputs["stiou"].append({"gtFirst": g0, "gt": hex32(gb), "detectionFirst": d0, "detection": hex32(db)})
    for key in matlab:
        cell = np.empty((1, len(matlab[key])), dtype=object)
        for i, case in enumerate(matlab[key]):
            cell[0, i] = case
        matlab[key] = cell
    return matlab, inputs


def f32_text(x):
    return np.format_float_positional(F32(x), unique=True, trim="-")


def pixels(loc):
    """ROAD's `readDetections` before its clamp: the float32 products loc * 320 and loc * 240."""
    return [F32(loc[0]) * F32(W), F32(loc[1]) * F32(H), F32(loc[2]) * F32(W), F32(loc[3]) * F32(H)]


def write_input(work):
    videos = make_videos()
    detdir = f"{work}/ucf24/detections/CONV-rgb-01-000001"
    os.makedirs(f"{work}/ucf24/splitfiles", exist_ok=True)
    rows = ["video,frame,label,score,x1,y1,x2,y2"]
    for v in videos:
        os.makedirs(f"{detdir}/{v.id}", exist_ok=True)
        for f in range(1, v.frames + 1):
            priors = v.priors[f]
            seen = set()
            for loc, vector in priors:
                key = tuple(float(x) for x in pixels(loc))
                assert key not in seen, f"{v.id} frame {f}: two priors with the same box"
                seen.add(key)
                for k in np.nonzero(vector)[0]:
                    rows.append(",".join([v.id, str(f), LABELS[k], f32_text(vector[k])] + [f32_text(x) for x in key]))
            loc = np.array([p[0] for p in priors], dtype=F32).reshape(-1, 4)
            scores = np.zeros((len(priors), len(LABELS) + 1), dtype=F32)
            for i, (_, vector) in enumerate(priors):
                scores[i, 1:] = vector
                scores[i, 0] = max(F32(0), F32(1) - vector.sum(dtype=F32))  # background, unused by ROAD
            sio.savemat(f"{detdir}/{v.id}/{f:05d}.mat", {"scores": scores, "loc": loc})
    with open(f"{work}/ucf24/splitfiles/testlist01.txt", "w") as out:
        out.write("".join(v.id + "\n" for v in videos))
    # ROAD's annotation file: a struct array `annot` (name, num_imgs, tubes: sf, ef, class 1-based,
    # boxes [x y w h]); our ground-truth box x1 y1 x2 y2 is x = x1, w = x2 - x1 (pyannot's road
    # convention, x2 = x + w).
    tube_type = [("sf", "O"), ("ef", "O"), ("class", "O"), ("boxes", "O")]
    annot = np.zeros((1, len(videos)), dtype=[("name", "O"), ("num_imgs", "O"), ("tubes", "O")])
    for i, v in enumerate(videos):
        tubes = np.zeros((1, len(v.tubes)), dtype=tube_type)
        for k, (label, first, boxes) in enumerate(v.tubes):
            xywh = np.array([[b[0], b[1], b[2] - b[0], b[3] - b[1]] for b in boxes], dtype=np.float64)
            tubes[0, k] = (float(first), float(first + len(boxes) - 1), float(label + 1), xywh)
        annot[0, i] = (v.id, float(v.frames), tubes)
    sio.savemat(f"{work}/ucf24/splitfiles/finalAnnots.ma.mat", {"annot": annot})
    with open(CSV, "w") as out:
        out.write("\n".join(rows) + "\n")
    matlab, inputs = make_primitives()
    sio.savemat(f"{work}/primitives.mat", matlab)
    with open(f"{work}/primitives.json", "w") as out:
        json.dump(inputs, out)
    with open(f"{work}/groundtruth.json", "w") as out:
        json.dump([{"id": v.id, "frames": v.frames,
                    "tubes": [{"label": t[0], "first": t[1], "boxes": t[2]} for t in v.tubes]} for v in videos],
                  out)
    print(f"{len(rows) - 1} rows in {CSV}")


def assemble(work):
    with open(f"{work}/reference.json") as f:
        reference = json.load(f)
    with open(f"{work}/groundtruth.json") as f:
        videos = json.load(f)
    with open(f"{work}/primitives.json") as f:
        primitives = json.load(f)
    for key in primitives:
        for case, out in zip(primitives[key], reference["primitives"][key]):
            case["expected"] = out
    fixture = {
        "reference": "gurkirt/realtime-action-detection 9dd8e1b5642c7cb3170a31cc3ec5a3c586a3b261 online-tubes",
        "octave": reference["octave"],
        "labels": LABELS,
        "videos": videos,
        "thresholds": reference["thresholds"],
        "classes": reference["classes"],
        "paths": reference["paths"],
        "runs": reference["runs"],
        "primitives": primitives,
    }
    with open(EXPECTED, "w") as out:
        json.dump(fixture, out, separators=(",", ":"))
        out.write("\n")
    tubes = {r["alpha"]: sum(len(t) for t in r["tubes"]) for r in reference["runs"]}
    paths = sum(len(p) for video in reference["paths"] for p in video)
    print(f"{EXPECTED}: {paths} paths; tubes per alpha {tubes}")
    for r in reference["runs"]:
        maps = [struct.unpack(">d", bytes.fromhex(h))[0] for h in r["mAP"]]
        print(f"alpha {r['alpha']}: mAP " + " ".join(f"{100 * m:.4f}" for m in maps))


DEVIATIONS = []


def f32_loc(x, size, low):
    """A float32 `loc` as SSD would write it for the CSV's value `x`: the one whose float32 product
    with `size` (what `readDetections` computes) is nearest to `x`. That is `x` itself for most
    values, but not all: the products step by more than x's float32 spacing, and the JHMDB CSV's
    1/16-pixel values are not all reachable (recorded in DEVIATIONS). Where ROAD clamps (x1, y1
    below 0 with `low`; x2, y2 above size - 1 without) any `loc` that clamps the same is exact."""
    x = F32(x)
    loc = F32(x / F32(size))
    candidates = [loc]
    for direction in (F32(2), F32(-2)):
        c = loc
        for _ in range(4):
            c = np.nextafter(c, direction)
            candidates.append(c)
    best = min(candidates, key=lambda c: abs(float(c * F32(size)) - float(x)))
    product = best * F32(size)
    if product != x and not ((low and x < 0 and product < 0) or (not low and x > size - 1 and product > size - 1)):
        DEVIATIONS.append(abs(float(product) - float(x)))
    return best


def write_jhmdb_input(work):
    """The committed JHMDB subset (jhmdb_subset_gt.csv, 42 videos) and videomap_jhmdb_dets.csv (two
    labels a frame, class-specific boxes), turned into ROAD's input the way ROADPrior maps a CSV:
    rows of a frame with the same box are one prior, in the order of their first row."""
    with open(f"{FIXTURES}/jhmdb_labels.txt") as f:
        labels = [line.strip() for line in f if line.strip()]
    frames, order = {}, []
    with open(f"{FIXTURES}/jhmdb_subset_videos.txt") as f:
        for line in f:
            video, n = line.split()
            frames[video] = int(n)
            order.append(video)
    tubes = {}
    with open(f"{FIXTURES}/jhmdb_subset_gt.csv") as f:
        next(f)
        for line in f:
            video, label, tube, frame, *box = line.strip().split(",")
            per = tubes.setdefault(video, {}).setdefault(int(tube), (int(label), []))
            per[1].append((int(frame), [float(x) for x in box]))
    priors = {}  # (video, frame): [(box, {label: score})]
    with open(f"{FIXTURES}/videomap_jhmdb_dets.csv") as f:
        next(f)
        for line in f:
            video, frame, label, score, *box = line.strip().split(",")
            if video not in frames or not 1 <= int(frame) <= frames[video] or label not in labels:
                continue
            box = tuple(F32(float(x)) for x in box)
            frame_priors = priors.setdefault((video, int(frame)), [])
            for b, scores in frame_priors:
                if b == box and labels.index(label) not in scores:
                    scores[labels.index(label)] = F32(float(score))
                    break
            else:
                frame_priors.append((box, {labels.index(label): F32(float(score))}))
    detdir = f"{work}/JHMDB/detections/CONV-rgb-01-000001"
    os.makedirs(f"{work}/JHMDB/splitfiles", exist_ok=True)
    for video in order:
        os.makedirs(f"{detdir}/{video}", exist_ok=True)
        for frame in range(1, frames[video] + 1):
            found = priors.get((video, frame), [])
            loc = np.array([[f32_loc(b[0], W, True), f32_loc(b[1], H, True), f32_loc(b[2], W, False),
                             f32_loc(b[3], H, False)]
                            for b, _ in found], dtype=F32).reshape(-1, 4)
            scores = np.zeros((len(found), len(labels) + 1), dtype=F32)
            for i, (_, by_label) in enumerate(found):
                for k, v in by_label.items():
                    scores[i, k + 1] = v
            sio.savemat(f"{detdir}/{video}/{frame:05d}.mat", {"scores": scores, "loc": loc})
    with open(f"{work}/JHMDB/splitfiles/testlist01.txt", "w") as out:
        out.write("".join(v + "\n" for v in order))
    tube_type = [("sf", "O"), ("ef", "O"), ("class", "O"), ("boxes", "O")]
    annot = np.zeros((1, len(order)), dtype=[("name", "O"), ("num_imgs", "O"), ("tubes", "O")])
    for i, video in enumerate(order):
        mine = [tubes[video][k] for k in sorted(tubes.get(video, {}))]
        cell = np.zeros((1, len(mine)), dtype=tube_type)
        for k, (label, rows) in enumerate(mine):
            rows.sort()
            assert [r[0] for r in rows] == list(range(rows[0][0], rows[0][0] + len(rows)))
            xywh = np.array([[b[0], b[1], b[2] - b[0], b[3] - b[1]] for _, b in rows], dtype=np.float64)
            cell[0, k] = (float(rows[0][0]), float(rows[-1][0]), float(label + 1), xywh)
        annot[0, i] = (video, float(frames[video]), cell)
    sio.savemat(f"{work}/JHMDB/splitfiles/finalAnnots.ma.mat", {"annot": annot})
    count = sum(4 * len(p) for p in priors.values())
    print(f"JHMDB: {len(DEVIATIONS)} of {count} box coordinates differ from the CSV in ROAD's input, "
          f"by at most {max(DEVIATIONS, default=0):.3g} px (loc * 320 cannot hit them)")


def assemble_jhmdb(work):
    with open(f"{work}/reference.json") as f:
        reference = json.load(f)
    fixture = {
        "reference": "gurkirt/realtime-action-detection 9dd8e1b5642c7cb3170a31cc3ec5a3c586a3b261 online-tubes",
        "octave": reference["octave"],
        "input": "videomap_jhmdb_dets.csv on the JHMDB split-1 subset (jhmdb_subset_gt.csv)",
        "thresholds": reference["thresholds"],
        "runs": [{key: run[key] for key in ("alpha", "mAP", "aps")} for run in reference["runs"]],
    }
    with open(f"{FIXTURES}/road_jhmdb_expected.json", "w") as out:
        json.dump(fixture, out, separators=(",", ":"))
        out.write("\n")
    for r in reference["runs"]:
        maps = [struct.unpack(">d", bytes.fromhex(h))[0] for h in r["mAP"]]
        print(f"JHMDB alpha {r['alpha']}: mAP " + " ".join(f"{100 * m:.6f}" for m in maps)
              + f"; 0.5:0.95 {100 * sum(maps[1:]) / 10:.6f}")


if __name__ == "__main__":
    steps = {"input": write_input, "assemble": assemble, "input-jhmdb": write_jhmdb_input,
             "assemble-jhmdb": assemble_jhmdb}
    if len(sys.argv) != 3 or sys.argv[1] not in steps:
        sys.exit(__doc__)
    steps[sys.argv[1]](sys.argv[2])
