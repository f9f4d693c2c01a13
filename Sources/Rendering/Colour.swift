/// An 8-bit RGB colour.
public struct Colour: Hashable, Sendable {
  /// Red, 0...255.
  public var r: UInt8
  /// Green, 0...255.
  public var g: UInt8
  /// Blue, 0...255.
  public var b: UInt8

  /// Creates a colour from its components.
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// Relative luminance in 0...1 (Rec. 709 weights on the 8-bit values).
  public var luminance: Float {
    (0.2126 * Float(r) + 0.7152 * Float(g) + 0.0722 * Float(b)) / 255
  }

  /// Black or white, whichever reads better on this colour.
  public var contrastingText: Colour { luminance > 0.55 ? .black : .white }

  /// Black.
  public static let black = Colour(0, 0, 0)
  /// White.
  public static let white = Colour(255, 255, 255)
}

/// Colours that mean the same thing in every picture the tool draws.
public enum Palette {
  /// Twenty saturated colours that stay distinct from each other on video frames.
  public static let classColours: [Colour] = [
    Colour(230, 25, 75), Colour(60, 180, 75), Colour(255, 225, 25), Colour(0, 130, 200),
    Colour(245, 130, 48), Colour(145, 30, 180), Colour(70, 240, 240), Colour(240, 50, 230),
    Colour(210, 245, 60), Colour(250, 190, 212), Colour(0, 128, 128), Colour(220, 190, 255),
    Colour(170, 110, 40), Colour(255, 250, 200), Colour(128, 0, 0), Colour(170, 255, 195),
    Colour(128, 128, 0), Colour(255, 215, 180), Colour(0, 0, 128), Colour(255, 255, 255),
  ]

  /// The colour of a class: FNV-1a of the name's UTF-8 bytes picks a palette entry, so the same
  /// name gets the same colour in every run and process.
  public static func colour(forClass name: String) -> Colour {
    var hash: UInt32 = 2_166_136_261
    for byte in name.utf8 {
      hash ^= UInt32(byte)
      hash = hash &* 16_777_619
    }
    return classColours[Int(hash % UInt32(classColours.count))]
  }

  /// The colour of tube `id` (1, 2, …): palette entry `(id − 1) mod 20`, so a tube keeps its colour
  /// on every frame and tubes with neighbouring ids differ; ids 20 apart share a colour.
  public static func colour(forTube id: Int) -> Colour {
    let n = classColours.count
    return classColours[((id - 1) % n + n) % n]
  }

  /// A detection that matches a ground-truth box (true positive): green.
  public static let truePositive = Colour(40, 220, 60)
  /// A detection that matches nothing (false positive): red.
  public static let falsePositive = Colour(240, 40, 40)
  /// A ground-truth box no detection found (missed): yellow.
  public static let missed = Colour(255, 210, 0)
  /// Ground truth drawn without detections to compare against: cyan.
  public static let groundTruth = Colour(0, 220, 255)
}
