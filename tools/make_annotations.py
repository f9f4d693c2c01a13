#!/usr/bin/env python3
"""Builds annotations/ (label maps, split lists, ground-truth copies) and the YOWO test fixture.

Run from the repository root with the system python3 (numpy needed only to read the pickles;
any python3 with numpy >= 1.x works, no venv required):

    python3 tools/make_annotations.py [--shared ../shared]

Inputs (../shared/data/gt/): JHMDB-GT.pkl, pyannot.pkl, testlist01.txt,
yowo_groundtruths_jhmdb.zip. Outputs:
  annotations/jhmdb/{labels.txt, trainlist0{1,2,3}.txt, testlist0{1,2,3}.txt, JHMDB-GT.pkl}
  annotations/ucf24/{labels.txt, trainlist01.txt, testlist01.txt, pyannot.pkl}
  Tests/DatasetsTests/Fixtures/yowo_jhmdb/*.txt (the GT files of two split-1 test videos)
Split lists come from the pickle itself (JHMDB) or from testlist01.txt (UCF-101-24; the train list
is every other video of pyannot.pkl, sorted).
"""
import argparse
import os
import pickle
import shutil
import zipfile

UCF24_LABELS = [
    "Basketball", "BasketballDunk", "Biking", "CliffDiving", "CricketBowling", "Diving",
    "Fencing", "FloorGymnastics", "GolfSwing", "HorseRiding", "IceDancing", "LongJump",
    "PoleVault", "RopeClimbing", "SalsaSpin", "SkateBoarding", "Skiing", "Skijet",
    "SoccerJuggling", "Surfing", "TennisSwing", "TrampolineJumping", "VolleyballSpiking",
    "WalkingWithDog",
]
YOWO_VIDEOS = [  # two split-1 test videos; the first is one of YOWO's 13 missing-frame cases
    "clap_The_Slow_Clap_clap_u_cm_np1_fr_med_4",
    "brush_hair_April_09_brush_hair_u_nm_np1_ba_goo_0",
]


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    args = ap.parse_args()
    gt = os.path.join(args.shared, "data", "gt")

    os.makedirs("annotations/jhmdb", exist_ok=True)
    os.makedirs("annotations/ucf24", exist_ok=True)
    jpkl = os.path.join(gt, "jhmdb", "JHMDB-GT.pkl")
    with open(jpkl, "rb") as f:
        d = pickle.load(f, encoding="latin1")
    write_lines("annotations/jhmdb/labels.txt", d["labels"])
    for s in range(3):
        write_lines(f"annotations/jhmdb/trainlist0{s + 1}.txt", d["train_videos"][s])
        write_lines(f"annotations/jhmdb/testlist0{s + 1}.txt", d["test_videos"][s])
    shutil.copyfile(jpkl, "annotations/jhmdb/JHMDB-GT.pkl")

    upkl = os.path.join(gt, "ucf24", "pyannot.pkl")
    with open(upkl, "rb") as f:
        p = pickle.load(f, encoding="latin1")
    for name, video in p.items():
        assert UCF24_LABELS[video["label"]] == str(name).split("/")[0], name
    with open(os.path.join(gt, "ucf24", "testlist01.txt")) as f:
        test = [line.strip() for line in f if line.strip()]
    train = sorted(str(k) for k in p.keys() if str(k) not in set(test))
    write_lines("annotations/ucf24/labels.txt", UCF24_LABELS)
    write_lines("annotations/ucf24/trainlist01.txt", train)
    shutil.copyfile(os.path.join(gt, "ucf24", "testlist01.txt"), "annotations/ucf24/testlist01.txt")
    shutil.copyfile(upkl, "annotations/ucf24/pyannot.pkl")

    out = "Tests/DatasetsTests/Fixtures/yowo_jhmdb"
    os.makedirs(out, exist_ok=True)
    with zipfile.ZipFile(os.path.join(gt, "jhmdb", "yowo_groundtruths_jhmdb.zip")) as z:
        for info in z.infolist():
            base = os.path.basename(info.filename)
            if any(base.startswith(v + "_") for v in YOWO_VIDEOS):
                with open(os.path.join(out, base), "wb") as f:
                    f.write(z.read(info))


if __name__ == "__main__":
    main()
