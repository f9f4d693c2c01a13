/// The keyframed (discrete) actions: jump, kick, squat and sit down (stand up is its reverse).
/// Each takes `s ∈ 0...1` through one repetition and `a`, the style's amplitude.
extension ActionMotion {
  static func jump(_ s: Float, _ a: Float) -> Pose {
    let crouch = Pose(
      lean: 30 * a, head: -5, hip: .both(45 * a), knee: .both(85 * a), shoulder: .both(-45), elbow: .both(15))
    let takeoff = Pose(lean: 5, hip: .init(2, -2), knee: .both(2), shoulder: .both(150), elbow: .both(10))
    let apex = Pose(lean: 8, hip: .both(28), knee: .both(55), shoulder: .both(165), elbow: .both(15))
    let landing = Pose(
      lean: 15, hip: .both(22), knee: .both(28), shoulder: .both(70), elbow: .both(20))
    let absorb = Pose(
      lean: 28 * a, hip: .both(42 * a), knee: .both(75 * a), shoulder: .both(35), elbow: .both(25))
    var p = Pose.keyframed(
      [
        (0, .neutral), (0.25, crouch), (0.38, takeoff), (0.55, apex), (0.72, landing), (0.85, absorb),
        (1, .neutral),
      ],
      at: s)
    // Ballistic flight between take-off and landing.
    if s > 0.36, s < 0.72 {
      let q = (s - 0.36) / 0.36
      p.lift = 0.3 * a * 4 * q * (1 - q)
    }
    return p
  }

  static func kick(_ s: Float, _ a: Float) -> Pose {
    let chamber = Pose(
      lean: -4, hip: .init(65 * a, -4), knee: .init(100, 8), shoulder: .init(-20, 30), elbow: .both(45))
    let extend = Pose(
      lean: -14 * a, head: 6, hip: .init(88 * a, -6), knee: .init(4, 8), shoulder: .init(-35, 40),
      elbow: .both(40))
    let retract = Pose(
      lean: -6, hip: .init(55 * a, -4), knee: .init(90, 8), shoulder: .init(-15, 25), elbow: .both(40))
    return Pose.keyframed(
      [(0, .neutral), (0.3, chamber), (0.48, extend), (0.6, extend), (0.76, retract), (1, .neutral)], at: s)
  }

  static func squat(_ s: Float, _ a: Float) -> Pose {
    let bottom = Pose(
      lean: 38 * a, head: -20, hip: .both(85 * a), knee: .both(118 * a), shoulder: .both(80),
      elbow: .both(5))
    return Pose.keyframed([(0, .neutral), (0.45, bottom), (0.6, bottom), (1, .neutral)], at: s)
  }

  /// Standing (`u = 0`) to seated on a stool (`u = 1`).
  static func sitDown(_ u: Float, _ a: Float) -> Pose {
    let bend = Pose(
      lean: 28 * a, head: -10, hip: .both(35), knee: .both(45), shoulder: .both(35), elbow: .both(20))
    let lower = Pose(
      lean: 30 * a, head: -12, hip: .both(76), knee: .both(80), shoulder: .both(40), elbow: .both(30))
    return Pose.keyframed([(0, .neutral), (0.3, bend), (0.68, lower), (1, seated)], at: u)
  }

  /// Sitting upright on a stool: thighs level, shins upright, hands on the thighs.
  static let seated = Pose(
    lean: 5, hip: .init(88, 86), knee: .init(88, 84), shoulder: .init(22, 18), elbow: .init(62, 60))
}
