import Primitives

/// An RGB colour with `Float` channels in `0...255` (clamped when written to the image).
public struct Tint: Equatable, Sendable {
  /// Red.
  public var r: Float
  /// Green.
  public var g: Float
  /// Blue.
  public var b: Float

  /// Creates a colour.
  public init(_ r: Float, _ g: Float, _ b: Float) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// The colour with every channel multiplied by `factor` (shading).
  public func scaled(_ factor: Float) -> Tint { Tint(r * factor, g * factor, b * factor) }

  /// The colour blended towards `other` by `t`.
  public func mixed(with other: Tint, _ t: Float) -> Tint {
    Tint(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
  }

  /// A random colour with each channel in `range`.
  static func random(_ range: ClosedRange<Float>, using rng: inout SeededRandom) -> Tint {
    Tint(rng.uniform(range), rng.uniform(range), rng.uniform(range))
  }
}

/// A frame being drawn: RGB pixels and, per pixel, which actor (1, 2, 3 …) owns it, 0 for none.
///
/// Shapes are filled without anti-aliasing: a pixel belongs to a shape when its centre is inside,
/// so the owner mask is exact and an actor's box is the box of its mask. Drawing a non-actor
/// shape (owner 0) over an actor hides those pixels of the actor.
public struct Canvas: Sendable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Packed RGB, `Float` per channel (row-major, 3 per pixel).
  var colour: [Float]
  /// Owner of each pixel: 0 background, `k` actor `k`.
  public private(set) var owner: [UInt8]

  /// A black canvas owned by nobody.
  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
    colour = [Float](repeating: 0, count: width * height * 3)
    owner = [UInt8](repeating: 0, count: width * height)
  }

  @inline(__always)
  mutating func set(_ x: Int, _ y: Int, _ c: Tint, _ id: UInt8) {
    let i = y * width + x
    colour[3 * i] = c.r
    colour[3 * i + 1] = c.g
    colour[3 * i + 2] = c.b
    owner[i] = id
  }

  /// Fills the tapered capsule from `a` (radius `ra`) to `b` (radius `rb`): every pixel whose
  /// centre lies within the interpolated radius of the segment. Coordinates are pixels.
  public mutating func fillCapsule(
    _ a: Point2, _ b: Point2, _ ra: Float, _ rb: Float, _ c: Tint, owner id: UInt8
  ) {
    let r = max(ra, rb)
    let x0 = max(0, Int((min(a.x, b.x) - r).rounded(.down)))
    let x1 = min(width - 1, Int((max(a.x, b.x) + r).rounded(.up)))
    let y0 = max(0, Int((min(a.y, b.y) - r).rounded(.down)))
    let y1 = min(height - 1, Int((max(a.y, b.y) + r).rounded(.up)))
    guard x0 <= x1, y0 <= y1 else { return }
    let dx = b.x - a.x
    let dy = b.y - a.y
    let length2 = dx * dx + dy * dy
    for y in y0...y1 {
      let py = Float(y) + 0.5 - a.y
      for x in x0...x1 {
        let px = Float(x) + 0.5 - a.x
        let t = length2 > 0 ? min(max((px * dx + py * dy) / length2, 0), 1) : 0
        let ex = px - t * dx
        let ey = py - t * dy
        let radius = ra + (rb - ra) * t
        if ex * ex + ey * ey <= radius * radius { set(x, y, c, id) }
      }
    }
  }

  /// Fills the disc of `radius` pixels around `centre`.
  public mutating func fillDisc(_ centre: Point2, _ radius: Float, _ c: Tint, owner id: UInt8) {
    fillCapsule(centre, centre, radius, radius, c, owner: id)
  }

  /// Fills the convex polygon `corners` (in order, either winding): pixels whose centre is inside.
  public mutating func fillConvex(
    _ corners: [Point2], _ c: Tint, owner id: UInt8, shade: ((Point2) -> Float)? = nil
  ) {
    guard corners.count >= 3 else { return }
    let x0 = max(0, Int(corners.map(\.x).min()!.rounded(.down)))
    let x1 = min(width - 1, Int(corners.map(\.x).max()!.rounded(.up)))
    let y0 = max(0, Int(corners.map(\.y).min()!.rounded(.down)))
    let y1 = min(height - 1, Int(corners.map(\.y).max()!.rounded(.up)))
    guard x0 <= x1, y0 <= y1 else { return }
    let n = corners.count
    for y in y0...y1 {
      for x in x0...x1 {
        let p = Point2(Float(x) + 0.5, Float(y) + 0.5)
        var positive = 0
        var negative = 0
        for i in 0..<n {
          let a = corners[i]
          let b = corners[(i + 1) % n]
          let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
          if cross > 0 { positive += 1 } else if cross < 0 { negative += 1 }
        }
        if positive == 0 || negative == 0 { set(x, y, shade.map { c.scaled($0(p)) } ?? c, id) }
      }
    }
  }

  /// The tight box of the pixels owned by `id`, 0-based inclusive (`x2` is the last column), and
  /// how many pixels that is; `nil` when it owns none.
  public func box(of id: UInt8) -> (box: Box, pixels: Int)? {
    var minX = width
    var minY = height
    var maxX = -1
    var maxY = -1
    var count = 0
    for y in 0..<height {
      let row = y * width
      for x in 0..<width where owner[row + x] == id {
        minX = min(minX, x)
        maxX = max(maxX, x)
        minY = min(minY, y)
        maxY = max(maxY, y)
        count += 1
      }
    }
    guard count > 0 else { return nil }
    return (Box(x1: Float(minX), y1: Float(minY), x2: Float(maxX), y2: Float(maxY)), count)
  }
}
