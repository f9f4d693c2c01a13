import Tensor

/// Runs a network's `stages` (each named by an endpoint) in order on `x` with `run`, keeping the
/// outputs of the endpoints in `wanted` (shared by ``ResNet50`` and ``S3DG``).
func outputs<Endpoint: Hashable, Stage>(
  of stages: [(endpoint: Endpoint, stage: Stage)], on x: Tensor, wanted: Set<Endpoint>,
  run: (Stage, Tensor) -> Tensor
) -> [Endpoint: Tensor] {
  var outputs: [Endpoint: Tensor] = [:]
  var y = x
  for (endpoint, stage) in stages {
    y = run(stage, y)
    if wanted.contains(endpoint) { outputs[endpoint] = y }
  }
  return outputs
}
