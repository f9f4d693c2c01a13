import Foundation
import Tensor

/// Command-line options of bench-trunks.
struct BenchOptions {
  var threads = 2
  var runs = 3
  var warmup = 1
  var profileRuns = 2
  var sgemmRuns = 3
  var networks: Set<String> = ["resnet50", "s3dg"]
  var ortPath: String?
  var ortKindsPath: String?
  var layers = false
  var waitIdle: Double = 0
  var rounds = 1
  /// Busy time each side spends on untimed runs before each round when a peer runs (`--round-warmup`
  /// SECONDS; 0: one run each).
  var roundWarmupSeconds = 1.0
  var peerPython: String?
  var peerScript = "tools/ort_peer_server.py"
  var peerModels: String?
  var cacheMB: Int?
  var networksModule = true
  var layerFilter: String?
  var precision = ComputePrecision.fp32
  var bf16Gemm = false

  /// What `--help` prints.
  static let usage = """
    bench-trunks: the ResNet-50 (to layer3) and S3D-G (to Mixed_4e) trunks, per layer kind, against raw
    sgemm and ONNX Runtime (tools/bench_trunks.sh runs it with ONNX Runtime beside it).
      --threads N            threads (default 2)
      --runs N               timed runs per round (default 3)
      --rounds N             rounds, alternated with the peer run by run (default 1)
      --warmup N             untimed runs before the timed ones (default 1)
      --round-warmup SECONDS untimed runs before each round, of each side (default 1; 0: one run)
      --wait-idle SECONDS    before each round, wait up to this long for an idle second (default 0)
      --only resnet50|s3dg   one trunk only
      --networks-module yes|no   also time the Networks module's trunks (default yes)
      --profile-runs N       profiled runs per layer kind (default 2)
      --sgemm-runs N         sgemm runs per GEMM shape (default 3; 0: none)
      --peer-python PY --peer-models DIR [--peer-script F]   ONNX Runtime kept running beside
      --ort F, --ort-kinds F ONNX Runtime's results (JSON lines) from the peer scripts
      --precision fp32|bf16  GEMM precision of our side (bf16 needs AVX512_BF16)
      --cache-mb N           the buffer cache's limit
      --layers all|NAME      time single layers against sgemm instead
      --bf16-gemm ROUNDS     the bf16 GEMM kernel against sgemm, one thread, CPU time
    """

  /// Parses `--threads N --runs N --warmup N --profile-runs N --only resnet50|s3dg --ort F --ort-kinds F --layers all|NAME --networks-module yes|no --cache-mb N --rounds N --round-warmup SECONDS --wait-idle SECONDS --peer-python PY --peer-models DIR [--peer-script F] [--precision fp32|bf16] [--bf16-gemm ROUNDS]`.
  static func parse(_ args: ArraySlice<String>) -> BenchOptions {
    var o = BenchOptions()
    var it = args.makeIterator()
    while let a = it.next() {
      if a == "--help" || a == "-h" {
        print(usage)
        exit(0)
      }
      let value = it.next() ?? ""
      switch a {
      case "--threads": o.threads = Int(value) ?? o.threads
      case "--runs": o.runs = Int(value) ?? o.runs
      case "--warmup": o.warmup = Int(value) ?? o.warmup
      case "--profile-runs": o.profileRuns = Int(value) ?? o.profileRuns
      case "--sgemm-runs": o.sgemmRuns = Int(value) ?? o.sgemmRuns
      case "--only":
        guard ["resnet50", "s3dg"].contains(value) else {
          let message = "bench-trunks: --only takes resnet50 or s3dg, not \"\(value)\"\n"
          FileHandle.standardError.write(Data(message.utf8))
          exit(2)
        }
        o.networks = [value]
      case "--ort": o.ortPath = value
      case "--ort-kinds": o.ortKindsPath = value
      case "--wait-idle": o.waitIdle = Double(value) ?? 0
      case "--rounds": o.rounds = max(1, Int(value) ?? 1)
      case "--round-warmup": o.roundWarmupSeconds = max(0, Double(value) ?? o.roundWarmupSeconds)
      case "--peer-python": o.peerPython = value
      case "--peer-script": o.peerScript = value
      case "--peer-models": o.peerModels = value
      case "--cache-mb": o.cacheMB = Int(value)
      case "--networks-module": o.networksModule = value != "no"
      case "--precision":
        guard let p = ComputePrecision(rawValue: value) else {
          FileHandle.standardError.write(
            Data("bench-trunks: --precision is fp32 or bf16, got '\(value)'\n".utf8))
          exit(2)
        }
        o.precision = p
      case "--bf16-gemm":
        o.bf16Gemm = true
        o.rounds = Int(value) ?? 5
      case "--layers":
        o.layers = true
        o.layerFilter = value == "all" ? nil : value
      default:
        FileHandle.standardError.write(Data("bench-trunks: unknown option \(a) (--help lists them)\n".utf8))
        exit(2)
      }
    }
    return o
  }
}

/// ONNX Runtime timings read from JSON lines written by the peer scripts.
struct OrtResults {
  /// Per model: best and median milliseconds (from files, or from alternated subprocess runs).
  var summary: [String: (best: Double, median: Double)] = [:]
  /// Per model and layer kind: milliseconds.
  var kinds: [String: [String: Double]] = [:]

  /// Reads `peer_onnxruntime.py --json` lines (`--ort`) and `tools/ort_kinds.py` lines (either may be absent).
  init(summary: String?, kinds: String?) {
    for line in Self.lines(summary) {
      guard let model = line["model"] as? String, let best = line["min_ms"] as? Double,
        let median = line["median_ms"] as? Double
      else { continue }
      self.summary[model] = (best, median)
    }
    for line in Self.lines(kinds) {
      guard let model = line["model"] as? String, let kind = line["kind"] as? String,
        let value = line["ms"] as? Double
      else { continue }
      self.kinds[model, default: [:]][kind] = value
    }
  }

  private static func lines(_ path: String?) -> [[String: Any]] {
    guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }
}
