import Flow
import Testing

/// The 8-bit flow encoding: `round(255 (v + 20) / 40)` halves to even, clipped to 0…255.
@Suite struct FlowQuantizerTests {
  @Test func bytesOfKnownValues() {
    let q = FlowQuantizer()
    #expect(q.byte(0) == 128)  // 127.5 rounds to even
    #expect(q.byte(-20) == 0)
    #expect(q.byte(20) == 255)
    #expect(q.byte(-25) == 0)
    #expect(q.byte(1e9) == 255)
    #expect(q.byte(-.infinity) == 0)
    #expect(q.byte(.nan) == 128)
    #expect(q.byte(1) == 134)  // 255 · 21 / 40 = 133.875
    #expect(q.byte(-1) == 121)  // 255 · 19 / 40 = 121.125
  }

  @Test func roundTripIsWithinHalfAStep() {
    let q = FlowQuantizer()
    let step = Float(40.0 / 255.0)
    for i in -2000...2000 {
      let v = Float(i) / 100
      let back = q.pixels(q.byte(v))
      #expect(abs(back - v) <= step / 2 + 1e-5, "\(v) → \(q.byte(v)) → \(back)")
    }
  }

  @Test func unitScaleSpansMinusOneToOne() {
    #expect(FlowQuantizer.unit(0) == -1)
    #expect(FlowQuantizer.unit(255) == 1)
    #expect(abs(FlowQuantizer.unit(128) - 0.0039) < 1e-4)
  }

  @Test func encodesBothComponents() throws {
    let flow = try #require(FlowField(width: 2, height: 1, dx: [0, 20], dy: [-20, 30]))
    let (x, y) = FlowQuantizer().encode(flow)
    #expect(x.pixels == [128, 255])
    #expect(y.pixels == [0, 255])
    let back = try #require(FlowQuantizer().decode(x: x, y: y))
    #expect(back.dx[1] == 20 && back.dy[0] == -20)
  }
}
