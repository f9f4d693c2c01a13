import Foundation

/// A configuration that cannot build a network (e.g. read from a checkpoint's metadata).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
  /// One line saying which setting is wrong, expected versus actual.
  public var description: String

  /// An error with its one-line description.
  public init(_ description: String) { self.description = description }
}

extension S3DGEndpoint: Codable {
  /// Decodes the TF-slim name (`"Mixed_4e"`).
  public init(from decoder: any Decoder) throws {
    let name = try decoder.singleValueContainer().decode(String.self)
    guard let endpoint = Self.allCases.first(where: { $0.description == name }) else {
      throw ConfigurationError("S3DG endpoint '\(name)' is unknown; expected a TF-slim name like Mixed_4e")
    }
    self = endpoint
  }

  /// Encodes the TF-slim name.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

extension S3DGConfiguration {
  private enum CodingKeys: String, CodingKey {
    case gating, stem, temporalUnit, padding, batchNormEpsilon, batchNormScale, separable
    case inputNormalization, firstEndpoint, finalEndpoint, classes, width, inputChannels, batchNormStatistics
  }

  /// Decodes every switch; `width`, `inputChannels` and `batchNormStatistics` may be absent
  /// (checkpoints written before they existed: full width, RGB, running statistics).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      gating: try c.decode(Gating.self, forKey: .gating), stem: try c.decode(Stem.self, forKey: .stem),
      temporalUnit: try c.decode(TemporalUnit.self, forKey: .temporalUnit),
      padding: try c.decode(PaddingMode.self, forKey: .padding),
      batchNormEpsilon: try c.decode(Float.self, forKey: .batchNormEpsilon),
      batchNormScale: try c.decode(Bool.self, forKey: .batchNormScale),
      separable: try c.decode(Bool.self, forKey: .separable),
      inputNormalization: try c.decode(InputNormalization.self, forKey: .inputNormalization),
      firstEndpoint: try c.decode(S3DGEndpoint.self, forKey: .firstEndpoint),
      finalEndpoint: try c.decode(S3DGEndpoint.self, forKey: .finalEndpoint),
      classes: try c.decode(Int.self, forKey: .classes),
      width: try c.decodeIfPresent(WidthMultiplier.self, forKey: .width) ?? .full,
      inputChannels: try c.decodeIfPresent(Int.self, forKey: .inputChannels) ?? 3)
    batchNormStatistics =
      try c.decodeIfPresent(BatchNormStatistics.self, forKey: .batchNormStatistics) ?? .running
  }

  /// Encodes every switch (`inputChannels` and `batchNormStatistics` only when not the defaults, so
  /// configurations read as before).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(gating, forKey: .gating)
    try c.encode(stem, forKey: .stem)
    try c.encode(temporalUnit, forKey: .temporalUnit)
    try c.encode(padding, forKey: .padding)
    try c.encode(batchNormEpsilon, forKey: .batchNormEpsilon)
    try c.encode(batchNormScale, forKey: .batchNormScale)
    try c.encode(separable, forKey: .separable)
    try c.encode(inputNormalization, forKey: .inputNormalization)
    try c.encode(firstEndpoint, forKey: .firstEndpoint)
    try c.encode(finalEndpoint, forKey: .finalEndpoint)
    try c.encode(classes, forKey: .classes)
    try c.encode(width, forKey: .width)
    if inputChannels != 3 { try c.encode(inputChannels, forKey: .inputChannels) }
    if batchNormStatistics != .running { try c.encode(batchNormStatistics, forKey: .batchNormStatistics) }
  }

  /// Metadata key under which checkpoints store the configuration as JSON.
  public static let metadataKey = "s3dg_configuration"

  /// The configuration as one line of JSON (for a checkpoint's `__metadata__`).
  public func jsonString() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  /// Reads a configuration written by ``jsonString()`` and validates it.
  public init(jsonString: String) throws {
    do {
      self = try JSONDecoder().decode(S3DGConfiguration.self, from: Data(jsonString.utf8))
    } catch let error as ConfigurationError {
      throw error
    } catch {
      throw ConfigurationError(
        "S3DG configuration JSON is not valid: \(String(describing: error).prefix(200))")
    }
    try validate()
  }

  /// Throws ``ConfigurationError`` when a setting cannot build a network.
  public func validate() throws {
    if case .full(let t) = stem, !(1...15).contains(t) {
      throw ConfigurationError("S3DG stem temporal kernel is \(t); expected 1...15 (3 or 7 in practice)")
    }
    guard batchNormEpsilon > 0, batchNormEpsilon.isFinite else {
      throw ConfigurationError("S3DG batch-norm epsilon is \(batchNormEpsilon); expected a positive number")
    }
    guard (1...64).contains(inputChannels) else {
      throw ConfigurationError("S3DG input channels is \(inputChannels); expected 1...64 (3 RGB, 2 flow)")
    }
    guard classes >= 1 else { throw ConfigurationError("S3DG classes is \(classes); expected at least 1") }
    guard firstEndpoint <= finalEndpoint else {
      throw ConfigurationError("S3DG stages \(firstEndpoint)...\(finalEndpoint) are in the wrong order")
    }
    guard inputNormalization.mean.count == 3, inputNormalization.std.count == 3,
      inputNormalization.std.allSatisfy({ $0 > 0 })
    else {
      throw ConfigurationError("S3DG input normalisation needs 3 means and 3 positive stds")
    }
  }
}
