import Foundation

/// How one actor performs its action: tempo, size of the movements, repetitions.
public struct MotionStyle: Equatable, Sendable {
  /// Multiplies the big joint excursions (0.85–1.15 for variety).
  public var amplitude: Float
  /// Frames per cycle of a cyclic action (walk, run, wave, clap, punch).
  public var period: Float
  /// Starting phase of a cyclic action, in radians.
  public var phase: Float
  /// Repetitions of a discrete action (jump, kick, squat) within the action frames.
  public var repetitions: Int
  /// Whether the near arm (else the far arm) waves.
  public var nearArm: Bool

  /// Creates a style.
  public init(amplitude: Float, period: Float, phase: Float, repetitions: Int, nearArm: Bool) {
    self.amplitude = amplitude
    self.period = period
    self.phase = phase
    self.repetitions = repetitions
    self.nearArm = nearArm
  }

  /// A random style for `action` spread over `frames` action frames.
  public static func random(for action: SyntheticAction, frames: Int, using rng: inout SeededRandom)
    -> MotionStyle
  {
    let periods: [SyntheticAction: ClosedRange<Float>] = [
      .walk: 22...30, .run: 13...17, .wave: 9...14, .clap: 8...11, .punch: 11...15,
    ]
    let repLength: [SyntheticAction: ClosedRange<Int>] = [.jump: 18...30, .kick: 16...26, .squat: 18...30]
    var reps = 1
    if let range = repLength[action] {
      let length = rng.int(in: range)
      reps = max(1, min(action == .squat ? 3 : 2, frames / length))
    }
    return MotionStyle(
      amplitude: rng.uniform(0.85...1.15), period: rng.uniform(periods[action] ?? 10...10),
      phase: rng.uniform(0...(2 * .pi)), repetitions: reps, nearArm: rng.chance(0.5))
  }
}

/// The pose of every action at every frame: the motion definitions of the benchmark.
///
/// Every action starts and ends in its boundary pose (``Pose/neutral`` standing, or seated for the
/// end of ``SyntheticAction/sitDown`` and the start of ``SyntheticAction/standUp``), so idling
/// before and after joins smoothly. ``SyntheticAction/standUp`` at frame `k` of `n` *is*
/// ``SyntheticAction/sitDown`` at frame `n - 1 - k`.
public enum ActionMotion {
  /// The pose of `action` at action frame `k` of `n` (0-based), performed with `style`.
  public static func pose(_ action: SyntheticAction, frame k: Int, of n: Int, style: MotionStyle) -> Pose {
    let u = n > 1 ? Float(k) / Float(n - 1) : 0
    let a = style.amplitude
    let phi = 2 * Float.pi * Float(k) / style.period + style.phase
    switch action {
    case .walk: return walk(phi, a, ramp: ramp(k, n, 3))
    case .run: return run(phi, a, ramp: ramp(k, n, 3))
    case .wave: return wave(phi, a, nearArm: style.nearArm, ramp: ramp(k, n, max(4, n / 6)))
    case .clap: return clap(phi, a, ramp: ramp(k, n, max(4, n / 6)))
    case .punch: return punch(phi, a, ramp: ramp(k, n, max(4, n / 6)))
    case .jump: return repeated(u, style.repetitions) { jump($0, a) }
    case .kick: return repeated(u, style.repetitions) { kick($0, a) }
    case .squat: return repeated(u, style.repetitions) { squat($0, a) }
    case .sitDown: return sitDown(u, a)
    case .standUp: return pose(.sitDown, frame: n - 1 - k, of: n, style: style)
    }
  }

  /// The first and last pose of `action` (what the actor holds while idling before and after).
  public static func boundaryPoses(_ action: SyntheticAction, frames n: Int, style: MotionStyle)
    -> (first: Pose, last: Pose)
  {
    (pose(action, frame: 0, of: n, style: style), pose(action, frame: n - 1, of: n, style: style))
  }

  /// Pelvis speed of a locomotion action, in body heights per frame (0 for the others): the stance
  /// foot's backward sweep per cycle, so the planted foot barely slides.
  public static func speed(_ action: SyntheticAction, style: MotionStyle, legLength: Float) -> Float {
    switch action {
    case .walk: return 4 * legLength * sin(24 * style.amplitude * .pi / 180) / style.period
    case .run: return 1.3 * 4 * legLength * sin(36 * style.amplitude * .pi / 180) / style.period
    default: return 0
    }
  }

  /// 0 → 1 over the first `length` frames and back to 0 over the last `length` frames.
  static func ramp(_ k: Int, _ n: Int, _ length: Int) -> Float {
    let l = Float(max(1, min(length, n / 2)))
    return smoothstep(Float(k) / l) * smoothstep(Float(n - 1 - k) / l)
  }

  /// A keyframed motion over `0...1` done `count` times in `u ∈ 0...1`.
  static func repeated(_ u: Float, _ count: Int, _ once: (Float) -> Pose) -> Pose {
    let scaled = u * Float(count)
    let s = u >= 1 ? 1 : scaled - scaled.rounded(.down)
    return once(s)
  }

  static func deg(_ d: Float) -> Float { d * .pi / 180 }

  // MARK: Cyclic actions

  static func walk(_ phi: Float, _ a: Float, ramp r: Float) -> Pose {
    let swing = 24 * a * r
    let kneeN = 45 * r * pow(max(0, cos(phi)), 2)
    let kneeF = 45 * r * pow(max(0, -cos(phi)), 2)
    return Pose(
      lean: 3 + 2 * r, hip: .init(2 + swing * sin(phi), 2 - swing * sin(phi)),
      knee: .init(5 + kneeN, 5 + kneeF),
      shoulder: .init(2 - 0.8 * swing * sin(phi), 2 + 0.8 * swing * sin(phi)),
      elbow: .init(15 + 12 * r * max(0, -sin(phi)), 15 + 12 * r * max(0, sin(phi))))
  }

  static func run(_ phi: Float, _ a: Float, ramp r: Float) -> Pose {
    let swing = 36 * a * r
    let kneeN = 90 * r * pow(max(0, cos(phi - 0.3)), 1.5)
    let kneeF = 90 * r * pow(max(0, -cos(phi - 0.3)), 1.5)
    return Pose(
      lean: 3 + 10 * r, head: -4 * r, hip: .init(2 + 8 * r + swing * sin(phi), 2 + 8 * r - swing * sin(phi)),
      knee: .init(6 + 14 * r + kneeN, 6 + 14 * r + kneeF),
      shoulder: .init(4 - 1.1 * swing * sin(phi), 4 + 1.1 * swing * sin(phi)),
      elbow: .init(12 + 78 * r, 12 + 78 * r), lift: 0.03 * r * abs(sin(2 * phi)))
  }

  static func wave(_ phi: Float, _ a: Float, nearArm: Bool, ramp r: Float) -> Pose {
    var p = Pose.neutral
    let shoulder = 6 + (150 - 6) * r
    let elbow = 12 + (35 + 32 * a * sin(phi) - 12) * r
    if nearArm {
      p.shoulder.near = shoulder
      p.elbow.near = elbow
    } else {
      p.shoulder.far = shoulder
      p.elbow.far = elbow
    }
    p.head = -6 * r
    return p
  }

  static func clap(_ phi: Float, _ a: Float, ramp r: Float) -> Pose {
    let together = (1 - cos(phi)) / 2  // 1: hands meet in front of the chest
    var p = Pose.neutral
    p.shoulder = Pose.Pair(6, -4).mixed(with: .both(50 + 22 * a * together), r)
    p.elbow = Pose.Pair(12, 10).mixed(with: .both(95 - 60 * a * together), r)
    p.head = 4 * r
    return p
  }

  static func punch(_ phi: Float, _ a: Float, ramp r: Float) -> Pose {
    let near = pow(max(0, sin(phi)), 3)
    let far = pow(max(0, -sin(phi)), 3)
    let guardPose = Pose(
      lean: 8 + 6 * (near + far) * a, head: 6, hip: .init(14, -12), knee: .init(12, 10),
      shoulder: .init(35 + 53 * near * a, 35 + 53 * far * a),
      elbow: .init(120 - 118 * near, 120 - 118 * far))
    return Pose.neutral.mixed(with: guardPose, r)
  }
}
