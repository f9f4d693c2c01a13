/// The one place that states the detector's box and feature-map conventions.
///
/// - **Boxes** are `Primitives.Box` `x1, y1, x2, y2` in continuous pixel coordinates, 0-based:
///   pixel `k` covers `[k, k + 1)`, width is `x2 − x1` (no "+1" term anywhere in this module).
///   Inside the network they are in *network-input* pixels (320×400 by default); ``ActionDetector``
///   converts them to source pixels by scaling with `sourceWidth / inputWidth` and
///   `sourceHeight / inputHeight`.
/// - **Feature maps** of stride `s` (16 for ResNet-50 `layer3` and S3D-G `Mixed_4e`): cell `(i, j)`
///   covers input pixels `[s·j, s·(j + 1)) × [s·i, s·(i + 1))` and is centred at `(s·j + s/2, s·i + s/2)`.
///   A pixel coordinate `x` maps to the feature coordinate `x / s − 0.5`, the rule of torchvision's
///   `roi_align(..., aligned=True)` and detectron2's `ROIAlign(aligned=True)`.
/// - **Anchors** are centred on the cell centres `(s·j + s/2, s·i + s/2)`, not rounded; their order is
///   position-major (row `i`, then column `j`), then aspect ratio, then scale (torchvision's
///   `AnchorGenerator` order): anchor index `(i · W + j) · A + a` with `a = ratioIndex · scales + scaleIndex`.
///   Aspect ratios are `width / height` as in the TF OD API (torchvision's are `height / width`, so its
///   ratio list (0.5, 1, 2) is ours (2, 1, 0.5); the test compares the two generators that way).
/// - **Box deltas** follow the Faster R-CNN coder with weights `(wx, wy, ww, wh) = (10, 10, 5, 5)`
///   (torchvision `BoxCoder`, TF `FasterRcnnBoxCoder`), centres `x1 + w/2`; decoding clamps `dw, dh`
///   at `log(1000 / 16)`.
public enum Geometry {
  /// Stride in input pixels of the feature maps the RPN and the ROI crops read.
  public static let featureStride = 16

  /// Feature-map coordinate of input-pixel coordinate `x` on a map of stride `stride`.
  @inlinable
  public static func featureCoordinate(_ x: Float, stride: Int) -> Float {
    x / Float(stride) - 0.5
  }
}
