import ArgumentParser
import Detection

extension TwoStreamFusion {
  /// The fusion of `rgb` with the flow detector checkpoint at `path`, the combined provenance
  /// (`trained (two streams): RGB …; flow …` when both are trained) and the flow checkpoint's own:
  /// the one loader behind
  /// `detect --flow` and `eval-framemap --flow-detector`.
  ///
  /// `option` names the flag in the error about an RGB checkpoint; `configure` applies the run's
  /// overrides to the flow detector's configuration before it is built; `flowWeight` is the flow
  /// stream's share of the fused scores (``TwoStreamFusion/flowWeight``).
  /// - Throws: ``DetectorError/badCheckpoint(path:detail:)`` for an RGB checkpoint given as flow,
  ///   ``DetectorError/badConfiguration(_:)`` when the two detectors' classes, input size or clip
  ///   length differ, and the checkpoint's own loading errors.
  static func load(
    rgb: ActionDetector, rgbProvenance: String, flowPath path: String, option: String,
    flowWeight: Float = 0.5,
    configure: (inout DetectorConfiguration) -> Void = { _ in }
  ) throws -> (fusion: TwoStreamFusion, provenance: String, flowProvenance: String) {
    var (configuration, flowProvenance, store) = try DetectorCheckpoint.open(path: path)
    guard configuration.contextStream == .flow else {
      throw DetectorError.badCheckpoint(
        path: path, detail: "\(option) needs a flow detector (context stream flow), this one is rgb")
    }
    configure(&configuration)
    let fusion = try TwoStreamFusion(
      rgb: rgb, flow: try ActionDetector(weights: &store, configuration: configuration),
      flowWeight: flowWeight)
    let trained = [rgbProvenance, flowProvenance].allSatisfy(DetectorCheckpoint.isTrained)
    let combined = (trained ? "trained (two streams): " : "") + "RGB \(rgbProvenance); flow \(flowProvenance)"
    return (fusion, combined, flowProvenance)
  }

  /// Checks a `--flow-weight` option: in 0...1, and other than the average only beside the flow
  /// detector option `flowOption` (`given`: whether that option was given).
  static func validateFlowWeight(_ weight: Float, flowOption: String, given: Bool) throws {
    if weight != 0.5, !given { throw ValidationError("--flow-weight needs \(flowOption) FILE") }
    guard isValidFlowWeight(weight) else {
      throw ValidationError("--flow-weight must be in 0...1, got \(weight)")
    }
  }
}
