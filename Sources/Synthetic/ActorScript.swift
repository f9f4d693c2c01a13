import Foundation

/// One figure of a video: who it is, where it stands, and what it does when.
///
/// Timeline: frames `0 ..< actionFrames.lowerBound` idle in the action's first pose, the action
/// runs over ``actionFrames``, and the figure idles in the action's last pose after it. Idling is
/// the held pose plus a small sway (torso, arms, hips), and is never annotated. A bystander
/// (``action`` `nil`) idles in ``Pose/neutral`` the whole video.
public struct ActorScript: Sendable {
  /// Proportions.
  public var shape: BodyShape
  /// Colours.
  public var appearance: Appearance
  /// Standing height in world pixels.
  public var height: Float
  /// `+1` facing right, `-1` facing left.
  public var facing: Float
  /// World `y` of the ground line the figure stands on (larger is nearer the camera).
  public var groundY: Float
  /// World `x` of the feet at the start (before any travel).
  public var startX: Float
  /// The annotated action, or `nil` for an unannotated bystander.
  public var action: SyntheticAction?
  /// The frames of the action (0-based); empty for a bystander.
  public var actionFrames: Range<Int>
  /// Tempo and size of the movements.
  public var style: MotionStyle
  /// Sway: period in frames and phase.
  public var swayPeriod: Float
  /// Sway phase in radians.
  public var swayPhase: Float

  /// The pose at video frame `k`, without the idle sway.
  public func basePose(at k: Int) -> Pose {
    guard let action, !actionFrames.isEmpty else { return .neutral }
    let n = actionFrames.count
    let local = min(max(k - actionFrames.lowerBound, 0), n - 1)
    return ActionMotion.pose(action, frame: local, of: n, style: style)
  }

  /// Whether frame `k` is an action frame (the only frames that may be annotated).
  public func isActing(at k: Int) -> Bool { action != nil && actionFrames.contains(k) }

  /// The full pose at frame `k`: ``basePose(at:)``, plus sway on idle frames.
  public func pose(at k: Int) -> Pose {
    var p = basePose(at: k)
    if !isActing(at: k) {
      let w = 2 * Float.pi * Float(k) / swayPeriod + swayPhase
      p.lean += 1.8 * sin(w)
      p.shoulder.near += 3 * sin(w + 0.7)
      p.shoulder.far += 3 * sin(w + 1.9)
      p.shift += 0.006 * sin(w + 0.3)
    }
    return p
  }

  /// World `x` the feet are anchored to at frame `k` (travelling actions move it).
  func anchorX(at k: Int) -> Float {
    guard let action, action.isLocomotion, !actionFrames.isEmpty else { return startX }
    let travelled = Float(min(max(k - actionFrames.lowerBound, 0), actionFrames.count))
    let speed = ActionMotion.speed(action, style: style, legLength: shape.legLength)
    return startX + facing * speed * height * travelled
  }

  /// The figure at frame `k`, placed in the world: the lower foot on the ground line, and (except
  /// while travelling) the feet kept where the neutral stance puts them, so poses move the body,
  /// not the feet. A kick anchors the supporting (far) foot.
  public func figure(at k: Int) -> PlacedFigure {
    let p = pose(at: k)
    let joints = shape.joints(p)
    let up = shape.groundedPelvisHeight(joints) + p.lift
    var x = anchorX(at: k) + facing * p.shift * height
    if !(isActing(at: k) && action?.isLocomotion == true) {
      let reference = shape.joints(.neutral)
      let feet: (Joints) -> Float =
        action == .kick && isActing(at: k)
        ? { $0.farLeg.end.x } : { ($0.nearLeg.end.x + $0.farLeg.end.x) / 2 }
      x -= facing * (feet(joints) - feet(reference)) * height
    }
    return PlacedFigure(
      shape: shape, appearance: appearance, joints: joints, pelvis: Point2(x, groundY - up * height),
      height: height, facing: facing)
  }

  /// The stool a sitting actor sits on (seat top under the seated pelvis), as convex polygons in
  /// world pixels: seat, two legs. Empty for other actions.
  public func stool() -> [[Point2]] {
    guard let action, action.needsSeat, !actionFrames.isEmpty else { return [] }
    let seatedFrame = action == .sitDown ? actionFrames.upperBound - 1 : actionFrames.lowerBound
    let f = figure(at: seatedFrame)
    let top = f.pelvis.y + shape.thighRadius * height * 0.9
    let back = f.pelvis.x - facing * 0.1 * height
    let front = f.pelvis.x + facing * 0.08 * height
    let (l, r) = (min(back, front), max(back, front))
    let thick = 0.03 * height
    let leg = 0.025 * height
    return [
      [Point2(l, top), Point2(r, top), Point2(r, top + thick), Point2(l, top + thick)],
      [
        Point2(l + leg, top), Point2(l + 2 * leg, top), Point2(l + 2 * leg, groundY),
        Point2(l + leg, groundY),
      ],
      [
        Point2(r - 2 * leg, top), Point2(r - leg, top), Point2(r - leg, groundY),
        Point2(r - 2 * leg, groundY),
      ],
    ]
  }
}
