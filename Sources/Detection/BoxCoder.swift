import Foundation
import Primitives

/// The Faster R-CNN box coder: `dx = wx·(x − xa)/wa`, `dy = wy·(y − ya)/ha`, `dw = ww·log(w/wa)`,
/// `dh = wh·log(h/ha)` on centres and sizes (``Geometry`` conventions, no "+1").
///
/// Same numbers as torchvision's `BoxCoder(weights=(10, 10, 5, 5))` and TF's `FasterRcnnBoxCoder`
/// (whose scale factors `[10, 10, 5, 5]` are listed in `y, x, h, w` order).
public struct BoxCoder: Sendable, Equatable {
  /// Weights `(wx, wy, ww, wh)`.
  public var weights: (x: Float, y: Float, width: Float, height: Float)
  /// Upper bound applied to `dw / ww` and `dh / wh` before `exp` when decoding.
  public var maximumLogScale: Float

  /// The Faster R-CNN coder, weights (10, 10, 5, 5), clamp `log(1000 / 16)`.
  public static let fasterRCNN = BoxCoder(weights: (10, 10, 5, 5))

  /// A coder with the given weights.
  public init(
    weights: (x: Float, y: Float, width: Float, height: Float), maximumLogScale: Float = log(1000 / 16)
  ) {
    self.weights = weights
    self.maximumLogScale = maximumLogScale
  }

  /// Compares weights and clamp.
  public static func == (lhs: BoxCoder, rhs: BoxCoder) -> Bool {
    lhs.weights == rhs.weights && lhs.maximumLogScale == rhs.maximumLogScale
  }

  /// Deltas `(dx, dy, dw, dh)` that move `anchor` onto `box`.
  public func encode(_ box: Box, anchor: Box) -> SIMD4<Float> {
    let (aw, ah) = (anchor.width, anchor.height)
    let (ax, ay) = (anchor.x1 + 0.5 * aw, anchor.y1 + 0.5 * ah)
    let (w, h) = (box.width, box.height)
    let (x, y) = (box.x1 + 0.5 * w, box.y1 + 0.5 * h)
    return SIMD4(
      weights.x * (x - ax) / aw, weights.y * (y - ay) / ah,
      weights.width * log(w / aw), weights.height * log(h / ah))
  }

  /// The box obtained by applying `deltas` `(dx, dy, dw, dh)` to `anchor`.
  public func decode(_ deltas: SIMD4<Float>, anchor: Box) -> Box {
    let (aw, ah) = (anchor.width, anchor.height)
    let (ax, ay) = (anchor.x1 + 0.5 * aw, anchor.y1 + 0.5 * ah)
    let dx = deltas[0] / weights.x
    let dy = deltas[1] / weights.y
    let dw = min(deltas[2] / weights.width, maximumLogScale)
    let dh = min(deltas[3] / weights.height, maximumLogScale)
    let (x, y) = (dx * aw + ax, dy * ah + ay)
    let (w, h) = (exp(dw) * aw, exp(dh) * ah)
    return Box(x1: x - 0.5 * w, y1: y - 0.5 * h, x2: x + 0.5 * w, y2: y + 0.5 * h)
  }
}
