import Foundation

/// A procedural background: a wall above a horizon and a floor below it, each a gradient, a noise
/// texture, stripes or tiles, rendered once into a texture larger than the frame so the camera can
/// pan and zoom over it.
public struct Backdrop: Sendable {
  /// The pattern of one surface.
  public enum Pattern: CaseIterable, Sendable {
    /// A smooth two-colour gradient.
    case gradient
    /// Multi-octave value noise between two colours.
    case noise
    /// Straight stripes at a random angle.
    case stripes
    /// A checkerboard of two colours.
    case tiles
  }

  /// Texture width and height in world pixels.
  let textureWidth: Int
  let textureHeight: Int
  /// World position of texture pixel (0, 0).
  let origin: Point2
  /// RGB texture, 3 floats per pixel.
  let texels: [Float]

  /// A random backdrop covering a `width` × `height` frame with a margin of half a frame on each
  /// side; the horizon lies at world `y = horizon`.
  public static func random(width: Int, height: Int, horizon: Float, using rng: inout SeededRandom)
    -> Backdrop
  {
    let tw = width * 2
    let th = height * 2
    let origin = Point2(-Float(width) / 2, -Float(height) / 2)
    let wall = Surface.random(Pattern.allCases, scale: Float(width), using: &rng)
    let floor = Surface.random([.gradient, .noise, .tiles], scale: Float(width), using: &rng)
    var texels = [Float](repeating: 0, count: tw * th * 3)
    for ty in 0..<th {
      let wy = origin.y + Float(ty)
      for tx in 0..<tw {
        let wx = origin.x + Float(tx)
        // The floor recedes: its pattern is squashed vertically the nearer it is to the horizon.
        let c =
          wy < horizon
          ? wall.colour(wx, wy)
          : floor.colour(wx * 0.8, horizon + (wy - horizon) * 1.6).scaled(
            0.85 + 0.15 * min(1, (wy - horizon) / 80))
        let i = (ty * tw + tx) * 3
        texels[i] = c.r
        texels[i + 1] = c.g
        texels[i + 2] = c.b
      }
    }
    return Backdrop(textureWidth: tw, textureHeight: th, origin: origin, texels: texels)
  }

  /// Paints the backdrop as seen through `view` into the whole canvas (bilinear sampling, edges
  /// clamped), owned by nobody.
  public func paint(into canvas: inout Canvas, view: View) {
    let inverse = 1 / view.zoom
    let halfW = Float(view.width) / 2
    let halfH = Float(view.height) / 2
    let maxX = Float(textureWidth - 1)
    let maxY = Float(textureHeight - 1)
    for y in 0..<canvas.height {
      let ty = min(max((Float(y) + 0.5 - halfH) * inverse + view.centre.y - origin.y, 0), maxY)
      let y0 = min(Int(ty), textureHeight - 2)
      let fy = ty - Float(y0)
      for x in 0..<canvas.width {
        let tx = min(max((Float(x) + 0.5 - halfW) * inverse + view.centre.x - origin.x, 0), maxX)
        let x0 = min(Int(tx), textureWidth - 2)
        let fx = tx - Float(x0)
        let i00 = (y0 * textureWidth + x0) * 3
        let i01 = i00 + textureWidth * 3
        var c = Tint(0, 0, 0)
        for k in 0..<3 {
          let top = texels[i00 + k] + (texels[i00 + 3 + k] - texels[i00 + k]) * fx
          let bottom = texels[i01 + k] + (texels[i01 + 3 + k] - texels[i01 + k]) * fx
          let v = top + (bottom - top) * fy
          if k == 0 { c.r = v } else if k == 1 { c.g = v } else { c.b = v }
        }
        canvas.set(x, y, c, 0)
      }
    }
  }
}

/// One patterned surface (wall or floor) as a function of world position.
struct Surface {
  var pattern: Backdrop.Pattern
  var a: Tint
  var b: Tint
  /// Pattern period or noise cell size, in pixels.
  var period: Float
  /// Stripe direction (unit vector) or gradient direction.
  var direction: Point2
  /// Lattice values of the noise, `latticeSize²`, per octave.
  var lattice: [Float]
  static let latticeSize = 64

  static func random(_ patterns: [Backdrop.Pattern], scale: Float, using rng: inout SeededRandom) -> Surface {
    let a = Tint.random(30...230, using: &rng)
    let b = a.mixed(with: .random(0...255, using: &rng), rng.uniform(0.3...0.9))
    let angle = rng.uniform(0...(2 * .pi))
    let lattice = (0..<(latticeSize * latticeSize)).map { _ in rng.unit() }
    return Surface(
      pattern: rng.pick(patterns), a: a, b: b, period: rng.uniform(8...(scale / 6)),
      direction: Point2(cos(angle), sin(angle)), lattice: lattice)
  }

  func colour(_ x: Float, _ y: Float) -> Tint {
    switch pattern {
    case .gradient:
      let t = 0.5 + 0.5 * sin((x * direction.x + y * direction.y) / (period * 12))
      return a.mixed(with: b, t)
    case .stripes:
      let t = (x * direction.x + y * direction.y) / period
      return (t - t.rounded(.down)) < 0.5 ? a : b
    case .tiles:
      let i = Int((x / period).rounded(.down)) + Int((y / period).rounded(.down))
      return i & 1 == 0 ? a : b.mixed(with: a, 0.3)
    case .noise:
      var v: Float = 0
      var amplitude: Float = 0.55
      var cell = period * 1.5
      for _ in 0..<3 {
        v += amplitude * valueNoise(x / cell, y / cell)
        amplitude *= 0.5
        cell *= 0.45
      }
      return a.mixed(with: b, min(1, max(0, v * 1.15)))
    }
  }

  /// Smoothly interpolated lattice noise in `0...1` (the lattice repeats every 64 cells).
  func valueNoise(_ x: Float, _ y: Float) -> Float {
    let fx = x.rounded(.down)
    let fy = y.rounded(.down)
    let n = Self.latticeSize
    let ix = ((Int(fx) % n) + n) % n
    let iy = ((Int(fy) % n) + n) % n
    let sx = smoothstep(x - fx)
    let sy = smoothstep(y - fy)
    let v00 = lattice[iy * n + ix]
    let v10 = lattice[iy * n + (ix + 1) % n]
    let v01 = lattice[((iy + 1) % n) * n + ix]
    let v11 = lattice[((iy + 1) % n) * n + (ix + 1) % n]
    let top = v00 + (v10 - v00) * sx
    return top + (v01 + (v11 - v01) * sx - top) * sy
  }
}
