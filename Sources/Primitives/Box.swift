/// An axis-aligned box `x1, y1, x2, y2` in source-image pixels, 0-based, as `Float`.
///
/// This is the one box type that crosses module lines (see DESIGN.md, "Data that crosses module
/// lines"). Its geometry is continuous: width is `x2 - x1`, with no "+1 pixel" term. The inclusive
/// "+1" convention of the ACT and YOWO evaluation scripts lives only inside those protocols.
public struct Box: Hashable, Sendable, CustomStringConvertible {
  /// Left edge in pixels.
  public var x1: Float
  /// Top edge in pixels.
  public var y1: Float
  /// Right edge in pixels.
  public var x2: Float
  /// Bottom edge in pixels.
  public var y2: Float

  /// Creates a box from its corners.
  public init(x1: Float, y1: Float, x2: Float, y2: Float) {
    self.x1 = x1
    self.y1 = y1
    self.x2 = x2
    self.y2 = y2
  }

  /// Width `x2 - x1`; negative for an inverted box.
  public var width: Float { x2 - x1 }

  /// Height `y2 - y1`; negative for an inverted box.
  public var height: Float { y2 - y1 }

  /// Area `width * height`, or 0 when the box is empty or inverted.
  public var area: Float { max(0, width) * max(0, height) }

  /// True when the box has a positive width and height.
  public var isValid: Bool { x2 > x1 && y2 > y1 }

  /// Intersection over union with `other` (continuous convention, no +1); 0 when the union is empty.
  public func iou(with other: Box) -> Float {
    let w = min(x2, other.x2) - max(x1, other.x1)
    let h = min(y2, other.y2) - max(y1, other.y1)
    guard w > 0, h > 0 else { return 0 }
    let inter = w * h
    let union = area + other.area - inter
    return union > 0 ? inter / union : 0
  }

  /// The box clipped to an image of `width` × `height` pixels (coordinates in `0...width`, `0...height`).
  public func clipped(width: Float, height: Float) -> Box {
    Box(
      x1: min(max(x1, 0), width), y1: min(max(y1, 0), height),
      x2: min(max(x2, 0), width), y2: min(max(y2, 0), height))
  }

  /// The box with every coordinate multiplied: `x` by `sx`, `y` by `sy`.
  public func scaled(x sx: Float, y sy: Float) -> Box {
    Box(x1: x1 * sx, y1: y1 * sy, x2: x2 * sx, y2: y2 * sy)
  }

  /// `[x1, y1, x2, y2]` with two decimals.
  public var description: String {
    func f(_ v: Float) -> String {
      let r = (Double(v) * 100).rounded() / 100
      return String(r)
    }
    return "[\(f(x1)), \(f(y1)), \(f(x2)), \(f(y2))]"
  }
}
