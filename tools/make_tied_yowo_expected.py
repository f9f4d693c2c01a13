#!/usr/bin/env python3
"""Scores the tied-score fixtures of Tests/EvaluationTests/Fixtures (made by
make_tied_framemap_fixtures.py) with YOWO's frame-mAP code, unmodified, and writes
tied_framemap_expected_yowo.json.

Reference: wei-tim/YOWO 9d202c1694dfa883e67fd8c5455a2b7ad779684f,
`evaluation_ucf24_jhmdb/pascalvoc.py` with `lib/Evaluator.py`, `lib/BoundingBox.py`,
`lib/BoundingBoxes.py`, `lib/utils.py` (rafaelpadilla Object-Detection-Metrics). Extract it outside
the repository, e.g.
  git --git-dir=/work/.mirror/wei-tim+YOWO/repo archive HEAD evaluation_ucf24_jhmdb/lib \
      evaluation_ucf24_jhmdb/pascalvoc.py evaluation_ucf24_jhmdb/_init_paths.py | tar x -C REFS
and run from the repository root (both venvs: the result must not depend on numpy):
  /work/.venv-ties/bin/python  tools/make_tied_yowo_expected.py REFS
  /work/.venv-ties2/bin/python tools/make_tied_yowo_expected.py REFS --check

The script pascalvoc.py is run as YOWO's README runs it (`-gt DIR -det DIR -np`), through runpy so
its globals (`mAP`, the per-class `detections` list) can be read at full precision. Its input is
written the way YOWO writes it (core/optimization.py:test_ucf24_jhmdb21, groundtruths_jhmdb.zip):
one text file per annotated frame, named `<label>_<video>_<frame:05d>.txt` (the video path's `/`
replaced by `_`), ground truth lines `class x1 y1 x2 y2`, detection lines
`class score x1 y1 x2 y2`, classes 1-based. Detection files exist only for frames with ground truth,
as YOWO's test list holds annotated frames only. Lines keep the fixture's row order (box-major, one
line per label), as YOWO's writer loops over boxes and then classes. Ties: Evaluator sorts each
class's detections with Python's stable `sorted(..., reverse=True)` over the order files were read
(`glob` + `sort`, then line order); on these fixtures that is the evaluator's input order because
the file names sort in split order.

Only imports unavailable in a numpy-only venv are stubbed: cv2 (imported by lib/utils.py, used for
drawing only) and matplotlib.pyplot (plots; savefig and show are no-ops).
"""
import json
import os
import runpy
import sys
import tempfile
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tied_framemap_fixtures import DATASETS, IOU, OUT, load_subset, read_boxes  # noqa: E402


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def install_stubs():
    noop = lambda *args, **kwargs: None  # noqa: E731
    stub("cv2")
    matplotlib = stub("matplotlib")
    matplotlib.pyplot = stub("matplotlib.pyplot", **{n: noop for n in (
        "close", "plot", "xlabel", "ylabel", "title", "legend", "grid", "savefig", "show", "pause")})


def write_inputs(root, labels, videos, gttubes, rows):
    gt_dir, det_dir = os.path.join(root, "gt"), os.path.join(root, "det")
    os.makedirs(gt_dir)
    os.makedirs(det_dir)
    gt_lines = {}
    for v in videos:
        for label in sorted(gttubes[v]):
            for tube in gttubes[v][label]:
                for r in tube:
                    gt_lines.setdefault((v, int(r[0])), []).append(
                        f"{label + 1} " + " ".join(repr(float(c)) for c in r[1:5]))
    name = lambda v, frame: f"{v.replace('/', '_')}_{frame:05d}.txt"  # noqa: E731
    for (v, frame), lines in gt_lines.items():
        with open(os.path.join(gt_dir, name(v, frame)), "w") as f:
            f.writelines(line + "\n" for line in lines)
    det_lines = {}
    for r in rows:
        v = videos[r[0]]
        if (v, r[1]) not in gt_lines:
            continue  # not in YOWO's test list: no detection file
        box = " ".join(repr(float(c)) for c in r[2:6])
        det_lines.setdefault((v, r[1]), []).extend(
            f"{c + 1} {float(r[6 + c])!r} {box}" for c in range(len(labels)))
    for (v, frame), lines in det_lines.items():
        with open(os.path.join(det_dir, name(v, frame)), "w") as f:
            f.writelines(line + "\n" for line in lines)
    return gt_dir, det_dir


def run_padilla(refs, labels, videos, gttubes, rows):
    script = os.path.join(refs, "evaluation_ucf24_jhmdb", "pascalvoc.py")
    sys.path.insert(0, os.path.dirname(script))
    cwd, argv = os.getcwd(), sys.argv
    with tempfile.TemporaryDirectory() as root:
        gt_dir, det_dir = write_inputs(root, labels, videos, gttubes, rows)
        os.makedirs(os.path.join(root, "out"))  # pascalvoc.py wants an existing -sp folder
        sys.argv = [script, "-gt", gt_dir, "-det", det_dir, "-t", str(IOU), "-sp", os.path.join(root, "out"), "-np"]
        try:
            g = runpy.run_path(script, run_name="__main__")
        finally:
            sys.argv = argv
            os.chdir(cwd)  # getBoundingBoxes chdirs into the folders
    by_class = {r["class"]: r for r in g["detections"]}
    classes = []
    for i, label in enumerate(labels):
        r = by_class.get(str(i + 1))
        if r is None or r["total positives"] == 0:
            classes.append({"label": label, "ap": None, "tp": None, "fp": None})
        else:
            classes.append({"label": label, "ap": float(100 * r["AP"]), "tp": int(r["total TP"]),
                            "fp": int(r["total FP"])})
    return float(100 * g["mAP"]), classes


def main():
    refs = sys.argv[1]
    check = "--check" in sys.argv[2:]
    install_stubs()
    result = {"numpy": np.__version__, "iou": IOU, "datasets": {}}
    for dataset, pick in DATASETS.items():
        labels, videos, nframes, gttubes = load_subset(dataset, pick)
        rows = read_boxes(f"{OUT}/tied_{dataset}_boxes.csv")
        mAP, classes = run_padilla(refs, labels, videos, gttubes, rows)
        annotated = {(v, int(r[0])) for v in videos for tubes in gttubes[v].values() for t in tubes for r in t}
        evaluated = sum(len(labels) for r in rows if (videos[r[0]], r[1]) in annotated)
        result["datasets"][dataset] = {"yowo": {"mAP": mAP, "classes": classes},
                                       "rows": len(rows) * len(labels), "evaluatedRows": evaluated}
        print(dataset, "yowo", mAP, f"{evaluated} of {len(rows) * len(labels)} rows on annotated frames",
              file=sys.stderr)
    path = f"{OUT}/tied_framemap_expected_yowo.json"
    if check:
        with open(path) as f:
            old = json.load(f)
        same = old["datasets"] == result["datasets"]
        print("identical to", path, "(numpy", old["numpy"], "vs", np.__version__ + "):", same, file=sys.stderr)
        sys.exit(0 if same else 1)
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
