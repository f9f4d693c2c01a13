import Foundation

/// Everything about one synthetic video, drawn from a seed: the scene, the camera, the lighting
/// and the actors. Rendering a script (``VideoRenderer``) is a pure function of it.
public struct VideoScript: Sendable {
  /// The video's action (its class).
  public var action: SyntheticAction
  /// Number of frames.
  public var frameCount: Int
  /// Frame width in pixels.
  public var width: Int
  /// Frame height in pixels.
  public var height: Int
  /// Background.
  public var backdrop: Backdrop
  /// Actors, the first one always performing ``action``.
  public var actors: [ActorScript]
  /// Balls and boxes.
  public var distractors: [Distractor]
  /// Camera centre pan over the video (world pixels, first frame to last).
  public var panStart: Point2
  /// Camera centre at the last frame.
  public var panEnd: Point2
  /// How much the camera follows the first actor's travel (0 … 0.8).
  public var follow: Float
  /// Zoom at the first and the last frame.
  public var zoom: (start: Float, end: Float)
  /// Brightness gain at the first and the last frame, and the colour cast per channel.
  public var gain: (start: Float, end: Float)
  /// Multiplies red, green, blue (a colour cast, ±8 %).
  public var cast: Tint
  /// Sensor noise amplitude (uniform, ± this many levels).
  public var noise: Float
  /// Seed of the per-frame sensor noise.
  public var noiseSeed: UInt64

  /// The camera at frame `k`.
  public func view(at k: Int) -> View {
    let t = frameCount > 1 ? Float(k) / Float(frameCount - 1) : 0
    var centre = panStart.mixed(with: panEnd, t)
    if let first = actors.first {
      let travel = first.anchorX(at: k) - first.anchorX(at: frameCount / 2)
      centre.x += follow * travel
    }
    return View(
      centre: centre, zoom: zoom.start + (zoom.end - zoom.start) * smoothstep(t), width: width, height: height
    )
  }

  /// A random video of `action` with `frameCount` frames; `idleProbability` is the chance that an
  /// acting figure idles before and/or after its action.
  public static func random(
    action: SyntheticAction, frameCount: Int, width: Int, height: Int, idleProbability: Float,
    using rng: inout SeededRandom
  ) -> VideoScript {
    let w = Float(width)
    let h = Float(height)
    let horizon = rng.uniform((h * 0.3)...(h * 0.6))
    let backdrop = Backdrop.random(width: width, height: height, horizon: horizon, using: &rng)
    var actors = [
      randomActor(
        action: action, primary: true, frameCount: frameCount, frame: (w, h),
        idleProbability: idleProbability,
        using: &rng)
    ]
    let extra = rng.int(in: 0...2)
    for _ in 0..<extra {
      let acting = rng.chance(0.55)
      actors.append(
        randomActor(
          action: acting ? action : nil, primary: false, frameCount: frameCount, frame: (w, h),
          idleProbability: idleProbability, using: &rng))
    }
    let distractors = (0..<rng.int(in: 0...3)).map { _ in
      Distractor.random(width: width, height: height, using: &rng)
    }
    let pan = Point2(rng.uniform(-40...40), rng.uniform(-12...12))
    let centre = Point2(w / 2, h / 2)
    return VideoScript(
      action: action, frameCount: frameCount, width: width, height: height, backdrop: backdrop,
      actors: actors, distractors: distractors, panStart: centre + pan * -0.5, panEnd: centre + pan * 0.5,
      follow: action.isLocomotion ? rng.uniform(0...0.8) : 0,
      zoom: (rng.uniform(0.92...1.08), rng.uniform(0.92...1.08)),
      gain: (rng.uniform(0.75...1.2), rng.uniform(0.75...1.2)),
      cast: Tint(rng.uniform(0.92...1.08), rng.uniform(0.92...1.08), rng.uniform(0.92...1.08)),
      noise: rng.uniform(0...7), noiseSeed: rng.next())
  }

  /// A random actor; the primary one stands near the middle, the others anywhere (partly outside
  /// the frame too).
  static func randomActor(
    action: SyntheticAction?, primary: Bool, frameCount n: Int, frame: (w: Float, h: Float),
    idleProbability: Float, using rng: inout SeededRandom
  ) -> ActorScript {
    var range = 0..<0
    if action != nil {
      var before = 0
      var after = 0
      if rng.chance(idleProbability) {
        let which = rng.int(in: 0...2)  // 0 before, 1 after, 2 both
        let room = max(0, n - 24)
        if which != 1 { before = min(rng.int(in: 8...20), room / (which == 2 ? 2 : 1)) }
        if which != 0 { after = min(rng.int(in: 8...20), room - before) }
      }
      range = before..<(n - after)
    }
    let style = MotionStyle.random(for: action ?? .wave, frames: max(range.count, 1), using: &rng)
    let shape = BodyShape.random(using: &rng)
    let height = rng.uniform(55...175)
    let facing = rng.sign()
    let groundY =
      primary
      ? rng.uniform((frame.h * 0.72)...(frame.h * 0.97)) : rng.uniform((frame.h * 0.6)...(frame.h * 1.02))
    var startX =
      primary
      ? rng.uniform((frame.w * 0.3)...(frame.w * 0.7)) : rng.uniform((-0.1 * frame.w)...(1.1 * frame.w))
    if let action, action.isLocomotion {
      // Centre the path on the chosen position.
      let speed = ActionMotion.speed(action, style: style, legLength: shape.legLength) * height
      startX -= facing * speed * Float(range.count) / 2
    }
    return ActorScript(
      shape: shape, appearance: .random(using: &rng), height: height, facing: facing, groundY: groundY,
      startX: startX, action: action, actionFrames: range, style: style, swayPeriod: rng.uniform(30...60),
      swayPhase: rng.uniform(0...(2 * .pi)))
  }
}

extension Point2 {
  /// The point blended towards `other` by `t`.
  func mixed(with other: Point2, _ t: Float) -> Point2 {
    Point2(x + (other.x - x) * t, y + (other.y - y) * t)
  }
}
