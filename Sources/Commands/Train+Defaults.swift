extension Train {
  /// The default of every run setting (the settings a resumed run keeps): one place, read by the
  /// options' declarations and by the check that `--resume` is not given other settings.
  enum Defaults {
    static let batchSize = 1
    static let lr: Float = 0.001
    static let warmup = 100
    static let schedule = "step"
    static let lrGamma: Float = 0.1
    static let optimiser = "sgd"
    static let momentum: Float = 0.9
    static let weightDecay: Float = 1e-4
    static let clipNorm: Float = 10
    static let parts = "rpn-head"
    static let bn = "frozen"
    static let seed: UInt64 = 0
    static let scaleJitter: Float = 0.1
    static let colourJitter: Float = 0.2
    static let checkpointEvery = 500
    static let evalEvery = 0
    static let calibrationSamples = 16
    static let recalibrateEvery = 0
    static let groundTruthJitter = 0
  }
}
