#!/usr/bin/env python3
"""Per-layer-kind ONNX Runtime times for the bench-trunks graphs, as JSON lines.

Runs each model with onnxruntime's profiler (CPU EP, ORT_ENABLE_ALL, given intra-op threads)
and sums node kernel times into the kinds bench-trunks prints: `conv KxKxK[ s2]` (kernel from the
weight shape, `s2` when the output is spatially smaller than the input), `maxpool`, `gating`
(GlobalAveragePool, the CxC 1x1x1 conv on the pooled vector, Sigmoid, Mul), `concat`, `other`.
Per kind the fastest of `--runs` profiled runs is kept (after one warm-up). With `--layers`, each
convolution's kind also names its channels and output extents (`conv 1x1 64->256 @80x100`), as
`BENCH_LAYER_DETAIL=1 bench-trunks` prints its own, and the result is a table:
  /work/.venv-ort/bin/python tools/ort_kinds.py --layers --runs 5 DIR/resnet50_l3.onnx
With `--detailed`, the same per-layer kinds as JSON lines, which bench-trunks (`--ort-kinds`) sets
beside its own per-layer table (`BENCH_LAYER_DETAIL=1 tools/bench_trunks.sh` does both).

Run (venv: python3 -m venv /work/.venv-ort && /work/.venv-ort/bin/pip install onnx onnxruntime numpy):
  /work/.venv-ort/bin/python tools/ort_kinds.py --threads 2 --runs 2 DIR/resnet50_l3.onnx DIR/s3dg_m4e.onnx
Models come from ../shared/bench/make_models.py.
"""
import argparse
import json
import os
import tempfile

import numpy as np
import onnxruntime as ort


def kind_of(op, inputs, outputs):
    if op in ("Conv", "FusedConv"):
        x, w = inputs[0]["float"], inputs[1]["float"]
        if all(d == 1 for d in x[2:]):
            return "gating"
        kernel = "x".join(str(d) for d in w[2:])
        y = outputs[0]["float"]
        strided = any(o < i for o, i in zip(y[2:], x[2:]))
        return "conv " + kernel + (" s2" if strided else "")
    if op == "MaxPool":
        return "maxpool"
    if op in ("GlobalAveragePool", "Sigmoid", "Mul"):
        return "gating"
    if op == "Concat":
        return "concat"
    return "other"


def detailed(kind, inputs, outputs):
    """`kind` plus the convolution's channels and output extents (other kinds unchanged)."""
    if not kind.startswith("conv"):
        return kind
    w, y = inputs[1]["float"], outputs[0]["float"]
    return kind + " %d->%d @%s" % (w[1], w[0], "x".join(str(d) for d in y[2:]))


def profile(path, threads, runs, layers=False):
    best = {}
    for _ in range(runs):
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.enable_profiling = True
        so.profile_file_prefix = os.path.join(tempfile.gettempdir(), "ort_kinds")
        sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        inp = sess.get_inputs()[0]
        x = np.random.default_rng(0).standard_normal(inp.shape).astype(np.float32)
        sess.run(None, {inp.name: x})
        sess.run(None, {inp.name: x})
        prof = sess.end_profiling()
        events = json.load(open(prof))
        os.remove(prof)
        runs_ev = [e for e in events if e.get("name") == "model_run"]
        start = runs_ev[-1]["ts"]
        sums = {}
        for e in events:
            if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= start:
                a = e.get("args", {})
                ins, outs = a.get("input_type_shape", []), a.get("output_type_shape", [])
                k = kind_of(a.get("op_name"), ins, outs)
                if layers:
                    k = detailed(k, ins, outs)
                sums[k] = sums.get(k, 0) + e["dur"] / 1e3
        for k, v in sums.items():
            best[k] = min(best.get(k, v), v)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--layers", action="store_true", help="a table per layer (channels, extents)")
    ap.add_argument("--detailed", action="store_true", help="per-layer kinds as JSON lines")
    args = ap.parse_args()
    for path in args.models:
        name = os.path.basename(path)[:-5]
        if args.layers:
            best = profile(path, args.threads, args.runs, layers=True)
            print("== %s (%d threads, fastest of %d profiled runs)" % (name, args.threads, args.runs))
            for k, v in best.items():
                print("   %-40s %8.2f ms" % (k, v))
            print("   %-40s %8.2f ms" % ("sum", sum(best.values())))
            continue
        for k, v in profile(path, args.threads, args.runs, layers=args.detailed).items():
            print(json.dumps(dict(model=name, kind=k, ms=v, threads=args.threads)))


if __name__ == "__main__":
    main()
