/// The joint angles of a 2-D figure seen from the side, in degrees, plus the pelvis offsets.
///
/// Limb angles are absolute, measured from straight down, positive towards the way the figure
/// faces: a thigh at `90` points straight forward (seated), an upper arm at `180` straight up.
/// Knee and elbow angles are flexions (`0` = straight): the shin hangs at `hip - knee` (knees bend
/// backwards), the forearm at `shoulder + elbow` (elbows bend forwards). "Near" limbs are on the
/// camera's side and drawn in front of the torso, "far" limbs behind it.
public struct Pose: Equatable, Sendable {
  /// Torso angle from vertical; positive leans forward.
  public var lean: Float
  /// Head tilt relative to the torso; positive nods forward.
  public var head: Float
  /// Thigh angles (near, far).
  public var hip: Pair
  /// Knee flexions (near, far).
  public var knee: Pair
  /// Upper-arm angles (near, far).
  public var shoulder: Pair
  /// Elbow flexions (near, far).
  public var elbow: Pair
  /// Extra pelvis height above the standing (grounded) height, in body heights (jumps).
  public var lift: Float
  /// Horizontal pelvis offset, forward positive, in body heights (sway).
  public var shift: Float

  /// A pair of angles for the near and the far limb.
  public struct Pair: Equatable, Sendable {
    /// The limb on the camera's side.
    public var near: Float
    /// The limb behind the torso.
    public var far: Float

    /// Creates a pair.
    public init(_ near: Float, _ far: Float) {
      self.near = near
      self.far = far
    }

    /// Both limbs at `angle`.
    public static func both(_ angle: Float) -> Pair { Pair(angle, angle) }

    /// The pair blended towards `other` by `t` (0 gives `self`, 1 gives `other`).
    public func mixed(with other: Pair, _ t: Float) -> Pair {
      Pair(near + (other.near - near) * t, far + (other.far - far) * t)
    }
  }

  /// Creates a pose; omitted joints take their ``neutral`` values.
  public init(
    lean: Float = 3, head: Float = 0, hip: Pair = Pair(3, -2), knee: Pair = Pair(4, 4),
    shoulder: Pair = Pair(6, -4), elbow: Pair = Pair(12, 10), lift: Float = 0, shift: Float = 0
  ) {
    self.lean = lean
    self.head = head
    self.hip = hip
    self.knee = knee
    self.shoulder = shoulder
    self.elbow = elbow
    self.lift = lift
    self.shift = shift
  }

  /// Relaxed standing: upright, arms hanging, knees nearly straight.
  public static let neutral = Pose()

  /// The pose blended towards `other` by `t` (0 gives `self`, 1 gives `other`).
  public func mixed(with other: Pose, _ t: Float) -> Pose {
    Pose(
      lean: lean + (other.lean - lean) * t, head: head + (other.head - head) * t,
      hip: hip.mixed(with: other.hip, t), knee: knee.mixed(with: other.knee, t),
      shoulder: shoulder.mixed(with: other.shoulder, t), elbow: elbow.mixed(with: other.elbow, t),
      lift: lift + (other.lift - lift) * t, shift: shift + (other.shift - shift) * t)
  }

  /// Piecewise interpolation through `keys` (times ascending in `0...1`, the first at 0 and the
  /// last at 1), eased with smoothstep inside each segment.
  public static func keyframed(_ keys: [(time: Float, pose: Pose)], at u: Float) -> Pose {
    guard let first = keys.first else { return .neutral }
    if u <= first.time { return first.pose }
    for (a, b) in zip(keys, keys.dropFirst()) where u <= b.time {
      let t = (u - a.time) / max(b.time - a.time, 1e-6)
      return a.pose.mixed(with: b.pose, smoothstep(t))
    }
    return keys[keys.count - 1].pose
  }
}

/// `3t² − 2t³` of `t` clamped to `0...1`.
func smoothstep(_ t: Float) -> Float {
  let c = min(max(t, 0), 1)
  return c * c * (3 - 2 * c)
}
