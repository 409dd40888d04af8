/// What a run returns: the per-epoch history and the head with the weights of the best epoch (lowest val loss).
public struct TrainingResult: Sendable {
    public let history: [EpochRecord]
    public let bestEpoch: Int
    public let bestHead: Head
    public let stoppedEarly: Bool
}
