import Testing

@testable import Commands

/// `train --time-limit DURATION`: the accepted spellings and the refused ones.
@Suite struct TrainTimeLimitTests {
  @Test func durationsParse() {
    #expect(TrainTimeLimit.seconds("90") == 90)
    #expect(TrainTimeLimit.seconds("90s") == 90)
    #expect(TrainTimeLimit.seconds("45m") == 2700)
    #expect(TrainTimeLimit.seconds("2h") == 7200)
    #expect(TrainTimeLimit.seconds("1h30m") == 5400)
    #expect(TrainTimeLimit.seconds("1.5h") == 5400)
    #expect(TrainTimeLimit.seconds("1h0m30s") == 3630)
  }

  @Test func nonDurationsAreRefused() throws {
    for text in ["", "0", "-5", "0s", "h", "5x", "1h30", "m5", "nan", "inf", "1..5h"] {
      #expect(TrainTimeLimit.seconds(text) == nil, "\(text)")
    }
    let arguments = ["--frames-root", "F", "--scratch", "64x80,8,8,16,20", "--run", "r"]
    #expect(throws: (any Error).self) { try Train.parse(arguments + ["--time-limit", "soon"]) }
    #expect(try Train.parse(arguments + ["--time-limit", "2h"]).timeLimit == "2h")
  }

  @Test func durationsDescribe() {
    #expect(TrainTimeLimit.describe(3) == "3s")
    #expect(TrainTimeLimit.describe(2700) == "45m")
    #expect(TrainTimeLimit.describe(5400) == "1h30m")
    #expect(TrainTimeLimit.describe(7200) == "2h")
    #expect(TrainTimeLimit.describe(3630) == "1h0m30s")
  }
}
