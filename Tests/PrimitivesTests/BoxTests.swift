import Primitives
import Testing

@Suite struct BoxTests {
  @Test func iouOfIdenticalBoxesIsOne() {
    let b = Box(x1: 10, y1: 20, x2: 30, y2: 60)
    #expect(b.iou(with: b) == 1)
  }

  @Test func iouOfHalfOverlap() {
    let a = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    let b = Box(x1: 5, y1: 0, x2: 15, y2: 10)
    // intersection 50, union 150
    #expect(abs(a.iou(with: b) - 1.0 / 3.0) < 1e-6)
  }

  @Test func disjointAndInvertedBoxesHaveZeroIoU() {
    let a = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    #expect(a.iou(with: Box(x1: 20, y1: 20, x2: 30, y2: 30)) == 0)
    #expect(a.iou(with: Box(x1: 8, y1: 8, x2: 2, y2: 2)) == 0)
    #expect(!Box(x1: 8, y1: 8, x2: 2, y2: 2).isValid)
  }

  @Test func clippingKeepsBoxInsideImage() {
    let b = Box(x1: -5, y1: 10, x2: 400, y2: 300).clipped(width: 320, height: 240)
    #expect(b == Box(x1: 0, y1: 10, x2: 320, y2: 240))
  }
}
