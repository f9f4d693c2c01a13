#!/usr/bin/env python3
"""Converts a TF-slim `resnet_v1_50` checkpoint (resnet_v1_50_2016_08_28.tar.gz from
download.tensorflow.org, or the first stage of a TF OD API Faster R-CNN) to safetensors in
torchvision's ResNet-50 tensor names, for Swift `ResNet50(variant: .tfSlim(outputStride16:))`.

Setup: a venv outside the repo with `pip install tensorflow numpy safetensors` (TF only to read the
checkpoint; `--self-test` needs only numpy + torch/torchvision, e.g. /work/.venv-torch). Run:
    python tools/convert_tfslim_resnet50.py resnet_v1_50.ckpt resnet50_tfslim.safetensors
    python tools/convert_tfslim_resnet50.py model.ckpt out.safetensors --scope FirstStageFeatureExtractor/
    /work/.venv-torch/bin/python tools/convert_tfslim_resnet50.py --self-test
Names follow ../shared/reference/weight_names/resnet50_key_mapping.tsv (`resnet_v1_50/...` ->
torchvision key; `--scope` is prepended to the TF names). Layouts: conv [kh, kw, in, out] ->
[out, in, kh, kw]; logits [1, 1, 2048, C] -> fc.weight [C, 2048]. Variables without a mapping
(global_step, optimizer slots, other OD API parts) are skipped and counted. Input for these weights:
`InputNormalization.vggMeans` (0..255 minus VGG means).
"""

import csv
import os
import sys

import numpy as np

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "reference",
                     "weight_names", "resnet50_key_mapping.tsv")


def mapping():
    with open(TABLE) as f:
        return {row["tf_slim_variable"]: row["torchvision_key"] for row in csv.DictReader(f, delimiter="\t")
                if row["tf_slim_variable"] != "-"}


def convert(variables, scope=""):
    names = mapping()
    out, skipped = {}, 0
    for name, value in variables.items():
        key = names.get(name[len(scope):]) if name.startswith(scope) else None
        if key is None:
            skipped += 1
            continue
        value = np.asarray(value, dtype=np.float32)
        if value.ndim == 4:
            value = np.transpose(value, (3, 2, 0, 1))
            if key == "fc.weight":
                value = value[:, :, 0, 0]
        out[key] = np.ascontiguousarray(value)
    return out, skipped


def self_test():
    import torchvision

    rng = np.random.default_rng(0)
    fake = {"global_step": np.zeros(())}
    with open(TABLE) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["tf_slim_variable"] == "-":
                continue
            shape = [int(d) for d in row["tf_shape"].strip("[]").split(",")]
            fake["Scope/" + row["tf_slim_variable"]] = rng.standard_normal(shape).astype(np.float32)
    out, skipped = convert(fake, "Scope/")
    want = {k: tuple(v.shape) for k, v in torchvision.models.resnet50().state_dict().items()
            if not k.endswith("num_batches_tracked")}
    got = {k: tuple(v.shape) for k, v in out.items()}
    assert want == got and skipped == 1, (sorted(set(want) ^ set(got))[:5], skipped)
    w = fake["Scope/resnet_v1_50/conv1/weights"]
    assert out["conv1.weight"][7, 2, 1, 5] == w[1, 5, 2, 7]
    assert out["fc.weight"][3, 9] == fake["Scope/resnet_v1_50/logits/weights"][0, 0, 9, 3]
    print(f"self-test passed: {len(got)} tensors named and shaped as torchvision resnet50")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    args = sys.argv[1:]
    scope = ""
    if "--scope" in args:
        i = args.index("--scope")
        scope = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit("usage: convert_tfslim_resnet50.py CHECKPOINT OUTPUT.safetensors [--scope PREFIX/] | --self-test")
    import tensorflow as tf
    from safetensors.numpy import save_file

    reader = tf.train.load_checkpoint(args[0])
    tensors, skipped = convert({n: reader.get_tensor(n) for n in reader.get_variable_to_shape_map()}, scope)
    meta = {"architecture": "resnet50", "preset": "tfSlim", "source": args[0], "input_normalization": "vggMeans"}
    tmp = args[1] + ".partial"
    save_file(tensors, tmp, metadata=meta)
    os.replace(tmp, args[1])
    print(f"wrote {args[1]}: {len(tensors)} tensors, {skipped} variables skipped")


if __name__ == "__main__":
    main()
