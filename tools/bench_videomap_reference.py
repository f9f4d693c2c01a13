#!/usr/bin/env python3
"""The reference side of tools/bench_videomap.sh (read that script first): the unmodified video-mAP
code of MOC-Detector (ACT's) and YOWO timed on the benchmark input, and ROAD's input files for its
MATLAB code (run in Octave by tools/bench_videomap_road.m).

  bench_videomap_reference.py act MOC WORK     MOC-Detector's src/ (numpy 1.24: what ACT/MOC ran on)
  bench_videomap_reference.py yowo YOWO WORK   YOWO's core/ (numpy < 1.24: it uses np.bool)
  bench_videomap_reference.py road-input WORK  ROAD's per-frame .mat files (numpy and scipy)

WORK holds dets.csv and videos.txt (tools/make_ucf_videomap_bench.py); the ground truth is read from
pyannot.pkl as that script reads it. Each reference first gets its input in its own format (not
timed: that is the detector's job in the reference pipelines), then runs as its authors run it, for
the thresholds eval-videomap reports (0.2 and 0.5, 0.55, ..., 0.95, as 0.5 + 0.05 * i):

  act   ACT_build.BuildTubes (K = 1; it reads its per-frame pickles), then ACT.videoAP once per
        threshold (each call reads the tubes and the ground truth again, as videpAP_050_095 does).
        ACT.pr_to_ap is wrapped only to record each label's AP.
  yowo  core/eval_results.evaluate_videoAP(gt_videos, detected_boxes, CLASSES, th, True) once per
        threshold, as video_mAP.py calls it. It links every video again on every call; here
        link_video_one_class is wrapped so that calls after the first threshold return the tubes of
        the first (the same calls come in the same order), i.e. it links once, as eval-videomap does.
        The time spent linking is printed too.

Prints `seconds <protocol> <stage> <s>` lines and writes WORK/<protocol>-reference.json: the
thresholds, the mAP (percent) and every label's AP (percent) at each. Only imports a numpy-only
venv lacks are stubbed (torch, cv2, progress.bar, PIL), none of them called by the code timed.
"""
import io
import json
import os
import pickle
import sys
import time
import types
from contextlib import redirect_stdout

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_ucf_videomap_bench import H, LABELS, SHARED, W, load_ground_truth  # noqa: E402

THRESHOLDS = [0.2] + [0.5 + 0.05 * i for i in range(10)]


def ground_truth(work):
    with open(os.path.join(work, "videos.txt")) as f:
        limit = sum(1 for line in f if line.strip())
    return load_ground_truth(f"{SHARED}/pyannot.pkl", f"{SHARED}/testlist01.txt", limit)


def read_rows(work):
    """{video: {frame: [(label index, score, (x1, y1, x2, y2))]}} in file order."""
    index = {l: i for i, l in enumerate(LABELS)}
    out = {}
    with open(os.path.join(work, "dets.csv")) as f:
        next(f)
        for line in f:
            v, frame, label, s, x1, y1, x2, y2 = line.rstrip("\n").split(",")
            out.setdefault(v, {}).setdefault(int(frame), []).append(
                (index[label], float(s), (float(x1), float(y1), float(x2), float(y2))))
    return out


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


def write_result(work, protocol, maps, aps):
    with open(os.path.join(work, f"{protocol}-reference.json"), "w") as f:
        json.dump({"thresholds": THRESHOLDS, "mAP": maps, "ap": aps, "numpy": np.__version__}, f)


def run_act(refs, work):
    class Dataset:  # torch.utils.data.Dataset: a plain base class
        pass

    torch = stub("torch")
    torch.utils = stub("torch.utils")
    torch.utils.data = stub("torch.utils.data", Dataset=Dataset)
    stub("cv2")
    stub("progress")
    stub("progress.bar", Bar=Bar)
    sys.path.insert(0, os.path.join(refs, "src"))
    import ACT  # noqa: E402  (MOC-Detector src/ACT.py)
    from ACT_utils import ACT_build  # noqa: E402

    root = os.path.join(work, "act")
    inference = os.path.join(root, "inference")
    videos = ground_truth(work)
    done = os.path.join(root, "input-complete")
    if not os.path.exists(done):
        rows = read_rows(work)
        os.makedirs(os.path.join(root, "data/ucf24"), exist_ok=True)
        gttubes = {}
        for v, n, tubes in videos:
            per = {}
            for label, first, boxes in tubes:
                per.setdefault(label, []).append(
                    np.array([[first + k, *b] for k, b in enumerate(boxes)], dtype=np.float32))
            gttubes[v] = per
        gt = {"labels": LABELS, "gttubes": gttubes, "nframes": {v: n for v, n, _ in videos},
              "train_videos": [[]], "test_videos": [[v for v, _, _ in videos]],
              "resolution": {v: (H, W) for v, _, _ in videos}}
        with open(os.path.join(root, "data/ucf24/UCF101v2-GT.pkl"), "wb") as f:
            pickle.dump(gt, f)
        for v, n, _ in videos:
            os.makedirs(os.path.join(inference, v), exist_ok=True)
            frames = rows.get(v, {})
            for frame in range(1, n + 1):
                per_label = {k + 1: [] for k in range(len(LABELS))}
                for label, s, box in frames.get(frame, []):
                    per_label[label + 1].append([*box, s])
                per_label = {k: np.array(b, dtype=np.float32).reshape(-1, 5) for k, b in per_label.items()}
                with open(os.path.join(inference, v, f"{frame:05d}.pkl"), "wb") as f:
                    pickle.dump(per_label, f)
        open(done, "w").close()
    os.makedirs(os.path.join(root, "result"), exist_ok=True)  # videoAP appends its log there
    opt = types.SimpleNamespace(
        redo=True, th=0.5, model_name="bench", dataset="ucf101", split=1, K=1, ninput=1,
        resize_height=288, resize_width=288, inference_dir=inference, root_dir=root, exp_id="bench")
    recorded = []
    original = ACT.pr_to_ap

    def recording(pr):
        ap = original(pr)
        recorded.append(float(np.float32(100) * ap))
        return ap

    ACT.pr_to_ap = recording
    start = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        ACT_build.BuildTubes(opt)
    linked = time.perf_counter()
    maps, aps = [], []
    for th in THRESHOLDS:
        recorded.clear()
        opt.th = th
        with redirect_stdout(io.StringIO()):
            maps.append(float(ACT.videoAP(opt, print_info=True)))
        aps.append(list(recorded))
    end = time.perf_counter()
    print(f"seconds act linking {linked - start:.2f}")
    print(f"seconds act ap {end - linked:.2f}")
    print(f"seconds act total {end - start:.2f}")
    write_result(work, "act", maps, aps)


def run_yowo(refs, work):
    class Unused:  # never called by the video-mAP functions
        pass

    torch = stub("torch")
    torch.autograd = stub("torch.autograd", Variable=Unused)
    pil = stub("PIL")
    pil.Image = stub("PIL.Image")
    pil.ImageDraw = stub("PIL.ImageDraw")
    pil.ImageFont = stub("PIL.ImageFont")
    sys.path.insert(0, refs)
    from core import eval_results  # noqa: E402  (YOWO core/, unmodified)

    videos = ground_truth(work)
    rows = read_rows(work)
    detected = {}
    for v, n, _ in videos:
        frames = rows.get(v, {})
        for frame in range(1, n + 1):
            per_label = {k + 1: [] for k in range(len(LABELS))}
            for label, s, box in frames.get(frame, []):
                per_label[label + 1].append([*box, s])
            detected[f"{v}/{frame:05d}.png"] = {
                k: np.array(b, dtype=np.float32).reshape(-1, 5) for k, b in per_label.items()}
    del rows
    gt_videos = {}
    for v, _, tubes in videos:
        gt_videos[v] = {
            "gt_classes": tubes[-1][0] + 1,  # YOWO's label of the video: its last tube's (all agree here)
            "tubes": [np.array([[first + k, *b] for k, b in enumerate(boxes)], dtype=np.float64)
                      for _, first, boxes in tubes]}
    original = eval_results.link_video_one_class
    cache, calls, linking = [], [0], [0.0]

    def linking_once(*args):
        k = calls[0]
        calls[0] += 1
        if k < len(cache):
            return cache[k]
        t = time.perf_counter()
        res = original(*args)
        linking[0] += time.perf_counter() - t
        cache.append(res)
        return res

    eval_results.link_video_one_class = linking_once
    maps, aps = [], []
    start = time.perf_counter()
    for th in THRESHOLDS:
        calls[0] = 0
        ap = eval_results.evaluate_videoAP(gt_videos, detected, LABELS, th, True)
        maps.append(float(100 * np.mean(ap)))
        aps.append([float(100 * a) for a in ap])
    end = time.perf_counter()
    print(f"seconds yowo linking {linking[0]:.2f}")
    print(f"seconds yowo ap {end - start - linking[0]:.2f}")
    print(f"seconds yowo total {end - start:.2f}")
    write_result(work, "yowo", maps, aps)


def road_input(work):
    """ROAD's input under WORK/road, as tools/make_road_linking_fixture.sh lays it out: per frame
    `<video>/<frame:05d>.mat` with float32 `scores` (N x 25, background first) and `loc` (N x 4,
    x / 320, y / 240), one prior per box (a box's rows are its scores of several labels), the test
    list, and a finalAnnots-style annotation file (frames first...last, boxes [x y w h] = pyannot's)."""
    import scipy.io as sio

    root = os.path.join(work, "road")
    done = os.path.join(root, "input-complete")
    if os.path.exists(done):
        return
    videos = ground_truth(work)
    rows = read_rows(work)
    detdir = os.path.join(root, "ucf24/detections/CONV-rgb-01-000001")
    os.makedirs(os.path.join(root, "ucf24/splitfiles"), exist_ok=True)
    scale = np.array([W, H, W, H], dtype=np.float32)
    for v, n, _ in videos:
        os.makedirs(os.path.join(detdir, v), exist_ok=True)
        frames = rows.get(v, {})
        for frame in range(1, n + 1):
            priors = {}
            for label, s, box in frames.get(frame, []):
                priors.setdefault(box, {})[label] = s
            loc = np.array([list(b) for b in priors], dtype=np.float32).reshape(-1, 4) / scale
            assert np.array_equal(loc * scale, np.array([list(b) for b in priors], dtype=np.float32).reshape(-1, 4))
            scores = np.zeros((len(priors), len(LABELS) + 1), dtype=np.float32)
            for i, by_label in enumerate(priors.values()):
                for k, s in by_label.items():
                    scores[i, k + 1] = s
                scores[i, 0] = max(np.float32(0), np.float32(1) - scores[i, 1:].sum(dtype=np.float32))
            sio.savemat(os.path.join(detdir, v, f"{frame:05d}.mat"), {"scores": scores, "loc": loc})
    with open(os.path.join(root, "ucf24/splitfiles/testlist01.txt"), "w") as out:
        out.write("".join(v + "\n" for v, _, _ in videos))
    tube_type = [("sf", "O"), ("ef", "O"), ("class", "O"), ("boxes", "O")]
    annot = np.zeros((1, len(videos)), dtype=[("name", "O"), ("num_imgs", "O"), ("tubes", "O")])
    for i, (v, n, tubes) in enumerate(videos):
        cell = np.zeros((1, len(tubes)), dtype=tube_type)
        for k, (label, first, boxes) in enumerate(tubes):
            xywh = np.array([[b[0], b[1], b[2] - b[0], b[3] - b[1]] for b in boxes], dtype=np.float64)
            cell[0, k] = (float(first), float(first + len(boxes) - 1), float(label + 1), xywh)
        annot[0, i] = (v, float(n), cell)
    sio.savemat(os.path.join(root, "ucf24/splitfiles/finalAnnots.ma.mat"), {"annot": annot})
    open(done, "w").close()


def main():
    what = sys.argv[1]
    if what == "act":
        run_act(sys.argv[2], sys.argv[3])
    elif what == "yowo":
        run_yowo(sys.argv[2], sys.argv[3])
    elif what == "road-input":
        road_input(sys.argv[2])
    else:
        sys.exit(f"unknown step {what}: act, yowo or road-input")


if __name__ == "__main__":
    main()
