% Octave driver of tools/make_road_linking_fixture.sh (read that script first):
%   octave --no-gui --no-window-system tools/road_reference_driver.m REFS/online-tubes WORK DATASET
% Runs ROAD's unmodified online-tubes code on the input under WORK (DATASET ucf24 or JHMDB, as
% initDatasetOpts names them) and writes WORK/reference.json.
% Nothing here computes a result; it only calls the reference and prints what it returns.
1;

function s = hexes(x)
  % JSON list of the IEEE bit patterns of x (row-major), 8 hex digits for single, 16 for double.
  x = x.';
  x = x(:);
  parts = cell(1, numel(x));
  for k = 1:numel(x)
    parts{k} = ['"', num2hex(x(k)), '"'];
  end
  s = ['[', strjoin(parts, ','), ']'];
end

function s = ints(x)
  s = ['[', strjoin(arrayfun(@(v) sprintf('%d', v), x(:).', 'UniformOutput', false), ','), ']'];
end

args = argv();
ref = make_absolute_filename(args{1});
work = make_absolute_filename(args{2});
dataset = args{3};
% The reference saves its intermediate results with save(); make that the binary MAT format
% (Octave's default text format would also round-trip, but binary cannot lose a bit).
save_default_options('-mat7-binary');
cd(ref);
% As I01onlineTubes does.
addpath(genpath('gentube/'));
addpath(genpath('actionpath/'));
addpath(genpath('eval/'));
addpath(genpath('utils/'));
% gettubes and getVideoNames, copied verbatim out of I01onlineTubes.m by the shell script.
addpath([work, '/facade']);

% I01onlineTubes' loop values: ucf24, list 01, rgb, CONV, iouthresh 0.1, costtype 'score', gap 3.
dopts = initDatasetOpts(work, work, dataset, 'rgb', 'CONV', '01', 1, 0.1, 'score', 3);
numActions = length(dopts.actions);
actionPaths(dopts);

% gettubes smooths the paths and saves them with save(..., '-v7.3'), which Octave cannot write; it
% skips both when the file exists. So make that file first, with gettubes' own call.
actionpaths = readALLactionPaths(dopts.vidList, dopts.actPathDir, 1);
for alpha = [3, 5]
  tubesSaveName = sprintf('%stubes-alpha%04d.mat', dopts.tubeDir, uint16(alpha * 100));
  smoothedtubes = PARactionPathSmoother(actionpaths, alpha * ones(numActions, 1), numActions);
  save(tubesSaveName, 'smoothedtubes');
end
results = gettubes(dopts);
rows = results{1};
class_aps = results{2};
testvideos = getVideoNames(dopts.vidList);
annot = load(dopts.annotFile);
annot = annot.annot;

out = fopen([work, '/reference.json'], 'w');
fprintf(out, '{"octave":"%s",\n', version());
thresholds = rows(rows(:, 2) == 3, 1);
fprintf(out, '"thresholds":%s,\n', hexes(thresholds));

% Value classes the reference computes in (ROAD's detections are float32: single).
for a = 1:numActions
  if isfield(actionpaths(1).paths{a}, 'boxes'), p1 = actionpaths(1).paths{a}(1); break; end
end
fprintf(out, '"classes":{"pathBoxes":"%s","pathScores":"%s","pathAllScores":"%s"},\n', ...
        class(p1.boxes), class(p1.scores), class(p1.allScores));

% Action paths: per video (list order), per label, per path in the reference's order.
fprintf(out, '"paths":[');
for v = 1:length(actionpaths)
  if v > 1, fprintf(out, ','); end
  fprintf(out, '[');
  for a = 1:numActions
    if a > 1, fprintf(out, ','); end
    paths = actionpaths(v).paths{a};
    fprintf(out, '[');
    if isfield(paths, 'boxes')
      for p = 1:length(paths)
        if p > 1, fprintf(out, ','); end
        fprintf(out, '{"start":%d,"end":%d,"foundAt":%s,"boxes":%s,"scores":%s}', paths(p).start, ...
                paths(p).end, ints(paths(p).foundAT), hexes(paths(p).boxes), hexes(paths(p).scores));
      end
    end
    fprintf(out, ']');
  end
  fprintf(out, ']');
end
fprintf(out, '],\n');

% Per alpha: the tubes convert2eval passes to get_PR_curve (gettubes' call, its parameters) and
% gettubes' own results; the driver checks that get_PR_curve on these tubes gives gettubes' APs.
fprintf(out, '"runs":[');
alphas = [3, 5];
for r = 1:2
  alpha = alphas(r);
  load(sprintf('%stubes-alpha%04d.mat', dopts.tubeDir, uint16(alpha * 100)));
  min_num_frames = 8;    kthresh = 0.0;     topk = 40;
  xmldata = convert2eval(smoothedtubes, min_num_frames, kthresh * ones(numActions, 1), topk, testvideos);
  mine = find(rows(:, 2) == alpha);
  for k = 1:numel(mine)
    [tmAP, tmIoU, tacc, AP] = get_PR_curve(annot, xmldata, testvideos, dopts.actions, rows(mine(k), 1));
    assert(isequal(AP, class_aps{mine(k)}) && tmAP == rows(mine(k), 5));
  end
  if r > 1, fprintf(out, ','); end
  fprintf(out, '{"alpha":%d,"mAP":%s,"meanIoU":%s,"accuracy":%s,"aps":[', alpha, hexes(rows(mine, 5)), ...
          hexes(rows(mine, 4)), hexes(rows(mine, 6)));
  for k = 1:numel(mine)
    if k > 1, fprintf(out, ','); end
    fprintf(out, '%s', hexes(class_aps{mine(k)}));
  end
  fprintf(out, '],"tubes":[');
  for v = 1:length(xmldata)
    if v > 1, fprintf(out, ','); end
    fprintf(out, '[');
    if isfield(xmldata, 'class')
      for t = 1:length(xmldata(v).class)
        if t > 1, fprintf(out, ','); end
        fnr = xmldata(v).framenr(t).fnr;
        fprintf(out, '{"label":%d,"score":"%s","first":%d,"last":%d,"xywh":%s}', xmldata(v).class(t) - 1, ...
                num2hex(xmldata(v).score(t)), fnr(1), fnr(end), hexes(xmldata(v).boxes(t).bxs));
        assert(isequal(fnr, fnr(1):fnr(end)));
      end
    end
    fprintf(out, ']');
  end
  fprintf(out, ']}');
end
fprintf(out, ']');
if ~exist([work, '/primitives.mat'], 'file')
  fprintf(out, '}\n');
  fclose(out);
  return;
end
fprintf(out, ',\n');

% Stand-alone reference functions called directly on the hand-made cases of primitives.mat.
cases = load([work, '/primitives.mat']);
fprintf(out, '"primitives":{"viterbi":[');
for k = 1:numel(cases.viterbi)
  if k > 1, fprintf(out, ','); end
  [p, q, D] = dpEM_max(cases.viterbi{k}.M, cases.viterbi{k}.alpha);
  fprintf(out, '%s', ints(p - 1));
end
fprintf(out, '],"nms":[');
for k = 1:numel(cases.nms)
  if k > 1, fprintf(out, ','); end
  fprintf(out, '%s', ints(nms(cases.nms{k}.boxes, 0.45) - 1));
end
fprintf(out, '],"stiou":[');
for k = 1:numel(cases.stiou)
  if k > 1, fprintf(out, ','); end
  c = cases.stiou{k};
  fprintf(out, '"%s"', num2hex(compute_spatio_temporal_iou(c.gt_fnr, c.gt_bb, c.dt_fnr, c.dt_bb)));
end
fprintf(out, ']}}\n');
fclose(out);
