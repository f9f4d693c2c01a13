import Testing

@testable import Tensor

/// When the temporal Winograd F(4, 3) route is taken (its results: `WinogradTests`).
@Suite(.enabled(if: Winograd.mode != 0, "TENSOR_WINOGRAD=0 builds no transformed weights"))
struct TemporalWinogradTests {
  /// Taken on 10-step maps (3 tiles for 28 direct tap slices), not on 5-step ones (2 tiles for 13).
  @Test func sizeRule() {
    let conv = Convolution(weight: Tensor(shape: [32, 32, 3, 1, 1], repeating: 0.1), padding: .same)
    func pays(_ t: Int) -> Bool {
      TemporalWinograd.pays(conv.geometry([1, 32, t, 4, 4]).t, inputChannels: 32, outputChannels: 32)
    }
    #expect(pays(10) && pays(20) && !pays(5) && !pays(3) && !pays(1))
    let strided = Convolution(weight: Tensor(shape: [32, 32, 3, 1, 1], repeating: 0.1), stride: [2, 1, 1])
    #expect(strided.temporalWinogradWeights == nil)
  }
}
