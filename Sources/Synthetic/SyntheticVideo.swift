import Datasets
import Primitives

/// One generated video: its id, script, rendered frames and ground-truth tubes.
///
/// Tube rule (ACT tubes are contiguous): an acting figure is annotated on its action frames on
/// which at least ``SyntheticConfiguration/minimumVisiblePixels`` of its pixels are visible (inside
/// the frame, not hidden by a nearer actor, a stool or a distractor). Each maximal run of
/// consecutive annotated frames becomes its own tube, so a figure that disappears for a while and
/// comes back gets two tubes with the same label; no box is invented for the gap. Idle frames and
/// bystanders are never annotated.
public struct SyntheticVideo: Sendable {
  /// `label/label_00001` (1-based index).
  public var id: String
  /// Index into ``SyntheticAction/allCases``.
  public var labelIndex: Int
  /// What was rendered.
  public var script: VideoScript
  /// Every frame, in order.
  public var frames: [RenderedFrame]
  /// The ground-truth tubes (frames 1-based, boxes 0-based inclusive pixels).
  public var tubes: [GroundTruthTube]

  /// The id of video `index` (0-based) of a set: `walk/walk_00009`.
  public static func id(index: Int) -> String {
    let label = action(index: index).label
    let number = String(index + 1)
    return "\(label)/\(label)_" + String(repeating: "0", count: max(0, 5 - number.count)) + number
  }

  /// The action of video `index`: the classes in turn.
  public static func action(index: Int) -> SyntheticAction {
    SyntheticAction.allCases[index % SyntheticAction.allCases.count]
  }

  /// Generates video `index` of `configuration`: draws its script from the video's own random
  /// stream and renders it. A draw whose main actor is visible on fewer than 60 % of its action
  /// frames is redrawn (up to 8 times, deterministically), so nearly every video has a tube
  /// covering most of its action.
  public static func generate(index: Int, configuration c: SyntheticConfiguration) -> SyntheticVideo {
    var rng = SeededRandom(seed: c.seed).child(UInt64(index))
    let action = action(index: index)
    let frameCount = rng.int(in: c.frameCounts)
    var best: SyntheticVideo?
    var bestCoverage: Float = -1
    for _ in 0..<8 {
      let script = VideoScript.random(
        action: action, frameCount: frameCount, width: c.width, height: c.height,
        idleProbability: c.idleProbability, using: &rng)
      let renderer = VideoRenderer(script: script)
      let frames = (0..<frameCount).map { renderer.render(frame: $0) }
      let tubes = Self.tubes(of: script, frames: frames, minimumPixels: c.minimumVisiblePixels)
      let main = script.actors[0].actionFrames
      let seen = main.filter { (frames[$0].actorBoxes[0]?.pixels ?? 0) >= c.minimumVisiblePixels }.count
      let coverage = Float(seen) / Float(max(main.count, 1))
      let video = SyntheticVideo(
        id: id(index: index), labelIndex: SyntheticAction.allCases.firstIndex(of: action)!, script: script,
        frames: frames, tubes: tubes)
      if coverage >= 0.6 { return video }
      if coverage > bestCoverage {
        best = video
        bestCoverage = coverage
      }
    }
    return best!
  }

  /// The tubes of every acting figure (see the type's tube rule), actor by actor.
  public static func tubes(of script: VideoScript, frames: [RenderedFrame], minimumPixels: Int)
    -> [GroundTruthTube]
  {
    var tubes: [GroundTruthTube] = []
    for (a, actor) in script.actors.enumerated() {
      guard let action = actor.action else { continue }
      let label = SyntheticAction.allCases.firstIndex(of: action)!
      var run: (frames: [Int], boxes: [Box]) = ([], [])
      func close() {
        if !run.frames.isEmpty {
          tubes.append(GroundTruthTube(label: label, frames: run.frames, boxes: run.boxes))
        }
        run = ([], [])
      }
      for k in 0..<frames.count {
        if actor.isActing(at: k), let seen = frames[k].actorBoxes[a], seen.pixels >= minimumPixels {
          run.frames.append(k + 1)
          run.boxes.append(seen.box)
        } else {
          close()
        }
      }
      close()
    }
    return tubes
  }
}
