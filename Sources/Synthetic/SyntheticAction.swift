/// The actions of the synthetic benchmark, each defined by a motion of the whole figure (see
/// ``ActionMotion``), not by any single pose.
///
/// Label indices follow ``allCases`` (alphabetical, like JHMDB's class list).
public enum SyntheticAction: String, CaseIterable, Sendable {
  /// Both arms swing together in front of the chest, fast, hands meeting and parting.
  case clap
  /// Crouch, spring up with the arms thrown overhead, land and absorb, 1–2 times.
  case jump
  /// Chamber the near leg, snap it forward and high while leaning back, retract, 1–2 times.
  case kick
  /// Fighting stance with a high guard; the arms jab straight forward in alternation.
  case punch
  /// Fast cadence (13–17 frames a cycle), wide leg swing with high knees, bent arms, forward
  /// lean and a bounce; translates about 1.6 leg lengths a cycle.
  case run
  /// From standing, lean forward and lower onto a stool until seated (thighs level, shins upright).
  case sitDown = "sit_down"
  /// Lower the hips until the thighs are level with arms forward for balance, rise; 1–3 times.
  case squat
  /// Exactly ``sitDown`` played backwards, frame for frame: the same set of poses.
  case standUp = "stand_up"
  /// Slow cadence (22–30 frames a cycle), narrow leg swing, arms swinging opposite the legs.
  case walk
  /// One arm raised overhead, the forearm swinging to and fro; the other arm hangs.
  case wave

  /// The class name written to the dataset (`sit_down`, `walk` …).
  public var label: String { rawValue }

  /// Whether the figure travels across the scene while acting (walk, run).
  public var isLocomotion: Bool { self == .walk || self == .run }

  /// Whether the scene needs a stool for the figure to sit on (sit down, stand up).
  public var needsSeat: Bool { self == .sitDown || self == .standUp }
}
