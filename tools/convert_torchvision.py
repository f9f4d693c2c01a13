#!/usr/bin/env python3
"""Converts torchvision ResNet-50 / S3D checkpoints (and the HowTo100M S3D-G) to safetensors in the
tensor names of the Swift `Networks` module.

Setup (any machine; the venv lives outside the repo):
    python3 -m venv /work/.venv-torch
    /work/.venv-torch/bin/pip install torch torchvision safetensors numpy

Public weights (needs internet once; torchvision caches them in ~/.cache/torch/hub/checkpoints):
    # torchvision S3D, Kinetics-400 (S3D_Weights.KINETICS400_V1, s3d-d76dad2f.pth, 32 MB):
    /work/.venv-torch/bin/python tools/convert_torchvision.py s3d s3d_kinetics400.safetensors
    # torchvision ResNet-50 (ResNet50_Weights.IMAGENET1K_V1 = resnet50-0676ba61.pth; V2 = resnet50-11ad3fa6.pth):
    /work/.venv-torch/bin/python tools/convert_torchvision.py resnet50 resnet50.safetensors --weights IMAGENET1K_V1
Offline, pass a state_dict file downloaded elsewhere (URLs: https://download.pytorch.org/models/<file>):
    /work/.venv-torch/bin/python tools/convert_torchvision.py s3d out.safetensors --checkpoint s3d-d76dad2f.pth
kylemin/S3D (S3D_kinetics400.pt, Google Drive link in github.com/kylemin/S3D; same network as torchvision's,
input in [-1, 1]): .../convert_torchvision.py kylemin out.safetensors --checkpoint S3D_kinetics400.pt
HowTo100M MIL-NCE S3D-G (s3d_howto100m.pth from github.com/antoine77340/S3D_HowTo100M; video tower only,
its 512-d `fc` is dropped; load with `S3DGConfiguration.howTo100M`):
    /work/.venv-torch/bin/python tools/convert_torchvision.py howto100m out.safetensors --checkpoint s3d_howto100m.pth

Names: torchvision's unchanged (`conv1.weight`, `layer3.5.bn2.running_var`, `features.11.branch1.1.0.0.weight`,
`classifier.1.weight`, ...), without `num_batches_tracked`; a `module.` prefix is stripped. HowTo100M keys are
renamed through ../shared/reference/weight_names/s3dg_key_mapping.tsv, gates become `<p>.gate.{weight,bias}`
and the space-to-depth stem `conv1.conv1.weight` [64, 24, 2, 4, 4] becomes the equivalent plain conv
`features.0.0.weight` [64, 3, 4, 8, 8] (W[o, c, 2kt+dt, 2kh+dh, 2kw+dw] = W_s2d[o, ((dt*2+dh)*2+dw)*3 + c, kt, kh, kw]).
`--self-test` checks the HowTo100M and kylemin renaming and the stem offline. All tensors are written as float32; `__metadata__` holds the architecture, preset, source, and class names.
"""

import argparse
import csv
import os
import sys

import torch
import torchvision
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
MAPPING = os.path.join(HERE, "..", "..", "shared", "reference", "weight_names", "s3dg_key_mapping.tsv")


def strip(state):
    out = {}
    for k, v in state.items():
        k = k[len("module."):] if k.startswith("module.") else k
        if not k.endswith("num_batches_tracked"):
            out[k] = v.detach().to(torch.float32).contiguous()
    return out


def torchvision_state(arch, checkpoint, weights_name):
    builder = {"resnet50": torchvision.models.resnet50, "s3d": torchvision.models.video.s3d}[arch]
    enum = {"resnet50": torchvision.models.ResNet50_Weights, "s3d": torchvision.models.video.S3D_Weights}[arch]
    if checkpoint:
        model = builder(weights=None)
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
        state = state.get("state_dict", state)
        model.load_state_dict({k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()})
        weights = None
    else:
        weights = enum[weights_name or "DEFAULT"]
        model = builder(weights=weights)
    meta = {"architecture": arch, "source": checkpoint or f"torchvision {enum.__name__}.{weights.name}"}
    if weights is not None and "categories" in weights.meta:
        meta["classes"] = "\n".join(weights.meta["categories"])
    meta["preset"] = "torchvision"
    meta["input_normalization"] = "imageNet" if arch == "resnet50" else "kineticsTorchvision"
    return strip(model.state_dict()), meta


def kylemin_state(checkpoint):
    """kylemin/S3D `S3D_kinetics400.pt`: same network as torchvision's, renamed 1:1 by the mapping table."""
    state = strip(torch.load(checkpoint, map_location="cpu", weights_only=True))
    with open(MAPPING) as f:
        rename = {row["kylemin_key"]: row["torchvision_key"] for row in csv.DictReader(f, delimiter="\t")
                  if row["kylemin_key"] != "-" and row["torchvision_key"] != "-"}
    unknown = sorted(set(state) - set(rename))
    if unknown:
        raise SystemExit(f"convert: no name for kylemin key(s) {unknown[:5]}")
    meta = {"architecture": "s3d", "preset": "torchvision", "source": checkpoint,
            "input_normalization": "symmetricUnit"}
    return {rename[k]: v for k, v in state.items()}, meta


def howto100m_state(checkpoint):
    state = strip(torch.load(checkpoint, map_location="cpu", weights_only=True))
    rename = {}
    with open(MAPPING) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["howto100m_key"] != "-" and row["torchvision_key"] != "-":
                rename[row["howto100m_key"]] = row["torchvision_key"]
    out = {}
    for k, v in state.items():
        if k.startswith("text_module.") or k.startswith("fc."):
            continue
        if k == "conv1.conv1.weight":  # space-to-depth stem -> equivalent 4x8x8 conv
            o = v.shape[0]
            w = torch.zeros(o, 3, 4, 8, 8)
            for dt in range(2):
                for dh in range(2):
                    for dw in range(2):
                        for c in range(3):
                            w[:, c, dt::2, dh::2, dw::2] = v[:, ((dt * 2 + dh) * 2 + dw) * 3 + c]
            out["features.0.0.weight"] = w
        elif k.startswith("conv1.bn1."):
            out["features.0.1." + k.split(".")[-1]] = v
        elif k in rename:
            out[rename[k]] = v
        elif ".fc." in k or k.startswith("gating.fc"):  # gates: <scope>.gating[_bK].fc.{weight,bias}
            out[gate_name(k)] = v
        else:
            raise SystemExit(f"convert: no name for HowTo100M key '{k}' {tuple(v.shape)}")
    meta = {"architecture": "s3dg", "preset": "howTo100M", "source": checkpoint, "input_normalization": "unitRange"}
    return out, meta


BLOCKS = {"mixed_3b": 5, "mixed_3c": 6, "mixed_4b": 8, "mixed_4c": 9, "mixed_4d": 10, "mixed_4e": 11,
          "mixed_4f": 12, "mixed_5b": 14, "mixed_5c": 15}


def gate_name(key):
    parts = key.split(".")  # gating.fc.weight | mixed_4e.gating_b1.fc.weight
    if parts[0] == "gating":
        return "features.3.gate." + parts[-1]
    branch = parts[1][len("gating_b"):]
    return f"features.{BLOCKS[parts[0]]}.branch{branch}.gate.{parts[-1]}"


def self_test():
    """Offline checks: a fake HowTo100M checkpoint built from the key dump converts to exactly the names
    and shapes of s3dg_reference.S3DG(HOWTO100M), and the converted stem equals the space-to-depth stem."""
    import tempfile

    import torch.nn.functional as F

    sys.path.insert(0, HERE)
    import s3dg_reference as ref

    torch.manual_seed(0)
    dump = os.path.join(os.path.dirname(MAPPING), "howto100m_s3dg_state_dict_keys.tsv")
    state = {}
    with open(dump) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            shape = [int(x) for x in row["shape"].strip("[]").split(",") if x.strip()]
            state[row["key"]] = torch.randn(shape) if shape else torch.tensor(0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "howto.pth")
        torch.save(state, path)
        out, _ = howto100m_state(path)
    model = ref.S3DG(ref.HOWTO100M)
    want = {k: tuple(v.shape) for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked") and not k.startswith("classifier.")}
    got = {k: tuple(v.shape) for k, v in out.items()}
    assert want == got, (sorted(set(want) ^ set(got))[:5], [k for k in want if want[k] != got.get(k)][:5])
    kylemin = {}
    with open(os.path.join(os.path.dirname(MAPPING), "kylemin_s3d_state_dict_keys.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            shape = [int(x) for x in row["shape"].strip("[]").split(",") if x.strip()]
            kylemin["module." + row["key"]] = torch.randn(shape) if shape else torch.tensor(0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "kylemin.pt")
        torch.save(kylemin, path)
        renamed, _ = kylemin_state(path)
    tv = {k: tuple(v.shape) for k, v in torchvision.models.video.s3d().state_dict().items()
          if not k.endswith("num_batches_tracked")}
    assert tv == {k: tuple(v.shape) for k, v in renamed.items()}, "kylemin renaming"
    x = torch.randn(1, 3, 8, 32, 40, dtype=torch.float64)
    w = state["conv1.conv1.weight"].double()
    b, c, t, h, wd = x.shape
    s2d = x.view(b, c, t // 2, 2, h // 2, 2, wd // 2, 2).permute(0, 3, 5, 7, 1, 2, 4, 6)
    s2d = s2d.contiguous().view(b, 8 * c, t // 2, h // 2, wd // 2)
    y1 = F.conv3d(s2d, w, padding=(1, 2, 2))[:, :, 1:, 1:, 1:]
    y2 = F.conv3d(F.pad(x, (2, 4, 2, 4, 0, 2)), out["features.0.0.weight"].double(), stride=2)
    err = (y1 - y2).abs().max().item()
    assert err < 1e-9, err
    print(f"self-test passed: {len(got)} HowTo100M tensors named and shaped as the reference; stem diff {err:.1e}; "
          f"{len(renamed)} kylemin tensors renamed to torchvision's")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("arch", choices=["resnet50", "s3d", "kylemin", "howto100m"])
    p.add_argument("output")
    p.add_argument("--checkpoint", help="a local .pth state_dict instead of torchvision's download")
    p.add_argument("--weights", help="torchvision weights enum member (default DEFAULT)")
    a = p.parse_args()
    if a.arch in ("howto100m", "kylemin"):
        if not a.checkpoint:
            sys.exit(f"convert: {a.arch} needs --checkpoint FILE")
        tensors, meta = (howto100m_state if a.arch == "howto100m" else kylemin_state)(a.checkpoint)
    else:
        tensors, meta = torchvision_state(a.arch, a.checkpoint, a.weights)
    tmp = a.output + ".partial"
    save_file(tensors, tmp, metadata=meta)
    os.replace(tmp, a.output)
    print(f"wrote {a.output}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values()):,} values")


if __name__ == "__main__":
    main()
