/// A dense optical flow: for every pixel of the first frame, its displacement in pixels to the
/// second frame.
///
/// Pixel `(x, y)` of frame 0 is at `(x + dx[i], y + dy[i])` in frame 1, `i = y * width + x`
/// (row-major, no padding), as OpenCV's flow fields (`flow[y, x] = (dx, dy)`).
public struct FlowField: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Horizontal displacements in pixels (positive: to the right), row-major.
  public var dx: [Float]
  /// Vertical displacements in pixels (positive: down), row-major.
  public var dy: [Float]

  /// A zero flow of the given size.
  public init(width: Int, height: Int) {
    precondition(width >= 0 && height >= 0, "flow size must not be negative")
    self.width = width
    self.height = height
    dx = [Float](repeating: 0, count: width * height)
    dy = dx
  }

  /// Wraps existing components; `nil` unless both hold `width * height` values.
  public init?(width: Int, height: Int, dx: [Float], dy: [Float]) {
    guard width >= 0, height >= 0, dx.count == width * height, dy.count == width * height else { return nil }
    self.width = width
    self.height = height
    self.dx = dx
    self.dy = dy
  }

  /// The end-point error against `other` at every pixel: `‖(dx, dy) − (dx′, dy′)‖` in pixels.
  ///
  /// Both fields must have the same size.
  public func endPointErrors(to other: FlowField) -> [Float] {
    precondition(width == other.width && height == other.height, "flow fields differ in size")
    return (0..<dx.count).map { i in
      let ex = dx[i] - other.dx[i]
      let ey = dy[i] - other.dy[i]
      return (ex * ex + ey * ey).squareRoot()
    }
  }
}
