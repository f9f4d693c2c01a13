import Datasets
import Foundation
import Media
import Primitives
import Testing

@Suite struct PicklerAndJPEGTests {
  @Test func picklerRoundTripsEveryValueKind() throws {
    let array = NumpyArray(dtype: .float32, shape: [2, 5], data: (0..<40).map { UInt8($0 * 7 % 256) })
    let bytesArray = NumpyArray(dtype: .uint8, shape: [3], data: [0, 200, 255])
    let value = PickleValue.dict([
      .init(
        key: .string("ints"),
        value: .list([0, 255, 256, 65535, 65536, -1, -70000, 1 << 40, -(1 << 62), .max].map(PickleValue.int))),
      .init(
        key: .string("text é ✓"),
        value: .tuple([.float(0.1), .float(-2e300), .bool(true), .bool(false), .none])),
      .init(key: .int(3), value: .bytes([0, 0x80, 0xFF])),
      .init(
        key: .string("tuples"),
        value: .list([.tuple([]), .tuple([.int(1)]), .tuple((0..<5).map(PickleValue.int))])),
      .init(key: .string("arrays"), value: .list([.array(array), .array(bytesArray)])),
      .init(key: .string("long"), value: .list((0..<2500).map(PickleValue.int))),
    ])
    #expect(try Unpickler.load(Pickler.dump(value)) == value)
  }

  @Test func jpegEncoderIsDeterministicAndDecodesCloseToTheInput() throws {
    var image = RGBImage(width: 64, height: 48)
    for y in 0..<48 {
      for x in 0..<64 { image[x, y] = (UInt8(x * 4), UInt8(y * 5), UInt8((x + y) * 2)) }
    }
    let first = try JPEGEncoder(width: 64, height: 48, quality: 2).encode(image)
    let encoder = try JPEGEncoder(width: 64, height: 48, quality: 2)
    _ = try encoder.encode(RGBImage(width: 64, height: 48))
    #expect(try encoder.encode(image) == first)
    #expect(first.starts(with: [0xFF, 0xD8, 0xFF]))
    #expect(!String(decoding: first, as: UTF8.self).contains("Lavc"))  // bit-exact: no version string

    let folder = SyntheticTestSupport.temporaryPath("jpeg")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    _ = FileManager.default.createFile(atPath: "\(folder)/00001.jpg", contents: Data(first))
    var decoded: [RGBImage] = []
    try VideoReader(path: folder).forEachFrame { _, frame in decoded.append(frame) }
    let back = try #require(decoded.first)
    let error = zip(back.pixels, image.pixels).map { abs(Int($0) - Int($1)) }
    #expect(Double(error.reduce(0, +)) / Double(error.count) < 3)
    #expect(throws: MediaError.self) { try encoder.encode(RGBImage(width: 10, height: 10)) }
    #expect(throws: MediaError.self) { try JPEGEncoder(width: 64, height: 48, quality: 40) }
  }
}
