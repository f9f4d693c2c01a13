import Foundation
import Networks
import Tensor

/// What a run folder records besides the detector checkpoint so that a killed run resumes exactly:
/// the step, the examples seen, the options (seed included: every random choice derives from the
/// seed and the sample index), the optimiser's state and the best validation frame-mAP.
///
/// Stored as `RUN/state.safetensors`: one tensor per optimiser state entry (``Optimiser/savedState``:
/// `velocity.<parameter name>` for SGD, `adam_m.…` and `adam_v.…` for AdamW) and the
/// rest as JSON in the metadata key `train`. It names the checkpoint it belongs to, written first.
public struct RunState: Sendable, Codable {
  /// Steps done.
  public var step: Int
  /// Samples consumed.
  public var examplesSeen: Int
  /// Options of the run.
  public var options: TrainingOptions
  /// File name (inside the run folder) of the checkpoint of this step.
  public var checkpoint: String
  /// Best validation frame-mAP so far (percent), and its step.
  public var bestFrameMAP: Double?
  /// Step of ``bestFrameMAP``.
  public var bestStep: Int?
  /// Wall-clock seconds of training so far (over every resumed session).
  public var seconds: Double
  /// Provenance carried into every checkpoint (dataset, split, init, command line).
  public var provenance: [String: String]
  /// The optimiser's state by key (``Optimiser/savedState``; not in the JSON).
  public var optimiserState: [String: Tensor] = [:]

  private enum CodingKeys: String, CodingKey {
    case step, examplesSeen, options, checkpoint, bestFrameMAP, bestStep, seconds, provenance
  }

  /// A state.
  public init(
    step: Int, examplesSeen: Int, options: TrainingOptions, checkpoint: String, bestFrameMAP: Double?,
    bestStep: Int?, seconds: Double, provenance: [String: String],
    optimiserState: [String: Tensor]
  ) {
    self.step = step
    self.examplesSeen = examplesSeen
    self.options = options
    self.checkpoint = checkpoint
    self.bestFrameMAP = bestFrameMAP
    self.bestStep = bestStep
    self.seconds = seconds
    self.provenance = provenance
    self.optimiserState = optimiserState
  }

  /// File name of the state in a run folder.
  public static let fileName = "state.safetensors"

  /// Writes the state into `directory` (temporary name, then rename).
  public func write(directory: String) throws {
    var writer = SafeTensorsWriter()
    for key in optimiserState.keys.sorted() {
      let v = optimiserState[key]!
      writer.add(key, shape: v.shape, values: v.scalars)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    writer.metadata = ["train": String(decoding: try encoder.encode(self), as: UTF8.self)]
    try writer.write(to: "\(directory)/\(Self.fileName)")
  }

  /// Reads the state of the run folder `directory`.
  public static func read(directory: String) throws -> RunState {
    let path = "\(directory)/\(fileName)"
    guard FileManager.default.fileExists(atPath: path) else {
      throw TrainingError.badResume(
        path: directory, detail: "no \(fileName): not a run folder, or no checkpoint yet")
    }
    let file = try SafeTensorsFile(path: path)
    guard let json = file.metadata["train"] else {
      throw TrainingError.badResume(path: path, detail: "no 'train' metadata")
    }
    var state: RunState
    do {
      state = try JSONDecoder().decode(RunState.self, from: Data(json.utf8))
    } catch {
      throw TrainingError.badResume(path: path, detail: "bad 'train' metadata: \(error)")
    }
    for key in file.keys {
      state.optimiserState[key] = Tensor(shape: file.entries[key]!.shape, scalars: try file.floats(key))
    }
    return state
  }
}
