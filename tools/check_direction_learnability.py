"""Can a 3-D trunk learn sit down vs stand up (exact time reverses) the way the detector sees them?
A PyTorch check outside the product, used for eval/DEFAULT_MODEL.md ("Batch statistics").

The whole frame (resized to --size) of the 20 frames around every 3rd annotated keyframe goes through a
trunk; each ground-truth box is ROI-aligned (7x7) from every temporal slice of the trunk's last map, and
a small head (3x3x3 conv, ReLU, average, linear) says sit down or stand up. 20 of the videos are held out;
the accuracy on their boxes is printed 8 times. No RPN and no other class: only the direction question.

    python tools/check_direction_learnability.py SET_DIR --flow-root FLOW_DIR \\
        [--stream flow|rgb] [--trunk s3dg|simple] [--upto Mixed_4e|Mixed_3c] \\
        [--norm batch|instance|calibrated] [--batch 8] [--steps 600] [--size 96x128] [--videos 100]

SET_DIR is a `make-synthetic-actions` set (Synthetic-GT.pkl, Frames/); its first --videos training videos
of sit_down and stand_up are used (with --stream flow, only those whose TV-L1 flow is under FLOW_DIR,
stored by `flow` as <video id>/x_00001.jpg ...). Clip frame i uses flow pair i (clamped to 1..n-1).

--trunk s3dg is S3D-G (torchvision layout, tools/s3dg_reference.py) at width 1/4 from scratch, its stem
taking 2 (flow) or 3 (RGB) channels; --trunk simple is four 3x3x3 conv + norm + ReLU layers (strides
1x2x2, 2, 2, 1x2x2: also stride 16). --norm: batch (statistics across the batch, as a batch of clips;
validation batches of 8), instance (each clip's own statistics: the detector's `--bn trunks`), or
calibrated (frozen running statistics re-estimated on 16 clips every 200 steps). Flips negate the x flow.

Needs a scratch venv with torch, torchvision and opencv-python-headless; 1 thread.
"""

import argparse
import os
import pickle
import random
import sys

import cv2
import numpy as np
import torch
import torch.nn as nn
from torchvision.ops import roi_align

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from s3dg_reference import S3DG, TORCHVISION, SepUnit  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("root")
parser.add_argument("--flow-root")
parser.add_argument("--stream", default="flow", choices=["flow", "rgb"])
parser.add_argument("--trunk", default="s3dg", choices=["s3dg", "simple"])
parser.add_argument("--upto", default="Mixed_4e", choices=["Mixed_4e", "Mixed_3c"])
parser.add_argument("--norm", default="batch", choices=["batch", "instance", "calibrated"])
parser.add_argument("--batch", type=int, default=8)
parser.add_argument("--steps", type=int, default=600)
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--size", default="96x128")
parser.add_argument("--videos", type=int, default=100)
args = parser.parse_args()
if args.stream == "flow" and not args.flow_root:
    sys.exit("--stream flow needs --flow-root")
H, W = (int(v) for v in args.size.split("x"))
torch.set_num_threads(1)
random.seed(0)
torch.manual_seed(0)
root = args.root.rstrip("/") + "/"
gt = pickle.load(open(root + "Synthetic-GT.pkl", "rb"), encoding="latin1")
sit = gt["labels"].index("sit_down")


def has_flow(video):
    return os.path.exists(f"{args.flow_root}/{video}/x_00001.jpg")


videos = [v for v in gt["train_videos"][0] if v.split("/")[0] in ("sit_down", "stand_up")]
videos = [v for v in videos if args.stream == "rgb" or has_flow(v)][: args.videos]
cache = {}


def frame(video, index):
    key = (video, index)
    if key not in cache:
        if args.stream == "rgb":
            image = cv2.imread(f"{root}Frames/{video}/{index:05d}.jpg")[:, :, ::-1]
            image = cv2.resize(image, (W, H), interpolation=cv2.INTER_AREA).astype(np.float32)
            cache[key] = np.ascontiguousarray(image.transpose(2, 0, 1)) / 127.5 - 1
        else:
            planes = []
            for c in "xy":
                plane = cv2.imread(f"{args.flow_root}/{video}/{c}_{index:05d}.jpg", cv2.IMREAD_GRAYSCALE)
                planes.append(cv2.resize(plane, (W, H), interpolation=cv2.INTER_AREA).astype(np.float32))
            cache[key] = np.stack(planes) / 127.5 - 1
    return cache[key]


items = []
for video in videos:
    n = gt["nframes"][video]
    boxes = {}
    for label, tubes in gt["gttubes"][video].items():
        for tube in tubes:
            for row in tube:
                scaled = row[1:5] * np.array([W / 320, H / 240, W / 320, H / 240])
                boxes.setdefault(int(row[0]), []).append((scaled, 1 if label == sit else 0))
    for f in sorted(boxes)[::3]:
        items.append((video, f, n, boxes[f]))
held = sorted({v for v, *_ in items})
random.shuffle(held)
held = set(held[:20])
train = [i for i in items if i[0] not in held]
val = [i for i in items if i[0] in held]
print(f"{len(videos)} videos, {len(train)} training keyframes, {len(val)} held-out", flush=True)

channels = 2 if args.stream == "flow" else 3
if args.trunk == "s3dg":
    s3d = S3DG(TORCHVISION, width_divisor=4)
    s3d.features[0] = SepUnit(TORCHVISION, channels, 16, 7, 2)
    last, width, stride = {"Mixed_4e": (11, 132, 16), "Mixed_3c": (6, 120, 8)}[args.upto]
    trunk = nn.Sequential(*list(s3d.features)[: last + 1])
else:

    def block(cin, cout, s):
        return nn.Sequential(nn.Conv3d(cin, cout, 3, stride=s, padding=1), nn.BatchNorm3d(cout), nn.ReLU())

    trunk = nn.Sequential(block(channels, 16, (1, 2, 2)), block(16, 32, 2), block(32, 64, 2), block(64, 64, (1, 2, 2)))
    width, stride = 64, 16


class OwnStatistics(nn.Module):
    """A batch norm's scale and shift with each sample's own statistics (instance norm)."""

    def __init__(self, bn):
        super().__init__()
        self.weight, self.bias, self.eps = bn.weight, bn.bias, bn.eps

    def forward(self, x):
        return nn.functional.instance_norm(x, weight=self.weight, bias=self.bias, eps=self.eps)


def own_statistics(module):
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm3d):
            setattr(module, name, OwnStatistics(child))
        else:
            own_statistics(child)


if args.norm == "instance":
    own_statistics(trunk)
head = nn.Sequential(
    nn.Conv3d(width, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(64, 2))
optimiser = torch.optim.AdamW(list(trunk.parameters()) + list(head.parameters()), args.lr)


def clip(video, f, n):
    return np.stack([frame(video, min(max(g, 1), n - 1)) for g in range(f - 10, f + 10)], 1)


def forward(batch, augment):
    x = torch.tensor(np.stack([clip(v, f, n) for v, f, n, _ in batch]))
    boxes = [np.stack([b for b, _ in bl]).astype(np.float32) for *_, bl in batch]
    labels = torch.tensor([label for *_, bl in batch for _, label in bl])
    if augment and random.random() < 0.5:
        x = torch.flip(x, dims=[4])
        if args.stream == "flow":
            x[:, 0] *= -1
        boxes = [np.stack([W - b[:, 2], b[:, 1], W - b[:, 0], b[:, 3]], 1) for b in boxes]
    features = trunk(x)
    rois = [
        roi_align(features[:, :, t], [torch.tensor(b) for b in boxes], 7, spatial_scale=1 / stride, sampling_ratio=2)
        for t in range(features.shape[2])
    ]
    return head(torch.stack(rois, 2)), labels


def calibrate():
    norms = [m for m in trunk.modules() if isinstance(m, nn.BatchNorm3d)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    with torch.no_grad():
        for item in random.sample(train, 16):
            forward([item], False)
    for m in norms:
        m.eval()


for step in range(1, args.steps + 1):
    if args.norm == "calibrated" and (step - 1) % 200 == 0:
        calibrate()
    logits, labels = forward(random.sample(train, args.batch), True)
    loss = nn.functional.cross_entropy(logits, labels)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    if step % max(1, args.steps // 8) == 0:
        right = total = 0
        head.eval()
        with torch.no_grad():
            for i in range(0, len(val), 8):
                logits, labels = forward(val[i : i + 8], False)
                right += (logits.argmax(1) == labels).sum().item()
                total += len(labels)
        head.train()
        print(f"step {step}  loss {loss.item():.3f}  held-out accuracy {right / total:.3f}", flush=True)
