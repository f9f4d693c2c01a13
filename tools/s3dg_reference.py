"""A configurable PyTorch reference of S3D / S3D-G / I3D, with the Swift `Networks.S3DG` tensor names.

Written from ../shared/reference/detector_architecture.md §1.1-1.4 (the TF-slim `s3dg.py` units,
torchvision `s3d.py` layout, HowTo100M port switches); it is the reference for the variants torchvision
lacks (TF-slim S3D-G: self-gating without bias, full 3-D stem, temporal conv with bias, TF SAME
padding). With `TORCHVISION` it loads a torchvision `s3d()` state_dict unchanged and
make_network_fixtures.py checks that both give the same outputs.

Tensor names (torchvision's, extended): `features.N` as in torchvision (N = 0 stem, 1 MaxPool_2a,
2 Conv2d_2b, 3 Conv2d_2c, 4 MaxPool_3a, 5-6 Mixed_3b/c, 7 MaxPool_4a, 8-12 Mixed_4b-f, 13 MaxPool_5a,
14-15 Mixed_5b/c), `classifier.1.{weight,bias}`. A conv unit is `<p>.0.weight` (+ `<p>.0.bias` when it
has a bias instead of BN) and `<p>.1.{weight,bias,running_mean,running_var}` (BN); a separable unit is
`<p>.0.*` (spatial unit) and `<p>.1.*` (temporal unit); a gate is `<p>.gate.weight` [C, C] (y = W x,
PyTorch Linear layout) and `<p>.gate.bias`; gates sit on `features.3` and on `features.N.branchK`.
A full 3-D stem is `features.0.0.weight` [64, 3, t, 7, 7] + `features.0.1.*`. I3D (`separable=False`)
replaces every separable unit by one conv unit `<p>.0.weight` [out, in, 3, 3, 3] + `<p>.1.*`.
`S3DG(cfg, width_divisor=d)` builds the reduced-width network (every channel count / d, as the Swift
`WidthMultiplier`). Run with the venv described in make_network_fixtures.py.
"""

import dataclasses

import torch
import torch.nn.functional as F
from torch import nn

INCEPTION = {  # name: (index, in, b0, b1a, b1b, b2a, b2b, b3b)
    "Mixed_3b": (5, 192, 64, 96, 128, 16, 32, 32),
    "Mixed_3c": (6, 256, 128, 128, 192, 32, 96, 64),
    "Mixed_4b": (8, 480, 192, 96, 208, 16, 48, 64),
    "Mixed_4c": (9, 512, 160, 112, 224, 24, 64, 64),
    "Mixed_4d": (10, 512, 128, 128, 256, 24, 64, 64),
    "Mixed_4e": (11, 512, 112, 144, 288, 32, 64, 64),
    "Mixed_4f": (12, 528, 256, 160, 320, 32, 128, 128),
    "Mixed_5b": (14, 832, 256, 160, 320, 32, 128, 128),
    "Mixed_5c": (15, 832, 384, 192, 384, 48, 128, 128),
}


@dataclasses.dataclass
class Config:
    gating: str = "none"  # none | noBias | withBias
    stem: str = "separable"  # separable (1x7x7 + 7x1x1) | full (t x 7 x 7) | spaceToDepth (4x8x8 s2)
    stem_temporal: int = 7  # t of the full stem
    temporal_unit: str = "batchNorm"  # batchNorm | bias
    padding: str = "symmetric"  # symmetric (torchvision) | tfSame
    bn_epsilon: float = 1e-3
    separable: bool = True  # False: I3D, full 3x3x3 convs in Conv2d_2c and the inception branches
    num_classes: int = 400


TORCHVISION = Config()
TFSLIM_S3DG = Config(gating="noBias", stem="full", stem_temporal=3, temporal_unit="bias", padding="tfSame")
TFSLIM_S3DG_777 = dataclasses.replace(TFSLIM_S3DG, stem_temporal=7)
HOWTO100M = Config(gating="withBias", stem="spaceToDepth", padding="tfSame", bn_epsilon=1e-5)
I3D = Config(stem="full", stem_temporal=7, padding="tfSame", separable=False)


def same_pads(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad3d(x, kernel, stride, pads, value):
    """pads: None for TF SAME (computed from x), else ((tb, ta), (hb, ha), (wb, wa))."""
    if pads is None:
        pads = [same_pads(x.shape[2 + i], kernel[i], stride[i]) for i in range(3)]
    flat = (pads[2][0], pads[2][1], pads[1][0], pads[1][1], pads[0][0], pads[0][1])
    if any(flat):
        x = F.pad(x, flat, value=value)
    return x


class Gate(nn.Module):
    """Self-gating: x * sigmoid(W mean_thw(x) + b)."""

    def __init__(self, channels, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels, channels))
        self.bias = nn.Parameter(torch.zeros(channels)) if bias else None

    def forward(self, x):
        g = torch.sigmoid(F.linear(x.mean(dim=(2, 3, 4)), self.weight, self.bias))
        return x * g[:, :, None, None, None]


class Unit(nn.Module):
    """conv (+BN or +bias) + ReLU, optional gate."""

    def __init__(self, cfg, cin, cout, kernel, stride=(1, 1, 1), bias=False, pads=None):
        super().__init__()
        self.kernel, self.stride = kernel, stride
        if pads is None and cfg.padding == "symmetric":
            pads = tuple((k // 2, k // 2) for k in kernel)
        self.pads = pads  # None => TF SAME
        self.add_module("0", nn.Conv3d(cin, cout, kernel, stride, bias=bias))
        if not bias:
            self.add_module("1", nn.BatchNorm3d(cout, eps=cfg.bn_epsilon))
        self.gate = None

    def forward(self, x):
        x = pad3d(x, self.kernel, self.stride, self.pads, 0.0)
        x = getattr(self, "0")(x)
        if hasattr(self, "1"):
            x = getattr(self, "1")(x)
        x = F.relu(x)
        return self.gate(x) if self.gate is not None else x


class SepUnit(nn.Module):
    """spatial (1,k,k)/(1,s,s) unit then temporal (k,1,1)/(s,1,1) unit, optional gate."""

    def __init__(self, cfg, cin, cout, k, s):
        super().__init__()
        self.add_module("0", Unit(cfg, cin, cout, (1, k, k), (1, s, s)))
        self.add_module("1", Unit(cfg, cout, cout, (k, 1, 1), (s, 1, 1), bias=cfg.temporal_unit == "bias"))
        self.gate = None

    def forward(self, x):
        x = getattr(self, "1")(getattr(self, "0")(x))
        return self.gate(x) if self.gate is not None else x


class MaxPool(nn.Module):
    def __init__(self, cfg, kernel, stride, sym_pads):
        super().__init__()
        self.kernel, self.stride = kernel, stride
        self.pads = None if cfg.padding == "tfSame" else tuple((p, p) for p in sym_pads)

    def forward(self, x):
        x = pad3d(x, self.kernel, self.stride, self.pads, float("-inf"))
        return F.max_pool3d(x, self.kernel, self.stride)


class Branch(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.count = len(modules)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)
        self.gate = None

    def forward(self, x):
        for i in range(self.count):
            x = getattr(self, str(i))(x)
        return self.gate(x) if self.gate is not None else x


def conv3x3(cfg, cin, cout):
    return SepUnit(cfg, cin, cout, 3, 1) if cfg.separable else Unit(cfg, cin, cout, (3, 3, 3))


class Inception(nn.Module):
    def __init__(self, cfg, cin, b0, b1a, b1b, b2a, b2b, b3b):
        super().__init__()
        self.branch0 = Unit(cfg, cin, b0, (1, 1, 1))
        self.branch1 = Branch(Unit(cfg, cin, b1a, (1, 1, 1)), conv3x3(cfg, b1a, b1b))
        self.branch2 = Branch(Unit(cfg, cin, b2a, (1, 1, 1)), conv3x3(cfg, b2a, b2b))
        self.branch3 = Branch(MaxPool(cfg, (3, 3, 3), (1, 1, 1), (1, 1, 1)), Unit(cfg, cin, b3b, (1, 1, 1)))
        if cfg.gating != "none":
            for branch, c in ((self.branch0, b0), (self.branch1, b1b), (self.branch2, b2b), (self.branch3, b3b)):
                branch.gate = Gate(c, cfg.gating == "withBias")

    def forward(self, x):
        return torch.cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)], 1)


class S3DG(nn.Module):
    def __init__(self, cfg: Config, width_divisor: int = 1):
        """width_divisor (1, 2, 4, 8): every channel count c becomes c / width_divisor (stem 64,
        Conv2d_2b 64, Conv2d_2c 192, every inception width, the classifier's 1024 inputs), as the Swift
        `WidthMultiplier`; same topology and tensor names. The 3 input channels and the classes stay."""
        super().__init__()
        self.cfg = cfg
        self.width_divisor = width_divisor

        def c(n):
            assert n % width_divisor == 0, f"{n} channels do not divide by {width_divisor}"
            return n // width_divisor

        if cfg.stem == "separable":
            stem = SepUnit(cfg, 3, c(64), 7, 2)
        elif cfg.stem == "full":
            t = cfg.stem_temporal
            stem = Unit(cfg, 3, c(64), (t, 7, 7), (2, 2, 2))
        else:
            stem = Unit(cfg, 3, c(64), (4, 8, 8), (2, 2, 2), pads=((0, 2), (2, 4), (2, 4)))
        conv2c = conv3x3(cfg, c(64), c(192))
        if cfg.gating != "none":
            conv2c.gate = Gate(c(192), cfg.gating == "withBias")
        layers = [
            stem,
            MaxPool(cfg, (1, 3, 3), (1, 2, 2), (0, 1, 1)),
            Unit(cfg, c(64), c(64), (1, 1, 1)),
            conv2c,
            MaxPool(cfg, (1, 3, 3), (1, 2, 2), (0, 1, 1)),
        ]
        for name, (index, *widths) in INCEPTION.items():
            if index == 8:
                layers.append(MaxPool(cfg, (3, 3, 3), (2, 2, 2), (1, 1, 1)))
            if index == 14:
                layers.append(MaxPool(cfg, (2, 2, 2), (2, 2, 2), (0, 0, 0)))
            layers.append(Inception(cfg, *[c(w) for w in widths]))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.0), nn.Conv3d(c(1024), cfg.num_classes, 1, bias=True))

    def forward(self, x, endpoint="logits"):
        """Returns a dict of endpoint outputs: 'Mixed_4e', 'Mixed_5c' and (if asked) 'logits'."""
        out = {}
        for i, layer in enumerate(self.features):
            x = layer(x)
            if i == 11:
                out["Mixed_4e"] = x
                if endpoint == "Mixed_4e":
                    return out
        out["Mixed_5c"] = x
        if endpoint == "logits":
            out["logits"] = logits_head(x, self.classifier[1])
        return out


def logits_head(x, conv):
    """AvgPool (2,7,7) stride 1 VALID with the kernel clipped to the input (TF-slim's
    `_reduced_kernel_size_for_small_input`; torchvision's AvgPool3d when the input is large enough),
    1x1x1 conv with bias, mean over T, H, W."""
    kernel = [min(k, s) for k, s in zip((2, 7, 7), x.shape[2:])]
    x = F.avg_pool3d(x, kernel, stride=1)
    return conv(x).mean(dim=(2, 3, 4))
