import Flow
import Foundation
import Testing

/// Flow stored as x/y JPEGs and read back: within half a quantisation step plus JPEG's error.
@Suite struct FlowStorageTests {
  @Test func writeThenRead() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flow-tests-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let pair = try FlowFixtures.pair("biking_f040")
    let flow = pair.reference
    let writer = try FlowImageWriter(folder: folder, width: flow.width, height: flow.height)
    try writer.write(flow, pair: 7)
    #expect(FileManager.default.fileExists(atPath: folder + "/x_00007.jpg"))
    #expect(FileManager.default.fileExists(atPath: folder + "/y_00007.jpg"))
    let listing = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(listing == ["x_00007.jpg", "y_00007.jpg"])  // no temporary file left

    let reader = FlowImageReader(folder: folder)
    let (x, y) = try reader.images(pair: 7)
    let (ex, ey) = FlowQuantizer().encode(flow)
    let stored: [UInt8] = x.pixels + y.pixels
    let encoded: [UInt8] = ex.pixels + ey.pixels
    let byteErrors: [Int] = zip(stored, encoded).map { (a: UInt8, b: UInt8) -> Int in abs(Int(a) - Int(b)) }
    let meanByteError = Double(byteErrors.reduce(0, +)) / Double(byteErrors.count)
    print("JPEG qscale 2 on biking_f040: mean byte error \(meanByteError), max \(byteErrors.max() ?? 0)")
    #expect(meanByteError < 0.5)
    #expect((byteErrors.max() ?? 0) <= 10)

    let pixels = try reader.pixels(pair: 7)
    let epe = EndPointSummary(pixels.endPointErrors(to: flow))
    print("stored and read back vs float flow: \(epe)")
    #expect(epe.mean < 0.15)
    let unit = try reader.unit(pair: 7)
    #expect(unit.dx.allSatisfy { (-1...1).contains($0) })
  }

  @Test func missingFileIsAOneLineError() {
    let reader = FlowImageReader(folder: "/nonexistent-flow")
    #expect(throws: FlowError.self) { try reader.pixels(pair: 1) }
    do {
      _ = try reader.pixels(pair: 1)
    } catch {
      #expect(error.description == "/nonexistent-flow/x_00001.jpg: file not found")
    }
  }
}
