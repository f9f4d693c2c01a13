import Detection
import Networks
import Tensor

/// The benchmark's paper-sized inputs: the seeded 21-class detector at 320×400 and a fixed random
/// 20-frame clip with its first frame as the keyframe (the same for every timing of this binary).
enum PaperInputs {
  /// The detector, the clip `[1, 3, 20, 320, 400]` and the keyframe `[1, 3, 320, 400]`.
  static func make() throws -> (detector: ActionDetector, clip: Tensor, keyframe: Tensor) {
    let configuration = DetectorConfiguration(classes: (1...21).map { String(format: "class%02d", $0) })
    var store = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try ActionDetector(weights: &store, configuration: configuration)
    let values = CounterRandom(seed: 1).values(
      "bench-clip", count: 3 * 20 * 320 * 400, center: 127.5, halfWidth: 127.5)
    return (
      detector, Tensor(shape: [1, 3, 20, 320, 400], scalars: values),
      Tensor(shape: [1, 3, 320, 400], scalars: Array(values.prefix(3 * 320 * 400)))
    )
  }
}
