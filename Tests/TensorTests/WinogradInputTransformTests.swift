import CKernelsBF16
import Testing

@testable import Tensor

/// The vector builds of the Winograd input transform (`ckf32_winograd_input_row`, AVX-512 and AVX2)
/// give the bits of the scalar loops (``Winograd/transformTileRowLoops(plane:height:width:top:left:tiles:into:stride:)``)
/// on windows that cross every edge of the plane, on tile rows of one, several and many vector
/// chunks (16 lanes on AVX-512, 8 on AVX2).
@Suite(.enabled(if: !f32KernelLevels.isEmpty, "this CPU has neither AVX-512F nor AVX2 with FMA"))
struct WinogradInputTransformTests {
  struct Case: CustomStringConvertible, Sendable {
    var height: Int
    var width: Int
    var top: Int
    var left: Int
    var tiles: Int
    var description: String { "plane \(height)×\(width) window (\(top), \(left)) tiles \(tiles)" }
  }

  static let cases: [Case] = [
    Case(height: 20, width: 25, top: -1, left: -1, tiles: 7),  // ResNet layer 3, first tile row
    Case(height: 20, width: 25, top: 15, left: -1, tiles: 7),  // its last: rows past the plane
    Case(height: 40, width: 50, top: 7, left: -1, tiles: 13),
    Case(height: 9, width: 64, top: 2, left: 0, tiles: 16),  // one whole AVX-512 chunk
    Case(height: 6, width: 75, top: 0, left: -2, tiles: 19),  // a whole chunk and a partial one
    Case(height: 5, width: 130, top: -3, left: -1, tiles: 33),  // rows above the plane, three chunks
    Case(height: 3, width: 4, top: -1, left: -1, tiles: 1),
    Case(height: 7, width: 9, top: 4, left: 3, tiles: 3),  // windows starting inside the plane
    Case(height: 7, width: 9, top: 8, left: 0, tiles: 2),  // every row below the plane
    Case(height: 7, width: 5, top: 0, left: 9, tiles: 4),  // every column right of the plane
  ]

  @Test(arguments: cases, f32KernelLevels)
  func vectorBuildGivesTheBitsOfTheLoops(_ c: Case, level: Int) {
    var rng = SeededRandom(seed: UInt64(c.height * 1000 + c.width))
    let plane = (0..<(c.height * c.width)).map { _ in rng.next() * 3 }
    // Stride past the tiles, the gap marked: the transform writes only its tiles.
    let stride = c.tiles + 5
    let marker: Float = 1234.5
    var expected = [Float](repeating: marker, count: Winograd.elements * stride)
    var got = expected
    plane.withUnsafeBufferPointer { p in
      expected.withUnsafeMutableBufferPointer { v in
        Winograd.transformTileRowLoops(
          plane: p.baseAddress!, height: c.height, width: c.width, top: c.top, left: c.left, tiles: c.tiles,
          into: v.baseAddress!, stride: stride)
      }
      got.withUnsafeMutableBufferPointer { v in
        ckf32_winograd_input_row_on(
          Int32(level), p.baseAddress!, c.height, c.width, c.top, c.left, c.tiles, v.baseAddress!, stride)
      }
    }
    let mismatches = got.indices.filter { got[$0].bitPattern != expected[$0].bitPattern }
    #expect(mismatches.isEmpty, "\(mismatches.count) elements differ, first at \(mismatches.first ?? -1)")
  }
}
