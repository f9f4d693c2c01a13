import Networks
import Testing

@Suite struct S3DGConfigurationTests {
  @Test func jsonRoundTripKeepsEverySwitch() throws {
    for configuration in [
      S3DGConfiguration.torchvision, .tfSlimS3DG, .howTo100M, .i3d.stages(.mixed_4f, .mixed_5c),
    ] {
      let text = try configuration.jsonString()
      #expect(!text.contains("\n"))
      #expect(try S3DGConfiguration(jsonString: text) == configuration)
    }
    #expect(try S3DGConfiguration.tfSlimS3DG.jsonString().contains("\"Mixed_4e\"") == false)
    #expect(
      try S3DGConfiguration.tfSlimS3DG.stages(.conv2d_1a, .mixed_4e).jsonString().contains("\"Mixed_4e\""))
  }

  @Test func invalidConfigurationsAreClearErrors() throws {
    var bad = S3DGConfiguration.tfSlimS3DG
    bad.stem = .full(temporalKernel: 0)
    #expect(throws: ConfigurationError.self) { try bad.validate() }
    bad = .torchvision.stages(.mixed_5c, .mixed_4e)
    #expect(throws: ConfigurationError("S3DG stages Mixed_5c...Mixed_4e are in the wrong order")) {
      try bad.validate()
    }
    var text = try S3DGConfiguration.torchvision.jsonString()
    text = text.replacingOccurrences(of: "\"Logits\"", with: "\"Mixed_9z\"")
    #expect(throws: ConfigurationError.self) { try S3DGConfiguration(jsonString: text) }
    #expect(throws: ConfigurationError.self) { try S3DGConfiguration(jsonString: "{") }
  }
}
