import Foundation

/// A width multiplier of 1, 1/2, 1/4 or 1/8 applied to every channel count of a network (same
/// topology, same tensor names): the small models a CPU can train.
///
/// Every channel count of ResNet-50 and S3D-G is a multiple of 8, so each one divides exactly.
/// Encoded in checkpoint metadata as its divisor (`1`, `2`, `4`, `8`).
///
/// ```swift
/// let quarter = WidthMultiplier.quarter
/// quarter.channels(528)   // 132
/// ```
public struct WidthMultiplier: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
  /// Every channel count is divided by this (1, 2, 4 or 8).
  public let divisor: Int

  /// The multiplier `1 / divisor`; `divisor` must be 1, 2, 4 or 8 (a programmer error otherwise:
  /// user input goes through ``init(parsing:)``).
  public init(divisor: Int) {
    precondition(Self.divisors.contains(divisor), "WidthMultiplier: divisor \(divisor) is not 1, 2, 4 or 8")
    self.divisor = divisor
  }

  /// Reads `"1"`, `"1/2"`, `"1/4"`, `"1/8"` (or `"0.5"`, `"0.25"`, `"0.125"`); throws a one-line
  /// ``ConfigurationError`` otherwise.
  public init(parsing text: String) throws {
    let table: [String: Int] = [
      "1": 1, "1/1": 1, "1.0": 1, "1/2": 2, "0.5": 2, "1/4": 4, "0.25": 4, "1/8": 8, "0.125": 8,
    ]
    guard let divisor = table[text.trimmingCharacters(in: .whitespaces)] else {
      throw ConfigurationError("width multiplier '\(text)' is not one of 1, 1/2, 1/4, 1/8")
    }
    self.init(divisor: divisor)
  }

  /// The allowed divisors.
  public static let divisors = [1, 2, 4, 8]
  /// Full width (the published networks).
  public static let full = WidthMultiplier(divisor: 1)
  /// Half width.
  public static let half = WidthMultiplier(divisor: 2)
  /// Quarter width.
  public static let quarter = WidthMultiplier(divisor: 4)
  /// One eighth of the width.
  public static let eighth = WidthMultiplier(divisor: 8)

  /// The channel count `full` at this width (`full` must be a multiple of the divisor).
  public func channels(_ full: Int) -> Int {
    precondition(full % divisor == 0, "WidthMultiplier: \(full) channels do not divide by \(divisor)")
    return full / divisor
  }

  /// `"1"`, `"1/2"`, `"1/4"` or `"1/8"`.
  public var description: String { divisor == 1 ? "1" : "1/\(divisor)" }

  /// Decodes the divisor (a JSON number), checking it.
  public init(from decoder: any Decoder) throws {
    let divisor = try decoder.singleValueContainer().decode(Int.self)
    guard Self.divisors.contains(divisor) else {
      throw ConfigurationError("width divisor \(divisor) is not 1, 2, 4 or 8")
    }
    self.divisor = divisor
  }

  /// Encodes the divisor.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(divisor)
  }
}
