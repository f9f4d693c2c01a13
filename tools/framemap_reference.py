#!/usr/bin/env python3
"""Independent frame-AP reference: the four protocols of the Swift `Evaluation` module, written
from ../shared/reference/frame_map_protocols.md (sections 1 and 5) with numpy only.

It keeps the reference scripts' numeric types on purpose: ACT-style detections are one float32
array (video index, frame, label, score, x1, y1, x2, y2), ACT's precision/recall are float32, the
other protocols work in float64 / Python floats. Rows that cannot be evaluated are dropped exactly
as the Swift evaluator documents (unknown label, video outside the split, NaN score), and rows are
put in the canonical order first: video in split order, frame ascending, file order.

Inputs
  --gt-pkl FILE --split K     an ACT-format pickle (JHMDB-GT.pkl); split K's test videos
  --gt-csv FILE --videos FILE  a flat GT table `video,label,tube,frame,x1,y1,x2,y2` (label is the
                               0-based index; rows in video, tube, row order) and a split file with
                               `video nframes` per line; labels come from --labels FILE (one a line)
  --detections FILE            CSV with header `video,frame,label,score,x1,y1,x2,y2` (label = name)
Options: --protocol act|voc|tfod|yowo (repeatable; default all), --ties stable|numpy-legacy,
  --iou 0.5, --json OUT (per-label AP, counts, mAP; also timings).

numpy-legacy ties need numpy <= 1.24 (its classic introsort argsort); stable ties work with any
numpy. Run:
    python3 tools/framemap_reference.py --gt-pkl ../shared/data/gt/jhmdb/JHMDB-GT.pkl --split 1 \
        --detections dets.csv --ties stable
    /work/.venv-np124/bin/python tools/framemap_reference.py ... --ties numpy-legacy
(system python3 with numpy; the venv is `python3 -m venv /work/.venv-np124 &&
/work/.venv-np124/bin/pip install numpy==1.24.4`.)
"""
import argparse
import csv
import json
import math
import pickle
import sys
import time

import numpy as np


# ----------------------------------------------------------------------------------------------
# Inputs


def load_pkl(path, split):
    with open(path, "rb") as f:
        d = pickle.load(f, encoding="latin1")
    labels = list(d["labels"])
    vlist = list(d["test_videos"][split - 1])
    nframes = {v: int(d["nframes"][v]) for v in vlist}
    tubes = {}
    for v in vlist:
        per = []
        for label in sorted(d["gttubes"][v]):  # tubes in label order, then list order
            for t in d["gttubes"][v][label]:
                per.append((int(label), np.asarray(t, dtype=np.float32)))
        tubes[v] = per
    return labels, vlist, nframes, tubes


def load_flat(gt_csv, videos_file, labels_file):
    with open(labels_file) as f:
        labels = [line.strip() for line in f if line.strip()]
    vlist, nframes = [], {}
    with open(videos_file) as f:
        for line in f:
            if line.strip():
                v, n = line.split()
                vlist.append(v)
                nframes[v] = int(n)
    rows = {}
    with open(gt_csv) as f:
        for r in csv.DictReader(f):
            key = (r["video"], int(r["tube"]))
            rows.setdefault(key, (int(r["label"]), []))[1].append(
                [float(r["frame"]), float(r["x1"]), float(r["y1"]), float(r["x2"]), float(r["y2"])])
    tubes = {v: [] for v in vlist}
    for (v, _), (label, tube_rows) in rows.items():
        if v in tubes:
            tubes[v].append((label, np.array(tube_rows, dtype=np.float32)))
    return labels, vlist, nframes, tubes


def load_detections(path, labels, vlist):
    """The ACT `alldets` float32 array in canonical order."""
    lindex = {name: i for i, name in enumerate(labels)}
    vindex = {name: i for i, name in enumerate(vlist)}
    rows = []
    dropped = 0
    with open(path) as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header[:8] == ["video", "frame", "label", "score", "x1", "y1", "x2", "y2"], header
        for r in reader:
            if not r:
                continue
            v, fr, lab = r[0], int(r[1]), r[2]
            vals = [np.float32(x) for x in r[3:8]]
            if lab not in lindex or v not in vindex or math.isnan(vals[0]):
                dropped += 1
                continue
            rows.append((vindex[v], fr, lindex[lab], *vals))
    rows.sort(key=lambda t: (t[0], t[1]))  # stable: file order within a frame
    alldets = np.array(rows, dtype=np.float32).reshape(-1, 8)
    alldets[:, 3] += np.float32(0)  # -0 -> +0
    return alldets, dropped


def gt_by_key(vlist, tubes, ilabel):
    """ACT's gt dict: (video index, frame) -> float64 array of boxes, video/tube/row order."""
    gt = {}
    for iv, v in enumerate(vlist):
        for label, tube in tubes[v]:
            if label != ilabel:
                continue
            for row in tube:
                gt.setdefault((iv, int(row[0])), []).append(row[1:5].tolist())
    return {k: np.array(b, dtype=np.float64) for k, b in gt.items()}


def rank_negated(scores, ties):
    """np.argsort(-scores): legacy quicksort or a stable sort."""
    if ties == "numpy-legacy":
        return np.argsort(-scores)
    return np.argsort(-scores, kind="stable")


# ----------------------------------------------------------------------------------------------
# ACT / MOC


def act_iou(gtb, box):
    """ACT iou2d: +1 convention; gt float64, box float32 (its +1 and area stay float32)."""
    b2 = box[None, :]
    xmin = np.maximum(gtb[:, 0], b2[:, 0])
    ymin = np.maximum(gtb[:, 1], b2[:, 1])
    xmax = np.minimum(gtb[:, 2] + 1, b2[:, 2] + 1)
    ymax = np.minimum(gtb[:, 3] + 1, b2[:, 3] + 1)
    o = np.maximum(0, xmax - xmin) * np.maximum(0, ymax - ymin)
    a1 = (gtb[:, 2] - gtb[:, 0] + 1) * (gtb[:, 3] - gtb[:, 1] + 1)
    a2 = (b2[:, 2] - b2[:, 0] + 1) * (b2[:, 3] - b2[:, 1] + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return o / (a1 + a2 - o)


def protocol_act(labels, vlist, tubes, alldets, th, ties):
    out = []
    for ilabel in range(len(labels)):
        dets = alldets[alldets[:, 2] == ilabel]
        gt = gt_by_key(vlist, tubes, ilabel)
        npos = sum(g.shape[0] for g in gt.values())
        pr = np.empty((dets.shape[0] + 1, 2), dtype=np.float32)
        pr[0, 0], pr[0, 1] = 1.0, 0.0
        tp = fp = 0
        for i, j in enumerate(rank_negated(dets[:, 3], ties)):
            k = (int(dets[j, 0]), int(dets[j, 1]))
            positive = False
            if k in gt:
                ious = act_iou(gt[k], dets[j, 4:8])
                amax = int(np.argmax(ious))
                if ious[amax] >= th:
                    positive = True
                    gt[k] = np.delete(gt[k], amax, 0)
                    if gt[k].size == 0:
                        del gt[k]
            if positive:
                tp += 1
            else:
                fp += 1
            pr[i + 1, 0] = float(tp) / float(tp + fp)
            pr[i + 1, 1] = float(tp) / float(npos) if npos else 0.0
        ap = np.sum((pr[1:, 1] - pr[:-1, 1]) * (pr[1:, 0] + pr[:-1, 0]) * 0.5)
        out.append(dict(ap=ap, npos=npos, ndet=int(dets.shape[0]), tp=tp, fp=fp, in_mean=True))
    ap = 100 * np.array([c["ap"] for c in out], dtype=np.float32)
    for c, a in zip(out, ap):
        c["ap"] = float(a)
    return out, float(np.mean(ap))


# ----------------------------------------------------------------------------------------------
# VOC-style helpers


def voc_ap(rec, prec, pairwise=True):
    mrec = np.concatenate([[0.0], rec, [1.0]])
    mpre = np.concatenate([[0.0], prec, [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.where(mrec[1:] != mrec[:-1])[0] + 1
    terms = (mrec[idx] - mrec[idx - 1]) * mpre[idx]
    if pairwise:
        return float(np.sum(terms))
    acc = 0.0
    for t in terms.tolist():
        acc = acc + t
    return acc


def plain_iou(gtb, box):
    """IoU without +1 between float64 gt boxes and one box (float64 or float32 arithmetic)."""
    b2 = box[None, :]
    w = np.maximum(0, np.minimum(gtb[:, 2], b2[:, 2]) - np.maximum(gtb[:, 0], b2[:, 0]))
    h = np.maximum(0, np.minimum(gtb[:, 3], b2[:, 3]) - np.maximum(gtb[:, 1], b2[:, 1]))
    o = w * h
    a1 = (gtb[:, 2] - gtb[:, 0]) * (gtb[:, 3] - gtb[:, 1])
    a2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return o / (a1 + a2 - o)


def protocol_voc(labels, vlist, tubes, alldets, th, ties):
    out = []
    for ilabel in range(len(labels)):
        dets = alldets[alldets[:, 2] == ilabel]
        gt = gt_by_key(vlist, tubes, ilabel)
        npos = sum(g.shape[0] for g in gt.values())
        if npos == 0:
            out.append(dict(ap=None, npos=0, ndet=0, tp=0, fp=0, in_mean=False))
            continue
        taken = {k: np.zeros(g.shape[0], dtype=bool) for k, g in gt.items()}
        pr = np.empty((dets.shape[0], 2), dtype=np.float64)
        tp = fp = 0
        for i, j in enumerate(rank_negated(dets[:, 3], ties)):
            k = (int(dets[j, 0]), int(dets[j, 1]))
            positive = False
            if k in gt:
                # mmaction2's MultiSportsMetric holds detections in a float64 array
                ious = plain_iou(gt[k], dets[j, 4:8].astype(np.float64))
                amax = int(np.argmax(ious))
                if ious[amax] >= th and not taken[k][amax]:
                    positive = True
                    taken[k][amax] = True
            if positive:
                tp += 1
            else:
                fp += 1
            pr[i, 0] = float(tp) / float(tp + fp)
            pr[i, 1] = float(tp) / float(npos)
        out.append(dict(ap=100 * voc_ap(pr[:, 1], pr[:, 0]), npos=npos, ndet=int(dets.shape[0]),
                        tp=tp, fp=fp, in_mean=True))
    aps = np.array([c["ap"] for c in out if c["in_mean"]], dtype=np.float64)
    return out, float(np.mean(aps)) if aps.size else 0.0


# ----------------------------------------------------------------------------------------------
# TF Object Detection API (PySlowFast copy)


def protocol_tfod(labels, vlist, tubes, alldets, th, ties):
    out = []
    for ilabel in range(len(labels)):
        dets = alldets[alldets[:, 2] == ilabel]
        gt = gt_by_key(vlist, tubes, ilabel)
        npos = sum(g.shape[0] for g in gt.values())
        if npos == 0:
            out.append(dict(ap=float("nan"), npos=0, ndet=0, tp=0, fp=0, in_mean=False))
            continue
        images = {}  # image key -> detection rows, insertion order
        for j in range(dets.shape[0]):
            images.setdefault((int(dets[j, 0]), int(dets[j, 1])), []).append(j)
        scores, flags = [], []
        for key, rows in images.items():
            boxes = dets[rows, 4:8].astype(np.float64)
            sc = dets[rows, 3].astype(np.float64)
            valid = ~((boxes[:, 0] >= boxes[:, 2]) | (boxes[:, 1] >= boxes[:, 3]))
            boxes, sc = boxes[valid], sc[valid]
            tpfp = np.zeros(boxes.shape[0], dtype=bool)
            if key in gt and boxes.shape[0]:
                g = gt[key]
                iou = np.stack([plain_iou(g, b) for b in boxes])  # [det, gt]
                best = np.argmax(iou, axis=1)
                detected = np.zeros(g.shape[0], dtype=bool)
                for i in range(boxes.shape[0]):
                    if iou[i, best[i]] >= th and not detected[best[i]]:
                        tpfp[i] = True
                        detected[best[i]] = True
            scores.append(sc)
            flags.append(tpfp)
        scores = np.concatenate(scores) if scores else np.zeros(0)
        flags = np.concatenate(flags) if flags else np.zeros(0, dtype=bool)
        if ties == "numpy-legacy":
            order = np.argsort(scores)[::-1]
        else:
            order = np.argsort(-scores, kind="stable")
        tpl = flags[order].astype(float)
        ctp = np.cumsum(tpl)
        cfp = np.cumsum(1.0 - tpl)
        ap = 0.0
        if scores.size:
            ap = voc_ap(ctp / npos, ctp / (ctp + cfp))
        out.append(dict(ap=ap, npos=npos, ndet=int(scores.size), tp=int(ctp[-1]) if scores.size else 0,
                        fp=int(cfp[-1]) if scores.size else 0, in_mean=True))
    m = float(np.nanmean(np.array([c["ap"] for c in out], dtype=np.float64)))
    for c in out:
        c["ap"] = 100 * c["ap"] if c["in_mean"] else None
    return out, 100 * m


# ----------------------------------------------------------------------------------------------
# Padilla (YOWO)


def padilla_iou(a, b):
    if a[0] > b[2] or b[0] > a[2] or a[3] < b[1] or a[1] > b[3]:
        return 0.0
    inter = (min(a[2], b[2]) - max(a[0], b[0]) + 1) * (min(a[3], b[3]) - max(a[1], b[1]) + 1)
    union = float((a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter)
    return inter / union


def protocol_yowo(labels, vlist, tubes, alldets, th, ties):
    annotated = set()
    for iv, v in enumerate(vlist):
        for _, tube in tubes[v]:
            for row in tube:
                annotated.add((iv, int(row[0])))
    out = []
    for ilabel in range(len(labels)):
        gt = {k: [list(map(float, b)) for b in g] for k, g in gt_by_key(vlist, tubes, ilabel).items()}
        npos = sum(len(g) for g in gt.values())
        if npos == 0:
            out.append(dict(ap=None, npos=0, ndet=0, tp=0, fp=0, in_mean=False))
            continue
        dets = [(int(r[0]), int(r[1]), float(r[3]), [float(x) for x in r[4:8]])
                for r in alldets[alldets[:, 2] == ilabel]]
        dets = [d for d in dets if (d[0], d[1]) in annotated]
        dets = sorted(dets, key=lambda d: d[2], reverse=True)
        seen = {k: [0] * len(g) for k, g in gt.items()}
        TP = np.zeros(len(dets))
        FP = np.zeros(len(dets))
        for i, (iv, fr, _, box) in enumerate(dets):
            k = (iv, fr)
            iou_max, jmax = sys.float_info.min, -1
            if box[2] >= box[0] and box[3] >= box[1]:  # inverted boxes: false positive
                for j, g in enumerate(gt.get(k, [])):
                    iou = padilla_iou(box, g)
                    if iou > iou_max:
                        iou_max, jmax = iou, j
            if jmax >= 0 and iou_max >= th and seen[k][jmax] == 0:
                TP[i] = 1
                seen[k][jmax] = 1
            else:
                FP[i] = 1
        acc_tp, acc_fp = np.cumsum(TP), np.cumsum(FP)
        ap = voc_ap(acc_tp / npos, np.divide(acc_tp, acc_fp + acc_tp), pairwise=False)
        out.append(dict(ap=ap, npos=npos, ndet=len(dets), tp=int(TP.sum()), fp=int(FP.sum()), in_mean=True))
    acc, valid = 0.0, 0
    for c in sorted(range(len(labels)), key=lambda c: str(c + 1)):
        if out[c]["in_mean"]:
            acc = acc + out[c]["ap"]
            valid += 1
    for c in out:
        c["ap"] = 100 * c["ap"] if c["in_mean"] else None
    return out, 100 * (acc / valid) if valid else 0.0


PROTOCOLS = {"act": protocol_act, "voc": protocol_voc, "tfod": protocol_tfod, "yowo": protocol_yowo}


def evaluate(labels, vlist, tubes, alldets, protocol, ties, th):
    if ties == "numpy-legacy":
        major, minor = (int(x) for x in np.__version__.split(".")[:2])
        assert (major, minor) <= (1, 24), "numpy-legacy ties need numpy <= 1.24"
    per, m = PROTOCOLS[protocol](labels, vlist, tubes, alldets, th, ties)
    for name, c in zip(labels, per):
        c["label"] = name
        c.pop("in_mean")
    return {"protocol": protocol, "ties": ties, "iou": th, "mAP": m, "classes": per}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--gt-pkl")
    p.add_argument("--split", type=int, default=1)
    p.add_argument("--gt-csv")
    p.add_argument("--videos")
    p.add_argument("--labels")
    p.add_argument("--detections", required=True)
    p.add_argument("--protocol", action="append", choices=sorted(PROTOCOLS))
    p.add_argument("--ties", default="stable", choices=["stable", "numpy-legacy"])
    p.add_argument("--iou", type=float, default=0.5)
    p.add_argument("--json")
    a = p.parse_args()
    if a.gt_pkl:
        labels, vlist, nframes, tubes = load_pkl(a.gt_pkl, a.split)
    else:
        labels, vlist, nframes, tubes = load_flat(a.gt_csv, a.videos, a.labels)
    alldets, dropped = load_detections(a.detections, labels, vlist)
    results = []
    for protocol in a.protocol or ["act", "voc", "tfod", "yowo"]:
        t0 = time.perf_counter()
        r = evaluate(labels, vlist, tubes, alldets, protocol, a.ties, a.iou)
        r["seconds"] = time.perf_counter() - t0
        r["dropped"] = dropped
        results.append(r)
        print(f"{protocol:5s} ties={a.ties} mAP={r['mAP']:.4f} ({r['seconds']:.2f} s)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
