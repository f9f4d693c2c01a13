#!/usr/bin/env bash
# Makes Tests/EvaluationTests/Fixtures/road_ucf_dets.csv and road_ucf_expected.json: ROAD's online
# tube linking, temporal labelling and video-AP (Singh et al., ICCV 2017) computed by ROAD's own,
# unmodified MATLAB code, run in GNU Octave, on a small UCF-101-24-shaped input; and
# road_jhmdb_expected.json: ROAD's APs on the committed JHMDB subset with videomap_jhmdb_dets.csv
# (the input of the act and yowo checks, one row per box and label), for EvalVideoMAPCommandTests.
#
# Reference (read-only snapshot): gurkirt/realtime-action-detection
# 9dd8e1b5642c7cb3170a31cc3ec5a3c586a3b261, folder online-tubes/. Extract it, e.g.
#   git --git-dir=/work/.mirror/gurkirt+realtime-action-detection/repo archive \
#     9dd8e1b5642c7cb3170a31cc3ec5a3c586a3b261 online-tubes | tar x -C REFS
# and run from the repository root (needs octave, python3 with numpy and scipy; for making the
# fixture only, never in tests or CI):
#   tools/make_road_linking_fixture.sh REFS
# (made with GNU Octave 7.3.0, numpy 2.4.6, scipy 1.17.1).
#
# Steps:
# 1. tools/make_road_linking_fixture.py input: the detections in ROAD's own input format (per frame
#    a .mat of float32 `scores` and normalised `loc`, as ROAD's test-ucf24.py saves them), its split
#    list and annotation file, and the same detections as our CSV (see that script).
# 2. tools/road_reference_driver.m: I01onlineTubes' pipeline with I01onlineTubes' parameters:
#    initDatasetOpts (ucf24, iouthresh 0.1, costtype 'score', gap 3), actionPaths (dofilter, nms,
#    incremental_linking), readALLactionPaths, PARactionPathSmoother (dpEM_max) for alpha 3 and 5,
#    then gettubes (convert2eval, get_PR_curve, compute_spatio_temporal_iou, xVOCap). gettubes is a
#    local function of I01onlineTubes.m, whose main function has hard-coded /mnt paths; it is copied
#    verbatim into a file of its own (with getVideoNames, which it calls). Two things are not as in
#    MATLAB: `parfor` runs as a plain loop (as ROAD's README suggests without the toolbox), and
#    gettubes' `save(..., '-v7.3')` of the smoothed tubes, which Octave cannot write, is avoided by
#    making that file beforehand with gettubes' own call (gettubes then loads it).
# 3. tools/make_road_linking_fixture.py assemble: the expected JSON (paths, tubes and APs as IEEE
#    bit patterns: float32 where ROAD holds single values, float64 where it holds doubles).
# The JHMDB run (input-jhmdb, assemble-jhmdb) does the same with initDatasetOpts' JHMDB setting;
# its .mat files hold the CSV's boxes grouped into priors as ROADPrior does, with float32 `loc` such
# that `loc * 320` is the CSV's value exactly.
set -euo pipefail
refs=${1:?usage: tools/make_road_linking_fixture.sh REFS (the folder holding online-tubes/)}
tubes="$refs/online-tubes"
test -f "$tubes/I01onlineTubes.m" || { echo "no $tubes/I01onlineTubes.m" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # run DATASET STEP-SUFFIX: one reference run in a fresh folder
  local work="$tmp/$1"
  mkdir -p "$work/facade"
  sed -n '/^function results = gettubes(dopts)/,/^function videos = getVideoNames/p' "$tubes/I01onlineTubes.m" \
    | sed '$d' > "$work/facade/gettubes.m"
  sed -n '/^function videos = getVideoNames/,$p' "$tubes/I01onlineTubes.m" > "$work/facade/getVideoNames.m"
  grep -q 'convert2eval(smoothedtubes, min_num_frames' "$work/facade/gettubes.m"
  python3 tools/make_road_linking_fixture.py "input$2" "$work"
  octave --no-gui --no-window-system --quiet tools/road_reference_driver.m "$tubes" "$work" "$1" \
    > "$work/octave.log" || { cat "$work/octave.log" >&2; exit 1; }
  python3 tools/make_road_linking_fixture.py "assemble$2" "$work"
}
run ucf24 ""
run JHMDB -jhmdb
