"""A PyTorch reference of the Swift `Detection.ActionDetector` (small configurations), float64.

Written from Sources/Detection (Geometry.swift states the conventions) with torchvision ops:
ResNet-50 to layer3 (torchvision), S3D-G (tools/s3dg_reference.py), RPN (3x3 conv + ReLU6, 1x1
objectness/deltas), proposals (top-k by logit, BoxCoder(10,10,5,5) decode, clip, remove_small_boxes,
nms), 3-D ROI pooling (roi_align 14x14 aligned=True sampling_ratio=1 per time slice, max_pool 2),
S3D-G tail (Mixed_4f, MaxPool_5a, Mixed_5b, Mixed_5c), mean over T,H,W, classifier and box FCs,
per-class post-processing. Every parameter is filled from counter_random.parity_tensor with the
checkpoint's prefixed names (`keyframe.`, `context.`, `rpn.`, `head.`), exactly as the Swift
`DetectorCheckpoint.seededTensors` does. Used by make_detection_fixtures.py.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection._utils import BoxCoder
from torchvision.ops import box_iou, clip_boxes_to_image, nms, remove_small_boxes, roi_align

import counter_random as cr
import s3dg_reference as ref

IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
CODER = BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))


def fill(module, prefix, seed):
    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            tensor.copy_(torch.from_numpy(cr.parity_tensor(seed, prefix + name, tuple(tensor.shape))))
    return module


def anchors(sizes, ratios, stride, h, w):
    cell = []
    for r in ratios:
        root = math.sqrt(r)
        for s in sizes:
            cw, ch = s * root, s / root
            cell.append((-cw / 2, -ch / 2, cw / 2, ch / 2))
    cell = torch.tensor(cell, dtype=torch.float64)
    out = []
    for i in range(h):
        for j in range(w):
            c = torch.tensor([stride * j + stride / 2, stride * i + stride / 2] * 2, dtype=torch.float64)
            out.append(cell + c)
    return torch.cat(out)


class Detector:
    def __init__(self, cfg, seed):
        """cfg: dict with classes, input (h, w), sizes, ratios, hidden, pre_nms, proposals,
        tail ('perROI'|'shared'), temporal ('keep'|'average'), scoring ('softmax'|'sigmoid'),
        score_threshold, iou_threshold, max_per_class, max_per_frame."""
        self.cfg = cfg
        torch.manual_seed(0)
        r = torchvision.models.resnet50()
        self.resnet = fill(r, "keyframe.", seed).double().eval()
        self.s3d = fill(ref.S3DG(ref.TFSLIM_S3DG), "context.", seed).double().eval()
        a = len(cfg["sizes"]) * len(cfg["ratios"])
        hid = cfg["hidden"]
        self.rpn = {
            "conv.weight": (hid, 1024, 3, 3), "conv.bias": (hid,), "objectness.weight": (a, hid, 1, 1),
            "objectness.bias": (a,), "deltas.weight": (4 * a, hid, 1, 1), "deltas.bias": (4 * a,),
        }
        self.rpn = {k: torch.from_numpy(cr.parity_tensor(seed, "rpn." + k, s)).double() for k, s in self.rpn.items()}
        k = len(cfg["classes"])
        rows = k + 1 if cfg["scoring"] == "softmax" else k
        shapes = {"classifier.weight": (rows, 1024), "classifier.bias": (rows,), "boxes.weight": (4 * k, 1024),
                  "boxes.bias": (4 * k,)}
        self.head = {n: torch.from_numpy(cr.parity_tensor(seed, "head." + n, s)).double() for n, s in shapes.items()}

    def layer3(self, image):
        m, s = (torch.tensor(v, dtype=torch.float64).view(1, 3, 1, 1) for v in IMAGENET)
        x = (image / 255 - m) / s
        r = self.resnet
        x = r.maxpool(r.relu(r.bn1(r.conv1(x))))
        return r.layer3(r.layer2(r.layer1(x)))

    def mixed4e(self, clip):
        x = clip / 255
        for i in range(12):
            x = self.s3d.features[i](x)
        return x

    def tail(self, x):
        for i in (12, 13, 14, 15):
            x = self.s3d.features[i](x)
        return x

    def proposals(self, feature):
        cfg = self.cfg
        p = self.rpn
        hidden = torch.clamp(F.conv2d(feature, p["conv.weight"], p["conv.bias"], padding=1), 0, 6)
        logits = F.conv2d(hidden, p["objectness.weight"], p["objectness.bias"])[0]  # [A, H, W]
        deltas = F.conv2d(hidden, p["deltas.weight"], p["deltas.bias"])[0]  # [4A, H, W]
        a, h, w = logits.shape
        logits = logits.permute(1, 2, 0).reshape(-1)  # position-major, then anchor
        deltas = deltas.view(a, 4, h, w).permute(2, 3, 0, 1).reshape(-1, 4)
        anc = anchors(cfg["sizes"], cfg["ratios"], 16, h, w)
        order = torch.sort(logits, descending=True, stable=True).indices[: cfg["pre_nms"]]
        boxes = CODER.decode_single(deltas[order], anc[order])
        ih, iw = cfg["input"]
        boxes = clip_boxes_to_image(boxes, (ih, iw))
        keep = remove_small_boxes(boxes, 1e-3)
        boxes, scores = boxes[keep], logits[order][keep]
        keep = nms(boxes, scores, 0.7)[: cfg["proposals"]]
        return boxes[keep], torch.sigmoid(scores[keep]), logits

    def roi(self, m, boxes, stride):
        """[1, C, T, H, W] -> [R, C, T', 7, 7]."""
        if self.cfg["temporal"] == "average":
            m = m.mean(2, keepdim=True)
        out = []
        for t in range(m.shape[2]):
            crop = roi_align(m[:, :, t], [boxes], (14, 14), 1 / stride, 1, True)
            out.append(F.max_pool2d(crop, 2, 2))
        return torch.stack(out, 2)

    def head_features(self, m4e, boxes):
        if self.cfg["tail"] == "shared":
            return self.roi(self.tail(m4e), boxes, 32).mean((2, 3, 4))
        return self.tail(self.roi(m4e, boxes, 16)).mean((2, 3, 4))

    def head_outputs(self, feats):
        h = self.head
        logits = F.linear(feats, h["classifier.weight"], h["classifier.bias"])
        deltas = F.linear(feats, h["boxes.weight"], h["boxes.bias"])
        if self.cfg["scoring"] == "softmax":
            scores = torch.softmax(logits, 1)[:, 1:]
        else:
            scores = torch.sigmoid(logits)
        return scores, deltas

    def postprocess(self, proposals, scores, deltas):
        cfg = self.cfg
        ih, iw = cfg["input"]
        found = []
        for k in range(scores.shape[1]):
            s = scores[:, k]
            mask = s >= cfg["score_threshold"]
            b = CODER.decode_single(deltas[:, 4 * k: 4 * k + 4], proposals)
            b = clip_boxes_to_image(b, (ih, iw))
            b, s = b[mask], s[mask]
            keep = remove_small_boxes(b, 0.01)
            b, s = b[keep], s[keep]
            keep = nms(b, s, cfg["iou_threshold"])[: cfg["max_per_class"]]
            found += [(float(s[i]), k, b[i]) for i in keep]
        found.sort(key=lambda d: -d[0])  # stable: ties keep class, then proposal order
        return found[: cfg["max_per_frame"]]
