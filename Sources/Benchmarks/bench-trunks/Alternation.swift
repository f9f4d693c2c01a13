import Foundation
import Primitives

/// Timed runs of ours and, when ONNX Runtime runs beside, of the peer's: run i of ours right after
/// the peer's run i.
struct TimedRuns {
  /// Our runs in order, seconds.
  var ours: [Double] = []
  /// The peer's runs in order, milliseconds (empty without a peer).
  var peer: [Double] = []
  /// Runs per round: round r holds runs `r · runsPerRound ..< (r + 1) · runsPerRound` of `ours` (and
  /// of `peer` when there is one).
  var runsPerRound = 0
  /// Rounds recorded.
  var rounds: Int { runsPerRound > 0 ? ours.count / runsPerRound : 0 }

  /// Our fastest run, seconds.
  var bestSeconds: Double { ours.min() ?? 0 }
  /// Our median run, seconds.
  var medianSeconds: Double { ours.isEmpty ? 0 : median(ours) }
  /// The peer's fastest and median runs, milliseconds; `nil` without a peer.
  var peerSummary: (best: Double, median: Double)? {
    peer.isEmpty ? nil : (peer.min()!, median(peer))
  }

  /// Prints the median and range of the pairs' ratios (the peer's run over ours), and how far the
  /// ratio of medians moves when the rounds are drawn again (``ratioSpread(resamples:)``).
  func printPairs(name: String) {
    guard !peer.isEmpty else { return }
    // Each pair ran back to back (about 0.1 s apart): its two runs see the same host conditions far
    // more often than two rounds seconds apart do.
    let pairs = zip(peer, ours).map { $0 / ($1 * 1000) }
    print(
      "\(name): ratio by pair (ONNX Runtime over ours, each run against the peer's just before it): median "
        + String(format: "%.2fx, range %.2f–%.2fx", median(pairs), pairs.min()!, pairs.max()!))
    guard rounds > 1, let spread = ratioSpread() else { return }
    print(
      "\(name): ratio of medians with the \(rounds) rounds drawn again (with replacement, 2000 times): "
        + String(format: "5th–95th percentile %.2f–%.2fx", spread.lower, spread.upper))
  }

  /// The 5th and 95th percentiles of the ratio of medians (the peer's over ours) over `resamples`
  /// block-bootstrap draws: as many rounds as were run, drawn with replacement, each keeping its runs
  /// together (runs within a round share the host's state). A seeded generator makes it repeatable.
  /// Tells how much one invocation's ratio can be trusted on a noisy host: a burst of load that
  /// slows one round of one side moves a median of few rounds. `nil` without a peer.
  func ratioSpread(resamples: Int = 2000) -> (lower: Double, upper: Double)? {
    guard !peer.isEmpty, rounds > 0, rounds * runsPerRound == ours.count, peer.count == ours.count else {
      return nil
    }
    var generator = SplitMix64(seed: 2026)
    var ratios: [Double] = []
    ratios.reserveCapacity(resamples)
    for _ in 0..<resamples {
      var oursDrawn: [Double] = []
      var peerDrawn: [Double] = []
      for _ in 0..<rounds {
        let r = generator.next(below: rounds)
        let runs = (r * runsPerRound)..<((r + 1) * runsPerRound)
        oursDrawn += ours[runs]
        peerDrawn += peer[runs]
      }
      ratios.append(median(peerDrawn) / (median(oursDrawn) * 1000))
    }
    ratios.sort()
    return (ratios[resamples / 20], ratios[resamples - 1 - resamples / 20])
  }
}

/// ``alternate(name:options:session:_:)`` against an ONNX Runtime server on `model`, started for
/// this call and stopped after it (none without a peer; exits when the server cannot start).
func alternate(
  name: String, model: String, options: BenchOptions, peer: PeerRunner?, _ body: () -> [Int]
) -> TimedRuns {
  let session = peer?.start(model: model)
  if peer != nil, session == nil { exit(1) }
  defer { session?.stop() }
  return alternate(name: name, options: options, session: session, body)
}

/// Times `body` in `options.rounds` rounds of `options.runs` runs, after `options.warmup` warm-up
/// runs. Before each round it waits for an idle machine (`options.waitIdle`). With a peer `session`,
/// both sides first make the same untimed runs (``roundWarmupRuns(seconds:name:_:)``), then each of
/// our runs follows one of the peer's, once the peer's threads have stopped spinning; ours waits as
/// long after it, so each side's run starts after the same pause. `body` returns the output's shape.
func alternate(
  name: String, options: BenchOptions, session: PeerSession?, _ body: () -> [Int]
) -> TimedRuns {
  for _ in 0..<options.warmup { _ = body() }
  let roundWarmups =
    session == nil ? 0 : roundWarmupRuns(seconds: options.roundWarmupSeconds, name: name) { _ = body() }
  var runs = TimedRuns()
  runs.runsPerRound = options.runs
  for round in 0..<options.rounds {
    waitForIdle(options.waitIdle)
    if let session {
      let start = ContinuousClock.now
      if !session.warm(roundWarmups) { peerStopped() }
      for _ in 0..<roundWarmups { _ = body() }
      let spent = ms((ContinuousClock.now - start).seconds)
      print("\(name): round \(round + 1) warm-up: \(roundWarmups) runs each, \(spent) ms (untimed)")
    }
    for _ in 0..<options.runs {
      var pause = 0.0
      var line = "\(name): round \(round + 1)"
      if let session {
        guard let t = session.run() else { peerStopped() }
        pause = session.settle()
        runs.peer.append(t)
        line += String(format: ": ONNX Runtime %.1f ms, then ours", t)
      }
      let start = ContinuousClock.now
      let faults = minorFaults()
      let load = MachineLoad()
      let shape = body()
      let elapsed = (ContinuousClock.now - start).seconds
      runs.ours.append(elapsed)
      Thread.sleep(forTimeInterval: pause)
      print(
        line + ": \(ms(elapsed)) ms, \(minorFaults() - faults) page faults, other processes used "
          + String(format: "%.2f", load.othersCores(wall: elapsed)) + " cores, output \(shape)")
    }
  }
  runs.printPairs(name: name)
  return runs
}

/// Ends the benchmark when the ONNX Runtime server has stopped answering.
private func peerStopped() -> Never {
  FileHandle.standardError.write(Data("bench-trunks: the ONNX Runtime server stopped\n".utf8))
  exit(1)
}
