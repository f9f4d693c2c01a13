#!/usr/bin/env python3
"""PyTorch side of the training benchmark: one training step (forward + backward) of the trunks.

How to run (CPU; the venv of make_network_fixtures.py, outside the repo):
    /work/.venv-torch/bin/python tools/bench_train_torch.py --threads 2 --rounds 5
    (--cases resnet_layer3,s3d_mixed_4e  --widths 1,4  --bn training,frozen  select rows)

Rows (batch 1, float32, weights from torch's default initialisation after torch.manual_seed(0)):
- resnet_layer3: ResNet-50 stem...layer3 (torchvision names and topology). Width 1: torchvision's own
  resnet50 on [1,3,320,400]; width 4 (1/4 of every channel count): tools/resnet_reference.ResNet50(4)
  on [1,3,160,200].
- s3d_mixed_4e: S3D features...Mixed_4e. Width 1: torchvision's own s3d().features[:12] on
  [1,3,20,320,400]; width 4: tools/s3dg_reference.S3DG(TORCHVISION, 4) on [1,3,20,160,200].
each with BN in training mode (batch statistics, running stats updated, gamma/beta trained) and
frozen (eval mode, fixed affine: gamma/beta get no gradient).

Frozen rows keep the default BN buffers (running mean 0, var 1). Note: this PyTorch build (2.15.0 PyPI
wheel) runs Conv3d on CPU as aten::slow_conv3d (im2col + MKL GEMM) forward and backward; Conv2d uses
oneDNN (aten::mkldnn_convolution). Timings on a machine shared with builds are noisy: compare best_ms.

One step = parameter grads set to None, forward, L = sum(output * dy) (dy a fixed N(0,1) tensor),
backward (all trainable parameters; the input needs no gradient). No optimiser update. Warm-up 1 step,
then R timed steps (time.perf_counter); best and median reported. Each row runs in a fresh process, so
its peak RSS (resource.getrusage(RUSAGE_SELF).ru_maxrss, the whole process incl. the model and
torch) is that row's; before_step_rss_mb is the same peak after building the model and the tensors and
one no-grad forward (for the output shape), before the first training step. Output, one line per row:
    torch case=<name> width=<d> bn=<mode> threads=<n> input=<shape> best_ms=<x> median_ms=<x>
    peak_rss_mb=<x> before_step_rss_mb=<x>   (on one line)
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CASES = ("resnet_layer3", "s3d_mixed_4e")
SHAPES = {
    ("resnet_layer3", 1): (1, 3, 320, 400),
    ("resnet_layer3", 4): (1, 3, 160, 200),
    ("s3d_mixed_4e", 1): (1, 3, 20, 320, 400),
    ("s3d_mixed_4e", 4): (1, 3, 20, 160, 200),
}


def build(case, width):
    torch.manual_seed(0)
    if case == "resnet_layer3":
        if width == 1:
            import torchvision
            m = torchvision.models.resnet50(weights=None)
            return torch.nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3)
        import resnet_reference
        return resnet_reference.ResNet50(width, "layer3")
    if width == 1:
        import torchvision
        return torchvision.models.video.s3d(weights=None).features[:12]
    import s3dg_reference as ref
    return ref.S3DG(ref.TORCHVISION, width).features[:12]


def run_row(case, width, bn, threads, rounds):
    torch.set_num_threads(threads)
    model = build(case, width)
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if bn == "frozen":
        model.eval()
        for m in norms:
            for p in m.parameters():
                p.requires_grad_(False)
    else:
        model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    shape = SHAPES[(case, width)]
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(shape, generator=gen)
    with torch.no_grad():
        out_shape = model(x).shape
    dy = torch.randn(out_shape, generator=gen)
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes

    def step():
        for p in params:
            p.grad = None
        loss = (model(x) * dy).sum()
        loss.backward()

    step()  # warm-up
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch case={case} width={width} bn={bn} threads={threads} input={'x'.join(map(str, shape))} "
          f"best_ms={min(times):.1f} median_ms={statistics.median(times):.1f} peak_rss_mb={rss_mb:.0f} "
          f"before_step_rss_mb={base_mb:.0f}",
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--widths", default="1,4")
    ap.add_argument("--bn", default="training,frozen")
    ap.add_argument("--row", help="internal: run one row 'case,width,bn' in this process")
    args = ap.parse_args()
    if args.row:
        case, width, bn = args.row.split(",")
        run_row(case, int(width), bn, args.threads, args.rounds)
        return
    print(f"# torch {torch.__version__}, threads {args.threads}, rounds {args.rounds}, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    for width in (int(w) for w in args.widths.split(",")):
        for case in args.cases.split(","):
            for bn in args.bn.split(","):
                cmd = [sys.executable, os.path.abspath(__file__), "--threads", str(args.threads),
                       "--rounds", str(args.rounds), "--row", f"{case},{width},{bn}"]
                subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
