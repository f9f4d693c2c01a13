import CKernelsBF16
import Testing

@testable import Tensor

/// The vector builds of the Winograd output row (`ckf32_winograd_output_row`, AVX-512 and AVX2) give
/// the bits of the scalar loop (``Winograd/outputRowLoops(_:stride:width:bias:residual:relu:into:)``)
/// on rows of one, several and many vectors' tiles, whole and cut short, with and without residual
/// and ReLU, and write nothing past the row.
@Suite(.enabled(if: !f32KernelLevels.isEmpty, "this CPU has neither AVX-512F nor AVX2 with FMA"))
struct WinogradOutputRowTests {
  struct Case: CustomStringConvertible, Sendable {
    var width: Int
    var residual: Bool
    var relu: Bool
    var description: String { "width \(width)\(residual ? " residual" : "")\(relu ? " relu" : "")" }
  }

  static let cases: [Case] = [
    Case(width: 25, residual: true, relu: true),  // ResNet layer 3: 7 tiles, the last cut to one
    Case(width: 50, residual: false, relu: true),
    Case(width: 100, residual: true, relu: false),  // layer 1: 25 tiles, two AVX-512 vectors
    Case(width: 64, residual: false, relu: false),  // one whole AVX-512 step
    Case(width: 1, residual: true, relu: true),
    Case(width: 3, residual: false, relu: true),
    Case(width: 130, residual: true, relu: true),  // three steps, the last short
  ]

  @Test(arguments: cases, f32KernelLevels)
  func vectorBuildGivesTheBitsOfTheLoop(_ c: Case, level: Int) {
    var rng = SeededRandom(seed: UInt64(c.width * 7 + (c.residual ? 1 : 0)))
    let tiles = (c.width + 3) / 4
    // Stride past the tiles, as in a chunk of several tile rows; values of both signs (ReLU).
    let stride = tiles + 3
    let y = (0..<(4 * stride)).map { _ in rng.next() * 4 - 2 }
    let residual = (0..<c.width).map { _ in rng.next() - 0.5 }
    let marker: Float = 1234.5
    var expected = [Float](repeating: marker, count: c.width + 20)
    var got = expected
    y.withUnsafeBufferPointer { yp in
      residual.withUnsafeBufferPointer { rp in
        let r = c.residual ? rp.baseAddress : nil
        expected.withUnsafeMutableBufferPointer { out in
          Winograd.outputRowLoops(
            yp.baseAddress!, stride: stride, width: c.width, bias: 0.25, residual: r, relu: c.relu,
            into: out.baseAddress!)
        }
        got.withUnsafeMutableBufferPointer { out in
          ckf32_winograd_output_row_on(
            Int32(level), yp.baseAddress!, stride, c.width, 0.25, r, c.relu ? 1 : 0, out.baseAddress!)
        }
      }
    }
    let mismatches = got.indices.filter { got[$0].bitPattern != expected[$0].bitPattern }
    #expect(mismatches.isEmpty, "\(mismatches.count) elements differ, first at \(mismatches.first ?? -1)")
    #expect(got[c.width...].allSatisfy { $0 == marker }, "wrote past the row")
  }
}
