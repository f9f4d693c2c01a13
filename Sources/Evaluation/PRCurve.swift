import Foundation

/// One label's precision-recall curve, ready to plot.
public struct PRCurve: Sendable, Equatable {
  /// Class name.
  public var label: String
  /// AP in percent (`nil` when the label is left out of the mean).
  public var ap: Double?
  /// Recall of each point, in ranking order (non-decreasing).
  public var recall: [Float]
  /// Precision of each point.
  public var precision: [Float]

  /// Creates a curve.
  public init(label: String, ap: Double?, recall: [Float], precision: [Float]) {
    self.label = label
    self.ap = ap
    self.recall = recall
    self.precision = precision
  }

  /// A legend entry: `label (AP 71.42)` or `label (no GT)`.
  public var legend: String {
    ap.map { "\(label) (AP \(String(format: "%.2f", $0)))" } ?? "\(label) (no GT)"
  }
}

extension FrameMAPReport {
  /// The precision-recall curve of every label, thinned to at most `maxPoints` points each
  /// (first and last kept), in label order.
  public func precisionRecallCurves(maxPoints: Int = 400) -> [PRCurve] {
    thinningCurves(to: maxPoints).classes.map {
      PRCurve(label: $0.label, ap: $0.ap, recall: $0.recall, precision: $0.precision)
    }
  }
}
