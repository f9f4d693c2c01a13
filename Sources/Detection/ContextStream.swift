import Networks
import Tensor

/// What the context trunk (S3D-G) of a detector sees: RGB frames (the paper) or optical flow (the
/// second stream of I3D's two-stream networks). The keyframe trunk and the RPN always see the RGB
/// keyframe.
///
/// Flow reaches the detector as "flow frames": `RGBImage`s whose red channel is the stored x byte
/// and green channel the stored y byte of one frame pair (blue unused; the 8-bit encoding of
/// `Flow`'s `FlowQuantizer`, ±20 px ↦ 0…255), so that resizing, clip picking, shared context and
/// augmentation handle them as frames. The context input of a flow clip is then the stored flow's
/// unit values `byte / 127.5 − 1` in [−1, 1] (I3D's flow input; no ImageNet normalisation):
/// `[1, 2, T, H, W]`, x then y. Resizing a flow frame resizes the bytes and keeps the values
/// (displacements are not rescaled to the input size, as the datasets' resized flow).
///
/// Clip frame `i` (0-based) of a flow clip is pair `i + 1` (1-based: the flow from frame `i + 1`
/// to frame `i + 2`), and the video's last frame repeats the last pair: a clip of frames `k − L/2 …`
/// uses the flow leaving each of its frames.
public enum ContextStream: String, Sendable, Codable, CaseIterable {
  /// RGB frames, normalised as the S3D-G preset says.
  case rgb
  /// Optical flow: 2 input channels (x, y) in [−1, 1].
  case flow

  /// Input channels of the context trunk's stem: 3 for RGB, 2 for flow.
  public var inputChannels: Int { self == .rgb ? 3 : 2 }
}

/// How a clip tensor `[1, 3, T, H, W]` of bytes (frames, or packed flow frames) becomes the context
/// trunk's input.
public struct ContextInput: Sendable {
  /// The stream whose frames the clip holds.
  public let stream: ContextStream
  /// The RGB normalisation (unused for flow).
  public let normalization: InputNormalization

  /// The input of `stream`, RGB clips normalised by `normalization`.
  public init(stream: ContextStream, normalization: InputNormalization) {
    self.stream = stream
    self.normalization = normalization
  }

  /// RGB: `normalization(clip)`. Flow: channels 0 and 1 (x, y bytes) as `byte / 127.5 − 1`,
  /// `[n, 2, T, H, W]`.
  public func callAsFunction(_ clip: Tensor) -> Tensor {
    switch stream {
    case .rgb: return normalization(clip)
    case .flow: return Self.flowUnits(clip)
    }
  }

  /// Channels 0 and 1 of `clip` (`[n, 3, …]`, bytes) as `[n, 2, …]` in [−1, 1].
  public static func flowUnits(_ clip: Tensor) -> Tensor {
    precondition(
      clip.rank >= 2 && clip.shape[1] == 3, "ContextInput: clip \(clip.shape), [n, 3, ...] expected")
    let n = clip.shape[0]
    let plane = clip.count / max(n * 3, 1)
    var shape = clip.shape
    shape[1] = 2
    var y = Tensor(shape: shape)
    clip.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer { out in
        for s in 0..<n {
          for c in 0..<2 {
            let (from, to) = ((s * 3 + c) * plane, (s * 2 + c) * plane)
            for i in 0..<plane { out[to + i] = x[from + i] / 127.5 - 1 }
          }
        }
      }
    }
    return y
  }
}
