/// How a figure looks: skin, hair and clothing colours, sleeve and trouser length.
public struct Appearance: Equatable, Sendable {
  /// Face, hands and bare limbs.
  public var skin: Tint
  /// Hair (a cap over the back and top of the head).
  public var hair: Tint
  /// Torso and sleeves.
  public var shirt: Tint
  /// Thighs, and shins when ``longTrousers``.
  public var trousers: Tint
  /// Feet.
  public var shoes: Tint
  /// Whether the sleeves reach the wrists (else the forearms are bare).
  public var longSleeves: Bool
  /// Whether the trousers reach the ankles (else shorts).
  public var longTrousers: Bool

  /// Random colours: skin from a range of natural tones, clothing anywhere in the colour space.
  public static func random(using rng: inout SeededRandom) -> Appearance {
    let tones: [Tint] = [
      Tint(255, 224, 196), Tint(234, 192, 158), Tint(198, 148, 110), Tint(160, 110, 75), Tint(110, 72, 48),
      Tint(80, 52, 36),
    ]
    let a = rng.int(in: 0...(tones.count - 2))
    let skin = tones[a].mixed(with: tones[a + 1], rng.unit())
    let hairs: [Tint] = [
      Tint(20, 16, 14), Tint(60, 40, 25), Tint(120, 80, 40), Tint(200, 170, 110), Tint(150, 150, 150),
    ]
    return Appearance(
      skin: skin, hair: rng.pick(hairs), shirt: .random(20...240, using: &rng),
      trousers: .random(15...200, using: &rng), shoes: .random(10...90, using: &rng),
      longSleeves: rng.chance(0.6), longTrousers: rng.chance(0.75))
  }
}

/// Where the camera looks: world-to-screen mapping of one frame (`screen = (world − centre) ×
/// zoom + frame centre`).
public struct View: Equatable, Sendable {
  /// World point at the frame centre.
  public var centre: Point2
  /// Screen pixels per world pixel.
  public var zoom: Float
  /// Frame size in pixels.
  public var width: Int
  /// Frame size in pixels.
  public var height: Int

  /// The screen position of world point `p`.
  public func screen(_ p: Point2) -> Point2 {
    Point2((p.x - centre.x) * zoom + Float(width) / 2, (p.y - centre.y) * zoom + Float(height) / 2)
  }
}

/// A posed figure placed in the world: what ``Canvas/drawFigure(_:view:owner:)`` draws.
public struct PlacedFigure: Sendable {
  /// Proportions.
  public var shape: BodyShape
  /// Colours.
  public var appearance: Appearance
  /// Joint positions in body heights (pelvis at the origin, `x` forward, `y` up).
  public var joints: Joints
  /// World position of the pelvis (pixels, `y` down).
  public var pelvis: Point2
  /// Standing height in world pixels.
  public var height: Float
  /// `+1` facing right, `-1` facing left.
  public var facing: Float

  /// World position of body point `p`.
  func world(_ p: Point2) -> Point2 { Point2(pelvis.x + facing * p.x * height, pelvis.y - p.y * height) }
}

extension Canvas {
  /// Draws a figure back to front: far arm, far leg, torso, head, near leg, near arm. Far limbs
  /// are shaded darker. Every pixel drawn is owned by `owner`.
  public mutating func drawFigure(_ f: PlacedFigure, view: View, owner id: UInt8) {
    let s = view.zoom * f.height
    let look = f.appearance
    let shape = f.shape
    func at(_ p: Point2) -> Point2 { view.screen(f.world(p)) }
    func limb(_ a: Point2, _ b: Point2, _ ra: Float, _ rb: Float, _ c: Tint) {
      fillCapsule(at(a), at(b), ra * s, rb * s, c, owner: id)
    }
    func arm(_ l: Limb, _ shade: Float) {
      limb(l.root, l.middle, shape.upperArmRadius, shape.upperArmRadius * 0.9, look.shirt.scaled(shade))
      limb(
        l.middle, l.end, shape.forearmRadius, shape.forearmRadius * 0.9,
        (look.longSleeves ? look.shirt : look.skin).scaled(shade))
      fillDisc(at(l.tip), shape.handRadius * s, look.skin.scaled(shade), owner: id)
    }
    func leg(_ l: Limb, _ shade: Float) {
      limb(l.root, l.middle, shape.thighRadius, shape.thighRadius * 0.85, look.trousers.scaled(shade))
      limb(
        l.middle, l.end, shape.shinRadius, shape.shinRadius * 0.85,
        (look.longTrousers ? look.trousers : look.skin).scaled(shade))
      limb(
        l.end + Point2(-0.015, 0), l.tip, shape.footRadius, shape.footRadius * 0.8, look.shoes.scaled(shade))
    }
    let j = f.joints
    arm(j.farArm, 0.72)
    leg(j.farLeg, 0.75)
    limb(j.neckBase, j.head, shape.neckRadius, shape.neckRadius, look.skin.scaled(0.9))
    limb(j.pelvis, j.neckBase, shape.torsoBottomRadius, shape.torsoTopRadius, look.shirt)
    // Head: hair cap behind and above, the face in front of it.
    let r = shape.headRadius
    fillDisc(at(j.head + Point2(-0.012, 0.008)), r * 1.02 * s, look.hair, owner: id)
    fillDisc(at(j.head + Point2(0.01, -0.006)), r * 0.93 * s, look.skin, owner: id)
    leg(j.nearLeg, 1)
    arm(j.nearArm, 1)
  }
}
