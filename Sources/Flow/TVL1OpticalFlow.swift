/// Dense optical flow by TV-L1 (Zach, Pock, Bischof 2007, duality-based), computed as OpenCV's
/// `cv::optflow::DualTVL1OpticalFlow` computes it (`tvl1flow.cpp`, the CPU path).
///
/// Both frames go to single precision at grey levels 0…255 and into a pyramid of ``TVL1Parameters/scales``
/// levels, each ``TVL1Parameters/scaleStep`` × the previous one's size (bilinear, as
/// `cv::resize(INTER_LINEAR)`), stopping before a level under 16 pixels on a side. From the
/// coarsest level (flow 0) to the finest, each level runs ``TVL1Parameters/warps`` warpings: frame 1
/// and its centred gradient are warped by the current flow (bicubic, zero outside), then up to
/// ``TVL1Parameters/outerIterations`` rounds of a 5 × 5 median filter of the flow followed by up to
/// ``TVL1Parameters/innerIterations`` primal–dual iterations, stopping when an iteration changes the
/// flow by less than ``TVL1Parameters/epsilon`` per pixel (root mean square). The flow then goes to
/// the next finer level, resized bilinearly and multiplied by `1 / scaleStep`.
///
/// ```swift
/// let tvl1 = TVL1OpticalFlow()
/// let flow = try tvl1.flow(from: GrayImage(frame0), to: GrayImage(frame1))
/// print(flow.dx[0], flow.dy[0])  // pixel (0, 0)'s displacement
/// ```
///
/// Threads: the row loops run on ``Tensor/Compute/threadCount`` threads. Not thread-safe: it keeps
/// its buffers between calls (a video's pairs allocate nothing); use one instance per thread.
public final class TVL1OpticalFlow {
  /// The settings every call uses.
  public let parameters: TVL1Parameters
  /// The smallest frame side accepted.
  public static let minimumSide = 3
  /// Pyramid levels of the last frame size, finest first.
  private var levels: [ScaleWorkspace] = []

  /// A solver with the given settings (OpenCV's defaults when omitted).
  ///
  /// - Throws: ``FlowError/invalidParameters(reason:)`` when a setting is out of range.
  public init(parameters: TVL1Parameters = TVL1Parameters()) throws(FlowError) {
    if let problem = parameters.problem { throw .invalidParameters(reason: problem) }
    self.parameters = parameters
  }

  /// The flow from `first` to `second` (same size, at least 3 × 3): where each pixel of `first`
  /// moved to in `second`.
  ///
  /// - Throws: ``FlowError/sizeMismatch(first:second:)`` or ``FlowError/frameTooSmall(width:height:minimum:)``.
  public func flow(from first: GrayImage, to second: GrayImage) throws(FlowError) -> FlowField {
    guard first.width == second.width, first.height == second.height else {
      throw .sizeMismatch(first: "\(first.width)x\(first.height)", second: "\(second.width)x\(second.height)")
    }
    guard first.width >= Self.minimumSide, first.height >= Self.minimumSide else {
      throw .frameTooSmall(width: first.width, height: first.height, minimum: Self.minimumSide)
    }
    prepareLevels(width: first.width, height: first.height)
    load(first, into: levels[0].i0)
    load(second, into: levels[0].i1)
    let inverseStep = 1 / parameters.scaleStep
    for s in levels.indices.dropFirst() {
      let (finer, coarser) = (levels[s - 1], levels[s])
      LinearResize.resize(finer.i0, into: coarser.i0, scaleX: inverseStep, scaleY: inverseStep)
      LinearResize.resize(finer.i1, into: coarser.i1, scaleX: inverseStep, scaleY: inverseStep)
    }
    levels[levels.count - 1].u1.zero()
    levels[levels.count - 1].u2.zero()
    for s in levels.indices.reversed() {
      solve(levels[s])
      guard s > 0 else { break }
      let (coarser, finer) = (levels[s], levels[s - 1])
      let scaleX = Double(coarser.width) / Double(finer.width)
      let scaleY = Double(coarser.height) / Double(finer.height)
      let factor = Float(1 / parameters.scaleStep)
      LinearResize.resize(coarser.u1, into: finer.u1, scaleX: scaleX, scaleY: scaleY, multipliedBy: factor)
      LinearResize.resize(coarser.u2, into: finer.u2, scaleX: scaleX, scaleY: scaleY, multipliedBy: factor)
    }
    return result(levels[0])
  }

  /// Builds the pyramid's buffers unless the last call had the same size.
  private func prepareLevels(width: Int, height: Int) {
    if let first = levels.first, first.width == width, first.height == height { return }
    levels = [ScaleWorkspace(width: width, height: height)]
    var (w, h) = (width, height)
    let step = parameters.scaleStep
    for _ in 1..<parameters.scales {
      (w, h) = (LinearResize.scaledSide(w, by: step), LinearResize.scaledSide(h, by: step))
      if w < 16 || h < 16 { break }
      levels.append(ScaleWorkspace(width: w, height: h))
    }
  }

  /// Copies grey levels into a plane as floats 0…255.
  private func load(_ image: GrayImage, into plane: Plane) {
    image.pixels.withUnsafeBufferPointer { pixels in
      for y in 0..<image.height {
        let row = plane.row(y)
        for x in 0..<image.width { row[x] = Float(pixels[y * image.width + x]) }
      }
    }
  }

  /// The flow of the finest level, unpadded.
  private func result(_ level: ScaleWorkspace) -> FlowField {
    var flow = FlowField(width: level.width, height: level.height)
    for y in 0..<level.height {
      let (u1, u2) = (level.u1.row(y), level.u2.row(y))
      for x in 0..<level.width {
        flow.dx[y * level.width + x] = u1[x]
        flow.dy[y * level.width + x] = u2[x]
      }
    }
    return flow
  }
}
