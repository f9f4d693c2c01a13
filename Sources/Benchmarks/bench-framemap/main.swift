// bench-framemap: times the four frame-AP protocols at UCF-101-24 split-1 scale (the real
// 910-video test GT from pyannot.pkl, ~1 M synthetic detections) and compares with the Python
// reference `tools/framemap_reference.py` on the same input.
//
//   swift run -c release bench-framemap [--skip-python] [--per-frame N] [--python PATH]
//                                       [--python-ties stable|numpy-legacy] [--repeats N]
//
// The Python reference runs with the tie rule of --python-ties (default stable; numpy-legacy needs
// a Python whose numpy is <= 1.24, e.g. --python /work/.venv-np124/bin/python).
//
// Run from the repository root (needs annotations/ucf24 and python3 with numpy).
import Datasets
import Evaluation
import Foundation

let arguments = CommandLine.arguments
let skipPython = arguments.contains("--skip-python")
func value(after flag: String) -> String? {
  guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
  return arguments[i + 1]
}
let perFrame = Int(value(after: "--per-frame") ?? "") ?? 6
let python = value(after: "--python") ?? "python3"
let repeats = Int(value(after: "--repeats") ?? "") ?? 3
let pythonTies = TieRule(rawValue: value(after: "--python-ties") ?? "stable") ?? .stable
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The best of `repeats` timings of `body`.
func bestSeconds(_ body: () -> Void) -> Double {
  (0..<max(1, repeats)).map { _ in seconds(body) }.min() ?? 0
}

do {
  let layout = DatasetLayout(.ucf24, root: repository.appendingPathComponent("annotations").path)
  var gt = GroundTruth(labels: [], trainVideos: [], testVideos: [], videos: [:])
  let loadTime = try seconds { gt = try layout.loadGroundTruth() }
  let videos = gt.testVideos[0]
  let boxes = videos.reduce(0) { total, v in
    total + (gt.videos[v]?.tubes.reduce(0) { $0 + $1.frames.count } ?? 0)
  }
  let detections = SyntheticDetections.make(gt: gt, videos: videos, perFrame: perFrame, seed: 2024)
  print(
    "input: UCF-101-24 split 1, \(videos.count) videos, \(boxes) GT boxes (\(layout.groundTruthPath), "
      + "loaded in \(String(format: "%.2f", loadTime)) s), \(detections.count) synthetic detections")
  print(
    "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; labels are evaluated in parallel "
      + "(Dispatch); Swift times are the best of \(repeats) runs")

  var evaluator: FrameMAPEvaluator?
  let prepare = bestSeconds {
    evaluator = FrameMAPEvaluator(groundTruth: gt, videos: videos, detections: detections)
  }
  guard let evaluator else { exit(1) }
  var swiftTime: [FrameAPProtocol: Double] = [:]
  var legacyTime: [FrameAPProtocol: Double] = [:]
  var stableMAP: [FrameAPProtocol: Double] = [:]
  var legacyMAP: [FrameAPProtocol: Double] = [:]
  for p in FrameAPProtocol.allCases {
    swiftTime[p] = bestSeconds {
      stableMAP[p] = evaluator.evaluate(protocol: p, ties: .stable, tieInterval: false).mAP
    }
    legacyTime[p] = bestSeconds {
      legacyMAP[p] = evaluator.evaluate(protocol: p, ties: .numpyLegacy, tieInterval: false).mAP
    }
  }
  let compared = pythonTies == .stable ? swiftTime : legacyTime
  let comparedMAP = pythonTies == .stable ? stableMAP : legacyMAP
  var reference: ReferenceRun.Result?
  if !skipPython {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bench-framemap-\(getpid())")
    defer { try? FileManager.default.removeItem(at: directory) }
    print("running the Python reference (several minutes)…")
    reference = try ReferenceRun.run(
      python: python, ties: pythonTies,
      script: repository.appendingPathComponent("tools/framemap_reference.py").path, gt: gt,
      videos: videos, detections: detections, directory: directory)
  }
  print("")
  print("preparation (flattening, shared by all protocols): \(String(format: "%.3f", prepare)) s")
  print("python reference and mAP columns use ties \(pythonTies.rawValue)")
  print("protocol   swift stable (s)  swift numpy-legacy (s)  python (s)   ratio   mAP swift   mAP python")
  var total = prepare
  var pythonTotal = 0.0
  for p in FrameAPProtocol.allCases {
    let s = compared[p] ?? 0
    total += s
    let py = reference?.seconds[p.rawValue]
    pythonTotal += py ?? 0
    let cells = [
      p.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
      String(format: "%16.3f", swiftTime[p] ?? 0), String(format: "%22.3f", legacyTime[p] ?? 0),
      py.map { String(format: "%10.2f", $0) } ?? "         -",
      py.map { String(format: "%6.0fx", $0 / s) } ?? "      -",
      String(format: "%10.6f", comparedMAP[p] ?? 0),
      reference?.mAP[p.rawValue].map { String(format: "%12.6f", $0) } ?? "           -",
    ]
    print(cells.joined(separator: " "))
  }
  print(
    "all four (\(pythonTies.rawValue), incl. preparation): \(String(format: "%.3f", total)) s"
      + (reference == nil
        ? ""
        : "; python \(String(format: "%.1f", pythonTotal)) s; ratio "
          + String(format: "%.0fx", pythonTotal / total)))
} catch {
  FileHandle.standardError.write(Data("bench-framemap: \(error)\n".utf8))
  exit(1)
}
