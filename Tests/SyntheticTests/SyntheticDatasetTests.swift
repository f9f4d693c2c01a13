import Datasets
import Foundation
import Primitives
import Testing

@testable import Synthetic

@Suite struct SyntheticDatasetTests {
  @Test func sameArgumentsGiveIdenticalBytes() throws {
    let c = SyntheticTestSupport.small(videos: 2)
    let a = SyntheticTestSupport.temporaryPath("synthetic-a")
    let b = SyntheticTestSupport.temporaryPath("synthetic-b")
    defer {
      try? FileManager.default.removeItem(atPath: a)
      try? FileManager.default.removeItem(atPath: b)
    }
    _ = try SyntheticDatasetWriter.write(c, to: a)
    _ = try SyntheticDatasetWriter.write(c, to: b)
    let filesA = try SyntheticTestSupport.files(under: a)
    let filesB = try SyntheticTestSupport.files(under: b)
    #expect(filesA.keys.sorted() == filesB.keys.sorted())
    #expect(filesA.keys.contains("Frames/clap/clap_00001/00001.jpg"))
    #expect(filesA.keys.contains("Synthetic-GT.pkl"))
    #expect(!filesA.keys.contains { $0.contains(".tmp-") })
    for (name, bytes) in filesA { #expect(filesB[name] == bytes, "\(name) differs") }
    // A different seed gives different pictures.
    var other = c
    other.seed += 1
    let differentFrame = SyntheticVideo.generate(index: 0, configuration: other).frames[0].image
    #expect(differentFrame != SyntheticVideo.generate(index: 0, configuration: c).frames[0].image)
  }

  @Test func groundTruthRoundTripsThroughTheProjectsUnpickler() throws {
    let c = SyntheticTestSupport.small(videos: 3, seed: 11)
    let out = SyntheticTestSupport.temporaryPath("synthetic-gt")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let summary = try SyntheticDatasetWriter.write(c, to: out)
    let truth = try GroundTruth(actPickleAt: "\(out)/Synthetic-GT.pkl")
    #expect(truth.labels == SyntheticAction.allCases.map(\.label))
    #expect(truth.trainVideos == [["clap/clap_00001", "jump/jump_00002"]])
    #expect(truth.testVideos == [["kick/kick_00003"]])
    var boxes = 0
    for index in 0..<3 {
      let video = SyntheticVideo.generate(index: index, configuration: c)
      let read = try #require(truth.videos[video.id])
      #expect(read.frameCount == video.frames.count && read.width == 96 && read.height == 72)
      // The reader groups tubes by label; all tubes of a video share its label, in order.
      #expect(read.tubes == video.tubes)
      boxes += read.tubes.reduce(0) { $0 + $1.boxes.count }
    }
    #expect(boxes == summary.boxes && boxes > 0)
    let lines = try String(contentsOfFile: "\(out)/testlist01.txt", encoding: .utf8)
    #expect(lines == "kick/kick_00003\n")
    #expect(try DatasetLayout.readVideoList(at: "\(out)/trainlist01.txt") == truth.trainVideos[0])
  }

  @Test func groundTruthLoadsInPythonWithNumpy() throws {
    guard Self.pythonHasNumpy() else { return }  // optional check: skipped without python3 + numpy
    let c = SyntheticTestSupport.small(videos: 2, seed: 3)
    let out = SyntheticTestSupport.temporaryPath("synthetic-py")
    defer { try? FileManager.default.removeItem(atPath: out) }
    _ = try SyntheticDatasetWriter.write(c, to: out)
    let script = """
      import pickle, sys, warnings
      warnings.simplefilter('error')
      d = pickle.load(open(sys.argv[1], 'rb'))
      assert sorted(d) == ['gttubes', 'labels', 'nframes', 'resolution', 'test_videos', 'train_videos'], sorted(d)
      rows = []
      for v in sorted(d['gttubes']):
          for label, tubes in sorted(d['gttubes'][v].items()):
              for t in tubes:
                  assert t.dtype.str == '<f4' and t.ndim == 2 and t.shape[1] == 5, (t.dtype, t.shape)
                  rows.append('%s %d %d %s' % (v, label, t.shape[0], ' '.join('%g' % x for x in t.ravel())))
      print(' '.join(d['labels']))
      print(' '.join('%s:%d:%s' % (v, d['nframes'][v], d['resolution'][v]) for v in sorted(d['nframes'])))
      print(d['train_videos'], d['test_videos'])
      print('\\n'.join(rows))
      """
    let output = try Self.run("/usr/bin/env", ["python3", "-c", script, "\(out)/Synthetic-GT.pkl"])
    let truth = try GroundTruth(actPickleAt: "\(out)/Synthetic-GT.pkl")
    var expected = [truth.labels.joined(separator: " ")]
    expected.append(
      truth.videos.keys.sorted().map { "\($0):\(truth.videos[$0]!.frameCount):(72, 96)" }.joined(
        separator: " "))
    expected.append("\(truth.trainVideos) \(truth.testVideos)".replacingOccurrences(of: "\"", with: "'"))
    for id in truth.videos.keys.sorted() {
      for tube in truth.videos[id]!.tubes {
        let values = zip(tube.frames, tube.boxes).flatMap { [Float($0), $1.x1, $1.y1, $1.x2, $1.y2] }
        expected.append(
          "\(id) \(tube.label) \(tube.frames.count) " + values.map { "\(Int($0))" }.joined(separator: " "))
      }
    }
    #expect(output.split(separator: "\n").map(String.init) == expected)
  }

  static func pythonHasNumpy() -> Bool {
    (try? run("/usr/bin/env", ["python3", "-c", "import numpy"])) != nil
  }

  /// Runs a program and returns its standard output; throws when it exits non-zero.
  static func run(_ program: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    struct Failed: Error {}
    guard process.terminationStatus == 0 else { throw Failed() }
    return String(decoding: data, as: UTF8.self)
  }
}
