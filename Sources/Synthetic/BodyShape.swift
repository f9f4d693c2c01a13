import Foundation

/// A point in the plane (body units or pixels, as the context says).
public struct Point2: Equatable, Sendable {
  /// Horizontal coordinate.
  public var x: Float
  /// Vertical coordinate.
  public var y: Float

  /// Creates a point.
  public init(_ x: Float, _ y: Float) {
    self.x = x
    self.y = y
  }

  static func + (a: Point2, b: Point2) -> Point2 { Point2(a.x + b.x, a.y + b.y) }
  static func * (a: Point2, s: Float) -> Point2 { Point2(a.x * s, a.y * s) }
}

/// Body proportions as fractions of the standing height, and the limb thicknesses.
public struct BodyShape: Equatable, Sendable {
  /// Hip to knee.
  public var thigh: Float = 0.245
  /// Knee to ankle.
  public var shin: Float = 0.24
  /// Pelvis to neck base.
  public var torso: Float = 0.30
  /// Neck base to the bottom of the head.
  public var neck: Float = 0.045
  /// Head radius.
  public var headRadius: Float = 0.062
  /// Shoulder to elbow.
  public var upperArm: Float = 0.175
  /// Elbow to wrist.
  public var forearm: Float = 0.155
  /// Ankle to toe.
  public var foot: Float = 0.085
  /// Multiplies every thickness (slim 0.85 … broad 1.2).
  public var build: Float = 1

  /// Average proportions.
  public init() {}

  /// Random proportions around the average (each length ±6 %, head ±10 %, build 0.85–1.2).
  public static func random(using rng: inout SeededRandom) -> BodyShape {
    var b = BodyShape()
    b.thigh *= rng.uniform(0.94...1.06)
    b.shin *= rng.uniform(0.94...1.06)
    b.torso *= rng.uniform(0.94...1.06)
    b.headRadius *= rng.uniform(0.9...1.1)
    b.upperArm *= rng.uniform(0.94...1.06)
    b.forearm *= rng.uniform(0.94...1.06)
    b.build = rng.uniform(0.85...1.2)
    return b
  }

  /// Hip to ankle.
  public var legLength: Float { thigh + shin }

  /// Half-thicknesses, in body heights, scaled by ``build``.
  var torsoTopRadius: Float { 0.072 * build }
  var torsoBottomRadius: Float { 0.062 * build }
  var thighRadius: Float { 0.047 * build }
  var shinRadius: Float { 0.035 * build }
  var upperArmRadius: Float { 0.032 * build }
  var forearmRadius: Float { 0.027 * build }
  var handRadius: Float { 0.03 }
  var footRadius: Float { 0.024 }
  var neckRadius: Float { 0.025 * build }

  /// Joint positions of `pose` by forward kinematics, in body heights, with the pelvis at the
  /// origin, `x` forward and `y` up.
  public func joints(_ pose: Pose) -> Joints {
    func direction(_ degrees: Float) -> Point2 {
      let r = degrees * .pi / 180
      return Point2(sin(r), -cos(r))
    }
    let up = Point2(sin(pose.lean * .pi / 180), cos(pose.lean * .pi / 180))
    let neckBase = up * torso
    let headAngle = (pose.lean + pose.head) * .pi / 180
    let head = neckBase + Point2(sin(headAngle), cos(headAngle)) * (neck + headRadius)
    let shoulderNear = neckBase + up * -0.025
    let shoulderFar = shoulderNear + Point2(-0.03, 0.005)
    let hipNear = Point2(0.01, 0)
    let hipFar = Point2(-0.02, 0.005)
    func leg(_ hip: Point2, _ thighAngle: Float, _ knee: Float) -> Limb {
      let k = hip + direction(thighAngle) * thigh
      let ankle = k + direction(thighAngle - knee) * shin
      return Limb(root: hip, middle: k, end: ankle, tip: ankle + Point2(foot, 0))
    }
    func arm(_ shoulder: Point2, _ angle: Float, _ elbow: Float) -> Limb {
      let e = shoulder + direction(angle) * upperArm
      let wrist = e + direction(angle + elbow) * forearm
      return Limb(root: shoulder, middle: e, end: wrist, tip: wrist + direction(angle + elbow) * 0.02)
    }
    return Joints(
      pelvis: Point2(0, 0), neckBase: neckBase, head: head,
      nearLeg: leg(hipNear, pose.hip.near, pose.knee.near), farLeg: leg(hipFar, pose.hip.far, pose.knee.far),
      nearArm: arm(shoulderNear, pose.shoulder.near, pose.elbow.near),
      farArm: arm(shoulderFar, pose.shoulder.far, pose.elbow.far))
  }

  /// Height of the pelvis above the ground when the lower foot stands on it (before ``Pose/lift``).
  public func groundedPelvisHeight(_ j: Joints) -> Float {
    -min(j.nearLeg.end.y, j.farLeg.end.y) + footRadius
  }
}

/// A three-joint chain: hip–knee–ankle (+ toe) or shoulder–elbow–wrist (+ hand centre).
public struct Limb: Equatable, Sendable {
  /// Hip or shoulder.
  public var root: Point2
  /// Knee or elbow.
  public var middle: Point2
  /// Ankle or wrist.
  public var end: Point2
  /// Toe or hand centre.
  public var tip: Point2
}

/// Joint positions of a posed body, in body heights, pelvis at the origin, `x` forward, `y` up.
public struct Joints: Equatable, Sendable {
  /// Pelvis (hip centre).
  public var pelvis: Point2
  /// Base of the neck, top of the torso.
  public var neckBase: Point2
  /// Centre of the head.
  public var head: Point2
  /// The camera-side leg.
  public var nearLeg: Limb
  /// The leg behind.
  public var farLeg: Limb
  /// The camera-side arm.
  public var nearArm: Limb
  /// The arm behind.
  public var farArm: Limb
}
