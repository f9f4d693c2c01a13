#!/usr/bin/env python3
"""Writes a copy of an ACT-format ground-truth pickle whose training split keeps only listed videos.

    python3 tools/gt_training_subset.py GT.pkl VIDEOS.txt OUT.pkl [SPLIT]

VIDEOS.txt holds one video id per line (e.g. the `flow-done.txt` of a flow job: the training videos
whose stored flow is complete, so `train --stream flow --flow-root` finds every one). The training
videos of split SPLIT (1-based, default 1) keep their order; test videos, tubes, frame counts and
labels are copied unchanged. Listed ids that are not training videos of the split are an error, as
is an empty result. The output is written to a temporary name and renamed. Standard library only.
"""
import os
import pickle
import sys


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.strip().splitlines()[2].strip())
    source, listing, out = sys.argv[1:4]
    split = int(sys.argv[4]) if len(sys.argv) == 5 else 1
    try:
        with open(source, "rb") as f:
            gt = pickle.load(f, encoding="latin1")
        with open(listing) as f:
            wanted = [line.strip() for line in f if line.strip()]
    except (OSError, pickle.UnpicklingError, EOFError) as error:
        sys.exit(f"gt_training_subset: {error}")
    if not isinstance(gt, dict) or "train_videos" not in gt:
        sys.exit(f"{source}: not an ACT-format ground truth (no train_videos)")
    if not 1 <= split <= len(gt["train_videos"]):
        sys.exit(f"{source}: no split {split} (it has {len(gt['train_videos'])})")
    training = gt["train_videos"][split - 1]
    unknown = sorted(set(wanted) - set(training))
    if unknown:
        sys.exit(f"{listing}: {len(unknown)} ids are not training videos of split {split}, e.g. {unknown[0]}")
    keep = set(wanted)
    gt["train_videos"][split - 1] = [v for v in training if v in keep]
    if not gt["train_videos"][split - 1]:
        sys.exit(f"{listing}: no training videos listed")
    temporary = out + ".tmp"
    with open(temporary, "wb") as f:
        pickle.dump(gt, f, protocol=2)
    os.replace(temporary, out)
    print(f"{out}: {len(gt['train_videos'][split - 1])} of {len(training)} training videos of split {split}")


if __name__ == "__main__":
    main()
