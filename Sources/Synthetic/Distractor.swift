import Foundation

/// A moving non-human object: a bouncing ball or a sliding, spinning box. Never annotated; when
/// drawn in front of an actor it hides the actor's pixels (and so trims the actor's box).
public struct Distractor: Sendable {
  /// The kind of object.
  public enum Kind: Sendable {
    /// A ball that falls and bounces on its ground line.
    case ball
    /// A square that slides along its ground line and spins.
    case box
  }

  /// Ball or box.
  public var kind: Kind
  /// Radius (ball) or half side (box), world pixels.
  public var size: Float
  /// Fill colour.
  public var colour: Tint
  /// World position at frame 0 (centre).
  public var start: Point2
  /// Horizontal velocity, world pixels per frame.
  public var velocityX: Float
  /// Initial vertical velocity (ball), world pixels per frame, `y` down.
  public var velocityY: Float
  /// World `y` of the ground line it bounces or slides on.
  public var groundY: Float
  /// Spin of a box, radians per frame.
  public var spin: Float
  /// Whether it is drawn in front of the actors (else behind them).
  public var inFront: Bool

  /// A random ball or box somewhere in a `width` × `height` view.
  static func random(width: Int, height: Int, using rng: inout SeededRandom) -> Distractor {
    let ground = rng.uniform((Float(height) * 0.6)...(Float(height) * 1.0))
    let isBall = rng.chance(0.5)
    let size = rng.uniform(5...(isBall ? 16 : 22))
    return Distractor(
      kind: isBall ? .ball : .box, size: size, colour: .random(20...250, using: &rng),
      start: Point2(rng.uniform(0...Float(width)), isBall ? rng.uniform(0...(ground - size)) : ground - size),
      velocityX: rng.uniform(-5...5), velocityY: isBall ? rng.uniform(-4...2) : 0, groundY: ground,
      spin: isBall ? 0 : rng.uniform(-0.15...0.15), inFront: rng.chance(0.4))
  }

  /// Centre at frame `k`: a ball follows a ballistic path bouncing with restitution 0.8; a box
  /// slides on the ground.
  func centre(at k: Int) -> Point2 {
    let x = start.x + velocityX * Float(k)
    guard kind == .ball else { return Point2(x, start.y) }
    let gravity: Float = 0.6
    var y = start.y
    var vy = velocityY
    for _ in 0..<k {
      vy += gravity
      y += vy
      if y > groundY - size {
        y = groundY - size
        vy = -abs(vy) * 0.8
      }
    }
    return Point2(x, y)
  }

  /// Draws the object at frame `k` through `view`, owned by nobody.
  func draw(into canvas: inout Canvas, at k: Int, view: View) {
    let c = view.screen(centre(at: k))
    let r = size * view.zoom
    switch kind {
    case .ball:
      canvas.fillDisc(c, r, colour, owner: 0)
      canvas.fillDisc(
        Point2(c.x - r * 0.35, c.y - r * 0.35), r * 0.3, colour.mixed(with: Tint(255, 255, 255), 0.5),
        owner: 0)
    case .box:
      let angle = spin * Float(k)
      let corners = (0..<4).map { i -> Point2 in
        let a = angle + Float(i) * .pi / 2 + .pi / 4
        return Point2(c.x + r * 1.414 * cos(a), c.y + r * 1.414 * sin(a))
      }
      canvas.fillConvex(corners, colour, owner: 0) { p in 0.8 + 0.2 * (p.y - c.y + r) / (2 * r) }
    }
  }
}
