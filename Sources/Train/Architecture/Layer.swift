/// One layer of a head with its weights.
public enum Layer: Sendable {
    case gru(GRU)
    case batchNorm(BatchNorm)
    case dropout(Dropout)
    case dense(Dense)

    public var spec: LayerSpec {
        switch self {
        case let .gru(l): return .gru(units: l.units, returnSequences: l.returnSequences)
        case .batchNorm: return .batchNorm
        case let .dropout(l): return .dropout(rate: l.rate)
        case let .dense(l): return .dense(units: l.units, relu: l.relu)
        }
    }

    /// Name stem used in parameter names, Keras-like.
    var kindName: String {
        switch self {
        case .gru: return "gru"
        case .batchNorm: return "batch_normalization"
        case .dropout: return "dropout"
        case .dense: return "dense"
        }
    }

    /// What backward needs from forward.
    public enum Cache: Sendable {
        case gru(GRU.Cache)
        case batchNorm(BatchNorm.Cache)
        case dropout(Dropout.Cache)
        case dense(Dense.Cache)
    }
}
