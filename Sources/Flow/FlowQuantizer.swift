/// The 8-bit encoding of optical flow that action-recognition datasets store (I3D, the two-stream
/// networks, MMAction's `denseflow`): each component clipped to ±`bound` pixels and mapped linearly
/// to 0…255.
///
/// Encoding (the `CAST` macro of `dense_flow`/`denseflow`, computed in double precision):
/// `byte = 255 if v > bound, 0 if v < −bound, else round(255 · (v + bound) / (2 · bound))`, rounding
/// halves to even (OpenCV's `cvRound`); zero flow is 127.5 → 128. Decoding inverts the map:
/// `v = byte · 2 · bound / 255 − bound` pixels (128 → +0.078 px at bound 20), or, as network input,
/// `byte / 127.5 − 1` in [−1, 1] (I3D's flow scaling: ±`bound` pixels ↦ ±1). One step is
/// `2 · bound / 255` = 0.157 px at bound 20, so the round trip is exact to ±0.078 px inside the bound.
///
/// ```swift
/// let (x, y) = FlowQuantizer().encode(flow)   // two GrayImages
/// let back = FlowQuantizer().decode(x: x, y: y)  // pixels, clipped to ±20
/// ```
public struct FlowQuantizer: Sendable, Equatable {
  /// The clipping bound in pixels (20 in I3D and the datasets).
  public var bound: Double

  /// A quantizer clipping at `bound` pixels (default 20).
  public init(bound: Double = 20) {
    precondition(bound > 0, "the flow bound must be positive")
    self.bound = bound
  }

  /// The byte of one displacement `value` (pixels).
  @inline(__always)
  public func byte(_ value: Float) -> UInt8 {
    let v = Double(value)
    if v > bound { return 255 }
    if v < -bound { return 0 }
    guard v == v else { return 128 }  // NaN: no motion known
    return UInt8((255 * (v + bound) / (2 * bound)).rounded(.toNearestOrEven))
  }

  /// The displacement in pixels that `byte` stands for.
  @inline(__always)
  public func pixels(_ byte: UInt8) -> Float {
    Float(Double(byte) * 2 * bound / 255 - bound)
  }

  /// The network-input value of `byte`: `byte / 127.5 − 1`, in [−1, 1].
  @inline(__always)
  public static func unit(_ byte: UInt8) -> Float {
    Float(byte) / 127.5 - 1
  }

  /// The two 8-bit images of `flow`: horizontal (`x`) and vertical (`y`) components.
  public func encode(_ flow: FlowField) -> (x: GrayImage, y: GrayImage) {
    (
      GrayImage(width: flow.width, height: flow.height, checkedPixels: flow.dx.map(byte)),
      GrayImage(width: flow.width, height: flow.height, checkedPixels: flow.dy.map(byte))
    )
  }

  /// The flow in pixels that two stored images stand for; `nil` when their sizes differ.
  public func decode(x: GrayImage, y: GrayImage) -> FlowField? {
    FlowField(width: x.width, height: x.height, dx: x.pixels.map(pixels), dy: y.pixels.map(pixels))
  }

  /// The flow scaled to [−1, 1] as a network reads it (`byte / 127.5 − 1`); `nil` when sizes differ.
  public static func decodeUnit(x: GrayImage, y: GrayImage) -> FlowField? {
    FlowField(width: x.width, height: x.height, dx: x.pixels.map(unit), dy: y.pixels.map(unit))
  }
}
