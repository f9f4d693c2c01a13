import Commands
import Detection
import Foundation
import Primitives
import Testing

@testable import Training

/// Time reversal plays a clip backwards around its keyframe and swaps the labels of partner classes.
@Suite struct TimeReversalTests {
  @Test func reversedClipKeepsTheKeyframeInPlace() {
    #expect(
      TimeReversal.reversedClipIndices(keyframe: 3, frameCount: 8, clipLength: 8) == [7, 6, 5, 4, 3, 2, 1, 0])
    #expect(
      TimeReversal.reversedClipIndices(keyframe: 1, frameCount: 8, clipLength: 8) == [5, 4, 3, 2, 1, 0, 0, 0])
    #expect(TimeReversal.reversedClipIndices(keyframe: 6, frameCount: 8, clipLength: 4) == [7, 7, 6, 5])
    let forward = ActionDetector.clipIndices(keyframe: 6, frameCount: 8, clipLength: 4)
    #expect(
      forward[2] == 6 && TimeReversal.reversedClipIndices(keyframe: 6, frameCount: 8, clipLength: 4)[2] == 6)
  }

  @Test func reversedSampleIsTheClipBackwardsWithThePartnersLabel() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let configuration = SyntheticSet.configuration()
    let counts = set.groundTruth.videos.mapValues(\.frameCount)
    var reversing = Augmentation.none
    reversing.timeReversal = TimeReversal(partners: [0: 1, 1: 0], probability: 1)
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: counts, configuration: configuration, augmentation: reversing)
    let plain = SampleBuilder(
      framesRoot: set.root, frameCounts: counts, configuration: configuration, augmentation: .none)
    let example = TrainingExample.all(in: set.groundTruth, videos: set.videos)[2]  // left/v0, keyframe 2
    let sample = try builder.sample(example, seed: 9)
    let forward = try plain.sample(example, seed: 9)
    #expect(sample.keyframe.scalars == forward.keyframe.scalars)
    #expect(sample.boxes.map(\.classes) == [[1]] && forward.boxes.map(\.classes) == [[0]])
    #expect(sample.boxes.map(\.box) == forward.boxes.map(\.box))
    // Clip position t holds frame keyframe + 4 − t: the keyframe sample of that frame.
    let plane = 64 * 80
    let expected = TimeReversal.reversedClipIndices(keyframe: 2, frameCount: 8, clipLength: 8)
    for (t, frame) in expected.enumerated() {
      let key = try plain.sample(
        TrainingExample(video: example.video, keyframe: frame, boxes: example.boxes), seed: 9
      ).keyframe.scalars
      for c in 0..<3 {
        let start = (c * 8 + t) * plane
        #expect(Array(sample.clip.scalars[start..<start + plane]) == Array(key[c * plane..<(c + 1) * plane]))
      }
    }
    #expect(sample.clip.scalars != forward.clip.scalars)
  }

  @Test func classesWithoutPartnerAreNeverReversed() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    var reversing = Augmentation.none
    reversing.timeReversal = TimeReversal(partners: [1: 1], probability: 1)
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: SyntheticSet.configuration(), augmentation: reversing)
    let plain = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: SyntheticSet.configuration(), augmentation: .none)
    let examples = TrainingExample.all(in: set.groundTruth, videos: set.videos)
    let left = try builder.sample(examples[3], seed: 4)
    #expect(left.clip.scalars == (try plain.sample(examples[3], seed: 4)).clip.scalars)
    #expect(left.boxes.map(\.classes) == [[0]])
    let right = try builder.sample(examples[11], seed: 4)  // its own partner: backwards, same label
    #expect(right.clip.scalars != (try plain.sample(examples[11], seed: 4)).clip.scalars)
    #expect(right.boxes.map(\.classes) == [[1]])
    #expect(!TimeReversal(partners: [0: 0]).covers([]))
  }

  @Test func drawsOfEarlierRunsAreUnchanged() throws {
    var reversing = Augmentation()
    reversing.timeReversal = TimeReversal(partners: [0: 1, 1: 0])
    var reversals = 0
    for seed in UInt64(0)..<200 {
      var a = SplitMix64(seed: seed)
      var b = SplitMix64(seed: seed)
      var old = Augmentation().draw(&a)
      let new = reversing.draw(&b)
      #expect(!old.reverse)
      old.reverse = new.reverse
      #expect(old == new)
      reversals += new.reverse ? 1 : 0
    }
    #expect(reversals > 70 && reversals < 130)
    // A run state written before time reversal existed still decodes.
    let json = #"{"horizontalFlip":true,"scaleJitter":0.1,"colourJitter":0.2}"#
    let decoded = try JSONDecoder().decode(Augmentation.self, from: Data(json.utf8))
    #expect(decoded == Augmentation())
  }

  @Test func parseNamesTheProblemInOneLine() throws {
    let labels = ["clap", "sit_down", "stand_up"]
    let pair = try TimeReversal.parse(["sit_down:stand_up", "clap"], labels: labels)
    #expect(pair.partners == [1: 2, 2: 1, 0: 0])
    let cases: [([String], String)] = [
      (
        ["sit_dwn:stand_up"],
        "--time-reverse 'sit_dwn:stand_up': no class 'sit_dwn' in the dataset (clap, sit_down, stand_up)"
      ),
      (["sit_down:stand_up:clap"], "--time-reverse 'sit_down:stand_up:clap': expected CLASS:CLASS or CLASS"),
      (["sit_down:"], "--time-reverse 'sit_down:': expected CLASS:CLASS or CLASS"),
      (
        ["sit_down:stand_up", "clap:sit_down"],
        "--time-reverse 'clap:sit_down': sit_down already reverses to stand_up"
      ),
    ]
    for (specs, message) in cases {
      #expect {
        _ = try TimeReversal.parse(specs, labels: labels)
      } throws: { "\($0)" == message }
    }
  }

  @Test func trainStoresThePartnersAndResumeKeepsThem() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let pickle = set.root + "/gt.pkl"
    try set.groundTruth.writeACTPickle(to: pickle)
    let common = ["toy", "split1", "--gt", pickle, "--frames-root", set.root, "--threads", "1"]
    let run = [
      "--scratch", "64x80,8,8,16,20", "--run", set.root + "/run", "--steps", "2", "--eval-every", "0",
    ]
    #expect {
      try Train.parse(common + run + ["--time-reverse", "left:up"]).run()
    } throws: { "\($0)" == "--time-reverse 'left:up': no class 'up' in the dataset (left, right)" }
    #expect(!FileManager.default.fileExists(atPath: set.root + "/run"))
    #expect {
      try Train.parse(
        common + run + [
          "--time-reverse", "left:right", "--stream", "flow", "--flow-root", set.root + "/none",
        ]
      ).run()
    } throws: { "\($0)" == TrainingError.timeReversalOfFlow.description }
    #expect(!FileManager.default.fileExists(atPath: set.root + "/run"))
    try Train.parse(common + run + ["--time-reverse", "left:right"]).run()
    let state = try RunState.read(directory: set.root + "/run")
    #expect(
      state.options.augmentation.timeReversal == TimeReversal(partners: [0: 1, 1: 0], probability: 0.5))
    #expect {
      _ = try Train.parse(common + ["--resume", set.root + "/run", "--time-reverse", "left:right"])
    } throws: { Train.message(for: $0).contains("--time-reverse: a resumed run keeps the settings") }
  }
}
