#!/usr/bin/env python3
"""Converts a TF-slim S3D-G checkpoint (tensorflow/models research/slim/nets/s3dg.py, e.g. the D3D
weights of princeton-vl/d3dhelper) to safetensors in the tensor names of Swift `Networks.S3DG`.

Setup: a venv outside the repo with `pip install tensorflow numpy safetensors` (TF only to read the
checkpoint; `--self-test` needs torch + numpy instead, e.g. /work/.venv-torch). Run:
    python tools/convert_tfslim_s3dg.py /path/to/model.ckpt s3dg_tfslim.safetensors
    /work/.venv-torch/bin/python tools/convert_tfslim_s3dg.py --self-test
Load with `S3DGConfiguration.tfSlimS3DG` (the stem's t is read from the checkpoint: 3 by default,
`.full(temporalKernel: 7)` for the "original S3D-G").

Mapping (TF `InceptionV1/...` -> ours; see ../shared/reference/weight_names/s3dg_key_mapping.tsv):
conv `weights` [t,h,w,in,out] -> `<unit>.0.weight` [out,in,t,h,w]; `BatchNorm/{beta,moving_mean,
moving_variance}` -> `<unit>.1.{bias,running_mean,running_var}`, gamma -> `<unit>.1.weight` (filled
with 1 when the checkpoint has none, as TF-slim's S3D-G BN has no scale); separable scopes: spatial
-> `<p>.0.*`, `temporal/{weights,biases}` -> `<p>.1.0.{weight,bias}`; `self_gating/transformer_W/weights`
[1,1,1,C,C] (y = x W) -> `<branch>.gate.weight` = W[0,0,0]^T; `Logits/Conv2d_0c_1x1/{weights,biases}`
-> `classifier.1.{weight,bias}`. Units: Conv2d_1a_7x7 -> features.0, Conv2d_2b_1x1 -> features.2,
Conv2d_2c_3x3 -> features.3 (separable, gate features.3.gate), Mixed_X -> features.N with Branch_0
-> branch0, Branch_{1,2}/Conv2d_0a_1x1 -> branchK.0, Branch_{1,2}/Conv2d_0b_3x3 -> branchK.1
(separable), Branch_3/Conv2d_0b_1x1 -> branch3.1; a branch's gate -> branchK.gate.
Variables outside `InceptionV1/` (global_step, optimizer slots) are skipped; `.../Momentum`,
`.../ExponentialMovingAverage` and `.../Adam*` slots inside are skipped too.
"""

import os
import sys

import numpy as np

INDEX = {"Conv2d_1a_7x7": 0, "Conv2d_2b_1x1": 2, "Conv2d_2c_3x3": 3, "Mixed_3b": 5, "Mixed_3c": 6,
         "Mixed_4b": 8, "Mixed_4c": 9, "Mixed_4d": 10, "Mixed_4e": 11, "Mixed_4f": 12, "Mixed_5b": 14,
         "Mixed_5c": 15}
BN = {"beta": "bias", "gamma": "weight", "moving_mean": "running_mean", "moving_variance": "running_var"}
SLOTS = ("Momentum", "ExponentialMovingAverage", "Adam", "RMSProp")


def conv(w):
    return np.ascontiguousarray(np.transpose(w, (4, 3, 0, 1, 2)))


def scope_of(parts):
    """(unit prefix, separable?, gate prefix, rest) for a name split at '/' without 'InceptionV1'."""
    block = parts[0]
    p = f"features.{INDEX[block]}"
    if not block.startswith("Mixed"):
        return p, block == "Conv2d_2c_3x3", p + ".gate", parts[1:]
    branch, layer = int(parts[1][len("Branch_"):]), parts[2]
    b = f"{p}.branch{branch}"
    if branch == 0:
        return b, False, b + ".gate", parts[3:]
    if branch == 3:
        return b + ".1", False, b + ".gate", parts[3:]
    if layer == "Conv2d_0a_1x1":
        return b + ".0", False, b + ".gate", parts[3:]
    return b + ".1", True, b + ".gate", parts[3:]


def convert(variables):
    """TF variable name -> ndarray  to  our name -> float32 ndarray."""
    out = {}
    for name, value in variables.items():
        parts = name.split("/")
        if parts[0] != "InceptionV1" or any(s in part for part in parts for s in SLOTS):
            continue
        parts = parts[1:]
        value = np.asarray(value, dtype=np.float32)
        if parts[0] == "Logits":
            key = {"weights": "classifier.1.weight", "biases": "classifier.1.bias"}[parts[-1]]
            out[key] = conv(value) if parts[-1] == "weights" else value
            continue
        unit, separable, gate, rest = scope_of(parts)
        spatial = unit + ".0" if separable else unit
        if rest == ["weights"]:
            out[spatial + ".0.weight"] = conv(value)
        elif rest[0] == "BatchNorm":
            out[spatial + ".1." + BN[rest[1]]] = value
        elif rest == ["temporal", "weights"]:
            out[unit + ".1.0.weight"] = conv(value)
        elif rest == ["temporal", "biases"]:
            out[unit + ".1.0.bias"] = value
        elif rest == ["self_gating", "transformer_W", "weights"]:
            out[gate + ".weight"] = np.ascontiguousarray(value[0, 0, 0].T)
        else:
            raise SystemExit(f"convert: no name for TF variable '{name}' {value.shape}")
    for key in [k for k in out if k.endswith(".running_mean")]:
        gamma = key[: -len("running_mean")] + "weight"
        out.setdefault(gamma, np.ones_like(out[key]))
    return out


def self_test():
    """A fake checkpoint from the mapping table's TF column converts to exactly the names and shapes of
    s3dg_reference.S3DG(TFSLIM_S3DG), with the conv and gate layouts transposed as documented."""
    import csv

    import torch  # noqa: F401  (s3dg_reference needs it)

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import s3dg_reference as ref

    table = os.path.join(here, "..", "..", "shared", "reference", "weight_names", "s3dg_key_mapping.tsv")
    rng = np.random.default_rng(0)
    fake = {"global_step": np.zeros(()), "InceptionV1/Mixed_4e/Branch_0/Conv2d_0a_1x1/weights/Momentum": np.zeros(1)}
    with open(table) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["tf_slim_variable"] == "-":
                continue
            shape = [400 if d.strip() == "'num_classes'" else int(d) for d in row["tf_shape"].strip("[]").split(",")]
            fake[row["tf_slim_variable"]] = rng.standard_normal(shape).astype(np.float32)
    out = convert(fake)
    want = {k: tuple(v.shape) for k, v in ref.S3DG(ref.TFSLIM_S3DG).state_dict().items()
            if not k.endswith("num_batches_tracked")}
    got = {k: tuple(v.shape) for k, v in out.items()}
    assert want == got, (sorted(set(want) ^ set(got))[:6], [k for k in want if want[k] != got.get(k)][:6])
    w = fake["InceptionV1/Conv2d_1a_7x7/weights"]
    assert out["features.0.0.weight"][5, 2, 1, 3, 4] == w[1, 3, 4, 2, 5]
    g = fake["InceptionV1/Mixed_4e/Branch_1/Conv2d_0b_3x3/self_gating/transformer_W/weights"][0, 0, 0]
    x = rng.standard_normal(g.shape[0]).astype(np.float32)
    assert np.allclose(out["features.11.branch1.gate.weight"] @ x, x @ g, rtol=1e-5, atol=1e-5)
    assert (out["features.0.1.weight"] == 1).all()
    print(f"self-test passed: {len(got)} tensors named and shaped as s3dg_reference TFSLIM_S3DG")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 3:
        sys.exit("usage: convert_tfslim_s3dg.py CHECKPOINT_PREFIX OUTPUT.safetensors | --self-test")
    import tensorflow as tf
    from safetensors.numpy import save_file

    reader = tf.train.load_checkpoint(sys.argv[1])
    variables = {n: reader.get_tensor(n) for n in reader.get_variable_to_shape_map()}
    tensors = convert(variables)
    stem = tensors["features.0.0.weight"].shape[2]
    meta = {"architecture": "s3dg", "preset": "tfSlimS3DG", "stem_temporal_kernel": str(stem),
            "source": sys.argv[1], "input_normalization": "unitRange"}
    tmp = sys.argv[2] + ".partial"
    save_file(tensors, tmp, metadata=meta)
    os.replace(tmp, sys.argv[2])
    print(f"wrote {sys.argv[2]}: {len(tensors)} tensors (stem t = {stem})")


if __name__ == "__main__":
    main()
