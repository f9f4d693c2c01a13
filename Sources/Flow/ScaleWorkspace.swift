/// The buffers of one pyramid level: both frames, frame 1's gradients, the warping's constants,
/// the flow `u = (u1, u2)`, the dual variables `p1 = (p11, p12)`, `p2 = (p21, p22)`, and scratch.
///
/// Kept between calls of the same frame size, so a video's frame pairs allocate nothing.
final class ScaleWorkspace {
  /// Width in pixels.
  let width: Int
  /// Height in pixels.
  let height: Int
  /// `width` rounded up to 8.
  var paddedWidth: Int { i0.paddedWidth }

  /// Frame 0 at this level (grey levels 0…255).
  let i0: Plane
  /// Frame 1 at this level.
  let i1: Plane
  /// ∂I1/∂x (centred differences).
  let i1x: Plane
  /// ∂I1/∂y.
  let i1y: Plane
  /// ∂I1/∂x warped by the flow of the current warping.
  let warpedX: Plane
  /// ∂I1/∂y warped by the flow of the current warping.
  let warpedY: Plane
  /// |∇I1(x + u0)|² of the current warping.
  let gradient: Plane
  /// The constant part of the linearised residual, I1(x + u0) − ∇I1(x + u0)·u0 − I0(x).
  let rho: Plane
  /// Horizontal flow in pixels of this level.
  let u1: Plane
  /// Vertical flow in pixels of this level.
  let u2: Plane
  /// Dual variable of u1, x component.
  let p11: Plane
  /// Dual variable of u1, y component.
  let p12: Plane
  /// Dual variable of u2, x component.
  let p21: Plane
  /// Dual variable of u2, y component.
  let p22: Plane
  /// Each pixel's |Δu|² of the last iteration (for OpenCV's row-major error sum).
  let errorTerms: Plane
  /// The median filter's bordered copy.
  let scratch: Plane

  /// Zeroed buffers for a `width` × `height` level.
  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    func plane() -> Plane { Plane(width: width, height: height) }
    (i0, i1, i1x, i1y) = (plane(), plane(), plane(), plane())
    (warpedX, warpedY, gradient, rho) = (plane(), plane(), plane(), plane())
    (u1, u2) = (plane(), plane())
    (p11, p12, p21, p22) = (plane(), plane(), plane(), plane())
    errorTerms = plane()
    scratch = Plane(width: width + 4, height: height + 4)
  }
}
