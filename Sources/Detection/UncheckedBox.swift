/// Wraps a value shared across threads whose accesses the caller keeps disjoint.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
