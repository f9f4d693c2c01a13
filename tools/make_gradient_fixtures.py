#!/usr/bin/env python3
"""Makes the backward-pass (gradient) fixtures: reduced-width networks and single layers.

How to run (CPU only, ~2 minutes; the venv lives outside the repo; needs `ffmpeg` on PATH):
    python3 -m venv /work/.venv-torch
    /work/.venv-torch/bin/pip install torch torchvision safetensors numpy
    /work/.venv-torch/bin/python tools/make_gradient_fixtures.py \
        Tests/NetworksTests/Fixtures/gradients Tests/NetworksTests/Fixtures
(the two arguments are optional and default to these folders; run from the repository root).

Every reference runs in float64 with autograd (model.double(), CPU) and is stored as float32. The loss
of every network fixture and of every layer fixture that is not itself a loss is
    L = sum(output * output_gradient)
so each stored `grad.*` is dL/d(that tensor) = the backward pass given `output_gradient` as dy.

Weights are not committed: every parameter and BN buffer (running_mean, running_var) is
    counter_random.parity_tensor(SEED = 20261121, <tensor name>, <shape at this width>)
i.e. counter_random.values(SEED, name, shape, center, half_width) with (center, half_width) =
counter_random.parity_range(name, shape): running_var 1 +- 0.5, running_mean 0 +- 0.2, rank-1 `weight`
(BN gamma) 1 +- 0.5, rank-1 `bias` (BN beta, conv/temporal bias, gate bias) 0 +- 0.2, rank >= 2
(conv, gate) 0 +- float32(sqrt(6 / fan_in)) with fan_in = prod(shape[1:]) of the REDUCED shape. Swift
regenerates them bit for bit with `CounterRandom(seed:).values(name, count:, center:, halfWidth:)`
(Tests/NetworksTests/ParityFixtures.weights(for:) does exactly this from the `parameters` metadata).
`output_gradient` of a network fixture is counter_random.values(SEED, "output_gradient", shape) (uniform
[-1, 1)); it is stored too.

Network inputs are real video frames: ffmpeg decodes VIDEO (a UCF-24 clip in ../shared/data/videos)
as rgb24, scaled with `scale=W0:H:flags=area` (W0 = round(340 * H / 256), the clip is 340x256) and
centre-cropped to W (`crop=W:H`, ffmpeg's default centre offset); frame k of a clip is decoded frame
FIRST_FRAME + k * FRAME_STEP (40, 42, ..., 54), image n of a batch is frame FIRST_FRAME + n *
IMAGE_BATCH_STEP (40, 80) (metadata `frames`, 0-based decode order); the 0...255 values are
normalised as the preset does, (x / 255 - mean[c]) / std[c] in float64 (InputNormalization), and
stored as float32; the reference then runs on that float32 input. Images are [N, 3, H, W], clips [N, 3, T, H, W].

Network fixtures (Tests/NetworksTests/Fixtures/gradients, width divisor 8, batch 1 unless said):
- resnet50_w8_frozen_layer4: torchvision ResNet-50 stem...layer4 (no fc), input [1,3,64,80] (imageNet
  normalisation), output [1,256,2,3], BN frozen.
- resnet50_w8_train_layer3: stem...layer3, input [2,3,48,64] (two frames), output [2,128,3,4], BN training.
- s3d_torchvision_w8_frozen_mixed_5c: torchvision S3D features...Mixed_5c (kineticsTorchvision),
  [1,3,8,64,64] -> [1,128,1,2,2], BN frozen.
- s3d_torchvision_w8_train_mixed_4e: features...Mixed_4e, [1,3,8,64,64] -> [1,66,2,4,4], BN training.
- s3d_tfslim_s3dg_w8_frozen_mixed_5c: TF-slim S3D-G (gating without bias, 3x7x7 stem, temporal conv with
  bias, TF SAME; unitRange), [1,3,8,48,64] -> [1,128,1,2,2], BN frozen.
- s3d_howto100m_w8_frozen_mixed_4e (gating with bias, space-to-depth stem as a 4x8x8/2 conv, eps 1e-5;
  unitRange) and s3d_i3d_w8_frozen_mixed_4e (full 3x3x3 units, 7x7x7 stem; symmetricUnit):
  [1,3,8,32,32] -> [1,66,2,2,2], BN frozen.
Tensors: `input`, `output`, `output_gradient`, `grad.input`, `grad.<name>` for every trainable parameter
(<name> = torchvision / s3dg_reference name). BN frozen = eval mode with a FIXED affine (like
torchvision's FrozenBatchNorm2d): y = (x - running_mean) / sqrt(running_var + eps) * gamma + beta, and
gamma/beta get NO gradient (no grad.* for them). BN training = batch statistics over (N, [T,] H, W)
with the biased variance in the normalisation; gamma/beta get gradients; `running_mean.<bn prefix>`
and `running_var.<bn prefix>` hold the buffers after that one forward with momentum 0.1:
running_mean = 0.9 * running_mean + 0.1 * batch_mean, running_var = 0.9 * running_var + 0.1 *
batch_var_unbiased (n / (n - 1) times the biased variance, n = N*[T*]H*W), PyTorch's rule.
Metadata: configuration, width_divisor, bn_mode, bn_momentum, epsilon, seed, endpoint, input_shape,
input_normalization (the Swift InputNormalization.named key; input_mean, input_std its values), video,
frames, loss, torch, parameters (one line "<name> <d0>,<d1>,..." per tensor the network holds, BN
buffers included, num_batches_tracked left out), trainable (the same format, the tensors that have a
grad.*), model, and for S3D s3dg_config (tools/s3dg_reference.Config as
JSON; `configuration` is the Swift S3DGConfiguration preset name).

Max-pool ties: S3D's max pools see equal values copied from one source element (MaxPool_3a's outputs
in Mixed_3b's branch 3, and stride-1 windows spanning the whole short T axis); every network fixture is
recomputed with max pools that share dy among tied maxima, and the stored gradients must agree with
PyTorch's first-index rule to 1e-9 (they agree to ~4e-15), so any tie rule is correct for them.

Layer fixtures: Tests/NetworksTests/Fixtures/layer_gradients.safetensors, one file, tensors prefixed
`<case>.`; metadata `cases` is a JSON object {case: {"op", hyper-parameters, "formula", "shapes"}},
`notes` the conventions (LAYER_NOTES below); the file's writer is byte-for-byte reproducible.
"""

import copy
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import counter_random as cr  # noqa: E402
import resnet_reference  # noqa: E402
import s3dg_reference as ref  # noqa: E402

SEED = 20261121
VIDEO = "ucf24_v_Biking_g01_c01.mp4"
VIDEO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "videos")
FIRST_FRAME = 40
FRAME_STEP = 2  # clips: frames 40, 42, ..., 54; the training-mode ResNet batch: frames 40 and 80
IMAGE_BATCH_STEP = 40
MOMENTUM = 0.1
WIDTH = 8

NORMALIZATION = {  # name (Swift InputNormalization.named): (mean, std) on the 0...1 scale
    "imageNet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    "kineticsTorchvision": ((0.43216, 0.394666, 0.37645), (0.22803, 0.22145, 0.216989)),
    "unitRange": ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)),
    "symmetricUnit": ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
}
S3D_PRESETS = {  # fixture name: (s3dg_reference config, Swift configuration name, normalisation)
    "torchvision": (ref.TORCHVISION, "torchvision", "kineticsTorchvision"),
    "tfslim_s3dg": (ref.TFSLIM_S3DG, "tfSlimS3DG", "unitRange"),
    "howto100m": (ref.HOWTO100M, "howTo100M", "unitRange"),
    "i3d": (ref.I3D, "i3d", "symmetricUnit"),
}


# ---------------------------------------------------------------------------------------- helpers

def f32(t):
    return np.ascontiguousarray(t.detach().to(torch.float32).numpy())


def shape_text(shape):
    return ",".join(str(d) for d in shape)


def fill(model):
    """Every parameter and BN buffer from the generator (num_batches_tracked untouched), float64."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            tensor.copy_(torch.from_numpy(cr.parity_tensor(SEED, name, tuple(tensor.shape))))
    return model.double()


def parameter_list(model):
    return "\n".join(f"{k} {shape_text(v.shape)}" for k, v in model.state_dict().items()
                     if not k.endswith("num_batches_tracked"))


def decode_frames(height, width, indices):
    """uint8 [len(indices), height, width, 3] of VIDEO, scaled to height (area) and centre-cropped."""
    scaled = round(340 * height / 256)
    path = os.path.join(VIDEO_DIR, VIDEO)
    cmd = ["ffmpeg", "-v", "error", "-i", path, "-vf", f"scale={scaled}:{height}:flags=area,crop={width}:{height}",
           "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 3)
    return frames[list(indices)]


def normalise(frames, name):
    """uint8 [..., 3] -> float32 (x / 255 - mean) / std, computed in float64, channels moved to axis 1
    of the caller's layout (done by the caller)."""
    mean, std = (np.array(v, dtype=np.float64) for v in NORMALIZATION[name])
    return ((frames.astype(np.float64) / 255 - mean) / std).astype(np.float32)


def image_input(shape, norm):
    n, _, h, w = shape
    indices = [FIRST_FRAME + i * IMAGE_BATCH_STEP for i in range(n)]
    x = normalise(decode_frames(h, w, indices), norm)  # [n, h, w, 3]
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)), indices


def clip_input(shape, norm):
    n, _, t, h, w = shape
    assert n == 1
    indices = [FIRST_FRAME + i * FRAME_STEP for i in range(t)]
    x = normalise(decode_frames(h, w, indices), norm)  # [t, h, w, 3]
    return np.ascontiguousarray(x.transpose(3, 0, 1, 2)[None]), indices


class TieCounter:
    """Counts max-pool windows whose two largest values are equal and positive (the gradient's route
    would then depend on the tie rule); hooks every max pool of a model."""

    def __init__(self):
        self.windows = 0
        self.ties = 0

    def count(self, padded, kernel, stride):
        x = padded
        for d, (k, s) in enumerate(zip(kernel, stride)):
            x = x.unfold(2 + d, k, s)
        x = x.flatten(-len(kernel))
        top = x.topk(2, dim=-1).values
        close = (top[..., 0] - top[..., 1]).abs() <= 1e-12 * top[..., 0].abs()
        self.windows += top[..., 0].numel()
        self.ties += int((close & (top[..., 0] > 0)).sum())

    def attach(self, model):
        for module in model.modules():
            if isinstance(module, ref.MaxPool):
                module.register_forward_hook(self._s3d_hook)
            elif isinstance(module, torch.nn.MaxPool2d):
                module.register_forward_hook(self._resnet_hook)

    def _s3d_hook(self, module, args, _):
        x = ref.pad3d(args[0].detach(), module.kernel, module.stride, module.pads, float("-inf"))
        self.count(x, module.kernel, module.stride)

    def _resnet_hook(self, module, args, _):
        p, k, s = module.padding, module.kernel_size, module.stride
        x = F.pad(args[0].detach(), (p, p, p, p), value=float("-inf"))
        self.count(x, (k, k), (s, s))


def split_max_pool(padded, kernel, stride):
    """A max pool whose backward shares dy equally among the tied maxima of a window (forward: the max;
    PyTorch's own gives all of it to the first). Used only to show that ties do not change the result."""
    x = padded
    for d, (k, s) in enumerate(zip(kernel, stride)):
        x = x.unfold(2 + d, k, s)
    x = x.flatten(-len(kernel))
    top = x.amax(-1, keepdim=True)
    mask = x == top
    share = mask.to(x.dtype) / mask.sum(-1, keepdim=True).to(x.dtype)
    return (torch.where(mask, x, torch.zeros_like(x)) * share).sum(-1)  # no -inf * 0


def use_split_max_pools(model):
    for module in model.modules():
        if isinstance(module, ref.MaxPool):
            module.forward = lambda x, m=module: split_max_pool(
                ref.pad3d(x, m.kernel, m.stride, m.pads, float("-inf")), m.kernel, m.stride)
        elif isinstance(module, torch.nn.MaxPool2d):
            module.forward = lambda x, m=module: split_max_pool(
                F.pad(x, (m.padding,) * 4, value=float("-inf")), (m.kernel_size,) * 2, (m.stride,) * 2)
    return model


def run_network(model, x32, endpoint_fn, bn_mode):
    """Forward + backward of L = sum(output * dy); returns (tensors, trainable names).

    Max pools after max pools (S3D's MaxPool_3a -> Mixed_3b branch3, and small maps where stride-1
    windows cover the whole T axis) see equal values copied from one source element; the gradient
    reaching the network's input and parameters is then the same whichever copy a max pool picks.
    The second run checks that: every max pool shares dy among tied maxima instead, and every stored
    gradient must agree (relative 1e-9)."""
    bns = {n: m for n, m in model.named_modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)}
    if bn_mode == "frozen":
        model.eval()
        for m in bns.values():
            for p in m.parameters():
                p.requires_grad_(False)
    else:
        model.train()
        for m in bns.values():
            m.momentum = MOMENTUM
    twin = use_split_max_pools(copy.deepcopy(model))
    ties = TieCounter()
    ties.attach(model)
    x = torch.from_numpy(x32).double().requires_grad_(True)
    y = endpoint_fn(model, x)
    dy32 = cr.values(SEED, "output_gradient", tuple(y.shape))
    loss = (y * torch.from_numpy(dy32).double()).sum()
    loss.backward()
    tensors = {"input": x32, "output": f32(y), "output_gradient": dy32, "grad.input": f32(x.grad)}
    trainable = []
    for name, p in model.named_parameters():
        if p.requires_grad:
            assert p.grad is not None, name
            tensors[f"grad.{name}"] = f32(p.grad)
            trainable.append(f"{name} {shape_text(p.shape)}")
    if bn_mode == "training":
        for name, m in bns.items():
            tensors[f"running_mean.{name}"] = f32(m.running_mean)
            tensors[f"running_var.{name}"] = f32(m.running_var)
    worst = 0.0
    if ties.ties:
        x2 = torch.from_numpy(x32).double().requires_grad_(True)
        y2 = endpoint_fn(twin, x2)
        (y2 * torch.from_numpy(dy32).double()).sum().backward()
        grads = {"input": x2.grad, **{n: q.grad for n, q in twin.named_parameters() if q.requires_grad}}
        for n, g in grads.items():
            ours = (x if n == "input" else dict(model.named_parameters())[n]).grad
            worst = max(worst, ((g - ours).abs().max() / ours.abs().max().clamp_min(1e-30)).item())
        assert (y2 - y).abs().max().item() <= 1e-12 * y.abs().max().item()
    print(f"  max-pool windows {ties.windows}, positive ties {ties.ties}; tie rule changes a gradient by "
          f"{worst:.1e} (relative)")
    assert worst < 1e-9, "tied maxima of different sources: pick other frames"
    return tensors, trainable


def save_file(tensors, path, metadata):
    """safetensors, byte-for-byte reproducible (the library writes the metadata in hash order): header
    JSON with sorted keys, space-padded to a multiple of 8, tensors in name order, little-endian F32."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        assert tensors[name].dtype == np.float32, name
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))
    os.chmod(path + ".tmp", 0o644)
    os.replace(path + ".tmp", path)


def save(path, tensors, meta):
    save_file(tensors, path, metadata=meta)
    back = load_file(path)
    assert back.keys() == tensors.keys() and all(np.array_equal(back[k], tensors[k]) for k in tensors)
    print(f"  {os.path.basename(path)}: {os.path.getsize(path) / 1e6:.3f} MB, "
          f"output {tensors['output'].shape}, {sum(k.startswith('grad.') for k in tensors) - 1} parameter grads")


# ---------------------------------------------------------------------------------------- networks

def resnet_fixture(out_dir, name, shape, final, bn_mode):
    model = fill(resnet_reference.ResNet50(WIDTH, final))
    x32, frames = image_input(shape, "imageNet")
    tensors, trainable = run_network(model, x32, lambda m, x: m(x), bn_mode)
    mean, std = NORMALIZATION["imageNet"]
    meta = {
        "configuration": "resnet50_torchvision", "model": "torchvision resnet50 (tools/resnet_reference.py)",
        "width_divisor": str(WIDTH), "bn_mode": bn_mode, "bn_momentum": str(MOMENTUM), "epsilon": "1e-05",
        "seed": str(SEED), "endpoint": final, "input_shape": shape_text(shape),
        "input_normalization": "imageNet", "input_mean": json.dumps(mean), "input_std": json.dumps(std),
        "video": VIDEO, "frames": json.dumps(frames), "loss": "sum(output * output_gradient)",
        "torch": torch.__version__, "parameters": parameter_list(model), "trainable": "\n".join(trainable),
    }
    save(os.path.join(out_dir, f"{name}.safetensors"), tensors, meta)


def s3d_fixture(out_dir, preset, shape, endpoint, bn_mode):
    cfg, swift_name, norm = S3D_PRESETS[preset]
    model = fill(ref.S3DG(cfg, WIDTH))
    # the network ends at `endpoint`: drop the later stages so `parameters` lists what it holds
    last = 11 if endpoint == "Mixed_4e" else 15
    model.features = torch.nn.Sequential(*list(model.features)[: last + 1])
    del model.classifier
    x32, frames = clip_input(shape, norm)
    tensors, trainable = run_network(model, x32, lambda m, x: m(x, endpoint)[endpoint], bn_mode)
    mean, std = NORMALIZATION[norm]
    name = f"s3d_{preset}_w{WIDTH}_{bn_mode if bn_mode == 'frozen' else 'train'}_{endpoint.lower()}"
    meta = {
        "configuration": swift_name, "s3dg_config": json.dumps(vars(cfg), sort_keys=True),
        "model": "tools/s3dg_reference.py S3DG", "width_divisor": str(WIDTH), "bn_mode": bn_mode,
        "bn_momentum": str(MOMENTUM), "epsilon": repr(cfg.bn_epsilon), "seed": str(SEED), "endpoint": endpoint,
        "input_shape": shape_text(shape), "input_normalization": norm, "input_mean": json.dumps(mean),
        "input_std": json.dumps(std), "video": VIDEO, "frames": json.dumps(frames),
        "loss": "sum(output * output_gradient)", "torch": torch.__version__,
        "parameters": parameter_list(model), "trainable": "\n".join(trainable),
    }
    save(os.path.join(out_dir, f"{name}.safetensors"), tensors, meta)


def check_widths():
    """Divisor 1 = torchvision (values for ResNet; names and shapes for S3D, whose values
    make_network_fixtures.py checks); divisor 8 = every channel count / 8."""
    import torchvision
    err = resnet_reference.check_against_torchvision(lambda m: fill(m).eval())
    print(f"ResNet50(width 1) == torchvision resnet50 (max rel err {err:.1e})")
    tv = torchvision.models.video.s3d(weights=None).state_dict()
    ours = ref.S3DG(ref.TORCHVISION).state_dict()
    assert {k: v.shape for k, v in tv.items()} == {k: v.shape for k, v in ours.items()}
    full = resnet_reference.ResNet50(1, "logits").state_dict()
    for d in (2, 4, 8):
        small = resnet_reference.ResNet50(d, "logits").state_dict()
        assert list(small) == list(full)
        for k, v in small.items():
            w = full[k].shape
            if k == "fc.weight":
                assert v.shape == (1000, w[1] // d)
            elif k in ("fc.bias",) or k.endswith("num_batches_tracked"):
                assert v.shape == w
            elif k == "conv1.weight":
                assert v.shape == (w[0] // d, 3) + w[2:]
            else:
                assert v.shape[0] == w[0] // d and (len(w) == 1 or v.shape[1] == w[1] // d), k
        for cfg in (ref.TORCHVISION, ref.TFSLIM_S3DG, ref.HOWTO100M, ref.I3D):
            a, b = ref.S3DG(cfg).state_dict(), ref.S3DG(cfg, d).state_dict()
            assert list(a) == list(b)
            for k, v in b.items():
                w = a[k].shape
                if k.endswith("num_batches_tracked"):
                    continue
                if k.startswith("classifier"):
                    assert v.shape == ((w[0], w[1] // d) + w[2:] if v.dim() > 1 else w), k
                elif k in ("features.0.0.weight", "features.0.0.0.weight"):
                    assert v.shape == (w[0] // d, 3) + w[2:], k
                else:
                    assert v.shape[0] == w[0] // d and (len(w) == 1 or v.shape[1] == w[1] // d), k
    print("width divisors 2, 4, 8: every channel count divided, names unchanged")


def networks(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    check_widths()
    print("resnet50 frozen, layer4")
    resnet_fixture(out_dir, f"resnet50_w{WIDTH}_frozen_layer4", (1, 3, 64, 80), "layer4", "frozen")
    print("resnet50 training BN, layer3")
    resnet_fixture(out_dir, f"resnet50_w{WIDTH}_train_layer3", (2, 3, 48, 64), "layer3", "training")
    for preset, shape, endpoint, mode in (
            ("torchvision", (1, 3, 8, 64, 64), "Mixed_5c", "frozen"),
            ("torchvision", (1, 3, 8, 64, 64), "Mixed_4e", "training"),
            ("tfslim_s3dg", (1, 3, 8, 48, 64), "Mixed_5c", "frozen"),
            ("howto100m", (1, 3, 8, 32, 32), "Mixed_4e", "frozen"),
            ("i3d", (1, 3, 8, 32, 32), "Mixed_4e", "frozen")):
        print(f"s3d {preset} {mode}, {endpoint}")
        s3d_fixture(out_dir, preset, shape, endpoint, mode)


# ---------------------------------------------------------------------------------------- layers

LAYER_NOTES = """Every case stores `<case>.input`, `<case>.output`, `<case>.output_gradient` (dy), `<case>.grad.input`
and, where the case has them, its parameters `<case>.<param>` and their gradients `<case>.grad.<param>`.
Non-loss cases: L = sum(output * output_gradient), dy = counter_random.values(SEED, "<case>.output_gradient",
shape). Loss cases (op *_loss): output is the scalar loss stored with shape [1], output_gradient = [1.0],
L = that loss. Inputs are counter_random streams "<case>.<tensor>" (uniform [-1,1) unless the case says),
parameters counter_random.parity_tensor(SEED, "<case>.<param>", shape). Reference in float64, stored float32.
Convolution weights [out, in, k...], inputs NCHW / NCTHW. TF SAME: per axis out = ceil(in / stride),
total = max((out - 1) * stride + k - in, 0), before = total // 2, after = total - before (zeros for
convolutions, -inf for max pools). Symmetric pads: PyTorch's `padding` (pad on both sides)."""


def distinct(name, shape, low=-1.0, high=1.0):
    """Values low...high, all distinct and evenly spaced (a seeded permutation): no max-pool ties."""
    n = int(np.prod(shape))
    order = np.argsort(cr.unit(SEED, name, n), kind="stable")
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    return (low + (high - low) * ranks / max(n - 1, 1)).astype(np.float32).reshape(shape)


def away_from(name, shape, points, margin, low, high):
    """Uniform values in [low, high) moved at least `margin` away from each kink in `points`."""
    x = cr.values(SEED, name, shape, (low + high) / 2, (high - low) / 2).astype(np.float64)
    for p in points:
        near = np.abs(x - p) < margin
        x = np.where(near, np.where(x >= p, p + margin, p - margin), x)
    return x.astype(np.float32)


class LayerCases:
    def __init__(self):
        self.tensors = {}
        self.cases = {}

    def run(self, case, spec, fn, inputs, params=(), loss=False, extra=None):
        """inputs/params: {name: float32 array}; fn(**float64 tensors) -> output (or (output, extras))."""
        for name, v in list(inputs.items()) + list(params):
            self.tensors[f"{case}.{name}"] = v
        leaves = {}
        for name, v in inputs.items():
            leaves[name] = torch.from_numpy(v).double().requires_grad_(name in spec.get("differentiable", ["input"]))
        for name, v in params:
            leaves[name] = torch.from_numpy(v).double().requires_grad_(True)
        result = fn(**leaves)
        y, extras = result if isinstance(result, tuple) else (result, {})
        if loss:
            y = y.reshape(1)
            dy32 = np.ones(1, dtype=np.float32)
        else:
            dy32 = cr.values(SEED, f"{case}.output_gradient", tuple(y.shape))
        (y * torch.from_numpy(dy32).double()).sum().backward()
        self.tensors[f"{case}.output"] = f32(y)
        self.tensors[f"{case}.output_gradient"] = dy32
        for name, leaf in leaves.items():
            if leaf.requires_grad:
                self.tensors[f"{case}.grad.{name}"] = f32(leaf.grad)
        for name, v in extras.items():
            self.tensors[f"{case}.{name}"] = f32(v)
        spec = dict(spec)
        spec["shapes"] = {k[len(case) + 1:]: list(v.shape) for k, v in self.tensors.items() if k.startswith(case + ".")}
        self.cases[case] = spec


def same_pads(shape, kernel, stride):
    return [ref.same_pads(s, k, st) for s, k, st in zip(shape, kernel, stride)]


def pad_same(x, kernel, stride, value):
    pads = same_pads(x.shape[2:], kernel, stride)
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return F.pad(x, flat, value=value)


def layers(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    L = LayerCases()
    u = lambda name, shape: cr.values(SEED, name, shape)  # noqa: E731
    p = lambda case, name, shape: (name, cr.parity_tensor(SEED, f"{case}.{name}", shape))  # noqa: E731

    # --- convolutions (bias included; the convolution is cross-correlation, as PyTorch's)
    for case, xs, ws, stride, padding in (
            ("conv2d_7x7_s2_p3", (2, 3, 11, 13), (4, 3, 7, 7), (2, 2), (3, 3)),
            ("conv2d_3x3_s2_p1", (1, 4, 9, 10), (5, 4, 3, 3), (2, 2), (1, 1))):
        L.run(case, {"op": "conv2d", "stride": list(stride), "padding": list(padding),
                     "formula": "F.conv2d(input, weight, bias, stride, padding)"},
              lambda input, weight, bias, s=stride, q=padding: F.conv2d(input, weight, bias, s, q),
              {"input": u(f"{case}.input", xs)}, [p(case, "weight", ws), p(case, "bias", ws[:1])])
    for case, xs, ws, stride, padding in (
            ("conv3d_1x3x3_s122_same", (2, 3, 4, 9, 10), (4, 3, 1, 3, 3), (1, 2, 2), "same"),
            ("conv3d_3x1x1_s211_same", (2, 4, 6, 3, 3), (5, 4, 3, 1, 1), (2, 1, 1), "same"),
            ("conv3d_1x1x1", (2, 5, 3, 4, 4), (6, 5, 1, 1, 1), (1, 1, 1), (0, 0, 0)),
            ("conv3d_3x3x3_p1", (1, 3, 4, 5, 6), (4, 3, 3, 3, 3), (1, 1, 1), (1, 1, 1))):
        spec = {"op": "conv3d", "stride": list(stride)}
        if padding == "same":
            spec["padding"] = "tfSame"
            spec["pads_before_after_THW"] = same_pads(xs[2:], ws[2:], stride)
            spec["formula"] = "F.conv3d(F.pad(input, SAME pads, value 0), weight, bias, stride)"
            fn = (lambda input, weight, bias, s=stride, k=ws[2:]:
                  F.conv3d(pad_same(input, k, s, 0.0), weight, bias, s))
        else:
            spec["padding"] = list(padding)
            spec["formula"] = "F.conv3d(input, weight, bias, stride, padding)"
            fn = lambda input, weight, bias, s=stride, q=padding: F.conv3d(input, weight, bias, s, q)  # noqa: E731
        L.run(case, spec, fn, {"input": u(f"{case}.input", xs)}, [p(case, "weight", ws), p(case, "bias", ws[:1])])

    # --- batch norm 3-D (eps 1e-3 as S3D-G)
    eps = 1e-3
    xs = (2, 4, 3, 4, 5)
    case = "bn3d_train"
    x = cr.values(SEED, f"{case}.input", xs, 0.5, 1.5)
    rm, rv = p(case, "running_mean", (4,))[1], p(case, "running_var", (4,))[1]

    def bn_train(input, running_mean, running_var, weight, bias):
        m, v = running_mean.clone(), running_var.clone()
        y = F.batch_norm(input, m, v, weight, bias, training=True, momentum=MOMENTUM, eps=eps)
        return y, {"updated_running_mean": m, "updated_running_var": v}
    L.run(case, {"op": "batch_norm_3d", "mode": "training", "epsilon": eps, "momentum": MOMENTUM,
                 "formula": "y = (x - mean_b) / sqrt(var_b + eps) * weight + bias, mean_b / var_b (biased) over "
                            "N,T,H,W; updated_running_mean = (1 - momentum) * running_mean + momentum * mean_b; "
                            "updated_running_var = (1 - momentum) * running_var + momentum * var_b * n / (n - 1), "
                            "n = N*T*H*W"},
          bn_train, {"input": x, "running_mean": rm, "running_var": rv},
          [p(case, "weight", (4,)), p(case, "bias", (4,))])
    case = "bn3d_frozen"
    x = cr.values(SEED, f"{case}.input", xs, 0.5, 1.5)
    rm, rv = p(case, "running_mean", (4,))[1], p(case, "running_var", (4,))[1]
    L.run(case, {"op": "batch_norm_3d", "mode": "frozen", "epsilon": eps,
                 "formula": "y = (x - running_mean) / sqrt(running_var + eps) * weight + bias (running stats "
                            "fixed); grad.weight / grad.bias given in case the affine is trained, a frozen "
                            "network gives them no gradient"},
          lambda input, running_mean, running_var, weight, bias:
          F.batch_norm(input, running_mean, running_var, weight, bias, training=False, eps=eps),
          {"input": x, "running_mean": rm, "running_var": rv}, [p(case, "weight", (4,)), p(case, "bias", (4,))])

    # --- activations, inputs kept >= 0.1 away from the kinks
    L.run("relu", {"op": "relu", "input_kinks_avoided": "|x| >= 0.1"}, lambda input: F.relu(input),
          {"input": away_from("relu.input", (2, 3, 4, 5), [0.0], 0.1, -1.0, 1.0)})
    L.run("relu6", {"op": "relu6", "formula": "min(max(x, 0), 6)", "input_kinks_avoided": "|x| >= 0.1, |x - 6| >= 0.1"},
          lambda input: torch.clamp(input, 0.0, 6.0),
          {"input": away_from("relu6.input", (2, 3, 4, 5), [0.0, 6.0], 0.1, -2.0, 8.0)})

    # --- pooling; max-pool inputs are distinct, evenly spaced values (no ties)
    case = "maxpool3d_3x3x3_s1_same"
    L.run(case, {"op": "max_pool_3d", "kernel": [3, 3, 3], "stride": [1, 1, 1], "padding": "tfSame (-inf)",
                 "pads_before_after_THW": same_pads((4, 5, 6), (3, 3, 3), (1, 1, 1))},
          lambda input: F.max_pool3d(pad_same(input, (3, 3, 3), (1, 1, 1), float("-inf")), 3, 1),
          {"input": distinct(f"{case}.input", (1, 3, 4, 5, 6))})
    case = "maxpool3d_1x3x3_s122_p011_ceil"
    L.run(case, {"op": "max_pool_3d", "kernel": [1, 3, 3], "stride": [1, 2, 2], "padding": [0, 1, 1],
                 "ceil_mode": True,
                 "formula": "F.max_pool3d(input, (1,3,3), (1,2,2), padding=(0,1,1), ceil_mode=True): out = "
                            "ceil((in + 2p - k) / s) + 1, minus 1 if (out - 1) * s >= in + p; padding is -inf"},
          lambda input: F.max_pool3d(input, (1, 3, 3), (1, 2, 2), (0, 1, 1), ceil_mode=True),
          {"input": distinct(f"{case}.input", (1, 3, 2, 8, 10))})
    case = "maxpool2d_3x3_s2_p1"
    L.run(case, {"op": "max_pool_2d", "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": False},
          lambda input: F.max_pool2d(input, 3, 2, 1), {"input": distinct(f"{case}.input", (1, 3, 9, 10))})
    for include in (True, False):
        case = f"avgpool3d_2x3x3_s2_p011_ceil_{'include' if include else 'exclude'}_pad"
        L.run(case, {"op": "avg_pool_3d", "kernel": [2, 3, 3], "stride": [2, 2, 2], "padding": [0, 1, 1],
                     "ceil_mode": True, "count_include_pad": include,
                     "formula": "PyTorch avg_pool3d. Per axis window start = o*s - p, end = min(start + k, in + p); "
                                "count_include_pad True: divisor = prod(end - start) (windows that run past "
                                "in + p because of ceil_mode are cut there); False: divisor = prod(min(end, in) - "
                                "max(start, 0)) (input elements only)"},
              lambda input, inc=include: F.avg_pool3d(input, (2, 3, 3), 2, (0, 1, 1), ceil_mode=True,
                                                      count_include_pad=inc),
              {"input": u(f"{case}.input", (1, 3, 5, 8, 10))})
    L.run("global_mean", {"op": "global_mean", "formula": "mean over T, H, W: [N,C,T,H,W] -> [N,C]"},
          lambda input: input.mean(dim=(2, 3, 4)), {"input": u("global_mean.input", (2, 5, 3, 4, 4))})

    # --- S3D-G self-gating
    for bias in (False, True):
        case = f"gate_{'bias' if bias else 'nobias'}"
        params = [p(case, "weight", (6, 6))] + ([p(case, "bias", (6,))] if bias else [])
        L.run(case, {"op": "self_gating", "bias": bias,
                     "formula": "y = x * sigmoid(W mean_THW(x) + b)[:, :, None, None, None], W [C, C] "
                                "(PyTorch Linear layout, g = x_mean @ W^T + b)"},
              lambda input, weight, bias=None: input * torch.sigmoid(
                  F.linear(input.mean(dim=(2, 3, 4)), weight, bias))[:, :, None, None, None],
              {"input": u(f"{case}.input", (2, 6, 3, 4, 5))}, params)

    L.run("linear", {"op": "linear", "formula": "y = x @ W^T + b, W [out, in]"},
          lambda input, weight, bias: F.linear(input, weight, bias), {"input": u("linear.input", (3, 7))},
          [p("linear", "weight", (5, 7)), p("linear", "bias", (5,))])

    # --- losses
    case = "softmax_cross_entropy"
    logits = cr.values(SEED, f"{case}.input", (5, 4), 0.0, 3.0)
    target = np.array([2, 0, 3, 1, 2], dtype=np.float32)
    weight = np.array([1, 1, 0, 1, 1], dtype=np.float32)

    def ce(input, target, row_weight):
        rows = -torch.log_softmax(input, 1).gather(1, target.long()[:, None])[:, 0]
        loss = (rows * row_weight).sum() / row_weight.sum()
        ignore = target.long().clone()
        ignore[row_weight == 0] = -100
        assert torch.allclose(loss, F.cross_entropy(input, ignore, ignore_index=-100), rtol=1e-14)
        return loss
    L.run(case, {"op": "softmax_cross_entropy_loss", "differentiable": ["input"],
                 "formula": "L = sum_i w_i * (-log softmax(input_i)[target_i]) / sum_i w_i, w_i = row_weight in "
                            "{0, 1} (row 2 ignored): the mean over the non-ignored rows, = F.cross_entropy with "
                            "ignore_index on that row, reduction 'mean'. target holds class indices as floats"},
          ce, {"input": logits, "target": target, "row_weight": weight}, loss=True)
    case = "sigmoid_bce_with_logits"
    logits = cr.values(SEED, f"{case}.input", (4, 3), 0.0, 4.0)
    target = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 0.25, 0.75]], dtype=np.float32)
    L.run(case, {"op": "sigmoid_bce_with_logits_loss", "differentiable": ["input"],
                 "formula": "L = mean over all N*K elements of -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) "
                            "= F.binary_cross_entropy_with_logits(reduction='mean'); last row has soft targets"},
          lambda input, target: F.binary_cross_entropy_with_logits(input, target, reduction="mean"),
          {"input": logits, "target": target}, loss=True)
    for name, beta in (("smooth_l1_beta1_9_sum", 1.0 / 9.0), ("smooth_l1_beta1_sum", 1.0)):
        x = cr.values(SEED, f"{name}.input", (6, 4), 0.0, 1.5)
        t = cr.values(SEED, f"{name}.target", (6, 4), 0.0, 0.5)
        d = (x - t).astype(np.float64)
        near = np.abs(np.abs(d) - beta) < 0.02  # keep |d| away from beta (only C1 there)
        x = np.where(near, t + np.sign(d) * (beta + 0.05), x).astype(np.float32)
        L.run(name, {"op": "smooth_l1_loss", "beta": beta, "reduction": "sum", "differentiable": ["input", "target"],
                     "formula": "d = input - target; L = sum(0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta) "
                                "= F.smooth_l1_loss(reduction='sum', beta=beta)"},
              lambda input, target, b=beta: F.smooth_l1_loss(input, target, reduction="sum", beta=b),
              {"input": x, "target": t}, loss=True)

    # --- ROI crop: roi_align 14x14 per time slice (aligned, sampling ratio 1, scale 1/16), max pool 2x2
    from torchvision.ops import roi_align
    boxes = np.array([[20.0, 30.0, 100.0, 120.0],  # x1, y1, x2, y2 in input pixels (map stride 16)
                      [150.0, 5.0, 230.0, 90.0],  # partly outside: the map covers x < 12 * 16 = 192
                      [60.5, 70.25, 90.0, 150.75]], dtype=np.float32)
    for temporal in ("keep", "average"):
        case = f"roi_crop_{temporal}"

        def crop(input, boxes, avg=temporal == "average"):
            m = input.mean(2, keepdim=True) if avg else input
            out = [F.max_pool2d(roi_align(m[:, :, t], [boxes], (14, 14), 1 / 16, 1, True), 2, 2)
                   for t in range(m.shape[2])]
            return torch.stack(out, 2)
        L.run(case, {"op": "roi_crop_3d", "temporal": temporal, "differentiable": ["input"],
                     "formula": ("mean over T first (keepdim), then " if temporal == "average" else "")
                     + "per time slice torchvision.ops.roi_align(map[:, :, t], [boxes], output_size=14, "
                       "spatial_scale=1/16, sampling_ratio=1, aligned=True) then max_pool2d(2, 2), stacked on "
                       "axis 2: [R, C, T', 7, 7]; boxes (x1, y1, x2, y2) in input pixels, image 0; map "
                       "values distinct in [0.1, 1]"},
              crop, {"input": distinct(f"{case}.input", (1, 4, 4, 10, 12), 0.1, 1.0), "boxes": boxes})

    meta = {"seed": str(SEED), "torch": torch.__version__, "reference": "float64 autograd, stored float32",
            "notes": LAYER_NOTES, "cases": json.dumps(L.cases, sort_keys=True)}
    path = os.path.join(out_dir, "layer_gradients.safetensors")
    save_file(L.tensors, path, meta)
    back = load_file(path)
    assert back.keys() == L.tensors.keys() and all(np.array_equal(back[k], L.tensors[k]) for k in back)
    print(f"{path}: {len(L.cases)} cases, {len(L.tensors)} tensors, {os.path.getsize(path) / 1e3:.1f} kB")


def main():
    net_dir = sys.argv[1] if len(sys.argv) > 1 else "Tests/NetworksTests/Fixtures/gradients"
    layer_dir = sys.argv[2] if len(sys.argv) > 2 else "Tests/NetworksTests/Fixtures"
    torch.set_num_threads(2)
    layers(layer_dir)
    networks(net_dir)


if __name__ == "__main__":
    main()
