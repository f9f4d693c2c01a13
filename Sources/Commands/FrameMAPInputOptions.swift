import ArgumentParser

/// Where detections and ground truth come from.
public struct FrameMAPInputOptions: ParsableArguments {
  /// Detections files (`video,frame,label,score,x1,y1,x2,y2`).
  @Option(
    help: ArgumentHelp(
      "Detections CSV (video,frame,label,score,x1,y1,x2,y2; 1-based frame; label = class name). "
        + "With --all-splits give one file per split in split order, or one file for all.",
      valueName: "file.csv"))
  public var detections: [String] = []

  /// Ground-truth file overriding the dataset's shipped one.
  @Option(
    help: ArgumentHelp(
      "Ground truth instead of the shipped one: an ACT-format pickle (JHMDB-GT.pkl, UCF101v2-GT.pkl), "
        + "pyannot.pkl, or a folder of YOWO per-frame text files (extracted groundtruths_jhmdb.zip).",
      valueName: "file"))
  public var gt: String?

  /// Root of the shipped annotations.
  @Option(help: ArgumentHelp("Folder holding jhmdb/ and ucf24/ annotations.", valueName: "dir"))
  public var annotations: String = "annotations"

  /// Optional subset of the split.
  @Option(
    help: ArgumentHelp(
      "Evaluate only these videos of the split (one id per line; anything after a space is ignored).",
      valueName: "file"))
  public var videos: String?

  /// Creates the options with their defaults.
  public init() {}
}
