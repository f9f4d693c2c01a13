#!/usr/bin/env python3
"""Makes the tied-score frame-AP fixtures of Tests/EvaluationTests/Fixtures, scored by the
unmodified reference implementations.

Detections are shaped like a real detector's output: every box carries a score for every class
(so each box appears once per label), scores are float32 values rounded to 3 decimals and held
for runs of 3-7 frames (tubelet scores), so well over a third of the rows of each label tie;
boxes are jittered ground truth, exact and near duplicates and false positives, with integer and
fractional (1/16-pixel) corners. Ground truth: the committed subsets (jhmdb_subset_gt.csv,
ucf_subset_gt.csv), restricted to the first videos of each in split order.

Files written (the detections only if absent, so both numpy flavours score the same rows):
  tied_jhmdb_boxes.csv, tied_ucf_boxes.csv
      `video,frame,x1,y1,x2,y2,s_0,...,s_{C-1}`: video index into tied_*_videos.txt, frame
      1-based, one score per label (label order of *_labels.txt). Row order is ACT's `alldets`
      order: video in split order, frame ascending, box order within the frame.
  tied_{jhmdb,ucf}_labels.txt, tied_{jhmdb,ucf}_subset_videos.txt, tied_{jhmdb,ucf}_subset_gt.csv
      the ground truth used, in the formats of the other subsets
  tied_framemap_expected_<flavour>.json
      per dataset and protocol: mAP and per-label AP / TP / FP from
        act   MOC-Detector src/ACT.py:frameAP (ACT_utils.pr_to_ap recorded by a wrapper)
        voc   mmaction2 mmaction/evaluation/functional/multisports_utils.py:frameAP, on the same
              rows as float64 (what mmaction2's MultiSportsMetric builds)
        tfod  SlowFast ava_evaluation.object_detection_evaluation.PascalDetectionEvaluator,
              fed as slowfast/utils/ava_eval_helper.py:run_evaluation feeds it (float64 arrays)
      <flavour> is `np124` (numpy 1.24: the classic introsort argsort) or `np2-avx512`,
      `np2-avx2`, `np2-baseline` (numpy 2.4 with the x86-simd-sort AVX-512 or AVX2 argsort, or
      without SIMD sort), with the CPU features recorded.
  tied_framemap_expected_yowo.json (yowo, YOWO's Padilla code): tools/make_tied_yowo_expected.py

Reference revisions (fetched read-only snapshots; nothing of them is copied here):
  MCG-NJU/MOC-Detector 45c3fd0c5e4ca455e7e739f3ad80b2c91813df35
  open-mmlab/mmaction2 4d6c93474730cad2f25e51109adcf96824efc7a3
  facebookresearch/SlowFast 287ec0076846560f44a9327e931a5a2360240533
Extract them, e.g.
  git --git-dir=/work/.mirror/MCG-NJU+MOC-Detector/repo/.git archive HEAD src | tar x -C REFS
  mkdir REFS/mm; git --git-dir=/work/.mirror/open-mmlab+mmaction2/repo archive HEAD \
      mmaction/evaluation/functional | tar x -C REFS/mm
  mkdir REFS/sf; git --git-dir=/work/.mirror/facebookresearch+SlowFast/repo archive HEAD \
      ava_evaluation | tar x -C REFS/sf
Only imports unavailable in a numpy-only venv are stubbed, never the metric code: torch
(`torch.utils.data.Dataset`, a base class of MOC's dataset), cv2 and progress.bar (imported by
MOC's sampler and tube builder, unused by frameAP), mmengine.logging.MMLogger and
rich.progress (mmaction2's logger and progress bar).

Run from the repository root, once per numpy flavour (venvs outside the repository):
  python3 -m venv /work/.venv-ties  && /work/.venv-ties/bin/pip install numpy==1.24.4
  python3 -m venv /work/.venv-ties2 && /work/.venv-ties2/bin/pip install "numpy>=2"
  /work/.venv-ties/bin/python  tools/make_tied_framemap_fixtures.py REFS
  /work/.venv-ties2/bin/python tools/make_tied_framemap_fixtures.py REFS      # on an AVX-512 CPU
  NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL" /work/.venv-ties2/bin/python tools/make_tied_framemap_fixtures.py REFS
  NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL" /work/.venv-ties2/bin/python tools/make_tied_framemap_fixtures.py REFS
The committed files were made with numpy 1.24.4 and 2.4.6 on a Sapphire-Rapids-class VM
(AVX-512 up to AVX512_ICL); the np2-baseline results equal the np124 ones bit for bit.
"""
import importlib.util
import json
import logging
import os
import pickle
import random
import sys
import tempfile
import types

import numpy as np

OUT = "Tests/EvaluationTests/Fixtures"
# Videos taken from each committed subset (split order kept): JHMDB one per label; UCF six videos
# of six labels, the label list then restricted to those (MOC's frameAP divides by zero on a label
# without ground truth).
DATASETS = {"jhmdb": lambda i, v: i % 2 == 0, "ucf": lambda i, v: i not in (4, 5)}
IOU = 0.5


# ----------------------------------------------------------------------------- ground truth


def load_subset(prefix, pick):
    """(labels, videos, nframes, gttubes) of the committed subset videos chosen by `pick`, labels
    restricted to those with ground truth there."""
    with open(f"{OUT}/{prefix}_labels.txt") as f:
        labels = [line.strip() for line in f if line.strip()]
    videos, nframes = [], {}
    with open(f"{OUT}/{prefix}_subset_videos.txt") as f:
        for line in f:
            if line.strip():
                v, n = line.split()
                videos.append(v)
                nframes[v] = int(n)
    videos = [v for i, v in enumerate(videos) if pick(i, v)]
    rows = {}
    with open(f"{OUT}/{prefix}_subset_gt.csv") as f:
        next(f)
        for line in f:
            v, label, tube, frame, x1, y1, x2, y2 = line.strip().split(",")
            if v in nframes and v in videos:
                rows.setdefault(v, {}).setdefault((int(label), int(tube)), []).append(
                    [int(frame), float(x1), float(y1), float(x2), float(y2)])
    present = sorted({label for v in rows for (label, _) in rows[v]})
    remap = {label: i for i, label in enumerate(present)}
    gttubes = {}
    for v in videos:
        tubes = {}
        for (label, tube) in sorted(rows.get(v, {}), key=lambda k: k[1]):
            tubes.setdefault(remap[label], []).append(np.array(rows[v][(label, tube)], dtype=np.float32))
        gttubes[v] = tubes
    return [labels[i] for i in present], videos, {v: nframes[v] for v in videos}, gttubes


def write_subset(prefix, labels, videos, nframes, gttubes):
    """The ground truth in the committed-subset formats FixtureData reads."""
    with open(f"{OUT}/{prefix}_labels.txt", "w") as f:
        f.writelines(f"{label}\n" for label in labels)
    with open(f"{OUT}/{prefix}_subset_videos.txt", "w") as f:
        f.writelines(f"{v} {nframes[v]}\n" for v in videos)
    with open(f"{OUT}/{prefix}_subset_gt.csv", "w") as f:
        f.write("video,label,tube,frame,x1,y1,x2,y2\n")
        for v in videos:
            tube = 0
            for label in sorted(gttubes[v]):
                for t in gttubes[v][label]:
                    for r in t:
                        f.write(f"{v},{label},{tube},{int(r[0])}," + ",".join(f"{float(c):g}" for c in r[1:5]) + "\n")
                    tube += 1


# ----------------------------------------------------------------------------- detections


def q16(x):
    return round(x * 16) / 16


def make_detections(labels, videos, nframes, gttubes, seed):
    """Rows [video_index, frame, x1, y1, x2, y2, scores...] like a tubelet detector's output."""
    rng = random.Random(seed)
    nl = len(labels)
    held = {}  # track id -> (frames left, score vector): tubelet scores shared by K frames

    def scores_for(track, true_label):
        left, vec = held.get(track, (0, None))
        if left <= 0:
            logits = [rng.gauss(-3.0, 1.2) for _ in range(nl)]
            if true_label is not None and rng.random() < 0.85:
                logits[true_label] = rng.gauss(1.5, 1.5)
            m = max(logits)
            e = [np.exp(v - m) for v in logits]
            s = sum(e)
            vec = [round(v / s, 3) for v in e]
            left = rng.randint(3, 7)
        held[track] = (left - 1, vec)
        return vec

    def corner(v, integral):
        return float(round(v)) if integral else q16(v)

    out = []
    for iv, v in enumerate(videos):
        boxes_by_frame = {}
        for label, tubes in gttubes[v].items():
            for it, tube in enumerate(tubes):
                for row in tube:
                    boxes_by_frame.setdefault(int(row[0]), []).append(
                        (label, (label, it), [float(c) for c in row[1:5]]))
        for frame in range(1, nframes[v] + 1):
            rows = []
            for label, track, b in boxes_by_frame.get(frame, []):
                if rng.random() < 0.08:
                    continue  # missed
                integral = rng.random() < 0.5
                w, h = b[2] - b[0], b[3] - b[1]
                j = [rng.gauss(0, 0.07) * w, rng.gauss(0, 0.07) * h, rng.gauss(0, 0.07) * w,
                     rng.gauss(0, 0.07) * h]
                box = [corner(b[k] + j[k], integral) for k in range(4)]
                vec = scores_for(track, label)
                rows.append(box + vec)
                if rng.random() < 0.15:
                    rows.append(list(rows[-1]))  # exact duplicate, same scores
                if rng.random() < 0.2:
                    near = [corner(c + rng.gauss(0, 3), integral) for c in box]
                    rows.append(near + scores_for(("near", track), label))
            for k in range(rng.randint(1, 2)):
                x1, y1 = rng.uniform(0, 250), rng.uniform(0, 170)
                box = [corner(x1, k == 0), corner(y1, k == 0), corner(x1 + rng.uniform(20, 70), k == 0),
                       corner(y1 + rng.uniform(30, 70), k == 0)]
                rows.append(box + scores_for(("fp", iv, k), None))
            out.extend([[iv, frame] + r for r in rows])
    return out


def write_boxes(path, rows, nl):
    with open(path, "w") as f:
        f.write("video,frame,x1,y1,x2,y2," + ",".join(f"s_{c}" for c in range(nl)) + "\n")
        for r in rows:
            f.write(",".join([str(r[0]), str(r[1])] + [repr(float(x)) for x in r[2:6]]
                             + [f"{s:.3f}".rstrip("0").rstrip(".") for s in r[6:]]) + "\n")


def read_boxes(path):
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            p = line.strip().split(",")
            rows.append([int(p[0]), int(p[1])] + [float(x) for x in p[2:]])  # float64, as PySlowFast reads
    return rows


def alldets(rows, nl):
    """ACT's float32 `alldets`: [video, frame, label, score, x1, y1, x2, y2], box-major rows."""
    out = [[r[0], r[1], c, r[6 + c]] + r[2:6] for r in rows for c in range(nl)]
    return np.array(out, dtype=np.float32)


# ----------------------------------------------------------------------------- stubs


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def install_stubs():
    class Dataset:  # torch.utils.data.Dataset: a plain base class
        pass

    class Logger:
        def info(self, *args, **kwargs):
            pass

    class MMLogger:
        @staticmethod
        def get_current_instance():
            return Logger()

    torch = stub("torch")
    torch.utils = stub("torch.utils")
    torch.utils.data = stub("torch.utils.data", Dataset=Dataset)
    stub("cv2")
    stub("progress")
    stub("progress.bar", Bar=object)
    stub("mmengine")
    stub("mmengine.logging", MMLogger=MMLogger)
    stub("rich")
    stub("rich.progress", track=lambda x, *a, **k: x)


# ----------------------------------------------------------------------------- references


def per_label(aps, tps, fps, labels):
    return [{"label": l, "ap": aps.get(l), "tp": tps.get(l), "fp": fps.get(l)} for l in labels]


def run_moc(refs, dataset, labels, videos, nframes, gttubes, dets):
    """MOC-Detector frameAP, fed through its own dataset class and cached-detections path."""
    sys.path.insert(0, os.path.join(refs, "src"))
    import ACT  # noqa: E402  (MOC-Detector src/ACT.py)

    recorded = []
    original = ACT.pr_to_ap

    def recording(pr):
        recorded.append(pr.copy())
        return original(pr)

    ACT.pr_to_ap = recording
    with tempfile.TemporaryDirectory() as root:
        sub = "data/JHMDB" if dataset == "jhmdb" else "data/ucf24"
        name = "JHMDB-GT.pkl" if dataset == "jhmdb" else "UCF101v2-GT.pkl"
        os.makedirs(os.path.join(root, sub))
        os.makedirs(os.path.join(root, "result"))
        os.makedirs(os.path.join(root, "inference"))
        gt = {"labels": labels, "gttubes": gttubes, "nframes": nframes, "train_videos": [[]],
              "test_videos": [videos], "resolution": {v: (240, 320) for v in videos}}
        with open(os.path.join(root, sub, name), "wb") as f:
            pickle.dump(gt, f)
        with open(os.path.join(root, "inference", "frame_detections.pkl"), "wb") as f:
            pickle.dump(dets, f)
        opt = types.SimpleNamespace(
            redo=False, th=IOU, model_name="fixture", dataset="hmdb" if dataset == "jhmdb" else "ucf101",
            split=1, K=1, ninput=1, resize_height=288, resize_width=288, inference_dir=os.path.join(root, "inference"),
            root_dir=root, exp_id="fixture")
        mAP = ACT.frameAP(opt, print_info=True)
    ACT.pr_to_ap = original
    aps, tps, fps = {}, {}, {}
    for label, pr in zip(labels, recorded):
        aps[label] = float(np.float32(100) * original(pr))
        n = pr.shape[0] - 1
        tp = int(round(float(pr[-1, 0]) * n)) if n else 0
        tps[label], fps[label] = tp, n - tp
    return float(mAP), per_label(aps, tps, fps, labels)


def run_mmaction(refs, labels, videos, nframes, gttubes, dets):
    """mmaction2 MultiSports frameAP, loaded from its file (the package __init__ needs mmcv)."""
    path = os.path.join(refs, "mm/mmaction/evaluation/functional/multisports_utils.py")
    spec = importlib.util.spec_from_file_location("multisports_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recorded = []
    original = module.pr_to_ap_voc

    def recording(pr):
        recorded.append(pr.copy())
        return original(pr)

    module.pr_to_ap_voc = recording
    gt = {"labels": labels, "gttubes": gttubes, "nframes": nframes, "test_videos": [videos]}
    # MultiSportsMetric.compute_metrics builds each row with np.array([video_idx, frm_num,
    # pred_label, score, *bbox]) from Python ints and float32 values: a float64 array.
    mAP = module.frameAP(gt, dets.astype(np.float64), IOU, print_info=False)
    with_gt = [l for i, l in enumerate(labels) if any(i in gttubes[v] for v in videos)]
    aps, tps, fps = {}, {}, {}
    for label, pr in zip(with_gt, recorded):  # first pass of pr_to_ap_voc: one call per label
        aps[label] = float(100 * original(pr))
        n = pr.shape[0]
        tp = int(round(float(pr[-1, 0]) * n)) if n else 0
        tps[label], fps[label] = tp, n - tp
    return float(mAP), per_label(aps, tps, fps, labels)


def run_tfod(refs, labels, videos, gttubes, rows):
    """PySlowFast's TF-OD-API copy, fed image by image as ava_eval_helper.run_evaluation does."""
    sys.path.insert(0, os.path.join(refs, "sf"))
    from ava_evaluation import object_detection_evaluation, standard_fields  # noqa: E402

    logging.disable(logging.WARNING)
    categories = [{"id": i + 1, "name": l} for i, l in enumerate(labels)]
    evaluator = object_detection_evaluation.PascalDetectionEvaluator(categories)
    for iv, v in enumerate(videos):
        frames = {}
        for label, tubes in gttubes[v].items():
            for tube in tubes:
                for r in tube:
                    frames.setdefault(int(r[0]), []).append((label, [float(r[2]), float(r[1]), float(r[4]),
                                                                     float(r[3])]))
        for frame in sorted(frames):
            evaluator.add_single_ground_truth_image_info(f"{iv},{frame}", {
                standard_fields.InputDataFields.groundtruth_boxes: np.array([b for _, b in frames[frame]], dtype=float),
                standard_fields.InputDataFields.groundtruth_classes: np.array([l + 1 for l, _ in frames[frame]], dtype=int),
                standard_fields.InputDataFields.groundtruth_difficult: np.zeros(len(frames[frame]), dtype=bool)})
    images = {}
    for r in rows:  # CSV order: one row per (box, label), box-major
        image = images.setdefault(f"{r[0]},{r[1]}", ([], [], []))
        for c in range(len(labels)):
            image[0].append([r[3], r[2], r[5], r[4]])
            image[1].append(c + 1)
            image[2].append(r[6 + c])
    for key, (boxes, classes, scores) in images.items():
        evaluator.add_single_detected_image_info(key, {
            standard_fields.DetectionResultFields.detection_boxes: np.array(boxes, dtype=float),
            standard_fields.DetectionResultFields.detection_classes: np.array(classes, dtype=int),
            standard_fields.DetectionResultFields.detection_scores: np.array(scores, dtype=float)})
    metrics = evaluator.evaluate()
    ev = evaluator._evaluation
    aps, tps, fps = {}, {}, {}
    for c, label in enumerate(labels):
        if ev.num_gt_instances_per_class[c] == 0:
            continue
        aps[label] = float(100 * ev.average_precision_per_class[c])
        flags = np.concatenate(ev.tp_fp_labels_per_class[c]) if ev.tp_fp_labels_per_class[c] else np.array([])
        tps[label], fps[label] = int(flags.sum()), int(len(flags) - flags.sum())
    mAP = 100 * float(next(v for k, v in metrics.items() if k.startswith("PascalBoxes_Precision/mAP")))
    return mAP, per_label(aps, tps, fps, labels)


def main():
    refs = sys.argv[1]
    install_stubs()
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        from numpy.core._multiarray_umath import __cpu_features__ as features
    flavour = "np124"
    if np.lib.NumpyVersion(np.__version__) >= "1.25.0":
        # The sort kernel numpy dispatches to (x86-simd-sort): AVX-512 (x86-64-v4), AVX2 (v3), or
        # none (baseline: the classic introsort). NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL" or
        # "X86_V3 X86_V4 AVX512_ICL" selects the lower ones on an AVX-512 machine.
        if features.get("X86_V4", features.get("AVX512_SKX")):
            flavour = "np2-avx512"
        elif features.get("X86_V3", features.get("AVX2")):
            flavour = "np2-avx2"
        else:
            flavour = "np2-baseline"
    result = {"numpy": np.__version__, "iou": IOU,
              "cpu": sorted(k for k, v in features.items() if v and ("AVX" in k)), "datasets": {}}
    for seed, (dataset, pick) in enumerate(DATASETS.items()):
        labels, videos, nframes, gttubes = load_subset(dataset, pick)
        boxes_path = f"{OUT}/tied_{dataset}_boxes.csv"
        if not os.path.exists(boxes_path):
            write_boxes(boxes_path, make_detections(labels, videos, nframes, gttubes, 15 + seed), len(labels))
            write_subset(f"tied_{dataset}", labels, videos, nframes, gttubes)
        rows = read_boxes(boxes_path)
        dets = alldets(rows, len(labels))
        entry = {}
        entry["act"] = dict(zip(("mAP", "classes"), run_moc(refs, dataset, labels, videos, nframes, gttubes, dets)))
        entry["voc"] = dict(zip(("mAP", "classes"), run_mmaction(refs, labels, videos, nframes, gttubes, dets)))
        entry["tfod"] = dict(zip(("mAP", "classes"), run_tfod(refs, labels, videos, gttubes, rows)))
        scores = dets[:, 3]
        tied = 0
        for c in range(len(labels)):
            s = scores[dets[:, 2] == c]
            _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
            tied += int((counts[inverse] > 1).sum())
        entry["rows"] = int(len(dets))
        entry["tiedRowsWithinLabel"] = tied
        result["datasets"][dataset] = entry
        print(dataset, flavour, {p: entry[p]["mAP"] for p in ("act", "voc", "tfod")},
              f"{len(dets)} rows, {tied} tied within their label", file=sys.stderr)
    with open(f"{OUT}/tied_framemap_expected_{flavour}.json", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
