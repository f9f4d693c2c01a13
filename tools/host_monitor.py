#!/usr/bin/env python3
"""ResNet-50 to layer3, ours against ONNX Runtime, sampled for minutes beside the host's state.

Each sample: tools/host_probe.c (each CPU's FMA throughput with both busy, two-thread read
bandwidth, a cache line's round trip between the CPUs), then 7 back-to-back runs of ours
(bench-trunks --only resnet50, with its per-kind profile) and 7 of ONNX Runtime (this process,
with tools/ort_peer_server.py's session), their medians. It tells whether the ratio depends on a
state of the host (far-apart vCPUs, a busy sibling hyperthread, memory bandwidth) or only on bursts
of load, and how often 9 samples in a row would give a ratio of medians below a bar. Prints one
line per sample (and writes them as JSON lines with --out), then a summary.

Needs bench-trunks and the ONNX graph that `bash tools/bench_trunks.sh` builds and makes, a C
compiler, and a Python with onnxruntime and numpy:

  /work/.venv-ort/bin/python tools/host_monitor.py --minutes 15 --out monitor.jsonl
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_peer_server import session as ort_session  # the session options bench-trunks' peer uses

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"host_monitor: {message}", file=sys.stderr)
    sys.exit(1)


def probe_binary(scratch):
    """tools/host_probe.c compiled into the scratch folder (again when the source is newer)."""
    source = os.path.join(ROOT, "tools", "host_probe.c")
    binary = os.path.join(scratch, "host_probe")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        built = subprocess.run(["cc", "-O2", "-pthread", source, "-o", binary + ".tmp"], capture_output=True, text=True)
        if built.returncode != 0:
            fail(f"cannot compile {source}: {built.stderr.strip().splitlines()[-1] if built.stderr.strip() else 'cc failed'}")
        os.replace(binary + ".tmp", binary)
    return binary


def ours(bench):
    """Median of 7 back-to-back runs of our ResNet, and the per-kind ms of its fastest profiled run."""
    args = [bench, "--only", "resnet50", "--threads", "2", "--runs", "7", "--rounds", "1", "--networks-module", "no",
            "--wait-idle", "0", "--profile-runs", "1", "--sgemm-runs", "0"]
    lines = subprocess.run(args, capture_output=True, text=True).stdout.splitlines()
    runs = [float(l.split("round 1: ")[1].split()[0]) for l in lines if "round 1: " in l]
    if not runs:
        fail(f"{bench} printed no timed runs")
    kinds = {}
    for l in lines:
        words = l.split()
        # "   conv 1x1 s2    2    6.03 ..." : the kind is the words before the call count.
        if words and words[0] in ("conv", "maxpool"):
            count = next(i for i, w in enumerate(words) if w.isdigit())
            kinds[" ".join(words[:count])] = float(words[count + 1])
    return statistics.median(runs), kinds


def summary(samples, bar):
    def line(name, group):
        if not group:
            return
        o = statistics.median(s["ours"] for s in group)
        p = statistics.median(s["ort"] for s in group)
        print(f"  {name:<34} {len(group):4d} samples: ours {o:6.1f} ms, ONNX Runtime {p:6.1f} ms -> {p / o:.3f}x")

    print("ratio of medians (ONNX Runtime over ours):")
    line("all", samples)
    line("vCPUs near (round trip < 200 ns)", [s for s in samples if s["round_trip"] < 200])
    line("vCPUs far (≥ 200 ns)", [s for s in samples if s["round_trip"] >= 200])
    top = max(max(s["fma"]) for s in samples)
    line("both CPUs' FMAs ≥ 85 % of best", [s for s in samples if min(s["fma"]) >= 0.85 * top])
    line("a CPU's FMAs < 85 % of best", [s for s in samples if min(s["fma"]) < 0.85 * top])
    windows = [samples[i:i + 9] for i in range(0, len(samples) - 8, 9)]
    if windows:
        ratios = [statistics.median(s["ort"] for s in w) / statistics.median(s["ours"] for s in w) for w in windows]
        below = sum(r < bar for r in ratios)
        print(f"  9 samples in a row ({len(windows)} windows): {min(ratios):.2f}–{max(ratios):.2f}x, {below} below {bar}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--out", help="also write each sample as a JSON line here")
    parser.add_argument("--scratch", default=os.path.join(ROOT, ".build-bench"), help="bench_trunks.sh's SCRATCH")
    parser.add_argument("--bar", type=float, default=1.1, help="the ratio the 9-sample windows are held to")
    args = parser.parse_args()
    bench = os.path.join(args.scratch, "release", "bench-trunks")
    model = os.path.join(args.scratch, "bench-out", "models", "resnet50_l3.onnx")
    for path in (bench, model):
        if not os.path.exists(path):
            fail(f"no {path}: run `bash tools/bench_trunks.sh` first")
    probe = probe_binary(args.scratch)
    session = ort_session(model, 2)
    first = session.get_inputs()[0]
    feed = {first.name: np.random.default_rng(0).standard_normal(first.shape).astype(np.float32)}
    for _ in range(3):
        session.run(None, feed)
    out = open(args.out + ".tmp", "w") if args.out else None
    samples = []
    print("time      fma0  fma1  GB/s  trip ns   ours ms   ORT ms  ratio")
    end = time.time() + args.minutes * 60
    while time.time() < end:
        fma0, fma1, bandwidth, trip = (float(v) for v in subprocess.run([probe], capture_output=True, text=True).stdout.split())
        mine, kinds = ours(bench)
        time.sleep(0.5)  # our worker stops spinning before ONNX Runtime starts
        runs = []
        for _ in range(7):
            start = time.perf_counter()
            session.run(None, feed)
            runs.append((time.perf_counter() - start) * 1e3)
        theirs = statistics.median(runs)
        sample = dict(time=time.strftime("%H:%M:%S"), fma=[fma0, fma1], bandwidth=bandwidth, round_trip=trip,
                      ours=mine, ort=theirs, kinds=kinds)
        samples.append(sample)
        print(f"{sample['time']}  {fma0:4.0f}  {fma1:4.0f}  {bandwidth:4.1f}  {trip:7.0f}  {mine:8.1f} {theirs:8.1f}  {theirs / mine:.2f}",
              flush=True)
        if out:
            out.write(json.dumps(sample) + "\n")
            out.flush()
        time.sleep(1)  # ONNX Runtime's threads stop spinning
    if out:
        out.close()
        os.replace(args.out + ".tmp", args.out)
    if samples:
        summary(samples, args.bar)


if __name__ == "__main__":
    main()
