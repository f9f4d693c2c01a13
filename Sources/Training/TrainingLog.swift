import Foundation
import Rendering

/// One optimiser step as logged in `RUN/log.csv`.
public struct StepRecord: Sendable, Equatable {
  /// 1-based step number.
  public var step: Int
  /// Losses averaged over the step's samples.
  public var rpnObjectness: Float
  /// RPN box regression loss.
  public var rpnLocalization: Float
  /// Head classification loss.
  public var headClassification: Float
  /// Head box regression loss.
  public var headLocalization: Float
  /// Weighted total.
  public var total: Float
  /// Learning rate used.
  public var learningRate: Float
  /// Wall-clock seconds of the step.
  public var seconds: Double
  /// Fraction of the step's foreground ROIs whose highest class score is their class (a sign that
  /// the head learns actions, not only boxes); nil in rows of logs written before it was recorded.
  public var headForegroundAccuracy: Float?

  /// The CSV header.
  public static let header =
    "step,rpn_objectness,rpn_localization,head_classification,head_localization,total,lr,seconds,"
    + "head_fg_accuracy"

  /// The CSV row (floats with 9 significant digits, so they read back exactly).
  public var csvRow: String {
    let values = [rpnObjectness, rpnLocalization, headClassification, headLocalization, total, learningRate]
    return "\(step)," + values.map { String(format: "%.9g", $0) }.joined(separator: ",")
      + String(format: ",%.4f", seconds) + (headForegroundAccuracy.map { String(format: ",%.4f", $0) } ?? ",")
  }

  /// Parses a row written by ``csvRow`` (or by a version without the accuracy column); nil for
  /// anything else.
  public init?(csvRow: Substring) {
    let f = csvRow.split(separator: ",", omittingEmptySubsequences: false)
    guard f.count == 8 || f.count == 9, let step = Int(f[0]), let s = Double(f[7]) else { return nil }
    let v = f[1...6].compactMap { Float($0) }
    guard v.count == 6 else { return nil }
    self.init(
      step: step, rpnObjectness: v[0], rpnLocalization: v[1], headClassification: v[2],
      headLocalization: v[3],
      total: v[4], learningRate: v[5], seconds: s)
    if f.count == 9 { headForegroundAccuracy = Float(f[8]) }
  }

  /// A record with every value.
  public init(
    step: Int, rpnObjectness: Float, rpnLocalization: Float, headClassification: Float,
    headLocalization: Float,
    total: Float, learningRate: Float, seconds: Double, headForegroundAccuracy: Float? = nil
  ) {
    self.step = step
    self.rpnObjectness = rpnObjectness
    self.rpnLocalization = rpnLocalization
    self.headClassification = headClassification
    self.headLocalization = headLocalization
    self.total = total
    self.learningRate = learningRate
    self.seconds = seconds
    self.headForegroundAccuracy = headForegroundAccuracy
  }
}

/// `RUN/log.csv` (one row per step, appended as the run goes) and `RUN/loss.png`.
public struct TrainingLog {
  /// The CSV file.
  public let path: String
  /// Rows so far.
  public private(set) var records: [StepRecord] = []
  private var handle: FileHandle?

  /// Opens the log of a run at `path`, keeping the rows of steps `1...keepThrough` already in it
  /// (a resumed run drops the rows after its checkpoint) and rewriting the file with them.
  public init(path: String, keepThrough: Int) throws {
    self.path = path
    if let data = FileManager.default.contents(atPath: path) {
      records = String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst()
        .compactMap(StepRecord.init(csvRow:)).filter { $0.step <= keepThrough }
    }
    let text = ([StepRecord.header] + records.map(\.csvRow)).joined(separator: "\n") + "\n"
    let temporary = path + ".partial-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)),
      rename(temporary, path) == 0
    else {
      unlink(temporary)
      throw TrainingError.unwritableRunFolder(path: path, reason: String(cString: strerror(errno)))
    }
    handle = FileHandle(forWritingAtPath: path)
    _ = try handle?.seekToEnd()
  }

  /// Appends one row.
  public mutating func append(_ record: StepRecord) {
    records.append(record)
    handle?.write(Data((record.csvRow + "\n").utf8))
  }

  /// Draws the loss curves (total and the four terms against the step) as a PNG at `path`.
  public func plot(to path: String) throws {
    guard !records.isEmpty else { return }
    var plot = LinePlot(title: "training loss", xTitle: "step", yTitle: "loss")
    let series: [(String, KeyPath<StepRecord, Float>, Colour)] = [
      ("total", \.total, Colour(30, 30, 30)), ("rpn objectness", \.rpnObjectness, Colour(230, 25, 75)),
      ("rpn box", \.rpnLocalization, Colour(245, 130, 48)),
      ("head class", \.headClassification, Colour(0, 130, 200)),
      ("head box", \.headLocalization, Colour(60, 180, 75)),
    ]
    plot.series = series.map { name, key, colour in
      LinePlot.Series(name: name, colour: colour, points: records.map { (Float($0.step), $0[keyPath: key]) })
    }
    let finite = records.map(\.total).filter(\.isFinite)
    plot.xRange = Float(records.first!.step)...Float(max(records.last!.step, records.first!.step + 1))
    plot.yRange = 0...max(finite.max() ?? 1, 1e-6)
    let temporary = path + ".partial-\(getpid()).png"
    do {
      try plot.render().writePNG(to: temporary)
    } catch {
      unlink(temporary)
      throw TrainingError.unwritableRunFolder(path: path, reason: "\(error)")
    }
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw TrainingError.unwritableRunFolder(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
