/// What flows between layers: a batch of sequences [batch, steps, features] with a per-step valid mask
/// [batch, steps] (1 = real frame, 0 = padding). After the last GRU the data is flat: steps == 1, mask all ones,
/// so Dense, Dropout and BatchNorm treat every (batch, step) pair as one row either way.
public struct Activations: Sendable, Equatable {
    public var values: [Float]   // [batch, steps, features]
    public var mask: [Float]     // [batch, steps]
    public let batch: Int
    public let steps: Int
    public let features: Int

    public init(values: [Float], mask: [Float], batch: Int, steps: Int, features: Int) {
        precondition(values.count == batch * steps * features, "values must be [batch, steps, features]")
        precondition(mask.count == batch * steps, "mask must be [batch, steps]")
        self.values = values
        self.mask = mask
        self.batch = batch
        self.steps = steps
        self.features = features
    }

    /// Flat [batch, features] data: one always-valid step.
    public init(flat values: [Float], batch: Int, features: Int) {
        self.init(values: values, mask: [Float](repeating: 1, count: batch), batch: batch, steps: 1, features: features)
    }

    public var rows: Int { batch * steps }
}
