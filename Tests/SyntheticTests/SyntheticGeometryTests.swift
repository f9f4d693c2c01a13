import Datasets
import Primitives
import Testing

@testable import Synthetic

@Suite struct SyntheticGeometryTests {
  @Test func annotatedBoxesAreTightAroundVisibleActorPixels() throws {
    var c = SyntheticTestSupport.small(videos: 10, seed: 5, frames: 8...10)
    c.width = 160
    c.height = 120
    var checked = 0
    for index in [0, 3, 4, 8] {
      let video = SyntheticVideo.generate(index: index, configuration: c)
      var annotated: [Int: [Box]] = [:]
      for tube in video.tubes {
        for (f, box) in zip(tube.frames, tube.boxes) { annotated[f, default: []].append(box) }
      }
      for (f, boxes) in annotated {
        let frame = video.frames[f - 1]
        for box in boxes {
          // The box belongs to one actor whose visible pixels it bounds exactly.
          let owners = video.script.actors.indices.filter { frame.actorBoxes[$0]?.box == box }
          let id = UInt8(try #require(owners.first) + 1)
          let (x1, y1, x2, y2) = (Int(box.x1), Int(box.y1), Int(box.x2), Int(box.y2))
          let w = c.width
          func owned(_ x: Int, _ y: Int) -> Bool { frame.owner[y * w + x] == id }
          #expect((x1...x2).contains { owned($0, y1) }, "top edge")
          #expect((x1...x2).contains { owned($0, y2) }, "bottom edge")
          #expect((y1...y2).contains { owned(x1, $0) }, "left edge")
          #expect((y1...y2).contains { owned(x2, $0) }, "right edge")
          var outside = 0
          for y in 0..<c.height {
            for x in 0..<w
            where owned(x, y) && !(x1...x2).contains(x) || owned(x, y) && !(y1...y2).contains(y) {
              outside += 1
            }
          }
          #expect(outside == 0)
          #expect(x1 >= 0 && y1 >= 0 && x2 < w && y2 < c.height)
          checked += 1
        }
      }
    }
    #expect(checked > 20)
  }

  @Test func standUpIsSitDownReversedPoseForPose() {
    var rng = SeededRandom(seed: 9)
    for n in [2, 17, 40, 73] {
      let style = MotionStyle.random(for: .sitDown, frames: n, using: &rng)
      let down = (0..<n).map { ActionMotion.pose(.sitDown, frame: $0, of: n, style: style) }
      let up = (0..<n).map { ActionMotion.pose(.standUp, frame: $0, of: n, style: style) }
      #expect(Array(down.reversed()) == up)
      #expect(down.first == .neutral && up.last == .neutral)
    }
    // Placed in a scene, the figures are mirror images in time too (same joints, same place).
    var actor = SyntheticVideo.generate(
      index: 5, configuration: SyntheticTestSupport.small(videos: 10, frames: 30...30)
    ).script.actors[0]
    actor.actionFrames = 0..<30
    var reverse = actor
    reverse.action = .standUp
    for k in 0..<30 {
      let a = actor.figure(at: k)
      let b = reverse.figure(at: 29 - k)
      #expect(a.joints == b.joints && a.pelvis == b.pelvis)
    }
    #expect(actor.stool().map { $0.map(\.x) } == reverse.stool().map { $0.map(\.x) })
  }

  @Test func walkAndRunDifferByCadenceAndSpeed() {
    var rng = SeededRandom(seed: 2)
    let walk = MotionStyle.random(for: .walk, frames: 60, using: &rng)
    let run = MotionStyle.random(for: .run, frames: 60, using: &rng)
    #expect(walk.period >= 22 && run.period <= 17)
    let legs = BodyShape().legLength
    #expect(
      ActionMotion.speed(.run, style: run, legLength: legs) > 2
        * ActionMotion.speed(.walk, style: walk, legLength: legs))
  }

  @Test func idleFramesAreNeverAnnotated() {
    var c = SyntheticTestSupport.small(videos: 10, seed: 21, frames: 44...50)
    c.idleProbability = 1
    var idleFramesSeen = 0
    for index in 0..<10 {
      let video = SyntheticVideo.generate(index: index, configuration: c)
      let acting = Set(
        video.script.actors.flatMap { actor in (0..<video.frames.count).filter { actor.isActing(at: $0) } })
      let main = video.script.actors[0]
      idleFramesSeen += video.frames.count - main.actionFrames.count
      for tube in video.tubes {
        #expect(tube.frames.allSatisfy { acting.contains($0 - 1) })
        #expect(zip(tube.frames, tube.frames.dropFirst()).allSatisfy { $1 == $0 + 1 }, "tubes are contiguous")
      }
      if video.script.actors.count == 1 {
        let frames = Set(video.tubes.flatMap(\.frames))
        #expect(frames.allSatisfy { main.actionFrames.contains($0 - 1) })
      }
    }
    #expect(idleFramesSeen > 100)
  }

  @Test func deterministicRandomStreams() {
    var a = SeededRandom(seed: 42)
    var b = SeededRandom(seed: 42)
    #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    var r = SeededRandom(seed: 1)
    let draws = (0..<2000).map { _ in r.int(in: 40...80) }
    #expect(draws.min() == 40 && draws.max() == 80)
    var one = SeededRandom(seed: 3).child(1)
    var two = SeededRandom(seed: 3).child(2)
    #expect(one.next() != two.next())
  }
}
