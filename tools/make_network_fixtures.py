#!/usr/bin/env python3
"""Makes the parity fixtures of Tests/NetworksTests/Fixtures (ResNet-50, S3D, S3D-G variants).

How to run (CPU only, ~1 minute; the venv lives outside the repo):
    python3 -m venv /work/.venv-torch
    /work/.venv-torch/bin/pip install torch torchvision safetensors numpy
    /work/.venv-torch/bin/python tools/make_network_fixtures.py Tests/NetworksTests/Fixtures

Weights are not committed: every parameter and BN buffer is regenerated from the counter-based
generator of counter_random.py (seed SEED, stream = the tensor's name, range = parity_range), which
Swift reproduces bit for bit (`Networks.CounterRandom`). The input is the stream "input" (uniform
[-1, 1)) of the same seed; it is committed too, so the Swift tests also check the generator.
References run in float64 on CPU (model.double()) and are stored as float32.

Fixtures (safetensors, float32; `__metadata__` records the configuration, the seed and
`parameters`, one line "<name> <shape>" per tensor the network has, which the Swift tests compare
with the names and shapes their loader asks for):
- resnet50.safetensors: input [1,3,64,80], layer3 [1,1024,4,5], logits [1,1000]
  (torchvision resnet50, eval mode).
- s3d_input.safetensors: input [1,3,8,64,80] shared by the S3D fixtures.
- s3d_<variant>.safetensors: Mixed_4e and logits [1,400] of s3dg_reference.S3DG(<variant config>):
  torchvision (checked here against torchvision's own s3d() on the same weights, whose AvgPool3d is
  given the small-input kernel), tfslim_s3dg (gating without bias, 3x7x7 stem, temporal bias, TF SAME;
  reference written from detector_architecture.md §1.1-1.2, torchvision lacks it), tfslim_s3dg_777
  (7x7x7 stem), howto100m (gating with bias, space-to-depth stem as its 4x8x8 conv, eps 1e-5),
  i3d (inflated Inception-v1: full 3x3x3 convs, 7x7x7 stem, TF SAME).
- resnet50_tfslim_odd: TF-slim resnet_v1_50 strides (torchvision's resnet50 re-strided, see
  tfslim_resnet): layer3_os16 [1,1024,3,4] at output stride 16 and logits of the classification net.
- resnet50_odd / s3d_{torchvision,tfslim_s3dg,i3d}_odd: the same at odd sizes [1,3,45,61] and
  [1,3,7,45,61] (input not stored: the stream "input" of that shape; metadata input_shape).
"""

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import counter_random  # noqa: E402
import s3dg_reference as ref  # noqa: E402

SEED = 20261121
IMAGE_SHAPE = (1, 3, 64, 80)
VIDEO_SHAPE = (1, 3, 8, 64, 80)
ODD_IMAGE_SHAPE = (1, 3, 45, 61)  # odd sizes exercise TF SAME's uneven padding and floor/ceil rules
ODD_VIDEO_SHAPE = (1, 3, 7, 45, 61)
ODD_VARIANTS = ("torchvision", "tfslim_s3dg", "i3d")
VARIANTS = {
    "torchvision": ref.TORCHVISION,
    "tfslim_s3dg": ref.TFSLIM_S3DG,
    "tfslim_s3dg_777": ref.TFSLIM_S3DG_777,
    "howto100m": ref.HOWTO100M,
    "i3d": ref.I3D,
}


def fill(model):
    """Overwrites every parameter and BN buffer from the generator (num_batches_tracked untouched)."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            value = counter_random.parity_tensor(SEED, name, tuple(tensor.shape))
            tensor.copy_(torch.from_numpy(value))
    return model.eval().double()


def parameter_list(model):
    """Metadata 'parameters': one line per tensor, "<name> <d0>,<d1>,..." (num_batches_tracked left out)."""
    return "\n".join(f"{k} {','.join(str(d) for d in v.shape)}" for k, v in model.state_dict().items()
                     if not k.endswith("num_batches_tracked"))


def f32(t):
    return np.ascontiguousarray(t.detach().to(torch.float32).numpy())


def resnet(out_dir, shape=IMAGE_SHAPE, suffix=""):
    model = fill(torchvision.models.resnet50(weights=None))
    x32 = counter_random.values(SEED, "input", shape, 0.0, 1.0)
    x = torch.from_numpy(x32).double()
    with torch.no_grad():
        y = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        layer3 = model.layer3(model.layer2(model.layer1(y)))
        logits = model(x)
    meta = {"seed": str(SEED), "model": "torchvision.models.resnet50", "torch": torch.__version__,
            "parameters": parameter_list(model)}
    tensors = {"layer3": f32(layer3), "logits": f32(logits)}
    if not suffix:
        tensors["input"] = x32
    meta["input_shape"] = ",".join(map(str, shape))
    save_file(tensors, os.path.join(out_dir, f"resnet50{suffix}.safetensors"), metadata=meta)


class SamePool(torch.nn.Module):
    """TF SAME 3x3/2 max pool (-inf padding, smaller half before)."""

    def forward(self, x):
        pads = []
        for size in (x.shape[3], x.shape[2]):
            before, after = ref.same_pads(size, 3, 2)
            pads += [before, after]
        return F.max_pool2d(F.pad(x, pads, value=float("-inf")), 3, 2)


def tfslim_resnet(model, output_stride16):
    """Turns a torchvision resnet50 into TF-slim's resnet_v1_50 with the same tensors
    (detector_architecture.md §2.1, resnet_v1.bottleneck / stack_blocks_dense): stride 2 on conv2 of the
    LAST unit of layer1/2/3 (layer3 unstrided at output stride 16), shortcut of such a unit = 1x1 max
    pool with the stride (`subsample`), projection shortcuts unstrided, max pool TF SAME."""
    model.maxpool = SamePool()
    for layer in (model.layer2, model.layer3, model.layer4):
        layer[0].conv2.stride = (1, 1)
        layer[0].downsample[0].stride = (1, 1)
    strided = (model.layer1, model.layer2) if output_stride16 else (model.layer1, model.layer2, model.layer3)
    for layer in strided:
        layer[-1].conv2.stride = (2, 2)
        layer[-1].downsample = torch.nn.MaxPool2d(1, stride=2)
    return model


def resnet_tfslim(out_dir):
    x32 = counter_random.values(SEED, "input", ODD_IMAGE_SHAPE, 0.0, 1.0)
    x = torch.from_numpy(x32).double()
    os16 = tfslim_resnet(fill(torchvision.models.resnet50(weights=None)), True)
    full = tfslim_resnet(fill(torchvision.models.resnet50(weights=None)), False)
    with torch.no_grad():
        y = os16.maxpool(os16.relu(os16.bn1(os16.conv1(x))))
        layer3 = os16.layer3(os16.layer2(os16.layer1(y)))
        logits = full(x)
    meta = {"seed": str(SEED), "model": "TF-slim resnet_v1_50 (torchvision resnet50 re-strided)",
            "torch": torch.__version__, "parameters": parameter_list(full),
            "input_shape": ",".join(map(str, ODD_IMAGE_SHAPE))}
    save_file({"layer3_os16": f32(layer3), "logits": f32(logits)},
              os.path.join(out_dir, "resnet50_tfslim_odd.safetensors"), metadata=meta)
    print("resnet50 tfslim", tuple(layer3.shape), tuple(logits.shape))


def check_against_torchvision(model, x):
    tv = torchvision.models.video.s3d(weights=None)
    tv.load_state_dict({k: v.float() for k, v in model.state_dict().items()}, strict=False)
    missing = set(tv.state_dict()) - set(model.state_dict())
    assert all(k.endswith("num_batches_tracked") for k in missing), missing
    tv = tv.eval().double()
    with torch.no_grad():
        feats = tv.features(x)
        kernel = [min(k, s) for k, s in zip((2, 7, 7), feats.shape[2:])]
        tv.avgpool = torch.nn.AvgPool3d(kernel, stride=1)
        logits = tv(x)
        ours = model(x)
    err = (logits - ours["logits"]).abs().max().item() / logits.abs().max().item()
    assert err < 1e-12, f"reference differs from torchvision S3D: {err}"
    print(f"torchvision S3D == reference (max rel err {err:.2e})")


def s3d(out_dir, shape=VIDEO_SHAPE, suffix="", names=tuple(VARIANTS)):
    x32 = counter_random.values(SEED, "input", shape, 0.0, 1.0)
    x = torch.from_numpy(x32).double()
    if not suffix:
        save_file({"input": x32}, os.path.join(out_dir, "s3d_input.safetensors"),
                  metadata={"seed": str(SEED), "stream": "input"})
    for name in names:
        cfg = VARIANTS[name]
        torch.manual_seed(0)
        model = fill(ref.S3DG(cfg))
        if name == "torchvision":
            check_against_torchvision(model, x)
        with torch.no_grad():
            out = model(x)
        meta = {k: str(v) for k, v in vars(cfg).items()}
        meta["input_shape"] = ",".join(map(str, shape))
        meta.update(seed=str(SEED), torch=torch.__version__, reference="tools/s3dg_reference.py",
                    parameters=parameter_list(model))
        tensors = {"Mixed_4e": f32(out["Mixed_4e"]), "logits": f32(out["logits"])}
        save_file(tensors, os.path.join(out_dir, f"s3d_{name}{suffix}.safetensors"), metadata=meta)
        print(name, {k: tuple(v.shape) for k, v in tensors.items()})


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "Tests/NetworksTests/Fixtures"
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    resnet(out_dir)
    s3d(out_dir)
    resnet(out_dir, ODD_IMAGE_SHAPE, "_odd")
    s3d(out_dir, ODD_VIDEO_SHAPE, "_odd", ODD_VARIANTS)
    resnet_tfslim(out_dir)


if __name__ == "__main__":
    main()
