extension TVL1OpticalFlow {
  /// Refines the flow of one pyramid level (its `u1`, `u2` hold the starting flow): OpenCV's
  /// `procOneScale` with γ = 0.
  func solve(_ scale: ScaleWorkspace) {
    let stop = Float(parameters.epsilon * parameters.epsilon * Double(scale.width * scale.height))
    CentredGradient.compute(scale.i1, dx: scale.i1x, dy: scale.i1y)
    for plane in [scale.p11, scale.p12, scale.p21, scale.p22] { plane.zero() }
    let iteration = DualIteration(scale: scale, parameters: parameters)
    for _ in 0..<parameters.warps {
      BicubicWarp.apply(scale)
      var error = Float.greatestFiniteMagnitude
      var outer = 0
      while error > stop && outer < parameters.outerIterations {
        if parameters.medianFiltering > 1 {
          MedianFilter.apply(scale.u1, size: parameters.medianFiltering, scratch: scale.scratch)
          MedianFilter.apply(scale.u2, size: parameters.medianFiltering, scratch: scale.scratch)
        }
        var inner = 0
        while error > stop && inner < parameters.innerIterations {
          error = iteration.run(threshold: stop)
          inner += 1
        }
        outer += 1
      }
    }
  }
}
