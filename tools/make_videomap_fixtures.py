#!/usr/bin/env python3
"""Makes the video-AP fixtures of Tests/EvaluationTests/Fixtures, scored by the unmodified
reference code of MOC-Detector (the ACT tube builder and video-AP).

Ground truth: the committed JHMDB split-1 subset (jhmdb_subset_gt.csv, 42 videos, 2 per label).
Detections: per-frame boxes made here from that ground truth (seeded): every GT box jittered
(a few dropped), scored with a per-track level plus noise, quantised to 1/256 (exact in float32,
so the text parses to the same float32 in Swift and Python, and tube means can tie); a lower-scored
copy under a second label; near duplicates; short and long false-positive tracks with random
labels. Coordinates are multiples of 1/16 pixel.

Files written:
  videomap_jhmdb_dets.csv      `video,frame,label,score,x1,y1,x2,y2` (only if absent)
  videomap_expected.json       per linking run: the tubes MOC's BuildTubes builds (video, label,
                               score, first frame, length) and, per IoU threshold (0.2, 0.5, 0.75,
                               0.5..0.95 by 0.05), videoAP's mAP and per-label AP; plus
                               `videpAP_050_095`'s mean.

The reference calls (nothing of them is copied here):
  * ACT_utils/ACT_build.py:BuildTubes with K=1: per-frame detections are 1-frame tubelets,
    `VDets[frame][label+1]` = float32 rows `x1 y1 x2 y2 score`, in file order, read from the
    `<inference_dir>/<video>/<frame:05d>.pkl` files it expects.
  * ACT.py:videoAP on the `<video>_tubes.pkl` files BuildTubes wrote, for each threshold;
    ACT_utils.pr_to_ap is wrapped only to record each label's AP.
  * ACT.py:videpAP_050_095 for the 0.5:0.95 mean.

Reference revision (fetched read-only snapshot):
  MCG-NJU/MOC-Detector 45c3fd0c5e4ca455e7e739f3ad80b2c91813df35
Extract it, e.g.
  git --git-dir=/work/.mirror/MCG-NJU+MOC-Detector/repo/.git archive HEAD src | tar x -C REFS
Only imports unavailable in a numpy-only venv are stubbed, never metric or linking code: torch
(`torch.utils.data.Dataset`, a base class of MOC's dataset), cv2 (its sampler) and progress.bar
(BuildTubes' progress bar: a do-nothing class).

Run from the repository root with numpy 1.24 (the numpy ACT and MOC ran on; numpy 2 changes the
scalar promotion of iou3dt's temporal factor from float64 to float32):
  python3 -m venv /work/.venv-ties && /work/.venv-ties/bin/pip install numpy==1.24.4
  /work/.venv-ties/bin/python tools/make_videomap_fixtures.py REFS
"""
import io
import json
import os
import pickle
import random
import sys
import tempfile
import types
from contextlib import redirect_stdout

import numpy as np

OUT = "Tests/EvaluationTests/Fixtures"
DETS = f"{OUT}/videomap_jhmdb_dets.csv"
THRESHOLDS = [0.2, 0.5, 0.75] + [0.5 + 0.05 * i for i in range(10)]  # videpAP_050_095's values


def load_subset():
    with open(f"{OUT}/jhmdb_labels.txt") as f:
        labels = [line.strip() for line in f if line.strip()]
    videos, nframes = [], {}
    with open(f"{OUT}/jhmdb_subset_videos.txt") as f:
        for line in f:
            if line.strip():
                v, n = line.split()
                videos.append(v)
                nframes[v] = int(n)
    rows = {}
    with open(f"{OUT}/jhmdb_subset_gt.csv") as f:
        next(f)
        for line in f:
            v, label, tube, frame, x1, y1, x2, y2 = line.strip().split(",")
            rows.setdefault(v, {}).setdefault((int(label), int(tube)), []).append(
                [int(frame), float(x1), float(y1), float(x2), float(y2)])
    gttubes = {}
    for v in videos:
        tubes = {}
        for (label, tube) in sorted(rows.get(v, {}), key=lambda k: k[1]):
            tubes.setdefault(label, []).append(np.array(rows[v][(label, tube)], dtype=np.float32))
        gttubes[v] = tubes
    return labels, videos, nframes, gttubes


def q(x, step):
    return round(x / step) * step


def make_detections(labels, videos, nframes, gttubes, seed=7):
    """CSV rows (video, frame, label, score, x1, y1, x2, y2), frame-major within a video."""
    rng = random.Random(seed)
    nl = len(labels)
    out = []
    for v in videos:
        per_frame = {f: [] for f in range(1, nframes[v] + 1)}
        for label, tubes in gttubes[v].items():
            for tube in tubes:
                level = rng.uniform(0.3, 0.95)
                other = rng.randrange(nl)
                flip_at = rng.randint(5, 35) if rng.random() < 0.25 else None
                for row in tube:
                    f = int(row[0])
                    if rng.random() < 0.02:
                        continue
                    b = [float(c) for c in row[1:5]]
                    w, h = b[2] - b[0], b[3] - b[1]
                    spread = 0.03 if rng.random() < 0.97 else 0.25  # an occasional bad frame breaks a link
                    box = [q(b[k] + rng.gauss(0, spread) * (w if k % 2 == 0 else h), 1 / 16) for k in range(4)]
                    lab = other if flip_at is not None and f >= flip_at else label
                    s = min(1.0, max(1 / 256, q(level + rng.gauss(0, 0.05), 1 / 256)))
                    per_frame[f].append((lab, s, box))
                    s2 = min(1.0, max(1 / 256, q(rng.uniform(0.01, 0.3), 1 / 256)))
                    per_frame[f].append((other, s2, [q(c + rng.gauss(0, 2), 1 / 16) for c in box]))
                    if rng.random() < 0.15:
                        near = [q(c + rng.gauss(0, 6), 1 / 16) for c in box]
                        per_frame[f].append((lab, q(s * 0.5, 1 / 256) or 1 / 256, near))
        for _ in range(rng.randint(1, 3)):  # false-positive tracks
            start = rng.randint(1, nframes[v])
            length = rng.choice([5, 16, 30, 40])
            x1, y1 = rng.uniform(0, 220), rng.uniform(0, 140)
            bw, bh = rng.uniform(40, 90), rng.uniform(60, 100)
            lab = rng.randrange(nl)
            level = rng.uniform(0.05, 0.6)
            for f in range(start, min(nframes[v], start + length - 1) + 1):
                x1 += rng.gauss(0, 1.5)
                y1 += rng.gauss(0, 1.5)
                box = [q(x1, 1 / 16), q(y1, 1 / 16), q(x1 + bw, 1 / 16), q(y1 + bh, 1 / 16)]
                s = min(1.0, max(1 / 256, q(level + rng.gauss(0, 0.05), 1 / 256)))
                per_frame[f].append((lab, s, box))
        for f in range(1, nframes[v] + 1):
            for lab, s, box in per_frame[f]:
                out.append((v, f, labels[lab], s, *box))
    return out


def write_dets(rows):
    with open(DETS, "w") as f:
        f.write("video,frame,label,score,x1,y1,x2,y2\n")
        for r in rows:
            f.write(",".join([r[0], str(r[1]), r[2]] + [repr(float(x)) for x in r[3:]]) + "\n")


def read_dets(labels):
    """VDets per video as BuildTubes loads them: {frame: {label+1: float32 [x1 y1 x2 y2 score]}}."""
    index = {l: i for i, l in enumerate(labels)}
    rows = {}
    with open(DETS) as f:
        next(f)
        for line in f:
            v, frame, label, s, x1, y1, x2, y2 = line.strip().split(",")
            rows.setdefault(v, {}).setdefault(int(frame), {}).setdefault(index[label] + 1, []).append(
                [float(x1), float(y1), float(x2), float(y2), float(s)])
    return rows


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class Bar:  # progress.bar.Bar: draws nothing
    suffix = ""
    elapsed_td = eta_td = 0

    def __init__(self, *args, **kwargs):
        pass

    def next(self):
        pass

    def finish(self):
        pass


def install_stubs():
    class Dataset:  # torch.utils.data.Dataset: a plain base class
        pass

    torch = stub("torch")
    torch.utils = stub("torch.utils")
    torch.utils.data = stub("torch.utils.data", Dataset=Dataset)
    stub("cv2")
    stub("progress")
    stub("progress.bar", Bar=Bar)


def main():
    refs = sys.argv[1]
    install_stubs()
    sys.path.insert(0, os.path.join(refs, "src"))
    import ACT  # noqa: E402  (MOC-Detector src/ACT.py)
    from ACT_utils import ACT_build  # noqa: E402

    labels, videos, nframes, gttubes = load_subset()
    if not os.path.exists(DETS):
        write_dets(make_detections(labels, videos, nframes, gttubes))
    vdets = read_dets(labels)

    recorded = []
    original = ACT.pr_to_ap

    def recording(pr):
        recorded.append(pr.copy())
        return original(pr)

    result = {"numpy": np.__version__, "reference": "MCG-NJU/MOC-Detector 45c3fd0c", "linking": "act",
              "thresholds": []}
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "data/JHMDB"))
        os.makedirs(os.path.join(root, "result"))
        inference = os.path.join(root, "inference")
        gt = {"labels": labels, "gttubes": gttubes, "nframes": nframes, "train_videos": [[]],
              "test_videos": [videos], "resolution": {v: (240, 320) for v in videos}}
        with open(os.path.join(root, "data/JHMDB/JHMDB-GT.pkl"), "wb") as f:
            pickle.dump(gt, f)
        for v in videos:
            os.makedirs(os.path.join(inference, v))
            for frame in range(1, nframes[v] + 1):
                per_label = {}
                for il in range(len(labels)):
                    boxes = vdets.get(v, {}).get(frame, {}).get(il + 1, [])
                    per_label[il + 1] = np.array(boxes, dtype=np.float32).reshape(-1, 5)
                with open(os.path.join(inference, v, f"{frame:05d}.pkl"), "wb") as f:
                    pickle.dump(per_label, f)
        opt = types.SimpleNamespace(
            redo=True, th=0.5, model_name="fixture", dataset="hmdb", split=1, K=1, ninput=1,
            resize_height=288, resize_width=288, inference_dir=inference, root_dir=root, exp_id="fixture")
        with redirect_stdout(io.StringIO()):
            ACT_build.BuildTubes(opt)
        tubes = []
        for v in videos:
            with open(os.path.join(inference, v + "_tubes.pkl"), "rb") as f:
                res = pickle.load(f)
            for il in range(len(labels)):
                for out, score in res[il]:
                    tubes.append({"video": v, "label": labels[il], "score": float(score),
                                  "firstFrame": int(out[0, 0]), "length": int(out.shape[0])})
        result["tubes"] = tubes
        ACT.pr_to_ap = recording
        for th in THRESHOLDS:
            recorded.clear()
            opt.th = th
            with redirect_stdout(io.StringIO()):
                mAP = ACT.videoAP(opt, print_info=True)
            aps = [float(np.float32(100) * original(pr)) for pr in recorded]
            result["thresholds"].append({"iou": th, "mAP": float(mAP), "ap": dict(zip(labels, aps))})
        with redirect_stdout(io.StringIO()):
            # videpAP_050_095 prints and logs its mean but returns nothing: recompute it from the log.
            ACT.videpAP_050_095(opt)
        with open(os.path.join(root, "result", "fixture")) as f:
            log = f.read()
        ACT.pr_to_ap = original
    last = log.split("VideoAP_0.50:0.95")[-1]
    result["mAP_050_095_logged"] = float(last.split("mAP")[1].split()[0])
    means = [t["mAP"] for t in result["thresholds"][3:]]
    total = 0
    for m in means:
        total += np.float32(m)
    result["mAP_050_095"] = float(total / 10.0)
    with open(f"{OUT}/videomap_expected.json", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"{len(tubes)} tubes;", {round(t['iou'], 2): round(t["mAP"], 4) for t in result["thresholds"]},
          "0.5:0.95", result["mAP_050_095"], file=sys.stderr)


if __name__ == "__main__":
    main()
