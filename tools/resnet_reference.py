"""A torchvision-named ResNet-50 with a width divisor (the Swift `WidthMultiplier`), stem ... any endpoint.

`ResNet50(width_divisor=d, final="layer3")` has exactly torchvision's tensor names (`conv1.weight`,
`bn1.*`, `layerK.N.convM.weight`, `layerK.N.bnM.*`, `layerK.0.downsample.{0,1}.*`, `fc.*`) and
topology (torchvision's `Bottleneck`, stride on conv2 of the first unit of layer2/3/4, projection
shortcut on the first unit of every layer), with every channel count divided by d: stem 64/d, bottleneck
widths 64/d, 128/d, 256/d, 512/d, outputs 4x width, fc input 2048/d. Only the stages up to `final`
(stem, layer1, layer2, layer3, layer4, logits) are built, so `state_dict()` lists exactly the tensors
that network holds. At d = 1 with final="logits" it is torchvision's resnet50 (`check_against_torchvision`).
Run with the venv described in make_network_fixtures.py.
"""

import torch
import torchvision
from torch import nn
from torchvision.models.resnet import Bottleneck

STAGES = ("stem", "layer1", "layer2", "layer3", "layer4", "logits")
BLOCKS = (3, 4, 6, 3)
WIDTHS = (64, 128, 256, 512)


class ResNet50(nn.Module):
    def __init__(self, width_divisor=1, final="logits", num_classes=1000):
        super().__init__()
        assert width_divisor in (1, 2, 4, 8), width_divisor
        self.final = final
        last = STAGES.index(final)
        stem = 64 // width_divisor
        self.conv1 = nn.Conv2d(3, stem, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        inplanes = stem
        for k in range(min(last, 4)):
            planes = WIDTHS[k] // width_divisor
            stride = 1 if k == 0 else 2
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes * 4))
            blocks = [Bottleneck(inplanes, planes, stride, downsample)]
            inplanes = planes * 4
            blocks += [Bottleneck(inplanes, planes) for _ in range(BLOCKS[k] - 1)]
            setattr(self, f"layer{k + 1}", nn.Sequential(*blocks))
        if final == "logits":
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(inplanes, num_classes)

    def forward(self, x, endpoints=None):
        """The output of `final`; with `endpoints` (a collection of stage names) a dict of those."""
        out = {}
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        out["stem"] = x
        for k in range(1, 5):
            if STAGES.index(self.final) < k:
                break
            x = getattr(self, f"layer{k}")(x)
            out[f"layer{k}"] = x
        if self.final == "logits":
            x = self.fc(torch.flatten(self.avgpool(x), 1))
            out["logits"] = x
        return {k: out[k] for k in endpoints} if endpoints is not None else x


def check_against_torchvision(fill):
    """Asserts that ResNet50(1) filled by `fill` equals torchvision's resnet50 with the same tensors."""
    ours = fill(ResNet50(1, "logits"))
    tv = torchvision.models.resnet50(weights=None)
    assert list(tv.state_dict()) == list(ours.state_dict()), "tensor names differ from torchvision"
    tv.load_state_dict(ours.state_dict())
    tv = tv.eval().double()
    x = torch.linspace(-2, 2, 3 * 64 * 80, dtype=torch.float64).reshape(1, 3, 64, 80).sin()
    with torch.no_grad():
        a, b = tv(x), ours(x)
    err = (a - b).abs().max().item() / a.abs().max().item()
    assert err == 0.0 or err < 1e-13, f"ResNet50(1) differs from torchvision resnet50: {err}"
    return err
