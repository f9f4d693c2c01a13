#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only memory mapping of a whole file; the mapping lives as long as this object.
final class MappedFile: @unchecked Sendable {
  /// The path the file was opened from (for error messages).
  let path: String
  /// The file size in bytes.
  let count: Int
  private let base: UnsafeRawPointer?

  /// Maps `path` read-only; an empty file is valid and maps nothing.
  init(path: String) throws {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw WeightError.systemCall(file: path, call: "open", errno: errno) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw WeightError.systemCall(file: path, call: "fstat", errno: errno) }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw WeightError.malformed(file: path, step: "file type", detail: "expected a regular file")
    }
    let size = Int(info.st_size)
    var mapped: UnsafeRawPointer? = nil
    if size > 0 {
      let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
      guard let pointer, pointer != MAP_FAILED else {
        throw WeightError.systemCall(file: path, call: "mmap", errno: errno)
      }
      mapped = UnsafeRawPointer(pointer)
    }
    self.path = path
    self.count = size
    self.base = mapped
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }

  /// Lends the bytes `range` (already checked by the caller to lie inside the file) to `body`.
  func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the mapped file")
    guard let base, !range.isEmpty else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
  }
}
