import Primitives

/// One rendered frame: the picture and, per pixel, which actor (1-based index into
/// ``VideoScript/actors``) is visible there (0 for none).
public struct RenderedFrame: Sendable {
  /// The frame as it is written to disk (lighting and sensor noise applied).
  public var image: RGBImage
  /// The owner of every pixel, row-major, `width × height`.
  public var owner: [UInt8]
  /// The tight box (0-based inclusive pixels) and pixel count of each actor's visible pixels;
  /// `nil` for an actor with no visible pixel.
  public var actorBoxes: [(box: Box, pixels: Int)?]
}

/// Draws the frames of a ``VideoScript``.
///
/// Order, back to front: backdrop, the distractors behind, then the actors from far (small ground
/// `y`) to near, each after its stool if it sits, then the distractors in front. Lighting (gain
/// and colour cast) and sensor noise are applied to the finished frame; they change colours only,
/// never the owner mask.
public struct VideoRenderer: Sendable {
  /// The video to draw.
  public let script: VideoScript

  /// A renderer for `script`.
  public init(script: VideoScript) {
    self.script = script
  }

  /// Frame `k` (0-based).
  public func render(frame k: Int) -> RenderedFrame {
    let view = script.view(at: k)
    var canvas = Canvas(width: script.width, height: script.height)
    script.backdrop.paint(into: &canvas, view: view)
    for d in script.distractors where !d.inFront { d.draw(into: &canvas, at: k, view: view) }
    let order = script.actors.indices.sorted {
      (script.actors[$0].groundY, $0) < (script.actors[$1].groundY, $1)
    }
    for i in order {
      let actor = script.actors[i]
      for part in actor.stool() {
        canvas.fillConvex(
          part.map(view.screen), Tint(120, 84, 50).mixed(with: actor.appearance.shoes, 0.3), owner: 0)
      }
      canvas.drawFigure(actor.figure(at: k), view: view, owner: UInt8(i + 1))
    }
    for d in script.distractors where d.inFront { d.draw(into: &canvas, at: k, view: view) }
    let boxes = script.actors.indices.map { canvas.box(of: UInt8($0 + 1)) }
    return RenderedFrame(image: finish(canvas, frame: k), owner: canvas.owner, actorBoxes: boxes)
  }

  /// Lighting and sensor noise: `v × gain(k) × cast + noise`, rounded and clamped to 0…255. The
  /// noise is uniform in ±``VideoScript/noise``, one byte of randomness per channel.
  func finish(_ canvas: Canvas, frame k: Int) -> RGBImage {
    let n = script.frameCount
    let t = n > 1 ? Float(k) / Float(n - 1) : 0
    let g = script.gain.start + (script.gain.end - script.gain.start) * t
    let gains = [g * script.cast.r, g * script.cast.g, g * script.cast.b]
    var rng = SeededRandom(seed: script.noiseSeed).child(UInt64(k))
    let amplitude = script.noise / 127.5
    var pixels = [UInt8](repeating: 0, count: canvas.colour.count)
    var bits: UInt64 = 0
    var left = 0
    for i in 0..<pixels.count {
      if left == 0 {
        bits = rng.next()
        left = 8
      }
      let noise = (Float(bits & 0xFF) - 127.5) * amplitude
      bits >>= 8
      left -= 1
      let v = canvas.colour[i] * gains[i % 3] + noise
      pixels[i] = UInt8(min(max(v.rounded(), 0), 255))
    }
    return RGBImage(width: canvas.width, height: canvas.height, pixels: pixels)!
  }
}
