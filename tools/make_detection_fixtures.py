#!/usr/bin/env python3
"""Makes the torchvision-op fixtures of Tests/DetectionTests/Fixtures/ops.safetensors.

How to run (CPU only, a few seconds; the venv lives outside the repo):
    python3 -m venv /work/.venv-torch
    /work/.venv-torch/bin/pip install torch torchvision safetensors numpy
    /work/.venv-torch/bin/python tools/make_detection_fixtures.py Tests/DetectionTests/Fixtures

Every input comes from the counter-based generator (counter_random.py, seed SEED) and is stored
beside the reference outputs, so the Swift tests read inputs and expected outputs from one file.
Conventions checked (Sources/Detection/Geometry.swift states them):
- nms: torchvision.ops.nms(boxes, scores, 0.7) keep indices (as float32), no score ties;
- box coder: torchvision BoxCoder(weights=(10, 10, 5, 5)) encode of `coder_boxes` against
  `coder_anchors` and decode of `coder_deltas` (clamped at log(1000/16));
- ROI crop: per time slice torchvision.ops.roi_align(output 14x14, spatial_scale 1/16,
  sampling_ratio=1, aligned=True) then max_pool2d(2, 2) -> [R, C, T, 7, 7], and the time-averaged
  variant (mean over T, then the same) -> [R, C, 1, 7, 7].
"""

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file
from torchvision.models.detection._utils import BoxCoder
from torchvision.ops import nms, roi_align

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import counter_random as cr  # noqa: E402

SEED = 20261122


def boxes(name, count, width, height, min_size=4.0):
    """`count` random boxes inside a width x height image (and a little beyond), [count, 4]."""
    u = (cr.values(SEED, name, (count, 4), 0.5, 0.5)).astype(np.float64)
    x1 = u[:, 0] * width * 0.9 - 0.05 * width
    y1 = u[:, 1] * height * 0.9 - 0.05 * height
    w = min_size + u[:, 2] * width * 0.6
    h = min_size + u[:, 3] * height * 0.6
    return np.stack([x1, y1, x1 + w, y1 + h], 1).astype(np.float32)


def nms_fixture(out):
    b = boxes("nms_boxes", 200, 400, 320)
    # Cluster half of the boxes around a few centres so that suppression really happens.
    centres = boxes("nms_centres", 8, 400, 320, min_size=60)
    jitter = cr.values(SEED, "nms_jitter", (100, 4), 0.0, 6.0)
    b[:100] = centres[np.arange(100) % 8] + jitter
    scores = np.argsort(cr.values(SEED, "nms_scores", (200,))).astype(np.float32) / 200 + 0.001
    keep = nms(torch.from_numpy(b), torch.from_numpy(scores), 0.7).numpy()
    keep5 = nms(torch.from_numpy(b), torch.from_numpy(scores), 0.5).numpy()
    out.update(nms_boxes=b, nms_scores=scores, nms_keep_07=keep.astype(np.float32),
               nms_keep_05=keep5.astype(np.float32))


def coder_fixture(out):
    coder = BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))
    anchors = boxes("coder_anchors", 64, 400, 320)
    targets = boxes("coder_boxes", 64, 400, 320)
    deltas = cr.values(SEED, "coder_deltas", (64, 4), 0.0, 3.0)
    deltas[:4, 2:] = 60.0  # exercises the exp clamp
    a, t, d = (torch.from_numpy(x) for x in (anchors, targets, deltas))
    encoded = coder.encode_single(t, a)
    decoded = coder.decode_single(d, a)
    out.update(coder_anchors=anchors, coder_boxes=targets, coder_deltas=deltas,
               coder_encoded=encoded.numpy(), coder_decoded=decoded.numpy())


def crop_fixture(out):
    c, t, h, w = 5, 3, 6, 7  # a Mixed_4e-like map of a 96x112 input at stride 16
    feature = cr.values(SEED, "crop_feature", (1, c, t, h, w))
    rois = boxes("crop_boxes", 12, 112, 96, min_size=2)
    rois[0] = [-30, -20, 140, 120]  # beyond every edge
    rois[1] = [50, 40, 51, 41]  # smaller than a cell
    rois[2] = [0, 0, 112, 96]  # the whole image
    f = torch.from_numpy(feature)
    r = torch.from_numpy(rois)
    slices = []
    for s in range(t):
        crop = roi_align(f[:, :, s], [r], (14, 14), spatial_scale=1 / 16, sampling_ratio=1, aligned=True)
        slices.append(F.max_pool2d(crop, 2, 2))
    pooled = torch.stack(slices, 2)  # [R, C, T, 7, 7]
    mean = f.mean(2)
    averaged = F.max_pool2d(roi_align(mean, [r], (14, 14), 1 / 16, 1, True), 2, 2).unsqueeze(2)
    out.update(crop_feature=feature, crop_boxes=rois, crop_pooled=pooled.numpy(),
               crop_averaged=averaged.numpy())


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "Tests/DetectionTests/Fixtures"
    os.makedirs(out_dir, exist_ok=True)
    out = {}
    nms_fixture(out)
    coder_fixture(out)
    crop_fixture(out)
    out = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}
    import torchvision
    save_file(out, os.path.join(out_dir, "ops.safetensors"),
              metadata={"seed": str(SEED), "torch": torch.__version__, "torchvision": torchvision.__version__,
                        "script": "tools/make_detection_fixtures.py"})
    for k, v in out.items():
        print(k, v.shape)


if __name__ == "__main__":
    main()
