#!/usr/bin/env python3
"""Reference values for Media's bilinear resize (Tests/MediaTests/Fixtures/resize_reference.txt).

    python3 tools/make_resize_fixture.py        # from the repo root; needs numpy (pip install numpy)

Reproduces PyTorch's F.interpolate(x.float(), size=(h, w), mode="bilinear", align_corners=False,
antialias=False) with numpy only, in matrix form (out = Wy @ image @ Wx^T per channel), an
arrangement independent of the gather loop in Sources/Media/BilinearResampler.swift. The source
coordinate is computed in float32 like PyTorch's CPU kernel for float tensors; the products in
float64. When torch is importable it is checked against F.interpolate too (max |diff| printed).

The input image is a formula both sides compute: value(x, y, c) = (x*37 + y*91 + c*53 + x*y*7) % 256,
11 wide and 7 high. Output: one block per target size, a line "w h" then h*w*3 values (HWC order,
%.6f), "end" after the last block.
"""
import os

import numpy as np

SOURCE_W, SOURCE_H = 11, 7
TARGETS = [(5, 4), (16, 9), (3, 13), (11, 7), (1, 1), (22, 14)]


def source_image():
    y, x, c = np.meshgrid(np.arange(SOURCE_H), np.arange(SOURCE_W), np.arange(3), indexing="ij")
    return ((x * 37 + y * 91 + c * 53 + x * y * 7) % 256).astype(np.uint8)


def weights(in_size, out_size):
    """Interpolation matrix [out_size, in_size] of one axis (align_corners=False)."""
    scale = np.float32(in_size) / np.float32(out_size)
    m = np.zeros((out_size, in_size))
    for i in range(out_size):
        src = scale * (np.float32(i) + np.float32(0.5)) - np.float32(0.5)
        src = max(src, np.float32(0))
        lo = min(int(np.floor(src)), in_size - 1)
        hi = lo + 1 if lo < in_size - 1 else lo
        lam = min(max(float(src - np.float32(lo)), 0.0), 1.0)
        m[i, lo] += 1.0 - lam
        m[i, hi] += lam
    return m


def resize(image, w, h):
    wy, wx = weights(image.shape[0], h), weights(image.shape[1], w)
    return np.stack([wy @ image[:, :, c].astype(np.float64) @ wx.T for c in range(3)], axis=2)


def main():
    image = source_image()
    lines = []
    for w, h in TARGETS:
        out = resize(image, w, h)
        try:
            import torch
            import torch.nn.functional as F

            t = torch.from_numpy(image).permute(2, 0, 1)[None].float()
            ref = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False, antialias=False)
            diff = np.abs(ref[0].permute(1, 2, 0).numpy() - out).max()
            print(f"{w}x{h}: max |numpy - torch| = {diff:.2e}")
        except ImportError:
            pass
        lines.append(f"{w} {h}")
        lines.append(" ".join(f"{v:.6f}" for v in out.reshape(-1)))
    lines.append("end")
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "MediaTests", "Fixtures", "resize_reference.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
