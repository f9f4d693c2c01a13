#!/usr/bin/env python3
"""ONNX Runtime kept running, one timed run per request, so bench-trunks can alternate run by run.

The session is built as ../shared/bench/peer_onnxruntime.py builds it (CPU execution provider,
ORT_ENABLE_ALL, the given intra-op threads, one inter-op thread, sequential execution, spinning
allowed) and fed the same input (standard normal, seed 0). Protocol on standard input/output, one
line each:
  ready <session load ms>          printed once the session is built
  warm N   -> ok                   N untimed runs
  run      -> <ms>                 one timed run (perf_counter around session.run)
End of input ends the process.

  /work/.venv-ort/bin/python tools/ort_peer_server.py --threads 2 DIR/resnet50_l3.onnx
"""
import argparse
import sys
import time

import numpy as np
import onnxruntime as ort


def session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an .onnx file from make_models.py")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    try:
        sess = session(args.model, args.threads)
    except Exception as error:  # onnxruntime raises its own exception types
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"ort_peer_server: cannot load {args.model}: {message}", file=sys.stderr)
        return 1
    load_ms = (time.perf_counter() - start) * 1e3
    first = sess.get_inputs()[0]
    feed = {first.name: np.random.default_rng(0).standard_normal(first.shape).astype(np.float32)}
    print(f"ready {load_ms:.1f}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words == ["run"]:
            start = time.perf_counter()
            sess.run(None, feed)
            print(f"{(time.perf_counter() - start) * 1e3:.3f}", flush=True)
        elif len(words) == 2 and words[0] == "warm" and words[1].isdigit():
            for _ in range(int(words[1])):
                sess.run(None, feed)
            print("ok", flush=True)
        else:
            print(f"error: unknown request {line.strip()!r}", flush=True)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
