/// Errors of the `detect` command, one line each.
public enum DetectCommandError: Error, CustomStringConvertible {
  /// No weights were given.
  case missingWeights
  /// An output could not be written.
  case write(path: String, detail: String)
  /// The video has no frames.
  case emptyVideo(path: String)
  /// The flow of a two-stream run is missing or unusable.
  case missingFlow(path: String, detail: String)
  /// A flow detector was given where an RGB one runs alone.
  case flowDetectorAlone
  /// `--flow default` without the shipped flow stream.
  case missingDefaultFlow
  /// The second read of the video (`--tubes` draws the frames after linking) found fewer frames.
  case videoChanged(path: String, expected: Int, found: Int)

  /// One line.
  public var description: String {
    switch self {
    case .missingWeights:
      return """
        detect: no detector weights: the default model (\(DefaultDetector.fileName)) is neither beside this \
        executable nor in its source tree. Pass --weights FILE: one safetensors file with keyframe.*, context.*, \
        rpn.* and head.* tensors and the 'detector' configuration in its metadata (see README, "detect"; \
        `train` makes them), or pass --random-init to time the pipeline with seeded untrained weights \
        (its outputs say so).
        """
    case .write(let path, let detail): return "\(path): cannot write: \(detail)"
    case .emptyVideo(let path): return "\(path): read frames: expected at least 1 frame, found 0"
    case .missingFlow(let path, let detail): return "\(path): flow: \(detail)"
    case .flowDetectorAlone:
      return "this detector's context stream is flow: it runs beside an RGB detector, "
        + "`detect VIDEO --weights RGB.safetensors --flow FLOW.safetensors` (alone: not supported)"
    case .missingDefaultFlow:
      return "detect: --flow default: the default flow stream (\(DefaultDetector.flowFileName)) is neither "
        + "beside this executable nor in its source tree; pass --flow FILE (a flow detector, `train --stream flow`)"
    case .videoChanged(let path, let expected, let found):
      return "\(path): second read for --tubes: expected \(expected) frames as in the first, found \(found)"
    }
  }
}
