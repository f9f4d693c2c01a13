#!/usr/bin/env python3
"""ONNX Runtime peer for bench-detector: the same graphs with the same (seeded) weights.

Two steps, two venvs (both outside the repo):
    # 1. export (torch + onnx):  pip install torch torchvision safetensors numpy onnx
    /work/.venv-torch/bin/python tools/bench_detector_onnx.py export /tmp/bench-detector-onnx
    # 2. time (onnxruntime):     pip install numpy onnx onnxruntime
    /work/.venv-ort/bin/python tools/bench_detector_onnx.py run /tmp/bench-detector-onnx --threads 2
        [--repeats 3] [--only keyframe,rpn,context,head_keep_300]   (default: every graph)

Graphs (float32, weights = `detect --random-init`, i.e. DetectorCheckpoint.seededTensors(seed 1) of the
default configuration with 21 classes, rebuilt here by counter_random.parity_tensor with the same names):
  keyframe.onnx     raw image 1x3x320x400 -> ImageNet normalisation -> ResNet-50 layer3 1x1024x20x25
  rpn.onnx          layer3 -> 3x3 conv 512 + ReLU6 -> objectness 1x12x20x25, deltas 1x48x20x25
  context.onnx      raw clip 1x3x20x320x400 -> /255 -> S3D-G (TF-slim layout) Mixed_4e 1x528x5x20x25
  head_keep_R.onnx  ROI tubes Rx528x5x7x7 -> Mixed_4f, MaxPool_5a, Mixed_5b, Mixed_5c -> mean -> FCs (R = 300, 100)
  head_avg_300.onnx time-averaged ROIs 300x528x1x7x7 -> the same
  tail_shared.onnx  Mixed_4e 1x528x5x20x25 -> Mixed_5c once (head D; ROI pooling + FCs are not in the graph)
ROI crop, proposal decoding and NMS are not in the ONNX graphs (Swift-only stages, listed separately).
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SEED = 1
CLASSES = 21


def export(out_dir):
    import torch
    import torch.nn.functional as F
    from torch import nn

    import detector_reference as dref
    import s3dg_reference as ref

    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    # TF-SAME pads from constant sizes: traced size arithmetic would become ONNX integer Div, which
    # truncates toward zero where Python's // floors (ceil(1/2) would give 0).
    same_pads = ref.same_pads
    ref.same_pads = lambda size, kernel, stride: same_pads(int(size), kernel, stride)
    cfg = dict(classes=[f"class{i:02d}" for i in range(1, CLASSES + 1)], input=(320, 400), sizes=[64, 128, 256, 512],
               ratios=[0.5, 1.0, 2.0], hidden=512, pre_nms=6000, proposals=300, tail="perROI", temporal="keep",
               scoring="softmax", score_threshold=0.05, iou_threshold=0.5, max_per_class=100, max_per_frame=100)
    det = dref.Detector(cfg, SEED)
    det.resnet.float().requires_grad_(False)
    det.s3d.float().requires_grad_(False)
    rpn = {k: v.float() for k, v in det.rpn.items()}
    head = {k: v.float() for k, v in det.head.items()}

    class Keyframe(nn.Module):
        def forward(self, image):
            m = torch.tensor(dref.IMAGENET[0]).view(1, 3, 1, 1)
            s = torch.tensor(dref.IMAGENET[1]).view(1, 3, 1, 1)
            r = det.resnet
            x = (image / 255 - m) / s
            x = r.maxpool(r.relu(r.bn1(r.conv1(x))))
            return r.layer3(r.layer2(r.layer1(x)))

    class RPN(nn.Module):
        def forward(self, feature):
            h = torch.clamp(F.conv2d(feature, rpn["conv.weight"], rpn["conv.bias"], padding=1), 0, 6)
            return (F.conv2d(h, rpn["objectness.weight"], rpn["objectness.bias"]),
                    F.conv2d(h, rpn["deltas.weight"], rpn["deltas.bias"]))

    class Context(nn.Module):
        def forward(self, clip):
            x = clip / 255
            for i in range(12):
                x = det.s3d.features[i](x)
            return x

    class Head(nn.Module):
        def forward(self, tubes):
            f = det.tail(tubes).mean((2, 3, 4))
            return F.linear(f, head["classifier.weight"], head["classifier.bias"]), F.linear(
                f, head["boxes.weight"], head["boxes.bias"])

    class SharedTail(nn.Module):
        def forward(self, m4e):
            return det.tail(m4e)

    graphs = [
        ("keyframe", Keyframe(), (1, 3, 320, 400)),
        ("rpn", RPN(), (1, 1024, 20, 25)),
        ("context", Context(), (1, 3, 20, 320, 400)),
        ("head_keep_300", Head(), (300, 528, 5, 7, 7)),
        ("head_keep_100", Head(), (100, 528, 5, 7, 7)),
        ("head_avg_300", Head(), (300, 528, 1, 7, 7)),
        ("tail_shared", SharedTail(), (1, 528, 5, 20, 25)),
    ]
    for name, module, shape in graphs:
        x = torch.rand(shape) * (255 if name in ("keyframe", "context") else 1)
        with torch.no_grad():
            torch.onnx.export(module.eval(), (x,), os.path.join(out_dir, name + ".onnx"), dynamo=False,
                              opset_version=17, input_names=["input"])
        print("exported", name, shape, flush=True)


GRAPHS = ("keyframe", "rpn", "context", "head_keep_300", "head_keep_100", "head_avg_300", "tail_shared")


def run(out_dir, threads, repeats, only=GRAPHS):
    import numpy as np
    import onnxruntime as ort

    results = {}
    for name in (g for g in GRAPHS if g in only):
        path = os.path.join(out_dir, name + ".onnx")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        inp = session.get_inputs()[0]
        x = np.random.default_rng(0).random(inp.shape, dtype=np.float32)
        session.run(None, {inp.name: x})  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            session.run(None, {inp.name: x})
            times.append((time.perf_counter() - start) * 1000)
        results[name] = min(times)
        print(f"{name:16s} {min(times):9.1f} ms (best of {repeats}; median {sorted(times)[len(times) // 2]:.1f})",
              flush=True)
    if all(g in results for g in ("keyframe", "rpn", "context")):
        key = results["keyframe"] + results["rpn"] + results["context"]
        print(f"{'trunks + RPN convs':16s} {key:9.1f} ms")
        for variant in ("head_keep_300", "head_keep_100", "head_avg_300", "tail_shared"):
            if variant in results:
                print(f"total with {variant:14s} {key + results[variant]:9.1f} ms")
    print(json.dumps(results))


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("export", "run"):
        sys.exit(__doc__)
    if sys.argv[1] == "export":
        export(sys.argv[2])
    else:
        threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
        repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
        only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else GRAPHS
        run(sys.argv[2], threads, repeats, only)
