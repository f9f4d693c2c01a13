import Detection
import Primitives
import Testing

/// Hand-computed cases of matching, sampling and target encoding.
@Suite struct TrainingTargetTests {
  let unit = Box(x1: 0, y1: 0, x2: 10, y2: 10)

  @Test func matcherThresholds() {
    // IoUs with [0, 10]²: 1, 0.7 (exactly, 70/100), 0.69, 0.3, 0.29, 0.
    let boxes =
      [10, 7, 6.9, 3, 2.9].map { Box(x1: 0, y1: 0, x2: 10, y2: Float($0)) } + [
        Box(x1: 50, y1: 50, x2: 60, y2: 60)
      ]
    let matcher = BoxMatcher(
      foregroundThreshold: 0.7, backgroundThreshold: 0.3, allowLowQualityMatches: false)
    let m = matcher.match(boxes, to: [unit])
    #expect(m == [.foreground(0), .foreground(0), .ignored, .ignored, .background, .background])
    // A lower bound of 0.1 turns IoU 0 into "ignored"; IoU 0.29 stays background.
    var bounded = matcher
    bounded.backgroundLowerBound = 0.1
    #expect(bounded.match(boxes, to: [unit]).suffix(2) == [.background, .ignored])
  }

  @Test func lowQualityMatchesIncludeTiesAndUseEachBoxsOwnBestTruth() {
    let far = Box(x1: 100, y1: 100, x2: 110, y2: 110)
    let near = Box(x1: 6, y1: 0, x2: 16, y2: 10)
    let boxes = [
      unit,  // IoU 1 with `unit`
      Box(x1: 2, y1: 0, x2: 12, y2: 10),  // 0.667 with `unit`, 0.429 with `near` (near's best)
      Box(x1: 100, y1: 100, x2: 110, y2: 105),  // 0.5 with `far`: tied best
      Box(x1: 100, y1: 105, x2: 110, y2: 110),  // 0.5 with `far`: tied best
      Box(x1: 100, y1: 100, x2: 104, y2: 104),  // 0.16 with `far`
      Box(x1: 300, y1: 300, x2: 310, y2: 310),  // overlaps nothing
    ]
    let m = BoxMatcher.rpn.match(boxes, to: [unit, near, far])
    // Box 1 is forced by `near` but matched to its own best ground truth, `unit` (torchvision).
    #expect(m == [.foreground(0), .foreground(0), .foreground(2), .foreground(2), .background, .background])
    // Without low-quality matches, boxes 1–3 sit between the thresholds.
    var strict = BoxMatcher.rpn
    strict.allowLowQualityMatches = false
    #expect(
      strict.match(boxes, to: [unit, near, far]) == [
        .foreground(0), .ignored, .ignored, .ignored, .background, .background,
      ])
  }

  @Test func groundTruthMissingEveryBoxForcesNothing() {
    let boxes = [unit, Box(x1: 20, y1: 0, x2: 30, y2: 10)]
    let m = BoxMatcher.rpn.match(boxes, to: [Box(x1: 500, y1: 500, x2: 520, y2: 520)])
    #expect(m == [.background, .background])
    #expect(BoxMatcher.rpn.match(boxes, to: []) == [.background, .background])
  }

  @Test func ineligibleBoxesAreIgnoredAndNeverForced() {
    // The best box for the truth is ineligible: the next best (tied pair) is forced instead.
    let truth = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    let boxes = [truth, Box(x1: 0, y1: 0, x2: 10, y2: 5), Box(x1: 0, y1: 5, x2: 10, y2: 10)]
    let m = BoxMatcher.rpn.match(boxes, to: [truth], eligible: [false, true, true])
    #expect(m == [.ignored, .foreground(0), .foreground(0)])
  }

  @Test func splitMix64MatchesTheReferenceSequence() {
    // Vigna's splitmix64.c from state 0: first outputs.
    var g = SplitMix64(seed: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    var h = SplitMix64(seed: 42)
    for _ in 0..<1000 { #expect((0..<7).contains(h.next(below: 7))) }
  }

  @Test func samplerCapsPositivesAndFillsWithNegatives() {
    let rpn = BalancedSampler(batchSize: 256, positiveFraction: 0.5)
    var order = SampleOrder.random(seed: 1)
    let (p1, n1) = rpn.sample(positives: Array(0..<300), negatives: Array(300..<1300), order: &order)
    #expect(p1.count == 128 && n1.count == 128)
    let (p2, n2) = rpn.sample(positives: Array(0..<10), negatives: Array(10..<1010), order: &order)
    #expect(p2 == Array(0..<10) && n2.count == 246)
    let (p3, n3) = rpn.sample(positives: [3, 4], negatives: [7, 8, 9], order: &order)
    #expect(p3 == [3, 4] && n3 == [7, 8, 9])
    let head = BalancedSampler(batchSize: 64, positiveFraction: 0.25)
    let (p4, n4) = head.sample(positives: Array(0..<40), negatives: Array(40..<50), order: &order)
    #expect(p4.count == 16 && n4.count == 10)
    // Distinct, increasing, drawn from the candidates.
    for s in [p1, n1, n2, p4] {
      #expect(s == s.sorted() && Set(s).count == s.count)
    }
    #expect(Set(n1).isSubset(of: Set(300..<1300)))
  }

  @Test func samplingIsReproducibleFromItsSeedAndInjectable() {
    let sampler = BalancedSampler(batchSize: 16, positiveFraction: 0.5)
    func draw(_ seed: UInt64) -> ([Int], [Int]) {
      var order = SampleOrder.random(seed: seed)
      return sampler.sample(positives: Array(0..<100), negatives: Array(100..<200), order: &order)
    }
    #expect(draw(5) == draw(5))
    #expect(draw(5) != draw(6))
    // A given order takes the listed candidates first, then the rest by index.
    var fixed = SampleOrder.preferring([42, 7, 150, 199, 3])
    let (p, n) = sampler.sample(positives: Array(0..<100), negatives: Array(100..<200), order: &fixed)
    #expect(p == [0, 1, 2, 3, 4, 5, 7, 42])
    #expect(n == [100, 101, 102, 103, 104, 105, 150, 199])
  }

  @Test func anchorTargetsPruneBorderAnchorsAndEncodeWithTheTFCoder() {
    let anchors = [
      Box(x1: 0, y1: 0, x2: 10, y2: 10),  // inside, IoU 0.68 with the truth: its best, forced
      Box(x1: -4, y1: 0, x2: 6, y2: 10),  // crosses the left border
      Box(x1: 20, y1: 20, x2: 30, y2: 30),  // inside, misses: background
    ]
    let truth = Box(x1: 1, y1: 1, x2: 11, y2: 11)
    var order = SampleOrder.random(seed: 3)
    let pruned = AnchorTargets(
      anchors: anchors, groundTruth: [truth], imageWidth: 40, imageHeight: 40, order: &order)
    #expect(pruned.matches == [.foreground(0), .ignored, .background])
    #expect(pruned.positives == [0] && pruned.negatives == [2])
    // (10, 10, 5, 5): dx = 10 · (6 − 5) / 10 = 1, dy = 1, dw = dh = 0.
    #expect(pruned.regressionTargets[0] == SIMD4(1, 1, 0, 0))
    #expect(pruned.regressionTargets[1] == .zero && pruned.regressionTargets[2] == .zero)
    var keepAll = RPNTrainingConfiguration()
    keepAll.borderTolerance = nil
    let kept = AnchorTargets(
      anchors: anchors, groundTruth: [truth], imageWidth: 40, imageHeight: 40, configuration: keepAll,
      order: &order)
    #expect(kept.matches == [.foreground(0), .background, .background])
  }

  @Test func headTargetsAppendGroundTruthAndLabelBackgroundZero() {
    let truth = [
      LabelledBox(box: Box(x1: 0, y1: 0, x2: 10, y2: 10), classIndex: 2),
      LabelledBox(box: Box(x1: 50, y1: 50, x2: 70, y2: 70), classes: [3, 1]),
    ]
    let proposals = [
      Box(x1: 1, y1: 0, x2: 11, y2: 10),  // IoU 0.82 with truth 0
      Box(x1: 30, y1: 30, x2: 40, y2: 40),  // background
      Box(x1: 50, y1: 50, x2: 70, y2: 60),  // IoU 0.5 with truth 1: foreground
      Box(x1: 5, y1: 0, x2: 15, y2: 10),  // IoU 0.33: background
    ]
    var order = SampleOrder.random(seed: 9)
    let t = ProposalTargets(proposals: proposals, groundTruth: truth, order: &order)
    #expect(t.candidateIndices == [0, 1, 2, 3, 4, 5])
    #expect(t.rois == proposals + truth.map(\.box))
    #expect(t.matchedGroundTruth == [0, nil, 1, nil, 0, 1])
    #expect(t.softmaxLabels == [3, 0, 2, 0, 3, 2])
    #expect(t.classes == [[2], [], [1, 3], [], [2], [1, 3]])
    #expect(t.regressionTargets[4] == .zero && t.regressionTargets[1] == .zero)
    // dx = 10 · (5 − 6) / 10 = −1.
    #expect(t.regressionTargets[0] == SIMD4(-1, 0, 0, 0))
    #expect(t.foregroundCount == 4)
    // TF OD API style: proposals only; caps at 25 % of 4 = 1 foreground.
    var tf = HeadTrainingConfiguration()
    tf.appendGroundTruth = false
    tf.sampler = BalancedSampler(batchSize: 4, positiveFraction: 0.25)
    let s = ProposalTargets(proposals: proposals, groundTruth: truth, configuration: tf, order: &order)
    #expect(s.rois.count == 3 && s.foregroundCount == 1)
    // No ground truth: every proposal is background.
    let empty = ProposalTargets(proposals: proposals, groundTruth: [], order: &order)
    #expect(empty.softmaxLabels == [0, 0, 0, 0] && empty.foregroundCount == 0)
  }
}
