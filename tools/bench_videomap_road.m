% ROAD's side of tools/bench_videomap.sh (read that script first):
%   octave --no-gui --no-window-system tools/bench_videomap_road.m REFS/online-tubes WORK/road
% Times ROAD's unmodified online-tubes code (gurkirt/realtime-action-detection 9dd8e1b5) on the input
% tools/bench_videomap_reference.py road-input wrote, with I01onlineTubes' settings (ucf24, iouthresh
% 0.1, costtype 'score', gap 3) and the alpha it reports (5): actionPaths (reads the per-frame .mat
% files, links, saves each video's paths), readALLactionPaths and PARactionPathSmoother (temporal
% labelling), then convert2eval and get_PR_curve at 0.2 and 0.5:0.05:0.95, the calls gettubes makes
% for one alpha. `parfor` runs as a plain loop (no toolbox). Writes WORK/road-reference.json (mAP
% and per-label AP in percent per threshold) and WORK/road-seconds.txt; it computes nothing itself.
1;

function s = numbers(x)
  s = ['[', strjoin(arrayfun(@(v) sprintf('%.17g', v), x(:).', 'UniformOutput', false), ','), ']'];
end

args = argv();
ref = make_absolute_filename(args{1});
work = make_absolute_filename(args{2});
save_default_options('-mat7-binary');
cd(ref);
addpath(genpath('gentube/'));
addpath(genpath('actionpath/'));
addpath(genpath('eval/'));
addpath(genpath('utils/'));
addpath([work, '/facade']);  % getVideoNames, copied verbatim out of I01onlineTubes.m by the shell script

dopts = initDatasetOpts(work, work, 'ucf24', 'rgb', 'CONV', '01', 1, 0.1, 'score', 3);
numActions = length(dopts.actions);
alpha = 5;

t = tic;
actionPaths(dopts);
linking = toc(t);

t = tic;
actionpaths = readALLactionPaths(dopts.vidList, dopts.actPathDir, 1);
smoothedtubes = PARactionPathSmoother(actionpaths, alpha * ones(numActions, 1), numActions);
labelling = toc(t);

t = tic;
annot = load(dopts.annotFile);
annot = annot.annot;
testvideos = getVideoNames(dopts.vidList);
min_num_frames = 8;    kthresh = 0.0;     topk = 40;
xmldata = convert2eval(smoothedtubes, min_num_frames, kthresh * ones(numActions, 1), topk, testvideos);
thresholds = [0.2, [0.5:0.05:0.95]];
maps = zeros(size(thresholds));
aps = zeros(numActions, numel(thresholds));
for k = 1:numel(thresholds)
  [tmAP, tmIoU, tacc, AP] = get_PR_curve(annot, xmldata, testvideos, dopts.actions, thresholds(k));
  maps(k) = tmAP;
  aps(:, k) = AP;
end
evaluation = toc(t);

out = fopen([work, '/road-reference.json'], 'w');
fprintf(out, '{"octave":"%s","alpha":%d,"thresholds":%s,"mAP":%s,"ap":[', version(), alpha, ...
        numbers(thresholds), numbers(100 * maps));
for k = 1:numel(thresholds)
  if k > 1, fprintf(out, ','); end
  fprintf(out, '%s', numbers(100 * aps(:, k)));
end
fprintf(out, ']}\n');
fclose(out);
out = fopen([work, '/road-seconds.txt'], 'w');
fprintf(out, 'seconds road linking %.2f\nseconds road labelling %.2f\nseconds road ap %.2f\nseconds road total %.2f\n', ...
        linking, labelling, evaluation, linking + labelling + evaluation);
fclose(out);
