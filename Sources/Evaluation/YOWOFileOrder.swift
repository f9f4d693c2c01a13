/// The order in which YOWO reads a split's per-frame detection files: sorted file names
/// `<video id with / as _>_<frame:05d>.txt` (YOWO's `test_ucf24_jhmdb` writer, then Padilla's
/// `glob` + `sort`), compared as Python compares strings (by code point: UTF-8 byte order).
///
/// It equals split order except where one label's name is a prefix of another's: on UCF-101-24
/// `BasketballDunk_…` sorts before `Basketball_…` (`D` < `_`) although the split lists
/// `Basketball/` first. Padilla's stable sort keeps equal scores in this order.
enum YOWOFileOrder {
  /// The rank of each annotated frame of `groundTruth` (split `videos`) in YOWO's file order.
  static func ranks(of groundTruth: FlatGroundTruth, videos: [String]) -> [Int32] {
    var names: [[UInt8]] = []
    names.reserveCapacity(groundTruth.frameNumber.count)
    for (v, video) in videos.enumerated() {
      let prefix = Array(video.replacingOccurrences(of: "/", with: "_").utf8) + [UInt8(ascii: "_")]
      for f in Int(groundTruth.videoStart[v])..<Int(groundTruth.videoStart[v + 1]) {
        names.append(prefix + fileNumber(Int(groundTruth.frameNumber[f])))
      }
    }
    let order = names.indices.sorted { a, b in
      names[a] == names[b] ? a < b : names[a].lexicographicallyPrecedes(names[b])
    }
    var rank = [Int32](repeating: 0, count: names.count)
    for (r, f) in order.enumerated() { rank[f] = Int32(r) }
    return rank
  }

  /// `%05d.txt` of `frame` as bytes (Python's `'%05d' % frame`: at least five digits, sign first).
  private static func fileNumber(_ frame: Int) -> [UInt8] {
    let digits = String(abs(frame))
    let padded = String(repeating: "0", count: max(0, (frame < 0 ? 4 : 5) - digits.count)) + digits
    return Array(((frame < 0 ? "-" : "") + padded + ".txt").utf8)
  }
}
