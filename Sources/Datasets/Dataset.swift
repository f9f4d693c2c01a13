/// The two datasets the product evaluates on, with their class lists and split counts.
public enum Dataset: String, CaseIterable, Sendable {
  /// JHMDB-21: 21 classes, 928 clips, 3 splits, 240 × 320.
  case jhmdb
  /// UCF-101-24: 24 classes, 3,194 annotated videos (corrected annotations), split 1, 240 × 320.
  case ucf24

  /// Class names in label-index order (the order of the ground-truth files).
  public var classNames: [String] {
    switch self {
    case .jhmdb:
      return [
        "brush_hair", "catch", "clap", "climb_stairs", "golf", "jump", "kick_ball", "pick", "pour", "pullup",
        "push", "run", "shoot_ball", "shoot_bow", "shoot_gun", "sit", "stand", "swing_baseball", "throw",
        "walk", "wave",
      ]
    case .ucf24:
      return [
        "Basketball", "BasketballDunk", "Biking", "CliffDiving", "CricketBowling", "Diving", "Fencing",
        "FloorGymnastics", "GolfSwing", "HorseRiding", "IceDancing", "LongJump", "PoleVault", "RopeClimbing",
        "SalsaSpin", "SkateBoarding", "Skiing", "Skijet", "SoccerJuggling", "Surfing", "TennisSwing",
        "TrampolineJumping", "VolleyballSpiking", "WalkingWithDog",
      ]
    }
  }

  /// Number of train/test splits (JHMDB 3, UCF-101-24 1).
  public var splitCount: Int { self == .jhmdb ? 3 : 1 }

  /// Frame size of every video, in pixels.
  public var frameSize: (height: Int, width: Int) { (240, 320) }

  /// Name for tables and messages (`JHMDB-21`, `UCF-101-24`).
  public var displayName: String { self == .jhmdb ? "JHMDB-21" : "UCF-101-24" }
}
