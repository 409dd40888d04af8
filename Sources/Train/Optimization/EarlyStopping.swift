/// Keras EarlyStopping on val loss with restore_best_weights: stop after `patience` epochs without an
/// improvement larger than `minDelta`; the trainer keeps the weights of the best epoch.
public struct EarlyStopping: Sendable {
    public let patience: Int
    public let minDelta: Float
    public private(set) var bestLoss = Float.infinity
    public private(set) var bestEpoch = -1
    private var wait = 0

    public init(patience: Int, minDelta: Float = 0) {
        self.patience = patience
        self.minDelta = minDelta
    }

    /// Records an epoch; returns whether it is the new best (the caller snapshots weights then).
    public mutating func observe(epoch: Int, validationLoss: Float) -> Bool {
        if validationLoss < bestLoss - minDelta {
            bestLoss = validationLoss
            bestEpoch = epoch
            wait = 0
            return true
        }
        wait += 1
        return false
    }

    public var shouldStop: Bool { wait >= patience }
}
