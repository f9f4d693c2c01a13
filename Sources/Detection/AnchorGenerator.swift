import Primitives

/// Grid anchors of the region proposal network (TF OD API `grid_anchor_generator`: 12 per position
/// with the default scales 64, 128, 256, 512 px and aspect ratios 0.5, 1, 2).
///
/// An anchor of size `s` and aspect ratio `r = w / h` has `w = s·√r`, `h = s / √r` and is centred on a
/// feature cell centre; order and alignment are those of ``Geometry``.
public struct AnchorGenerator: Sendable, Equatable, Codable {
  /// Anchor sizes in input pixels (the square root of the area).
  public var sizes: [Float]
  /// Aspect ratios `width / height`.
  public var aspectRatios: [Float]
  /// Distance between anchor centres in input pixels.
  public var stride: Int

  /// The paper's anchors: sizes 64…512 px, ratios 0.5/1/2, stride 16.
  public static let standard = AnchorGenerator(
    sizes: [64, 128, 256, 512], aspectRatios: [0.5, 1, 2], stride: 16)

  /// Anchors from sizes, aspect ratios and stride.
  public init(sizes: [Float], aspectRatios: [Float], stride: Int) {
    self.sizes = sizes
    self.aspectRatios = aspectRatios
    self.stride = stride
  }

  /// Anchors per feature-map position (`sizes.count × aspectRatios.count`).
  public var anchorsPerPosition: Int { sizes.count * aspectRatios.count }

  /// The anchors of one position centred at the origin, in ``Geometry`` order.
  public var cellAnchors: [Box] {
    var result: [Box] = []
    for ratio in aspectRatios {
      let root = ratio.squareRoot()
      for size in sizes {
        let (w, h) = (size * root, size / root)
        result.append(Box(x1: -w / 2, y1: -h / 2, x2: w / 2, y2: h / 2))
      }
    }
    return result
  }

  /// Every anchor of a `height` × `width` feature map, index `(i · width + j) · A + a`.
  public func anchors(featureHeight height: Int, featureWidth width: Int) -> [Box] {
    let cell = cellAnchors
    var result: [Box] = []
    result.reserveCapacity(height * width * cell.count)
    let s = Float(stride)
    for i in 0..<height {
      let cy = s * Float(i) + s / 2
      for j in 0..<width {
        let cx = s * Float(j) + s / 2
        for a in cell {
          result.append(Box(x1: cx + a.x1, y1: cy + a.y1, x2: cx + a.x2, y2: cy + a.y2))
        }
      }
    }
    return result
  }
}
