import Flow
import Foundation
import Testing

/// TV-L1 against OpenCV's `DualTVL1OpticalFlow` (defaults) on real frame pairs: the bar is
/// a mean end-point difference ≤ 0.05 px and a 99th percentile ≤ 0.5 px on every pair.
@Suite struct TVL1ParityTests {
  @Test(arguments: FlowFixtures.names)
  func matchesOpenCV(_ name: String) throws {
    let pair = try FlowFixtures.pair(name)
    let flow = try TVL1OpticalFlow().flow(from: pair.first, to: pair.second)
    let summary = EndPointSummary(flow.endPointErrors(to: pair.reference))
    print("\(name) \(pair.first.width)x\(pair.first.height): EPE vs OpenCV \(summary)")
    #expect(summary.mean <= 0.05)
    #expect(summary.p99 <= 0.5)
  }
}
