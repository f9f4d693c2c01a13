#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `TENSOR_*` environment variables that switch a route or a behaviour off (or force it on) for
/// measurements, read once per process where each switch is declared.
enum EnvironmentSwitch {
  /// The integer value of environment variable `name`, or -1 when it is unset or not a number.
  static func value(_ name: String) -> Int {
    guard let value = getenv(name) else { return -1 }
    return Int(String(cString: value)) ?? -1
  }

  /// Whether switch `name` leaves its behaviour on: every value but `0` (unset included).
  static func isOn(_ name: String) -> Bool { value(name) != 0 }
}
