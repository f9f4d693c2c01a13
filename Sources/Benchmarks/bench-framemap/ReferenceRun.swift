import Datasets
import Evaluation
import Foundation

/// Writes the benchmark input in the Python reference's formats and runs it.
enum ReferenceRun {
  /// Per-protocol seconds and mAPs reported by `tools/framemap_reference.py`.
  struct Result {
    var seconds: [String: Double]
    var mAP: [String: Double]
  }

  /// Writes GT, split, labels and detections into `directory`, runs the reference with `python`,
  /// and returns its timings; `nil` with a message on stderr when Python is unavailable.
  static func run(
    python: String, ties: TieRule, script: String, gt: GroundTruth, videos: [String],
    detections: [FrameDetection],
    directory: URL
  ) throws -> Result? {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var labels = gt.labels.joined(separator: "\n") + "\n"
    try labels.write(to: directory.appendingPathComponent("labels.txt"), atomically: true, encoding: .utf8)
    labels = ""
    var split = ""
    var rows = "video,label,tube,frame,x1,y1,x2,y2\n"
    for video in videos {
      guard let annotation = gt.videos[video] else { continue }
      split += "\(video) \(annotation.frameCount)\n"
      for (t, tube) in annotation.tubes.enumerated() {
        for (frame, box) in zip(tube.frames, tube.boxes) {
          rows += "\(video),\(tube.label),\(t),\(frame),\(box.x1),\(box.y1),\(box.x2),\(box.y2)\n"
        }
      }
    }
    try split.write(to: directory.appendingPathComponent("videos.txt"), atomically: true, encoding: .utf8)
    try rows.write(to: directory.appendingPathComponent("gt.csv"), atomically: true, encoding: .utf8)
    var csv = "video,frame,label,score,x1,y1,x2,y2\n"
    csv.reserveCapacity(detections.count * 90)
    for d in detections {
      csv += "\(d.video),\(d.frame),\(d.label),\(d.score),\(d.box.x1),\(d.box.y1),\(d.box.x2),\(d.box.y2)\n"
    }
    try csv.write(to: directory.appendingPathComponent("detections.csv"), atomically: true, encoding: .utf8)
    let json = directory.appendingPathComponent("reference.json")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      python, script, "--gt-csv", directory.appendingPathComponent("gt.csv").path,
      "--videos", directory.appendingPathComponent("videos.txt").path,
      "--labels", directory.appendingPathComponent("labels.txt").path,
      "--detections", directory.appendingPathComponent("detections.csv").path,
      "--ties", ties.rawValue, "--json", json.path,
    ]
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(Data("bench-framemap: cannot run \(python): \(error)\n".utf8))
      return nil
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      FileHandle.standardError.write(Data("bench-framemap: the Python reference failed\n".utf8))
      return nil
    }
    let runs = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]] ?? []
    var result = Result(seconds: [:], mAP: [:])
    for run in runs {
      guard let name = run["protocol"] as? String else { continue }
      result.seconds[name] = run["seconds"] as? Double
      result.mAP[name] = run["mAP"] as? Double
    }
    return result
  }
}
