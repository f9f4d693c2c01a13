#!/usr/bin/env python3
"""Makes Tests/DetectionTests/Fixtures/detection_losses.safetensors: Faster R-CNN training targets
and losses computed by torchvision's detection code, for the Swift parity tests
(Tests/DetectionTests/DetectionLossParityTests.swift).

How to run (CPU only, about a second; the venv lives outside the repo):
    /work/.venv-torch/bin/python tools/make_detection_loss_fixtures.py Tests/DetectionTests/Fixtures

Setting: a 208x160 (WxH) image, a 13x10 feature map of stride 16, 9 anchors per cell (sizes 32, 64,
128; aspect ratios w/h 0.5, 1, 2, in Sources/Detection/Geometry.swift's order: index
(i*W + j)*A + a, a = ratio*3 + size, centres (16j + 8, 16i + 8)), 6 ground-truth boxes (most matched
only through low-quality matches, several with two anchors tied on the best IoU; one near an
anchor (IoU >= 0.7); one in a corner, whose best anchor crosses the border), 3 classes, seeded network outputs
(counter_random.py, seed SEED). Every input is stored beside the expected outputs.

Sampling is made deterministic by recording the indices torchvision's own
BalancedPositiveNegativeSampler picked (torch.manual_seed(SAMPLER_SEED)); the Swift side replays
them with SampleOrder.preferring. Matching and box encoding run in float32 like the Swift code;
losses and gradients (torch autograd) run in float64 on the float32 inputs. Stored totals and
gradients are those of objectness/classification weight 1 + localization weight 2.

Cases (key prefixes):
- rpn_tv: torchvision RegionProposalNetwork.assign_targets_to_anchors (Matcher 0.7/0.3,
  allow_low_quality_matches) on all anchors, BoxCoder (10, 10, 5, 5) (torchvision's RPN default is
  (1, 1, 1, 1); the project's RPN decodes with 10, 10, 5, 5), sampler 256 / 0.5, and
  compute_loss verbatim: BCE-with-logits mean + smooth-L1 beta 1/9 summed / sampled count.
- rpn_tf: the TF OD API defaults: anchors not entirely inside the image pruned before matching
  (same torchvision matcher on the kept anchors), sampler 64 / 0.5 (so that positives are capped),
  2-class softmax objectness ([1, 2A, H, W], channel 2a background, 2a+1 object) with
  F.cross_entropy, smooth-L1 beta 1 (TF Huber delta 1), both summed / sampled count.
- head_tv: torchvision RoIHeads.select_training_samples (ground truth appended, Matcher 0.5/0.5, no
  low-quality matches, BoxCoder (10, 10, 5, 5), sampler 32 / 0.25) and fastrcnn_loss verbatim
  (cross-entropy mean, smooth-L1 beta 1/9 / ROI count), logits [R, K+1], deltas [R, 4K] (the
  project's layout: no background deltas; a zero background slot is prepended for torchvision).
- head_tf: the same selection without appended ground truth (TF OD API), multi-label sigmoid
  targets (multi-hot of the matched box's classes) with BCE-with-logits summed / ROI count, and
  smooth-L1 beta 1 on the first class's deltas / ROI count.
"""

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file
from torchvision.models.detection._utils import BalancedPositiveNegativeSampler, BoxCoder
from torchvision.models.detection.roi_heads import RoIHeads, fastrcnn_loss
from torchvision.models.detection.rpn import RegionProposalNetwork, concat_box_prediction_layers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import counter_random as cr  # noqa: E402

SEED = 20261205
SAMPLER_SEED = 0
WIDTH, HEIGHT, STRIDE = 208, 160, 16
SIZES, RATIOS = [32.0, 64.0, 128.0], [0.5, 1.0, 2.0]
CLASSES = 3
GT = np.array(
    [[20, 30, 90, 120], [100, 20, 190, 100], [60, 80, 150, 150], [84, 44, 108, 68], [0, 104, 40, 160],
     [137, 57, 199, 119]],
    np.float32,
)
GT_CLASSES = [[0], [2], [1, 2], [0], [1], [0, 1]]
WEIGHTS = (1.0, 2.0)


def anchors(fh, fw):
    """The project's grid anchors (AnchorGenerator.anchors(featureHeight:featureWidth:))."""
    cell = []
    for r in RATIOS:
        root = np.float32(np.sqrt(np.float32(r)))
        for s in SIZES:
            w, h = np.float32(s) * root, np.float32(s) / root
            cell.append([-w / 2, -h / 2, w / 2, h / 2])
    cell = np.array(cell, np.float32)
    out = []
    for i in range(fh):
        for j in range(fw):
            c = np.array([STRIDE * j + STRIDE / 2, STRIDE * i + STRIDE / 2] * 2, np.float32)
            out.append(cell + c)
    return np.concatenate(out).astype(np.float32)


class Recording:
    """torchvision's sampler, seeded, remembering the indices it picked."""

    def __init__(self, batch, fraction):
        self.inner = BalancedPositiveNegativeSampler(batch, fraction)

    def __call__(self, labels):
        torch.manual_seed(SAMPLER_SEED)
        pos, neg = self.inner(labels)
        self.positives = torch.where(pos[0])[0].numpy()
        self.negatives = torch.where(neg[0])[0].numpy()
        return pos, neg


def f32(x):
    return np.ascontiguousarray(np.asarray(x, dtype=np.float32))


def rpn_case(out, prefix, objectness, deltas, anc, prune, batch, softmax, beta):
    fh, fw = objectness.shape[2], objectness.shape[3]
    a = deltas.shape[1] // 4
    rpn = RegionProposalNetwork(None, None, 0.7, 0.3, batch, 0.5, {"training": 1}, {"training": 1}, 0.7)
    rpn.box_coder = BoxCoder((10.0, 10.0, 5.0, 5.0))
    sampler = Recording(batch, 0.5)
    rpn.fg_bg_sampler = sampler
    keep = np.arange(len(anc))
    if prune:
        inside = (anc[:, 0] >= 0) & (anc[:, 1] >= 0) & (anc[:, 2] <= WIDTH) & (anc[:, 3] <= HEIGHT)
        keep = np.where(inside)[0]
    kept = torch.from_numpy(anc[keep])
    labels, matched = rpn.assign_targets_to_anchors([kept], [{"boxes": torch.from_numpy(GT)}])
    targets = rpn.box_coder.encode(matched, [kept])[0]
    obj = torch.from_numpy(objectness).double().requires_grad_()
    dlt = torch.from_numpy(deltas).double().requires_grad_()
    if softmax:
        # [1, 2A, H, W] -> [H*W*A, 2] (anchor order (i, j, a), channel 2a + c).
        flat_obj = obj.view(1, a, 2, fh, fw).permute(0, 3, 4, 1, 2).reshape(-1, 2)
        flat_dlt = dlt.view(1, a, 4, fh, fw).permute(0, 3, 4, 1, 2).reshape(-1, 4)
    else:
        flat_obj, flat_dlt = concat_box_prediction_layers([obj], [dlt])
    flat_obj, flat_dlt = flat_obj[keep], flat_dlt[keep]
    lab, tgt = labels[0], targets.double()
    if not softmax and beta == 1 / 9:
        objectness_loss, box_loss = rpn.compute_loss(flat_obj, flat_dlt, [lab], [tgt])
    else:
        sampler([lab])
        pos, neg = torch.from_numpy(sampler.positives), torch.from_numpy(sampler.negatives)
        sampled = torch.cat([pos, neg])
        n = sampled.numel()
        objectness_loss = F.cross_entropy(flat_obj[sampled], lab[sampled].long(), reduction="sum") / n
        box_loss = F.smooth_l1_loss(flat_dlt[pos], tgt[pos], beta=beta, reduction="sum") / n
    total = WEIGHTS[0] * objectness_loss + WEIGHTS[1] * box_loss
    total.backward()
    full_labels = np.full(len(anc), -1.0, np.float32)
    full_labels[keep] = lab.numpy()
    full_targets = np.zeros((len(anc), 4), np.float32)
    full_targets[keep] = targets.numpy()
    out[f"{prefix}_objectness_logits"] = f32(objectness)
    out[f"{prefix}_labels"] = full_labels
    out[f"{prefix}_regression_targets"] = full_targets
    out[f"{prefix}_positives"] = f32(keep[sampler.positives])
    out[f"{prefix}_negatives"] = f32(keep[sampler.negatives])
    out[f"{prefix}_losses"] = f32([objectness_loss.item(), box_loss.item(), total.item()])
    out[f"{prefix}_grad_objectness"] = f32(obj.grad.numpy())
    out[f"{prefix}_grad_deltas"] = f32(dlt.grad.numpy())
    print(
        f"{prefix}: {int((full_labels == 1).sum())} fg, {int((full_labels == 0).sum())} bg, "
        f"{len(keep)} anchors kept; sampled {len(sampler.positives)} + {len(sampler.negatives)}; "
        f"losses {objectness_loss.item():.6f} {box_loss.item():.6f}"
    )


def head_case(out, prefix, proposals, append_gt, sigmoid, beta, batch):
    heads = RoIHeads(None, None, None, 0.5, 0.5, batch, 0.25, (10.0, 10.0, 5.0, 5.0), 0.05, 0.5, 100)
    sampler = Recording(batch, 0.25)
    heads.fg_bg_sampler = sampler
    if not append_gt:
        heads.add_gt_proposals = lambda p, g: p
    first = torch.tensor([c[0] + 1 for c in GT_CLASSES], dtype=torch.int64)
    target = {"boxes": torch.from_numpy(GT), "labels": first}
    candidates = np.concatenate([proposals, GT]) if append_gt else proposals
    rois, matched, labels, reg = heads.select_training_samples([torch.from_numpy(proposals)], [target])
    rois, matched, labels, reg = rois[0], matched[0], labels[0], reg[0]
    r = rois.shape[0]
    sampled = np.sort(np.concatenate([sampler.positives, sampler.negatives]))
    assert np.array_equal(candidates[sampled], rois.numpy())
    columns = CLASSES if sigmoid else CLASSES + 1
    logits = cr.values(SEED, f"{prefix}_logits", (r, columns), 0.0, 2.0)
    deltas = cr.values(SEED, f"{prefix}_deltas", (r, 4 * CLASSES), 0.0, 1.0)
    lg = torch.from_numpy(logits).double().requires_grad_()
    dl = torch.from_numpy(deltas).double().requires_grad_()
    tgt = reg.double()
    if sigmoid:
        hot = torch.zeros(r, CLASSES, dtype=torch.float64)
        for k in range(r):
            if labels[k] > 0:
                hot[k, GT_CLASSES[matched[k]]] = 1
        cls_loss = F.binary_cross_entropy_with_logits(lg, hot, reduction="sum") / r
        fg = torch.where(labels > 0)[0]
        pick = dl.view(r, CLASSES, 4)[fg, labels[fg] - 1]
        box_loss = F.smooth_l1_loss(pick, tgt[fg], beta=beta, reduction="sum") / r
    else:
        with_bg = torch.cat([torch.zeros(r, 4, dtype=torch.float64), dl], 1)
        cls_loss, box_loss = fastrcnn_loss(lg, with_bg, [labels], [tgt])
    total = WEIGHTS[0] * cls_loss + WEIGHTS[1] * box_loss
    total.backward()
    out[f"{prefix}_rois"] = f32(rois.numpy())
    out[f"{prefix}_candidates"] = f32(sampled)
    out[f"{prefix}_labels"] = f32(labels.numpy())
    out[f"{prefix}_regression_targets"] = f32(reg.numpy())
    out[f"{prefix}_positives"] = f32(sampler.positives)
    out[f"{prefix}_negatives"] = f32(sampler.negatives)
    out[f"{prefix}_logits"] = logits
    out[f"{prefix}_deltas"] = deltas
    out[f"{prefix}_losses"] = f32([cls_loss.item(), box_loss.item(), total.item()])
    out[f"{prefix}_grad_logits"] = f32(lg.grad.numpy())
    out[f"{prefix}_grad_deltas"] = f32(dl.grad.numpy())
    print(
        f"{prefix}: {len(candidates)} candidates, sampled {len(sampler.positives)} fg + "
        f"{len(sampler.negatives)} bg; losses {cls_loss.item():.6f} {box_loss.item():.6f}"
    )


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "Tests/DetectionTests/Fixtures"
    fh, fw = HEIGHT // STRIDE, WIDTH // STRIDE
    a = len(SIZES) * len(RATIOS)
    anc = anchors(fh, fw)
    out = {"anchors": anc, "ground_truth": GT}
    out["ground_truth_classes"] = f32([[c[0], c[-1]] for c in GT_CLASSES])  # first, last
    deltas = cr.values(SEED, "rpn_deltas", (1, 4 * a, fh, fw), 0.0, 1.0)
    out["rpn_deltas"] = deltas
    rpn_case(out, "rpn_tv", cr.values(SEED, "rpn_tv", (1, a, fh, fw), 0.0, 2.0), deltas, anc, False, 256, False, 1 / 9)
    rpn_case(out, "rpn_tf", cr.values(SEED, "rpn_tf", (1, 2 * a, fh, fw), 0.0, 2.0), deltas, anc, True, 64, True, 1.0)
    # Proposals: jittered copies of the ground truth (foreground candidates) and random boxes.
    jitter = cr.values(SEED, "jitter", (24, 4), 0.0, 12.0)
    near = GT[np.arange(24) % len(GT)] + jitter
    u = cr.values(SEED, "random_boxes", (30, 4), 0.5, 0.5)
    x1, y1 = u[:, 0] * WIDTH * 0.8, u[:, 1] * HEIGHT * 0.8
    far = np.stack([x1, y1, x1 + 8 + u[:, 2] * 60, y1 + 8 + u[:, 3] * 50], 1)
    proposals = f32(np.concatenate([near, far]))
    out["proposals"] = proposals
    head_case(out, "head_tv", proposals, True, False, 1 / 9, 32)
    head_case(out, "head_tf", proposals, False, True, 1.0, 32)
    path = os.path.join(folder, "detection_losses.safetensors")
    save_file(out, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
